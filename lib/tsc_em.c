/* tsc_em.c -- Telescope's EM: options, the model (spec §7.1), the M-step, the iteration loop
 * shared by all backends (§7.5), and the backend dispatch.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <omp.h>
#include "tsc_em_internal.h"
#include "tsc_util.h"

/* ---- options ---- */

void tsc_em_opt_init(tsc_em_opt_t *o)
{
    memset(o, 0, sizeof(*o));
    o->pi_prior = TSC_EM_DEFAULT_PI_PRIOR;
    o->theta_prior = TSC_EM_DEFAULT_THETA_PRIOR;
    o->epsilon = TSC_EM_DEFAULT_EPSILON;
    o->max_iter = TSC_EM_DEFAULT_MAX_ITER;
    o->use_likelihood = 0;
    o->n_threads = 1;
    o->backend = TSC_EM_AUTO;
    o->cl_platform = o->cl_device = -1;
    o->log_iterations = 1;
    o->split_nnz = 0;
}

int tsc_em_opt_check(const tsc_em_opt_t *o)
{
    int bad = 0;
    if (!(o->pi_prior >= 0 && isfinite(o->pi_prior)))
        tsc_error("pi prior must be a finite number >= 0, not %g", o->pi_prior), bad = 1;
    if (!(o->theta_prior >= 0 && isfinite(o->theta_prior)))
        tsc_error("theta prior must be a finite number >= 0, not %g", o->theta_prior), bad = 1;
    if (!(o->epsilon >= 0 && isfinite(o->epsilon)))
        tsc_error("EM epsilon must be a finite number >= 0, not %g", o->epsilon), bad = 1;
    if (o->max_iter < 1) tsc_error("max iterations must be >= 1, not %d", o->max_iter), bad = 1;
    if (o->n_threads < 1) tsc_error("threads must be >= 1, not %d", o->n_threads), bad = 1;
    if (o->backend != TSC_EM_AUTO && o->backend != TSC_EM_OPENMP && o->backend != TSC_EM_OPENCL)
        tsc_error("unknown EM backend %d", o->backend), bad = 1;
    if (o->split_nnz < 0) tsc_error("split size must be >= 0"), bad = 1;
    return bad ? -1 : 0;
}

const char *tsc_em_backend_name(int backend)
{
    switch (backend) {
    case TSC_EM_AUTO: return "auto";
    case TSC_EM_OPENMP: return "openmp";
    case TSC_EM_OPENCL: return "opencl";
    default: return "?";
    }
}

double tsc_em_q(uint32_t raw, double inv_smax)
{
    return expm1(((double)raw * inv_smax) * TSC_EM_Q_SCALE);
}

void tsc_em_result_free(tsc_em_result_t *res)
{
    if (!res) return;
    free(res->pi), free(res->theta), free(res->pi_init), free(res->theta_init), free(res->z);
    free(res->trace_diff), free(res->trace_lnl);
    res->pi = res->theta = res->pi_init = res->theta_init = res->z = NULL;
    res->trace_diff = res->trace_lnl = NULL;
}

/* ---- the model (§7.1) ---- */

/* First row of M that breaks the CSR rules, or -1; *WHY says which rule. */
static int64_t first_bad_row(const tsc_mtx_t *m, const char **why)
{
    const int64_t *p = m->indptr;
    for (int64_t i = 0; i < m->n_rows; ++i) {
        if (p[i + 1] < p[i]) { *why = "row pointers decrease"; return i; }
        for (int64_t k = p[i]; k < p[i + 1]; ++k) {
            if (m->indices[k] < 0 || m->indices[k] >= m->n_cols) { *why = "column index out of range"; return i; }
            if (k > p[i] && m->indices[k] <= m->indices[k - 1]) { *why = "columns not strictly ascending"; return i; }
            if (m->score[k] == 0) { *why = "raw score 0 (scores are >= 1)"; return i; }
        }
    }
    return -1;
}

