/* test_scem.c -- many-model EM (lib/tsc_scem.c) against its definition: every model of
 * tsc_scem_fit_cpu() must equal, bit for bit, tsc_scq_fit() on a copy of the matrix whose
 * non-member rows are empty (stellarscope-spec §8.1-§8.2: Stellarscope's N x K matrix with the
 * other rows zeroed), at 1, 2 and 4 threads: z, zset, iterations, converged, lnl, nobs, nfeats.
 * Random matrices (some larger than numpy's 8,192-element block), random partitions with rows in
 * no model, empty models, a model of every row, models whose pi/theta underflow (theta_prior 0),
 * pi_prior > 0 and use_likelihood on and off. Also the models of individual and celltype pooling.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tsc_test.h"
#include "scem_ref.h"
#include "tsc_scem.h"

static uint64_t rng_s = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rng_s ^= rng_s << 13; rng_s ^= rng_s >> 7; rng_s ^= rng_s << 17;
    return rng_s;
}
static int64_t rndi(int64_t n) { return (int64_t)(rnd() % (uint64_t)n); }

/* N rows, K columns; a row has 0..maxc cells (EMPTY_PCT % empty rows); raw scores 1..RMAX */
static tsc_scmat_t *rand_mat(int64_t n, int32_t k, int maxc, int empty_pct, int rmax)
{
    tsc_scmat_t *m = calloc(1, sizeof(*m));
    m->n = n; m->k = k;
    m->ptr = calloc((size_t)n + 1, sizeof(int64_t));
    m->col = malloc(((size_t)n * maxc + 1) * sizeof(int32_t));
    m->raw = malloc(((size_t)n * maxc + 1) * sizeof(double));
    int64_t nnz = 0;
    for (int64_t i = 0; i < n; i++) {
        int c = rndi(100) < empty_pct ? 0 : 1 + (int)rndi(maxc);
        int32_t j = (int32_t)rndi(k);
        for (int x = 0; x < c && j < k; x++) {
            m->col[nnz] = j;
            m->raw[nnz] = (double)(1 + rndi(rmax));
            nnz++;
            j += 1 + (int32_t)rndi(k / 4 + 1);
        }
        m->ptr[i + 1] = nnz;
    }
    return m;
}

static void free_mat(tsc_scmat_t *m)
{
    free(m->ptr); free(m->col); free(m->raw); free(m);
}

/* random partition: row -> model g with NMODEL models, NONE_PCT % of rows in no model;
 * EMPTY models get no rows; ALL_MODEL >= 0: that model takes every row */
static void rand_models(const tsc_scmat_t *m, int64_t nmodel, int none_pct, int all_model, tsc_scmodels_t *md)
{
    int64_t *g = malloc(((size_t)m->n + 1) * sizeof(int64_t)), *cnt = calloc((size_t)nmodel + 1, sizeof(int64_t));
    md->n_model = nmodel;
    md->name = NULL;
    md->rptr = calloc((size_t)nmodel + 1, sizeof(int64_t));
    md->rows = malloc(((size_t)m->n + 1) * sizeof(int64_t));
    for (int64_t i = 0; i < m->n; i++) {
        if (all_model >= 0) g[i] = all_model;
        else if (rndi(100) < none_pct) g[i] = -1;
        else {
            /* skewed sizes; every third model stays empty; runs of rows as a cell-sorted BAM gives */
            g[i] = i > 0 && rndi(4) ? g[i - 1] : rndi(nmodel);
            if (g[i] >= 0 && g[i] % 3 == 2) g[i] = -1;
        }
        if (g[i] >= 0) cnt[g[i]]++;
    }
    for (int64_t x = 0; x < nmodel; x++) md->rptr[x + 1] = md->rptr[x] + cnt[x];
    memset(cnt, 0, (size_t)nmodel * sizeof(int64_t));
    for (int64_t i = 0; i < m->n; i++) if (g[i] >= 0) md->rows[md->rptr[g[i]] + cnt[g[i]]++] = i;
    free(g); free(cnt);
}

