/* tsc_scem_opencl.c -- many Stellarscope models fitted on an OpenCL device (see tsc_scem.h).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * The host prepares every model as the CPU path does (Smax, Q with libm's expm1, w, U, the
 * pairwise sums over all N rows, priors and denominators), packs the models into batches
 * (kernels/scem.cl: one work-group per model, all iterations in one launch), reads back z,
 * pi, theta and the iteration counts once per batch, and computes each model's final
 * log-likelihood with libm's log. Models too large for a batch (huge cell types) run on the CPU
 * path instead. With --use_likelihood the device computes the log-likelihood of every iteration
 * (with its own log(): it decides only when a model stops). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tsc_cl.h"
#include "tsc_em_internal.h" /* FP contraction off */
#include "tsc_kernels.h"
#include "tsc_pairwise.h"
#include "tsc_scem.h"
#include "tsc_util.h"

/* Cells per batch (host and device memory: about 100 bytes a cell); a model with more cells than a quarter
 * of this runs on the CPU. TSC_SCEM_BATCH_CELLS=N overrides (tests use it to force several
 * batches and the CPU path for large models). */
#define SCEM_BATCH_CELLS ((uint64_t)1 << 22)
/* Work-group size asked for on GPUs and on CPU devices (one work-group per model). */
#define SCEM_LOCAL_GPU 64
#define SCEM_LOCAL_CPU 8

/* one model's place in its batch */
typedef struct {
    int64_t g;                              /* model index */
    uint32_t bi;                            /* index in the batch */
    uint64_t row0, col0, cell0, amb0;       /* its first row, column, cell, ambiguous cell in the batch */
    uint64_t n_cell, n_col, n_amb;
    double smax;
} slot_t;

typedef struct {
    uint64_t n_model, rows, cols, cells, ambs;
    uint32_t *mrow, *mcol, *rptr, *bcol, *cscpos, *cptr, *gcol;
    uint64_t *grow;                          /* each row's place in the matrix */
    double *w, *q, *u, *par, *z, *pi, *th;
    uint8_t *zset;
    int32_t *iters, *conv;
} batch_t;

static void batch_free(batch_t *b)
{
    free(b->mrow); free(b->mcol); free(b->rptr); free(b->bcol); free(b->cscpos); free(b->cptr); free(b->gcol);
    free(b->w); free(b->q); free(b->u); free(b->par); free(b->z); free(b->pi); free(b->th); free(b->zset);
    free(b->iters); free(b->conv); free(b->grow);
    memset(b, 0, sizeof(*b));
}

static int batch_alloc(batch_t *b)
{
    uint64_t nm = b->n_model + 1, nr = b->rows + 1, nc = b->cols + 1, ne = b->cells + 1;
    return (b->mrow = malloc(nm * 4)) && (b->mcol = malloc(nm * 4)) && (b->rptr = malloc(nr * 4)) &&
                   (b->bcol = malloc(ne * 4)) && (b->cscpos = malloc(ne * 4)) && (b->cptr = malloc(nc * 4)) &&
                   (b->gcol = malloc(nc * 4)) && (b->w = malloc(nr * 8)) && (b->q = malloc(ne * 8)) &&
                   (b->u = malloc(nc * 8)) && (b->par = malloc(nm * 32)) && (b->z = malloc(ne * 8)) &&
                   (b->pi = malloc(nc * 8)) && (b->th = malloc(nc * 8)) && (b->zset = malloc(ne)) &&
                   (b->iters = malloc(nm * 4)) && (b->conv = malloc(nm * 4)) && (b->grow = malloc(nr * 8))
               ? 0 : -1;
}

/* First look at model G: its cells, Smax, distinct columns (MARK: K bytes, left zeroed) and the
 * cells of its ambiguous rows. */
