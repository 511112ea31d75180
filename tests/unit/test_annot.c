/* test_annot.c -- unit tests of lib/tsc_annot.c and lib/tsc_gtf.c: the attribute parser against
 * Python's re.findall results, the per-locus merge (bridging exons, abutting exons, strand,
 * order independence), the BED round trip, and the overlap index against a brute-force scan.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include "tsc_test.h"
#include "tsc_annot.h"
#include "tsc_annot_internal.h"

static char g_tmp[4096];

static const char *tmpfile_path(const char *name)
{
    const char *d = getenv("TMPD");
    snprintf(g_tmp, sizeof(g_tmp), "%s/%s", d && *d ? d : "/tmp", name);
    return g_tmp;
}

static uint64_t g_rng = 88172645463325252ULL;
static uint64_t rnd(void) /* xorshift64 */
{
    g_rng ^= g_rng << 13, g_rng ^= g_rng >> 7, g_rng ^= g_rng << 17;
    return g_rng;
}

/* ---- attribute parser: expected values from Python 3.11 dict(re.findall(...)).get(key) ---- */
static void check_attr(const char *s, const char *key, const char *want)
{
    size_t vl = 0;
    const char *v = tsc_gtf_attr(s, strlen(s), key, &vl);
    char got[256];
    if (!v) {
        CHECK(want == NULL);
        if (want) fprintf(stderr, "  attr \"%s\" in [%s]: missing, expected \"%s\"\n", key, s, want);
        return;
    }
    snprintf(got, sizeof(got), "%.*s", (int)vl, v);
    CHECK(want != NULL);
    if (want) CHECK_STR(got, want);
    else fprintf(stderr, "  attr \"%s\" in [%s]: got \"%s\", expected none\n", key, s, got);
}

static void test_attr(void)
{
    check_attr("gene_id \"A\"; transcript_id \"B\"; locus \"C\";", "locus", "C");
    check_attr("gene_id \"A\"; transcript_id \"B\"; locus \"C\";", "gene_id", "A");
    check_attr("locus \"\"; gene_id \"x\";", "locus", "\"; gene_id \"x");
    check_attr("locus \"a\"b\"; locus \"c\";", "locus", "c"); /* later duplicate wins */
    check_attr("locus \"a\"b\";", "locus", "a\"b");
    check_attr("gene_id \"a; locus \"X\"; tx \"y\";", "locus", NULL);
    check_attr("locus\"x\";", "locus", NULL);
    check_attr("locus  \t\"sp ace\";", "locus", "sp ace");
    check_attr("locus \"x\"", "locus", NULL);             /* no ';' */
    check_attr("locus x;", "locus", NULL);                /* unquoted */
    check_attr("  locus \"x\" ; locus \"y\";", "locus", "x\" ; locus \"y");
    check_attr("xlocus \"a\"; locus_ \"b\";", "locus", NULL);
    check_attr("l\xc3\xb4" "cus \"u\"; cus \"v\";", "cus", "v");
    check_attr("l\xc3\xb4" "cus \"u\";", "cus", NULL);
    check_attr("locus \"\xc3\xa9t\xc3\xa9 \"q\"\";", "locus", "\xc3\xa9t\xc3\xa9 \"q\"");
    check_attr("locus\x1c\"fs\";", "locus", "fs");         /* \x1c is \s in Python */
    check_attr("", "locus", NULL);
    check_attr("locus \"", "locus", NULL);
    check_attr("locus \"\";", "locus", NULL);
    check_attr("a \"b\";locus \"c\";", "locus", "c");
}

/* ---- GTF reading ---- */
static int write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    if (!fp) return -1;
    fputs(text, fp);
    return fclose(fp);
}

static tsc_annot_t *gtf_from_text(const char *text, const char *attr)
{
    tsc_gtf_opt_t o;
    const char *p = tmpfile_path("t.gtf");
    tsc_gtf_opt_init(&o);
    if (attr) o.attribute = attr;
    if (write_file(p, text) < 0) return NULL;
    return tsc_gtf2annot(p, &o);
}

