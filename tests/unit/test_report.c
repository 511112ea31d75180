/* test_report.c -- unit tests of lib/tsc_report.c and of tsc_repr_double (lib/tsc_util.c):
 * Python repr, numpy rounding, the numpy 1.24 argsort port, pandas' quoting and row order,
 * the three writers (empty input, odd names, internal run-info keys, write errors).
 * Expected values in ../report/data/ come from Python (tests/report/gen-cases.py).
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "tsc_test.h"
#include "tsc_report.h"
#include "tsc_reassign.h"
#include "tsc_util.h"

static double from_bits(const char *hex)
{
    uint64_t u = strtoull(hex, NULL, 16);
    double x;
    memcpy(&x, &u, 8);
    return x;
}

static FILE *open_data(const char *name)
{
    char path[256];
    FILE *fp;
    snprintf(path, sizeof path, "../report/data/%s", name);
    fp = fopen(path, "r");
    if (!fp) fprintf(stderr, "cannot open %s\n", path);
    CHECK(fp != NULL);
    return fp;
}

/* tsc_repr_double against Python 3.11's repr (data/repr.tsv, by gen-cases.py), every value; this
 * includes the powers of two whose shortest repr lies above them (2^-24 = 5.960464477539063e-08),
 * which the first lib/tsc_util.c got wrong (17 digits). */
static void test_repr(void)
{
    FILE *fp = open_data("repr.tsv");
    char line[256], buf[64];
    int n = 0;
    if (!fp) return;
    while (fgets(line, sizeof line, fp)) {
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab++ = 0;
        tab[strcspn(tab, "\n")] = 0;
        tsc_repr_double(from_bits(line), buf);
        n++;
        CHECK_STR(buf, tab);
    }
    fclose(fp);
    CHECK(n > 1500);
    /* the examples of the spec */
    CHECK_STR(tsc_repr_double(1000.0, buf), "1000.0");
    CHECK_STR(tsc_repr_double(1e-05, buf), "1e-05");
    CHECK_STR(tsc_repr_double(1e16, buf), "1e+16");
    CHECK_STR(tsc_repr_double(0.3333333333333333, buf), "0.3333333333333333");
    CHECK_STR(tsc_repr_double(12.999999999999998, buf), "12.999999999999998");
    CHECK_STR(tsc_repr_double(NAN, buf), "nan");
    CHECK_STR(tsc_repr_double(-INFINITY, buf), "-inf");
}

static void test_round(void)
{
    FILE *fp = open_data("round.tsv");
    char a[32], b[32];
    int d, n = 0;
    if (!fp) return;
    while (fscanf(fp, "%31s %d %31s", a, &d, b) == 3) {
        double got = tsc_np_round(from_bits(a), d), exp = from_bits(b);
        n++;
        if (memcmp(&got, &exp, 8) != 0) {
            fprintf(stderr, "round(%.17g, %d) = %.17g, expected %.17g\n", from_bits(a), d, got, exp);
            CHECK(0);
        }
    }
    fclose(fp);
    CHECK(n > 400);
    CHECK(tsc_np_round(0.125, 2) == 0.12);  /* 12.5 -> 12, half to even */
    CHECK(tsc_np_round(0.375, 2) == 0.38);
    CHECK(tsc_np_round(2.675, 2) == 2.68);  /* 2.675 * 100 rounds to 267.5 -> 268 (Python round(): 2.67) */
    CHECK(tsc_np_round(494.955, 2) == 494.96);
    CHECK(isnan(tsc_np_round(NAN, 3)));
}

