/* tsc-view -- print any tsc stream as text, and turn that text back into a stream.
 * Part of tsc (Telescope in C). MIT licence. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "tsc_text.h"

static void usage(FILE *fp)
{
    fprintf(fp,
"Usage: tsc-view [options] [STREAM|TEXT]\n"
"Print a tsc stream (HITS, MATRIX, BLOCKS, FIT) as text; given that text (either form), write\n"
"the stream back. The direction is found from the input's first byte; the input is read once\n"
"(a pipe or <(...) works). Reads stdin when no file is given.\n"
"\n"
"Options:\n"
"  -H, --header         print only the header (kind, features, run info, provenance)\n"
"  -m, --matrix         print a MATRIX, BLOCKS or FIT stream in the cell form: one line per\n"
"                       cell (row, fragment, name, col, feature, score[, z][, block]); tsc-view -b\n"
"                       turns it back into a MATRIX (or FIT) stream\n"
"  -b, --binary         the input is text: write the binary stream (even to a terminal)\n"
"  -o, --output FILE    write to FILE instead of stdout\n"
"  -v, --verbose        more messages\n"
"  -h, --help           this help\n"
"  -V, --version        print the version\n"
"\n"
"Edited text (its =END crc32 no longer matches, or any cell form) gets run info 'edited',\n"
"recomputed counters and a provenance entry. See tsc-view(1) and tsc-format(5).\n");
}

int main(int argc, char *argv[])
{
    static const struct option lopts[] = {
        { "header", 0, NULL, 'H' }, { "matrix", 0, NULL, 'm' }, { "binary", 0, NULL, 'b' },
        { "output", 1, NULL, 'o' }, TSC_LONGOPT_GLOBAL, { NULL, 0, NULL, 0 }
    };
    int c, header = 0, matrix = 0, binary = 0, text_in, ret, ch;
    const char *in, *name, *out = "-";
    FILE *fp;
    char *cmd;
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
    /* open once and sniff one byte (pushed back): tsc-view text starts with '#'. Opening the
     * input a second time would fail on a pipe or a process substitution. */
    name = strcmp(in, "-") == 0 ? "stdin" : in;
    if (strcmp(in, "-") == 0) fp = stdin;
    else if (!(fp = fopen(in, "rb"))) {
        tsc_error("cannot open %s: %s", in, strerror(errno));
        return 1;
    }
    ch = getc(fp);
    text_in = ch == '#';
    if (ch != EOF) ungetc(ch, fp);
    if (binary && !text_in) {
        tsc_error("%s:1: -b needs tsc-view text (it starts with '#tsc-stream' or '#tsc-cells')", name);
        return 1;
    }
    if ((header || matrix) && text_in) {
        tsc_error("%s: not a tsc stream (-%c needs a binary stream, not tsc-view text)", name, header ? 'H' : 'm');
        return 1;
    }
    if (text_in) {
        if (!binary && strcmp(out, "-") == 0 && isatty(1)) {
            tsc_error("refusing to write a binary stream to a terminal (use -o FILE or a pipe)");
            return 1;
        }
        if (!(cmd = tsc_cmdline(argc, argv))) { tsc_error("out of memory"); return 1; }
        ret = tsc_text2stream_fp(fp, name, out, cmd);
        free(cmd);
        if (fp != stdin) fclose(fp);
        if (strcmp(out, "-") == 0 && tsc_close_stdout() < 0) ret = -1;
        return ret < 0 ? 1 : 0;
    }
    if (strcmp(out, "-") != 0 && !freopen(out, "w", stdout)) {
        tsc_error("cannot write %s: %s", out, strerror(errno));
        return 1;
    }
    ret = matrix ? tsc_stream2cells_fp(fp, name, stdout) : tsc_stream2text_fp(fp, name, stdout, header);
    if (fp != stdin) fclose(fp);
    if (tsc_close_stdout() < 0) ret = -1;
    return ret < 0 ? 1 : 0;
}
