/* tsc_hits.h -- the HITS stream: per fragment with a real locus, its mappings (spec §6.1).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Header features = every annotated locus, annotation (first-seen) order, with lengths.
 * Header run info: version, [nmap_idx, nunmap_idx], annotated_features.
 * Body: HREC sections (TSC_T_U8), each a chunk of whole records; per record
 *   uvar frag_delta    bundle ordinal minus the previous record's (first record: minus 0)
 *   uvar name_len      0 when names are not kept; then name_len bytes
 *   uvar n_map         then per mapping, in §6.1 order (AS descending, stable):
 *     uvar feat+1      0 = no feature, else 1 + index into the header features
 *     svar as          alignment score of the best unit (AS r1 + AS r2)
 *     uvar alnlen      merged aligned length of the best unit
 * Per-fragment string fields (format version 2; the single-cell barcode and UMI): the header run
 * info "_hit_fields" names them, comma-separated (e.g. "CB,UB"); before each HREC chunk comes one
 * HFLD section (TSC_T_STR) per field, in that order: the field name, then one value per record of
 * the chunk ("" = absent).  A stream without "_hit_fields" has no HFLD sections.
 * Then a RUNI section with total_fragments, pair_mapped, pair_mixed, single_mapped, unmapped,
 * unique, ambig, and the internal _min_as, _max_as (absent when nothing mapped). */
#ifndef TSC_HITS_H
#define TSC_HITS_H

#include <stdint.h>
#include "tsc_stream.h"

#define TSC_SEC_HITS TSC_TAG('H', 'R', 'E', 'C')
#define TSC_SEC_HFLD TSC_TAG('H', 'F', 'L', 'D')
#define TSC_HIT_MAX_FLD 4
#define TSC_SEC_BCWL TSC_TAG('B', 'C', 'W', 'L') /* str[]: single cell: the barcode whitelist */

typedef struct {
    int32_t feat;    /* -1 = no feature, else index into the header features */
    int32_t as;      /* alignment score (sum over the unit's segments) */
    int32_t alnlen;  /* aligned length */
} tsc_map_t;

typedef struct {
    int64_t frag;          /* fragment ordinal: increasing in file order; the bundle number for
                            * name-collated input, the number of its first record for sorted input */
    char *name;            /* fragment name (NUL-terminated) or NULL */
    int32_t n_map, m_map;
    tsc_map_t *map;
    int32_t n_fld;         /* per-fragment fields (the reader sets it from "_hit_fields") */
    char *fld[TSC_HIT_MAX_FLD]; /* NUL-terminated values, NULL = absent; the reader owns them
                            * (valid until the next record), a writer only reads them */
} tsc_hit_t;

typedef struct tsc_hitw_t tsc_hitw_t;
typedef struct tsc_hitr_t tsc_hitr_t;

/** Record writer on W (W stays owned by the caller). NULL on OOM. */
tsc_hitw_t *tsc_hitw_init(tsc_wstream_t *w);
/** Declare N per-fragment fields (before the first record; N <= TSC_HIT_MAX_FLD; NAMES copied).
 * The header of the stream must carry the same names in "_hit_fields" (tsc_hits_fields_info).
 * Each record then gives N values in h->fld. 0 or -1. */
int tsc_hitw_fields(tsc_hitw_t *hw, int n, const char *const *names) TSC_RESULT_USED;
/** Set "_hit_fields" in H to the N NAMES joined by commas. 0 or -1. */
int tsc_hits_fields_info(tsc_hdr_t *h, int n, const char *const *names) TSC_RESULT_USED;
/** The BCWL section (barcode whitelist) if the stream has one before its first record, else
 * NULL; *N gets its count. Owned by HR. */
char *const *tsc_hitr_whitelist(const tsc_hitr_t *hr, int64_t *n);
/** Index of field NAME among the fields of the stream read by HR, or -1. */
int tsc_hitr_field(const tsc_hitr_t *hr, const char *name);
/** Append one record (buffered; chunks of about 64 KiB). 0 or -1. */
int tsc_hitw_add(tsc_hitw_t *hw, const tsc_hit_t *h) TSC_RESULT_USED;
/** Flush buffered records and free HW. 0 or -1. */
int tsc_hitw_close(tsc_hitw_t *hw) TSC_RESULT_USED;

/** Record reader on R (owned by the caller). NULL on OOM. */
tsc_hitr_t *tsc_hitr_init(tsc_rstream_t *r);
/** Next record into *H (its buffers reused between calls; H zeroed by the caller once).
 * 1 = record, 0 = end of stream (trailer validated; run info complete in the header),
 * -1 = error (logged). */
int tsc_hitr_next(tsc_hitr_t *hr, tsc_hit_t *h) TSC_RESULT_USED;
void tsc_hitr_destroy(tsc_hitr_t *hr);
void tsc_hit_free(tsc_hit_t *h); /* frees H's buffers, not H */

#endif
