/* tsc-sc -- Stellarscope's job in one command: a drop-in for `stellarscope assign` and
 * `stellarscope resume`, running tsc-regions | tsc-fetch --sc | tsc-dedup | tsc-sccount with
 * Stellarscope's option names and file names, plus a 10x-style folder.
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <htslib/kstring.h>
#include "tsc_run.h"
#include "tsc_stream.h"
#include "tsc_pcg.h"
#include "tsc_scem.h"

typedef struct {
    int resume;
    const char *whitelist, *celltype_tsv, *barcode_tag, *umi_tag, *attribute, *feature_type, *no_feature_key;
    const char *nproc, *outdir, *exp_tag, *logfile, *progress, *pooling_mode, *reassign_mode, *seed;
    const char *conf_prob, *overlap_mode, *overlap_threshold, *annotation_class, *stranded_mode;
    const char *pi_prior, *theta_prior, *em_epsilon, *max_iter, *tenx, *backend;
    int updated_sam, every_mode, quiet, debug, ignore_umi, umi_counts, use_likelihood, skip_em, no_10x;
} sc_opt_t;

static void opt_init(sc_opt_t *o, int resume)
{
    memset(o, 0, sizeof(*o));
    o->resume = resume;
    o->barcode_tag = "CB"; o->umi_tag = "UB"; o->attribute = "locus"; o->feature_type = "exon";
    o->no_feature_key = "__no_feature"; o->nproc = "1"; o->outdir = resume ? NULL : ".";
    o->exp_tag = resume ? "stResume" : "stellarscope"; o->progress = "1000000";
    o->pooling_mode = resume ? NULL : "pseudobulk"; o->reassign_mode = "best_exclude";
    o->conf_prob = "0.9"; o->overlap_mode = "threshold"; o->overlap_threshold = "0.2";
    o->annotation_class = "intervaltree"; o->pi_prior = "0"; o->theta_prior = "200000"; o->em_epsilon = "1e-7";
    o->max_iter = "100";
}

static void usage(FILE *fp)
{
    fprintf(fp,
"Usage: tsc-sc assign [options] ALIGNMENTS ANNOTATION.gtf\n"
"       tsc-sc resume [options] CHECKPOINT\n"
"Stellarscope's `assign` and `resume` on tsc's pipeline, with Stellarscope's option names and\n"
"file names: OUTDIR/EXP_TAG-TE_counts.mtx (first mode), -TE_counts.MODE.mtx, -barcodes.tsv,\n"
"-features.tsv, -stats.final.tsv, -umi_tracking.txt, the checkpoints\n"
"-checkpoint.load_alignment.tsc and -checkpoint.dedup_umi.tsc (HITS streams), and the 10x-style\n"
"folder EXP_TAG-10x/ (matrix.mtx.gz, barcodes.tsv.gz, features.tsv.gz).\n"
"\n"
"Input options (assign):\n"
"  --whitelist, --filtered_bc FILE  barcodes to keep (plain or gzipped, Cell Ranger '-1' too)\n"
"                           [none: keep every barcode]\n"
"  --barcode_tag TAG        [CB]       --umi_tag TAG   [UB]\n"
"  --attribute KEY          [locus]    --feature_type STR  [exon]\n"
"  --no_feature_key STR     [__no_feature]\n"
"  --nproc INT              threads (reading; per-cell/per-celltype EM) [1]\n"
"  --celltype_tsv FILE      BARCODE<TAB>CELLTYPE lines, for --pooling_mode celltype\n"
"Reporting options:\n"
"  --outdir DIR             created if missing [assign: . ; resume: the checkpoint's folder]\n"
"  --exp_tag STR            [assign: stellarscope; resume: stResume]\n"
"  --use_every_reassign_mode  every reassignment mode\n"
"  --updated_sam            also EXP_TAG-updated.bam and EXP_TAG-other.bam (assign)\n"
"  --logfile FILE, --quiet, --debug, --progress INT\n"
"  --no_10x                 no 10x-style folder;  --10x DIR  put it there instead\n"
"Run modes:\n"
"  --pooling_mode MODE      pseudobulk, individual (one EM per cell), celltype (one per cell\n"
"                           type) [assign: pseudobulk; resume: the checkpoint's]\n"
"  --backend omp|opencl     where the per-cell/per-celltype EM runs (tsc only) [omp]\n"
"  --reassign_mode LIST     best_exclude, best_conf, best_random, best_average, initial_unique,\n"
"                           initial_random, total_hits (comma-separated) [best_exclude]\n"
"  --seed INT               [from the SHA-1 of the input files; resume: the checkpoint's]; -1: random\n"
"  --conf_prob F            in (0.5, 1] [0.9]\n"
"  --overlap_mode threshold, --overlap_threshold F [0.2], --annotation_class intervaltree\n"
"  --stranded_mode RF|R|FR|F\n"
"  --ignore_umi             no UMI deduplication (keeps fragments without a UMI)\n"
"  --umi_counts             count barcode+UMI pairs\n"
"Model parameters:\n"
"  --pi_prior INT [0], --theta_prior INT [200000], --em_epsilon F [1e-7], --max_iter INT [100],\n"
"  --use_likelihood, --skip_em\n"
"  -h, --help;  -V, --version\n"
"Hyphens may replace underscores in option names. See tsc-sc(1).\n");
}

/* one stage, its stdout to OUT (NULL: inherited) */
static int run1(const char *bindir, tsc_argv_t *a, const char *out)
{
    return tsc_run_argv(bindir, &a, 1, NULL, out);
}

static const char *nz(const char *s) { return s ? s : ""; }

/* ---- AnnotationInfo (spec §3.6) from the loci BED: Stellarscope merges a locus's intervals
 * when less than 2 bases apart, per chromosome (and strand in stranded mode) ---- */
