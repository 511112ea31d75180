/* tsc_report.c -- Telescope's TE_counts.tsv and run_stats.tsv, and tsc's all-loci table.
 * Part of tsc (Telescope in C). MIT licence. */
#define _GNU_SOURCE /* qsort_r */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/khash.h>
#include "tsc_report.h"
#include "tsc_reassign.h"
#include "tsc_util.h"

KHASH_MAP_INIT_STR(str2i, int64_t)

void tsc_report_opt_init(tsc_report_opt_t *o)
{
    o->mode = TSC_RA_EXCLUDE;
    o->conf_prob = 0.9;
}

int tsc_report_opt_check(const tsc_report_opt_t *o)
{
    int ret = 0;
    if (o->mode < 0 || o->mode >= TSC_RA_N_MODES) {
        tsc_error("unknown reassignment mode %d", o->mode);
        ret = -1;
    }
    if (!(o->conf_prob >= 0.0 && o->conf_prob <= 1.0)) { /* also rejects NaN */
        tsc_error("conf_prob must be in [0, 1]");
        ret = -1;
    }
    return ret;
}

void tsc_report_free(tsc_report_t *rep)
{
    if (!rep) return;
    free(rep->count);
    free(rep->final_conf);
    free(rep->init_best_avg);
    free(rep->init_aligned);
    free(rep->unique_count);
    free(rep->init_best);
    free(rep->init_best_random);
    memset(rep, 0, sizeof(*rep));
}

/* ==== computing ==== */

int tsc_report_compute(const tsc_mtx_t *m, const tsc_report_opt_t *o, tsc_report_t *rep)
{
    int64_t K = m->n_cols, i, k, mx_len = 0;
    size_t nk = (size_t)(K > 0 ? K : 1);
    double *buf = NULL;
    tsc_mt_t rng;

    memset(rep, 0, sizeof(*rep));
    rep->n_cols = K;
    rep->mode = o->mode;
    rep->count = calloc(nk, sizeof(double));
    rep->final_conf = calloc(nk, sizeof(double));
    rep->init_best_avg = calloc(nk, sizeof(double));
    rep->init_aligned = calloc(nk, sizeof(int64_t));
    rep->unique_count = calloc(nk, sizeof(int64_t));
    rep->init_best = calloc(nk, sizeof(int64_t));
    rep->init_best_random = calloc(nk, sizeof(int64_t));
    if (!rep->count || !rep->final_conf || !rep->init_best_avg || !rep->init_aligned
        || !rep->unique_count || !rep->init_best || !rep->init_best_random)
        goto nomem;
    if (m->n_rows == 0) return 0; /* no fragment overlapped the annotation: empty tables */
    if (!m->z || !m->pi || !m->pi_init || !m->score) {
        tsc_error("the input lacks the fit (final z, pi, pi after iteration 1) or the raw "
                  "scores: pipe the matrix through tsc-em first");
        goto fail;
    }
    if (tsc_reassign_run_seed(m, &rep->seed) < 0) goto fail;
    tsc_mt_seed(&rng, rep->seed);
    for (i = 0; i < m->n_rows; i++)
        if (m->indptr[i + 1] - m->indptr[i] > mx_len) mx_len = m->indptr[i + 1] - m->indptr[i];
    if (!(buf = malloc((size_t)(mx_len ? mx_len : 1) * sizeof(double)))) goto nomem;

    /* run_stats, one pass in row order. The initial matrix (Q row-normalised) has the same
     * maxima, ties and positive cells as the raw scores (see tsc_reassign.c), so the integer
     * scores are compared directly. These draws come first in every run (spec §8.1). */
    for (i = 0; i < m->n_rows; i++) {
        int64_t s = m->indptr[i], n = m->indptr[i + 1] - s, nbest = 0;
        const int32_t *col = m->indices + s;
        const uint32_t *sc = m->score + s;
        uint32_t best = 0;
        if (n == 0) continue;
        for (k = 0; k < n; k++) {
            if (sc[k] > 0) rep->init_aligned[col[k]]++;
            if (sc[k] > best) best = sc[k];
        }
        if (n == 1) rep->unique_count[col[0]]++;
        for (k = 0; k < n; k++) nbest += sc[k] == best;
        if (nbest == 1) {
            for (k = 0; sc[k] != best; k++)
                ;
            rep->init_best[col[k]]++;
            rep->init_best_random[col[k]]++;
        } else if (nbest > UINT32_MAX) {
            tsc_error("row %lld: %lld tied cells", (long long)i, (long long)nbest);
            goto fail;
        } else {
            int64_t pick = tsc_mt_bounded(&rng, (uint32_t)(nbest - 1));
            for (k = 0; k < n; k++)
                if (sc[k] == best && pick-- == 0) break;
            rep->init_best_random[col[k]]++;
        }
        {
            double rec = 1.0 / (double)nbest; /* average: 1 * (1/m) */
            for (k = 0; k < n; k++)
                if (sc[k] == best) rep->init_best_avg[col[k]] += rec;
        }
        (void)tsc_reassign_row(TSC_RA_CONF, m->z + s, n, o->conf_prob, NULL, buf);
        for (k = 0; k < n; k++) rep->final_conf[col[k]] += buf[k];
    }
    /* TE_counts: the chosen mode on the final z; choose continues the same generator */
    if (tsc_reassign_colsums(m, m->z, o->mode, o->conf_prob, &rng, rep->count) < 0) goto fail;
    free(buf);
    return 0;
nomem:
    tsc_error("out of memory (%lld columns)", (long long)K);
fail:
    free(buf);
    tsc_report_free(rep);
    return -1;
}

