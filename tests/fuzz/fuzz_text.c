/* fuzz_text.c -- libFuzzer harness for both text forms of tsc-view (tsc_text2stream: sections, cells).
 * Properties besides "no crash, no leak, no UB": whatever stream the text parser writes, the
 * binary reader accepts; and that stream survives binary -> text -> binary byte for byte.
 * Part of tsc (Telescope in C). MIT licence. */
#include "fuzz_common.h"
#include "tsc_stream.h"
#include "tsc_text.h"

static fz_file_t in, bin, txt, bin2;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    fz_quiet("fuzz_text");
    fz_file_init(&in, "in");
    fz_file_init(&bin, "bin");
    fz_file_init(&txt, "txt");
    fz_file_init(&bin2, "bin2");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *tf;
    uint8_t *s1, *s2;
    size_t n1, n2;
    int ret;
    fz_file_set(&in, data, size);
    fz_file_set(&bin, "", 0);
    if (tsc_text2stream(in.path, bin.path) < 0) return 0;
    if (!(tf = fopen(txt.path, "w"))) abort();
    ret = tsc_stream2text(bin.path, tf, 0);
    if (fclose(tf) != 0) abort();
    if (ret < 0) {
        fprintf(stderr, "fuzz_text: the text parser wrote a stream the reader rejects\n");
        abort();
    }
    if (tsc_text2stream(txt.path, bin2.path) < 0) {
        fprintf(stderr, "fuzz_text: tsc-view printed a stream it cannot read back as text\n");
        abort();
    }
    s1 = fz_file_get(&bin, &n1);
    s2 = fz_file_get(&bin2, &n2);
    if (n1 != n2 || memcmp(s1, s2, n1) != 0) {
        fprintf(stderr, "fuzz_text: binary -> text -> binary changed the stream (%zu -> %zu bytes)\n", n1, n2);
        abort();
    }
    free(s1);
    free(s2);
    return 0;
}
