/* tsc_stream.c -- the tsc binary stream format: header, sections, trailer (man/tsc-format.5).
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#ifdef TSC_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif
#include <htslib/hts_endian.h>
#include "tsc_stream.h"

/* The CRC-32 of a stream's bulk data: libdeflate's (the same CRC-32 as zlib's, several times as
 * fast on processors with carry-less multiply) where tsc was built with it */
static inline uLong crc_bulk(uLong crc, const void *p, size_t n)
{
#ifdef TSC_HAVE_LIBDEFLATE
    return libdeflate_crc32((uint32_t)crc, p, n);
#else
    return crc32(crc, p, (uInt)n);
#endif
}

static const char MAGIC[4] = { 'T', 'S', 'C', 1 };
static const char END_MARK[4] = { 'T', 'S', 'C', 'E' };
#define WBUF_SIZE (1 << 20)
#define RCHUNK (64u << 20) /* a section is read in pieces of at most this: a corrupt length
                            * fails at the truncation, not at a huge allocation */

/* ======================================================================== header */

tsc_hdr_t *tsc_hdr_init(int kind)
{
    tsc_hdr_t *h = calloc(1, sizeof(*h));
    if (h) h->kind = kind;
    return h;
}

void tsc_hdr_clear_features(tsc_hdr_t *h)
{
    int32_t i;
    for (i = 0; i < h->n_feat; i++) free(h->feat[i]);
    h->n_feat = 0;
}

void tsc_hdr_destroy(tsc_hdr_t *h)
{
    int32_t i;
    if (!h) return;
    tsc_hdr_clear_features(h);
    free(h->feat);
    free(h->flen);
    for (i = 0; i < h->n_info; i++) { free(h->info[i].key); free(h->info[i].val); }
    free(h->info);
    for (i = 0; i < h->n_prov; i++) { free(h->prov[i].prog); free(h->prov[i].version); free(h->prov[i].cmdline); }
    free(h->prov);
    free(h);
}

static int grow32(void **a, int32_t *m, int32_t n, size_t sz)
{
    size_t mm = *m;
    if (n >= INT32_MAX) return -1;
    if (tsc_grow(a, &mm, (size_t)n, sz) < 0) return -1;
    *m = mm > INT32_MAX ? INT32_MAX : (int32_t)mm;
    return 0;
}

int tsc_hdr_add_feature(tsc_hdr_t *h, const char *name, int64_t len)
{
    char *s;
    int32_t old_m = h->m_feat;
    if (grow32((void **)&h->feat, &h->m_feat, h->n_feat + 1, sizeof(char *)) < 0) return -1;
    if (h->m_feat != old_m || !h->flen) { /* flen keeps the capacity of feat */
        int64_t *p = realloc(h->flen, (size_t)h->m_feat * sizeof(int64_t));
        if (!p) { h->m_feat = old_m; return -1; }
        h->flen = p;
    }
    if (!(s = strdup(name))) return -1;
    h->feat[h->n_feat] = s;
    h->flen[h->n_feat++] = len;
    return 0;
}

int tsc_hdr_set_info(tsc_hdr_t *h, const char *key, const char *val)
{
    int32_t i;
    char *v, *k;
    for (i = 0; i < h->n_info; i++)
        if (strcmp(h->info[i].key, key) == 0) {
            if (!(v = strdup(val))) return -1;
            free(h->info[i].val);
            h->info[i].val = v;
            return 0;
        }
    if (grow32((void **)&h->info, &h->m_info, h->n_info + 1, sizeof(tsc_kv_t)) < 0) return -1;
    k = strdup(key);
    v = strdup(val);
    if (!k || !v) { free(k); free(v); return -1; }
    h->info[h->n_info].key = k;
    h->info[h->n_info++].val = v;
    return 0;
}

int tsc_hdr_set_info_int(tsc_hdr_t *h, const char *key, int64_t val)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)val);
    return tsc_hdr_set_info(h, key, buf);
}

const char *tsc_hdr_get_info(const tsc_hdr_t *h, const char *key)
{
    int32_t i;
    for (i = 0; i < h->n_info; i++)
        if (strcmp(h->info[i].key, key) == 0) return h->info[i].val;
    return NULL;
}