#define ROW(chr, s, e, st, loc) chr "\tt\texon\t" #s "\t" #e "\t.\t" st "\t.\tlocus \"" loc "\";\n"

static void test_merge(void)
{
    tsc_annot_t *a;
    /* a bridging exon merges all three (Q20 fixed); abutting exons stay apart */
    a = gtf_from_text(ROW("c1", 1, 10, "+", "A") ROW("c1", 20, 30, "+", "A") ROW("c1", 5, 25, "-", "A")
                      ROW("c1", 31, 40, "+", "A") ROW("c1", 100, 200, "+", "B"), NULL);
    CHECK(a != NULL);
    if (a) {
        CHECK_INT(a->n_loci, 2);
        CHECK_INT(a->n_iv, 3);
        CHECK_INT(a->iv[0].beg, 0); CHECK_INT(a->iv[0].end, 30); CHECK_INT(a->iv[0].strand, '-');
        CHECK_INT(a->iv[1].beg, 30); CHECK_INT(a->iv[1].end, 40); CHECK_INT(a->iv[1].strand, '+');
        CHECK_INT(a->len[0], 40);
        CHECK_INT(a->len[1], 101);
        CHECK_STR(a->locus[1], "B");
    }
    tsc_annot_destroy(a);
    /* the hull takes the newest row's strand (Q21), whatever the position order */
    a = gtf_from_text(ROW("c1", 5, 15, "-", "A") ROW("c1", 1, 10, "+", "A") ROW("c1", 12, 14, ".", "B"),
                      NULL);
    CHECK(a != NULL);
    if (a) {
        CHECK_INT(a->n_iv, 2);
        CHECK_INT(a->iv[0].strand, '+');
        CHECK_INT(a->iv[0].beg, 0); CHECK_INT(a->iv[0].end, 15);
        CHECK_INT(a->iv[1].strand, '.');
    }
    tsc_annot_destroy(a);
    /* one locus on two chromosomes: intervals by chromosome name; the length sums both */
    a = gtf_from_text("#c\n\n" ROW("zz", 1, 10, "+", "A") ROW("aa", 1, 5, "+", "B")
                      ROW("aa", 3, 4, "+", "A") "track name=x\n", NULL);
    CHECK(a != NULL);
    if (a) {
        CHECK_INT(a->n_iv, 3);
        CHECK_INT(a->n_chrom, 2);
        CHECK_STR(a->chrom[a->iv[0].chrom], "aa");
        CHECK_STR(a->chrom[a->iv[1].chrom], "zz");
        CHECK_STR(a->chrom[0], "aa");
        CHECK_INT(a->len[0], 12);
        CHECK_INT(a->iv[2].locus, 1);
    }
    tsc_annot_destroy(a);
    /* bad input */
    CHECK(gtf_from_text("c1\tt\texon\t1\t10\t.\t+\t.\n", NULL) == NULL);
    CHECK(gtf_from_text(ROW("c1", 10, 9, "+", "A"), NULL) == NULL);
    CHECK(gtf_from_text(ROW("c1", 0, 9, "+", "A"), NULL) == NULL);
    CHECK(gtf_from_text(ROW("c1", 1x, 9, "+", "A"), NULL) == NULL);
    CHECK(gtf_from_text("# nothing\n", NULL) == NULL);
    CHECK(gtf_from_text(ROW("c1", 1, 9, "+", "A"), "gene id") == NULL);
    /* what Python's int() accepts */
    a = gtf_from_text("c1\tt\texon\t 1_0 \t+20\t.\t+\t.\tlocus \"A\";\r\n", NULL);
    CHECK(a != NULL);
    if (a) {
        CHECK_INT(a->iv[0].beg, 9);
        CHECK_INT(a->iv[0].end, 20);
    }
    tsc_annot_destroy(a);
}

