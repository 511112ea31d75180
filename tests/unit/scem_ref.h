/* scem_ref.h -- the reference of many-model fitting for the unit tests (test_scem.c,
 * test_scem_opencl.c): each model is tsc_scq_fit() on a copy of the matrix whose rows outside the
 * model are empty, which is Stellarscope's own N x K masked-matrix semantics (stellarscope-spec
 * §8.1-§8.2). Part of tsc (Telescope in C). MIT licence. */
#ifndef SCEM_REF_H
#define SCEM_REF_H

#include <stdlib.h>
#include <string.h>
#include "tsc_scem.h"

/* Z/ZSET/FITS of every model of MD: tsc_scq_fit() on each masked copy. 0 or -1. */
static int scem_masked_fit(const tsc_scmat_t *m, const tsc_scmodels_t *md, const tsc_scq_opt_t *o, double *z, uint8_t *zset,
                    tsc_scmfit_t *fits)
{
    int64_t nnz = m->ptr[m->n];
    uint8_t *in = calloc((size_t)m->n + 1, 1);
    tsc_scmat_t c = *m;
    c.ptr = calloc((size_t)m->n + 1, sizeof(int64_t));
    c.col = malloc(((size_t)nnz + 1) * sizeof(int32_t));
    c.raw = malloc(((size_t)nnz + 1) * sizeof(double));
    memset(z, 0, ((size_t)nnz + 1) * sizeof(double));
    memset(zset, 0, (size_t)nnz + 1);
    for (int64_t g = 0; g < md->n_model; g++) {
        int64_t x2 = 0;
        memset(in, 0, (size_t)m->n);
        for (int64_t r = md->rptr[g]; r < md->rptr[g + 1]; r++) in[md->rows[r]] = 1;
        for (int64_t i = 0; i < m->n; i++) {
            if (in[i])
                for (int64_t x = m->ptr[i]; x < m->ptr[i + 1]; x++) { c.col[x2] = m->col[x]; c.raw[x2] = m->raw[x]; x2++; }
            c.ptr[i + 1] = x2;
        }
        tsc_scfit_t f;
        if (tsc_scq_fit(&c, o, &f) < 0) return -1;
        fits[g].iterations = f.iterations; fits[g].converged = f.converged; fits[g].lnl = f.lnl;
        fits[g].nobs = f.nobs; fits[g].nfeats = f.nfeats;
        x2 = 0;
        for (int64_t i = 0; i < m->n; i++)
            for (int64_t x = m->ptr[i]; x < m->ptr[i + 1]; x++)
                if (in[i]) { z[x] = f.z[x2]; zset[x] = f.zset[x2]; x2++; }
        tsc_scfit_free(&f);
    }
    free(in); free(c.ptr); free(c.col); free(c.raw);
    return 0;
}

#endif
