/* tsc_pairwise.h -- numpy's pairwise summation, bit for bit (telescope-spec.md §12).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * numpy 1.24 sums a contiguous double vector of n elements as:
 *   n < 8:          sequentially from 0.0;
 *   8 <= n <= 128:  eight strided accumulators r[k] = a[k] + a[k+8] + ..., combined as
 *                   ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the remainder added in order;
 *   n > 128:        split at n2 = n/2 - (n/2 mod 8) and recurse on both halves.
 * A reduction along a row of a sparse matrix (scipy) is a0 + PW(a1..a_{n-1}).
 * A whole-vector reduction (np.sum, ndarray.sum: total_wt, ambig_wt, the L1 diff, the lnl) is
 * not one PW: numpy's add.reduce runs through its buffer in blocks of 8,192 elements and adds
 * the blocks' pairwise sums in order, ((0.0 + PW(a[0:8192])) + PW(a[8192:16384])) + ... */
#ifndef TSC_PAIRWISE_H
#define TSC_PAIRWISE_H

#include <stdint.h>

/** PW(A[0..N)): numpy's pairwise sum; 0.0 for N <= 0. */
double tsc_pw_sum(const double *a, int64_t n);

/** numpy's buffer size: a whole-vector sum is cut into blocks of this many elements. */
#define TSC_NP_BUFSIZE 8192

/** np.sum(A[0..N)) as numpy computes it: 0.0 + PW of each block of TSC_NP_BUFSIZE elements,
 * in order (equal to PW for N <= TSC_NP_BUFSIZE). 0.0 for N <= 0. */
double tsc_np_sum(const double *a, int64_t n);

/** The same sum, the blocks' PWs computed by up to N_THREADS OpenMP threads, then added in
 * order: bit-identical to tsc_np_sum(). */
double tsc_np_sum_par(const double *a, int64_t n, int n_threads);

/** tsc_np_sum() of the N-vector that is zero except VAL[k] at position POS[k] (K < M, positions
 * ascending and < N), in O(M log N): a sub-tree without a value sums to +0.0 without being
 * visited, blocks of 8,192 without a value are not added (the total is never -0.0, so adding
 * +0.0 would change nothing). Bit-identical to tsc_np_sum() of the dense vector. */
double tsc_np_sum_sparse(const int64_t *pos, const double *val, int64_t m, int64_t n);

/** Row sum as numpy/scipy reduce a row: A[0] + PW(A[1..N)); 0.0 for N <= 0.  Rows of up to 129
 * values (the EM's usual case) are summed here, inline, as tsc_pw_sum would. */
static inline double tsc_pw_rowsum(const double *a, int64_t n)
{
    if (n <= 0) return 0.0;
    if (n > 129) return a[0] + tsc_pw_sum(a + 1, n - 1);
    const double *b = a + 1;
    int64_t m = n - 1, i;
    double res = 0.0;
    if (m < 8) {
        for (i = 0; i < m; ++i) res += b[i];
    } else {
        double r[8];
        for (int k = 0; k < 8; ++k) r[k] = b[k];
        for (i = 8; i < m - (m % 8); i += 8)
            for (int k = 0; k < 8; ++k) r[k] += b[i + k];
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < m; ++i) res += b[i];
    }
    return a[0] + res;
}

/** The row sum of a sparse product as scipy forms it: its multiply drops the cells whose
 * product is exactly 0.0, so the sum is a0' + PW(a1'..) over the nonzero values of A[0..N) in
 * order (telescope-spec.md §12). TMP: room for N doubles. */
static inline double tsc_pw_rowsum_nz(const double *a, int64_t n, double *tmp)
{
    int64_t m = 0;
    for (int64_t k = 0; k < n; ++k)
        if (a[k] != 0.0) tmp[m++] = a[k];
    return tsc_pw_rowsum(tmp, m);
}

#endif
