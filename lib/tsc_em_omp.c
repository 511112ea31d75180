/* tsc_em_omp.c -- the EM's OpenMP backend: block-parallel E and M steps, exact (spec §12).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Layout. Only ambiguous rows (Y_i = 1) take part in the iterations (unique rows add a constant,
 * U, to pi). They are copied into a "work" CSR grouped by block (blocks by decreasing size, rows
 * ascending within a block), cells in their original (ascending column) order. Columns are
 * renumbered into "slots" grouped the same way, so each block owns a contiguous range of T.
 * Column 0 (the no-feature key, shared by all blocks) is coded as -(rank+1), where rank is the
 * row's position among the ambiguous rows touching column 0 in ascending row order.
 *
 * One TSTEP (E-step plus T_j = sum z_ij w_i, sequential in ascending row order):
 *   phase 1, dynamic over items: an item is either a run of whole small blocks (E-step and
 *     T accumulation fused, in row order: a real column lives in one block) or a chunk of rows of
 *     a large "split" block (its z_ij w_i go to ZW); column-0 terms go to C0[rank] either way;
 *   phase 2, dynamic over items: T_0 = sum of C0 in order; each split block's columns summed
 *     through a CSC index of that block (ascending rows).
 * Every sum thus has one fixed order: results do not depend on threads, items or blocks. */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <omp.h>
#include "tsc_em_internal.h"
#include "tsc_blocks.h"
#include "tsc_util.h"

#define EM_GRAIN 32768        /* target cells per work item */
#define EM_SPLIT_MIN 65536    /* never split a block with fewer ambiguous cells */

typedef struct {
    int64_t rb, re;           /* work rows [rb, re) */
    int split;                /* rows of a split block: write ZW instead of summing T */
} item1_t;

typedef struct {
    int64_t sb, se;           /* slots [sb, se) of one split block; sb < 0: the column-0 sum */
    int64_t base;             /* first work cell of that block */
} item2_t;

typedef struct {
    const tsc_em_model_t *md;
    int nt;
    int64_t K;
    /* ambiguous rows in work order */
    int64_t n_w, nnz_w;
    int64_t *wptr;            /* n_w + 1 */
    int64_t *worow;           /* n_w: original row */
    int32_t *wcode;           /* nnz_w: slot, or -(rank+1) for column 0 */
    double *wq;               /* nnz_w: Q */
    /* slots (columns 1..K-1 by block) */
    int64_t n_slot;
    int32_t *col_slot;        /* K; col_slot[0] = -1 */
    int32_t *slot_col;        /* n_slot */
    double *pt, *pt2, *tslot; /* n_slot each */
    /* column 0 */
    int64_t n0;
    double *c0;               /* n0 */
    /* split blocks: work cells [0, nnz_split), slots [0, n_slot_split) */
    int64_t nnz_split, n_slot_split;
    double *zw;               /* nnz_split */
    int64_t *cscptr;          /* n_slot_split + 1 */
    uint32_t *cscoff;         /* cells of split blocks outside column 0, offset from block base */
    item1_t *it1;
    int64_t n_it1;
    item2_t *it2;
    int64_t n_it2;
    /* unique rows */
    int64_t n_u;
    int64_t *urow;
    int32_t *ucol;
    double *uq;
    double *lrow;             /* N: lnl row totals (0 for empty rows) */
    double *scr;              /* nt * 2 * max_row_len scratch */
} omp_ctx_t;

static void ctx_free(omp_ctx_t *c)
{
    free(c->wptr), free(c->worow), free(c->wcode), free(c->wq);
    free(c->col_slot), free(c->slot_col), free(c->pt), free(c->pt2), free(c->tslot);
    free(c->c0), free(c->zw), free(c->cscptr), free(c->cscoff), free(c->it1), free(c->it2);
    free(c->urow), free(c->ucol), free(c->uq), free(c->lrow), free(c->scr);
    memset(c, 0, sizeof(*c));
}

/* malloc of N elements of SZ, never 0 bytes; on failure sets *FAIL */
static void *xmalloc(int64_t n, size_t sz, int *fail)
{
    void *p = malloc((size_t)(n > 0 ? n : 1) * sz);
    if (!p) *fail = 1;
    return p;
}

