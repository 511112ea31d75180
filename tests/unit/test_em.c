/* test_em.c -- unit tests of the EM (lib/tsc_em*.c, lib/tsc_pairwise.c).
 * Part of tsc (Telescope in C). MIT licence.
 *
 *  - pairwise sum against a direct transcription of numpy's algorithm, and its parallel form;
 *  - the golden internals (bundled and synth matrices, from raw_scores.tsv): iteration counts
 *    and printed lnl of every golden run's model options (read from its telescope.log), pi,
 *    theta, pi_init, theta_init, Q and z against pi_theta.tsv and Q_z_final.tsv (1e-9 relative);
 *  - bit-identical results for 1..4 threads, with and without blocks, with forced splitting;
 *  - random matrices against a plain serial transcription of spec §7/§12 (bit-identical);
 *  - bad input and the empty matrix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <zlib.h>
#include "tsc_test.h"
#include "tsc_em_internal.h"
#include "tsc_util.h"

static const char *data_dir(void)
{
    const char *s = getenv("TSC_DATA");
    return s && *s ? s : "../data";
}

/* ---- matrices built by hand ---- */

static tsc_mtx_t *mtx_new(int64_t n, int64_t k, int64_t nnz)
{
    tsc_mtx_t *m = calloc(1, sizeof(*m));
    m->n_rows = n, m->n_cols = k, m->nnz = nnz;
    m->indptr = calloc(n + 1, sizeof(int64_t));
    m->indices = malloc((nnz ? nnz : 1) * sizeof(int32_t));
    m->score = malloc((nnz ? nnz : 1) * sizeof(uint32_t));
    return m;
}

static void mtx_free_blocks(tsc_mtx_t *m)
{
    free(m->brpt), free(m->brow), free(m->bcpt), free(m->bcol);
    m->brpt = m->brow = m->bcpt = NULL, m->bcol = NULL, m->n_blocks = 0;
}

static void mtx_free(tsc_mtx_t *m)
{
    if (!m) return;
    mtx_free_blocks(m);
    free(m->indptr), free(m->indices), free(m->score), free(m);
}

/* Block sections computed here independently (BFS over the bipartite graph without column 0);
 * rows touching no real column form their own one-row blocks. */
static void mtx_add_blocks(tsc_mtx_t *m)
{
    int64_t N = m->n_rows, K = m->n_cols, nnz = m->indptr[N], i, k;
    int64_t *cptr = calloc(K + 1, sizeof(int64_t)), *crow = malloc((nnz + 1) * sizeof(int64_t));
    int64_t *rb = malloc((N + 1) * sizeof(int64_t)), *cb = malloc(K * sizeof(int64_t));
    int64_t *stack = malloc((N + K + 1) * sizeof(int64_t)), nb = 0;
    for (k = 0; k < nnz; ++k) cptr[m->indices[k] + 1]++;
    for (k = 0; k < K; ++k) cptr[k + 1] += cptr[k];
    int64_t *fill = malloc((K + 1) * sizeof(int64_t));
    memcpy(fill, cptr, (K + 1) * sizeof(int64_t));
    for (i = 0; i < N; ++i)
        for (k = m->indptr[i]; k < m->indptr[i + 1]; ++k) crow[fill[m->indices[k]]++] = i;
    for (i = 0; i < N; ++i) rb[i] = -1;
    for (k = 0; k < K; ++k) cb[k] = -1;
    /* components, numbered in reverse order of discovery to make the order unlike the rows' */
    for (int64_t s = 0; s < N + K; ++s) {
        int64_t root = s < K ? s : K + (s - K);
        if (root == 0) continue;
        if (root < K ? cb[root] >= 0 : rb[root - K] >= 0) continue;
        int64_t sp = 0;
        stack[sp++] = root;
        if (root < K) cb[root] = nb; else rb[root - K] = nb;
        while (sp) {
            int64_t x = stack[--sp];
            if (x < K) {
                for (k = cptr[x]; k < cptr[x + 1]; ++k)
                    if (rb[crow[k]] < 0) rb[crow[k]] = nb, stack[sp++] = K + crow[k];
            } else {
                for (k = m->indptr[x - K]; k < m->indptr[x - K + 1]; ++k) {
                    int32_t j = m->indices[k];
                    if (j != 0 && cb[j] < 0) cb[j] = nb, stack[sp++] = j;
                }
            }
        }
        ++nb;
    }
    m->n_blocks = nb;
    m->brpt = calloc(nb + 1, sizeof(int64_t));
    m->bcpt = calloc(nb + 1, sizeof(int64_t));
    m->brow = malloc((N + 1) * sizeof(int64_t));
    m->bcol = malloc(K * sizeof(int32_t));
    for (i = 0; i < N; ++i) m->brpt[nb - rb[i]]++;
    for (k = 1; k < K; ++k) m->bcpt[nb - cb[k]]++;
    for (int64_t b = 0; b < nb; ++b) m->brpt[b + 1] += m->brpt[b], m->bcpt[b + 1] += m->bcpt[b];
    int64_t *rf = calloc(nb + 1, sizeof(int64_t)), *cf = calloc(nb + 1, sizeof(int64_t));
    memcpy(rf, m->brpt, (nb + 1) * sizeof(int64_t)), memcpy(cf, m->bcpt, (nb + 1) * sizeof(int64_t));
    for (i = 0; i < N; ++i) m->brow[rf[nb - 1 - rb[i]]++] = i;
    for (k = 1; k < K; ++k) m->bcol[cf[nb - 1 - cb[k]]++] = (int32_t)k;
    free(rf), free(cf), free(cptr), free(crow), free(rb), free(cb), free(stack), free(fill);
}

