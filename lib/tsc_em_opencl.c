/* tsc_em_opencl.c -- the OpenCL backend of tsc-em: Telescope's EM (spec §7, §12) on a device.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * The model (Q with libm's expm1, weights, U, priors) is built on the host by tsc_em_model_init()
 * and the loop (M-step, L1 diff, convergence, log lines, final pass) is tsc_em_iterate()'s, as
 * for the OpenMP backend; this file supplies the two callbacks, with kernels/em.cl:
 *   tstep: E-step (one work-item per row, z*w scattered into CSC order) and column sums T (one
 *          work-item per column, sequential in ascending row order; long columns on GPUs by a
 *          work-group staging tiles in local memory), read back as K values;
 *   lnl:   an E-step storing z (skipped when the last tstep already stored it for the same
 *          pi/theta), per-row log-likelihood terms, numpy pairwise leaves of the N terms on the
 *          device, the leaves combined on the host in numpy's order (pairwise within each
 *          block of 8,192 rows, the blocks added in order: tsc_np_sum()).
 * Matrix buffers stay on the device; per iteration only K-length vectors move (plus about N/100
 * leaf sums with --use_likelihood); z is read once, at the end. Every arithmetic step is the same
 * IEEE operation in the same order as on the CPU (FP_CONTRACT OFF, no atomics), so results are
 * bit-identical except where the device's log1p differs from libm's (lnl terms only). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tsc_cl.h"
#include "tsc_em_internal.h"
#include "tsc_util.h"
#include "tsc_kernels.h"

/* Work-group size asked for (the device's limits and preferred multiple cap it). */
#define CLEM_LOCAL_WANT 256
/* On GPUs, a column with at least this many ambiguous cells is summed by a whole work-group
 * (em_colsum_long); on CPU devices one work-item per column is best. TSC_CL_LONGCOL=N overrides
 * (tests use it to exercise both kernels). */
#define CLEM_LONGCOL_GPU 4096
/* Values staged in local memory per work-item of em_colsum_long. */
#define CLEM_TILE_PER_ITEM 8
/* numpy's pairwise-sum block (see kernels/em.cl). */
#define CLEM_PW_BLOCK 128

/*** Pairwise sums split between device (leaves) and host (the tree) ***/

/* Leaves of the pairwise sum of N values, left to right: their start offsets into LEAF. */
static void pw_leaves(uint64_t off, uint64_t n, uint64_t *leaf, uint64_t *n_leaf)
{
    if (n <= CLEM_PW_BLOCK) {
        leaf[(*n_leaf)++] = off;
        return;
    }
    uint64_t n2 = n / 2;
    n2 -= n2 % 8;
    pw_leaves(off, n2, leaf, n_leaf);
    pw_leaves(off + n2, n - n2, leaf, n_leaf);
}

/* Leaves of numpy's whole-vector sum of N values: the PW leaves of each TSC_NP_BUFSIZE block. */
static void np_leaves(uint64_t n, uint64_t *leaf, uint64_t *n_leaf)
{
    if (n == 0) pw_leaves(0, 0, leaf, n_leaf); /* one empty leaf: the kernels still get a buffer */
    for (uint64_t off = 0; off < n; off += TSC_NP_BUFSIZE)
        pw_leaves(off, n - off < TSC_NP_BUFSIZE ? n - off : TSC_NP_BUFSIZE, leaf, n_leaf);
}

/* Upper bound of the leaf count (in each block, every leaf but a lone top one holds more than
 * 56 values). */
static uint64_t np_max_leaves(uint64_t n) { return n / 56 + 2 * (n / TSC_NP_BUFSIZE + 1); }

/* The pairwise sum of N values from its leaf sums S (consumed from *K on). */
static double pw_combine(uint64_t n, const double *s, uint64_t *k)
{
    if (n <= CLEM_PW_BLOCK) return s[(*k)++];
    uint64_t n2 = n / 2;
    n2 -= n2 % 8;
    double a = pw_combine(n2, s, k);
    double b = pw_combine(n - n2, s, k);
    return a + b;
}

/* numpy's whole-vector sum of N values from the leaf sums S of np_leaves(): 0.0 + the blocks'
 * pairwise sums, in order. */
static double np_combine(uint64_t n, const double *s)
{
    uint64_t k = 0;
    double res = 0.0;
    for (uint64_t off = 0; off < n; off += TSC_NP_BUFSIZE)
        res += pw_combine(n - off < TSC_NP_BUFSIZE ? n - off : TSC_NP_BUFSIZE, s, &k);
    return res;
}

