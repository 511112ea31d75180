/* tsc-merge -- many samples' count tables into one locus x sample matrix (DESeq2/edgeR input).
 * Part of tsc (Telescope in C). MIT licence. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "tsc_merge.h"

static void usage(FILE *fp)
{
    fprintf(fp,
"Usage: tsc-merge [options] COUNTS.tsv...\n"
"Merge per-sample count tables (Telescope's TE_counts.tsv, or tsc-report --all-loci tables)\n"
"into one locus x sample matrix, zeros filled.\n"
"\n"
"Options:\n"
"  -a, --annotation BED   rows = every locus of this tsc-regions BED, in annotation order\n"
"                         [default: the union of the inputs' loci, first-seen order]\n"
"  -n, --names A,B,...    sample names [from the file names, less -TE_counts.tsv,\n"
"                         -all-loci.tsv or .tsv]\n"
"      --no-feature-key S name of the no-feature row [__no_feature]\n"
"      --keep-no-feature  keep that row (left out by default)\n"
"  -u, --units U          counts, cpm (per million of the sample's total count, no-feature\n"
"                         row included) or tpm (per locus length; needs -a BED or all-loci\n"
"                         tables) [counts]"
"  -o, --output FILE      write to FILE [stdout]\n"
"  -v, --verbose          more messages;  -h, --help  this help;  -V, --version  the version\n"
"\n"
"In R: read.delim(\"merged.tsv\", comment.char = \"#\", row.names = 1)\n");
}

static char *sample_name(const char *path)
{
    const char *b = strrchr(path, '/');
    char *s = strdup(b ? b + 1 : path);
    size_t n;
    static const char *const suf[] = { "-TE_counts.tsv", "_TE_counts.tsv", "-all-loci.tsv", "-counts.tsv", ".tsv", ".txt", NULL };
    int i;
    if (!s) return NULL;
    n = strlen(s);
    for (i = 0; suf[i]; i++) {
        size_t k = strlen(suf[i]);
        if (n > k && strcmp(s + n - k, suf[i]) == 0) { s[n - k] = 0; break; }
    }
    return s;
}

int main(int argc, char *argv[])
{
    enum { O_NFK = 1000, O_KEEP };
    static const struct option lopts[] = {
        { "annotation", 1, NULL, 'a' }, { "names", 1, NULL, 'n' }, { "output", 1, NULL, 'o' },
        { "no-feature-key", 1, NULL, O_NFK }, { "keep-no-feature", 0, NULL, O_KEEP }, { "units", 1, NULL, 'u' },
        TSC_LONGOPT_GLOBAL, { NULL, 0, NULL, 0 }
    };
    const char *annot = NULL, *out = NULL, *nfk = "__no_feature";
    char *names = NULL, **nv = NULL, *cmd;
    int c, keep = 0, i, n, nn = 0, ret = 0, units = TSC_MERGE_COUNTS;
    tsc_merge_t *mg;
    tsc_set_progname("tsc-merge");
    while ((c = getopt_long(argc, argv, "a:n:o:u:" TSC_GETOPT_GLOBAL, lopts, NULL)) >= 0) {
        switch (c) {
        case 'a': annot = optarg; break;
        case 'n': names = optarg; break;
        case 'o': out = optarg; break;
        case O_NFK: nfk = optarg; break;
        case O_KEEP: keep = 1; break;
        case 'u':
            if (strcmp(optarg, "counts") == 0) units = TSC_MERGE_COUNTS;
            else if (strcmp(optarg, "cpm") == 0) units = TSC_MERGE_CPM;
            else if (strcmp(optarg, "tpm") == 0) units = TSC_MERGE_TPM;
            else { return tsc_usage_error("--units: '%s' is not counts, cpm or tpm", optarg); }
            break;
        case 'v': tsc_set_verbosity(tsc_verbosity() + 1); break;
        case 'h': usage(stdout); return tsc_close_stdout() ? 1 : 0;
        case 'V': tsc_print_version(); return tsc_close_stdout() ? 1 : 0;
        default: return tsc_usage_error("unknown option");
        }
    }
    n = argc - optind;
    if (n < 1) return tsc_usage_error("no count tables given");
    if (!(cmd = tsc_cmdline(argc, argv))) { tsc_error("out of memory"); return 1; } /* before strtok_r edits argv */
    if (names) {
        char *p, *save = NULL;
        if (!(nv = calloc((size_t)n + 1, sizeof(char *)))) { tsc_error("out of memory"); free(cmd); return 1; }
        for (p = strtok_r(names, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
            if (nn == n) { free(nv); free(cmd); return tsc_usage_error("--names has more names than there are tables (%d)", n); }
            nv[nn++] = p;
        }
        if (nn != n) { free(nv); free(cmd); return tsc_usage_error("--names gives %d names for %d tables", nn, n); }
    }
    if (!(mg = tsc_merge_init(annot))) { free(nv); free(cmd); return 1; }
    if (tsc_merge_set_nofeat(mg, nfk, keep) < 0) { tsc_error("out of memory"); tsc_merge_destroy(mg); free(nv); free(cmd); return 1; }
    for (i = 0; i < n && ret == 0; i++) {
        char *s = nv ? strdup(nv[i]) : sample_name(argv[optind + i]);
        if (!s || tsc_merge_add(mg, argv[optind + i], s) < 0) ret = 1;
        free(s);
    }
    if (ret == 0) {
        FILE *fp = stdout;
        if (out && !(fp = fopen(out, "w"))) { tsc_error("cannot write %s: %s", out, strerror(errno)); ret = 1; }
        if (ret == 0 && tsc_merge_write(mg, fp, cmd, units) < 0) {
            if (ferror(fp)) tsc_error("writing %s failed: %s", out ? out : "stdout", strerror(errno));
            ret = 1;
        }
        if (fp && fp != stdout && fclose(fp) != 0 && ret == 0) { tsc_error("writing %s failed: %s", out, strerror(errno)); ret = 1; }
    }
    free(cmd);
    tsc_merge_destroy(mg);
    free(nv);
    if (tsc_close_stdout() < 0) ret = 1;
    if (ret && out) remove(out); /* no partial table that looks complete */
    return ret;
}
