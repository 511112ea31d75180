/* tsc_sc.c -- barcode whitelists and the single-cell fragment filters (see tsc_sc.h).
 * Part of tsc (Telescope in C). MIT licence. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <htslib/khash.h>
#include <htslib/kstring.h>
#include "tsc_sc.h"

KHASH_MAP_INIT_STR(wl_s2i, int64_t)

struct tsc_wl_t {
    int64_t n;
    size_t m;
    char **bc;               /* barcodes, list order */
    khash_t(wl_s2i) *h;      /* barcode (and bare form of "X-N") -> index; keys owned here */
};

void tsc_wl_destroy(tsc_wl_t *w)
{
    if (!w) return;
    if (w->h) {
        for (khint_t k = kh_begin(w->h); k != kh_end(w->h); k++)
            if (kh_exist(w->h, k)) free((char *)kh_key(w->h, k));
        kh_destroy(wl_s2i, w->h);
    }
    for (int64_t i = 0; i < w->n; i++) free(w->bc[i]);
    free(w->bc);
    free(w);
}

int64_t tsc_wl_size(const tsc_wl_t *w) { return w ? w->n : 0; }
const char *tsc_wl_name(const tsc_wl_t *w, int64_t i) { return w->bc[i]; }
char *const *tsc_wl_names(const tsc_wl_t *w) { return w->bc; }

int64_t tsc_wl_find(const tsc_wl_t *w, const char *bc)
{
    khint_t k;
    if (!w || !w->h) return -1;
    k = kh_get(wl_s2i, w->h, bc);
    return k == kh_end(w->h) ? -1 : kh_val(w->h, k);
}

/* Map KEY (copied) to I unless present. 0, 1 (present) or -1 (OOM). */
static int wl_put(tsc_wl_t *w, const char *key, size_t len, int64_t i)
{
    char *s = strndup(key, len);
    int ret;
    khint_t k;
    if (!s) return -1;
    k = kh_put(wl_s2i, w->h, s, &ret);
    if (ret < 0) { free(s); return -1; }
    if (ret == 0) { free(s); return 1; }
    kh_val(w->h, k) = i;
    return 0;
}

/* Add barcode BC: 0, 1 (a repeat, ignored), -1 (OOM). */
static int wl_add(tsc_wl_t *w, const char *bc)
{
    int r;
    if (tsc_wl_find(w, bc) >= 0) {
        /* a repeat of a listed barcode, unless it only matched the bare form of "X-N" */
        int64_t j = tsc_wl_find(w, bc);
        if (strcmp(w->bc[j], bc) == 0) return 1;
    }
    if (TSC_GROW(w->bc, w->m, (size_t)w->n + 1) < 0) return -1;
    if (!(w->bc[w->n] = strdup(bc))) return -1;
    {   /* the exact form always maps here (it may replace a bare-form entry of another barcode) */
        khint_t k = kh_get(wl_s2i, w->h, bc);
        if (k != kh_end(w->h)) kh_val(w->h, k) = w->n;
        else if ((r = wl_put(w, bc, strlen(bc), w->n)) < 0) return -1;
    }
    const char *d = strrchr(bc, '-');
    if (d && d > bc && d[1]) {
        const char *p = d + 1;
        while (isdigit((unsigned char)*p)) p++;
        if (!*p && wl_put(w, bc, (size_t)(d - bc), w->n) < 0) return -1;
    }
    w->n++;
    return 0;
}

static tsc_wl_t *wl_new(void)
{
    tsc_wl_t *w = calloc(1, sizeof(*w));
    if (w && !(w->h = kh_init(wl_s2i))) { free(w); w = NULL; }
    return w;
}

tsc_wl_t *tsc_wl_from(char *const *bc, int64_t n)
{
    tsc_wl_t *w = wl_new();
    if (!w) return NULL;
    for (int64_t i = 0; i < n; i++)
        if (wl_add(w, bc[i]) < 0) { tsc_wl_destroy(w); return NULL; }
    return w;
}