/* ==== formatting ==== */

double tsc_np_round(double x, int decimals)
{
    double f = 1.0;
    int d;
    for (d = 0; d < decimals; d++) f *= 10.0; /* 10^d exactly for d <= 22 */
    return rint(x * f) / f;
}

/* numpy's DOUBLE_LT: NaNs sort last */
static inline int np_less(double a, double b)
{
    return a < b || (b != b && a == a);
}

#define NP_SMALL_QUICKSORT 15
#define NP_PYA_QS_STACK 128

/* numpy's sift-down: place TMP at heap slot I of the 1-based heap A[1..N] */
static void np_sift(const double *v, int64_t *a, int64_t tmp, int64_t i, int64_t n)
{
    int64_t j;
    for (j = i << 1; j <= n;) {
        if (j < n && np_less(v[a[j]], v[a[j + 1]])) j += 1;
        if (!np_less(v[tmp], v[a[j]])) break;
        a[i] = a[j];
        i = j;
        j += j;
    }
    a[i] = tmp;
}

static void np_aheapsort(const double *v, int64_t *tosort, int64_t n)
{
    int64_t *a = tosort - 1, l, tmp; /* 1-based heap indexing */
    for (l = n >> 1; l > 0; --l) np_sift(v, a, a[l], l, n);
    for (; n > 1;) {
        tmp = a[n];
        a[n] = a[1];
        n -= 1;
        np_sift(v, a, tmp, 1, n);
    }
}

#define SWAP64(x, y) do { int64_t t_ = (x); (x) = (y); (y) = t_; } while (0)

void tsc_np_argsort(const double *v, int64_t num, int64_t *tosort)
{
    int64_t *pl, *pr, *stack[NP_PYA_QS_STACK], **sptr = stack, *pm, *pi, *pj, *pk, vi, i;
    int depth[NP_PYA_QS_STACK], *psdepth = depth, cdepth = 0;
    double vp;
    uint64_t u;

    for (i = 0; i < num; i++) tosort[i] = i;
    if (num < 2) return;
    for (u = (uint64_t)num; u >>= 1;) cdepth++; /* npy_get_msb */
    cdepth *= 2;
    pl = tosort;
    pr = tosort + num - 1;
    for (;;) {
        if (cdepth < 0) {
            np_aheapsort(v, pl, pr - pl + 1);
            goto stack_pop;
        }
        while ((pr - pl) > NP_SMALL_QUICKSORT) {
            pm = pl + ((pr - pl) >> 1);
            if (np_less(v[*pm], v[*pl])) SWAP64(*pm, *pl);
            if (np_less(v[*pr], v[*pm])) SWAP64(*pr, *pm);
            if (np_less(v[*pm], v[*pl])) SWAP64(*pm, *pl);
            vp = v[*pm];
            pi = pl;
            pj = pr - 1;
            SWAP64(*pm, *pj);
            for (;;) {
                do ++pi; while (np_less(v[*pi], vp));
                do --pj; while (np_less(vp, v[*pj]));
                if (pi >= pj) break;
                SWAP64(*pi, *pj);
            }
            pk = pr - 1;
            SWAP64(*pi, *pk);
            /* push the larger partition */
            if (pi - pl < pr - pi) {
                *sptr++ = pi + 1;
                *sptr++ = pr;
                pr = pi - 1;
            } else {
                *sptr++ = pl;
                *sptr++ = pi - 1;
                pl = pi + 1;
            }
            *psdepth++ = --cdepth;
        }
        /* insertion sort */
        for (pi = pl + 1; pi <= pr; ++pi) {
            vi = *pi;
            vp = v[vi];
            pj = pi;
            pk = pi - 1;
            while (pj > pl && np_less(vp, v[*pk])) *pj-- = *pk--;
            *pj = vi;
        }
stack_pop:
        if (sptr == stack) break;
        pr = *(--sptr);
        pl = *(--sptr);
        cdepth = *(--psdepth);
    }
}

