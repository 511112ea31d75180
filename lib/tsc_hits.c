/* tsc_hits.c -- HITS stream records: varint-coded chunks (format in tsc_hits.h).
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include "tsc_hits.h"

#define CHUNK (64 * 1024)

struct tsc_hitw_t {
    tsc_wstream_t *w;
    uint8_t *buf;
    size_t n, m;
    int64_t last_frag;
};

struct tsc_hitr_t {
    tsc_rstream_t *r;
    tsc_sec_t sec;
    size_t pos;
    int have;            /* sec holds an HREC chunk being decoded */
    int64_t last_frag, count;
};

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
    if (hw->n) ret = tsc_ws_section(hw->w, TSC_SEC_HITS, TSC_T_U8, hw->buf, hw->n);
    hw->n = 0;
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
    hw->last_frag = h->frag;
    return hw->n >= CHUNK ? hitw_flush(hw) : 0;
}


int tsc_hitw_close(tsc_hitw_t *hw)
{
    int ret;
    if (!hw) return 0;
    ret = hitw_flush(hw);
    free(hw->buf);
    free(hw);
    return ret;
}

tsc_hitr_t *tsc_hitr_init(tsc_rstream_t *r)
{
    tsc_hitr_t *hr = calloc(1, sizeof(*hr));
    if (hr) hr->r = r;
    return hr;
}

void tsc_hitr_destroy(tsc_hitr_t *hr) { free(hr); }

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
        int ret = tsc_rs_next(hr->r, &hr->sec);
        if (ret <= 0) return ret;
        hr->have = hr->sec.tag == TSC_SEC_HITS; /* other sections (RUNI) are not records */
        hr->pos = 0;
        if (hr->have && hr->sec.type != TSC_T_U8) goto bad;
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
    hr->last_frag += (int64_t)d;
    h->frag = hr->last_frag;
    hr->count++;
    return 1;
bad:
    tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: bad HITS record %lld", tsc_rs_name(hr->r),
            (long long)hr->count);
    return -1;
nomem:
    tsc_log(TSC_LOG_ERROR, __func__, "out of memory");
    return -1;
}
