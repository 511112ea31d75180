/* test_reassign.c -- unit tests of lib/tsc_reassign.c: MT19937 (numpy legacy), bounded draws,
 * the seed formula, numpy's pairwise sum, every reassignment mode, the raw-score shortcut for
 * the initial matrix, and the run replay used by tsc-tag.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "tsc_test.h"
#include "tsc_reassign.h"
#include "tsc_em.h"
#include "tsc_pairwise.h"
#include "tsc_report.h"
#include "tsc_util.h"

/* Reference outputs from an independent MT19937 (golden/tools/check_choose.py's class):
 * the first five outputs and the 10000th, per seed. */
static void test_mt(void)
{
    static const struct { uint32_t seed, first[5], ten_k; } ref[] = {
        { 0, { 2357136044u, 2546248239u, 3071714933u, 3626093760u, 2588848963u }, 1543171712u },
        { 54, { 1804672111u, 832937285u, 1560101762u, 10809103u, 794039319u }, 482612632u },
        { 5489, { 3499211612u, 581869302u, 3890346734u, 3586334585u, 545404204u }, 4123659995u },
        { 4294967294u, { 2236247450u, 437438088u, 2243395601u, 4071188816u, 2373037623u }, 2699753814u },
    };
    /* check_choose.py: MT(54).randbelow(n) for these n in sequence */
    static const uint32_t nb[] = { 2, 3, 5, 7, 8, 9, 16, 17, 100, 1000, 65537, 2147483653u };
    static const uint32_t draws[] = { 1, 1, 2, 1, 0, 8, 7, 9, 6, 617, 44279, 2139819252u };
    size_t t;
    int k;
    tsc_mt_t r;
    for (t = 0; t < sizeof ref / sizeof ref[0]; t++) {
        tsc_mt_seed(&r, ref[t].seed);
        for (k = 0; k < 5; k++) CHECK_INT(tsc_mt_u32(&r), ref[t].first[k]);
        for (k = 5; k < 9999; k++) (void)tsc_mt_u32(&r);
        CHECK_INT(tsc_mt_u32(&r), ref[t].ten_k);
    }
    tsc_mt_seed(&r, 54);
    for (t = 0; t < sizeof nb / sizeof nb[0]; t++) CHECK_INT(tsc_mt_bounded(&r, nb[t] - 1), draws[t]);
    /* max 0 consumes nothing */
    {
        tsc_mt_t a, b;
        tsc_mt_seed(&a, 7);
        tsc_mt_seed(&b, 7);
        CHECK_INT(tsc_mt_bounded(&a, 0), 0);
        CHECK_INT(tsc_mt_u32(&a), tsc_mt_u32(&b));
    }
    /* bounded: always within range, every value reached */
    {
        int seen[6] = { 0 };
        tsc_mt_seed(&r, 1);
        for (k = 0; k < 6000; k++) {
            uint32_t v = tsc_mt_bounded(&r, 5);
            CHECK(v <= 5);
            if (v <= 5) seen[v]++;
        }
        for (k = 0; k < 6; k++) CHECK(seen[k] > 800);
        CHECK_INT(tsc_mt_bounded(&r, UINT32_MAX) <= UINT32_MAX, 1);
    }
}

static void test_seed(void)
{
    CHECK_INT(tsc_reassign_seed(1000, 1000, 59), 0);       /* bundled default */
    CHECK_INT(tsc_reassign_seed(46, 40, 9), 54);           /* synthetic */
    CHECK_INT(tsc_reassign_seed(114, 113, 9), 9);
    /* mod 4294967295, not 2^32: (2^32-1)*1 -> 0; 2^32 -> 1 */
    CHECK_INT(tsc_reassign_seed(4294967295LL, 5000000000LL, 1), 0);
    CHECK_INT(tsc_reassign_seed(4294967296LL, 5000000000LL, 1), 1);
    /* large product, computed without overflow: (10^12-1) * 10^6 mod (2^32-1) */
    CHECK_INT(tsc_reassign_seed(999999999999LL, 1000000000000LL, 1000000),
              (uint32_t)((unsigned __int128)999999999999ULL * 1000000u % 4294967295u));
    /* Python's % on a negative total: result takes the sign of the divisor */
    CHECK_INT(tsc_reassign_seed(-1, 10, 3), 27);
}

