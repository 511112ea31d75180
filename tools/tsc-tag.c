/* tsc-tag -- the updated alignment file: Telescope's --updated_sam (ZF, ZT, ZB, XP, YC, MAPQ and
 * the secondary flag), from the FIT stream and the alignment file tsc-fetch read.
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tsc_annot.h"
#include "tsc_fragment.h"
#include "tsc_matrix.h"
#include "tsc_reassign.h"
#include "tsc_tag.h"
#include "tsc_util.h"

static void usage(FILE *fp, const tsc_tag_opt_t *o)
{
    fprintf(fp,
"Usage: tsc-tag [options] -l LOCI.bed FIT ALIGNMENTS > updated.bam\n"
"Write the alignments tsc-fetch read, in their order, with Telescope's --updated_sam tags\n"
"(ZF, ZT, ZB, XP, YC), MAPQ and secondary flag, from the FIT stream (tsc-em's output). Records\n"
"of fragments without a locus, and unmapped ones, are written unchanged.\n"
"\n"
"Options:\n"
"  -l, --loci BED            the loci BED tsc-fetch used (tsc-regions' output); required\n"
"  -T, --overlap-threshold F as given to tsc-fetch [%g, or the FIT's _overlap_threshold]\n"
"  -s, --stranded-mode MODE  as given to tsc-fetch: None, RF, R, FR, F [%s, or the FIT's]\n"
"  -m, --reassign-mode MODE  exclude, choose, average, conf, unique: which alignments are kept\n"
"                            as primary (the rule of TE_counts) [%s]\n"
"  -c, --conf-prob P         threshold of conf mode, in [0,1] [%g]\n"
"  -o, --output FILE         output file, written under a temporary name and renamed at the end\n"
"                            [stdout]\n"
"  -O, --output-fmt FMT      sam, bam or cram [from the name of -o, else bam]\n"
"  -r, --reference FASTA     reference for CRAM input or output\n"
"      --input-order ORDER   auto, name or coordinate [auto: coordinate if @HD SO:coordinate]\n"
"      --upstream-draws      choose mode: draw again for the BAM as upstream does (it then\n"
"                            disagrees with TE_counts, Q8); for comparisons only\n"
"      --no-PG               do not add the @PG line\n"
"      --sc                  single cell (Stellarscope's --updated_sam): FIT is tsc-sccount\n"
"                            --posteriors' stream (z and the first mode's reassignment, any\n"
"                            pooling); XP:f; only the fragments that are its rows are written\n"
"      --other FILE          with --sc: write every other fragment here (Stellarscope's other.bam)\n"
"  -t, --threads N           threads in all (BGZF decoding and encoding) [%d]\n"
"  -v, --verbose             more messages (repeatable)\n"
"  -h, --help                this help\n"
"  -V, --version             print the version\n"
"\n"
"Telescope's spellings --reassign_mode, --conf_prob, --overlap_threshold and --stranded_mode\n"
"are accepted too. See tsc-tag(1).\n",
        o->frag.overlap_threshold, tsc_strand_mode_name(o->frag.strand_mode),
        tsc_ra_mode_name(o->mode), o->conf_prob, o->n_threads);
}

/* The temporary output, removed if a signal ends the run (unlink is async-signal-safe). */
static volatile sig_atomic_t g_have_tmp;
static char *g_tmp;