int tsc_hdr_get_info_int(const tsc_hdr_t *h, const char *key, int64_t *out)
{
    const char *v = tsc_hdr_get_info(h, key);
    return v ? tsc_parse_int64(v, INT64_MIN, INT64_MAX, out) : -1;
}

int tsc_hdr_add_prov(tsc_hdr_t *h, const char *prog, const char *version, const char *cmdline)
{
    tsc_prov_t *p;
    if (grow32((void **)&h->prov, &h->m_prov, h->n_prov + 1, sizeof(tsc_prov_t)) < 0) return -1;
    p = &h->prov[h->n_prov];
    p->prog = strdup(prog ? prog : "");
    p->version = strdup(version ? version : "");
    p->cmdline = strdup(cmdline ? cmdline : "");
    if (!p->prog || !p->version || !p->cmdline) {
        free(p->prog); free(p->version); free(p->cmdline);
        return -1;
    }
    h->n_prov++;
    return 0;
}

tsc_hdr_t *tsc_hdr_dup(const tsc_hdr_t *h)
{
    tsc_hdr_t *d = tsc_hdr_init(h->kind);
    int32_t i;
    if (!d) return NULL;
    for (i = 0; i < h->n_feat; i++)
        if (tsc_hdr_add_feature(d, h->feat[i], h->flen[i]) < 0) goto fail;
    for (i = 0; i < h->n_info; i++)
        if (tsc_hdr_set_info(d, h->info[i].key, h->info[i].val) < 0) goto fail;
    for (i = 0; i < h->n_prov; i++)
        if (tsc_hdr_add_prov(d, h->prov[i].prog, h->prov[i].version, h->prov[i].cmdline) < 0) goto fail;
    return d;
fail:
    tsc_hdr_destroy(d);
    return NULL;
}

const char *tsc_kind_name(int kind)
{
    switch (kind) {
    case TSC_KIND_HITS: return "HITS";
    case TSC_KIND_MATRIX: return "MATRIX";
    case TSC_KIND_BLOCKS: return "BLOCKS";
    case TSC_KIND_FIT: return "FIT";
    default: return "?";
    }
}

char *tsc_tag_str(uint32_t tag, char *buf)
{
    int i;
    for (i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)(tag >> (8 * i));
        buf[i] = c >= 32 && c < 127 ? (char)c : '?';
    }
    buf[4] = 0;
    return buf;
}

/* a section tag is four printable ASCII characters (the text form prints it as such) */
static int tag_ok(uint32_t tag)
{
    int i;
    for (i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)(tag >> (8 * i));
        if (c < 32 || c > 126) return 0;
    }
    return 1;
}

static int type_size(int type)
{
    switch (type) {
    case TSC_T_U8: return 1;
    case TSC_T_I32: case TSC_T_U32: return 4;
    case TSC_T_I64: case TSC_T_F64: return 8;
    case TSC_T_STR: return 0;
    default: return -1;
    }
}

/* ======================================================================== writer */

/* The format version of a stream with header H: 2 only where the stream uses what version 2
 * added (per-fragment HITS fields, run info _hit_fields), so that every other stream stays
 * byte-identical to what version-1 builds wrote and read. Readers hold streams to it too. */
static uint32_t hdr_version(const tsc_hdr_t *h)
{
    return h->kind == TSC_KIND_HITS && tsc_hdr_get_info(h, "_hit_fields") ? TSC_STREAM_VERSION : 1;
}

struct tsc_wstream_t {
    FILE *fp;
    char *name;
    int own;             /* close fp at the end */
    int err;             /* a write failed */
    uLong crc;
    uint64_t nbytes, nsec;
    uint8_t *buf;
    size_t nbuf;
};

static void ws_flush(tsc_wstream_t *w)
{
    if (w->nbuf && !w->err) {
        w->crc = crc_bulk(w->crc, w->buf, w->nbuf);
        if (fwrite(w->buf, 1, w->nbuf, w->fp) != w->nbuf) {
            if (!w->err) tsc_log(TSC_LOG_ERROR, __func__, "%s: write failed: %s", w->name, strerror(errno));
            w->err = 1;
        }
    }
    w->nbuf = 0;
}

