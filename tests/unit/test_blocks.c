/* test_blocks.c -- unit tests of lib/tsc_blocks.c (connected components without column 0).
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include "tsc_test.h"
#include "tsc_blocks.h"

/* matrix of N rows and K columns from rows given as lists ending in -1 (ascending columns) */
static tsc_mtx_t *make_mtx(int64_t N, int32_t K, const int *const *rows)
{
    tsc_mtx_t *m = tsc_mtx_init(TSC_KIND_MATRIX);
    int64_t r, nnz = 0;
    int32_t c;
    int ok = 0;
    char name[32];
    for (r = 0; r < N; r++)
        for (c = 0; rows[r][c] >= 0; c++) nnz++;
    m->n_rows = N; m->n_cols = K; m->nnz = nnz;
    m->indptr = malloc((size_t)(N + 1) * sizeof(int64_t));
    m->indices = malloc((size_t)(nnz + 1) * sizeof(int32_t));
    m->score = malloc((size_t)(nnz + 1) * sizeof(uint32_t));
    m->indptr[0] = 0;
    for (r = 0, nnz = 0; r < N; r++) {
        for (c = 0; rows[r][c] >= 0; c++, nnz++) {
            m->indices[nnz] = rows[r][c];
            m->score[nnz] = (uint32_t)(100 + r * 10 + rows[r][c]);
        }
        m->indptr[r + 1] = nnz;
    }
    for (c = 0; c < K; c++) {
        snprintf(name, sizeof(name), c ? "L%d" : "__no_feature", (int)c);
        ok |= tsc_hdr_add_feature(m->hdr, name, c ? 1000 : 0);
    }
    CHECK(ok == 0);
    return m;
}

/* Reorder M by blocks (rows by BROW, loci by BCOL, column 0 first), then map back to the
 * original indices and compare with M: the blocks lose nothing and restore the input. */
static void check_restore(const tsc_mtx_t *m)
{
    int64_t N = m->n_rows, K = m->n_cols, j, i, k, nnz = 0, bad = 0;
    int32_t *newcol = malloc((size_t)K * sizeof(int32_t)), *oldcol = malloc((size_t)K * sizeof(int32_t));
    int64_t *pp = malloc((size_t)(N + 1) * sizeof(int64_t));
    int32_t *pi = malloc((size_t)(m->nnz + 1) * sizeof(int32_t));
    uint32_t *ps = malloc((size_t)(m->nnz + 1) * sizeof(uint32_t));
    newcol[0] = oldcol[0] = 0;
    for (k = 0; k < K - 1; k++) {
        newcol[m->bcol[k]] = (int32_t)(k + 1);
        oldcol[k + 1] = m->bcol[k];
    }
    /* permuted matrix P: row j = original row brow[j], columns renumbered */
    pp[0] = 0;
    for (j = 0; j < N; j++) {
        int64_t r = m->brow[j];
        for (i = m->indptr[r]; i < m->indptr[r + 1]; i++, nnz++) {
            pi[nnz] = newcol[m->indices[i]];
            ps[nnz] = m->score[i];
        }
        pp[j + 1] = nnz;
    }
    CHECK_INT(nnz, m->nnz);
    /* in P, block b occupies rows brpt[b].. and columns bcpt[b]+1..: every cell inside its box */
    {
        int64_t b;
        for (b = 0; b < m->n_blocks; b++)
            for (j = m->brpt[b]; j < m->brpt[b + 1]; j++)
                for (i = pp[j]; i < pp[j + 1]; i++)
                    if (pi[i] != 0 && (pi[i] <= m->bcpt[b] || pi[i] > m->bcpt[b + 1])) bad++;
    }
    CHECK_INT(bad, 0);
    /* back: row brow[j] gets P's row j with original columns; compare cell by cell */
    for (j = 0; j < N; j++) {
        int64_t r = m->brow[j];
        if (pp[j + 1] - pp[j] != m->indptr[r + 1] - m->indptr[r]) { bad++; continue; }
        for (i = 0; i < pp[j + 1] - pp[j]; i++)
            if (oldcol[pi[pp[j] + i]] != m->indices[m->indptr[r] + i] || ps[pp[j] + i] != m->score[m->indptr[r] + i])
                bad++;
    }
    CHECK_INT(bad, 0);
    free(newcol); free(oldcol); free(pp); free(pi); free(ps);
}

