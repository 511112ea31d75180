/* tsc_hittab.c -- a whole HITS stream in memory (see tsc_hittab.h).
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/kstring.h>
#include "tsc_hittab.h"

void tsc_hittab_destroy(tsc_hittab_t *t)
{
    if (!t) return;
    free(t->strs);
    for (int64_t i = 0; i < t->n_wl; i++) free(t->wl[i]);
    free(t->wl); free(t->frag); free(t->name); free(t->cb); free(t->ub); free(t->moff); free(t->map);
    tsc_hdr_destroy(t->hdr);
    free(t);
}

/* Strings go into one growing block; while it grows, a row's pointer holds 1 + the offset (0 =
 * NULL), made a real pointer once the block stops moving: three small allocations per row (name,
 * barcode, UMI) would cost more than the strings (about 100 bytes of heap overhead a row). */
static char *arena_add(kstring_t *a, const char *s)
{
    size_t off = a->l;
    if (!s) return NULL;
    if (kputsn(s, strlen(s) + 1, a) < 0) return (char *)-1;
    return (char *)(uintptr_t)(off + 1);
}

static void arena_fix(char **p, int64_t n, char *base)
{
    for (int64_t i = 0; i < n; i++) if (p[i]) p[i] = base + ((uintptr_t)p[i] - 1);
}

tsc_hittab_t *tsc_hittab_read(const char *path, int any_fields)
{
    tsc_rstream_t *r = tsc_rs_open(path, TSC_KIND_MASK(TSC_KIND_HITS));
    tsc_hitr_t *hr = NULL;
    tsc_hittab_t *t = NULL;
    tsc_hit_t h;
    int ret, kcb = -1, kub = -1;
    kstring_t arena = { 0, 0, NULL };
    memset(&h, 0, sizeof(h));
    if (!r) return NULL;
    if (!(hr = tsc_hitr_init(r)) || !(t = calloc(1, sizeof(*t)))) goto nomem;
    kcb = tsc_hitr_field(hr, "CB");
    kub = tsc_hitr_field(hr, "UB");
    if (!any_fields && (kcb < 0 || kub < 0)) {
        tsc_error("%s: the HITS stream has no cell barcodes and UMIs: make it with tsc-fetch in single-cell "
                  "mode (--sc, --whitelist, --barcode-tag ...)", tsc_rs_name(r));
        goto fail;
    }
    size_t m = 0, mm = 0;
    if (!(t->moff = malloc(sizeof(int64_t)))) goto nomem;
    t->moff[0] = 0;
    while ((ret = tsc_hitr_next(hr, &h)) == 1) {
        if ((size_t)t->n + 1 > m) {
            size_t nm = m < 1024 ? 1024 : m + m / 2;
            void *p;
            if (!(p = realloc(t->frag, nm * sizeof(int64_t)))) goto nomem;
            t->frag = p;
            if (!(p = realloc(t->name, nm * sizeof(char *)))) goto nomem;
            t->name = p;
            if (!(p = realloc(t->cb, nm * sizeof(char *)))) goto nomem;
            t->cb = p;
            if (!(p = realloc(t->ub, nm * sizeof(char *)))) goto nomem;
            t->ub = p;
            if (!(p = realloc(t->moff, (nm + 1) * sizeof(int64_t)))) goto nomem;
            t->moff = p;
            m = nm;
        }
        if (TSC_GROW(t->map, mm, (size_t)(t->n_map + h.n_map)) < 0) goto nomem;
        int64_t i = t->n;
        t->frag[i] = h.frag;
        t->name[i] = arena_add(&arena, h.name);
        t->cb[i] = kcb >= 0 ? arena_add(&arena, h.fld[kcb]) : NULL;
        t->ub[i] = kub >= 0 ? arena_add(&arena, h.fld[kub]) : NULL;
        t->n++;
        if (t->name[i] == (char *)-1 || t->cb[i] == (char *)-1 || t->ub[i] == (char *)-1) {
            t->name[i] = t->cb[i] = t->ub[i] = NULL;
            goto nomem;
        }
        if (h.n_map) memcpy(t->map + t->n_map, h.map, (size_t)h.n_map * sizeof(tsc_map_t));
        t->n_map += h.n_map;
        t->moff[t->n] = t->n_map;
    }
    if (ret < 0) goto fail;
    t->strs = arena.s;
    arena.s = NULL;
    arena_fix(t->name, t->n, t->strs);
    arena_fix(t->cb, t->n, t->strs);
    arena_fix(t->ub, t->n, t->strs);
    {
        int64_t nw;
        char *const *wl = tsc_hitr_whitelist(hr, &nw);
        if (nw > 0) {
            if (!(t->wl = calloc((size_t)nw, sizeof(char *)))) goto nomem;
            t->n_wl = nw;
            for (int64_t i = 0; i < nw; i++) if (!(t->wl[i] = strdup(wl[i]))) goto nomem;
        }
    }
    if (!(t->hdr = tsc_hdr_dup(tsc_rs_hdr(r)))) goto nomem;
    tsc_hit_free(&h);
    tsc_hitr_destroy(hr);
    tsc_rs_close(r);
    return t;
nomem:
    tsc_error("out of memory");
fail:
    if (t && !t->strs) { /* the pointers are still offsets */
        for (int64_t i = 0; i < t->n; i++) t->name[i] = t->cb[i] = t->ub[i] = NULL;
    }
    free(arena.s);
    tsc_hit_free(&h);
    tsc_hitr_destroy(hr);
    tsc_rs_close(r);
    tsc_hittab_destroy(t);
    return NULL;
}

int tsc_hittab_write(const tsc_hittab_t *t, const char *path, const tsc_hdr_t *h, const uint8_t *keep)
{
    tsc_wstream_t *w = tsc_ws_open(path, h);
    tsc_hitw_t *hw = NULL;
    static const char *const fl[2] = { "CB", "UB" };
    int nf = tsc_hdr_get_info(h, "_hit_fields") ? 2 : 0;
    if (!w) return -1;
    if (!(hw = tsc_hitw_init(w))) { tsc_error("out of memory"); goto fail; }
    if (tsc_hitw_fields(hw, nf, fl) < 0) goto fail;
    if (t->n_wl > 0 && tsc_ws_section(w, TSC_SEC_BCWL, TSC_T_STR, t->wl, (uint64_t)t->n_wl) < 0) goto fail;
    for (int64_t i = 0; i < t->n; i++) {
        tsc_hit_t x;
        memset(&x, 0, sizeof(x));
        x.frag = t->frag[i];
        x.name = t->name[i];
        x.n_map = x.m_map = keep && !keep[i] ? 0 : (int32_t)(t->moff[i + 1] - t->moff[i]);
        x.map = t->map + t->moff[i];
        x.n_fld = nf;
        x.fld[0] = t->cb[i];
        x.fld[1] = t->ub[i];
        if (tsc_hitw_add(hw, &x) < 0) goto fail;
    }
    int e = tsc_hitw_close(hw);
    hw = NULL;
    if (e < 0 || tsc_ws_runinfo(w, h) < 0) goto fail;
    return tsc_ws_close(w);
fail:
    if (hw) (void)!tsc_hitw_close(hw);
    tsc_ws_abort(w);
    return -1;
}
