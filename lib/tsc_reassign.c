/* tsc_reassign.c -- Telescope's reassignment modes and its MT19937 `choose` (spec §8).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Numerics follow numpy/scipy as upstream runs them (spec §12): the row maximum is compared
 * with float ==; conf renormalises with x * (1.0 / (a0 + pairwise(a1..))) over every stored
 * cell (zeros included); column sums are sequential in row order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tsc_reassign.h"
#include "tsc_em.h"
#include "tsc_pairwise.h"
#include "tsc_util.h"

static const char *const mode_names[TSC_RA_N_MODES] = {
    "exclude", "choose", "average", "conf", "unique", "all"
};

const char *tsc_ra_mode_name(int mode)
{
    return mode >= 0 && mode < TSC_RA_N_MODES ? mode_names[mode] : "?";
}

int tsc_ra_mode_parse(const char *name, int allow_all)
{
    int i;
    if (!name) return -1;
    for (i = 0; i < TSC_RA_N_MODES; i++)
        if (strcmp(name, mode_names[i]) == 0)
            return i == TSC_RA_ALL && !allow_all ? -1 : i;
    return -1;
}

int tsc_ra_mode_is_int(int mode)
{
    return mode == TSC_RA_EXCLUDE || mode == TSC_RA_CHOOSE || mode == TSC_RA_UNIQUE
        || mode == TSC_RA_ALL;
}

/* ==== MT19937 (Matsumoto & Nishimura), as numpy's legacy RandomState ==== */

#define MT_M 397
#define MT_MATRIX_A 0x9908b0dfu
#define MT_UPPER 0x80000000u
#define MT_LOWER 0x7fffffffu

void tsc_mt_seed(tsc_mt_t *r, uint32_t seed)
{
    int i;
    r->mt[0] = seed;
    for (i = 1; i < TSC_MT_N; i++)
        r->mt[i] = 1812433253u * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) + (uint32_t)i;
    r->mti = TSC_MT_N;
}

