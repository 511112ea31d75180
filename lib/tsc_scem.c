/* tsc_scem.c -- TEMPORARY reference (lead): every model through tsc_scq_fit() on a masked copy.
 * h-pool's fast implementation replaces this file. */
#include <stdlib.h>
#include <string.h>
#include "tsc_scem.h"
#include "tsc_util.h"

void tsc_scmodels_free(tsc_scmodels_t *md)
{
    if (!md) return;
    for (int64_t g = 0; g < md->n_model; g++) free(md->name ? md->name[g] : NULL);
    free(md->name); free(md->rptr); free(md->rows);
    memset(md, 0, sizeof(*md));
}

int tsc_scem_fit_cpu(const tsc_scmat_t *m, const tsc_scmodels_t *md, const tsc_scq_opt_t *o, int n_threads,
                     double *z, uint8_t *zset, tsc_scmfit_t *fits)
{
    (void)n_threads;
    for (int64_t g = 0; g < md->n_model; g++) {
        tsc_scmat_t c = *m;
        tsc_scfit_t f;
        int64_t nnz = 0;
        c.ptr = calloc((size_t)m->n + 1, sizeof(int64_t));
        c.col = malloc(((size_t)m->ptr[m->n] + 1) * sizeof(int32_t));
        c.raw = malloc(((size_t)m->ptr[m->n] + 1) * sizeof(double));
        if (!c.ptr || !c.col || !c.raw) { free(c.ptr); free(c.col); free(c.raw); tsc_error("out of memory"); return -1; }
        for (int64_t i = 0, k = md->rptr[g]; i < m->n; i++) {
            if (k < md->rptr[g + 1] && md->rows[k] == i) {
                for (int64_t x = m->ptr[i]; x < m->ptr[i + 1]; x++) c.col[nnz] = m->col[x], c.raw[nnz++] = m->raw[x];
                k++;
            }
            c.ptr[i + 1] = nnz;
        }
        int r = tsc_scq_fit(&c, o, &f);
        if (r == 0) {
            fits[g].iterations = f.iterations, fits[g].converged = f.converged, fits[g].lnl = f.lnl;
            fits[g].nobs = f.nobs, fits[g].nfeats = f.nfeats;
            for (int64_t k = md->rptr[g]; k < md->rptr[g + 1]; k++) {
                int64_t i = md->rows[k];
                for (int64_t x = m->ptr[i], y = c.ptr[i]; x < m->ptr[i + 1]; x++, y++)
                    if ((zset[x] = f.zset[y])) z[x] = f.z[y];
            }
        }
        tsc_scfit_free(&f);
        free(c.ptr); free(c.col); free(c.raw);
        if (r < 0) return -1;
    }
    return 0;
}
