/* tsc_scem_opencl.c -- TEMPORARY placeholder for the batched OpenCL many-model EM (see
 * tsc_scem.h). The lead's implementation replaces this file entirely; until then the OpenCL
 * backend of individual/celltype pooling is reported as not built (-2), and tsc-sccount
 * --backend opencl fails with that message.
 * Part of tsc (Telescope in C). MIT licence. */
#include "tsc_scem.h"

int tsc_scem_fit_opencl(const tsc_scmat_t *m, const tsc_scmodels_t *md, const tsc_scq_opt_t *o, int n_threads,
                        int platform, int device, double *z, uint8_t *zset, tsc_scmfit_t *fits)
{
    (void)m; (void)md; (void)o; (void)n_threads; (void)platform; (void)device; (void)z; (void)zset; (void)fits;
    tsc_error("OpenCL many-model fitting not built");
    return -2;
}