/* expected values from spec_em.py's pw()/rowsum() (pure Python, numpy's algorithm) */
static void test_sums(void)
{
    double a[300];
    int i;
    /* n = 9: eight accumulators, then the remainder: (1e16 + 6) + 1 rounds to 1e16 + 8 */
    a[0] = 1e16;
    for (i = 1; i < 9; i++) a[i] = 1.0;
    CHECK(tsc_pw_sum(a, 9) == 1e16 + 8);
    /* n < 8: sequential */
    CHECK(tsc_pw_sum(a, 7) == 1e16);
    /* rowsum = a0 + pw(a1..a8) = 1e16 + 8 */
    CHECK(tsc_pw_rowsum(a, 9) == 1e16 + 8);
    CHECK(tsc_pw_rowsum(a, 0) == 0.0);
    CHECK(tsc_pw_rowsum(a, 1) == 1e16);
    /* a[i] = 1/(i+1), times 1e10 every 7th: pairwise, sequential and a0+pw differ */
    for (i = 0; i < 300; i++) a[i] = (1.0 / (i + 1)) * (i % 7 == 0 ? 1e10 : 1.0);
    CHECK(tsc_pw_sum(a, 5) == 0x1.2a05f200a4445p+33);
    CHECK(tsc_pw_rowsum(a, 5) == 0x1.2a05f200a4444p+33);
    CHECK(tsc_pw_sum(a, 20) == 0x1.6324f396894f7p+33);  /* sequential: ...4f8 */
    CHECK(tsc_pw_rowsum(a, 20) == 0x1.6324f396894f9p+33);
    CHECK(tsc_pw_sum(a, 129) == 0x1.b613569a40b37p+33); /* n > 128: split */
    CHECK(tsc_pw_rowsum(a, 129) == 0x1.b613569a40b35p+33);
    CHECK(tsc_pw_sum(a, 300) == 0x1.d94c30c24f35bp+33); /* sequential: ...362 */
    CHECK(tsc_pw_rowsum(a, 300) == 0x1.d94c30c24f35ap+33);
}

static void row(int mode, const double *v, int n, double conf, tsc_mt_t *rng, double *r)
{
    CHECK(tsc_reassign_row(mode, v, n, conf, rng, r) >= 0);
}

static void test_rows(void)
{
    double r[8];
    tsc_mt_t rng;
    static const double tie2[] = { 0.5, 0.5 }, clear[] = { 0.2, 0.8 }, one[] = { 0.3 };
    static const double tie3[] = { 0.3, 0.1, 0.3, 0.3 }, nanrow[] = { 0.3, NAN, 0.9 };
    static const double conf1[] = { 0.95, 0.05 }, conf2[] = { 0.9, 0.1 }, conf3[] = { 0.45, 0.1, 0.45 };
    static const double zero[] = { 0.0, 0.0, 0.0 };

    row(TSC_RA_EXCLUDE, tie2, 2, 0.9, NULL, r);
    CHECK(r[0] == 0 && r[1] == 0);
    row(TSC_RA_EXCLUDE, clear, 2, 0.9, NULL, r);
    CHECK(r[0] == 0 && r[1] == 1);
    row(TSC_RA_EXCLUDE, one, 1, 0.9, NULL, r);
    CHECK(r[0] == 1);
    row(TSC_RA_EXCLUDE, nanrow, 3, 0.9, NULL, r); /* numpy max is NaN: nothing equals it */
    CHECK(r[0] == 0 && r[1] == 0 && r[2] == 0);
    row(TSC_RA_EXCLUDE, zero, 3, 0.9, NULL, r);   /* an all-zero row ties everywhere */
    CHECK(r[0] == 0 && r[1] == 0 && r[2] == 0);

    /* choose: no draw for a clear maximum, one draw for ties, and NULL rng on a tie fails */
    CHECK_INT(tsc_reassign_row(TSC_RA_CHOOSE, clear, 2, 0.9, NULL, r), 0);
    CHECK(r[0] == 0 && r[1] == 1);
    CHECK_INT(tsc_reassign_row(TSC_RA_CHOOSE, tie3, 4, 0.9, NULL, r), -1);
    tsc_mt_seed(&rng, 54); /* first bounded draw in [0,2] with seed 54 is 1 (see test_mt) */
    CHECK_INT(tsc_reassign_row(TSC_RA_CHOOSE, tie3, 4, 0.9, &rng, r), 1);
    CHECK(r[0] == 0 && r[1] == 0 && r[2] == 1 && r[3] == 0); /* 2nd best cell in column order */
    tsc_mt_seed(&rng, 54);
    (void)tsc_mt_bounded(&rng, 1);
    CHECK_INT(tsc_reassign_row(TSC_RA_CHOOSE, tie2, 2, 0.9, &rng, r), 1); /* 2nd draw, m=2: 1 */
    CHECK(r[0] == 0 && r[1] == 1);

    row(TSC_RA_AVERAGE, tie3, 4, 0.9, NULL, r);
    CHECK(r[0] == 1.0 / 3 && r[1] == 0 && r[2] == 1.0 / 3 && r[3] == 1.0 / 3);
    row(TSC_RA_AVERAGE, clear, 2, 0.9, NULL, r);
    CHECK(r[0] == 0 && r[1] == 1);

    row(TSC_RA_CONF, conf1, 2, 0.9, NULL, r);
    CHECK(r[0] == 0.95 * (1.0 / 0.95) && r[1] == 0);
    CHECK(r[0] == 1.0 || r[0] == 1.0 - 0x1p-53);
    row(TSC_RA_CONF, conf2, 2, 0.9, NULL, r); /* inclusive threshold */
    CHECK(r[0] == 0.9 * (1.0 / 0.9) && r[1] == 0);
    row(TSC_RA_CONF, tie2, 2, 0.9, NULL, r);  /* nothing survives: 0 */
    CHECK(r[0] == 0 && r[1] == 0);
    row(TSC_RA_CONF, conf3, 3, 0.4, NULL, r); /* two survive and share */
    CHECK(r[0] == 0.45 * (1.0 / 0.9) && r[1] == 0 && r[2] == r[0]);

    row(TSC_RA_UNIQUE, one, 1, 0.9, NULL, r);
    CHECK(r[0] == 1);
    row(TSC_RA_UNIQUE, clear, 2, 0.9, NULL, r);
    CHECK(r[0] == 0 && r[1] == 0);
    row(TSC_RA_ALL, conf3, 3, 0.9, NULL, r);
    CHECK(r[0] == 1 && r[1] == 1 && r[2] == 1);
    row(TSC_RA_ALL, zero, 3, 0.9, NULL, r);
    CHECK(r[0] == 0 && r[1] == 0 && r[2] == 0);

    CHECK_INT(tsc_reassign_row(99, one, 1, 0.9, NULL, r), -1);
    CHECK_INT(tsc_ra_mode_parse("choose", 0), TSC_RA_CHOOSE);
    CHECK_INT(tsc_ra_mode_parse("all", 0), -1);
    CHECK_INT(tsc_ra_mode_parse("all", 1), TSC_RA_ALL);
    CHECK_INT(tsc_ra_mode_parse("Choose", 1), -1);
    CHECK_STR(tsc_ra_mode_name(TSC_RA_CONF), "conf");
    CHECK_STR(tsc_ra_mode_name(17), "?");
    CHECK(tsc_ra_mode_is_int(TSC_RA_UNIQUE) && !tsc_ra_mode_is_int(TSC_RA_AVERAGE));
}