/* internals-X/raw_scores.tsv(.gz): row, fragment, col, feature, raw (CSR insertion order) */
static tsc_mtx_t *load_golden(const char *name)
{
    char path[4096], line[8192];
    int64_t cap = 1024, n = 0, maxrow = -1, K = 0;
    int64_t *ri = malloc(cap * sizeof(int64_t));
    int32_t *ci = malloc(cap * sizeof(int32_t));
    uint32_t *sc = malloc(cap * sizeof(uint32_t));
    snprintf(path, sizeof path, "%s/golden/internals-%s/raw_scores.tsv", data_dir(), name);
    gzFile f = gzopen(path, "r");
    if (!f) {
        snprintf(path, sizeof path, "%s/golden/internals-%s/raw_scores.tsv.gz", data_dir(), name);
        f = gzopen(path, "r");
    }
    if (!f) { fprintf(stderr, "cannot open %s\n", path); exit(1); }
    gzgets(f, line, sizeof line); /* header */
    while (gzgets(f, line, sizeof line)) {
        long long r, c, s;
        char frag[4096], feat[4096];
        if (sscanf(line, "%lld\t%4095s\t%lld\t%4095s\t%lld", &r, frag, &c, feat, &s) != 5) continue;
        if (n == cap) {
            cap *= 2;
            ri = realloc(ri, cap * sizeof(int64_t)), ci = realloc(ci, cap * sizeof(int32_t));
            sc = realloc(sc, cap * sizeof(uint32_t));
        }
        ri[n] = r, ci[n] = (int32_t)c, sc[n] = (uint32_t)s, ++n;
        if (r > maxrow) maxrow = r;
        if (c + 1 > K) K = c + 1;
    }
    gzclose(f);
    /* K from features.tsv (columns without cells count) */
    snprintf(path, sizeof path, "%s/golden/internals-%s/features.tsv", data_dir(), name);
    FILE *ff = fopen(path, "r");
    int64_t nf = -1;
    while (ff && fgets(line, sizeof line, ff)) ++nf;
    if (ff) fclose(ff);
    if (nf > K) K = nf;
    tsc_mtx_t *m = mtx_new(maxrow + 1, K, n);
    for (int64_t k = 0; k < n; ++k) m->indptr[ri[k] + 1]++;
    for (int64_t i = 0; i < m->n_rows; ++i) m->indptr[i + 1] += m->indptr[i];
    int64_t *fill = calloc(m->n_rows + 1, sizeof(int64_t));
    for (int64_t k = 0; k < n; ++k) {
        int64_t p = m->indptr[ri[k]] + fill[ri[k]]++;
        m->indices[p] = ci[k], m->score[p] = sc[k];
    }
    for (int64_t i = 0; i < m->n_rows; ++i) /* insertion sort by column within the row */
        for (int64_t a = m->indptr[i] + 1; a < m->indptr[i + 1]; ++a)
            for (int64_t b = a; b > m->indptr[i] && m->indices[b - 1] > m->indices[b]; --b) {
                int32_t t = m->indices[b]; m->indices[b] = m->indices[b - 1], m->indices[b - 1] = t;
                uint32_t u = m->score[b]; m->score[b] = m->score[b - 1], m->score[b - 1] = u;
            }
    free(fill), free(ri), free(ci), free(sc);
    return m;
}

