/* tsc_fetch_sorted.c -- coordinate-sorted input (Q3 fixed) and the --prefilter mode.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Coordinate-sorted input, exact mode:
 *  pass 1  finds T, the names with a mapped record whose left-extended span [pos-1, end) overlaps
 *          a locus interval (on its own reference, or for paired records also on the mate's,
 *          since Telescope queries read 2's blocks on read 1's reference).  With an index it reads
 *          only the loci regions; without one, the whole file.
 *  pass 2  reads the whole file. Records of names in T are kept (compactly) and each such
 *          fragment is processed at the end exactly as a collated bundle, its primary read-1
 *          record first.  Every other fragment touches no locus: it only adds to the counters,
 *          computed on the fly without keeping its records:
 *            - total and class at its primary read-1 (or unpaired) record;
 *            - units: proper-pair records are paired by Telescope's keys in a table of mates
 *              still to come (a mate is due at its mate position, so the table holds only pairs
 *              that span the current position); other records are units alone;
 *            - AS extremes over mapped units;
 *            - unique/ambig: the 128-bit name hashes of fragments with a mapped unit besides the
 *              one of their primary read 1 are kept with a count (memory: multi-mapped fragments
 *              outside the loci, ~33 bytes each).
 * Output records come in the order of each fragment's first record in the file; the ordinal is
 * that record's number. */
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <htslib/hts_endian.h>
#include <htslib/khash.h>
#include "tsc_fetch_internal.h"

/* ---------------------------------------------------------------- the kept fragments (T) */

/* A kept record, packed: BAM's fields are 32-bit (a fragment with a wider value is kept unpacked) */
typedef struct {
    int64_t idx;
    int32_t pos, mpos, isize, tid, mtid, as, nh;
    uint16_t flag, n_b;
    uint8_t has_as, bad_cigar;
} prec_t;

typedef struct {
    char *name;
    int64_t first;       /* number of its first record (pass 2 or prefilter pass); -1 = unseen */
    prec_t *prec;        /* its records, packed, until processed; blocks in pblk (start, end) */
    int32_t *pblk;
    tsc_rec_t *rec;      /* or (wide) as they are, b_off into blk */
    hts_pos_t *blk;
    int32_t n_rec, m_rec, n_blk, m_blk; /* of the arrays in use; n_blk counts values */
    uint8_t wide;
    int32_t nh[3], seen[3]; /* per read (1, 2, unpaired): NH tag, mapped non-supplementary records */
    uint8_t no_early;    /* never complete before the end (an unmapped record, no NH, ...) */
    uint8_t done;        /* processed early: emit (a HITS record), map, n_map hold the result */
    uint8_t emit;
    uint8_t has_tags;
    tsc_map_t *map;
    int32_t n_map;
    char *cb, *ub;       /* single cell: tags of its primary read-1 (or unpaired) record */
} tfrag_t;

/* Read names are keyed by two 64-bit hashes (a collision needs 2^64 names) */
typedef struct { uint64_t a, b; } nkey_t;
static inline khint_t nkey_hash(nkey_t k) { return (khint_t)(k.a >> 32) ^ (khint_t)k.a; }
static inline int nkey_eq(nkey_t x, nkey_t y) { return x.a == y.a && x.b == y.b; }
static inline nkey_t name_key2(const char *qn, size_t l)
{
    nkey_t k = { tsc_name_hash(qn, l, TSC_SEED1), tsc_name_hash(qn, l, TSC_SEED2) };
    return k;
}
static inline nkey_t name_key(const bam1_t *b)
{
    return name_key2(bam_get_qname(b), b->core.l_qname - 1 - b->core.l_extranul);
}
KHASH_INIT(tname, nkey_t, int64_t, 1, nkey_hash, nkey_eq)
/* single cell: names of the fragments the barcode/UMI filters drop -> TSC_SC_* reason */
KHASH_INIT(scerr, nkey_t, uint8_t, 1, nkey_hash, nkey_eq)

/* the record that decides a fragment's class, and so (single cell) its barcode and UMI */
static inline int is_first_kind(uint16_t flag)
{
    return !(flag & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY)) && (!(flag & BAM_FPAIRED) || (flag & BAM_FREAD1));
}

static inline int class_of(uint16_t flag)
{
    if (!(flag & BAM_FPAIRED)) return (flag & BAM_FUNMAP) ? TSC_FC_SU : TSC_FC_SM;
    if (flag & BAM_FPROPER_PAIR) return TSC_FC_PM;
    if ((flag & BAM_FUNMAP) && (flag & BAM_FMUNMAP)) return TSC_FC_PU;
    return TSC_FC_PX;
}

typedef struct {
    khash_t(tname) *h;
    tfrag_t *fr;
    int64_t n_fr, m_fr;
    int64_t n_rec;       /* records kept in all */
    int64_t n_live, max_live; /* records held now, and at most */
    int64_t n_early;     /* fragments processed before the end */
    int late;            /* a record came for a fragment processed early */
    hts_pos_t *ublk;     /* scratch: blocks of an unpacked record */
    int32_t m_ublk;
} tstore_t;

static void tfrag_free_recs(tfrag_t *t)
{
    free(t->prec); free(t->pblk); free(t->rec); free(t->blk);
    t->prec = NULL; t->pblk = NULL; t->rec = NULL; t->blk = NULL;
    t->n_rec = t->m_rec = t->n_blk = t->m_blk = 0;
    t->wide = 0;
}

static inline int fits32(hts_pos_t x) { return x >= INT32_MIN && x <= INT32_MAX; }

/* Packed record I of T (not wide) as a tsc_rec_t with its blocks in *BLK (scratch of *MB). */
static int prec_unpack(const tfrag_t *t, int32_t i, tsc_rec_t *r, hts_pos_t **blk, int32_t *mb, int32_t *boff)
{
    const prec_t *p = &t->prec[i];
    memset(r, 0, sizeof(*r));
    r->idx = p->idx; r->pos = p->pos; r->mpos = p->mpos; r->isize = p->isize;
    r->tid = p->tid; r->mtid = p->mtid; r->as = p->as; r->nh = p->nh;
    r->flag = p->flag; r->n_b = p->n_b; r->has_as = p->has_as; r->bad_cigar = p->bad_cigar;
    if (2 * (int32_t)p->n_b > *mb) {
        int32_t m = 2 * (int32_t)p->n_b;
        hts_pos_t *q = realloc(*blk, (size_t)m * sizeof(hts_pos_t));
        if (!q) return -1;
        *blk = q; *mb = m;
    }
    for (int32_t k = 0; k < 2 * (int32_t)p->n_b; k++) (*blk)[k] = t->pblk[*boff + k];
    *boff += 2 * p->n_b;
    return 0;
}