static int annot_equal(const tsc_annot_t *a, const tsc_annot_t *b)
{
    int64_t j;
    int32_t i;
    if (a->n_loci != b->n_loci || a->n_iv != b->n_iv || a->n_chrom != b->n_chrom) return 0;
    for (i = 0; i < a->n_loci; i++)
        if (strcmp(a->locus[i], b->locus[i]) || a->len[i] != b->len[i]) return 0;
    for (i = 0; i < a->n_chrom; i++)
        if (strcmp(a->chrom[i], b->chrom[i])) return 0;
    for (j = 0; j < a->n_iv; j++)
        if (a->iv[j].chrom != b->iv[j].chrom || a->iv[j].beg != b->iv[j].beg ||
            a->iv[j].end != b->iv[j].end || a->iv[j].locus != b->iv[j].locus ||
            a->iv[j].strand != b->iv[j].strand)
            return 0;
    return 1;
}

/* ---- the loci BED: names that survive, hand-made BEDs, bad BEDs ---- */
static tsc_annot_t *bed_from_text(const char *text)
{
    const char *p = tmpfile_path("t.bed");
    if (write_file(p, text) < 0) return NULL;
    return tsc_bed2annot(p);
}

static void test_bed(void)
{
    tsc_annot_t *a, *b;
    FILE *fp;
    a = gtf_from_text(ROW("c 1", 1, 10, "+", "HERV 'K' \"x\" \xc3\xa9t\xc3\xa9") ROW("c2", 5, 6, "-", "#x")
                      ROW("c2", 8, 9, "-", "track x"), NULL);
    CHECK(a != NULL);
    if (!a) return;
    CHECK_STR(a->locus[0], "HERV 'K' \"x\" \xc3\xa9t\xc3\xa9");
    CHECK_STR(a->chrom[0], "c 1");
    fp = fopen(tmpfile_path("n.bed"), "w");
    CHECK(fp != NULL);
    if (fp) {
        CHECK(tsc_annot2bed(a, fp) == 0);
        fclose(fp);
        b = tsc_bed2annot(g_tmp);
        CHECK(b != NULL);
        if (b) {
            CHECK(annot_equal(a, b));
            CHECK_STR(b->locus[2], "track x");
        }
        tsc_annot_destroy(b);
    }
    tsc_annot_destroy(a);
    /* a hand-made BED: BED4, overlapping same-locus lines merged, comments and track lines */
    a = bed_from_text("track name=x\n# c\n\nchr1\t10\t20\tA\r\nchr1\t15\t30\tA\t0\t-\n"
                      "chr1\t30\t40\tA\t0\t+\textra\nchr0\t0\t5\tB C\t0\t.\n");
    CHECK(a != NULL);
    if (a) {
        CHECK_INT(a->n_loci, 2);
        CHECK_INT(a->n_iv, 3);
        CHECK_INT(a->len[0], 30);
        CHECK_INT(a->len[1], 5);
        CHECK_INT(a->iv[0].beg, 10);
        CHECK_INT(a->iv[0].end, 30);
        CHECK_INT(a->iv[0].strand, '-');
        CHECK_INT(a->iv[1].strand, '+');
        CHECK_STR(a->locus[1], "B C");
    }
    tsc_annot_destroy(a);
    CHECK(bed_from_text("chr1\t10\t20\n") == NULL);
    CHECK(bed_from_text("chr1\t10\t10\tA\n") == NULL);
    CHECK(bed_from_text("chr1\t-1\t10\tA\n") == NULL);
    CHECK(bed_from_text("chr1\t1e3\t10\tA\n") == NULL);
    CHECK(bed_from_text("chr1\t1\t10\t\n") == NULL);
    CHECK(bed_from_text("# empty\n") == NULL);
    CHECK(tsc_bed2annot(tmpfile_path("missing.bed")) == NULL);
}

/* ---- random GTFs: order independence and the BED round trip ---- */
typedef struct {
    int chrom, locus;
    int64_t s, e;
} grow_t;

static void write_gtf(const char *path, const grow_t *r, int n, int crlf)
{
    FILE *fp = fopen(path, "w");
    int i;
    if (!fp) return;
    for (i = 0; i < n; i++)
        fprintf(fp, "chr%d\tsrc\texon\t%lld\t%lld\t.\t%c\t.\tgene_id \"g\"; locus \"L %d\";%s\n",
                r[i].chrom, (long long)r[i].s, (long long)r[i].e, r[i].locus % 3 ? '+' : '-',
                r[i].locus, crlf ? "\r" : "");
    fclose(fp);
}

