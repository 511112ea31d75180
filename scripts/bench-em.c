/* bench-em.c -- seconds per EM iteration on a large simulated matrix, beside the memory bandwidth
 * of a plain memcpy measured in the same run. Built and run by scripts/bench-em.sh.
 * Usage: bench-em ROWS ITERS THREADS[,THREADS...] [opencl]
 * The matrix: loci in random blocks (1-20 loci, a few families of 1000-5000 loci), rows with
 * 1-6 cells within one block, 30% of rows also on column 0 (no feature), scores 150-250.
 * Prints TSV: em<TAB>backend<TAB>threads<TAB>rows<TAB>nnz<TAB>s_per_iter<TAB>GBps<TAB>frac_of_memcpy
 * where GBps = bytes the backend streams per iteration / s_per_iter, and frac_of_memcpy divides
 * it by memcpy's (read + write) rate with the same number of threads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>
#include <sys/resource.h>
#include "tsc_em.h"
#include "tsc_util.h"

static uint64_t rng = 0x243F6A8885A308D3ull;
static inline uint64_t rnd(uint64_t n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng % n;
}

static tsc_mtx_t *simulate(int64_t n_rows)
{
    int64_t n_loci = n_rows / 50 > 100 ? n_rows / 50 : 100, nb = 0, i, j;
    int64_t *bstart = malloc((n_loci + 1) * sizeof(int64_t));
    /* blocks of consecutive loci after a shuffle of the column numbers */
    int32_t *perm = malloc(n_loci * sizeof(int32_t));
    for (j = 0; j < n_loci; ++j) perm[j] = (int32_t)(j + 1);
    for (j = n_loci - 1; j > 0; --j) {
        int64_t k = rnd(j + 1);
        int32_t t = perm[j]; perm[j] = perm[k], perm[k] = t;
    }
    for (j = 0; j < n_loci; ++nb) {
        int64_t sz = nb < 4 ? 1000 + (int64_t)rnd(4000) : 1 + (int64_t)rnd(20);
        bstart[nb] = j;
        j += sz < n_loci - j ? sz : n_loci - j;
    }
    bstart[nb] = n_loci;
    tsc_mtx_t *m = tsc_mtx_init(TSC_KIND_MATRIX);
    if (!m) return NULL;
    m->n_rows = n_rows, m->n_cols = n_loci + 1;
    m->indptr = malloc((n_rows + 1) * sizeof(int64_t));
    m->indices = malloc(n_rows * 7 * sizeof(int32_t));
    m->score = malloc(n_rows * 7 * sizeof(uint32_t));
    if (!bstart || !perm || !m->indptr || !m->indices || !m->score) return NULL;
    int64_t nnz = 0;
    m->indptr[0] = 0;
    for (i = 0; i < n_rows; ++i) {
        /* pick a block with probability ~ its size: a random locus' block */
        int64_t l = rnd(n_loci), lo = 0, hi = nb;
        while (hi - lo > 1) { int64_t mid = (lo + hi) / 2; if (bstart[mid] <= l) lo = mid; else hi = mid; }
        int64_t b0 = bstart[lo], bsz = bstart[lo + 1] - b0, len = 1 + (int64_t)rnd(6), n = 0;
        int32_t cols[8];
        if (len > bsz) len = bsz;
        if (rnd(10) < 3) cols[n++] = 0;
        while (len > 0) {
            int32_t c = perm[b0 + rnd(bsz)];
            int64_t d;
            for (d = 0; d < n && cols[d] != c; ++d) {}
            if (d == n) cols[n++] = c, --len;
        }
        for (int64_t a = 1; a < n; ++a)
            for (int64_t b = a; b > 0 && cols[b - 1] > cols[b]; --b) { int32_t t = cols[b]; cols[b] = cols[b - 1], cols[b - 1] = t; }
        for (int64_t a = 0; a < n; ++a) m->indices[nnz] = cols[a], m->score[nnz++] = 150 + (uint32_t)rnd(101);
        m->indptr[i + 1] = nnz;
    }
    m->nnz = nnz;
    char name[32];
    for (j = 0; j <= n_loci; ++j) {
        snprintf(name, sizeof name, j ? "L%lld" : "__no_feature", (long long)j);
        if (tsc_hdr_add_feature(m->hdr, name, j ? 1000 : 0) < 0) return NULL;
    }
    free(bstart), free(perm);
    return m;
}

