/* tsc_fetch_sorted.c -- coordinate-sorted input (Q3 fixed) and the --prefilter mode.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Coordinate-sorted input, exact mode:
 *  pass 1  finds T, the names with a mapped record whose left-extended span [pos-1, end) overlaps
 *          a locus interval (on its own reference, or for paired records also on the mate's,
 *          since Telescope queries read 2's blocks on read 1's reference).  With an index it reads
 *          only the loci regions (the index's chunks) and keeps all their records, packed; without
 *          one, the whole file.
 *  pass 2  reads every record: those of the loci regions from pass 1, the rest from the file
 *          (with an index, no block but those at the regions' ends is decoded twice).  Records
 *          of names in T are kept (packed) and each such fragment is processed as a collated
 *          bundle, its primary read-1 record first: as soon as its NH tags say it is complete
 *          (STAR, HISAT2), else at the end.  Every other fragment touches no locus: it only adds
 *          to the counters, computed on the fly without keeping its records (tsc_fetch_outside.c).
 * Output records come in the order of each fragment's first record in the file; the ordinal is
 * that record's number. */
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <htslib/bgzf.h>
#include <htslib/hts_endian.h>
#include <htslib/khash.h>
#include "tsc_fetch_internal.h"
#include "tsc_recpack.h"
#include "tsc_fetch_sorted.h"
#include "tsc_nktab.h"

/* ---------------------------------------------------------------- the kept fragments (T) */

typedef struct {
    char *name;
    int64_t first;       /* number of its first record (pass 2 or prefilter pass); -1 = unseen */
    uint8_t *pk;         /* its records until processed, packed (tsc_recpack.h: n_pk bytes) */
    size_t n_pk, m_pk;
    tsc_rpk_t st;        /* the packing state after its last record */
    int32_t n_rec;
    int32_t nh[3], seen[3]; /* per read (1, 2, unpaired): NH tag, mapped non-supplementary records */
    uint8_t no_early;    /* never complete before the end (an unmapped record, no NH, ...) */
    uint8_t done;        /* processed early: emit (a HITS record), map, n_map hold the result */
    uint8_t emit;
    uint8_t has_tags;
    tsc_map_t *map;
    int32_t n_map;
    char *cb, *ub;       /* single cell: tags of its primary read-1 (or unpaired) record */
} tfrag_t;


typedef struct {
    tsc_nktab_t tab;     /* name key -> fragment */
    tfrag_t *fr;
    int64_t n_fr, m_fr;
    int64_t n_rec;       /* records kept in all */
    int64_t n_live, max_live; /* records held now, and at most */
    int64_t n_early;     /* fragments processed before the end */
    int late;            /* a record came for a fragment processed early */
    uint64_t *filt;      /* pass 2: a bit per ((key.b >> 32) & filt_mask), set for the names in T */
    uint64_t filt_mask;
    hts_pos_t *ublk;     /* scratch: blocks of an unpacked record */
    int32_t m_ublk;
    uint8_t *pbuf;       /* scratch: a record being packed */
    size_t m_pbuf;
} tstore_t;

static void tfrag_free_recs(tfrag_t *t)
{
    free(t->pk);
    t->pk = NULL;
    t->n_pk = t->m_pk = 0;
    t->n_rec = 0;
    memset(&t->st, 0, sizeof(t->st));
}