/* ---- setup ---- */

static int ctx_build(omp_ctx_t *c, const tsc_mtx_t *m, tsc_em_model_t *md, const tsc_em_opt_t *opt)
{
    int64_t N = md->n_rows, K = md->n_cols, i, j, b, k, nb = 0;
    int32_t *col_block = NULL;
    int64_t *bnnz = NULL, *brank = NULL, *border = NULL, *boff = NULL, *rowblk = NULL, *cnt = NULL;
    int32_t *rank0 = NULL;
    int fail = 0, nt = md->n_threads;
    const int64_t *ip = md->indptr;
    const int32_t *ix = md->indices;

    memset(c, 0, sizeof(*c));
    c->md = md, c->nt = nt, c->K = K;
    if (m->n_blocks > 0 ? tsc_blocks_check(m, &col_block) : tsc_blocks_cols(m, &col_block, &nb))
        return -1;
    if (m->n_blocks > 0) nb = m->n_blocks;
    if (nb > INT32_MAX) {
        free(col_block);
        tsc_error("more than %d blocks: not supported", INT32_MAX);
        return -1;
    }

    /* ambiguous cells per block; block of each ambiguous row; column-0 ranks */
    bnnz = calloc(nb + 1, sizeof(int64_t));
    rowblk = xmalloc(N, sizeof(int64_t), &fail);
    rank0 = xmalloc(N, sizeof(int32_t), &fail);
    if (!bnnz || fail) goto oom;
    c->n0 = 0;
    for (i = 0; i < N; ++i) {
        int64_t len = ip[i + 1] - ip[i];
        rowblk[i] = -1;
        if (len < 2) continue;
        int64_t f = ip[i] + (ix[ip[i]] == 0);
        rowblk[i] = col_block[ix[f]];
        bnnz[rowblk[i]] += len;
        if (ix[ip[i]] == 0) {
            if (c->n0 >= INT32_MAX) {
                tsc_error("more than %d ambiguous rows touch the no-feature column: not supported", INT32_MAX);
                goto fail;
            }
            rank0[i] = (int32_t)c->n0++;
        }
    }
    /* blocks by decreasing ambiguous cells, then id (counting sort would do; K log K is fine) */
    border = xmalloc(nb, sizeof(int64_t), &fail);
    brank = xmalloc(nb, sizeof(int64_t), &fail);
    if (fail) goto oom;
    for (b = 0; b < nb; ++b) border[b] = b;
    {
        /* merge sort by (bnnz desc, id asc): stable and deterministic */
        int64_t *tmp = xmalloc(nb, sizeof(int64_t), &fail);
        if (fail) goto oom;
        for (int64_t w = 1; w < nb; w *= 2) {
            for (int64_t lo = 0; lo < nb; lo += 2 * w) {
                int64_t mid = lo + w < nb ? lo + w : nb, hi = lo + 2 * w < nb ? lo + 2 * w : nb;
                int64_t p = lo, q = mid, o = lo;
                while (p < mid && q < hi) tmp[o++] = bnnz[border[q]] > bnnz[border[p]] ? border[q++] : border[p++];
                while (p < mid) tmp[o++] = border[p++];
                while (q < hi) tmp[o++] = border[q++];
            }
            memcpy(border, tmp, nb * sizeof(int64_t));
        }
        free(tmp);
    }
    for (k = 0; k < nb; ++k) brank[border[k]] = k;

    /* which blocks are split (a prefix of the order: split depends on size only) */
    int64_t split_nnz = opt->split_nnz;
    if (split_nnz <= 0) {
        /* Splitting costs a write and a gathered read per cell; it pays only when one block
         * holds more than about 1/(nt-2) of the work (man tsc-em, Backends). */
        int64_t lim = nt > 2 ? md->nnz_ambig / (nt - 2) : INT64_MAX;
        split_nnz = lim > EM_SPLIT_MIN ? lim : EM_SPLIT_MIN;
        if (nt <= 2) split_nnz = INT64_MAX;
    }
    int64_t n_split = 0;
    while (n_split < nb && bnnz[border[n_split]] > split_nnz && bnnz[border[n_split]] < (int64_t)UINT32_MAX)
        ++n_split;

    /* work rows: counting sort of ambiguous rows by block rank, ascending within */
    c->n_w = md->n_ambig, c->nnz_w = md->nnz_ambig;
    boff = calloc(nb + 1, sizeof(int64_t));
    cnt = calloc(nb + 1, sizeof(int64_t));
    c->wptr = xmalloc(c->n_w + 1, sizeof(int64_t), &fail);
    c->worow = xmalloc(c->n_w, sizeof(int64_t), &fail);
    c->wcode = xmalloc(c->nnz_w, sizeof(int32_t), &fail);
    c->wq = xmalloc(c->nnz_w, sizeof(double), &fail);
    if (!boff || !cnt || fail) goto oom;
    for (i = 0; i < N; ++i)
        if (rowblk[i] >= 0) cnt[brank[rowblk[i]] + 1]++;
    for (k = 0; k < nb; ++k) cnt[k + 1] += cnt[k];    /* first work row of each rank */
    for (i = 0; i < N; ++i)
        if (rowblk[i] >= 0) c->worow[cnt[brank[rowblk[i]]]++] = i;
    /* cnt[k] is now the end of rank k; rows of rank k start at cnt[k-1] (0 for k = 0) */
    c->wptr[0] = 0;
    for (int64_t r = 0; r < c->n_w; ++r) c->wptr[r + 1] = c->wptr[r] + (ip[c->worow[r] + 1] - ip[c->worow[r]]);

    /* slots: columns 1..K-1 grouped by block rank, ascending within */
    c->n_slot = K - 1;
    c->col_slot = xmalloc(K, sizeof(int32_t), &fail);
    c->slot_col = xmalloc(c->n_slot, sizeof(int32_t), &fail);
    c->pt = xmalloc(c->n_slot, sizeof(double), &fail);
    c->pt2 = xmalloc(c->n_slot, sizeof(double), &fail);
    c->tslot = xmalloc(c->n_slot, sizeof(double), &fail);
    if (fail) goto oom;
    memset(boff, 0, (nb + 1) * sizeof(int64_t));
    for (j = 1; j < K; ++j) boff[brank[col_block[j]] + 1]++;
    for (k = 0; k < nb; ++k) boff[k + 1] += boff[k];
    c->col_slot[0] = -1;
    for (j = 1; j < K; ++j) {
        int64_t s = boff[brank[col_block[j]]]++;
        c->col_slot[j] = (int32_t)s, c->slot_col[s] = (int32_t)j;
    }

    /* copy the cells */
#pragma omp parallel for num_threads(nt) schedule(static)
    for (int64_t r = 0; r < c->n_w; ++r) {
        int64_t o = c->worow[r], src = ip[o], dst = c->wptr[r], len = c->wptr[r + 1] - dst;
        for (int64_t kk = 0; kk < len; ++kk) {
            int32_t jj = ix[src + kk];
            c->wcode[dst + kk] = jj == 0 ? -(rank0[o] + 1) : c->col_slot[jj];
            c->wq[dst + kk] = md->q[src + kk];
        }
    }
    c->c0 = xmalloc(c->n0, sizeof(double), &fail);
    /* unique rows */
    c->n_u = md->n_unique;
    c->urow = xmalloc(c->n_u, sizeof(int64_t), &fail);
    c->ucol = xmalloc(c->n_u, sizeof(int32_t), &fail);
    c->uq = xmalloc(c->n_u, sizeof(double), &fail);
    c->lrow = calloc(N > 0 ? N : 1, sizeof(double));
    c->scr = xmalloc((int64_t)nt * 2 * (md->max_row_len > 0 ? md->max_row_len : 1), sizeof(double), &fail);
    if (fail || !c->lrow) goto oom;
    for (i = 0, k = 0; i < N; ++i)
        if (ip[i + 1] - ip[i] == 1) c->urow[k] = i, c->ucol[k] = ix[ip[i]], c->uq[k] = md->q[ip[i]], ++k;

    /* work items, phase 1: chunks of split blocks, then runs of whole small blocks */
    {
        int64_t grain = md->nnz_ambig / (8 * (int64_t)nt);
        int64_t r = 0, m1 = 0, m2 = 0;
        if (grain > EM_GRAIN) grain = EM_GRAIN;
        if (grain < 1) grain = 1;
        int64_t chunk = opt->split_nnz > 0 ? (opt->split_nnz / 2 > 0 ? opt->split_nnz / 2 : 1) : grain;
        m1 = 1 + c->n_w; /* at most one item per row, plus one */
        c->it1 = xmalloc(m1, sizeof(item1_t), &fail);
        if (fail) goto oom;
        c->n_it1 = 0;
        for (k = 0; k < n_split; ++k) {
            int64_t rb = k ? cnt[k - 1] : 0, re = cnt[k], s = rb;
            while (s < re) {
                int64_t e = s + 1;
                while (e < re && c->wptr[e] - c->wptr[s] < chunk) ++e;
                c->it1[c->n_it1].rb = s, c->it1[c->n_it1].re = e, c->it1[c->n_it1++].split = 1;
                s = e;
            }
        }
        r = n_split ? cnt[n_split - 1] : 0;
        c->nnz_split = c->wptr[r];
        while (r < c->n_w) {            /* whole blocks until the item reaches the grain */
            int64_t s = r;
            k = brank[rowblk[c->worow[r]]];
            do {
                r = cnt[k++];
            } while (r < c->n_w && c->wptr[r] - c->wptr[s] < grain);
            c->it1[c->n_it1].rb = s, c->it1[c->n_it1].re = r, c->it1[c->n_it1++].split = 0;
        }
        /* phase 2: the column-0 sum, then column ranges of the split blocks */
        c->n_slot_split = n_split ? boff[n_split - 1] : 0;
        m2 = 1 + c->n_slot_split;
        c->it2 = xmalloc(m2, sizeof(item2_t), &fail);
        c->zw = xmalloc(c->nnz_split, sizeof(double), &fail);
        c->cscptr = calloc(c->n_slot_split + 1, sizeof(int64_t));
        if (fail || !c->cscptr) goto oom;
        c->it2[0].sb = c->it2[0].se = -1, c->it2[0].base = 0;
        c->n_it2 = 1;
        for (int64_t p = 0; p < c->nnz_split; ++p)
            if (c->wcode[p] >= 0) c->cscptr[c->wcode[p] + 1]++;
        for (int64_t s = 0; s < c->n_slot_split; ++s) c->cscptr[s + 1] += c->cscptr[s];
        c->cscoff = xmalloc(c->cscptr[c->n_slot_split], sizeof(uint32_t), &fail);
        int64_t *fill = xmalloc(c->n_slot_split, sizeof(int64_t), &fail);
        if (fail) { free(fill); goto oom; }
        memcpy(fill, c->cscptr, c->n_slot_split * sizeof(int64_t));
        for (k = 0; k < n_split; ++k) {
            int64_t rb = k ? cnt[k - 1] : 0, re = cnt[k], base = c->wptr[rb];
            int64_t sb = k ? boff[k - 1] : 0, se = boff[k];
            for (int64_t p = base; p < c->wptr[re]; ++p)
                if (c->wcode[p] >= 0) c->cscoff[fill[c->wcode[p]]++] = (uint32_t)(p - base);
            for (int64_t s = sb; s < se;) {
                int64_t e = s + 1;
                while (e < se && c->cscptr[e] - c->cscptr[s] < chunk) ++e;
                c->it2[c->n_it2].sb = s, c->it2[c->n_it2].se = e, c->it2[c->n_it2++].base = base;
                s = e;
            }
        }
        free(fill);
    }
    tsc_debug("OpenMP layout: %lld blocks (%lld split), %lld ambiguous rows, %lld unique, %lld+%lld work items",
              (long long)nb, (long long)n_split, (long long)c->n_w, (long long)c->n_u,
              (long long)c->n_it1, (long long)c->n_it2);
    free(col_block), free(bnnz), free(brank), free(border), free(boff), free(rowblk), free(cnt), free(rank0);
    return 0;
oom:
    tsc_error("out of memory for the EM data (%lld cells)", (long long)md->nnz);
fail:
    free(col_block), free(bnnz), free(brank), free(border), free(boff), free(rowblk), free(cnt), free(rank0);
    ctx_free(c);
    return -1;
}