int tsc_pd_argsort_desc(const double *v, int64_t n, int64_t *idx)
{
    /* pandas nargsort(ascending=False): non-NaN values reversed, numpy argsort, mapped back,
     * reversed; then NaNs in input order */
    int64_t i, nn = 0, *rev_idx = malloc((size_t)(n ? n : 1) * sizeof(int64_t)), *ord;
    double *rev = calloc((size_t)(n ? n : 1), sizeof(double));
    if (!rev_idx || !rev) {
        free(rev_idx);
        free(rev);
        tsc_error("out of memory (%lld values to sort)", (long long)n);
        return -1;
    }
    for (i = n - 1; i >= 0; i--)
        if (!isnan(v[i])) {
            rev[nn] = v[i];
            rev_idx[nn++] = i;
        }
    ord = idx; /* scratch: the first nn slots */
    tsc_np_argsort(rev, nn, ord);
    for (i = 0; i < nn; i++) ord[i] = rev_idx[ord[i]];
    for (i = 0; i < nn / 2; i++) SWAP64(ord[i], ord[nn - 1 - i]);
    for (i = 0; i < n; i++)
        if (isnan(v[i])) idx[nn++] = i;
    free(rev_idx);
    free(rev);
    return 0;
}

int tsc_csv_field(kstring_t *s, const char *f)
{
    const char *p;
    if (!strpbrk(f, "\t\"\n")) return kputs(f, s) < 0 ? -1 : 0;
    if (kputc('"', s) < 0) return -1;
    for (p = f; *p; p++) {
        if (*p == '"' && kputc('"', s) < 0) return -1;
        if (kputc(*p, s) < 0) return -1;
    }
    return kputc('"', s) < 0 ? -1 : 0;
}

/* ==== writers ==== */

typedef struct {
    FILE *fp;
    const char *name;
    kstring_t s;
    int err;
} out_t;

static void out_flush(out_t *o, int force)
{
    if (o->err || (!force && o->s.l < 1 << 16)) return;
    if (o->s.l && fwrite(o->s.s, 1, o->s.l, o->fp) != o->s.l) o->err = errno ? errno : EIO;
    o->s.l = 0;
}

static void out_str(out_t *o, const char *str)
{
    if (!o->err && kputs(str, &o->s) < 0) o->err = ENOMEM;
}

static void out_field(out_t *o, const char *str)
{
    if (!o->err && tsc_csv_field(&o->s, str) < 0) o->err = ENOMEM;
}

static void out_i64(out_t *o, int64_t x)
{
    if (!o->err && kputll(x, &o->s) < 0) o->err = ENOMEM;
}

static void out_repr(out_t *o, double x)
{
    char b[48];
    out_str(o, tsc_repr_double(x, b));
}

/* a count column value: integers for exclude/choose/unique/all, repr floats otherwise */
static void out_count(out_t *o, double x, int mode)
{
    if (tsc_ra_mode_is_int(mode)) out_i64(o, (int64_t)x);
    else out_repr(o, x);
}

static int out_close(out_t *o)
{
    out_flush(o, 1);
    if (!o->err && fflush(o->fp) != 0) o->err = errno ? errno : EIO;
    if (!o->err && ferror(o->fp)) o->err = EIO;
    free(o->s.s);
    if (o->err) {
        tsc_error("%s: write failed: %s", o->name, strerror(o->err));
        return -1;
    }
    return 0;
}

static int cmp_names(const void *a, const void *b, void *names)
{
    const char *const *nm = names;
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    int c = strcmp(nm[x], nm[y]); /* unsigned bytes: Unicode code point order for UTF-8 */
    return c ? c : (x > y) - (x < y);
}

int tsc_report_write_counts(FILE *fp, const char *name, const tsc_mtx_t *m,
                            const tsc_report_t *rep)
{
    out_t o = { fp, name, KS_INITIALIZE, 0 };
    int64_t K = m->n_rows > 0 ? m->n_cols : 0, i, *ord;
    if (!(ord = malloc((size_t)(K ? K : 1) * sizeof(int64_t)))) {
        tsc_error("out of memory");
        return -1;
    }
    for (i = 0; i < K; i++) ord[i] = i;
    qsort_r(ord, (size_t)K, sizeof(int64_t), cmp_names, m->hdr->feat);
    out_str(&o, "transcript\tcount\n");
    for (i = 0; i < K && !o.err; i++) {
        out_field(&o, m->hdr->feat[ord[i]]);
        out_str(&o, "\t");
        out_count(&o, rep->count[ord[i]], rep->mode);
        out_str(&o, "\n");
        out_flush(&o, 0);
    }
    free(ord);
    return out_close(&o);
}