static void tstore_free(tstore_t *s)
{
    tsc_nktab_free(&s->tab);
    for (int64_t i = 0; i < s->n_fr; i++) {
        free(s->fr[i].name); free(s->fr[i].cb); free(s->fr[i].ub); free(s->fr[i].map);
        tfrag_free_recs(&s->fr[i]);
    }
    free(s->fr);
    free(s->filt);
    free(s->ublk);
    free(s->pbuf);
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

static int64_t tstore_get2(tstore_t *s, const char *name, size_t len, nkey_t key);

/* The fragment of read B, created if missing. Returns its index, or -1 on OOM. */
static int64_t tstore_get(tstore_t *s, const bam1_t *b, nkey_t key)
{
    return tstore_get2(s, bam_get_qname(b), b->core.l_qname - 1 - b->core.l_extranul, key);
}

static int64_t tstore_get2(tstore_t *s, const char *name, size_t len, nkey_t key)
{
    int absent;
    tsc_nkslot_t *e = tsc_nktab_put(&s->tab, key.a, key.b, &absent);
    if (!e) return -1;
    if (!absent) return (uint32_t)e->bv;
    int64_t m = s->m_fr;
    if (s->n_fr >= UINT32_MAX || grow64((void **)&s->fr, &m, s->n_fr + 1, sizeof(tfrag_t)) < 0) return -1;
    s->m_fr = m;
    tfrag_t *t = &s->fr[s->n_fr];
    memset(t, 0, sizeof(*t));
    if (!(t->name = strndup(name, len))) return -1;
    t->first = -1;
    tsc_nktab_set(e, (uint32_t)s->n_fr);
    return s->n_fr++;
}

/* Start loading what a lookup of KEY in the name table reads */
static inline void tstore_prefetch(const tstore_t *s, nkey_t key)
{
    tsc_nktab_prefetch(&s->tab, key.a);
}

/* The filter of the names in T (about 16 bits a name: most other names fail it, without a probe
 * of the name table). 0 or -1 on OOM. */
static int tstore_filter(tstore_t *s)
{
    uint64_t nb = 1 << 16;
    while (nb < 16 * (uint64_t)s->n_fr) nb <<= 1;
    free(s->filt);
    if (!(s->filt = calloc(nb / 64, sizeof(uint64_t)))) return -1;
    s->filt_mask = nb - 1;
    for (uint64_t k = 0; s->tab.s && k <= s->tab.mask; k++) {
        if (!s->tab.s[k].a) continue;
        uint64_t i = (s->tab.s[k].bv >> 32) & s->filt_mask;
        s->filt[i >> 6] |= 1ULL << (i & 63);
    }
    return 0;
}

/* The fragment of T named by KEY, or -1 */
static inline int64_t tstore_find(const tstore_t *s, nkey_t key)
{
    uint64_t i = (key.b >> 32) & s->filt_mask;
    uint32_t v;
    if (!(s->filt[i >> 6] >> (i & 63) & 1)) return -1;
    return tsc_nktab_get(&s->tab, key.a, key.b, &v) ? (int64_t)v : -1;
}

/* Append the reduced record R (blocks BLK) to fragment FI, packed. */
static int tstore_add(tstore_t *s, int64_t fi, const tsc_rec_t *r, const hts_pos_t *blk)
{
    tfrag_t *t = &s->fr[fi];
    if (t->done) { s->late = 1; return 0; }
    size_t need = tsc_rpk_max(r->n_b);
    if (need > s->m_pbuf) {
        uint8_t *q = realloc(s->pbuf, need);
        if (!q) return -1;
        s->pbuf = q; s->m_pbuf = need;
    }
    size_t len = tsc_rpk_put(s->pbuf, &t->st, r, blk, 1);
    if (t->n_pk + len > t->m_pk) {
        /* room: all the records NH announces at once (STAR, HISAT2), else doubling */
        size_t m = t->m_pk ? 2 * t->m_pk : len;
        if (t->m_pk == 0 && r->nh > 1) m = (r->flag & BAM_FPAIRED ? 2 : 1) * (size_t)r->nh * (len + 2);
        if (m < t->n_pk + len) m = t->n_pk + len;
        uint8_t *q = realloc(t->pk, m);
        if (!q) return -1;
        t->pk = q; t->m_pk = m;
    }
    memcpy(t->pk + t->n_pk, s->pbuf, len);
    t->n_pk += len;
    t->n_rec++;
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
    tsc_rpk_t st = { 0, 0, 0 };
    size_t off = 0;
    for (int32_t i = 0; i < t->n_rec; i++) {
        tsc_rec_t r;
        int32_t nb = tsc_rpk_nb(t->pk + off);
        if (2 * nb > *mb) {
            hts_pos_t *q = realloc(*blk, (size_t)(2 * nb) * sizeof(hts_pos_t));
            if (!q) { tsc_error("out of memory"); return -1; }
            *blk = q; *mb = 2 * nb;
        }
        off += tsc_rpk_get(t->pk + off, &st, &r, *blk, 1);
        if (tsc_frag_add_rec(fr, &r, *blk) < 0) { tsc_error("out of memory"); return -1; }
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

/* Does the mapped record (FLAG, TID, POS, reference END) overlap a locus on its own reference, as
 * the index's iterator over the loci regions sees it (its span [pos, end) against the loci
 * extended one base each side)? */
static int touches_span(tsc_fetch_t *f, uint16_t flag, int32_t tid, hts_pos_t pos, hts_pos_t end, int64_t **q, int64_t *mq)
{
    if ((flag & BAM_FUNMAP) || tid < 0 || tid >= f->ctx->n_tid) return 0;
    int32_t chrom = f->ctx->tid2chrom[tid];
    if (chrom < 0) return 0;
    int64_t nq = tsc_annot_query(f->annot, chrom, pos > 0 ? pos - 1 : 0, end, q, mq);
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

/* ---------------------------------------------------------------- name keys one record ahead */

/* The next record's name key, computed while the current one is processed, so that the lookups
 * it leads to can be started early (the tables are larger than the caches) */
typedef struct {
    const char *name;    /* where the next record's name was seen, or NULL */
    nkey_t key;
} ahead_t;

/* The name key of X, just read from RD, in *KEY (computed ahead where it could be); then the next
 * record's in A->key: 1, or 0 if it is not decoded in one piece yet. */
static int key_ahead(ahead_t *a, const tsc_bamrd_t *rd, const tsc_bamraw_t *x, nkey_t *key)
{
    int nl;
    *key = x->qname == a->name ? a->key : name_key2(x->qname, (size_t)x->l_name);
    if (!tsc_bamrd_peek_name(rd, &a->name, &nl)) { a->name = NULL; return 0; }
    a->key = name_key2(a->name, (size_t)nl);
    return 1;
}

/* ---------------------------------------------------------------- the loci regions' records */

/* Pass 1 reads the index's chunks of the loci regions (merged ranges of virtual offsets); each of
 * their records is kept here, packed (tsc_recpack.h: ~20 bytes), after its fragment: "T index"
 * when the record itself touches a locus (its name is then in T), else its 128-bit name key.
 * Pass 2 reads only the rest of the file and takes the records of each range from here, in file
 * order, so no block is decoded twice but those at the ranges' ends; slabs are freed as read. */
#define SLAB_BYTES (1 << 20)

typedef struct {
    uint64_t *rg;          /* the merged ranges, 2 per range */
    int n_rg;
    int64_t *n_in;         /* records kept of each range */
    uint8_t **slab;        /* the packed records, in file order */
    size_t *used;
    int n_slab, m_slab;
    size_t cap;            /* of the last slab */
    tsc_rpk_t st;          /* packing state */
    int64_t n_rec, bytes;
    /* reading back */
    int r_slab;
    size_t r_off;
    tsc_rpk_t rst;
} lcache_t;

static void lcache_free(lcache_t *c)
{
    for (int i = 0; i < c->n_slab; i++) free(c->slab[i]);
    free(c->slab); free(c->used); free(c->rg); free(c->n_in);
    memset(c, 0, sizeof(*c));
}

/* Keep record R (blocks BLK) of range RG: FI >= 0, the fragment in T it belongs to; else KEY. */
static int lcache_put(lcache_t *c, int rg, int64_t fi, nkey_t key, const tsc_rec_t *r, const hts_pos_t *blk)
{
    size_t need = 10 + 16 + tsc_rpk_max(r->n_b);
    if (c->n_slab == 0 || c->used[c->n_slab - 1] + need > c->cap) {
        if (c->n_slab == c->m_slab) {
            int m = c->m_slab ? 2 * c->m_slab : 64;
            uint8_t **a = realloc(c->slab, (size_t)m * sizeof(*a));
            if (!a) return -1;
            c->slab = a;
            size_t *u = realloc(c->used, (size_t)m * sizeof(*u));
            if (!u) return -1;
            c->used = u;
            c->m_slab = m;
        }
        size_t cap = need > SLAB_BYTES ? need : SLAB_BYTES;
        if (!(c->slab[c->n_slab] = malloc(cap))) return -1;
        c->used[c->n_slab++] = 0;
        c->cap = cap;
    }
    uint8_t *p0 = c->slab[c->n_slab - 1] + c->used[c->n_slab - 1], *p = p0;
    if (fi >= 0) p = tsc_rpk_put_u(p, (uint64_t)fi << 1 | 1);
    else {
        *p++ = 0;
        memcpy(p, &key, sizeof(key));
        p += sizeof(key);
    }
    p += tsc_rpk_put(p, &c->st, r, blk, 0);
    c->used[c->n_slab - 1] += (size_t)(p - p0);
    c->bytes += p - p0;
    c->n_in[rg]++;
    c->n_rec++;
    return 0;
}

/* The next kept record (in the order kept) into R and *BLK (scratch of *MB); its fragment in *FI
 * (>= 0) or its name key in *KEY (*FI = -1). 0, or -1 on OOM. Spent slabs are freed. */
static int lcache_get(lcache_t *c, tsc_rec_t *r, hts_pos_t **blk, int32_t *mb, int64_t *fi, nkey_t *key)
{
    while (c->r_off >= c->used[c->r_slab]) {
        free(c->slab[c->r_slab]);
        c->slab[c->r_slab++] = NULL;
        c->r_off = 0;
    }
    const uint8_t *p = c->slab[c->r_slab] + c->r_off, *p0 = p;
    uint64_t u;
    p = tsc_rpk_get_u(p, &u);
    if (u & 1) *fi = (int64_t)(u >> 1);
    else {
        *fi = -1;
        memcpy(key, p, sizeof(*key));
        p += sizeof(*key);
    }
    int32_t nb = tsc_rpk_nb(p);
    if (2 * nb > *mb) {
        hts_pos_t *q = realloc(*blk, (size_t)(2 * nb) * sizeof(hts_pos_t));
        if (!q) return -1;
        *blk = q; *mb = 2 * nb;
    }
    p += tsc_rpk_get(p, &c->rst, r, *blk, 0);
    c->r_off += (size_t)(p - p0);
    return 0;
}

/* Pass 1: the names that may touch a locus (STORE: keep their records too, for --prefilter).
 * Single cell (ERR not NULL): the whole file, and the names of the mapped fragments whose primary
 * read-1 record fails the barcode/UMI filters, with the reason. */
static int pass1(tsc_fetch_t *f, tstore_t *s, int store, khash_t(scerr) *err, lcache_t *lc)
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
        if (!store && lc && (rd = tsc_bamrd_open_ranges(f->path, f->fp, f->hdr, f->pool, uv, nuv))) {
            tsc_bamraw_t x;
            hts_pos_t *blk = NULL;
            int32_t mb = 0;
            ahead_t ah = { NULL, { 0, 0 } };
            free(uv);
            /* keep every record for pass 2 */
            const uint64_t *rg = tsc_bamrd_ranges(rd, &lc->n_rg);
            if (!(lc->rg = malloc((size_t)(lc->n_rg ? lc->n_rg : 1) * 2 * sizeof(uint64_t))) ||
                !(lc->n_in = calloc((size_t)(lc->n_rg ? lc->n_rg : 1), sizeof(int64_t)))) {
                tsc_error("out of memory");
                goto end;
            }
            memcpy(lc->rg, rg, (size_t)lc->n_rg * 2 * sizeof(uint64_t));
            while ((r = tsc_bamrd_raw(rd, &x)) >= 0) {
                tsc_rec_t rec;
                hts_pos_t rend;
                int k = tsc_bamraw_reduce(&x, 0, 1, &rec, &blk, &mb, &rend);
                const tsc_rec_t *kr = &rec;
                const hts_pos_t *kb = blk;
                if (k == 1) { /* the CIGAR in the CG tag: as bam1_t */
                    if ((r = tsc_bamrd_copy(&x, b)) < 0) break;
                    k = reduce(&sc, b, 0, 1);
                    kr = &sc.rec[0]; kb = sc.blk;
                    rend = bam_endpos(b);
                }
                int t = k < 0 ? -1 : touches_span(f, x.flag, x.tid, x.pos, rend, &qb, &nq_m);
                nkey_t key;
                if (key_ahead(&ah, rd, &x, &key)) tstore_prefetch(s, ah.key);
                int64_t fi = -1;
                if (t < 0 || (t && (fi = tstore_get2(s, x.qname, (size_t)x.l_name, key)) < 0) ||
                    lcache_put(lc, x.range, fi, key, kr, kb) < 0) {
                    free(blk);
                    tsc_error("out of memory");
                    goto end;
                }
                nrec++;
            }
            free(blk);
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
                if (reduce(&sc, b, nrec, 1) < 0 || tstore_add(s, fi, &sc.rec[0], sc.blk) < 0) { tsc_error("out of memory"); goto end; }
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

/* ---------------------------------------------------------------- the records of pass 2 */


static void srec_bam(srec_t *s, const bam1_t *b)
{
    const bam1_core_t *c = &b->core;
    s->tid = c->tid; s->mtid = c->mtid; s->pos = c->pos; s->mpos = c->mpos; s->isize = c->isize; s->flag = c->flag;
    s->qname = bam_get_qname(b);
    s->l_name = c->l_qname - 1 - c->l_extranul;
    s->b = b; s->x = NULL; s->rec = NULL;
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
    s->b = NULL; s->x = x; s->rec = NULL;
}

static void srec_kept(srec_t *s, const tsc_rec_t *r, const hts_pos_t *blk)
{
    s->tid = r->tid; s->mtid = r->mtid; s->pos = r->pos; s->mpos = r->mpos; s->isize = r->isize; s->flag = r->flag;
    s->qname = NULL; s->l_name = 0;
    s->b = NULL; s->x = NULL; s->rec = r; s->blk = blk;
}

/* ---------------------------------------------------------------- the runs */

/* The state of pass 2 */
typedef struct {
    tsc_fetch_t *f;
    tstore_t *s;
    tsc_outside_t *o;
    int early;
    int64_t nrec;
    int32_t last_tid;
    hts_pos_t last_pos;
    tsc_frag_t sc, fr;
    bam1_t *b;
    hts_pos_t *blk;        /* scratch: blocks of a record */
    int32_t mb;
} p2_t;

/* Record C of pass 2 (KEY: its name key; FI >= 0: its fragment in T, known). 0; 1 if it came for a
 * fragment processed early (a second pass 2 without EARLY); -1 on error. */
static int p2_record(p2_t *q, srec_t *c, nkey_t key, int64_t fi)
{
    tsc_fetch_t *f = q->f;
    tstore_t *s = q->s;
    int32_t t = rank_tid(c->tid);
    if (t < q->last_tid || (t == q->last_tid && c->pos < q->last_pos)) {
        tsc_error("%s: record %" PRId64 "%s%s%s is out of coordinate order, though the header says "
                  "SO:coordinate: sort it again (samtools sort) or collate it (samtools collate)",
                  f->path, q->nrec + 1, c->qname ? " (read " : "", c->qname ? c->qname : "", c->qname ? ")" : "");
        return -1;
    }
    q->last_tid = t; q->last_pos = c->pos;
    if (tsc_outside_retire(q->o, t, c->pos, 0) < 0) return -1;
    if (fi < 0) fi = tstore_find(s, key);
    if (fi < 0) return tsc_outside_record(q->o, c, key, q->nrec++);
    tfrag_t *tf = &s->fr[fi];
    int need_bam = f->opt.sc && !tf->has_tags && is_first_kind(c->flag);
    tsc_rec_t r;
    const hts_pos_t *blk;
    if (c->rec) { /* kept by pass 1 */
        r = *c->rec;
        r.idx = q->nrec;
        blk = c->blk;
    } else {
        int k = 1;
        if (c->x && !need_bam && (k = tsc_bamraw_reduce(c->x, q->nrec, 1, &r, &q->blk, &q->mb, NULL)) < 0) { tsc_error("out of memory"); return -1; }
        blk = q->blk;
        if (k == 1) { /* as bam1_t: single-cell tags, a CIGAR in the CG tag, SAM or CRAM */
            if (c->x && tsc_bamrd_copy(c->x, q->b) < 0) {
                tsc_error("%s: invalid record %" PRId64 " (read %s)", f->path, q->nrec + 1, c->qname);
                return -1;
            }
            if (reduce(&q->sc, q->b, q->nrec, 1) < 0) { tsc_error("out of memory"); return -1; }
            r = q->sc.rec[0];
            blk = q->sc.blk;
        }
    }
    if (tstore_add(s, fi, &r, blk) < 0) { tsc_error("out of memory"); return -1; }
    if (s->late) return 1;
    if (need_bam) {
        const char *cb, *ub;
        tsc_sc_tags(f->opt.sc, q->b, &cb, &ub);
        tf->has_tags = 1;
        if ((cb && !(tf->cb = strdup(cb))) || (ub && !(tf->ub = strdup(ub)))) { tsc_error("out of memory"); return -1; }
    }
    q->nrec++;
    if (q->early && tfrag_complete(tf) && tfrag_early(f, s, tf, &q->fr) < 0) return -1;
    return 0;
}

/* The records pass 1 kept of range I. Same returns as p2_record. */
static int p2_replay(p2_t *q, lcache_t *lc, int i)
{
    for (int64_t j = 0; j < lc->n_in[i]; j++) {
        tsc_rec_t r;
        int64_t fi;
        nkey_t key = { 0, 0 };
        srec_t sr;
        if (lcache_get(lc, &r, &q->blk, &q->mb, &fi, &key) < 0) { tsc_error("out of memory"); return -1; }
        srec_kept(&sr, &r, q->blk);
        int k = p2_record(q, &sr, key, fi);
        if (k) return k;
    }
    return 0;
}

/* Pass 2 reads the rest of the file around the ranges of LC (or, with LC NULL, all of it): the
 * ranges [first record, u1), [v1, u2), ..., [vk, end) of the same reader. NULL if it cannot. */
static tsc_bamrd_t *open_rest(tsc_fetch_t *f, samFile *fp, const sam_hdr_t *h, const lcache_t *lc)
{
    if (!lc) return tsc_bamrd_open(f->path, fp, h, f->pool);
    int64_t first = bgzf_tell(fp->fp.bgzf);
    uint64_t *uv = malloc((size_t)(lc->n_rg + 1) * 2 * sizeof(uint64_t));
    if (first < 0 || !uv) { free(uv); return NULL; }
    uint64_t at = (uint64_t)first;
    for (int i = 0; i < lc->n_rg; i++) {
        if (lc->rg[2 * i] < at) { free(uv); return NULL; } /* a range before the first record */
        uv[2 * i] = at; uv[2 * i + 1] = lc->rg[2 * i];
        at = lc->rg[2 * i + 1];
    }
    uv[2 * lc->n_rg] = at; uv[2 * lc->n_rg + 1] = UINT64_MAX;
    tsc_bamrd_t *rd = tsc_bamrd_open_ranges(f->path, fp, h, f->pool, uv, lc->n_rg + 1);
    int n = 0;
    if (rd && (tsc_bamrd_ranges(rd, &n), n != lc->n_rg + 1)) { tsc_bamrd_close(rd); rd = NULL; }
    free(uv);
    return rd;
}

/* Pass 2: every record; the kept fragments' records into S (processed as soon as their NH tags
 * say they are complete, with EARLY), the others counted in O; the records of LC's ranges from LC
 * (NULL: all from the file). 0; 1 if a record came for a fragment processed early (S->late: run
 * again without EARLY); -1 on error. */
static int pass2(tsc_fetch_t *f, tstore_t *s, tsc_outside_t *o, int early, lcache_t *lc)
{
    p2_t q;
    samFile *fp = NULL;
    sam_hdr_t *h = NULL;
    tsc_bamrd_t *rd = NULL;
    int ret = -1, r = 0;
    memset(&q, 0, sizeof(q));
    q.f = f; q.s = s; q.o = o; q.early = early;
    q.last_tid = -1; q.last_pos = -1;
    tsc_frag_init(&q.sc);
    tsc_frag_init(&q.fr);
    q.b = bam_init1();
    if (!q.b) { tsc_error("out of memory"); goto end; }
    if (tstore_filter(s) < 0) { tsc_error("out of memory"); goto end; }
    if (!(fp = tsc_fetch_reopen(f, &h))) goto end;
    rd = open_rest(f, fp, h, lc);
    if (lc && !rd) { tsc_error("%s: cannot read around the loci regions", f->path); goto end; }
    int next_l = 0; /* the next range of LC to take */
    ahead_t ah = { NULL, { 0, 0 } };
    for (;;) {
        tsc_bamraw_t x;
        srec_t sr;
        int have;
        if (rd) {
            have = (r = tsc_bamrd_raw(rd, &x)) >= 0;
            if (have) srec_raw(&sr, &x);
        } else {
            have = (r = sam_read1(fp, h, q.b)) >= 0;
            if (have) srec_bam(&sr, q.b);
        }
        if (!have && r < -1) break;
        int until = !lc ? 0 : have ? x.range : lc->n_rg; /* rest range j comes after kept range j - 1 */
        while (next_l < until) {
            int k = p2_replay(&q, lc, next_l++);
            if (k) { ret = k; goto end; }
        }
        if (!have) break;
        nkey_t key;
        if (!rd) key = name_key2(sr.qname, (size_t)sr.l_name);
        else if (key_ahead(&ah, rd, &x, &key)) /* the filter is larger than the caches */
            __builtin_prefetch(s->filt + (((ah.key.b >> 32) & s->filt_mask) >> 6));
        int k = p2_record(&q, &sr, key, -1);
        if (k) { ret = k; goto end; }
    }
    if (r < -1) { tsc_error("%s: truncated or corrupted input after record %" PRId64, f->path, q.nrec); goto end; }
    if (tsc_outside_retire(o, INT32_MAX, HTS_POS_MAX, 1) < 0) goto end;
    f->n_records = q.nrec;
    ret = 0;
end:
    tsc_bamrd_close(rd);
    if (h) sam_hdr_destroy(h);
    if (fp) sam_close(fp);
    if (q.b) bam_destroy1(q.b);
    free(q.blk);
    tsc_frag_free(&q.sc);
    tsc_frag_free(&q.fr);
    return ret;
}

int tsc_fetch_run_sorted(tsc_fetch_t *f, tsc_hitw_t *hw)
{
    tstore_t s = { 0 };
    tsc_outside_t *o = NULL;
    khash_t(scerr) *err = NULL;
    lcache_t lc = { 0 };
    int ret = -1, r;
    if (f->opt.sc && !(err = kh_init(scerr))) { tsc_error("out of memory"); goto end; }
    if (pass1(f, &s, 0, err, &lc) < 0) goto end;
    tsc_info("%s: %" PRId64 " read names touch a locus", f->path, s.n_fr);
    if (lc.rg)
        tsc_info("%s: %" PRId64 " records of the loci regions kept from the first pass (%.1f MB)", f->path,
                 lc.n_rec, (double)lc.bytes / 1e6);
    if (!(o = tsc_outside_init(f, err))) { tsc_error("out of memory"); goto end; }
    if ((r = pass2(f, &s, o, 1, lc.rg ? &lc : NULL)) < 0) goto end;
    lcache_free(&lc);
    if (r == 1) {
        tsc_info("%s: a read has more records than its NH tags say (supplementary alignments?): "
                 "reading the file again, keeping every record near the loci to the end", f->path);
        tsc_outside_destroy(o);
        tstore_reset(&s);
        tsc_frag_counts_init(&f->cnt);
        tsc_sc_counts_init(&f->scc);
        if (!(o = tsc_outside_init(f, err))) { tsc_error("out of memory"); goto end; }
        if (pass2(f, &s, o, 0, NULL) != 0) goto end;
    }
    tsc_info("%s: %" PRId64 " records kept for %" PRId64 " fragments near the loci, %" PRId64 " of those processed "
             "early (NH tags), %" PRId64 " records held at most", f->path, s.n_rec, s.n_fr, s.n_early, s.max_live);
    if (tstore_flush(f, &s, hw, 0) < 0) goto end;
    tsc_outside_finish(o, &f->cnt, &f->scc);
    ret = 0;
end:
    tstore_free(&s);
    tsc_outside_destroy(o);
    lcache_free(&lc);
    if (err) kh_destroy(scerr, err);
    return ret;
}

int tsc_fetch_run_prefilter(tsc_fetch_t *f, tsc_hitw_t *hw)
{
    tstore_t s = { 0 };
    int ret = -1;
    if (pass1(f, &s, 1, NULL, NULL) < 0) goto end;
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
