/* tsc_scq.h -- single-cell quantification as Stellarscope: the score matrix of every annotated
 * locus, the pseudobulk EM (stellarscope-spec §8.1-§8.5), the seven reassignment modes (§9) with
 * its random stream (§10), per-barcode counts (§11.3-§11.4) and its output files.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Per-cell and per-celltype pooling (individual, celltype) fit one such model per cell or cell
 * type on the rows of the same matrix (row -> barcode is kept for that). */
#ifndef TSC_SCQ_H
#define TSC_SCQ_H

#include <stdint.h>
#include <stdio.h>
#include "tsc_hittab.h"

enum tsc_scq_mode {
    TSC_RM_BEST_EXCLUDE = 0, TSC_RM_BEST_CONF, TSC_RM_BEST_RANDOM, TSC_RM_BEST_AVERAGE,
    TSC_RM_INITIAL_UNIQUE, TSC_RM_INITIAL_RANDOM, TSC_RM_TOTAL_HITS, TSC_RM_N
};
/** Stellarscope's name of a mode; its index from a name, or -1. */
const char *tsc_scq_mode_name(int mode);
int tsc_scq_mode_parse(const char *s);

typedef struct {
    int n_mode;
    int mode[16];            /* reassignment modes in order (the first goes to TE_counts.mtx) */
    double conf_prob;        /* best_conf threshold, in (0.5, 1] [0.9] */
    double pi_prior, theta_prior;   /* [0, 200000] */
    double em_epsilon;       /* [1e-7] */
    int max_iter;            /* [100] */
    int use_likelihood;
    int umi_counts;          /* count barcode+UMI pairs (§11.4) */
    uint64_t seed;           /* PCG64 seed */
    double *r_first;         /* NULL, or (nnz of the matrix) gets R of the first mode per cell (updated BAM) */
} tsc_scq_opt_t;

void tsc_scq_opt_init(tsc_scq_opt_t *o);

/* The N x K matrix (K = 1 + annotated loci, column 0 the no-feature column), CSR with columns
 * ascending within a row; the raw score of a cell is the max over its mappings. */
typedef struct {
    int64_t n;
    int32_t k;
    int64_t *ptr;      /* n + 1 */
    int32_t *col;
    double *raw;
    int64_t *bc;       /* barcode index of each row (into barcodes) */
    int64_t *umi;      /* barcode+UMI group of each row (for --umi_counts), -1 without UMI */
    int64_t n_bc;
    char **barcodes;   /* output barcodes (whitelist order, or sorted barcodes seen) */
    char **feat;       /* K feature names (column 0 the no-feature key) */
} tsc_scmat_t;

/** Build the matrix from T. MIN_AS is the run's minimum alignment score. NULL on error. */
tsc_scmat_t *tsc_scmat_build(const tsc_hittab_t *t, const char *no_feature_key);
void tsc_scmat_destroy(tsc_scmat_t *m);

/* The fitted model and what the reports print. */
typedef struct {
    int iterations, converged;
    double lnl, aic, bic;
    int64_t nobs, nfeats;
    double *z;         /* final z, on the cells of the matrix (0 where not stored) */
    uint8_t *zset;     /* z is stored on that cell */
} tsc_scfit_t;

/** Pseudobulk: one EM over all rows. 0 or -1 (logged). */
int tsc_scq_fit(const tsc_scmat_t *m, const tsc_scq_opt_t *o, tsc_scfit_t *fit) TSC_RESULT_USED;
void tsc_scfit_free(tsc_scfit_t *f);

/* One mode's per-barcode counts (features x barcodes) and its ReassignInfo counters. */
typedef struct {
    int mode;
    int real;                  /* values are reals (best_average, --umi_counts) */
    int64_t n;                 /* non-zero counts, sorted by barcode, then feature: */
    int64_t *bc;               /*   barcode index */
    int32_t *col;              /*   feature (column) */
    double *val;               /*   value: per-barcode sums in ascending row order */
    int64_t assigned, ambiguous, unaligned;
} tsc_sccounts_t;

/** Free the arrays of C (not C). */
void tsc_sccounts_free(tsc_sccounts_t *c);

/** Every mode of O in order, drawing from one PCG64 stream seeded with O->seed. OUT gets
 * O->n_mode results (caller frees each val). 0 or -1. */
int tsc_scq_reassign(const tsc_scmat_t *m, const tsc_scfit_t *fit, const tsc_scq_opt_t *o, tsc_sccounts_t *out) TSC_RESULT_USED;

/** Write C as Matrix Market (features x barcodes; coordinate integer|real general), with the
 * comment lines COMMENT (each line prefixed with '%'), to FP. 0 or -1. */
int tsc_scq_write_mtx(FILE *fp, const tsc_scmat_t *m, const tsc_sccounts_t *c, const char *comment) TSC_RESULT_USED;

#endif
