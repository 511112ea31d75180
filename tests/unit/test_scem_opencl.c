/* test_scem_opencl.c -- many-model fitting on OpenCL (lib/tsc_scem_opencl.c, kernels/scem.cl):
 * bit for bit the numbers of one tsc_scq_fit() per model on a copy of the matrix whose other
 * rows are empty (Stellarscope's semantics, stellarscope-spec §8.1-§8.4), on random matrices and
 * model sets, in one batch and in many, with models sent to the CPU path; and numpy's sum of a
 * sparse vector (tsc_np_sum_sparse) against the dense sum.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tsc_pairwise.h"
#include "tsc_scem.h"
#include "tsc_util.h"
#include "tsc_test.h"
#include "scem_ref.h"

static uint64_t rng = 88172645463325252ULL;
static uint64_t rnd(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }
static double unif(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

static int same(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static void test_sparse_sum(void)
{
    static const int64_t ns[] = { 0, 1, 7, 8, 9, 127, 128, 129, 130, 1000, 8191, 8192, 8193, 20000, 70001 };
    int bad = 0;
    for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++) {
        int64_t n = ns[t];
        double *d = calloc((size_t)n + 1, sizeof(double)), *v = malloc(((size_t)n + 1) * sizeof(double));
        int64_t *p = malloc(((size_t)n + 1) * sizeof(int64_t));
        for (int dens = 0; dens < 4; dens++) {
            double frac = dens == 0 ? 0.001 : dens == 1 ? 0.05 : dens == 2 ? 0.5 : 1.0;
            int64_t m = 0;
            for (int64_t i = 0; i < n; i++) {
                d[i] = 0.0;
                if (unif() < frac) d[i] = v[m] = (unif() - 0.3) * 1e3 * (1 + (int)(rnd() % 1000)), p[m++] = i;
            }
            double a = tsc_np_sum(d, n), b = tsc_np_sum_sparse(p, v, m, n);
            if (!same(a, b)) {
                bad++;
                fprintf(stderr, "sparse sum n=%lld m=%lld: %.17g != dense %.17g\n", (long long)n, (long long)m, b, a);
            }
        }
        free(d); free(v); free(p);
    }
    CHECK_INT(bad, 0);
}

/* a random single-cell matrix: N rows of 0..MAXLEN cells, raw scores in [LO, HI] */
static tsc_scmat_t *random_mat(int64_t n, int32_t k, int maxlen, int lo, int hi)
{
    tsc_scmat_t *m = calloc(1, sizeof(*m));
    m->n = n, m->k = k;
    m->ptr = calloc((size_t)n + 1, sizeof(int64_t));
    m->col = malloc(((size_t)n * maxlen + 1) * sizeof(int32_t));
    m->raw = malloc(((size_t)n * maxlen + 1) * sizeof(double));
    int64_t nnz = 0;
    for (int64_t i = 0; i < n; i++) {
        int len = rnd() % 8 == 0 ? 0 : (int)(rnd() % (uint64_t)(maxlen + 1));
        int32_t c = (int32_t)(rnd() % (uint64_t)(k / 4 + 1));
        for (int x = 0; x < len && c < k; x++) {
            m->col[nnz] = c;
            m->raw[nnz++] = lo + (double)(rnd() % (uint64_t)(hi - lo + 1));
            c += 1 + (int32_t)(rnd() % (uint64_t)(k / (maxlen + 1) + 1));
        }
        m->ptr[i + 1] = nnz;
    }
    return m;
}

static void free_mat(tsc_scmat_t *m) { free(m->ptr); free(m->col); free(m->raw); free(m); }

/* G models over the rows; a row is in none with probability 1/5; model 0 is empty */
static void random_models(const tsc_scmat_t *m, int64_t g, tsc_scmodels_t *md)
{
    int64_t *which = malloc((size_t)m->n * sizeof(int64_t)), *cnt = calloc((size_t)g + 1, sizeof(int64_t));
    md->n_model = g;
    md->name = NULL;
    md->rptr = calloc((size_t)g + 1, sizeof(int64_t));
    md->rows = malloc(((size_t)m->n + 1) * sizeof(int64_t));
    for (int64_t i = 0; i < m->n; i++) {
        which[i] = rnd() % 5 == 0 || g < 2 ? -1 : 1 + (int64_t)(rnd() % (uint64_t)(g - 1));
        if (g >= 2 && i % 97 == 5) which[i] = g - 1; /* the last model is larger */
        if (which[i] >= 0) cnt[which[i]]++;
    }
    for (int64_t x = 0; x < g; x++) md->rptr[x + 1] = md->rptr[x] + cnt[x], cnt[x] = md->rptr[x];
    for (int64_t i = 0; i < m->n; i++)
        if (which[i] >= 0) md->rows[cnt[which[i]]++] = i;
    free(which); free(cnt);
}

