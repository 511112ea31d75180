/* tsc_gtf.c -- GTF parsing as upstream Telescope does it (spec §3), with Q19 and Q20 fixed.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <htslib/bgzf.h>
#include <htslib/kstring.h>
#include "tsc_annot.h"
#include "tsc_annot_internal.h"

#define MAX_SKIP_SHOWN 5 /* rows without the attribute warned about one by one */

void tsc_gtf_opt_init(tsc_gtf_opt_t *o)
{
    o->attribute = "locus";
    o->feature_type = "exon";
}

/* Python 3 re, str pattern: \w is a Unicode word character (ASCII: [A-Za-z0-9_]); we count every
 * byte >= 0x80 as one, so UTF-8 letters work.  \s in ASCII is [\t\n\v\f\r\x1c-\x1f ]. */
static inline int is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c >= 0x80;
}

static inline int is_pyspace(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

int tsc_gtf_opt_check(const tsc_gtf_opt_t *o)
{
    int ret = 0;
    const char *p;
    if (!o->attribute || !*o->attribute) {
        tsc_error("the attribute name is empty");
        ret = -1;
    } else {
        for (p = o->attribute; *p; p++)
            if (!is_word((unsigned char)*p)) break;
        if (*p) {
            tsc_error("attribute \"%s\" can never match: attribute names are word characters "
                      "[A-Za-z0-9_]", o->attribute);
            ret = -1;
        }
    }
    if (!o->feature_type || !*o->feature_type) {
        tsc_error("the feature type is empty");
        ret = -1;
    } else if (strchr(o->feature_type, '\t')) {
        tsc_error("the feature type contains a tab");
        ret = -1;
    }
    return ret;
}

/* re.findall('(\w+)\s+"(.+?)";', s) scans left to right for non-overlapping matches.  At a given
 * start the key is the whole word run (a shorter one would be followed by a word character, not
 * \s); the value is the shortest non-empty text followed by '";'.  A failed start inside a word
 * fails the same way as the word's start, so the scan resumes after the word. */
const char *tsc_gtf_attr(const char *s, size_t n, const char *key, size_t *vlen)
{
    size_t p = 0, klen = strlen(key);
    const char *found = NULL;
    while (p < n) {
        size_t j, k, v, m;
        const char *q;
        if (!is_word((unsigned char)s[p])) {
            p++;
            continue;
        }
        for (j = p + 1; j < n && is_word((unsigned char)s[j]); j++) {}
        for (k = j; k < n && is_pyspace((unsigned char)s[k]); k++) {}
        if (k == j || k >= n || s[k] != '"') {
            p = j;
            continue;
        }
        v = k + 1;
        for (m = v + 1;; m = (size_t)(q - s) + 1) { /* first '";' at or after v + 1 */
            q = m + 1 < n ? memchr(s + m, '"', n - 1 - m) : NULL;
            if (!q || q[1] == ';') break;
        }
        if (!q) break; /* no '";' left: no later start can match either */
        m = (size_t)(q - s);
        if (j - p == klen && memcmp(s + p, key, klen) == 0) found = s + v, *vlen = m - v;
        p = m + 2;
    }
    return found;
}

/* Python int() of a GTF coordinate, restricted to ASCII: optional blanks, an optional sign, and
 * decimal digits (single '_' between digits allowed, as int() does).  0 or -1. */
static int parse_gtf_int(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0, nd = 0;
    int64_t x = 0;
    while (n > 0 && is_pyspace((unsigned char)s[n - 1])) n--;
    while (i < n && is_pyspace((unsigned char)s[i])) i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            if (x > (INT64_MAX / 4 - 9) / 10) return -1; /* far beyond any chromosome */
            x = x * 10 + (s[i] - '0');
            nd++;
        } else if (s[i] == '_' && nd > 0 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
            continue;
        } else {
            return -1;
        }
    }
    if (nd == 0) return -1;
    *out = neg ? -x : x;
    return 0;
}