static void mt_generate(tsc_mt_t *r)
{
    uint32_t *mt = r->mt, y;
    int k;
    for (k = 0; k < TSC_MT_N - MT_M; k++) {
        y = (mt[k] & MT_UPPER) | (mt[k + 1] & MT_LOWER);
        mt[k] = mt[k + MT_M] ^ (y >> 1) ^ (y & 1u ? MT_MATRIX_A : 0u);
    }
    for (; k < TSC_MT_N - 1; k++) {
        y = (mt[k] & MT_UPPER) | (mt[k + 1] & MT_LOWER);
        mt[k] = mt[k + (MT_M - TSC_MT_N)] ^ (y >> 1) ^ (y & 1u ? MT_MATRIX_A : 0u);
    }
    y = (mt[TSC_MT_N - 1] & MT_UPPER) | (mt[0] & MT_LOWER);
    mt[TSC_MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ (y & 1u ? MT_MATRIX_A : 0u);
    r->mti = 0;
}

uint32_t tsc_mt_u32(tsc_mt_t *r)
{
    uint32_t y;
    if (r->mti >= TSC_MT_N) mt_generate(r);
    y = r->mt[r->mti++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

uint32_t tsc_mt_bounded(tsc_mt_t *r, uint32_t max)
{
    uint32_t mask = max, v;
    if (max == 0) return 0;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    while ((v = tsc_mt_u32(r) & mask) > max)
        ;
    return v;
}

uint32_t tsc_reassign_seed(int64_t total_fragments, int64_t n_rows, int64_t n_cols)
{
    /* Python: (total_fragments % N) * K % 4294967295; % takes the sign of the divisor */
    __int128 a = total_fragments % n_rows;
    if (a < 0) a += n_rows;
    a = a * n_cols % 4294967295;
    if (a < 0) a += 4294967295;
    return (uint32_t)a;
}

int tsc_reassign_run_seed(const tsc_mtx_t *m, uint32_t *seed)
{
    int64_t tf;
    if (m->n_rows <= 0) {
        tsc_error("the matrix has no rows: no random seed");
        return -1;
    }
    if (tsc_hdr_get_info_int(m->hdr, "total_fragments", &tf) < 0) {
        tsc_error("run info lacks an integer 'total_fragments' (needed for the random seed)");
        return -1;
    }
    *seed = tsc_reassign_seed(tf, m->n_rows, m->n_cols);
    return 0;
}

/* ==== one row ==== */

/* x * (1/sum) over the row, 0 for a zero sum (spec §7.2) */
static void normalise_row(double *r, int64_t n)
{
    double s = tsc_pw_rowsum(r, n), rec;
    int64_t k;
    if (s == 0.0) {
        for (k = 0; k < n; k++) r[k] = 0.0;
        return;
    }
    rec = 1.0 / s;
    for (k = 0; k < n; k++) r[k] *= rec;
}

int tsc_reassign_row(int mode, const double *v, int64_t n, double conf_prob, tsc_mt_t *rng,
                     double *r)
{
    int64_t k, m = 0, pick;
    double mx;
    int draws = 0;

    switch (mode) {
    case TSC_RA_UNIQUE:
        for (k = 0; k < n; k++) r[k] = n == 1 ? 1.0 : 0.0;
        return 0;
    case TSC_RA_ALL:
        for (k = 0; k < n; k++) r[k] = v[k] > 0.0 ? 1.0 : 0.0;
        return 0;
    case TSC_RA_CONF:
        for (k = 0; k < n; k++) r[k] = v[k] >= conf_prob ? v[k] : 0.0;
        normalise_row(r, n);
        return 0;
    default:
        break;
    }
    /* best set: cells equal to the row maximum (numpy max: NaN propagates, then nothing ties) */
    if (n == 0) return 0;
    mx = v[0];
    for (k = 1; k < n && !isnan(mx); k++)
        if (isnan(v[k]) || v[k] > mx) mx = v[k];
    for (k = 0; k < n; k++) {
        r[k] = v[k] == mx ? 1.0 : 0.0;
        m += v[k] == mx;
    }
    switch (mode) {
    case TSC_RA_EXCLUDE:
        if (m != 1)
            for (k = 0; k < n; k++) r[k] = 0.0;
        break;
    case TSC_RA_CHOOSE:
        if (m > 1) {
            if (!rng) return -1;
            if (m - 1 > UINT32_MAX) return -1;
            pick = tsc_mt_bounded(rng, (uint32_t)(m - 1));
            draws = 1;
            for (k = 0; k < n; k++) {
                if (r[k] == 0.0) continue;
                r[k] = pick-- == 0 ? 1.0 : 0.0;
            }
        }
        break;
    case TSC_RA_AVERAGE:
        if (m > 0) {
            double rec = 1.0 / (double)m;
            for (k = 0; k < n; k++) r[k] *= rec;
        }
        break;
    default:
        return -1;
    }
    return draws;
}

uint32_t tsc_reassign_smax(const tsc_mtx_t *m)
{
    uint32_t mx = 0;
    int64_t k;
    for (k = 0; k < m->nnz; k++)
        if (m->score[k] > mx) mx = m->score[k];
    return mx;
}

void tsc_reassign_initial_row(const tsc_mtx_t *m, int64_t i, double inv_smax, double *v)
{
    int64_t s = m->indptr[i], n = m->indptr[i + 1] - s, k;
    for (k = 0; k < n; k++) v[k] = tsc_em_q(m->score[s + k], inv_smax);
    normalise_row(v, n);
}

/* ==== whole matrix ==== */

static int64_t max_row_len(const tsc_mtx_t *m)
{
    int64_t i, mx = 0;
    for (i = 0; i < m->n_rows; i++)
        if (m->indptr[i + 1] - m->indptr[i] > mx) mx = m->indptr[i + 1] - m->indptr[i];
    return mx;
}

/* The values of row I for MODE: P itself, else the initial matrix. For every mode but conf,
 * the raw scores stand in for Q row-normalised: Q is a strictly increasing function of the
 * raw score, and distinct integer scores give distinct Q (the gap, >= 2^-32 relative, is far
 * above rounding), so row maxima, ties and positivity are the same. */
static const double *row_values(const tsc_mtx_t *m, const double *p, int mode, int64_t i,
                                double inv_smax, double *buf)
{
    int64_t s = m->indptr[i], n = m->indptr[i + 1] - s, k;
    if (p) return p + s;
    if (mode == TSC_RA_CONF) {
        tsc_reassign_initial_row(m, i, inv_smax, buf);
    } else {
        for (k = 0; k < n; k++) buf[k] = (double)m->score[s + k];
    }
    return buf;
}

static int reassign_rows(const tsc_mtx_t *m, const double *p, int mode, double conf_prob,
                         tsc_mt_t *rng, double *r_all, double *sum)
{
    int64_t i, k, mx = max_row_len(m);
    double *vbuf = NULL, *rbuf = NULL, inv_smax = 0.0;
    int ret = -1;

    if (mode < 0 || mode >= TSC_RA_N_MODES) {
        tsc_error("unknown reassignment mode %d", mode);
        return -1;
    }
    if (!p && !m->score && m->nnz > 0) {
        tsc_error("the matrix has no raw scores: cannot build the initial matrix");
        return -1;
    }
    if (!p) {
        uint32_t smax = tsc_reassign_smax(m);
        inv_smax = smax ? 1.0 / (double)smax : 0.0;
    }
    vbuf = malloc((size_t)(mx ? mx : 1) * sizeof(double));
    rbuf = malloc((size_t)(mx ? mx : 1) * sizeof(double));
    if (!vbuf || !rbuf) {
        tsc_error("out of memory (row of %lld cells)", (long long)mx);
        goto out;
    }
    if (sum)
        for (k = 0; k < m->n_cols; k++) sum[k] = 0.0;
    for (i = 0; i < m->n_rows; i++) {
        int64_t s = m->indptr[i], n = m->indptr[i + 1] - s;
        const double *v = row_values(m, p, mode, i, inv_smax, vbuf);
        double *r = r_all ? r_all + s : rbuf;
        if (tsc_reassign_row(mode, v, n, conf_prob, rng, r) < 0) {
            tsc_error("row %lld: tied maximum needs a random draw, but no generator was given",
                      (long long)i);
            goto out;
        }
        if (sum)
            for (k = 0; k < n; k++) sum[m->indices[s + k]] += r[k];
    }
    ret = 0;
out:
    free(vbuf);
    free(rbuf);
    return ret;
}

int tsc_reassign(const tsc_mtx_t *m, const double *p, int mode, double conf_prob, tsc_mt_t *rng,
                 double *r)
{
    return reassign_rows(m, p, mode, conf_prob, rng, r, NULL);
}

int tsc_reassign_colsums(const tsc_mtx_t *m, const double *p, int mode, double conf_prob,
                         tsc_mt_t *rng, double *sum)
{
    return reassign_rows(m, p, mode, conf_prob, rng, NULL, sum);
}

int tsc_reassign_final(const tsc_mtx_t *m, int mode, double conf_prob, double *r)
{
    tsc_mt_t rng;
    uint32_t seed;
    if (!m->z && m->nnz > 0) {
        tsc_error("the input has no final z (not a FIT stream?)");
        return -1;
    }
    if (m->n_rows == 0) return 0;
    if (tsc_reassign_run_seed(m, &seed) < 0) return -1;
    tsc_mt_seed(&rng, seed);
    /* replay init_best_random's draws (they come first in every run) */
    if (reassign_rows(m, NULL, TSC_RA_CHOOSE, conf_prob, &rng, NULL, NULL) < 0) return -1;
    return reassign_rows(m, m->z, mode, conf_prob, &rng, r, NULL);
}
