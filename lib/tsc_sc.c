/* tsc_sc.c -- barcode whitelists and the single-cell fragment filters (see tsc_sc.h).
 * Part of tsc (Telescope in C). MIT licence. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/khash.h>
#include <htslib/bgzf.h>
#include <htslib/kstring.h>
#include "tsc_aux.h"
#include "tsc_sc.h"

KHASH_MAP_INIT_STR(wl_s2i, int64_t)

/* The lookup table tsc-fetch asks once per fragment: open addressing on a 64-bit hash, the hash
 * compared before the bytes (khash compared strings through pointers at every probe) */
typedef struct { uint64_t hash; const char *key; uint32_t len; int64_t idx; } wl_slot_t;

struct tsc_wl_t {
    int64_t n;
    size_t m;
    char **bc;               /* barcodes, list order */
    khash_t(wl_s2i) *h;      /* barcode (and bare form of "X-N") -> index; keys owned here */
    wl_slot_t *slot;         /* the same for lookups, once the list is complete (keys: h's) */
    uint64_t mask;           /* slots - 1 (a power of two, at least twice the entries) */
};

/* a hash of the N bytes at S, 8 at a time (a barcode's length is known from the aux walk) */
static inline uint64_t wl_hash(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, x;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&x, s + i, 8);
        h = (h ^ x) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    for (x = 0; i < n; i++) x = x << 8 | (uint8_t)s[i];
    h = (h ^ x) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 29);
}

/* the N bytes at A and B are equal (inline: a call to memcmp cost as much as the lookup) */
static inline int wl_eq(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&x, a + i, 8); memcpy(&y, b + i, 8);
        if (x != y) return 0;
    }
    for (; i < n; i++) if (a[i] != b[i]) return 0;
    return 1;
}

static int64_t wl_find_n(const tsc_wl_t *w, const char *bc, size_t len);

/* build the lookup table from h (at the end of tsc_wl_read / tsc_wl_from); -1 on OOM */
static int wl_index(tsc_wl_t *w)
{
    uint64_t n = 4;
    while (n < 2 * (uint64_t)kh_size(w->h) + 2) n *= 2;
    if (!(w->slot = calloc(n, sizeof(wl_slot_t)))) return -1;
    w->mask = n - 1;
    for (khint_t k = kh_begin(w->h); k != kh_end(w->h); k++) {
        if (!kh_exist(w->h, k)) continue;
        uint32_t len = (uint32_t)strlen(kh_key(w->h, k));
        uint64_t hv = wl_hash(kh_key(w->h, k), len), i = hv & w->mask;
        while (w->slot[i].key) i = (i + 1) & w->mask;
        w->slot[i] = (wl_slot_t){ hv, kh_key(w->h, k), len, kh_val(w->h, k) };
    }
    return 0;
}

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
    free(w->slot);
    free(w);
}

int64_t tsc_wl_size(const tsc_wl_t *w) { return w ? w->n : 0; }
const char *tsc_wl_name(const tsc_wl_t *w, int64_t i) { return w->bc[i]; }
char *const *tsc_wl_names(const tsc_wl_t *w) { return w->bc; }

int64_t tsc_wl_find(const tsc_wl_t *w, const char *bc)
{
    return wl_find_n(w, bc, strlen(bc));
}

/* BC: LEN bytes followed by a NUL */
static int64_t wl_find_n(const tsc_wl_t *w, const char *bc, size_t len)
{
    khint_t k;
    if (!w || !w->h) return -1;
    if (w->slot) {
        uint64_t hv = wl_hash(bc, len);
        for (uint64_t i = hv & w->mask; w->slot[i].key; i = (i + 1) & w->mask)
            if (w->slot[i].hash == hv && w->slot[i].len == len && wl_eq(w->slot[i].key, bc, len)) return w->slot[i].idx;
        return -1;
    }
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
    if (wl_index(w) < 0) { tsc_wl_destroy(w); return NULL; }
    return w;
}

int tsc_sc_looks_like_barcode(const char *s)
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
    BGZF *fp = bgzf_open(path, "r"); /* plain or gzipped */
    tsc_wl_t *w = NULL;
    kstring_t ks = { 0, 0, NULL };
    int64_t line = 0;
    int r;
    if (!fp) { tsc_error("cannot open the whitelist %s: %s", path, strerror(errno)); return NULL; }
    if (!(w = wl_new())) goto nomem;
    while ((r = bgzf_getline(fp, '\n', &ks)) >= 0) {
        line++;
        if (memchr(ks.s, 0, ks.l)) {
            tsc_error("%s:%" PRId64 ": not a text line (a NUL byte): not a barcode list", path, line);
            goto fail;
        }
        char *s = ks.s, *e = strchr(s, '\t');
        if (e) *e = 0;
        while (*s && isspace((unsigned char)*s)) s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
        if (!*s) continue;
        if (line == 1 && !tsc_sc_looks_like_barcode(s)) continue; /* a header line */
        if (wl_add(w, s) < 0) goto nomem;
    }
    if (r < -1) { tsc_error("%s: read error after line %" PRId64, path, line); goto fail; }
    if (line == 0) {
        tsc_error("the whitelist %s is empty (give a file with one barcode per line, or no --whitelist "
                  "to keep every barcode)", path);
        goto fail;
    }
    if (wl_index(w) < 0) goto nomem;
    bgzf_close(fp);
    free(ks.s);
    return w;