typedef struct { char *chrom, *name; char strand; int64_t s, e; } bedrec_t;
static int g_stranded;
static int cmp_locus(const void *a, const void *b)
{
    const bedrec_t *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (!c) c = strcmp(x->chrom, y->chrom);
    if (!c && g_stranded) c = (x->strand > y->strand) - (x->strand < y->strand);
    if (!c) c = (x->s > y->s) - (x->s < y->s);
    return c;
}
static int cmp_tree(const void *a, const void *b)
{
    const bedrec_t *x = a, *y = b;
    int c = strcmp(x->chrom, y->chrom);
    if (!c && g_stranded) c = (x->strand > y->strand) - (x->strand < y->strand);
    if (!c) c = (x->s > y->s) - (x->s < y->s);
    return c;
}

typedef struct { int64_t num_loci, num_intervals, total_length; int ok; } annot_info_t;
static annot_info_t g_ai;

static int annot_info(const char *bed, int stranded, annot_info_t *ai)
{
    FILE *fp = fopen(bed, "r");
    bedrec_t *r = NULL, *m = NULL;
    size_t n = 0, cap = 0, nm = 0;
    char line[8192];
    int ret = -1;
    memset(ai, 0, sizeof(*ai));
    if (!fp) return -1;
    while (fgets(line, sizeof line, fp)) {
        char *f[6], *p = line, *sv = NULL;
        int k = 0;
        if (line[0] == '#') continue;
        line[strcspn(line, "\n")] = 0;
        for (char *t = strtok_r(p, "\t", &sv); t && k < 6; t = strtok_r(NULL, "\t", &sv)) f[k++] = t;
        if (k < 6) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            bedrec_t *q = realloc(r, cap * sizeof(*r));
            if (!q) goto end;
            r = q;
        }
        r[n].chrom = strdup(f[0]); r[n].name = strdup(f[3]); r[n].strand = f[5][0];
        r[n].s = strtoll(f[1], NULL, 10); r[n].e = strtoll(f[2], NULL, 10);
        if (!r[n].chrom || !r[n].name) { n++; goto end; }
        n++;
    }
    g_stranded = stranded;
    if (n > 1) qsort(r, n, sizeof(*r), cmp_locus);
    if (!(m = malloc((n + 1) * sizeof(*m)))) goto end;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(r[i].name, r[i - 1].name) != 0) ai->num_loci++;
        if (nm && strcmp(m[nm - 1].name, r[i].name) == 0 && strcmp(m[nm - 1].chrom, r[i].chrom) == 0 &&
            (!stranded || m[nm - 1].strand == r[i].strand) && r[i].s - m[nm - 1].e <= 1) {
            if (r[i].e > m[nm - 1].e) m[nm - 1].e = r[i].e;
        } else m[nm++] = r[i];
    }
    ai->num_intervals = (int64_t)nm;
    qsort(m, nm, sizeof(*m), cmp_tree);
    for (size_t i = 0; i < nm;) {
        size_t j = i;
        int64_t s = m[i].s, e = m[i].e;
        for (j = i + 1; j < nm && strcmp(m[j].chrom, m[i].chrom) == 0 && (!stranded || m[j].strand == m[i].strand); j++) {
            if (m[j].s > e) { ai->total_length += e - s; s = m[j].s; e = m[j].e; }
            else if (m[j].e > e) e = m[j].e;
        }
        ai->total_length += e - s;
        i = j;
    }
    ai->ok = 1;
    ret = 0;
end:
    for (size_t i = 0; i < n; i++) { free(r[i].chrom); free(r[i].name); }
    free(r); free(m);
    fclose(fp);
    return ret;
}

/* a float option as Python's str() prints it (1e-07, 0.9) */
static const char *pyfloat(const char *s, char *buf)
{
    double d;
    if (tsc_parse_double(s, -1e300, 1e300, &d) < 0) return s;
    return tsc_repr_double(d, buf);
}

/* the options section of stats.final.tsv, in Stellarscope's shape */
static int write_stats_head(const sc_opt_t *o, const char *path, const char *bam, const char *gtf, const char *ckpt,
                            uint32_t seed, int has_seed)
{
    FILE *fp = fopen(path, "w");
    const char *st = o->resume ? "StellarscopeResumeOptions" : "StellarscopeAssignOptions";
    char sd[24], f1[40], f2[40], f3[40];
    kstring_t rm = { 0, 0, NULL };
    if (!fp) { tsc_error("cannot write %s: %s", path, strerror(errno)); return -1; }
    if (has_seed) snprintf(sd, sizeof sd, "%u", seed); else sd[0] = 0;
    for (const char *p = o->reassign_mode; *p; p++) { if (*p == ',') kputs(", ", &rm); else kputc(*p, &rm); }
    if (o->every_mode) {
        static const char *all[7] = { "best_exclude", "best_conf", "best_random", "best_average", "initial_unique", "initial_random", "total_hits" };
        for (int i = 0; i < 7; i++) {
            const char *q = strstr(o->reassign_mode, all[i]);
            size_t l = strlen(all[i]);
            int have = 0;
            while (q) {
                if ((q == o->reassign_mode || q[-1] == ',') && (q[l] == 0 || q[l] == ',')) { have = 1; break; }
                q = strstr(q + 1, all[i]);
            }
            if (!have) { kputs(", ", &rm); kputs(all[i], &rm); }
        }
    }
#define KV(g, k, v) fprintf(fp, "%s\t%s\t%s\t%s\n", st, g, k, nz(v))
#define TF(x) ((x) ? "True" : "False")
    fprintf(fp, "stage\tmode\tvar\tvalue\n");
    KV("", "version", TSC_VERSION);
    if (!o->resume) {
        KV("Input Options", "samfile", bam); KV("Input Options", "gtffile", gtf);
        KV("Input Options", "filtered_bc", o->whitelist); KV("Input Options", "celltype_tsv", o->celltype_tsv);
        KV("Input Options", "barcode_tag", o->barcode_tag); KV("Input Options", "umi_tag", o->umi_tag);
        KV("Input Options", "attribute", o->attribute); KV("Input Options", "feature_type", o->feature_type);
        KV("Input Options", "no_feature_key", o->no_feature_key);
    } else {
        KV("Input Options", "checkpoint", ckpt); KV("Input Options", "celltype_tsv", o->celltype_tsv);
    }
    KV("Input Options", "nproc", o->nproc);
    if (!o->resume) KV("Input Options", "tempdir", "Not set");
    KV("Reporting Options", "outdir", o->outdir); KV("Reporting Options", "exp_tag", o->exp_tag);
    KV("Reporting Options", "updated_sam", TF(o->updated_sam)); KV("Reporting Options", "use_every_reassign_mode", TF(o->every_mode));
    KV("Reporting Options", "logfile", o->logfile); KV("Reporting Options", "quiet", TF(o->quiet));
    KV("Reporting Options", "debug", TF(o->debug));
    if (!o->resume) KV("Reporting Options", "progress", o->progress);
    KV("Run Modes", "pooling_mode", o->pooling_mode); KV("Run Modes", "reassign_mode", rm.s);
    KV("Run Modes", "seed", sd); KV("Run Modes", "conf_prob", pyfloat(o->conf_prob, f1));
    if (!o->resume) {
        KV("Run Modes", "overlap_mode", o->overlap_mode); KV("Run Modes", "overlap_threshold", pyfloat(o->overlap_threshold, f2));
        KV("Run Modes", "annotation_class", o->annotation_class); KV("Run Modes", "stranded_mode", o->stranded_mode);
    }
    KV("Run Modes", "ignore_umi", TF(o->ignore_umi)); KV("Run Modes", "umi_counts", TF(o->umi_counts));
    KV("Model Parameters", "pi_prior", o->pi_prior); KV("Model Parameters", "theta_prior", o->theta_prior);
    KV("Model Parameters", "em_epsilon", pyfloat(o->em_epsilon, f3)); KV("Model Parameters", "max_iter", o->max_iter);
    KV("Model Parameters", "use_likelihood", TF(o->use_likelihood)); KV("Model Parameters", "skip_em", TF(o->skip_em));
    if (!o->resume && g_ai.ok) {
        fprintf(fp, "AnnotationInfo\t\tnum_intervals\t%" PRId64 "\nAnnotationInfo\t\tnum_loci\t%" PRId64 "\n"
                "AnnotationInfo\t\tstranded\t%s\nAnnotationInfo\t\ttotal_length\t%" PRId64 "\n",
                g_ai.num_intervals, g_ai.num_loci, TF(o->stranded_mode != NULL), g_ai.total_length);
    }
#undef KV
#undef TF
    free(rm.s);
    if (fclose(fp) != 0) { tsc_error("cannot write %s: %s", path, strerror(errno)); return -1; }
    return 0;
}