static void ws_put(tsc_wstream_t *w, const void *p, size_t n)
{
    const uint8_t *s = p;
    w->nbytes += n;
    while (n) {
        size_t k = WBUF_SIZE - w->nbuf;
        if (k > n) k = n;
        memcpy(w->buf + w->nbuf, s, k);
        w->nbuf += k; s += k; n -= k;
        if (w->nbuf == WBUF_SIZE) ws_flush(w);
    }
}

static void ws_u32(tsc_wstream_t *w, uint32_t v) { uint8_t b[4]; u32_to_le(v, b); ws_put(w, b, 4); }
static void ws_u64(tsc_wstream_t *w, uint64_t v) { uint8_t b[8]; u64_to_le(v, b); ws_put(w, b, 8); }
static void ws_str(tsc_wstream_t *w, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    ws_u32(w, (uint32_t)n);
    ws_put(w, s, n);
}

tsc_wstream_t *tsc_ws_fdopen(FILE *fp, const char *name, const tsc_hdr_t *h)
{
    tsc_wstream_t *w = calloc(1, sizeof(*w));
    int32_t i;
    if (!w || !(w->buf = malloc(WBUF_SIZE)) || !(w->name = strdup(name ? name : "-"))) {
        if (w) { free(w->buf); free(w); }
        tsc_log(TSC_LOG_ERROR, __func__, "out of memory");
        return NULL;
    }
    w->fp = fp;
    w->crc = crc32(0L, Z_NULL, 0);
    ws_put(w, MAGIC, 4);
    ws_u32(w, hdr_version(h));
    ws_u32(w, (uint32_t)h->kind);
    ws_u32(w, 0);
    /* header size: computed by a dry count */
    {
        uint64_t n = 12;
        for (i = 0; i < h->n_feat; i++) n += 4 + strlen(h->feat[i]) + 8;
        for (i = 0; i < h->n_info; i++) n += 8 + strlen(h->info[i].key) + strlen(h->info[i].val);
        for (i = 0; i < h->n_prov; i++)
            n += 12 + strlen(h->prov[i].prog) + strlen(h->prov[i].version) + strlen(h->prov[i].cmdline);
        ws_u64(w, n);
    }
    ws_u32(w, (uint32_t)h->n_feat);
    for (i = 0; i < h->n_feat; i++) { ws_str(w, h->feat[i]); ws_u64(w, (uint64_t)h->flen[i]); }
    ws_u32(w, (uint32_t)h->n_info);
    for (i = 0; i < h->n_info; i++) { ws_str(w, h->info[i].key); ws_str(w, h->info[i].val); }
    ws_u32(w, (uint32_t)h->n_prov);
    for (i = 0; i < h->n_prov; i++) {
        ws_str(w, h->prov[i].prog); ws_str(w, h->prov[i].version); ws_str(w, h->prov[i].cmdline);
    }
    return w;
}

tsc_wstream_t *tsc_ws_open(const char *path, const tsc_hdr_t *h)
{
    FILE *fp;
    tsc_wstream_t *w;
    if (!path || strcmp(path, "-") == 0) return tsc_ws_fdopen(stdout, "stdout", h);
    if (!(fp = fopen(path, "wb"))) {
        tsc_log(TSC_LOG_ERROR, __func__, "cannot write %s: %s", path, strerror(errno));
        return NULL;
    }
    if (!(w = tsc_ws_fdopen(fp, path, h))) { fclose(fp); return NULL; }
    w->own = 1;
    return w;
}

int tsc_ws_section(tsc_wstream_t *w, uint32_t tag, int type, const void *data, uint64_t count)
{
    int sz = type_size(type);
    uint64_t nbytes, i;
    if (sz < 0 || tag == TSC_TAG_END || !tag_ok(tag)) {
        tsc_log(TSC_LOG_ERROR, __func__, "internal error: bad section type %d or tag", type);
        return -1;
    }
    if (type == TSC_T_STR) {
        char *const *s = data;
        nbytes = 4 * count;
        for (i = 0; i < count; i++) nbytes += strlen(s[i]);
    } else nbytes = count * (uint64_t)sz;
    ws_u32(w, tag);
    ws_u32(w, (uint32_t)type);
    ws_u64(w, count);
    ws_u64(w, nbytes);
    if (type == TSC_T_STR) {
        char *const *s = data;
        for (i = 0; i < count; i++) ws_str(w, s[i]);
    } else if (sz == 1) {
        ws_put(w, data, count);
    } else {
#if defined(HTS_LITTLE_ENDIAN)
        ws_put(w, data, nbytes);
#else
        for (i = 0; i < count; i++) {
            if (sz == 4) ws_u32(w, ((const uint32_t *)data)[i]);
            else ws_u64(w, ((const uint64_t *)data)[i]);
        }
#endif
    }
    w->nsec++;
    return w->err ? -1 : 0;
}

