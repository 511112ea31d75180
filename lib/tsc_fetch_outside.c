/* tsc_fetch_outside.c -- the fragments of coordinate-sorted input that touch no locus, counted
 * from their records as the second pass meets them (see tsc_fetch_sorted.c), never kept:
 *   - total and class at the primary read-1 (or unpaired) record;
 *   - units: proper-pair records are paired by Telescope's keys in a table of mates still to come
 *     (a mate is due at its mate position: one that never came is swept out as a unit alone);
 *     other records are units alone;
 *   - AS extremes over mapped units;
 *   - unique/ambig: the 128-bit name hashes of fragments with a mapped unit besides the one of
 *     their primary read 1 are kept with a count (memory: multi-mapped fragments, 23-46 bytes each:
 *     a 16-byte slot of tsc_nktab.h, at most 70% of the slots used).
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include "tsc_fetch_sorted.h"
#include "tsc_nktab.h"

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

struct tsc_outside_t {
    tsc_fetch_t *f;
    tsc_nktab_t extra;     /* name -> mapped units besides the primary read 1's (saturating at 2) */
    khash_t(nk8) *r1unm;   /* name -> class, for fragments whose primary read 1 is unmapped */
    khash_t(pp) *mates;    /* proper-pair records waiting for their mate */
    khint_t sweep_at;      /* look for leftovers in MATES when it holds this many records */
    uint64_t n_calls;      /* of tsc_outside_retire: MATES may shrink every 65536 */
    tsc_frag_counts_t cnt;
    khash_t(scerr) *err;   /* single cell: the dropped fragments (pass 1), or NULL */
    tsc_sc_counts_t scc;   /* their counters; sc_ok: mapped fragments that pass, at their primary record */
    int64_t sc_ok;
};
typedef struct tsc_outside_t outside_t;

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
    if (!is_first_kind(r1->flag)) {
        int absent;
        tsc_nkslot_t *e = tsc_nktab_put(&o->extra, n.a, n.b, &absent);
        if (!e) { tsc_error("out of memory"); return -1; }
        if ((uint32_t)e->bv < 2) tsc_nktab_set(e, (uint32_t)e->bv + 1);
    }
    return 0;
}

/* Leftover proper-pair records whose mate was due before (TID, POS) but never came become units
 * alone.  The counters do not depend on when (AS extremes, counts per name), so MATES is swept
 * only when it has doubled since the last sweep (and at the end): in a consistent file every
 * mate comes and the table holds only the pairs that span the current position. */
int tsc_outside_retire(tsc_outside_t *o, int32_t tid, hts_pos_t pos, int force)
{
    if ((++o->n_calls & 0xffff) == 0 && kh_n_buckets(o->mates) > 1024 && kh_size(o->mates) < kh_n_buckets(o->mates) / 16) {
        /* past a pile-up: a small table again, which the caches hold (khash never shrinks itself) */
        if (kh_resize(pp, o->mates, 4 * kh_size(o->mates) + 64) < 0) { tsc_error("out of memory"); return -1; }
    }
    if (!force && kh_size(o->mates) < o->sweep_at) return 0;
    for (khint_t k = kh_begin(o->mates); k != kh_end(o->mates); k++) {
        if (!kh_exist(o->mates, k)) continue;
        ppkey_t key = kh_key(o->mates, k);
        int32_t mt = rank_tid(key.mtid);
        if (!(mt < tid || (mt == tid && key.mpos < pos))) continue;
        ppval_t v = kh_val(o->mates, k);
        kh_del(pp, o->mates, k);
        if (outside_unit(o, key.n, &v, NULL, NULL) < 0) return -1;
    }
    o->sweep_at = 2 * kh_size(o->mates) > 65536 ? 2 * kh_size(o->mates) : 65536;
    return 0;
}

static int srec_as(const srec_t *s, int64_t *v)
{
    if (s->rec) { *v = s->rec->as; return s->rec->has_as; }
    if (s->x) return tsc_bamraw_aux_int(s->x, "AS", v);
    const uint8_t *p = bam_aux_get(s->b, "AS");
    if (p && (*p == 'c' || *p == 'C' || *p == 's' || *p == 'S' || *p == 'i' || *p == 'I')) { *v = bam_aux2i(p); return 1; }
    return 0;
}