/* ACGTN letters, optionally "-digits" */
static int looks_like_barcode(const char *s)
{
    const char *p = s;
    while (*p && strchr("ACGTNacgtn", *p)) p++;
    if (p == s) return 0;
    if (*p == '-') {
        const char *q = ++p;
        while (isdigit((unsigned char)*p)) p++;
        if (p == q) return 0;
    }
    return *p == 0;
}

tsc_wl_t *tsc_wl_read(const char *path)
{
    gzFile fp = gzopen(path, "rb");
    tsc_wl_t *w = NULL;
    kstring_t ks = { 0, 0, NULL };
    char buf[4096];
    int64_t line = 0;
    int eof = 0;
    if (!fp) { tsc_error("cannot open the whitelist %s: %s", path, strerror(errno)); return NULL; }
    if (!(w = wl_new())) goto nomem;
    while (!eof) {
        ks.l = 0;
        /* one line, any length */
        while (1) {
            if (!gzgets(fp, buf, sizeof buf)) { eof = 1; break; }
            if (kputs(buf, &ks) < 0) goto nomem;
            if (ks.l && ks.s[ks.l - 1] == '\n') break;
        }
        if (eof && ks.l == 0) break;
        line++;
        if (memchr(ks.s, 0, ks.l) || strlen(ks.s) != ks.l) {
            tsc_error("%s:%" PRId64 ": not a text line (a NUL byte): not a barcode list", path, line);
            goto fail;
        }
        char *s = ks.s, *e = strchr(s, '\t');
        if (e) *e = 0;
        while (*s && isspace((unsigned char)*s)) s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
        if (!*s) continue;
        if (line == 1 && !looks_like_barcode(s)) continue; /* a header line */
        if (wl_add(w, s) < 0) goto nomem;
    }
    {
        int err;
        const char *m = gzerror(fp, &err);
        if (err < 0 && err != Z_BUF_ERROR) { tsc_error("%s: read error: %s", path, m); goto fail; }
    }
    if (line == 0) {
        tsc_error("the whitelist %s is empty (give a file with one barcode per line, or no --whitelist "
                  "to keep every barcode)", path);
        goto fail;
    }
    gzclose(fp);
    free(ks.s);
    return w;
nomem:
    tsc_error("out of memory");
fail:
    gzclose(fp);
    free(ks.s);
    tsc_wl_destroy(w);
    return NULL;
}

/* ---- filters ---- */

void tsc_sc_counts_init(tsc_sc_counts_t *c) { memset(c, 0, sizeof(*c)); }

void tsc_sc_counts_merge(tsc_sc_counts_t *a, const tsc_sc_counts_t *b)
{
    a->total += b->total; a->paired += b->paired; a->single += b->single; a->unmapped += b->unmapped;
    a->loc_unique += b->loc_unique; a->loc_ambig += b->loc_ambig;
    a->noloc_unique += b->noloc_unique; a->noloc_ambig += b->noloc_ambig;
    a->no_cb += b->no_cb; a->not_listed += b->not_listed; a->no_umi += b->no_umi;
    if (b->has_as) {
        if (!a->has_as || b->as_min < a->as_min) a->as_min = b->as_min;
        if (!a->has_as || b->as_max > a->as_max) a->as_max = b->as_max;
        a->has_as = 1;
    }
}

static const char *tag_str(bam1_t *b, const char tag[2])
{
    const uint8_t *p = bam_aux_get(b, tag);
    const char *s;
    if (!p || (*p != 'Z' && *p != 'H')) return NULL;
    s = bam_aux2Z(p);
    return s && *s ? s : NULL;
}

void tsc_sc_tags(const tsc_sc_opt_t *o, bam1_t *b, const char **cb, const char **ub)
{
    *cb = tag_str(b, o->btag);
    *ub = tag_str(b, o->utag);
}