/*** Device state ***/

#define CLEM_N_KERNELS 8

typedef struct {
    cl_context ctx;
    cl_command_queue queue;
    cl_program prog;
    cl_device_id dev, sub_dev;  /* the device; a sub-device of a CPU device (-t), or NULL */
    cl_kernel k_estep[2], k_estep_long[2]; /* [may_zero]: em_estep(_long) and its _zero build */
    cl_kernel k_colsum, k_colsum_long, k_lnl_rows, k_leaves;
    cl_mem indptr, col, q, w, f_amb, f_uni, cscpos, zw, z, cptr, cols_short, cols_long, t, term, leaf, leafsum;
    cl_mem rows_long;
    size_t ls_estep[2], ls_estep_long[2], ls_colsum, ls_long, ls_lnl, ls_leaves;
    uint32_t n_short, n_long, tile_n, n_rows_long;
    uint64_t n_rows, n_cols, nnz, n_leaves;
    double *f_amb_h, *leafsum_h; /* host scratch: K and n_leaves */
    int idx64;                   /* offsets are 64-bit (else 32-bit) */
    int lik;                     /* --use_likelihood: tstep stores z too */
    double q_low;                /* a lower bound of every Q (the Q of raw score 1) */
    int may_zero;                /* some E-step product may be exactly 0.0 (clem_set_f) */
    int z_valid;                 /* the z buffer holds E(z_pi, z_theta) */
    double *z_pi, *z_theta;      /* K: the factors of the stored z */
    int profile;                 /* debug verbosity: time every kernel with events */
    double prof_s[CLEM_N_KERNELS]; /* seconds per kernel, in the order of CLEM_KERNELS */
    int64_t prof_n[CLEM_N_KERNELS];
} clem_t;

static const char *const CLEM_KERNELS[CLEM_N_KERNELS] = {"em_estep", "em_estep_zero", "em_estep_long",
                                                         "em_estep_long_zero", "em_colsum", "em_colsum_long",
                                                         "em_lnl_rows", "pw_leaves"};

/* With profiling on, wait for EV and add its run time to kernel NAME's account. */
static void clem_profile(clem_t *c, const char *name, cl_event ev)
{
    cl_ulong a = 0, b = 0;
    if (!ev) return;
    if (clWaitForEvents(1, &ev) == CL_SUCCESS &&
        clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof(a), &a, NULL) == CL_SUCCESS &&
        clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof(b), &b, NULL) == CL_SUCCESS)
        for (int i = 0; i < CLEM_N_KERNELS; i++)
            if (!strcmp(name, CLEM_KERNELS[i])) c->prof_s[i] += (b - a) * 1e-9, c->prof_n[i]++;
    clReleaseEvent(ev);
}

static void clem_release(clem_t *c)
{
    if (c->queue) clFinish(c->queue); /* nothing in flight when the objects go */
    cl_mem *mems[] = {&c->indptr, &c->col, &c->q, &c->w, &c->f_amb, &c->f_uni, &c->cscpos, &c->zw,
                      &c->z, &c->cptr, &c->cols_short, &c->cols_long, &c->t, &c->term, &c->leaf, &c->leafsum,
                      &c->rows_long};
    for (size_t i = 0; i < sizeof(mems) / sizeof(mems[0]); i++)
        if (*mems[i]) clReleaseMemObject(*mems[i]);
    cl_kernel *ks[] = {&c->k_estep[0], &c->k_estep[1], &c->k_estep_long[0], &c->k_estep_long[1], &c->k_colsum,
                       &c->k_colsum_long, &c->k_lnl_rows, &c->k_leaves};
    for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++)
        if (*ks[i]) clReleaseKernel(*ks[i]);
    if (c->prog) clReleaseProgram(c->prog);
    if (c->queue) clReleaseCommandQueue(c->queue);
    if (c->ctx) clReleaseContext(c->ctx);
    if (c->sub_dev) clReleaseDevice(c->sub_dev);
    free(c->f_amb_h);
    free(c->leafsum_h);
    free(c->z_pi);
    free(c->z_theta);
    memset(c, 0, sizeof(*c));
}

