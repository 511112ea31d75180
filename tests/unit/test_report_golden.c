/* test_report_golden.c -- tsc-report's files against upstream Telescope's, byte for byte.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Builds a FIT in memory from $TSC_DATA/golden/internals-{default,synth} (TSC_DATA: ../data from
 * tests/unit by default) (raw_scores -> matrix, Q_z_final's z, pi_theta's pi/theta, run_info,
 * features), runs the report for each golden run and compares TE_counts.tsv and run_stats.tsv with upstream's files. Runs whose z differs from
 * the internals dump (max_iter 2/3, priors, --use_likelihood) get their z from a small
 * reference EM here (spec §7, §12, libm expm1/log1p): only the printed figures are compared.
 *
 * Also a generator for the tool tests and the benchmark:
 *   test_report_golden --fit INTERNALS_DIR OUT [MAX_ITER USE_LIK PI_PRIOR THETA_PRIOR]
 *   test_report_golden --random N K SEED OUT
 * write a FIT stream (with ALOC/ALEN) to OUT. */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <zlib.h>
#include "tsc_test.h"
#include "tsc_matrix.h"
#include "tsc_reassign.h"
#include "tsc_em.h"
#include "tsc_pairwise.h"
#include "tsc_report.h"
#include "tsc_util.h"

static char g_golden[4096];

/* ==== reading the internals ==== */

typedef struct {
    char **f;
    int n, m;
} fields_t;

/* split LINE in place on tabs (strips the newline) */
static int split(char *line, fields_t *fs)
{
    char *p = line, *q;
    fs->n = 0;
    line[strcspn(line, "\r\n")] = 0;
    for (;;) {
        if (fs->n == fs->m) {
            fs->m = fs->m ? fs->m * 2 : 16;
            fs->f = realloc(fs->f, fs->m * sizeof(char *));
        }
        fs->f[fs->n++] = p;
        if (!(q = strchr(p, '\t'))) break;
        *q = 0;
        p = q + 1;
    }
    return fs->n;
}

/* open DIR/NAME or DIR/NAME.gz */
static gzFile open_in(const char *dir, const char *name)
{
    char path[8192];
    gzFile f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if ((f = gzopen(path, "r"))) return f;
    snprintf(path, sizeof path, "%s/%s.gz", dir, name);
    return gzopen(path, "r");
}

typedef struct {
    int64_t row;
    int32_t col;
    uint32_t score;
} trip_t;

static int cmp_trip(const void *a, const void *b)
{
    const trip_t *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    return (x->col > y->col) - (x->col < y->col);
}

