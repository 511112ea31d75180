/* tsc_text.c -- the text form of any tsc stream (tsc-view), and back (format in tsc_text.h).
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/kstring.h>
#include "tsc_text.h"
#include "tsc_hits.h"
#include "tsc_matrix.h"

/* ======================================================================== escaping */

static void put_esc(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '\t': fputs("\\t", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\\': fputs("\\\\", out); break;
        default:
            if (c < 0x20 || c == 0x7f) fprintf(out, "\\x%02x", c);
            else putc(c, out);
        }
    }
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* unescape S in place; -1 on a bad escape */
static int unesc(char *s)
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

#define NAN_BITS 0x7ff8000000000000ull /* the NaN that "nan" reads back as */

/* f64 as text: the shortest round-trip decimal; a NaN with other bits (a sign, as x86 makes,
 * or a payload) as nan:0xBITS, so that binary -> text -> binary stays byte-identical */
static const char *f64_str(double x, char *buf)
{
    uint64_t u;
    memcpy(&u, &x, 8);
    if (x != x && u != NAN_BITS) snprintf(buf, 40, "nan:0x%016" PRIx64, u);
    else tsc_repr_double(x, buf);
    return buf;
}

static void print_header(FILE *out, const tsc_hdr_t *h, uint32_t version)
{
    int32_t i;
    fprintf(out, "#tsc-stream\tversion=%u\tkind=%s\n", version, tsc_kind_name(h->kind));
    for (i = 0; i < h->n_feat; i++) {
        fputs("@feature\t", out); put_esc(out, h->feat[i]); fprintf(out, "\t%" PRId64 "\n", h->flen[i]);
    }
    for (i = 0; i < h->n_info; i++) {
        fputs("@info\t", out); put_esc(out, h->info[i].key); putc('\t', out); put_esc(out, h->info[i].val); putc('\n', out);
    }
    for (i = 0; i < h->n_prov; i++) {
        fputs("@prov\t", out); put_esc(out, h->prov[i].prog); putc('\t', out);
        put_esc(out, h->prov[i].version); putc('\t', out); put_esc(out, h->prov[i].cmdline); putc('\n', out);
    }
}

/* decode one HREC chunk fully first, so a bad chunk prints nothing of itself */
static int print_hrec(FILE *out, const tsc_sec_t *s, int64_t *last_frag, int64_t nfeat, const char *name)
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
    fprintf(out, "=HREC\tu8\t%" PRId64 "\n", nrec);
    fwrite(ks.s ? ks.s : "", 1, ks.l, out);
    free(ks.s);
    *last_frag = frag;
    return 0;
bad:
    free(ks.s);
    tsc_log(TSC_LOG_ERROR, __func__, "%s: corrupted stream: bad HITS record in chunk", name);
    return -1;
}

int tsc_stream2text(const char *path, FILE *out, int header_only)
{
    tsc_rstream_t *r = tsc_rs_open(path, 0);
    tsc_hdr_t *h0;
    tsc_sec_t s;
    int ret;
    int64_t last_frag = 0;
    char tb[5], num[40];
    if (!r) return -1;
    /* the header printed must be the one read, before RUNI sections update it */
    if (!(h0 = tsc_hdr_dup(tsc_rs_hdr(r)))) { tsc_rs_close(r); return -1; }
    print_header(out, h0, tsc_rs_version(r));
    tsc_hdr_destroy(h0);
    if (header_only) { tsc_rs_close(r); return 0; }
    while ((ret = tsc_rs_next(r, &s)) == 1) {
        uint64_t i;
        if (s.tag == TSC_SEC_HITS && s.type == TSC_T_U8 && tsc_rs_kind(r) == TSC_KIND_HITS) {
            if (print_hrec(out, &s, &last_frag, tsc_rs_hdr(r)->n_feat, tsc_rs_name(r)) < 0) { ret = -1; break; }
            continue;
        }
        fprintf(out, "=%s\t%s\t%" PRIu64 "\n", tsc_tag_str(s.tag, tb), type_name(s.type), s.count);
        for (i = 0; i < s.count; i++) {
            switch (s.type) {
            case TSC_T_U8: fprintf(out, "%u\n", ((const uint8_t *)s.data)[i]); break;
            case TSC_T_I32: fprintf(out, "%" PRId32 "\n", ((const int32_t *)s.data)[i]); break;
            case TSC_T_U32: fprintf(out, "%" PRIu32 "\n", ((const uint32_t *)s.data)[i]); break;
            case TSC_T_I64: fprintf(out, "%" PRId64 "\n", ((const int64_t *)s.data)[i]); break;
            case TSC_T_F64: fprintf(out, "%s\n", f64_str(((const double *)s.data)[i], num)); break;
            case TSC_T_STR: put_esc(out, ((char **)s.data)[i]); putc('\n', out); break;
            }
        }
    }
    tsc_rs_close(r);
    if (ret == 0) fputs("=END\n", out);
    return ret;
}