static void tstore_free(tstore_t *s)
{
    if (s->h) kh_destroy(tname, s->h);
    for (int64_t i = 0; i < s->n_fr; i++) {
        free(s->fr[i].name); free(s->fr[i].cb); free(s->fr[i].ub); free(s->fr[i].map);
        tfrag_free_recs(&s->fr[i]);
    }
    free(s->fr);
    free(s->ublk);
    memset(s, 0, sizeof(*s));
}

/* Back to the state after pass 1: the names, nothing seen (for a second pass 2). */
static void tstore_reset(tstore_t *s)
{
    for (int64_t i = 0; i < s->n_fr; i++) {
        tfrag_t *t = &s->fr[i];
        free(t->cb); free(t->ub); free(t->map);
        tfrag_free_recs(t);
        char *name = t->name;
        memset(t, 0, sizeof(*t));
        t->name = name;
        t->first = -1;
    }
    s->n_rec = s->n_live = s->max_live = s->n_early = 0;
    s->late = 0;
}

static int grow64(void **a, int64_t *m, int64_t n, size_t sz)
{
    if (n <= *m) return 0;
    int64_t nm = *m < 64 ? 64 : *m + (*m >> 1);
    if (nm < n) nm = n;
    void *p = realloc(*a, (size_t)nm * sz);
    if (!p) return -1;
    *a = p; *m = nm;
    return 0;
}

static int grow32(void **a, int32_t *m, int64_t n, size_t sz)
{
    if (n <= *m) return 0;
    int64_t nm = *m == 0 ? n : 2 * (int64_t)*m; /* first: what is asked (NH says how many) */
    if (nm < n) nm = n;
    if (nm > INT32_MAX) return -1;
    void *p = realloc(*a, (size_t)nm * sz);
    if (!p) return -1;
    *a = p; *m = (int32_t)nm;
    return 0;
}

static int64_t tstore_get2(tstore_t *s, const char *name, size_t len, nkey_t key);

/* The fragment of read B, created if missing. Returns its index, or -1 on OOM. */
static int64_t tstore_get(tstore_t *s, const bam1_t *b, nkey_t key)
{
    return tstore_get2(s, bam_get_qname(b), b->core.l_qname - 1 - b->core.l_extranul, key);
}

static int64_t tstore_get2(tstore_t *s, const char *name, size_t len, nkey_t key)
{
    khint_t k = kh_get(tname, s->h, key);
    if (k != kh_end(s->h)) return kh_val(s->h, k);
    int64_t m = s->m_fr;
    if (grow64((void **)&s->fr, &m, s->n_fr + 1, sizeof(tfrag_t)) < 0) return -1;
    s->m_fr = m;
    tfrag_t *t = &s->fr[s->n_fr];
    memset(t, 0, sizeof(*t));
    if (!(t->name = strndup(name, len))) return -1;
    t->first = -1;
    int ret;
    k = kh_put(tname, s->h, key, &ret);
    if (ret < 0) { free(t->name); return -1; }
    kh_val(s->h, k) = s->n_fr;
    return s->n_fr++;
}

/* Append the reduced record SC->rec[0] (blocks in SC->blk) to fragment FI. */
static int tstore_add(tstore_t *s, int64_t fi, const tsc_frag_t *sc)
{
    const tsc_rec_t *r = &sc->rec[0];
    tfrag_t *t = &s->fr[fi];
    if (t->done) { s->late = 1; return 0; }
    int fit = !t->wide && fits32(r->pos) && fits32(r->mpos) && fits32(r->isize) && r->n_b <= UINT16_MAX;
    for (int32_t k = 0; fit && k < 2 * r->n_b; k++) fit = fits32(sc->blk[k]);
    if (!fit && !t->wide) { /* unpack what is there */
        tsc_rec_t *w = NULL;
        hts_pos_t *wb = NULL, *tmp = NULL;
        int32_t mt = 0, boff = 0;
        if (t->n_rec && (!(w = malloc((size_t)t->n_rec * sizeof(tsc_rec_t))) ||
                         !(wb = malloc((size_t)(t->n_blk ? t->n_blk : 1) * sizeof(hts_pos_t))))) { free(w); return -1; }
        for (int32_t i = 0; i < t->n_rec; i++) {
            int32_t b0 = boff;
            if (prec_unpack(t, i, &w[i], &tmp, &mt, &boff) < 0) { free(w); free(wb); free(tmp); return -1; }
            w[i].b_off = b0 / 2;
            memcpy(wb + b0, tmp, 2 * (size_t)w[i].n_b * sizeof(hts_pos_t));
        }
        free(tmp);
        free(t->prec); free(t->pblk);
        t->prec = NULL; t->pblk = NULL;
        t->rec = w; t->blk = wb;
        t->m_rec = t->n_rec; t->m_blk = t->n_blk;
        t->wide = 1;
    }
    /* room: all the records NH announces at once (STAR, HISAT2), else doubling */
    int64_t want = t->n_rec + 1;
    if (t->m_rec == 0 && r->nh > 0) want = (r->flag & BAM_FPAIRED ? 2 : 1) * (int64_t)r->nh;
    int64_t wantb = t->n_blk + 2 * (int64_t)r->n_b;
    if (t->m_blk == 0 && want > 1) wantb = want * 2 * (int64_t)r->n_b;
    if (t->wide) {
        if (grow32((void **)&t->rec, &t->m_rec, want, sizeof(tsc_rec_t)) < 0 ||
            grow32((void **)&t->blk, &t->m_blk, wantb, sizeof(hts_pos_t)) < 0)
            return -1;
        tsc_rec_t *d = &t->rec[t->n_rec++];
        *d = *r;
        d->b_off = t->n_blk / 2;
        memcpy(t->blk + t->n_blk, sc->blk, 2 * (size_t)r->n_b * sizeof(hts_pos_t));
    } else {
        if (grow32((void **)&t->prec, &t->m_rec, want, sizeof(prec_t)) < 0 ||
            grow32((void **)&t->pblk, &t->m_blk, wantb, sizeof(int32_t)) < 0)
            return -1;
        prec_t *d = &t->prec[t->n_rec++];
        d->idx = r->idx; d->pos = (int32_t)r->pos; d->mpos = (int32_t)r->mpos; d->isize = (int32_t)r->isize;
        d->tid = r->tid; d->mtid = r->mtid; d->as = r->as; d->nh = r->nh;
        d->flag = r->flag; d->n_b = (uint16_t)r->n_b; d->has_as = r->has_as; d->bad_cigar = r->bad_cigar;
        for (int32_t k = 0; k < 2 * r->n_b; k++) t->pblk[t->n_blk + k] = (int32_t)sc->blk[k];
    }
    t->n_blk += 2 * r->n_b;
    if (t->first < 0) t->first = r->idx;
    s->n_rec++;
    if (++s->n_live > s->max_live) s->max_live = s->n_live;
    /* early completion: NH as STAR and HISAT2 write it (the alignments of each read) */
    int w = !(r->flag & BAM_FPAIRED) ? 2 : (r->flag & BAM_FREAD1) ? 0 : 1;
    if ((r->flag & BAM_FUNMAP) || r->nh <= 0 || (t->nh[w] && t->nh[w] != r->nh)) t->no_early = 1;
    else if (!(r->flag & BAM_FSUPPLEMENTARY)) { t->nh[w] = r->nh; t->seen[w]++; }
    return 0;
}