int tsc_ws_runinfo(tsc_wstream_t *w, const tsc_hdr_t *h)
{
    char **s = malloc((size_t)(2 * h->n_info + 1) * sizeof(char *));
    int32_t i;
    int ret;
    if (!s) return -1;
    for (i = 0; i < h->n_info; i++) { s[2 * i] = h->info[i].key; s[2 * i + 1] = h->info[i].val; }
    ret = tsc_ws_section(w, TSC_TAG_RUNINFO, TSC_T_STR, s, 2 * (uint64_t)h->n_info);
    free(s);
    return ret;
}

int tsc_ws_close(tsc_wstream_t *w)
{
    int ret;
    uint8_t b[28];
    uint32_t crc;
    if (!w) return -1;
    u32_to_le(TSC_TAG_END, b);
    u32_to_le(0, b + 4);
    u64_to_le(w->nsec, b + 8);
    u64_to_le(w->nbytes, b + 16);
    ws_put(w, b, 24);
    ws_flush(w); /* the CRC covers every byte before the CRC field itself */
    crc = (uint32_t)w->crc;
    u32_to_le(crc, b);
    ws_put(w, b, 4);
    ws_put(w, END_MARK, 4);
    ws_flush(w);
    if (fflush(w->fp) != 0 && !w->err) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: write failed: %s", w->name, strerror(errno));
        w->err = 1;
    }
    if (w->own && fclose(w->fp) != 0 && !w->err) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: write failed: %s", w->name, strerror(errno));
        w->err = 1;
    }
    ret = w->err ? -1 : 0;
    free(w->buf);
    free(w->name);
    free(w);
    return ret;
}

void tsc_ws_abort(tsc_wstream_t *w)
{
    if (!w) return;
    ws_flush(w);
    fflush(w->fp);
    if (w->own) fclose(w->fp);
    free(w->buf);
    free(w->name);
    free(w);
}

/* ======================================================================== reader */

struct tsc_rstream_t {
    FILE *fp;
    char *name;
    int own;
    int kind;
    uint32_t version;
    tsc_hdr_t *hdr;
    uLong crc;
    uint64_t nbytes, nsec;
    void *data;          /* payload of the current section */
    int done;
};

static const char *producer(int kind)
{
    switch (kind) {
    case TSC_KIND_HITS: return "tsc-fetch";
    case TSC_KIND_MATRIX: return "tsc-matrix";
    case TSC_KIND_BLOCKS: return "tsc-blocks";
    case TSC_KIND_FIT: return "tsc-em";
    default: return "?";
    }
}

/* read exactly N bytes into P, updating crc; -1 on short read (logged) */
static int rs_read(tsc_rstream_t *r, void *p, size_t n, const char *what)
{
    size_t got = n ? fread(p, 1, n, r->fp) : 0;
    if (got != n) {
        if (ferror(r->fp))
            tsc_log(TSC_LOG_ERROR, __func__, "%s: read error in %s: %s", r->name, what, strerror(errno));
        else
            tsc_log(TSC_LOG_ERROR, __func__, "%s: truncated stream (in %s at byte %llu): the stage that "
                    "wrote it failed or the file was cut short", r->name, what,
                    (unsigned long long)(r->nbytes + got));
        return -1;
    }
    r->crc = crc_bulk(r->crc, p, n);
    r->nbytes += n;
    return 0;
}

static int rs_u32(tsc_rstream_t *r, uint32_t *v, const char *what)
{
    uint8_t b[4];
    if (rs_read(r, b, 4, what) < 0) return -1;
    *v = le_to_u32(b);
    return 0;
}

static int rs_u64(tsc_rstream_t *r, uint64_t *v, const char *what)
{
    uint8_t b[8];
    if (rs_read(r, b, 8, what) < 0) return -1;
    *v = le_to_u64(b);
    return 0;
}

