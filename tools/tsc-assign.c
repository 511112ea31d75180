/* tsc-assign -- the whole Telescope job in one command: a drop-in for `telescope assign` and
 * `telescope resume`, running tsc-regions, tsc-fetch | tsc-matrix, tsc-em (which finds the blocks
 * itself), tsc-report (and tsc-tag) with Telescope's option names and file names.
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <htslib/kstring.h>
#include "tsc_em.h"
#include "tsc_fragment.h"
#include "tsc_reassign.h"
#include "tsc_report.h"
#include "tsc_run.h"
#include "tsc_stream.h"

/* Typed options: the model and report parts are the library's option structs, checked by their
 * own _opt_check(); the driver formats them back into the stages' command lines. */
typedef struct {
    const char *outdir;          /* output directory ["."] */
    const char *exp_tag;         /* prefix of every output file ["telescope"] */
    const char *attribute;       /* GTF attribute naming a locus ["locus"] */
    const char *no_feature_key;  /* ["__no_feature"] */
    const char *logfile;         /* log to this file instead of stderr [NULL] */
    const char *family_attr;     /* families of the QC report by this GTF attribute; NULL: name prefix */
    tsc_em_opt_t em;             /* priors, epsilon, max_iter, use_likelihood, threads, backend */
    tsc_report_opt_t rep;        /* reassignment mode, conf_prob */
    double overlap_threshold;    /* [0.2] */
    int strand_mode;             /* enum tsc_strand_mode [None] */
    int skip_em, updated_sam, quiet, debug, resume;
    int qc;                      /* write EXP_TAG-report.html and the MultiQC files [1] */
} assign_opt_t;

static void opt_init(assign_opt_t *o)
{
    memset(o, 0, sizeof(*o));
    o->outdir = ".";
    o->exp_tag = "telescope";
    o->attribute = "locus";
    o->no_feature_key = "__no_feature";
    tsc_em_opt_init(&o->em);
    tsc_report_opt_init(&o->rep);
    o->overlap_threshold = 0.2;
    o->strand_mode = TSC_STRAND_NONE;
    o->qc = 1;
}

static void usage(FILE *fp, const assign_opt_t *o)
{
    fprintf(fp,
"Usage: tsc-assign [options] ALIGNMENTS.{bam,sam,cram} ANNOTATION.gtf\n"
"       tsc-assign resume [options] CHECKPOINT\n"
"Telescope's `assign` and `resume`, on tsc's pipeline, with Telescope's options and file names:\n"
"OUTDIR/EXP_TAG-TE_counts.tsv, -run_stats.tsv, -checkpoint.tsc (the MATRIX stream), -updated.bam.\n"
"\n"
"Input options:\n"
"  --attribute STR         GTF attribute that names a locus [%s]\n"
"  --no_feature_key STR    name of the no-feature column [%s]\n"
"  --ncpu INT              threads (total) [%d]\n"
"  --tempdir DIR           accepted for compatibility, unused (tsc leaves no scratch files)\n"
"Reporting options:\n"
"  --quiet                 only warnings and errors\n"
"  --debug                 debug messages\n"
"  --logfile FILE          write the log to FILE instead of stderr\n"
"  --outdir DIR            output directory, created if missing [%s]\n"
"  --exp_tag STR           prefix of every output file [%s]\n"
"  --updated_sam           also write EXP_TAG-updated.bam\n"
"Run modes:\n"
"  --reassign_mode MODE    exclude, choose, average, conf, unique [%s]\n"
"  --conf_prob FLOAT       threshold of conf mode and final_conf [%g]\n"
"  --overlap_mode MODE     threshold (the only mode Telescope implements) [threshold]\n"
"  --overlap_threshold F   minimum overlap, as a fraction of the aligned length [%g]\n"
"  --annotation_class STR  intervaltree (accepted for compatibility) [intervaltree]\n"
"  --stranded_mode MODE    None, RF, R, FR, F [%s]\n"
"Model parameters:\n"
"  --pi_prior INT          prior on pi, in unique reads [%g]\n"
"  --theta_prior INT       prior on theta, in non-unique reads [%g]\n"
"  --em_epsilon FLOAT      EM convergence threshold [%g]\n"
"  --max_iter INT          maximum EM iterations [%d]\n"
"  --use_likelihood        converge on the change in log-likelihood\n"
"  --skip_em               stop after writing the checkpoint\n"
"tsc options:\n"
"  --backend NAME          EM backend: auto, openmp, opencl [%s]\n"
"  --no_qc                 no EXP_TAG-report.html (HTML QC report) and no MultiQC files\n"
"                          (EXP_TAG-tsc_*_mqc.json), which are written by default\n"
"  --family_attribute ATTR families of the QC report by this GTF attribute (repFamily,\n"
"                          repClass, ...) [the locus name's prefix before '_']\n"
"  -h, --help              this help;  -V, --version  the version\n"
"Hyphens may replace underscores in option names (--exp-tag).\n"
"See tsc-assign(1).\n",
        o->attribute, o->no_feature_key, o->em.n_threads, o->outdir, o->exp_tag, tsc_ra_mode_name(o->rep.mode),
        o->rep.conf_prob, o->overlap_threshold, tsc_strand_mode_name(o->strand_mode), o->em.pi_prior,
        o->em.theta_prior, o->em.epsilon, o->em.max_iter, tsc_em_backend_name(o->em.backend));
}

