/* tsc_hits.c -- HITS stream records: varint-coded chunks (format in tsc_hits.h).
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <htslib/kstring.h>
#include "tsc_hits.h"

#define CHUNK (64 * 1024)

struct tsc_hitw_t {
    tsc_wstream_t *w;
    uint8_t *buf;
    size_t n, m;
    int64_t last_frag, count;
    int n_fld;                        /* per-fragment fields */
    char *fname[TSC_HIT_MAX_FLD];
    kstring_t fval[TSC_HIT_MAX_FLD];  /* values of the chunk's records, NUL-separated */
    int64_t nrec;                     /* records in the chunk */
    char **ptr;                       /* scratch for an HFLD section */
    size_t m_ptr;
};

struct tsc_hitr_t {
    tsc_rstream_t *r;
    tsc_sec_t sec;
    size_t pos;
    int have;            /* sec holds an HREC chunk being decoded */
    int64_t last_frag, count;
    int n_fld, n_got;                 /* fields declared; HFLD sections read for the next chunk */
    char *fname[TSC_HIT_MAX_FLD];
    char **fsec[TSC_HIT_MAX_FLD];     /* stolen HFLD sections: name, then one value per record */
    uint64_t fcount[TSC_HIT_MAX_FLD];
    uint64_t fi;                      /* record index within the chunk */
    char **wl;                        /* BCWL section */
    uint64_t n_wl;
};

char *const *tsc_hitr_whitelist(const tsc_hitr_t *hr, int64_t *n)
{
    *n = (int64_t)hr->n_wl;
    return hr->wl;
}

int tsc_hits_fields_info(tsc_hdr_t *h, int n, const char *const *names)
{
    kstring_t ks = { 0, 0, NULL };
    int ret;
    for (int i = 0; i < n; i++) {
        if (i) kputc(',', &ks);
        kputs(names[i], &ks);
    }
    ret = tsc_hdr_set_info(h, "_hit_fields", ks.s ? ks.s : "");
    free(ks.s);
    return ret;
}