/* a random FIT-like matrix: few distinct scores so rows tie often */
static tsc_mtx_t *random_mtx(int64_t n, int32_t k, uint32_t seed)
{
    tsc_mtx_t *m = tsc_mtx_init(TSC_KIND_FIT);
    tsc_mt_t r;
    int64_t i, nnz = 0;
    int32_t j;
    char nm[32];
    if (!m) return NULL;
    tsc_mt_seed(&r, seed);
    m->n_rows = n;
    m->n_cols = k;
    m->indptr = calloc((size_t)n + 1, sizeof(int64_t));
    m->indices = malloc((size_t)n * k * sizeof(int32_t));
    m->score = malloc((size_t)n * k * sizeof(uint32_t));
    m->z = malloc((size_t)n * k * sizeof(double));
    m->pi = calloc((size_t)k, sizeof(double));
    m->pi_init = calloc((size_t)k, sizeof(double));
    for (j = 0; j < k; j++) {
        snprintf(nm, sizeof nm, j ? "L%d" : "__no_feature", j);
        if (tsc_hdr_add_feature(m->hdr, nm, j ? 1000 + j : 0) < 0) return NULL;
        m->pi[j] = (double)tsc_mt_bounded(&r, 3) / 4;
        m->pi_init[j] = 1.0 / k;
    }
    for (i = 0; i < n; i++) {
        for (j = 0; j < k; j++) {
            if (tsc_mt_bounded(&r, 3) != 0 && !(j == k - 1 && nnz == m->indptr[i])) continue;
            m->indices[nnz] = j;
            m->score[nnz] = 180 + tsc_mt_bounded(&r, 3) * 10;
            /* z: a few distinct values (ties), sometimes zero */
            m->z[nnz] = (double)tsc_mt_bounded(&r, 4) / 4;
            nnz++;
        }
        m->indptr[i + 1] = nnz;
    }
    m->nnz = nnz;
    if (tsc_hdr_set_info_int(m->hdr, "total_fragments", n + 17) < 0) return NULL;
    return m;
}