/* ---- a plain serial transcription of spec §7 and §12 (the test's own reference) ---- */

static double ref_pw(const double *a, int64_t n)
{
    if (n < 8) { double r = 0.0; for (int64_t i = 0; i < n; ++i) r += a[i]; return r; }
    if (n <= 128) {
        double r[8]; int64_t i;
        for (int j = 0; j < 8; ++j) r[j] = a[j];
        for (i = 8; i < n - (n % 8); i += 8) for (int j = 0; j < 8; ++j) r[j] += a[i + j];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i) res += a[i];
        return res;
    }
    int64_t n2 = n / 2; n2 -= n2 % 8;
    return ref_pw(a, n2) + ref_pw(a + n2, n - n2);
}

/* np.sum of a whole vector: 0.0 + PW of each block of 8,192, in order */
static double ref_np(const double *a, int64_t n)
{
    double r = 0.0;
    for (int64_t b = 0; b < n; b += 8192) r += ref_pw(a + b, n - b < 8192 ? n - b : 8192);
    return r;
}

static void ref_estep(const tsc_mtx_t *m, const double *q, const double *pi, const double *th, double *z)
{
    double nb[4096];
    for (int64_t i = 0; i < m->n_rows; ++i) {
        int64_t b = m->indptr[i], e = m->indptr[i + 1], y = e - b > 1;
        for (int64_t k = b; k < e; ++k) {
            int32_t j = m->indices[k];
            nb[k - b] = y ? q[k] * (pi[j] * th[j]) : q[k] * pi[j];
        }
        /* scipy's multiply drops exact zeros: the row sum runs over the nonzero products only */
        double nzv[4096];
        int64_t m0 = 0;
        for (int64_t k = 0; k < e - b; ++k) if (nb[k] != 0.0) nzv[m0++] = nb[k];
        double s = m0 > 0 ? nzv[0] + ref_pw(nzv + 1, m0 - 1) : 0.0, r = s != 0 ? 1.0 / s : 0.0;
        for (int64_t k = b; k < e; ++k) z[k] = nb[k - b] * r;
    }
}

static double ref_lnl(const tsc_mtx_t *m, const double *q, const double *z, const double *pi, const double *th)
{
    double *tot = malloc((m->n_rows + 1) * sizeof(double));
    for (int64_t i = 0; i < m->n_rows; ++i) {
        int64_t b = m->indptr[i], e = m->indptr[i + 1], y = e - b > 1;
        double acc = 0.0;
        for (int64_t k = b; k < e; ++k) {
            int32_t j = m->indices[k];
            acc += z[k] * log1p(y ? q[k] * (pi[j] * th[j]) : q[k] * pi[j]);
        }
        tot[i] = acc;
    }
    double l = ref_np(tot, m->n_rows);
    free(tot);
    return l;
}