static void model_size(const tsc_scmat_t *m, const tsc_scmodels_t *md, int64_t g, uint8_t *mark, slot_t *s)
{
    memset(s, 0, sizeof(*s));
    s->g = g;
    for (int64_t k = md->rptr[g]; k < md->rptr[g + 1]; k++) {
        int64_t i = md->rows[k], a = m->ptr[i], b = m->ptr[i + 1];
        s->n_cell += (uint64_t)(b - a);
        if (b - a > 1) s->n_amb += (uint64_t)(b - a);
        for (int64_t x = a; x < b; x++) {
            if (m->raw[x] > s->smax) s->smax = m->raw[x];
            if (!mark[m->col[x]]) mark[m->col[x]] = 1, s->n_col++;
        }
    }
    for (int64_t k = md->rptr[g]; k < md->rptr[g + 1]; k++) {
        int64_t i = md->rows[k];
        for (int64_t x = m->ptr[i]; x < m->ptr[i + 1]; x++) mark[m->col[x]] = 0;
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Model S's part of batch B (spec §8.2). LOC: K int32 of scratch, all -1 (left so); TMP: 2 x
 * (the model's rows) doubles. Writes only the model's own entries. */
static void model_fill(const tsc_scmat_t *m, const tsc_scmodels_t *md, const tsc_scq_opt_t *o, const slot_t *s,
                       batch_t *b, int32_t *loc, double *tmp)
{
    int64_t r0 = md->rptr[s->g], nr = md->rptr[s->g + 1] - r0;
    uint64_t nc = 0, cell = s->cell0;
    double inv = 1.0 / s->smax, wmax = 0.0, *wa = tmp + nr;
    uint32_t *gcol = b->gcol + s->col0, *cptr = b->cptr + s->col0;
    for (int64_t k = 0; k < nr; k++) {
        int64_t i = md->rows[r0 + k];
        for (int64_t x = m->ptr[i]; x < m->ptr[i + 1]; x++)
            if (loc[m->col[x]] < 0) loc[m->col[x]] = 0, gcol[nc++] = (uint32_t)m->col[x];
    }
    qsort(gcol, nc, sizeof(uint32_t), cmp_u32);
    for (uint64_t j = 0; j < nc; j++) loc[gcol[j]] = (int32_t)j, b->u[s->col0 + j] = 0.0, cptr[j] = 0;
    /* rows: Q, w, U (unique rows, ascending), ambiguous cells per column */
    for (int64_t k = 0; k < nr; k++) {
        int64_t i = md->rows[r0 + k], len = m->ptr[i + 1] - m->ptr[i];
        uint64_t r = s->row0 + (uint64_t)k;
        double wi = 0.0;
        b->rptr[r] = (uint32_t)cell;
        b->grow[r] = (uint64_t)i;
        for (int64_t x = m->ptr[i]; x < m->ptr[i + 1]; x++, cell++) {
            double q = expm1((m->raw[x] * inv) * 100.0);
            int32_t j = loc[m->col[x]];
            b->q[cell] = q;
            b->bcol[cell] = (uint32_t)(s->col0 + (uint64_t)j);
            if (q > wi) wi = q;
            if (len > 1) cptr[j]++;
            else b->u[s->col0 + (uint64_t)j] += q;
        }
        b->w[r] = tmp[k] = wi;
        wa[k] = len > 1 ? wi : 0.0;
        if (wi > wmax) wmax = wi;
    }
    /* CSC slots of the ambiguous cells: column by column, rows ascending within each */
    uint64_t off = s->amb0;
    for (uint64_t j = 0; j < nc; j++) {
        uint32_t n = cptr[j];
        cptr[j] = (uint32_t)off;
        off += n;
    }
    for (int64_t k = 0; k < nr; k++) {
        uint64_t r = s->row0 + (uint64_t)k;
        uint32_t e = k + 1 < nr ? b->rptr[r + 1] : (uint32_t)(s->cell0 + s->n_cell);
        if (e - b->rptr[r] < 2) continue;
        for (uint32_t p = b->rptr[r]; p < e; p++) b->cscpos[p] = cptr[b->bcol[p] - s->col0]++;
    }
    for (uint64_t j = nc; j-- > 1;) cptr[j] = cptr[j - 1]; /* back to the starts */
    if (nc) cptr[0] = (uint32_t)s->amb0;
    /* priors and denominators: sums over all N rows, K = all columns (S10) */
    const int64_t *rows = md->rows + r0;
    double total_wt = tsc_np_sum_sparse(rows, tmp, nr, m->n), ambig_wt = tsc_np_sum_sparse(rows, wa, nr, m->n);
    double ppi = o->pi_prior * wmax, pth = o->theta_prior * wmax, *par = b->par + 4 * (uint64_t)s->bi;
    par[0] = ppi, par[1] = pth, par[2] = total_wt + ppi * m->k, par[3] = ambig_wt + pth * m->k;
    for (uint64_t j = 0; j < nc; j++) loc[gcol[j]] = -1;
}

/* Model S's results: z into Z/ZSET (the matrix's cells), and its summary with the final
 * log-likelihood (spec §8.4: rows in column order, then numpy's sum over all N rows). */
static void model_finish(const tsc_scmat_t *m, const tsc_scmodels_t *md, const slot_t *s, const batch_t *b,
                         double *z, uint8_t *zset, tsc_scmfit_t *f, double *tmp)
{
    int64_t r0 = md->rptr[s->g], nr = md->rptr[s->g + 1] - r0;
    uint64_t cell = s->cell0;
    f->iterations = b->iters[s->bi], f->converged = b->conv[s->bi];
    f->nfeats = (int64_t)s->n_col, f->nobs = 0;
    for (int64_t k = 0; k < nr; k++) {
        int64_t i = md->rows[r0 + k], len = m->ptr[i + 1] - m->ptr[i];
        double t = 0.0;
        f->nobs += len > 0;
        for (int64_t x = m->ptr[i]; x < m->ptr[i + 1]; x++, cell++) {
            if (!(zset[x] = b->zset[cell])) continue;
            uint32_t c = b->bcol[cell];
            z[x] = b->z[cell];
            double in = len > 1 ? b->q[cell] * (b->pi[c] * b->th[c]) : b->q[cell] * b->pi[c];
            if (in != 0.0) t += z[x] * log(in);
        }
        tmp[k] = t;
    }
    f->lnl = tsc_np_sum_sparse(md->rows + r0, tmp, nr, m->n);
}

/*** device ***/

typedef struct {
    cl_context ctx;
    cl_command_queue queue;
    cl_program prog;
    cl_kernel k;
    cl_device_id dev, sub_dev;
    size_t ls;
} scl_t;

static void scl_release(scl_t *c)
{
    if (c->queue) clFinish(c->queue); /* nothing in flight when the objects go */
    if (c->k) clReleaseKernel(c->k);
    if (c->prog) clReleaseProgram(c->prog);
    if (c->queue) clReleaseCommandQueue(c->queue);
    if (c->ctx) clReleaseContext(c->ctx);
    if (c->sub_dev) clReleaseDevice(c->sub_dev);
    memset(c, 0, sizeof(*c));
}

static int scl_setup(scl_t *c, int platform, int device, int n_threads)
{
    cl_platform_id plat;
    cl_int err;
    char desc[768];
    int r = tsc_cl_pick_device(platform, device, 0, 0, &plat, &c->dev);
    if (r < 0) return r;
    tsc_debug("OpenCL device: %s", tsc_cl_device_desc(c->dev, desc, sizeof(desc)));
    if ((c->sub_dev = tsc_cl_cpu_subdevice(c->dev, n_threads))) c->dev = c->sub_dev;
    c->ctx = clCreateContext(NULL, 1, &c->dev, NULL, NULL, &err);
    if (tsc_cl_ok(err, "clCreateContext") < 0) { c->ctx = NULL; return -1; }
    c->queue = clCreateCommandQueue(c->ctx, c->dev, 0, &err);
    if (tsc_cl_ok(err, "clCreateCommandQueue") < 0) { c->queue = NULL; return -1; }
    static const char *const names[2] = { "pairwise", "scem" }, *const srcs[2] = { tsc_kernel_pairwise, tsc_kernel_scem };
    if (!(c->prog = tsc_cl_build_n(c->ctx, c->dev, 2, names, srcs, "-D TSC_IDX_T=uint"))) return -1;
    c->k = clCreateKernel(c->prog, "scem_fit", &err);
    if (tsc_cl_ok(err, "clCreateKernel(scem_fit)") < 0) { c->k = NULL; return -1; }
    if (!(c->ls = tsc_cl_local_size(c->k, c->dev, tsc_cl_is_gpu(c->dev) ? SCEM_LOCAL_GPU : SCEM_LOCAL_CPU))) return -1;
    return 0;
}

/* Run batch B on the device: upload, one launch, read back z, zset, pi, theta, iterations. */
static int scl_run(scl_t *c, batch_t *b, const tsc_scmat_t *m, const tsc_scq_opt_t *o)
{
    enum { N_BUF = 23 };
    cl_mem buf[N_BUF] = { NULL };
    const cl_mem_flags RO = CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, RW = CL_MEM_READ_WRITE;
    uint64_t nm = b->n_model, nr = b->rows, nc = b->cols, ne = b->cells, na = b->ambs;
    struct { cl_mem_flags f; size_t size; const void *host; const char *what; } spec[N_BUF] = {
        { RO, (nm + 1) * 4, b->mrow, "mrow" }, { RO, (nm + 1) * 4, b->mcol, "mcol" }, { RO, nm * 32, b->par, "par" },
        { RO, (nr + 1) * 4, b->rptr, "rptr" }, { RO, nr * 8, b->w, "w" }, { RO, ne * 4, b->bcol, "bcol" },
        { RO, ne * 8, b->q, "Q" }, { RO, ne * 4, b->cscpos, "cscpos" }, { RO, (nc + 1) * 4, b->cptr, "cptr" },
        { RO, nc * 4, b->gcol, "gcol" }, { RO, nc * 8, b->u, "U" }, { RW, nc * 8, NULL, "pi" },
        { RW, nc * 8, NULL, "theta" }, { RW, nc * 8, NULL, "pi'" }, { RW, nc * 8, NULL, "theta'" },
        { RW, na * 8, NULL, "zw" }, { RW, ne * 8, NULL, "z" }, { RW, ne * 8, NULL, "scratch" },
        { RW, ne, NULL, "zset" }, { RW, nm * 4, NULL, "iterations" }, { RW, nm * 4, NULL, "converged" },
        { RO, nr * 8, b->grow, "row places" }, { RW, nr * 8, NULL, "row terms" },
    };
    int ret = -1;
    for (int i = 0; i < N_BUF; i++)
        if (!(buf[i] = tsc_cl_buffer(c->ctx, spec[i].host ? spec[i].f : RW, spec[i].size, spec[i].host, spec[i].what)))
            goto out;
    cl_ulong k = (cl_ulong)m->k;
    double inv_k = 1.0 / m->k, eps = o->em_epsilon;
    cl_int max_iter = o->max_iter, lik = o->use_likelihood != 0;
    cl_ulong n_rows = (cl_ulong)m->n;
    if (tsc_cl_args(c->k, "scem_fit", TSC_CL_ARG(k), TSC_CL_ARG(inv_k), TSC_CL_ARG(max_iter), TSC_CL_ARG(eps),
                    TSC_CL_ARG(lik), TSC_CL_ARG(n_rows), TSC_CL_ARG(buf[21]), TSC_CL_ARG(buf[22]),
                    TSC_CL_ARG(buf[0]), TSC_CL_ARG(buf[1]), TSC_CL_ARG(buf[2]), TSC_CL_ARG(buf[3]), TSC_CL_ARG(buf[4]),
                    TSC_CL_ARG(buf[5]), TSC_CL_ARG(buf[6]), TSC_CL_ARG(buf[7]), TSC_CL_ARG(buf[8]), TSC_CL_ARG(buf[9]),
                    TSC_CL_ARG(buf[10]), TSC_CL_ARG(buf[11]), TSC_CL_ARG(buf[12]), TSC_CL_ARG(buf[13]),
                    TSC_CL_ARG(buf[14]), TSC_CL_ARG(buf[15]), TSC_CL_ARG(buf[16]), TSC_CL_ARG(buf[17]),
                    TSC_CL_ARG(buf[18]), TSC_CL_ARG(buf[19]), TSC_CL_ARG(buf[20]), sizeof(cl_int), NULL,
                    TSC_CL_ARG_END) < 0)
        goto out;
    size_t gs = (size_t)nm * c->ls;
    if (tsc_cl_ok(clEnqueueNDRangeKernel(c->queue, c->k, 1, NULL, &gs, &c->ls, 0, NULL, NULL), "clEnqueueNDRangeKernel(scem_fit)") < 0)
        goto out;
    struct { cl_mem m; size_t size; void *host; } rd[6] = {
        { buf[16], ne * 8, b->z }, { buf[18], ne, b->zset }, { buf[11], nc * 8, b->pi },
        { buf[12], nc * 8, b->th }, { buf[19], nm * 4, b->iters }, { buf[20], nm * 4, b->conv },
    };
    for (int i = 0; i < 6; i++)
        if (rd[i].size && tsc_cl_ok(clEnqueueReadBuffer(c->queue, rd[i].m, CL_TRUE, 0, rd[i].size, rd[i].host, 0, NULL, NULL),
                                    "clEnqueueReadBuffer(scem results)") < 0)
            goto out;
    ret = 0;
out:
    for (int i = 0; i < N_BUF; i++)
        if (buf[i]) clReleaseMemObject(buf[i]);
    return ret;
}

/*** batches ***/

/* Fit the models SL[0 .. n) as one batch: plan, fill (N_THREADS), run, finish. */
static int fit_batch(scl_t *c, const tsc_scmat_t *m, const tsc_scmodels_t *md, const tsc_scq_opt_t *o, int n_threads,
                     slot_t *sl, int64_t n, double *z, uint8_t *zset, tsc_scmfit_t *fits)
{
    batch_t b;
    int ret = -1, oom = 0;
    memset(&b, 0, sizeof(b));
    b.n_model = (uint64_t)n;
    for (int64_t i = 0; i < n; i++) {
        slot_t *s = &sl[i];
        s->bi = (uint32_t)i, s->row0 = b.rows, s->col0 = b.cols, s->cell0 = b.cells, s->amb0 = b.ambs;
        b.rows += (uint64_t)(md->rptr[s->g + 1] - md->rptr[s->g]), b.cols += s->n_col, b.cells += s->n_cell, b.ambs += s->n_amb;
    }
    if (batch_alloc(&b) < 0) { tsc_error("out of memory"); goto out; }
    for (int64_t i = 0; i < n; i++) b.mrow[i] = (uint32_t)sl[i].row0, b.mcol[i] = (uint32_t)sl[i].col0;
    b.mrow[n] = (uint32_t)b.rows, b.mcol[n] = (uint32_t)b.cols, b.rptr[b.rows] = (uint32_t)b.cells, b.cptr[b.cols] = (uint32_t)b.ambs;
    int64_t max_rows = 1;
    for (int64_t i = 0; i < n; i++) {
        int64_t r = md->rptr[sl[i].g + 1] - md->rptr[sl[i].g];
        if (r > max_rows) max_rows = r;
    }
#pragma omp parallel num_threads(n_threads > 0 ? n_threads : 1)
    {
        int32_t *loc = malloc((size_t)m->k * sizeof(int32_t));
        double *tmp = malloc((size_t)max_rows * 2 * sizeof(double));
        if (!loc || !tmp) {
#pragma omp atomic write
            oom = 1;
        } else {
            for (int32_t j = 0; j < m->k; j++) loc[j] = -1;
#pragma omp for schedule(dynamic, 1)
            for (int64_t i = 0; i < n; i++) model_fill(m, md, o, &sl[i], &b, loc, tmp);
        }
        free(loc);
        free(tmp);
    }
    if (oom) { tsc_error("out of memory"); goto out; }
    if (scl_run(c, &b, m, o) < 0) goto out;
#pragma omp parallel num_threads(n_threads > 0 ? n_threads : 1)
    {
        double *tmp = malloc((size_t)max_rows * sizeof(double));
        if (!tmp) {
#pragma omp atomic write
            oom = 1;
        } else {
#pragma omp for schedule(dynamic, 1)
            for (int64_t i = 0; i < n; i++) model_finish(m, md, &sl[i], &b, z, zset, &fits[sl[i].g], tmp);
        }
        free(tmp);
    }
    if (oom) { tsc_error("out of memory"); goto out; }
    ret = 0;
out:
    batch_free(&b);
    return ret;
}

/* The models of IDX[0 .. n) on the CPU path. */
static int fit_cpu_subset(const tsc_scmat_t *m, const tsc_scmodels_t *md, const tsc_scq_opt_t *o, int n_threads,
                          const int64_t *idx, int64_t n, double *z, uint8_t *zset, tsc_scmfit_t *fits)
{
    tsc_scmodels_t sub;
    tsc_scmfit_t *f = NULL;
    int64_t nr = 0;
    int ret = -1;
    memset(&sub, 0, sizeof(sub));
    if (n == 0) return 0;
    for (int64_t i = 0; i < n; i++) nr += md->rptr[idx[i] + 1] - md->rptr[idx[i]];
    sub.n_model = n;
    if (!(sub.rptr = malloc(((size_t)n + 1) * sizeof(int64_t))) || !(sub.rows = malloc(((size_t)nr + 1) * sizeof(int64_t))) ||
        !(f = calloc((size_t)n, sizeof(*f)))) {
        tsc_error("out of memory");
        goto out;
    }
    sub.rptr[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t a = md->rptr[idx[i]], e = md->rptr[idx[i] + 1];
        memcpy(sub.rows + sub.rptr[i], md->rows + a, (size_t)(e - a) * sizeof(int64_t));
        sub.rptr[i + 1] = sub.rptr[i] + (e - a);
    }
    if (tsc_scem_fit_cpu(m, &sub, o, n_threads, z, zset, f) < 0) goto out;
    for (int64_t i = 0; i < n; i++) fits[idx[i]] = f[i];
    ret = 0;
out:
    free(sub.rptr); free(sub.rows); free(f);
    return ret;
}

int tsc_scem_fit_opencl(const tsc_scmat_t *m, const tsc_scmodels_t *md, const tsc_scq_opt_t *o, int n_threads,
                        int platform, int device, double *z, uint8_t *zset, tsc_scmfit_t *fits)
{
    scl_t c;
    slot_t *sl = NULL;
    int64_t *cpu = NULL, n_cpu = 0, n_sl = 0;
    uint8_t *mark = NULL;
    uint64_t budget = SCEM_BATCH_CELLS;
    const char *e = getenv("TSC_SCEM_BATCH_CELLS");
    int ret = -1, r;
    memset(&c, 0, sizeof(c));
    if (e && *e) budget = strtoull(e, NULL, 10);
    if (budget < 1) budget = 1;
    if (budget > ((uint64_t)1 << 31)) budget = (uint64_t)1 << 31;
    if ((r = scl_setup(&c, platform, device, n_threads)) < 0) { ret = r; goto out; }
    if (!(sl = calloc((size_t)md->n_model + 1, sizeof(slot_t))) || !(cpu = malloc(((size_t)md->n_model + 1) * sizeof(int64_t))) ||
        !(mark = calloc((size_t)m->k + 1, 1))) {
        tsc_error("out of memory");
        goto out;
    }
    /* which models go where: unfitted (no cell, Smax <= 0), the CPU (large, or --use_likelihood), a batch */
    for (int64_t g = 0; g < md->n_model; g++) {
        slot_t s;
        memset(&fits[g], 0, sizeof(fits[g]));
        model_size(m, md, g, mark, &s);
        if (s.n_cell == 0 || !(s.smax > 0.0)) continue;
        if (s.n_cell > budget / 4 || s.n_cell >= UINT32_MAX / 4) cpu[n_cpu++] = g;
        else sl[n_sl++] = s;
    }
    tsc_debug("OpenCL many-model EM: %lld models in batches, %lld on the CPU", (long long)n_sl, (long long)n_cpu);
    for (int64_t i = 0; i < n_sl;) {
        int64_t j = i;
        uint64_t cells = 0;
        while (j < n_sl && (j == i || cells + sl[j].n_cell <= budget)) cells += sl[j++].n_cell;
        if (fit_batch(&c, m, md, o, n_threads, sl + i, j - i, z, zset, fits) < 0) goto out;
        i = j;
    }
    if (fit_cpu_subset(m, md, o, n_threads, cpu, n_cpu, z, zset, fits) < 0) goto out;
    ret = 0;
out:
    scl_release(&c);
    free(sl); free(cpu); free(mark);
    return ret;
}
