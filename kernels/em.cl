/* em.cl -- Telescope's EM (spec §7) on an OpenCL device, with the summation orders of spec §12.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Host side: lib/tsc_em_opencl.c. The matrix is CSR (indptr, col, Q = expm1 scores computed on
 * the host with libm, as the CPU backend); the ambiguous rows also have a CSC index (cptr, and
 * cscpos[p] = CSC slot of CSR cell p) so that column sums need no atomics: the E-step scatters
 * z*w into CSC order and each column is then summed by one work-item, sequentially in ascending
 * row order, exactly as the CPU does. Every floating-point operation is a single IEEE operation
 * (FP_CONTRACT OFF: no fused multiply-add), so results equal the CPU's bit for bit except where
 * the device's log1p differs from libm's (the log-likelihood terms only).
 *
 * Built after pairwise.cl (numpy's pairwise sums, pw_buf, DEFINE_PW, idx_t: -D TSC_IDX_T is the
 * type of indptr, cscpos and cptr).
 */
#define CELL_PARAMS global const double *q, global const uint *col, global const double *f
#define CELL_ARGS q, col, f
#define CELL(p) (q[p] * f[col[p]])
DEFINE_PW(pw_cells, CELL_PARAMS, CELL_ARGS, CELL)

/* The row sum of the E-step's cells [b, e) as scipy forms it (spec §12): its multiply drops the
 * cells whose product is exactly 0.0 (a locus whose pi reached 0), so the sum is
 * n'_0 + PW(n'_1..) over the nonzero products. Rows without a zero (nearly all) are summed in
 * place; the others are compacted into SCR[b, e) first (the row's own range of a scratch
 * buffer). LONG_ROW: the row may have more than PW_BLOCK + 1 cells. MAY_ZERO (a constant in
 * each kernel): 0 when the host knows that no product of this E-step is 0.0 (no search). */
static double row_sum(CELL_PARAMS, idx_t b, idx_t e, global double *scr, int long_row, int may_zero)
{
    idx_t p = e, m = b;
    if (may_zero)
        for (p = b; p < e && CELL(p) != 0.0; p++)
            ;
    if (p == e) return CELL(b) + (long_row ? pw_cells(CELL_ARGS, b + 1, e - b - 1) : pw_cells_leaf(CELL_ARGS, b + 1, e - b - 1));
    for (p = b; p < e; p++) {
        double v = CELL(p);
        if (v != 0.0) scr[m++] = v;
    }
    if (m == b) return 0.0;
    return scr[b] + pw_buf(scr, b + 1, m - b - 1);
}

/*** E-step ***/

/* z_ij = n_ij * (1 / S_i) with n_ij = Q_ij * pt_j for ambiguous rows (more than one cell;
 * pt = pi*theta formed on the host) and Q_ij * pi_j for unique rows, S_i = row_sum() (which may
 * use the row's range of z as scratch: z is written after it, when at all). A zero row sum gives
 * z = 0. MODE bit 1: store z_ij * w_i of ambiguous rows in CSC order (zw, for the M-step);
 * bit 2: store z in CSR order (z). */
static void estep_store(global const double *q, global const uint *col, global const double *f, idx_t b,
                        idx_t e, double s, double wi, global const idx_t *cscpos, global double *zw,
                        global double *z, int mode)
{
    double r = s != 0.0 ? 1.0 / s : 0.0;
    int amb = e - b > 1;
    for (idx_t p = b; p < e; p++) {
        double v = (q[p] * f[col[p]]) * r;
        if (mode & 2) z[p] = v;
        if ((mode & 1) && amb) zw[cscpos[p]] = v * wi;
    }
}

/* The E-step kernels come in two builds: NAME, for an E-step where the host has shown that no
 * product can be 0.0 (the search for zeros is compiled out: its mere presence slows the kernel),
 * and NAME_zero, which searches each row (row_sum's MAY_ZERO).
 * NAME: one work-item per row; rows of more than PW_BLOCK + 1 cells are left to NAME_long. */
#define DEFINE_ESTEP(NAME, MAY_ZERO) \
kernel void NAME(const ulong n_rows, global const idx_t *indptr, global const uint *col, \
                 global const double *q, global const double *w, global const double *f_amb, \
                 global const double *f_uni, global const idx_t *cscpos, global double *zw, \
                 global double *z, const int mode) \
{ \
    size_t i = get_global_id(0); \
    if (i >= n_rows) return; \
    idx_t b = indptr[i], e = indptr[i + 1]; \
    if (b == e || e - b - 1 > PW_BLOCK) return; \
    global const double *f = e - b > 1 ? f_amb : f_uni; \
    double s = row_sum(q, col, f, b, e, z, 0, MAY_ZERO); \
    estep_store(q, col, f, b, e, s, w[i], cscpos, zw, z, mode); \
}
DEFINE_ESTEP(em_estep, 0)
DEFINE_ESTEP(em_estep_zero, 1)

