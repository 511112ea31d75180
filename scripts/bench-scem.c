/* bench-scem.c -- throughput of many-model EM (individual pooling: one Stellarscope model per
 * cell) on an atlas-like simulated matrix: OpenMP at the given thread counts and OpenCL.
 * Built and run by scripts/bench-scem.sh.
 * Usage: bench-scem CELLS ROWS LOCI THREADS[,THREADS...] [opencl|none]
 * The matrix: ROWS reads (rows) of CELLS cells whose sizes differ by orders of magnitude (a
 * log-normal spread), rows in read-name order (a cell's rows scattered over all N), each row on
 * 1-8 loci of one TE family block (1-30 loci; 25% of rows also on column 0, no feature), raw
 * scores like STARsolo's (AS 120-150 of a 150 bp read: 121-151 after the shift).
 * Prints TSV: scem<TAB>backend<TAB>threads<TAB>cells<TAB>rows<TAB>matrix_cells<TAB>seconds<TAB>
 * models_per_s<TAB>cell_iterations_per_s<TAB>same ("same": z, iterations and lnl equal the first
 * line's bit for bit), and '#' lines with details (iterations, peak memory). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "tsc_scem.h"
#include "tsc_util.h"

static uint64_t rng = 0x243F6A8885A308D3ull;
static inline uint64_t rnd(uint64_t n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng % n;
}

static double now(void) { return tsc_realtime(); }

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: bench-scem CELLS ROWS LOCI THREADS[,THREADS...] [opencl|none]\n");
        return 2;
    }
    int64_t nc = atoll(argv[1]), n = atoll(argv[2]), nl = atoll(argv[3]);
    const char *threads = argv[4];
    int cl = argc < 6 || strcmp(argv[5], "none") != 0;
    tsc_set_progname("bench-scem");
    /* cell sizes: log-normal weights, then each row picks a cell by weight */
    double *cw = malloc((size_t)nc * sizeof(double)), tot = 0.0;
    for (int64_t c = 0; c < nc; c++) {
        double u1 = (rnd(1u << 30) + 1.0) / (1u << 30), u2 = rnd(1u << 30) / (double)(1u << 30);
        cw[c] = exp(1.2 * sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
        tot += cw[c];
    }
    for (int64_t c = 1; c < nc; c++) cw[c] += cw[c - 1];
    tsc_scmat_t m;
    memset(&m, 0, sizeof(m));
    m.n = n, m.k = (int32_t)nl + 1;
    m.ptr = malloc(((size_t)n + 1) * sizeof(int64_t));
    m.col = malloc(((size_t)n * 9 + 1) * sizeof(int32_t));
    m.raw = malloc(((size_t)n * 9 + 1) * sizeof(double));
    int64_t *cell = malloc((size_t)n * sizeof(int64_t)), nnz = 0;
    m.ptr[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        double x = tot * (rnd(1u << 30) / (double)(1u << 30));
        int64_t lo = 0, hi = nc - 1;
        while (lo < hi) { int64_t mid = (lo + hi) / 2; if (cw[mid] < x) lo = mid + 1; else hi = mid; }
        cell[i] = lo;
        int64_t b0 = 1 + (int64_t)rnd((uint64_t)nl), bsz = 1 + (int64_t)rnd(30), len = 1 + (int64_t)rnd(8);
        if (rnd(3) == 0) len = 1;
        if (b0 + bsz > nl + 1) bsz = nl + 1 - b0;
        if (len > bsz) len = bsz;
        if (rnd(4) == 0) m.col[nnz] = 0, m.raw[nnz++] = 121 + (double)rnd(31);
        int64_t c = b0 + (int64_t)rnd((uint64_t)(bsz - len + 1));
        for (int64_t k = 0; k < len; k++, c += 1) m.col[nnz] = (int32_t)c, m.raw[nnz++] = 121 + (double)rnd(31);
        m.ptr[i + 1] = nnz;
    }
    /* models: one per cell, rows ascending */
    tsc_scmodels_t md;
    memset(&md, 0, sizeof(md));
    md.n_model = nc;
    md.rptr = calloc((size_t)nc + 1, sizeof(int64_t));
    md.rows = malloc(((size_t)n + 1) * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) md.rptr[cell[i] + 1]++;
    for (int64_t c = 0; c < nc; c++) md.rptr[c + 1] += md.rptr[c];
    int64_t *fill = malloc(((size_t)nc + 1) * sizeof(int64_t));
    memcpy(fill, md.rptr, (size_t)nc * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) md.rows[fill[cell[i]]++] = i;
    int64_t biggest = 0;
    for (int64_t c = 0; c < nc; c++) if (md.rptr[c + 1] - md.rptr[c] > biggest) biggest = md.rptr[c + 1] - md.rptr[c];
    printf("# %lld cells (rows per cell: mean %.0f, largest %lld), %lld rows, %lld matrix cells, %lld loci\n",
           (long long)nc, (double)n / nc, (long long)biggest, (long long)n, (long long)nnz, (long long)nl);

    tsc_scq_opt_t o;
    tsc_scq_opt_init(&o);
    double *z0 = NULL, *z = malloc(((size_t)nnz + 1) * sizeof(double));
    uint8_t *zs = malloc((size_t)nnz + 1);
    tsc_scmfit_t *f0 = NULL, *f = calloc((size_t)nc + 1, sizeof(*f));
    char *list = strdup(threads), *save = NULL;
    int lines = 0;
    for (int pass = 0; pass < 2; pass++) {
        char *tok = pass == 0 ? strtok_r(list, ",", &save) : NULL;
        if (pass == 1 && !cl) break;
        for (; pass == 1 || tok; tok = pass == 0 ? strtok_r(NULL, ",", &save) : NULL) {
            int t = pass == 0 ? atoi(tok) : 2;
            memset(z, 0, ((size_t)nnz + 1) * sizeof(double));
            memset(zs, 0, (size_t)nnz + 1);
            double t0 = now();
            int r = pass == 0 ? tsc_scem_fit_cpu(&m, &md, &o, t, z, zs, f) : tsc_scem_fit_opencl(&m, &md, &o, t, -1, -1, z, zs, f);
            double sec = now() - t0;
            if (r < 0) { printf("scem\t%s\t%d\tfailed (%d)\n", pass ? "opencl" : "openmp", t, r); if (pass) break; continue; }
            int64_t it = 0, cit = 0;
            for (int64_t c = 0; c < nc; c++) {
                it += f[c].iterations;
                for (int64_t k = md.rptr[c]; k < md.rptr[c + 1]; k++)
                    cit += (m.ptr[md.rows[k] + 1] - m.ptr[md.rows[k]]) * (int64_t)f[c].iterations;
            }
            const char *same = "-";
            if (!z0) {
                z0 = malloc(((size_t)nnz + 1) * sizeof(double));
                f0 = malloc(((size_t)nc + 1) * sizeof(*f0));
                for (int64_t x = 0; x < nnz; x++) z0[x] = zs[x] ? z[x] : -1.0;
                memcpy(f0, f, (size_t)nc * sizeof(*f));
                same = "first";
            } else {
                int ok = 1;
                for (int64_t x = 0; x < nnz && ok; x++) ok = zs[x] ? memcmp(&z[x], &z0[x], 8) == 0 : z0[x] == -1.0;
                for (int64_t c = 0; c < nc && ok; c++)
                    ok = f[c].iterations == f0[c].iterations && memcmp(&f[c].lnl, &f0[c].lnl, 8) == 0;
                same = ok ? "yes" : "NO";
            }
            struct rusage ru;
            getrusage(RUSAGE_SELF, &ru);
            printf("scem\t%s\t%d\t%lld\t%lld\t%lld\t%.3f\t%.0f\t%.3g\t%s\n", pass ? "opencl" : "openmp", t, (long long)nc,
                   (long long)n, (long long)nnz, sec, nc / sec, cit / sec, same);
            printf("# %s -t %d: %lld iterations over all models (mean %.1f), peak RSS so far %.0f MB\n", pass ? "opencl" : "openmp", t,
                   (long long)it, (double)it / nc, ru.ru_maxrss / 1024.0);
            fflush(stdout);
            lines++;
            if (pass == 1) break;
        }
    }
    free(list); free(z); free(zs); free(z0); free(f); free(f0); free(fill); free(cell); free(cw);
    free(m.ptr); free(m.col); free(m.raw); free(md.rptr); free(md.rows);
    return lines ? 0 : 1;
}
