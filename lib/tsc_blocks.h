/* tsc_blocks.h -- independent blocks of the score matrix: connected components of the
 * fragment-locus graph without column 0 (DESIGN.md, "Blocks and the EM").
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Column 0 (the no-feature key) is the one column all blocks share; it is left out of the graph,
 * since a large share of fragments touch it and it would join everything into one component.
 * A block is a set of rows and the real loci (columns >= 1) they touch, closed under sharing.
 * Blocks are numbered by their smallest row. A row whose cells are all in column 0 (or that has
 * no cell; neither comes out of tsc-matrix) is a block of its own with no columns. A column no
 * row touches is a block of its own with no rows; such blocks come after all blocks with rows,
 * in column order. Rows and columns are ascending within a block. O(nnz + N + K) time. */
#ifndef TSC_BLOCKS_H
#define TSC_BLOCKS_H

#include <stdint.h>
#include "tsc_matrix.h"

/** Find the blocks of M and store them in M (n_blocks, brpt, brow, bcpt, bcol; earlier ones
 * freed); the header's kind becomes BLOCKS. M's other arrays are not touched.
 * M is modified IN PLACE. 0, or -1 on OOM (logged; M then has no blocks). */
int tsc_mtx2blocks(tsc_mtx_t *m) TSC_RESULT_USED;

typedef struct {
    int64_t block;   /* block index */
    int64_t n_rows, n_cols, nnz; /* rows, loci (columns >= 1), cells (column-0 cells included) */
} tsc_block_stat_t;

typedef struct {
    int64_t n_blocks;
    int64_t n_single;       /* blocks of exactly one row and one locus */
    int64_t rows_col0;      /* rows with a cell in column 0 */
    int64_t rows_only_col0; /* rows with no real locus (own blocks) */
    int64_t cols_no_rows;   /* loci no row touches (own blocks) */
    int n_top;              /* entries in top */
    tsc_block_stat_t *top;  /* the largest blocks by nnz (then rows, then index), largest first */
} tsc_blocks_summary_t;

/** Summarise M's blocks (M must have them): counts and the N_TOP largest blocks.
 * S->top is allocated here; free with tsc_blocks_summary_free(). 0 or -1 (OOM, logged). */
int tsc_blocks_summary(const tsc_mtx_t *m, int n_top, tsc_blocks_summary_t *s) TSC_RESULT_USED;
void tsc_blocks_summary_free(tsc_blocks_summary_t *s);

/** Check that M's blocks partition its rows and columns 1..K-1, ascending within a block, and
 * that no cell joins two blocks (a BLOCKS stream from elsewhere, e.g. edited text). If COL_BLOCK
 * is not NULL, *COL_BLOCK gets each column's block (K entries, [0] = -1; caller frees).
 * 0 if consistent, -1 (logged: what is inconsistent). */
int tsc_blocks_check(const tsc_mtx_t *m, int32_t **col_block) TSC_RESULT_USED;

/** The blocks of M's loci without storing them (M need not have BLOCKS sections): *COL_BLOCK[j]
 * for j in [1, K) is the block of locus j in [0, *N_BLOCKS), numbered in order of each block's
 * smallest locus; *COL_BLOCK[0] = -1. Caller frees *COL_BLOCK. 0 or -1 (logged). */
int tsc_blocks_cols(const tsc_mtx_t *m, int32_t **col_block, int64_t *n_blocks) TSC_RESULT_USED;

#endif