static void out_runinfo(out_t *o, const tsc_hdr_t *h)
{
    int32_t i;
    if (!tsc_hdr_get_info(h, "version")) out_str(o, "\tversion:" TSC_VERSION); /* upstream's first key */
    for (i = 0; i < h->n_info; i++) {
        if (h->info[i].key[0] == '_') continue; /* internal keys */
        out_str(o, "\t");
        out_str(o, h->info[i].key);
        out_str(o, ":");
        out_str(o, h->info[i].val);
    }
}

int tsc_report_write_stats(FILE *fp, const char *name, const tsc_mtx_t *m,
                           const tsc_report_t *rep)
{
    out_t o = { fp, name, KS_INITIALIZE, 0 };
    int64_t K = m->n_rows > 0 ? m->n_cols : 0, i, j, *ord;
    if (!(ord = malloc((size_t)(K ? K : 1) * sizeof(int64_t)))) {
        tsc_error("out of memory");
        return -1;
    }
    if (K > 0 && tsc_pd_argsort_desc(m->pi, K, ord) < 0) {
        free(ord);
        return -1;
    }
    out_str(&o, "## RunInfo");
    out_runinfo(&o, m->hdr);
    /* no newline: upstream glues the table header onto the RunInfo line (Q11) */
    out_str(&o, "transcript\ttranscript_length\tfinal_conf\tfinal_prop\tinit_aligned\t"
                "unique_count\tinit_best\tinit_best_random\tinit_best_avg\tinit_prop\n");
    for (i = 0; i < K && !o.err; i++) {
        j = ord[i];
        out_field(&o, m->hdr->feat[j]);
        out_str(&o, "\t");
        out_i64(&o, m->hdr->flen ? m->hdr->flen[j] : 0);
        out_str(&o, "\t");
        out_repr(&o, tsc_np_round(rep->final_conf[j], 2));
        out_str(&o, "\t");
        out_repr(&o, tsc_np_round(m->pi[j], 3));
        out_str(&o, "\t");
        out_i64(&o, rep->init_aligned[j]);
        out_str(&o, "\t");
        out_i64(&o, rep->unique_count[j]);
        out_str(&o, "\t");
        out_i64(&o, rep->init_best[j]);
        out_str(&o, "\t");
        out_i64(&o, rep->init_best_random[j]);
        out_str(&o, "\t");
        out_repr(&o, tsc_np_round(rep->init_best_avg[j], 2));
        out_str(&o, "\t");
        out_repr(&o, tsc_np_round(m->pi_init[j], 3));
        out_str(&o, "\n");
        out_flush(&o, 0);
    }
    free(ord);
    return out_close(&o);
}

/* a provenance value on one '#' line: tabs and line breaks become spaces */
static void out_comment_val(out_t *o, const char *v)
{
    for (; *v && !o->err; v++)
        if (kputc(*v == '\n' || *v == '\r' || *v == '\t' ? ' ' : *v, &o->s) < 0) o->err = ENOMEM;
}

/* names of the all-loci table: as tsc_csv_field, and also quoted when starting with '#' */
static void out_locus(out_t *o, const char *nm)
{
    if (nm[0] == '#' && !strpbrk(nm, "\t\"\n")) {
        out_str(o, "\"");
        out_str(o, nm);
        out_str(o, "\"");
    } else {
        out_field(o, nm);
    }
}

static void out_locus_row(out_t *o, const tsc_mtx_t *m, const tsc_report_t *rep,
                          const char *nm, int64_t len, int64_t j)
{
    int have = j >= 0 && m->n_rows > 0;
    out_locus(o, nm);
    out_str(o, "\t");
    out_count(o, have ? rep->count[j] : 0.0, rep->mode);
    out_str(o, "\t");
    out_i64(o, len);
    out_str(o, "\t");
    out_repr(o, have ? m->pi[j] : 0.0);
    out_str(o, "\t");
    out_repr(o, have ? rep->final_conf[j] : 0.0);
    out_str(o, "\t");
    out_i64(o, have ? rep->unique_count[j] : 0);
    out_str(o, "\t");
    out_i64(o, have ? rep->init_aligned[j] : 0);
    out_str(o, "\n");
    out_flush(o, 0);
}

