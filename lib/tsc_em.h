/* tsc_em.h -- Telescope's EM (spec §7, numerics §12), exact and block-parallel.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * The model (spec §7): Q_ij = expm1(100 * raw_ij / Smax); Y_i = 1 if row i has more than one
 * cell; w_i = max_j Q_ij; E-step z_ij ~ Q_ij * pi_j * theta_j^Y_i (row-normalised); M-step
 * theta_j = (T_j + Ptheta) / (ambig_wt + Ptheta K), pi_j = (U_j + T_j + Ppi) / (total_wt + Ppi K)
 * with T_j = sum_{i:Y_i=1} z_ij w_i and U_j = sum_{i:Y_i=0} Q_ij. Every sum has the summation
 * order of spec §12, so results do not depend on threads, blocks or scheduling. */
#ifndef TSC_EM_H
#define TSC_EM_H

#include <stdint.h>
#include "tsc_matrix.h"

/* Defaults (upstream Telescope's) and stopping rule constants. */
#define TSC_EM_DEFAULT_PI_PRIOR 0.0
#define TSC_EM_DEFAULT_THETA_PRIOR 200000.0
#define TSC_EM_DEFAULT_EPSILON 1e-7   /* stop when sum_j |pi'_j - pi_j| (or |lnl' - lnl|) < this */
#define TSC_EM_DEFAULT_MAX_ITER 100   /* stop after this many iterations ("terminated") */
#define TSC_EM_Q_SCALE 100.0          /* Q = expm1((raw * (1/Smax)) * TSC_EM_Q_SCALE) */
/* --backend auto uses an OpenCL GPU only for matrices with at least this many cells */
#define TSC_EM_AUTO_GPU_NNZ 4000000

enum tsc_em_backend { TSC_EM_AUTO = 0, TSC_EM_OPENMP = 1, TSC_EM_OPENCL = 2 };

typedef struct {
    double pi_prior;      /* prior on pi, in unique reads [0] */
    double theta_prior;   /* prior on theta, in non-unique reads [200000] */
    double epsilon;       /* convergence threshold [1e-7] */
    int max_iter;         /* [100] */
    int use_likelihood;   /* converge on |lnl change| instead of L1 change of pi [0] */
    int n_threads;        /* total threads [1] */
    int backend;          /* enum tsc_em_backend [TSC_EM_AUTO] */
    int cl_platform, cl_device; /* OpenCL platform/device index, -1 = first suitable [-1] */
    int log_iterations;   /* log "Iteration t, diff=..." lines at INFO [1] */
    int64_t split_nnz;    /* OpenMP: blocks with more ambiguous cells than this are split by rows
                           * across threads; 0 = automatic [0]. Changes speed only, never results. */
} tsc_em_opt_t;

typedef struct {
    double *pi, *theta;            /* K, final */
    double *pi_init, *theta_init;  /* K, after iteration 1 */
    double *z;                     /* nnz, final z (one E-step behind pi, Q9), CSR order of the input */
    double lnl;                    /* final log-likelihood (log1p, Q10) */
    int iterations;
    int converged;                 /* 1 converged, 0 terminated at max_iter */
    int backend;                   /* backend actually used (TSC_EM_OPENMP or TSC_EM_OPENCL) */
    /* the convergence trace, one entry per iteration (iteration t at [t-1]) */
    double *trace_diff;            /* iterations: L1 change of pi */
    double *trace_lnl;             /* iterations: lnl of the iteration, only when use_likelihood
                                    * computes it anyway; else NULL */
    /* measurements (for logs and benchmarks; never part of the results) */
    double sec_setup;              /* Q, weights, data layout, device upload */
    double sec_iter;               /* all iterations (E+M steps, convergence tests) */
    double sec_final;              /* final z and lnl */
    double bytes_iter;             /* bytes the backend streams per (non-likelihood) iteration */
} tsc_em_result_t;

/** Defaults as upstream's (the values in brackets above). */
void tsc_em_opt_init(tsc_em_opt_t *o);
/** Report every problem with O (logged); 0 if valid, -1 otherwise. */
int tsc_em_opt_check(const tsc_em_opt_t *o);

/** Run the EM on M (MATRIX or BLOCKS: M->n_blocks may be 0). Results are identical for any
 * thread count, block structure and backend (OpenCL: within 1e-12 relative).
 * Backend: TSC_EM_OPENCL runs tsc_em_run_opencl(); TSC_EM_AUTO does so only when
 * tsc_em_opencl_has_gpu() and M has at least TSC_EM_AUTO_GPU_NNZ cells, else OpenMP; when the
 * OpenCL backend finds no usable device (-2) the run falls back to OpenMP (one warning).
 * RES arrays are allocated here; free with tsc_em_result_free(). 0 or -1 (logged). */
int tsc_em_run(const tsc_mtx_t *m, const tsc_em_opt_t *opt, tsc_em_result_t *res) TSC_RESULT_USED;
/** The OpenMP backend alone (same contract as tsc_em_run()). */
int tsc_em_run_openmp(const tsc_mtx_t *m, const tsc_em_opt_t *opt, tsc_em_result_t *res) TSC_RESULT_USED;
void tsc_em_result_free(tsc_em_result_t *res);

/** Q_ij = expm1((raw * (1/Smax)) * 100) as upstream; Smax = max raw score. */
double tsc_em_q(uint32_t raw, double inv_smax);

/** Name of a backend: "auto", "openmp", "opencl". */
const char *tsc_em_backend_name(int backend);

/* OpenCL backend (lib/tsc_em_opencl.c). Same contract as tsc_em_run().
 * Returns -2 when no usable OpenCL platform/device (fp64) exists (logged once), -1 on error. */
int tsc_em_run_opencl(const tsc_mtx_t *m, const tsc_em_opt_t *opt, tsc_em_result_t *res);
/** 1 if an OpenCL GPU device with fp64 is present (for --backend auto), else 0. */
int tsc_em_opencl_has_gpu(const tsc_em_opt_t *opt);

#endif