static cl_kernel clem_kernel(clem_t *c, const char *name, size_t *ls)
{
    cl_int err;
    cl_kernel k = clCreateKernel(c->prog, name, &err);
    if (err != CL_SUCCESS) {
        tsc_error("OpenCL clCreateKernel(%s) failed: %s (%d)", name, tsc_cl_strerror(err), (int)err);
        return NULL;
    }
    if (!(*ls = tsc_cl_local_size(k, c->dev, CLEM_LOCAL_WANT))) {
        clReleaseKernel(k);
        return NULL;
    }
    return k;
}

#define ARG TSC_CL_ARG
#define ARG_END TSC_CL_ARG_END

static int clem_run(clem_t *c, cl_kernel k, const char *name, size_t n, size_t ls)
{
    if (n == 0) return 0;
    size_t gs = tsc_cl_round_up(n, ls);
    cl_event ev = NULL;
    cl_int err = clEnqueueNDRangeKernel(c->queue, k, 1, NULL, &gs, &ls, 0, NULL, c->profile ? &ev : NULL);
    if (err != CL_SUCCESS) {
        tsc_error("OpenCL clEnqueueNDRangeKernel(%s, %zu x %zu) failed: %s (%d)", name, gs / ls, ls,
                  tsc_cl_strerror(err), (int)err);
        return -1;
    }
    clem_profile(c, name, ev);
    return 0;
}

/* Upload the E-step factors of (PI, THETA): f_amb = pi*theta (formed first, §12), f_uni = pi. */
static int clem_set_f(clem_t *c, const double *pi, const double *theta)
{
    double fmin = INFINITY;
    for (uint64_t j = 0; j < c->n_cols; j++) {
        c->f_amb_h[j] = pi[j] * theta[j];
        fmin = fmin < c->f_amb_h[j] ? fmin : c->f_amb_h[j];
        fmin = fmin < pi[j] ? fmin : pi[j];
    }
    /* rounding is monotonic: if the smallest Q times the smallest factor is not 0.0, no product
     * is, and the E-step kernels can skip their search for zeros (kernels/em.cl, row_sum) */
    c->may_zero = !(c->q_low * fmin > 0.0);
    size_t sz = c->n_cols * sizeof(double);
    if (tsc_cl_ok(clEnqueueWriteBuffer(c->queue, c->f_amb, CL_TRUE, 0, sz, c->f_amb_h, 0, NULL, NULL),
                  "clEnqueueWriteBuffer(pi*theta)") < 0)
        return -1;
    return tsc_cl_ok(clEnqueueWriteBuffer(c->queue, c->f_uni, CL_TRUE, 0, sz, pi, 0, NULL, NULL),
                     "clEnqueueWriteBuffer(pi)");
}

/* E-step (MODE: 1 = z*w in CSC order, 2 = z in CSR order) with the current factors. */
static int clem_estep(clem_t *c, int mode)
{
    int z = c->may_zero != 0;
    const char *ns = z ? "em_estep_zero" : "em_estep", *nl = z ? "em_estep_long_zero" : "em_estep_long";
    if (tsc_cl_ok(clSetKernelArg(c->k_estep[z], 10, sizeof(mode), &mode), "clSetKernelArg(em_estep, mode)") < 0 ||
        tsc_cl_ok(clSetKernelArg(c->k_estep_long[z], 10, sizeof(mode), &mode), "clSetKernelArg(em_estep_long, mode)") < 0)
        return -1;
    if (clem_run(c, c->k_estep[z], ns, c->n_rows, c->ls_estep[z]) < 0) return -1;
    return clem_run(c, c->k_estep_long[z], nl, c->n_rows_long, c->ls_estep_long[z]);
}

/* Column sums of the last E-step into T (host, K values). */
static int clem_colsums(clem_t *c, double *t)
{
    if (clem_run(c, c->k_colsum, "em_colsum", c->n_short, c->ls_colsum) < 0) return -1;
    if (c->n_long) {
        size_t gs = (size_t)c->n_long * c->ls_long;
        cl_event ev = NULL;
        cl_int err = clEnqueueNDRangeKernel(c->queue, c->k_colsum_long, 1, NULL, &gs, &c->ls_long, 0, NULL,
                                            c->profile ? &ev : NULL);
        if (err != CL_SUCCESS) {
            tsc_error("OpenCL clEnqueueNDRangeKernel(em_colsum_long, %u x %zu) failed: %s (%d)", c->n_long,
                      c->ls_long, tsc_cl_strerror(err), (int)err);
            return -1;
        }
        clem_profile(c, "em_colsum_long", ev);
    }
    return tsc_cl_ok(clEnqueueReadBuffer(c->queue, c->t, CL_TRUE, 0, c->n_cols * sizeof(double), t, 0, NULL, NULL),
                     "clEnqueueReadBuffer(T)");
}