/* one case: every thread count against the masked fits, bit for bit */
static void check_case(const char *what, const tsc_scmat_t *m, const tsc_scmodels_t *md, const tsc_scq_opt_t *o,
                       int64_t *n_underflow)
{
    int64_t nnz = m->ptr[m->n], ng = md->n_model;
    double *ez = malloc(((size_t)nnz + 1) * sizeof(double)), *z = malloc(((size_t)nnz + 1) * sizeof(double));
    uint8_t *ezs = malloc((size_t)nnz + 1), *zs = malloc((size_t)nnz + 1);
    tsc_scmfit_t *ef = calloc((size_t)ng + 1, sizeof(*ef)), *f = calloc((size_t)ng + 1, sizeof(*f));
    CHECK(scem_masked_fit(m, md, o, ez, ezs, ef) == 0);
    for (int64_t g = 0; g < ng; g++)
        for (int64_t r = md->rptr[g]; r < md->rptr[g + 1]; r++) {
            int64_t i = md->rows[r];
            if (ef[g].iterations && m->ptr[i + 1] > m->ptr[i])
                for (int64_t x = m->ptr[i]; x < m->ptr[i + 1]; x++) *n_underflow += !ezs[x];
        }
    static const int threads[3] = { 1, 2, 4 };
    for (int ti = 0; ti < 3; ti++) {
        memset(z, 0, ((size_t)nnz + 1) * sizeof(double));
        memset(zs, 0, (size_t)nnz + 1);
        memset(f, 0xff, ((size_t)ng + 1) * sizeof(*f));
        CHECK(tsc_scem_fit_cpu(m, md, o, threads[ti], z, zs, f) == 0);
        int bad = memcmp(z, ez, (size_t)nnz * sizeof(double)) != 0 || memcmp(zs, ezs, (size_t)nnz) != 0;
        for (int64_t g = 0; g < ng; g++)
            bad |= f[g].iterations != ef[g].iterations || f[g].converged != ef[g].converged ||
                   memcmp(&f[g].lnl, &ef[g].lnl, sizeof(double)) != 0 || f[g].nobs != ef[g].nobs || f[g].nfeats != ef[g].nfeats;
        if (bad) {
            for (int64_t g = 0; g < ng; g++)
                if (f[g].iterations != ef[g].iterations || memcmp(&f[g].lnl, &ef[g].lnl, sizeof(double)))
                    fprintf(stderr, "  %s, -t %d: model %ld: %d it lnl %.17g, expected %d it lnl %.17g\n", what,
                            threads[ti], (long)g, f[g].iterations, f[g].lnl, ef[g].iterations, ef[g].lnl);
        }
        tsc_test_checks++;
        if (bad) { tsc_test_fails++; fprintf(stderr, "%s: -t %d differs from tsc_scq_fit on masked copies\n", what, threads[ti]); }
    }
    free(ez); free(z); free(ezs); free(zs); free(ef); free(f);
}

static void test_random(void)
{
    static const struct { int64_t n; int32_t k; int maxc, empty, rmax; int64_t nmodel; int none, all; double pip, thp; int lik; double eps; } cs[] = {
        { 500, 60, 6, 10, 200, 40, 15, -1, 0, 200000, 0, 1e-7 },
        { 500, 60, 6, 10, 200, 40, 15, -1, 0, 200000, 1, 1e-7 },
        { 700, 90, 5, 5, 60, 25, 10, -1, 5, 200000, 0, 1e-7 },
        { 700, 90, 5, 5, 60, 25, 10, -1, 5, 200000, 1, 1e-7 },
        { 400, 50, 8, 5, 200, 30, 10, -1, 0, 0, 0, 1e-7 },       /* theta_prior 0: products underflow */
        { 400, 50, 8, 5, 200, 30, 10, -1, 5, 0, 1, 1e-7 },
        { 300, 40, 5, 20, 150, 1, 0, 0, 0, 200000, 0, 1e-7 },    /* one model of every row */
        { 20000, 400, 4, 30, 150, 9, 20, -1, 0, 200000, 0, 1e-7 }, /* N > 8192: numpy's blocks */
        { 20000, 400, 4, 30, 150, 9, 20, -1, 2, 100, 1, 1e-7 },
        /* K large for the models: the diff of iteration 1 is ~1 over the model's columns plus ~1
         * over the others, so epsilon 1.5 stops at 1 or 2 iterations depending on the others */
        { 300, 5000, 3, 10, 150, 40, 10, -1, 0, 200000, 0, 1.5 },
    };
    int64_t nuf = 0;
    for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++) {
        char what[64];
        tsc_scmat_t *m = rand_mat(cs[c].n, cs[c].k, cs[c].maxc, cs[c].empty, cs[c].rmax);
        tsc_scmodels_t md;
        tsc_scq_opt_t o;
        tsc_scq_opt_init(&o);
        o.pi_prior = cs[c].pip; o.theta_prior = cs[c].thp; o.use_likelihood = cs[c].lik; o.em_epsilon = cs[c].eps;
        rand_models(m, cs[c].nmodel, cs[c].none, cs[c].all, &md);
        snprintf(what, sizeof what, "case %zu", c);
        int64_t before = nuf;
        check_case(what, m, &md, &o, &nuf);
        if (cs[c].thp == 0) CHECK(nuf > before); /* the underflow path was taken */
        tsc_scmodels_free(&md);
        free_mat(m);
    }
}

