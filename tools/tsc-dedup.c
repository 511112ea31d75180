/* tsc-dedup -- UMI deduplication of a single-cell HITS stream, exactly as Stellarscope.
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tsc_umi.h"

static void usage(FILE *fp)
{
    fprintf(fp,
"Usage: tsc-dedup [options] [HITS]\n"
"UMI deduplication of a single-cell HITS stream (tsc-fetch --sc), exactly as Stellarscope: the\n"
"fragments of one cell barcode and UMI are grouped; within a group, fragments that share a locus\n"
"form a component, and each component keeps one representative (fewest loci, then best score;\n"
"a full tie goes to the later fragment). The others stay in the stream without mappings, so\n"
"they count nowhere downstream. HITS '-' or absent: stdin.\n"
"\n"
"Options:\n"
"  -u, --tracking FILE   write Stellarscope's umi_tracking.txt (needs tsc-fetch --names)\n"
"  -o, --output FILE     write the stream to FILE [stdout]\n"
"  -v, --verbose         more messages\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n"
"\n"
"Example: tsc-fetch --sc -n --whitelist bc.tsv loci.bed sample.bam | tsc-dedup -u umi.txt | tsc-view | less\n"
"See tsc-dedup(1).\n");
}

int main(int argc, char *argv[])
{
    static const struct option lopts[] = {
        { "tracking", 1, NULL, 'u' }, { "output", 1, NULL, 'o' }, TSC_LONGOPT_GLOBAL, { NULL, 0, NULL, 0 }
    };
    const char *out = "-", *in, *trk = NULL;
    int c, ret = 1;
    tsc_hittab_t *t = NULL;
    uint8_t *ex = NULL;
    FILE *tf = NULL;
    char *cmd = NULL;
    tsc_umi_stats_t st;
    int64_t min_as;
    memset(&st, 0, sizeof(st));

    tsc_set_progname("tsc-dedup");
    while ((c = getopt_long(argc, argv, "u:o:" TSC_GETOPT_GLOBAL, lopts, NULL)) >= 0) {
        switch (c) {
        case 'u': trk = optarg; break;
        case 'o': out = optarg; break;
        case 'v': tsc_set_verbosity(tsc_verbosity() + 1); break;
        case 'h': usage(stdout); return tsc_close_stdout() ? 1 : 0;
        case 'V': tsc_print_version(); return tsc_close_stdout() ? 1 : 0;
        default: return tsc_usage_error("unknown option");
        }
    }
    if (!(in = tsc_input_arg(argc, argv, optind))) return 2;
    if (strcmp(out, "-") == 0 && isatty(1)) {
        tsc_error("refusing to write a binary stream to a terminal (use -o FILE, a pipe, or tsc-view)");
        return 1;
    }
    if (!(t = tsc_hittab_read(in, 0))) goto end;
    if (tsc_hdr_get_info(t->hdr, "umi_num_umi")) {
        tsc_error("%s: the stream is already deduplicated", strcmp(in, "-") ? in : "stdin");
        goto end;
    }
    if (t->n > 0 && tsc_hdr_get_info_int(t->hdr, "_min_as", &min_as) < 0) {
        tsc_error("%s: the stream has no _min_as in its run info", in);
        goto end;
    }
    if (t->n == 0) min_as = 0;
    if (trk) {
        for (int64_t i = 0; i < t->n; i++)
            if (!t->name[i]) {
                tsc_error("--tracking needs fragment names: make the stream with tsc-fetch --names");
                goto end;
            }
        if (!(tf = fopen(trk, "w"))) { tsc_error("cannot write %s: %s", trk, strerror(errno)); goto end; }
    }
    if (!(ex = malloc((size_t)t->n + 1))) { tsc_error("out of memory"); goto end; }
    if (tsc_umi_dedup(t, (int32_t)min_as, ex, tf, &st) < 0) goto end;
    if (tf) {
        int e = fclose(tf);
        tf = NULL;
        if (e != 0) { tsc_error("cannot write %s: %s", trk, strerror(errno)); goto end; }
    }
    tsc_info("%" PRId64 " UMIs, %" PRId64 " duplicated; %" PRId64 " fragments excluded", st.num_umi, st.dup_umi, st.nexclude);
    if (!(cmd = tsc_cmdline(argc, argv)) || tsc_hdr_add_prov(t->hdr, "tsc-dedup", TSC_VERSION, cmd) < 0 ||
        tsc_umi_runinfo(&st, t->hdr) < 0) {
        tsc_error("out of memory");
        goto end;
    }
    for (int64_t i = 0; i < t->n; i++) ex[i] = !ex[i];
    if (tsc_hittab_write(t, out, t->hdr, ex) < 0) goto end;
    if (strcmp(out, "-") == 0 && tsc_close_stdout() < 0) goto end;
    ret = 0;
end:
    if (tf) { fclose(tf); if (trk) unlink(trk); }
    if (ret && trk && !tf) { /* no partial tracking file that looks complete */
        if (access(trk, F_OK) == 0 && ret) unlink(trk);
    }
    tsc_umi_stats_free(&st);
    tsc_hittab_destroy(t);
    free(ex);
    free(cmd);
    return ret;
}
