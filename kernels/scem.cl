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
 * convergence test diff < eps, or with LIK (--use_likelihood) |l - l_prev| < eps where l is the
 * log-likelihood of z under pi', theta' (rows summed in column order, then numpy's sum over all N
 * rows, the model's rows at their places GROW). Every operation is the same IEEE operation as on
 * the CPU (no FMA), except log(), whose last bit may differ from libm's: l only decides when to
 * stop (the host computes the reported value with libm). */

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

/* numpy's sum of the N-vector that is VAL[k] at POS[k] (kb <= k < ke, ascending) and 0.0
 * elsewhere, as tsc_np_sum_sparse(): pairwise trees over blocks of 8,192, sub-trees without a
 * value not visited, leaves summed densely. */
static double sparse_leaf(global const ulong *pos, global const double *val, uint k, uint ke, ulong off, ulong n)
{
#define SE(i) ((k < ke && pos[k] == off + (i)) ? val[k++] : 0.0)
    ulong i;
    if (n < 8) {
        double s = 0.0;
        for (i = 0; i < n; i++) s += SE(i);
        return s;
    }
    double r0 = SE(0), r1 = SE(1), r2 = SE(2), r3 = SE(3), r4 = SE(4), r5 = SE(5), r6 = SE(6), r7 = SE(7);
    for (i = 8; i < n - n % 8; i += 8) {
        r0 += SE(i);
        r1 += SE(i + 1);
        r2 += SE(i + 2);
        r3 += SE(i + 3);
        r4 += SE(i + 4);
        r5 += SE(i + 5);
        r6 += SE(i + 6);
        r7 += SE(i + 7);
    }
    double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += SE(i);
    return res;
#undef SE
}

static double sparse_pw(global const ulong *pos, global const double *val, uint kb, uint ke, ulong off, ulong n)
{
    ulong so[PW_STACK], sn[PW_STACK];
    uint sk[PW_STACK], se[PW_STACK];
    double sv[PW_STACK];
    int ss[PW_STACK], sp = 0;
    so[0] = off, sn[0] = n, sk[0] = kb, se[0] = ke, ss[0] = 0;
    for (;;) {
        if (se[sp] > sk[sp] && sn[sp] > PW_BLOCK) { /* descend into the left half */
            ulong n2 = sn[sp] / 2;
            n2 -= n2 % 8;
            uint k = sk[sp];
            while (k < se[sp] && pos[k] < so[sp] + n2) k++;
            so[sp + 1] = so[sp], sn[sp + 1] = n2, sk[sp + 1] = sk[sp], se[sp + 1] = k, ss[sp + 1] = 0;
            sp++;
            continue;
        }
        double r = se[sp] == sk[sp] ? 0.0 : sparse_leaf(pos, val, sk[sp], se[sp], so[sp], sn[sp]);
        for (;;) { /* hand R to the parent frames */
            if (sp == 0) return r;
            sp--;
            if (ss[sp] == 0) { /* R is the left sum: now the right half, from the left's end */
                ulong n2 = sn[sp] / 2;
                n2 -= n2 % 8;
                uint k = se[sp + 1];
                sv[sp] = r, ss[sp] = 1;
                so[sp + 1] = so[sp] + n2, sn[sp + 1] = sn[sp] - n2, sk[sp + 1] = k, se[sp + 1] = se[sp], ss[sp + 1] = 0;
                sp++;
                break;
            }
            r = sv[sp] + r;
        }
    }
}

static double sparse_np_sum(global const ulong *pos, global const double *val, uint kb, uint ke, ulong n)
{
    double res = 0.0;
    for (uint k = kb; k < ke;) {
        ulong b = pos[k] - pos[k] % 8192, bn = n - b < 8192 ? n - b : 8192;
        uint e = k;
        while (e < ke && pos[e] < b + bn) e++;
        res += sparse_pw(pos, val, k, e, b, bn);
        k = e;
    }
    return res;
}

kernel void scem_fit(const ulong n_loci, const double inv_k, const int max_iter, const double eps,
                     const int lik, const ulong n_rows, global const ulong *grow, global double *rowt,
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
    double lnl = INFINITY; /* work-item 0's */
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
        if (lik) { /* the row terms of l: sum of z * log(inner) over stored cells with inner != 0 */
            for (idx_t r = rb + l; r < re; r += nl) {
                idx_t b = rptr[r], e = rptr[r + 1];
                double t = 0.0;
                for (idx_t p = b; p < e; p++) {
                    if (!zset[p]) continue;
                    idx_t c = bcol[p];
                    double in = e - b > 1 ? q[p] * (pi2[c] * th2[c]) : q[p] * pi2[c];
                    if (in != 0.0) t += z[p] * log(in);
                }
                rowt[r] = t;
            }
            barrier(CLK_GLOBAL_MEM_FENCE);
        }
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
            if (lik) {
                double lv = sparse_np_sum(grow, rowt, rb, re, n_rows);
                cv = fabs(lv - lnl) < eps;
                lnl = lv;
            }
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