int tsc_outside_record(tsc_outside_t *o, const srec_t *c, nkey_t n, int64_t idx)
{
    uint16_t flag = c->flag;
    const char *qn = c->qname;
    if (is_first_kind(flag)) {
        int cls = class_of(flag), ret;
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
    int32_t mt = rank_tid(c->mtid), t = rank_tid(c->tid);
    int later = mt > t || (mt == t && c->mpos > c->pos); /* then its mate cannot be waiting yet */
    khint_t k = later ? kh_end(o->mates) : kh_get(pp, o->mates, mk);
    if (k != kh_end(o->mates)) {
        ppval_t m = kh_val(o->mates, k);
        kh_del(pp, o->mates, k);
        return (flag & BAM_FREAD1) ? outside_unit(o, n, &v, &m, qn) : outside_unit(o, n, &m, &v, qn);
    }
    if (mt < t || (mt == t && c->mpos < c->pos)) /* its mate was due earlier: it never came */
        return outside_unit(o, n, &v, NULL, qn);
    ppkey_t rk = { n, c->pos, c->mpos, mk.tlen, c->tid, c->mtid, !!(flag & BAM_FREAD1) };
    int ret;
    k = kh_put(pp, o->mates, rk, &ret);
    if (ret < 0) { tsc_error("out of memory"); return -1; }
    kh_val(o->mates, k) = v; /* Q6: an identical key replaces the older record, which is lost */
    return 0;
}

/* The counters of the fragments outside the loci, once every record has been seen. */
static void outside_finish(outside_t *o)
{
    tsc_frag_counts_t *c = &o->cnt;
    khint_t k;
    uint32_t v;
    for (k = kh_begin(o->r1unm); k != kh_end(o->r1unm); k++) {
        if (!kh_exist(o->r1unm, k)) continue;
        if (!tsc_nktab_get(&o->extra, kh_key(o->r1unm, k).a, kh_key(o->r1unm, k).b, &v)) {
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
    /* the fragments with a mapped unit besides their primary read 1's, but those whose primary
     * read 1 is unmapped and which have only one such unit (the tables of those rare cases are
     * walked: EXTRA knows its names by 96 bits only) */
    int64_t ambig = (int64_t)o->extra.n, dropped = 0;
    for (k = kh_begin(o->r1unm); k != kh_end(o->r1unm); k++)
        if (kh_exist(o->r1unm, k) && tsc_nktab_get(&o->extra, kh_key(o->r1unm, k).a, kh_key(o->r1unm, k).b, &v) && v < 2)
            ambig--;
    if (o->err) { /* of those, the ones the barcode/UMI filters drop */
        for (k = kh_begin(o->err); k != kh_end(o->err); k++) {
            if (!kh_exist(o->err, k)) continue;
            nkey_t n = kh_key(o->err, k);
            if (!tsc_nktab_get(&o->extra, n.a, n.b, &v)) continue;
            if (v >= 2 || kh_get(nk8, o->r1unm, n) == kh_end(o->r1unm)) dropped++;
        }
        o->scc.noloc_ambig += ambig - dropped;
    }
    c->ambig = ambig;
    if (o->err) o->scc.noloc_unique = o->sc_ok - o->scc.noloc_ambig;
    c->unique = c->cls[TSC_FC_SM] + c->cls[TSC_FC_PM] + c->cls[TSC_FC_PX] - ambig;
}

void tsc_outside_finish(tsc_outside_t *o, tsc_frag_counts_t *cnt, tsc_sc_counts_t *scc)
{
    outside_finish(o);
    tsc_frag_counts_merge(cnt, &o->cnt);
    if (o->err) tsc_sc_counts_merge(scc, &o->scc);
}

tsc_outside_t *tsc_outside_init(tsc_fetch_t *f, khash_t(scerr) *err)
{
    tsc_outside_t *o = calloc(1, sizeof(*o));
    if (!o) return NULL;
    o->f = f;
    o->err = err;
    tsc_frag_counts_init(&o->cnt);
    tsc_sc_counts_init(&o->scc);
    o->sweep_at = 65536;
    o->r1unm = kh_init(nk8); o->mates = kh_init(pp);
    if (!o->r1unm || !o->mates) { tsc_outside_destroy(o); return NULL; }
    return o;
}

void tsc_outside_destroy(tsc_outside_t *o)
{
    if (!o) return;
    tsc_nktab_free(&o->extra);
    if (o->r1unm) kh_destroy(nk8, o->r1unm);
    if (o->mates) kh_destroy(pp, o->mates);
    free(o);
}