/* Has fragment T all the records its NH tags announce? */
static int tfrag_complete(const tfrag_t *t)
{
    if (t->no_early) return 0;
    if (t->seen[2]) return !t->seen[0] && !t->seen[1] && t->seen[2] == t->nh[2];
    return t->seen[0] && t->seen[1] && t->seen[0] == t->nh[0] && t->seen[1] == t->nh[1];
}

static int cmp_first(const void *a, const void *b)
{
    const int64_t *x = a, *y = b; /* (first record, fragment) pairs */
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* Process the records of T in FR (scratch): counters; *EMIT: a HITS record (FR's maps). 0 or -1. */
static int tfrag_process(tsc_fetch_t *f, tstore_t *s, const tfrag_t *t, tsc_frag_t *fr, int *emit)
{
    hts_pos_t **blk = &s->ublk; /* scratch of the unpacking */
    int32_t *mb = &s->m_ublk;
    tsc_frag_clear(fr);
    if (kputs(t->name, &fr->name) < 0) { tsc_error("out of memory"); return -1; }
    int32_t boff = 0;
    for (int32_t i = 0; i < t->n_rec; i++) {
        if (t->wide) {
            if (tsc_frag_add_rec(fr, &t->rec[i], t->blk + 2 * (int64_t)t->rec[i].b_off) < 0) { tsc_error("out of memory"); return -1; }
        } else {
            tsc_rec_t r;
            if (prec_unpack(t, i, &r, blk, mb, &boff) < 0 || tsc_frag_add_rec(fr, &r, *blk) < 0) { tsc_error("out of memory"); return -1; }
        }
    }
    tsc_frag_primary_first(fr);
    int e = tsc_frag_process(fr, f->ctx);
    if (e < 0) return tsc_fetch_frag_error(f, fr, e);
    tsc_frag_count(&f->cnt, fr);
    *emit = fr->has_locus;
    if (f->opt.sc && tsc_sc_classify_tags(f->opt.sc, fr, t->cb, t->ub, &f->scc) != TSC_SC_OK) *emit = 0;
    return 0;
}

/* Process T now that it is complete; keep only its result. 0 or -1. */
static int tfrag_early(tsc_fetch_t *f, tstore_t *s, tfrag_t *t, tsc_frag_t *fr)
{
    int emit;
    if (tfrag_process(f, s, t, fr, &emit) < 0) return -1;
    s->n_live -= t->n_rec;
    tfrag_free_recs(t);
    t->done = 1;
    t->emit = (uint8_t)emit;
    if (emit && fr->n_map > 0) {
        if (!(t->map = malloc((size_t)fr->n_map * sizeof(tsc_map_t)))) { tsc_error("out of memory"); return -1; }
        memcpy(t->map, fr->map, (size_t)fr->n_map * sizeof(tsc_map_t));
    }
    t->n_map = emit ? fr->n_map : 0;
    s->n_early++;
    return 0;
}

static int emit_hit(tsc_fetch_t *f, tsc_hitw_t *hw, const tfrag_t *t, int32_t n_map, tsc_map_t *map)
{
    tsc_hit_t x;
    memset(&x, 0, sizeof(x));
    x.frag = t->first;
    x.name = f->opt.keep_names ? t->name : NULL;
    x.n_map = x.m_map = n_map;
    x.map = map;
    if (f->opt.sc) {
        x.n_fld = 2;
        x.fld[0] = t->cb;
        x.fld[1] = t->ub;
    }
    return tsc_hitw_add(hw, &x);
}

/* Process every kept fragment not yet processed, and write the HITS records of all in order of
 * their first record.  PREFILTER: also look for alignments the region pass could not see. */
static int tstore_flush(tsc_fetch_t *f, tstore_t *s, tsc_hitw_t *hw, int prefilter)
{
    int64_t *ord = malloc((size_t)(s->n_fr ? s->n_fr : 1) * 2 * sizeof(int64_t)), n = 0;
    tsc_frag_t fr;
    int ret = -1;
    tsc_frag_init(&fr);
    if (!ord) { tsc_error("out of memory"); return -1; }
    for (int64_t i = 0; i < s->n_fr; i++)
        if (s->fr[i].first >= 0) { ord[2 * n] = s->fr[i].first; ord[2 * n + 1] = i; n++; }
    qsort(ord, (size_t)n, 2 * sizeof(int64_t), cmp_first);
    for (int64_t k = 0; k < n; k++) {
        const tfrag_t *t = &s->fr[ord[2 * k + 1]];
        int emit;
        if (t->done) {
            if (t->emit && emit_hit(f, hw, t, t->n_map, t->map) < 0) goto end;
            continue;
        }
        if (tfrag_process(f, s, t, &fr, &emit) < 0) goto end;
        if (emit && emit_hit(f, hw, t, fr.n_map, fr.map) < 0) goto end;
        if (prefilter) {
            /* per read (1, 2, unpaired): records seen against NH; a mapped mate never seen */
            int32_t seen[3] = { 0, 0, 0 }, nh[3] = { 0, 0, 0 }, any_nh = 0, mate_missing = 0, nmapped = 0;
            for (int32_t i = 0; i < fr.n_rec; i++) {
                const tsc_rec_t *r = &fr.rec[i];
                int w = !(r->flag & BAM_FPAIRED) ? 2 : (r->flag & BAM_FREAD1) ? 0 : 1;
                if (r->flag & BAM_FUNMAP) continue;
                nmapped++;
                if (!(r->flag & BAM_FSUPPLEMENTARY)) seen[w]++;
                if (r->nh > 0) { any_nh = 1; if (r->nh > nh[w]) nh[w] = r->nh; }
            }
            for (int32_t i = 0; i < fr.n_rec; i++) {
                const tsc_rec_t *r = &fr.rec[i];
                if ((r->flag & BAM_FPAIRED) && !(r->flag & BAM_FUNMAP) && !(r->flag & BAM_FMUNMAP) &&
                    seen[(r->flag & BAM_FREAD1) ? 1 : 0] == 0)
                    mate_missing = 1;
            }
            int unseen = mate_missing;
            for (int w = 0; w < 3; w++)
                if (nh[w] > seen[w]) unseen = 1;
            if (unseen) f->pf_unseen++;
            else if (nmapped && !any_nh) f->pf_no_nh++;
            f->pf_frags++;
        }
    }
    ret = 0;
end:
    tsc_frag_free(&fr);
    free(ord);
    return ret;
}

/* ---------------------------------------------------------------- loci regions */

typedef struct {
    int32_t tid;
    hts_pos_t beg, end;
} reg_t;

static int cmp_reg(const void *a, const void *b)
{
    const reg_t *x = a, *y = b;
    if (x->tid != y->tid) return (x->tid > y->tid) - (x->tid < y->tid);
    return (x->beg > y->beg) - (x->beg < y->beg);
}

/* The index's chunks (pairs of virtual offsets, *N_OUT of them) of the records overlapping the
 * loci regions; NULL with *N_OUT = 0 if none, -1 on error (logged). */
static uint64_t *loci_chunks(const tsc_fetch_t *f, reg_t *r, int64_t k, int *n_out)
{
    uint64_t *uv = NULL;
    int64_t n = 0, m = 0;
    *n_out = 0;
    for (int64_t i = 0; i < k; i++) {
        hts_itr_t *it = sam_itr_queryi(f->idx, r[i].tid, r[i].beg, r[i].end);
        if (!it) { tsc_error("%s: cannot query the index %s", f->path, f->idx_path); free(uv); *n_out = -1; return NULL; }
        if (grow64((void **)&uv, &m, n + it->n_off, 2 * sizeof(uint64_t)) < 0 || n + it->n_off > INT32_MAX) {
            hts_itr_destroy(it);
            tsc_error("out of memory"); free(uv); *n_out = -1; return NULL;
        }
        for (int j = 0; j < it->n_off; j++) { uv[2 * n] = it->off[j].u; uv[2 * n + 1] = it->off[j].v; n++; }
        hts_itr_destroy(it);
    }
    *n_out = (int)n;
    return uv;
}

/* Region strings for the iterator: every locus interval on a BAM reference, extended one base to
 * the right (a block starting right after a locus still overlaps it: Q1), merged.  With UV, also
 * the index's chunks of those regions (loci_chunks) in *UV, *N_UV. */
static char **loci_regions(const tsc_fetch_t *f, int *n_out, uint64_t **uv, int *n_uv)
{
    const tsc_annot_t *a = f->annot;
    int32_t *c2t = malloc((size_t)(a->n_chrom ? a->n_chrom : 1) * sizeof(int32_t));
    reg_t *r = malloc((size_t)(a->n_iv ? a->n_iv : 1) * sizeof(reg_t));
    char **out = NULL;
    int64_t n = 0, k = 0;
    *n_out = 0;
    if (!c2t || !r) goto fail;
    for (int32_t c = 0; c < a->n_chrom; c++) c2t[c] = sam_hdr_name2tid(f->hdr, a->chrom[c]);
    for (int64_t i = 0; i < a->n_iv; i++) {
        int32_t t = c2t[a->iv[i].chrom];
        if (t < 0) continue;
        r[n].tid = t; r[n].beg = a->iv[i].beg; r[n].end = a->iv[i].end + 1;
        n++;
    }
    qsort(r, (size_t)n, sizeof(reg_t), cmp_reg);
    for (int64_t i = 0; i < n; i++) {
        if (k > 0 && r[k - 1].tid == r[i].tid && r[i].beg <= r[k - 1].end) {
            if (r[i].end > r[k - 1].end) r[k - 1].end = r[i].end;
        } else r[k++] = r[i];
    }
    if (k > INT32_MAX) goto fail;
    if (uv) {
        *uv = loci_chunks(f, r, k, n_uv);
        if (*n_uv < 0) { free(c2t); free(r); *n_out = -1; return NULL; }
    }
    out = calloc((size_t)(k ? k : 1), sizeof(char *));
    if (!out) goto fail;
    for (int64_t i = 0; i < k; i++) {
        kstring_t s = { 0, 0, NULL };
        /* {name} protects names with ':'; region strings are 1-based, closed */
        if (ksprintf(&s, "{%s}:%" PRId64 "-%" PRId64, sam_hdr_tid2name(f->hdr, r[i].tid),
                     (int64_t)r[i].beg + 1, (int64_t)r[i].end) < 0) goto fail;
        out[i] = s.s;
    }
    free(c2t); free(r);
    *n_out = (int)k;
    return out;
fail:
    tsc_error("out of memory");
    if (out) for (int64_t i = 0; i < k; i++) free(out[i]);
    free(out); free(c2t); free(r);
    *n_out = -1;
    return NULL;
}

/* Could the mapped record B touch a locus? Its span [pos-1, end) against the loci on its reference,
 * and for a paired record also on its mate's reference (Telescope queries read 2's blocks on read
 * 1's reference). */
static int touches(tsc_fetch_t *f, const bam1_t *b, int64_t **q, int64_t *mq)
{
    const bam1_core_t *c = &b->core;
    if (c->flag & BAM_FUNMAP) return 0;
    hts_pos_t s = c->pos > 0 ? c->pos - 1 : 0, e = bam_endpos(b);
    int32_t tids[2] = { c->tid, (c->flag & BAM_FPAIRED) && c->mtid != c->tid ? c->mtid : -1 };
    for (int i = 0; i < 2; i++) {
        if (tids[i] < 0 || tids[i] >= f->ctx->n_tid) continue;
        int32_t chrom = f->ctx->tid2chrom[tids[i]];
        if (chrom < 0) continue;
        int64_t nq = tsc_annot_query(f->annot, chrom, s, e, q, mq);
        if (nq < 0) return -1;
        if (nq > 0) return 1;
    }
    return 0;
}

/* Does the mapped record X overlap a locus on its own reference, as the index's iterator over the
 * loci regions sees it (its span [pos, end) against the loci extended one base each side)? */
static int touches_raw(tsc_fetch_t *f, const tsc_bamraw_t *x, int64_t **q, int64_t *mq)
{
    if ((x->flag & BAM_FUNMAP) || x->tid < 0 || x->tid >= f->ctx->n_tid) return 0;
    int32_t chrom = f->ctx->tid2chrom[x->tid];
    if (chrom < 0) return 0;
    const uint8_t *cig = x->p + 32 + (le_to_u32(x->p + 8) & 0xff);
    uint32_t nc = le_to_u32(x->p + 12) & 0xffff;
    hts_pos_t rlen = 0;
    for (uint32_t i = 0; i < nc; i++) {
        uint32_t op = le_to_u32(cig + 4 * i);
        if (bam_cigar_type(bam_cigar_op(op)) & 2) rlen += bam_cigar_oplen(op);
    }
    if (rlen == 0) rlen = 1;
    hts_pos_t s = x->pos > 0 ? x->pos - 1 : 0, e = x->pos + rlen;
    int64_t nq = tsc_annot_query(f->annot, chrom, s, e, q, mq);
    return nq < 0 ? -1 : nq > 0;
}

static int reduce(tsc_frag_t *sc, const bam1_t *b, int64_t idx, int want_nh)
{
    tsc_frag_clear(sc);
    if (tsc_frag_add(sc, b, idx) < 0) return -1;
    sc->rec[0].nh = 0;
    if (want_nh) {
        const uint8_t *p = bam_aux_get(b, "NH");
        if (p) { int64_t v = bam_aux2i(p); sc->rec[0].nh = v > 0 && v < INT32_MAX ? (int32_t)v : 0; }
    }
    return 0;
}

/* Pass 1: the names that may touch a locus (STORE: keep their records too, for --prefilter).
 * Single cell (ERR not NULL): the whole file, and the names of the mapped fragments whose primary
 * read-1 record fails the barcode/UMI filters, with the reason. */
static int pass1(tsc_fetch_t *f, tstore_t *s, int store, khash_t(scerr) *err)
{
    int ret = -1, r;
    int64_t nq_m = 0, *qb = NULL, nrec = 0;
    bam1_t *b = bam_init1();
    tsc_frag_t sc;
    tsc_frag_init(&sc);
    samFile *fp = NULL;
    sam_hdr_t *h = NULL;
    hts_itr_t *itr = NULL;
    tsc_bamrd_t *rd = NULL;
    char **regs = NULL;
    int nreg = 0;
    if (!b) { tsc_error("out of memory"); goto end; }
    if (f->idx && !err) {
        uint64_t *uv = NULL;
        int nuv = 0;
        if (!(regs = loci_regions(f, &nreg, store ? NULL : &uv, &nuv)) && nreg < 0) goto end;
        if (nreg == 0) { free(uv); ret = 0; goto end; }
        /* names only: the index's chunks of the regions through the chunked reader */
        if (!store && (rd = tsc_bamrd_open_ranges(f->path, f->fp, f->hdr, f->pool, uv, nuv))) {
            tsc_bamraw_t x;
            free(uv);
            while ((r = tsc_bamrd_raw(rd, &x)) >= 0) {
                int t = touches_raw(f, &x, &qb, &nq_m);
                if (t < 0) { tsc_error("out of memory"); goto end; }
                if (t && tstore_get2(s, x.qname, (size_t)x.l_name, name_key2(x.qname, (size_t)x.l_name)) < 0) {
                    tsc_error("out of memory");
                    goto end;
                }
                nrec++;
            }
            if (r < -1) { tsc_error("%s: truncated or corrupted input in the loci regions", f->path); goto end; }
            ret = 0;
            goto end;
        }
        free(uv);
        if (!(itr = sam_itr_regarray(f->idx, f->hdr, regs, (unsigned)nreg))) {
            tsc_error("%s: cannot iterate over the loci regions with the index %s", f->path, f->idx_path);
            goto end;
        }
        while ((r = sam_itr_next(f->fp, itr, b)) >= 0) {
            if ((b->core.flag & BAM_FUNMAP) && !store) continue;
            int64_t fi = tstore_get(s, b, name_key(b));
            if (fi < 0) { tsc_error("out of memory"); goto end; }
            if (store) {
                if (reduce(&sc, b, nrec, 1) < 0 || tstore_add(s, fi, &sc) < 0) { tsc_error("out of memory"); goto end; }
            }
            nrec++;
        }
        if (r < -1) { tsc_error("%s: truncated or corrupted input in the loci regions", f->path); goto end; }
        f->n_records = nrec;
        ret = 0;
        goto end;
    }
    /* no index: the whole file, a first time */
    if (!(fp = tsc_fetch_reopen(f, &h))) goto end;
    rd = tsc_bamrd_open(f->path, fp, h, f->pool);
    while ((r = rd ? tsc_bamrd_read(rd, b) : sam_read1(fp, h, b)) >= 0) {
        int t = touches(f, b, &qb, &nq_m);
        if (t < 0) { tsc_error("out of memory"); goto end; }
        if (t && tstore_get(s, b, name_key(b)) < 0) { tsc_error("out of memory"); goto end; }
        if (err && is_first_kind(b->core.flag)) {
            int cls = class_of(b->core.flag), e, absent;
            const char *cb, *ub;
            tsc_sc_tags(f->opt.sc, b, &cb, &ub);
            if (cls != TSC_FC_SU && cls != TSC_FC_PU && (e = tsc_sc_check(f->opt.sc, cb, ub)) != TSC_SC_OK) {
                khint_t k = kh_put(scerr, err, name_key(b), &absent);
                if (absent < 0) { tsc_error("out of memory"); goto end; }
                kh_val(err, k) = (uint8_t)e;
            }
        }
        nrec++;
    }
    if (r < -1) { tsc_error("%s: truncated or corrupted input after record %" PRId64, f->path, nrec); goto end; }
    ret = 0;
end:
    tsc_bamrd_close(rd);
    if (itr) hts_itr_destroy(itr);
    if (regs) for (int i = 0; i < nreg; i++) free(regs[i]);
    free(regs);
    if (h) sam_hdr_destroy(h);
    if (fp) sam_close(fp);
    free(qb);
    tsc_frag_free(&sc);
    if (b) bam_destroy1(b);
    return ret;
}

/* ---------------------------------------------------------------- fragments outside the loci */

KHASH_INIT(nk8, nkey_t, uint8_t, 1, nkey_hash, nkey_eq)

typedef struct {
    nkey_t n;
    hts_pos_t pos, mpos, tlen;
    int32_t tid, mtid;
    int32_t read1;
} ppkey_t;

typedef struct {
    int64_t idx;
    int32_t as;
    uint16_t flag;
    uint8_t has_as;
} ppval_t;

static inline khint_t ppkey_hash(ppkey_t k)
{
    uint64_t h = k.n.a ^ ((uint64_t)k.pos * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)k.mpos * 0xC2B2AE3D27D4EB4FULL) ^
                 ((uint64_t)k.tlen << 17) ^ ((uint64_t)(uint32_t)k.tid << 40) ^ ((uint64_t)(uint32_t)k.mtid << 8) ^
                 (uint64_t)k.read1;
    h ^= h >> 33; h *= 0xFF51AFD7ED558CCDULL; h ^= h >> 33;
    return (khint_t)h;
}
static inline int ppkey_eq(ppkey_t x, ppkey_t y)
{
    return nkey_eq(x.n, y.n) && x.pos == y.pos && x.mpos == y.mpos && x.tlen == y.tlen &&
           x.tid == y.tid && x.mtid == y.mtid && x.read1 == y.read1;
}
KHASH_INIT(pp, ppkey_t, ppval_t, 1, ppkey_hash, ppkey_eq)

typedef struct {
    int32_t tid;        /* -1 sorts last: INT32_MAX */
    hts_pos_t pos;
    ppkey_t key;
} due_t;

typedef struct {
    tsc_fetch_t *f;
    khash_t(nk8) *extra;   /* name -> mapped units besides the primary read 1's (saturating at 2) */
    khash_t(nk8) *r1unm;   /* name -> class, for fragments whose primary read 1 is unmapped */
    khash_t(pp) *mates;    /* proper-pair records waiting for their mate */
    due_t *due;            /* min-heap of (mate reference, mate position) */
    int64_t n_due, m_due;
    tsc_frag_counts_t cnt;
    khash_t(scerr) *err;   /* single cell: the dropped fragments (pass 1), or NULL */
    tsc_sc_counts_t scc;   /* their counters; sc_ok: mapped fragments that pass, at their primary record */
    int64_t sc_ok;
} outside_t;

static inline int sc_dropped(const outside_t *o, nkey_t n, int *why)
{
    khint_t k = kh_get(scerr, o->err, n);
    if (k == kh_end(o->err)) return 0;
    if (why) *why = kh_val(o->err, k);
    return 1;
}

static void sc_count_error(tsc_sc_counts_t *c, int why, int64_t d)
{
    if (why == TSC_SC_NO_CB) c->no_cb += d;
    else if (why == TSC_SC_NOT_LISTED) c->not_listed += d;
    else c->no_umi += d;
}

static inline int32_t rank_tid(int32_t tid) { return tid < 0 ? INT32_MAX : tid; }

static inline int due_lt(const due_t *x, const due_t *y)
{
    return x->tid != y->tid ? x->tid < y->tid : x->pos < y->pos;
}

static int due_push(outside_t *o, const due_t *d)
{
    if (grow64((void **)&o->due, &o->m_due, o->n_due + 1, sizeof(due_t)) < 0) return -1;
    int64_t i = o->n_due++;
    while (i > 0) {
        int64_t p = (i - 1) / 2;
        if (!due_lt(d, &o->due[p])) break;
        o->due[i] = o->due[p];
        i = p;
    }
    o->due[i] = *d;
    return 0;
}

static void due_pop(outside_t *o)
{
    due_t last = o->due[--o->n_due];
    int64_t i = 0;
    for (;;) {
        int64_t c = 2 * i + 1;
        if (c >= o->n_due) break;
        if (c + 1 < o->n_due && due_lt(&o->due[c + 1], &o->due[c])) c++;
        if (!due_lt(&o->due[c], &last)) break;
        o->due[i] = o->due[c];
        i = c;
    }
    if (o->n_due > 0) o->due[i] = last;
}

static inline int first_kind(uint16_t flag)
{
    return !(flag & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY)) && (!(flag & BAM_FPAIRED) || (flag & BAM_FREAD1));
}