static tsc_mtx_t *load_internals(const char *dir)
{
    tsc_mtx_t *m = tsc_mtx_init(TSC_KIND_FIT);
    fields_t fs = { 0 };
    char line[65536];
    gzFile f;
    trip_t *t = NULL;
    int64_t nt = 0, mt = 0, i, nrows = 0;
    int first;

    if (!m) return NULL;
    /* features = columns */
    if (!(f = open_in(dir, "features.tsv"))) goto fail;
    for (first = 1; gzgets(f, line, sizeof line); first = 0) {
        if (first || split(line, &fs) < 3) continue;
        if (tsc_hdr_add_feature(m->hdr, fs.f[1], atoll(fs.f[2])) < 0) goto fail;
    }
    gzclose(f);
    m->n_cols = m->hdr->n_feat;
    /* run info */
    if (!(f = open_in(dir, "run_info.tsv"))) goto fail;
    while (gzgets(f, line, sizeof line))
        if (split(line, &fs) >= 2 && tsc_hdr_set_info(m->hdr, fs.f[0], fs.f[1]) < 0) goto fail;
    gzclose(f);
    /* raw scores, insertion order -> CSR with ascending columns */
    if (!(f = open_in(dir, "raw_scores.tsv"))) goto fail;
    for (first = 1; gzgets(f, line, sizeof line); first = 0) {
        if (first || split(line, &fs) < 5) continue;
        if (nt == mt) {
            mt = mt ? mt * 2 : 1024;
            t = realloc(t, mt * sizeof(trip_t));
        }
        t[nt].row = atoll(fs.f[0]);
        t[nt].col = atoi(fs.f[2]);
        t[nt].score = (uint32_t)atol(fs.f[4]);
        if (t[nt].row + 1 > nrows) nrows = t[nt].row + 1;
        nt++;
    }
    gzclose(f);
    qsort(t, nt, sizeof(trip_t), cmp_trip);
    m->n_rows = nrows;
    m->nnz = nt;
    m->indptr = calloc(nrows + 1, sizeof(int64_t));
    m->indices = malloc((nt ? nt : 1) * sizeof(int32_t));
    m->score = malloc((nt ? nt : 1) * sizeof(uint32_t));
    m->z = malloc((nt ? nt : 1) * sizeof(double));
    for (i = 0; i < nt; i++) {
        m->indices[i] = t[i].col;
        m->score[i] = t[i].score;
        m->indptr[t[i].row + 1]++;
    }
    for (i = 0; i < nrows; i++) m->indptr[i + 1] += m->indptr[i];
    /* final z, column-sorted order: the same cells in the same order */
    if (!(f = open_in(dir, "Q_z_final.tsv"))) goto fail;
    i = 0;
    for (first = 1; gzgets(f, line, sizeof line); first = 0) {
        if (first || split(line, &fs) < 4) continue;
        if (i >= nt || t[i].row != atoll(fs.f[0]) || t[i].col != atoi(fs.f[1])) {
            fprintf(stderr, "%s: Q_z_final does not match raw_scores at cell %lld\n", dir, (long long)i);
            goto fail;
        }
        m->z[i++] = strtod(fs.f[3], NULL);
    }
    gzclose(f);
    if (i != nt) goto fail;
    /* pi, theta */
    m->pi = calloc(m->n_cols, sizeof(double));
    m->theta = calloc(m->n_cols, sizeof(double));
    m->pi_init = calloc(m->n_cols, sizeof(double));
    m->theta_init = calloc(m->n_cols, sizeof(double));
    if (!(f = open_in(dir, "pi_theta.tsv"))) goto fail;
    for (first = 1; gzgets(f, line, sizeof line); first = 0) {
        int c;
        if (first || split(line, &fs) < 6) continue;
        c = atoi(fs.f[0]);
        if (c < 0 || c >= m->n_cols) goto fail;
        m->pi_init[c] = strtod(fs.f[2], NULL);
        m->theta_init[c] = strtod(fs.f[3], NULL);
        m->pi[c] = strtod(fs.f[4], NULL);
        m->theta[c] = strtod(fs.f[5], NULL);
    }
    gzclose(f);
    /* final lnl, from "# final lnl X (printed ...)" */
    if ((f = open_in(dir, "em_iterations.tsv"))) {
        while (gzgets(f, line, sizeof line))
            if (strncmp(line, "# final lnl ", 12) == 0) m->lnl = strtod(line + 12, NULL);
        gzclose(f);
    }
    /* annotated loci (for the all-loci table): first appearance in annotation_intervals */
    if ((f = open_in(dir, "annotation_intervals.tsv"))) {
        for (first = 1; gzgets(f, line, sizeof line); first = 0) {
            int32_t a;
            int64_t len;
            if (first || split(line, &fs) < 4) continue;
            len = atoll(fs.f[2]) - atoll(fs.f[1]);
            for (a = 0; a < m->n_aloc && strcmp(m->aloc[a], fs.f[3]); a++)
                ;
            if (a == m->n_aloc) {
                m->aloc = realloc(m->aloc, (a + 1) * sizeof(char *));
                m->alen = realloc(m->alen, (a + 1) * sizeof(int64_t));
                m->aloc[a] = strdup(fs.f[3]);
                m->alen[a] = 0;
                m->n_aloc++;
            }
            m->alen[a] += len;
        }
        gzclose(f);
    }
    free(t);
    free(fs.f);
    return m;
fail:
    fprintf(stderr, "cannot load internals from %s\n", dir);
    free(t);
    free(fs.f);
    tsc_mtx_destroy(m);
    return NULL;
}

/* ==== a reference EM (spec §7 and §12; the test's own, for z after other options) ==== */

