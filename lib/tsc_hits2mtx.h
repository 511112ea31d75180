/* tsc_hits2mtx.h -- HITS records to the score matrix (spec §6.2-§6.3): columns, raw scores,
 * duplicate maximum, overlap counters.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Rows are fragments in first-appearance order (one row per bundle ordinal; records that repeat
 * an ordinal are merged into its row). Columns are features in first-appearance order over the
 * records' mappings (which tsc-fetch writes in §6.1 order, AS descending), with column 0 reserved
 * for the no-feature key. raw = AS - minAS + 1 + alnlen (minAS = run info _min_as), kept as
 * 32 bits (no 16-bit wrap, Q15 fixed); a (row, column) seen twice keeps the maximum. Cells are
 * stored with ascending column within each row. Time O(records + nnz + K): small rows are
 * insertion-sorted (bounded length), long ones radix-sorted; there is no global sort.
 * Memory: the CSR plus 4 bytes per cell while reading (the score is held as a 64-bit sum until
 * minAS is known, then narrowed in place). */
#ifndef TSC_HITS2MTX_H
#define TSC_HITS2MTX_H

#include <stdint.h>
#include "tsc_hits.h"
#include "tsc_matrix.h"

#define TSC_NO_FEATURE_KEY "__no_feature"

typedef struct {
    const char *no_feature_key; /* name of column 0 [TSC_NO_FEATURE_KEY]; not owned */
} tsc_hits2mtx_opt_t;

void tsc_hits2mtx_opt_init(tsc_hits2mtx_opt_t *o);
/** Report every problem with O (logged). 0 if valid, -1 otherwise. */
int tsc_hits2mtx_opt_check(const tsc_hits2mtx_opt_t *o);

/* ---- incremental builder (what tsc_hits2mtx() runs; usable on records from anywhere) ---- */
typedef struct tsc_hits2mtx_t tsc_hits2mtx_t;

/** New builder for records whose feature indices refer to HDR's features (the HITS header;
 * read, not kept). NAME names the input in messages. Fails (logged) when the no-feature key
 * equals an annotated locus (upstream merges that locus into column 0, Q26). NULL on error. */
tsc_hits2mtx_t *tsc_hits2mtx_init(const tsc_hdr_t *hdr, const char *name, const tsc_hits2mtx_opt_t *opt);
/** Add one record (copied). -1 on a bad record (logged, naming it): a feature index outside
 * the header table, a negative aligned length, a fragment ordinal lower than the previous one,
 * names on some records only. */
int tsc_hits2mtx_add(tsc_hits2mtx_t *b, const tsc_hit_t *h) TSC_RESULT_USED;
/** Finish: HDR is the HITS header with its run info complete (after the last record). Returns
 * the matrix (kind MATRIX): header = HDR's run info and provenance, with overlap_unique and
 * overlap_ambig inserted after ambig and _no_feature_key appended; features = the columns
 * (column 0 = no-feature key, length 0); ALOC/ALEN = HDR's features; FRAG; NAME when the records
 * carried names. A record without any real locus is dropped (upstream's row filter, §6.2; a
 * warning). NULL on error (logged; e.g. records present but no _min_as, or an AS below it).
 * B is FREED on return in every case. Caller frees the result with tsc_mtx_destroy(). */
tsc_mtx_t *tsc_hits2mtx_finish(tsc_hits2mtx_t *b, const tsc_hdr_t *hdr);
/** Free B without building anything (NULL is a no-op). */
void tsc_hits2mtx_destroy(tsc_hits2mtx_t *b);

/** Read every record of the HITS stream R (opened by the caller, who closes it) and build
 * the matrix as tsc_hits2mtx_finish() describes. NULL on error (logged). */
tsc_mtx_t *tsc_hits2mtx(tsc_rstream_t *r, const tsc_hits2mtx_opt_t *opt);

#endif
