/* tsc_em_internal.h -- the parts of the EM shared by its backends (OpenMP: tsc_em.c and
 * tsc_em_omp.c; OpenCL: tsc_em_opencl.c). Not a public API.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * A backend
 *   1. builds the model with tsc_em_model_init() (Q, weights, U, priors, denominators: on the
 *      CPU, with libm, so that every backend starts from the same bits);
 *   2. lays the data out as it likes (it may take md->q and set it to NULL);
 *   3. calls tsc_em_iterate() with two callbacks: TSTEP (E-step + column sums T) and LNL (an
 *      E-step for z, the log-likelihood with newer pi/theta, optionally z itself).
 * tsc_em_iterate() owns the start values, the M-step, the initial values, the L1 diff, the
 * convergence test, the log lines and the final z/lnl pass, so that every backend stops at
 * the same iteration and logs the same lines. */
#ifndef TSC_EM_INTERNAL_H
#define TSC_EM_INTERNAL_H

#include <stdint.h>
#include "tsc_em.h"
#include "tsc_pairwise.h"

/* No fused multiply-add: upstream (numpy) rounds every product and every sum. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

typedef struct {
    int64_t n_rows, n_cols, nnz;   /* N, K, cells */
    const int64_t *indptr;         /* borrowed from the matrix */
    const int32_t *indices;        /* borrowed */
    const uint32_t *score;         /* borrowed */
    uint32_t smax;                 /* max raw score */
    double inv_smax;               /* 1.0 / smax */
    double *q;                     /* nnz: Q in CSR order (owned; a backend may take it, set NULL) */
    double *w;                     /* N: w_i = max_j Q_ij (0 for an empty row) */
    double *u;                     /* K: U_j = sum_{i:Y_i=0} Q_ij, ascending rows */
    double W;                      /* max_i w_i */
    double total_wt, ambig_wt;     /* PW(w), PW(w * Y) over all rows */
    double pi_prior_wt, theta_prior_wt;   /* pi_prior * W, theta_prior * W */
    double pi_den, theta_den;      /* total_wt + Ppi*K, ambig_wt + Ptheta*K */
    int64_t n_ambig, nnz_ambig;    /* rows with Y_i = 1, their cells */
    int64_t n_unique;              /* rows with exactly one cell */
    int64_t max_row_len;
    int n_threads;
} tsc_em_model_t;

/** Build the model of M (spec §7.1, §12). Validates the matrix (columns ascending within a row,
 * in [0, K); scores >= 1). Runs with OPT->n_threads threads. 0 or -1 (logged). */
int tsc_em_model_init(tsc_em_model_t *md, const tsc_mtx_t *m, const tsc_em_opt_t *opt) TSC_RESULT_USED;
void tsc_em_model_free(tsc_em_model_t *md);

/** M-step (spec §7.3): PI and THETA (K, original column order) from T (K). */
void tsc_em_mstep(const tsc_em_model_t *md, const double *t, double *pi, double *theta);

/** A whole E-step + log-likelihood pass on the CPU, in original row order (spec §7.2, §7.4,
 * §12): z = E(PI_Z, THETA_Z) written to Z (nnz, CSR order) if Z is not NULL; *LNL = L(z, PI,
 * THETA). Q from md->q when present, else recomputed from the scores (the same bits). LROW: N
 * doubles of scratch, or NULL (allocated here). Uses md->n_threads. 0 or -1 (OOM, logged). */
int tsc_em_lnl_cpu(const tsc_em_model_t *md, const double *pi_z, const double *theta_z,
                   const double *pi, const double *theta, double *z, double *lrow, double *lnl);

/** Backend callbacks. Vectors are K long, in original column order. Return 0 or -1 (logged). */
typedef struct {
    void *ctx;
    /** z = E(PI, THETA); T_j = sum over rows with Y_i = 1 of z_ij * w_i, each sum sequential in
     * ascending row order (§12). T[0] included. */
    int (*tstep)(void *ctx, const double *pi, const double *theta, double *t);
    /** z = E(PI_Z, THETA_Z); *LNL = L(z, PI, THETA) (§7.4: rows summed sequentially in column
     * order, then PW over all N rows in row order). If Z is not NULL, z is written there (nnz,
     * CSR order of the input). */
    int (*lnl)(void *ctx, const double *pi_z, const double *theta_z, const double *pi,
               const double *theta, double *z, double *lnl);
    /** Bytes the backend reads and writes in one TSTEP (for benchmarks), or 0. */
    double bytes_tstep;
} tsc_em_ops_t;

/** The EM loop (spec §7.5) on a model, with a backend's callbacks: start values 1/K, E+M steps,
 * pi/theta after iteration 1, L1 diff (PW), convergence on diff or lnl (OPT), max_iter, the
 * upstream log lines, then the final pass (z one E-step behind pi, lnl). Allocates RES arrays.
 * An empty matrix (no cells) gives 0 iterations, converged, pi = theta = 1/K, z empty, lnl 0.
 * 0 or -1 (logged; RES freed). */
int tsc_em_iterate(const tsc_em_model_t *md, const tsc_em_opt_t *opt, const tsc_em_ops_t *ops,
                   tsc_em_result_t *res) TSC_RESULT_USED;

#endif
