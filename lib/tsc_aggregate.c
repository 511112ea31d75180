/* tsc_aggregate.c -- loci into groups (families, classes) and count tables summed by group.
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/bgzf.h>
#include <htslib/hts.h>
#include <htslib/khash.h>
#include <htslib/kseq.h>
#include <htslib/kstring.h>
#include "tsc_aggregate.h"
#include "tsc_annot.h"

KHASH_MAP_INIT_STR(agg, int64_t)

struct tsc_groups_t {
    tsc_agg_opt_t o;        /* strings owned (copies) */
    int by_prefix;
    khash_t(agg) *h;        /* locus -> index into val */
    int64_t n, m;
    char **locus;           /* keys of h */
    kstring_t *val;         /* group of each locus; l == 0: none seen (missing) */
};

void tsc_agg_opt_init(tsc_agg_opt_t *o)
{
    memset(o, 0, sizeof(*o));
    o->attribute = "locus";
    o->multi = TSC_AGG_FIRST;
    o->sep = '_';
    o->missing = "__no_group";
    o->no_feature_key = "__no_feature";
}

int tsc_agg_opt_check(const tsc_agg_opt_t *o)
{
    int bad = 0;
    if (o->group_by && !o->gtf) tsc_error("grouping by attribute '%s' needs an annotation (GTF)", o->group_by), bad = 1;
    if (o->gtf && !o->group_by) tsc_error("an annotation is given but no attribute to group by"), bad = 1;
    if (o->group_by && !*o->group_by) tsc_error("empty attribute name to group by"), bad = 1;
    if (!o->attribute || !*o->attribute) tsc_error("empty locus attribute name"), bad = 1;
    if (!o->missing || !*o->missing) tsc_error("empty name for the group of loci without the attribute"), bad = 1;
    if (!o->no_feature_key || !*o->no_feature_key) tsc_error("empty no-feature key"), bad = 1;
    if (o->multi != TSC_AGG_FIRST && o->multi != TSC_AGG_JOIN) tsc_error("unknown rule for loci with several values"), bad = 1;
    if (!o->sep || o->sep == '\t' || o->sep == '\n') tsc_error("bad prefix separator"), bad = 1;
    return bad ? -1 : 0;
}

void tsc_groups_destroy(tsc_groups_t *g)
{
    int64_t i;
    if (!g) return;
    for (i = 0; i < g->n; i++) free(g->locus[i]), free(g->val[i].s);
    free(g->locus);
    free(g->val);
    if (g->h) kh_destroy(agg, g->h);
    free((char *)g->o.gtf), free((char *)g->o.attribute), free((char *)g->o.group_by);
    free((char *)g->o.feature_type), free((char *)g->o.missing), free((char *)g->o.no_feature_key);
    free(g);
}

/* is V (length VL) one of the '+'-separated values of S? */
static int has_value(const kstring_t *s, const char *v, size_t vl)
{
    const char *p = s->s, *e = s->s + s->l;
    while (p < e) {
        const char *q = memchr(p, '+', (size_t)(e - p));
        if (!q) q = e;
        if ((size_t)(q - p) == vl && memcmp(p, v, vl) == 0) return 1;
        p = q + 1;
    }
    return 0;
}

static int read_gtf(tsc_groups_t *g)
{
    const char *fn = g->o.gtf;
    BGZF *fp;
    kstring_t ks = { 0, 0, NULL }, key = { 0, 0, NULL };
    int64_t line = 0;
    size_t ftlen = g->o.feature_type ? strlen(g->o.feature_type) : 0;
    int ret = -1, r;
    if (!(fp = bgzf_open(fn, "r"))) {
        tsc_error("%s: cannot open: %s", fn, strerror(errno));
        return -1;
    }
    while ((r = bgzf_getline(fp, '\n', &ks)) >= 0) {
        char *s = ks.s, *f[9], *t;
        size_t n = ks.l, fl[9], ll, vl;
        const char *lv, *v;
        int nf = 0, absent;
        khint_t k;
        int64_t i;
        line++;
        if (n && s[n - 1] == '\r') s[--n] = 0;
        if (n == 0 || s[0] == '#' || strspn(s, " \t") == n || strncmp(s, "track", 5) == 0 || strncmp(s, "browser", 7) == 0)
            continue;
        for (;;) {
            t = nf < 8 ? memchr(s, '\t', ks.s + n - s) : NULL;
            f[nf] = s, fl[nf] = (size_t)((t ? t : ks.s + n) - s), nf++;
            if (!t) break;
            s = t + 1;
        }
        if (nf < 9) {
            tsc_error("%s:%lld: expected 9 tab-separated fields, found %d", fn, (long long)line, nf);
            goto done;
        }
        if (ftlen && (fl[2] != ftlen || memcmp(f[2], g->o.feature_type, ftlen) != 0)) continue;
        if (!(lv = tsc_gtf_attr(f[8], fl[8], g->o.attribute, &ll))) continue;
        key.l = 0;
        if (kputsn(lv, ll, &key) < 0) goto nomem;
        k = kh_get(agg, g->h, key.s);
        if (k == kh_end(g->h)) {
            size_t m = (size_t)g->m, m2 = (size_t)g->m;
            if (tsc_grow((void **)&g->locus, &m, (size_t)g->n + 1, sizeof(char *)) < 0
                || tsc_grow((void **)&g->val, &m2, (size_t)g->n + 1, sizeof(kstring_t)) < 0) goto nomem;
            g->m = (int64_t)(m < m2 ? m : m2);
            memset(&g->val[g->n], 0, sizeof(kstring_t));
            if (!(g->locus[g->n] = strdup(key.s))) goto nomem;
            k = kh_put(agg, g->h, g->locus[g->n], &absent);
            if (absent < 0) { free(g->locus[g->n]); goto nomem; }
            kh_val(g->h, k) = g->n++;
        }
        i = kh_val(g->h, k);
        if (!(v = tsc_gtf_attr(f[8], fl[8], g->o.group_by, &vl)) || vl == 0) continue;
        if (memchr(v, '\t', vl)) continue; /* cannot be: the attribute is within field 9 */
        if (g->val[i].l == 0) {
            if (kputsn(v, vl, &g->val[i]) < 0) goto nomem;
        } else if (g->o.multi == TSC_AGG_JOIN && !has_value(&g->val[i], v, vl)) {
            if (kputc('+', &g->val[i]) < 0 || kputsn(v, vl, &g->val[i]) < 0) goto nomem;
        }
    }
    if (r < -1) { tsc_error("%s: read error (truncated or corrupted gzip?)", fn); goto done; }
    ret = 0;
    goto done;
nomem:
    tsc_error("out of memory");
done:
    free(ks.s);
    free(key.s);
    bgzf_close(fp);
    return ret;
}

