/* test_stream_append.c -- unit tests of tsc_stream_append_info (lib/tsc_stream.c): run info
 * appended to a finished stream reads back (RUNI applied, CRC and counts valid, data intact),
 * twice in a row; a stream with a bad CRC, a truncated one and a file that is not a stream are
 * refused and left as they were.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tsc_test.h"
#include "tsc_stream.h"

static long fsize(const char *p)
{
    FILE *fp = fopen(p, "rb");
    long n;
    if (!fp) return -1;
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fclose(fp);
    return n;
}

static void write_stream(const char *path)
{
    tsc_hdr_t *h = tsc_hdr_init(TSC_KIND_HITS);
    static const int64_t v[3] = { 7, -1, 1LL << 40 };
    CHECK(h && tsc_hdr_set_info(h, "total_fragments", "3") == 0);
    tsc_wstream_t *w = tsc_ws_open(path, h);
    CHECK(w != NULL);
    if (!w) return;
    CHECK(tsc_ws_section(w, TSC_TAG('T', 'E', 'S', 'T'), TSC_T_I64, v, 3) == 0);
    CHECK(tsc_ws_close(w) == 0);
    tsc_hdr_destroy(h);
}

/* read PATH to the end: 0 if valid; the value of KEY into VAL */
static int read_all(const char *path, const char *key, char *val, int64_t *third)
{
    tsc_rstream_t *r = tsc_rs_open(path, 0);
    tsc_sec_t s;
    int e;
    if (!r) return -1;
    while ((e = tsc_rs_next(r, &s)) == 1)
        if (s.tag == TSC_TAG('T', 'E', 'S', 'T') && s.count == 3) *third = ((int64_t *)s.data)[2];
    const char *v = tsc_hdr_get_info(tsc_rs_hdr(r), key);
    snprintf(val, 64, "%s", v ? v : "");
    tsc_rs_close(r);
    return e;
}

int main(void)
{
    char tmp[] = "/tmp/tsc-test-append.XXXXXX", path[256], val[64];
    int64_t third = 0;
    if (!mkdtemp(tmp)) return 1;
    snprintf(path, sizeof path, "%s/s.tsc", tmp);
    write_stream(path);
    long n0 = fsize(path);
    CHECK(tsc_stream_append_info(path, "_sc_seed", "808270653") == 0);
    CHECK(read_all(path, "_sc_seed", val, &third) == 0);
    CHECK_STR(val, "808270653");
    CHECK(third == (1LL << 40));
    CHECK(tsc_stream_append_info(path, "_other", "") == 0); /* twice, an empty value */
    CHECK(read_all(path, "_sc_seed", val, &third) == 0);
    CHECK_STR(val, "808270653");
    CHECK(read_all(path, "total_fragments", val, &third) == 0);
    CHECK_STR(val, "3");
    CHECK_INT(fsize(path), n0 + (24 + 8 + 8 + 9) + (24 + 8 + 6));
    /* a flipped byte: the CRC check refuses it and the file stays as it was */
    FILE *fp = fopen(path, "r+b");
    CHECK(fp != NULL);
    if (fp) { fseek(fp, 20, SEEK_SET); int c = fgetc(fp); fseek(fp, 20, SEEK_SET); fputc(c ^ 1, fp); fclose(fp); }
    long n1 = fsize(path);
    tsc_set_verbosity(0); /* expected errors stay quiet */
    CHECK(tsc_stream_append_info(path, "_x", "1") < 0);
    CHECK_INT(fsize(path), n1);
    /* truncated, and not a stream at all */
    write_stream(path);
    CHECK(truncate(path, n0 - 5) == 0);
    CHECK(tsc_stream_append_info(path, "_x", "1") < 0);
    CHECK_INT(fsize(path), n0 - 5);
    fp = fopen(path, "w");
    if (fp) { for (int i = 0; i < 100; i++) fputs("not a stream\n", fp); fclose(fp); }
    CHECK(tsc_stream_append_info(path, "_x", "1") < 0);
    CHECK(tsc_stream_append_info("/nonexistent/x.tsc", "_x", "1") < 0);
    unlink(path);
    rmdir(tmp);
    return tsc_test_result("test_stream_append");
}
