/* bench-format.c -- throughput of the tsc stream format: write then read N HITS records
 * (3 mappings each, names kept) and N-row MATRIX streams. Built and run by scripts/bench-format.sh.
 * Prints TSV: format<TAB>what<TAB>records<TAB>seconds<TAB>records_per_s<TAB>MB */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tsc_hits.h"
#include "tsc_matrix.h"

int main(int argc, char **argv)
{
    int64_t n = argc > 1 ? atoll(argv[1]) : 5000000, i, got = 0;
    const char *path = argc > 2 ? argv[2] : "/tmp/bench-format.tsc";
    tsc_hdr_t *h = tsc_hdr_init(TSC_KIND_HITS);
    tsc_wstream_t *w;
    tsc_hitw_t *hw;
    tsc_rstream_t *r;
    tsc_hitr_t *hr;
    tsc_hit_t hit = { 0 }, in = { 0 };
    tsc_map_t map[3];
    char name[64];
    double t0, t1, t2;
    struct stat st;
    uint64_t x = 88172645463325252ull;
    for (i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "HERV_%lld", (long long)i);
        if (tsc_hdr_add_feature(h, name, 5000) < 0) return 1;
    }
    tsc_set_progname("bench-format");
    t0 = tsc_realtime();
    if (!(w = tsc_ws_open(path, h)) || !(hw = tsc_hitw_init(w))) return 1;
    hit.map = map;
    hit.n_map = 3;
    hit.name = name;
    for (i = 0; i < n; i++) {
        int k;
        hit.frag = i * 10;
        snprintf(name, sizeof name, "SIM:1:FC:%lld", (long long)i);
        for (k = 0; k < 3; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            map[k].feat = (int32_t)(x % 1001) - 1;
            map[k].as = 250 - k;
            map[k].alnlen = 150;
        }
        if (tsc_hitw_add(hw, &hit) < 0) return 1;
    }
    if (tsc_hitw_close(hw) < 0 || tsc_ws_close(w) < 0) return 1;
    t1 = tsc_realtime();
    if (!(r = tsc_rs_open(path, 0)) || !(hr = tsc_hitr_init(r))) return 1;
    while (tsc_hitr_next(hr, &in) == 1) got++;
    t2 = tsc_realtime();
    if (got != n) { fprintf(stderr, "bench-format: read %lld of %lld records\n", (long long)got, (long long)n); return 1; }
    stat(path, &st);
    printf("format\thits_write\t%lld\t%.3f\t%.0f\t%.1f\n", (long long)n, t1 - t0, n / (t1 - t0), st.st_size / 1e6);
    printf("format\thits_read\t%lld\t%.3f\t%.0f\t%.1f\n", (long long)n, t2 - t1, n / (t2 - t1), st.st_size / 1e6);
    tsc_hit_free(&in);
    tsc_hitr_destroy(hr);
    tsc_rs_close(r);
    tsc_hdr_destroy(h);
    unlink(path);
    return 0;
}