static int ref_em(tsc_mtx_t *m, int max_iter, int use_lik, double pi_prior, double theta_prior,
                  double eps)
{
    int64_t N = m->n_rows, K = m->n_cols, i, k, j;
    double *Q = malloc(m->nnz * sizeof(double)), *w = malloc(N * sizeof(double));
    double *wy = malloc(N * sizeof(double)), *U = calloc(K, sizeof(double));
    double *pi = malloc(K * sizeof(double)), *th = malloc(K * sizeof(double));
    double *pt = malloc(K * sizeof(double)), *T = malloc(K * sizeof(double));
    double *np_ = malloc(K * sizeof(double)), *nt = malloc(K * sizeof(double));
    double *d = malloc(K * sizeof(double)), *rowl = malloc(N * sizeof(double));
    double *z = malloc(m->nnz * sizeof(double)), *n = malloc(K * sizeof(double));
    double inv = 1.0 / tsc_reassign_smax(m), W = 0, total_wt, ambig_wt, Ppi, Pth, prev = INFINITY;
    char *Y = malloc(N);
    int t = 0, conv;

    for (k = 0; k < m->nnz; k++) Q[k] = tsc_em_q(m->score[k], inv);
    for (i = 0; i < N; i++) {
        Y[i] = m->indptr[i + 1] - m->indptr[i] > 1;
        w[i] = 0;
        for (k = m->indptr[i]; k < m->indptr[i + 1]; k++)
            if (Q[k] > w[i]) w[i] = Q[k];
        if (w[i] > W) W = w[i];
        wy[i] = Y[i] ? w[i] : 0.0;
        if (!Y[i])
            for (k = m->indptr[i]; k < m->indptr[i + 1]; k++) U[m->indices[k]] += Q[k];
    }
    total_wt = tsc_np_sum(w, N);
    ambig_wt = tsc_np_sum(wy, N);
    Ppi = pi_prior * W;
    Pth = theta_prior * W;
    for (j = 0; j < K; j++) pi[j] = th[j] = 1.0 / K;
    for (;;) {
        double diff;
        /* E */
        for (j = 0; j < K; j++) pt[j] = pi[j] * th[j];
        for (i = 0; i < N; i++) {
            int64_t s = m->indptr[i], len = m->indptr[i + 1] - s;
            double sum, r;
            for (k = 0; k < len; k++)
                n[k] = Q[s + k] * (Y[i] ? pt[m->indices[s + k]] : pi[m->indices[s + k]]);
            sum = tsc_pw_rowsum(n, len);
            r = sum != 0 ? 1.0 / sum : 0.0;
            for (k = 0; k < len; k++) z[s + k] = n[k] * r;
        }
        /* M */
        for (j = 0; j < K; j++) T[j] = 0.0;
        for (i = 0; i < N; i++)
            if (Y[i])
                for (k = m->indptr[i]; k < m->indptr[i + 1]; k++) T[m->indices[k]] += z[k] * w[i];
        for (j = 0; j < K; j++) {
            np_[j] = (U[j] + T[j] + Ppi) / (total_wt + Ppi * K);
            nt[j] = (T[j] + Pth) / (ambig_wt + Pth * K);
        }
        t++;
        if (t == 1) {
            memcpy(m->pi_init, np_, K * sizeof(double));
            memcpy(m->theta_init, nt, K * sizeof(double));
        }
        for (j = 0; j < K; j++) d[j] = fabs(np_[j] - pi[j]);
        diff = tsc_np_sum(d, K);
        /* lnl(z, pi', theta') */
        for (i = 0; i < N; i++) {
            double acc = 0.0;
            for (k = m->indptr[i]; k < m->indptr[i + 1]; k++) {
                j = m->indices[k];
                acc += z[k] * log1p(Y[i] ? Q[k] * (np_[j] * nt[j]) : Q[k] * np_[j]);
            }
            rowl[i] = acc;
        }
        m->lnl = tsc_np_sum(rowl, N);
        if (use_lik) {
            conv = fabs(m->lnl - prev) < eps;
            prev = m->lnl;
        } else {
            conv = diff < eps;
        }
        memcpy(m->z, z, m->nnz * sizeof(double));
        memcpy(m->pi, np_, K * sizeof(double));
        memcpy(m->theta, nt, K * sizeof(double));
        memcpy(pi, np_, K * sizeof(double));
        memcpy(th, nt, K * sizeof(double));
        if (conv || t >= max_iter) break;
    }
    free(Q); free(w); free(wy); free(U); free(pi); free(th); free(pt); free(T);
    free(np_); free(nt); free(d); free(rowl); free(z); free(n); free(Y);
    return t;
}

/* ==== comparing ==== */

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!fp) return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0
        && (buf = malloc(n + 1)) && fread(buf, 1, n, fp) == (size_t)n) {
        buf[n] = 0;
        *len = n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    return buf;
}