/* ---- one row ---- */

/* n_k = Q_k * p(code_k) (column 0, if present, is cell 0); returns 1/(row sum), or 0 for a zero
 * sum; *WMAX = max Q_k. The row sum is scipy's over the product with its exact zeros dropped
 * (tsc_pw_rowsum_nz). N has room for 2 * LEN doubles (the upper half is scratch). LEN >= 1. */
static inline double row_e(const int32_t *code, const double *q, int64_t len, const double *pt,
                           double pt0, double *n, double *wmax)
{
    double wm = q[0], s = 0.0, mn;
    n[0] = q[0] * (code[0] >= 0 ? pt[code[0]] : pt0);
    mn = n[0];
    for (int64_t k = 1; k < len; ++k) {
        n[k] = q[k] * pt[code[k]];
        mn = n[k] < mn ? n[k] : mn; /* the products are >= 0: one is zero iff the least is */
        wm = q[k] > wm ? q[k] : wm;
    }
    if (mn == 0.0) s = tsc_pw_rowsum_nz(n, len, n + len);
    else if (len <= 8) { /* PW of fewer than 8 values: sequential from 0.0 */
        for (int64_t k = 1; k < len; ++k) s += n[k];
        s = n[0] + s;
    } else s = tsc_pw_rowsum(n, len);
    *wmax = wm;
    return s != 0.0 ? 1.0 / s : 0.0;
}

