/* tsc_annot_index.c -- the overlap index of the annotation: which merged intervals overlap a
 * half-open query.  Part of tsc (Telescope in C). MIT licence.
 *
 * Per chromosome the intervals are sorted by (start, locus), so that hits come out in that order
 * by walking the array.  Two ways to find them, with the same result:
 *  - a linear index (as tabix's): the genome is cut into bins of 2^shift bases, with shift chosen
 *    per chromosome for about one interval per bin, and lin[b] is the first interval ending after
 *    the bin's start.  A query scans from lin[bin(start)] until an interval starts at or after the
 *    query end.  One or two cache misses: this is the usual path.
 *  - an implicit balanced binary tree over the same array (node = middle of its range) augmented
 *    with the largest end in each subtree (as cgranges).  An in-order walk that skips subtrees
 *    ending at or before the query start reports the hits in array order in O(log n + hits).
 *    The scan falls back to it when it meets too many intervals that end before the query (long
 *    intervals hiding many short ones).
 * Beside them, a bitmap per chromosome (a bit per 2^mshift bases, set where some interval lies)
 * answers "could anything overlap?" with one memory access: most alignments lie far from the
 * loci, and their fragments need no overlap at all (tsc_annot_maybe). */
#include <stdlib.h>
#include <string.h>
#include <htslib/khash.h>
#include <htslib/ksort.h>
#include "tsc_annot.h"
#include "tsc_annot_internal.h"

KHASH_MAP_INIT_STR(tsc_c2i, int32_t)

#define MAX_MISS 16      /* non-overlapping intervals the linear scan may meet before the tree */
#define MIN_SHIFT 8      /* bins of 256 bases at least */
#define MAX_SHIFT 26     /* and 64 Mb at most */
#define MAP_SHIFT 8      /* bitmap: bins of 256 bases ... */
#define MAP_BITS (1LL << 27) /* ... unless that takes more than 16 MB in all: then wider */

typedef struct {
    int64_t off, n;      /* the chromosome's nodes are [off, off + n) */
    int64_t maxend;      /* largest end on the chromosome */
    int64_t bin0, nbin;  /* its bins are lin[bin0 .. bin0 + nbin) */
    int shift;           /* bin width 2^shift */
    int mshift;          /* bitmap bins: 2^mshift bases */
    int64_t mbit0;       /* its bits are map[mbit0 ..], (maxend - 1) >> mshift + 1 of them */
} ichrom_t;

struct tsc_annot_index_t {
    int32_t n_chrom;
    ichrom_t *c;
    int64_t *beg, *end;  /* per node: the interval, nodes sorted by (start, locus) per chromosome */
    int64_t *max;        /* largest end in the node's subtree of the implicit tree */
    int64_t *id;         /* index into a->iv */
    int64_t *lin;        /* per bin: first node (chromosome-local) whose end > bin start */
    uint64_t *map;       /* per bitmap bin: does an interval cover one of its bases? */
    khash_t(tsc_c2i) *h; /* chromosome name -> index (keys point into a->chrom) */
};

typedef struct {
    int64_t beg, end, id;
    int32_t locus;
} inode_t;

#define inode_lt(x, y) ((x).beg < (y).beg || ((x).beg == (y).beg && (x).locus < (y).locus))
KSORT_INIT_STATIC(tsc_inode, inode_t, inode_lt)

void tsc_annot_index_free(tsc_annot_index_t *x)
{
    if (!x) return;
    free(x->c);
    free(x->beg), free(x->end), free(x->max), free(x->id);
    free(x->lin);
    free(x->map);
    if (x->h) kh_destroy(tsc_c2i, x->h);
    free(x);
}

static int64_t build_max(const int64_t *end, int64_t *max, int64_t lo, int64_t hi)
{
    int64_t mid, m, t;
    if (lo >= hi) return INT64_MIN;
    mid = lo + (hi - lo) / 2;
    m = end[mid];
    if ((t = build_max(end, max, lo, mid)) > m) m = t;
    if ((t = build_max(end, max, mid + 1, hi)) > m) m = t;
    return max[mid] = m;
}

static int pick_shift(int64_t span, int64_t n)
{
    int s = MIN_SHIFT;
    int64_t per = n > 0 ? span / n : span; /* bases per interval */
    while (s < MAX_SHIFT && ((int64_t)1 << s) <= per) s++;
    /* and never more bins than a few per interval, however far the last one ends */
    while (s < 62 && (span >> s) > 4 * n + 1024) s++;
    return s;
}