/* --updated_sam: tsc-sccount writes the posteriors here, tsc-tag --sc reads them (assign only) */
static char *g_posteriors;

static int run_count(const sc_opt_t *o, const char *bindir, const char *stream, const char *cmdline, uint32_t seed,
                     const char *bam, const char *gtf, const char *ckpt, int umi_stats)
{
    char *head = tsc_out_path(o->outdir, o->exp_tag, "stats.head.tmp"), *prefix = NULL, *tenx = NULL;
    tsc_argv_t a = { 0 };
    int ret = -1;
    kstring_t ks = { 0, 0, NULL };
    if (write_stats_head(o, head, bam, gtf, ckpt, seed, 1) < 0) goto done;
    prefix = tsc_out_path(o->outdir, o->exp_tag, "");
    prefix[strlen(prefix) - 1] = 0;
    tsc_argv_add(&a, "tsc-sccount");
    tsc_argv_add(&a, "-p"); tsc_argv_add(&a, prefix);
    tsc_argv_add(&a, "--reassign-mode"); tsc_argv_add(&a, o->reassign_mode);
    tsc_argv_add(&a, "--pooling-mode"); tsc_argv_add(&a, o->pooling_mode);
    if (strcmp(o->pooling_mode, "celltype") == 0) { tsc_argv_add(&a, "--celltype-tsv"); tsc_argv_add(&a, o->celltype_tsv); }
    tsc_argv_add(&a, "-t"); tsc_argv_add(&a, o->nproc);
    if (o->backend) { tsc_argv_add(&a, "--backend"); tsc_argv_add(&a, o->backend); }
    if (tsc_drv_level() >= 3) { tsc_argv_add(&a, "--log-level"); tsc_argv_add(&a, tsc_drv_level() >= 4 ? "4" : "3"); }
    if (o->every_mode) tsc_argv_add(&a, "--use-every-reassign-mode");
    tsc_argv_add(&a, "--conf-prob"); tsc_argv_add(&a, o->conf_prob);
    tsc_argv_add(&a, "--pi-prior"); tsc_argv_add(&a, o->pi_prior);
    tsc_argv_add(&a, "--theta-prior"); tsc_argv_add(&a, o->theta_prior);
    tsc_argv_add(&a, "--em-epsilon"); tsc_argv_add(&a, o->em_epsilon);
    tsc_argv_add(&a, "--max-iter"); tsc_argv_add(&a, o->max_iter);
    tsc_argv_add(&a, "--no-feature-key"); tsc_argv_add(&a, o->no_feature_key);
    ksprintf(&ks, "%u", seed);
    tsc_argv_add(&a, "--seed"); tsc_argv_add(&a, ks.s);
    if (o->use_likelihood) tsc_argv_add(&a, "--use-likelihood");
    if (o->umi_counts) tsc_argv_add(&a, "--umi-counts");
    if (o->skip_em) tsc_argv_add(&a, "--skip-em");
    if (o->resume) tsc_argv_add(&a, "--no-align-stats");
    if (!umi_stats) tsc_argv_add(&a, "--no-umi-stats");
    if (g_posteriors && !o->skip_em) { tsc_argv_add(&a, "--posteriors"); tsc_argv_add(&a, g_posteriors); }
    tsc_argv_add(&a, "--stats-head"); tsc_argv_add(&a, head);
    if (tsc_drv_level() >= 4) tsc_argv_add(&a, "-v");
    if (!o->no_10x && !o->skip_em) {
        tenx = o->tenx ? strdup(o->tenx) : tsc_out_path(o->outdir, o->exp_tag, "10x");
        tsc_argv_add(&a, "--10x"); tsc_argv_add(&a, tenx);
    }
#define COMMENT(k, v) do { ks.l = 0; ksprintf(&ks, "%s: %s", k, v ? v : "None"); tsc_argv_add(&a, "--comment"); tsc_argv_add(&a, ks.s); } while (0)
    if (!o->resume) { COMMENT("samfile", bam); COMMENT("gtffile", gtf); COMMENT("filtered_bc", o->whitelist); }
    else COMMENT("checkpoint", ckpt);
    if (o->ignore_umi) COMMENT("ignore_umi", "Yes");
    COMMENT("command", cmdline);
#undef COMMENT
    tsc_argv_add(&a, stream);
    if (!o->skip_em) tsc_drv_log(3, "Fitting model (%s) and reassigning reads...", o->pooling_mode);
    if (run1(bindir, &a, NULL) < 0) goto done;
    ret = 0;
done:
    unlink(head);
    free(head); free(prefix); free(tenx); free(ks.s);
    tsc_argv_free(&a);
    return ret;
}

