/* tsc_matrix.h -- the score matrix in memory, and the MATRIX, BLOCKS and FIT streams.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Section layout (man/tsc-format.5). Every kind from MATRIX on carries, in this order:
 *   SHAP i64[2]   N rows, K columns
 *   INDP i64[N+1] CSR row pointers
 *   INDX i32[nnz] column of each cell, ascending within a row
 *   SCOR u32[nnz] raw score (AS - minAS + 1 + alnlen), 32-bit (upstream's 16-bit wrap, Q15, fixed)
 *   FRAG i64[N]   0-based bundle (fragment) ordinal in the alignment file of each row
 *   NAME str[N]   fragment names (only when tsc-fetch ran with --names)
 *   ALOC str[A], ALEN i64[A]  every annotated locus and its length, annotation order
 * BLOCKS adds (rows and columns of each block, original indices, ascending within a block;
 * column 0, the no-feature key, belongs to no block: it is the one shared column):
 *   BRPT i64[B+1] offsets into BROW;  BROW i64[N]
 *   BCPT i64[B+1] offsets into BCOL;  BCOL i32[K-1]
 * FIT adds:
 *   PI__ f64[K] final pi;  THET f64[K] final theta;  PIIN f64[K] pi after iteration 1;
 *   THIN f64[K] theta after iteration 1;  ZFIN f64[nnz] final z (aligned with INDX);
 *   LNL_ f64[1] final log-likelihood
 *   EMDF f64[T] L1 change of pi at each of the T iterations (optional: older streams lack it)
 *   EMLL f64[T] log-likelihood at each iteration (optional: only with --use-likelihood)
 *   run info keys _em_iterations, _em_converged (0/1), _em_backend.
 * A MATRIX stream may carry (tsc-sccount --posteriors, for tsc-tag --sc; any pooling):
 *   ZFIN f64[nnz] the posterior of each cell (0 where the model stored none);
 *   RFIN f64[nnz] the reassignment of the first mode at each cell.
 * The header's features are the columns: feat[0] is the no-feature key (length 0).
 * Run info keys starting with '_' are internal and never printed in Telescope's RunInfo line:
 *   _min_as, _max_as (global AS extremes from tsc-fetch), _no_feature_key. */
#ifndef TSC_MATRIX_H
#define TSC_MATRIX_H

#include <stdint.h>
#include "tsc_stream.h"

#define TSC_SEC_SHAPE TSC_TAG('S', 'H', 'A', 'P')
#define TSC_SEC_INDPTR TSC_TAG('I', 'N', 'D', 'P')
#define TSC_SEC_INDICES TSC_TAG('I', 'N', 'D', 'X')
#define TSC_SEC_SCORE TSC_TAG('S', 'C', 'O', 'R')
#define TSC_SEC_FRAG TSC_TAG('F', 'R', 'A', 'G')
#define TSC_SEC_NAME TSC_TAG('N', 'A', 'M', 'E')
#define TSC_SEC_ALOC TSC_TAG('A', 'L', 'O', 'C')
#define TSC_SEC_ALEN TSC_TAG('A', 'L', 'E', 'N')
#define TSC_SEC_BRPT TSC_TAG('B', 'R', 'P', 'T')
#define TSC_SEC_BROW TSC_TAG('B', 'R', 'O', 'W')
#define TSC_SEC_BCPT TSC_TAG('B', 'C', 'P', 'T')
#define TSC_SEC_BCOL TSC_TAG('B', 'C', 'O', 'L')
#define TSC_SEC_PI TSC_TAG('P', 'I', '_', '_')
#define TSC_SEC_THETA TSC_TAG('T', 'H', 'E', 'T')
#define TSC_SEC_PI_INIT TSC_TAG('P', 'I', 'I', 'N')
#define TSC_SEC_THETA_INIT TSC_TAG('T', 'H', 'I', 'N')
#define TSC_SEC_Z TSC_TAG('Z', 'F', 'I', 'N')
#define TSC_SEC_LNL TSC_TAG('L', 'N', 'L', '_')
#define TSC_SEC_EMDIFF TSC_TAG('E', 'M', 'D', 'F')
#define TSC_SEC_EMLNL TSC_TAG('E', 'M', 'L', 'L')
#define TSC_SEC_REASSIGN TSC_TAG('R', 'F', 'I', 'N')

/** Matrix (and, by kind, its blocks and its fit). All arrays malloc'ed, owned by the struct. */
typedef struct {
    tsc_hdr_t *hdr;           /* features = columns; run info; provenance */
    int64_t n_rows, n_cols, nnz;
    int64_t *indptr;          /* n_rows+1 */
    int32_t *indices;         /* nnz, ascending within a row */
    uint32_t *score;          /* nnz raw scores */
    int64_t *frag;            /* n_rows bundle ordinals, or NULL */
    char **names;             /* n_rows fragment names, or NULL */
    int32_t n_aloc;
    char **aloc;              /* annotated loci (annotation order), or NULL */
    int64_t *alen;
    /* BLOCKS */
    int64_t n_blocks;         /* 0 = no block structure */
    int64_t *brpt, *brow;     /* n_blocks+1, n_rows */
    int64_t *bcpt;            /* n_blocks+1 */
    int32_t *bcol;            /* n_cols-1 */
    /* FIT */
    double *pi, *theta, *pi_init, *theta_init; /* n_cols each, or NULL */
    double *z;                /* nnz, or NULL */
    double lnl;
    int64_t n_trace;          /* iterations in the convergence trace (0: none recorded) */
    double *trace_diff;       /* n_trace: L1 change of pi per iteration, or NULL */
    double *trace_lnl;        /* n_trace: lnl per iteration, or NULL */
    double *r;                /* nnz: reassignment of the first mode (single cell, RFIN), or NULL */
} tsc_mtx_t;

/** Empty matrix with a header of KIND; NULL on OOM. */
tsc_mtx_t *tsc_mtx_init(int kind);
void tsc_mtx_destroy(tsc_mtx_t *m); /* NULL is a no-op */

/** Read a whole MATRIX, BLOCKS or FIT stream from PATH ("-" = stdin). KINDS: accepted kinds
 * (mask of TSC_KIND_MASK). Validates shapes, pointers and indices. NULL on error (logged). */
tsc_mtx_t *tsc_mtx_read(const char *path, unsigned kinds);
/** Same on an already-open FP (not closed here); NAME names it in messages. */
tsc_mtx_t *tsc_mtx_read_fp(FILE *fp, const char *name, unsigned kinds);
/** Write M as a stream of kind M->hdr->kind to PATH ("-" = stdout): the sections of that kind
 * (optional ones only when present). 0 or -1 (logged). */
int tsc_mtx_write(const char *path, const tsc_mtx_t *m) TSC_RESULT_USED;

#endif
