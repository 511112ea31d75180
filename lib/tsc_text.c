/* tsc_text.c -- the section text form of any tsc stream (tsc-view), and back (tsc_text.h).
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "tsc_text.h"
#include "tsc_text_internal.h"
#include "tsc_hits.h"
#include "tsc_matrix.h"

/* ======================================================================== shared helpers */

int tsc_text_esc(kstring_t *ks, const char *s, int flags)
{
    const char *s0 = s;
    if ((flags & TSC_ESC_STAR) && s[0] == '*' && s[1] == 0) return kputs("\\x2a", ks) < 0 ? -1 : 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int r;
        switch (c) {
        case '\t': r = kputs("\\t", ks); break;
        case '\n': r = kputs("\\n", ks); break;
        case '\r': r = kputs("\\r", ks); break;
        case '\\': r = kputs("\\\\", ks); break;
        default:
            if (c < 0x20 || c == 0x7f || (c == '=' && s == s0 && (flags & TSC_ESC_LEAD_EQ))) r = ksprintf(ks, "\\x%02x", c);
            else r = kputc(c, ks);
        }
        if (r < 0) return -1;
    }
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int tsc_text_unesc(char *s)
{
    char *d = s;
    for (; *s; s++) {
        if (*s != '\\') { *d++ = *s; continue; }
        s++;
        switch (*s) {
        case 't': *d++ = '\t'; break;
        case 'n': *d++ = '\n'; break;
        case 'r': *d++ = '\r'; break;
        case '\\': *d++ = '\\'; break;
        case 'x': {
            int a = hexval(s[1]), b = a >= 0 ? hexval(s[2]) : -1;
            if (b < 0 || (a == 0 && b == 0)) return -1;
            *d++ = (char)(a * 16 + b);
            s += 2;
            break;
        }
        default: return -1;
        }
    }
    *d = 0;
    return 0;
}

#define NAN_BITS 0x7ff8000000000000ull /* the NaN that "nan" reads back as */

const char *tsc_text_f64(double x, char *buf)
{
    uint64_t u;
    memcpy(&u, &x, 8);
    if (x != x && u != NAN_BITS) snprintf(buf, 40, "nan:0x%016" PRIx64, u);
    else tsc_repr_double(x, buf);
    return buf;
}

int tsc_text_parse_f64(const char *v, double *out)
{
    char *end;
    double d;
    errno = 0;
    if (strncmp(v, "nan:0x", 6) == 0) { /* a NaN's exact bits, as tsc_text_f64 prints them */
        uint64_t u = strtoull(v + 6, &end, 16);
        memcpy(&d, &u, 8);
        if (end != v + 22 || *end || d == d) return -1;
    } else {
        d = strtod(v, &end);
        if (end == v || *end) return -1;
    }
    *out = d;
    return 0;
}

void tsc_tout_init(tsc_tout_t *o, FILE *fp)
{
    memset(o, 0, sizeof(*o));
    o->fp = fp;
    o->crc = (uint32_t)crc32(0L, Z_NULL, 0);
}

int tsc_tout_flush(tsc_tout_t *o, int force)
{
    if (!force && o->ks.l < (1u << 16)) return o->err ? -1 : 0;
    if (o->ks.l) {
        o->crc = (uint32_t)crc32(o->crc, (const Bytef *)o->ks.s, (uInt)o->ks.l);
        if (fwrite(o->ks.s, 1, o->ks.l, o->fp) != o->ks.l) o->err = 1;
        o->ks.l = 0;
    }
    return o->err ? -1 : 0;
}

int tsc_txt_next(tsc_txt_t *t)
{
    int c;
    t->ks.l = 0;
    t->crc_prev = t->crc;
    while ((c = getc(t->fp)) != EOF && c != '\n')
        if (kputc(c, &t->ks) < 0) { tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return -1; }
    if (c == EOF && t->ks.l == 0) {
        if (!ferror(t->fp)) return 0;
        tsc_log(TSC_LOG_ERROR, __func__, "%s: read error: %s", t->name, strerror(errno));
        return -1;
    }
    if (ks_resize(&t->ks, t->ks.l + 1) < 0) { tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return -1; }
    t->ks.s[t->ks.l] = 0; /* also terminates an empty line */
    t->crc = (uint32_t)crc32(t->crc, (const Bytef *)t->ks.s, (uInt)t->ks.l);
    if (c == '\n') t->crc = (uint32_t)crc32(t->crc, (const Bytef *)"\n", 1);
    t->line++;
    if (strlen(t->ks.s) != t->ks.l) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s:%" PRId64 ": NUL byte in the text (binary data?)", t->name, t->line);
        return -1;
    }
    return 1;
}