/* the raw-score shortcut gives the same R as the real initial matrix, for every mode but conf */
static void test_initial_equivalence(void)
{
    tsc_mtx_t *m = random_mtx(3000, 9, 11);
    double *p, *r1, *r2, inv;
    int64_t i;
    int mode;
    CHECK(m != NULL);
    if (!m) return;
    p = malloc(m->nnz * sizeof(double));
    r1 = malloc(m->nnz * sizeof(double));
    r2 = malloc(m->nnz * sizeof(double));
    inv = 1.0 / tsc_reassign_smax(m);
    CHECK_INT(tsc_reassign_smax(m), 210);
    for (i = 0; i < m->n_rows; i++) tsc_reassign_initial_row(m, i, inv, p + m->indptr[i]);
    /* spot check the initial matrix: Q row-normalised */
    {
        int64_t s = m->indptr[0], n = m->indptr[1] - s, k;
        double q[16], sum;
        for (k = 0; k < n; k++) q[k] = expm1(((double)m->score[s + k] * inv) * 100.0);
        sum = tsc_pw_rowsum(q, n);
        for (k = 0; k < n; k++) CHECK(p[s + k] == q[k] * (1.0 / sum));
    }
    for (mode = 0; mode < TSC_RA_N_MODES; mode++) {
        tsc_mt_t a, b;
        tsc_mt_seed(&a, 3);
        tsc_mt_seed(&b, 3);
        CHECK(tsc_reassign(m, NULL, mode, 0.3, &a, r1) == 0);
        CHECK(tsc_reassign(m, p, mode, 0.3, &b, r2) == 0);
        CHECK(memcmp(r1, r2, m->nnz * sizeof(double)) == 0);
        CHECK_INT(tsc_mt_u32(&a), tsc_mt_u32(&b)); /* same number of draws */
    }
    free(p);
    free(r1);
    free(r2);
    tsc_mtx_destroy(m);
}

/* colsums == sums of per-cell R; tsc_reassign_final replays the run's draws so that its choose
 * R sums to exactly the TE_counts of tsc_report_compute */
static void test_final_replay(void)
{
    tsc_mtx_t *m = random_mtx(2000, 7, 5);
    tsc_report_opt_t o;
    tsc_report_t rep;
    double *r, sum[7];
    int64_t i, j;
    int mode;
    CHECK(m != NULL);
    if (!m) return;
    r = malloc(m->nnz * sizeof(double));
    for (mode = 0; mode < TSC_RA_ALL; mode++) {
        tsc_report_opt_init(&o);
        o.mode = mode;
        o.conf_prob = 0.5;
        CHECK(tsc_report_compute(m, &o, &rep) == 0);
        CHECK(tsc_reassign_final(m, mode, 0.5, r) == 0);
        for (j = 0; j < 7; j++) sum[j] = 0.0;
        for (i = 0; i < m->nnz; i++) sum[m->indices[i]] += r[i];
        for (j = 0; j < 7; j++) CHECK(sum[j] == rep.count[j]);
        /* choose: exactly one cell per row that has a maximum */
        if (mode == TSC_RA_CHOOSE) {
            int64_t bad = 0;
            for (i = 0; i < m->n_rows; i++) {
                double t = 0;
                for (j = m->indptr[i]; j < m->indptr[i + 1]; j++) t += r[j];
                bad += t != 1.0;
            }
            CHECK_INT(bad, 0);
        }
        tsc_report_free(&rep);
    }
    /* the draws of TE_counts depend on the init_best_random draws before them */
    {
        tsc_mt_t a;
        double *r2 = malloc(m->nnz * sizeof(double));
        tsc_mt_seed(&a, tsc_reassign_seed(2017, 2000, 7));
        CHECK(tsc_reassign(m, m->z, TSC_RA_CHOOSE, 0.9, &a, r2) == 0);
        CHECK(tsc_reassign_final(m, TSC_RA_CHOOSE, 0.9, r) == 0);
        CHECK(memcmp(r, r2, m->nnz * sizeof(double)) != 0);
        free(r2);
    }
    /* missing total_fragments is an error */
    {
        tsc_mtx_t *m2 = random_mtx(10, 3, 1);
        tsc_hdr_t *h = m2->hdr;
        free(h->info[0].val);
        h->info[0].val = strdup("x");
        tsc_set_verbosity(0);
        CHECK(tsc_reassign_final(m2, TSC_RA_CHOOSE, 0.9, r) == -1);
        tsc_set_verbosity(TSC_LOG_WARNING);
        tsc_mtx_destroy(m2);
    }
    free(r);
    tsc_mtx_destroy(m);
}

int main(void)
{
    test_mt();
    test_seed();
    test_sums();
    test_rows();
    test_initial_equivalence();
    test_final_replay();
    return tsc_test_result("test_reassign");
}
