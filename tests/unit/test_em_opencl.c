/* test_em_opencl.c -- unit tests of the OpenCL EM backend (lib/tsc_em_opencl.c, kernels/em.cl).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Figures (differences found) go to stdout, failures to stderr.
 * Runs on whatever OpenCL device exists (PoCL here, a required test dependency: without an
 * OpenCL platform with an fp64 device the test FAILS). Checks, on the golden internals of the
 * bundled and synth data sets, under 8 upstream option sets:
 *   - the "Iteration ..." log lines, the iteration count, converged/terminated and the final lnl
 *     (6 decimals) against upstream's telescope.log;
 *   - pi/theta (initial and final) and the final z against upstream's dumps (1e-12 relative:
 *     upstream used numpy's SIMD expm1/log1p, which differ from libm by an ulp);
 *   - every number against the CPU backend (tsc_em_run_openmp, 2 threads) and against an
 *     independent scalar C implementation of spec §7/§12 in this file: z, pi, theta, pi_init,
 *     theta_init bit for bit, the same iterations, lnl within 1e-12 relative;
 * and, on generated matrices, long rows (> 128 cells: the kernel's pairwise-sum stack), long
 * columns (em_colsum_long, forced with TSC_CL_LONGCOL), device choice errors, kernel build errors
 * with the build log, and the kernel's #error for a missing -D parameter. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <zlib.h>
#include "tsc_test.h"
#include "tsc_cl.h"
#include "tsc_em.h"
#include "tsc_matrix.h"
#include "tsc_util.h"

static const char *data_dir, *tmp_dir;

/*** Loading golden data ***/

typedef struct { int64_t row; int32_t col; uint32_t s; } cell_t;

static int cmp_cell(const void *a, const void *b)
{
    const cell_t *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    return (x->col > y->col) - (x->col < y->col);
}

/* Open PATH or PATH.gz (gzopen reads plain files too). */
static gzFile gz_open2(const char *dir, const char *name)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    gzFile f = gzopen(p, "r");
    if (!f) {
        snprintf(p, sizeof(p), "%s/%s.gz", dir, name);
        f = gzopen(p, "r");
    }
    return f;
}

static int count_lines(const char *dir, const char *name)
{
    gzFile f = gz_open2(dir, name);
    char line[65536];
    int n = 0;
    if (!f) return -1;
    while (gzgets(f, line, sizeof(line))) n++;
    gzclose(f);
    return n;
}

/* raw_scores.tsv(.gz) of an internals directory as a MATRIX. */
static tsc_mtx_t *load_raw(const char *dir)
{
    gzFile f = gz_open2(dir, "raw_scores.tsv");
    if (!f) { fprintf(stderr, "cannot open %s/raw_scores.tsv(.gz)\n", dir); return NULL; }
    char line[65536];
    cell_t *c = NULL;
    size_t n = 0, m = 0;
    int64_t n_rows = 0, n_cols = count_lines(dir, "features.tsv") - 1;
    if (!gzgets(f, line, sizeof(line))) { gzclose(f); return NULL; } /* header */
    while (gzgets(f, line, sizeof(line))) {
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        char *t3 = t2 ? strchr(t2 + 1, '\t') : NULL, *t4 = t3 ? strchr(t3 + 1, '\t') : NULL;
        if (!t4) { fprintf(stderr, "bad line in %s/raw_scores.tsv: %s", dir, line); exit(1); }
        if (n == m) { m = m ? m * 2 : 1024; c = realloc(c, m * sizeof(*c)); if (!c) exit(1); }
        c[n].row = strtoll(line, NULL, 10), c[n].col = (int32_t)strtol(t2 + 1, NULL, 10);
        c[n].s = (uint32_t)strtoul(t4 + 1, NULL, 10);
        if (c[n].row + 1 > n_rows) n_rows = c[n].row + 1;
        if (c[n].col + 1 > n_cols) n_cols = c[n].col + 1;
        n++;
    }
    gzclose(f);
    qsort(c, n, sizeof(*c), cmp_cell);
    tsc_mtx_t *mt = tsc_mtx_init(TSC_KIND_MATRIX);
    if (!mt) exit(1);
    mt->n_rows = n_rows, mt->n_cols = n_cols, mt->nnz = (int64_t)n;
    mt->indptr = calloc(n_rows + 1, sizeof(int64_t));
    mt->indices = malloc(n * sizeof(int32_t));
    mt->score = malloc(n * sizeof(uint32_t));
    for (size_t p = 0; p < n; p++) {
        mt->indptr[c[p].row + 1]++;
        mt->indices[p] = c[p].col, mt->score[p] = c[p].s;
    }
    for (int64_t i = 0; i < n_rows; i++) mt->indptr[i + 1] += mt->indptr[i];
    free(c);
    return mt;
}