/* Log-likelihood of the z in the device's z buffer under the current factors. */
static int clem_lnl(clem_t *c, double *lnl)
{
    if (clem_run(c, c->k_lnl_rows, "em_lnl_rows", c->n_rows, c->ls_lnl) < 0) return -1;
    if (clem_run(c, c->k_leaves, "pw_leaves", c->n_leaves, c->ls_leaves) < 0) return -1;
    if (tsc_cl_ok(clEnqueueReadBuffer(c->queue, c->leafsum, CL_TRUE, 0, c->n_leaves * sizeof(double), c->leafsum_h,
                                      0, NULL, NULL),
                  "clEnqueueReadBuffer(lnl leaves)") < 0)
        return -1;
    *lnl = np_combine(c->n_rows, c->leafsum_h);
    return 0;
}

/*** Set-up ***/

typedef struct { uint64_t len; uint32_t j; } col_len_t;

static int cmp_col_len(const void *a, const void *b)
{
    const col_len_t *x = a, *y = b;
    if (x->len != y->len) return x->len > y->len ? -1 : 1;
    return x->j < y->j ? -1 : x->j > y->j;
}

/* Store V (an offset) as element I of an idx_t array (32 or 64 bits). */
static inline void idx_set(void *a, int idx64, uint64_t i, uint64_t v)
{
    if (idx64) ((uint64_t *)a)[i] = v;
    else ((uint32_t *)a)[i] = (uint32_t)v;
}