/* a length-prefixed string, bounded by *LEFT bytes of the enclosing header */
static char *rs_str(tsc_rstream_t *r, uint64_t *left, const char *what)
{
    uint32_t n;
    char *s;
    if (*left < 4) goto bad;
    if (rs_u32(r, &n, what) < 0) return NULL;
    *left -= 4;
    if (n > TSC_MAX_STR || n > *left) goto bad;
    if (!(s = malloc((size_t)n + 1))) { tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return NULL; }
    if (rs_read(r, s, n, what) < 0) { free(s); return NULL; }
    s[n] = 0;
    *left -= n;
    if (memchr(s, 0, n)) { /* no writer makes one: the string would be cut short silently */
        free(s);
        tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: NUL byte in a string in %s", r->name, what);
        return NULL;
    }
    return s;
bad:
    tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: bad string length in %s", r->name, what);
    return NULL;
}

static int rs_header(tsc_rstream_t *r)
{
    uint64_t left;
    uint32_t n, i;
    tsc_hdr_t *h = r->hdr;
    if (rs_u64(r, &left, "header") < 0) return -1;
    if (left > (1ull << 36)) goto bad;
#define NEED(k) do { if (left < (k)) goto bad; left -= (k); } while (0)
    NEED(4);
    if (rs_u32(r, &n, "header") < 0) return -1;
    if (n > left / 12) goto bad;
    for (i = 0; i < n; i++) {
        char *s = rs_str(r, &left, "feature table");
        uint64_t len;
        if (!s) return -1;
        if (left < 8) { free(s); goto bad; }
        left -= 8;
        if (rs_u64(r, &len, "feature table") < 0 || tsc_hdr_add_feature(h, s, (int64_t)len) < 0) { free(s); return -1; }
        free(s);
    }
    NEED(4);
    if (rs_u32(r, &n, "header") < 0) return -1;
    if (n > left / 8) goto bad;
    for (i = 0; i < n; i++) {
        char *k = rs_str(r, &left, "run info"), *v = k ? rs_str(r, &left, "run info") : NULL;
        int ret = v ? tsc_hdr_set_info(h, k, v) : -1;
        if (ret == 0 && h->n_info != (int32_t)i + 1) { /* a key seen before: it would be lost */
            tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: run info key '%s' repeated in the header",
                    r->name, k);
            ret = -1;
        }
        free(k); free(v);
        if (ret < 0) return -1;
    }
    NEED(4);
    if (rs_u32(r, &n, "header") < 0) return -1;
    if (n > left / 12) goto bad;
    for (i = 0; i < n; i++) {
        char *a = rs_str(r, &left, "provenance"), *b = a ? rs_str(r, &left, "provenance") : NULL;
        char *c = b ? rs_str(r, &left, "provenance") : NULL;
        int ret = c ? tsc_hdr_add_prov(h, a, b, c) : -1;
        free(a); free(b); free(c);
        if (ret < 0) return -1;
    }
    if (left != 0) goto bad;
#undef NEED
    return 0;
bad:
    tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: inconsistent header", r->name);
    return -1;
}

static int check_kind(tsc_rstream_t *r, unsigned kinds)
{
    int k = r->kind, want = 0, i;
    char list[64] = "";
    if (!kinds || (kinds & TSC_KIND_MASK(k))) return 0;
    for (i = TSC_KIND_FIT; i >= TSC_KIND_HITS; i--)
        if ((kinds & TSC_KIND_MASK(i)) && i > k) want = i; /* the earliest accepted kind after k */
    for (i = TSC_KIND_HITS; i <= TSC_KIND_FIT; i++)
        if (kinds & TSC_KIND_MASK(i)) {
            if (*list) strcat(list, " or ");
            strcat(list, tsc_kind_name(i));
        }
    if (k >= TSC_KIND_HITS && want > k)
        tsc_log(TSC_LOG_ERROR, __func__, "%s: input is a %s stream; pipe it through %s first",
                r->name, tsc_kind_name(k), k == TSC_KIND_MATRIX && want == TSC_KIND_FIT ? "tsc-em" : producer(k + 1));
    else
        tsc_log(TSC_LOG_ERROR, __func__, "%s: input is a %s stream, but this tool reads %s streams",
                r->name, tsc_kind_name(k), list);
    return -1;
}

static tsc_rstream_t *rs_start(FILE *fp, const char *path, const char *name, unsigned kinds);

