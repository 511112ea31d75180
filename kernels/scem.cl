/* scem.cl -- many Stellarscope models (one per cell or cell type, stellarscope-spec §8.2, §8.4)
 * fitted in one launch: one work-group per model, all iterations on the device.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Host side: lib/tsc_scem_opencl.c, which builds everything a model needs on the CPU with libm
 * (Q = expm1 of the model's scaled scores, row weights w, U, priors and denominators, the
 * pairwise sums over all N rows) and computes the final log-likelihood from the z and pi/theta
 * read back. Built after pairwise.cl with -D TSC_IDX_T=uint (a batch has < 2^32 cells).
 *
 * A batch holds models g = 0..; model g has the rows mrow[g] .. mrow[g+1]-1 (cells rptr[r] ..
 * rptr[r+1]-1, each with a batch column bcol) and the batch columns mcol[g] .. mcol[g+1]-1 (the
 * distinct loci of its cells, ascending; gcol the locus). The cells of ambiguous rows (more than
 * one cell) have a slot cscpos in zw, in column-major order with rows ascending, so that a column
 * sum T_j is one sequential sum in ascending row order, as on the CPU.
 *
 * Per iteration, as tsc_scq_fit() / tsc_scem_fit_cpu(): the E-step (n = (Q*pi)*theta on
 * ambiguous rows, Q*pi on unique rows; products that are exactly 0.0 dropped from the row sum
 * and from z; z = n * (1 / (n_0 + PW(rest)))), the M-step (theta' = (T + Ptheta) / theta_den,
 * pi' = ((U + T) + Ppi) / pi_den), the L1 diff in column order over all K loci (in iteration 1
 * every locus the model does not touch adds |Ppi / pi_den - 1/K|, later exactly 0) and the
 * convergence test diff < eps. Every operation is the same IEEE operation as on the CPU (no FMA). */

/* the row sum of cells [b, e) of the row's products in Z (zeros already flagged in ZSET):
 * scipy's sum over the nonzero ones, compacted into SCR[b..] when a zero is among them */
static double row_nz_sum(global double *z, global double *scr, global const uchar *zset, idx_t b, idx_t e, idx_t nz)
{
    if (nz == e - b) return z[b] + pw_buf(z, b + 1, e - b - 1);
    idx_t m = b;
    for (idx_t p = b; p < e; p++)
        if (zset[p]) scr[m++] = z[p];
    return scr[b] + pw_buf(scr, b + 1, nz - 1);
}

kernel void scem_fit(const ulong n_loci, const double inv_k, const int max_iter, const double eps,
                     global const idx_t *mrow, global const idx_t *mcol, global const double *par,
                     global const idx_t *rptr, global const double *w, global const idx_t *bcol,
                     global const double *q, global const idx_t *cscpos, global const idx_t *cptr,
                     global const uint *gcol, global const double *u, global double *pi, global double *th,
                     global double *pi2, global double *th2, global double *zw, global double *z,
                     global double *scr, global uchar *zset, global int *iters, global int *conv,
                     local int *done)
{
    size_t g = get_group_id(0), l = get_local_id(0), nl = get_local_size(0);
    idx_t rb = mrow[g], re = mrow[g + 1], cb = mcol[g], ce = mcol[g + 1];
    double ppi = par[4 * g], pth = par[4 * g + 1], pden = par[4 * g + 2], tden = par[4 * g + 3];
    for (idx_t c = cb + l; c < ce; c += nl) pi[c] = th[c] = inv_k;
    barrier(CLK_GLOBAL_MEM_FENCE);
    for (int it = 1;; it++) {
        /* E-step: one work-item per row */
        for (idx_t r = rb + l; r < re; r += nl) {
            idx_t b = rptr[r], e = rptr[r + 1], nz = 0;
            if (b == e) continue;
            int amb = e - b > 1;
            for (idx_t p = b; p < e; p++) {
                idx_t c = bcol[p];
                double v = q[p] * pi[c];
                if (amb) v = v * th[c];
                z[p] = v;
                zset[p] = v != 0.0;
                nz += v != 0.0;
            }
            double rs = nz ? 1.0 / row_nz_sum(z, scr, zset, b, e, nz) : 0.0, wr = w[r];
            for (idx_t p = b; p < e; p++) {
                double v = zset[p] ? z[p] * rs : 0.0;
                z[p] = v;
                if (amb) zw[cscpos[p]] = v * wr;
            }
        }
        barrier(CLK_GLOBAL_MEM_FENCE);
        /* M-step: one work-item per column */
        for (idx_t c = cb + l; c < ce; c += nl) {
            double t = 0.0;
            for (idx_t p = cptr[c], e = cptr[c + 1]; p < e; p++) t += zw[p];
            th2[c] = (t + pth) / tden;
            pi2[c] = ((u[c] + t) + ppi) / pden;
        }
        barrier(CLK_GLOBAL_MEM_FENCE);
        if (l == 0) {
            double d = 0.0;
            if (it == 1) { /* all K loci in order; the untouched ones at their constant pi' */
                double d0 = fabs((0.0 + ppi) / pden - inv_k);
                idx_t c = cb;
                for (ulong j = 0; j < n_loci; j++) {
                    if (c < ce && gcol[c] == j) d += fabs(pi2[c] - inv_k), c++;
                    else d += d0;
                }
            } else
                for (idx_t c = cb; c < ce; c++) d += fabs(pi2[c] - pi[c]);
            int cv = d < eps;
            done[0] = cv || it >= max_iter;
            iters[g] = it;
            conv[g] = cv;
        }
        barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
        for (idx_t c = cb + l; c < ce; c += nl) pi[c] = pi2[c], th[c] = th2[c];
        int stop = done[0];
        barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
        if (stop) break;
    }
}