/* ---- logging in Telescope's shape: "YYYY-mm-dd HH:MM:SS LEVEL    message" ---- */
static void elapsed(char *buf, size_t n, double t0)
{
    double d = tsc_realtime() - t0;
    snprintf(buf, n, "%d minutes and %d secs", (int)(d / 60), (int)d % 60);
}

static int64_t info_int(const tsc_hdr_t *h, const char *key)
{
    int64_t v = 0;
    if (tsc_hdr_get_info_int(h, key, &v) < 0) v = 0;
    return v;
}

static void alignment_summary(const tsc_hdr_t *h)
{
    int64_t pm = info_int(h, "pair_mapped"), px = info_int(h, "pair_mixed"), sm = info_int(h, "single_mapped");
    int64_t ou = info_int(h, "overlap_unique"), oa = info_int(h, "overlap_ambig");
    if (tsc_drv_level() < 3) return;
    tsc_drv_log(3, "Alignment Summary:");
    fprintf(stderr,
            "    %lld total fragments.\n"
            "        %lld mapped as pairs.\n"
            "        %lld mapped as mixed.\n"
            "        %lld mapped single.\n"
            "        %lld failed to map.\n"
            "--\n"
            "    %lld fragments mapped to reference; of these\n"
            "        %lld had one unique alignment.\n"
            "        %lld had multiple alignments.\n"
            "--\n"
            "    %lld fragments overlapped annotation; of these\n"
            "        %lld map to one locus.\n"
            "        %lld map to multiple loci.\n\n",
            (long long)info_int(h, "total_fragments"), (long long)pm, (long long)px, (long long)sm,
            (long long)info_int(h, "unmapped"), (long long)(pm + px + sm), (long long)info_int(h, "unique"),
            (long long)info_int(h, "ambig"), (long long)(ou + oa), (long long)ou, (long long)oa);
}