static void test_known(void)
{
    static const int r0[] = {1, 2, -1}, r1[] = {0, 3, -1}, r2[] = {2, 4, -1}, r3[] = {0, -1},
                     r4[] = {5, -1}, r5[] = {3, 6, -1}, r6[] = {0, 5, 7, -1}, r7[] = {-1},
                     r8[] = {4, -1}, r9[] = {6, -1};
    static const int *const rows[] = {r0, r1, r2, r3, r4, r5, r6, r7, r8, r9};
    tsc_mtx_t *m = make_mtx(10, 9, rows);
    tsc_blocks_summary_t s;
    int i;
    /* blocks by smallest row: {0,2,8 | 1,2,4}, {1,5,9 | 3,6}, {3 |}, {4,6 | 5,7}, {7 |}, {| 8} */
    static const int64_t brpt[] = {0, 3, 6, 7, 9, 10, 10}, brow[] = {0, 2, 8, 1, 5, 9, 3, 4, 6, 7};
    static const int64_t bcpt[] = {0, 3, 5, 5, 7, 7, 8};
    static const int32_t bcol[] = {1, 2, 4, 3, 6, 5, 7, 8};
    CHECK(tsc_mtx2blocks(m) == 0);
    CHECK_INT(m->hdr->kind, TSC_KIND_BLOCKS);
    CHECK_INT(m->n_blocks, 6);
    if (m->n_blocks == 6) {
        for (i = 0; i <= 6; i++) { CHECK_INT(m->brpt[i], brpt[i]); CHECK_INT(m->bcpt[i], bcpt[i]); }
        for (i = 0; i < 10; i++) CHECK_INT(m->brow[i], brow[i]);
        for (i = 0; i < 8; i++) CHECK_INT(m->bcol[i], bcol[i]);
    }
    CHECK(tsc_blocks_check(m, NULL) == 0);
    check_restore(m);
    /* the matrix itself is untouched */
    CHECK_INT(m->nnz, 15);
    CHECK_INT(m->indices[2], 0);
    CHECK_INT(m->score[14], 196);
    /* summary */
    CHECK(tsc_blocks_summary(m, 4, &s) == 0);
    CHECK_INT(s.n_blocks, 6);
    CHECK_INT(s.rows_col0, 3);
    CHECK_INT(s.rows_only_col0, 2);
    CHECK_INT(s.cols_no_rows, 1);
    CHECK_INT(s.n_single, 0);
    CHECK_INT(s.n_top, 4);
    CHECK_INT(s.top[0].block, 0); CHECK_INT(s.top[0].nnz, 5); CHECK_INT(s.top[0].n_rows, 3);
    CHECK_INT(s.top[0].n_cols, 3);
    CHECK_INT(s.top[1].block, 1); CHECK_INT(s.top[1].nnz, 5);
    CHECK_INT(s.top[2].block, 3); CHECK_INT(s.top[2].nnz, 4);
    CHECK_INT(s.top[3].block, 2); CHECK_INT(s.top[3].nnz, 1);
    tsc_blocks_summary_free(&s);
    /* recomputing replaces the blocks with the same ones */
    CHECK(tsc_mtx2blocks(m) == 0);
    CHECK_INT(m->n_blocks, 6);
    CHECK(tsc_blocks_check(m, NULL) == 0);
    /* a corrupted partition is caught */
    fprintf(stderr, "(error messages expected below)\n");
    m->brow[1] = 1; /* row 1 in two blocks */
    CHECK(tsc_blocks_check(m, NULL) < 0);
    m->brow[1] = 2;
    m->bcol[2] = 6; m->bcol[4] = 4; /* L4 and L6 swapped between blocks: cells cross */
    CHECK(tsc_blocks_check(m, NULL) < 0);
    tsc_mtx_destroy(m);
}

static void test_edge(void)
{
    static const int *const none[] = {NULL};
    static const int r0[] = {0, -1};
    static const int *const only0[] = {r0};
    tsc_mtx_t *m = make_mtx(0, 1, none);
    CHECK(tsc_mtx2blocks(m) == 0);
    CHECK_INT(m->n_blocks, 0);
    CHECK_INT(m->brpt[0], 0);
    CHECK_INT(m->bcpt[0], 0);
    CHECK(tsc_blocks_check(m, NULL) == 0);
    tsc_mtx_destroy(m);
    m = make_mtx(0, 3, none); /* no rows, two loci: two blocks without rows */
    CHECK(tsc_mtx2blocks(m) == 0);
    CHECK_INT(m->n_blocks, 2);
    CHECK(tsc_blocks_check(m, NULL) == 0);
    tsc_mtx_destroy(m);
    m = make_mtx(1, 1, only0); /* one row that touches only column 0 */
    CHECK(tsc_mtx2blocks(m) == 0);
    CHECK_INT(m->n_blocks, 1);
    CHECK_INT(m->brpt[1], 1);
    CHECK_INT(m->bcpt[1], 0);
    CHECK(tsc_blocks_check(m, NULL) == 0);
    tsc_mtx_destroy(m);
}

