/* tsc-report -- Telescope's output files (TE_counts.tsv, run_stats.tsv) from a FIT stream,
 * byte-compatible with upstream, plus an optional fixed-row all-loci table.
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tsc_matrix.h"
#include "tsc_reassign.h"
#include "tsc_report.h"
#include "tsc_qc.h"
#include "tsc_util.h"

#define DEFAULT_PREFIX "telescope"

static void usage(FILE *fp, const tsc_report_opt_t *o)
{
    fprintf(fp,
"Usage: tsc-report [options] [FIT]\n"
"Write Telescope's PREFIX-TE_counts.tsv and PREFIX-run_stats.tsv from a FIT stream (tsc-em's\n"
"output), byte-compatible with upstream Telescope. Reads stdin when no file is given.\n"
"\n"
"Options:\n"
"  -o, --output PREFIX       output prefix: PREFIX-TE_counts.tsv, PREFIX-run_stats.tsv [%s]\n"
"  -m, --reassign-mode MODE  reassignment for TE_counts: exclude, choose, average, conf,\n"
"                            unique [%s]\n"
"  -c, --conf-prob P         threshold of conf mode and of final_conf, in [0,1] [%g]\n"
"  -a, --all-loci FILE       also write every annotated locus (zeros included, '#' provenance\n"
"                            lines) to FILE ('-' = stdout)\n"
"QC (families by the locus name's prefix before '_' unless -A and -g):\n"
"      --html FILE           a self-contained HTML report (SVG charts, no script)\n"
"      --multiqc PREFIX      MultiQC custom content: PREFIX-tsc_fragments_mqc.json,\n"
"                            PREFIX-tsc_assignment_mqc.json, PREFIX-tsc_families_mqc.json\n"
"      --sample NAME         sample name in both [the last part of the output prefix]\n"
"  -A, --annotation GTF      the annotation, for families by a GTF attribute\n"
"  -g, --group-by ATTR       the family attribute (repFamily, repClass, ...)\n"
"  -v, --verbose             more messages\n"
"  -h, --help                this help\n"
"  -V, --version             print the version\n"
"\n"
"Telescope's spellings --reassign_mode and --conf_prob are accepted too.\n"
"See tsc-report(1).\n", DEFAULT_PREFIX, tsc_ra_mode_name(o->mode), o->conf_prob);
}

typedef struct {
    char *final, *tmp;
    FILE *fp;
} outfile_t;

/* open a temporary file next to FINAL; renamed into place only when everything succeeded */
static int out_open(outfile_t *f, const char *final)
{
    mode_t um;
    int fd;
    memset(f, 0, sizeof(*f));
    if (!(f->final = strdup(final)) || !(f->tmp = malloc(strlen(final) + 16))) goto nomem;
    sprintf(f->tmp, "%s.tmp.XXXXXX", final);
    if ((fd = mkstemp(f->tmp)) < 0) {
        tsc_error("cannot create %s: %s", final, strerror(errno));
        free(f->tmp);
        f->tmp = NULL;
        return -1;
    }
    um = umask(0);
    umask(um);
    if (fchmod(fd, 0666 & ~um) < 0 || !(f->fp = fdopen(fd, "w"))) {
        tsc_error("cannot write %s: %s", f->tmp, strerror(errno));
        close(fd);
        return -1;
    }
    return 0;
nomem:
    tsc_error("out of memory");
    return -1;
}

/* close; on success (OK) keep for renaming, else remove */
static int out_close(outfile_t *f, int ok)
{
    if (f->fp) {
        if (fclose(f->fp) != 0 && ok) {
            tsc_error("%s: write failed: %s", f->final, strerror(errno));
            ok = 0;
        }
        f->fp = NULL;
    }
    if (!ok && f->tmp) {
        unlink(f->tmp);
        free(f->tmp);
        f->tmp = NULL;
    }
    return ok ? 0 : -1;
}

static int out_commit(outfile_t *f)
{
    if (!f->tmp) return 0;
    if (rename(f->tmp, f->final) < 0) {
        tsc_error("cannot rename %s to %s: %s", f->tmp, f->final, strerror(errno));
        unlink(f->tmp);
        return -1;
    }
    free(f->tmp);
    f->tmp = NULL;
    return 0;
}