static int noas(const outside_t *o, int64_t idx, const char *name)
{
    tsc_error("%s: record %" PRId64 "%s%s%s: mapped alignment without an integer AS tag (the alignment score "
              "is required)", o->f->path, idx + 1, name ? " (read " : "", name ? name : "", name ? ")" : "");
    return -1;
}

/* A unit of a fragment outside the loci: segment 1 (flag F1, AS) and optional segment 2. */
static int outside_unit(outside_t *o, nkey_t n, const ppval_t *r1, const ppval_t *r2, const char *name)
{
    if (r1->flag & BAM_FUNMAP) return 0;
    if (!r1->has_as) return noas(o, r1->idx, name);
    if (r2 && !r2->has_as) return noas(o, r2->idx, name);
    int32_t as = r1->as + (r2 ? r2->as : 0);
    tsc_frag_counts_t *c = &o->cnt;
    if (o->err && !sc_dropped(o, n, NULL)) {
        tsc_sc_counts_t *s = &o->scc;
        if (!s->has_as || as < s->as_min) s->as_min = as;
        if (!s->has_as || as > s->as_max) s->as_max = as;
        s->has_as = 1;
    }
    if (!c->has_as || as < c->as_min) c->as_min = as;
    if (!c->has_as || as > c->as_max) c->as_max = as;
    c->has_as = 1;
    if (!first_kind(r1->flag)) {
        int ret;
        khint_t k = kh_put(nk8, o->extra, n, &ret);
        if (ret < 0) { tsc_error("out of memory"); return -1; }
        if (ret) kh_val(o->extra, k) = 0;
        if (kh_val(o->extra, k) < 2) kh_val(o->extra, k)++;
    }
    return 0;
}

