/* tsc_qc.c -- a run's QC: one self-contained HTML report (inline SVG, no script) and MultiQC
 * custom-content files. Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <htslib/khash.h>
#include "tsc_blocks.h"
#include "tsc_qc.h"
#include "tsc_reassign.h"

KHASH_MAP_INIT_STR(qcf, int)

static int64_t info(const tsc_hdr_t *h, const char *key)
{
    int64_t v;
    return tsc_hdr_get_info_int(h, key, &v) < 0 ? -1 : v;
}

void tsc_qc_free(tsc_qc_t *q)
{
    int i;
    if (!q) return;
    for (i = 0; i < q->n_fam; i++) free(q->fam[i]);
    free(q->fam), free(q->fam_count), free(q->fam_loci);
    q->fam = NULL, q->fam_count = NULL, q->fam_loci = NULL, q->n_fam = 0;
}

static const double *g_cnt; /* qsort context (single-threaded use) */
static int cmp_col(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    if (g_cnt[x] != g_cnt[y]) return g_cnt[x] > g_cnt[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

typedef struct { char *name; double c; int64_t n; } fam_t;
static int cmp_fam(const void *a, const void *b)
{
    const fam_t *x = a, *y = b;
    if (x->c != y->c) return x->c > y->c ? -1 : 1;
    return strcmp(x->name, y->name);
}

int tsc_qc_compute(tsc_mtx_t *m, const tsc_report_t *rep, const tsc_groups_t *g, const char *sample,
                   tsc_qc_t *q)
{
    const tsc_hdr_t *h = m->hdr;
    int64_t K = m->n_cols, j, b, *cols = NULL;
    khash_t(qcf) *fh = NULL;
    fam_t *fv = NULL;
    tsc_groups_t *own = NULL;
    char *buf = NULL;
    size_t mbuf = 0;
    int nf = 0, i, absent;
    memset(q, 0, sizeof(*q));
    q->sample = sample;
    q->total = info(h, "total_fragments"), q->pair_mapped = info(h, "pair_mapped");
    q->pair_mixed = info(h, "pair_mixed"), q->single_mapped = info(h, "single_mapped");
    q->unmapped = info(h, "unmapped"), q->unique = info(h, "unique"), q->ambig = info(h, "ambig");
    q->overlap_unique = info(h, "overlap_unique"), q->overlap_ambig = info(h, "overlap_ambig");
    q->iterations = (int)info(h, "_em_iterations"), q->converged = (int)info(h, "_em_converged");
    q->lnl = m->lnl;
    q->n_trace = m->n_trace, q->trace_diff = m->trace_diff, q->trace_lnl = m->trace_lnl;
    q->no_feature = K > 0 ? rep->count[0] : 0;
    for (j = 1; j < K; j++) {
        q->assigned += rep->count[j];
        q->n_loci_counted += rep->count[j] > 0;
    }
    /* top loci */
    if (!(cols = malloc((size_t)(K > 1 ? K - 1 : 1) * sizeof(int64_t)))) goto nomem;
    for (j = 1; j < K; j++) cols[j - 1] = j;
    g_cnt = rep->count;
    qsort(cols, (size_t)(K > 1 ? K - 1 : 0), sizeof(int64_t), cmp_col);
    for (j = 0; j < K - 1 && j < TSC_QC_TOP_LOCI && rep->count[cols[j]] > 0; j++) q->top[q->n_top++] = cols[j];
    /* families */
    if (!g) {
        tsc_agg_opt_t ao;
        tsc_agg_opt_init(&ao);
        if (!(own = tsc_groups_init(&ao))) goto fail;
        g = own;
    }
    q->fam_label = tsc_groups_label(g);
    if (!(fh = kh_init(qcf)) || !(fv = calloc((size_t)(K > 1 ? K : 1), sizeof(*fv)))) goto nomem;
    for (j = 1; j < K; j++) {
        const char *f = tsc_groups_get(g, h->feat[j], &buf, &mbuf);
        khint_t k;
        if (!f) goto nomem;
        k = kh_get(qcf, fh, f);
        if (k == kh_end(fh)) {
            if (!(fv[nf].name = strdup(f))) goto nomem;
            k = kh_put(qcf, fh, fv[nf].name, &absent);
            if (absent < 0) goto nomem;
            kh_val(fh, k) = nf++;
        }
        fv[kh_val(fh, k)].c += rep->count[j];
        fv[kh_val(fh, k)].n += rep->count[j] > 0;
    }
    qsort(fv, (size_t)nf, sizeof(*fv), cmp_fam);
    if (!(q->fam = calloc((size_t)(nf ? nf : 1), sizeof(char *))) || !(q->fam_count = calloc((size_t)(nf ? nf : 1), sizeof(double)))
        || !(q->fam_loci = calloc((size_t)(nf ? nf : 1), sizeof(int64_t)))) goto nomem;
    for (i = 0; i < nf; i++) q->fam[i] = fv[i].name, q->fam_count[i] = fv[i].c, q->fam_loci[i] = fv[i].n, fv[i].name = NULL;
    q->n_fam = nf;
    /* blocks */
    if (tsc_mtx2blocks(m) < 0) goto fail;
    q->n_blocks = 0;
    for (b = 0; b < m->n_blocks; b++) {
        int64_t nc = m->bcpt[b + 1] - m->bcpt[b], nr = m->brpt[b + 1] - m->brpt[b];
        int bin = 0;
        if (nc == 0 || nr == 0) continue; /* rows on the no-feature column only; loci without rows */
        q->n_blocks++;
        while (bin < TSC_QC_BLOCK_BINS - 1 && nc > (1 << bin)) bin++;
        q->block_hist[bin]++;
        if (nc > q->block_max_loci || (nc == q->block_max_loci && nr > q->block_max_rows)) q->block_max_loci = nc, q->block_max_rows = nr;
    }
    free(cols);
    for (i = 0; i < nf; i++) free(fv[i].name);
    free(fv);
    free(buf);
    kh_destroy(qcf, fh);
    tsc_groups_destroy(own);
    return 0;
nomem:
    tsc_error("out of memory");
fail:
    free(cols);
    if (fv) for (i = 0; i < nf; i++) free(fv[i].name);
    free(fv);
    free(buf);
    if (fh) kh_destroy(qcf, fh);
    tsc_groups_destroy(own);
    tsc_qc_free(q);
    return -1;
}

/* ---- HTML ---- */

static void esc(FILE *fp, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", fp); break;
        case '<': fputs("&lt;", fp); break;
        case '>': fputs("&gt;", fp); break;
        case '"': fputs("&quot;", fp); break;
        case '\'': fputs("&#39;", fp); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n') fputc('?', fp);
            else fputc(*s, fp);
        }
    }
}