/* first differing line, for the failure message */
static void show_diff(const char *what, const char *a, const char *b)
{
    int ln = 1;
    while (*a && *a == *b) {
        if (*a == '\n') ln++;
        a++, b++;
    }
    fprintf(stderr, "  %s differs at line %d:\n    got:      %.120s\n    expected: %.120s\n",
            what, ln, a, b);
}

static int compare(const char *run, const char *file, const char *got, size_t glen)
{
    char path[8192];
    size_t elen = 0;
    char *exp;
    snprintf(path, sizeof path, "%s/%s/%s", g_golden, run, file);
    if (!(exp = slurp(path, &elen))) {
        fprintf(stderr, "cannot read %s\n", path);
        return -1;
    }
    if (glen != elen || memcmp(got, exp, elen) != 0) {
        fprintf(stderr, "%s/%s: not byte-identical\n", run, file);
        show_diff(file, got, exp);
        free(exp);
        return -1;
    }
    free(exp);
    return 0;
}

typedef struct {
    const char *run, *internals, *mode;
    double conf;
    int em;                   /* 0: upstream's z; 1: reference EM with the options below */
    int max_iter, use_lik;
    double pi_prior, theta_prior;
    int iterations;           /* expected EM iterations (summary.tsv) */
    const char *info_key, *info_val; /* run-info override */
} run_t;

static const run_t g_runs[] = {
    { "default", "internals-default", "exclude", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "mode_exclude", "internals-default", "exclude", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "mode_choose", "internals-default", "choose", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "mode_average", "internals-default", "average", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "mode_conf", "internals-default", "conf", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "mode_unique", "internals-default", "unique", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "updated_sam", "internals-default", "exclude", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "updated_sam_choose", "internals-default", "choose", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "resume_default", "internals-default", "exclude", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "default", "internals-default", "exclude", 0.9, 1, 100, 0, 0, 200000, 16, NULL, NULL },
    { "mode_choose", "internals-default", "choose", 0.9, 1, 100, 0, 0, 200000, 16, NULL, NULL },
    { "mode_average", "internals-default", "average", 0.9, 1, 100, 0, 0, 200000, 16, NULL, NULL },
    { "mode_conf", "internals-default", "conf", 0.9, 1, 100, 0, 0, 200000, 16, NULL, NULL },
    { "maxiter2_exclude", "internals-default", "exclude", 0.9, 1, 2, 0, 0, 200000, 2, NULL, NULL },
    { "maxiter2_choose", "internals-default", "choose", 0.9, 1, 2, 0, 0, 200000, 2, NULL, NULL },
    { "maxiter2_average", "internals-default", "average", 0.9, 1, 2, 0, 0, 200000, 2, NULL, NULL },
    { "maxiter2_conf", "internals-default", "conf", 0.9, 1, 2, 0, 0, 200000, 2, NULL, NULL },
    { "maxiter2_unique", "internals-default", "unique", 0.9, 1, 2, 0, 0, 200000, 2, NULL, NULL },
    { "use_likelihood", "internals-default", "exclude", 0.9, 1, 100, 1, 0, 200000, 25, NULL, NULL },
    { "resume_choose_lik", "internals-default", "choose", 0.9, 1, 100, 1, 0, 200000, 25, NULL, NULL },
    { "theta0_pi5", "internals-default", "exclude", 0.9, 1, 100, 0, 5, 0, 6, NULL, NULL },
    { "synth-exclude", "internals-synth", "exclude", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "synth-choose", "internals-synth", "choose", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "synth-average", "internals-synth", "average", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "synth-conf", "internals-synth", "conf", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "synth-unique", "internals-synth", "unique", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "synth-sam_input", "internals-synth", "exclude", 0.9, 0, 0, 0, 0, 0, 0, NULL, NULL },
    { "synth-attr_gene_id", "internals-synth", "exclude", 0.9, 0, 0, 0, 0, 0, 0, "annotated_features", "10" },
    { "synth-choose", "internals-synth", "choose", 0.9, 1, 100, 0, 0, 200000, 58, NULL, NULL },
    { "synth-average", "internals-synth", "average", 0.9, 1, 100, 0, 0, 200000, 58, NULL, NULL },
    { "synth-conf", "internals-synth", "conf", 0.9, 1, 100, 0, 0, 200000, 58, NULL, NULL },
    { "synth-use_likelihood", "internals-synth", "exclude", 0.9, 1, 100, 1, 0, 200000, 87, NULL, NULL },
    { "synth-pi10_theta0", "internals-synth", "exclude", 0.9, 1, 100, 0, 10, 0, 40, NULL, NULL },
    { "synth-maxiter3_conf0.5", "internals-synth", "conf", 0.5, 1, 3, 0, 0, 200000, 3, NULL, NULL },
};