/* ======================================================================== text -> binary */

typedef struct {
    FILE *fp;
    const char *name;
    int64_t line;
    kstring_t ks;
} txt_t;

/* next line into t->ks (without the newline, NUL-terminated also when empty); 1, 0 at EOF,
 * -1 on a read error or a NUL byte in the line (logged) */
static int next_line(txt_t *t)
{
    int c;
    t->ks.l = 0;
    while ((c = getc(t->fp)) != EOF && c != '\n') kputc(c, &t->ks);
    if (c == EOF && t->ks.l == 0) {
        if (!ferror(t->fp)) return 0;
        tsc_log(TSC_LOG_ERROR, __func__, "%s: read error: %s", t->name, strerror(errno));
        return -1;
    }
    if (ks_resize(&t->ks, t->ks.l + 1) < 0) { tsc_log(TSC_LOG_ERROR, __func__, "out of memory"); return -1; }
    t->ks.s[t->ks.l] = 0; /* also terminates an empty line */
    t->line++;
    if (strlen(t->ks.s) != t->ks.l) {
        tsc_log(TSC_LOG_ERROR, __func__, "%s:%" PRId64 ": NUL byte in the text (binary data?)", t->name, t->line);
        return -1;
    }
    return 1;
}

/* split the line at tabs in place; returns the field count (at most MAX) */
static int split(char *s, char **f, int max)
{
    int n = 0;
    f[n++] = s;
    for (; *s && n < max; s++)
        if (*s == '\t') { *s = 0; f[n++] = s + 1; }
    return n;
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

int tsc_text2stream(const char *path, const char *out_path)
{
    txt_t t = { NULL, path, 0, { 0, 0, NULL } };
    tsc_hdr_t *h = NULL;
    tsc_wstream_t *w = NULL;
    char *f[8];
    int nf, kind = -1, ret, ended = 0;
    void *data = NULL;
    char **data_str = NULL;  /* DATA when it holds strings: N_STR of them to free on failure */
    int64_t n_str = 0, i;
    int own = 0, m_g = 0;
    char **g = NULL;
    int64_t hrec_last = 0;
    if (!path || strcmp(path, "-") == 0) { t.fp = stdin; t.name = "stdin"; }
    else if (!(t.fp = fopen(path, "r"))) TBAD("cannot open %s: %s", path, strerror(errno));
    else own = 1;
    if ((ret = next_line(&t)) < 0) goto fail;
    if (ret == 0) TBAD("%s: empty input", t.name);
    nf = split(t.ks.s, f, 8);
    if (nf != 3 || strcmp(f[0], "#tsc-stream") != 0 || strncmp(f[1], "version=", 8) != 0 ||
        strncmp(f[2], "kind=", 5) != 0 || (kind = kind_from_name(f[2] + 5)) < 0)
        TBAD("%s:1: not tsc-view text (expected '#tsc-stream<TAB>version=N<TAB>kind=KIND')", t.name);
    {
        int64_t v;
        if (parse_i64(f[1] + 8, &v) < 0 || v < TSC_STREAM_VERSION_MIN || v > TSC_STREAM_VERSION)
            TBAD("%s:1: format version %s, this build writes %d", t.name, f[1] + 8, TSC_STREAM_VERSION);
    }
    if (!(h = tsc_hdr_init(kind))) TBAD("out of memory");
    /* header lines */
    while ((ret = next_line(&t)) == 1) {
        char *s = t.ks.s;
        if (s[0] == '=') break;
        nf = split(s, f, 8);
        if (strcmp(f[0], "@feature") == 0 && nf == 3) {
            int64_t len;
            if (unesc(f[1]) < 0 || parse_i64(f[2], &len) < 0) TBAD("%s:%" PRId64 ": bad @feature line", t.name, t.line);
            if (tsc_hdr_add_feature(h, f[1], len) < 0) TBAD("out of memory");
        } else if (strcmp(f[0], "@info") == 0 && nf == 3) {
            if (unesc(f[1]) < 0 || unesc(f[2]) < 0) TBAD("%s:%" PRId64 ": bad escape", t.name, t.line);
            if (tsc_hdr_get_info(h, f[1])) TBAD("%s:%" PRId64 ": repeated @info key '%s'", t.name, t.line, f[1]);
            if (tsc_hdr_set_info(h, f[1], f[2]) < 0) TBAD("out of memory");
        } else if (strcmp(f[0], "@prov") == 0 && nf == 4) {
            if (unesc(f[1]) < 0 || unesc(f[2]) < 0 || unesc(f[3]) < 0) TBAD("%s:%" PRId64 ": bad escape", t.name, t.line);
            if (tsc_hdr_add_prov(h, f[1], f[2], f[3]) < 0) TBAD("out of memory");
        } else
            TBAD("%s:%" PRId64 ": expected @feature, @info, @prov or a =SECTION line", t.name, t.line);
    }
    if (ret < 0) goto fail;
    if (!(w = tsc_ws_open(out_path, h))) goto fail;
    /* sections */
    while (ret == 1) {
        char *s = t.ks.s;
        int type;
        int64_t count;
        uint32_t tag;
        if (strcmp(s, "=END") == 0) {
            ended = 1;
            if ((ret = next_line(&t)) < 0) goto fail;
            if (ret != 0) TBAD("%s:%" PRId64 ": text after =END", t.name, t.line);
            break;
        }
        nf = split(s + 1, f, 8);
        if (s[0] != '=' || nf != 3 || strlen(f[0]) != 4 || !printable(f[0]) || (type = type_from_name(f[1])) < 0 ||
            parse_i64(f[2], &count) < 0 || count < 0 || count > ((int64_t)1 << 40))
            TBAD("%s:%" PRId64 ": expected a section line '=TAG<TAB>TYPE<TAB>COUNT' or =END", t.name, t.line);
        tag = TSC_TAG(f[0][0], f[0][1], f[0][2], f[0][3]);
        if (tag == TSC_TAG_END) TBAD("%s:%" PRId64 ": END is not a section", t.name, t.line);
        if (tag == TSC_TAG_RUNINFO && (type != TSC_T_STR || count % 2))
            TBAD("%s:%" PRId64 ": a RUNI section holds key, value string pairs (str, an even count)", t.name, t.line);
        if (tag == TSC_SEC_HITS && type == TSC_T_U8 && kind == TSC_KIND_HITS) {
            /* records -> one chunk, as it was */
            kstring_t b = { 0, 0, NULL };
            int64_t last = hrec_last;
            for (i = 0; i < count; i++) {
                int ng, k;
                int64_t frag;
                size_t pos, ntab = 1;
                const char *c;
                if ((ret = next_line(&t)) != 1) { free(b.s); if (ret < 0) goto fail; TBAD("%s: truncated text: HREC needs %" PRId64 " records", t.name, count); }
                for (c = t.ks.s; *c; c++) ntab += *c == '\t';
                if (ntab > (size_t)m_g) {
                    char **p = realloc(g, ntab * sizeof(char *));
                    if (!p) { free(b.s); TBAD("out of memory"); }
                    g = p;
                    m_g = (int)ntab;
                }
                ng = split(t.ks.s, g, m_g);
                if (parse_i64(g[0], &frag) < 0 || frag < last || ng < 2) { free(b.s); TBAD("%s:%" PRId64 ": bad HITS record", t.name, t.line); }
                if (ks_resize(&b, b.l + 32 + strlen(g[1]) + 32 * (size_t)ng) < 0) { free(b.s); TBAD("out of memory"); }
                pos = b.l;
                tsc_put_uvar((uint8_t *)b.s, &pos, (uint64_t)(frag - last));
                if (strcmp(g[1], "*") == 0) tsc_put_uvar((uint8_t *)b.s, &pos, 0);
                else {
                    if (unesc(g[1]) < 0 || !*g[1]) { free(b.s); TBAD("%s:%" PRId64 ": bad name", t.name, t.line); }
                    tsc_put_uvar((uint8_t *)b.s, &pos, strlen(g[1]));
                    memcpy(b.s + pos, g[1], strlen(g[1]));
                    pos += strlen(g[1]);
                }
                tsc_put_uvar((uint8_t *)b.s, &pos, (uint64_t)(ng - 2));
                for (k = 2; k < ng; k++) {
                    int64_t fe, as, al;
                    char *c1 = strchr(g[k], ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
                    if (!c2) { free(b.s); TBAD("%s:%" PRId64 ": bad mapping '%s' (FEAT,AS,ALNLEN)", t.name, t.line, g[k]); }
                    *c1 = *c2 = 0;
                    if (parse_i64(g[k], &fe) < 0 || parse_i64(c1 + 1, &as) < 0 || parse_i64(c2 + 1, &al) < 0 ||
                        fe < -1 || fe >= h->n_feat || as < INT32_MIN || as > INT32_MAX || al < 0 || al > INT32_MAX) {
                        free(b.s);
                        TBAD("%s:%" PRId64 ": mapping out of range", t.name, t.line);
                    }
                    tsc_put_uvar((uint8_t *)b.s, &pos, (uint64_t)(fe + 1));
                    tsc_put_svar((uint8_t *)b.s, &pos, as);
                    tsc_put_uvar((uint8_t *)b.s, &pos, (uint64_t)al);
                }
                b.l = pos;
                last = frag;
            }
            hrec_last = last;
            ret = tsc_ws_section(w, tag, TSC_T_U8, b.s ? b.s : "", b.l);
            free(b.s);
            if (ret < 0) goto fail;
        } else {
            size_t sz = type == TSC_T_U8 ? 1 : type == TSC_T_I32 || type == TSC_T_U32 ? 4 : 8;
            size_t m_data = 0;
            /* grown as values arrive: a huge COUNT on a short text fails at the truncation,
             * not at an allocation of COUNT elements */
            if (tsc_grow(&data, &m_data, (size_t)(count < 4096 ? count : 4096) + 1, sz) < 0) TBAD("out of memory");
            data_str = type == TSC_T_STR ? data : NULL;
            n_str = 0;
            for (i = 0; i < count; i++) {
                char *v;
                int64_t x;
                if ((size_t)i >= m_data) {
                    if (tsc_grow(&data, &m_data, (size_t)i + 1, sz) < 0) TBAD("out of memory");
                    data_str = type == TSC_T_STR ? data : NULL;
                }
                if ((ret = next_line(&t)) < 0) goto fail;
                if (ret == 0) TBAD("%s: truncated text: section %s needs %" PRId64 " values", t.name, f[0], count);
                v = t.ks.s;
                switch (type) {
                case TSC_T_U8: if (parse_i64(v, &x) < 0 || x < 0 || x > 255) goto badval; ((uint8_t *)data)[i] = (uint8_t)x; break;
                case TSC_T_I32: if (parse_i64(v, &x) < 0 || x < INT32_MIN || x > INT32_MAX) goto badval; ((int32_t *)data)[i] = (int32_t)x; break;
                case TSC_T_U32: if (parse_i64(v, &x) < 0 || x < 0 || x > UINT32_MAX) goto badval; ((uint32_t *)data)[i] = (uint32_t)x; break;
                case TSC_T_I64: if (parse_i64(v, &x) < 0) goto badval; ((int64_t *)data)[i] = x; break;
                case TSC_T_F64: {
                    char *end;
                    double d;
                    errno = 0;
                    if (strncmp(v, "nan:0x", 6) == 0) { /* a NaN's exact bits, as f64_str prints them */
                        uint64_t u = strtoull(v + 6, &end, 16);
                        memcpy(&d, &u, 8);
                        if (end != v + 22 || *end || d == d) goto badval;
                    } else {
                        d = strtod(v, &end);
                        if (end == v || *end) goto badval;
                    }
                    ((double *)data)[i] = d;
                    break;
                }
                case TSC_T_STR:
                    if (unesc(v) < 0 || !(((char **)data)[i] = strdup(v))) goto badval;
                    n_str = i + 1;
                    break;
                }
                continue;
            badval:
                TBAD("%s:%" PRId64 ": bad %s value '%s'", t.name, t.line, type_name(type), v);
            }
            ret = tsc_ws_section(w, tag, type, data, (uint64_t)count);
            if (type == TSC_T_STR) for (i = 0; i < count; i++) free(((char **)data)[i]);
            free(data);
            data = NULL;
            data_str = NULL;
            if (ret < 0) goto fail;
        }
        if ((ret = next_line(&t)) < 0) goto fail;
    }
    if (!ended) TBAD("%s: truncated text: no =END line", t.name);
    if (own) fclose(t.fp);
    free(t.ks.s);
    free(g);
    tsc_hdr_destroy(h);
    return tsc_ws_close(w);
fail:
    free(g);
    if (data_str) for (i = 0; i < n_str; i++) free(data_str[i]);
    free(data);
    if (own && t.fp) fclose(t.fp);
    free(t.ks.s);
    tsc_hdr_destroy(h);
    tsc_ws_abort(w);
    return -1;
}

/* ======================================================================== triplets */

int tsc_stream2triplets(const char *path, FILE *out)
{
    tsc_mtx_t *m = tsc_mtx_read(path, 0);
    int64_t i, j;
    char num[40];
    if (!m) return -1;
    fprintf(out, "row\tfragment\tcol\tfeature\traw_score%s\n", m->z ? "\tz_final" : "");
    for (i = 0; i < m->n_rows; i++)
        for (j = m->indptr[i]; j < m->indptr[i + 1]; j++) {
            fprintf(out, "%" PRId64 "\t", i);
            if (m->names) put_esc(out, m->names[i]);
            else if (m->frag) fprintf(out, "%" PRId64, m->frag[i]);
            else putc('*', out);
            fprintf(out, "\t%d\t", m->indices[j]);
            put_esc(out, m->hdr->feat[m->indices[j]]);
            fprintf(out, "\t%u", m->score[j]);
            if (m->z) fprintf(out, "\t%s", tsc_repr_double(m->z[j], num));
            putc('\n', out);
        }
    tsc_mtx_destroy(m);
    return 0;
}