tsc_rstream_t *tsc_rs_open(const char *path, unsigned kinds)
{
    if (!path || strcmp(path, "-") == 0) return rs_start(stdin, NULL, "stdin", kinds);
    return rs_start(NULL, path, path, kinds);
}

tsc_rstream_t *tsc_rs_fdopen(FILE *fp, const char *name, unsigned kinds)
{
    return rs_start(fp, NULL, name ? name : "input", kinds);
}

/* FP already open (not closed by tsc_rs_close), or PATH to open */
static tsc_rstream_t *rs_start(FILE *fp, const char *path, const char *name, unsigned kinds)
{
    tsc_rstream_t *r = calloc(1, sizeof(*r));
    uint8_t b[16];
    size_t got;
    if (!r) { tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return NULL; }
    r->crc = crc32(0L, Z_NULL, 0);
    r->fp = fp;
    r->name = strdup(name);
    if (!fp) {
        r->fp = fopen(path, "rb");
        r->own = 1;
        if (!r->fp) {
            tsc_log(TSC_LOG_ERROR, __func__, "cannot open %s: %s", path, strerror(errno));
            goto fail;
        }
    }
    if (!r->name) goto fail;
    got = fread(b, 1, 16, r->fp);
    if (got < 16 && ferror(r->fp)) { /* e.g. a directory: EISDIR, not an empty input */
        tsc_log(TSC_LOG_ERROR, __func__, "cannot read %s: %s", r->name, strerror(errno));
        goto fail;
    }
    if (got == 0) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: empty input: the stage that should have written it "
                "produced nothing (did it fail?)", r->name);
        goto fail;
    }
    if (got < 4 || memcmp(b, MAGIC, 4) != 0) {
        const char *what = "";
        if (got >= 2 && b[0] == 0x1f && b[1] == 0x8b) what = " (it looks like a gzip/BAM file)";
        else if (got >= 4 && memcmp(b, "#tsc", 4) == 0) what = " (it is tsc-view text: turn it into a stream with 'tsc-view -b')";
        tsc_log(TSC_LOG_ERROR, __func__, "%s: not a tsc stream%s", r->name, what);
        goto fail;
    }
    if (got < 16) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: truncated stream (in the stream header)", r->name);
        goto fail;
    }
    r->crc = crc32(r->crc, b, 16);
    r->nbytes = 16;
    r->version = le_to_u32(b + 4);
    r->kind = (int)le_to_u32(b + 8);
    if (r->version < TSC_STREAM_VERSION_MIN || r->version > TSC_STREAM_VERSION) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: stream format version %u, this build of tsc reads %d-%d; "
                "regenerate the stream with this version of tsc (or use the tsc that wrote it)",
                r->name, r->version, TSC_STREAM_VERSION_MIN, TSC_STREAM_VERSION);
        goto fail;
    }
    if (r->kind < TSC_KIND_HITS || r->kind > TSC_KIND_FIT) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: unknown stream kind %d", r->name, r->kind);
        goto fail;
    }
    if (le_to_u32(b + 12) != 0) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: unknown flags", r->name);
        goto fail;
    }
    if (check_kind(r, kinds) < 0) goto fail;
    if (!(r->hdr = tsc_hdr_init(r->kind))) goto fail;
    if (rs_header(r) < 0) goto fail;
    if (r->version != hdr_version(r->hdr)) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: format version %u, but its header says %u "
                "(version 2 is for HITS streams with per-fragment fields, run info _hit_fields)",
                r->name, r->version, hdr_version(r->hdr));
        goto fail;
    }
    return r;
fail:
    tsc_rs_close(r);
    return NULL;
}

tsc_hdr_t *tsc_rs_hdr(tsc_rstream_t *r) { return r->hdr; }
int tsc_rs_kind(const tsc_rstream_t *r) { return r->kind; }
const char *tsc_rs_name(const tsc_rstream_t *r) { return r->name; }