/* EM + report (+ tag): shared by assign and resume; GTF (assign only) for the QC families */
static int run_model(const assign_opt_t *o, const char *bindir, const char *checkpoint, const char *bam,
                     const char *bed, const char *gtf)
{
    char *fit = tsc_out_path(o->outdir, o->exp_tag, "fit.tsc.tmp"), *prefix = tsc_out_path(o->outdir, o->exp_tag, ""), *updated = NULL, *html = NULL;
    tsc_argv_t em = { 0 }, rep = { 0 }, tag = { 0 };
    tsc_argv_t *p2[2];
    char msg[64];
    double t0 = tsc_realtime();
    int ret = -1;
    if (!fit || !prefix) goto done;
    prefix[strlen(prefix) - 1] = 0; /* OUTDIR/EXP_TAG */
    tsc_drv_log(3, "Running Expectation-Maximization...");
    tsc_argv_add(&em, "tsc-em");
    tsc_argv_add(&em, "--pi-prior"); tsc_argv_num(&em, o->em.pi_prior);
    tsc_argv_add(&em, "--theta-prior"); tsc_argv_num(&em, o->em.theta_prior);
    tsc_argv_add(&em, "--em-epsilon"); tsc_argv_num(&em, o->em.epsilon);
    tsc_argv_add(&em, "--max-iter"); tsc_argv_num(&em, o->em.max_iter);
    tsc_argv_add(&em, "--backend"); tsc_argv_add(&em, tsc_em_backend_name(o->em.backend));
    tsc_argv_add(&em, "-t"); tsc_argv_num(&em, o->em.n_threads);
    if (o->em.use_likelihood) tsc_argv_add(&em, "--use-likelihood");
    if (tsc_drv_level() < 3) tsc_argv_add(&em, "--quiet");
    tsc_argv_add(&em, checkpoint); /* tsc-em finds the blocks itself: no tsc-blocks stage to pass through */
    p2[0] = &em;
    if (tsc_run_argv(bindir, p2, 1, NULL, fit) < 0) goto done;
    elapsed(msg, sizeof msg, t0);
    tsc_drv_log(3, "EM completed in %s", msg);
    tsc_drv_log(3, "Generating Report...");
    tsc_argv_add(&rep, "tsc-report");
    tsc_argv_add(&rep, "-o"); tsc_argv_add(&rep, prefix);
    tsc_argv_add(&rep, "--reassign-mode"); tsc_argv_add(&rep, tsc_ra_mode_name(o->rep.mode));
    tsc_argv_add(&rep, "--conf-prob"); tsc_argv_num(&rep, o->rep.conf_prob);
    if (o->qc) {
        if (!(html = tsc_out_path(o->outdir, o->exp_tag, "report.html"))) goto done;
        tsc_argv_add(&rep, "--html"); tsc_argv_add(&rep, html);
        tsc_argv_add(&rep, "--multiqc"); tsc_argv_add(&rep, prefix);
        tsc_argv_add(&rep, "--sample"); tsc_argv_add(&rep, o->exp_tag);
        if (o->family_attr && gtf) {
            tsc_argv_add(&rep, "--annotation"); tsc_argv_add(&rep, gtf);
            tsc_argv_add(&rep, "--group-by"); tsc_argv_add(&rep, o->family_attr);
        }
    }
    tsc_argv_add(&rep, fit);
    p2[0] = &rep;
    if (tsc_run_argv(bindir, p2, 1, NULL, NULL) < 0) goto done;
    if (html) tsc_drv_log(3, "QC report: %s", html);
    if (bam) {
        tsc_drv_log(3, "Creating updated SAM file...");
        if (!(updated = tsc_out_path(o->outdir, o->exp_tag, "updated.bam"))) goto done;
        tsc_argv_add(&tag, "tsc-tag");
        tsc_argv_add(&tag, "-t"); tsc_argv_num(&tag, o->em.n_threads);
        tsc_argv_add(&tag, "--reassign-mode"); tsc_argv_add(&tag, tsc_ra_mode_name(o->rep.mode));
        tsc_argv_add(&tag, "--conf-prob"); tsc_argv_num(&tag, o->rep.conf_prob);
        tsc_argv_add(&tag, "-o"); tsc_argv_add(&tag, updated);
        tsc_argv_add(&tag, "-l"); tsc_argv_add(&tag, bed);
        tsc_argv_add(&tag, "--overlap-threshold"); tsc_argv_num(&tag, o->overlap_threshold);
        tsc_argv_add(&tag, "--stranded-mode"); tsc_argv_add(&tag, tsc_strand_mode_name(o->strand_mode));
        tsc_argv_add(&tag, fit); tsc_argv_add(&tag, bam);
        p2[0] = &tag;
        if (tsc_run_argv(bindir, p2, 1, NULL, NULL) < 0) goto done;
    }
    ret = 0;
done:
    if (fit) unlink(fit);
    free(fit); free(prefix); free(updated); free(html);
    tsc_argv_free(&em); tsc_argv_free(&rep); tsc_argv_free(&tag);
    return ret;
}