static void slot_pt(const omp_ctx_t *c, const double *pi, const double *theta, double *pt)
{
    for (int64_t s = 0; s < c->n_slot; ++s) pt[s] = pi[c->slot_col[s]] * theta[c->slot_col[s]];
}

/* ---- TSTEP ---- */

/* E-step of work rows [RB, RE) with T accumulated in place (whole blocks only) */
static void rows_fused(omp_ctx_t *c, int64_t rb, int64_t re, double pt0, double *n)
{
    const double *pt = c->pt;
    double *ts = c->tslot;
    for (int64_t r = rb; r < re; ++r) {
        int64_t b = c->wptr[r], len = c->wptr[r + 1] - b;
        const int32_t *code = c->wcode + b;
        double wm, rr = row_e(code, c->wq + b, len, pt, pt0, n, &wm);
        if (code[0] < 0) c->c0[-(int64_t)code[0] - 1] = (n[0] * rr) * wm;
        else ts[code[0]] += (n[0] * rr) * wm;
        for (int64_t k = 1; k < len; ++k) ts[code[k]] += (n[k] * rr) * wm;
    }
}

/* E-step of work rows [RB, RE) of a split block: z_ij w_i to ZW, summed later by column */
static void rows_split(omp_ctx_t *c, int64_t rb, int64_t re, double pt0, double *n)
{
    for (int64_t r = rb; r < re; ++r) {
        int64_t b = c->wptr[r], len = c->wptr[r + 1] - b;
        const int32_t *code = c->wcode + b;
        double wm, rr = row_e(code, c->wq + b, len, c->pt, pt0, n, &wm), *zw = c->zw + b;
        if (code[0] < 0) c->c0[-(int64_t)code[0] - 1] = (n[0] * rr) * wm;
        else zw[0] = (n[0] * rr) * wm;
        for (int64_t k = 1; k < len; ++k) zw[k] = (n[k] * rr) * wm;
    }
}

