/* tsc_pairwise.h -- numpy's pairwise summation, bit for bit (telescope-spec.md §12).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * numpy 1.24 sums a contiguous double vector of n elements as:
 *   n < 8:          sequentially from 0.0;
 *   8 <= n <= 128:  eight strided accumulators r[k] = a[k] + a[k+8] + ..., combined as
 *                   ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the remainder added in order;
 *   n > 128:        split at n2 = n/2 - (n/2 mod 8) and recurse on both halves.
 * A reduction along a row of a sparse matrix (scipy) is a0 + PW(a1..a_{n-1}). */
#ifndef TSC_PAIRWISE_H
#define TSC_PAIRWISE_H

#include <stdint.h>

/** PW(A[0..N)): numpy's pairwise sum; 0.0 for N <= 0. */
double tsc_pw_sum(const double *a, int64_t n);

/** The same sum, with the top levels of the recursion run by up to N_THREADS OpenMP threads.
 * Bit-identical to tsc_pw_sum() (the recursion tree is the same). */
double tsc_pw_sum_par(const double *a, int64_t n, int n_threads);

/** Row sum as numpy/scipy reduce a row: A[0] + PW(A[1..N)); 0.0 for N <= 0. */
static inline double tsc_pw_rowsum(const double *a, int64_t n)
{
    return n > 0 ? a[0] + tsc_pw_sum(a + 1, n - 1) : 0.0;
}

#endif