static int assign(const assign_opt_t *o, const char *bindir, const char *bam, const char *gtf)
{
    char *bed = tsc_out_path(o->outdir, o->exp_tag, "loci.bed.tmp"), *ckpt = tsc_out_path(o->outdir, o->exp_tag, "checkpoint.tsc"), *ckpt_tmp = tsc_out_path(o->outdir, o->exp_tag, "checkpoint.tsc.tmp");
    tsc_argv_t reg = { 0 }, fetch = { 0 }, mtx = { 0 };
    tsc_argv_t *p2[2];
    char msg[64];
    double t0 = tsc_realtime(), t1;
    tsc_rstream_t *r = NULL;
    int ret = -1;
    if (!bed || !ckpt || !ckpt_tmp) goto done;
    tsc_drv_log(3, "Loading annotation...");
    tsc_argv_add(&reg, "tsc-regions"); tsc_argv_add(&reg, "--attribute"); tsc_argv_add(&reg, o->attribute); tsc_argv_add(&reg, gtf);
    p2[0] = &reg;
    if (tsc_run_argv(bindir, p2, 1, NULL, bed) < 0) goto done;
    elapsed(msg, sizeof msg, t0);
    tsc_drv_log(3, "Loaded annotation in %s", msg);
    tsc_drv_log(3, "Loading alignments...");
    t1 = tsc_realtime();
    tsc_argv_add(&fetch, "tsc-fetch");
    tsc_argv_add(&fetch, "-t"); tsc_argv_num(&fetch, o->em.n_threads);
    tsc_argv_add(&fetch, "--overlap-threshold"); tsc_argv_num(&fetch, o->overlap_threshold);
    tsc_argv_add(&fetch, "--stranded-mode"); tsc_argv_add(&fetch, tsc_strand_mode_name(o->strand_mode));
    tsc_argv_add(&fetch, "--names");
    if (tsc_drv_level() >= 3) tsc_argv_add(&fetch, "--progress");
    tsc_argv_add(&fetch, bed); tsc_argv_add(&fetch, bam);
    tsc_argv_add(&mtx, "tsc-matrix"); tsc_argv_add(&mtx, "--no-feature-key"); tsc_argv_add(&mtx, o->no_feature_key);
    p2[0] = &fetch, p2[1] = &mtx;
    if (tsc_run_argv(bindir, p2, 2, NULL, ckpt_tmp) < 0) goto done;
    if (rename(ckpt_tmp, ckpt) < 0) { tsc_error("cannot rename %s: %s", ckpt_tmp, strerror(errno)); goto done; }
    elapsed(msg, sizeof msg, t1);
    tsc_drv_log(3, "Loaded alignment in %s", msg);
    if (!(r = tsc_rs_open(ckpt, TSC_KIND_MASK(TSC_KIND_MATRIX)))) goto done;
    tsc_drv_log(3, "Loaded %s features.", tsc_hdr_get_info(tsc_rs_hdr(r), "annotated_features") ? tsc_hdr_get_info(tsc_rs_hdr(r), "annotated_features") : "0");
    alignment_summary(tsc_rs_hdr(r));
    if (info_int(tsc_rs_hdr(r), "overlap_unique") + info_int(tsc_rs_hdr(r), "overlap_ambig") == 0)
        tsc_drv_log(3, "No alignments overlapping annotation (the output tables are written with no rows)");
    tsc_rs_close(r);
    r = NULL;
    if (o->skip_em) { tsc_drv_log(3, "Skipping EM..."); ret = 0; goto done; }
    ret = run_model(o, bindir, ckpt, o->updated_sam ? bam : NULL, bed, gtf);
done:
    if (bed) unlink(bed);
    if (ckpt_tmp) unlink(ckpt_tmp);
    tsc_rs_close(r);
    free(bed); free(ckpt); free(ckpt_tmp);
    tsc_argv_free(&reg); tsc_argv_free(&fetch); tsc_argv_free(&mtx);
    return ret;
}

/* a bad option value: the message, and a flag so that every bad option is reported before exiting */
static int usage_bad(const char *fmt, const char *arg) TSC_PRINTF(1, 0);
static int usage_bad(const char *fmt, const char *arg)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, arg);
    tsc_error("%s", msg);
    return 1;
}