/* Build the matrix buffers; frees MD->q as soon as it is on the device (it is not needed after). */
static int clem_upload(clem_t *c, const tsc_mtx_t *m, tsc_em_model_t *md, int idx64)
{
    uint64_t n = c->n_rows, k = c->n_cols, nnz = c->nnz;
    size_t isz = idx64 ? 8 : 4;
    void *ip = NULL, *cp = NULL, *pos = NULL;
    uint64_t *fill = NULL, *leaf = NULL, *rl = NULL;
    col_len_t *cl = NULL;
    uint32_t *cs = NULL, *clong = NULL;
    int ret = -1;
    const cl_mem_flags RO = CL_MEM_READ_ONLY, RW = CL_MEM_READ_WRITE;

    /* CSR row pointers */
    if (!(ip = malloc((n + 1) * isz))) goto oom;
    for (uint64_t i = 0; i <= n; i++) idx_set(ip, idx64, i, (uint64_t)m->indptr[i]);
    if (!(c->indptr = tsc_cl_buffer(c->ctx, RO, (n + 1) * isz, ip, "indptr"))) goto out;
    free(ip), ip = NULL;
    if (!(c->col = tsc_cl_buffer(c->ctx, RO, nnz * 4, m->indices, "col"))) goto out;
    if (!(c->q = tsc_cl_buffer(c->ctx, RO, nnz * 8, md->q, "Q"))) goto out;
    free(md->q), md->q = NULL;
    if (!(c->w = tsc_cl_buffer(c->ctx, RO, n * 8, md->w, "w"))) goto out;

    /* Rows past one pairwise block, for em_estep_long */
    c->n_rows_long = 0;
    for (uint64_t i = 0; i < n; i++)
        if (m->indptr[i + 1] - m->indptr[i] - 1 > CLEM_PW_BLOCK) c->n_rows_long++;
    if (!(rl = malloc((c->n_rows_long ? c->n_rows_long : 1) * sizeof(uint64_t)))) goto oom;
    for (uint64_t i = 0, x = 0; i < n; i++)
        if (m->indptr[i + 1] - m->indptr[i] - 1 > CLEM_PW_BLOCK) rl[x++] = i;
    if (!(c->rows_long = tsc_cl_buffer(c->ctx, RO, (size_t)c->n_rows_long * 8, rl, "long rows"))) goto out;

    /* CSC index of the ambiguous rows: counting sort by column, rows ascending */
    if (!(fill = calloc(k + 1, sizeof(uint64_t))) || !(cp = malloc((k + 1) * isz)) || !(pos = calloc(nnz ? nnz : 1, isz)))
        goto oom;
    for (uint64_t i = 0; i < n; i++)
        if (m->indptr[i + 1] - m->indptr[i] > 1)
            for (int64_t p = m->indptr[i]; p < m->indptr[i + 1]; p++) fill[m->indices[p] + 1]++;
    for (uint64_t j = 0; j < k; j++) fill[j + 1] += fill[j];
    uint64_t n_amb = fill[k];
    for (uint64_t j = 0; j <= k; j++) idx_set(cp, idx64, j, fill[j]);
    for (uint64_t i = 0; i < n; i++)
        if (m->indptr[i + 1] - m->indptr[i] > 1)
            for (int64_t p = m->indptr[i]; p < m->indptr[i + 1]; p++) idx_set(pos, idx64, (uint64_t)p, fill[m->indices[p]]++);
    free(fill), fill = NULL;
    if (!(c->cptr = tsc_cl_buffer(c->ctx, RO, (k + 1) * isz, cp, "cptr"))) goto out;
    if (!(c->cscpos = tsc_cl_buffer(c->ctx, RO, nnz * isz, pos, "cscpos"))) goto out;
    free(pos), pos = NULL;

    /* Columns for em_colsum (longest first) and em_colsum_long */
    uint64_t longcol = tsc_cl_is_gpu(c->dev) ? CLEM_LONGCOL_GPU : UINT64_MAX;
    const char *env = getenv("TSC_CL_LONGCOL");
    if (env && *env) {
        char *end;
        unsigned long long v = strtoull(env, &end, 10);
        if (*end == 0) longcol = v ? v : 1;
    }
    if (!(cl = malloc(k * sizeof(*cl))) || !(cs = malloc(k * 4)) || !(clong = malloc(k * 4))) goto oom;
    for (uint64_t j = 0; j < k; j++) {
        uint64_t a = idx64 ? ((uint64_t *)cp)[j] : ((uint32_t *)cp)[j];
        uint64_t b = idx64 ? ((uint64_t *)cp)[j + 1] : ((uint32_t *)cp)[j + 1];
        cl[j].len = b - a, cl[j].j = (uint32_t)j;
    }
    qsort(cl, k, sizeof(*cl), cmp_col_len);
    c->n_short = c->n_long = 0;
    for (uint64_t j = 0; j < k; j++) {
        if (cl[j].len >= longcol) clong[c->n_long++] = cl[j].j;
        else cs[c->n_short++] = cl[j].j;
    }
    if (!(c->cols_short = tsc_cl_buffer(c->ctx, RO, (size_t)c->n_short * 4, cs, "cols")) ||
        !(c->cols_long = tsc_cl_buffer(c->ctx, RO, (size_t)c->n_long * 4, clong, "long cols")))
        goto out;

    /* Pairwise leaves of the N row terms */
    if (!(leaf = malloc((np_max_leaves(n) + 1) * sizeof(uint64_t)))) goto oom;
    c->n_leaves = 0;
    np_leaves(n, leaf, &c->n_leaves);
    leaf[c->n_leaves] = n;
    if (!(c->leaf = tsc_cl_buffer(c->ctx, RO, (c->n_leaves + 1) * 8, leaf, "leaves"))) goto out;
    if (!(c->leafsum_h = malloc(c->n_leaves * sizeof(double))) || !(c->f_amb_h = malloc(k * sizeof(double)))) goto oom;

    /* Work buffers */
    if (!(c->f_amb = tsc_cl_buffer(c->ctx, RO, k * 8, NULL, "pi*theta")) || !(c->f_uni = tsc_cl_buffer(c->ctx, RO, k * 8, NULL, "pi")) ||
        !(c->zw = tsc_cl_buffer(c->ctx, RW, n_amb * 8, NULL, "z*w")) || !(c->z = tsc_cl_buffer(c->ctx, RW, nnz * 8, NULL, "z")) ||
        !(c->t = tsc_cl_buffer(c->ctx, RW, k * 8, NULL, "T")) || !(c->term = tsc_cl_buffer(c->ctx, RW, n * 8, NULL, "lnl terms")) ||
        !(c->leafsum = tsc_cl_buffer(c->ctx, RW, c->n_leaves * 8, NULL, "lnl leaves")))
        goto out;
    ret = 0;
    goto out;
oom:
    tsc_error("out of memory preparing the OpenCL buffers");
out:
    free(ip), free(cp), free(pos), free(fill), free(leaf), free(cl), free(cs), free(clong), free(rl);
    return ret;
}

