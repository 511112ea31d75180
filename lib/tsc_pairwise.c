/* tsc_pairwise.c -- numpy's pairwise summation, bit for bit (telescope-spec.md §12).
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include "tsc_pairwise.h"
#include "tsc_em_internal.h" /* FP contraction off */

#define PW_BLOCKSIZE 128

double tsc_pw_sum(const double *a, int64_t n)
{
    if (n < 8) {
        double res = 0.0;
        for (int64_t i = 0; i < n; ++i) res += a[i];
        return res;
    } else if (n <= PW_BLOCKSIZE) {
        double r[8], res;
        int64_t i;
        for (int k = 0; k < 8; ++k) r[k] = a[k];
        for (i = 8; i < n - (n % 8); i += 8)
            for (int k = 0; k < 8; ++k) r[k] += a[i + k];
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i) res += a[i];
        return res;
    } else {
        int64_t n2 = n / 2;
        n2 -= n2 % 8;
        return tsc_pw_sum(a, n2) + tsc_pw_sum(a + n2, n - n2);
    }
}

double tsc_np_sum(const double *a, int64_t n)
{
    double res = 0.0;
    for (int64_t b = 0; b < n; b += TSC_NP_BUFSIZE)
        res += tsc_pw_sum(a + b, n - b < TSC_NP_BUFSIZE ? n - b : TSC_NP_BUFSIZE);
    return res;
}

double tsc_np_sum_par(const double *a, int64_t n, int n_threads)
{
    int64_t nb = n > 0 ? (n + TSC_NP_BUFSIZE - 1) / TSC_NP_BUFSIZE : 0;
    double res = 0.0, *part;
    if (n_threads <= 1 || nb < 4 || !(part = malloc(nb * sizeof(double)))) return tsc_np_sum(a, n);
#pragma omp parallel for num_threads(n_threads) schedule(static)
    for (int64_t b = 0; b < nb; ++b) {
        int64_t o = b * TSC_NP_BUFSIZE;
        part[b] = tsc_pw_sum(a + o, n - o < TSC_NP_BUFSIZE ? n - o : TSC_NP_BUFSIZE);
    }
    for (int64_t b = 0; b < nb; ++b) res += part[b];
    free(part);
    return res;
}

/* PW of the N values from position OFF on, zero except VAL[k] at POS[k] (ascending, all in
 * [OFF, OFF + N)): the tree of tsc_pw_sum(), with sub-trees without a value not visited; in a
 * leaf, accumulator r[i % 8] gets the values at i in order (the zeros it skips add +0.0). */
static double pw_sparse(const int64_t *pos, const double *val, int64_t m, int64_t off, int64_t n)
{
    if (m == 0) return 0.0;
    if (n < 8) {
        double res = 0.0;
        for (int64_t k = 0; k < m; ++k) res += val[k];
        return res;
    }
    if (n <= PW_BLOCKSIZE) {
        double r[8] = { 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0 }, res;
        int64_t body = n - n % 8, k = 0;
        for (; k < m && pos[k] - off < body; ++k) r[(pos[k] - off) % 8] += val[k];
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; k < m; ++k) res += val[k];
        return res;
    }
    int64_t n2 = n / 2, a = 0, b = m;
    n2 -= n2 % 8;
    while (a < b) { /* the first value at or after OFF + N2 */
        int64_t c = a + (b - a) / 2;
        if (pos[c] < off + n2) a = c + 1;
        else b = c;
    }
    return pw_sparse(pos, val, a, off, n2) + pw_sparse(pos + a, val + a, m - a, off + n2, n - n2);
}

double tsc_np_sum_sparse(const int64_t *pos, const double *val, int64_t m, int64_t n)
{
    double res = 0.0;
    for (int64_t k = 0; k < m;) {
        int64_t b = pos[k] - pos[k] % TSC_NP_BUFSIZE, bn = n - b < TSC_NP_BUFSIZE ? n - b : TSC_NP_BUFSIZE, e = k;
        while (e < m && pos[e] < b + bn) ++e;
        res += pw_sparse(pos + k, val + k, e - k, b, bn);
        k = e;
    }
    return res;
}