int tsc_text_split(char *s, char **f, int max)
{
    int n = 0;
    f[n++] = s;
    for (; *s && n < max; s++)
        if (*s == '\t') { *s = 0; f[n++] = s + 1; }
    return n;
}

static const char *type_name(int t)
{
    static const char *n[] = { "?", "u8", "i32", "u32", "i64", "f64", "str" };
    return t >= 1 && t <= 6 ? n[t] : "?";
}

static int type_from_name(const char *s)
{
    int t;
    for (t = 1; t <= 6; t++)
        if (strcmp(s, type_name(t)) == 0) return t;
    return -1;
}

static int kind_from_name(const char *s)
{
    int k;
    for (k = TSC_KIND_HITS; k <= TSC_KIND_FIT; k++)
        if (strcmp(s, tsc_kind_name(k)) == 0) return k;
    return -1;
}

/* ======================================================================== binary -> text */

static void print_header(tsc_tout_t *o, const tsc_hdr_t *h, uint32_t version)
{
    kstring_t *ks = &o->ks;
    int32_t i;
    int r = ksprintf(ks, "#tsc-stream\tversion=%u\tkind=%s\n", version, tsc_kind_name(h->kind)) < 0;
    for (i = 0; i < h->n_feat; i++) {
        r |= kputs("@feature\t", ks) < 0 || tsc_text_esc(ks, h->feat[i], 0) < 0 || ksprintf(ks, "\t%" PRId64 "\n", h->flen[i]) < 0;
        r |= tsc_tout_flush(o, 0) < 0;
    }
    for (i = 0; i < h->n_info; i++) {
        r |= kputs("@info\t", ks) < 0 || tsc_text_esc(ks, h->info[i].key, 0) < 0 || kputc('\t', ks) < 0 ||
             tsc_text_esc(ks, h->info[i].val, 0) < 0 || kputc('\n', ks) < 0;
        r |= tsc_tout_flush(o, 0) < 0;
    }
    for (i = 0; i < h->n_prov; i++) {
        r |= kputs("@prov\t", ks) < 0 || tsc_text_esc(ks, h->prov[i].prog, 0) < 0 || kputc('\t', ks) < 0 ||
             tsc_text_esc(ks, h->prov[i].version, 0) < 0 || kputc('\t', ks) < 0 ||
             tsc_text_esc(ks, h->prov[i].cmdline, 0) < 0 || kputc('\n', ks) < 0;
        r |= tsc_tout_flush(o, 0) < 0;
    }
    if (r) o->err = 1;
}

/* decode one HREC chunk fully first, so a bad chunk prints nothing of itself */
static int print_hrec(tsc_tout_t *o, const tsc_sec_t *s, int64_t *last_frag, int64_t nfeat, const char *name)
{
    const uint8_t *b = s->data;
    size_t pos = 0, len = s->count;
    kstring_t ks = { 0, 0, NULL };
    int64_t nrec = 0, frag = *last_frag;
    while (pos < len) {
        uint64_t d, nl, nm, f, al, i;
        int64_t as;
        if (tsc_get_uvar(b, len, &pos, &d) < 0 || d > (uint64_t)(INT64_MAX - frag) ||
            tsc_get_uvar(b, len, &pos, &nl) < 0 || nl > len - pos || memchr(b + pos, 0, nl))
            goto bad;
        frag += (int64_t)d;
        ksprintf(&ks, "%" PRId64 "\t", frag);
        if (nl == 0) kputc('*', &ks);
        else {
            uint64_t k;
            for (k = 0; k < nl; k++) {
                unsigned char c = b[pos + k];
                if (c == '\t') kputs("\\t", &ks);
                else if (c == '\n') kputs("\\n", &ks);
                else if (c == '\r') kputs("\\r", &ks);
                else if (c == '\\') kputs("\\\\", &ks);
                else if (c < 0x20 || c == 0x7f || (nl == 1 && c == '*')) ksprintf(&ks, "\\x%02x", c);
                else kputc(c, &ks);
            }
        }
        pos += nl;
        if (tsc_get_uvar(b, len, &pos, &nm) < 0 || nm > len) goto bad;
        for (i = 0; i < nm; i++) {
            if (tsc_get_uvar(b, len, &pos, &f) < 0 || tsc_get_svar(b, len, &pos, &as) < 0 ||
                tsc_get_uvar(b, len, &pos, &al) < 0 || f > (uint64_t)nfeat || as < INT32_MIN || as > INT32_MAX ||
                al > INT32_MAX)
                goto bad; /* the same checks as tsc_hitr_next: what one rejects, so does the other */
            ksprintf(&ks, "\t%" PRId64 ",%" PRId64 ",%" PRIu64, (int64_t)f - 1, as, al);
        }
        kputc('\n', &ks);
        nrec++;
    }
    if (ksprintf(&o->ks, "=HREC\tu8\t%" PRId64 "\n", nrec) < 0 || kputsn(ks.s ? ks.s : "", ks.l, &o->ks) < 0) o->err = 1;
    free(ks.s);
    *last_frag = frag;
    return tsc_tout_flush(o, 0);
bad:
    free(ks.s);
    tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: bad HITS record in chunk", name);
    return -1;
}