static int rs_trailer(tsc_rstream_t *r, uint32_t type, uint64_t nsec, uint64_t nbytes)
{
    uint32_t crc_want = (uint32_t)r->crc;
    uint64_t at = r->nbytes - 24;
    uint8_t b[8];
    int c;
    if (rs_read(r, b, 8, "trailer") < 0) return -1;
    if (type != 0 || nsec != r->nsec || nbytes != at) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: the trailer's counts do not match "
                "(%llu sections, %llu bytes read)", r->name, (unsigned long long)r->nsec, (unsigned long long)at);
        return -1;
    }
    if (le_to_u32(b) != crc_want) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: CRC32 mismatch", r->name);
        return -1;
    }
    if (memcmp(b + 4, END_MARK, 4) != 0) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: bad end marker", r->name);
        return -1;
    }
    if ((c = getc(r->fp)) != EOF) {
        ungetc(c, r->fp);
        tsc_log(TSC_LOG_ERROR, __func__, "%s: unexpected data after the end of the stream", r->name);
        return -1;
    }
    r->done = 1;
    return 0;
}

static int apply_runinfo(tsc_rstream_t *r, const tsc_sec_t *s)
{
    char **kv = s->data;
    uint64_t i;
    if (s->type != TSC_T_STR || s->count % 2) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: bad RUNI section", r->name);
        return -1;
    }
    for (i = 0; i < s->count; i += 2)
        if (tsc_hdr_set_info(r->hdr, kv[i], kv[i + 1]) < 0) return -1;
    return 0;
}

int tsc_rs_next(tsc_rstream_t *r, tsc_sec_t *s)
{
    uint32_t tag, type;
    uint64_t count, nbytes, got = 0;
    int sz;
    char tb[5];
    uint8_t *buf = NULL;
    if (r->done) return 0;
    free(r->data);
    r->data = NULL;
    if (rs_u32(r, &tag, "section header") < 0 || rs_u32(r, &type, "section header") < 0 ||
        rs_u64(r, &count, "section header") < 0 || rs_u64(r, &nbytes, "section header") < 0)
        return -1;
    if (tag == TSC_TAG_END) return rs_trailer(r, type, count, nbytes);
    sz = type_size((int)type);
    if (!tag_ok(tag)) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: bad section tag 0x%08x", r->name, tag);
        return -1;
    }
    if (sz < 0 || nbytes > TSC_MAX_SECTION_BYTES || (sz > 0 && (count > nbytes || count * (uint64_t)sz != nbytes)) ||
        (sz == 0 && count > nbytes / 4)) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: section '%s' has an impossible type or "
                "length (type %u, %llu elements, %llu bytes)", r->name, tsc_tag_str(tag, tb), type,
                (unsigned long long)count, (unsigned long long)nbytes);
        return -1;
    }
    /* read in bounded pieces so a corrupt length fails at the truncation */
    while (got < nbytes) {
        uint64_t k = nbytes - got < RCHUNK ? nbytes - got : RCHUNK;
        uint8_t *p = realloc(buf, got + k + 1);
        if (!p) { free(buf); tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return -1; }
        buf = p;
        if (rs_read(r, buf + got, k, tsc_tag_str(tag, tb)) < 0) { free(buf); return -1; }
        got += k;
    }
    if (!buf && !(buf = malloc(1))) return -1;
    s->tag = tag;
    s->type = (int)type;
    s->count = count;
    s->nbytes = nbytes;
    if (type == TSC_T_STR) {
        /* one block: count pointers, then the strings with their NULs */
        char **ptr = malloc(count * sizeof(char *) + nbytes + 1);
        char *dst;
        uint64_t pos = 0, i;
        if (!ptr) { free(buf); tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return -1; }
        dst = (char *)(ptr + count);
        for (i = 0; i < count; i++) {
            uint32_t n;
            if (pos + 4 > nbytes) goto badstr;
            n = le_to_u32(buf + pos);
            pos += 4;
            if (n > nbytes - pos || memchr(buf + pos, 0, n)) goto badstr;
            ptr[i] = dst;
            memcpy(dst, buf + pos, n);
            dst[n] = 0;
            dst += n + 1;
            pos += n;
        }
        if (pos != nbytes) goto badstr;
        free(buf);
        r->data = ptr;
        goto done;
    badstr:
        free(ptr);
        free(buf);
        tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: bad strings in section '%s'", r->name,
                tsc_tag_str(tag, tb));
        return -1;
    }
