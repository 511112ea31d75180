/* tsc_aggregate.h -- loci into groups (families, classes) and count tables summed by group.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * A group map says, for every locus name, which group it belongs to: the value of a GTF
 * attribute on the locus's rows (repFamily, repClass, intModel, ...), or the locus name's prefix
 * before a separator (HML2_1p36.21a -> HML2). Every locus is in exactly one group: a locus the
 * annotation does not name, or whose rows lack the attribute, goes to the "missing" group
 * (__no_group by default); the no-feature key is a group of its own. So summing a table by group
 * keeps its totals. */
#ifndef TSC_AGGREGATE_H
#define TSC_AGGREGATE_H

#include <stdio.h>
#include "tsc_util.h"

enum tsc_agg_multi {
    TSC_AGG_FIRST = 0, /* the value of the locus's first row (file order) that has the attribute */
    TSC_AGG_JOIN = 1   /* its distinct values, in file order, joined by '+' (L1PA2+L1PA3) */
};

typedef struct {
    const char *gtf;            /* annotation for GROUP_BY; NULL: group by name prefix [NULL] */
    const char *attribute;      /* GTF attribute that names a locus ["locus"] */
    const char *group_by;       /* GTF attribute that names the group; NULL: name prefix [NULL] */
    const char *feature_type;   /* only GTF rows of this type (column 3); NULL: every row [NULL] */
    int multi;                  /* enum tsc_agg_multi: a locus with several values [FIRST] */
    char sep;                   /* prefix mode: the group is the name up to the first SEP ['_'];
                                 * a name without SEP is a group of its own */
    const char *missing;        /* group of loci without the attribute ["__no_group"] */
    const char *no_feature_key; /* a group of its own ["__no_feature"] */
} tsc_agg_opt_t;

void tsc_agg_opt_init(tsc_agg_opt_t *o);
/** Report every problem with O (logged); 0 if valid, -1 otherwise. */
int tsc_agg_opt_check(const tsc_agg_opt_t *o);

typedef struct tsc_groups_t tsc_groups_t;

/** The group map of O (O->gtf read here, plain or gzip; O's strings are copied). NULL on error
 * (logged with file:line). Free with tsc_groups_destroy(). */
tsc_groups_t *tsc_groups_init(const tsc_agg_opt_t *o);
void tsc_groups_destroy(tsc_groups_t *g); /* NULL is a no-op */
/** The group of LOCUS (owned by G, or by the caller's LOCUS-derived buffer BUF below). Prefix
 * mode writes the prefix into *BUF (grown with realloc, capacity *M; caller frees). NULL only on
 * OOM. */
const char *tsc_groups_get(const tsc_groups_t *g, const char *locus, char **buf, size_t *m);
/** Header name of the group column: the GROUP_BY attribute, or "prefix". */
const char *tsc_groups_label(const tsc_groups_t *g);
/** Loci named by the annotation, and how many of them lack the attribute (0 in prefix mode). */
void tsc_groups_stats(const tsc_groups_t *g, int64_t *n_loci, int64_t *n_missing);

/** Sum the rows of the table IN ("-" = stdin; TE_counts.tsv, an all-loci table, tsc-merge's
 * matrix: '#' lines, a header, then NAME<TAB>VALUE... rows, pandas-quoted names understood) by
 * group, and write to OUT: '#' provenance lines (if CMDLINE), the input's '#' lines, the header
 * with its first field replaced by tsc_groups_label(), then one row per group in byte order of
 * its name, each column summed in input row order. "NA" in a column makes the group's value NA.
 * Integral sums are written as integers, others in Python's repr. 0 or -1 (logged, file:line). */
int tsc_aggregate_table(const tsc_groups_t *g, const char *in, FILE *out,
                        const char *cmdline) TSC_RESULT_USED;

/** Format V as the table writers do: an integer when integral (|V| < 2^53), else Python's repr;
 * NaN as NA. Writes into BUF (>= 32 bytes); returns BUF. */
char *tsc_agg_format(double v, char *buf);

#endif