int tsc_sc_check(const tsc_sc_opt_t *o, const char *cb, const char *ub)
{
    if (!cb) return TSC_SC_NO_CB;
    if (o->wl && tsc_wl_size(o->wl) > 0 && tsc_wl_find(o->wl, cb) < 0) return TSC_SC_NOT_LISTED;
    if (!ub && !o->ignore_umi) return TSC_SC_NO_UMI;
    return TSC_SC_OK;
}

int tsc_sc_classify_tags(const tsc_sc_opt_t *o, const tsc_frag_t *f, const char *cb, const char *ub, tsc_sc_counts_t *c)
{
    c->total++;
    if (f->cls == TSC_FC_PM || f->cls == TSC_FC_PU || f->cls == TSC_FC_PX) c->paired++;
    else c->single++;
    /* a PX fragment without a mapped unit crashes Stellarscope (as Telescope Q17): unmapped here */
    if (f->cls == TSC_FC_SU || f->cls == TSC_FC_PU || f->n_mapped == 0 || f->n_unit == 0) {
        c->unmapped++;
        return TSC_SC_UNMAPPED;
    }
    int e = tsc_sc_check(o, cb, ub);
    if (e == TSC_SC_NO_CB) { c->no_cb++; return e; }
    if (e == TSC_SC_NOT_LISTED) { c->not_listed++; return e; }
    if (e == TSC_SC_NO_UMI) { c->no_umi++; return e; }
    int ambig = f->n_mapped > 1;
    if (f->has_locus) { if (ambig) c->loc_ambig++; else c->loc_unique++; }
    else if (ambig) c->noloc_ambig++;
    else c->noloc_unique++;
    if (!c->has_as || f->as_min < c->as_min) c->as_min = f->as_min;
    if (!c->has_as || f->as_max > c->as_max) c->as_max = f->as_max;
    c->has_as = 1;
    return TSC_SC_OK;
}

int tsc_sc_classify(const tsc_sc_opt_t *o, const tsc_frag_t *f, bam1_t *const *b, tsc_sc_counts_t *c,
                    const char **cb, const char **ub)
{
    *cb = *ub = NULL;
    if (f->n_unit > 0) tsc_sc_tags(o, b[f->unit[0].r1], cb, ub);
    return tsc_sc_classify_tags(o, f, *cb, *ub, c);
}

int tsc_sc_runinfo(const tsc_sc_counts_t *c, tsc_hdr_t *h)
{
    if (tsc_hdr_set_info_int(h, "sc_total_fragments", c->total) < 0 ||
        tsc_hdr_set_info_int(h, "sc_paired", c->paired) < 0 ||
        tsc_hdr_set_info_int(h, "sc_single", c->single) < 0 ||
        tsc_hdr_set_info_int(h, "sc_unmapped", c->unmapped) < 0 ||
        tsc_hdr_set_info_int(h, "sc_loc_unique", c->loc_unique) < 0 ||
        tsc_hdr_set_info_int(h, "sc_loc_ambig", c->loc_ambig) < 0 ||
        tsc_hdr_set_info_int(h, "sc_noloc_unique", c->noloc_unique) < 0 ||
        tsc_hdr_set_info_int(h, "sc_noloc_ambig", c->noloc_ambig) < 0 ||
        tsc_hdr_set_info_int(h, "sc_missing_cb", c->no_cb) < 0 ||
        tsc_hdr_set_info_int(h, "sc_cb_not_listed", c->not_listed) < 0 ||
        tsc_hdr_set_info_int(h, "sc_missing_umi", c->no_umi) < 0)
        return -1;
    if (c->has_as && (tsc_hdr_set_info_int(h, "_min_as", c->as_min) < 0 || tsc_hdr_set_info_int(h, "_max_as", c->as_max) < 0))
        return -1;
    return 0;
}