int tsc_stream2text_fp(FILE *in, const char *name, FILE *out, int header_only)
{
    tsc_rstream_t *r = tsc_rs_fdopen(in, name, 0);
    tsc_hdr_t *h0;
    tsc_sec_t s;
    tsc_tout_t o;
    int ret;
    int64_t last_frag = 0;
    char tb[5], num[40];
    if (!r) return -1;
    tsc_tout_init(&o, out);
    /* the header printed must be the one read, before RUNI sections update it */
    if (!(h0 = tsc_hdr_dup(tsc_rs_hdr(r)))) { tsc_rs_close(r); return -1; }
    print_header(&o, h0, tsc_rs_version(r));
    tsc_hdr_destroy(h0);
    if (header_only) { tsc_rs_close(r); ret = tsc_tout_flush(&o, 1); free(o.ks.s); return ret; }
    /* the digest covers the sections only: the header lines (provenance with its command lines)
     * may differ between texts of the same data */
    if (tsc_tout_flush(&o, 1) == 0) o.crc = (uint32_t)crc32(0L, Z_NULL, 0);
    while ((ret = tsc_rs_next(r, &s)) == 1) {
        uint64_t i;
        kstring_t *ks = &o.ks;
        if (s.tag == TSC_SEC_HITS && s.type == TSC_T_U8 && tsc_rs_kind(r) == TSC_KIND_HITS) {
            if (print_hrec(&o, &s, &last_frag, tsc_rs_hdr(r)->n_feat, tsc_rs_name(r)) < 0) { ret = -1; break; }
            continue;
        }
        ksprintf(ks, "=%s\t%s\t%" PRIu64 "\n", tsc_tag_str(s.tag, tb), type_name(s.type), s.count);
        for (i = 0; i < s.count; i++) {
            switch (s.type) {
            case TSC_T_U8: ksprintf(ks, "%u\n", ((const uint8_t *)s.data)[i]); break;
            case TSC_T_I32: ksprintf(ks, "%" PRId32 "\n", ((const int32_t *)s.data)[i]); break;
            case TSC_T_U32: ksprintf(ks, "%" PRIu32 "\n", ((const uint32_t *)s.data)[i]); break;
            case TSC_T_I64: ksprintf(ks, "%" PRId64 "\n", ((const int64_t *)s.data)[i]); break;
            case TSC_T_F64: ksprintf(ks, "%s\n", tsc_text_f64(((const double *)s.data)[i], num)); break;
            case TSC_T_STR:
                if (tsc_text_esc(ks, ((char **)s.data)[i], TSC_ESC_LEAD_EQ) < 0) o.err = 1;
                kputc('\n', ks);
                break;
            }
            if (tsc_tout_flush(&o, 0) < 0) break;
        }
    }
    tsc_rs_close(r);
    if (ret == 0) {
        /* the digest covers every section line above: text -> stream finds an edit by it */
        if (tsc_tout_flush(&o, 1) == 0 && ksprintf(&o.ks, "=END\tcrc32=%08" PRIx32 "\n", o.crc) < 0) o.err = 1;
    }
    if (tsc_tout_flush(&o, 1) < 0 && ret == 0) ret = -1; /* the caller reports the write error */
    free(o.ks.s);
    return ret;
}

