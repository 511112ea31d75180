/* tsc-blocks -- group the score matrix into independent blocks (connected components of the
 * fragment-locus graph without the shared column 0).
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include "tsc_util.h"
#include "tsc_stream.h"
#include "tsc_matrix.h"
#include "tsc_blocks.h"

#define N_TOP_DEFAULT 5

static void usage(FILE *fp, int n_top)
{
    fprintf(fp,
            "Usage: tsc-blocks [options] [MATRIX]\n"
            "Find the independent blocks of a score matrix: connected components of the\n"
            "fragment-locus graph, leaving out column 0 (the no-feature key), which is the one\n"
            "column all blocks share. Writes a BLOCKS stream: the matrix unchanged plus each\n"
            "block's rows and loci. MATRIX (or a BLOCKS stream, whose blocks are recomputed) is\n"
            "read from stdin when absent or '-'.\n"
            "\n"
            "Options:\n"
            "  -o, --output FILE   write the BLOCKS stream to FILE [stdout]\n"
            "  -n, --top INT       with -v, list this many of the largest blocks [%d]\n"
            "  -v, --verbose       summary on stderr: blocks, largest blocks, rows touching\n"
            "                      column 0 (repeatable: more messages)\n"
            "  -h, --help          this help\n"
            "  -V, --version       print the version and exit\n"
            "\n"
            "Example: tsc-matrix hits | tsc-blocks -v | tsc-em | tsc-report -o out/sample\n",
            n_top);
}

static int summarise(const tsc_mtx_t *m, int n_top)
{
    tsc_blocks_summary_t s;
    const char *key = m->hdr->n_feat > 0 ? m->hdr->feat[0] : "column 0";
    int i;
    if (tsc_blocks_summary(m, n_top, &s) < 0) return -1;
    tsc_info("%lld rows x %lld loci (+ column 0), %lld cells: %lld blocks, %lld of them one row "
             "and one locus", (long long)m->n_rows, (long long)(m->n_cols - 1), (long long)m->nnz,
             (long long)s.n_blocks, (long long)s.n_single);
    tsc_info("%lld rows touch column 0 (%s), the column all blocks share", (long long)s.rows_col0, key);
    if (s.rows_only_col0)
        tsc_info("%lld rows touch no real locus (a block each)", (long long)s.rows_only_col0);
    if (s.cols_no_rows)
        tsc_info("%lld loci are touched by no row (a block each)", (long long)s.cols_no_rows);
    for (i = 0; i < s.n_top; i++)
        tsc_info("largest block %d: block %lld, %lld rows x %lld loci, %lld cells", i + 1,
                 (long long)s.top[i].block, (long long)s.top[i].n_rows, (long long)s.top[i].n_cols,
                 (long long)s.top[i].nnz);
    tsc_blocks_summary_free(&s);
    return 0;
}

int main(int argc, char *argv[])
{
    static const struct option lopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"top", required_argument, NULL, 'n'},
        TSC_LONGOPT_GLOBAL,
        {NULL, 0, NULL, 0}};
    const char *in, *out = "-";
    tsc_mtx_t *m = NULL;
    char *cmd = NULL;
    int c, verbosity = TSC_LOG_WARNING, n_top = N_TOP_DEFAULT, ret = 1;
    double t0 = tsc_realtime();

    tsc_set_progname("tsc-blocks");
    while ((c = getopt_long(argc, argv, "o:n:" TSC_GETOPT_GLOBAL, lopts, NULL)) >= 0) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'n':
            if (tsc_parse_int(optarg, 0, 1000000, &n_top) < 0) {
                return tsc_usage_error("--top wants an integer in [0, 1000000], not '%s'", optarg);
            }
            break;
        case 'v': tsc_set_verbosity(++verbosity); break;
        case 'h': usage(stdout, n_top); return tsc_close_stdout() < 0;
        case 'V': tsc_print_version(); return tsc_close_stdout() < 0;
        default: return tsc_usage_error("unknown option or missing argument");
        }
    }
    if (!(in = tsc_input_arg(argc, argv, optind))) return 2;

    if (!(m = tsc_mtx_read(in, TSC_KIND_MASK(TSC_KIND_MATRIX) | TSC_KIND_MASK(TSC_KIND_BLOCKS)))) goto out;
    if (tsc_mtx2blocks(m) < 0) goto out;
    if (tsc_verbosity() >= TSC_LOG_INFO && summarise(m, n_top) < 0) goto out;
    if (!(cmd = tsc_cmdline(argc, argv)) || tsc_hdr_add_prov(m->hdr, "tsc-blocks", TSC_VERSION, cmd) < 0) {
        tsc_error("out of memory");
        goto out;
    }
    if (tsc_mtx_write(out, m) < 0) goto out;
    tsc_info("done in %.2f s", tsc_realtime() - t0);
    ret = 0;
out:
    free(cmd);
    tsc_mtx_destroy(m);
    if (tsc_close_stdout() < 0) ret = 1;
    return ret;
}
