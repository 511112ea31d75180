/* tsc-regions.c -- read a GTF annotation as Telescope does and write the merged loci as BED6.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <getopt.h>
#include <unistd.h>
#include "tsc_util.h"
#include "tsc_annot.h"

static void usage(FILE *fp, const tsc_gtf_opt_t *o)
{
    fprintf(fp,
"Usage: tsc-regions [options] [ANNOTATION.gtf[.gz]] > loci.bed\n"
"Read a GTF as Telescope does (its exon rows, grouped into loci by an attribute), merge each\n"
"locus's overlapping intervals and write the loci as BED6, grouped by locus in first-seen order.\n"
"ANNOTATION may be gzip-compressed; '-' or no argument reads stdin.\n"
"\n"
"Options:\n"
"  -a, --attribute KEY     GTF attribute naming the locus [%s]\n"
"  -f, --feature-type STR  GTF column 3 value of the rows used [%s]\n"
"  -o, --output FILE       write the BED to FILE [stdout]\n"
"  -v, --verbose           more messages (repeatable)\n"
"  -h, --help              this help\n"
"  -V, --version           print the version\n",
            o->attribute, o->feature_type);
}

int main(int argc, char *argv[])
{
    static const struct option lopts[] = {
        { "attribute", required_argument, NULL, 'a' },
        { "feature-type", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 }
    };
    tsc_gtf_opt_t opt;
    tsc_annot_t *a = NULL;
    const char *in, *out = NULL;
    char *cmd = NULL;
    FILE *fp = stdout;
    int c, verbosity = TSC_LOG_WARNING, ret = 1;

    tsc_set_progname("tsc-regions");
    tsc_gtf_opt_init(&opt);
    while ((c = getopt_long(argc, argv, "a:f:o:vhV", lopts, NULL)) != -1) {
        switch (c) {
        case 'a': opt.attribute = optarg; break;
        case 'f': opt.feature_type = optarg; break;
        case 'o': out = optarg; break;
        case 'v': verbosity++; break;
        case 'h': usage(stdout, &opt); return tsc_close_stdout() < 0 ? 1 : 0;
        case 'V':
            printf("tsc-regions %s\n", TSC_VERSION);
            return tsc_close_stdout() < 0 ? 1 : 0;
        default:
            fprintf(stderr, "tsc-regions: try --help\n");
            return 2;
        }
    }
    tsc_set_verbosity(verbosity);
    if (argc - optind > 1) {
        tsc_error("too many arguments; try --help");
        return 2;
    }
    if (tsc_gtf_opt_check(&opt) < 0) {
        fprintf(stderr, "tsc-regions: try --help\n");
        return 2;
    }
    if (optind < argc) {
        in = argv[optind];
    } else if (!isatty(STDIN_FILENO)) {
        in = "-";
    } else {
        usage(stderr, &opt);
        return 2;
    }

    if (!(a = tsc_gtf2annot(in, &opt))) goto end;
    if (!(cmd = tsc_cmdline(argc, argv))) {
        tsc_error("out of memory");
        goto end;
    }
    for (c = 0; cmd[c]; c++) /* keep the header one line per field */
        if (cmd[c] == '\n' || cmd[c] == '\r') cmd[c] = ' ';
    if (out && strcmp(out, "-") != 0 && !(fp = fopen(out, "w"))) {
        tsc_error("%s: cannot create: %s", out, strerror(errno));
        fp = stdout;
        goto end;
    }
    if (fprintf(fp, "#program\ttsc-regions\n#version\t%s\n#command\t%s\n"
                    "#attribute\t%s\n#feature_type\t%s\n#loci\t%d\n#intervals\t%lld\n"
                    "#columns\tchrom\tstart(0-based)\tend\tlocus\tscore\tstrand\n",
                TSC_VERSION, cmd, opt.attribute, opt.feature_type, a->n_loci,
                (long long)a->n_iv) < 0) {
        tsc_error("writing the BED: %s", strerror(errno));
        goto end;
    }
    if (tsc_annot2bed(a, fp) < 0) goto end;
    ret = 0;
end:
    if (fp != stdout && fclose(fp) != 0 && ret == 0) {
        tsc_error("%s: %s", out, strerror(errno));
        ret = 1;
    }
    if (ret != 0 && fp != stdout && out) remove(out); /* no partial BED that looks complete */
    free(cmd);
    tsc_annot_destroy(a);
    if (tsc_close_stdout() < 0 && ret == 0) {
        tsc_error("writing to stdout failed");
        ret = 1;
    }
    return ret;
}