static void test_argsort(void)
{
    FILE *fp = open_data("argsort.tsv");
    static char line[1 << 16];
    double v[1024];
    int64_t idx[1024], exp[1024];
    int arrays = 0;
    if (!fp) return;
    while (fgets(line, sizeof line, fp)) {
        char *tab = strchr(line, '\t'), *p, *q;
        int n = 0, ne = 0, ok;
        if (!tab) continue;
        *tab = 0;
        for (p = strtok_r(line, " ", &q); p && n < 1024; p = strtok_r(NULL, " ", &q)) v[n++] = from_bits(p);
        for (p = strtok_r(tab + 1, " \n", &q); p && ne < 1024; p = strtok_r(NULL, " \n", &q)) exp[ne++] = atoll(p);
        CHECK_INT(n, ne);
        tsc_np_argsort(v, n, idx);
        ok = memcmp(idx, exp, n * sizeof(int64_t)) == 0;
        if (!ok) fprintf(stderr, "argsort of %d values differs from numpy 1.24's\n", n);
        CHECK(ok);
        arrays++;
    }
    fclose(fp);
    CHECK(arrays >= 20);
    /* larger inputs (and patterns that push introsort towards its heapsort fallback):
     * a permutation, in non-decreasing order */
    {
        int64_t n = 200000, i, *ix = malloc(n * sizeof(int64_t)), bad = 0;
        double *x = malloc(n * sizeof(double));
        char *seen = calloc(n, 1);
        int pat;
        tsc_mt_t r;
        tsc_mt_seed(&r, 9);
        for (pat = 0; pat < 4; pat++) {
            for (i = 0; i < n; i++)
                x[i] = pat == 0 ? (double)tsc_mt_bounded(&r, 1000) : pat == 1 ? (double)(i < n / 2 ? i : n - i)
                     : pat == 2 ? (double)((i * 7919) % 1009) : (double)(i % 2 ? i : n - i);
            memset(seen, 0, n);
            tsc_np_argsort(x, n, ix);
            for (i = 0; i < n; i++) {
                if (ix[i] < 0 || ix[i] >= n || seen[ix[i]]++) bad++;
                else if (i && x[ix[i]] < x[ix[i - 1]]) bad++;
            }
        }
        CHECK_INT(bad, 0);
        free(ix);
        free(x);
        free(seen);
    }
}

static void test_pd_order(void)
{
    static const double v[] = { 0.1, 0.5, 0.1, 0.5 }, w[] = { 0.2, NAN, 0.7, NAN, 0.2 };
    int64_t idx[5];
    CHECK(tsc_pd_argsort_desc(v, 4, idx) == 0);
    CHECK(idx[0] == 1 && idx[1] == 3 && idx[2] == 0 && idx[3] == 2); /* ties keep column order */
    CHECK(tsc_pd_argsort_desc(w, 5, idx) == 0);
    CHECK(idx[0] == 2 && idx[1] == 0 && idx[2] == 4 && idx[3] == 1 && idx[4] == 3); /* NaN last */
}

static void test_csv(void)
{
    kstring_t s = KS_INITIALIZE;
#define Q(in, out) do { s.l = 0; CHECK(tsc_csv_field(&s, in) == 0); CHECK_STR(ks_str(&s), out); } while (0)
    Q("HML2_1q22", "HML2_1q22");
    Q("a\tb", "\"a\tb\"");
    Q("a\"b", "\"a\"\"b\"");
    Q("\"", "\"\"\"\"");
    Q("a\nb", "\"a\nb\"");
    Q("a\rb", "a\rb");  /* Python 3.11's csv quotes \r only when it is in the line terminator */
    Q("a b,c;d'e", "a b,c;d'e");
    Q("", "");
#undef Q
    ks_free(&s);
}

