/* tsc_fragment.c -- fragments, units, pairing, blocks, overlap assignment, best unit per feature.
 * Part of tsc (Telescope in C). MIT licence.  Spec: telescope-spec.md §4-§6.1. */
#include <stdlib.h>
#include <string.h>
#include "tsc_fragment.h"

/* ---------------------------------------------------------------- options, context */

void tsc_frag_opt_init(tsc_frag_opt_t *o)
{
    o->overlap_threshold = 0.2;
    o->strand_mode = TSC_STRAND_NONE;
}

static const char *const strand_names[] = { "None", "RF", "R", "FR", "F" };

int tsc_strand_mode_parse(const char *s)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(s, strand_names[i]) == 0) return i;
    return -1;
}

const char *tsc_strand_mode_name(int mode)
{
    return mode >= 0 && mode < 5 ? strand_names[mode] : "?";
}

tsc_frag_ctx_t *tsc_frag_ctx_init(const tsc_annot_t *a, const sam_hdr_t *hdr, const tsc_frag_opt_t *o)
{
    tsc_frag_ctx_t *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    c->annot = a;
    c->opt = *o;
    c->n_tid = hdr ? sam_hdr_nref(hdr) : 0;
    c->tid2chrom = malloc((c->n_tid > 0 ? c->n_tid : 1) * sizeof(int32_t));
    if (!c->tid2chrom) { free(c); return NULL; }
    for (int32_t i = 0; i < c->n_tid; i++) {
        c->tid2chrom[i] = tsc_annot_chrom_id(a, sam_hdr_tid2name(hdr, i));
        if (c->tid2chrom[i] >= 0) c->n_matched++;
    }
    return c;
}

void tsc_frag_ctx_destroy(tsc_frag_ctx_t *c)
{
    if (!c) return;
    free(c->tid2chrom);
    free(c);
}

/* ---------------------------------------------------------------- records */

void tsc_frag_init(tsc_frag_t *f)
{
    memset(f, 0, sizeof(*f));
}

void tsc_frag_free(tsc_frag_t *f)
{
    if (!f) return;
    free(f->name.s); free(f->rec); free(f->blk); free(f->unit); free(f->map);
    free(f->tab); free(f->ent); free(f->mb); free(f->q); free(f->tally); free(f->grp);
    memset(f, 0, sizeof(*f));
}

void tsc_frag_clear(tsc_frag_t *f)
{
    f->name.l = 0;
    if (f->name.s) f->name.s[0] = 0;
    f->n_rec = f->n_blk = f->n_unit = f->n_map = f->n_mapped = f->n_zb = 0;
    f->has_locus = 0;
    f->cls = TSC_FC_SU;
    f->err_rec = -1;
}

/* grow an {n, m, a} array of int32_t capacity to hold N */
#define GROW32(a, m, n) ((n) <= (m) ? 0 : grow32((void **)&(a), &(m), (n), sizeof(*(a))))
static int grow32(void **a, int32_t *m, int64_t n, size_t sz)
{
    if (n > INT32_MAX / 2) return -1;
    int64_t nm = *m < 16 ? 16 : *m;
    while (nm < n) nm += nm >> 1;
    if (nm > INT32_MAX) nm = INT32_MAX;
    void *p = realloc(*a, (size_t)nm * sz);
    if (!p) return -1;
    *a = p; *m = (int32_t)nm;
    return 0;
}