static void ref_em(const tsc_mtx_t *m, const tsc_em_opt_t *o, tsc_em_result_t *res)
{
    int64_t N = m->n_rows, K = m->n_cols, nnz = m->indptr[N], i, j, k;
    uint32_t smax = 0;
    for (k = 0; k < nnz; ++k) if (m->score[k] > smax) smax = m->score[k];
    double rs = 1.0 / smax, *q = malloc(nnz * sizeof(double)), *w = calloc(N, sizeof(double));
    double *wy = calloc(N, sizeof(double)), *U = calloc(K, sizeof(double)), *T = malloc(K * sizeof(double));
    double *pi = malloc(K * sizeof(double)), *th = malloc(K * sizeof(double)), *d = malloc(K * sizeof(double));
    double *pi2 = malloc(K * sizeof(double)), *th2 = malloc(K * sizeof(double)), *z = malloc(nnz * sizeof(double));
    double *zf = malloc(nnz * sizeof(double)), W = 0;
    for (k = 0; k < nnz; ++k) q[k] = expm1((m->score[k] * rs) * 100.0);
    for (i = 0; i < N; ++i) {
        for (k = m->indptr[i]; k < m->indptr[i + 1]; ++k) if (q[k] > w[i]) w[i] = q[k];
        if (w[i] > W) W = w[i];
        wy[i] = m->indptr[i + 1] - m->indptr[i] > 1 ? w[i] : 0.0;
        if (m->indptr[i + 1] - m->indptr[i] == 1) U[m->indices[m->indptr[i]]] += q[m->indptr[i]];
    }
    double total = ref_np(w, N), ambig = ref_np(wy, N), Ppi = o->pi_prior * W, Pth = o->theta_prior * W;
    for (j = 0; j < K; ++j) pi[j] = th[j] = 1.0 / K;
    res->pi_init = malloc(K * sizeof(double)), res->theta_init = malloc(K * sizeof(double));
    int t = 0, conv = 0;
    double lprev = INFINITY, l = 0;
    for (;;) {
        ref_estep(m, q, pi, th, z);
        for (j = 0; j < K; ++j) T[j] = 0.0;
        for (i = 0; i < N; ++i)
            if (m->indptr[i + 1] - m->indptr[i] > 1)
                for (k = m->indptr[i]; k < m->indptr[i + 1]; ++k) T[m->indices[k]] += z[k] * w[i];
        for (j = 0; j < K; ++j) {
            th2[j] = (T[j] + Pth) / (ambig + Pth * K);
            pi2[j] = (U[j] + T[j] + Ppi) / (total + Ppi * K);
        }
        ++t;
        if (t == 1) memcpy(res->pi_init, pi2, K * 8), memcpy(res->theta_init, th2, K * 8);
        for (j = 0; j < K; ++j) d[j] = fabs(pi2[j] - pi[j]);
        double diff = ref_np(d, K);
        if (o->use_likelihood) {
            l = ref_lnl(m, q, z, pi2, th2);
            conv = fabs(l - lprev) < o->epsilon, lprev = l;
        } else conv = diff < o->epsilon;
        memcpy(zf, z, nnz * 8), memcpy(pi, pi2, K * 8), memcpy(th, th2, K * 8);
        if (conv || t >= o->max_iter) break;
    }
    res->lnl = ref_lnl(m, q, zf, pi, th);
    res->iterations = t, res->converged = conv;
    res->pi = pi, res->theta = th, res->z = zf;
    free(q), free(w), free(wy), free(U), free(T), free(d), free(pi2), free(th2), free(z);
}

/* ---- comparisons ---- */

static int same_bits(const double *a, const double *b, int64_t n)
{
    return n == 0 || memcmp(a, b, n * sizeof(double)) == 0;
}

static void check_identical(const tsc_em_result_t *a, const tsc_em_result_t *b, int64_t K, int64_t nnz, const char *what)
{
    int ok = a->iterations == b->iterations && a->converged == b->converged
             && memcmp(&a->lnl, &b->lnl, sizeof(double)) == 0 && same_bits(a->pi, b->pi, K)
             && same_bits(a->theta, b->theta, K) && same_bits(a->pi_init, b->pi_init, K)
             && same_bits(a->theta_init, b->theta_init, K) && same_bits(a->z, b->z, nnz);
    if (!ok) fprintf(stderr, "not identical: %s (iter %d/%d lnl %.17g/%.17g)\n", what, a->iterations,
                     b->iterations, a->lnl, b->lnl);
    CHECK(ok);
}

/* ---- tests ---- */

static void test_pairwise(void)
{
    double *a = malloc(100000 * sizeof(double));
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 100000; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        a[i] = (double)(x >> 11) * 0x1p-53 * pow(10, (int)(x % 17) - 8);
    }
    static const int64_t ns[] = { 0, 1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 130, 136, 255, 256, 257, 1000, 4099, 65536, 65537, 99999 };
    int np_differs = 0;
    for (size_t t = 0; t < sizeof ns / sizeof ns[0]; ++t) {
        double r = ref_pw(a, ns[t]), s = tsc_pw_sum(a, ns[t]);
        CHECK(memcmp(&r, &s, 8) == 0);
        /* np.sum: 0.0 + PW of each 8,192-element block, in order */
        double rn = 0.0;
        for (int64_t b = 0; b < ns[t]; b += 8192) rn += ref_pw(a + b, ns[t] - b < 8192 ? ns[t] - b : 8192);
        double sn = tsc_np_sum(a, ns[t]);
        CHECK(memcmp(&rn, &sn, 8) == 0);
        if (ns[t] <= 8192) CHECK(memcmp(&rn, &r, 8) == 0 || (rn == 0.0 && r == 0.0));
        np_differs |= memcmp(&rn, &r, 8) != 0;
        for (int nt = 1; nt <= 4; ++nt) {
            double p = tsc_np_sum_par(a, ns[t], nt);
            CHECK(memcmp(&rn, &p, 8) == 0);
        }
    }
    CHECK(np_differs); /* past 8,192 elements the block order shows in the last bits */
    /* the order is visible: 1 + 8 tiny values differ between sequential and pairwise */
    double v[9] = { 1.0, 0x1p-53, 0x1p-53, 0x1p-53, 0x1p-53, 0x1p-53, 0x1p-53, 0x1p-53, 0x1p-53 };
    double seq = 0.0;
    for (int i = 0; i < 9; ++i) seq += v[i];
    CHECK(seq == 1.0);                         /* each tiny value is lost */
    CHECK(tsc_pw_sum(v, 9) == 1.0 + 0x1p-50);  /* ((1+t)+(t+t)) + ((t+t)+(t+t)), then + t */
    CHECK(tsc_pw_rowsum(v, 9) == 1.0 + 0x1p-50); /* 1 + PW(8 t) = 1 + 8t */
    CHECK(tsc_pw_rowsum(v + 1, 8) == 0x1p-53 + 0x1p-51 * 1.75);
    free(a);
}

