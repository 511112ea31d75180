/* tsc_scq.c -- single-cell matrix, pseudobulk EM, reassignment and counts (see tsc_scq.h).
 * Part of tsc (Telescope in C). MIT licence. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/khash.h>
#include <htslib/kstring.h>
#include "tsc_scq.h"
#include "tsc_pairwise.h"
#include "tsc_pcg.h"
#include "tsc_sc.h"

KHASH_MAP_INIT_STR(scq_s2i, int64_t)

static const char *mode_names[TSC_RM_N] = { "best_exclude", "best_conf", "best_random", "best_average",
                                            "initial_unique", "initial_random", "total_hits" };

const char *tsc_scq_mode_name(int mode) { return mode >= 0 && mode < TSC_RM_N ? mode_names[mode] : "?"; }

int tsc_scq_mode_parse(const char *s)
{
    for (int i = 0; i < TSC_RM_N; i++) if (strcmp(s, mode_names[i]) == 0) return i;
    return -1;
}

void tsc_scq_opt_init(tsc_scq_opt_t *o)
{
    memset(o, 0, sizeof(*o));
    o->n_mode = 1;
    o->mode[0] = TSC_RM_BEST_EXCLUDE;
    o->conf_prob = 0.9;
    o->pi_prior = 0;
    o->theta_prior = 200000;
    o->em_epsilon = 1e-7;
    o->max_iter = 100;
}

/* ---------------------------------------------------------------- matrix */