int tsc_annot_index(tsc_annot_t *a)
{
    tsc_annot_index_t *x;
    inode_t *tmp = NULL;
    int64_t j, *fill = NULL, nbin = 0, nmbit = 0, mspan = 0;
    size_t nn = (size_t)(a->n_iv ? a->n_iv : 1);
    int32_t c;

    tsc_annot_index_free(a->idx);
    a->idx = NULL;
    if (!(x = calloc(1, sizeof(*x)))) goto nomem;
    x->n_chrom = a->n_chrom;
    if (!(x->c = calloc((size_t)a->n_chrom + 1, sizeof(*x->c)))) goto nomem;
    if (!(fill = calloc((size_t)a->n_chrom + 1, sizeof(*fill)))) goto nomem;
    if (!(tmp = malloc(nn * sizeof(*tmp)))) goto nomem;
    if (!(x->beg = malloc(nn * sizeof(int64_t))) || !(x->end = malloc(nn * sizeof(int64_t))) ||
        !(x->max = malloc(nn * sizeof(int64_t))) || !(x->id = malloc(nn * sizeof(int64_t))))
        goto nomem;
    if (!(x->h = kh_init(tsc_c2i))) goto nomem;
    for (j = 0; j < a->n_iv; j++) {
        const tsc_iv_t *v = &a->iv[j];
        if (v->chrom < 0 || v->chrom >= a->n_chrom || v->end <= v->beg || v->beg < 0) {
            tsc_error("interval %lld (%lld-%lld) is invalid", (long long)j, (long long)v->beg,
                      (long long)v->end);
            goto fail;
        }
        x->c[v->chrom].n++;
        if (v->end > x->c[v->chrom].maxend) x->c[v->chrom].maxend = v->end;
    }
    for (c = 0; c < a->n_chrom; c++) {
        ichrom_t *C = &x->c[c];
        C->off = fill[c] = c ? x->c[c - 1].off + x->c[c - 1].n : 0;
        C->shift = pick_shift(C->maxend, C->n);
        C->nbin = C->n ? (C->maxend >> C->shift) + 1 : 0;
        C->bin0 = nbin;
        nbin += C->nbin;
        mspan = mspan > INT64_MAX - C->maxend ? INT64_MAX : mspan + C->maxend;
    }
    {
        int ms = MAP_SHIFT;
        while (ms < 62 && (mspan >> ms) + a->n_chrom > MAP_BITS) ms++;
        for (c = 0; c < a->n_chrom; c++) {
            ichrom_t *C = &x->c[c];
            C->mshift = ms;
            C->mbit0 = nmbit;
            nmbit += C->n ? ((C->maxend - 1) >> ms) + 1 : 0;
        }
        if (!(x->map = calloc((size_t)(nmbit + 63) / 64 + 1, sizeof(uint64_t)))) goto nomem;
        for (j = 0; j < a->n_iv; j++) {
            const ichrom_t *C = &x->c[a->iv[j].chrom];
            for (int64_t b = a->iv[j].beg >> ms; b <= (a->iv[j].end - 1) >> ms; b++)
                x->map[(C->mbit0 + b) >> 6] |= 1ULL << ((C->mbit0 + b) & 63);
        }
    }
    for (j = 0; j < a->n_iv; j++) {
        inode_t *v = &tmp[fill[a->iv[j].chrom]++];
        v->beg = a->iv[j].beg, v->end = a->iv[j].end, v->id = j, v->locus = a->iv[j].locus;
    }
    if (!(x->lin = malloc((size_t)(nbin ? nbin : 1) * sizeof(*x->lin)))) goto nomem;
    for (c = 0; c < a->n_chrom; c++) {
        ichrom_t *C = &x->c[c];
        int64_t *lin = x->lin + C->bin0, b = 0, i;
        int absent;
        khint_t k;
        if (ks_introsort(tsc_inode, (size_t)C->n, tmp + C->off) < 0) goto nomem;
        for (i = 0; i < C->n; i++) {
            const inode_t *v = &tmp[C->off + i];
            x->beg[C->off + i] = v->beg, x->end[C->off + i] = v->end, x->id[C->off + i] = v->id;
            /* lin[b] = min{i : end_i > b << shift}, non-decreasing in b */
            while (b < C->nbin && (b << C->shift) < v->end) lin[b++] = i;
        }
        while (b < C->nbin) lin[b++] = C->n;
        build_max(x->end + C->off, x->max + C->off, 0, C->n);
        k = kh_put(tsc_c2i, x->h, a->chrom[c], &absent);
        if (absent < 0) goto nomem;
        if (absent) kh_val(x->h, k) = c; /* a repeated name keeps its first index */
    }
    free(fill);
    free(tmp);
    a->idx = x;
    return 0;
nomem:
    tsc_error("out of memory indexing %lld intervals", (long long)a->n_iv);
fail:
    free(fill);
    free(tmp);
    tsc_annot_index_free(x);
    return -1;
}