/* pi_theta.tsv: pi_init, theta_init, pi_final, theta_final (K each, in that order in V). */
static double *load_pi_theta(const char *dir, int64_t k)
{
    gzFile f = gz_open2(dir, "pi_theta.tsv");
    char line[4096];
    double *v = calloc(4 * k, sizeof(double));
    if (!f || !gzgets(f, line, sizeof(line))) { fprintf(stderr, "cannot read %s/pi_theta.tsv\n", dir); exit(1); }
    while (gzgets(f, line, sizeof(line))) {
        int64_t j = strtoll(line, NULL, 10);
        char *p = strchr(strchr(line, '\t') + 1, '\t');
        for (int x = 0; x < 4; x++) v[x * k + j] = strtod(p + 1, &p);
    }
    gzclose(f);
    return v;
}

/* Q_z_final.tsv(.gz): z in the CSR order of MT. */
static double *load_z(const char *dir, const tsc_mtx_t *mt)
{
    gzFile f = gz_open2(dir, "Q_z_final.tsv");
    char line[4096];
    double *z = malloc(mt->nnz * sizeof(double));
    for (int64_t p = 0; p < mt->nnz; p++) z[p] = NAN;
    if (!f || !gzgets(f, line, sizeof(line))) { fprintf(stderr, "cannot read %s/Q_z_final.tsv\n", dir); exit(1); }
    while (gzgets(f, line, sizeof(line))) {
        char *p;
        int64_t i = strtoll(line, &p, 10);
        int32_t j = (int32_t)strtol(p, &p, 10);
        strtod(p, &p);
        double v = strtod(p, NULL);
        for (int64_t q = mt->indptr[i]; q < mt->indptr[i + 1]; q++)
            if (mt->indices[q] == j) z[q] = v;
    }
    gzclose(f);
    return z;
}

/*** The reference: spec §7 and §12, written plainly ***/

static double ref_pw(const double *a, int64_t n)
{
    if (n < 8) {
        double s = 0.0;
        for (int64_t i = 0; i < n; i++) s += a[i];
        return s;
    }
    if (n <= 128) {
        double r[8];
        int64_t i;
        for (i = 0; i < 8; i++) r[i] = a[i];
        while (i < n - n % 8) {
            for (int j = 0; j < 8; j++) r[j] += a[i + j];
            i += 8;
        }
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while (i < n) res += a[i++];
        return res;
    }
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    return ref_pw(a, n2) + ref_pw(a + n2, n - n2);
}

/* np.sum of a whole vector: 0.0 + the pairwise sums of its 8,192-element blocks, in order */
static double ref_np(const double *a, int64_t n)
{
    double s = 0.0;
    for (int64_t b = 0; b < n; b += 8192) s += ref_pw(a + b, n - b < 8192 ? n - b : 8192);
    return s;
}

typedef struct {
    double *pi, *theta, *pi_init, *theta_init, *z, lnl;
    int iterations, converged;
} ref_t;

