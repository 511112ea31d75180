/* tsc_scem.c -- many Stellarscope models on one single-cell matrix, on OpenMP (see tsc_scem.h),
 * and the models of individual and celltype pooling (stellarscope-spec §8.1, §8.3).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * A model is fitted as tsc_scq_fit() would fit a copy of the matrix whose other rows are empty,
 * at the cost of its own rows and columns:
 *  - sums over the N rows (total_wt, ambig_wt, the lnl) follow numpy's tree over all N rows
 *    (blocks of 8192, then its pairwise recursion) but visit only the sub-trees that hold a
 *    member row: the others sum to +0.0, and adding +0.0 changes nothing (no value here is -0.0:
 *    the weights are positive, a row's lnl total starts at +0.0);
 *  - the L1 diff over the K columns: a column the model never touches has U = T = 0, so its new
 *    pi is the same constant Ppi / pi_denom in every iteration; it adds |const - 1/K| in
 *    iteration 1 (walked in column order with the model's columns) and exactly 0 afterwards.
 * Everything else (E-step, M-step, lnl per row) only reads the model's cells. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include <htslib/bgzf.h>
#include <htslib/khash.h>
#include <htslib/kstring.h>
#include "tsc_scem.h"
#include "tsc_sc.h"
#include "tsc_pairwise.h"
#include "tsc_em_internal.h" /* FP contraction off */

KHASH_MAP_INIT_STR(scem_s2i, int64_t)

/* ---------------------------------------------------------------- one model */

typedef struct {
    int32_t *lidx;           /* K: column -> local index, -1 */
    int32_t *cols;           /* the model's columns, ascending (capacity K) */
    double *q, *z; int32_t *lc; uint8_t *zs; /* per cell of the model, in its row order */
    size_t m_cell;
    double *w, *wa, *rowt; int8_t *y; int64_t *rp; /* per row; rp: its first cell (nr + 1) */
    size_t m_row;
    double *u, *pi, *th, *pi2, *th2, *t;   /* per model column */
    double *nb;              /* one row's products (capacity K + 1) */
} ws_t;

static void ws_free(ws_t *s)
{
    free(s->lidx); free(s->cols); free(s->q); free(s->lc); free(s->w); free(s->wa); free(s->rowt); free(s->y);
    free(s->z); free(s->zs); free(s->rp);
    free(s->u); free(s->pi); free(s->th); free(s->pi2); free(s->th2); free(s->t); free(s->nb);
    memset(s, 0, sizeof(*s));
}

static int ws_init(ws_t *s, int32_t k)
{
    memset(s, 0, sizeof(*s));
    if (!(s->lidx = malloc((size_t)k * sizeof(int32_t))) || !(s->cols = malloc((size_t)k * sizeof(int32_t))) ||
        !(s->u = malloc((size_t)k * sizeof(double))) || !(s->pi = malloc((size_t)k * sizeof(double))) ||
        !(s->th = malloc((size_t)k * sizeof(double))) || !(s->pi2 = malloc((size_t)k * sizeof(double))) ||
        !(s->th2 = malloc((size_t)k * sizeof(double))) || !(s->t = malloc((size_t)k * sizeof(double))) ||
        !(s->nb = malloc(((size_t)k + 1) * sizeof(double)))) {
        ws_free(s);
        return -1;
    }
    for (int32_t j = 0; j < k; j++) s->lidx[j] = -1;
    return 0;
}

static int grow_cells(ws_t *s, size_t n)
{
    if (n <= s->m_cell) return 0;
    size_t m = n + n / 2 + 16;
    double *q = realloc(s->q, m * sizeof(double));
    if (!q) return -1;
    s->q = q;
    if (!(q = realloc(s->z, m * sizeof(double)))) return -1;
    s->z = q;
    int32_t *lc = realloc(s->lc, m * sizeof(int32_t));
    if (!lc) return -1;
    s->lc = lc;
    uint8_t *zs = realloc(s->zs, m);
    if (!zs) return -1;
    s->zs = zs;
    s->m_cell = m;
    return 0;
}