int tsc_stream2text(const char *path, FILE *out, int header_only)
{
    FILE *fp = stdin;
    int ret;
    if (path && strcmp(path, "-") != 0 && !(fp = fopen(path, "rb"))) {
        tsc_log(TSC_LOG_ERROR, __func__, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    ret = tsc_stream2text_fp(fp, fp == stdin ? "stdin" : path, out, header_only);
    if (fp != stdin) fclose(fp);
    return ret;
}

/* ======================================================================== text -> binary */

/* one section as read, kept until the end of the text (the header is written first, and an
 * edit found at =END changes it) */
typedef struct {
    uint32_t tag;
    int type;
    uint64_t count;      /* elements; U8: bytes */
    void *data;          /* host values; STR: char*[count], each its own allocation */
    int64_t n_rec;       /* HREC: records */
    int64_t declared;    /* COUNT on the section line, -1 if none */
    int64_t line;        /* the section line */
} tsec_t;

typedef struct {
    tsec_t *a;
    size_t n, m;
} tsecv_t;

static void tsec_free(tsec_t *s)
{
    uint64_t i;
    if (s->type == TSC_T_STR && s->data)
        for (i = 0; i < s->count; i++) free(((char **)s->data)[i]);
    free(s->data);
    s->data = NULL;
}

#define TBAD(...) do { tsc_log(TSC_LOG_ERROR, __func__, __VA_ARGS__); goto fail; } while (0)

/* section tags are printable ASCII (tsc_rs_next rejects others) */
static int printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 32 || (unsigned char)*s > 126) return 0;
    return 1;
}

static int parse_i64(const char *s, int64_t *v) { return tsc_parse_int64(s, INT64_MIN, INT64_MAX, v); }

/* HITS records up to the next '=' line, as one HREC chunk (as it was). *LAST: the fragment
 * ordinal of the previous record. 1 = stopped at a '=' line (in t->ks), 0 = EOF, -1 error. */