void tsc_scmat_destroy(tsc_scmat_t *m)
{
    if (!m) return;
    for (int64_t i = 0; i < m->n_bc; i++) free(m->barcodes[i]);
    for (int32_t j = 0; j < m->k; j++) free(m->feat ? m->feat[j] : NULL);
    free(m->barcodes); free(m->feat); free(m->ptr); free(m->col); free(m->raw); free(m->bc); free(m->umi);
    free(m);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct { int32_t col; double raw; } cell_t;
static int cmp_cell(const void *a, const void *b)
{
    const cell_t *x = a, *y = b;
    return x->col < y->col ? -1 : x->col > y->col;
}

tsc_scmat_t *tsc_scmat_build(const tsc_hittab_t *t, const char *nfk)
{
    tsc_scmat_t *m = calloc(1, sizeof(*m));
    khash_t(scq_s2i) *hb = kh_init(scq_s2i), *hu = kh_init(scq_s2i);
    tsc_wl_t *wl = NULL;
    cell_t *cells = NULL;
    size_t m_cells = 0;
    kstring_t ks = { 0, 0, NULL };
    int64_t min_as = 0, nnz = 0, ngrp = 0;
    if (!m || !hb || !hu) goto nomem;
    if (t->n > 0 && tsc_hdr_get_info_int(t->hdr, "_min_as", &min_as) < 0) {
        tsc_error("the HITS stream has no _min_as in its run info");
        goto fail;
    }
    m->n = t->n;
    m->k = t->hdr->n_feat + 1;
    if (!(m->feat = calloc((size_t)m->k, sizeof(char *))) || !(m->feat[0] = strdup(nfk))) goto nomem;
    for (int32_t j = 1; j < m->k; j++) if (!(m->feat[j] = strdup(t->hdr->feat[j - 1]))) goto nomem;
    if (!(m->ptr = calloc((size_t)m->n + 1, sizeof(int64_t))) || !(m->bc = malloc(((size_t)m->n + 1) * sizeof(int64_t))) ||
        !(m->umi = malloc(((size_t)m->n + 1) * sizeof(int64_t))) ||
        !(m->col = malloc(((size_t)t->n_map + 1) * sizeof(int32_t))) || !(m->raw = malloc(((size_t)t->n_map + 1) * sizeof(double))))
        goto nomem;
    for (int64_t i = 0; i < t->n; i++) {
        int64_t a = t->moff[i], b = t->moff[i + 1], nc = 0;
        if (TSC_GROW(cells, m_cells, (size_t)(b - a) + 1) < 0) goto nomem;
        for (int64_t x = a; x < b; x++) {
            int32_t c = t->map[x].feat + 1;
            double r = (double)((int64_t)t->map[x].as - min_as + 1 + t->map[x].alnlen);
            int64_t y;
            for (y = 0; y < nc; y++) if (cells[y].col == c) break;
            if (y < nc) { if (r > cells[y].raw) cells[y].raw = r; }
            else { cells[nc].col = c; cells[nc].raw = r; nc++; }
        }
        qsort(cells, (size_t)nc, sizeof(cell_t), cmp_cell);
        for (int64_t y = 0; y < nc; y++) { m->col[nnz] = cells[y].col; m->raw[nnz] = cells[y].raw; nnz++; }
        m->ptr[i + 1] = nnz;
        /* barcode+UMI group */
        if (t->ub[i]) {
            int absent;
            ks.l = 0;
            kputs(t->cb[i] ? t->cb[i] : "", &ks); kputc('\t', &ks); kputs(t->ub[i], &ks);
            khint_t k = kh_get(scq_s2i, hu, ks.s);
            if (k == kh_end(hu)) {
                char *key = strdup(ks.s);
                if (!key) goto nomem;
                k = kh_put(scq_s2i, hu, key, &absent);
                if (absent < 0) { free(key); goto nomem; }
                kh_val(hu, k) = ngrp++;
            }
            m->umi[i] = kh_val(hu, k);
        } else m->umi[i] = -1;
    }
    /* barcodes: the whitelist in its order, else the sorted barcodes seen (S22) */
    if (t->n_wl > 0) {
        if (!(wl = tsc_wl_from(t->wl, t->n_wl))) goto nomem;
        m->n_bc = tsc_wl_size(wl);
        if (!(m->barcodes = calloc((size_t)m->n_bc + 1, sizeof(char *)))) goto nomem;
        for (int64_t b = 0; b < m->n_bc; b++) if (!(m->barcodes[b] = strdup(tsc_wl_name(wl, b)))) goto nomem;
        for (int64_t i = 0; i < t->n; i++) {
            if (!t->cb[i] || (m->bc[i] = tsc_wl_find(wl, t->cb[i])) < 0) {
                tsc_error("HITS record %" PRId64 ": barcode '%s' is not in the stream's whitelist", i, t->cb[i] ? t->cb[i] : "");
                goto fail;
            }
        }
    } else {
        int absent;
        for (int64_t i = 0; i < t->n; i++) {
            const char *cb = t->cb[i] ? t->cb[i] : "";
            if (kh_get(scq_s2i, hb, cb) != kh_end(hb)) continue;
            char *key = strdup(cb);
            if (!key) goto nomem;
            khint_t k = kh_put(scq_s2i, hb, key, &absent);
            if (absent < 0) { free(key); goto nomem; }
            kh_val(hb, k) = 0;
        }
        m->n_bc = kh_size(hb);
        if (!(m->barcodes = calloc((size_t)m->n_bc + 1, sizeof(char *)))) goto nomem;
        int64_t nb = 0;
        for (khint_t k = kh_begin(hb); k != kh_end(hb); k++)
            if (kh_exist(hb, k) && !(m->barcodes[nb++] = strdup(kh_key(hb, k)))) goto nomem;
        qsort(m->barcodes, (size_t)m->n_bc, sizeof(char *), cmp_str);
        for (int64_t b = 0; b < m->n_bc; b++) kh_val(hb, kh_get(scq_s2i, hb, m->barcodes[b])) = b;
        for (int64_t i = 0; i < t->n; i++) m->bc[i] = kh_val(hb, kh_get(scq_s2i, hb, t->cb[i] ? t->cb[i] : ""));
    }
    goto done;
nomem:
    tsc_error("out of memory");
fail:
    tsc_scmat_destroy(m);
    m = NULL;
done:
    for (int pass = 0; pass < 2; pass++) {
        khash_t(scq_s2i) *h = pass ? hu : hb;
        if (!h) continue;
        for (khint_t k = kh_begin(h); k != kh_end(h); k++) if (kh_exist(h, k)) free((char *)kh_key(h, k));
        kh_destroy(scq_s2i, h);
    }
    tsc_wl_destroy(wl);
    free(cells);
    free(ks.s);
    return m;
}

/* ---------------------------------------------------------------- EM (§8.2, §8.4) */

/* numpy's add.reduce of a contiguous vector: blocks of 8192, each summed pairwise */
static double np_sum(const double *a, int64_t n)
{
    double s = 0.0;
    for (int64_t i = 0; i < n; i += 8192) s += tsc_pw_sum(a + i, n - i < 8192 ? n - i : 8192);
    return s;
}

void tsc_scfit_free(tsc_scfit_t *f)
{
    if (!f) return;
    free(f->z); free(f->zset);
    f->z = NULL; f->zset = NULL;
}

/* lnL (§8.4): per row the sequential sum of z * log(inner) over cells with z and inner > 0,
 * then numpy's sum over the N row totals */
static double lnl_of(const tsc_scmat_t *m, const double *q, const int8_t *y, const double *z, const uint8_t *zset,
                     const double *pi, const double *th, double *rowt)
{
    for (int64_t i = 0; i < m->n; i++) {
        double s = 0.0;
        for (int64_t x = m->ptr[i]; x < m->ptr[i + 1]; x++) {
            if (!zset[x]) continue;
            int32_t j = m->col[x];
            double in = y[i] == 2 ? q[x] * (pi[j] * th[j]) : q[x] * pi[j];
            if (in == 0.0) continue;
            s += z[x] * log(in);
        }
        rowt[i] = s;
    }
    return np_sum(rowt, m->n);
}

int tsc_scq_fit(const tsc_scmat_t *m, const tsc_scq_opt_t *o, tsc_scfit_t *fit)
{
    int64_t n = m->n, nnz = m->ptr[n];
    int32_t k = m->k;
    double *q = NULL, *w = NULL, *wa = NULL, *u = NULL, *pi = NULL, *th = NULL, *pi2 = NULL, *th2 = NULL, *t = NULL;
    double *nb = NULL, *rowt = NULL;
    int8_t *y = NULL;
    uint8_t *colseen = NULL;
    int ret = -1;
    memset(fit, 0, sizeof(*fit));
    if (!(fit->z = calloc((size_t)nnz + 1, sizeof(double))) || !(fit->zset = calloc((size_t)nnz + 1, 1)) ||
        !(q = malloc(((size_t)nnz + 1) * sizeof(double))) || !(w = calloc((size_t)n + 1, sizeof(double))) ||
        !(wa = calloc((size_t)n + 1, sizeof(double))) || !(u = calloc((size_t)k, sizeof(double))) ||
        !(pi = malloc((size_t)k * sizeof(double))) || !(th = malloc((size_t)k * sizeof(double))) ||
        !(pi2 = malloc((size_t)k * sizeof(double))) || !(th2 = malloc((size_t)k * sizeof(double))) ||
        !(t = malloc((size_t)k * sizeof(double))) || !(nb = malloc(((size_t)k + 1) * sizeof(double))) ||
        !(rowt = calloc((size_t)n + 1, sizeof(double))) || !(y = calloc((size_t)n + 1, 1)) || !(colseen = calloc((size_t)k, 1))) {
        tsc_error("out of memory");
        goto end;
    }
    double smax = 0.0;
    for (int64_t x = 0; x < nnz; x++) if (m->raw[x] > smax) smax = m->raw[x];
    if (nnz == 0 || smax <= 0.0) { /* no fragment on a locus: no model, every count 0 (S34 fixed) */
        fit->lnl = fit->aic = fit->bic = 0.0;
        ret = 0;
        goto end;
    }
    double inv = 1.0 / smax;
    for (int64_t x = 0; x < nnz; x++) { q[x] = expm1((m->raw[x] * inv) * 100.0); colseen[m->col[x]] = 1; }
    double wmax = 0.0;
    for (int64_t i = 0; i < n; i++) {
        int64_t c = m->ptr[i + 1] - m->ptr[i];
        y[i] = c > 1 ? 2 : c == 1 ? 1 : 0;
        for (int64_t x = m->ptr[i]; x < m->ptr[i + 1]; x++) if (q[x] > w[i]) w[i] = q[x];
        if (w[i] > wmax) wmax = w[i];
        wa[i] = y[i] == 2 ? w[i] : 0.0;
        if (y[i] == 1) u[m->col[m->ptr[i]]] += q[m->ptr[i]];
        if (c) fit->nobs++;
    }
    for (int32_t j = 0; j < k; j++) fit->nfeats += colseen[j];
    double total_wt = np_sum(w, n), ambig_wt = np_sum(wa, n);
    double ppi = o->pi_prior * wmax, pth = o->theta_prior * wmax;
    double tden = ambig_wt + pth * k, pden = total_wt + ppi * k;
    for (int32_t j = 0; j < k; j++) pi[j] = th[j] = 1.0 / k;
    double lnl = INFINITY;
    int it = 0, conv = 0;
    while (1) {
        /* E-step: n = (Q pi) theta on ambiguous rows, Q pi on unique rows; products of 0 dropped;
         * z = n * (1 / (n0 + PW(rest))) */
        for (int64_t i = 0; i < n; i++) {
            int64_t a = m->ptr[i], b = m->ptr[i + 1], c = 0;
            for (int64_t x = a; x < b; x++) {
                int32_t j = m->col[x];
                double v = q[x] * pi[j];
                if (y[i] == 2) v *= th[j];
                fit->zset[x] = v != 0.0;
                if (v != 0.0) nb[c++] = v;
            }
            if (!c) continue;
            double s = tsc_pw_rowsum(nb, c), r = 1.0 / s;
            c = 0;
            for (int64_t x = a; x < b; x++) fit->z[x] = fit->zset[x] ? nb[c++] * r : 0.0;
        }
        /* M-step */
        for (int32_t j = 0; j < k; j++) t[j] = 0.0;
        for (int64_t i = 0; i < n; i++) {
            if (y[i] != 2) continue;
            for (int64_t x = m->ptr[i]; x < m->ptr[i + 1]; x++) if (fit->zset[x]) t[m->col[x]] += fit->z[x] * w[i];
        }
        double diff = 0.0;
        for (int32_t j = 0; j < k; j++) {
            th2[j] = (t[j] + pth) / tden;
            pi2[j] = ((u[j] + t[j]) + ppi) / pden;
            diff += fabs(pi2[j] - pi[j]);
        }
        it++;
        if (o->use_likelihood) {
            double l = lnl_of(m, q, y, fit->z, fit->zset, pi2, th2, rowt);
            conv = fabs(l - lnl) < o->em_epsilon;
            lnl = l;
        } else conv = diff < o->em_epsilon;
        memcpy(pi, pi2, (size_t)k * sizeof(double));
        memcpy(th, th2, (size_t)k * sizeof(double));
        if (conv || it >= o->max_iter) break;
    }
    if (!o->use_likelihood) lnl = lnl_of(m, q, y, fit->z, fit->zset, pi, th, rowt);
    fit->iterations = it;
    fit->converged = conv;
    fit->lnl = lnl;
    {
        double tp = 2.0 * (double)fit->nfeats;
        fit->aic = 2.0 * tp - 2.0 * lnl;
        fit->bic = tp * log((double)fit->nobs) - 2.0 * lnl;
    }
    ret = 0;
end:
    if (ret < 0) tsc_scfit_free(fit);
    free(q); free(w); free(wa); free(u); free(pi); free(th); free(pi2); free(th2); free(t); free(nb); free(rowt);
    free(y); free(colseen);
    return ret;
}

/* ---------------------------------------------------------------- reassignment (§9, §10) */

typedef struct { int64_t bc, seq; int32_t col; double v; } trip_t;
static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* R of one mode on the matrix cells (r[x]), then its per-barcode counts */
int tsc_scq_reassign(const tsc_scmat_t *m, const tsc_scfit_t *fit, const tsc_scq_opt_t *o, tsc_sccounts_t *out)
{
    int64_t n = m->n, nnz = m->ptr[n];
    int32_t k = m->k;
    double *r = malloc(((size_t)nnz + 1) * sizeof(double)), *gs = NULL;
    int64_t *best = malloc(((size_t)k + 1) * sizeof(int64_t)), *first = NULL, *nxt = NULL, *last = NULL, nt;
    trip_t *tr = NULL, *tr2 = NULL;
    size_t m_tr = 0;
    int64_t *bstart = NULL;
    double *acc = NULL;
    uint8_t *seen = NULL;
    int32_t *touched = NULL;
    tsc_pcg64_t g;
    int ret = -1;
    if (!r || !best) { tsc_error("out of memory"); goto end; }
    tsc_pcg64_seed(&g, o->seed);
    memset(out, 0, sizeof(*out) * (size_t)o->n_mode);
    for (int mi = 0; mi < o->n_mode; mi++) {
        tsc_sccounts_t *c = &out[mi];
        int mode = o->mode[mi];
        c->mode = mode;
        c->real = mode == TSC_RM_BEST_AVERAGE || o->umi_counts;
        for (int64_t x = 0; x < nnz; x++) r[x] = 0.0;
        for (int64_t i = 0; i < n; i++) {
            int64_t a = m->ptr[i], b = m->ptr[i + 1];
            if (mode == TSC_RM_INITIAL_UNIQUE) {
                if (b - a == 1) { r[a] = 1.0; c->assigned++; }
                else if (b - a > 1) c->ambiguous++;
                else c->unaligned++;
                continue;
            }
            if (mode == TSC_RM_TOTAL_HITS) {
                for (int64_t x = a; x < b; x++) r[x] = 1.0;
                c->assigned += b - a;
                if (b - a > 1) c->ambiguous++;
                else if (b == a) c->unaligned++;
                continue;
            }
            /* the best set: stored cells equal to the row max (z, or raw scores for initial_random) */
            int on_raw = mode == TSC_RM_INITIAL_RANDOM;
            double mx = 0.0;
            int any = 0;
            for (int64_t x = a; x < b; x++) {
                if (!on_raw && !fit->zset[x]) continue;
                double v = on_raw ? m->raw[x] : fit->z[x];
                if (!any || v > mx) mx = v;
                any = 1;
            }
            if (!any) { c->unaligned++; continue; }
            if (mode == TSC_RM_BEST_CONF) {
                if (mx > o->conf_prob) {
                    c->assigned++;
                    for (int64_t x = a; x < b; x++) if (fit->zset[x] && fit->z[x] > o->conf_prob) r[x] = 1.0;
                } else c->ambiguous++;
                continue;
            }
            int64_t nbst = 0;
            for (int64_t x = a; x < b; x++) {
                if (!on_raw && !fit->zset[x]) continue;
                if ((on_raw ? m->raw[x] : fit->z[x]) == mx) best[nbst++] = x;
            }
            if (nbst == 1) c->assigned++;
            else c->ambiguous++;
            switch (mode) {
            case TSC_RM_BEST_EXCLUDE:
                if (nbst == 1) r[best[0]] = 1.0;
                break;
            case TSC_RM_BEST_RANDOM: case TSC_RM_INITIAL_RANDOM:
                r[best[nbst > 1 ? tsc_pcg64_bounded(&g, (uint64_t)nbst) : 0]] = 1.0;
                break;
            case TSC_RM_BEST_AVERAGE:
                for (int64_t q = 0; q < nbst; q++) r[best[q]] = 1.0 * (1.0 / (double)nbst);
                break;
            }
        }
        if (mi == 0 && o->r_first) memcpy(o->r_first, r, (size_t)nnz * sizeof(double));
        /* per-barcode sums in ascending row order (§11.3), or per barcode+UMI (§11.4): (barcode,
         * column, value) triples in row order, then summed per barcode and column in that order */
        nt = 0;
        if (!o->umi_counts) {
            for (int64_t i = 0; i < n; i++)
                for (int64_t x = m->ptr[i]; x < m->ptr[i + 1]; x++)
                    if (r[x] != 0.0) {
                        if (TSC_GROW(tr, m_tr, (size_t)nt + 1) < 0) goto nomem;
                        tr[nt].bc = m->bc[i]; tr[nt].col = m->col[x]; tr[nt].seq = nt; tr[nt].v = r[x]; nt++;
                    }
        } else {
            /* a barcode+UMI counts 1 in each locus where its reads' summed values are non-zero */
            int64_t ng = 0;
            for (int64_t i = 0; i < n; i++) if (m->umi[i] >= ng) ng = m->umi[i] + 1;
            if (!gs && !(gs = calloc((size_t)k, sizeof(double)))) goto nomem;
            free(first); free(nxt); free(last);
            first = malloc(((size_t)ng + 1) * sizeof(int64_t)); nxt = malloc(((size_t)n + 1) * sizeof(int64_t));
            last = malloc(((size_t)ng + 1) * sizeof(int64_t));
            if (!first || !nxt || !last) goto nomem;
            for (int64_t g2 = 0; g2 < ng; g2++) first[g2] = last[g2] = -1;
            for (int64_t i = 0; i < n; i++) {
                nxt[i] = -1;
                int64_t u = m->umi[i];
                if (u < 0) continue;
                if (last[u] < 0) first[u] = i; else nxt[last[u]] = i;
                last[u] = i;
            }
            for (int64_t i = 0; i < n; i++) {
                int64_t u = m->umi[i];
                if (u >= 0 && first[u] != i) continue; /* a group is handled at its first row */
                for (int64_t rr = i; rr >= 0; rr = u >= 0 ? nxt[rr] : -1)
                    for (int64_t x = m->ptr[rr]; x < m->ptr[rr + 1]; x++) gs[m->col[x]] += r[x];
                for (int64_t rr = i; rr >= 0; rr = u >= 0 ? nxt[rr] : -1)
                    for (int64_t x = m->ptr[rr]; x < m->ptr[rr + 1]; x++) {
                        if (gs[m->col[x]] != 0.0) {
                            if (TSC_GROW(tr, m_tr, (size_t)nt + 1) < 0) goto nomem;
                            tr[nt].bc = m->bc[i]; tr[nt].col = m->col[x]; tr[nt].seq = nt; tr[nt].v = 1.0; nt++;
                        }
                        gs[m->col[x]] = 0.0;
                    }
            }
        }
        /* group the triples by barcode (a stable counting sort, so rows stay in order), then per
         * barcode sum them per column on a dense accumulator, columns ascending */
        if (!bstart && !(bstart = calloc((size_t)m->n_bc + 2, sizeof(int64_t)))) goto nomem;
        if (!acc && (!(acc = calloc((size_t)k, sizeof(double))) || !(seen = calloc((size_t)k, 1)) ||
                     !(touched = malloc((size_t)k * sizeof(int32_t)))))
            goto nomem;
        memset(bstart, 0, ((size_t)m->n_bc + 2) * sizeof(int64_t));
        if (!(tr2 = realloc(tr2, ((size_t)nt + 1) * sizeof(*tr2)))) goto nomem;
        for (int64_t t = 0; t < nt; t++) bstart[tr[t].bc + 1]++;
        for (int64_t b = 0; b < m->n_bc; b++) bstart[b + 1] += bstart[b];
        for (int64_t t = 0; t < nt; t++) tr2[bstart[tr[t].bc]++] = tr[t];
        if (!(c->bc = malloc(((size_t)nt + 1) * sizeof(int64_t))) || !(c->col = malloc(((size_t)nt + 1) * sizeof(int32_t))) ||
            !(c->val = malloc(((size_t)nt + 1) * sizeof(double))))
            goto nomem;
        for (int64_t t = 0; t < nt;) {
            int64_t b = tr2[t].bc;
            int32_t nto = 0;
            for (; t < nt && tr2[t].bc == b; t++) {
                int32_t j = tr2[t].col;
                if (!seen[j]) { seen[j] = 1; touched[nto++] = j; acc[j] = 0.0; }
                acc[j] += tr2[t].v;
            }
            qsort(touched, (size_t)nto, sizeof(int32_t), cmp_i32);
            for (int32_t q = 0; q < nto; q++) {
                int32_t j = touched[q];
                c->bc[c->n] = b; c->col[c->n] = j; c->val[c->n] = acc[j]; c->n++;
                seen[j] = 0;
            }
        }
    }
    ret = 0;
    goto end;
nomem:
    tsc_error("out of memory");
end:
    if (ret < 0) for (int mi = 0; mi < o->n_mode; mi++) tsc_sccounts_free(&out[mi]);
    free(r); free(best); free(tr); free(tr2); free(gs); free(first); free(nxt); free(last);
    free(bstart); free(acc); free(seen); free(touched);
    return ret;
}

void tsc_sccounts_free(tsc_sccounts_t *c)
{
    free(c->bc); free(c->col); free(c->val);
    c->bc = NULL; c->col = NULL; c->val = NULL;
    c->n = 0;
}

/* ---------------------------------------------------------------- Matrix Market */

int tsc_scq_write_mtx(FILE *fp, const tsc_scmat_t *m, const tsc_sccounts_t *c, const char *comment)
{
    fprintf(fp, "%%%%MatrixMarket matrix coordinate %s general\n", c->real ? "real" : "integer");
    if (comment) {
        const char *p = comment;
        while (*p) {
            const char *e = strchr(p, '\n');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            fprintf(fp, "%%%.*s\n", (int)l, p);
            p += l + (e != NULL);
        }
    }
    fprintf(fp, "%d %" PRId64 " %" PRId64 "\n", m->k, m->n_bc, c->n);
    for (int64_t t = 0; t < c->n; t++) {
        if (c->real) fprintf(fp, "%d %" PRId64 " %.15e\n", c->col[t] + 1, c->bc[t] + 1, c->val[t]);
        else fprintf(fp, "%d %" PRId64 " %.0f\n", c->col[t] + 1, c->bc[t] + 1, c->val[t]);
    }
    return ferror(fp) ? -1 : 0;
}