static int64_t info_int(const tsc_hdr_t *h, const char *key)
{
    int64_t v = 0;
    if (tsc_hdr_get_info_int(h, key, &v) < 0) v = 0;
    return v;
}

static void alignment_summary(const tsc_hdr_t *h)
{
    if (tsc_drv_level() < 3) return;
    int64_t tot = info_int(h, "sc_total_fragments"), un = info_int(h, "sc_unmapped");
    int64_t lu = info_int(h, "sc_loc_unique"), la = info_int(h, "sc_loc_ambig");
    int64_t nu = info_int(h, "sc_noloc_unique"), na = info_int(h, "sc_noloc_ambig");
    int64_t e1 = info_int(h, "sc_missing_cb"), e2 = info_int(h, "sc_cb_not_listed"), e3 = info_int(h, "sc_missing_umi");
    tsc_drv_log(3, "Alignment Summary:");
    fprintf(stderr,
            "    %" PRId64 " total fragments.\n        %" PRId64 " were paired-end.\n        %" PRId64 " were single-end.\n"
            "        %" PRId64 " failed to map.\n--\n    %" PRId64 " mapped; of these\n        %" PRId64 " had one unique alignment.\n"
            "        %" PRId64 " had multiple alignments.\n--\n    %" PRId64 " overlapped TE features; of these\n"
            "        %" PRId64 " map to one locus.\n        %" PRId64 " map to multiple loci.\n",
            tot, info_int(h, "sc_paired"), info_int(h, "sc_single"), un, tot - un, lu + nu, la + na, lu + la, lu, la);
    if (e1 + e2 + e3)
        fprintf(stderr, "--\n    %" PRId64 " fragments had errors\n        %" PRId64 " fragments: Missing CB.\n"
                "        %" PRId64 " fragments: CB not in filtered BC list.\n        %" PRId64 " fragments: Missing UB.\n",
                e1 + e2 + e3, e1, e2, e3);
    fprintf(stderr, "--\n    Alignment score range: [%s - %s].\n",
            tsc_hdr_get_info(h, "_min_as") ? tsc_hdr_get_info(h, "_min_as") : "?",
            tsc_hdr_get_info(h, "_max_as") ? tsc_hdr_get_info(h, "_max_as") : "?");
}

static int dedup(const sc_opt_t *o, const char *bindir, const char *in, const char *out)
{
    char *trk = tsc_out_path(o->outdir, o->exp_tag, "umi_tracking.txt");
    tsc_argv_t a = { 0 };
    int ret;
    tsc_drv_log(3, "UMI deduplication...");
    tsc_argv_add(&a, "tsc-dedup"); tsc_argv_add(&a, "-u"); tsc_argv_add(&a, trk); tsc_argv_add(&a, "-o"); tsc_argv_add(&a, out); tsc_argv_add(&a, in);
    ret = run1(bindir, &a, NULL);
    tsc_argv_free(&a);
    free(trk);
    return ret;
}

/* the updated BAM and other.bam (spec §11.6) from the posteriors of the first mode */
static int updated_sam(const sc_opt_t *o, const char *bindir, const char *bed, const char *bam)
{
    char *upd = tsc_out_path(o->outdir, o->exp_tag, "updated.bam"), *oth = tsc_out_path(o->outdir, o->exp_tag, "other.bam");
    tsc_argv_t a = { 0 };
    int ret;
    tsc_drv_log(3, "Creating updated SAM file...");
    tsc_argv_add(&a, "tsc-tag"); tsc_argv_add(&a, "--sc"); tsc_argv_add(&a, "-t"); tsc_argv_add(&a, o->nproc);
    tsc_argv_add(&a, "-l"); tsc_argv_add(&a, bed); tsc_argv_add(&a, "--other"); tsc_argv_add(&a, oth);
    tsc_argv_add(&a, "-o"); tsc_argv_add(&a, upd); tsc_argv_add(&a, g_posteriors); tsc_argv_add(&a, bam);
    ret = run1(bindir, &a, NULL);
    tsc_argv_free(&a);
    free(upd); free(oth);
    return ret;
}

/* The default seed (§10.1) hashes the input files; a child process does it while tsc-fetch runs,
 * and the seed reaches the load_alignment checkpoint afterwards (a run-info entry appended). */
static pid_t seed_hash_start(const char *bam, const char *gtf, int *rfd)
{
    int fd[2];
    pid_t pid;
    if (pipe(fd) < 0) { tsc_error("pipe: %s", strerror(errno)); return -1; }
    fflush(NULL);
    if ((pid = fork()) < 0) { tsc_error("fork: %s", strerror(errno)); close(fd[0]); close(fd[1]); return -1; }
    if (pid == 0) {
        uint32_t sd = 0;
        close(fd[0]);
        int ok = tsc_sc_default_seed(bam, gtf, &sd) == 0 && write(fd[1], &sd, sizeof sd) == (ssize_t)sizeof sd;
        _exit(ok ? 0 : 1);
    }
    close(fd[1]);
    *rfd = fd[0];
    return pid;
}