static int read_hrec(tsc_txt_t *t, tsec_t *sec, int64_t *last, int32_t n_feat)
{
    kstring_t b = { 0, 0, NULL };
    char **g = NULL;
    size_t m_g = 0;
    int ret;
    while ((ret = tsc_txt_next(t)) == 1 && t->ks.s[0] != '=') {
        size_t ng, k, pos, ntab = 1;
        int64_t frag;
        const char *c;
        for (c = t->ks.s; *c; c++) ntab += *c == '\t';
        if (ntab > m_g) {
            char **p = realloc(g, ntab * sizeof(char *));
            if (!p) TBAD("out of memory");
            g = p;
            m_g = ntab;
        }
        ng = (size_t)tsc_text_split(t->ks.s, g, (int)m_g);
        if (ng < 2 || parse_i64(g[0], &frag) < 0 || frag < 0)
            TBAD("%s:%" PRId64 ": bad HITS record (expected FRAG<TAB>NAME|*[<TAB>FEAT,AS,ALNLEN]...)", t->name, t->line);
        if (frag < *last)
            TBAD("%s:%" PRId64 ": bad HITS record: fragment %" PRId64 " after %" PRId64 " (records must stay in "
                 "fragment order)", t->name, t->line, frag, *last);
        if (ng - 2 > INT32_MAX) TBAD("%s:%" PRId64 ": too many mappings", t->name, t->line);
        if (ks_resize(&b, b.l + 32 + strlen(g[1]) + 32 * ng) < 0) TBAD("out of memory");
        pos = b.l;
        tsc_put_uvar((uint8_t *)b.s, &pos, (uint64_t)(frag - *last));
        if (strcmp(g[1], "*") == 0) tsc_put_uvar((uint8_t *)b.s, &pos, 0);
        else {
            if (tsc_text_unesc(g[1]) < 0 || !*g[1]) TBAD("%s:%" PRId64 ": bad name", t->name, t->line);
            tsc_put_uvar((uint8_t *)b.s, &pos, strlen(g[1]));
            memcpy(b.s + pos, g[1], strlen(g[1]));
            pos += strlen(g[1]);
        }
        tsc_put_uvar((uint8_t *)b.s, &pos, (uint64_t)(ng - 2));
        for (k = 2; k < ng; k++) {
            int64_t fe, as, al;
            char *c1 = strchr(g[k], ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
            if (!c2) TBAD("%s:%" PRId64 ": bad mapping '%s' (FEAT,AS,ALNLEN)", t->name, t->line, g[k]);
            *c1 = *c2 = 0;
            if (parse_i64(g[k], &fe) < 0 || parse_i64(c1 + 1, &as) < 0 || parse_i64(c2 + 1, &al) < 0 ||
                fe < -1 || fe >= n_feat || as < INT32_MIN || as > INT32_MAX || al < 0 || al > INT32_MAX)
                TBAD("%s:%" PRId64 ": mapping out of range: mapping %zu (FEAT -1..%d, AS and ALNLEN 32-bit)", t->name, t->line,
                     k - 1, (int)n_feat - 1);
            tsc_put_uvar((uint8_t *)b.s, &pos, (uint64_t)(fe + 1));
            tsc_put_svar((uint8_t *)b.s, &pos, as);
            tsc_put_uvar((uint8_t *)b.s, &pos, (uint64_t)al);
        }
        b.l = pos;
        *last = frag;
        sec->n_rec++;
    }
    if (ret < 0) goto fail;
    free(g);
    if (!b.s && !(b.s = malloc(1))) { tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return -1; }
    sec->data = b.s;
    sec->count = b.l;
    return ret;
fail:
    free(g);
    free(b.s);
    return -1;
}

/* values of one section up to the next '=' line. 1 = stopped at a '=' line, 0 = EOF, -1 error */
static int read_values(tsc_txt_t *t, tsec_t *sec)
{
    size_t sz = sec->type == TSC_T_U8 ? 1 : sec->type == TSC_T_I32 || sec->type == TSC_T_U32 ? 4 : 8;
    size_t m = 0;
    int ret;
    while ((ret = tsc_txt_next(t)) == 1 && t->ks.s[0] != '=') {
        char *v = t->ks.s;
        int64_t x;
        uint64_t i = sec->count;
        if (i >= m && tsc_grow(&sec->data, &m, (size_t)i + 1, sz) < 0) { tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return -1; }
        switch (sec->type) {
        case TSC_T_U8: if (parse_i64(v, &x) < 0 || x < 0 || x > 255) goto badval; ((uint8_t *)sec->data)[i] = (uint8_t)x; break;
        case TSC_T_I32: if (parse_i64(v, &x) < 0 || x < INT32_MIN || x > INT32_MAX) goto badval; ((int32_t *)sec->data)[i] = (int32_t)x; break;
        case TSC_T_U32: if (parse_i64(v, &x) < 0 || x < 0 || x > UINT32_MAX) goto badval; ((uint32_t *)sec->data)[i] = (uint32_t)x; break;
        case TSC_T_I64: if (parse_i64(v, &x) < 0) goto badval; ((int64_t *)sec->data)[i] = x; break;
        case TSC_T_F64: if (tsc_text_parse_f64(v, &((double *)sec->data)[i]) < 0) goto badval; break;
        case TSC_T_STR:
            if (tsc_text_unesc(v) < 0) goto badval;
            if (!(((char **)sec->data)[i] = strdup(v))) { tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return -1; }
            break;
        }
        sec->count++;
        continue;
    badval:
        tsc_log(TSC_LOG_ERROR, __func__, "%s:%" PRId64 ": bad %s value '%s'", t->name, t->line, type_name(sec->type), v);
        return -1;
    }
    if (ret >= 0 && !sec->data && !(sec->data = malloc(sz))) { tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return -1; }
    return ret;
}

/* set KEY to VAL in the RUNI section S (replace, or append a pair) */
static int runi_set(tsec_t *s, const char *key, const char *val)
{
    char **v = s->data, *d;
    uint64_t i;
    for (i = 0; i + 1 < s->count; i += 2)
        if (strcmp(v[i], key) == 0) {
            if (!(d = strdup(val))) return -1;
            free(v[i + 1]);
            v[i + 1] = d;
            return 0;
        }
    if (!(v = realloc(s->data, (s->count + 2) * sizeof(char *)))) return -1;
    s->data = v;
    if (!(v[s->count] = strdup(key))) return -1;
    if (!(v[s->count + 1] = strdup(val))) { free(v[s->count]); return -1; }
    s->count += 2;
    return 0;
}

static int runi_has(const tsec_t *s, const char *key)
{
    char **v = s->data;
    uint64_t i;
    for (i = 0; i + 1 < s->count; i += 2)
        if (strcmp(v[i], key) == 0) return 1;
    return 0;
}

/* KEY to VAL wherever the stream has it (header, RUNI sections); nothing when it has not */
static int info_update(tsc_hdr_t *h, tsecv_t *sv, const char *key, const char *val)
{
    size_t i;
    if (tsc_hdr_get_info(h, key) && tsc_hdr_set_info(h, key, val) < 0) return -1;
    for (i = 0; i < sv->n; i++)
        if (sv->a[i].tag == TSC_TAG_RUNINFO && runi_has(&sv->a[i], key) && runi_set(&sv->a[i], key, val) < 0) return -1;
    return 0;
}

/* The text was edited (its crc32 no longer matches): recompute what the edited sections
 * determine, say what was edited in run info "edited" (in the last RUNI section, so that it
 * comes last, else in the header), and append tsc-view to the provenance. */
static int apply_edit(tsc_hdr_t *h, tsecv_t *sv, const char *cmdline)
{
    char val[96];
    size_t i;
    tsec_t *last_runi = NULL;
    for (i = 0; i < sv->n; i++)
        if (sv->a[i].tag == TSC_TAG_RUNINFO) last_runi = &sv->a[i];
    if (h->kind == TSC_KIND_HITS) {
        int64_t now = 0, was = 0;
        for (i = 0; i < sv->n; i++)
            if (sv->a[i].tag == TSC_SEC_HITS && sv->a[i].type == TSC_T_U8) {
                now += sv->a[i].n_rec;
                was = was < 0 || sv->a[i].declared < 0 ? -1 : was + sv->a[i].declared;
            }
        snprintf(val, sizeof(val), "%d", h->n_feat);
        if (info_update(h, sv, "annotated_features", val) < 0) return -1;
        if (was >= 0) snprintf(val, sizeof(val), "records %" PRId64 "->%" PRId64, was, now);
        else snprintf(val, sizeof(val), "records ?->%" PRId64, now);
    } else {
        const tsec_t *shap = NULL, *indp = NULL;
        for (i = 0; i < sv->n; i++) {
            if (sv->a[i].tag == TSC_SEC_SHAPE && sv->a[i].type == TSC_T_I64 && sv->a[i].count == 2) shap = &sv->a[i];
            if (sv->a[i].tag == TSC_SEC_INDPTR && sv->a[i].type == TSC_T_I64) indp = &sv->a[i];
        }
        if (shap && indp && ((int64_t *)shap->data)[0] >= 0 && indp->count == (uint64_t)((int64_t *)shap->data)[0] + 1) {
            const int64_t *p = indp->data;
            int64_t r, n = ((int64_t *)shap->data)[0], one = 0;
            for (r = 0; r < n; r++) one += p[r + 1] - p[r] == 1;
            snprintf(val, sizeof(val), "%" PRId64, one);
            if (info_update(h, sv, "overlap_unique", val) < 0) return -1;
            snprintf(val, sizeof(val), "%" PRId64, n - one);
            if (info_update(h, sv, "overlap_ambig", val) < 0) return -1;
        }
        snprintf(val, sizeof(val), "text");
    }
    if (last_runi) {
        if (runi_set(last_runi, "edited", val) < 0) return -1;
    } else if (tsc_hdr_set_info(h, "edited", val) < 0) return -1;
    return tsc_hdr_add_prov(h, TSC_TEXT_PROG, TSC_VERSION, cmdline ? cmdline : TSC_TEXT_PROG " -b");
}

/* A MATRIX, BLOCKS or FIT text, edited or written by hand, whose column-wise sections do not
 * agree in length (a line deleted or added in one of them) is refused here, naming the
 * section's line, rather than written as a stream the next stage rejects. -1 (logged) or 0. */
static int check_lengths(const tsc_txt_t *t, const tsecv_t *sv)
{
    int64_t N = -1, K = -1, nnz = -1;
    size_t i;
    char tb[5];
    for (i = 0; i < sv->n; i++) {
        const tsec_t *s = &sv->a[i];
        if (s->tag == TSC_SEC_SHAPE && s->type == TSC_T_I64 && s->count == 2) {
            N = ((int64_t *)s->data)[0];
            K = ((int64_t *)s->data)[1];
        }
        if (s->tag == TSC_SEC_INDICES) nnz = (int64_t)s->count;
    }
    for (i = 0; i < sv->n; i++) {
        const tsec_t *s = &sv->a[i];
        int64_t want = -1;
        const char *from = "";
        uint32_t g = s->tag;
        if (g == TSC_SEC_INDPTR && N >= 0) { want = N + 1; from = "SHAP: rows + 1"; }
        else if ((g == TSC_SEC_FRAG || g == TSC_SEC_NAME || g == TSC_SEC_BROW) && N >= 0) { want = N; from = "SHAP: rows"; }
        else if ((g == TSC_SEC_PI || g == TSC_SEC_THETA || g == TSC_SEC_PI_INIT || g == TSC_SEC_THETA_INIT) && K >= 0) { want = K; from = "SHAP: columns"; }
        else if (g == TSC_SEC_BCOL && K >= 1) { want = K - 1; from = "SHAP: columns - 1"; }
        else if ((g == TSC_SEC_SCORE || g == TSC_SEC_Z || g == TSC_SEC_REASSIGN) && nnz >= 0) { want = nnz; from = "INDX: cells"; }
        else if (g == TSC_SEC_INDICES && N >= 0) {
            size_t k;
            for (k = 0; k < sv->n; k++)
                if (sv->a[k].tag == TSC_SEC_INDPTR && sv->a[k].type == TSC_T_I64 && sv->a[k].count == (uint64_t)N + 1) {
                    want = ((int64_t *)sv->a[k].data)[N];
                    from = "the last INDP value";
                }
        }
        if (want >= 0 && (uint64_t)want != s->count) {
            tsc_log(TSC_LOG_ERROR, __func__, "%s:%" PRId64 ": section %s has %" PRIu64 " values, but %s says %" PRId64
                    " (cells are added or removed in the cell form, tsc-view -m)", t->name, s->line,
                    tsc_tag_str(g, tb), s->count, from, want);
            return -1;
        }
    }
    return 0;
}

/* the section form, after its first line */
static int sections_parse(tsc_txt_t *t, int kind, const char *out_path, const char *cmdline)
{
    tsc_hdr_t *h = NULL;
    tsc_wstream_t *w = NULL;
    tsecv_t sv = { NULL, 0, 0 };
    char *f[8];
    int nf, ret, edited = 0, verified = 0;
    int64_t hrec_last = 0;
    size_t i;
    if (!(h = tsc_hdr_init(kind))) TBAD("out of memory");
    /* header lines */
    while ((ret = tsc_txt_next(t)) == 1) {
        char *s = t->ks.s;
        if (s[0] == '=') break;
        nf = tsc_text_split(s, f, 8);
        if (strcmp(f[0], "@feature") == 0 && nf == 3) {
            int64_t len;
            if (tsc_text_unesc(f[1]) < 0 || parse_i64(f[2], &len) < 0) TBAD("%s:%" PRId64 ": bad @feature line", t->name, t->line);
            if (tsc_hdr_add_feature(h, f[1], len) < 0) TBAD("out of memory");
        } else if (strcmp(f[0], "@info") == 0 && nf == 3) {
            if (tsc_text_unesc(f[1]) < 0 || tsc_text_unesc(f[2]) < 0) TBAD("%s:%" PRId64 ": bad escape", t->name, t->line);
            if (tsc_hdr_get_info(h, f[1])) TBAD("%s:%" PRId64 ": repeated @info key '%s'", t->name, t->line, f[1]);
            if (tsc_hdr_set_info(h, f[1], f[2]) < 0) TBAD("out of memory");
        } else if (strcmp(f[0], "@prov") == 0 && nf == 4) {
            if (tsc_text_unesc(f[1]) < 0 || tsc_text_unesc(f[2]) < 0 || tsc_text_unesc(f[3]) < 0)
                TBAD("%s:%" PRId64 ": bad escape", t->name, t->line);
            if (tsc_hdr_add_prov(h, f[1], f[2], f[3]) < 0) TBAD("out of memory");
        } else
            TBAD("%s:%" PRId64 ": expected @feature, @info, @prov or a =SECTION line", t->name, t->line);
    }
    if (ret < 0) goto fail;
    /* the digest covers the sections, from this line on */
    if (ret == 1) {
        t->crc_prev = (uint32_t)crc32(0L, Z_NULL, 0);
        t->crc = (uint32_t)crc32(t->crc_prev, (const Bytef *)t->ks.s, (uInt)t->ks.l);
        t->crc = (uint32_t)crc32(t->crc, (const Bytef *)"\n", 1);
    }
    /* sections: each runs up to the next line that starts with '=' */
    for (;;) {
        char *s = t->ks.s;
        int type;
        int64_t count = -1, sline = t->line;
        tsec_t *sec;
        uint32_t tag;
        if (ret == 0) TBAD("%s: truncated text: no =END line", t->name);
        nf = tsc_text_split(s + 1, f, 8);
        if (strcmp(f[0], "END") == 0 && nf <= 2) {
            uint32_t crc_text = t->crc_prev;
            if (nf == 2) {
                char *end;
                unsigned long v;
                errno = 0;
                v = strncmp(f[1], "crc32=", 6) == 0 ? strtoul(f[1] + 6, &end, 16) : 0;
                if (strncmp(f[1], "crc32=", 6) != 0 || end != f[1] + 14 || *end || errno)
                    TBAD("%s:%" PRId64 ": expected '=END' or '=END<TAB>crc32=XXXXXXXX'", t->name, t->line);
                edited = (uint32_t)v != crc_text;
                verified = !edited;
            }
            if ((ret = tsc_txt_next(t)) < 0) goto fail;
            if (ret != 0) TBAD("%s:%" PRId64 ": text after =END", t->name, t->line);
            break;
        }
        if (s[0] != '=' || nf < 2 || nf > 3 || strlen(f[0]) != 4 || !printable(f[0]) || (type = type_from_name(f[1])) < 0 ||
            (nf == 3 && (parse_i64(f[2], &count) < 0 || count < 0)))
            TBAD("%s:%" PRId64 ": expected a section line '=TAG<TAB>TYPE[<TAB>COUNT]' or =END", t->name, t->line);
        tag = TSC_TAG(f[0][0], f[0][1], f[0][2], f[0][3]);
        if (tag == TSC_TAG_END) TBAD("%s:%" PRId64 ": END is not a section", t->name, t->line);
        if (TSC_GROW(sv.a, sv.m, sv.n + 1) < 0) TBAD("out of memory");
        sec = &sv.a[sv.n++];
        memset(sec, 0, sizeof(*sec));
        sec->tag = tag;
        sec->type = type;
        sec->declared = count;
        sec->line = sline;
        if (tag == TSC_SEC_HITS && type == TSC_T_U8 && kind == TSC_KIND_HITS) ret = read_hrec(t, sec, &hrec_last, h->n_feat);
        else ret = read_values(t, sec);
        if (ret < 0) goto fail;
        if (tag == TSC_TAG_RUNINFO && (type != TSC_T_STR || sec->count % 2))
            TBAD("%s:%" PRId64 ": a RUNI section holds key, value string pairs (str, an even number of lines)", t->name, sline);
    }
    /* text whose crc matches is a stream printed as it was: it goes back byte for byte, whatever
     * it holds (the stage that reads it judges it); edited or hand-written text is checked */
    if (kind != TSC_KIND_HITS && !verified && check_lengths(t, &sv) < 0) goto fail;
    if (edited && apply_edit(h, &sv, cmdline) < 0) TBAD("out of memory");
    if (!(w = tsc_ws_open(out_path, h))) goto fail;
    for (i = 0; i < sv.n; i++)
        if (tsc_ws_section(w, sv.a[i].tag, sv.a[i].type, sv.a[i].data, sv.a[i].count) < 0) goto fail;
    for (i = 0; i < sv.n; i++) tsec_free(&sv.a[i]);
    free(sv.a);
    tsc_hdr_destroy(h);
    return tsc_ws_close(w);
fail:
    for (i = 0; i < sv.n; i++) tsec_free(&sv.a[i]);
    free(sv.a);
    tsc_hdr_destroy(h);
    tsc_ws_abort(w);
    return -1;
}

int tsc_text2stream_fp(FILE *in, const char *name, const char *out_path, const char *cmdline)
{
    tsc_txt_t t;
    char *f[8];
    int nf, kind = -1, ret = -1, cells;
    memset(&t, 0, sizeof(t));
    t.fp = in;
    t.name = name;
    t.crc = (uint32_t)crc32(0L, Z_NULL, 0);
    if ((ret = tsc_txt_next(&t)) < 0) goto out;
    if (ret == 0) { ret = -1; tsc_log(TSC_LOG_ERROR, __func__, "%s: empty input", t.name); goto out; }
    cells = strncmp(t.ks.s, "#tsc-cells\t", 11) == 0;
    if (cells) { ret = tsc_cells_parse(&t, out_path, cmdline); goto out; }
    ret = -1;
    nf = tsc_text_split(t.ks.s, f, 8);
    if (nf != 3 || strcmp(f[0], "#tsc-stream") != 0 || strncmp(f[1], "version=", 8) != 0 ||
        strncmp(f[2], "kind=", 5) != 0 || (kind = kind_from_name(f[2] + 5)) < 0) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s:1: not tsc-view text (expected '#tsc-stream<TAB>version=N<TAB>kind=KIND' "
                "or '#tsc-cells<TAB>...')", t.name);
        goto out;
    }
    {
        int64_t v;
        if (parse_i64(f[1] + 8, &v) < 0 || v < TSC_STREAM_VERSION_MIN || v > TSC_STREAM_VERSION) {
            tsc_log(TSC_LOG_ERROR, __func__, "%s:1: format version %s, this build writes %d", t.name, f[1] + 8, TSC_STREAM_VERSION);
            goto out;
        }
    }
    ret = sections_parse(&t, kind, out_path, cmdline);
out:
    free(t.ks.s);
    return ret;
}

int tsc_text2stream(const char *path, const char *out_path)
{
    FILE *fp = stdin;
    int ret;
    if (path && strcmp(path, "-") != 0 && !(fp = fopen(path, "r"))) {
        tsc_log(TSC_LOG_ERROR, __func__, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    ret = tsc_text2stream_fp(fp, fp == stdin ? "stdin" : path, out_path, NULL);
    if (fp != stdin) fclose(fp);
    return ret;
}
