/* tsc-view -- print any tsc stream as text, and turn that text back into a stream.
 * Part of tsc (Telescope in C). MIT licence. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include "tsc_text.h"

static void usage(FILE *fp)
{
    fprintf(fp,
"Usage: tsc-view [options] [STREAM|TEXT]\n"
"Print a tsc stream (HITS, MATRIX, BLOCKS, FIT) as text; given that text, write the stream back.\n"
"The direction is found from the input's first bytes. Reads stdin when no file is given.\n"
"\n"
"Options:\n"
"  -H, --header         print only the header (kind, features, run info, provenance)\n"
"  -m, --matrix         print the matrix as TSV: row, fragment, col, feature, raw_score[, z_final]\n"
"  -b, --binary         the input is text: write the binary stream (even to a terminal)\n"
"  -o, --output FILE    write to FILE instead of stdout\n"
"  -v, --verbose        more messages\n"
"  -h, --help           this help\n"
"  -V, --version        print the version\n"
"\n"
"See tsc-view(1) and tsc-format(5).\n");
}

int main(int argc, char *argv[])
{
    static const struct option lopts[] = {
        { "header", 0, NULL, 'H' }, { "matrix", 0, NULL, 'm' }, { "binary", 0, NULL, 'b' },
        { "output", 1, NULL, 'o' }, TSC_LONGOPT_GLOBAL, { NULL, 0, NULL, 0 }
    };
    int c, header = 0, matrix = 0, binary = 0, text_in, ret;
    const char *in, *out = "-";
    tsc_set_progname("tsc-view");
    while ((c = getopt_long(argc, argv, "Hmbo:" TSC_GETOPT_GLOBAL, lopts, NULL)) >= 0) {
        switch (c) {
        case 'H': header = 1; break;
        case 'm': matrix = 1; break;
        case 'b': binary = 1; break;
        case 'o': out = optarg; break;
        case 'v': tsc_set_verbosity(tsc_verbosity() + 1); break;
        case 'h': usage(stdout); return tsc_close_stdout() ? 1 : 0;
        case 'V': tsc_print_version(); return tsc_close_stdout() ? 1 : 0;
        default: return tsc_usage_error("unknown option");
        }
    }
    if (!(in = tsc_input_arg(argc, argv, optind))) return 2;
    if (header + matrix + binary > 1) return tsc_usage_error("-H, -m and -b exclude each other");
    /* sniff: tsc-view text starts with '#' */
    if (strcmp(in, "-") == 0) {
        int ch = getc(stdin);
        text_in = ch == '#';
        if (ch != EOF) ungetc(ch, stdin);
    } else {
        FILE *fp = fopen(in, "rb");
        int ch = fp ? getc(fp) : EOF;
        text_in = ch == '#';
        if (fp) fclose(fp);
    }
    if (binary && !text_in) {
        tsc_error("%s: -b needs tsc-view text (it starts with '#tsc-stream')", strcmp(in, "-") ? in : "stdin");
        return 1;
    }
    if ((header || matrix) && text_in) {
        tsc_error("%s: not a tsc stream (-%c needs a binary stream, not tsc-view text)", strcmp(in, "-") ? in : "stdin", header ? 'H' : 'm');
        return 1;
    }
    if (text_in) {
        if (!binary && strcmp(out, "-") == 0 && isatty(1)) {
            tsc_error("refusing to write a binary stream to a terminal (use -o FILE or a pipe)");
            return 1;
        }
        ret = tsc_text2stream(in, out);
        if (strcmp(out, "-") == 0 && tsc_close_stdout() < 0) ret = -1;
        return ret < 0 ? 1 : 0;
    }
    if (strcmp(out, "-") != 0 && !freopen(out, "w", stdout)) {
        tsc_error("cannot write %s: %s", out, strerror(errno));
        return 1;
    }
    ret = matrix ? tsc_stream2triplets(in, stdout) : tsc_stream2text(in, stdout, header);
    if (tsc_close_stdout() < 0) ret = -1;
    return ret < 0 ? 1 : 0;
}
