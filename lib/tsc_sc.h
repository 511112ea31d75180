/* tsc_sc.h -- single cell (Stellarscope's job, stellarscope-spec.md): barcode whitelists, the
 * per-fragment barcode/UMI filters of tsc-fetch and their counters (spec §4.1-§4.2).
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_SC_H
#define TSC_SC_H

#include <stdint.h>
#include <htslib/sam.h>
#include "tsc_fragment.h"
#include "tsc_stream.h"

/* ---- whitelists ---- */
typedef struct tsc_wl_t tsc_wl_t;

/** Read a barcode whitelist: one barcode per line, the text before the first TAB, stripped;
 * plain or gzipped.  The first line is a header (dropped) unless it looks like a barcode
 * (ACGTN letters, optionally with a Cell Ranger "-N" suffix); blank lines are skipped; a repeated
 * barcode keeps its first place.  An entry "X-1" also matches the bare barcode "X" (Cell Ranger
 * lists against STARsolo tags).  A file with no line at all is an error; a header-only file gives
 * an empty list (no filtering, as Stellarscope).  NULL on error (logged, naming the file/line). */
tsc_wl_t *tsc_wl_read(const char *path);
/** 1 if S looks like a barcode: ACGTN letters (either case), optionally "-digits" (Cell Ranger);
 * the header test of whitelists and cell-type tables (S3 fixed). */
int tsc_sc_looks_like_barcode(const char *s);
/** A list from N strings (e.g. a stream's BCWL section); NULL on OOM. */
tsc_wl_t *tsc_wl_from(char *const *bc, int64_t n);
void tsc_wl_destroy(tsc_wl_t *w);
int64_t tsc_wl_size(const tsc_wl_t *w);
const char *tsc_wl_name(const tsc_wl_t *w, int64_t i);
char *const *tsc_wl_names(const tsc_wl_t *w);
/** Index of barcode BC in the list, or -1. */
int64_t tsc_wl_find(const tsc_wl_t *w, const char *bc);

#define TSC_SEC_WHITELIST TSC_SEC_BCWL /* str[]: the whitelist, file order */

/* ---- the filters of tsc-fetch ---- */
typedef struct {
    char btag[2], utag[2];   /* SAM tags of the cell barcode and the UMI ["CB", "UB"] */
    const tsc_wl_t *wl;      /* NULL or empty: no barcode filter */
    int ignore_umi;          /* keep fragments without a UMI (Stellarscope --ignore_umi, S7) */
} tsc_sc_opt_t;

/* Stellarscope's AlignInfo counters and its error counts (spec §4.2). */
typedef struct {
    int64_t total, paired, single, unmapped;
    int64_t loc_unique, loc_ambig, noloc_unique, noloc_ambig;
    int64_t no_cb, not_listed, no_umi;   /* error fragments (skipped) */
    int32_t as_min, as_max;
    int has_as;
} tsc_sc_counts_t;

enum { TSC_SC_OK = 0, TSC_SC_UNMAPPED, TSC_SC_NO_CB, TSC_SC_NOT_LISTED, TSC_SC_NO_UMI };

void tsc_sc_counts_init(tsc_sc_counts_t *c);
void tsc_sc_counts_merge(tsc_sc_counts_t *a, const tsc_sc_counts_t *b);
/** Classify processed fragment F whose records are B[0 .. F->n_rec) (in tsc_frag_add order) and
 * count it.  The barcode and UMI come from the first record of the first unit only (S4).
 * *CB and *UB point into the record's data (valid while B lives; *UB NULL if absent).
 * Returns TSC_SC_OK (emit it when F->has_locus) or the reason it is skipped. */
int tsc_sc_classify(const tsc_sc_opt_t *o, const tsc_frag_t *f, bam1_t *const *b, tsc_sc_counts_t *c,
                    const char **cb, const char **ub);
/** The same with the barcode CB and UMI UB (NULL: absent) already read, e.g. from the primary
 * read-1 record of a fragment of a coordinate-sorted file. */
int tsc_sc_classify_tags(const tsc_sc_opt_t *o, const tsc_frag_t *f, const char *cb, const char *ub, tsc_sc_counts_t *c);
/** The barcode and UMI tags of record B (NULL: absent or empty; pointers into B). */
void tsc_sc_tags(const tsc_sc_opt_t *o, bam1_t *b, const char **cb, const char **ub);
/** The filter of a fragment with barcode CB and UMI UB (mapped): TSC_SC_OK or the error. */
int tsc_sc_check(const tsc_sc_opt_t *o, const char *cb, const char *ub);
/** Set the counters in H's run info (sc_* keys, and _min_as/_max_as over the fragments that
 * passed the filters, as Stellarscope's minAS). 0 or -1. */
int tsc_sc_runinfo(const tsc_sc_counts_t *c, tsc_hdr_t *h) TSC_RESULT_USED;

#endif
