/* tsc_annot.c -- the annotation: builder and per-locus merge, the loci BED (write and read),
 * destruction.  GTF parsing is in tsc_gtf.c, the overlap index in tsc_annot_index.c.
 * Part of tsc (Telescope in C). MIT licence.  Coordinates are 0-based, half-open, as in BED. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <htslib/bgzf.h>
#include <htslib/kstring.h>
#include <htslib/khash.h>
#include <htslib/ksort.h>
#include "tsc_annot.h"
#include "tsc_annot_internal.h"

KHASH_MAP_INIT_STR(tsc_s2i, int32_t)

/* ---------------------------------------------------------------------------------------------
 * Names: a growable list of strings with a hash from name to index
 * ------------------------------------------------------------------------------------------- */

typedef struct {
    int32_t n;
    size_t m;
    char **a;
    khash_t(tsc_s2i) *h;
    int32_t last;      /* cache: consecutive rows usually repeat the name */
} names_t;

static void names_free(names_t *s, int keep_strings)
{
    int32_t i;
    if (!keep_strings)
        for (i = 0; i < s->n; i++) free(s->a[i]);
    if (!keep_strings) free(s->a);
    if (s->h) kh_destroy(tsc_s2i, s->h);
    memset(s, 0, sizeof(*s));
}

static int32_t names_get(names_t *s, const char *name, size_t len, const char *what)
{
    khint_t k;
    int absent;
    char *p;
    if (s->last >= 0 && strncmp(s->a[s->last], name, len) == 0 && s->a[s->last][len] == 0)
        return s->last;
    if (len >= INT32_MAX) goto nomem;
    if (!(p = malloc(len + 1))) goto nomem;
    memcpy(p, name, len);
    p[len] = 0;
    k = kh_get(tsc_s2i, s->h, p);
    if (k != kh_end(s->h)) {
        free(p);
        return s->last = kh_val(s->h, k);
    }
    if (s->n == INT32_MAX || TSC_GROW(s->a, s->m, (size_t)s->n + 1) < 0) {
        free(p);
        goto nomem;
    }
    k = kh_put(tsc_s2i, s->h, p, &absent);
    if (absent < 0) {
        free(p);
        goto nomem;
    }
    s->a[s->n] = p;
    kh_val(s->h, k) = s->n;
    return s->last = s->n++;
nomem:
    tsc_error("out of memory adding %s name", what);
    return -1;
}

/* ---------------------------------------------------------------------------------------------
 * Builder and merge
 * ------------------------------------------------------------------------------------------- */

struct tsc_annot_build_t {
    names_t chrom, locus;
    int64_t n_rows;
    size_t m_rows;
    tsc_annot_row_t *rows;
};

tsc_annot_build_t *tsc_annot_build_init(void)
{
    tsc_annot_build_t *b = calloc(1, sizeof(*b));
    if (!b) goto nomem;
    b->chrom.last = b->locus.last = -1;
    b->chrom.h = kh_init(tsc_s2i);
    b->locus.h = kh_init(tsc_s2i);
    if (!b->chrom.h || !b->locus.h) goto nomem;
    return b;
nomem:
    tsc_error("out of memory");
    tsc_annot_build_destroy(b);
    return NULL;
}

void tsc_annot_build_destroy(tsc_annot_build_t *b)
{
    if (!b) return;
    names_free(&b->chrom, 0);
    names_free(&b->locus, 0);
    free(b->rows);
    free(b);
}

int32_t tsc_annot_build_chrom(tsc_annot_build_t *b, const char *name, size_t len)
{
    return names_get(&b->chrom, name, len, "chromosome");
}

int32_t tsc_annot_build_locus(tsc_annot_build_t *b, const char *name, size_t len)
{
    return names_get(&b->locus, name, len, "locus");
}

int tsc_annot_build_add(tsc_annot_build_t *b, int32_t chrom, int32_t locus, int64_t beg,
                        int64_t end, char strand)
{
    tsc_annot_row_t *r;
    if (TSC_GROW(b->rows, b->m_rows, (size_t)b->n_rows + 1) < 0) {
        tsc_error("out of memory adding interval %lld", (long long)b->n_rows + 1);
        return -1;
    }
    r = &b->rows[b->n_rows];
    r->key = 0;
    r->beg = beg, r->end = end;
    r->row = b->n_rows++;
    r->chrom = chrom, r->locus = locus;
    r->strand = strand;
    return 0;
}

int64_t tsc_annot_build_n_rows(const tsc_annot_build_t *b)
{
    return b->n_rows;
}

#define row_lt(x, y) ((x).key < (y).key || ((x).key == (y).key && (x).beg < (y).beg))
KSORT_INIT_STATIC(tsc_row, tsc_annot_row_t, row_lt)

typedef struct {
    const char *name;
    int32_t i;
} name_idx_t;

static int cmp_name_idx(const void *x, const void *y)
{
    return strcmp(((const name_idx_t *)x)->name, ((const name_idx_t *)y)->name);
}