int tsc_em_model_init(tsc_em_model_t *md, const tsc_mtx_t *m, const tsc_em_opt_t *opt)
{
    int nt = opt->n_threads > 0 ? opt->n_threads : 1;
    int64_t N = m->n_rows, K = m->n_cols, nnz, i;
    memset(md, 0, sizeof(*md));
    if (N < 0 || K < 1 || !m->indptr || (N > 0 && (!m->indices || !m->score)) || m->indptr[0] != 0) {
        tsc_error("invalid matrix: %lld rows, %lld columns", (long long)N, (long long)K);
        return -1;
    }
    nnz = m->indptr[N];
    if (nnz < 0 || (m->nnz != nnz && m->nnz != 0)) {
        tsc_error("invalid matrix: row pointers end at %lld, %lld cells", (long long)nnz, (long long)m->nnz);
        return -1;
    }
    md->n_rows = N, md->n_cols = K, md->nnz = nnz, md->n_threads = nt;
    md->indptr = m->indptr, md->indices = m->indices, md->score = m->score;

    /* validate, and the max score */
    int bad = 0;
    uint32_t smax = 0;
    int64_t maxlen = 0, n_ambig = 0, nnz_ambig = 0, n_unique = 0;
#pragma omp parallel for num_threads(nt) schedule(static) reduction(max:smax, maxlen) \
    reduction(+:n_ambig, nnz_ambig, n_unique) reduction(|:bad)
    for (i = 0; i < N; ++i) {
        int64_t b = m->indptr[i], e = m->indptr[i + 1], k;
        if (e < b || e > nnz) { bad = 1; continue; }
        for (k = b; k < e; ++k) {
            int32_t j = m->indices[k];
            if (j < 0 || j >= K || (k > b && j <= m->indices[k - 1]) || m->score[k] == 0) bad = 1;
            if (m->score[k] > smax) smax = m->score[k];
        }
        if (e - b > maxlen) maxlen = e - b;
        if (e - b > 1) n_ambig++, nnz_ambig += e - b;
        else if (e - b == 1) n_unique++;
    }
    if (bad) {
        const char *why = "?";
        int64_t r = first_bad_row(m, &why);
        tsc_error("invalid matrix: row %lld: %s", (long long)r, why);
        return -1;
    }
    md->smax = smax;
    md->inv_smax = smax ? 1.0 / smax : 0.0;
    md->max_row_len = maxlen, md->n_ambig = n_ambig, md->nnz_ambig = nnz_ambig, md->n_unique = n_unique;

    md->q = malloc((nnz > 0 ? nnz : 1) * sizeof(double));
    md->w = malloc((N > 0 ? N : 1) * sizeof(double));
    md->u = calloc(K, sizeof(double));
    double *wy = malloc((N > 0 ? N : 1) * sizeof(double));
    if (!md->q || !md->w || !md->u || !wy) {
        free(wy);
        tsc_error("out of memory for the EM model (%lld cells)", (long long)nnz);
        tsc_em_model_free(md);
        return -1;
    }
    /* Q, w, w*Y; max W.  Q depends on the score alone: with scores up to 2^16 (AS + alnlen: a few
     * hundred), one expm1 per score value instead of one per cell */
    double W = 0.0, inv = md->inv_smax, *qtab = NULL;
    if (smax <= 65536 && (uint64_t)smax < (uint64_t)nnz && (qtab = malloc(((size_t)smax + 1) * sizeof(double))))
        for (uint32_t r = 0; r <= smax; ++r) qtab[r] = tsc_em_q(r, inv);
#pragma omp parallel for num_threads(nt) schedule(static) reduction(max:W)
    for (i = 0; i < N; ++i) {
        int64_t b = m->indptr[i], e = m->indptr[i + 1], k;
        double wi = 0.0;
        for (k = b; k < e; ++k) {
            double q = qtab ? qtab[m->score[k]] : tsc_em_q(m->score[k], inv);
            md->q[k] = q;
            if (q > wi) wi = q;
        }
        md->w[i] = wi;
        wy[i] = e - b > 1 ? wi : 0.0;
        if (wi > W) W = wi;
    }
    free(qtab);
    md->W = W;
    md->total_wt = tsc_np_sum_par(md->w, N, nt);
    md->ambig_wt = tsc_np_sum_par(wy, N, nt);
    free(wy);
    /* U_j: sequential over unique rows in ascending row order */
    for (i = 0; i < N; ++i)
        if (m->indptr[i + 1] - m->indptr[i] == 1) {
            int64_t k = m->indptr[i];
            md->u[m->indices[k]] += md->q[k];
        }
    md->pi_prior_wt = opt->pi_prior * W;
    md->theta_prior_wt = opt->theta_prior * W;
    md->pi_den = md->total_wt + md->pi_prior_wt * (double)K;
    md->theta_den = md->ambig_wt + md->theta_prior_wt * (double)K;
    return 0;
}

