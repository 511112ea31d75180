/* tsc_merge.h -- many samples' count tables into one locus x sample matrix.
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_MERGE_H
#define TSC_MERGE_H

#include <stdio.h>
#include "tsc_util.h"

typedef struct tsc_merge_t tsc_merge_t;

/** New merge. If ANNOT_BED (a tsc-regions BED) is given, its loci are the rows, in annotation
 * order; otherwise the union of the inputs' loci in first-seen order. NULL on error (logged). */
tsc_merge_t *tsc_merge_init(const char *annot_bed);
/** The name of the no-feature row, and whether to keep it (call before tsc_merge_add; default
 * "__no_feature", left out). With an annotation, that row is not an error: it is skipped, or kept
 * as an extra last row. */
int tsc_merge_set_nofeat(tsc_merge_t *mg, const char *key, int keep) TSC_RESULT_USED;
/** What tsc_merge_write() writes (CPM and TPM: see tsc_merge_write). */
enum tsc_merge_units { TSC_MERGE_COUNTS = 0, TSC_MERGE_CPM = 1, TSC_MERGE_TPM = 2 };

/** Add one sample: a count table (Telescope's TE_counts.tsv or tsc-report's all-loci table:
 * '#' lines skipped, a header, then NAME<TAB>COUNT rows; pandas-quoted names understood).
 * With an annotation, loci absent from it are an error. 0 or -1 (logged with file:line). */
int tsc_merge_add(tsc_merge_t *mg, const char *path, const char *sample) TSC_RESULT_USED;
/** Write the matrix: '#' provenance lines (if CMDLINE), a header "locus<TAB>sample...", one row
 * per locus, 0 where a sample lacks the locus. UNITS:
 *   TSC_MERGE_COUNTS  counts as written in the inputs;
 *   TSC_MERGE_CPM     count / total * 10^6, where total = the sum of the sample's count column
 *                     over every row of its table, the no-feature row included (whether or not
 *                     it is written): the fragments that run assigned;
 *   TSC_MERGE_TPM     (count_i / len_i) / sum_j (count_j / len_j) * 10^6 over the loci j of the
 *                     sample (no-feature row excluded; it is written as NA when kept), len =
 *                     the locus length of tsc-regions (from the annotation BED, or the 'length'
 *                     column of all-loci tables). A locus without a length is an error (-1,
 *                     logged).
 * A sample whose total is 0 gets 0 everywhere. CPM and TPM are written as tsc_agg_format() does
 * (integers when integral, else the shortest round-trip decimal). 0 or -1. */
int tsc_merge_write(const tsc_merge_t *mg, FILE *out, const char *cmdline, int units) TSC_RESULT_USED;
void tsc_merge_destroy(tsc_merge_t *mg);

#endif