static int omp_tstep(void *vc, const double *pi, const double *theta, double *t)
{
    omp_ctx_t *c = vc;
    const double pt0 = pi[0] * theta[0];
    double t0 = 0.0;
    slot_pt(c, pi, theta, c->pt);
    memset(c->tslot, 0, c->n_slot * sizeof(double));
#pragma omp parallel num_threads(c->nt)
    {
        double *n = c->scr + (int64_t)omp_get_thread_num() * 2 * (c->md->max_row_len > 0 ? c->md->max_row_len : 1);
#pragma omp for schedule(dynamic, 1)
        for (int64_t it = 0; it < c->n_it1; ++it) {
            const item1_t *a = &c->it1[it];
            if (a->split) rows_split(c, a->rb, a->re, pt0, n);
            else rows_fused(c, a->rb, a->re, pt0, n);
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t it = 0; it < c->n_it2; ++it) {
            const item2_t *a = &c->it2[it];
            if (a->sb < 0) {
                double acc = 0.0;
                for (int64_t i = 0; i < c->n0; ++i) acc += c->c0[i];
                t0 = acc;
                continue;
            }
            const double *zw = c->zw + a->base;
            for (int64_t s = a->sb; s < a->se; ++s) {
                double acc = 0.0;
                for (int64_t p = c->cscptr[s]; p < c->cscptr[s + 1]; ++p) acc += zw[c->cscoff[p]];
                c->tslot[s] = acc;
            }
        }
    }
    t[0] = t0;
    for (int64_t j = 1; j < c->K; ++j) t[j] = c->tslot[c->col_slot[j]];
    return 0;
}

