/* tsc_hittab.h -- a whole HITS stream in memory, with its per-fragment fields (single cell:
 * barcode and UMI), for the stages that need every record at once (tsc-dedup, tsc-sccount).
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_HITTAB_H
#define TSC_HITTAB_H

#include <stdint.h>
#include "tsc_hits.h"

typedef struct {
    tsc_hdr_t *hdr;         /* the stream's header, run info complete (RUNI applied) */
    int64_t n, m;           /* records (rows, in stream order) */
    int64_t *frag;          /* fragment ordinal */
    char **name;            /* fragment name, NULL if not kept */
    char **cb, **ub;        /* barcode and UMI (fields CB, UB), NULL if absent */
    char *strs;             /* the bytes of every name, barcode and UMI (one block; NULL if none) */
    int64_t *moff;          /* mappings of record i: map[moff[i] .. moff[i+1]) */
    int64_t n_map, m_map;
    tsc_map_t *map;
    int64_t n_wl;           /* the BCWL section (barcode whitelist), if any */
    char **wl;
} tsc_hittab_t;

/** Read the HITS stream PATH ("-" = stdin) completely.  The stream must carry the fields CB and
 * UB (tsc-fetch in single-cell mode) unless ANY_FIELDS is set.  NULL on error (logged). */
tsc_hittab_t *tsc_hittab_read(const char *path, int any_fields);
void tsc_hittab_destroy(tsc_hittab_t *t);
/** Write T as a HITS stream to PATH with header H (its run info written again at the end):
 * the whitelist section, then every record, with mappings only where KEEP is NULL or KEEP[i]
 * is non-zero.  0 or -1 (logged). */
int tsc_hittab_write(const tsc_hittab_t *t, const char *path, const tsc_hdr_t *h, const uint8_t *keep) TSC_RESULT_USED;

#endif