/* compare a result with the reference: every summary and every z bit; returns the zset cells */
static int64_t compare(const char *what, const tsc_scmat_t *m, const tsc_scmodels_t *md, const double *z, const uint8_t *zs,
                       const tsc_scmfit_t *f, const double *rz, const uint8_t *rzs, const tsc_scmfit_t *rf)
{
    int64_t nnz = m->ptr[m->n], dz = 0, dset = 0, dfit = 0, nset = 0, nunset = 0;
    for (int64_t x = 0; x < nnz; x++) {
        if (zs[x] != rzs[x]) dset++;
        else if (zs[x] && !same(z[x], rz[x])) dz++;
        nset += zs[x] != 0;
    }
    for (int64_t g = 0; g < md->n_model; g++) {
        if (f[g].iterations != rf[g].iterations || f[g].converged != rf[g].converged || !same(f[g].lnl, rf[g].lnl) ||
            f[g].nobs != rf[g].nobs || f[g].nfeats != rf[g].nfeats) {
            if (dfit++ < 3)
                fprintf(stderr, "%s: model %lld: iterations %d/%d, converged %d/%d, lnl %.17g/%.17g, nobs %lld/%lld, nfeats %lld/%lld\n",
                        what, (long long)g, f[g].iterations, rf[g].iterations, f[g].converged, rf[g].converged, f[g].lnl,
                        rf[g].lnl, (long long)f[g].nobs, (long long)rf[g].nobs, (long long)f[g].nfeats, (long long)rf[g].nfeats);
        }
        for (int64_t k = md->rptr[g]; k < md->rptr[g + 1]; k++)
            for (int64_t x = m->ptr[md->rows[k]]; x < m->ptr[md->rows[k] + 1]; x++) nunset += rf[g].iterations > 0 && !rzs[x];
    }
    fprintf(stderr, "%s: %lld models, %lld z set (%lld cells of fitted models unset): %lld zset, %lld z, %lld summaries differ\n",
            what, (long long)md->n_model, (long long)nset, (long long)nunset, (long long)dset, (long long)dz, (long long)dfit);
    CHECK_INT(dset, 0);
    CHECK_INT(dz, 0);
    CHECK_INT(dfit, 0);
    return nunset;
}

static int64_t run_case(const char *what, int64_t n, int32_t k, int maxlen, int lo, int hi, int64_t g, tsc_scq_opt_t *o,
                        const char *batch_cells, int n_threads)
{
    tsc_scmat_t *m = random_mat(n, k, maxlen, lo, hi);
    tsc_scmodels_t md;
    int64_t nnz = m->ptr[m->n], unset = 0;
    random_models(m, g, &md);
    double *z = calloc((size_t)nnz + 1, 8), *rz = calloc((size_t)nnz + 1, 8);
    uint8_t *zs = calloc((size_t)nnz + 1, 1), *rzs = calloc((size_t)nnz + 1, 1);
    tsc_scmfit_t *f = calloc((size_t)g + 1, sizeof(*f)), *rf = calloc((size_t)g + 1, sizeof(*rf));
    CHECK_INT(scem_masked_fit(m, &md, o, rz, rzs, rf), 0);
    if (batch_cells) setenv("TSC_SCEM_BATCH_CELLS", batch_cells, 1);
    int r = tsc_scem_fit_opencl(m, &md, o, n_threads, -1, -1, z, zs, f);
    unsetenv("TSC_SCEM_BATCH_CELLS");
    CHECK_INT(r, 0);
    if (r == 0) unset = compare(what, m, &md, z, zs, f, rz, rzs, rf);
    int64_t it = 0;
    for (int64_t x = 0; x < g; x++) it += rf[x].iterations;
    fprintf(stderr, "%s: %lld rows, %lld cells, %lld iterations in all\n", what, (long long)n, (long long)nnz, (long long)it);
    CHECK(it > 0);
    tsc_scmodels_free(&md);
    free(z); free(rz); free(zs); free(rzs); free(f); free(rf);
    free_mat(m);
    return unset;
}

int main(void)
{
    tsc_scq_opt_t o;
    tsc_set_progname("test_scem_opencl");
    test_sparse_sum();

    tsc_scq_opt_init(&o);
    run_case("default, one batch", 3000, 200, 6, 100, 150, 40, &o, NULL, 1);
    run_case("default, 2 threads", 3000, 200, 6, 100, 150, 40, &o, NULL, 2);
    run_case("small batches, large models on the CPU", 3000, 200, 6, 100, 150, 40, &o, "300", 2);
    run_case("long rows (past one pairwise block)", 400, 2000, 300, 100, 150, 6, &o, NULL, 2);
    o.pi_prior = 5, o.theta_prior = 0;
    run_case("pi_prior 5, theta_prior 0", 3000, 500, 8, 60, 150, 30, &o, NULL, 2);
    tsc_scq_opt_init(&o);
    o.em_epsilon = 0, o.max_iter = 400, o.theta_prior = 0;
    int64_t unset = run_case("to 400 iterations: pi underflows", 1500, 60, 5, 1, 150, 10, &o, NULL, 2);
    CHECK(unset > 0); /* products that are 0.0 were dropped, as the reference does */
    tsc_scq_opt_init(&o);
    o.use_likelihood = 1;
    run_case("use_likelihood", 2000, 200, 6, 100, 150, 20, &o, NULL, 2);
    run_case("use_likelihood, 9,000 rows a model (several numpy blocks)", 30000, 300, 6, 100, 150, 4, &o, NULL, 2);
    return tsc_test_result("test_scem_opencl");
}
