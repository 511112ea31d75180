/* tsc_scem.h -- many Stellarscope models on one single-cell matrix: one EM per cell (individual
 * pooling) or per cell type (celltype pooling), stellarscope-spec §8.1-§8.5, on OpenMP
 * (tsc_scem.c) or batched on OpenCL (tsc_scem_opencl.c).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * A model is a set of rows of the N x K matrix. Stellarscope fits it on the full N x K matrix
 * with the other rows set to zero, so every number of a model equals tsc_scq_fit() on a copy
 * of the matrix whose non-member rows are empty: Smax is the model's, K is the full K (S10),
 * total_wt, ambig_wt and the lnl's row totals are numpy's pairwise sums over all N rows (the
 * zero rows included: they add exact zeros, so a sum may skip whole zero sub-trees but must
 * keep the tree of the full N), the L1 diff runs over all K columns (columns the model never
 * touches contribute only in iteration 1). Backends give the same bits, whatever the thread
 * count or the batch layout. */
#ifndef TSC_SCEM_H
#define TSC_SCEM_H

#include <stdint.h>
#include "tsc_scq.h"

typedef struct {
    int64_t n_model;
    char **name;         /* model names (barcode or cell type), for logs and stats */
    int64_t *rptr;       /* n_model + 1 offsets into rows */
    int64_t *rows;       /* rows of model g: rows[rptr[g] .. rptr[g + 1]), ascending, each row in at most one model */
} tsc_scmodels_t;

/* What one model's fit reports (spec §8.5). */
typedef struct {
    int iterations, converged;
    double lnl;
    int64_t nobs, nfeats;    /* rows with a stored raw score; distinct columns stored (column 0 included) */
} tsc_scmfit_t;

/* Fit every model of MD on M with the options of O (priors, epsilon, max_iter, use_likelihood).
 * Z and ZSET (nnz of M, zeroed by the caller) get each model's final z on the cells of its
 * rows; FITS (MD->n_model) the summaries. A model without a stored cell (or with Smax <= 0)
 * is not fitted: iterations 0, lnl 0, its z all unset.
 * OpenMP: N_THREADS threads, models scheduled dynamically, memory per thread O(K + largest
 * model). 0 or -1 (logged). */
int tsc_scem_fit_cpu(const tsc_scmat_t *m, const tsc_scmodels_t *md, const tsc_scq_opt_t *o, int n_threads,
                     double *z, uint8_t *zset, tsc_scmfit_t *fits);

/* The same, calling DONE(ARG, n) (one thread at a time) after each model with the number of
 * models fitted so far (for progress lines). */
int tsc_scem_fit_cpu_progress(const tsc_scmat_t *m, const tsc_scmodels_t *md, const tsc_scq_opt_t *o, int n_threads,
                              double *z, uint8_t *zset, tsc_scmfit_t *fits, void (*done)(void *arg, int64_t n_done),
                              void *arg);

/* The same on an OpenCL device (PLATFORM/DEVICE indices, -1 = any; N_THREADS caps a CPU device):
 * small models batched, all iterations on the device; models too large for a batch fall back to
 * the CPU path. Same bits as tsc_scem_fit_cpu(). 0, -1 (error, logged) or -2 (no OpenCL
 * device: nothing done, one message logged). */
int tsc_scem_fit_opencl(const tsc_scmat_t *m, const tsc_scmodels_t *md, const tsc_scq_opt_t *o, int n_threads,
                        int platform, int device, double *z, uint8_t *zset, tsc_scmfit_t *fits);

void tsc_scmodels_free(tsc_scmodels_t *md);

/* The models of a pooling mode (stellarscope-spec §8.1, §8.3). 0 or -1 (logged).
 * individual: one per barcode with rows, in the order of the barcode's first row, named by it.
 * celltype: one per cell type of the table PATH (BARCODE<TAB>CELLTYPE, plain or gzipped; a first
 * line that is not a barcode is a header), sorted by name, with the rows of its barcodes (a cell
 * type without rows is a model without rows); barcodes without a cell type are in no model (S11).
 * A barcode listed with two cell types is an error naming the lines. */
int tsc_scmodels_individual(const tsc_scmat_t *m, tsc_scmodels_t *md);
int tsc_scmodels_celltype(const tsc_scmat_t *m, const char *path, tsc_scmodels_t *md);

#endif
