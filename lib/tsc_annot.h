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
    tsc_iv_t *iv;        /* merged intervals, in BED order (below) */
    tsc_annot_index_t *idx; /* built by tsc_annot_index(); private */
} tsc_annot_t;

/* Order of a->iv, which is the order of the BED lines: by locus (first-seen order), then by
 * chromosome NAME (strcmp), then by start.  a->chrom is in first-seen order along a->iv, so that
 * tsc_bed2annot(BED written by tsc_annot2bed(a)) gives back a exactly (loci, lengths, chromosomes,
 * intervals, all in the same order).  Intervals of one locus never overlap (they are merged). */

typedef struct {
    const char *attribute;     /* locus key attribute ["locus"] */
    const char *feature_type;  /* column 3 value kept ["exon"] */
} tsc_gtf_opt_t;

void tsc_gtf_opt_init(tsc_gtf_opt_t *o);
/** Check the options; logs every problem. 0 or -1. */
int tsc_gtf_opt_check(const tsc_gtf_opt_t *o) TSC_RESULT_USED;

/** The value of attribute KEY in the GTF column-9 text S[0..N), as upstream Telescope reads it:
 * Python's re.findall(r'(\w+)\s+"(.+?)";') then dict(), so the last match wins.  Bytes >= 0x80
 * count as word characters.  Returns a pointer into S and sets *VLEN, or NULL if KEY is missing. */
const char *tsc_gtf_attr(const char *s, size_t n, const char *key, size_t *vlen);

/** Parse a GTF (plain or gzip; "-" = stdin) as spec §3, with Q19/Q20 fixed. NULL on error
 * (logged with file:line). Rows without the attribute are skipped with a warning.
 * Blank, '#', 'track' and 'browser' lines are skipped; other lines need exactly 9 tab-separated
 * fields.  Same-locus intervals sharing a base merge into their hull, which takes the strand of
 * the newest row; abutting ones stay apart.  The result does not depend on the row order.
 * Caller frees with tsc_annot_destroy(). */
tsc_annot_t *tsc_gtf2annot(const char *path, const tsc_gtf_opt_t *opt);
/** Write the loci BED6 lines of A, in a->iv order (after '#' lines the caller writes): chrom,
 * start, end, locus, 0, strand ('.' unless '+' or '-'). 0 or -1 (write error, logged). */
int tsc_annot2bed(const tsc_annot_t *a, FILE *fp) TSC_RESULT_USED;
/** Read a loci BED written by tsc-regions (plain or gzip; "-" = stdin): BED4 or more, tab-separated
 * (names may hold spaces), strand from column 6 if present.  Loci are numbered in first-seen
 * order; lengths are computed from the intervals (same-locus intervals that share a base are
 * merged as in tsc_gtf2annot()). NULL on error (logged, file:line). Caller frees with
 * tsc_annot_destroy(). */
tsc_annot_t *tsc_bed2annot(const char *path);
void tsc_annot_destroy(tsc_annot_t *a); /* NULL is a no-op */

/** Build the overlap index (call once, after loading; again after changing a->iv). 0 or -1
 * (logged: OOM, or an interval with beg < 0, end <= beg or a bad chromosome index). */
int tsc_annot_index(tsc_annot_t *a) TSC_RESULT_USED;
/** Chromosome index of NAME, or -1 (a hash lookup once indexed, else a linear scan). */
int32_t tsc_annot_chrom_id(const tsc_annot_t *a, const char *name);
/** Intervals on CHROM overlapping [BEG, END) (half-open): their indices into a->iv are written to
 * *BUF (caller-owned, grown with realloc only when too small, capacity *M), in ascending order of
 * interval start, then of locus index (first-seen order), which is total for merged annotations.
 * Returns the count (0 for an empty query, CHROM -1 or out of range), or -1 on OOM or without
 * an index (logged).  Needs tsc_annot_index(); thread-safe (read-only on A; one BUF a thread).
 * Typical cost: a bin lookup and a short scan (~0.1 us); an interval tree when long intervals
 * hide many short ones.
 * Upstream's overlap (spec §5.1, Q1) for a BAM block [s, e) is had by querying [s - 1, e) (BEG may
 * be -1) and taking min(e, iv.end) - max(s - 1, iv.beg) for each hit: the same hits and the same
 * counts as upstream's [s, e+1) against GTF [S, E+1). */
int64_t tsc_annot_query(const tsc_annot_t *a, int32_t chrom, int64_t beg, int64_t end,
                        int64_t **buf, int64_t *m);
/** Could an interval on CHROM overlap [BEG, END)? 0: none does (tsc_annot_query would find
 * nothing); 1: maybe (a bitmap of 256-base bins: one memory access).  1 without an index. */
int tsc_annot_maybe(const tsc_annot_t *a, int32_t chrom, int64_t beg, int64_t end);

#endif