/* rank[c] = position of chromosome c in strcmp order of the names.  Caller frees. */
static int32_t *chrom_rank(char *const *names, int32_t n)
{
    name_idx_t *ord = malloc((size_t)(n ? n : 1) * sizeof(*ord));
    int32_t *rank = malloc((size_t)(n ? n : 1) * sizeof(*rank));
    int32_t i;
    if (!ord || !rank) {
        free(ord), free(rank);
        return NULL;
    }
    for (i = 0; i < n; i++) ord[i].name = names[i], ord[i].i = i;
    qsort(ord, n, sizeof(*ord), cmp_name_idx);
    for (i = 0; i < n; i++) rank[ord[i].i] = i;
    free(ord);
    return rank;
}

tsc_annot_t *tsc_annot_build_finish(tsc_annot_build_t *b)
{
    tsc_annot_t *a = NULL;
    int32_t *rank = NULL, *newid = NULL, i;
    int64_t j, n = 0, sorted = 1;
    tsc_annot_row_t *r;

    if (!b) return NULL;
    r = b->rows;
    if (!(a = calloc(1, sizeof(*a)))) goto nomem;
    if (!(rank = chrom_rank(b->chrom.a, b->chrom.n))) goto nomem;
    for (j = 0; j < b->n_rows; j++) {
        r[j].key = (uint64_t)(uint32_t)r[j].locus << 32 | (uint32_t)rank[r[j].chrom];
        if (j > 0 && row_lt(r[j], r[j - 1])) sorted = 0;
    }
    if (!sorted && ks_introsort(tsc_row, (size_t)b->n_rows, r) < 0) goto nomem;

    /* Sweep each (locus, chromosome) run, sorted by start: an interval that starts before the
     * hull ends shares a base with it and joins it.  The result is the set of connected
     * components of the "share a base" relation, whatever the input order (Q20 fixed); the hull
     * takes the strand of its newest row (Q21 kept). */
    for (j = 0; j < b->n_rows; j++) {
        if (n > 0 && r[n - 1].key == r[j].key && r[j].beg < r[n - 1].end) {
            tsc_annot_row_t *h = &r[n - 1];
            if (r[j].end > h->end) h->end = r[j].end;
            if (r[j].row > h->row) h->row = r[j].row, h->strand = r[j].strand;
        } else {
            r[n++] = r[j];
        }
    }

    if (!(a->iv = malloc((size_t)(n ? n : 1) * sizeof(*a->iv)))) goto nomem;
    if (!(a->len = calloc((size_t)(b->locus.n ? b->locus.n : 1), sizeof(*a->len)))) goto nomem;
    if (!(a->chrom = malloc((size_t)(b->chrom.n ? b->chrom.n : 1) * sizeof(*a->chrom)))) goto nomem;
    if (!(newid = malloc((size_t)(b->chrom.n ? b->chrom.n : 1) * sizeof(*newid)))) goto nomem;
    for (i = 0; i < b->chrom.n; i++) newid[i] = -1;
    for (j = 0; j < n; j++) {
        int32_t c = r[j].chrom;
        if (newid[c] < 0) {
            newid[c] = a->n_chrom;
            a->chrom[a->n_chrom++] = b->chrom.a[c];
            b->chrom.a[c] = NULL;
        }
        a->iv[j].chrom = newid[c];
        a->iv[j].beg = r[j].beg;
        a->iv[j].end = r[j].end;
        a->iv[j].locus = r[j].locus;
        a->iv[j].strand = r[j].strand;
        a->len[r[j].locus] += r[j].end - r[j].beg;
    }
    a->n_iv = n;
    a->n_loci = b->locus.n;
    a->locus = b->locus.a;
    names_free(&b->locus, 1);
    free(rank);
    free(newid);
    tsc_annot_build_destroy(b);
    return a;

nomem:
    tsc_error("out of memory merging %lld intervals", (long long)b->n_rows);
    free(rank);
    free(newid);
    tsc_annot_build_destroy(b);
    tsc_annot_destroy(a);
    return NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Loci BED
 * ------------------------------------------------------------------------------------------- */

static char *put_i64(char *p, int64_t x)
{
    char t[24];
    int k = 0;
    uint64_t u = x < 0 ? -(uint64_t)x : (uint64_t)x;
    if (x < 0) *p++ = '-';
    do t[k++] = '0' + u % 10; while ((u /= 10) != 0);
    while (k) *p++ = t[--k];
    return p;
}

int tsc_annot2bed(const tsc_annot_t *a, FILE *fp)
{
    kstring_t s = KS_INITIALIZE;
    int64_t j;
    for (j = 0; j < a->n_iv; j++) {
        const tsc_iv_t *v = &a->iv[j];
        const char *c = a->chrom[v->chrom], *l = a->locus[v->locus];
        size_t lc = strlen(c), ll = strlen(l);
        char *p;
        if (ks_resize(&s, s.l + lc + ll + 64) < 0) goto nomem;
        p = s.s + s.l;
        memcpy(p, c, lc), p += lc, *p++ = '\t';
        p = put_i64(p, v->beg), *p++ = '\t';
        p = put_i64(p, v->end), *p++ = '\t';
        memcpy(p, l, ll), p += ll;
        *p++ = '\t', *p++ = '0', *p++ = '\t';
        *p++ = v->strand == '+' || v->strand == '-' ? v->strand : '.';
        *p++ = '\n';
        s.l = p - s.s;
        if (s.l >= 1 << 16 || j == a->n_iv - 1) {
            if (fwrite(s.s, 1, s.l, fp) != s.l) goto wrerr;
            s.l = 0;
        }
    }
    if (fflush(fp) != 0) goto wrerr;
    ks_free(&s);
    return 0;
nomem:
    tsc_error("out of memory writing the loci BED");
    ks_free(&s);
    return -1;
wrerr:
    tsc_error("writing the loci BED: %s", strerror(errno));
    ks_free(&s);
    return -1;
}

/* Strict non-negative decimal integer of S[0..N): digits only.  0 or -1. */
static int parse_coord(const char *s, size_t n, int64_t *out)
{
    int64_t x = 0;
    size_t i;
    if (n == 0 || n > 18) return -1;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        x = x * 10 + (s[i] - '0');
    }
    *out = x;
    return 0;
}