/* memcpy rate (bytes read + written per second) with NT threads, each copying its own slice */
static double memcpy_rate(int nt)
{
    size_t sz = (size_t)256 << 20, per = sz / nt;
    char *a = malloc(sz), *b = malloc(sz);
    double best = 0;
    if (!a || !b) return 0;
    memset(a, 1, sz), memset(b, 2, sz);
    for (int rep = 0; rep < 5; ++rep) {
        double t0 = tsc_realtime();
#pragma omp parallel for num_threads(nt) schedule(static, 1)
        for (int t = 0; t < nt; ++t) memcpy(b + t * per, a + t * per, per);
        double r = 2.0 * (double)(per * nt) / (tsc_realtime() - t0);
        if (r > best) best = r;
    }
    free(a), free(b);
    return best;
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1e-6 * (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* one run of ITERS iterations; *CPU: process CPU seconds of the whole run */
static int run(const tsc_mtx_t *m, int backend, int nt, int64_t split, int iters, tsc_em_result_t *r, double *cpu)
{
    tsc_em_opt_t o;
    tsc_em_opt_init(&o);
    o.epsilon = 0, o.max_iter = iters, o.n_threads = nt, o.log_iterations = 0, o.split_nnz = split;
    o.backend = backend;
    double c0 = cpu_seconds();
    int ret = backend == TSC_EM_OPENCL ? tsc_em_run_opencl(m, &o, r) : tsc_em_run(m, &o, r);
    *cpu = cpu_seconds() - c0;
    return ret;
}

/* s_per_iter: wall time of the iterations as the library measures it (E+M steps, convergence);
 * the CPU seconds per iteration come from two runs (1 and 1+ITERS iterations) subtracted. */
static int bench(const tsc_mtx_t *m, const char *label, int backend, int nt, int64_t split, int iters)
{
    tsc_em_result_t r, r1;
    double cpu, cpu1;
    double mc = memcpy_rate(nt);
    int ret = run(m, backend, nt, split, 1, &r1, &cpu1);
    if (ret == -2) { printf("# %s: no OpenCL device\n", label); return 0; }
    if (ret < 0 || run(m, backend, nt, split, 1 + iters, &r, &cpu) < 0) return -1;
    double spi = (r.sec_iter - r1.sec_iter) / iters, gbps = r.bytes_iter / spi / 1e9;
    printf("em\t%s\t%d\t%lld\t%lld\t%.5f\t%.2f\t%.3f\n", label, nt, (long long)m->n_rows, (long long)m->nnz,
           spi, gbps, gbps / (mc / 1e9));
    printf("# %s t=%d: %.5f CPU s per iteration; setup %.2f s, final pass %.3f s, %.0f MB streamed per "
           "iteration, memcpy %.2f GB/s, lnl %.6f\n", label, nt, (cpu - cpu1) / iters, r.sec_setup, r.sec_final,
           r.bytes_iter / 1e6, mc / 1e9, r.lnl);
    fflush(stdout);
    tsc_em_result_free(&r), tsc_em_result_free(&r1);
    return 0;
}

int main(int argc, char **argv)
{
    int64_t rows = argc > 1 ? atoll(argv[1]) : 5000000;
    int iters = argc > 2 ? atoi(argv[2]) : 10;
    const char *tl = argc > 3 ? argv[3] : "1,2";
    int opencl = argc > 4 && strcmp(argv[4], "opencl") == 0;
    tsc_set_progname("bench-em");
    double t0 = tsc_realtime();
    tsc_mtx_t *m = simulate(rows);
    if (!m) { fprintf(stderr, "bench-em: out of memory\n"); return 1; }
    printf("# simulated %lld rows, %lld loci, %lld cells in %.1f s\n", (long long)m->n_rows,
           (long long)m->n_cols - 1, (long long)m->nnz, tsc_realtime() - t0);
    for (const char *p = tl; *p;) {
        int nt = atoi(p);
        if (nt < 1) break;
        if (bench(m, "openmp", TSC_EM_OPENMP, nt, 0, iters) < 0) return 1;
        while (*p && *p != ',') ++p;
        if (*p == ',') ++p;
    }
    /* the same with the largest blocks split across threads (forced), for its cost */
    if (bench(m, "openmp_split", TSC_EM_OPENMP, 2, 200000, iters) < 0) return 1;
    if (opencl && bench(m, "opencl", TSC_EM_OPENCL, 1, 0, iters) < 0) return 1;
    tsc_mtx_destroy(m);
    return 0;
}