/* NAME_long: one work-item per row of ROWS (the rows of more than PW_BLOCK + 1 cells: all
 * ambiguous). */
#define DEFINE_ESTEP_LONG(NAME, MAY_ZERO) \
kernel void NAME(const uint n_list, global const ulong *rows, global const idx_t *indptr, \
                 global const uint *col, global const double *q, global const double *w, \
                 global const double *f_amb, global const idx_t *cscpos, global double *zw, \
                 global double *z, const int mode) \
{ \
    size_t k = get_global_id(0); \
    if (k >= n_list) return; \
    ulong i = rows[k]; \
    idx_t b = indptr[i], e = indptr[i + 1]; \
    double s = row_sum(q, col, f_amb, b, e, z, 1, MAY_ZERO); \
    estep_store(q, col, f_amb, b, e, s, w[i], cscpos, zw, z, mode); \
}
DEFINE_ESTEP_LONG(em_estep_long, 0)
DEFINE_ESTEP_LONG(em_estep_long_zero, 1)

/*** M-step column sums T_j = sum over ambiguous rows of z_ij * w_i, ascending rows ***/

/* One work-item per column of COLS (a list of columns, longest first). */
kernel void em_colsum(const uint n_list, global const uint *cols, global const idx_t *cptr,
                      global const double *zw, global double *t)
{
    size_t k = get_global_id(0);
    if (k >= n_list) return;
    uint j = cols[k];
    double s = 0.0;
    for (idx_t p = cptr[j], e = cptr[j + 1]; p < e; p++) s += zw[p];
    t[j] = s;
}

/* One work-group per long column of COLS: the group copies tiles of TILE_N values into local
 * memory with coalesced loads, and work-item 0 adds them in order (the sum stays sequential: on a
 * GPU the longest column's chain of dependent adds bounds the time of an iteration). */
kernel void em_colsum_long(global const uint *cols, global const idx_t *cptr, global const double *zw,
                           global double *t, local double *tile, const uint tile_n)
{
    uint j = cols[get_group_id(0)];
    size_t l = get_local_id(0), nl = get_local_size(0);
    idx_t b = cptr[j], e = cptr[j + 1];
    double s = 0.0;
    for (idx_t p0 = b; p0 < e; p0 += tile_n) {
        idx_t m = e - p0 < tile_n ? e - p0 : tile_n;
        for (idx_t k = l; k < m; k += nl) tile[k] = zw[p0 + k];
        barrier(CLK_LOCAL_MEM_FENCE);
        if (l == 0) { /* loads grouped by 8 so that only the adds' latency remains; order kept */
            idx_t k = 0;
            for (; k + 8 <= m; k += 8) {
                double a0 = tile[k], a1 = tile[k + 1], a2 = tile[k + 2], a3 = tile[k + 3];
                double a4 = tile[k + 4], a5 = tile[k + 5], a6 = tile[k + 6], a7 = tile[k + 7];
                s += a0;
                s += a1;
                s += a2;
                s += a3;
                s += a4;
                s += a5;
                s += a6;
                s += a7;
            }
            for (; k < m; k++) s += tile[k];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (l == 0) t[j] = s;
}

/*** Log-likelihood: per-row terms, then numpy pairwise leaves (the tree is combined on the host) ***/

/* term_i = sum over the row's cells, in column order from 0.0, of z_ij * log1p(Q_ij * f_j). */
kernel void em_lnl_rows(const ulong n_rows, global const idx_t *indptr, global const uint *col,
                        global const double *q, global const double *z, global const double *f_amb,
                        global const double *f_uni, global double *term)
{
    size_t i = get_global_id(0);
    if (i >= n_rows) return;
    idx_t b = indptr[i], e = indptr[i + 1];
    global const double *f = e - b > 1 ? f_amb : f_uni;
    double s = 0.0;
    for (idx_t p = b; p < e; p++) s += z[p] * log1p(q[p] * f[col[p]]);
    term[i] = s;
}

/* out_k = numpy's pairwise leaf sum of a[leaf[k] .. leaf[k+1]) (at most PW_BLOCK values). */
kernel void pw_leaves(const ulong n_leaves, global const ulong *leaf, global const double *a,
                      global double *out)
{
    size_t k = get_global_id(0);
    if (k >= n_leaves) return;
    out[k] = pw_buf_leaf(a, (idx_t)leaf[k], (idx_t)(leaf[k + 1] - leaf[k]));
}