static char *dup_or_null(const char *s, int *bad)
{
    char *d;
    if (!s) return NULL;
    if (!(d = strdup(s))) *bad = 1;
    return d;
}

tsc_groups_t *tsc_groups_init(const tsc_agg_opt_t *o)
{
    tsc_groups_t *g;
    int bad = 0;
    if (tsc_agg_opt_check(o) < 0) return NULL;
    if (!(g = calloc(1, sizeof(*g)))) goto nomem;
    g->o = *o;
    g->o.gtf = dup_or_null(o->gtf, &bad);
    g->o.attribute = dup_or_null(o->attribute, &bad);
    g->o.group_by = dup_or_null(o->group_by, &bad);
    g->o.feature_type = dup_or_null(o->feature_type, &bad);
    g->o.missing = dup_or_null(o->missing, &bad);
    g->o.no_feature_key = dup_or_null(o->no_feature_key, &bad);
    if (bad || !(g->h = kh_init(agg))) goto nomem;
    g->by_prefix = o->group_by == NULL;
    if (!g->by_prefix && read_gtf(g) < 0) { tsc_groups_destroy(g); return NULL; }
    return g;
nomem:
    tsc_error("out of memory");
    tsc_groups_destroy(g);
    return NULL;
}

const char *tsc_groups_get(const tsc_groups_t *g, const char *locus, char **buf, size_t *m)
{
    khint_t k;
    if (strcmp(locus, g->o.no_feature_key) == 0) return g->o.no_feature_key;
    if (g->by_prefix) {
        const char *p = strchr(locus, g->o.sep);
        size_t n = p ? (size_t)(p - locus) : strlen(locus);
        if (n == 0) return g->o.missing; /* "_x": no prefix */
        if (tsc_grow((void **)buf, m, n + 1, 1) < 0) return NULL;
        memcpy(*buf, locus, n);
        (*buf)[n] = 0;
        return *buf;
    }
    k = kh_get(agg, g->h, locus);
    if (k == kh_end(g->h) || g->val[kh_val(g->h, k)].l == 0) return g->o.missing;
    return g->val[kh_val(g->h, k)].s;
}

const char *tsc_groups_label(const tsc_groups_t *g)
{
    return g->by_prefix ? "prefix" : g->o.group_by;
}

void tsc_groups_stats(const tsc_groups_t *g, int64_t *n_loci, int64_t *n_missing)
{
    int64_t i, miss = 0;
    for (i = 0; i < g->n; i++) miss += g->val[i].l == 0;
    *n_loci = g->n;
    *n_missing = miss;
}

char *tsc_agg_format(double v, char *buf)
{
    if (isnan(v)) strcpy(buf, "NA");
    else if (v == floor(v) && fabs(v) < 9007199254740992.0) snprintf(buf, 32, "%.0f", v == 0 ? 0.0 : v);
    else tsc_repr_double(v, buf);
    return buf;
}

/* ---- the table ---- */

typedef struct { char *name; int64_t idx; } grp_ref_t;

static int cmp_grp(const void *a, const void *b)
{
    return strcmp(((const grp_ref_t *)a)->name, ((const grp_ref_t *)b)->name);
}