/* a small FIT: 4 rows, 4 columns with odd names */
static tsc_mtx_t *small_fit(void)
{
    static const int64_t indptr[] = { 0, 1, 3, 5, 7 };
    static const int32_t indices[] = { 1, 1, 2, 0, 3, 2, 3 };
    static const uint32_t score[] = { 200, 200, 200, 150, 199, 190, 190 };
    static const double z[] = { 1.0, 0.5, 0.5, 0.05, 0.95, 0.5, 0.5 };
    static const double pi[] = { 0.01, 0.4, 0.4, 0.19 }, pinit[] = { 0.02, 0.3, 0.3, 0.38 };
    static const char *names[] = { "__no_feature", "TE\"1\"", "TE\t2", "TE 3" };
    tsc_mtx_t *m = tsc_mtx_init(TSC_KIND_FIT);
    int j;
    m->n_rows = 4;
    m->n_cols = 4;
    m->nnz = 7;
    m->indptr = malloc(sizeof indptr);
    memcpy(m->indptr, indptr, sizeof indptr);
    m->indices = malloc(sizeof indices);
    memcpy(m->indices, indices, sizeof indices);
    m->score = malloc(sizeof score);
    memcpy(m->score, score, sizeof score);
    m->z = malloc(sizeof z);
    memcpy(m->z, z, sizeof z);
    m->pi = malloc(sizeof pi);
    memcpy(m->pi, pi, sizeof pi);
    m->pi_init = malloc(sizeof pinit);
    memcpy(m->pi_init, pinit, sizeof pinit);
    for (j = 0; j < 4; j++) CHECK(tsc_hdr_add_feature(m->hdr, names[j], j ? 1000 * j : 0) == 0);
    CHECK(tsc_hdr_set_info(m->hdr, "version", "0.1") == 0);
    CHECK(tsc_hdr_set_info(m->hdr, "_min_as", "-10") == 0);
    CHECK(tsc_hdr_set_info(m->hdr, "total_fragments", "9") == 0);
    CHECK(tsc_hdr_set_info(m->hdr, "_em_iterations", "12") == 0);
    CHECK(tsc_hdr_set_info(m->hdr, "_em_converged", "1") == 0);
    m->lnl = 12.5;
    m->n_aloc = 4;
    m->aloc = malloc(4 * sizeof(char *));
    m->alen = malloc(4 * sizeof(int64_t));
    m->aloc[0] = strdup("TE 3");
    m->aloc[1] = strdup("#TE0");
    m->aloc[2] = strdup("TE\"1\"");
    m->aloc[3] = strdup("TE\t2");
    m->alen[0] = 3000; m->alen[1] = 77; m->alen[2] = 1000; m->alen[3] = 2000;
    return m;
}

static char *write_to_string(int which, const tsc_mtx_t *m, const tsc_report_t *rep,
                             const tsc_report_opt_t *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    int r = which == 0 ? tsc_report_write_counts(fp, "counts", m, rep)
          : which == 1 ? tsc_report_write_stats(fp, "stats", m, rep)
          : tsc_report_write_all_loci(fp, "all", m, rep, o, "tsc-report", "tsc-report --all-loci x");
    fclose(fp);
    CHECK(r == 0);
    return buf;
}