static void ref_em(const tsc_mtx_t *m, const tsc_em_opt_t *o, ref_t *r)
{
    int64_t n = m->n_rows, k = m->n_cols, nnz = m->nnz;
    double *q = malloc(nnz * 8), *w = malloc(n * 8), *aw = malloc(n * 8), *u = calloc(k, 8);
    double *pi = malloc(k * 8), *th = malloc(k * 8), *pi2 = malloc(k * 8), *th2 = malloc(k * 8), *t = malloc(k * 8);
    double *z = malloc(nnz * 8), *zf = malloc(nnz * 8), *nv = malloc(nnz * 8), *tot = malloc((n > nnz ? n : nnz) * 8), *ad = malloc(k * 8);
    int *y = malloc(n * sizeof(int));
    uint32_t smax = 0;
    for (int64_t p = 0; p < nnz; p++) smax = m->score[p] > smax ? m->score[p] : smax;
    double rs = 1.0 / smax, wmax = 0;
    for (int64_t i = 0; i < n; i++) {
        y[i] = m->indptr[i + 1] - m->indptr[i] > 1;
        w[i] = 0;
        for (int64_t p = m->indptr[i]; p < m->indptr[i + 1]; p++) {
            q[p] = expm1(((double)m->score[p] * rs) * 100.0);
            if (p == m->indptr[i] || q[p] > w[i]) w[i] = q[p];
        }
        aw[i] = y[i] ? w[i] : 0.0;
        if (w[i] > wmax) wmax = w[i];
        if (!y[i])
            for (int64_t p = m->indptr[i]; p < m->indptr[i + 1]; p++) u[m->indices[p]] += q[p];
    }
    double total = ref_np(w, n), ambig = ref_np(aw, n), ppi = o->pi_prior * wmax, pth = o->theta_prior * wmax;
    for (int64_t j = 0; j < k; j++) pi[j] = th[j] = 1.0 / k;
    int it = 0, conv = 0;
    double prev = INFINITY, l = 0;
    for (;;) {
        for (int64_t i = 0; i < n; i++) { /* E */
            int64_t b = m->indptr[i], e = m->indptr[i + 1];
            for (int64_t p = b; p < e; p++) {
                int32_t j = m->indices[p];
                nv[p] = y[i] ? q[p] * (pi[j] * th[j]) : q[p] * pi[j];
            }
            /* scipy drops exact zero products: the sum runs over the nonzero ones (into tot[]) */
            int64_t m0 = 0;
            for (int64_t p = b; p < e; p++)
                if (nv[p] != 0.0) tot[m0++] = nv[p];
            double s = m0 > 0 ? tot[0] + ref_pw(tot + 1, m0 - 1) : 0.0;
            double rr = s != 0.0 ? 1.0 / s : 0.0;
            for (int64_t p = b; p < e; p++) z[p] = nv[p] * rr;
        }
        for (int64_t j = 0; j < k; j++) t[j] = 0.0; /* M */
        for (int64_t i = 0; i < n; i++)
            if (y[i])
                for (int64_t p = m->indptr[i]; p < m->indptr[i + 1]; p++) t[m->indices[p]] += z[p] * w[i];
        for (int64_t j = 0; j < k; j++) {
            th2[j] = (t[j] + pth) / (ambig + pth * k);
            pi2[j] = (u[j] + t[j] + ppi) / (total + ppi * k);
        }
        if (++it == 1) {
            r->pi_init = malloc(k * 8), r->theta_init = malloc(k * 8);
            memcpy(r->pi_init, pi2, k * 8), memcpy(r->theta_init, th2, k * 8);
        }
        for (int64_t j = 0; j < k; j++) ad[j] = fabs(pi2[j] - pi[j]);
        double diff = ref_np(ad, k);
        for (int64_t i = 0; i < n; i++) { /* lnl(z, pi', theta') */
            double acc = 0.0;
            for (int64_t p = m->indptr[i]; p < m->indptr[i + 1]; p++) {
                int32_t j = m->indices[p];
                acc += z[p] * log1p(y[i] ? q[p] * (pi2[j] * th2[j]) : q[p] * pi2[j]);
            }
            tot[i] = acc;
        }
        l = ref_np(tot, n);
        conv = o->use_likelihood ? fabs(l - prev) < o->epsilon : diff < o->epsilon;
        prev = l;
        memcpy(zf, z, nnz * 8);
        memcpy(pi, pi2, k * 8), memcpy(th, th2, k * 8);
        if (conv || it >= o->max_iter) break;
    }
    r->pi = pi, r->theta = th, r->z = zf, r->lnl = l, r->iterations = it, r->converged = conv;
    free(q), free(w), free(aw), free(u), free(pi2), free(th2), free(t), free(z), free(nv), free(tot), free(ad), free(y);
}

static void ref_free(ref_t *r)
{
    free(r->pi), free(r->theta), free(r->pi_init), free(r->theta_init), free(r->z);
}

/*** Helpers ***/

static void opt_default(tsc_em_opt_t *o)
{
    tsc_em_opt_init(o);
    o->backend = TSC_EM_OPENCL;
}

static void res_free(tsc_em_result_t *r)
{
    tsc_em_result_free(r);
    memset(r, 0, sizeof(*r));
}

/* Largest relative difference of A and B (N values) and the number of bitwise differences. */
static double max_rel(const double *a, const double *b, int64_t n, int64_t *n_diff)
{
    double mx = 0;
    *n_diff = 0;
    for (int64_t i = 0; i < n; i++) {
        if (a[i] == b[i]) continue;
        (*n_diff)++;
        double d = fabs(a[i] - b[i]) / (fabs(b[i]) > 1e-300 ? fabs(b[i]) : 1e-300);
        if (!(d <= mx)) mx = d;
    }
    return mx;
}

