/* tsc_report.h -- Telescope's output files, to the byte (spec §9.1, §9.2), and tsc's
 * fixed-row all-loci table. Part of tsc (Telescope in C). MIT licence.
 *
 * Upstream writes its tables with pandas 1.5 / numpy 1.24 on Python 3.11; what that means for
 * the bytes is reproduced here: Python-repr floats (tsc_repr_double), numpy rounding
 * (rint(x * 10^d) / 10^d), pandas' QUOTE_MINIMAL quoting, numpy 1.24's introsort argsort for
 * the run_stats row order, and the RunInfo line without its newline (Q11). */
#ifndef TSC_REPORT_H
#define TSC_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include <htslib/kstring.h>
#include "tsc_matrix.h"

typedef struct {
    int mode;          /* reassignment mode of TE_counts (enum tsc_ra_mode) [exclude] */
    double conf_prob;  /* threshold of conf mode and of final_conf [0.9] */
} tsc_report_opt_t;

void tsc_report_opt_init(tsc_report_opt_t *o);
/** Report every problem with O (logged); 0 if valid, -1 otherwise. */
int tsc_report_opt_check(const tsc_report_opt_t *o);

/** Every per-column figure of the two files (column order of the matrix). */
typedef struct {
    int64_t n_cols;
    int mode;                  /* mode of COUNT */
    double *count;             /* TE_counts: column sums of MODE on the final z */
    double *final_conf;        /* conf on the final z, unrounded */
    double *init_best_avg;     /* average on the initial matrix, unrounded */
    int64_t *init_aligned;     /* all on the initial matrix */
    int64_t *unique_count;     /* unique */
    int64_t *init_best;        /* exclude on the initial matrix (ties count 0, Q30) */
    int64_t *init_best_random; /* choose on the initial matrix */
    uint32_t seed;             /* the run's seed (spec §8.1); 0 when N == 0 */
} tsc_report_t;

/** Compute REP (out; free with tsc_report_free) from FIT M: seeds the generator and draws in
 * upstream's order (init_best_random, then TE_counts). 0 or -1 (logged). */
int tsc_report_compute(const tsc_mtx_t *m, const tsc_report_opt_t *o, tsc_report_t *rep) TSC_RESULT_USED;
void tsc_report_free(tsc_report_t *rep);

/* ---- formatting pieces (exposed for tests and other writers) ---- */
/** numpy.round(x, d) for d >= 0: rint(x * 10^d) / 10^d (half to even on the binary product). */
double tsc_np_round(double x, int decimals);
/** numpy 1.24 argsort(kind='quicksort') of V[0..n) (introsort: median of 3, insertion sort
 * below 16, heapsort past the depth limit) into IDX (out, n). */
void tsc_np_argsort(const double *v, int64_t n, int64_t *idx);
/** pandas sort_values(ascending=False) order of V: IDX (out, n). NaNs last, in input order.
 * 0 or -1 (OOM, logged). */
int tsc_pd_argsort_desc(const double *v, int64_t n, int64_t *idx) TSC_RESULT_USED;
/** Append FIELD to S as Python's csv writer (QUOTE_MINIMAL, tab separator, '\n' line end)
 * does: double-quoted, '"' doubled, if it holds a tab, a '"' or a '\n'. 0 or -1 (OOM). */
int tsc_csv_field(kstring_t *s, const char *field) TSC_RESULT_USED;

/* ---- writers: 0, or -1 on a write error (logged, naming NAME) ---- */
/** TE_counts.tsv: header, one row per column sorted by name (byte order); none when N == 0. */
int tsc_report_write_counts(FILE *fp, const char *name, const tsc_mtx_t *m,
                            const tsc_report_t *rep) TSC_RESULT_USED;
/** run_stats.tsv: "## RunInfo" + public run info (keys not starting with '_'; "version" first
 * with tsc's version when the run info has none), glued to the table header (Q11); rows by
 * unrounded final pi, descending, numpy tie order. */
int tsc_report_write_stats(FILE *fp, const char *name, const tsc_mtx_t *m,
                           const tsc_report_t *rep) TSC_RESULT_USED;
/** tsc's all-loci table: '#' provenance lines (PROG, CMDLINE, the stream's provenance, EM
 * settings and iterations), a header, then one row for the no-feature key and one per annotated
 * locus (ALOC, annotation order), zeros included. Columns: locus, count (second, as in
 * TE_counts, so tsc-merge reads either), length, final_prop, final_conf, unique_count,
 * init_aligned. -1 (logged) if M has no ALOC list. */
int tsc_report_write_all_loci(FILE *fp, const char *name, const tsc_mtx_t *m,
                              const tsc_report_t *rep, const tsc_report_opt_t *o,
                              const char *prog, const char *cmdline) TSC_RESULT_USED;

#endif