int tsc_aggregate_table(const tsc_groups_t *g, const char *in, FILE *out, const char *cmdline)
{
    htsFile *fp = hts_open(in, "r");
    const char *fn = strcmp(in, "-") ? in : "stdin";
    kstring_t ks = { 0, 0, NULL }, hdr = { 0, 0, NULL }, com = { 0, 0, NULL };
    khash_t(agg) *h = kh_init(agg);
    grp_ref_t *gr = NULL;
    double *sum = NULL;
    char *buf = NULL, num[32];
    size_t mbuf = 0, m_gr = 0, m_sum = 0;
    int64_t line = 0, n_gr = 0, n_rows = 0, i;
    int ncol = -1, ret = -1, absent, c;

    if (!fp) { tsc_error("cannot open %s: %s", fn, strerror(errno)); kh_destroy(agg, h); return -1; }
    if (!h) goto nomem;
    while (hts_getline(fp, KS_SEP_LINE, &ks) >= 0) {
        char *name, *rest, *end;
        const char *grp;
        khint_t k;
        int64_t gi;
        line++;
        if (ks.l && ks.s[ks.l - 1] == '\r') ks.s[--ks.l] = 0;
        if (ks.l == 0) continue;
        if (ks.s[0] == '#') {
            if (kputs(ks.s, &com) < 0 || kputc('\n', &com) < 0) goto nomem;
            continue;
        }
        if (tsc_tsv_first_field(ks.s, &name, &rest) < 0) { tsc_error("%s:%lld: unterminated quote", fn, (long long)line); goto done; }
        if (ncol < 0) { /* the header */
            if (!*rest) { tsc_error("%s:%lld: the header has no value column", fn, (long long)line); goto done; }
            for (ncol = 1, end = rest; (end = strchr(end, '\t')) != NULL; end++) ncol++;
            if (kputs(rest, &hdr) < 0) goto nomem;
            continue;
        }
        n_rows++;
        if (!(grp = tsc_groups_get(g, name, &buf, &mbuf))) goto nomem;
        k = kh_get(agg, h, grp);
        if (k == kh_end(h)) {
            if (tsc_grow((void **)&gr, &m_gr, (size_t)n_gr + 1, sizeof(*gr)) < 0
                || tsc_grow((void **)&sum, &m_sum, (size_t)(n_gr + 1) * (size_t)ncol, sizeof(double)) < 0) goto nomem;
            if (!(gr[n_gr].name = strdup(grp))) goto nomem;
            gr[n_gr].idx = n_gr;
            for (c = 0; c < ncol; c++) sum[n_gr * ncol + c] = 0.0;
            k = kh_put(agg, h, gr[n_gr].name, &absent);
            if (absent < 0) { free(gr[n_gr].name); goto nomem; }
            kh_val(h, k) = n_gr++;
        }
        gi = kh_val(h, k);
        for (c = 0; c < ncol; c++) {
            char *tab;
            double v;
            if (!rest) {
                tsc_error("%s:%lld: %d value columns, the header has %d", fn, (long long)line, c, ncol);
                goto done;
            }
            if ((tab = strchr(rest, '\t'))) *tab = 0;
            if (strcmp(rest, "NA") == 0) v = NAN;
            else {
                errno = 0;
                v = strtod(rest, &end);
                if (end == rest || *end || errno == ERANGE || !isfinite(v)) {
                    tsc_error("%s:%lld: column %d: '%s' is not a number", fn, (long long)line, c + 2, rest);
                    goto done;
                }
            }
            sum[gi * ncol + c] += v;
            rest = tab ? tab + 1 : NULL;
        }
        if (rest) {
            tsc_error("%s:%lld: more value columns than the header's %d", fn, (long long)line, ncol);
            goto done;
        }
    }
    if (ncol < 0) { tsc_error("%s: empty table (no header line)", fn); goto done; }
    qsort(gr, (size_t)n_gr, sizeof(*gr), cmp_grp);
    if (cmdline) fprintf(out, "# program: tsc-aggregate %s\n# command: %s\n", TSC_VERSION, cmdline);
    if (com.l) fputs(com.s, out);
    tsc_tsv_put_field(out, tsc_groups_label(g));
    fprintf(out, "\t%s\n", hdr.s);
    for (i = 0; i < n_gr; i++) {
        tsc_tsv_put_field(out, gr[i].name);
        for (c = 0; c < ncol; c++) fprintf(out, "\t%s", tsc_agg_format(sum[gr[i].idx * ncol + c], num));
        putc('\n', out);
    }
    tsc_info("%s: %lld rows into %lld groups", fn, (long long)n_rows, (long long)n_gr);
    if (ferror(out)) { tsc_error("write error: %s", strerror(errno)); goto done; }
    ret = 0;
    goto done;
nomem:
    tsc_error("out of memory");
done:
    for (i = 0; i < n_gr; i++) free(gr[i].name);
    free(gr);
    free(sum);
    free(buf);
    free(ks.s), free(hdr.s), free(com.s);
    if (h) kh_destroy(agg, h);
    hts_close(fp);
    return ret;
}