tsc_annot_t *tsc_gtf2annot(const char *path, const tsc_gtf_opt_t *opt)
{
    const char *fn = tsc_annot_fname(path);
    tsc_gtf_opt_t dflt;
    BGZF *fp = NULL;
    kstring_t ks = KS_INITIALIZE;
    tsc_annot_build_t *b = NULL;
    tsc_annot_t *a;
    int64_t row = -1, n_skip = 0, n_other = 0;
    size_t ftlen;
    int by_strand, ret;

    if (!opt) tsc_gtf_opt_init(&dflt), opt = &dflt;
    if (tsc_gtf_opt_check(opt) < 0) return NULL;
    ftlen = strlen(opt->feature_type);
    /* upstream sets a pseudo-attribute "strand" from column 7, over any real one */
    by_strand = strcmp(opt->attribute, "strand") == 0;
    if (!(fp = bgzf_open(path, "r"))) {
        tsc_error("%s: cannot open: %s", fn, strerror(errno));
        return NULL;
    }
    if (!(b = tsc_annot_build_init())) goto fail;
    while ((ret = bgzf_getline(fp, '\n', &ks)) >= 0) {
        char *s = ks.s, *f[9], *t;
        size_t n, fl[9], vlen = 0;
        const char *val;
        int nf = 0;
        int64_t start, end;
        int32_t c, l;
        char strand;

        row++; /* upstream's R: 0-based index over all lines; the 1-based line is row + 1 */
        n = ks.l;
        if (n && s[n - 1] == '\r') s[--n] = 0;
        if (n == 0 || s[0] == '#' || tsc_annot_is_track_line(s, n) || tsc_annot_is_blank(s, n))
            continue;
        if (memchr(s, 0, n)) {
            tsc_error("%s:%lld: NUL byte in line", fn, (long long)row + 1);
            goto fail;
        }
        for (;;) {
            t = nf < 8 ? memchr(s, '\t', ks.s + n - s) : NULL;
            f[nf] = s, fl[nf] = (t ? t : ks.s + n) - s, nf++;
            if (!t) break;
            s = t + 1;
        }
        if (nf < 9 || memchr(f[8], '\t', fl[8])) {
            if (nf == 9) /* count them all for the message */
                for (t = f[8]; (t = memchr(t, '\t', ks.s + n - t)) != NULL; t++) nf++;
            tsc_error("%s:%lld: expected 9 tab-separated fields, found %d", fn, (long long)row + 1,
                      nf);
            goto fail;
        }
        if (fl[2] != ftlen || memcmp(f[2], opt->feature_type, ftlen) != 0) {
            n_other++;
            continue;
        }
        if (by_strand) val = f[6], vlen = fl[6];
        else val = tsc_gtf_attr(f[8], fl[8], opt->attribute, &vlen);
        if (!val || vlen == 0) {
            if (++n_skip <= MAX_SKIP_SHOWN)
                tsc_warn("%s:%lld: Skipping row %lld: missing attribute \"%s\"", fn,
                         (long long)row + 1, (long long)row, opt->attribute);
            continue;
        }
        if (parse_gtf_int(f[3], fl[3], &start) < 0 || parse_gtf_int(f[4], fl[4], &end) < 0) {
            tsc_error("%s:%lld: start and end (columns 4 and 5) must be integers", fn,
                      (long long)row + 1);
            goto fail;
        }
        if (start < 1) {
            tsc_error("%s:%lld: start %lld is not a 1-based position", fn, (long long)row + 1,
                      (long long)start);
            goto fail;
        }
        if (end < start) {
            tsc_error("%s:%lld: end %lld is before start %lld", fn, (long long)row + 1,
                      (long long)end, (long long)start);
            goto fail;
        }
        if (fl[0] == 0) {
            tsc_error("%s:%lld: empty chromosome name", fn, (long long)row + 1);
            goto fail;
        }
        strand = fl[6] == 1 && (f[6][0] == '+' || f[6][0] == '-') ? f[6][0] : '.';
        if ((c = tsc_annot_build_chrom(b, f[0], fl[0])) < 0) goto fail;
        if ((l = tsc_annot_build_locus(b, val, vlen)) < 0) goto fail;
        /* GTF [start, end] closed, 1-based = BED [start - 1, end) */
        if (tsc_annot_build_add(b, c, l, start - 1, end, strand) < 0) goto fail;
    }
    if (ret < -1) {
        tsc_error("%s: read error after line %lld", fn, (long long)row + 1);
        goto fail;
    }
    if (bgzf_close(fp) < 0) {
        fp = NULL;
        tsc_error("%s: read error", fn);
        goto fail;
    }
    fp = NULL;
    ks_free(&ks);
    if (n_skip > MAX_SKIP_SHOWN)
        tsc_warn("%s: %lld %s rows in all skipped for missing attribute \"%s\" (first %d shown)",
                 fn, (long long)n_skip, opt->feature_type, opt->attribute, MAX_SKIP_SHOWN);
    if (tsc_annot_build_n_rows(b) == 0) {
        tsc_error("%s: no %s rows with attribute %s", fn, opt->feature_type, opt->attribute);
        tsc_annot_build_destroy(b);
        return NULL;
    }
    tsc_info("%s: %lld lines, %lld %s rows used, %lld skipped for missing attribute, %lld rows of "
             "other types", fn, (long long)row + 1, (long long)tsc_annot_build_n_rows(b),
             opt->feature_type, (long long)n_skip, (long long)n_other);
    a = tsc_annot_build_finish(b);
    if (a) tsc_info("%s: %d loci, %lld merged intervals on %d chromosomes", fn, a->n_loci,
                    (long long)a->n_iv, a->n_chrom);
    return a;
fail:
    if (fp) bgzf_close(fp);
    ks_free(&ks);
    tsc_annot_build_destroy(b);
    return NULL;
}
