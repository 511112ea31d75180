/* tsc_merge.c -- many samples' count tables into one locus x sample matrix.
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/khash.h>
#include <htslib/kstring.h>
#include <htslib/hts.h>
#include <htslib/kseq.h>
#include "tsc_merge.h"
#include "tsc_annot.h"
#include "tsc_aggregate.h"

KHASH_MAP_INIT_STR(loc, int64_t)

struct tsc_merge_t {
    int fixed;                 /* rows fixed by an annotation */
    int64_t n_loc, m_loc;
    char **loc;                /* row names */
    khash_t(loc) *h;
    int n_smp, m_smp;
    char **smp;                /* sample names */
    char ***val;               /* val[sample][row] = count text, or NULL */
    double *total;             /* per sample: sum of every count row, no-feature row included */
    int64_t *len;              /* per row: locus length (-1 unknown), grown with loc */
    char *nofeat;              /* name of the no-feature row */
    int keep_nofeat;
};

static int add_locus(tsc_merge_t *mg, const char *name, int64_t *row, int force)
{
    int absent;
    khint_t k = kh_get(loc, mg->h, name);
    size_t m;
    int s;
    if (k != kh_end(mg->h)) { *row = kh_val(mg->h, k); return 0; }
    if (mg->fixed && !force) return 1;
    m = (size_t)mg->m_loc;
    if (tsc_grow((void **)&mg->loc, &m, (size_t)mg->n_loc + 1, sizeof(char *)) < 0) return -1;
    {
        int64_t *l = realloc(mg->len, m * sizeof(int64_t));
        if (!l) return -1;
        mg->len = l;
    }
    for (s = 0; s < mg->n_smp; s++) {
        char **p = realloc(mg->val[s], m * sizeof(char *));
        if (!p) return -1;
        memset(p + mg->n_loc, 0, (m - (size_t)mg->n_loc) * sizeof(char *));
        mg->val[s] = p;
    }
    mg->m_loc = (int64_t)m;
    if (!(mg->loc[mg->n_loc] = strdup(name))) return -1;
    k = kh_put(loc, mg->h, mg->loc[mg->n_loc], &absent);
    if (absent < 0) return -1;
    kh_val(mg->h, k) = mg->n_loc;
    mg->len[mg->n_loc] = -1;
    *row = mg->n_loc++;
    return 0;
}

tsc_merge_t *tsc_merge_init(const char *annot_bed)
{
    tsc_merge_t *mg = calloc(1, sizeof(*mg));
    int64_t row;
    if (!mg || !(mg->h = kh_init(loc)) || !(mg->nofeat = strdup("__no_feature"))) {
        if (mg) kh_destroy(loc, mg->h);
        free(mg);
        tsc_error("out of memory");
        return NULL;
    }
    if (annot_bed) {
        tsc_annot_t *a = tsc_bed2annot(annot_bed);
        int32_t i;
        if (!a) { tsc_merge_destroy(mg); return NULL; }
        for (i = 0; i < a->n_loci; i++) {
            if (add_locus(mg, a->locus[i], &row, 0) < 0) {
                tsc_error("out of memory");
                tsc_annot_destroy(a);
                tsc_merge_destroy(mg);
                return NULL;
            }
            mg->len[row] = a->len[i];
        }
        tsc_annot_destroy(a);
        mg->fixed = 1;
    }
    return mg;
}

/* split a TSV line into the (pandas-quoted) name, the count and the rest (NULL if none) */
static int split_row(char *s, char **name, char **count, char **rest)
{
    char *p;
    if (tsc_tsv_first_field(s, name, count) < 0) return -1;
    *rest = NULL;
    if ((p = strchr(*count, '\t'))) *p = 0, *rest = p + 1;
    return **count ? 0 : -1;
}

