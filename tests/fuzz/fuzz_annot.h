/* fuzz_annot.h -- checks shared by fuzz_gtf and fuzz_bed: index every interval and find it
 * again by a query; write the loci BED, read it back, and compare (tsc_annot.h promises the
 * same loci, lengths and intervals).  Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_FUZZ_ANNOT_H
#define TSC_FUZZ_ANNOT_H

#include "fuzz_common.h"
#include "tsc_annot.h"

static inline void fz_fail(const char *prog, const char *what)
{
    fprintf(stderr, "%s: %s\n", prog, what);
    abort();
}

/* every interval is found by a query over itself, and by upstream's left-extended query */
static inline void fz_check_index(const char *prog, tsc_annot_t *a)
{
    int64_t *buf = NULL, m = 0, i, k, n;
#ifndef FUZZ_INDEX_HUGE
    /* Known issue (reported; tests/fuzz/regress/bed/huge-coordinate.bed): tsc_annot_index
     * allocates one bin per 64 Mb up to the largest end, so a single interval ending near 2^55
     * asks for gigabytes.  Skipped here until the index bounds its bins by the interval count;
     * build with -DFUZZ_INDEX_HUGE to fuzz it anyway. */
    for (i = 0; i < a->n_iv; i++)
        if (a->iv[i].end > ((int64_t)1 << 40)) return;
#endif
    if (tsc_annot_index(a) < 0) fz_fail(prog, "tsc_annot_index failed on a loaded annotation");
    for (i = 0; i < a->n_iv; i++) {
        const tsc_iv_t *v = &a->iv[i];
        int found = 0;
        if (tsc_annot_chrom_id(a, a->chrom[v->chrom]) != v->chrom) fz_fail(prog, "chromosome lookup");
        n = tsc_annot_query(a, v->chrom, v->beg - 1, v->end, &buf, &m);
        if (n < 0) fz_fail(prog, "query failed");
        for (k = 0; k < n; k++) {
            if (buf[k] < 0 || buf[k] >= a->n_iv) fz_fail(prog, "query returned an index out of range");
            if (buf[k] == i) found = 1;
        }
        if (!found) fz_fail(prog, "an interval is not found by a query over itself");
    }
    free(buf);
}

/* A and B hold the same loci, lengths and intervals (compared by name, not by index) */
static inline void fz_check_same(const char *prog, const tsc_annot_t *a, const tsc_annot_t *b)
{
    int64_t i;
    if (a->n_loci != b->n_loci || a->n_iv != b->n_iv) fz_fail(prog, "BED round trip: counts differ");
    for (i = 0; i < a->n_loci; i++)
        if (strcmp(a->locus[i], b->locus[i]) || a->len[i] != b->len[i]) fz_fail(prog, "BED round trip: loci differ");
    for (i = 0; i < a->n_iv; i++) {
        const tsc_iv_t *u = &a->iv[i], *v = &b->iv[i];
        char su = u->strand == '+' || u->strand == '-' ? u->strand : '.';
        char sv = v->strand == '+' || v->strand == '-' ? v->strand : '.';
        if (strcmp(a->chrom[u->chrom], b->chrom[v->chrom]) || u->beg != v->beg || u->end != v->end ||
            strcmp(a->locus[u->locus], b->locus[v->locus]) || su != sv)
            fz_fail(prog, "BED round trip: intervals differ");
    }
}

/* write A as BED into BED, read it back, compare */
static inline void fz_check_bed_roundtrip(const char *prog, const tsc_annot_t *a, fz_file_t *bed)
{
    FILE *fp = fopen(bed->path, "w");
    tsc_annot_t *b;
    if (!fp) abort();
    fputs("#program\tfuzz\n", fp); /* as tsc-regions: a chromosome named "\x1f\x8b..." would look like gzip */
    if (tsc_annot2bed(a, fp) < 0) fz_fail(prog, "tsc_annot2bed failed");
    if (fclose(fp) != 0) abort();
    if (!(b = tsc_bed2annot(bed->path))) fz_fail(prog, "tsc_bed2annot refused the BED tsc_annot2bed wrote");
    fz_check_same(prog, a, b);
    tsc_annot_destroy(b);
}

#endif