/* Leftover proper-pair records whose mate is due before (TID, POS) become units alone. */
static int outside_retire(outside_t *o, int32_t tid, hts_pos_t pos)
{
    while (o->n_due > 0 && (o->due[0].tid < tid || (o->due[0].tid == tid && o->due[0].pos < pos))) {
        ppkey_t key = o->due[0].key;
        due_pop(o);
        khint_t k = kh_get(pp, o->mates, key);
        if (k == kh_end(o->mates)) continue; /* paired since */
        ppval_t v = kh_val(o->mates, k);
        kh_del(pp, o->mates, k);
        if (outside_unit(o, key.n, &v, NULL, NULL) < 0) return -1;
    }
    return 0;
}

/* A record of pass 2, from a bam1_t or in place (tsc_bamraw_t) */
typedef struct {
    int32_t tid, mtid;
    hts_pos_t pos, mpos, isize;
    uint16_t flag;
    const char *qname;     /* NUL-terminated */
    int l_name;
    const bam1_t *b;       /* or */
    const tsc_bamraw_t *x;
    char nbuf[256];        /* a name without its NUL in the file */
} srec_t;

static void srec_bam(srec_t *s, const bam1_t *b)
{
    const bam1_core_t *c = &b->core;
    s->tid = c->tid; s->mtid = c->mtid; s->pos = c->pos; s->mpos = c->mpos; s->isize = c->isize; s->flag = c->flag;
    s->qname = bam_get_qname(b);
    s->l_name = c->l_qname - 1 - c->l_extranul;
    s->b = b; s->x = NULL;
}