static void out_free(outfile_t *f)
{
    if (f->tmp) unlink(f->tmp);
    free(f->tmp);
    free(f->final);
    memset(f, 0, sizeof(*f));
}

int main(int argc, char *argv[])
{
    enum { O_HTML = 1000, O_MQC, O_SAMPLE };
    static const struct option lopts[] = {
        { "output", 1, NULL, 'o' }, { "reassign-mode", 1, NULL, 'm' },
        { "reassign_mode", 1, NULL, 'm' }, { "conf-prob", 1, NULL, 'c' },
        { "conf_prob", 1, NULL, 'c' }, { "all-loci", 1, NULL, 'a' },
        { "html", 1, NULL, O_HTML }, { "multiqc", 1, NULL, O_MQC }, { "sample", 1, NULL, O_SAMPLE },
        { "annotation", 1, NULL, 'A' }, { "group-by", 1, NULL, 'g' },
        TSC_LONGOPT_GLOBAL, { NULL, 0, NULL, 0 }
    };
    tsc_report_opt_t opt;
    tsc_report_t rep;
    tsc_mtx_t *m = NULL;
    outfile_t fc, fs, fa, fh;
    const char *in, *prefix = DEFAULT_PREFIX, *all_loci = NULL, *html = NULL, *mqc = NULL, *sample = NULL;
    char *path = NULL, *cmdline = NULL, *sample_buf = NULL;
    int c, ok = 0, have_rep = 0, have_qc = 0, all_stdout;
    tsc_agg_opt_t ao;
    tsc_groups_t *groups = NULL;
    tsc_qc_t qc;
    double t0, t1 = 0, t2 = 0;

    tsc_set_progname("tsc-report");
    tsc_report_opt_init(&opt);
    memset(&fc, 0, sizeof fc);
    memset(&fs, 0, sizeof fs);
    memset(&fa, 0, sizeof fa);
    memset(&fh, 0, sizeof fh);
    tsc_agg_opt_init(&ao);
    while ((c = getopt_long(argc, argv, "o:m:c:a:A:g:" TSC_GETOPT_GLOBAL, lopts, NULL)) >= 0) {
        switch (c) {
        case 'o': prefix = optarg; break;
        case 'm':
            if ((opt.mode = tsc_ra_mode_parse(optarg, 0)) < 0)
                return tsc_usage_error("--reassign-mode: '%s' is not one of exclude, choose, average, conf, unique", optarg);
            break;
        case 'c':
            if (tsc_parse_double(optarg, 0.0, 1.0, &opt.conf_prob) < 0)
                return tsc_usage_error("--conf-prob: '%s' is not a number in [0, 1]", optarg);
            break;
        case 'a': all_loci = optarg; break;
        case O_HTML: html = optarg; break;
        case O_MQC: mqc = optarg; break;
        case O_SAMPLE: sample = optarg; break;
        case 'A': ao.gtf = optarg; break;
        case 'g': ao.group_by = optarg; break;
        case 'v': tsc_set_verbosity(tsc_verbosity() + 1); break;
        case 'h': usage(stdout, &opt); return tsc_close_stdout() ? 1 : 0;
        case 'V': tsc_print_version(); return tsc_close_stdout() ? 1 : 0;
        default: return tsc_usage_error("unknown option");
        }
    }
    if (!*prefix) return tsc_usage_error("--output: empty prefix");
    if (all_loci && !*all_loci) return tsc_usage_error("--all-loci: empty file name");
    if ((html && !*html) || (mqc && !*mqc) || (sample && !*sample)) return tsc_usage_error("--html, --multiqc, --sample: empty name");
    if (!ao.gtf != !ao.group_by) return tsc_usage_error("--annotation and --group-by go together");
    if (ao.gtf && !html && !mqc) return tsc_usage_error("--annotation and --group-by are for --html and --multiqc");
    if (!(in = tsc_input_arg(argc, argv, optind))) return 2;
    if (tsc_report_opt_check(&opt) < 0) return 2;
    all_stdout = all_loci && strcmp(all_loci, "-") == 0;

    if (!sample) {
        const char *b = strrchr(prefix, '/');
        sample = b ? b + 1 : prefix;
        if (!*sample) sample = DEFAULT_PREFIX;
    }
    t0 = tsc_realtime();
    if ((html || mqc) && ao.gtf && !(groups = tsc_groups_init(&ao))) goto done;
    if (!(m = tsc_mtx_read(in, TSC_KIND_MASK(TSC_KIND_FIT)))) goto done;
    t1 = tsc_realtime();
    if (m->n_rows == 0)
        tsc_warn("%s: no fragment overlapped the annotation: writing tables without rows",
                 strcmp(in, "-") ? in : "stdin");
    if (tsc_report_compute(m, &opt, &rep) < 0) goto done;
    have_rep = 1;
    t2 = tsc_realtime();
    if (!(path = malloc(strlen(prefix) + 32))) {
        tsc_error("out of memory");
        goto done;
    }
    sprintf(path, "%s-TE_counts.tsv", prefix);
    if (out_open(&fc, path) < 0) goto done;
    sprintf(path, "%s-run_stats.tsv", prefix);
    if (out_open(&fs, path) < 0) goto done;
    if (all_loci && !all_stdout && out_open(&fa, all_loci) < 0) goto done;
    if (html && out_open(&fh, html) < 0) goto done;
    if (out_close(&fc, tsc_report_write_counts(fc.fp, fc.final, m, &rep) == 0) < 0) goto done;
    if (out_close(&fs, tsc_report_write_stats(fs.fp, fs.final, m, &rep) == 0) < 0) goto done;
    if ((all_loci || html) && !(cmdline = tsc_cmdline(argc, argv))) {
        tsc_error("out of memory");
        goto done;
    }
    if (all_loci) {
        int r;
        if (all_stdout) {
            if (tsc_report_write_all_loci(stdout, "stdout", m, &rep, &opt, "tsc-report", cmdline) < 0) goto done;
        } else {
            r = tsc_report_write_all_loci(fa.fp, fa.final, m, &rep, &opt, "tsc-report", cmdline);
            if (out_close(&fa, r == 0) < 0) goto done;
        }
    }
    if (html || mqc) { /* after the tables: the QC adds block sections to m */
        if (tsc_qc_compute(m, &rep, groups, sample, &qc) < 0) goto done;
        have_qc = 1;
        if (html && out_close(&fh, tsc_qc_write_html(fh.fp, fh.final, m, &rep, &qc, "tsc-report", cmdline) == 0) < 0) goto done;
    }
    /* everything is written: put the files in place */
    if (out_commit(&fc) < 0 || out_commit(&fs) < 0 || out_commit(&fa) < 0 || out_commit(&fh) < 0) goto done;
    if (mqc && tsc_qc_write_multiqc(mqc, &qc) < 0) goto done;
    tsc_info("wrote %s-TE_counts.tsv and %s-run_stats.tsv: %lld fragments, %lld columns, "
             "%lld cells, mode %s, seed %u", prefix, prefix, (long long)m->n_rows,
             (long long)m->n_cols, (long long)m->nnz, tsc_ra_mode_name(opt.mode), rep.seed);
    tsc_info("time: read %.3f s, reassign %.3f s, write %.3f s", t1 - t0, t2 - t1,
             tsc_realtime() - t2);
    ok = 1;
done:
    out_close(&fc, 0);
    out_close(&fs, 0);
    out_close(&fa, 0);
    out_close(&fh, 0);
    out_free(&fh);
    out_free(&fc);
    out_free(&fs);
    out_free(&fa);
    if (have_rep) tsc_report_free(&rep);
    if (have_qc) tsc_qc_free(&qc);
    tsc_groups_destroy(groups);
    free(sample_buf);
    tsc_mtx_destroy(m);
    free(path);
    free(cmdline);
    if (tsc_close_stdout() < 0) ok = 0;
    return ok ? 0 : 1;
}