static int seed_hash_wait(pid_t pid, int rfd, uint32_t *seed)
{
    ssize_t n;
    int st = 0;
    while ((n = read(rfd, seed, sizeof *seed)) < 0 && errno == EINTR) {}
    close(rfd);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    if (n != (ssize_t)sizeof *seed || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        tsc_error("cannot compute the default seed (the SHA-1 of the input files); give --seed");
        return -1;
    }
    return 0;
}

static int assign(const sc_opt_t *o, const char *bindir, const char *bam, const char *gtf, const char *cmdline, uint32_t seed,
                  int hash_seed)
{
    pid_t hpid = -1;
    int hfd = -1;
    char *bed = tsc_out_path(o->outdir, o->exp_tag, "loci.bed.tmp"), *ck1 = tsc_out_path(o->outdir, o->exp_tag, "checkpoint.load_alignment.tsc"),
         *ck2 = tsc_out_path(o->outdir, o->exp_tag, "checkpoint.dedup_umi.tsc"), *tmp = tsc_out_path(o->outdir, o->exp_tag, "checkpoint.tsc.tmp");
    tsc_argv_t reg = { 0 }, fe = { 0 };
    tsc_rstream_t *r = NULL;
    kstring_t ks = { 0, 0, NULL };
    int ret = -1;
    if (hash_seed && (hpid = seed_hash_start(bam, gtf, &hfd)) < 0) goto done;
    tsc_drv_log(3, "Loading annotation...");
    tsc_argv_add(&reg, "tsc-regions"); tsc_argv_add(&reg, "--attribute"); tsc_argv_add(&reg, o->attribute);
    tsc_argv_add(&reg, "--feature-type"); tsc_argv_add(&reg, o->feature_type); tsc_argv_add(&reg, gtf);
    if (run1(bindir, &reg, bed) < 0) goto done;
    if (annot_info(bed, o->stranded_mode != NULL, &g_ai) < 0) tsc_drv_log(2, "cannot summarise the annotation");
    tsc_drv_log(3, "  Loaded %" PRId64 " loci", g_ai.num_loci);
    tsc_drv_log(3, "Loading alignments...");
    tsc_argv_add(&fe, "tsc-fetch"); tsc_argv_add(&fe, "--sc"); tsc_argv_add(&fe, "--names");
    if (tsc_drv_level() >= 3) tsc_argv_add(&fe, "--progress");
    tsc_argv_add(&fe, "-t"); tsc_argv_add(&fe, o->nproc);
    tsc_argv_add(&fe, "--barcode-tag"); tsc_argv_add(&fe, o->barcode_tag);
    tsc_argv_add(&fe, "--umi-tag"); tsc_argv_add(&fe, o->umi_tag);
    if (o->whitelist) { tsc_argv_add(&fe, "--whitelist"); tsc_argv_add(&fe, o->whitelist); }
    if (o->ignore_umi) tsc_argv_add(&fe, "--ignore-umi");
    tsc_argv_add(&fe, "--overlap-threshold"); tsc_argv_add(&fe, o->overlap_threshold);
    if (o->stranded_mode) { tsc_argv_add(&fe, "--stranded-mode"); tsc_argv_add(&fe, o->stranded_mode); }
    ksprintf(&ks, "_no_feature_key=%s", o->no_feature_key);
    tsc_argv_add(&fe, "--info"); tsc_argv_add(&fe, ks.s);
    /* what resume takes from the checkpoint when not given (spec §12) */
    ks.l = 0; ksprintf(&ks, "_sc_pooling_mode=%s", o->pooling_mode);
    tsc_argv_add(&fe, "--info"); tsc_argv_add(&fe, ks.s);
    if (o->celltype_tsv) {
        char *rp = realpath(o->celltype_tsv, NULL);
        ks.l = 0; ksprintf(&ks, "_sc_celltype_tsv=%s", rp ? rp : o->celltype_tsv);
        free(rp);
        tsc_argv_add(&fe, "--info"); tsc_argv_add(&fe, ks.s);
    }
    tsc_argv_add(&fe, "-o"); tsc_argv_add(&fe, tmp);
    tsc_argv_add(&fe, bed); tsc_argv_add(&fe, bam);
    if (run1(bindir, &fe, NULL) < 0) goto done;
    if (hpid > 0) {
        int e = seed_hash_wait(hpid, hfd, &seed);
        hpid = -1;
        if (e < 0) goto done;
    }
    ks.l = 0; ksprintf(&ks, "%u", seed);
    if (tsc_stream_append_info(tmp, "_sc_seed", ks.s) < 0) goto done;
    if (rename(tmp, ck1) < 0) { tsc_error("cannot rename %s: %s", tmp, strerror(errno)); goto done; }
    if (tsc_drv_level() >= 3) { /* the summary's counters are at the end of the stream (not read when quiet) */
        tsc_sec_t s;
        int e;
        if (!(r = tsc_rs_open(ck1, TSC_KIND_MASK(TSC_KIND_HITS)))) goto done;
        while ((e = tsc_rs_next(r, &s)) == 1) {}
        if (e < 0) goto done;
        alignment_summary(tsc_rs_hdr(r));
        tsc_rs_close(r);
        r = NULL;
    }
    const char *stream = ck1;
    if (o->ignore_umi) tsc_drv_log(3, "Skipping UMI deduplication (option --ignore_umi)");
    else {
        if (dedup(o, bindir, ck1, tmp) < 0) goto done;
        if (rename(tmp, ck2) < 0) { tsc_error("cannot rename %s: %s", tmp, strerror(errno)); goto done; }
        stream = ck2;
    }
    if (o->skip_em) tsc_drv_log(3, "Skipping EM...");
    if (o->updated_sam && !o->skip_em) g_posteriors = tsc_out_path(o->outdir, o->exp_tag, "posteriors.tsc.tmp");
    if (run_count(o, bindir, stream, cmdline, seed, bam, gtf, NULL, !o->ignore_umi) < 0) goto done;
    if (g_posteriors && updated_sam(o, bindir, bed, bam) < 0) goto done;
    ret = 0;
done:
    if (hpid > 0) { /* an error before the hash was collected */
        int st;
        kill(hpid, SIGTERM);
        close(hfd);
        while (waitpid(hpid, &st, 0) < 0 && errno == EINTR) {}
    }
    if (g_posteriors) unlink(g_posteriors);
    free(g_posteriors);
    g_posteriors = NULL;
    unlink(bed); unlink(tmp);
    tsc_rs_close(r);
    free(bed); free(ck1); free(ck2); free(tmp); free(ks.s);
    tsc_argv_free(&reg); tsc_argv_free(&fe);
    return ret;
}