/* Compare RES with the CPU backend's result for the same options: bitwise, lnl 1e-12. */
static void check_vs_cpu(const char *what, const tsc_mtx_t *m, const tsc_em_opt_t *o, const tsc_em_result_t *res)
{
    tsc_em_opt_t oc = *o;
    tsc_em_result_t rc;
    oc.backend = TSC_EM_OPENMP, oc.n_threads = 2, oc.log_iterations = 0;
    int v = tsc_verbosity();
    tsc_set_verbosity(TSC_LOG_WARNING);
    int ret = tsc_em_run_openmp(m, &oc, &rc);
    tsc_set_verbosity(v);
    CHECK_INT(ret, 0);
    if (ret) return;
    int64_t k = m->n_cols, d1, d2, d3, d4, d5;
    double x = fmax(fmax(max_rel(res->pi, rc.pi, k, &d1), max_rel(res->theta, rc.theta, k, &d2)),
                    fmax(max_rel(res->pi_init, rc.pi_init, k, &d3), max_rel(res->theta_init, rc.theta_init, k, &d4)));
    x = fmax(x, max_rel(res->z, rc.z, m->nnz, &d5));
    double xl = rc.lnl == res->lnl ? 0 : fabs(res->lnl - rc.lnl) / fabs(rc.lnl);
    printf("%s vs CPU backend: iterations %d/%d; bitwise differences pi %lld theta %lld pi_init %lld "
            "theta_init %lld z %lld (max rel %.3g); lnl rel diff %.3g\n", what, res->iterations, rc.iterations,
            (long long)d1, (long long)d2, (long long)d3, (long long)d4, (long long)d5, x, xl);
    CHECK_INT(res->iterations, rc.iterations);
    CHECK_INT(res->converged, rc.converged);
    CHECK_INT(d1 + d2 + d3 + d4 + d5, 0);
    CHECK(x <= 1e-12);
    CHECK(xl <= 1e-12);
    tsc_em_result_free(&rc);
}

/* Run the OpenCL EM with stderr captured into *LOG (malloc'ed). */
static int run_captured(const tsc_mtx_t *m, const tsc_em_opt_t *o, tsc_em_result_t *res, char **log)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/em_opencl_log.txt", tmp_dir);
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (saved < 0 || fd < 0) { perror(path); exit(1); }
    dup2(fd, 2);
    close(fd);
    int ret = tsc_em_run_opencl(m, o, res);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    FILE *fp = fopen(path, "r");
    *log = calloc(1, 1 << 20);
    size_t n = fp ? fread(*log, 1, (1 << 20) - 1, fp) : 0;
    (*log)[n] = 0;
    if (fp) fclose(fp);
    return ret;
}

static int pocl_missing;

/* The "Iteration ..." lines, "EM converged/terminated after N iterations." and "Final log-likelihood"
 * of a golden telescope.log, as our log writes them (one string, lines joined by \n). */
static char *golden_iter_lines(const char *run, int *iters, int *conv, char *final, size_t fsz)
{
    char path[4096], line[4096];
    snprintf(path, sizeof(path), "%s/golden/%s/telescope.log", data_dir, run);
    FILE *fp = fopen(path, "r");
    if (!fp) { fprintf(stderr, "cannot open %s\n", path); exit(1); }
    char *out = calloc(1, 1 << 16);
    size_t n = 0;
    *iters = -1, final[0] = 0;
    while (fgets(line, sizeof(line), fp)) {
        char *s = strstr(line, "Iteration "), *e;
        if (s && (e = strstr(s, "  "))) {
            *e = 0;
            n += snprintf(out + n, (1 << 16) - n, "%s\n", s);
        } else if ((s = strstr(line, "EM converged after ")) || (s = strstr(line, "EM terminated after "))) {
            *conv = strstr(line, "converged") != NULL;
            *iters = atoi(strstr(s, "after ") + 6);
        } else if ((s = strstr(line, "Final log-likelihood: "))) {
            snprintf(final, fsz, "%.*s", (int)strcspn(s + 22, " \n") - 1, s + 22); /* drop the '.' */
        }
    }
    fclose(fp);
    return out;
}

/* Our log's "Iteration" lines (program prefix removed). */
static char *our_iter_lines(const char *log)
{
    char *out = calloc(1, 1 << 16);
    size_t n = 0;
    for (const char *s = log; (s = strstr(s, "Iteration ")); ) {
        size_t l = strcspn(s, "\n");
        n += snprintf(out + n, (1 << 16) - n, "%.*s\n", (int)l, s);
        s += l;
    }
    return out;
}

/*** Golden runs ***/