static void srec_raw(srec_t *s, const tsc_bamraw_t *x)
{
    s->tid = x->tid; s->mtid = x->mtid; s->pos = x->pos; s->mpos = x->mpos; s->isize = x->isize; s->flag = x->flag;
    s->l_name = x->l_name;
    s->qname = x->qname;
    if (x->qname[x->l_name] != '\0') {
        memcpy(s->nbuf, x->qname, (size_t)x->l_name);
        s->nbuf[x->l_name] = '\0';
        s->qname = s->nbuf;
    }
    s->b = NULL; s->x = x;
}

static int srec_as(const srec_t *s, int64_t *v)
{
    if (s->x) return tsc_bamraw_aux_int(s->x, "AS", v);
    const uint8_t *p = bam_aux_get(s->b, "AS");
    if (p && (*p == 'c' || *p == 'C' || *p == 's' || *p == 'S' || *p == 'i' || *p == 'I')) { *v = bam_aux2i(p); return 1; }
    return 0;
}

static int outside_record(outside_t *o, const srec_t *c, nkey_t n, int64_t idx)
{
    uint16_t flag = c->flag;
    const char *qn = c->qname;
    if (first_kind(flag)) {
        int cls, ret;
        if (!(flag & BAM_FPAIRED)) cls = (flag & BAM_FUNMAP) ? TSC_FC_SU : TSC_FC_SM;
        else if (flag & BAM_FPROPER_PAIR) cls = TSC_FC_PM;
        else if ((flag & BAM_FUNMAP) && (flag & BAM_FMUNMAP)) cls = TSC_FC_PU;
        else cls = TSC_FC_PX;
        o->cnt.total++;
        o->cnt.cls[cls]++;
        if (o->err) {
            int why;
            o->scc.total++;
            if (flag & BAM_FPAIRED) o->scc.paired++; else o->scc.single++;
            if (cls == TSC_FC_SU || cls == TSC_FC_PU) o->scc.unmapped++;
            else if (sc_dropped(o, n, &why)) sc_count_error(&o->scc, why, 1);
            else o->sc_ok++;
        }
        if (cls == TSC_FC_SU || cls == TSC_FC_PU) return 0;
        if (flag & BAM_FUNMAP) {
            khint_t k = kh_put(nk8, o->r1unm, n, &ret);
            if (ret < 0) { tsc_error("out of memory"); return -1; }
            kh_val(o->r1unm, k) = (uint8_t)cls;
        }
    }
    ppval_t v = { idx, 0, flag, 0 };
    int64_t x;
    if (srec_as(c, &x) && x >= INT32_MIN / 4 && x <= INT32_MAX / 4) { v.as = (int32_t)x; v.has_as = 1; }
    if (!(flag & BAM_FUNMAP) && !v.has_as) return noas(o, idx, qn);
    if (!(flag & BAM_FPAIRED) || !(flag & BAM_FPROPER_PAIR)) return outside_unit(o, n, &v, NULL, qn);
    /* a proper-pair record: find its mate, or wait for it (§4.3 keys) */
    ppkey_t mk = { n, c->mpos, c->pos, c->isize < 0 ? -c->isize : c->isize, c->mtid, c->tid, !(flag & BAM_FREAD1) };
    khint_t k = kh_get(pp, o->mates, mk);
    if (k != kh_end(o->mates)) {
        ppval_t m = kh_val(o->mates, k);
        kh_del(pp, o->mates, k);
        return (flag & BAM_FREAD1) ? outside_unit(o, n, &v, &m, qn) : outside_unit(o, n, &m, &v, qn);
    }
    int32_t mt = rank_tid(c->mtid), t = rank_tid(c->tid);
    if (mt < t || (mt == t && c->mpos < c->pos)) /* its mate was due earlier: it never came */
        return outside_unit(o, n, &v, NULL, qn);
    ppkey_t rk = { n, c->pos, c->mpos, mk.tlen, c->tid, c->mtid, !!(flag & BAM_FREAD1) };
    int ret;
    k = kh_put(pp, o->mates, rk, &ret);
    if (ret < 0) { tsc_error("out of memory"); return -1; }
    kh_val(o->mates, k) = v; /* Q6: an identical key replaces the older record, which is lost */
    due_t d = { mt, c->mpos, rk };
    if (ret && due_push(o, &d) < 0) { tsc_error("out of memory"); return -1; }
    return 0;
}

