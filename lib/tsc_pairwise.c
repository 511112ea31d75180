/* tsc_pairwise.c -- numpy's pairwise summation, bit for bit (telescope-spec.md §12).
 * Part of tsc (Telescope in C). MIT licence. */
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

/* Leaves of the recursion tree down to DEPTH levels (or to a size that recurses no more), in
 * order; then the same tree is folded over the leaf sums. */
typedef struct {
    const double *a;
    int64_t n;
} pw_leaf_t;

static int64_t pw_split(const double *a, int64_t n, int depth, pw_leaf_t *leaf, int64_t k)
{
    if (depth == 0 || n <= PW_BLOCKSIZE) {
        leaf[k].a = a, leaf[k].n = n;
        return k + 1;
    } else {
        int64_t n2 = n / 2;
        n2 -= n2 % 8;
        k = pw_split(a, n2, depth - 1, leaf, k);
        return pw_split(a + n2, n - n2, depth - 1, leaf, k);
    }
}

static double pw_fold(int64_t n, int depth, const double *leaf_sum, int64_t *k)
{
    if (depth == 0 || n <= PW_BLOCKSIZE) return leaf_sum[(*k)++];
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    double l = pw_fold(n2, depth - 1, leaf_sum, k);
    double r = pw_fold(n - n2, depth - 1, leaf_sum, k);
    return l + r;
}

double tsc_pw_sum_par(const double *a, int64_t n, int n_threads)
{
    enum { DEPTH = 6 }; /* up to 64 leaves */
    if (n_threads <= 1 || n < (1 << 16)) return tsc_pw_sum(a, n);
    pw_leaf_t leaf[1 << DEPTH];
    double sum[1 << DEPTH];
    int64_t nl = pw_split(a, n, DEPTH, leaf, 0), k = 0;
#pragma omp parallel for num_threads(n_threads) schedule(static)
    for (int64_t i = 0; i < nl; ++i) sum[i] = tsc_pw_sum(leaf[i].a, leaf[i].n);
    return pw_fold(n, DEPTH, sum, &k);
}