static int run_one(const run_t *r)
{
    char dir[8192];
    tsc_mtx_t *m;
    tsc_report_opt_t o;
    tsc_report_t rep;
    char *b1 = NULL, *b2 = NULL;
    size_t l1 = 0, l2 = 0;
    FILE *f1, *f2;
    int ok = 0;

    snprintf(dir, sizeof dir, "%s/%s", g_golden, r->internals);
    if (!(m = load_internals(dir))) return -1;
    if (r->em) {
        int it = ref_em(m, r->max_iter, r->use_lik, r->pi_prior, r->theta_prior, 1e-7);
        if (it != r->iterations) {
            fprintf(stderr, "%s: reference EM took %d iterations, upstream %d\n", r->run, it, r->iterations);
            ok = -1;
        }
    }
    if (r->info_key && tsc_hdr_set_info(m->hdr, r->info_key, r->info_val) < 0) ok = -1;
    tsc_report_opt_init(&o);
    o.mode = tsc_ra_mode_parse(r->mode, 0);
    o.conf_prob = r->conf;
    if (tsc_report_compute(m, &o, &rep) < 0) {
        tsc_mtx_destroy(m);
        return -1;
    }
    f1 = open_memstream(&b1, &l1);
    f2 = open_memstream(&b2, &l2);
    if (tsc_report_write_counts(f1, "TE_counts", m, &rep) < 0) ok = -1;
    if (tsc_report_write_stats(f2, "run_stats", m, &rep) < 0) ok = -1;
    fclose(f1);
    fclose(f2);
    if (compare(r->run, "telescope-TE_counts.tsv", b1, l1) < 0) ok = -1;
    if (compare(r->run, "telescope-run_stats.tsv", b2, l2) < 0) ok = -1;
    if (ok == 0)
        fprintf(stderr, "ok   %-24s %-8s %s\n", r->run, r->mode, r->em ? "(reference EM)" : "(upstream z)");
    free(b1);
    free(b2);
    tsc_report_free(&rep);
    tsc_mtx_destroy(m);
    return ok;
}

/* the reference EM against upstream's dump: iterations, and pi/z within a few ulps */
static void check_ref_em(const char *internals, int iterations)
{
    char dir[8192];
    tsc_mtx_t *up, *me;
    int64_t k, j;
    double maxrel = 0;
    snprintf(dir, sizeof dir, "%s/%s", g_golden, internals);
    up = load_internals(dir);
    me = load_internals(dir);
    CHECK(up && me);
    if (!up || !me) return;
    CHECK_INT(ref_em(me, 100, 0, 0, 200000, 1e-7), iterations);
    for (j = 0; j < up->n_cols; j++) {
        CHECK_NEAR(me->pi[j], up->pi[j], 1e-300, 1e-12);
        CHECK_NEAR(me->pi_init[j], up->pi_init[j], 1e-300, 1e-12);
    }
    for (k = 0; k < up->nnz; k++) {
        double d = fabs(me->z[k] - up->z[k]) / (up->z[k] > 0 ? up->z[k] : 1);
        if (d > maxrel) maxrel = d;
    }
    CHECK(maxrel < 1e-12);
    fprintf(stderr, "reference EM on %s: %d iterations, max relative z difference %.3g\n",
            internals, iterations, maxrel);
    tsc_mtx_destroy(up);
    tsc_mtx_destroy(me);
}

/* ==== generators ==== */

static int write_fit(tsc_mtx_t *m, const char *out)
{
    if (tsc_hdr_add_prov(m->hdr, "test_report_golden", TSC_VERSION, "generated for tests") < 0) return 1;
    return tsc_mtx_write(out, m) < 0;
}

