/* tsc_em.h -- Telescope's EM (spec §7, numerics §12), exact and block-parallel.
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_EM_H
#define TSC_EM_H

#include <stdint.h>
#include "tsc_matrix.h"

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
} tsc_em_opt_t;

typedef struct {
    double *pi, *theta;            /* K, final */
    double *pi_init, *theta_init;  /* K, after iteration 1 */
    double *z;                     /* nnz, final z (one E-step behind pi, Q9), CSR order of the input */
    double lnl;                    /* final log-likelihood (log1p, Q10) */
    int iterations;
    int converged;                 /* 1 converged, 0 terminated at max_iter */
    int backend;                   /* backend actually used */
} tsc_em_result_t;

void tsc_em_opt_init(tsc_em_opt_t *o);
/** Report every problem with O (logged); 0 if valid, -1 otherwise. */
int tsc_em_opt_check(const tsc_em_opt_t *o);

/** Run the EM on M (MATRIX or BLOCKS: M->n_blocks may be 0). Results are identical for any
 * thread count, block structure and backend (OpenCL: within 1e-12 relative).
 * RES arrays are allocated here; free with tsc_em_result_free(). 0 or -1 (logged). */
int tsc_em_run(const tsc_mtx_t *m, const tsc_em_opt_t *opt, tsc_em_result_t *res) TSC_RESULT_USED;
void tsc_em_result_free(tsc_em_result_t *res);

/** Q_ij = expm1((raw * (1/Smax)) * 100) as upstream; Smax = max raw score. */
double tsc_em_q(uint32_t raw, double inv_smax);

/* OpenCL backend (lib/tsc_em_opencl.c). Same contract as tsc_em_run().
 * Returns -2 when no usable OpenCL platform/device (fp64) exists (logged once), -1 on error. */
int tsc_em_run_opencl(const tsc_mtx_t *m, const tsc_em_opt_t *opt, tsc_em_result_t *res);
/** 1 if an OpenCL GPU device with fp64 is present (for --backend auto), else 0. */
int tsc_em_opencl_has_gpu(const tsc_em_opt_t *opt);

#endif