/* the models of individual and celltype pooling */
static void test_models(const char *tmp)
{
    tsc_scmat_t m;
    static char *bcs[4] = { "AAAA", "CCCC", "GGGG", "TTTT" };
    int64_t bc[8] = { 2, 0, 2, 3, 0, 2, 3, 3 }, ptr[9] = { 0 };
    memset(&m, 0, sizeof(m));
    m.n = 8; m.k = 3; m.ptr = ptr; m.bc = bc; m.n_bc = 4; m.barcodes = bcs;
    tsc_scmodels_t md;
    CHECK(tsc_scmodels_individual(&m, &md) == 0);
    CHECK_INT(md.n_model, 3);
    if (md.n_model == 3) {
        CHECK_STR(md.name[0], "GGGG"); CHECK_STR(md.name[1], "AAAA"); CHECK_STR(md.name[2], "TTTT");
        CHECK_INT(md.rptr[1], 3); CHECK_INT(md.rows[0], 0); CHECK_INT(md.rows[1], 2); CHECK_INT(md.rows[2], 5);
        CHECK_INT(md.rptr[2], 5); CHECK_INT(md.rows[3], 1); CHECK_INT(md.rows[4], 4);
        CHECK_INT(md.rptr[3], 8); CHECK_INT(md.rows[7], 7);
    }
    tsc_scmodels_free(&md);
    char path[4096];
    snprintf(path, sizeof path, "%s/ct.tsv", tmp);
    FILE *fp = fopen(path, "w");
    /* header; GGGG and TTTT in "b", AAAA in "a", CCCC (no rows) in "c", an unknown barcode in "d" */
    fputs("barcode\tcelltype\nGGGG\t b\nTTTT\tb\nAAAA\ta\tx\nCCCC\tc\nACGT\td\nGGGG\tb\n", fp);
    fclose(fp);
    CHECK(tsc_scmodels_celltype(&m, path, &md) == 0);
    CHECK_INT(md.n_model, 4);
    if (md.n_model == 4) {
        CHECK_STR(md.name[0], "a"); CHECK_STR(md.name[1], "b"); CHECK_STR(md.name[2], "c"); CHECK_STR(md.name[3], "d");
        CHECK_INT(md.rptr[1], 2); CHECK_INT(md.rows[0], 1); CHECK_INT(md.rows[1], 4);
        CHECK_INT(md.rptr[2], 8); CHECK_INT(md.rows[2], 0); CHECK_INT(md.rows[3], 2); CHECK_INT(md.rows[4], 3);
        CHECK_INT(md.rptr[3], 8); CHECK_INT(md.rptr[4], 8);
    }
    tsc_scmodels_free(&md);
    /* S11: a barcode without a celltype is in no model */
    fp = fopen(path, "w");
    fputs("GGGG\tb\nAAAA\ta\n", fp);
    fclose(fp);
    CHECK(tsc_scmodels_celltype(&m, path, &md) == 0);
    CHECK_INT(md.n_model, 2);
    if (md.n_model == 2) { CHECK_INT(md.rptr[2], 5); CHECK_STR(md.name[1], "b"); }
    tsc_scmodels_free(&md);
    /* a conflict (also of a barcode without reads), a line without a celltype: errors */
    fp = fopen(path, "w");
    fputs("ACGT\ta\nGGGG\tb\nACGT\tb\n", fp);
    fclose(fp);
    CHECK(tsc_scmodels_celltype(&m, path, &md) == -1);
    fp = fopen(path, "w");
    fputs("GGGG\tb\nAAAA\n", fp);
    fclose(fp);
    CHECK(tsc_scmodels_celltype(&m, path, &md) == -1);
    snprintf(path, sizeof path, "%s/none.tsv", tmp);
    CHECK(tsc_scmodels_celltype(&m, path, &md) == -1);
}

int main(void)
{
    char tmp[] = "/tmp/test_scem.XXXXXX";
    if (!mkdtemp(tmp)) return 1;
    test_random();
    test_models(tmp);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    if (system(cmd) != 0) return 1;
    return tsc_test_result("test_scem");
}