void tsc_em_model_free(tsc_em_model_t *md)
{
    if (!md) return;
    free(md->q), free(md->w), free(md->u);
    md->q = md->w = md->u = NULL;
}

void tsc_em_mstep(const tsc_em_model_t *md, const double *t, double *pi, double *theta)
{
    for (int64_t j = 0; j < md->n_cols; ++j) {
        theta[j] = (t[j] + md->theta_prior_wt) / md->theta_den;
        pi[j] = (md->u[j] + t[j] + md->pi_prior_wt) / md->pi_den;
    }
}

int tsc_em_lnl_cpu(const tsc_em_model_t *md, const double *pi_z, const double *theta_z,
                   const double *pi, const double *theta, double *z, double *lrow, double *lnl)
{
    int64_t N = md->n_rows, L = md->max_row_len > 0 ? md->max_row_len : 1, i;
    int nt = md->n_threads, own = !lrow;
    double *scr = malloc((size_t)nt * 3 * L * sizeof(double));
    if (own) lrow = malloc((N > 0 ? N : 1) * sizeof(double));
    if (!scr || !lrow) {
        free(scr);
        if (own) free(lrow);
        tsc_error("out of memory");
        return -1;
    }
#pragma omp parallel num_threads(nt)
    {
        double *n = scr + (int64_t)omp_get_thread_num() * 3 * L, *q = n + L, *nz = q + L;
#pragma omp for schedule(static, 4096)
        for (i = 0; i < N; ++i) {
            int64_t b = md->indptr[i], len = md->indptr[i + 1] - b, k;
            const int32_t *ix = md->indices + b;
            double s, rr, acc = 0.0;
            for (k = 0; k < len; ++k) {
                q[k] = md->q ? md->q[b + k] : tsc_em_q(md->score[b + k], md->inv_smax);
                n[k] = len > 1 ? q[k] * (pi_z[ix[k]] * theta_z[ix[k]]) : q[k] * pi_z[ix[k]];
            }
            s = tsc_pw_rowsum_nz(n, len, nz);
            rr = s != 0.0 ? 1.0 / s : 0.0;
            for (k = 0; k < len; ++k) {
                double zk = n[k] * rr;
                acc += zk * log1p(len > 1 ? q[k] * (pi[ix[k]] * theta[ix[k]]) : q[k] * pi[ix[k]]);
                if (z) z[b + k] = zk;
            }
            lrow[i] = acc;
        }
    }
    *lnl = tsc_np_sum_par(lrow, N, nt);
    free(scr);
    if (own) free(lrow);
    return 0;
}

/* ---- the iteration (§7.5) ---- */