int tsc_frag_add(tsc_frag_t *f, const bam1_t *b, int64_t idx)
{
    const bam1_core_t *c = &b->core;
    if (GROW32(f->rec, f->m_rec, f->n_rec + 1) < 0) return TSC_FRAG_E_NOMEM;
    if (f->n_rec == 0) {
        f->name.l = 0;
        if (kputs(bam_get_qname(b), &f->name) < 0) return TSC_FRAG_E_NOMEM;
    }
    tsc_rec_t *r = &f->rec[f->n_rec];
    r->idx = idx;
    r->flag = c->flag;
    r->tid = c->tid; r->pos = c->pos;
    r->mtid = c->mtid; r->mpos = c->mpos;
    r->isize = c->isize;
    r->has_as = 0; r->as = 0; r->bad_cigar = 0; r->nh = 0;
    const uint8_t *as = bam_aux_get(b, "AS");
    if (as) {
        switch (*as) { /* integer types only: AS:Z or AS:f is as good as missing */
        case 'c': case 'C': case 's': case 'S': case 'i': case 'I': {
            int64_t v = bam_aux2i(as);
            if (v >= INT32_MIN / 4 && v <= INT32_MAX / 4) { r->as = (int32_t)v; r->has_as = 1; }
            break;
        }
        default: break;
        }
    }
    /* blocks: one per M/=/X run (pysam get_blocks) */
    r->b_off = f->n_blk; r->n_b = 0;
    const uint32_t *cig = bam_get_cigar(b);
    hts_pos_t p = c->pos;
    if (GROW32(f->blk, f->m_blk, 2 * ((int64_t)f->n_blk + c->n_cigar)) < 0) return TSC_FRAG_E_NOMEM;
    for (uint32_t i = 0; i < c->n_cigar; i++) {
        int op = bam_cigar_op(cig[i]);
        hts_pos_t len = bam_cigar_oplen(cig[i]);
        switch (op) {
        case BAM_CMATCH: case BAM_CEQUAL: case BAM_CDIFF:
            if (len == 0) { r->bad_cigar = 1; break; }
            f->blk[2 * f->n_blk] = p; f->blk[2 * f->n_blk + 1] = p + len;
            f->n_blk++; r->n_b++;
            p += len;
            break;
        case BAM_CDEL: case BAM_CREF_SKIP:
            p += len;
            break;
        default: break;
        }
    }
    f->n_rec++;
    return 0;
}

int tsc_frag_add_rec(tsc_frag_t *f, const tsc_rec_t *r, const hts_pos_t *blk)
{
    if (GROW32(f->rec, f->m_rec, f->n_rec + 1) < 0) return TSC_FRAG_E_NOMEM;
    if (GROW32(f->blk, f->m_blk, 2 * ((int64_t)f->n_blk + r->n_b)) < 0) return TSC_FRAG_E_NOMEM;
    tsc_rec_t *d = &f->rec[f->n_rec++];
    *d = *r;
    d->b_off = f->n_blk;
    tsc_blk_copy(f->blk + 2 * f->n_blk, blk, r->n_b);
    f->n_blk += r->n_b;
    return 0;
}

static inline int is_first_kind(uint16_t flag) /* primary, and read 1 or unpaired */
{
    return !(flag & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY)) && (!(flag & BAM_FPAIRED) || (flag & BAM_FREAD1));
}

static inline int is_primary_read2(uint16_t flag)
{
    return !(flag & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY)) && (flag & BAM_FPAIRED) && !(flag & BAM_FREAD1);
}

static void move_to(tsc_frag_t *f, int32_t from, int32_t to)
{
    if (from <= to) return;
    tsc_rec_t r = f->rec[from];
    memmove(&f->rec[to + 1], &f->rec[to], (size_t)(from - to) * sizeof(tsc_rec_t));
    f->rec[to] = r;
}

void tsc_frag_primary_first(tsc_frag_t *f)
{
    int32_t k = 0, i;
    for (i = 0; i < f->n_rec; i++)
        if (is_first_kind(f->rec[i].flag)) { move_to(f, i, k++); break; }
    if (k == 1 && (f->rec[0].flag & BAM_FPAIRED))
        for (i = 1; i < f->n_rec; i++)
            if (is_primary_read2(f->rec[i].flag)) { move_to(f, i, k++); break; }
}

/* ---------------------------------------------------------------- pairing (§4.3) */

/* The pairing key of a record (readkey) or of the mate it looks for (matekey). */
typedef struct {
    hts_pos_t pos, mpos, tlen;
    int32_t tid, mtid;
    int read1;
} pkey_t;

static inline hts_pos_t habs(hts_pos_t x) { return x < 0 ? -x : x; }

static inline pkey_t readkey(const tsc_rec_t *r)
{
    pkey_t k = { r->pos, r->mpos, habs(r->isize), r->tid, r->mtid, !!(r->flag & BAM_FREAD1) };
    return k;
}

static inline pkey_t matekey(const tsc_rec_t *r)
{
    pkey_t k = { r->mpos, r->pos, habs(r->isize), r->mtid, r->tid, !(r->flag & BAM_FREAD1) };
    return k;
}