/* The counters of the fragments outside the loci, once every record has been seen. */
static void outside_finish(outside_t *o)
{
    tsc_frag_counts_t *c = &o->cnt;
    khint_t k;
    for (k = kh_begin(o->r1unm); k != kh_end(o->r1unm); k++) {
        if (!kh_exist(o->r1unm, k)) continue;
        if (kh_get(nk8, o->extra, kh_key(o->r1unm, k)) == kh_end(o->extra)) {
            c->cls[kh_val(o->r1unm, k)]--; /* no mapped unit at all: unmapped (Q17 fixed) */
            c->cls[TSC_FC_PU]++;
            if (o->err) { /* unmapped comes before the barcode filters */
                int why;
                if (sc_dropped(o, kh_key(o->r1unm, k), &why)) sc_count_error(&o->scc, why, -1);
                else o->sc_ok--;
                o->scc.unmapped++;
            }
        }
    }
    int64_t ambig = 0;
    for (k = kh_begin(o->extra); k != kh_end(o->extra); k++) {
        if (!kh_exist(o->extra, k)) continue;
        int r1_unmapped = kh_get(nk8, o->r1unm, kh_key(o->extra, k)) != kh_end(o->r1unm);
        if (kh_val(o->extra, k) >= 2 || !r1_unmapped) {
            ambig++;
            if (o->err && !sc_dropped(o, kh_key(o->extra, k), NULL)) o->scc.noloc_ambig++;
        }
    }
    c->ambig = ambig;
    if (o->err) o->scc.noloc_unique = o->sc_ok - o->scc.noloc_ambig;
    c->unique = c->cls[TSC_FC_SM] + c->cls[TSC_FC_PM] + c->cls[TSC_FC_PX] - ambig;
}

/* ---------------------------------------------------------------- the runs */

static void outside_free(outside_t *o)
{
    if (o->extra) kh_destroy(nk8, o->extra);
    if (o->r1unm) kh_destroy(nk8, o->r1unm);
    if (o->mates) kh_destroy(pp, o->mates);
    free(o->due);
    o->extra = o->r1unm = NULL; o->mates = NULL; o->due = NULL;
}

/* Pass 2: every record; the kept fragments' records into S (processed as soon as their NH tags
 * say they are complete, with EARLY), the others counted in O. 0; 1 if a record came for a
 * fragment processed early (S->late: run again without EARLY); -1 on error. */
