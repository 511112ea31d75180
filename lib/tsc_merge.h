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
/** Add one sample: a count table (Telescope's TE_counts.tsv or tsc-report's all-loci table:
 * '#' lines skipped, a header, then NAME<TAB>COUNT rows; pandas-quoted names understood).
 * With an annotation, loci absent from it are an error. 0 or -1 (logged with file:line). */
int tsc_merge_add(tsc_merge_t *mg, const char *path, const char *sample) TSC_RESULT_USED;
/** Write the matrix: '#' provenance lines (if CMDLINE), a header "locus<TAB>sample...", one row
 * per locus, counts as written in the inputs, 0 where a sample lacks the locus. 0 or -1. */
int tsc_merge_write(const tsc_merge_t *mg, FILE *out, const char *cmdline) TSC_RESULT_USED;
void tsc_merge_destroy(tsc_merge_t *mg);

#endif
