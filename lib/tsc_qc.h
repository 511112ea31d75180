/* tsc_qc.h -- a run's QC: one self-contained HTML report (inline SVG, no script) and MultiQC
 * custom-content files. Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_QC_H
#define TSC_QC_H

#include <stdint.h>
#include <stdio.h>
#include "tsc_aggregate.h"
#include "tsc_matrix.h"
#include "tsc_report.h"

#define TSC_QC_TOP_LOCI 20     /* loci in the report's top table */
#define TSC_QC_TOP_FAMILIES 12 /* families in the charts (the rest summed as "other") */
#define TSC_QC_BLOCK_BINS 8    /* block sizes (loci): 1, 2, 3-4, 5-8, ..., 65+ */

/** Everything the report and the MultiQC files show, computed once from a FIT. */
typedef struct {
    const char *sample;                  /* sample name (not owned) */
    /* fragment categories (the run-info counters; -1 when missing) */
    int64_t total, pair_mapped, pair_mixed, single_mapped, unmapped, unique, ambig;
    int64_t overlap_unique, overlap_ambig;
    double assigned, no_feature;         /* TE_counts summed over loci, and its no-feature row */
    int64_t n_loci_counted;              /* loci with count > 0 */
    /* the EM */
    int iterations, converged;
    double lnl;
    int64_t n_trace;
    const double *trace_diff, *trace_lnl; /* not owned (the FIT's) */
    /* families: by count, descending (ties by name) */
    int n_fam;
    char **fam;
    double *fam_count;
    int64_t *fam_loci;                   /* loci with count > 0 */
    const char *fam_label;               /* the attribute, or "prefix" */
    /* top loci: columns by count, descending (ties by column) */
    int n_top;
    int64_t top[TSC_QC_TOP_LOCI];
    /* blocks: connected components of loci (tsc-blocks) */
    int64_t n_blocks, block_hist[TSC_QC_BLOCK_BINS], block_max_loci, block_max_rows;
} tsc_qc_t;

/** Compute QC from the FIT M and its report REP. Families by G (NULL: name prefix before '_').
 * M gains block sections (modified IN PLACE; call after the report files are written).
 * Free with tsc_qc_free(). 0 or -1 (OOM, logged). */
int tsc_qc_compute(tsc_mtx_t *m, const tsc_report_t *rep, const tsc_groups_t *g, const char *sample,
                   tsc_qc_t *q) TSC_RESULT_USED;
void tsc_qc_free(tsc_qc_t *q);

/** The HTML report (one file: CSS and SVG inline, no script; well-formed XHTML-compatible
 * markup) to FP. PROG and CMDLINE: the program writing it; SECONDS: the time of the run so far
 * (shown; < 0 = not shown). 0, or -1 on a write error (logged, naming NAME). */
int tsc_qc_write_html(FILE *fp, const char *name, const tsc_mtx_t *m, const tsc_report_t *rep,
                      const tsc_qc_t *q, const char *prog, const char *cmdline) TSC_RESULT_USED;

/** MultiQC custom content: PREFIX-tsc_fragments_mqc.json (fragment categories),
 * PREFIX-tsc_assignment_mqc.json (assigned, no feature, not assigned) and
 * PREFIX-tsc_families_mqc.json (counts of the top families), bar graphs keyed by the sample,
 * all under one "tsc" module. 0 or -1 (logged). */
int tsc_qc_write_multiqc(const char *prefix, const tsc_qc_t *q) TSC_RESULT_USED;

#endif