static void test_golden(const char *internals, const char *run, double pi_prior, double theta_prior, int max_iter,
                        int use_lik)
{
    char dir[4096], final[64], ours[64], *log = NULL;
    snprintf(dir, sizeof(dir), "%s/golden/%s", data_dir, internals);
    tsc_mtx_t *m = load_raw(dir);
    CHECK(m != NULL);
    if (!m) return;
    tsc_em_opt_t o;
    opt_default(&o);
    o.pi_prior = pi_prior, o.theta_prior = theta_prior, o.max_iter = max_iter, o.use_likelihood = use_lik;
    tsc_em_result_t res;
    int ret = run_captured(m, &o, &res, &log);
    if (ret == -2) {
        pocl_missing = 1;
        fprintf(stderr, "%s", log);
        free(log);
        tsc_mtx_destroy(m);
        return;
    }
    CHECK_INT(ret, 0);
    if (ret != 0) { fprintf(stderr, "%s", log); free(log); tsc_mtx_destroy(m); return; }
    int g_iter, g_conv = -1;
    char *g_lines = golden_iter_lines(run, &g_iter, &g_conv, final, sizeof(final));
    char *o_lines = our_iter_lines(log);
    CHECK_STR(o_lines, g_lines);
    CHECK_INT(res.iterations, g_iter);
    CHECK_INT(res.converged, g_conv);
    CHECK_INT(res.backend, TSC_EM_OPENCL);
    snprintf(ours, sizeof(ours), "%f", res.lnl);
    CHECK_STR(ours, final);
    char want[128];
    snprintf(want, sizeof(want), "EM %s after %d iterations.\n", g_conv ? "converged" : "terminated", g_iter);
    CHECK(strstr(log, want) != NULL);
    snprintf(want, sizeof(want), "Final log-likelihood: %s.\n", final);
    CHECK(strstr(log, want) != NULL);
    check_vs_cpu(run, m, &o, &res);

    /* Against upstream's dumps (same options only: the internals were dumped with the defaults) */
    int64_t k = m->n_cols, nd;
    if (pi_prior == 0 && theta_prior == 200000 && max_iter == 100 && !use_lik) {
        double *g = load_pi_theta(dir, k), *gz = load_z(dir, m);
        double r1 = max_rel(res.pi_init, g, k, &nd), r2 = max_rel(res.theta_init, g + k, k, &nd);
        double r3 = max_rel(res.pi, g + 2 * k, k, &nd), r4 = max_rel(res.theta, g + 3 * k, k, &nd);
        int64_t nz;
        double r5 = max_rel(res.z, gz, m->nnz, &nz);
        printf("%s vs upstream: max rel diff pi_init %.3g theta_init %.3g pi %.3g theta %.3g z %.3g "
                "(%lld of %lld z differ)\n", run, r1, r2, r3, r4, r5, (long long)nz, (long long)m->nnz);
        for (int64_t j = 0; j < k; j++) {
            CHECK_NEAR(res.pi_init[j], g[j], 1e-300, 1e-12);
            CHECK_NEAR(res.theta_init[j], g[k + j], 1e-300, 1e-12);
            CHECK_NEAR(res.pi[j], g[2 * k + j], 1e-300, 1e-12);
            CHECK_NEAR(res.theta[j], g[3 * k + j], 1e-300, 1e-12);
        }
        for (int64_t p = 0; p < m->nnz; p++) CHECK_NEAR(res.z[p], gz[p], 1e-300, 1e-12);
        free(g), free(gz);
    }

    /* Against the reference (the CPU computation in plain C) */
    ref_t r;
    memset(&r, 0, sizeof(r));
    ref_em(m, &o, &r);
    CHECK_INT(res.iterations, r.iterations);
    CHECK_INT(res.converged, r.converged);
    int64_t d1, d2, d3, d4, d5;
    double x1 = max_rel(res.pi, r.pi, k, &d1), x2 = max_rel(res.theta, r.theta, k, &d2);
    double x3 = max_rel(res.pi_init, r.pi_init, k, &d3), x4 = max_rel(res.theta_init, r.theta_init, k, &d4);
    double x5 = max_rel(res.z, r.z, m->nnz, &d5);
    double xl = fabs(res.lnl - r.lnl) / fabs(r.lnl);
    printf("%s vs C reference: bitwise differences pi %lld theta %lld pi_init %lld theta_init %lld z %lld "
            "(max rel %.3g); lnl rel diff %.3g\n", run, (long long)d1, (long long)d2, (long long)d3, (long long)d4,
            (long long)d5, fmax(fmax(fmax(x1, x2), fmax(x3, x4)), x5), xl);
    CHECK_INT(d1 + d2 + d3 + d4 + d5, 0);
    CHECK(xl <= 1e-12);
    ref_free(&r);
    free(g_lines), free(o_lines), free(log);
    res_free(&res);
    tsc_mtx_destroy(m);
}

/*** Generated matrices ***/

static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return rng_state;
}

/* N rows over K columns: most rows touch column 0 and a few others; every 50th row has 130-400
 * cells (pairwise sums past one block); a tenth are unique; some rows are empty. */
