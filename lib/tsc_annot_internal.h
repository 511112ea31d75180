/* tsc_annot_internal.h -- private to tsc_annot.c and tsc_gtf.c: the annotation builder that both
 * the GTF and the BED readers feed, row by row, before the per-locus merge.
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_ANNOT_INTERNAL_H
#define TSC_ANNOT_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include "tsc_annot.h"

typedef struct {
    uint64_t key;    /* locus << 32 | chromosome rank by name; filled in by the finisher */
    int64_t beg;     /* 0-based start */
    int64_t end;     /* end, exclusive */
    int64_t row;     /* input order: the merged interval takes the strand of the newest row (Q21) */
    int32_t chrom;   /* builder's chromosome index (first-seen in the input) */
    int32_t locus;   /* builder's locus index (first-seen in the input) */
    char strand;
} tsc_annot_row_t;

typedef struct tsc_annot_build_t tsc_annot_build_t;

/** A new, empty builder; NULL on OOM (logged). Free with tsc_annot_build_destroy(). */
tsc_annot_build_t *tsc_annot_build_init(void);
void tsc_annot_build_destroy(tsc_annot_build_t *b); /* NULL is a no-op */
/** Index of the chromosome or locus NAME[0..LEN) (need not be NUL-terminated), added at the end
 * if new. -1 on OOM (logged). */
int32_t tsc_annot_build_chrom(tsc_annot_build_t *b, const char *name, size_t len);
int32_t tsc_annot_build_locus(tsc_annot_build_t *b, const char *name, size_t len);
/** Add the 0-based half-open interval [BEG, END) of LOCUS on CHROM. 0 or -1 on OOM (logged). */
int tsc_annot_build_add(tsc_annot_build_t *b, int32_t chrom, int32_t locus, int64_t beg,
                        int64_t end, char strand);
int64_t tsc_annot_build_n_rows(const tsc_annot_build_t *b);
/** Merge and order the rows (see tsc_annot.h) into a new annotation. B is FREED on return, whatever
 * the result. NULL on OOM (logged). */
tsc_annot_t *tsc_annot_build_finish(tsc_annot_build_t *b);

/** Free an index built by tsc_annot_index(); NULL is a no-op. */
void tsc_annot_index_free(tsc_annot_index_t *x);

/** tsc_annot_query() through the interval tree only (its fallback path), for tests. */
int64_t tsc_annot_query_tree(const tsc_annot_t *a, int32_t chrom, int64_t beg, int64_t end,
                             int64_t **buf, int64_t *m);

/** "stdin" for "-", else PATH: the name used in messages. */
static inline const char *tsc_annot_fname(const char *path)
{
    return path[0] == '-' && path[1] == 0 ? "stdin" : path;
}

/* A UCSC "track" or "browser" line: that word, then a space or the end of the line (a tab would
 * make it a data line on a chromosome of that name). */
static inline int tsc_annot_is_track_line(const char *s, size_t n)
{
    if (n >= 5 && memcmp(s, "track", 5) == 0 && (n == 5 || s[5] == ' ')) return 1;
    if (n >= 7 && memcmp(s, "browser", 7) == 0 && (n == 7 || s[7] == ' ')) return 1;
    return 0;
}

/* Empty, or only blanks and tabs. */
static inline int tsc_annot_is_blank(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t') return 0;
    return 1;
}

#endif