tsc_annot_t *tsc_bed2annot(const char *path)
{
    const char *fn = tsc_annot_fname(path);
    BGZF *fp = NULL;
    kstring_t ks = KS_INITIALIZE;
    tsc_annot_build_t *b = NULL;
    tsc_annot_t *a;
    int64_t line = 0;
    int ret;

    if (!(fp = bgzf_open(path, "r"))) {
        tsc_error("%s: cannot open: %s", fn, strerror(errno));
        return NULL;
    }
    if (!(b = tsc_annot_build_init())) goto fail;
    while ((ret = bgzf_getline(fp, '\n', &ks)) >= 0) {
        const char *f[7];
        size_t fl[6], n;
        int nf = 0;
        const char *p, *e, *t;
        int64_t beg, end;
        int32_t c, l;
        char strand = '.';
        line++;
        if (ks.l && ks.s[ks.l - 1] == '\r') ks.s[--ks.l] = 0;
        p = ks.s, n = ks.l, e = p + n;
        if (memchr(p, 0, n)) {
            tsc_error("%s:%lld: NUL byte in line", fn, (long long)line);
            goto fail;
        }
        if (n == 0 || p[0] == '#' || tsc_annot_is_track_line(p, n) || tsc_annot_is_blank(p, n))
            continue;
        while (nf < 6) {
            t = memchr(p, '\t', e - p);
            f[nf] = p, fl[nf] = (t ? t : e) - p, nf++;
            if (!t) break;
            p = t + 1;
        }
        if (nf < 4) {
            tsc_error("%s:%lld: expected at least 4 tab-separated fields (chrom, start, end, "
                      "name), found %d", fn, (long long)line, nf);
            goto fail;
        }
        if (parse_coord(f[1], fl[1], &beg) < 0 || parse_coord(f[2], fl[2], &end) < 0) {
            tsc_error("%s:%lld: start and end must be non-negative integers", fn, (long long)line);
            goto fail;
        }
        if (end <= beg) {
            tsc_error("%s:%lld: end %lld is not after start %lld", fn, (long long)line,
                      (long long)end, (long long)beg);
            goto fail;
        }
        if (fl[0] == 0 || fl[3] == 0) {
            tsc_error("%s:%lld: empty %s", fn, (long long)line, fl[0] ? "name" : "chromosome");
            goto fail;
        }
        if (nf >= 6 && fl[5] == 1 && (f[5][0] == '+' || f[5][0] == '-')) strand = f[5][0];
        if ((c = tsc_annot_build_chrom(b, f[0], fl[0])) < 0) goto fail;
        if ((l = tsc_annot_build_locus(b, f[3], fl[3])) < 0) goto fail;
        if (tsc_annot_build_add(b, c, l, beg, end, strand) < 0) goto fail;
    }
    if (ret < -1) {
        tsc_error("%s: read error after line %lld", fn, (long long)line);
        goto fail;
    }
    if (bgzf_close(fp) < 0) {
        fp = NULL;
        tsc_error("%s: read error", fn);
        goto fail;
    }
    fp = NULL;
    ks_free(&ks);
    if (tsc_annot_build_n_rows(b) == 0) {
        tsc_error("%s: no intervals", fn);
        tsc_annot_build_destroy(b);
        return NULL;
    }
    a = tsc_annot_build_finish(b);
    if (a) tsc_info("%s: %d loci, %lld intervals on %d chromosomes", fn, a->n_loci,
                    (long long)a->n_iv, a->n_chrom);
    return a;
fail:
    if (fp) bgzf_close(fp);
    ks_free(&ks);
    tsc_annot_build_destroy(b);
    return NULL;
}

void tsc_annot_destroy(tsc_annot_t *a)
{
    int32_t i;
    if (!a) return;
    if (a->locus)
        for (i = 0; i < a->n_loci; i++) free(a->locus[i]);
    if (a->chrom)
        for (i = 0; i < a->n_chrom; i++) free(a->chrom[i]);
    free(a->locus);
    free(a->chrom);
    free(a->len);
    free(a->iv);
    tsc_annot_index_free(a->idx);
    free(a);
}