int tsc_em_iterate(const tsc_em_model_t *md, const tsc_em_opt_t *opt, const tsc_em_ops_t *ops,
                   tsc_em_result_t *res)
{
    int64_t K = md->n_cols, j;
    double t0 = tsc_realtime();
    double *pi = NULL, *th = NULL, *pi2 = NULL, *th2 = NULL, *tt = NULL, *d = NULL, *buf = NULL;
    int t = 0, conv = 0;
    double lnl = 0.0, lnl_prev = INFINITY, diff;
    size_t m_diff = 0, m_lnl = 0; /* capacities of the trace arrays */

    res->pi = malloc(K * sizeof(double));
    res->theta = malloc(K * sizeof(double));
    res->pi_init = malloc(K * sizeof(double));
    res->theta_init = malloc(K * sizeof(double));
    res->z = malloc((md->nnz > 0 ? md->nnz : 1) * sizeof(double));
    buf = malloc(6 * K * sizeof(double));
    if (!res->pi || !res->theta || !res->pi_init || !res->theta_init || !res->z || !buf) {
        tsc_error("out of memory");
        goto fail;
    }
    pi = buf, th = buf + K, pi2 = buf + 2 * K, th2 = buf + 3 * K, tt = buf + 4 * K, d = buf + 5 * K;
    for (j = 0; j < K; ++j) pi[j] = th[j] = 1.0 / (double)K;
    if (md->nnz == 0) { /* nothing to fit: the start values stand */
        tsc_info("EM skipped: the matrix has no cells.");
        memcpy(res->pi, pi, K * sizeof(double)), memcpy(res->theta, th, K * sizeof(double));
        memcpy(res->pi_init, pi, K * sizeof(double)), memcpy(res->theta_init, th, K * sizeof(double));
        res->iterations = 0, res->converged = 1, res->lnl = 0.0;
        free(buf);
        return 0;
    }
    for (;;) {
        double *sw;
        if (ops->tstep(ops->ctx, pi, th, tt) < 0) goto fail;
        tsc_em_mstep(md, tt, pi2, th2);
        ++t;
        if (t == 1) {
            memcpy(res->pi_init, pi2, K * sizeof(double));
            memcpy(res->theta_init, th2, K * sizeof(double));
        }
        for (j = 0; j < K; ++j) d[j] = fabs(pi2[j] - pi[j]);
        diff = tsc_np_sum(d, K);
        if (TSC_GROW(res->trace_diff, m_diff, (size_t)t) < 0
            || (opt->use_likelihood && TSC_GROW(res->trace_lnl, m_lnl, (size_t)t) < 0)) {
            tsc_error("out of memory");
            goto fail;
        }
        res->trace_diff[t - 1] = diff;
        if (opt->use_likelihood) {
            if (ops->lnl(ops->ctx, pi, th, pi2, th2, NULL, &lnl) < 0) goto fail;
            res->trace_lnl[t - 1] = lnl;
            if (opt->log_iterations) tsc_info("Iteration %d, lnl= %.5e, diff=%.5g", t, lnl, diff);
            conv = fabs(lnl - lnl_prev) < opt->epsilon;
            lnl_prev = lnl;
        } else {
            if (opt->log_iterations) tsc_info("Iteration %d, diff=%.5g", t, diff);
            conv = diff < opt->epsilon;
        }
        /* keep (pi, theta) as the values the last z came from; (pi2, theta2) become current */
        sw = pi, pi = pi2, pi2 = sw;
        sw = th, th = th2, th2 = sw;
        if (conv || t >= opt->max_iter) break;
    }
    res->sec_iter = tsc_realtime() - t0;
    res->bytes_iter = ops->bytes_tstep;
    t0 = tsc_realtime();
    /* final z = E(previous pi, theta) (Q9); lnl = L(z, pi, theta) */
    if (ops->lnl(ops->ctx, pi2, th2, pi, th, res->z, &lnl) < 0) goto fail;
    res->sec_final = tsc_realtime() - t0;
    memcpy(res->pi, pi, K * sizeof(double)), memcpy(res->theta, th, K * sizeof(double));
    res->lnl = lnl, res->iterations = t, res->converged = conv;
    tsc_info("EM %s after %d iterations.", conv ? "converged" : "terminated", t);
    tsc_info("Final log-likelihood: %f.", lnl);
    free(buf);
    return 0;
fail:
    free(buf);
    tsc_em_result_free(res);
    return -1;
}

/* ---- dispatch ---- */

int tsc_em_run(const tsc_mtx_t *m, const tsc_em_opt_t *opt, tsc_em_result_t *res)
{
    int backend = opt->backend;
    if (tsc_em_opt_check(opt) < 0) return -1;
    if (backend == TSC_EM_AUTO)
        backend = m->nnz >= TSC_EM_AUTO_GPU_NNZ && tsc_em_opencl_has_gpu(opt) ? TSC_EM_OPENCL : TSC_EM_OPENMP;
    if (backend == TSC_EM_OPENCL) {
        int r = tsc_em_run_opencl(m, opt, res);
        /* asked for by name: an OpenCL failure is an error; chosen by auto: fall back */
        if (r == 0) { res->backend = TSC_EM_OPENCL; return 0; }
        if (r != -2 && opt->backend != TSC_EM_AUTO) return -1;
        tsc_em_result_free(res);
        tsc_warn("OpenCL backend unavailable: using the OpenMP backend");
    }
    return tsc_em_run_openmp(m, opt, res);
}