int tsc_merge_add(tsc_merge_t *mg, const char *path, const char *sample)
{
    htsFile *fp = hts_open(path, "r");
    kstring_t ks = { 0, 0, NULL };
    int64_t line = 0, row;
    int header = 0, s, i, ret = -1, len_col = -1;
    char **vals;
    if (!fp) { tsc_error("cannot open %s: %s", path, strerror(errno)); return -1; }
    for (i = 0; i < mg->n_smp; i++)
        if (strcmp(mg->smp[i], sample) == 0) { tsc_error("%s: sample name '%s' given twice", path, sample); goto done; }
    {
        size_t m = (size_t)mg->m_smp;
        if (tsc_grow((void **)&mg->smp, &m, (size_t)mg->n_smp + 1, sizeof(char *)) < 0) goto nomem;
        vals = realloc(mg->val, m * sizeof(char **));
        if (!vals) goto nomem;
        mg->val = (char ***)vals;
        {
            double *t = realloc(mg->total, m * sizeof(double));
            if (!t) goto nomem;
            mg->total = t;
        }
        mg->m_smp = (int)m;
    }
    s = mg->n_smp;
    if (!(mg->val[s] = calloc((size_t)(mg->m_loc ? mg->m_loc : 1), sizeof(char *))) || !(mg->smp[s] = strdup(sample))) goto nomem;
    mg->total[s] = 0;
    mg->n_smp++;
    while (hts_getline(fp, KS_SEP_LINE, &ks) >= 0) {
        char *name, *count, *rest;
        double v;
        line++;
        if (ks.l && ks.s[ks.l - 1] == '\r') ks.s[--ks.l] = 0;
        if (ks.l == 0 || ks.s[0] == '#') continue;
        if (!header) { /* which column is the locus length (all-loci tables), if any */
            char *p = ks.s, *t;
            int c = 0;
            header = 1;
            for (;; c++) {
                if ((t = strchr(p, '\t'))) *t = 0;
                if (strcmp(p, "length") == 0 && c >= 2) { len_col = c; break; }
                if (!t) break;
                p = t + 1;
            }
            continue;
        }
        if (split_row(ks.s, &name, &count, &rest) < 0) { tsc_error("%s:%lld: expected NAME<TAB>COUNT", path, (long long)line); goto done; }
        {
            char *end;
            v = strtod(count, &end);
            if (end == count || *end || !(v >= 0) || v > 1e300) {
                tsc_error("%s:%lld: count '%s' is not a non-negative number", path, (long long)line, count);
                goto done;
            }
        }
        mg->total[s] += v;
        if (strcmp(name, mg->nofeat) == 0 && !mg->keep_nofeat) continue;
        i = add_locus(mg, name, &row, strcmp(name, mg->nofeat) == 0);
        if (i < 0) goto nomem;
        if (i > 0) { tsc_error("%s:%lld: locus '%s' is not in the annotation", path, (long long)line, name); goto done; }
        if (mg->val[s][row]) { tsc_error("%s:%lld: locus '%s' appears twice", path, (long long)line, name); goto done; }
        if (!(mg->val[s][row] = strdup(count))) goto nomem;
        if (len_col >= 2 && strcmp(name, mg->nofeat) != 0) { /* the locus length from the table */
            char *p = rest, *t, *end;
            int c;
            int64_t l;
            for (c = 2; p && c < len_col; c++) p = (t = strchr(p, '\t')) ? t + 1 : NULL;
            if (!p) { tsc_error("%s:%lld: no length column", path, (long long)line); goto done; }
            if ((t = strchr(p, '\t'))) *t = 0;
            errno = 0;
            l = strtoll(p, &end, 10);
            if (end == p || *end || errno || l < 0) { tsc_error("%s:%lld: length '%s' is not a non-negative integer", path, (long long)line, p); goto done; }
            if (mg->len[row] >= 0 && mg->len[row] != l) {
                tsc_error("%s:%lld: locus '%s' has length %lld here, %lld elsewhere", path, (long long)line, name, (long long)l, (long long)mg->len[row]);
                goto done;
            }
            mg->len[row] = l;
        }
    }
    if (!header) { tsc_error("%s: empty count table (no header line)", path); goto done; }
    ret = 0;
    goto done;
nomem:
    tsc_error("out of memory");
done:
    free(ks.s);
    hts_close(fp);
    return ret;
}