static tsc_mtx_t *gen_matrix(int64_t n, int64_t k)
{
    tsc_mtx_t *m = tsc_mtx_init(TSC_KIND_MATRIX);
    int64_t cap = n * 8 + (n / 50 + 1) * 400;
    m->n_rows = n, m->n_cols = k;
    m->indptr = calloc(n + 1, 8), m->indices = malloc(cap * 4), m->score = malloc(cap * 4);
    char *used = calloc(k, 1);
    int64_t p = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t c = i % 50 == 7 ? 130 + (int64_t)(rng() % 271) : i % 10 == 3 ? 1 : i % 97 == 5 ? 0 : 2 + (int64_t)(rng() % 6);
        if (c > k) c = k;
        memset(used, 0, k);
        if (c > 1 && rng() % 4) used[0] = 1;
        int64_t got = used[0];
        while (got < c) {
            int64_t j = (int64_t)(rng() % k);
            if (!used[j]) used[j] = 1, got++;
        }
        for (int64_t j = 0; j < k; j++)
            if (used[j]) m->indices[p] = (int32_t)j, m->score[p] = 150 + (uint32_t)(rng() % 62), p++;
        m->indptr[i + 1] = p;
    }
    m->nnz = p;
    free(used);
    return m;
}

/* Make loci 1..40 lose everywhere: they leave the unique rows (moved to locus 41 + j) and score
 * 100 (against >= 150) in every row that has another locus, so with no priors their pi shrinks
 * by ~1e-10 per iteration and underflows to 0.0. */
static void weaken(tsc_mtx_t *m)
{
    for (int64_t i = 0; i < m->n_rows; i++) {
        int64_t b = m->indptr[i], e = m->indptr[i + 1], strong = 0;
        if (e - b == 1 && m->indices[b] >= 1 && m->indices[b] <= 40) m->indices[b] += 41;
        for (int64_t p = b; p < e; p++) strong += m->indices[p] < 1 || m->indices[p] > 40;
        if (e - b > 1 && strong > 0)
            for (int64_t p = b; p < e; p++)
                if (m->indices[p] >= 1 && m->indices[p] <= 40) m->score[p] = 100;
    }
}

static void test_generated(void)
{
    tsc_mtx_t *m = gen_matrix(20000, 600);
    tsc_em_opt_t o;
    opt_default(&o);
    o.log_iterations = 0, o.max_iter = 30, o.theta_prior = 10, o.pi_prior = 1;
    ref_t r;
    memset(&r, 0, sizeof(r));
    ref_em(m, &o, &r);
    /* 0: default kernels; 1: long columns (>= 64 cells); 2: lnl; 3: no priors and many
     * iterations, so that pi of some loci underflows to 0.0 and E-step products are dropped */
    for (int pass = 0; pass < 4; pass++) {
        tsc_em_result_t res;
        char *log = NULL;
        if (pass == 1) setenv("TSC_CL_LONGCOL", "64", 1), tsc_set_verbosity(TSC_LOG_DEBUG);
        o.use_likelihood = pass == 2;
        if (pass == 3) o.pi_prior = 0, o.theta_prior = 0, o.max_iter = 100, o.epsilon = 0, weaken(m);
        ref_t r2, *rr = &r;
        memset(&r2, 0, sizeof(r2));
        if (pass >= 2) ref_em(m, &o, &r2), rr = &r2;
        if (pass == 3) { /* the zero path ran, in short and in long rows */
            int64_t zs = 0, zl = 0;
            for (int64_t i = 0; i < m->n_rows; i++)
                for (int64_t p = m->indptr[i]; p < m->indptr[i + 1]; p++)
                    if (r2.pi[m->indices[p]] == 0.0) *(m->indptr[i + 1] - m->indptr[i] > 129 ? &zl : &zs) += 1;
            printf("generated, pass 3: %lld short-row and %lld long-row cells of loci with pi = 0\n", (long long)zs, (long long)zl);
            CHECK(zs > 0 && zl > 0);
        }
        int ret = run_captured(m, &o, &res, &log);
        unsetenv("TSC_CL_LONGCOL");
        tsc_set_verbosity(TSC_LOG_INFO);
        CHECK_INT(ret, 0);
        if (ret == 0) {
            int64_t d1, d2, d3, d4;
            max_rel(res.pi, rr->pi, m->n_cols, &d1), max_rel(res.theta, rr->theta, m->n_cols, &d2);
            max_rel(res.pi_init, rr->pi_init, m->n_cols, &d3);
            double xz = max_rel(res.z, rr->z, m->nnz, &d4), xl = fabs(res.lnl - rr->lnl) / fabs(rr->lnl);
            printf("generated %lld x %lld (%lld cells), pass %d: %d iterations; bitwise differences pi %lld "
                    "theta %lld pi_init %lld z %lld (max rel %.3g); lnl rel diff %.3g\n", (long long)m->n_rows,
                    (long long)m->n_cols, (long long)m->nnz, pass, res.iterations, (long long)d1, (long long)d2,
                    (long long)d3, (long long)d4, xz, xl);
            CHECK_INT(res.iterations, rr->iterations);
            CHECK_INT(d1 + d2 + d3 + d4, 0);
            CHECK(xl <= 1e-12);
            if (pass == 1) { /* both special kernels ran: rows past one pairwise block, long columns */
                CHECK(strstr(log, "error") == NULL);
                CHECK(strstr(log, "OpenCL kernel em_estep_long: ") != NULL);
                CHECK(strstr(log, "OpenCL kernel em_colsum_long: ") != NULL);
                CHECK(strstr(log, "(0 long rows)") == NULL && strstr(log, "(0 columns, tile") == NULL);
            }
            char what[64];
            snprintf(what, sizeof(what), "generated, pass %d", pass);
            check_vs_cpu(what, m, &o, &res);
        } else {
            fprintf(stderr, "%s", log);
        }
        free(log);
        res_free(&res);
        if (pass >= 2) ref_free(&r2);
    }
    ref_free(&r);
    tsc_mtx_destroy(m);
}