int tsc_hitw_fields(tsc_hitw_t *hw, int n, const char *const *names)
{
    if (n < 0 || n > TSC_HIT_MAX_FLD || hw->count > 0) {
        tsc_log(TSC_LOG_ERROR, __func__, "internal error: bad HITS field declaration");
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (!(hw->fname[i] = strdup(names[i]))) { tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return -1; }
    hw->n_fld = n;
    return 0;
}

tsc_hitw_t *tsc_hitw_init(tsc_wstream_t *w)
{
    tsc_hitw_t *hw = calloc(1, sizeof(*hw));
    if (!hw) return NULL;
    hw->w = w;
    return hw;
}

static int hitw_flush(tsc_hitw_t *hw)
{
    int ret = 0;
    if (hw->n && hw->n_fld) {
        if (TSC_GROW(hw->ptr, hw->m_ptr, (size_t)hw->nrec + 1) < 0) { tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return -1; }
        for (int k = 0; k < hw->n_fld && ret == 0; k++) {
            char *p = hw->fval[k].s;
            hw->ptr[0] = hw->fname[k];
            for (int64_t i = 0; i < hw->nrec; i++) { hw->ptr[i + 1] = p; p += strlen(p) + 1; }
            ret = tsc_ws_section(hw->w, TSC_SEC_HFLD, TSC_T_STR, hw->ptr, (uint64_t)hw->nrec + 1);
            hw->fval[k].l = 0;
        }
    }
    if (hw->n && ret == 0) ret = tsc_ws_section(hw->w, TSC_SEC_HITS, TSC_T_U8, hw->buf, hw->n);
    hw->n = 0;
    hw->nrec = 0;
    return ret;
}

int tsc_hitw_add(tsc_hitw_t *hw, const tsc_hit_t *h)
{
    size_t need, nl = h->name ? strlen(h->name) : 0;
    int32_t i;
    if (h->frag < hw->last_frag || h->n_map < 0) {
        tsc_log(TSC_LOG_ERROR, __func__, "internal error: HITS records out of order");
        return -1;
    }
    need = hw->n + 30 + nl + 30 * (size_t)h->n_map;
    if (TSC_GROW(hw->buf, hw->m, need) < 0) { tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return -1; }
    tsc_put_uvar(hw->buf, &hw->n, (uint64_t)(h->frag - hw->last_frag));
    tsc_put_uvar(hw->buf, &hw->n, nl);
    memcpy(hw->buf + hw->n, h->name ? h->name : "", nl);
    hw->n += nl;
    tsc_put_uvar(hw->buf, &hw->n, (uint64_t)h->n_map);
    for (i = 0; i < h->n_map; i++) {
        tsc_put_uvar(hw->buf, &hw->n, (uint64_t)((int64_t)h->map[i].feat + 1));
        tsc_put_svar(hw->buf, &hw->n, h->map[i].as);
        tsc_put_uvar(hw->buf, &hw->n, (uint64_t)(uint32_t)h->map[i].alnlen);
    }
    for (int k = 0; k < hw->n_fld; k++) {
        const char *v = h->fld[k] ? h->fld[k] : "";
        if (kputsn(v, strlen(v) + 1, &hw->fval[k]) < 0) { tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return -1; }
    }
    hw->nrec++;
    hw->last_frag = h->frag;
    hw->count++;
    return hw->n >= CHUNK ? hitw_flush(hw) : 0;
}


int tsc_hitw_close(tsc_hitw_t *hw)
{
    int ret;
    if (!hw) return 0;
    ret = hitw_flush(hw);
    for (int k = 0; k < hw->n_fld; k++) { free(hw->fname[k]); free(hw->fval[k].s); }
    free(hw->ptr);
    free(hw->buf);
    free(hw);
    return ret;
}

tsc_hitr_t *tsc_hitr_init(tsc_rstream_t *r)
{
    tsc_hitr_t *hr = calloc(1, sizeof(*hr));
    const char *fl = tsc_hdr_get_info(tsc_rs_hdr(r), "_hit_fields");
    if (!hr) return NULL;
    hr->r = r;
    if (fl && *fl) {
        const char *p = fl;
        while (1) {
            const char *e = strchr(p, ',');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            if (hr->n_fld == TSC_HIT_MAX_FLD || l == 0) {
                tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: bad _hit_fields '%s'", tsc_rs_name(r), fl);
                tsc_hitr_destroy(hr);
                return NULL;
            }
            if (!(hr->fname[hr->n_fld] = strndup(p, l))) { tsc_hitr_destroy(hr); return NULL; }
            hr->n_fld++;
            if (!e) break;
            p = e + 1;
        }
    }
    return hr;
}

int tsc_hitr_field(const tsc_hitr_t *hr, const char *name)
{
    for (int k = 0; k < hr->n_fld; k++)
        if (strcmp(hr->fname[k], name) == 0) return k;
    return -1;
}

void tsc_hitr_destroy(tsc_hitr_t *hr)
{
    if (!hr) return;
    for (int k = 0; k < TSC_HIT_MAX_FLD; k++) { free(hr->fname[k]); free(hr->fsec[k]); }
    free(hr->wl);
    free(hr);
}

void tsc_hit_free(tsc_hit_t *h)
{
    if (!h) return;
    free(h->name);
    free(h->map);
    h->name = NULL;
    h->map = NULL;
    h->n_map = h->m_map = 0;
}

int tsc_hitr_next(tsc_hitr_t *hr, tsc_hit_t *h)
{
    const uint8_t *b;
    size_t len;
    uint64_t d, nl, nm, f, al;
    int64_t as, nfeat = tsc_rs_hdr(hr->r)->n_feat;
    uint64_t i;
    while (!hr->have || hr->pos >= hr->sec.count) {
        if (hr->have && hr->n_fld) { /* a chunk ends: its field sections must have held as many values */
            for (int k = 0; k < hr->n_fld; k++)
                if (hr->fcount[k] != hr->fi + 1) goto badfld;
            hr->n_got = 0;
        }
        int ret = tsc_rs_next(hr->r, &hr->sec);
        if (ret == 0 && hr->n_got) goto badfld;
        if (ret <= 0) return ret;
        if (hr->sec.tag == TSC_SEC_HFLD) {
            int k = hr->n_got;
            if (hr->sec.type != TSC_T_STR || k >= hr->n_fld || hr->sec.count < 1 ||
                strcmp(((char **)hr->sec.data)[0], hr->fname[k]) != 0)
                goto badfld;
            free(hr->fsec[k]);
            hr->fcount[k] = hr->sec.count;
            hr->fsec[k] = tsc_rs_steal(hr->r, &hr->sec);
            hr->n_got++;
            hr->have = 0;
            continue;
        }
        if (hr->sec.tag == TSC_SEC_BCWL && hr->sec.type == TSC_T_STR && !hr->wl) {
            hr->n_wl = hr->sec.count;
            hr->wl = tsc_rs_steal(hr->r, &hr->sec);
            hr->have = 0;
            continue;
        }
        hr->have = hr->sec.tag == TSC_SEC_HITS; /* other sections (RUNI) are not records */
        hr->pos = 0;
        hr->fi = 0;
        if (hr->have && hr->sec.type != TSC_T_U8) goto bad;
        if (hr->have && hr->n_got != hr->n_fld) goto badfld;
    }
    b = hr->sec.data;
    len = hr->sec.count;
    if (tsc_get_uvar(b, len, &hr->pos, &d) < 0 || d > (uint64_t)INT64_MAX - (uint64_t)hr->last_frag) goto bad;
    if (tsc_get_uvar(b, len, &hr->pos, &nl) < 0 || nl > len - hr->pos || memchr(b + hr->pos, 0, nl)) goto bad;
    {
        char *p = realloc(h->name, nl + 1);
        if (!p) goto nomem;
        h->name = p;
        memcpy(p, b + hr->pos, nl);
        p[nl] = 0;
        hr->pos += nl;
        if (nl == 0) { free(h->name); h->name = NULL; }
    }
    if (tsc_get_uvar(b, len, &hr->pos, &nm) < 0 || nm > (len - hr->pos) / 3 + 1 || nm > INT32_MAX) goto bad;
    if (nm > (uint64_t)h->m_map) {
        tsc_map_t *p = realloc(h->map, nm * sizeof(*p));
        if (!p) goto nomem;
        h->map = p;
        h->m_map = (int32_t)nm;
    }
    for (i = 0; i < nm; i++) {
        if (tsc_get_uvar(b, len, &hr->pos, &f) < 0 || tsc_get_svar(b, len, &hr->pos, &as) < 0 ||
            tsc_get_uvar(b, len, &hr->pos, &al) < 0)
            goto bad;
        if (f > (uint64_t)nfeat || as < INT32_MIN || as > INT32_MAX || al > INT32_MAX) {
            tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: HITS record %lld has a feature index or "
                    "score out of range", tsc_rs_name(hr->r), (long long)hr->count);
            return -1;
        }
        h->map[i].feat = (int32_t)f - 1;
        h->map[i].as = (int32_t)as;
        h->map[i].alnlen = (int32_t)al;
    }
    h->n_map = (int32_t)nm;
    h->n_fld = hr->n_fld;
    for (int k = 0; k < hr->n_fld; k++) {
        if (hr->fi + 1 >= hr->fcount[k]) goto badfld;
        char *v = hr->fsec[k][hr->fi + 1];
        h->fld[k] = *v ? v : NULL;
    }
    hr->fi++;
    hr->last_frag += (int64_t)d;
    h->frag = hr->last_frag;
    hr->count++;
    return 1;
bad:
    tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: bad HITS record %lld", tsc_rs_name(hr->r),
            (long long)hr->count);
    return -1;
badfld:
    tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: the HFLD sections (per-fragment fields) do not "
            "match the records near HITS record %lld", tsc_rs_name(hr->r), (long long)hr->count);
    return -1;
nomem:
    tsc_log(TSC_LOG_ERROR, __func__, "out of memory");
    return -1;
}