/* "EM converged after N iterations." and "Final log-likelihood: X." of a golden run */
static int golden_log(const char *run, int *iters, int *conv, char *lnl, size_t lnl_size)
{
    char path[4096], line[8192];
    snprintf(path, sizeof path, "%s/golden/%s/telescope.log", data_dir(), run);
    FILE *f = fopen(path, "r");
    int got = 0;
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) {
        char *p;
        if ((p = strstr(line, "EM converged after ")) && sscanf(p, "EM converged after %d", iters) == 1) *conv = 1, got |= 1;
        if ((p = strstr(line, "EM terminated after ")) && sscanf(p, "EM terminated after %d", iters) == 1) *conv = 0, got |= 1;
        if ((p = strstr(line, "Final log-likelihood: "))) {
            p += strlen("Final log-likelihood: ");
            size_t n = strcspn(p, " \t\n");
            if (n && p[n - 1] == '.') --n;
            if (n >= lnl_size) n = lnl_size - 1;
            memcpy(lnl, p, n), lnl[n] = 0, got |= 2;
        }
    }
    fclose(f);
    return got == 3 ? 0 : -1;
}

typedef struct {
    const char *data, *run;
    double pi_prior, theta_prior;
    int max_iter, use_lik;
} golden_case_t;

static const golden_case_t golden_cases[] = {
    { "default", "default", 0, 200000, 100, 0 },
    { "default", "use_likelihood", 0, 200000, 100, 1 },
    { "default", "maxiter2_exclude", 0, 200000, 2, 0 },
    { "default", "theta0_pi5", 5, 0, 100, 0 },
    { "default", "resume_choose_lik", 0, 200000, 100, 1 },
    { "synth", "synth-exclude", 0, 200000, 100, 0 },
    { "synth", "synth-use_likelihood", 0, 200000, 100, 1 },
    { "synth", "synth-pi10_theta0", 10, 0, 100, 0 },
    { "synth", "synth-maxiter3_conf0.5", 0, 200000, 3, 0 },
};

static void test_golden_options(void)
{
    for (size_t c = 0; c < sizeof golden_cases / sizeof golden_cases[0]; ++c) {
        const golden_case_t *g = &golden_cases[c];
        tsc_mtx_t *m = load_golden(g->data);
        tsc_em_opt_t o;
        tsc_em_result_t r, ref;
        int iters = -1, conv = -1;
        char want[64] = "", got[64];
        CHECK(golden_log(g->run, &iters, &conv, want, sizeof want) == 0);
        tsc_em_opt_init(&o);
        o.backend = TSC_EM_OPENMP, o.log_iterations = 0;
        o.pi_prior = g->pi_prior, o.theta_prior = g->theta_prior, o.max_iter = g->max_iter, o.use_likelihood = g->use_lik;
        CHECK(tsc_em_run(m, &o, &r) == 0);
        snprintf(got, sizeof got, "%f", r.lnl);
        if (r.iterations != iters || r.converged != conv || strcmp(got, want))
            fprintf(stderr, "golden %s: %d iterations (%d) lnl %s, upstream %d (%d) %s\n", g->run,
                    r.iterations, r.converged, got, iters, conv, want);
        CHECK_INT(r.iterations, iters);
        CHECK_INT(r.converged, conv);
        CHECK_STR(got, want);
        CHECK_INT(r.backend, TSC_EM_OPENMP);
        /* the plain reference gives the same bits */
        memset(&ref, 0, sizeof ref);
        ref_em(m, &o, &ref);
        check_identical(&r, &ref, m->n_cols, m->nnz, g->run);
        tsc_em_result_free(&r), tsc_em_result_free(&ref);
        mtx_free(m);
    }
}