/*** Errors ***/

static void write_file(const char *path, const char *s)
{
    FILE *fp = fopen(path, "w");
    if (!fp || fputs(s, fp) < 0 || fclose(fp) != 0) { perror(path); exit(1); }
}

static void test_errors(void)
{
    char dir[4096], kdir[4096], path[4200], *log = NULL;
    snprintf(dir, sizeof(dir), "%s/golden/internals-synth", data_dir);
    tsc_mtx_t *m = load_raw(dir);
    tsc_em_opt_t o;
    tsc_em_result_t res;
    opt_default(&o);

    /* device choice */
    o.cl_platform = 99;
    CHECK_INT(run_captured(m, &o, &res, &log), -1);
    CHECK(strstr(log, "OpenCL platform 99 does not exist") != NULL);
    CHECK(res.pi == NULL && res.z == NULL);
    free(log);
    o.cl_platform = 0, o.cl_device = 99;
    CHECK_INT(run_captured(m, &o, &res, &log), -1);
    CHECK(strstr(log, "OpenCL device 99 does not exist") != NULL);
    free(log);
    o.cl_device = 0;
    CHECK_INT(run_captured(m, &o, &res, &log), 0);
    res_free(&res);
    free(log);
    opt_default(&o);
    int g = tsc_em_opencl_has_gpu(&o);
    CHECK(g == 0 || g == 1);
    printf("tsc_em_opencl_has_gpu: %d\n", g);

    /* an empty matrix: no iteration, the start values (as the CPU backend) */
    tsc_mtx_t *e = tsc_mtx_init(TSC_KIND_MATRIX);
    e->n_cols = 3, e->n_rows = 2, e->indptr = calloc(3, 8), e->indices = calloc(1, 4), e->score = calloc(1, 4);
    CHECK_INT(run_captured(e, &o, &res, &log), 0);
    CHECK_INT(res.iterations, 0);
    CHECK_INT(res.converged, 1);
    CHECK(res.pi && res.pi[2] == 1.0 / 3 && res.lnl == 0.0);
    res_free(&res);
    free(log);
    /* a bad matrix: the model's validation */
    e->nnz = 1, e->indptr[1] = e->indptr[2] = 1;
    CHECK_INT(run_captured(e, &o, &res, &log), -1);
    CHECK(strstr(log, "raw score 0") != NULL);
    free(log);
    tsc_mtx_destroy(e);

    /* TSC_KERNEL_DIR: a missing file, then a kernel that does not compile (build log shown) */
    snprintf(kdir, sizeof(kdir), "%s/kernels", tmp_dir);
    mkdir(kdir, 0755);
    setenv("TSC_KERNEL_DIR", kdir, 1);
    CHECK_INT(run_captured(m, &o, &res, &log), -1);
    CHECK(strstr(log, "pairwise.cl: cannot open kernel source") != NULL);
    free(log);
    snprintf(path, sizeof(path), "%s/pairwise.cl", kdir);
    write_file(path, "/* empty */\n");
    CHECK_INT(run_captured(m, &o, &res, &log), -1);
    CHECK(strstr(log, "em.cl: cannot open kernel source") != NULL);
    free(log);
    snprintf(path, sizeof(path), "%s/em.cl", kdir);
    write_file(path, "kernel void em_estep(global double *x) { x[0] = undeclared_thing; }\n");
    CHECK_INT(run_captured(m, &o, &res, &log), -1);
    CHECK(strstr(log, "CL_BUILD_PROGRAM_FAILURE") != NULL);
    CHECK(strstr(log, "build log of kernels/em.cl") != NULL);
    CHECK(strstr(log, "undeclared_thing") != NULL);
    free(log);
    /* the real kernel from the tree through TSC_KERNEL_DIR works */
    setenv("TSC_KERNEL_DIR", "../../kernels", 1);
    CHECK_INT(run_captured(m, &o, &res, &log), 0);
    CHECK(strstr(log, "loaded from ../../kernels/em.cl") != NULL || tsc_verbosity() < TSC_LOG_INFO);
    res_free(&res);
    free(log);
    unsetenv("TSC_KERNEL_DIR");
    tsc_mtx_destroy(m);
}

