/* tsc-matrix -- build the score matrix from a HITS stream (spec §6.2-§6.3).
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include "tsc_util.h"
#include "tsc_stream.h"
#include "tsc_matrix.h"
#include "tsc_hits2mtx.h"

enum { OPT_NO_FEATURE_KEY = 1000 };

static void usage(FILE *fp, const tsc_hits2mtx_opt_t *o)
{
    fprintf(fp,
            "Usage: tsc-matrix [options] [HITS]\n"
            "Build Telescope's score matrix from a HITS stream (from tsc-fetch) and write it as a\n"
            "MATRIX stream. Rows: fragments in first-appearance order; columns: loci in\n"
            "first-appearance order, column 0 = the no-feature key; cells: raw score\n"
            "AS - minAS + 1 + alnlen (32-bit), the maximum where a (fragment, locus) repeats.\n"
            "HITS is read from stdin when absent or '-'.\n"
            "\n"
            "Options:\n"
            "  -o, --output FILE        write the MATRIX stream to FILE [stdout]\n"
            "      --no-feature-key STR name of column 0 (Telescope's --no_feature_key) [%s]\n"
            "  -v, --verbose            more messages (repeatable)\n"
            "  -h, --help               this help\n"
            "  -V, --version            print the version and exit\n"
            "\n"
            "Example: tsc-fetch loci.bed sample.bam | tsc-matrix | tsc-blocks | tsc-em | ...\n",
            o->no_feature_key);
}

int main(int argc, char *argv[])
{
    static const struct option lopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"no-feature-key", required_argument, NULL, OPT_NO_FEATURE_KEY},
        TSC_LONGOPT_GLOBAL,
        {NULL, 0, NULL, 0}};
    tsc_hits2mtx_opt_t opt;
    const char *in, *out = "-";
    tsc_rstream_t *r = NULL;
    tsc_mtx_t *m = NULL;
    char *cmd = NULL;
    int c, verbosity = TSC_LOG_WARNING, ret = 1;
    double t0 = tsc_realtime();

    tsc_set_progname("tsc-matrix");
    tsc_hits2mtx_opt_init(&opt);
    while ((c = getopt_long(argc, argv, "o:" TSC_GETOPT_GLOBAL, lopts, NULL)) >= 0) {
        switch (c) {
        case 'o': out = optarg; break;
        case OPT_NO_FEATURE_KEY: opt.no_feature_key = optarg; break;
        case 'v': tsc_set_verbosity(++verbosity); break;
        case 'h': usage(stdout, &opt); return tsc_close_stdout() < 0;
        case 'V': tsc_print_version(); return tsc_close_stdout() < 0;
        default: return tsc_usage_error("unknown option or missing argument");
        }
    }
    if (!(in = tsc_input_arg(argc, argv, optind))) return 2;
    if (tsc_hits2mtx_opt_check(&opt) < 0) return tsc_usage_error("bad --no-feature-key");

    if (!(r = tsc_rs_open(in, TSC_KIND_MASK(TSC_KIND_HITS)))) goto out;
    if (!(m = tsc_hits2mtx(r, &opt))) goto out;
    tsc_rs_close(r);
    r = NULL;
    if (!(cmd = tsc_cmdline(argc, argv)) || tsc_hdr_add_prov(m->hdr, "tsc-matrix", TSC_VERSION, cmd) < 0) {
        tsc_error("out of memory");
        goto out;
    }
    if (tsc_mtx_write(out, m) < 0) goto out;
    tsc_info("%lld fragments x %lld columns, %lld cells, in %.2f s", (long long)m->n_rows,
             (long long)m->n_cols, (long long)m->nnz, tsc_realtime() - t0);
    ret = 0;
out:
    free(cmd);
    tsc_mtx_destroy(m);
    tsc_rs_close(r);
    if (tsc_close_stdout() < 0) ret = 1;
    return ret;
}
