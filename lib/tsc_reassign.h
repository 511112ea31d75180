/* tsc_reassign.h -- Telescope's reassignment modes (spec §8) and its random choice (§8.1):
 * MT19937 with numpy's legacy seeding and bounded draw, so `choose` is bit-compatible.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * A reassignment turns a row-wise probability matrix P (the final z, or the initial matrix:
 * Q row-normalised) into a matrix R of the same sparsity; counts are the column sums of R.
 * Rows are the CSR rows of a tsc_mtx_t, cells in ascending column order.
 *
 * Draw order of a whole run (what upstream does, and what tsc-tag must replay, Q8 fixed):
 *   1. seed = tsc_reassign_seed(total_fragments, N, K);
 *   2. init_best_random: `choose` over the initial matrix, every row in order (always);
 *   3. TE_counts: `choose` over the final z (only when the mode is choose).
 * tsc_reassign_final() performs 1-3 and returns R of step 3 (for any mode), so the updated
 * BAM gets exactly the choices of TE_counts. */
#ifndef TSC_REASSIGN_H
#define TSC_REASSIGN_H

#include <stdint.h>
#include "tsc_matrix.h"

enum tsc_ra_mode {
    TSC_RA_EXCLUDE = 0, /* 1 on the row maximum if it is unique, else nothing */
    TSC_RA_CHOOSE,      /* 1 on the row maximum; ties broken by one MT19937 draw */
    TSC_RA_AVERAGE,     /* 1/m on each of the m cells equal to the row maximum */
    TSC_RA_CONF,        /* cells >= conf_prob kept, row renormalised (x * (1/sum)) */
    TSC_RA_UNIQUE,      /* 1 on rows with exactly one stored cell */
    TSC_RA_ALL,         /* 1 on every cell > 0 (internal: init_aligned) */
    TSC_RA_N_MODES
};

/** Name of MODE ("exclude"), or "?". */
const char *tsc_ra_mode_name(int mode);
/** Mode of NAME, or -1. ALLOW_ALL: accept "all" too (upstream's CLI does not). */
int tsc_ra_mode_parse(const char *name, int allow_all);
/** 1 if MODE gives whole numbers (exclude, choose, unique, all), printed as integers. */
int tsc_ra_mode_is_int(int mode);

/* ---- MT19937, numpy RandomState (legacy) flavour ---- */
#define TSC_MT_N 624
typedef struct {
    uint32_t mt[TSC_MT_N];
    int mti;
} tsc_mt_t;

/** Seed as numpy's RandomState(seed): the classic init_genrand(seed). */
void tsc_mt_seed(tsc_mt_t *r, uint32_t seed);
/** Next 32-bit output (genrand_int32). */
uint32_t tsc_mt_u32(tsc_mt_t *r);
/** Uniform integer in [0, MAX] as numpy's legacy randint(0, MAX+1): masked rejection sampling
 * on 32-bit outputs (mask = smallest 2^k-1 >= MAX); MAX == 0 consumes nothing. */
uint32_t tsc_mt_bounded(tsc_mt_t *r, uint32_t max);

/** Upstream's seed: ((total_fragments mod N) * K) mod 4294967295 (spec §8.1). N > 0. */
uint32_t tsc_reassign_seed(int64_t total_fragments, int64_t n_rows, int64_t n_cols);
/** The seed of M's run: from run info `total_fragments` and M's shape.
 * 0, or -1 (logged) when total_fragments is missing or invalid, or M has no rows. */
int tsc_reassign_run_seed(const tsc_mtx_t *m, uint32_t *seed) TSC_RESULT_USED;

/* ---- reassignment ---- */
/** Reassign one row. V: the row's N values (ascending column). R (out): N values.
 * RNG: used only by choose when the best set has more than one cell (may be NULL otherwise:
 * then a tie is an error). Returns the number of draws made (0 or 1), or -1 on a tie with
 * RNG NULL. V and R may not alias. */
int tsc_reassign_row(int mode, const double *v, int64_t n, double conf_prob, tsc_mt_t *rng,
                     double *r);

/** The initial matrix of row I (Q row-normalised, spec §7.2/§8) into V (out, row length).
 * INV_SMAX = 1/max raw score. */
void tsc_reassign_initial_row(const tsc_mtx_t *m, int64_t i, double inv_smax, double *v);

/** Max raw score of M (0 if empty). */
uint32_t tsc_reassign_smax(const tsc_mtx_t *m);

/** R (out, nnz, aligned with M->indices) of MODE on P (nnz values aligned with M->indices;
 * NULL = the initial matrix). RNG as in tsc_reassign_row. 0 or -1 (logged). */
int tsc_reassign(const tsc_mtx_t *m, const double *p, int mode, double conf_prob, tsc_mt_t *rng,
                 double *r) TSC_RESULT_USED;

/** Column sums of MODE on P (NULL = initial matrix) into SUM (out, K), accumulated
 * sequentially in row order from 0.0 (scipy's sum(0)). Nothing per cell is stored.
 * 0 or -1 (logged). */
int tsc_reassign_colsums(const tsc_mtx_t *m, const double *p, int mode, double conf_prob,
                         tsc_mt_t *rng, double *sum) TSC_RESULT_USED;

/** A whole run's R for MODE on the final z, with the run's RNG sequence replayed (seed, then
 * the init_best_random draws, then these): exactly the choices behind TE_counts.
 * M must be a FIT (M->z set). R (out): nnz. 0 or -1 (logged). */
int tsc_reassign_final(const tsc_mtx_t *m, int mode, double conf_prob, double *r) TSC_RESULT_USED;

#endif