static void test_writers(void)
{
    tsc_mtx_t *m = small_fit();
    tsc_report_opt_t o;
    tsc_report_t rep;
    char *s;
    tsc_report_opt_init(&o);
    CHECK(tsc_report_opt_check(&o) == 0);
    /* seed (9 mod 4) * 4 = 4: the ties of row 1 (cols 1, 2 on raw 200) and row 3 (cols 2, 3 on
     * raw 190) draw for init_best_random: MT(4) gives 0, 0, i.e. cols 1 and 2 */
    o.mode = TSC_RA_AVERAGE;
    CHECK(tsc_report_compute(m, &o, &rep) == 0);
    CHECK_INT(rep.seed, 4);
    s = write_to_string(0, m, &rep, &o);
    /* byte order: "TE 3" (0x20) < "TE\t2"? no: '\t' (0x09) < ' ' (0x20) < '"' (0x22) */
    CHECK_STR(s, "transcript\tcount\n\"TE\t2\"\t1.0\nTE 3\t1.5\n\"TE\"\"1\"\"\"\t1.5\n__no_feature\t0.0\n");
    free(s);
    s = write_to_string(1, m, &rep, &o);
    CHECK_STR(s, "## RunInfo\tversion:0.1\ttotal_fragments:9"
                 "transcript\ttranscript_length\tfinal_conf\tfinal_prop\tinit_aligned\tunique_count\t"
                 "init_best\tinit_best_random\tinit_best_avg\tinit_prop\n"
                 "\"TE\"\"1\"\"\"\t1000\t1.0\t0.4\t2\t1\t1\t2\t1.5\t0.3\n"
                 "\"TE\t2\"\t2000\t0.0\t0.4\t2\t0\t0\t1\t1.0\t0.3\n"
                 "TE 3\t3000\t1.0\t0.19\t2\t0\t1\t1\t1.5\t0.38\n"
                 "__no_feature\t0\t0.0\t0.01\t1\t0\t0\t0\t0.0\t0.02\n");
    free(s);
    s = write_to_string(2, m, &rep, &o);
    CHECK(strstr(s, "# program: tsc-report\n# version: ") != NULL);
    CHECK(strstr(s, "# command: tsc-report --all-loci x\n") != NULL);
    CHECK(strstr(s, "# reassign_mode: average\n# conf_prob: 0.9\n# em_iterations: 12\n# em_converged: yes\n") != NULL);
    CHECK(strstr(s, "# run_info: version=0.1 total_fragments=9\n") != NULL);
    CHECK(strstr(s, "\nlocus\tcount\tlength\tfinal_prop\tfinal_conf\tunique_count\tinit_aligned\n"
                    "__no_feature\t0.0\t0\t0.01\t0.0\t0\t1\n"
                    "TE 3\t1.5\t3000\t0.19\t0.9999999999999999\t0\t2\n"
                    "\"#TE0\"\t0.0\t77\t0.0\t0.0\t0\t0\n"
                    "\"TE\"\"1\"\"\"\t1.5\t1000\t0.4\t1.0\t1\t2\n"
                    "\"TE\t2\"\t1.0\t2000\t0.4\t0.0\t0\t2\n") != NULL);
    CHECK(strstr(s, "_min_as") == NULL);
    free(s);
    tsc_report_free(&rep);

    /* integer modes print integers */
    o.mode = TSC_RA_EXCLUDE;
    CHECK(tsc_report_compute(m, &o, &rep) == 0);
    s = write_to_string(0, m, &rep, &o);
    CHECK_STR(s, "transcript\tcount\n\"TE\t2\"\t0\nTE 3\t1\n\"TE\"\"1\"\"\"\t1\n__no_feature\t0\n");
    free(s);
    /* a write error is reported */
    {
        FILE *full = fopen("/dev/full", "w");
        if (full) {
            tsc_set_verbosity(0);
            CHECK(tsc_report_write_stats(full, "/dev/full", m, &rep) == -1);
            tsc_set_verbosity(TSC_LOG_WARNING);
            fclose(full);
        }
    }
    tsc_report_free(&rep);

    /* no fragment overlapped the annotation: headers and run info, no rows (Q27 fixed) */
    m->n_rows = 0;
    m->nnz = 0;
    m->indptr[0] = 0;
    CHECK(tsc_report_compute(m, &o, &rep) == 0);
    s = write_to_string(0, m, &rep, &o);
    CHECK_STR(s, "transcript\tcount\n");
    free(s);
    s = write_to_string(1, m, &rep, &o);
    CHECK_STR(s, "## RunInfo\tversion:0.1\ttotal_fragments:9transcript\ttranscript_length\tfinal_conf\t"
                 "final_prop\tinit_aligned\tunique_count\tinit_best\tinit_best_random\tinit_best_avg\tinit_prop\n");
    free(s);
    s = write_to_string(2, m, &rep, &o);
    CHECK(strstr(s, "\n__no_feature\t0\t0\t0.0\t0.0\t0\t0\nTE 3\t0\t3000\t0.0\t0.0\t0\t0\n") != NULL);
    free(s);
    tsc_report_free(&rep);
    m->n_rows = 4;
    m->nnz = 7;

    /* bad options, missing fit, missing ALOC */
    tsc_set_verbosity(0);
    o.conf_prob = 1.5;
    CHECK(tsc_report_opt_check(&o) == -1);
    o.conf_prob = NAN;
    CHECK(tsc_report_opt_check(&o) == -1);
    o.conf_prob = 0.9;
    free(m->z);
    m->z = NULL;
    CHECK(tsc_report_compute(m, &o, &rep) == -1);
    {
        tsc_mtx_t *m2 = small_fit();
        FILE *fp = fopen("/dev/null", "w");
        int32_t a;
        CHECK(tsc_report_compute(m2, &o, &rep) == 0);
        for (a = 0; a < m2->n_aloc; a++) free(m2->aloc[a]);
        free(m2->aloc);
        m2->aloc = NULL;
        CHECK(tsc_report_write_all_loci(fp, "x", m2, &rep, &o, "p", "c") == -1);
        fclose(fp);
        tsc_report_free(&rep);
        tsc_mtx_destroy(m2);
    }
    tsc_set_verbosity(TSC_LOG_WARNING);
    tsc_mtx_destroy(m);
}

int main(void)
{
    test_repr();
    test_round();
    test_argsort();
    test_pd_order();
    test_csv();
    test_writers();
    return tsc_test_result("test_report");
}