int main(int argc, char *argv[])
{
    enum { O_OUTDIR = 1000, O_EXPTAG, O_RMODE, O_CONF, O_OMODE, O_OTHR, O_ACLASS, O_STRAND, O_ATTR, O_NFK,
           O_PIP, O_THP, O_EPS, O_MAXIT, O_LIK, O_SKIP, O_USAM, O_NCPU, O_TMPDIR, O_QUIET, O_DEBUG, O_LOG,
           O_BACKEND, O_NOQC, O_FAMILY };
    static const struct option lopts[] = {
        { "outdir", 1, NULL, O_OUTDIR }, { "exp_tag", 1, NULL, O_EXPTAG }, { "reassign_mode", 1, NULL, O_RMODE },
        { "conf_prob", 1, NULL, O_CONF }, { "overlap_mode", 1, NULL, O_OMODE }, { "overlap_threshold", 1, NULL, O_OTHR },
        { "annotation_class", 1, NULL, O_ACLASS }, { "stranded_mode", 1, NULL, O_STRAND }, { "attribute", 1, NULL, O_ATTR },
        { "no_feature_key", 1, NULL, O_NFK }, { "pi_prior", 1, NULL, O_PIP }, { "theta_prior", 1, NULL, O_THP },
        { "em_epsilon", 1, NULL, O_EPS }, { "max_iter", 1, NULL, O_MAXIT }, { "use_likelihood", 0, NULL, O_LIK },
        { "skip_em", 0, NULL, O_SKIP }, { "updated_sam", 0, NULL, O_USAM }, { "ncpu", 1, NULL, O_NCPU },
        { "tempdir", 1, NULL, O_TMPDIR }, { "quiet", 0, NULL, O_QUIET }, { "debug", 0, NULL, O_DEBUG },
        { "logfile", 1, NULL, O_LOG }, { "backend", 1, NULL, O_BACKEND }, { "no_qc", 0, NULL, O_NOQC },
        { "family_attribute", 1, NULL, O_FAMILY },
        { "help", 0, NULL, 'h' }, { "version", 0, NULL, 'V' }, { NULL, 0, NULL, 0 }
    };
    assign_opt_t o;
    int c, i, ret, bad = 0;
    char *bindir, **args;
    double t0 = tsc_realtime();
    int64_t iv;

    tsc_set_progname("tsc-assign");
    opt_init(&o);
    /* Telescope's names use underscores; accept hyphens too (argv strings are writable) */
    args = argv;
    for (i = 1; i < argc; i++)
        if (strncmp(args[i], "--", 2) == 0) {
            char *p;
            if (!args[i][2]) break; /* "--" ends the options */
            for (p = args[i] + 2; *p && *p != '='; p++) if (*p == '-') *p = '_';
        }
    if (argc > 1 && strcmp(args[1], "resume") == 0) { o.resume = 1; args[1] = args[0]; args++; argc--; }
    while ((c = getopt_long(argc, args, "hV", lopts, NULL)) >= 0) {
        switch (c) {
        case O_OUTDIR: o.outdir = optarg; break;
        case O_EXPTAG: o.exp_tag = optarg; break;
        case O_RMODE:
            if ((o.rep.mode = tsc_ra_mode_parse(optarg, 0)) < 0) bad |= usage_bad("--reassign_mode: invalid choice '%s'", optarg);
            break;
        case O_CONF:
            if (tsc_parse_double(optarg, 0, 1, &o.rep.conf_prob) < 0) bad |= usage_bad("--conf_prob: not a number in [0,1]: '%s'", optarg);
            break;
        case O_OMODE:
            if (strcmp(optarg, "threshold") != 0) {
                tsc_error("--overlap_mode %s is not implemented (nor is it upstream, Q23); only 'threshold' is", optarg);
                return 2;
            }
            break;
        case O_OTHR:
            if (tsc_parse_double(optarg, 0, 1, &o.overlap_threshold) < 0) bad |= usage_bad("--overlap_threshold: not a number in [0,1]: '%s'", optarg);
            break;
        case O_ACLASS:
            if (strcmp(optarg, "intervaltree") != 0) {
                tsc_error("--annotation_class %s is not available; tsc has its own interval index (use intervaltree)", optarg);
                return 2;
            }
            break;
        case O_STRAND:
            if ((o.strand_mode = tsc_strand_mode_parse(optarg)) < 0) bad |= usage_bad("--stranded_mode: invalid choice '%s'", optarg);
            break;
        case O_ATTR: o.attribute = optarg; break;
        case O_NFK: o.no_feature_key = optarg; break;
        case O_PIP:
            if (tsc_parse_int64(optarg, 0, INT32_MAX, &iv) < 0) bad |= usage_bad("--pi_prior: not a non-negative integer: '%s'", optarg);
            else o.em.pi_prior = (double)iv;
            break;
        case O_THP:
            if (tsc_parse_int64(optarg, 0, INT32_MAX, &iv) < 0) bad |= usage_bad("--theta_prior: not a non-negative integer: '%s'", optarg);
            else o.em.theta_prior = (double)iv;
            break;
        case O_EPS:
            if (tsc_parse_double(optarg, 0, 1e300, &o.em.epsilon) < 0) bad |= usage_bad("--em_epsilon: not a number: '%s'", optarg);
            break;
        case O_MAXIT:
            if (tsc_parse_int(optarg, 1, INT32_MAX, &o.em.max_iter) < 0) bad |= usage_bad("--max_iter: not a positive integer: '%s'", optarg);
            break;
        case O_LIK: o.em.use_likelihood = 1; break;
        case O_SKIP: o.skip_em = 1; break;
        case O_USAM: o.updated_sam = 1; break;
        case O_NCPU:
            if (tsc_parse_int(optarg, 1, 1024, &o.em.n_threads) < 0) bad |= usage_bad("--ncpu: not an integer in 1..1024: '%s'", optarg);
            break;
        case O_TMPDIR: break;
        case O_QUIET: o.quiet = 1; break;
        case O_DEBUG: o.debug = 1; break;
        case O_LOG: o.logfile = optarg; break;
        case O_BACKEND:
            if (strcmp(optarg, "auto") == 0) o.em.backend = TSC_EM_AUTO;
            else if (strcmp(optarg, "openmp") == 0) o.em.backend = TSC_EM_OPENMP;
            else if (strcmp(optarg, "opencl") == 0) o.em.backend = TSC_EM_OPENCL;
            else bad |= usage_bad("--backend: invalid choice '%s'", optarg);
            break;
        case O_NOQC: o.qc = 0; break;
        case O_FAMILY: o.family_attr = optarg; break;
        case 'h': usage(stdout, &o); return tsc_close_stdout() ? 1 : 0;
        case 'V': tsc_print_version(); return tsc_close_stdout() ? 1 : 0;
        default: return tsc_usage_error("unknown option");
        }
    }
    if (bad) return tsc_usage_error("invalid option values (above)");
    if (o.resume ? argc - optind != 1 : argc - optind != 2)
        return tsc_usage_error(o.resume ? "resume needs one CHECKPOINT" : "needs ALIGNMENTS and ANNOTATION.gtf");
    if (o.resume && o.updated_sam) return tsc_usage_error("--updated_sam is not available with resume (as upstream)");
    if (o.resume && o.family_attr) return tsc_usage_error("--family_attribute needs the annotation: not available with resume");
    if (o.family_attr && !*o.family_attr) return tsc_usage_error("--family_attribute: empty name");
    if (tsc_em_opt_check(&o.em) < 0 || tsc_report_opt_check(&o.rep) < 0) return 2;
    tsc_drv_set_level(o.debug ? 4 : o.quiet ? 2 : 3);
    if (o.debug) tsc_set_verbosity(TSC_LOG_DEBUG);
    if (o.logfile) {
        int fd = open(o.logfile, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd < 0) { tsc_error("cannot write the log file %s: %s", o.logfile, strerror(errno)); return 1; }
        dup2(fd, 2);
        close(fd);
    }
    for (i = optind; i < argc; i++)
        if (access(args[i], R_OK) < 0) { tsc_error("cannot read %s: %s", args[i], strerror(errno)); return 1; }
    if (tsc_mkdir_p(o.outdir) < 0) { tsc_error("cannot create the output directory %s: %s", o.outdir, strerror(errno)); return 1; }
    bindir = tsc_exe_dir();
    tsc_drv_log(4, "tsc-assign %s: tools from %s", TSC_VERSION, bindir ? bindir : "PATH");
    ret = o.resume ? run_model(&o, bindir, args[optind], NULL, NULL, NULL) : assign(&o, bindir, args[optind], args[optind + 1]);
    if (ret == 0) {
        char msg[64];
        elapsed(msg, sizeof msg, t0);
        tsc_drv_log(3, "tsc-assign %s complete (%s)", o.resume ? "resume" : "assign", msg);
    }
    free(bindir);
    return ret < 0 ? 1 : 0;
}