static int resume(sc_opt_t *o, const char *bindir, const char *ckpt, const char *cmdline, const char *seed_opt, int64_t seed_v)
{
    tsc_rstream_t *r = tsc_rs_open(ckpt, TSC_KIND_MASK(TSC_KIND_HITS));
    char *tmp = NULL, *own_outdir = NULL, *own_ct = NULL;
    int ret = -1, deduped;
    int64_t s = 0;
    uint32_t seed;
    if (!r) return -1;
    const tsc_hdr_t *h = tsc_rs_hdr(r);
    if (!tsc_hdr_get_info(h, "_hit_fields")) {
        tsc_error("%s: not a single-cell checkpoint (no barcodes): make it with tsc-sc assign", ckpt);
        goto done;
    }
    deduped = tsc_hdr_get_info(h, "umi_num_umi") != NULL;
    if (!seed_opt) {
        if (!tsc_hdr_get_info(h, "_sc_seed")) { /* appended at the end of the load_alignment checkpoint */
            tsc_sec_t sec;
            int e;
            while ((e = tsc_rs_next(r, &sec)) == 1) {}
            if (e < 0) goto done;
        }
        if (tsc_hdr_get_info_int(h, "_sc_seed", &s) < 0) s = 0;
        seed = (uint32_t)s;
    } else seed = (uint32_t)seed_v;
    if (!o->pooling_mode) {
        const char *pm = tsc_hdr_get_info(h, "_sc_pooling_mode");
        o->pooling_mode = pm && strcmp(pm, "individual") == 0 ? "individual" : pm && strcmp(pm, "celltype") == 0 ? "celltype" : "pseudobulk";
        tsc_drv_log(3, "Using pooling_mode \"%s\" from checkpoint", o->pooling_mode);
    }
    if (strcmp(o->pooling_mode, "celltype") == 0) { /* spec §12.2: a given table replaces the stored one */
        const char *ct = tsc_hdr_get_info(h, "_sc_celltype_tsv");
        if (o->celltype_tsv && ct && strcmp(ct, o->celltype_tsv) != 0)
            tsc_drv_log(2, "--celltype_tsv %s replaces the checkpoint's %s", o->celltype_tsv, ct);
        if (!o->celltype_tsv && ct) {
            if (!(own_ct = strdup(ct))) { tsc_error("out of memory"); goto done; }
            o->celltype_tsv = own_ct;
            tsc_drv_log(3, "Using celltype_tsv \"%s\" from checkpoint", own_ct);
        }
        if (!o->celltype_tsv) { tsc_error("celltype_tsv is required for pooling mode \"celltype\" (the checkpoint has none)"); goto done; }
        if (access(o->celltype_tsv, R_OK) < 0) { tsc_error("cannot read %s: %s", o->celltype_tsv, strerror(errno)); goto done; }
    }
    if (!o->outdir) {
        char *d = strdup(ckpt);
        o->outdir = own_outdir = strdup(dirname(d));
        free(d);
        if (!o->outdir) { tsc_error("out of memory"); goto done; }
        tsc_drv_log(3, "Using outdir \"%s\".", o->outdir);
    }
    if (tsc_mkdir_p(o->outdir) < 0) { tsc_error("cannot create the output directory %s: %s", o->outdir, strerror(errno)); goto done; }
    const char *stream = ckpt;
    if (deduped && o->ignore_umi) {
        tsc_error("%s is deduplicated; with --ignore_umi resume from the checkpoint before deduplication "
                  "(EXP_TAG-checkpoint.load_alignment.tsc)", ckpt);
        goto done;
    }
    if (!deduped && !o->ignore_umi) {
        tmp = tsc_out_path(o->outdir, o->exp_tag, "checkpoint.dedup_umi.tsc");
        if (dedup(o, bindir, ckpt, tmp) < 0) goto done;
        stream = tmp;
    }
    ret = run_count(o, bindir, stream, cmdline, seed, NULL, NULL, ckpt, !deduped && !o->ignore_umi);
done:
    tsc_rs_close(r);
    free(tmp);
    free(own_outdir);
    if (own_outdir) o->outdir = NULL;
    if (own_ct) o->celltype_tsv = NULL;
    free(own_ct);
    return ret;
}

static int one_of(const char *opt, const char *v, const char *const *ok)
{
    for (; *ok; ok++) if (strcmp(v, *ok) == 0) return 0;
    tsc_usage_error("--%s: invalid choice '%s'", opt, v);
    return -1;
}

