/* tsc-sccount -- single-cell counts as Stellarscope: the EM of a pooling mode (pseudobulk, one per
 * cell, one per cell type), the seven reassignment modes, per-barcode Matrix Market files,
 * barcodes, features, stats, and a 10x-style folder.
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <math.h>
#include <htslib/kstring.h>
#include "tsc_matrix.h"
#include "tsc_scq.h"
#include "tsc_scem.h"
#include "tsc_run.h"

static void usage(FILE *fp, const tsc_scq_opt_t *o)
{
    fprintf(fp,
"Usage: tsc-sccount [options] -p PREFIX [HITS]\n"
"Single-cell counts from a HITS stream with barcodes (tsc-fetch --sc, then tsc-dedup), as\n"
"Stellarscope: the EM of a pooling mode, reassignment, counts per barcode. Writes\n"
"PREFIX-TE_counts.mtx (first mode), PREFIX-TE_counts.MODE.mtx (the others), PREFIX-barcodes.tsv,\n"
"PREFIX-features.tsv, PREFIX-stats.final.tsv. HITS '-' or absent: stdin.\n"
"\n"
"Options:\n"
"  -p, --prefix PREFIX       output prefix (required)\n"
"      --pooling-mode MODE   pseudobulk (one EM over all cells), individual (one per cell),\n"
"                            celltype (one per cell type of --celltype-tsv) [pseudobulk]\n"
"      --celltype-tsv FILE   BARCODE<TAB>CELLTYPE lines (celltype pooling)\n"
"  -t, --threads N           threads for the per-cell/per-celltype EM [1]\n"
"      --backend B           omp or opencl (per-cell/per-celltype EM) [omp]\n"
"      --platform N, --device N  OpenCL platform and device [first that works]\n"
"      --reassign-mode LIST  comma-separated: best_exclude, best_conf, best_random, best_average,\n"
"                            initial_unique, initial_random, total_hits [best_exclude]\n"
"      --use-every-reassign-mode  append every mode not listed, in the order above\n"
"      --conf-prob F         best_conf threshold, in (0.5, 1] [%g]\n"
"      --pi-prior F          [%g]\n"
"      --theta-prior F       [%g]\n"
"      --em-epsilon F        [%g]\n"
"      --max-iter N          [%d]\n"
"      --use-likelihood      converge on the change in log-likelihood\n"
"      --umi-counts          count barcode+UMI pairs instead of reads (real values)\n"
"      --seed N              seed of the random stream (best_random, initial_random) [0]\n"
"      --no-feature-key STR  name of column 0 [__no_feature]\n"
"      --skip-em             only the statistics (no model, no counts)\n"
"      --10x DIR             also write DIR/matrix.mtx.gz, barcodes.tsv.gz, features.tsv.gz (first mode)\n"
"      --comment TEXT        a comment line for the MTX headers (repeatable)\n"
"      --stats-head FILE     lines to put first in the stats file (the driver's options)\n"
"      --no-align-stats      leave out the AlignInfo section\n"
"      --no-umi-stats        leave out the UMIInfo section\n"
"      --log-level N         also log Stellarscope's model lines (Models to fit, ...N models\n"
"                            fitted, the pooling statistics) as tsc-sc's log at level N (3: INFO)\n"
"      --posteriors FILE     write the model's z and the first mode's reassignment on every cell\n"
"                            (a MATRIX stream with ZFIN and RFIN) for tsc-tag --sc\n"
"  -v, --verbose             more messages\n"
"  -h, --help                this help\n"
"  -V, --version             print the version\n"
"See tsc-sc(1).\n", o->conf_prob, o->pi_prior, o->theta_prior, o->em_epsilon, o->max_iter);
}

static char *path_of(const char *prefix, const char *suffix)
{
    kstring_t ks = { 0, 0, NULL };
    ksprintf(&ks, "%s-%s", prefix, suffix);
    return ks.s;
}

static int write_lines(const char *path, char *const *s, int64_t n, int gz, int tenx)
{
    if (gz) {
        gzFile g = gzopen(path, "wb");
        int bad = !g;
        for (int64_t i = 0; i < n && !bad; i++)
            bad = tenx ? gzprintf(g, "%s\t%s\tGene Expression\n", s[i], s[i]) <= 0 : gzprintf(g, "%s\n", s[i]) <= 0;
        if (g && gzclose(g) != Z_OK) bad = 1;
        if (bad) tsc_error("cannot write %s", path);
        return bad ? -1 : 0;
    }
    FILE *fp = fopen(path, "w");
    if (!fp) { tsc_error("cannot write %s: %s", path, strerror(errno)); return -1; }
    for (int64_t i = 0; i < n; i++) fprintf(fp, "%s\n", s[i]);
    if (n == 0) fputc('\n', fp); /* as Stellarscope: an empty list is one empty line */
    if (fclose(fp) != 0) { tsc_error("cannot write %s: %s", path, strerror(errno)); return -1; }
    return 0;
}