/* ---- LNL (and final z) ---- */

static int omp_lnl(void *vc, const double *pi_z, const double *theta_z, const double *pi,
                   const double *theta, double *z, double *lnl)
{
    omp_ctx_t *c = vc;
    const tsc_em_model_t *md = c->md;
    const double ptz0 = pi_z[0] * theta_z[0], ptl0 = pi[0] * theta[0];
    if (z) /* the final pass: in original order, z written in place */
        return tsc_em_lnl_cpu(md, pi_z, theta_z, pi, theta, z, c->lrow, lnl);
    slot_pt(c, pi_z, theta_z, c->pt);
    slot_pt(c, pi, theta, c->pt2);
#pragma omp parallel num_threads(c->nt)
    {
        double *n = c->scr + (int64_t)omp_get_thread_num() * 2 * (md->max_row_len > 0 ? md->max_row_len : 1);
        const double *ptz = c->pt, *ptl = c->pt2;
#pragma omp for schedule(dynamic, 256) nowait
        for (int64_t r = 0; r < c->n_w; ++r) {
            int64_t b = c->wptr[r], len = c->wptr[r + 1] - b;
            const int32_t *code = c->wcode + b;
            const double *q = c->wq + b;
            double wm, rr = row_e(code, q, len, ptz, ptz0, n, &wm), acc = 0.0;
            acc += (n[0] * rr) * log1p(q[0] * (code[0] >= 0 ? ptl[code[0]] : ptl0));
            for (int64_t k = 1; k < len; ++k) acc += (n[k] * rr) * log1p(q[k] * ptl[code[k]]);
            c->lrow[c->worow[r]] = acc;
        }
#pragma omp for schedule(static)
        for (int64_t u = 0; u < c->n_u; ++u) {
            int32_t j = c->ucol[u];
            double q = c->uq[u], nn = q * pi_z[j], s = nn + 0.0, rr = s != 0.0 ? 1.0 / s : 0.0, acc = 0.0;
            acc += (nn * rr) * log1p(q * pi[j]);
            c->lrow[c->urow[u]] = acc;
        }
    }
    *lnl = tsc_np_sum_par(c->lrow, md->n_rows, c->nt);
    return 0;
}

/* ---- the backend ---- */

int tsc_em_run_openmp(const tsc_mtx_t *m, const tsc_em_opt_t *opt, tsc_em_result_t *res)
{
    tsc_em_model_t md;
    omp_ctx_t c;
    tsc_em_ops_t ops;
    double t0 = tsc_realtime(), sec_setup;
    int ret;
    memset(res, 0, sizeof(*res));
    if (tsc_em_opt_check(opt) < 0) return -1;
    if (tsc_em_model_init(&md, m, opt) < 0) return -1;
    if (ctx_build(&c, m, &md, opt) < 0) {
        tsc_em_model_free(&md);
        return -1;
    }
    free(md.q), md.q = NULL; /* copied into the work layout */
    sec_setup = tsc_realtime() - t0;
    memset(&ops, 0, sizeof(ops));
    ops.ctx = &c, ops.tstep = omp_tstep, ops.lnl = omp_lnl;
    ops.bytes_tstep = 8.0 * (double)(c.n_w + 1) + 12.0 * (double)c.nnz_w + 16.0 * (double)c.n0
                      + 20.0 * (double)c.nnz_split + 32.0 * (double)c.n_slot;
    ret = tsc_em_iterate(&md, opt, &ops, res);
    ctx_free(&c);
    tsc_em_model_free(&md);
    if (ret < 0) return -1;
    res->backend = TSC_EM_OPENMP;
    res->sec_setup = sec_setup;
    return 0;
}