/* canonical text of an annotation: per locus NAME, its intervals, sorted (order-free) */
static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static char **canon(const tsc_annot_t *a)
{
    char **l = calloc((size_t)a->n_iv + 1, sizeof(*l));
    int64_t j;
    for (j = 0; j < a->n_iv; j++) {
        char buf[512];
        const tsc_iv_t *v = &a->iv[j];
        snprintf(buf, sizeof(buf), "%s %s %lld %lld %c %lld", a->locus[v->locus], a->chrom[v->chrom],
                 (long long)v->beg, (long long)v->end, v->strand, (long long)a->len[v->locus]);
        l[j] = strdup(buf);
    }
    qsort(l, (size_t)a->n_iv, sizeof(*l), cmp_str);
    return l;
}

static void free_canon(char **l)
{
    int i;
    for (i = 0; l[i]; i++) free(l[i]);
    free(l);
}


/* brute-force length: bases covered per locus (a bitmap per chromosome) */
static void check_lengths(const grow_t *r, int n, const tsc_annot_t *a, int n_chr, int64_t span)
{
    int32_t l;
    for (l = 0; l < a->n_loci; l++) {
        int locus = atoi(a->locus[l] + 2), c, i;
        int64_t len = 0, p;
        for (c = 0; c < n_chr; c++) {
            unsigned char *cov = calloc((size_t)span + 2, 1);
            for (i = 0; i < n; i++)
                if (r[i].locus == locus && r[i].chrom == c)
                    for (p = r[i].s; p <= r[i].e; p++) cov[p] = 1;
            for (p = 0; p <= span + 1; p++) len += cov[p];
            free(cov);
        }
        CHECK_INT(a->len[l], len);
    }
}

static void test_random_gtf(void)
{
    int round;
    for (round = 0; round < 30; round++) {
        int n = 1 + (int)(rnd() % 300), n_loc = 1 + (int)(rnd() % 20), n_chr = 1 + (int)(rnd() % 4);
        int64_t span = 50 + (int64_t)(rnd() % 2000);
        grow_t *r = malloc((size_t)n * sizeof(*r));
        tsc_annot_t *a, *b, *c;
        tsc_gtf_opt_t o;
        char **ca, **cb;
        int i, k;
        FILE *fp;
        for (i = 0; i < n; i++) {
            r[i].chrom = (int)(rnd() % n_chr);
            r[i].locus = (int)(rnd() % n_loc);
            r[i].s = 1 + (int64_t)(rnd() % span);
            r[i].e = r[i].s + (int64_t)(rnd() % 60);
        }
        /* make each locus one strand so that the shuffled file must give the same strands */
        tsc_gtf_opt_init(&o);
        write_gtf(tmpfile_path("r1.gtf"), r, n, 0);
        a = tsc_gtf2annot(g_tmp, &o);
        CHECK(a != NULL);
        if (!a) {
            free(r);
            continue;
        }
        check_lengths(r, n, a, n_chr, span + 60);
        for (i = 0; i < a->n_iv; i++) /* same-locus intervals never share a base */
            for (k = 0; k < a->n_iv; k++)
                if (i != k && a->iv[i].locus == a->iv[k].locus && a->iv[i].chrom == a->iv[k].chrom)
                    CHECK(a->iv[i].end <= a->iv[k].beg || a->iv[k].end <= a->iv[i].beg);
        for (i = n - 1; i > 0; i--) { /* shuffle */
            int j = (int)(rnd() % (uint64_t)(i + 1));
            grow_t t = r[i];
            r[i] = r[j], r[j] = t;
        }
        write_gtf(tmpfile_path("r2.gtf"), r, n, 1);
        b = tsc_gtf2annot(g_tmp, &o);
        CHECK(b != NULL);
        if (b) {
            ca = canon(a), cb = canon(b);
            CHECK_INT(a->n_iv, b->n_iv);
            for (i = 0; i < a->n_iv && i < b->n_iv; i++) CHECK_STR(ca[i], cb[i]);
            free_canon(ca), free_canon(cb);
        }
        /* BED round trip: identical, in the same order */
        fp = fopen(tmpfile_path("r.bed"), "w");
        CHECK(fp != NULL);
        if (fp) {
            CHECK(tsc_annot2bed(a, fp) == 0);
            fclose(fp);
            c = tsc_bed2annot(g_tmp);
            CHECK(c != NULL);
            if (c) CHECK(annot_equal(a, c));
            tsc_annot_destroy(c);
        }
        tsc_annot_destroy(a);
        tsc_annot_destroy(b);
        free(r);
    }
}