static inline int pkey_eq(pkey_t a, pkey_t b)
{
    return a.pos == b.pos && a.mpos == b.mpos && a.tlen == b.tlen && a.tid == b.tid &&
           a.mtid == b.mtid && a.read1 == b.read1;
}

static inline uint32_t pkey_hash(pkey_t k)
{
    uint64_t h = (uint64_t)k.pos * 0x9E3779B97F4A7C15ULL;
    h ^= (uint64_t)k.mpos + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
    h ^= (uint64_t)k.tlen * 0xC2B2AE3D27D4EB4FULL + (h << 6) + (h >> 2);
    h ^= ((uint64_t)(uint32_t)k.tid << 32 | (uint32_t)k.mtid) + (h << 6) + (h >> 2);
    h ^= (uint64_t)k.read1;
    h *= 0xFF51AFD7ED558CCDULL;
    return (uint32_t)(h >> 32);
}

/* Does cached record C have the key that record R looks for (matekey(R) == readkey(C))? */
static inline int is_mate(const tsc_rec_t *c, const tsc_rec_t *r)
{
    return c->pos == r->mpos && c->mpos == r->pos && c->tid == r->mtid && c->mtid == r->tid &&
           !!(c->flag & BAM_FREAD1) == !(r->flag & BAM_FREAD1) && habs(c->isize) == habs(r->isize);
}

/* readkey(C) == readkey(R) */
static inline int same_key(const tsc_rec_t *c, const tsc_rec_t *r)
{
    return c->pos == r->pos && c->mpos == r->mpos && c->tid == r->tid && c->mtid == r->mtid &&
           !!(c->flag & BAM_FREAD1) == !!(r->flag & BAM_FREAD1) && habs(c->isize) == habs(r->isize);
}

/* The cache is a Python dict: f->ent[] in insertion order (a record index, or -1 once popped;
 * overwriting keeps the position).  Few entries: a linear scan; beyond LINEAR_MAX live entries a
 * hash table (slots: -1 empty, -2 deleted, else an index into f->ent). */
#define LINEAR_MAX 16

static int32_t tab_find(const tsc_frag_t *f, pkey_t k, int32_t *slot_out)
{
    uint32_t mask = (uint32_t)f->n_tab - 1, i = pkey_hash(k) & mask;
    int32_t first_free = -1;
    for (;;) {
        int32_t s = f->tab[i];
        if (s == -1) { if (slot_out) *slot_out = first_free >= 0 ? first_free : (int32_t)i; return -1; }
        if (s == -2) { if (first_free < 0) first_free = (int32_t)i; }
        else if (pkey_eq(readkey(&f->rec[f->ent[s]]), k)) { if (slot_out) *slot_out = (int32_t)i; return s; }
        i = (i + 1) & mask;
    }
}

static int tab_build(tsc_frag_t *f)
{
    int32_t cap = 8; /* a power of two, at least twice the records: probes always end */
    while (cap < 2 * f->n_rec + 2) cap <<= 1;
    if (cap > f->m_tab) {
        int32_t *p = realloc(f->tab, (size_t)cap * sizeof(int32_t));
        if (!p) return -1;
        f->tab = p; f->m_tab = cap;
    }
    f->n_tab = cap;
    memset(f->tab, 0xff, (size_t)cap * sizeof(int32_t));
    for (int32_t e = 0; e < f->n_ent; e++) {
        int32_t slot;
        if (f->ent[e] < 0) continue;
        tab_find(f, readkey(&f->rec[f->ent[e]]), &slot);
        f->tab[slot] = e;
    }
    return 0;
}

static int push_unit(tsc_frag_t *f, int32_t r1, int32_t r2)
{
    if (GROW32(f->unit, f->m_unit, f->n_unit + 1) < 0) return -1;
    tsc_unit_t *u = &f->unit[f->n_unit++];
    u->r1 = r1; u->r2 = r2;
    u->as = 0; u->alnlen = 0; u->feat = -2; u->pri = 0;
    u->mapped = !(f->rec[r1].flag & BAM_FUNMAP);
    return 0;
}