int tsc_merge_set_nofeat(tsc_merge_t *mg, const char *key, int keep)
{
    char *k = strdup(key);
    if (!k) return -1;
    free(mg->nofeat);
    mg->nofeat = k;
    mg->keep_nofeat = keep;
    return 0;
}

/* per sample: the factor that turns a count (CPM) or a count per base (TPM) into the unit */
static int scale_of(const tsc_merge_t *mg, int units, double *scale)
{
    int64_t r;
    int s;
    for (s = 0; s < mg->n_smp; s++) {
        double sum = 0;
        if (units == TSC_MERGE_CPM) sum = mg->total[s];
        else
            for (r = 0; r < mg->n_loc; r++) {
                if (strcmp(mg->loc[r], mg->nofeat) == 0) continue;
                if (mg->len[r] < 0) {
                    tsc_error("TPM: no length for locus '%s': give the annotation (-a BED) or all-loci tables", mg->loc[r]);
                    return -1;
                }
                if (mg->val[s][r] && mg->len[r] > 0) sum += strtod(mg->val[s][r], NULL) / (double)mg->len[r];
            }
        scale[s] = sum > 0 ? 1e6 / sum : 0.0;
    }
    return 0;
}

int tsc_merge_write(const tsc_merge_t *mg, FILE *out, const char *cmdline, int units)
{
    int64_t r;
    int s;
    double *scale = NULL;
    char buf[32];
    if (units != TSC_MERGE_COUNTS) {
        if (!(scale = malloc((size_t)(mg->n_smp ? mg->n_smp : 1) * sizeof(double)))) { tsc_error("out of memory"); return -1; }
        if (scale_of(mg, units, scale) < 0) { free(scale); return -1; }
    }
    if (cmdline) fprintf(out, "# program: tsc-merge %s\n# command: %s\n", TSC_VERSION, cmdline);
    if (units == TSC_MERGE_CPM)
        fputs("# values: CPM = count / total * 10^6, total = the sample's counts summed over every row of its table, no-feature row included\n", out);
    else if (units == TSC_MERGE_TPM)
        fputs("# values: TPM = (count / length) / sum over the sample's loci of (count / length) * 10^6, length from tsc-regions\n", out);
    fputs("locus", out);
    for (s = 0; s < mg->n_smp; s++) { putc('\t', out); tsc_tsv_put_field(out, mg->smp[s]); }
    putc('\n', out);
    for (r = 0; r < mg->n_loc; r++) {
        tsc_tsv_put_field(out, mg->loc[r]);
        for (s = 0; s < mg->n_smp; s++) {
            const char *v = mg->val[s][r] ? mg->val[s][r] : "0";
            putc('\t', out);
            if (units == TSC_MERGE_CPM)
                fputs(tsc_agg_format(strtod(v, NULL) * scale[s], buf), out);
            else if (units == TSC_MERGE_TPM) {
                if (strcmp(mg->loc[r], mg->nofeat) == 0) fputs("NA", out);
                else fputs(tsc_agg_format(mg->len[r] > 0 ? strtod(v, NULL) / (double)mg->len[r] * scale[s] : 0.0, buf), out);
            } else fputs(v, out);
        }
        putc('\n', out);
    }
    free(scale);
    return ferror(out) ? -1 : 0;
}

void tsc_merge_destroy(tsc_merge_t *mg)
{
    int64_t r;
    int s;
    if (!mg) return;
    for (s = 0; s < mg->n_smp; s++) {
        for (r = 0; r < mg->n_loc; r++) free(mg->val[s][r]);
        free(mg->val[s]);
        free(mg->smp[s]);
    }
    free(mg->val);
    free(mg->smp);
    free(mg->total);
    free(mg->len);
    for (r = 0; r < mg->n_loc; r++) free(mg->loc[r]);
    free(mg->loc);
    kh_destroy(loc, mg->h);
    free(mg->nofeat);
    free(mg);
}