/* Bytes of device memory needed, and the largest single buffer. */
static void clem_footprint(uint64_t n, uint64_t k, uint64_t nnz, int idx64, uint64_t *total, uint64_t *largest)
{
    uint64_t isz = idx64 ? 8 : 4;
    uint64_t b[] = {(n + 1) * isz, nnz * 4, nnz * 8 /* Q */, n * 8, 2 * k * 8, nnz * isz /* cscpos */,
                    nnz * 8 /* zw, at most */, nnz * 8 /* z */, (k + 1) * isz, 2 * k * 4, k * 8, n * 8,
                    2 * np_max_leaves(n) * 8, (nnz / (CLEM_PW_BLOCK + 2) + 1) * 8 /* long rows */};
    *total = *largest = 0;
    for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
        *total += b[i];
        if (b[i] > *largest) *largest = b[i];
    }
}

static int clem_setup(clem_t *c, const tsc_mtx_t *m, const tsc_em_opt_t *opt, tsc_em_model_t *md)
{
    cl_platform_id plat;
    cl_int err;
    char desc[768], opts[128];
    int r = tsc_cl_pick_device(opt->cl_platform, opt->cl_device, 0, 0, &plat, &c->dev);
    if (r < 0) return r;
    tsc_debug("OpenCL device: %s", tsc_cl_device_desc(c->dev, desc, sizeof(desc)));
    if ((c->sub_dev = tsc_cl_cpu_subdevice(c->dev, opt->n_threads))) c->dev = c->sub_dev; /* -t: total threads */

    c->n_rows = (uint64_t)m->n_rows, c->n_cols = (uint64_t)m->n_cols, c->nnz = (uint64_t)m->nnz;
    int idx64 = c->idx64 = c->nnz >= UINT32_MAX || c->n_rows >= UINT32_MAX;
    uint64_t total, largest;
    cl_ulong gmem = 0, maxalloc = 0, lmem = 0;
    if (tsc_cl_ok(clGetDeviceInfo(c->dev, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof(gmem), &gmem, NULL),
                  "clGetDeviceInfo(CL_DEVICE_GLOBAL_MEM_SIZE)") < 0 ||
        tsc_cl_ok(clGetDeviceInfo(c->dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof(maxalloc), &maxalloc, NULL),
                  "clGetDeviceInfo(CL_DEVICE_MAX_MEM_ALLOC_SIZE)") < 0 ||
        tsc_cl_ok(clGetDeviceInfo(c->dev, CL_DEVICE_LOCAL_MEM_SIZE, sizeof(lmem), &lmem, NULL),
                  "clGetDeviceInfo(CL_DEVICE_LOCAL_MEM_SIZE)") < 0)
        return -1;
    clem_footprint(c->n_rows, c->n_cols, c->nnz, idx64, &total, &largest);
    if (total > gmem || largest > maxalloc) {
        tsc_warn("the matrix needs %.1f MiB of OpenCL device memory (largest buffer %.1f MiB); the device has "
                 "%.1f MiB (largest buffer %.1f MiB)", total / 1048576.0, largest / 1048576.0, gmem / 1048576.0,
                 maxalloc / 1048576.0);
        return -2;
    }

    c->ctx = clCreateContext(NULL, 1, &c->dev, NULL, NULL, &err);
    if (tsc_cl_ok(err, "clCreateContext") < 0) { c->ctx = NULL; return -1; }
    c->profile = tsc_verbosity() >= TSC_LOG_DEBUG;
    c->queue = clCreateCommandQueue(c->ctx, c->dev, c->profile ? CL_QUEUE_PROFILING_ENABLE : 0, &err);
    if (tsc_cl_ok(err, "clCreateCommandQueue") < 0) { c->queue = NULL; return -1; }
    snprintf(opts, sizeof(opts), "-D TSC_IDX_T=%s", idx64 ? "ulong" : "uint");
    double tb = tsc_realtime();
    static const char *const names[2] = { "pairwise", "em" }, *const srcs[2] = { tsc_kernel_pairwise, tsc_kernel_em };
    if (!(c->prog = tsc_cl_build_n(c->ctx, c->dev, 2, names, srcs, opts))) return -1;
    tsc_debug("OpenCL program build: %.3f s", tsc_realtime() - tb);
    if (!(c->k_estep[0] = clem_kernel(c, "em_estep", &c->ls_estep[0])) ||
        !(c->k_estep[1] = clem_kernel(c, "em_estep_zero", &c->ls_estep[1])) ||
        !(c->k_estep_long[0] = clem_kernel(c, "em_estep_long", &c->ls_estep_long[0])) ||
        !(c->k_estep_long[1] = clem_kernel(c, "em_estep_long_zero", &c->ls_estep_long[1])) ||
        !(c->k_colsum = clem_kernel(c, "em_colsum", &c->ls_colsum)) ||
        !(c->k_colsum_long = clem_kernel(c, "em_colsum_long", &c->ls_long)) ||
        !(c->k_lnl_rows = clem_kernel(c, "em_lnl_rows", &c->ls_lnl)) ||
        !(c->k_leaves = clem_kernel(c, "pw_leaves", &c->ls_leaves)))
        return -1;
    /* Tile of em_colsum_long: CLEM_TILE_PER_ITEM values per work-item, within half the local memory. */
    uint64_t tile = (uint64_t)c->ls_long * CLEM_TILE_PER_ITEM;
    if (lmem && tile * 8 > lmem / 2) tile = lmem / 16;
    if (tile < 1) tile = 1;
    c->tile_n = (uint32_t)tile;

    double t0 = tsc_realtime();
    c->q_low = tsc_em_q(1, md->inv_smax);
    if (clem_upload(c, m, md, idx64) < 0) return -1;
    tsc_debug("OpenCL buffers: %.3f s", tsc_realtime() - t0);

    cl_ulong n64 = c->n_rows, nl64 = c->n_leaves;
    int mode = 1;
    for (int z = 0; z < 2; z++)
        if (tsc_cl_args(c->k_estep[z], "em_estep", ARG(n64), ARG(c->indptr), ARG(c->col), ARG(c->q), ARG(c->w),
                      ARG(c->f_amb), ARG(c->f_uni), ARG(c->cscpos), ARG(c->zw), ARG(c->z), ARG(mode), ARG_END) < 0 ||
            tsc_cl_args(c->k_estep_long[z], "em_estep_long", ARG(c->n_rows_long), ARG(c->rows_long), ARG(c->indptr),
                      ARG(c->col), ARG(c->q), ARG(c->w), ARG(c->f_amb), ARG(c->cscpos), ARG(c->zw), ARG(c->z),
                      ARG(mode), ARG_END) < 0)
            return -1;
    if (tsc_cl_args(c->k_colsum, "em_colsum", ARG(c->n_short), ARG(c->cols_short), ARG(c->cptr), ARG(c->zw), ARG(c->t),
                  ARG_END) < 0 ||
        tsc_cl_args(c->k_lnl_rows, "em_lnl_rows", ARG(n64), ARG(c->indptr), ARG(c->col), ARG(c->q), ARG(c->z),
                  ARG(c->f_amb), ARG(c->f_uni), ARG(c->term), ARG_END) < 0 ||
        tsc_cl_args(c->k_leaves, "pw_leaves", ARG(nl64), ARG(c->leaf), ARG(c->term), ARG(c->leafsum), ARG_END) < 0)
        return -1;
    if (tsc_cl_args(c->k_colsum_long, "em_colsum_long", ARG(c->cols_long), ARG(c->cptr), ARG(c->zw), ARG(c->t), ARG_END) < 0 ||
        tsc_cl_ok(clSetKernelArg(c->k_colsum_long, 4, (size_t)c->tile_n * sizeof(double), NULL),
                  "clSetKernelArg(em_colsum_long, tile)") < 0 ||
        tsc_cl_ok(clSetKernelArg(c->k_colsum_long, 5, sizeof(c->tile_n), &c->tile_n),
                  "clSetKernelArg(em_colsum_long, tile_n)") < 0)
        return -1;
    tsc_debug("OpenCL work-groups: estep %zu (%u long rows), colsum %zu (%u columns), colsum_long %zu (%u columns, tile %u), "
              "lnl %zu, leaves %zu (%llu leaves); %s offsets", c->ls_estep[0], c->n_rows_long, c->ls_colsum, c->n_short, c->ls_long,
              c->n_long, c->tile_n, c->ls_lnl, c->ls_leaves, (unsigned long long)c->n_leaves, idx64 ? "64-bit" : "32-bit");
    return 0;
}