static int grow_rows(ws_t *s, size_t n)
{
    if (n <= s->m_row) return 0;
    size_t m = n + n / 2 + 16;
    double *a;
    int8_t *y;
    if (!(a = realloc(s->w, m * sizeof(double)))) return -1;
    s->w = a;
    if (!(a = realloc(s->wa, m * sizeof(double)))) return -1;
    s->wa = a;
    if (!(a = realloc(s->rowt, m * sizeof(double)))) return -1;
    s->rowt = a;
    if (!(y = realloc(s->y, m))) return -1;
    s->y = y;
    int64_t *rp = realloc(s->rp, m * sizeof(int64_t));
    if (!rp) return -1;
    s->rp = rp;
    s->m_row = m;
    return 0;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* the lnl of §8.4 over the model's rows (its z in S): per row sequential, then numpy's sum over
 * all N rows */
static double model_lnl(const tsc_scmat_t *m, const int64_t *rows, int64_t nr, const ws_t *s, const double *pi,
                        const double *th)
{
    for (int64_t r = 0; r < nr; r++) {
        double acc = 0.0;
        for (int64_t xl = s->rp[r]; xl < s->rp[r + 1]; xl++) {
            if (!s->zs[xl]) continue;
            int32_t l = s->lc[xl];
            double in = s->y[r] == 2 ? s->q[xl] * (pi[l] * th[l]) : s->q[xl] * pi[l];
            if (in == 0.0) continue;
            acc += s->z[xl] * log(in);
        }
        s->rowt[r] = acc;
    }
    return tsc_np_sum_sparse(rows, s->rowt, nr, m->n);
}

/* Fit one model (rows ROWS[0..NR)) as tsc_scq_fit() on the masked matrix. -1: out of memory. */
static int fit_one(const tsc_scmat_t *m, const int64_t *rows, int64_t nr, const tsc_scq_opt_t *o, ws_t *s,
                   double *z, uint8_t *zset, tsc_scmfit_t *f)
{
    int32_t k = m->k, nc = 0;
    int64_t ncell = 0;
    memset(f, 0, sizeof(*f));
    for (int64_t r = 0; r < nr; r++) ncell += m->ptr[rows[r] + 1] - m->ptr[rows[r]];
    if (grow_cells(s, (size_t)ncell + 1) < 0 || grow_rows(s, (size_t)nr + 1) < 0) return -1;
    double smax = 0.0;
    for (int64_t r = 0; r < nr; r++)
        for (int64_t x = m->ptr[rows[r]]; x < m->ptr[rows[r] + 1]; x++) if (m->raw[x] > smax) smax = m->raw[x];
    if (ncell == 0 || smax <= 0.0) return 0; /* no model (as tsc_scq_fit) */
    /* the model's columns, ascending; local indices */
    for (int64_t r = 0; r < nr; r++)
        for (int64_t x = m->ptr[rows[r]]; x < m->ptr[rows[r] + 1]; x++)
            if (s->lidx[m->col[x]] < 0) { s->lidx[m->col[x]] = 0; s->cols[nc++] = m->col[x]; }
    qsort(s->cols, (size_t)nc, sizeof(int32_t), cmp_i32);
    for (int32_t l = 0; l < nc; l++) s->lidx[s->cols[l]] = l;
    f->nfeats = nc;
    double inv = 1.0 / smax, wmax = 0.0;
    int64_t xl = 0;
    for (int32_t l = 0; l < nc; l++) s->u[l] = 0.0;
    for (int64_t r = 0; r < nr; r++) {
        int64_t i = rows[r], c = m->ptr[i + 1] - m->ptr[i], x0 = xl;
        s->rp[r] = xl;
        s->y[r] = c > 1 ? 2 : c == 1 ? 1 : 0;
        s->w[r] = 0.0;
        for (int64_t x = m->ptr[i]; x < m->ptr[i + 1]; x++, xl++) {
            s->q[xl] = expm1((m->raw[x] * inv) * 100.0);
            s->lc[xl] = s->lidx[m->col[x]];
            if (s->q[xl] > s->w[r]) s->w[r] = s->q[xl];
        }
        if (s->w[r] > wmax) wmax = s->w[r];
        s->wa[r] = s->y[r] == 2 ? s->w[r] : 0.0;
        if (s->y[r] == 1) s->u[s->lc[x0]] += s->q[x0];
        if (c) f->nobs++;
    }
    s->rp[nr] = xl;
    for (int32_t l = 0; l < nc; l++) s->lidx[s->cols[l]] = -1; /* clean for the next model */
    double total_wt = tsc_np_sum_sparse(rows, s->w, nr, m->n), ambig_wt = tsc_np_sum_sparse(rows, s->wa, nr, m->n);
    double ppi = o->pi_prior * wmax, pth = o->theta_prior * wmax;
    double tden = ambig_wt + pth * k, pden = total_wt + ppi * k, pi0 = 1.0 / k;
    double cpi = ((0.0 + 0.0) + ppi) / pden; /* pi' of a column the model does not touch */
    for (int32_t l = 0; l < nc; l++) s->pi[l] = s->th[l] = pi0;
    double lnl = INFINITY;
    int it = 0, conv = 0;
    while (1) {
        /* E-step */
        for (int64_t r = 0; r < nr; r++) {
            int64_t a = s->rp[r], b = s->rp[r + 1], c = 0;
            for (int64_t x = a; x < b; x++) {
                int32_t l = s->lc[x];
                double v = s->q[x] * s->pi[l];
                if (s->y[r] == 2) v *= s->th[l];
                s->zs[x] = v != 0.0;
                if (v != 0.0) s->nb[c++] = v;
            }
            if (!c) continue;
            double sum = tsc_pw_rowsum(s->nb, c), rr = 1.0 / sum;
            c = 0;
            for (int64_t x = a; x < b; x++) s->z[x] = s->zs[x] ? s->nb[c++] * rr : 0.0;
        }
        /* M-step */
        for (int32_t l = 0; l < nc; l++) s->t[l] = 0.0;
        for (int64_t r = 0; r < nr; r++) {
            if (s->y[r] != 2) continue;
            for (int64_t x = s->rp[r]; x < s->rp[r + 1]; x++) if (s->zs[x]) s->t[s->lc[x]] += s->z[x] * s->w[r];
        }
        for (int32_t l = 0; l < nc; l++) {
            s->th2[l] = (s->t[l] + pth) / tden;
            s->pi2[l] = ((s->u[l] + s->t[l]) + ppi) / pden;
        }
        double diff = 0.0;
        if (!o->use_likelihood) {
            if (it == 0) { /* all K columns in order, the untouched ones at |cpi - 1/K| */
                double dc = fabs(cpi - pi0);
                int32_t l = 0;
                for (int32_t j = 0; j < k; j++) {
                    if (l < nc && s->cols[l] == j) { diff += fabs(s->pi2[l] - s->pi[l]); l++; }
                    else diff += dc;
                }
            } else
                for (int32_t l = 0; l < nc; l++) diff += fabs(s->pi2[l] - s->pi[l]);
        }
        it++;
        if (o->use_likelihood) {
            double l = model_lnl(m, rows, nr, s, s->pi2, s->th2);
            conv = fabs(l - lnl) < o->em_epsilon;
            lnl = l;
        } else conv = diff < o->em_epsilon;
        double *tmp = s->pi; s->pi = s->pi2; s->pi2 = tmp;
        tmp = s->th; s->th = s->th2; s->th2 = tmp;
        if (conv || it >= o->max_iter) break;
    }
    if (!o->use_likelihood) lnl = model_lnl(m, rows, nr, s, s->pi, s->th);
    /* the model's z into the matrix's cells (a row whose products were all 0 keeps its old z,
     * unset, as tsc_scq_fit) */
    for (int64_t r = 0; r < nr; r++)
        for (int64_t x = m->ptr[rows[r]], xl = s->rp[r]; xl < s->rp[r + 1]; x++, xl++)
            if ((zset[x] = s->zs[xl])) z[x] = s->z[xl];
    f->iterations = it;
    f->converged = conv;
    f->lnl = lnl;
    return 0;
}

int tsc_scem_fit_cpu(const tsc_scmat_t *m, const tsc_scmodels_t *md, const tsc_scq_opt_t *o, int n_threads,
                     double *z, uint8_t *zset, tsc_scmfit_t *fits)
{
    return tsc_scem_fit_cpu_progress(m, md, o, n_threads, z, zset, fits, NULL, NULL);
}

int tsc_scem_fit_cpu_progress(const tsc_scmat_t *m, const tsc_scmodels_t *md, const tsc_scq_opt_t *o, int n_threads,
                              double *z, uint8_t *zset, tsc_scmfit_t *fits, void (*done)(void *arg, int64_t n_done),
                              void *arg)
{
    int64_t ng = md->n_model, *order = NULL, *size = NULL, n_done = 0;
    int err = 0;
    if (n_threads < 1) n_threads = 1;
    if (ng == 0) return 0;
    if (!(order = malloc((size_t)ng * sizeof(int64_t))) || !(size = malloc((size_t)ng * sizeof(int64_t)))) {
        free(order);
        tsc_error("out of memory");
        return -1;
    }
    /* largest models first (cells + rows), ties in model order: only the schedule depends on it */
    for (int64_t g = 0; g < ng; g++) {
        order[g] = g;
        size[g] = md->rptr[g + 1] - md->rptr[g];
        for (int64_t r = md->rptr[g]; r < md->rptr[g + 1]; r++) size[g] += m->ptr[md->rows[r] + 1] - m->ptr[md->rows[r]];
    }
    {   /* a stable merge sort by decreasing size */
        int64_t *tmp = malloc((size_t)ng * sizeof(int64_t));
        if (!tmp) { free(order); free(size); tsc_error("out of memory"); return -1; }
        for (int64_t wd = 1; wd < ng; wd *= 2) {
            for (int64_t lo = 0; lo < ng; lo += 2 * wd) {
                int64_t mid = lo + wd < ng ? lo + wd : ng, hi = lo + 2 * wd < ng ? lo + 2 * wd : ng, a = lo, b = mid, o2 = lo;
                while (a < mid && b < hi) tmp[o2++] = size[order[b]] > size[order[a]] ? order[b++] : order[a++];
                while (a < mid) tmp[o2++] = order[a++];
                while (b < hi) tmp[o2++] = order[b++];
            }
            memcpy(order, tmp, (size_t)ng * sizeof(int64_t));
        }
        free(tmp);
    }
    if (n_threads > ng) n_threads = (int)ng;
#pragma omp parallel num_threads(n_threads)
    {
        ws_t s;
        int mine = ws_init(&s, m->k) < 0;
        if (mine) {
#pragma omp atomic write
            err = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t x = 0; x < ng; x++) {
            int64_t g = order[x];
            int bad;
#pragma omp atomic read
            bad = err;
            if (bad) continue;
            if (fit_one(m, md->rows + md->rptr[g], md->rptr[g + 1] - md->rptr[g], o, &s, z, zset, &fits[g]) < 0) {
#pragma omp atomic write
                err = 1;
            } else if (done) {
#pragma omp critical(tsc_scem_done)
                done(arg, ++n_done);
            }
        }
        ws_free(&s);
    }
    free(order);
    free(size);
    if (err) { tsc_error("out of memory"); return -1; }
    return 0;
}

void tsc_scmodels_free(tsc_scmodels_t *md)
{
    if (!md) return;
    if (md->name) for (int64_t g = 0; g < md->n_model; g++) free(md->name[g]);
    free(md->name); free(md->rptr); free(md->rows);
    memset(md, 0, sizeof(*md));
}

/* ---------------------------------------------------------------- models of a pooling mode */

int tsc_scmodels_individual(const tsc_scmat_t *m, tsc_scmodels_t *md)
{
    int64_t *first = NULL, *cnt = NULL;
    memset(md, 0, sizeof(*md));
    if (!(first = malloc(((size_t)m->n_bc + 1) * sizeof(int64_t))) || !(cnt = calloc((size_t)m->n_bc + 1, sizeof(int64_t))))
        goto nomem;
    for (int64_t b = 0; b < m->n_bc; b++) first[b] = -1;
    /* one model per barcode with rows, in the order of each barcode's first row */
    for (int64_t i = 0; i < m->n; i++) {
        int64_t b = m->bc[i];
        if (first[b] < 0) first[b] = md->n_model++;
        cnt[first[b]]++;
    }
    if (!(md->name = calloc((size_t)md->n_model + 1, sizeof(char *))) ||
        !(md->rptr = calloc((size_t)md->n_model + 2, sizeof(int64_t))) || !(md->rows = malloc(((size_t)m->n + 1) * sizeof(int64_t))))
        goto nomem;
    for (int64_t b = 0; b < m->n_bc; b++)
        if (first[b] >= 0 && !(md->name[first[b]] = strdup(m->barcodes[b]))) goto nomem;
    for (int64_t g = 0; g < md->n_model; g++) md->rptr[g + 1] = md->rptr[g] + cnt[g];
    memset(cnt, 0, ((size_t)m->n_bc + 1) * sizeof(int64_t));
    for (int64_t i = 0; i < m->n; i++) {
        int64_t g = first[m->bc[i]];
        md->rows[md->rptr[g] + cnt[g]++] = i;
    }
    free(first); free(cnt);
    return 0;
nomem:
    tsc_error("out of memory");
    free(first); free(cnt);
    tsc_scmodels_free(md);
    return -1;
}

static char *strip(char *s)
{
    while (*s && isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
    return s;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int tsc_scmodels_celltype(const tsc_scmat_t *m, const char *path, tsc_scmodels_t *md)
{
    BGZF *fp = bgzf_open(path, "r"); /* plain or gzipped */
    khash_t(scem_s2i) *hf = kh_init(scem_s2i), *hc = kh_init(scem_s2i);
    int64_t *cnt = NULL, line = 0, nct = 0, nf = 0, *ctmap = NULL, *fct = NULL, *fline = NULL, *bct = NULL;
    char **cts = NULL, **fbc = NULL;
    size_t m_cts = 0, m_f = 0, m_fct = 0, m_fline = 0;
    kstring_t ks = { 0, 0, NULL };
    int r, ret = -1, absent;
    memset(md, 0, sizeof(*md));
    if (!fp) { tsc_error("cannot open the celltype table %s: %s", path, strerror(errno)); goto end; }
    if (!hf || !hc) goto nomem;
    while ((r = bgzf_getline(fp, '\n', &ks)) >= 0) {
        line++;
        if (memchr(ks.s, 0, ks.l)) { tsc_error("%s:%" PRId64 ": not a text line (a NUL byte)", path, line); goto end; }
        char *s = ks.s, *tab = strchr(s, '\t');
        if (!tab) {
            if (!*strip(s)) continue; /* a blank line */
            tsc_error("%s:%" PRId64 ": no celltype: lines are BARCODE<TAB>CELLTYPE", path, line);
            goto end;
        }
        *tab = 0;
        char *ct = tab + 1, *t2 = strchr(ct, '\t');
        if (t2) *t2 = 0;
        char *bc = strip(s);
        ct = strip(ct);
        if (line == 1 && !tsc_sc_looks_like_barcode(bc)) continue; /* a header line */
        if (!*bc || !*ct) { tsc_error("%s:%" PRId64 ": empty barcode or celltype", path, line); goto end; }
        /* the celltype's index (first-seen order for now) */
        khint_t kc = kh_get(scem_s2i, hc, ct);
        if (kc == kh_end(hc)) {
            if (TSC_GROW(cts, m_cts, (size_t)nct + 1) < 0 || !(cts[nct] = strdup(ct))) goto nomem;
            kc = kh_put(scem_s2i, hc, cts[nct], &absent);
            if (absent < 0) { free(cts[nct]); goto nomem; }
            kh_val(hc, kc) = nct++;
        }
        int64_t ci = kh_val(hc, kc);
        /* every barcode of the file: one celltype (a conflict is an error, as upstream) */
        khint_t kb = kh_get(scem_s2i, hf, bc);
        if (kb != kh_end(hf)) {
            int64_t f = kh_val(hf, kb);
            if (fct[f] != ci) {
                tsc_error("%s:%" PRId64 ": barcode %s has celltype \"%s\" here but \"%s\" on line %" PRId64, path, line, bc, ct,
                          cts[fct[f]], fline[f]);
                goto end;
            }
            continue;
        }
        if (TSC_GROW(fbc, m_f, (size_t)nf + 1) < 0 || TSC_GROW(fct, m_fct, (size_t)nf + 1) < 0 ||
            TSC_GROW(fline, m_fline, (size_t)nf + 1) < 0 || !(fbc[nf] = strdup(bc)))
            goto nomem;
        kb = kh_put(scem_s2i, hf, fbc[nf], &absent);
        if (absent < 0) { free(fbc[nf]); goto nomem; }
        kh_val(hf, kb) = nf;
        fct[nf] = ci; fline[nf] = line;
        nf++;
    }
    if (r < -1) { tsc_error("%s: read error after line %" PRId64, path, line); goto end; }
    /* models: the celltypes sorted; rows of their barcodes, ascending (barcodes of the file
     * that are not output barcodes have no reads; output barcodes not in the file: no model, S11) */
    {
        char **sorted = malloc(((size_t)nct + 1) * sizeof(char *));
        if (!sorted || !(ctmap = malloc(((size_t)nct + 1) * sizeof(int64_t)))) { free(sorted); goto nomem; }
        memcpy(sorted, cts, (size_t)nct * sizeof(char *));
        qsort(sorted, (size_t)nct, sizeof(char *), cmp_str);
        for (int64_t g = 0; g < nct; g++) ctmap[kh_val(hc, kh_get(scem_s2i, hc, sorted[g]))] = g;
        md->n_model = nct;
        if (!(md->name = calloc((size_t)nct + 1, sizeof(char *)))) { free(sorted); goto nomem; }
        for (int64_t g = 0; g < nct; g++) if (!(md->name[g] = strdup(sorted[g]))) { free(sorted); goto nomem; }
        free(sorted);
    }
    if (!(bct = malloc(((size_t)m->n_bc + 1) * sizeof(int64_t)))) goto nomem;
    for (int64_t b = 0; b < m->n_bc; b++) {
        khint_t kb = kh_get(scem_s2i, hf, m->barcodes[b]);
        bct[b] = kb == kh_end(hf) ? -1 : ctmap[fct[kh_val(hf, kb)]];
    }
    if (!(md->rptr = calloc((size_t)nct + 2, sizeof(int64_t))) || !(cnt = calloc((size_t)nct + 1, sizeof(int64_t))) ||
        !(md->rows = malloc(((size_t)m->n + 1) * sizeof(int64_t))))
        goto nomem;
    for (int64_t i = 0; i < m->n; i++) if (bct[m->bc[i]] >= 0) cnt[bct[m->bc[i]]]++;
    for (int64_t g = 0; g < nct; g++) md->rptr[g + 1] = md->rptr[g] + cnt[g];
    memset(cnt, 0, ((size_t)nct + 1) * sizeof(int64_t));
    for (int64_t i = 0; i < m->n; i++) {
        int64_t g = bct[m->bc[i]];
        if (g >= 0) md->rows[md->rptr[g] + cnt[g]++] = i;
    }
    ret = 0;
    goto end;
nomem:
    tsc_error("out of memory");
end:
    if (ret < 0) tsc_scmodels_free(md);
    if (fp) bgzf_close(fp);
    if (hf) kh_destroy(scem_s2i, hf);
    if (hc) kh_destroy(scem_s2i, hc);
    for (int64_t c = 0; c < nct; c++) free(cts[c]);
    for (int64_t f = 0; f < nf; f++) free(fbc[f]);
    free(cts); free(fbc); free(fct); free(fline); free(bct); free(cnt); free(ctmap); free(ks.s);
    return ret;
}
