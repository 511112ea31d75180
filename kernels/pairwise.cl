/* pairwise.cl -- numpy's pairwise summation on an OpenCL device (telescope-spec §12), and the
 * settings every tsc kernel shares. Part of tsc (Telescope in C). MIT licence.
 *
 * Not a program of its own: the host builds it in front of em.cl and scem.cl (tsc_cl_build_n).
 *
 * Build options:
 *   -D TSC_IDX_T=uint|ulong  required: type of cell offsets; the host picks uint when every
 *                            offset fits in 32 bits.
 */
#if defined(cl_khr_fp64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#elif !defined(__opencl_c_fp64)
#error "tsc: this OpenCL device has no double precision (cl_khr_fp64); use --backend openmp"
#endif
#pragma OPENCL FP_CONTRACT OFF

#ifndef TSC_IDX_T
#error "tsc: the kernels need -D TSC_IDX_T=uint or -D TSC_IDX_T=ulong (cell offset type)"
#endif
typedef TSC_IDX_T idx_t;

/* numpy's pairwise summation: below 8 values a plain sum, up to PW_BLOCK eight accumulators,
 * above that split at n2 = n/2 - (n/2 mod 8) and recurse. */
#define PW_BLOCK 128
/* Frames of the explicit recursion stack: depth <= log2(n / PW_BLOCK) + 2, so 40 covers 2^40 values. */
#define PW_STACK 40

/*** Pairwise sums, instantiated for E-step cells n_p = Q[p] * f[col[p]] and for plain buffers ***/

/* DEFINE_PW(NAME, PARAMS, ARGS, ELEM) defines NAME_leaf(PARAMS, off, n), numpy's sum of at most
 * PW_BLOCK values ELEM(off), ELEM(off + 1), ..., and NAME(PARAMS, off, n), the full pairwise sum.
 * Kernels cannot recurse: NAME runs the recursion on an explicit stack; a frame is a range whose
 * left half is pending (state 0) or whose left sum is in sv (state 1). */
#define DEFINE_PW(NAME, PARAMS, ARGS, ELEM) \
static double NAME##_leaf(PARAMS, idx_t off, idx_t n) \
{ \
    idx_t i; \
    if (n < 8) { \
        double s = 0.0; \
        for (i = 0; i < n; i++) s += ELEM(off + i); \
        return s; \
    } \
    double r0 = ELEM(off), r1 = ELEM(off + 1), r2 = ELEM(off + 2), r3 = ELEM(off + 3); \
    double r4 = ELEM(off + 4), r5 = ELEM(off + 5), r6 = ELEM(off + 6), r7 = ELEM(off + 7); \
    idx_t m = n - n % 8; \
    for (i = 8; i < m; i += 8) { \
        idx_t p = off + i; \
        r0 += ELEM(p); \
        r1 += ELEM(p + 1); \
        r2 += ELEM(p + 2); \
        r3 += ELEM(p + 3); \
        r4 += ELEM(p + 4); \
        r5 += ELEM(p + 5); \
        r6 += ELEM(p + 6); \
        r7 += ELEM(p + 7); \
    } \
    double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)); \
    for (; i < n; i++) res += ELEM(off + i); \
    return res; \
} \
static double NAME(PARAMS, idx_t off, idx_t n) \
{ \
    if (n <= PW_BLOCK) return NAME##_leaf(ARGS, off, n); \
    idx_t so[PW_STACK], sn[PW_STACK]; \
    double sv[PW_STACK]; \
    int ss[PW_STACK], sp = 0; \
    so[0] = off, sn[0] = n, ss[0] = 0; \
    for (;;) { \
        if (sn[sp] > PW_BLOCK) { /* descend into the left half */ \
            idx_t n2 = sn[sp] / 2; \
            n2 -= n2 % 8; \
            so[sp + 1] = so[sp], sn[sp + 1] = n2, ss[sp + 1] = 0; \
            sp++; \
            continue; \
        } \
        double r = NAME##_leaf(ARGS, so[sp], sn[sp]); \
        for (;;) { /* hand R to the parent frames */ \
            if (sp == 0) return r; \
            sp--; \
            idx_t n2 = sn[sp] / 2; \
            n2 -= n2 % 8; \
            if (ss[sp] == 0) { /* R is the left sum: now the right half */ \
                sv[sp] = r, ss[sp] = 1; \
                so[sp + 1] = so[sp] + n2, sn[sp + 1] = sn[sp] - n2, ss[sp + 1] = 0; \
                sp++; \
                break; \
            } \
            r = sv[sp] + r; /* both halves done */ \
        } \
    } \
}

#define BUF_PARAMS global const double *a
#define BUF_ARGS a
#define BUF(p) (a[p])
DEFINE_PW(pw_buf, BUF_PARAMS, BUF_ARGS, BUF)
