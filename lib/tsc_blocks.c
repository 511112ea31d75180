/* tsc_blocks.c -- connected components of the fragment-locus graph without column 0.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Union-find over the loci (columns 1..K-1): each row joins all its real loci. A row's block is
 * then the component of any of its loci. Blocks are numbered in order of their smallest row by
 * one pass over the rows; rows and columns are grouped by block with two counting sorts, which
 * keeps them ascending within a block. */
#include <stdlib.h>
#include <string.h>
#include "tsc_blocks.h"

/* root of X, halving the path on the way */
static inline int32_t uf_find(int32_t *par, int32_t x)
{
    while (par[x] != x) {
        par[x] = par[par[x]];
        x = par[x];
    }
    return x;
}

/* union by size; returns the new root */
static inline int32_t uf_union(int32_t *par, int32_t *sz, int32_t ra, int32_t rb)
{
    if (ra == rb) return ra;
    if (sz[ra] < sz[rb]) { int32_t t = ra; ra = rb; rb = t; }
    par[rb] = ra;
    sz[ra] += sz[rb];
    return ra;
}

static void free_blocks(tsc_mtx_t *m)
{
    free(m->brpt); free(m->brow); free(m->bcpt); free(m->bcol);
    m->brpt = m->brow = m->bcpt = NULL;
    m->bcol = NULL;
    m->n_blocks = 0;
}

/* Union-find over M's loci: PAR (and SZ) of K entries; every row joins its loci (columns >= 1).
 * 0, or -1 on a column out of range (logged). */
static int join_loci(const tsc_mtx_t *m, int32_t *par, int32_t *sz)
{
    int64_t K = m->n_cols, r, i;
    for (int32_t c = 0; c < K; c++) par[c] = c, sz[c] = 1;
    for (r = 0; r < m->n_rows; r++) {
        int32_t root = -1;
        for (i = m->indptr[r]; i < m->indptr[r + 1]; i++) {
            int32_t c = m->indices[i];
            if (c <= 0 || c >= K) {
                if (c == 0) continue;
                tsc_error("row %lld: column %d out of range", (long long)r, (int)c);
                return -1;
            }
            root = root < 0 ? uf_find(par, c) : uf_union(par, sz, root, uf_find(par, c));
        }
    }
    return 0;
}

int tsc_blocks_cols(const tsc_mtx_t *m, int32_t **col_block, int64_t *n_blocks)
{
    int64_t K = m->n_cols, nb = 0;
    int32_t *par = NULL, *sz = NULL, *cb = NULL;
    if (K < 1 || K > INT32_MAX) {
        tsc_error("matrix with %lld columns: column 0 (the no-feature key) is missing", (long long)K);
        return -1;
    }
    if (!(par = malloc((size_t)K * sizeof(*par))) || !(sz = malloc((size_t)K * sizeof(*sz)))
        || !(cb = malloc((size_t)K * sizeof(*cb)))) {
        free(par), free(sz), free(cb);
        tsc_error("out of memory for the block structure (%lld columns)", (long long)K);
        return -1;
    }
    if (join_loci(m, par, sz) < 0) {
        free(par), free(sz), free(cb);
        return -1;
    }
    /* number the components in order of their smallest locus: sz[] becomes root -> block */
    for (int32_t c = 1; c < K; c++) sz[c] = -1;
    cb[0] = -1;
    for (int32_t c = 1; c < K; c++) {
        int32_t root = uf_find(par, c);
        if (sz[root] < 0) sz[root] = (int32_t)nb++;
        cb[c] = sz[root];
    }
    free(par), free(sz);
    *col_block = cb, *n_blocks = nb;
    return 0;
}