int32_t tsc_annot_chrom_id(const tsc_annot_t *a, const char *name)
{
    int32_t c;
    if (a->idx) {
        khint_t k = kh_get(tsc_c2i, a->idx->h, name);
        return k == kh_end(a->idx->h) ? -1 : kh_val(a->idx->h, k);
    }
    for (c = 0; c < a->n_chrom; c++)
        if (strcmp(a->chrom[c], name) == 0) return c;
    return -1;
}

int tsc_annot_maybe(const tsc_annot_t *a, int32_t chrom, int64_t beg, int64_t end)
{
    const tsc_annot_index_t *x = a->idx;
    if (!x || chrom < 0 || chrom >= a->n_chrom) return !x;
    const ichrom_t *C = &x->c[chrom];
    if (beg < 0) beg = 0;
    if (end > C->maxend) end = C->maxend;
    if (beg >= end) return 0;
    for (int64_t b = C->mbit0 + (beg >> C->mshift), e = C->mbit0 + ((end - 1) >> C->mshift); b <= e; b++)
        if (x->map[b >> 6] >> (b & 63) & 1) return 1;
    return 0;
}

static inline int push_hit(int64_t **buf, int64_t *m, int64_t n, int64_t id)
{
    if (n == *m) {
        int64_t nm = *m < 16 ? 16 : *m + (*m >> 1);
        int64_t *p = realloc(*buf, (size_t)nm * sizeof(**buf));
        if (!p) {
            tsc_error("out of memory");
            return -1;
        }
        *buf = p, *m = nm;
    }
    (*buf)[n] = id;
    return 0;
}

static int64_t query_tree(const tsc_annot_index_t *x, const ichrom_t *C, int64_t beg, int64_t end,
                          int64_t **buf, int64_t *m)
{
    const int64_t *B = x->beg + C->off, *E = x->end + C->off, *M = x->max + C->off;
    const int64_t *ID = x->id + C->off;
    int64_t stk_lo[64], stk_hi[64], lo = 0, hi = C->n, n = 0;
    int sp = 0;
    for (;;) {
        while (lo < hi) { /* descend left, keeping the nodes still to visit */
            int64_t mid = lo + (hi - lo) / 2;
            if (M[mid] <= beg) break; /* nothing in this subtree reaches the query */
            stk_lo[sp] = lo, stk_hi[sp] = hi, sp++;
            hi = mid;
        }
        if (sp == 0) break;
        sp--;
        lo = stk_lo[sp], hi = stk_hi[sp];
        {
            int64_t mid = lo + (hi - lo) / 2;
            if (B[mid] >= end) break; /* this node and all later ones start after the query */
            if (E[mid] > beg) {
                if (push_hit(buf, m, n, ID[mid]) < 0) return -1;
                n++;
            }
            lo = mid + 1;
        }
    }
    return n;
}

int64_t tsc_annot_query_tree(const tsc_annot_t *a, int32_t chrom, int64_t beg, int64_t end,
                             int64_t **buf, int64_t *m)
{
    if (!a->idx) {
        tsc_error("no index: call tsc_annot_index() first");
        return -1;
    }
    if (chrom < 0 || chrom >= a->n_chrom || beg >= end) return 0;
    return query_tree(a->idx, &a->idx->c[chrom], beg, end, buf, m);
}

int64_t tsc_annot_query(const tsc_annot_t *a, int32_t chrom, int64_t beg, int64_t end,
                        int64_t **buf, int64_t *m)
{
    const tsc_annot_index_t *x = a->idx;
    const ichrom_t *C;
    const int64_t *B, *E;
    int64_t i, n = 0, miss = 0;

    if (!x) {
        tsc_error("no index: call tsc_annot_index() first");
        return -1;
    }
    if (chrom < 0 || chrom >= a->n_chrom || beg >= end) return 0;
    C = &x->c[chrom];
    if (beg >= C->maxend) return 0;
    B = x->beg + C->off, E = x->end + C->off;
    i = beg <= 0 ? 0 : x->lin[C->bin0 + (beg >> C->shift)];
    for (; i < C->n && B[i] < end; i++) {
        if (E[i] > beg) {
            if (push_hit(buf, m, n, x->id[C->off + i]) < 0) return -1;
            n++;
        } else if (++miss > MAX_MISS) {
            return query_tree(x, C, beg, end, buf, m);
        }
    }
    return n;
}