/* ---- the overlap index against a brute-force scan ---- */
static int64_t brute(const tsc_annot_t *a, int32_t chrom, int64_t beg, int64_t end, int64_t *out)
{
    int64_t j, n = 0, i, k;
    if (beg >= end) return 0; /* an empty query overlaps nothing */
    for (j = 0; j < a->n_iv; j++)
        if (a->iv[j].chrom == chrom && a->iv[j].beg < end && beg < a->iv[j].end) out[n++] = j;
    for (i = 1; i < n; i++) /* insertion sort by (start, locus) */
        for (k = i; k > 0; k--) {
            const tsc_iv_t *x = &a->iv[out[k - 1]], *y = &a->iv[out[k]];
            if (x->beg < y->beg || (x->beg == y->beg && x->locus <= y->locus)) break;
            j = out[k], out[k] = out[k - 1], out[k - 1] = j;
        }
    return n;
}

static void test_index(void)
{
    int round;
    int64_t *buf = NULL, m = 0, *ref = NULL, *ref2 = NULL, n_hits = 0, n_q = 0, n_far = 0;
    for (round = 0; round < 200; round++) {
        tsc_annot_build_t *b = tsc_annot_build_init();
        tsc_annot_t *a;
        int n = (int)(rnd() % (round < 20 ? 8 : 2000)), n_loc = 1 + (int)(rnd() % 50);
        int n_chr = 1 + (int)(rnd() % 3), i, q;
        int64_t span = 100 + (int64_t)(rnd() % 100000);
        char name[32];
        if (!b) break;
        for (i = 0; i < n_chr; i++) {
            snprintf(name, sizeof(name), "chr%d", i);
            CHECK(tsc_annot_build_chrom(b, name, strlen(name)) == i);
        }
        for (i = 0; i < n_loc; i++) {
            snprintf(name, sizeof(name), "L%d", i);
            CHECK(tsc_annot_build_locus(b, name, strlen(name)) == i);
        }
        for (i = 0; i < n; i++) {
            int64_t s = (int64_t)(rnd() % (uint64_t)span);
            int64_t len = rnd() % 8 == 0 ? 1 + (int64_t)(rnd() % (uint64_t)span)
                                         : 1 + (int64_t)(rnd() % 300);
            CHECK(tsc_annot_build_add(b, (int32_t)(rnd() % n_chr), (int32_t)(rnd() % n_loc), s, s + len,
                                      '+') == 0);
        }
        if (n == 0) { /* an empty annotation still indexes and answers */
            tsc_annot_build_destroy(b);
            a = calloc(1, sizeof(*a));
        } else {
            a = tsc_annot_build_finish(b);
        }
        CHECK(a != NULL);
        if (!a) continue;
        CHECK(tsc_annot_index(a) == 0);
        ref = realloc(ref, (size_t)(a->n_iv + 1) * sizeof(*ref));
        ref2 = realloc(ref2, (size_t)(a->n_iv + 1) * sizeof(*ref2));
        for (q = 0; q < 300; q++) {
            int32_t c = (int32_t)(rnd() % (uint64_t)(n_chr + 1)) - (q % 7 == 0);
            int64_t s = (int64_t)(rnd() % (uint64_t)(span + 400)) - 200;
            int64_t e = s + (rnd() % 4 == 0 ? (int64_t)(rnd() % 3) : (int64_t)(rnd() % 2000));
            int64_t k, nr, nq;
            int t;
            if (q % 5 == 0 && a->n_iv > 0) { /* query touching an interval's edges */
                const tsc_iv_t *v = &a->iv[rnd() % (uint64_t)a->n_iv];
                c = v->chrom;
                s = q % 2 ? v->end : v->beg - 5, e = q % 2 ? v->end + 5 : v->beg;
            }
            if (c >= n_chr) c = n_chr - 1;
            nr = brute(a, c, s, e, ref);
            n_q++, n_hits += nr;
            { /* the bitmap: never "no" where there are hits, "yes" only within a bin of one */
                int may = tsc_annot_maybe(a, c, s, e);
                if (nr > 0) CHECK_INT(may, 1);
                if (may && e > s) CHECK(brute(a, c, s - 256, e + 256, ref2) > 0);
                if (!may) n_far++;
            }
            for (t = 0; t < 2; t++) { /* the public query, then its tree fallback alone */
                nq = t ? tsc_annot_query_tree(a, c, s, e, &buf, &m) : tsc_annot_query(a, c, s, e, &buf, &m);
                CHECK_INT(nq, nr);
                if (nq != nr)
                    fprintf(stderr, "  %s: round %d, chrom %d, [%lld, %lld)\n", t ? "tree" : "query",
                            round, c, (long long)s, (long long)e);
                if (nq == nr)
                    for (k = 0; k < nr; k++)
                        if (buf[k] != ref[k]) {
                            CHECK_INT(buf[k], ref[k]);
                            break;
                        }
            }
        }
        if (n == 0) CHECK_INT(tsc_annot_chrom_id(a, "chr0"), -1);
        CHECK_INT(tsc_annot_chrom_id(a, "nope"), -1);
        for (i = 0; i < a->n_chrom; i++) CHECK_INT(tsc_annot_chrom_id(a, a->chrom[i]), i);
        tsc_annot_destroy(a);
    }
    fprintf(stderr, "index: %lld queries, %lld hits checked\n", (long long)n_q, (long long)n_hits);
    CHECK(n_hits > 10000);
    CHECK(n_far > 1000); /* the bitmap says "no" often */
    free(buf);
    free(ref);
    free(ref2);
}