nomem:
    tsc_error("out of memory");
fail:
    bgzf_close(fp);
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

/* Both tags in one pass over the aux fields (two bam_aux_get calls walked them twice, and this
 * ran for every fragment of the file): the first field of each tag decides, as bam_aux_get; a
 * tag that is not a string, or an empty one, is absent. A malformed field ends the walk. */
static void sc_tags(const tsc_sc_opt_t *o, bam1_t *b, const char **cb, size_t *cbl, const char **ub)
{
    const uint8_t *p = bam_get_aux(b), *end = b->data + b->l_data;
    int got_cb = 0, got_ub = 0;
    *cb = *ub = NULL;
    *cbl = 0;
    while (end - p >= 3 && !(got_cb && got_ub)) {
        const uint8_t *v = p + 3;
        int64_t n = tsc_aux_len(p[2], v, end);
        if (n < 0 || n > end - v) return;
        int str = (p[2] == 'Z' || p[2] == 'H') && v[0];
        if (!got_cb && p[0] == (uint8_t)o->btag[0] && p[1] == (uint8_t)o->btag[1]) {
            got_cb = 1;
            if (str) { *cb = (const char *)v; *cbl = (size_t)n - 1; }
        }
        if (!got_ub && p[0] == (uint8_t)o->utag[0] && p[1] == (uint8_t)o->utag[1]) {
            got_ub = 1;
            if (str) *ub = (const char *)v;
        }
        p = v + n;
    }
}

void tsc_sc_tags(const tsc_sc_opt_t *o, bam1_t *b, const char **cb, const char **ub)
{
    size_t cbl;
    sc_tags(o, b, cb, &cbl, ub);
}

/* CB: CBL bytes and a NUL */
static int sc_check(const tsc_sc_opt_t *o, const char *cb, size_t cbl, const char *ub)
{
    if (!cb) return TSC_SC_NO_CB;
    if (o->wl && tsc_wl_size(o->wl) > 0 && wl_find_n(o->wl, cb, cbl) < 0) return TSC_SC_NOT_LISTED;
    if (!ub && !o->ignore_umi) return TSC_SC_NO_UMI;
    return TSC_SC_OK;
}

int tsc_sc_check(const tsc_sc_opt_t *o, const char *cb, const char *ub)
{
    return sc_check(o, cb, cb ? strlen(cb) : 0, ub);
}

/* a PX fragment without a mapped unit crashes Stellarscope (as Telescope Q17): unmapped here */
static int frag_unmapped(const tsc_frag_t *f)
{
    return f->cls == TSC_FC_SU || f->cls == TSC_FC_PU || f->n_mapped == 0 || f->n_unit == 0;
}

static int sc_classify(const tsc_sc_opt_t *o, const tsc_frag_t *f, const char *cb, size_t cbl, const char *ub,
                       tsc_sc_counts_t *c)
{
    c->total++;
    if (f->cls == TSC_FC_PM || f->cls == TSC_FC_PU || f->cls == TSC_FC_PX) c->paired++;
    else c->single++;
    if (frag_unmapped(f)) {
        c->unmapped++;
        return TSC_SC_UNMAPPED;
    }
    int e = sc_check(o, cb, cbl, ub);
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

int tsc_sc_classify_tags(const tsc_sc_opt_t *o, const tsc_frag_t *f, const char *cb, const char *ub, tsc_sc_counts_t *c)
{
    return sc_classify(o, f, cb, cb ? strlen(cb) : 0, ub, c);
}

int tsc_sc_classify(const tsc_sc_opt_t *o, const tsc_frag_t *f, bam1_t *const *b, tsc_sc_counts_t *c,
                    const char **cb, const char **ub)
{
    size_t cbl = 0;
    *cb = *ub = NULL;
    /* the tags of unmapped fragments are never looked at (they are skipped first) */
    if (f->n_unit > 0 && !frag_unmapped(f)) sc_tags(o, b[f->unit[0].r1], cb, &cbl, ub);
    return sc_classify(o, f, *cb, cbl, *ub, c);
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