static const char *info(const tsc_hdr_t *h, const char *k) { const char *v = tsc_hdr_get_info(h, k); return v ? v : ""; }

static void stats_kv(kstring_t *ks, const char *stage, const char *mode, const char *var, const char *val)
{
    ksprintf(ks, "%s\t%s\t%s\t%s\n", stage, mode, var, val);
}

static const char *const pool_names[3] = { "pseudobulk", "individual", "celltype" };

/* Stellarscope's model lines at LEVEL (3 INFO, 4 DEBUG): in the driver's log format when
 * --log-level was given (tsc-sc; LV > 0), else as this tool's info/debug messages */
static void mlog(int lv, int level, const char *fmt, ...) TSC_PRINTF(3, 4);
static void mlog(int lv, int level, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (lv > 0) tsc_drv_log(level, "%s", buf);
    else if (level >= 4) tsc_debug("%s", buf);
    else tsc_info("%s", buf);
}

/* numpy's repr of a float128 (x87 long double): the shortest decimal that reads back, positional
 * for 1e-4 <= |x| < 1e16 */
static char *repr_ldouble(long double x, char *buf)
{
    char tmp[64], digits[32], *e, *p = buf;
    int prec, exp10, nd = 0, i;
    if (isnan(x) || isinf(x) || x == 0) return tsc_repr_double((double)x, buf);
    for (prec = 1; prec < 21; prec++) {
        snprintf(tmp, sizeof tmp, "%.*Le", prec - 1, x);
        if (strtold(tmp, NULL) == x) break;
    }
    e = strchr(tmp, 'e');
    exp10 = atoi(e + 1);
    for (i = (tmp[0] == '-'); tmp + i < e; i++) if (tmp[i] != '.') digits[nd++] = tmp[i];
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    digits[nd] = 0;
    if (x < 0) *p++ = '-';
    if (exp10 < -4 || exp10 >= 16) {
        *p++ = digits[0];
        if (nd > 1) { *p++ = '.'; memcpy(p, digits + 1, (size_t)nd - 1); p += nd - 1; }
        sprintf(p, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
    } else if (exp10 < 0) {
        *p++ = '0'; *p++ = '.';
        for (i = 0; i < -exp10 - 1; i++) *p++ = '0';
        memcpy(p, digits, (size_t)nd); p += nd;
        *p = 0;
    } else {
        for (i = 0; i <= exp10; i++) *p++ = i < nd ? digits[i] : '0';
        *p++ = '.';
        if (nd > exp10 + 1) { memcpy(p, digits + exp10 + 1, (size_t)(nd - exp10 - 1)); p += nd - exp10 - 1; }
        else *p++ = '0';
        *p = 0;
    }
    return buf;
}

typedef struct { int pool, threads, opencl, platform, device, loglv; const char *ctsv; } pool_opt_t;

/* "...N models fitted" every STEP models (as models finish, largest first) */
typedef struct { int loglv; int64_t step; } progress_t;
static void progress(void *arg, int64_t n)
{
    const progress_t *p = arg;
    if (n % p->step == 0) mlog(p->loglv, 3, "        ...%" PRId64 " models fitted", n);
}

/* individual or celltype pooling (stellarscope-spec §8.1, §8.3-§8.5): one EM per model, the
 * summed z in FIT, the PoolInfo rows into ST */
static int fit_pooled(const tsc_scmat_t *m, const tsc_scq_opt_t *o, const pool_opt_t *po, tsc_scfit_t *fit, kstring_t *st)
{
    tsc_scmodels_t md;
    tsc_scmfit_t *fits = NULL;
    int64_t nnz = m->ptr[m->n], step, fitted = 0, nobs = 0, npar = 0;
    long double tl = 0.0L;
    int ret = -1;
    double t0 = tsc_realtime();
    memset(fit, 0, sizeof(*fit));
    if ((po->pool == 1 ? tsc_scmodels_individual(m, &md) : tsc_scmodels_celltype(m, po->ctsv, &md)) < 0) return -1;
    if (!(fit->z = calloc((size_t)nnz + 1, sizeof(double))) || !(fit->zset = calloc((size_t)nnz + 1, 1)) ||
        !(fits = calloc((size_t)md.n_model + 1, sizeof(*fits)))) {
        tsc_error("out of memory");
        goto end;
    }
    mlog(po->loglv, 3, "Models to fit: %" PRId64, md.n_model);
    step = md.n_model > 100 ? 100 : 10;
    if (po->opencl) {
        int r = tsc_scem_fit_opencl(m, &md, o, po->threads, po->platform, po->device, fit->z, fit->zset, fits);
        if (r < 0) {
            if (r == -2) tsc_error("no OpenCL device for the per-cell/per-celltype EM: use --backend omp");
            goto end;
        }
        for (int64_t g = 0; g < md.n_model; g++) {
            if (md.rptr[g + 1] == md.rptr[g]) mlog(po->loglv, 3, "        ...not fitting \"%s\" -> no reads found", md.name[g]);
            if ((g + 1) % step == 0) mlog(po->loglv, 3, "        ...%" PRId64 " models fitted", g + 1);
        }
    } else {
        progress_t pr = { po->loglv, step };
        for (int64_t g = 0; g < md.n_model; g++)
            if (md.rptr[g + 1] == md.rptr[g]) mlog(po->loglv, 3, "        ...not fitting \"%s\" -> no reads found", md.name[g]);
        if (tsc_scem_fit_cpu_progress(m, &md, o, po->threads, fit->z, fit->zset, fits, progress, &pr) < 0) goto end;
    }
    /* PoolInfo (§8.5): total_lnl summed in long double (numpy's float128) in model order */
    for (int64_t g = 0; g < md.n_model; g++) {
        if (!fits[g].iterations) continue;
        mlog(po->loglv, 4, "model %s: %d iterations, %s, lnL %.17g, %" PRId64 " observations, %" PRId64 " features",
             md.name[g], fits[g].iterations, fits[g].converged ? "converged" : "not converged", fits[g].lnl, fits[g].nobs,
             fits[g].nfeats);
        fitted++;
        nobs += fits[g].nobs;
        npar += 2 * fits[g].nfeats;
        tl += (long double)fits[g].lnl;
    }
    {
        long double aic = (long double)(2 * npar) - 2.0L * tl;
        long double bic = (long double)((double)npar * log((double)nobs)) - 2.0L * tl;
        const char *pn = pool_names[po->pool];
        char b[64];
        if (!fitted) aic = bic = 0.0L;
        ksprintf(st, "PoolInfo\t%s\tAIC\t%s\n", pn, repr_ldouble(aic, b));
        ksprintf(st, "PoolInfo\t%s\tBIC\t%s\n", pn, repr_ldouble(bic, b));
        ksprintf(st, "PoolInfo\t%s\tfitted_models\t%" PRId64 "\n", pn, fitted);
        ksprintf(st, "PoolInfo\t%s\ttotal_lnl\t%s\n", pn, repr_ldouble(tl, b));
        ksprintf(st, "PoolInfo\t%s\ttotal_obs\t%" PRId64 "\n", pn, nobs);
        ksprintf(st, "PoolInfo\t%s\ttotal_params\t%" PRId64 "\n", pn, npar);
        mlog(po->loglv, 3, "Complete data log-likelihood (lnL): %s", tsc_repr_double((double)tl, b));
        mlog(po->loglv, 3, "  Number of models estimated: %" PRId64, fitted);
        mlog(po->loglv, 3, "  Total observations: %" PRId64, nobs);
        mlog(po->loglv, 3, "  Total parameters estimated: %" PRId64, npar);
        mlog(po->loglv, 3, "    AIC: %s", tsc_repr_double((double)aic, b));
        mlog(po->loglv, 3, "    BIC: %s", tsc_repr_double((double)bic, b));
    }
    {   /* for benchmarks: models, cells and fragments per second */
        int64_t ncell = 0, nrow = md.rptr[md.n_model];
        uint8_t *seen = calloc((size_t)m->n_bc + 1, 1);
        if (seen) for (int64_t r = 0; r < nrow; r++) if (!seen[m->bc[md.rows[r]]]) { seen[m->bc[md.rows[r]]] = 1; ncell++; }
        free(seen);
        tsc_info("%s: %" PRId64 " models fitted (%" PRId64 " cells, %" PRId64 " fragments) in %.3f s on %s, %d thread%s",
                 pool_names[po->pool], fitted, ncell, nrow, tsc_realtime() - t0, po->opencl ? "OpenCL" : "OpenMP",
                 po->threads, po->threads == 1 ? "" : "s");
    }
    ret = 0;
end:
    if (ret < 0) tsc_scfit_free(fit);
    free(fits);
    tsc_scmodels_free(&md);
    return ret;
}

/* --posteriors: the first mode's R and the model's z on every cell, with the matrix, fragment
 * ordinals and names, as a MATRIX stream (ZFIN, RFIN) for tsc-tag --sc (the updated BAM) */
static int write_posteriors(const char *path, const tsc_hittab_t *t, const tsc_scmat_t *m, const tsc_scfit_t *fit,
                            double *r)
{
    tsc_mtx_t *x = tsc_mtx_init(TSC_KIND_MATRIX);
    int64_t nnz = m->ptr[m->n];
    int ret = -1, names = 1;
    if (!x) goto nomem;
    tsc_hdr_destroy(x->hdr);
    if (!(x->hdr = tsc_hdr_dup(t->hdr))) goto nomem;
    x->hdr->kind = TSC_KIND_MATRIX;
    tsc_hdr_clear_features(x->hdr);
    if (tsc_hdr_add_feature(x->hdr, m->feat[0], 0) < 0) goto nomem;
    for (int32_t j = 0; j < t->hdr->n_feat; j++)
        if (tsc_hdr_add_feature(x->hdr, t->hdr->feat[j], t->hdr->flen[j]) < 0) goto nomem;
    x->n_rows = m->n; x->n_cols = m->k; x->nnz = nnz;
    if (!(x->score = malloc(((size_t)nnz + 1) * sizeof(uint32_t)))) goto nomem;
    for (int64_t c = 0; c < nnz; c++) x->score[c] = (uint32_t)m->raw[c];
    for (int64_t i = 0; i < t->n; i++) names &= t->name[i] != NULL;
    x->indptr = m->ptr; x->indices = m->col; x->frag = t->frag; x->names = names ? t->name : NULL;
    x->aloc = t->hdr->feat; x->alen = t->hdr->flen; x->n_aloc = t->hdr->n_feat;
    x->z = fit->z; x->r = r;
    if (fit->z && fit->zset) for (int64_t c = 0; c < nnz; c++) if (!fit->zset[c]) fit->z[c] = 0.0;
    if (!fit->z) { tsc_error("no model: nothing to write to %s", path); goto end; }
    ret = tsc_mtx_write(path, x);
    goto end;
nomem:
    tsc_error("out of memory");
end:
    if (x) { /* borrowed arrays */
        x->indptr = NULL; x->indices = NULL; x->frag = NULL; x->names = NULL; x->aloc = NULL; x->alen = NULL;
        x->z = NULL; x->r = NULL; x->n_aloc = 0;
        tsc_mtx_destroy(x);
    }
    return ret;
}

int main(int argc, char *argv[])
{
    enum { O_POOL = 1000, O_RM, O_ALL, O_CONF, O_PI, O_TH, O_EPS, O_MAXIT, O_LIK, O_UMIC, O_SEED, O_NFK, O_SKIP,
           O_10X, O_COMM, O_SHEAD, O_NOALN, O_NOUMI, O_CTSV, O_BACKEND, O_PLAT, O_DEV, O_LOGLV, O_POST };
    static const struct option lopts[] = {
        { "prefix", 1, NULL, 'p' }, { "pooling-mode", 1, NULL, O_POOL }, { "reassign-mode", 1, NULL, O_RM },
        { "use-every-reassign-mode", 0, NULL, O_ALL }, { "conf-prob", 1, NULL, O_CONF }, { "pi-prior", 1, NULL, O_PI },
        { "theta-prior", 1, NULL, O_TH }, { "em-epsilon", 1, NULL, O_EPS }, { "max-iter", 1, NULL, O_MAXIT },
        { "use-likelihood", 0, NULL, O_LIK }, { "umi-counts", 0, NULL, O_UMIC }, { "seed", 1, NULL, O_SEED },
        { "no-feature-key", 1, NULL, O_NFK }, { "skip-em", 0, NULL, O_SKIP }, { "10x", 1, NULL, O_10X },
        { "comment", 1, NULL, O_COMM }, { "stats-head", 1, NULL, O_SHEAD }, { "no-align-stats", 0, NULL, O_NOALN },
        { "no-umi-stats", 0, NULL, O_NOUMI }, { "celltype-tsv", 1, NULL, O_CTSV }, { "threads", 1, NULL, 't' },
        { "backend", 1, NULL, O_BACKEND }, { "platform", 1, NULL, O_PLAT }, { "device", 1, NULL, O_DEV },
        { "log-level", 1, NULL, O_LOGLV }, { "posteriors", 1, NULL, O_POST }, TSC_LONGOPT_GLOBAL, { NULL, 0, NULL, 0 }
    };
    tsc_scq_opt_t o;
    const char *prefix = NULL, *in, *nfk = "__no_feature", *tenx = NULL, *shead = NULL, *rm = NULL, *post = NULL;
    int c, ret = 1, all = 0, skip = 0, noaln = 0, noumi = 0;
    kstring_t comment = { 0, 0, NULL }, st = { 0, 0, NULL };
    tsc_hittab_t *t = NULL;
    tsc_scmat_t *m = NULL;
    tsc_scfit_t fit;
    tsc_sccounts_t cnt[16];
    char *p = NULL;
    pool_opt_t po = { 0, 1, 0, -1, -1, 0, NULL };
    memset(&fit, 0, sizeof(fit));
    memset(cnt, 0, sizeof(cnt));

    tsc_set_progname("tsc-sccount");
    tsc_scq_opt_init(&o);
    while ((c = getopt_long(argc, argv, "p:t:" TSC_GETOPT_GLOBAL, lopts, NULL)) >= 0) {
        switch (c) {
        case 'p': prefix = optarg; break;
        case O_POOL:
            for (po.pool = 0; po.pool < 3 && strcmp(optarg, pool_names[po.pool]) != 0; po.pool++) {}
            if (po.pool == 3) return tsc_usage_error("--pooling-mode: '%s' is not pseudobulk, individual or celltype", optarg);
            break;
        case O_CTSV: po.ctsv = optarg; break;
        case 't': if (tsc_parse_int(optarg, 1, 1024, &po.threads) < 0) return tsc_usage_error("--threads: '%s' is not an integer in 1..1024", optarg); break;
        case O_BACKEND:
            if (strcmp(optarg, "omp") == 0) po.opencl = 0;
            else if (strcmp(optarg, "opencl") == 0) po.opencl = 1;
            else return tsc_usage_error("--backend: '%s' is not omp or opencl", optarg);
            break;
        case O_PLAT: if (tsc_parse_int(optarg, 0, 1000, &po.platform) < 0) return tsc_usage_error("--platform: '%s' is not a non-negative integer", optarg); break;
        case O_DEV: if (tsc_parse_int(optarg, 0, 1000, &po.device) < 0) return tsc_usage_error("--device: '%s' is not a non-negative integer", optarg); break;
        case O_LOGLV: if (tsc_parse_int(optarg, 1, 4, &po.loglv) < 0) return tsc_usage_error("--log-level: '%s' is not 1..4", optarg); break;
        case O_RM: rm = optarg; break;
        case O_ALL: all = 1; break;
        case O_CONF:
            if (tsc_parse_double(optarg, -1e300, 1e300, &o.conf_prob) < 0 || !(o.conf_prob > 0.5 && o.conf_prob <= 1.0))
                return tsc_usage_error("--conf-prob: '%s' is not a number in (0.5, 1]", optarg);
            break;
        case O_PI: if (tsc_parse_double(optarg, 0, 1e300, &o.pi_prior) < 0) return tsc_usage_error("--pi-prior: '%s' is not a non-negative number", optarg); break;
        case O_TH: if (tsc_parse_double(optarg, 0, 1e300, &o.theta_prior) < 0) return tsc_usage_error("--theta-prior: '%s' is not a non-negative number", optarg); break;
        case O_EPS: if (tsc_parse_double(optarg, 0, 1e300, &o.em_epsilon) < 0) return tsc_usage_error("--em-epsilon: '%s' is not a non-negative number", optarg); break;
        case O_MAXIT: if (tsc_parse_int(optarg, 1, 1000000000, &o.max_iter) < 0) return tsc_usage_error("--max-iter: '%s' is not a positive integer", optarg); break;
        case O_LIK: o.use_likelihood = 1; break;
        case O_UMIC: o.umi_counts = 1; break;
        case O_SEED: {
            int64_t s;
            if (tsc_parse_int64(optarg, 0, INT64_MAX, &s) < 0) return tsc_usage_error("--seed: '%s' is not a non-negative integer", optarg);
            o.seed = (uint64_t)s;
            break;
        }
        case O_NFK: nfk = optarg; break;
        case O_SKIP: skip = 1; break;
        case O_10X: tenx = optarg; break;
        case O_COMM: if (comment.l) kputs("\n ", &comment); kputs(optarg, &comment); break;
        case O_SHEAD: shead = optarg; break;
        case O_NOALN: noaln = 1; break;
        case O_NOUMI: noumi = 1; break;
        case O_POST: post = optarg; break;
        case 'v': tsc_set_verbosity(tsc_verbosity() + 1); break;
        case 'h': usage(stdout, &o); return tsc_close_stdout() ? 1 : 0;
        case 'V': tsc_print_version(); return tsc_close_stdout() ? 1 : 0;
        default: return tsc_usage_error("unknown option");
        }
    }
    if (!prefix) return tsc_usage_error("no output prefix (-p PREFIX)");
    if (po.pool == 2 && !po.ctsv) return tsc_usage_error("--pooling-mode celltype needs --celltype-tsv FILE");
    if (po.loglv) tsc_drv_set_level(po.loglv);
    if (rm) {
        char *s = strdup(rm), *tok, *save = NULL;
        o.n_mode = 0;
        for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            int md = tsc_scq_mode_parse(tok);
            if (md < 0) {
                int e = tsc_usage_error("--reassign-mode: '%s' is not one of best_exclude, best_conf, best_random, "
                                        "best_average, initial_unique, initial_random, total_hits", tok);
                free(s);
                return e;
            }
            int dup = 0;
            for (int i = 0; i < o.n_mode; i++) dup |= o.mode[i] == md;
            if (dup) { int e = tsc_usage_error("--reassign-mode: '%s' is listed twice", tok); free(s); return e; }
            o.mode[o.n_mode++] = md;
        }
        free(s);
        if (o.n_mode == 0) return tsc_usage_error("--reassign-mode: no mode given");
    }
    if (all)
        for (int md = 0; md < TSC_RM_N; md++) {
            int have = 0;
            for (int i = 0; i < o.n_mode; i++) have |= o.mode[i] == md;
            if (!have) o.mode[o.n_mode++] = md;
        }
    if (!(in = tsc_input_arg(argc, argv, optind))) return 2;

    if (!(t = tsc_hittab_read(in, 0))) goto end;
    const tsc_hdr_t *h = t->hdr;
    /* statistics: the driver's head, AlignInfo, UMIInfo */
    if (shead) {
        FILE *fp = fopen(shead, "r");
        char buf[4096];
        size_t n;
        if (!fp) { tsc_error("cannot open %s: %s", shead, strerror(errno)); goto end; }
        while ((n = fread(buf, 1, sizeof buf, fp)) > 0) kputsn(buf, n, &st);
        fclose(fp);
    } else kputs("stage\tmode\tvar\tvalue\n", &st);
    if (!noaln && tsc_hdr_get_info(h, "sc_total_fragments")) {
        static const char *const ak[10] = { "loc_ambig", "loc_unique", "maxAS", "minAS", "noloc_ambig", "noloc_unique",
                                            "paired", "single", "total_fragments", "unmapped" };
        for (int i = 0; i < 10; i++) {
            char key[64];
            if (strcmp(ak[i], "maxAS") == 0) snprintf(key, sizeof key, "_max_as");
            else if (strcmp(ak[i], "minAS") == 0) snprintf(key, sizeof key, "_min_as");
            else snprintf(key, sizeof key, "sc_%s", ak[i]);
            stats_kv(&st, "AlignInfo", "", ak[i], info(h, key));
        }
    }
    if (!noumi && tsc_hdr_get_info(h, "umi_num_umi")) {
        static const char *const uk[7] = { "dup_umi", "max_comps", "max_rpu", "nexclude", "num_umi", "possible_dups", "uni_umi" };
        for (int i = 0; i < 7; i++) {
            char key[64];
            snprintf(key, sizeof key, "umi_%s", uk[i]);
            stats_kv(&st, "UMIInfo", "", uk[i], info(h, key));
        }
        for (int pass = 0; pass < 2; pass++) {
            char *s = strdup(info(h, pass ? "umi_compdist" : "umi_umidist")), *tok, *save = NULL;
            for (tok = strtok_r(s, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
                char *e = strchr(tok, '=');
                if (!e) continue;
                *e = 0;
                stats_kv(&st, "UMIInfo", pass ? "compdist" : "umidist", tok, e + 1);
            }
            free(s);
        }
    }
    if (skip) goto stats;

    if (!(m = tsc_scmat_build(t, nfk))) goto end;
    if (!post) { /* --posteriors needs the fragments' ordinals and names */
        tsc_hittab_destroy(t);
        t = NULL;
    } else if (!(o.r_first = malloc(((size_t)m->ptr[m->n] + 1) * sizeof(double)))) { tsc_error("out of memory"); goto end; }
    if (po.pool != 0) {
        if (fit_pooled(m, &o, &po, &fit, &st) < 0) goto end;
    } else {
        if (tsc_scq_fit(m, &o, &fit) < 0) goto end;
        tsc_info("pseudobulk: %d iterations, %s; lnL %.17g", fit.iterations, fit.converged ? "converged" : "not converged", fit.lnl);
        {
            char b[40];
            stats_kv(&st, "PoolInfo", "pseudobulk", "AIC", tsc_repr_double(fit.aic, b));
            stats_kv(&st, "PoolInfo", "pseudobulk", "BIC", tsc_repr_double(fit.bic, b));
            stats_kv(&st, "PoolInfo", "pseudobulk", "fitted_models", fit.nobs ? "1" : "0");
            stats_kv(&st, "PoolInfo", "pseudobulk", "total_lnl", tsc_repr_double(fit.lnl, b));
            snprintf(b, sizeof b, "%" PRId64, fit.nobs);
            stats_kv(&st, "PoolInfo", "pseudobulk", "total_obs", b);
            snprintf(b, sizeof b, "%" PRId64, 2 * fit.nfeats);
            stats_kv(&st, "PoolInfo", "pseudobulk", "total_params", b);
        }
    }
    if (tsc_scq_reassign(m, &fit, &o, cnt) < 0) goto end;
    if (post && write_posteriors(post, t, m, &fit, o.r_first) < 0) goto end;
    for (int i = 0; i < o.n_mode; i++) {
        char b[32];
        const char *mn = tsc_scq_mode_name(cnt[i].mode);
        snprintf(b, sizeof b, "%" PRId64, cnt[i].ambiguous); stats_kv(&st, "ReassignInfo", mn, "ambiguous", b);
        snprintf(b, sizeof b, "%" PRId64, cnt[i].assigned); stats_kv(&st, "ReassignInfo", mn, "assigned", b);
        snprintf(b, sizeof b, "%" PRId64, cnt[i].unaligned); stats_kv(&st, "ReassignInfo", mn, "unaligned", b);
    }
    /* outputs */
    free(p);
    if (write_lines(p = path_of(prefix, "barcodes.tsv"), m->barcodes, m->n_bc, 0, 0) < 0) goto end;
    free(p);
    if (write_lines(p = path_of(prefix, "features.tsv"), m->feat, m->k, 0, 0) < 0) goto end;
    for (int i = 0; i < o.n_mode; i++) {
        kstring_t ks = { 0, 0, NULL }, cm = { 0, 0, NULL };
        if (i == 0) ksprintf(&ks, "%s-TE_counts.mtx", prefix);
        else ksprintf(&ks, "%s-TE_counts.%s.mtx", prefix, tsc_scq_mode_name(cnt[i].mode));
        ksprintf(&cm, "PN: tsc\n VN: %s\n pooling_mode: %s\n reassign_mode: %s%s%s%s", TSC_VERSION, pool_names[po.pool],
                 tsc_scq_mode_name(cnt[i].mode), o.umi_counts ? "\n umi_counts: Yes" : "", comment.l ? "\n " : "",
                 comment.l ? comment.s : "");
        FILE *fp = fopen(ks.s, "w");
        int bad = !fp || tsc_scq_write_mtx(fp, m, &cnt[i], cm.s) < 0;
        if (fp && fclose(fp) != 0) bad = 1;
        if (bad) tsc_error("cannot write %s: %s", ks.s, strerror(errno));
        free(ks.s); free(cm.s);
        if (bad) goto end;
    }
    if (tenx) {
        kstring_t ks = { 0, 0, NULL };
        if (mkdir(tenx, 0777) < 0 && errno != EEXIST) { tsc_error("cannot create %s: %s", tenx, strerror(errno)); goto end; }
        ksprintf(&ks, "%s/barcodes.tsv.gz", tenx);
        int bad = write_lines(ks.s, m->barcodes, m->n_bc, 1, 0) < 0;
        ks.l = 0; ksprintf(&ks, "%s/features.tsv.gz", tenx);
        bad = bad || write_lines(ks.s, m->feat, m->k, 1, 1) < 0;
        ks.l = 0; ksprintf(&ks, "%s/matrix.mtx.gz", tenx);
        if (!bad) {
            /* through a temporary plain file, then gzip */
            char *tmp = NULL;
            kstring_t tk = { 0, 0, NULL };
            ksprintf(&tk, "%s/.matrix.mtx.tmp", tenx);
            tmp = tk.s;
            FILE *fp = fopen(tmp, "w+");
            bad = !fp || tsc_scq_write_mtx(fp, m, &cnt[0], NULL) < 0;
            if (!bad) {
                gzFile g = gzopen(ks.s, "wb");
                char buf[65536];
                size_t n;
                rewind(fp);
                bad = !g;
                while (!bad && (n = fread(buf, 1, sizeof buf, fp)) > 0) bad = gzwrite(g, buf, (unsigned)n) != (int)n;
                if (g && gzclose(g) != Z_OK) bad = 1;
            }
            if (fp) fclose(fp);
            unlink(tmp);
            free(tmp);
            if (bad) tsc_error("cannot write %s", ks.s);
        }
        free(ks.s);
        if (bad) goto end;
    }
stats:
    free(p);
    {
        FILE *fp = fopen(p = path_of(prefix, "stats.final.tsv"), "w");
        if (!fp || fwrite(st.s, 1, st.l, fp) != st.l || fclose(fp) != 0) {
            tsc_error("cannot write %s: %s", p, strerror(errno));
            goto end;
        }
    }
    ret = 0;
end:
    for (int i = 0; i < 16; i++) tsc_sccounts_free(&cnt[i]);
    tsc_scfit_free(&fit);
    free(o.r_first);
    tsc_scmat_destroy(m);
    tsc_hittab_destroy(t);
    free(p); free(comment.s); free(st.s);
    return ret;
}