/* the header's recipe for upstream's overlap (spec §5.1, Q1) against upstream's own arithmetic:
 * block [s, e) queried as Interval(s, e + 1) against GTF [S, E] stored as Interval(S, E + 1) */
static void test_upstream_overlap(void)
{
    tsc_annot_t *a = gtf_from_text(ROW("c", 101, 200, "+", "A") ROW("c", 201, 300, "+", "B")
                                   ROW("c", 150, 160, "+", "C"), NULL);
    int64_t *buf = NULL, m = 0, s, e, k, n;
    CHECK(a != NULL);
    if (!a) return;
    CHECK(tsc_annot_index(a) == 0);
    for (s = 0; s < 320; s += 3)
        for (e = s + 1; e < s + 40; e += 2) {
            int64_t got[3] = { 0, 0, 0 }, want[3] = { 0, 0, 0 };
            static const int64_t S[3] = { 101, 201, 150 }, E[3] = { 200, 300, 160 };
            n = tsc_annot_query(a, 0, s - 1, e, &buf, &m);
            for (k = 0; k < n; k++) {
                const tsc_iv_t *v = &a->iv[buf[k]];
                got[v->locus] += (e < v->end ? e : v->end) - (s - 1 > v->beg ? s - 1 : v->beg);
            }
            for (k = 0; k < 3; k++) { /* intervaltree: min(end) - max(begin) when they overlap */
                int64_t o = (e + 1 < E[k] + 1 ? e + 1 : E[k] + 1) - (s > S[k] ? s : S[k]);
                want[k] = o > 0 ? o : 0;
            }
            for (k = 0; k < 3; k++) CHECK_INT(got[k], want[k]);
        }
    free(buf);
    tsc_annot_destroy(a);
}

int main(void)
{
    tsc_set_progname("test_annot");
    test_attr();
    test_merge();
    test_bed();
    test_random_gtf();
    test_index();
    test_upstream_overlap();
    return tsc_test_result("test_annot");
}