/* random matrices against a reference: rows sharing a locus share a block (check), every block
 * is connected (BFS inside it), blocks come in order of their smallest row */
static void test_random(void)
{
    uint32_t seed = 777;
    int iter;
    for (iter = 0; iter < 30; iter++) {
        int64_t N = 1 + iter * 97 % 3000, r, i, b, bad = 0;
        int32_t K = 2 + (int32_t)(iter * 53 % 800), c;
        int **rows = malloc((size_t)N * sizeof(int *));
        tsc_mtx_t *m;
        for (r = 0; r < N; r++) {
            int n = 0, k, last = -1;
            seed = seed * 1664525u + 1013904223u;
            k = (int)(seed >> 28) % 4;
            rows[r] = malloc(8 * sizeof(int));
            if ((seed >> 10 & 3) == 0) rows[r][n++] = last = 0;
            for (; k >= 0; k--) {
                int step;
                seed = seed * 1664525u + 1013904223u;
                step = 1 + (int)((seed >> 8) % (uint32_t)(iter % 2 ? 40 : K));
                if (last + step >= K) break;
                rows[r][n++] = last = last + step;
            }
            rows[r][n] = -1;
        }
        m = make_mtx(N, K, (const int *const *)rows);
        CHECK(tsc_mtx2blocks(m) == 0);
        CHECK(tsc_blocks_check(m, NULL) == 0);
        check_restore(m);
        /* order: first rows of blocks ascending; connectivity by BFS over shared loci */
        {
            int64_t prev = -1, *seen = calloc((size_t)N, sizeof(int64_t));
            int64_t *queue = malloc((size_t)N * sizeof(int64_t));
            int64_t *cp = calloc((size_t)K + 1, sizeof(int64_t)), *cr = malloc((size_t)(m->nnz + 1) * sizeof(int64_t));
            int8_t *cseen = calloc((size_t)K, 1);
            /* column -> rows (CSC) */
            for (i = 0; i < m->nnz; i++) cp[m->indices[i] + 1]++;
            for (c = 0; c < K; c++) cp[c + 1] += cp[c];
            for (r = 0; r < N; r++)
                for (i = m->indptr[r]; i < m->indptr[r + 1]; i++) cr[cp[m->indices[i]]++] = r;
            for (c = K; c > 0; c--) cp[c] = cp[c - 1];
            cp[0] = 0;
            for (b = 0; b < m->n_blocks; b++) {
                int64_t qh = 0, qt = 0, nr = m->brpt[b + 1] - m->brpt[b], ncol = 0;
                if (nr == 0) { if (m->bcpt[b + 1] - m->bcpt[b] != 1) bad++; continue; }
                if (m->brow[m->brpt[b]] <= prev) bad++;
                prev = m->brow[m->brpt[b]];
                queue[qt++] = prev; seen[prev] = 1;
                while (qh < qt) {
                    int64_t x = queue[qh++], p, q;
                    for (p = m->indptr[x]; p < m->indptr[x + 1]; p++) {
                        c = m->indices[p];
                        if (c == 0 || cseen[c]) continue;
                        cseen[c] = 1;
                        ncol++;
                        for (q = cp[c]; q < cp[c + 1]; q++)
                            if (!seen[cr[q]]) { seen[cr[q]] = 1; queue[qt++] = cr[q]; }
                    }
                }
                if (qt != nr || ncol != m->bcpt[b + 1] - m->bcpt[b]) bad++;
            }
            CHECK_INT(bad, 0);
            free(seen); free(queue); free(cp); free(cr); free(cseen);
        }
        tsc_mtx_destroy(m);
        for (r = 0; r < N; r++) free(rows[r]);
        free(rows);
    }
}

int main(void)
{
    test_known();
    test_edge();
    test_random();
    return tsc_test_result("test_blocks");
}