static int pair_units(tsc_frag_t *f)
{
    int32_t alive = 0, hashed = 0, lo = 0; /* ent[0..lo) are all popped */
    if (GROW32(f->ent, f->m_ent, f->n_rec) < 0) return -1;
    f->n_ent = 0;
    for (int32_t i = 0; i < f->n_rec; i++) {
        const tsc_rec_t *r = &f->rec[i];
        int32_t e = -1, slot = -1;
        if (!(r->flag & BAM_FPAIRED)) { if (push_unit(f, i, -1) < 0) return -1; continue; }
        while (lo < f->n_ent && f->ent[lo] < 0) lo++;
        if (hashed) e = tab_find(f, matekey(r), &slot);
        else
            for (int32_t j = lo; j < f->n_ent; j++)
                if (f->ent[j] >= 0 && is_mate(&f->rec[f->ent[j]], r)) { e = j; break; }
        if (e >= 0) { /* mate found: pop it */
            int32_t m = f->ent[e];
            f->ent[e] = -1;
            if (hashed) f->tab[slot] = -2;
            alive--;
            if (r->flag & BAM_FREAD1) { if (push_unit(f, i, m) < 0) return -1; }
            else if (push_unit(f, m, i) < 0) return -1;
            continue;
        }
        if (hashed) e = tab_find(f, readkey(r), &slot);
        else
            for (int32_t j = lo; j < f->n_ent; j++)
                if (f->ent[j] >= 0 && same_key(&f->rec[f->ent[j]], r)) { e = j; break; }
        if (e >= 0) { f->ent[e] = i; continue; } /* Q6: an identical key is overwritten, the older record lost */
        f->ent[f->n_ent] = i;
        if (hashed) f->tab[slot] = f->n_ent;
        f->n_ent++;
        if (++alive > LINEAR_MAX && !hashed) {
            if (tab_build(f) < 0) return -1;
            hashed = 1;
        }
    }
    for (int32_t e = 0; e < f->n_ent; e++)
        if (f->ent[e] >= 0 && push_unit(f, f->ent[e], -1) < 0) return -1;
    return 0;
}

static int make_units(tsc_frag_t *f)
{
    const tsc_rec_t *r0 = &f->rec[0];
    f->n_unit = 0;
    if (!(r0->flag & BAM_FPAIRED)) f->cls = (r0->flag & BAM_FUNMAP) ? TSC_FC_SU : TSC_FC_SM;
    else if (r0->flag & BAM_FPROPER_PAIR) f->cls = TSC_FC_PM;
    else if (f->n_rec == 2 && (f->rec[0].flag & BAM_FUNMAP) && (f->rec[1].flag & BAM_FUNMAP)) f->cls = TSC_FC_PU;
    else f->cls = TSC_FC_PX;
    if (f->cls == TSC_FC_PM) return pair_units(f);
    if (f->cls == TSC_FC_PU) return push_unit(f, 0, 1);
    for (int32_t i = 0; i < f->n_rec; i++)
        if (push_unit(f, i, -1) < 0) return -1;
    return 0;
}

/* ---------------------------------------------------------------- blocks */