int tsc_report_write_all_loci(FILE *fp, const char *name, const tsc_mtx_t *m,
                              const tsc_report_t *rep, const tsc_report_opt_t *opt,
                              const char *prog, const char *cmdline)
{
    out_t o = { fp, name, KS_INITIALIZE, 0 };
    const tsc_hdr_t *h = m->hdr;
    khash_t(str2i) *col = NULL;
    uint8_t *seen = NULL;
    const char *v;
    int64_t j, K = m->n_cols;
    int32_t a;
    int absent, ret = -1;

    if (!m->aloc) {
        tsc_error("the input has no list of annotated loci (ALOC section): the all-loci "
                  "table needs a stream made by tsc-fetch from an annotation");
        return -1;
    }
    if (!(col = kh_init(str2i)) || !(seen = calloc((size_t)(K ? K : 1), 1))) goto nomem;
    for (j = 1; j < K; j++) {
        khint_t k = kh_put(str2i, col, h->feat[j], &absent);
        if (absent < 0) goto nomem;
        if (absent) kh_val(col, k) = j;
    }
    out_str(&o, "# tsc all-loci table: the no-feature key, then every annotated locus in "
                "annotation order, zeros included\n");
    out_str(&o, "# program: ");
    out_comment_val(&o, prog);
    out_str(&o, "\n# version: " TSC_VERSION "\n# command: ");
    out_comment_val(&o, cmdline ? cmdline : "");
    out_str(&o, "\n");
    for (a = 0; a < h->n_prov; a++) {
        out_str(&o, "# input: ");
        out_comment_val(&o, h->prov[a].prog);
        out_str(&o, " ");
        out_comment_val(&o, h->prov[a].version);
        out_str(&o, ": ");
        out_comment_val(&o, h->prov[a].cmdline);
        out_str(&o, "\n");
    }
    out_str(&o, "# reassign_mode: ");
    out_str(&o, tsc_ra_mode_name(opt->mode));
    out_str(&o, "\n# conf_prob: ");
    out_repr(&o, opt->conf_prob);
    /* every EM key tsc-em left in the run info (_em_iterations, _em_converged, _em_backend,
     * and any settings it records), in stream order */
    for (a = 0; a < h->n_info; a++) {
        if (strncmp(h->info[a].key, "_em_", 4) != 0) continue;
        v = h->info[a].val;
        out_str(&o, "\n# ");
        out_comment_val(&o, h->info[a].key + 1);
        out_str(&o, ": ");
        if (strcmp(h->info[a].key, "_em_converged") == 0)
            out_str(&o, strcmp(v, "1") == 0 ? "yes" : strcmp(v, "0") == 0 ? "no (max_iter)" : v);
        else
            out_comment_val(&o, v);
    }
    if (m->n_rows > 0) {
        out_str(&o, "\n# final_lnl: ");
        out_repr(&o, m->lnl);
    }
    out_str(&o, "\n# run_info:");
    for (a = 0; a < h->n_info; a++) {
        if (h->info[a].key[0] == '_') continue;
        out_str(&o, " ");
        out_comment_val(&o, h->info[a].key);
        out_str(&o, "=");
        out_comment_val(&o, h->info[a].val);
    }
    out_str(&o, "\nlocus\tcount\tlength\tfinal_prop\tfinal_conf\tunique_count\tinit_aligned\n");
    out_locus_row(&o, m, rep, K > 0 ? h->feat[0] : "__no_feature", 0, K > 0 ? 0 : -1);
    for (a = 0; a < m->n_aloc && !o.err; a++) {
        khint_t k = kh_get(str2i, col, m->aloc[a]);
        j = k == kh_end(col) ? -1 : kh_val(col, k);
        if (j >= 0) {
            if (seen[j]) continue; /* a locus listed twice: one row */
            seen[j] = 1;
        }
        out_locus_row(&o, m, rep, m->aloc[a], m->alen ? m->alen[a] : 0, j);
    }
    for (j = 1; j < K && !o.err; j++)
        if (!seen[j]) {
            tsc_warn("%s: column '%s' is not among the annotated loci; listed at the end",
                     name, h->feat[j]);
            out_locus_row(&o, m, rep, h->feat[j], h->flen ? h->flen[j] : 0, j);
        }
    ret = 0;
    goto out;
nomem:
    tsc_error("out of memory");
    o.err = ENOMEM;
out:
    kh_destroy(str2i, col);
    free(seen);
    return out_close(&o) < 0 ? -1 : ret;
}