/* pi_theta.tsv and Q_z_final.tsv of the internals (default options) */
static void test_golden_values(const char *data)
{
    char path[4096], line[8192];
    tsc_mtx_t *m = load_golden(data);
    tsc_em_opt_t o;
    tsc_em_result_t r;
    tsc_em_opt_init(&o);
    o.log_iterations = 0;
    CHECK(tsc_em_run(m, &o, &r) == 0);
    snprintf(path, sizeof path, "%s/golden/internals-%s/pi_theta.tsv", data_dir(), data);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    int n = 0;
    if (f) {
        char *ok = fgets(line, sizeof line, f);
        (void)ok;
        while (fgets(line, sizeof line, f)) {
            int j;
            char feat[4096];
            double a, b, p, q;
            if (sscanf(line, "%d\t%4095s\t%lf\t%lf\t%lf\t%lf", &j, feat, &a, &b, &p, &q) != 6) continue;
            CHECK(j >= 0 && j < m->n_cols);
            if (j < 0 || j >= m->n_cols) continue;
            CHECK_NEAR(r.pi_init[j], a, 0, 1e-9);
            CHECK_NEAR(r.theta_init[j], b, 0, 1e-9);
            CHECK_NEAR(r.pi[j], p, 0, 1e-9);
            CHECK_NEAR(r.theta[j], q, 0, 1e-9);
            ++n;
        }
        fclose(f);
    }
    CHECK_INT(n, m->n_cols);
    /* Q and z, column-sorted order: find each (row, col) in the row */
    snprintf(path, sizeof path, "%s/golden/internals-%s/Q_z_final.tsv", data_dir(), data);
    gzFile g = gzopen(path, "r");
    if (!g) {
        strcat(path, ".gz");
        g = gzopen(path, "r");
    }
    CHECK(g != NULL);
    int64_t cells = 0, exact_z = 0;
    uint32_t smax = 0;
    for (int64_t k = 0; k < m->nnz; ++k) if (m->score[k] > smax) smax = m->score[k];
    if (g) {
        gzgets(g, line, sizeof line);
        while (gzgets(g, line, sizeof line)) {
            long long i;
            int j;
            double q, z;
            if (sscanf(line, "%lld\t%d\t%lf\t%lf", &i, &j, &q, &z) != 4) continue;
            int64_t k;
            for (k = m->indptr[i]; k < m->indptr[i + 1] && m->indices[k] != j; ++k) {}
            CHECK(k < m->indptr[i + 1]);
            if (k >= m->indptr[i + 1]) continue;
            CHECK_NEAR(tsc_em_q(m->score[k], 1.0 / smax), q, 0, 1e-9);
            CHECK_NEAR(r.z[k], z, 0, 1e-9);
            exact_z += r.z[k] == z;
            ++cells;
        }
        gzclose(g);
    }
    CHECK_INT(cells, m->nnz);
    fprintf(stderr, "golden %s: %lld cells, %lld z bit-identical to upstream, lnl %.17g\n", data,
            (long long)cells, (long long)exact_z, r.lnl);
    tsc_em_result_free(&r);
    mtx_free(m);
}

/* every thread count, block structure and split size gives the same bits */
static void check_invariance(tsc_mtx_t *m, const tsc_em_opt_t *base, const char *name)
{
    tsc_em_opt_t o = *base;
    tsc_em_result_t r0, r;
    char what[256];
    o.backend = TSC_EM_OPENMP, o.log_iterations = 0, o.n_threads = 1;
    CHECK(tsc_em_run(m, &o, &r0) == 0);
    static const int64_t splits[] = { 0, 1, 64, 1000 };
    for (int blocks = 0; blocks < 2; ++blocks) {
        if (blocks) mtx_add_blocks(m);
        for (int nt = 1; nt <= 3; ++nt)
            for (size_t s = 0; s < sizeof splits / sizeof splits[0]; ++s) {
                o.n_threads = nt, o.split_nnz = splits[s];
                snprintf(what, sizeof what, "%s blocks=%d threads=%d split=%lld", name, blocks, nt, (long long)splits[s]);
                CHECK(tsc_em_run(m, &o, &r) == 0);
                check_identical(&r, &r0, m->n_cols, m->nnz, what);
                tsc_em_result_free(&r);
            }
    }
    mtx_free_blocks(m);
    tsc_em_result_free(&r0);
}