static int cmp_block(const void *a, const void *b)
{
    const hts_pos_t *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Merged blocks of unit U into f->mb (sorted, joined when next.start - end <= 1); returns the
 * number of merged blocks and the summed length in *alnlen, or -1 on OOM. */
static int32_t merge_blocks(tsc_frag_t *f, const tsc_unit_t *u, int64_t *alnlen)
{
    const tsc_rec_t *a = &f->rec[u->r1], *b = u->r2 >= 0 ? &f->rec[u->r2] : NULL;
    int32_t n = a->n_b + (b ? b->n_b : 0);
    if (GROW32(f->mb, f->m_mb, 2 * (int64_t)n + 2) < 0) return -1;
    tsc_blk_copy(f->mb, f->blk + 2 * a->b_off, a->n_b);
    if (b) tsc_blk_copy(f->mb + 2 * a->n_b, f->blk + 2 * b->b_off, b->n_b);
    if (n > 32) qsort(f->mb, (size_t)n, 2 * sizeof(hts_pos_t), cmp_block);
    else /* insertion sort: a few blocks, mostly in order */
        for (int32_t i = 1; i < n; i++) {
            hts_pos_t s = f->mb[2 * i], e = f->mb[2 * i + 1];
            int32_t j = i;
            while (j > 0 && (f->mb[2 * j - 2] > s || (f->mb[2 * j - 2] == s && f->mb[2 * j - 1] > e))) {
                f->mb[2 * j] = f->mb[2 * j - 2]; f->mb[2 * j + 1] = f->mb[2 * j - 1]; j--;
            }
            f->mb[2 * j] = s; f->mb[2 * j + 1] = e;
        }
    int32_t k = 0;
    int64_t len = 0;
    for (int32_t i = 0; i < n; i++) {
        hts_pos_t s = f->mb[2 * i], e = f->mb[2 * i + 1];
        if (k > 0 && s - f->mb[2 * k - 1] <= 1) {
            if (e > f->mb[2 * k - 1]) f->mb[2 * k - 1] = e;
        } else {
            f->mb[2 * k] = s; f->mb[2 * k + 1] = e; k++;
        }
    }
    for (int32_t i = 0; i < k; i++) len += f->mb[2 * i + 1] - f->mb[2 * i];
    *alnlen = len;
    return k;
}

/* ---------------------------------------------------------------- overlap (§5) */

/* Tie rule (Q2, documented in tsc-fetch.1): among loci with the same summed overlap, the locus
 * first met by the leftmost merged block wins; loci first met by the same block rank by the start
 * of their interval on it, the latest start first (the inner of nested elements), then by the
 * earliest end, then by annotation order. */
static inline int tally_before(const tsc_tally_t *x, const tsc_tally_t *y)
{
    if (x->block != y->block) return x->block < y->block;
    if (x->beg != y->beg) return x->beg > y->beg;
    if (x->end != y->end) return x->end < y->end;
    return x->locus < y->locus;
}

int32_t tsc_frag_assign(tsc_frag_t *f, const tsc_frag_ctx_t *ctx, int32_t chrom, const hts_pos_t *mb,
                        int32_t n_mb, int64_t alnlen, char strand)
{
    const tsc_annot_t *a = ctx->annot;
    if (chrom < 0 || !a) return -1;
    f->n_tally = 0;
    for (int32_t b = 0; b < n_mb; b++) {
        hts_pos_t s = mb[2 * b], e = mb[2 * b + 1];
        /* Q1: the block is queried as [s-1, e) (upstream queries GTF [s, e+1)) */
        hts_pos_t qs = s > 0 ? s - 1 : 0;
        int64_t nq = tsc_annot_query(a, chrom, qs, e, &f->q, &f->m_q);
        if (nq < 0) return -2;
        for (int64_t j = 0; j < nq; j++) {
            const tsc_iv_t *iv = &a->iv[f->q[j]];
            if (strand && iv->strand != strand) continue;
            hts_pos_t lo = iv->beg > qs ? iv->beg : qs, hi = iv->end < e ? iv->end : e;
            if (hi <= lo) continue;
            int32_t t;
            for (t = 0; t < f->n_tally; t++)
                if (f->tally[t].locus == iv->locus) break;
            if (t == f->n_tally) {
                if (GROW32(f->tally, f->m_tally, f->n_tally + 1) < 0) return -2;
                tsc_tally_t *y = &f->tally[f->n_tally++];
                y->locus = iv->locus; y->block = b; y->ovl = 0; y->beg = iv->beg; y->end = iv->end;
            } else if (f->tally[t].block == b && (iv->beg > f->tally[t].beg ||
                       (iv->beg == f->tally[t].beg && iv->end < f->tally[t].end))) {
                f->tally[t].beg = iv->beg; f->tally[t].end = iv->end;
            }
            f->tally[t].ovl += hi - lo;
        }
    }
    if (f->n_tally == 0) return -1;
    int32_t best = 0;
    for (int32_t t = 1; t < f->n_tally; t++) {
        const tsc_tally_t *x = &f->tally[t], *y = &f->tally[best];
        if (x->ovl > y->ovl || (x->ovl == y->ovl && tally_before(x, y))) best = t;
    }
    /* only the winner is tested, as a float comparison (strict) */
    if ((double)f->tally[best].ovl > (double)alnlen * ctx->opt.overlap_threshold) return f->tally[best].locus;
    return -1;
}

static char unit_strand(const tsc_frag_t *f, const tsc_unit_t *u, int mode)
{
    if (mode == TSC_STRAND_NONE) return 0;
    const char *m = strand_names[mode];
    int rev = !!(f->rec[u->r1].flag & BAM_FREVERSE);
    if (u->r2 >= 0) /* two segments: last letter (Q12) */
        return m[strlen(m) - 1] == 'F' ? (rev ? '+' : '-') : (rev ? '-' : '+');
    return m[0] == 'F' ? (rev ? '-' : '+') : (rev ? '+' : '-'); /* one segment: first letter (Q13) */
}

/* ---------------------------------------------------------------- the fragment */

/* Could the blocks of A and B (B may be NULL) overlap a locus on CHROM, queried as tsc_frag_assign
 * does ([s - 1, e) per block)?  Their span against the annotation's bitmap: 0 means surely not. */
static int unit_near(const tsc_frag_t *f, const tsc_frag_ctx_t *ctx, int32_t chrom, const tsc_rec_t *a,
                     const tsc_rec_t *b)
{
    const tsc_rec_t *r[2] = { a, b };
    for (int k = 0; k < 2; k++) {
        if (!r[k] || r[k]->n_b == 0) continue;
        const hts_pos_t *bl = f->blk + 2 * r[k]->b_off;
        /* a record's blocks come in reference order, without overlap */
        if (tsc_annot_maybe(ctx->annot, chrom, bl[0] - 1, bl[2 * r[k]->n_b - 1])) return 1;
    }
    return 0;
}

int tsc_frag_process(tsc_frag_t *f, const tsc_frag_ctx_t *ctx)
{
    f->n_unit = f->n_map = f->n_mapped = f->n_zb = 0;
    f->has_locus = 0;
    f->err_rec = -1;
    if (f->n_rec == 0) return 0;
    if (make_units(f) < 0) return TSC_FRAG_E_NOMEM;
    if (f->cls == TSC_FC_SU || f->cls == TSC_FC_PU) return 0;
    /* alnscore of every mapped unit, and the extremes (§4.4 step 4) */
    for (int32_t i = 0; i < f->n_unit; i++) {
        tsc_unit_t *u = &f->unit[i];
        if (!u->mapped) continue;
        const tsc_rec_t *a = &f->rec[u->r1], *b = u->r2 >= 0 ? &f->rec[u->r2] : NULL;
        if (!a->has_as) { f->err_rec = u->r1; return TSC_FRAG_E_NOAS; }
        if (b && !b->has_as) { f->err_rec = u->r2; return TSC_FRAG_E_NOAS; }
        u->as = a->as + (b ? b->as : 0);
        if (f->n_mapped == 0 || u->as < f->as_min) f->as_min = u->as;
        if (f->n_mapped == 0 || u->as > f->as_max) f->as_max = u->as;
        f->n_mapped++;
    }
    /* feature of every mapped unit (§5); a unit whose blocks lie where no locus is gets none
     * without the overlap (most units), and its merged length only if the fragment needs it */
    int far = 0;
    for (int32_t i = 0; i < f->n_unit; i++) {
        tsc_unit_t *u = &f->unit[i];
        if (!u->mapped) continue;
        const tsc_rec_t *a = &f->rec[u->r1], *b = u->r2 >= 0 ? &f->rec[u->r2] : NULL;
        if (a->bad_cigar) { f->err_rec = u->r1; return TSC_FRAG_E_CIGAR; }
        if (b && b->bad_cigar) { f->err_rec = u->r2; return TSC_FRAG_E_CIGAR; }
        if (a->n_b + (b ? b->n_b : 0) == 0) { f->err_rec = u->r1; return TSC_FRAG_E_NOBLOCK; }
        int32_t tid = a->tid; /* r2's blocks are queried on r1's reference too */
        int32_t chrom = tid >= 0 && tid < ctx->n_tid ? ctx->tid2chrom[tid] : -1;
        if (chrom < 0 || !unit_near(f, ctx, chrom, a, b)) {
            u->feat = -1;
            u->alnlen = -1; /* not yet */
            far = 1;
            continue;
        }
        int64_t alnlen;
        int32_t nmb = merge_blocks(f, u, &alnlen);
        if (nmb < 0) return TSC_FRAG_E_NOMEM;
        u->alnlen = (int32_t)alnlen;
        int32_t ft = tsc_frag_assign(f, ctx, chrom, f->mb, nmb, alnlen, unit_strand(f, u, ctx->opt.strand_mode));
        if (ft == -2) return TSC_FRAG_E_NOMEM;
        u->feat = ft;
        if (ft >= 0) f->has_locus = 1;
    }
    if (!f->has_locus) return 0;
    for (int32_t i = 0; far && i < f->n_unit; i++) {
        tsc_unit_t *u = &f->unit[i];
        int64_t alnlen;
        if (!u->mapped || u->alnlen >= 0) continue;
        if (merge_blocks(f, u, &alnlen) < 0) return TSC_FRAG_E_NOMEM;
        u->alnlen = (int32_t)alnlen;
    }
    /* best unit per feature, first-appearance order of features (§6.1) */
    if (GROW32(f->grp, f->m_grp, f->n_unit) < 0) return TSC_FRAG_E_NOMEM;
    if (GROW32(f->map, f->m_map, f->n_unit) < 0) return TSC_FRAG_E_NOMEM;
    int32_t ng = 0;
    for (int32_t i = 0; i < f->n_unit; i++) {
        tsc_unit_t *u = &f->unit[i];
        if (!u->mapped) continue;
        int32_t g;
        for (g = 0; g < ng; g++)
            if (f->unit[f->grp[g]].feat == u->feat) break;
        if (g == ng) f->grp[ng++] = i;
        else {
            const tsc_unit_t *b = &f->unit[f->grp[g]];
            if ((int64_t)u->as + u->alnlen > (int64_t)b->as + b->alnlen) f->grp[g] = i;
        }
    }
    for (int32_t i = 0; i < f->n_unit; i++) f->unit[i].pri = 0;
    for (int32_t g = 0; g < ng; g++) {
        tsc_unit_t *b = &f->unit[f->grp[g]];
        b->pri = 1;
        tsc_map_t *m = &f->map[g];
        m->feat = b->feat; m->as = b->as; m->alnlen = b->alnlen;
    }
    /* stable sort by AS descending (insertion sort: few mappings) */
    for (int32_t i = 1; i < ng; i++) {
        tsc_map_t x = f->map[i];
        int32_t j = i;
        while (j > 0 && f->map[j - 1].as < x.as) { f->map[j] = f->map[j - 1]; j--; }
        f->map[j] = x;
    }
    f->n_map = ng;
    f->n_zb = 1;
    while (f->n_zb < ng && f->map[f->n_zb].as == f->map[0].as) f->n_zb++;
    return 0;
}

/* ---------------------------------------------------------------- counters */

void tsc_frag_counts_init(tsc_frag_counts_t *c)
{
    memset(c, 0, sizeof(*c));
}

void tsc_frag_count(tsc_frag_counts_t *c, const tsc_frag_t *f)
{
    if (f->n_rec == 0) return;
    c->total++;
    if (f->cls == TSC_FC_SU || f->cls == TSC_FC_PU) { c->cls[f->cls]++; return; }
    if (f->n_mapped == 0) { c->cls[TSC_FC_PU]++; return; } /* Q17 fixed: counted as unmapped */
    c->cls[f->cls]++;
    if (f->n_mapped > 1) c->ambig++; else c->unique++;
    if (!c->has_as || f->as_min < c->as_min) c->as_min = f->as_min;
    if (!c->has_as || f->as_max > c->as_max) c->as_max = f->as_max;
    c->has_as = 1;
    if (f->has_locus) c->with_locus++;
}

void tsc_frag_counts_merge(tsc_frag_counts_t *a, const tsc_frag_counts_t *b)
{
    a->total += b->total;
    for (int i = 0; i < TSC_FC_N; i++) a->cls[i] += b->cls[i];
    a->unique += b->unique; a->ambig += b->ambig;
    a->with_locus += b->with_locus;
    if (b->has_as) {
        if (!a->has_as || b->as_min < a->as_min) a->as_min = b->as_min;
        if (!a->has_as || b->as_max > a->as_max) a->as_max = b->as_max;
        a->has_as = 1;
    }
}