/* kernels/pairwise.cl + em.cl from files: an #error names the missing -D parameter. */
static void test_kernel_defines(void)
{
    cl_platform_id plat;
    cl_device_id dev;
    cl_int err;
    if (tsc_cl_pick_device(-1, -1, 0, 0, &plat, &dev) != 0) { CHECK(0); return; }
    cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
    CHECK_INT(err, CL_SUCCESS);
    setenv("TSC_KERNEL_DIR", "../../kernels", 1);
    char path[4096];
    snprintf(path, sizeof(path), "%s/build_log.txt", tmp_dir);
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2), close(fd);
    static const char *const names[2] = { "pairwise", "em" }, *const empty[2] = { "", "" };
    cl_program p1 = tsc_cl_build_n(ctx, dev, 2, names, empty, NULL);
    cl_program p2 = tsc_cl_build_n(ctx, dev, 2, names, empty, "-D TSC_IDX_T=ulong");
    fflush(stderr);
    dup2(saved, 2), close(saved);
    unsetenv("TSC_KERNEL_DIR");
    CHECK(p1 == NULL);
    CHECK(p2 != NULL);
    FILE *fp = fopen(path, "r");
    char buf[65536] = "";
    size_t n = fp ? fread(buf, 1, sizeof(buf) - 1, fp) : 0;
    buf[n] = 0;
    if (fp) fclose(fp);
    CHECK(strstr(buf, "need -D TSC_IDX_T") != NULL);
    if (p2) clReleaseProgram(p2);
    CHECK_STR(tsc_cl_strerror(CL_INVALID_WORK_GROUP_SIZE), "CL_INVALID_WORK_GROUP_SIZE");
    CHECK_STR(tsc_cl_strerror(-1001), "CL_PLATFORM_NOT_FOUND_KHR");
    CHECK_STR(tsc_cl_strerror(12345), "CL_UNKNOWN_ERROR");
    clReleaseContext(ctx);
}

int main(void)
{
    static char tmpl[] = "/tmp/test_em_opencl.XXXXXX";
    tsc_set_progname("test_em_opencl");
    tsc_set_verbosity(TSC_LOG_INFO);
    data_dir = getenv("TSC_DATA") ? getenv("TSC_DATA") : "../data";
    tmp_dir = getenv("TMPD");
    if (!tmp_dir && !(tmp_dir = mkdtemp(tmpl))) { perror("mkdtemp"); return 1; }

    test_golden("internals-default", "default", 0, 200000, 100, 0);
    if (pocl_missing) {
        fprintf(stderr, "test_em_opencl: FAIL: no OpenCL platform with a double-precision device was found.\n"
                "PoCL (Debian package pocl-opencl-icd, installed by `make deps`) is required to test the OpenCL "
                "backend; check `clinfo`.\n");
        return 1;
    }
    test_golden("internals-default", "use_likelihood", 0, 200000, 100, 1);
    test_golden("internals-default", "theta0_pi5", 5, 0, 100, 0);
    test_golden("internals-default", "maxiter2_exclude", 0, 200000, 2, 0);
    test_golden("internals-synth", "synth-exclude", 0, 200000, 100, 0);
    test_golden("internals-synth", "synth-use_likelihood", 0, 200000, 100, 1);
    test_golden("internals-synth", "synth-pi10_theta0", 10, 0, 100, 0);
    test_golden("internals-synth", "synth-maxiter3_conf0.5", 0, 200000, 3, 0);
    test_generated();
    test_errors();
    test_kernel_defines();
    if (pocl_missing) CHECK(0);
    return tsc_test_result("test_em_opencl");
}
