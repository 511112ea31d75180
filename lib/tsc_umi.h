/* tsc_umi.h -- UMI deduplication exactly as Stellarscope (stellarscope-spec.md §7).
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_UMI_H
#define TSC_UMI_H

#include <stdint.h>
#include <stdio.h>
#include "tsc_hittab.h"

typedef struct {
    int64_t num_umi, uni_umi, dup_umi, max_rpu, possible_dups, nexclude, max_comps;
    int32_t n_bin;
    char bin_label[16][24];  /* the group-size histogram, labels as Stellarscope's (">3") */
    int64_t bin_count[16];
    int64_t *comps;          /* comps[k] = duplicated UMIs with k components, k = 1..max_comps */
} tsc_umi_stats_t;

/** Deduplicate the rows of T (every record is a row; its CB and UB must be set): group rows by
 * (CB, UB), pick one representative per connected component of each group (§7.2), and set
 * EXCLUDED[i] = 1 for the others (EXCLUDED has T->n entries, zeroed here).  MIN_AS is the
 * minimum alignment score of the run (raw score = AS - MIN_AS + 1 + alnlen).  If TRACK is not
 * NULL, write Stellarscope's umi_tracking.txt there (needs the fragment names).  ST (out) gets the
 * counters; free with tsc_umi_stats_free().  0 or -1 (logged). */
int tsc_umi_dedup(const tsc_hittab_t *t, int32_t min_as, uint8_t *excluded, FILE *track, tsc_umi_stats_t *st) TSC_RESULT_USED;
void tsc_umi_stats_free(tsc_umi_stats_t *st);
/** Put ST into H's run info (umi_* keys; umi_umidist and umi_compdist as "label=n;..."). 0/-1 */
int tsc_umi_runinfo(const tsc_umi_stats_t *st, tsc_hdr_t *h) TSC_RESULT_USED;

#endif