int tsc_mtx2blocks(tsc_mtx_t *m)
{
    int64_t N = m->n_rows, K = m->n_cols, nb = 0, r, i, b;
    int32_t *par = NULL, *sz = NULL;
    int64_t *comp = NULL, *rblk = NULL, *brpt = NULL, *brow = NULL, *bcpt = NULL;
    int32_t *bcol = NULL;
    int32_t c;

    if (K < 1 || K > INT32_MAX) {
        tsc_error("matrix with %lld columns: column 0 (the no-feature key) is missing", (long long)K);
        return -1;
    }
    if (!(par = malloc((size_t)K * sizeof(*par))) || !(sz = malloc((size_t)K * sizeof(*sz)))
        || !(comp = malloc((size_t)K * sizeof(*comp)))
        || !(rblk = malloc((size_t)(N > 0 ? N : 1) * sizeof(*rblk))))
        goto nomem;
    for (c = 0; c < K; c++) comp[c] = -1;
    if (join_loci(m, par, sz) < 0) goto fail;
    /* number the blocks by their smallest row; rows without a locus stand alone */
    for (r = 0; r < N; r++) {
        int32_t first = 0;
        for (i = m->indptr[r]; i < m->indptr[r + 1] && !first; i++) first = m->indices[i];
        if (!first) {
            rblk[r] = nb++;
        } else {
            int32_t root = uf_find(par, first);
            if (comp[root] < 0) comp[root] = nb++;
            rblk[r] = comp[root];
        }
    }
    for (c = 1; c < K; c++) { /* loci no row touches: blocks without rows, after the others */
        int32_t root = uf_find(par, c);
        if (comp[root] < 0) comp[root] = nb++;
    }
    free(sz); sz = NULL;

    /* group rows and columns by block (counting sorts, stable) */
    if (!(brpt = calloc((size_t)nb + 1, sizeof(*brpt))) || !(bcpt = calloc((size_t)nb + 1, sizeof(*bcpt)))
        || !(brow = malloc((size_t)(N > 0 ? N : 1) * sizeof(*brow)))
        || !(bcol = malloc((size_t)(K > 1 ? K - 1 : 1) * sizeof(*bcol))))
        goto nomem;
    for (r = 0; r < N; r++) brpt[rblk[r] + 1]++;
    for (c = 1; c < K; c++) bcpt[comp[uf_find(par, c)] + 1]++;
    for (b = 0; b < nb; b++) {
        brpt[b + 1] += brpt[b];
        bcpt[b + 1] += bcpt[b];
    }
    for (r = 0; r < N; r++) brow[brpt[rblk[r]]++] = r;
    for (c = 1; c < K; c++) bcol[bcpt[comp[uf_find(par, c)]]++] = c;
    for (b = nb; b > 0; b--) { /* the fill advanced each start to the next block's start */
        brpt[b] = brpt[b - 1];
        bcpt[b] = bcpt[b - 1];
    }
    brpt[0] = bcpt[0] = 0;

    free(par); free(comp); free(rblk);
    free_blocks(m);
    m->n_blocks = nb;
    m->brpt = brpt; m->brow = brow;
    m->bcpt = bcpt; m->bcol = bcol;
    m->hdr->kind = TSC_KIND_BLOCKS;
    return 0;
nomem:
    tsc_error("out of memory");
fail:
    free(par); free(sz); free(comp); free(rblk);
    free(brpt); free(brow); free(bcpt); free(bcol);
    return -1;
}

/* does block A rank above block B (larger nnz, then more rows, then smaller index)? */
static int stat_above(const tsc_block_stat_t *a, const tsc_block_stat_t *b)
{
    if (a->nnz != b->nnz) return a->nnz > b->nnz;
    if (a->n_rows != b->n_rows) return a->n_rows > b->n_rows;
    return a->block < b->block;
}

int tsc_blocks_summary(const tsc_mtx_t *m, int n_top, tsc_blocks_summary_t *s)
{
    int64_t b, j, r;
    memset(s, 0, sizeof(*s));
    if (n_top < 0) n_top = 0;
    if (!(s->top = calloc((size_t)(n_top > 0 ? n_top : 1), sizeof(*s->top)))) {
        tsc_error("out of memory");
        return -1;
    }
    s->n_blocks = m->n_blocks;
    for (r = 0; r < m->n_rows; r++) {
        for (j = m->indptr[r]; j < m->indptr[r + 1]; j++)
            if (m->indices[j] == 0) { s->rows_col0++; break; }
    }
    for (b = 0; b < m->n_blocks; b++) {
        tsc_block_stat_t st;
        int k;
        st.block = b;
        st.n_rows = m->brpt[b + 1] - m->brpt[b];
        st.n_cols = m->bcpt[b + 1] - m->bcpt[b];
        st.nnz = 0;
        for (j = m->brpt[b]; j < m->brpt[b + 1]; j++) {
            r = m->brow[j];
            st.nnz += m->indptr[r + 1] - m->indptr[r];
        }
        if (st.n_rows == 1 && st.n_cols == 1) s->n_single++;
        if (st.n_cols == 0) s->rows_only_col0 += st.n_rows;
        if (st.n_rows == 0) s->cols_no_rows += st.n_cols;
        /* keep the n_top largest, sorted (insertion into a short array) */
        if (n_top == 0 || (s->n_top == n_top && !stat_above(&st, &s->top[n_top - 1]))) continue;
        k = s->n_top < n_top ? s->n_top++ : n_top - 1;
        for (; k > 0 && stat_above(&st, &s->top[k - 1]); k--) s->top[k] = s->top[k - 1];
        s->top[k] = st;
    }
    return 0;
}