static void on_signal(int sig)
{
    if (g_have_tmp) unlink(g_tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* The fetch options the FIT's run info records (if tsc-fetch wrote them) are the defaults; an
 * explicit option that disagrees is used, with a warning. */
static int frag_opts_from_fit(tsc_tag_opt_t *o, const tsc_hdr_t *h, const char *src)
{
    const char *v;
    if ((v = tsc_hdr_get_info(h, "_overlap_threshold"))) {
        double x;
        if (tsc_parse_double(v, 0.0, 1.0, &x) < 0) {
            tsc_error("%s: bad _overlap_threshold '%s' in the run info", src, v);
            return -1;
        }
        if (!(o->frag_set & 1)) o->frag.overlap_threshold = x;
        else if (x != o->frag.overlap_threshold)
            tsc_warn("--overlap-threshold %g, but tsc-fetch used %g", o->frag.overlap_threshold, x);
    }
    if ((v = tsc_hdr_get_info(h, "_stranded_mode"))) {
        int s = tsc_strand_mode_parse(v);
        if (s < 0) {
            tsc_error("%s: bad _stranded_mode '%s' in the run info", src, v);
            return -1;
        }
        if (!(o->frag_set & 2)) o->frag.strand_mode = s;
        else if (s != o->frag.strand_mode)
            tsc_warn("--stranded-mode %s, but tsc-fetch used %s", tsc_strand_mode_name(o->frag.strand_mode), v);
    }
    return 0;
}

int main(int argc, char *argv[])
{
    enum { O_ORDER = 1000, O_UPSTREAM, O_NOPG, O_SC, O_OTHER };
    static const struct option lopts[] = {
        { "loci", 1, NULL, 'l' }, { "output", 1, NULL, 'o' }, { "output-fmt", 1, NULL, 'O' },
        { "reference", 1, NULL, 'r' }, { "threads", 1, NULL, 't' },
        { "reassign-mode", 1, NULL, 'm' }, { "reassign_mode", 1, NULL, 'm' },
        { "conf-prob", 1, NULL, 'c' }, { "conf_prob", 1, NULL, 'c' },
        { "overlap-threshold", 1, NULL, 'T' }, { "overlap_threshold", 1, NULL, 'T' },
        { "stranded-mode", 1, NULL, 's' }, { "stranded_mode", 1, NULL, 's' },
        { "input-order", 1, NULL, O_ORDER }, { "upstream-draws", 0, NULL, O_UPSTREAM },
        { "no-PG", 0, NULL, O_NOPG }, { "sc", 0, NULL, O_SC }, { "other", 1, NULL, O_OTHER },
        TSC_LONGOPT_GLOBAL, { NULL, 0, NULL, 0 }
    };
    tsc_tag_opt_t opt;
    tsc_tag_stats_t st;
    tsc_annot_t *annot = NULL;
    tsc_mtx_t *m = NULL;
    tsc_tag_fit_t *fit = NULL;
    const char *loci = NULL, *out = NULL, *fit_path, *aln_path;
    char *tmp = NULL, *cmdline = NULL;
    int c, ok = 0, fd, stdout_by_hts = 0;
    double t0 = tsc_realtime();

    tsc_set_progname("tsc-tag");
    tsc_tag_opt_init(&opt);
    memset(&st, 0, sizeof st);
    while ((c = getopt_long(argc, argv, "l:o:O:r:T:s:t:m:c:" TSC_GETOPT_GLOBAL, lopts, NULL)) >= 0) {
        switch (c) {
        case 'l': loci = optarg; break;
        case 'o': out = optarg; break;
        case 'O': opt.out_format = optarg; break;
        case 'r': opt.reference = optarg; break;
        case 't':
            if (tsc_parse_int(optarg, 1, 1024, &opt.n_threads) < 0)
                return tsc_usage_error("--threads: '%s' is not a number in [1, 1024]", optarg);
            break;
        case 'm':
            if ((opt.mode = tsc_ra_mode_parse(optarg, 0)) < 0)
                return tsc_usage_error("--reassign-mode: '%s' is not one of exclude, choose, average, conf, unique", optarg);
            break;
        case 'c':
            if (tsc_parse_double(optarg, 0.0, 1.0, &opt.conf_prob) < 0)
                return tsc_usage_error("--conf-prob: '%s' is not a number in [0, 1]", optarg);
            break;
        case 'T':
            if (tsc_parse_double(optarg, 0.0, 1.0, &opt.frag.overlap_threshold) < 0)
                return tsc_usage_error("--overlap-threshold: '%s' is not a number in [0, 1]", optarg);
            opt.frag_set |= 1;
            break;
        case 's':
            if ((opt.frag.strand_mode = tsc_strand_mode_parse(optarg)) < 0)
                return tsc_usage_error("--stranded-mode: '%s' is not one of None, RF, R, FR, F", optarg);
            opt.frag_set |= 2;
            break;
        case O_ORDER:
            if (strcmp(optarg, "auto") == 0) opt.order = 0;
            else if (strcmp(optarg, "name") == 0) opt.order = 1;
            else if (strcmp(optarg, "coordinate") == 0) opt.order = 2;
            else return tsc_usage_error("--input-order: '%s' is not one of auto, name, coordinate", optarg);
            break;
        case O_UPSTREAM: opt.upstream_draws = 1; break;
        case O_NOPG: opt.add_pg = 0; break;
        case O_SC: opt.sc = 1; break;
        case O_OTHER: opt.other = optarg; break;
        case 'v': tsc_set_verbosity(tsc_verbosity() + 1); break;
        case 'h': usage(stdout, &opt); return tsc_close_stdout() ? 1 : 0;
        case 'V': tsc_print_version(); return tsc_close_stdout() ? 1 : 0;
        default: return tsc_usage_error("unknown option");
        }
    }
    if (argc - optind != 2) return tsc_usage_error("expected two arguments, FIT and ALIGNMENTS");
    fit_path = argv[optind];
    aln_path = argv[optind + 1];
    if (strcmp(fit_path, "-") == 0 && strcmp(aln_path, "-") == 0)
        return tsc_usage_error("FIT and ALIGNMENTS cannot both be stdin");
    if (!loci) return tsc_usage_error("-l/--loci BED is required (the loci file tsc-fetch used)");
    if (out && !*out) return tsc_usage_error("--output: empty file name");
    if (opt.other && !opt.sc) return tsc_usage_error("--other needs --sc");
    if (opt.other && out && strcmp(opt.other, out) == 0) return tsc_usage_error("--other and --output are the same file");
    if (tsc_tag_opt_check(&opt) < 0) return 2;

    if (!(annot = tsc_bed2annot(loci)) || tsc_annot_index(annot) < 0) goto done;
    if (!(m = tsc_mtx_read(fit_path, opt.sc ? TSC_KIND_MASK(TSC_KIND_MATRIX) : TSC_KIND_MASK(TSC_KIND_FIT)))) goto done;
    if (frag_opts_from_fit(&opt, m->hdr, fit_path) < 0) goto done;
    fit = tsc_tag_fit_init(m, annot, &opt, strcmp(fit_path, "-") ? fit_path : "stdin");
    m = NULL; /* taken */
    if (!fit) goto done;
    if (!(cmdline = tsc_cmdline(argc, argv))) {
        tsc_error("out of memory");
        goto done;
    }
    if (out && strcmp(out, "-") != 0) {
        if (!(tmp = malloc(strlen(out) + 16))) {
            tsc_error("out of memory");
            goto done;
        }
        sprintf(tmp, "%s.tmp.XXXXXX", out);
        if ((fd = mkstemp(tmp)) < 0) {
            tsc_error("cannot create %s: %s", out, strerror(errno));
            free(tmp);
            tmp = NULL;
            goto done;
        }
        close(fd);
        g_tmp = tmp;
        g_have_tmp = 1;
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGHUP, on_signal);
        signal(SIGPIPE, on_signal);
        {
            mode_t um = umask(0);
            umask(um);
            if (chmod(tmp, 0666 & ~um) < 0) tsc_warn("%s: cannot set the mode: %s", tmp, strerror(errno));
        }
    }
    stdout_by_hts = !tmp;
    if (tsc_tag_run(fit, annot, aln_path, tmp ? tmp : "-", out ? out : "-", &opt, cmdline, &st) < 0) goto done;
    if (tmp) {
        g_have_tmp = 0;
        if (rename(tmp, out) < 0) {
            tsc_error("cannot rename %s to %s: %s", tmp, out, strerror(errno));
            goto done;
        }
        free(tmp);
        tmp = NULL;
    }
    tsc_info("%lld records written; %lld fragments with a locus, %lld records tagged: %lld primary, "
             "%lld best-of-locus not kept, %lld secondary; mode %s; %.3f s", (long long)st.records,
             (long long)st.tagged_frags, (long long)st.tagged_recs, (long long)st.primary,
             (long long)st.secondary_pri, (long long)st.sec, tsc_ra_mode_name(opt.mode), tsc_realtime() - t0);
    ok = 1;
done:
    g_have_tmp = 0;
    if (tmp) unlink(tmp);
    free(tmp);
    free(cmdline);
    tsc_tag_fit_destroy(fit);
    tsc_mtx_destroy(m);
    tsc_annot_destroy(annot);
    /* htslib writes the records to stdout itself and closes it (sam_close reports write errors) */
    if (!stdout_by_hts && tsc_close_stdout() < 0) ok = 0;
    return ok ? 0 : 1;
}