static int pass2(tsc_fetch_t *f, tstore_t *s, outside_t *o, int early)
{
    tsc_frag_t sc, fr;
    bam1_t *b = bam_init1();
    samFile *fp = NULL;
    sam_hdr_t *h = NULL;
    tsc_bamrd_t *rd = NULL;
    int ret = -1, r;
    int64_t nrec = 0;
    int32_t last_tid = -1;
    hts_pos_t last_pos = -1;
    tsc_frag_init(&sc);
    tsc_frag_init(&fr);
    tsc_frag_counts_init(&o->cnt);
    tsc_sc_counts_init(&o->scc);
    o->sc_ok = 0;
    o->n_due = 0;
    o->extra = kh_init(nk8); o->r1unm = kh_init(nk8); o->mates = kh_init(pp);
    if (!b || !o->extra || !o->r1unm || !o->mates) { tsc_error("out of memory"); goto end; }
    if (!(fp = tsc_fetch_reopen(f, &h))) goto end;
    rd = tsc_bamrd_open(f->path, fp, h, f->pool);
    for (;;) {
        tsc_bamraw_t x;
        srec_t sr, *c = &sr;
        if (rd) {
            if ((r = tsc_bamrd_raw(rd, &x)) < 0) break;
            srec_raw(&sr, &x);
        } else {
            if ((r = sam_read1(fp, h, b)) < 0) break;
            srec_bam(&sr, b);
        }
        int32_t t = rank_tid(c->tid);
        if (t < last_tid || (t == last_tid && c->pos < last_pos)) {
            tsc_error("%s: record %" PRId64 " (read %s) is out of coordinate order, though the header says "
                      "SO:coordinate: sort it again (samtools sort) or collate it (samtools collate)",
                      f->path, nrec + 1, c->qname);
            goto end;
        }
        last_tid = t; last_pos = c->pos;
        if (outside_retire(o, t, c->pos) < 0) goto end;
        nkey_t key = name_key2(c->qname, (size_t)c->l_name);
        khint_t k = kh_get(tname, s->h, key);
        if (k != kh_end(s->h)) {
            if (rd && (r = tsc_bamrd_copy(&x, b)) < 0) break;
            tfrag_t *tf = &s->fr[kh_val(s->h, k)];
            if (reduce(&sc, b, nrec, 1) < 0 || tstore_add(s, kh_val(s->h, k), &sc) < 0) { tsc_error("out of memory"); goto end; }
            if (s->late) { ret = 1; goto end; }
            if (f->opt.sc && !tf->has_tags && is_first_kind(c->flag)) {
                const char *cb, *ub;
                tsc_sc_tags(f->opt.sc, b, &cb, &ub);
                tf->has_tags = 1;
                if ((cb && !(tf->cb = strdup(cb))) || (ub && !(tf->ub = strdup(ub)))) { tsc_error("out of memory"); goto end; }
            }
            if (early && tfrag_complete(tf) && tfrag_early(f, s, tf, &fr) < 0) goto end;
        } else if (outside_record(o, c, key, nrec) < 0) goto end;
        nrec++;
    }
    if (r < -1) { tsc_error("%s: truncated or corrupted input after record %" PRId64, f->path, nrec); goto end; }
    if (outside_retire(o, INT32_MAX, HTS_POS_MAX) < 0) goto end;
    outside_finish(o);
    f->n_records = nrec;
    ret = 0;
end:
    tsc_bamrd_close(rd);
    if (h) sam_hdr_destroy(h);
    if (fp) sam_close(fp);
    if (b) bam_destroy1(b);
    tsc_frag_free(&sc);
    tsc_frag_free(&fr);
    return ret;
}

int tsc_fetch_run_sorted(tsc_fetch_t *f, tsc_hitw_t *hw)
{
    tstore_t s = { 0 };
    outside_t o = { 0 };
    int ret = -1, r;
    o.f = f;
    if (!(s.h = kh_init(tname))) { tsc_error("out of memory"); goto end; }
    if (f->opt.sc && !(o.err = kh_init(scerr))) { tsc_error("out of memory"); goto end; }
    if (pass1(f, &s, 0, o.err) < 0) goto end;
    tsc_info("%s: %" PRId64 " read names touch a locus", f->path, s.n_fr);
    if ((r = pass2(f, &s, &o, 1)) < 0) goto end;
    if (r == 1) {
        tsc_info("%s: a read has more records than its NH tags say (supplementary alignments?): "
                 "reading the file again, keeping every record near the loci to the end", f->path);
        outside_free(&o);
        tstore_reset(&s);
        tsc_frag_counts_init(&f->cnt);
        tsc_sc_counts_init(&f->scc);
        if (pass2(f, &s, &o, 0) != 0) goto end;
    }
    tsc_info("%s: %" PRId64 " records kept for %" PRId64 " fragments near the loci, %" PRId64 " of those processed "
             "early (NH tags), %" PRId64 " records held at most", f->path, s.n_rec, s.n_fr, s.n_early, s.max_live);
    if (tstore_flush(f, &s, hw, 0) < 0) goto end;
    tsc_frag_counts_merge(&f->cnt, &o.cnt);
    if (f->opt.sc) tsc_sc_counts_merge(&f->scc, &o.scc);
    ret = 0;
end:
    tstore_free(&s);
    outside_free(&o);
    if (o.err) kh_destroy(scerr, o.err);
    return ret;
}

int tsc_fetch_run_prefilter(tsc_fetch_t *f, tsc_hitw_t *hw)
{
    tstore_t s = { 0 };
    int ret = -1;
    if (!(s.h = kh_init(tname))) { tsc_error("out of memory"); return -1; }
    if (pass1(f, &s, 1, NULL) < 0) goto end;
    if (tstore_flush(f, &s, hw, 1) < 0) goto end;
    const tsc_frag_counts_t *c = &f->cnt;
    f->pf_min_as = f->opt.has_min_as ? f->opt.min_as : c->has_as ? c->as_min : 0;
    if (f->opt.has_min_as && c->has_as && c->as_min < f->opt.min_as) {
        tsc_warn("--prefilter: an alignment in the loci scores %d, below --min-as %d: using %d",
                 (int)c->as_min, (int)f->opt.min_as, (int)c->as_min);
        f->pf_min_as = c->as_min;
    } else if (!f->opt.has_min_as && c->has_as) {
        tsc_warn("--prefilter without --min-as: the minimum alignment score is taken from the loci only (%d); "
                 "raw scores differ from a full pass if alignments elsewhere score lower", (int)c->as_min);
    }
    tsc_warn("--prefilter is approximate: %" PRId64 " of %" PRId64 " fragments seen in the loci have alignments "
             "outside them (NH tag or a missing mate), %" PRId64 " carry no NH tag to tell; run counters cover "
             "the fragments seen only", f->pf_unseen, f->pf_frags, f->pf_no_nh);
    ret = 0;
end:
    tstore_free(&s);
    return ret;
}