static int gen_random(int64_t n, int32_t k, uint32_t seed, const char *out)
{
    tsc_mtx_t *m = tsc_mtx_init(TSC_KIND_FIT);
    tsc_mt_t r;
    int64_t i, nnz = 0, cap = n * 4 + 16;
    int32_t j;
    char nm[32];
    int ret;
    tsc_mt_seed(&r, seed);
    m->n_rows = n;
    m->n_cols = k;
    m->indptr = calloc(n + 1, sizeof(int64_t));
    m->indices = malloc(cap * sizeof(int32_t));
    m->score = malloc(cap * sizeof(uint32_t));
    m->z = malloc(cap * sizeof(double));
    m->pi = malloc(k * sizeof(double));
    m->pi_init = malloc(k * sizeof(double));
    m->theta = malloc(k * sizeof(double));
    m->theta_init = malloc(k * sizeof(double));
    m->aloc = malloc(k * sizeof(char *));
    m->alen = malloc(k * sizeof(int64_t));
    for (j = 0; j < k; j++) {
        snprintf(nm, sizeof nm, j ? "TE%d" : "__no_feature", j);
        if (tsc_hdr_add_feature(m->hdr, nm, j ? 500 + j % 9000 : 0) < 0) return 1;
        m->pi[j] = m->pi_init[j] = m->theta[j] = m->theta_init[j] = 1.0 / k;
        if (j) {
            m->aloc[j - 1] = strdup(nm);
            m->alen[j - 1] = 500 + j % 9000;
        }
    }
    m->n_aloc = k - 1;
    for (i = 0; i < n; i++) {
        /* 1-6 cells per row, around a random home locus; a few fragments also hit column 0 */
        int32_t home = 1 + (int32_t)tsc_mt_bounded(&r, (uint32_t)(k - 2)), c, prev = -1;
        int len = 1 + (int)tsc_mt_bounded(&r, 5);
        double zs = 0;
        int64_t s = nnz;
        if (tsc_mt_bounded(&r, 9) == 0) {
            m->indices[nnz] = 0;
            m->score[nnz++] = 150 + tsc_mt_bounded(&r, 60);
        }
        for (c = 0; c < len; c++) {
            int32_t col = home + c * 7;
            if (col >= k) break;
            if (col <= prev) continue;
            prev = col;
            m->indices[nnz] = col;
            m->score[nnz++] = 200 + tsc_mt_bounded(&r, 2) * 5; /* frequent ties */
        }
        for (c = 0; c < nnz - s; c++) zs += (m->z[s + c] = 1.0 + tsc_mt_bounded(&r, 3));
        for (c = 0; c < nnz - s; c++) m->z[s + c] /= zs;
        m->indptr[i + 1] = nnz;
    }
    m->nnz = nnz;
    if (tsc_hdr_set_info_int(m->hdr, "total_fragments", n + n / 3) < 0) return 1;
    ret = write_fit(m, out);
    printf("%lld\t%lld\n", (long long)m->n_rows, (long long)m->nnz);
    tsc_mtx_destroy(m);
    return ret;
}

int main(int argc, char **argv)
{
    const char *sh = getenv("TSC_DATA");
    size_t t;
    int fails = 0;

    snprintf(g_golden, sizeof g_golden, "%s/golden", sh && *sh ? sh : "../data");
    if (argc >= 4 && strcmp(argv[1], "--fit") == 0) {
        tsc_mtx_t *m = load_internals(argv[2]);
        int ret;
        if (!m) return 1;
        if (argc >= 8) ref_em(m, atoi(argv[4]), atoi(argv[5]), atof(argv[6]), atof(argv[7]), 1e-7);
        ret = write_fit(m, argv[3]);
        tsc_mtx_destroy(m);
        return ret;
    }
    if (argc == 6 && strcmp(argv[1], "--random") == 0)
        return gen_random(atoll(argv[2]), atoi(argv[3]), (uint32_t)atol(argv[4]), argv[5]);

    check_ref_em("internals-default", 16);
    check_ref_em("internals-synth", 58);
    for (t = 0; t < sizeof g_runs / sizeof g_runs[0]; t++) {
        int r = run_one(&g_runs[t]);
        CHECK(r == 0);
        fails += r != 0;
    }
    fprintf(stderr, "%d of %d golden runs byte-identical\n", (int)(sizeof g_runs / sizeof g_runs[0]) - fails,
            (int)(sizeof g_runs / sizeof g_runs[0]));
    return tsc_test_result("test_report_golden");
}