static const char *fmt_num(double v, char *buf)
{
    if (v == floor(v) && fabs(v) < 1e15) snprintf(buf, 32, "%.0f", v);
    else snprintf(buf, 32, "%.2f", v);
    return buf;
}

#define C1 "#3b6ea5" /* first series */
#define C2 "#e3a33b" /* second series */
#define C3 "#9aa5b1" /* third */
#define C4 "#c8553d" /* fourth */

/* horizontal bars: N rows with a label and up to 3 stacked values */
static void svg_hbars(FILE *fp, const char *title, int n, const char *const *label, const double *v1,
                      const double *v2, const double *v3, const char *const *legend)
{
    const int lw = 190, bw = 420, rh = 20, top = 28;
    int i, hgt = top + n * rh + 30;
    double mx = 0;
    char nb[32];
    for (i = 0; i < n; i++) {
        double t = v1[i] + (v2 ? v2[i] : 0) + (v3 ? v3[i] : 0);
        if (t > mx) mx = t;
    }
    if (mx <= 0) mx = 1;
    fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n", lw + bw + 90, hgt);
    fputs("<title>", fp); esc(fp, title); fputs("</title>\n", fp);
    for (i = 0; legend && legend[i] && i < 3; i++) {
        static const char *col[] = { C1, C2, C3 };
        fprintf(fp, "<rect x=\"%d\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"17\">", lw + i * 140, col[i], lw + i * 140 + 16);
        esc(fp, legend[i]);
        fputs("</text>\n", fp);
    }
    for (i = 0; i < n; i++) {
        double x = lw, w;
        int y = top + i * rh;
        fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 6, y + 14);
        esc(fp, label[i]);
        fputs("</text>", fp);
        w = v1[i] / mx * bw;
        fprintf(fp, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"" C1 "\"/>", x, y + 2, w, rh - 4);
        x += w;
        if (v2) { w = v2[i] / mx * bw; fprintf(fp, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"" C2 "\"/>", x, y + 2, w, rh - 4); x += w; }
        if (v3) { w = v3[i] / mx * bw; fprintf(fp, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"" C3 "\"/>", x, y + 2, w, rh - 4); x += w; }
        fprintf(fp, "<text x=\"%.1f\" y=\"%d\">%s</text>\n", x + 4, y + 14,
                fmt_num(v1[i] + (v2 ? v2[i] : 0) + (v3 ? v3[i] : 0), nb));
    }
    fputs("</svg>\n", fp);
}