#if !defined(HTS_LITTLE_ENDIAN)
    {
        uint64_t i;
        if (sz == 4) for (i = 0; i < count; i++) ((uint32_t *)buf)[i] = le_to_u32(buf + 4 * i);
        if (sz == 8) for (i = 0; i < count; i++) ((uint64_t *)buf)[i] = le_to_u64(buf + 8 * i);
    }
#endif
    r->data = buf;
done:
    s->data = r->data;
    r->nsec++;
    if (tag == TSC_TAG_RUNINFO && apply_runinfo(r, s) < 0) return -1;
    return 1;
}

uint32_t tsc_rs_version(const tsc_rstream_t *r) { return r->version; }

void *tsc_rs_steal(tsc_rstream_t *r, tsc_sec_t *s)
{
    void *p = r->data;
    r->data = NULL;
    s->data = NULL;
    return p;
}

void tsc_rs_close(tsc_rstream_t *r)
{
    if (!r) return;
    if (r->own && r->fp) fclose(r->fp);
    free(r->data);
    free(r->name);
    tsc_hdr_destroy(r->hdr);
    free(r);
}

/* ---- appending run info to a finished stream file ---- */

int tsc_stream_append_info(const char *path, const char *key, const char *val)
{
    FILE *fp = fopen(path, "r+b");
    uint8_t t[32], *buf = NULL, *sec = NULL;
    uLong crc = crc32(0L, Z_NULL, 0), crc_prefix;
    off_t size, at;
    size_t kl = strlen(key), vl = strlen(val), sl = 24 + 8 + kl + vl;
    int ret = -1;
    if (!fp) {
        tsc_log(TSC_LOG_ERROR, __func__, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (fseeko(fp, 0, SEEK_END) < 0 || (size = ftello(fp)) < 64 || fseeko(fp, size - 32, SEEK_SET) < 0
        || fread(t, 1, 32, fp) != 32) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: not a complete tsc stream", path);
        goto end;
    }
    if (le_to_u32(t) != TSC_TAG_END || le_to_u32(t + 4) != 0 || le_to_u64(t + 16) != (uint64_t)(size - 32)
        || memcmp(t + 28, END_MARK, 4) != 0) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: not a complete tsc stream (no trailer)", path);
        goto end;
    }
    /* the CRC of everything before the END record, checked through the trailer's own CRC */
    if (!(buf = malloc(1 << 20)) || !(sec = malloc(sl))) {
        tsc_log(TSC_LOG_ERROR, __func__, "out of memory");
        goto end;
    }
    rewind(fp);
    for (at = 0; at < size - 32;) {
        size_t k = size - 32 - at < (1 << 20) ? (size_t)(size - 32 - at) : (size_t)1 << 20;
        if (fread(buf, 1, k, fp) != k) {
            tsc_log(TSC_LOG_ERROR, __func__, "%s: read error: %s", path, strerror(errno));
            goto end;
        }
        crc = crc32(crc, buf, (uInt)k);
        at += (off_t)k;
    }
    crc_prefix = crc;
    if ((uint32_t)crc32(crc, t, 24) != le_to_u32(t + 24)) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: CRC32 mismatch", path);
        goto end;
    }
    /* a RUNI section with KEY=VAL in place of the trailer, then the trailer again */
    u32_to_le(TSC_TAG_RUNINFO, sec); u32_to_le(TSC_T_STR, sec + 4); u64_to_le(2, sec + 8);
    u64_to_le(8 + kl + vl, sec + 16); u32_to_le((uint32_t)kl, sec + 24); memcpy(sec + 28, key, kl);
    u32_to_le((uint32_t)vl, sec + 28 + kl); memcpy(sec + 32 + kl, val, vl);
    crc = crc32(crc_prefix, sec, (uInt)sl);
    u64_to_le(le_to_u64(t + 8) + 1, t + 8);
    u64_to_le((uint64_t)size - 32 + sl, t + 16);
    crc = crc32(crc, t, 24);
    u32_to_le((uint32_t)crc, t + 24);
    if (fseeko(fp, size - 32, SEEK_SET) < 0 || fwrite(sec, 1, sl, fp) != sl || fwrite(t, 1, 32, fp) != 32) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: write failed: %s", path, strerror(errno));
        goto end;
    }
    ret = 0;
end:
    free(buf);
    free(sec);
    if (fclose(fp) != 0 && ret == 0) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s: write failed: %s", path, strerror(errno));
        ret = -1;
    }
    return ret;
}