/*** The EM ***/

int tsc_em_opencl_has_gpu(const tsc_em_opt_t *opt)
{
    cl_platform_id plat;
    cl_device_id dev;
    return tsc_cl_pick_device(opt ? opt->cl_platform : -1, opt ? opt->cl_device : -1, 1, 1, &plat, &dev) == 0;
}

/* tstep callback: z = E(PI, THETA) (stored too with --use_likelihood), T = column sums. */
static int clem_tstep(void *ctx, const double *pi, const double *theta, double *t)
{
    clem_t *c = ctx;
    size_t kb = c->n_cols * sizeof(double);
    c->z_valid = 0;
    if (clem_set_f(c, pi, theta) < 0 || clem_estep(c, c->lik ? 3 : 1) < 0 || clem_colsums(c, t) < 0) return -1;
    if (c->lik) {
        memcpy(c->z_pi, pi, kb), memcpy(c->z_theta, theta, kb);
        c->z_valid = 1;
    }
    return 0;
}

/* lnl callback: z = E(PI_Z, THETA_Z), *LNL = L(z, PI, THETA), z read into Z unless NULL. */
static int clem_lnl_cb(void *ctx, const double *pi_z, const double *theta_z, const double *pi,
                       const double *theta, double *z, double *lnl)
{
    clem_t *c = ctx;
    size_t kb = c->n_cols * sizeof(double);
    if (!c->z_valid || memcmp(pi_z, c->z_pi, kb) || memcmp(theta_z, c->z_theta, kb)) {
        c->z_valid = 0;
        if (clem_set_f(c, pi_z, theta_z) < 0 || clem_estep(c, 2) < 0) return -1;
        memcpy(c->z_pi, pi_z, kb), memcpy(c->z_theta, theta_z, kb);
        c->z_valid = 1;
    }
    if (clem_set_f(c, pi, theta) < 0 || clem_lnl(c, lnl) < 0) return -1;
    if (z && tsc_cl_ok(clEnqueueReadBuffer(c->queue, c->z, CL_TRUE, 0, c->nnz * sizeof(double), z, 0, NULL, NULL),
                       "clEnqueueReadBuffer(z)") < 0)
        return -1;
    return 0;
}