void tsc_blocks_summary_free(tsc_blocks_summary_t *s)
{
    free(s->top);
    s->top = NULL;
    s->n_top = 0;
}

int tsc_blocks_check(const tsc_mtx_t *m, int32_t **col_block)
{
    int64_t N = m->n_rows, K = m->n_cols, B = m->n_blocks, b, j, r;
    int64_t *rblk = NULL;
    int32_t *cblk = NULL;
    if (B < 0 || B > INT32_MAX || !m->brpt || !m->bcpt || (N > 0 && !m->brow) || (K > 1 && !m->bcol)
        || m->brpt[0] != 0 || m->bcpt[0] != 0 || m->brpt[B] != N || m->bcpt[B] != K - 1) {
        tsc_error("inconsistent BLOCKS stream: the block pointers do not cover the %lld rows and %lld loci",
                  (long long)N, (long long)(K - 1));
        return -1;
    }
    if (!(rblk = malloc((size_t)(N > 0 ? N : 1) * sizeof(*rblk)))
        || !(cblk = malloc((size_t)(K > 0 ? K : 1) * sizeof(*cblk)))) {
        tsc_error("out of memory");
        goto fail;
    }
    for (r = 0; r < N; r++) rblk[r] = -1;
    for (j = 0; j < K; j++) cblk[j] = -1;
    for (b = 0; b < B; b++) {
        if (m->brpt[b + 1] < m->brpt[b] || m->bcpt[b + 1] < m->bcpt[b]) {
            tsc_error("inconsistent BLOCKS stream: block %lld: pointers decrease", (long long)b);
            goto fail;
        }
        for (j = m->brpt[b]; j < m->brpt[b + 1]; j++) {
            r = m->brow[j];
            if (r < 0 || r >= N || rblk[r] >= 0 || (j > m->brpt[b] && r <= m->brow[j - 1])) {
                tsc_error("inconsistent BLOCKS stream: block %lld: row %lld is out of range, repeated or out of order",
                          (long long)b, (long long)r);
                goto fail;
            }
            rblk[r] = b;
        }
        for (j = m->bcpt[b]; j < m->bcpt[b + 1]; j++) {
            int32_t c = m->bcol[j];
            if (c < 1 || c >= K || cblk[c] >= 0 || (j > m->bcpt[b] && c <= m->bcol[j - 1])) {
                tsc_error("inconsistent BLOCKS stream: block %lld: column %d is column 0, out of range, repeated or out of order",
                          (long long)b, (int)c);
                goto fail;
            }
            cblk[c] = (int32_t)b;
        }
    }
    for (r = 0; r < N; r++) {
        for (j = m->indptr[r]; j < m->indptr[r + 1]; j++) {
            int32_t c = m->indices[j];
            if (c < 0 || c >= K) {
                tsc_error("inconsistent BLOCKS stream: row %lld: column %d out of range", (long long)r, (int)c);
                goto fail;
            }
            if (c != 0 && cblk[c] != rblk[r]) {
                tsc_error("inconsistent BLOCKS stream: row %lld (block %lld) has a cell in column %d of block %lld",
                          (long long)r, (long long)rblk[r], (int)c, (long long)cblk[c]);
                goto fail;
            }
        }
    }
    free(rblk);
    if (col_block) *col_block = cblk;
    else free(cblk);
    return 0;
fail:
    free(rblk);
    free(cblk);
    return -1;
}