static void test_golden_invariance(void)
{
    tsc_em_opt_t o;
    tsc_em_opt_init(&o);
    tsc_mtx_t *m = load_golden("default");
    check_invariance(m, &o, "default");
    o.use_likelihood = 1;
    check_invariance(m, &o, "default use_likelihood");
    mtx_free(m);
    tsc_em_opt_init(&o);
    m = load_golden("synth");
    check_invariance(m, &o, "synth");
    mtx_free(m);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(uint64_t n)
{
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return n ? rng_state % n : 0;
}

/* random blocks of loci, rows with 0-6 cells, a share touching column 0, some ties */
static tsc_mtx_t *random_matrix(int64_t N, int64_t nblk, int64_t per_blk)
{
    int64_t K = 1 + nblk * per_blk, cap = N * 7 + 1, nnz = 0;
    tsc_mtx_t *m = mtx_new(N, K, cap);
    for (int64_t i = 0; i < N; ++i) {
        int64_t len = rnd(10) == 0 ? 0 : 1 + (int64_t)rnd(6), blk = rnd(nblk), cols[8], n = 0;
        int zero = rnd(4) == 0;
        if (rnd(50) == 0) blk = rnd(3); /* a few big blocks */
        if (zero && len) cols[n++] = 0, --len;
        while (len-- > 0) {
            int64_t c = 1 + blk * per_blk + (int64_t)rnd(per_blk), d;
            for (d = 0; d < n && cols[d] != c; ++d) {}
            if (d == n) cols[n++] = c;
        }
        for (int64_t a = 1; a < n; ++a) for (int64_t b = a; b > 0 && cols[b - 1] > cols[b]; --b) {
            int64_t t = cols[b]; cols[b] = cols[b - 1], cols[b - 1] = t;
        }
        for (int64_t a = 0; a < n; ++a) {
            m->indices[nnz] = (int32_t)cols[a];
            m->score[nnz] = rnd(3) ? 180 + (uint32_t)rnd(40) : 219;
            ++nnz;
        }
        m->indptr[i + 1] = nnz;
    }
    m->nnz = nnz;
    return m;
}

static void test_random(void)
{
    /* rep 4: more than 8,192 rows, so numpy's blockwise whole-vector sums show */
    for (int rep = 0; rep < 5; ++rep) {
        tsc_mtx_t *m = random_matrix(rep < 2 ? 2000 : rep < 4 ? 6000 : 20000, rep ? 200 : 5, rep ? 6 : 30);
        tsc_em_opt_t o;
        tsc_em_result_t r, ref;
        char name[64];
        tsc_em_opt_init(&o);
        o.log_iterations = 0, o.use_likelihood = rep & 1, o.max_iter = rep == 2 ? 500 : 100;
        o.pi_prior = rep == 3 ? 2.5 : 0, o.theta_prior = rep == 3 ? 10 : 200000;
        CHECK(tsc_em_run(m, &o, &r) == 0);
        memset(&ref, 0, sizeof ref);
        ref_em(m, &o, &ref);
        snprintf(name, sizeof name, "random %d", rep);
        check_identical(&r, &ref, m->n_cols, m->nnz, name);
        fprintf(stderr, "%s: %lld rows, %lld cells, %d iterations\n", name, (long long)m->n_rows,
                (long long)m->nnz, r.iterations);
        tsc_em_result_free(&r), tsc_em_result_free(&ref);
        check_invariance(m, &o, name);
        mtx_free(m);
    }
}

static void test_bad_input(void)
{
    tsc_em_opt_t o;
    tsc_em_result_t r;
    tsc_em_opt_init(&o);
    o.log_iterations = 0;
    tsc_set_verbosity(0); /* the errors below are expected */
    /* options */
    o.max_iter = 0; CHECK(tsc_em_opt_check(&o) < 0); o.max_iter = 100;
    o.epsilon = -1; CHECK(tsc_em_opt_check(&o) < 0); o.epsilon = NAN; CHECK(tsc_em_opt_check(&o) < 0); o.epsilon = 1e-7;
    o.pi_prior = -1; CHECK(tsc_em_opt_check(&o) < 0); o.pi_prior = 0;
    o.theta_prior = INFINITY; CHECK(tsc_em_opt_check(&o) < 0); o.theta_prior = 200000;
    o.n_threads = 0; CHECK(tsc_em_opt_check(&o) < 0); o.n_threads = 1;
    o.backend = 7; CHECK(tsc_em_opt_check(&o) < 0); o.backend = TSC_EM_AUTO;
    CHECK(tsc_em_opt_check(&o) == 0);
    /* matrices */
    tsc_mtx_t *m = random_matrix(200, 4, 5);
    int64_t k = m->indptr[10];
    while (m->indptr[11] - m->indptr[10] < 2) { mtx_free(m); m = random_matrix(200, 4, 5); k = m->indptr[10]; }
    int32_t save = m->indices[k];
    m->indices[k] = m->indices[k + 1];             /* columns not ascending */
    CHECK(tsc_em_run(m, &o, &r) < 0);
    m->indices[k] = (int32_t)m->n_cols;            /* out of range */
    CHECK(tsc_em_run(m, &o, &r) < 0);
    m->indices[k] = save;
    m->score[k] = 0;                               /* score 0 */
    CHECK(tsc_em_run(m, &o, &r) < 0);
    m->score[k] = 200;
    CHECK(tsc_em_run(m, &o, &r) == 0);
    tsc_em_result_free(&r);
    /* inconsistent blocks: move a column to another block */
    mtx_add_blocks(m);
    CHECK(m->n_blocks >= 2);
    CHECK(tsc_em_run(m, &o, &r) == 0);
    tsc_em_result_free(&r);
    if (m->bcpt[1] > m->bcpt[0] + 1) {
        m->bcpt[1]--; /* the last column of block 0 now belongs to block 1 */
        CHECK(tsc_em_run(m, &o, &r) < 0);
        m->bcpt[1]++;
    }
    int64_t bb = 0;
    while (m->brpt[bb + 1] - m->brpt[bb] < 2) ++bb;
    int64_t *br = m->brow + m->brpt[bb], sw = br[0];
    br[0] = br[1], br[1] = sw;                    /* rows not ascending */
    CHECK(tsc_em_run(m, &o, &r) < 0);
    br[1] = br[0], br[0] = sw;
    if (m->brpt[bb + 1] < m->n_rows) {
        m->brow[m->brpt[bb + 1]] = m->brow[m->brpt[bb + 1] - 1]; /* a row twice */
        CHECK(tsc_em_run(m, &o, &r) < 0);
    }
    mtx_free(m);
    tsc_set_verbosity(TSC_LOG_WARNING);
}

static void test_empty(void)
{
    tsc_em_opt_t o;
    tsc_em_result_t r;
    tsc_em_opt_init(&o);
    o.log_iterations = 0;
    tsc_set_verbosity(TSC_LOG_WARNING);
    tsc_mtx_t *m = mtx_new(0, 3, 0);
    CHECK(tsc_em_run(m, &o, &r) == 0);
    CHECK_INT(r.iterations, 0);
    CHECK_INT(r.converged, 1);
    CHECK(r.pi[0] == 1.0 / 3 && r.theta[2] == 1.0 / 3 && r.pi_init[1] == 1.0 / 3 && r.lnl == 0.0);
    tsc_em_result_free(&r);
    mtx_free(m);
    /* rows without cells only */
    m = mtx_new(5, 2, 0);
    CHECK(tsc_em_run(m, &o, &r) == 0);
    CHECK_INT(r.iterations, 0);
    tsc_em_result_free(&r);
    mtx_free(m);
    /* only unique rows: theta is 0/0 as upstream (NaN), pi is fine */
    m = mtx_new(2, 3, 2);
    m->indptr[1] = 1, m->indptr[2] = 2, m->indices[0] = 1, m->indices[1] = 2, m->score[0] = 10, m->score[1] = 5;
    CHECK(tsc_em_run(m, &o, &r) == 0);
    CHECK(r.z[0] == 1.0 && r.z[1] == 1.0);
    CHECK_NEAR(r.pi[1] + r.pi[2], 1.0, 1e-15, 0);
    CHECK(r.pi[0] == 0.0);
    tsc_em_result_free(&r);
    mtx_free(m);
}

int main(void)
{
    test_pairwise();
    test_golden_values("default");
    test_golden_values("synth");
    test_golden_options();
    test_golden_invariance();
    test_random();
    test_bad_input();
    test_empty();
    return tsc_test_result("test_em");
}