/* a line over iterations 1..N of Y (log10 when LOG), with its axis range */
static void svg_line(FILE *fp, const char *title, int64_t n, const double *y, int logy, const char *ylab)
{
    const int w = 640, hgt = 240, l = 70, r = 20, t = 20, bm = 40;
    double lo = INFINITY, hi = -INFINITY, pw = w - l - r, ph = hgt - t - bm;
    int64_t i;
    char nb[32];
    for (i = 0; i < n; i++) {
        double v = logy ? (y[i] > 0 ? log10(y[i]) : NAN) : y[i];
        if (isfinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    }
    if (!(lo <= hi)) lo = 0, hi = 1;
    if (hi - lo < 1e-12) lo -= 0.5, hi += 0.5;
    fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n", w, hgt);
    fputs("<title>", fp); esc(fp, title); fputs("</title>\n", fp);
    fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#ccc\"/>\n", l, t, pw, ph);
    fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s%s</text>\n", l - 4, t + 10, logy ? "1e" : "", logy ? fmt_num(round(hi), nb) : fmt_num(hi, nb));
    fprintf(fp, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"end\">%s", l - 4, t + ph, logy ? "1e" : "");
    fputs(logy ? fmt_num(round(lo), nb) : fmt_num(lo, nb), fp);
    fputs("</text>\n", fp);
    fprintf(fp, "<text x=\"%d\" y=\"%d\">1</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%lld</text>\n", l, hgt - bm + 16, w - r, hgt - bm + 16, (long long)n);
    fprintf(fp, "<text x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">iteration</text>\n", l + pw / 2, hgt - 6);
    fprintf(fp, "<text x=\"14\" y=\"%.0f\" transform=\"rotate(-90 14 %.0f)\" text-anchor=\"middle\">", t + ph / 2, t + ph / 2);
    esc(fp, ylab);
    fputs("</text>\n<polyline fill=\"none\" stroke=\"" C1 "\" stroke-width=\"2\" points=\"", fp);
    for (i = 0; i < n; i++) {
        double v = logy ? (y[i] > 0 ? log10(y[i]) : lo) : y[i];
        double x = l + (n > 1 ? (double)i / (double)(n - 1) : 0.5) * pw;
        fprintf(fp, "%.1f,%.1f ", x, t + ph - (v - lo) / (hi - lo) * ph);
    }
    fputs("\"/>\n</svg>\n", fp);
}

static void row2(FILE *fp, const char *k, const char *v)
{
    fputs("<tr><th>", fp); esc(fp, k); fputs("</th><td>", fp); esc(fp, v); fputs("</td></tr>\n", fp);
}

static void rowi(FILE *fp, const char *k, int64_t v, int64_t of)
{
    char b[64];
    if (v < 0) snprintf(b, sizeof b, "(not in the run info)");
    else if (of > 0) snprintf(b, sizeof b, "%lld (%.1f%%)", (long long)v, 100.0 * (double)v / (double)of);
    else snprintf(b, sizeof b, "%lld", (long long)v);
    row2(fp, k, b);
}

int tsc_qc_write_html(FILE *fp, const char *name, const tsc_mtx_t *m, const tsc_report_t *rep,
                      const tsc_qc_t *q, const char *prog, const char *cmdline)
{
    const tsc_hdr_t *h = m->hdr;
    char nb[64], tb[64];
    int i;
    time_t now = time(NULL);
    int64_t mapped = (q->pair_mapped >= 0 ? q->pair_mapped : 0) + (q->pair_mixed >= 0 ? q->pair_mixed : 0)
                     + (q->single_mapped >= 0 ? q->single_mapped : 0);
    int64_t ovl = (q->overlap_unique >= 0 ? q->overlap_unique : 0) + (q->overlap_ambig >= 0 ? q->overlap_ambig : 0);
    double notass = (double)m->n_rows - q->assigned - q->no_feature;
    strftime(tb, sizeof tb, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>tsc report: ", fp);
    esc(fp, q->sample);
    fputs("</title>\n<style>\n"
          "body{font-family:sans-serif;margin:2em auto;max-width:980px;color:#222}\n"
          "h1{font-size:1.5em;border-bottom:2px solid " C1 "}h2{font-size:1.15em;margin-top:1.6em;color:" C1 "}\n"
          "table{border-collapse:collapse;margin:.5em 0}th,td{padding:2px 10px;text-align:left;border-bottom:1px solid #eee}\n"
          "td{white-space:nowrap}td code{white-space:normal}td.n,th.n{text-align:right}svg text{font-size:12px;font-family:sans-serif}\n"
          ".note{color:#666;font-size:.9em}code{font-size:.9em;word-break:break-all}\n"
          "</style>\n</head>\n<body>\n<h1>tsc report: ", fp);
    esc(fp, q->sample);
    fputs("</h1>\n<p class=\"note\">Telescope's EM by tsc ", fp);
    esc(fp, TSC_VERSION);
    fputs(", written ", fp);
    esc(fp, tb);
    fputs(". Counts are those of TE_counts.tsv (reassignment mode ", fp);
    esc(fp, tsc_ra_mode_name(rep->mode));
    fputs(").</p>\n", fp);

    /* summary */
    fputs("<h2 id=\"summary\">Summary</h2>\n<table>\n", fp);
    rowi(fp, "fragments in the alignment file", q->total, 0);
    rowi(fp, "fragments that overlap a locus (matrix rows)", m->n_rows, q->total);
    row2(fp, "assigned to a locus", fmt_num(q->assigned, nb));
    row2(fp, "assigned to the no-feature key", fmt_num(q->no_feature, nb));
    row2(fp, "not assigned (ambiguous to the end, mode-dependent)", fmt_num(notass > 0 ? notass : 0, nb));
    snprintf(nb, sizeof nb, "%lld of %lld", (long long)q->n_loci_counted, (long long)(m->n_cols - 1));
    row2(fp, "loci with a count", nb);
    snprintf(nb, sizeof nb, "%s after %d iterations, lnl %.6f", q->converged ? "converged" : "stopped (max_iter)", q->iterations, q->lnl);
    row2(fp, "EM", nb);
    fputs("</table>\n", fp);

    /* fragment categories */
    fputs("<h2 id=\"fragments\">Fragment categories</h2>\n", fp);
    {
        const char *lab[] = { "mapped as pairs", "mapped as mixed", "mapped single", "failed to map", "one alignment (unique)",
                              "several alignments", "overlap one locus", "overlap several loci" };
        double v[8];
        int64_t raw[8] = { q->pair_mapped, q->pair_mixed, q->single_mapped, q->unmapped, q->unique, q->ambig, q->overlap_unique, q->overlap_ambig };
        for (i = 0; i < 8; i++) v[i] = raw[i] > 0 ? (double)raw[i] : 0;
        svg_hbars(fp, "Fragment categories", 8, lab, v, NULL, NULL, NULL);
        fputs("<table>\n", fp);
        rowi(fp, "total fragments", q->total, 0);
        for (i = 0; i < 4; i++) rowi(fp, lab[i], raw[i], q->total);
        for (i = 4; i < 6; i++) rowi(fp, lab[i], raw[i], mapped);
        for (i = 6; i < 8; i++) rowi(fp, lab[i], raw[i], ovl);
        fputs("</table>\n<p class=\"note\">Run-info counters of tsc-fetch (Telescope's Alignment Summary): the first four "
              "are shares of all fragments, the next two of the mapped ones, the last two of those overlapping the "
              "annotation.</p>\n", fp);
    }

    /* EM convergence */
    fputs("<h2 id=\"em\">EM convergence</h2>\n", fp);
    if (q->n_trace > 0) {
        svg_line(fp, "Change of pi per iteration (log scale)", q->n_trace, q->trace_diff, 1, "L1 change of pi");
        if (q->trace_lnl) svg_line(fp, "Log-likelihood per iteration", q->n_trace, q->trace_lnl, 0, "log-likelihood");
        fputs("<table>\n<tr><th class=\"n\">iteration</th><th class=\"n\">diff</th>", fp);
        if (q->trace_lnl) fputs("<th class=\"n\">lnl</th>", fp);
        fputs("</tr>\n", fp);
        for (i = 0; i < q->n_trace; i++) {
            if (q->n_trace > 12 && i >= 5 && i < q->n_trace - 5) {
                if (i == 5) fputs("<tr><td class=\"n\">...</td><td></td></tr>\n", fp);
                continue;
            }
            fprintf(fp, "<tr><td class=\"n\">%d</td><td class=\"n\">%.5g</td>", i + 1, q->trace_diff[i]);
            if (q->trace_lnl) fprintf(fp, "<td class=\"n\">%.5e</td>", q->trace_lnl[i]);
            fputs("</tr>\n", fp);
        }
        fputs("</table>\n", fp);
        if (!q->trace_lnl)
            fputs("<p class=\"note\">The log-likelihood is computed at each iteration only with --use_likelihood "
                  "(it costs a pass over the matrix); the final one is in the summary.</p>\n", fp);
    } else
        fputs("<p class=\"note\">This FIT stream has no convergence trace (written by an older tsc-em, or no "
              "iteration ran).</p>\n", fp);

    /* top loci */
    fputs("<h2 id=\"loci\">Top loci</h2>\n", fp);
    if (q->n_top > 0) {
        const char *lab[TSC_QC_TOP_LOCI];
        double u[TSC_QC_TOP_LOCI], a[TSC_QC_TOP_LOCI];
        const char *leg[] = { "unique fragments", "resolved by the EM", NULL };
        for (i = 0; i < q->n_top; i++) {
            int64_t c = q->top[i];
            double uc = (double)rep->unique_count[c];
            lab[i] = h->feat[c];
            u[i] = uc < rep->count[c] ? uc : rep->count[c];
            a[i] = rep->count[c] - u[i];
        }
        svg_hbars(fp, "Top loci: unique and ambiguous shares", q->n_top, lab, u, a, NULL, leg);
        fputs("<table>\n<tr><th>locus</th><th class=\"n\">count</th><th class=\"n\">unique</th><th class=\"n\">from ambiguous</th>"
              "<th class=\"n\">final_prop</th><th class=\"n\">length</th></tr>\n", fp);
        for (i = 0; i < q->n_top; i++) {
            int64_t c = q->top[i];
            fputs("<tr><td>", fp);
            esc(fp, h->feat[c]);
            fprintf(fp, "</td><td class=\"n\">%s</td>", fmt_num(rep->count[c], nb));
            fprintf(fp, "<td class=\"n\">%s</td>", fmt_num(u[i], nb));
            fprintf(fp, "<td class=\"n\">%s</td><td class=\"n\">%.4g</td><td class=\"n\">%lld</td></tr>\n", fmt_num(a[i], nb),
                    m->pi ? m->pi[c] : 0.0, (long long)h->flen[c]);
        }
        fputs("</table>\n", fp);
    } else
        fputs("<p class=\"note\">No locus has a count.</p>\n", fp);

    /* families */
    fputs("<h2 id=\"families\">Families</h2>\n", fp);
    if (q->n_fam > 0) {
        int n = q->n_fam < TSC_QC_TOP_FAMILIES ? q->n_fam : TSC_QC_TOP_FAMILIES;
        const char *lab[TSC_QC_TOP_FAMILIES + 1];
        double v[TSC_QC_TOP_FAMILIES + 1], rest = 0;
        for (i = 0; i < n; i++) lab[i] = q->fam[i], v[i] = q->fam_count[i];
        for (i = n; i < q->n_fam; i++) rest += q->fam_count[i];
        if (q->n_fam > n) lab[n] = "(other families)", v[n++] = rest;
        svg_hbars(fp, "Counts by family", n, lab, v, NULL, NULL, NULL);
        fputs("<table>\n<tr><th>", fp);
        esc(fp, q->fam_label);
        fputs("</th><th class=\"n\">count</th><th class=\"n\">share</th><th class=\"n\">loci with a count</th></tr>\n", fp);
        for (i = 0; i < q->n_fam; i++) {
            fputs("<tr><td>", fp);
            esc(fp, q->fam[i]);
            fprintf(fp, "</td><td class=\"n\">%s</td><td class=\"n\">%.1f%%</td><td class=\"n\">%lld</td></tr>\n", fmt_num(q->fam_count[i], nb),
                    q->assigned > 0 ? 100.0 * q->fam_count[i] / q->assigned : 0.0, (long long)q->fam_loci[i]);
        }
        fputs("</table>\n<p class=\"note\">Loci grouped by ", fp);
        esc(fp, q->fam_label);
        fputs(" (tsc-aggregate's rules; the no-feature key is left out).</p>\n", fp);
    } else
        fputs("<p class=\"note\">No locus in the matrix.</p>\n", fp);

    /* blocks */
    fputs("<h2 id=\"blocks\">Blocks</h2>\n", fp);
    {
        const char *lab[TSC_QC_BLOCK_BINS] = { "1 locus", "2 loci", "3-4 loci", "5-8 loci", "9-16 loci", "17-32 loci", "33-64 loci", "65+ loci" };
        double v[TSC_QC_BLOCK_BINS];
        for (i = 0; i < TSC_QC_BLOCK_BINS; i++) v[i] = (double)q->block_hist[i];
        svg_hbars(fp, "Blocks by number of loci", TSC_QC_BLOCK_BINS, lab, v, NULL, NULL, NULL);
        fprintf(fp, "<p class=\"note\">%lld independent blocks of loci (connected components of the fragment-locus graph "
                "without the no-feature column, as tsc-blocks finds them); the largest has %lld loci and %lld fragments.</p>\n",
                (long long)q->n_blocks, (long long)q->block_max_loci, (long long)q->block_max_rows);
    }

    /* provenance */
    fputs("<h2 id=\"provenance\">Command lines and versions</h2>\n<table>\n<tr><th>program</th><th>version</th><th>command line</th></tr>\n", fp);
    for (i = 0; i < h->n_prov; i++) {
        fputs("<tr><td>", fp); esc(fp, h->prov[i].prog);
        fputs("</td><td>", fp); esc(fp, h->prov[i].version);
        fputs("</td><td><code>", fp); esc(fp, h->prov[i].cmdline);
        fputs("</code></td></tr>\n", fp);
    }
    if (prog) {
        fputs("<tr><td>", fp); esc(fp, prog);
        fputs("</td><td>", fp); esc(fp, TSC_VERSION);
        fputs("</td><td><code>", fp); esc(fp, cmdline ? cmdline : "");
        fputs("</code></td></tr>\n", fp);
    }
    fputs("</table>\n<table>\n", fp);
    for (i = 0; i < h->n_info; i++)
        if (h->info[i].key[0] == '_') row2(fp, h->info[i].key, h->info[i].val);
    fputs("</table>\n</body>\n</html>\n", fp);
    if (ferror(fp)) {
        tsc_error("%s: write failed: %s", name, strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- MultiQC ---- */

static void json_str(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fprintf(fp, "\\%c", *s);
        else if ((unsigned char)*s < 0x20) fprintf(fp, "\\u%04x", (unsigned char)*s);
        else fputc(*s, fp);
    }
    fputc('"', fp);
}

static const char *json_num(double v, char *buf)
{
    if (!isfinite(v)) return "0";
    if (v == floor(v) && fabs(v) < 1e15) snprintf(buf, 32, "%.0f", v);
    else snprintf(buf, 32, "%.6g", v);
    return buf;
}

/* one section: a bar graph of N categories for the sample */
static int mqc_bar(const char *prefix, const char *id, const char *title, const char *desc, const char *ylab,
                   const tsc_qc_t *q, int n, const char *const *cat, const double *v)
{
    char *path = malloc(strlen(prefix) + strlen(id) + 32), *tmp = NULL, nb[32];
    FILE *fp = NULL;
    int i, ret = -1;
    if (!path || !(tmp = malloc(strlen(prefix) + strlen(id) + 40))) { tsc_error("out of memory"); goto done; }
    sprintf(path, "%s-%s_mqc.json", prefix, id);
    sprintf(tmp, "%s.tmp", path);
    if (!(fp = fopen(tmp, "w"))) { tsc_error("cannot write %s: %s", tmp, strerror(errno)); goto done; }
    fputs("{\n  \"id\": ", fp); json_str(fp, id);
    fputs(",\n  \"parent_id\": \"tsc\",\n  \"parent_name\": \"tsc (Telescope in C)\",\n"
          "  \"parent_description\": \"Transposable-element expression per locus: Telescope's EM by tsc.\",\n"
          "  \"section_name\": ", fp);
    json_str(fp, title);
    fputs(",\n  \"description\": ", fp); json_str(fp, desc);
    fputs(",\n  \"plot_type\": \"bargraph\",\n  \"pconfig\": {\"id\": ", fp);
    {
        char pid[80];
        snprintf(pid, sizeof pid, "%s_plot", id);
        json_str(fp, pid);
    }
    fputs(", \"title\": ", fp); json_str(fp, title);
    fputs(", \"ylab\": ", fp); json_str(fp, ylab);
    fputs("},\n  \"data\": {\n    ", fp);
    json_str(fp, q->sample);
    fputs(": {", fp);
    for (i = 0; i < n; i++) {
        if (i) fputs(", ", fp);
        json_str(fp, cat[i]);
        fprintf(fp, ": %s", json_num(v[i], nb));
    }
    fputs("}\n  }\n}\n", fp);
    if (ferror(fp) | (fclose(fp) != 0)) { fp = NULL; tsc_error("%s: write failed: %s", path, strerror(errno)); goto done; }
    fp = NULL;
    if (rename(tmp, path) < 0) { tsc_error("cannot rename %s to %s: %s", tmp, path, strerror(errno)); goto done; }
    ret = 0;
done:
    if (fp) fclose(fp);
    if (ret < 0 && tmp) remove(tmp);
    free(path);
    free(tmp);
    return ret;
}

int tsc_qc_write_multiqc(const char *prefix, const tsc_qc_t *q)
{
    int64_t mapped_other = 0, ovl = (q->overlap_unique > 0 ? q->overlap_unique : 0) + (q->overlap_ambig > 0 ? q->overlap_ambig : 0);
    int64_t mapped = (q->pair_mapped > 0 ? q->pair_mapped : 0) + (q->pair_mixed > 0 ? q->pair_mixed : 0) + (q->single_mapped > 0 ? q->single_mapped : 0);
    double v[TSC_QC_TOP_FAMILIES + 1], rest = 0, notass;
    const char *cat[TSC_QC_TOP_FAMILIES + 1];
    int i, n;
    mapped_other = mapped - ovl;
    {
        const char *c[] = { "overlap one locus", "overlap several loci", "mapped, no locus", "failed to map" };
        double w[] = { (double)(q->overlap_unique > 0 ? q->overlap_unique : 0), (double)(q->overlap_ambig > 0 ? q->overlap_ambig : 0),
                       (double)(mapped_other > 0 ? mapped_other : 0), (double)(q->unmapped > 0 ? q->unmapped : 0) };
        if (mqc_bar(prefix, "tsc_fragments", "Fragment categories",
                    "Fragments of the alignment file (tsc-fetch's run-info counters): overlapping one or several annotated loci, mapped elsewhere, unmapped.",
                    "fragments", q, 4, c, w) < 0) return -1;
    }
    notass = (double)ovl - q->assigned - q->no_feature;
    {
        const char *c[] = { "assigned to a locus", "no feature", "not assigned" };
        double w[] = { q->assigned, q->no_feature, notass > 0 ? notass : 0 };
        if (mqc_bar(prefix, "tsc_assignment", "Assignment",
                    "Fragments overlapping the annotation after the EM (TE_counts.tsv): assigned to a TE locus, to the no-feature key, or left unassigned by the reassignment mode.",
                    "fragments", q, 3, c, w) < 0) return -1;
    }
    n = q->n_fam < TSC_QC_TOP_FAMILIES ? q->n_fam : TSC_QC_TOP_FAMILIES;
    for (i = 0; i < n; i++) cat[i] = q->fam[i], v[i] = q->fam_count[i];
    for (i = n; i < q->n_fam; i++) rest += q->fam_count[i];
    if (q->n_fam > n) cat[n] = "other", v[n++] = rest;
    {
        char desc[160];
        snprintf(desc, sizeof desc, "Fragments assigned to each family of loci (grouped by %s), the largest first in each sample.", q->fam_label);
        if (mqc_bar(prefix, "tsc_families", "Top families", desc, "fragments", q, n, cat, v) < 0) return -1;
    }
    return 0;
}
