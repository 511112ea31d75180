/* tsc_annot.h -- the annotation: GTF parsing as Telescope does it (spec §3), the loci BED,
 * and an interval index for overlap queries.  Part of tsc (Telescope in C). MIT licence.
 * Coordinates in this API are 0-based, half-open, as in BED. */
#ifndef TSC_ANNOT_H
#define TSC_ANNOT_H

#include <stdint.h>
#include <stdio.h>
#include "tsc_util.h"

typedef struct {
    int32_t chrom;   /* index into tsc_annot_t.chrom */
    int64_t beg;     /* 0-based start */
    int64_t end;     /* end, exclusive */
    int32_t locus;   /* index into tsc_annot_t.locus */
    char strand;     /* '+', '-' or '.' */
} tsc_iv_t;

typedef struct tsc_annot_index_t tsc_annot_index_t;

typedef struct {
    int32_t n_loci;
    char **locus;        /* locus names, first-seen order */
    int64_t *len;        /* per-locus length: bases covered by its merged intervals (spec §3.7) */
    int32_t n_chrom;
    char **chrom;        /* chromosome names, first-seen order */
    int64_t n_iv;
    tsc_iv_t *iv;        /* merged intervals */
    tsc_annot_index_t *idx; /* built by tsc_annot_index(); private */
} tsc_annot_t;

typedef struct {
    const char *attribute;     /* locus key attribute ["locus"] */
    const char *feature_type;  /* column 3 value kept ["exon"] */
} tsc_gtf_opt_t;

void tsc_gtf_opt_init(tsc_gtf_opt_t *o);

/** Parse a GTF (plain or gzip; "-" = stdin) as spec §3, with Q19/Q20 fixed. NULL on error
 * (logged with file:line). Rows without the attribute are skipped with a warning. */
tsc_annot_t *tsc_gtf2annot(const char *path, const tsc_gtf_opt_t *opt);
/** Write the loci BED6 (after '#' lines the caller writes). 0 or -1. */
int tsc_annot2bed(const tsc_annot_t *a, FILE *fp) TSC_RESULT_USED;
/** Read a loci BED written by tsc-regions (plain or gzip). NULL on error (logged, file:line). */
tsc_annot_t *tsc_bed2annot(const char *path);
void tsc_annot_destroy(tsc_annot_t *a); /* NULL is a no-op */

/** Build the overlap index (call once, after loading). 0 or -1. */
int tsc_annot_index(tsc_annot_t *a) TSC_RESULT_USED;
/** Chromosome index of NAME, or -1. */
int32_t tsc_annot_chrom_id(const tsc_annot_t *a, const char *name);
/** Intervals on CHROM overlapping [BEG, END) (half-open): their indices into a->iv are written to
 * *BUF (caller-owned, grown as needed, capacity *M), in a fixed documented order. Returns the
 * count, or -1 on OOM. */
int64_t tsc_annot_query(const tsc_annot_t *a, int32_t chrom, int64_t beg, int64_t end,
                        int64_t **buf, int64_t *m);

#endif