int tsc_em_run_opencl(const tsc_mtx_t *m, const tsc_em_opt_t *opt, tsc_em_result_t *res)
{
    tsc_em_model_t md;
    tsc_em_ops_t ops;
    clem_t c;
    double t0 = tsc_realtime();
    int ret;
    memset(res, 0, sizeof(*res));
    memset(&c, 0, sizeof(c));
    memset(&ops, 0, sizeof(ops));
    if (tsc_em_opt_check(opt) < 0) return -1;
    if (m->n_cols >= UINT32_MAX) {
        tsc_error("too many columns for the OpenCL backend (%lld)", (long long)m->n_cols);
        return -1;
    }
    if (tsc_em_model_init(&md, m, opt) < 0) return -1;
    if (md.nnz > 0) { /* an empty matrix needs no device: tsc_em_iterate() calls no callback */
        if ((ret = clem_setup(&c, m, opt, &md)) < 0) goto out;
        size_t kb = (size_t)m->n_cols * sizeof(double);
        if (!(c.z_pi = malloc(kb)) || !(c.z_theta = malloc(kb))) {
            tsc_error("out of memory");
            ret = -1;
            goto out;
        }
    }
    c.lik = opt->use_likelihood != 0;
    double sec_setup = tsc_realtime() - t0;
    tsc_debug("OpenCL EM set-up: %.3f s", sec_setup);
    ops.ctx = &c, ops.tstep = clem_tstep, ops.lnl = clem_lnl_cb;
    double isz = c.idx64 ? 8.0 : 4.0; /* indptr, w; Q, col; cscpos, zw write, zw read; cptr, T, f */
    ops.bytes_tstep = (isz + 8.0) * (double)md.n_rows + 12.0 * (double)md.nnz + (isz + 16.0) * (double)md.nnz_ambig +
                      (isz + 4.0 + 3 * 8.0) * (double)md.n_cols;
    ret = tsc_em_iterate(&md, opt, &ops, res) < 0 ? -1 : 0;
    if (ret == 0) {
        res->backend = TSC_EM_OPENCL;
        res->sec_setup = sec_setup;
    }
    for (int i = 0; i < CLEM_N_KERNELS; i++)
        if (c.prof_n[i])
            tsc_debug("OpenCL kernel %s: %lld runs, %.4f s each", CLEM_KERNELS[i], (long long)c.prof_n[i],
                      c.prof_s[i] / c.prof_n[i]);
out:
    clem_release(&c);
    tsc_em_model_free(&md);
    return ret;
}