int main(int argc, char *argv[])
{
    enum { O_WL = 1000, O_CT, O_BT, O_UT, O_ATTR, O_FT, O_NFK, O_NPROC, O_OUT, O_TAG, O_USAM, O_EVERY, O_LOG, O_QUIET,
           O_DEBUG, O_PROG, O_POOL, O_RM, O_SEED, O_CONF, O_OM, O_OT, O_AC, O_SM, O_IU, O_UC, O_PIP, O_THP, O_EPS,
           O_MAXIT, O_LIK, O_SKIP, O_TMP, O_NO10X, O_10X, O_BACKEND };
    static const struct option lopts[] = {
        { "whitelist", 1, NULL, O_WL }, { "filtered_bc", 1, NULL, O_WL }, { "celltype_tsv", 1, NULL, O_CT },
        { "barcode_tag", 1, NULL, O_BT }, { "umi_tag", 1, NULL, O_UT }, { "attribute", 1, NULL, O_ATTR },
        { "feature_type", 1, NULL, O_FT }, { "no_feature_key", 1, NULL, O_NFK }, { "nproc", 1, NULL, O_NPROC },
        { "outdir", 1, NULL, O_OUT }, { "exp_tag", 1, NULL, O_TAG }, { "updated_sam", 0, NULL, O_USAM },
        { "use_every_reassign_mode", 0, NULL, O_EVERY }, { "logfile", 1, NULL, O_LOG }, { "quiet", 0, NULL, O_QUIET },
        { "debug", 0, NULL, O_DEBUG }, { "progress", 1, NULL, O_PROG }, { "pooling_mode", 1, NULL, O_POOL },
        { "reassign_mode", 1, NULL, O_RM }, { "seed", 1, NULL, O_SEED }, { "conf_prob", 1, NULL, O_CONF },
        { "overlap_mode", 1, NULL, O_OM }, { "overlap_threshold", 1, NULL, O_OT }, { "annotation_class", 1, NULL, O_AC },
        { "stranded_mode", 1, NULL, O_SM }, { "ignore_umi", 0, NULL, O_IU }, { "umi_counts", 0, NULL, O_UC },
        { "pi_prior", 1, NULL, O_PIP }, { "theta_prior", 1, NULL, O_THP }, { "em_epsilon", 1, NULL, O_EPS },
        { "max_iter", 1, NULL, O_MAXIT }, { "use_likelihood", 0, NULL, O_LIK }, { "skip_em", 0, NULL, O_SKIP },
        { "tempdir", 1, NULL, O_TMP }, { "no_10x", 0, NULL, O_NO10X }, { "10x", 1, NULL, O_10X },
        { "backend", 1, NULL, O_BACKEND },
        { "help", 0, NULL, 'h' }, { "version", 0, NULL, 'V' }, { NULL, 0, NULL, 0 }
    };
    static const char *const pools[] = { "pseudobulk", "individual", "celltype", NULL };
    static const char *const strands[] = { "RF", "R", "FR", "F", NULL };
    static const char *const omodes[] = { "threshold", "intersection-strict", "union", NULL };
    static const char *const aclass[] = { "intervaltree", "htseq", NULL };
    static const char *const backends[] = { "omp", "opencl", NULL };
    sc_opt_t o;
    int c, ret, bad = 0, is_resume;
    char *bindir, *cmd = NULL;
    const char *seed_opt = NULL;
    int64_t iv, seed_v = 0;
    double d;
    double t0 = tsc_realtime();

    tsc_set_progname("tsc-sc");
    if (argc < 2) { usage(stderr); return 2; }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) { usage(stdout); return tsc_close_stdout() ? 1 : 0; }
    if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) { tsc_print_version(); return tsc_close_stdout() ? 1 : 0; }
    if (strcmp(argv[1], "assign") == 0) is_resume = 0;
    else if (strcmp(argv[1], "resume") == 0) is_resume = 1;
    else return tsc_usage_error("the first argument is a command: assign or resume (not '%s')", argv[1]);
    if (!(cmd = tsc_cmdline(argc, argv))) { tsc_error("out of memory"); return 1; }
    opt_init(&o, is_resume);
    for (int i = 2; i < argc; i++)
        if (strncmp(argv[i], "--", 2) == 0) {
            if (!argv[i][2]) break;
            for (char *p = argv[i] + 2; *p && *p != '='; p++) if (*p == '-') *p = '_';
        }
    argv[1] = argv[0];
    argv++; argc--;
    while ((c = getopt_long(argc, argv, "hV", lopts, NULL)) >= 0) {
        switch (c) {
        case O_WL: o.whitelist = optarg; break;
        case O_CT: o.celltype_tsv = optarg; break;
        case O_BT: o.barcode_tag = optarg; break;
        case O_UT: o.umi_tag = optarg; break;
        case O_ATTR: o.attribute = optarg; break;
        case O_FT: o.feature_type = optarg; break;
        case O_NFK: o.no_feature_key = optarg; break;
        case O_NPROC: o.nproc = optarg; if (tsc_parse_int64(optarg, 1, 1024, &iv) < 0) bad |= tsc_usage_error("--nproc: not an integer in 1..1024: '%s'", optarg); break;
        case O_OUT: o.outdir = optarg; break;
        case O_TAG: o.exp_tag = optarg; break;
        case O_USAM: o.updated_sam = 1; break;
        case O_EVERY: o.every_mode = 1; break;
        case O_LOG: o.logfile = optarg; break;
        case O_QUIET: o.quiet = 1; break;
        case O_DEBUG: o.debug = 1; break;
        case O_PROG: o.progress = optarg; if (tsc_parse_int64(optarg, 0, INT64_MAX, &iv) < 0) bad |= tsc_usage_error("--progress: not a non-negative integer: '%s'", optarg); break;
        case O_POOL: o.pooling_mode = optarg; if (one_of("pooling_mode", optarg, pools) < 0) bad = 2; break;
        case O_RM: o.reassign_mode = optarg; break;
        case O_SEED: seed_opt = optarg; if (tsc_parse_int64(optarg, -1, INT64_MAX, &seed_v) < 0) bad |= tsc_usage_error("--seed: not an integer: '%s'", optarg); break;
        case O_CONF: o.conf_prob = optarg; if (tsc_parse_double(optarg, -1e300, 1e300, &d) < 0) bad |= tsc_usage_error("--conf_prob: not a number: '%s'", optarg); break;
        case O_OM: o.overlap_mode = optarg; if (one_of("overlap_mode", optarg, omodes) < 0) bad = 2; break;
        case O_OT: o.overlap_threshold = optarg; if (tsc_parse_double(optarg, 0, 1, &d) < 0) bad |= tsc_usage_error("--overlap_threshold: not a number in [0, 1]: '%s'", optarg); break;
        case O_AC: o.annotation_class = optarg; if (one_of("annotation_class", optarg, aclass) < 0) bad = 2; break;
        case O_SM: o.stranded_mode = optarg; if (one_of("stranded_mode", optarg, strands) < 0) bad = 2; break;
        case O_IU: o.ignore_umi = 1; break;
        case O_UC: o.umi_counts = 1; break;
        case O_PIP: o.pi_prior = optarg; if (tsc_parse_int64(optarg, 0, INT32_MAX, &iv) < 0) bad |= tsc_usage_error("--pi_prior: not a non-negative integer: '%s'", optarg); break;
        case O_THP: o.theta_prior = optarg; if (tsc_parse_int64(optarg, 0, INT32_MAX, &iv) < 0) bad |= tsc_usage_error("--theta_prior: not a non-negative integer: '%s'", optarg); break;
        case O_EPS: o.em_epsilon = optarg; if (tsc_parse_double(optarg, 0, 1e300, &d) < 0) bad |= tsc_usage_error("--em_epsilon: not a non-negative number: '%s'", optarg); break;
        case O_MAXIT: o.max_iter = optarg; if (tsc_parse_int64(optarg, 1, INT32_MAX, &iv) < 0) bad |= tsc_usage_error("--max_iter: not a positive integer: '%s'", optarg); break;
        case O_LIK: o.use_likelihood = 1; break;
        case O_SKIP: o.skip_em = 1; break;
        case O_TMP: break;
        case O_NO10X: o.no_10x = 1; break;
        case O_10X: o.tenx = optarg; break;
        case O_BACKEND: o.backend = optarg; if (one_of("backend", optarg, backends) < 0) bad = 2; break;
        case 'h': usage(stdout); free(cmd); return tsc_close_stdout() ? 1 : 0;
        case 'V': tsc_print_version(); free(cmd); return tsc_close_stdout() ? 1 : 0;
        default: free(cmd); return tsc_usage_error("unknown option");
        }
    }
    if (bad) { free(cmd); return 2; }
    /* checks that Stellarscope makes at start-up, with clear messages (spec §14) */
    if (tsc_parse_double(o.conf_prob, -1e300, 1e300, &d) < 0 || !(d > 0.5 && d <= 1.0)) {
        tsc_error("--conf_prob must be in (0.5, 1.0], not %s", o.conf_prob); free(cmd); return 2;
    }
    {
        static const char *const all[] = { "best_exclude", "best_conf", "best_random", "best_average", "initial_unique", "initial_random", "total_hits", NULL };
        char *s = strdup(o.reassign_mode), *tok, *sv = NULL;
        int seen[7] = { 0 };
        for (tok = strtok_r(s, ",", &sv); tok; tok = strtok_r(NULL, ",", &sv)) {
            if (one_of("reassign_mode", tok, all) < 0) { free(s); free(cmd); return 2; }
            for (int k = 0; all[k]; k++)
                if (strcmp(tok, all[k]) == 0 && seen[k]++) {
                    tsc_usage_error("--reassign_mode: '%s' is listed twice (S39)", tok);
                    free(s); free(cmd);
                    return 2;
                }
        }
        free(s);
    }
    if (strcmp(o.overlap_mode, "threshold") != 0) {
        tsc_error("--overlap_mode %s is not implemented (upstream crashes on it, S36); only 'threshold' is", o.overlap_mode);
        free(cmd); return 2;
    }
    if (strcmp(o.annotation_class, "intervaltree") != 0) {
        tsc_error("--annotation_class %s is not available (nor upstream); tsc has its own interval index", o.annotation_class);
        free(cmd); return 2;
    }
    if (!is_resume && strcmp(o.pooling_mode, "celltype") == 0 && !o.celltype_tsv) {
        tsc_error("celltype_tsv is required for pooling mode \"celltype\" (--celltype_tsv FILE)");
        free(cmd); return 2;
    }
    if (is_resume ? argc - optind != 1 : argc - optind != 2) {
        free(cmd);
        return tsc_usage_error(is_resume ? "resume needs one CHECKPOINT" : "assign needs ALIGNMENTS and ANNOTATION.gtf");
    }
    tsc_drv_set_level(o.debug ? 4 : o.quiet ? 2 : 3);
    if (o.debug) tsc_set_verbosity(TSC_LOG_DEBUG);
    if (o.logfile) {
        int fd = open(o.logfile, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd < 0) { tsc_error("cannot write the log file %s: %s", o.logfile, strerror(errno)); free(cmd); return 1; }
        dup2(fd, 2);
        close(fd);
    }
    for (int i = optind; i < argc; i++)
        if (access(argv[i], R_OK) < 0) { tsc_error("cannot read %s: %s", argv[i], strerror(errno)); free(cmd); return 1; }
    if (o.whitelist && access(o.whitelist, R_OK) < 0) { tsc_error("cannot read %s: %s", o.whitelist, strerror(errno)); free(cmd); return 1; }
    if (o.celltype_tsv && o.pooling_mode && strcmp(o.pooling_mode, "celltype") == 0) {
        /* read the table now: a bad one fails before the alignments are read */
        tsc_scmat_t none;
        tsc_scmodels_t md;
        memset(&none, 0, sizeof(none));
        if (tsc_scmodels_celltype(&none, o.celltype_tsv, &md) < 0) { free(cmd); return 1; }
        tsc_scmodels_free(&md);
    }
    if (is_resume && o.updated_sam) tsc_drv_log(2, "--updated_sam is ignored by resume (as upstream)");
    /* the seed (§10.1): --seed wraps modulo 2^32, -1 is random, else from the inputs' bytes */
    uint32_t seed = 0;
    if (seed_opt && seed_v == -1) {
        if (getrandom(&seed, sizeof seed, 0) != sizeof seed) seed = (uint32_t)time(NULL);
        seed_v = seed;
    } else if (seed_opt) seed = (uint32_t)seed_v;
    int hash_seed = !seed_opt && !is_resume; /* hashed while tsc-fetch runs */
    if (!is_resume && tsc_mkdir_p(o.outdir) < 0) { tsc_error("cannot create the output directory %s: %s", o.outdir, strerror(errno)); free(cmd); return 1; }
    bindir = tsc_exe_dir();
    ret = is_resume ? resume(&o, bindir, argv[optind], cmd, seed_opt, seed_v)
                    : assign(&o, bindir, argv[optind], argv[optind + 1], cmd, seed, hash_seed);
    if (ret == 0) {
        double dt = tsc_realtime() - t0;
        tsc_drv_log(3, "stellarscope %s complete in %.3f secs (tsc-sc)", is_resume ? "resume" : "assign", dt);
    }
    free(bindir);
    free(cmd);
    return ret < 0 ? 1 : 0;
}
