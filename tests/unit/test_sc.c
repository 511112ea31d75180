/* test_sc.c -- unit tests of the single-cell modules: PCG64/SeedSequence/Lemire draws against
 * numpy 1.24 (lib/tsc_pcg.c), SHA-1, whitelists (lib/tsc_sc.c), HITS per-fragment fields
 * (lib/tsc_hits.c) and the UMI deduplication rules (lib/tsc_umi.c).
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tsc_test.h"
#include "tsc_pcg.h"
#include "tsc_sc.h"
#include "tsc_hits.h"
#include "tsc_hittab.h"
#include "tsc_umi.h"

/* numpy 1.24: g = np.random.default_rng(seed); [g.choice(range(m)) for m in M], then
 * g.integers(0, 2**31 + 11); and default_rng(42).bit_generator.random_raw() */
static void test_pcg(void)
{
    static const uint64_t m[8] = { 2, 3, 5, 7, 100, 2, 6, 1000003 };
    static const struct { uint64_t seed; uint64_t v[8]; uint64_t big; } ref[] = {
        { 0, { 1, 1, 2, 1, 30, 0, 0, 16527 }, 1746484548 },
        { 42, { 0, 2, 3, 3, 43, 1, 0, 697370 }, 432652535 },
        { 808270653, { 0, 0, 2, 2, 82, 1, 5, 452167 }, 146133942 },
        { 4294967295u, { 0, 0, 3, 1, 90, 0, 1, 618983 }, 1518744824 },
    };
    for (size_t t = 0; t < sizeof ref / sizeof ref[0]; t++) {
        tsc_pcg64_t g;
        tsc_pcg64_seed(&g, ref[t].seed);
        for (int i = 0; i < 8; i++) CHECK_INT(tsc_pcg64_bounded(&g, m[i]), ref[t].v[i]);
        CHECK_INT(tsc_pcg64_bounded(&g, 2147483659ULL), ref[t].big);
    }
    tsc_pcg64_t g;
    tsc_pcg64_seed(&g, 42);
    CHECK(tsc_pcg64_next64(&g) == 0xc621fbcd16d92688ULL);
    /* m = 1 draws nothing */
    tsc_pcg64_seed(&g, 42);
    CHECK_INT(tsc_pcg64_bounded(&g, 1), 0);
    CHECK(tsc_pcg64_next64(&g) == 0xc621fbcd16d92688ULL);
}

static void test_sha1(const char *tmp)
{
    char path[4096], hex[41];
    uint32_t seed;
    snprintf(path, sizeof path, "%s/abc.txt", tmp);
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (!fp) return;
    fputs("abc", fp);
    fclose(fp);
    CHECK(tsc_sha1_file(path, hex) == 0);
    CHECK_STR(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
    /* a9993e3 * a9993e3 mod 2^32-1 */
    CHECK(tsc_sc_default_seed(path, path, &seed) == 0);
    CHECK_INT(seed, (uint32_t)((0xa9993e3ULL * 0xa9993e3ULL) % 4294967295ULL));
    unlink(path);
}

static void test_whitelist(const char *tmp)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/wl.tsv", tmp);
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (!fp) return;
    /* header, a Cell Ranger barcode twice, a blank line, a plain one with a second column */
    fputs("barcode\tx\nAAAC-1\nAAAC-1\n\nGGTT\tcelltype\n", fp);
    fclose(fp);
    tsc_wl_t *w = tsc_wl_read(path);
    CHECK(w != NULL);
    if (!w) return;
    CHECK_INT(tsc_wl_size(w), 2);
    CHECK_STR(tsc_wl_name(w, 0), "AAAC-1");
    CHECK_STR(tsc_wl_name(w, 1), "GGTT");
    CHECK_INT(tsc_wl_find(w, "AAAC-1"), 0);
    CHECK_INT(tsc_wl_find(w, "AAAC"), 0);   /* the bare tag of a Cell Ranger entry */
    CHECK_INT(tsc_wl_find(w, "GGTT"), 1);
    CHECK_INT(tsc_wl_find(w, "barcode"), -1);
    CHECK_INT(tsc_wl_find(w, "GGT"), -1);
    tsc_wl_destroy(w);
    /* a first line that is a barcode is kept (S3 fixed); an empty file is an error */
    fp = fopen(path, "w");
    fputs("AAAC-1\nCCGN\n", fp);
    fclose(fp);
    w = tsc_wl_read(path);
    CHECK(w && tsc_wl_size(w) == 2);
    tsc_wl_destroy(w);
    fp = fopen(path, "w");
    fclose(fp);
    CHECK(tsc_wl_read(path) == NULL);
    unlink(path);
}

/* write a HITS stream with fields, read it back as a table, deduplicate */
static void test_fields_dedup(const char *tmp)
{
    char path[4096];
    static const char *const fl[2] = { "CB", "UB" };
    snprintf(path, sizeof path, "%s/f.tsc", tmp);
    tsc_hdr_t *h = tsc_hdr_init(TSC_KIND_HITS);
    CHECK(h && tsc_hdr_add_feature(h, "L1", 100) == 0 && tsc_hdr_add_feature(h, "L2", 100) == 0 &&
          tsc_hdr_add_feature(h, "L3", 100) == 0 && tsc_hits_fields_info(h, 2, fl) == 0 &&
          tsc_hdr_set_info_int(h, "_min_as", 100) == 0);
    tsc_wstream_t *w = tsc_ws_open(path, h);
    tsc_hitw_t *hw = tsc_hitw_init(w);
    CHECK(hw && tsc_hitw_fields(hw, 2, fl) == 0);
    /* group (A,U1): r0 {L1}, r1 {L1,L2} -> one component, r0 wins (fewer loci);
     * group (A,U2): r2 {L1}, r3 {L3} -> two components, both kept;
     * group (B,U1): r4, r5 identical -> the later one (r5) wins;  r6 (A, no UMI) */
    static const struct { const char *n, *cb, *ub; int nm; tsc_map_t m[2]; } rec[] = {
        { "r0", "A", "U1", 1, { { 0, 150, 75 } } },
        { "r1", "A", "U1", 2, { { 0, 150, 75 }, { 1, 150, 75 } } },
        { "r2", "A", "U2", 1, { { 0, 150, 75 } } },
        { "r3", "A", "U2", 2, { { 2, 140, 75 }, { -1, 150, 75 } } },
        { "r4", "B", "U1", 1, { { 1, 150, 75 } } },
        { "r5", "B", "U1", 1, { { 1, 150, 75 } } },
    };
    for (int i = 0; i < 6; i++) {
        tsc_hit_t x;
        memset(&x, 0, sizeof(x));
        x.frag = i;
        x.name = (char *)rec[i].n;
        x.n_map = rec[i].nm;
        x.map = (tsc_map_t *)rec[i].m;
        x.n_fld = 2;
        x.fld[0] = (char *)rec[i].cb;
        x.fld[1] = (char *)rec[i].ub;
        CHECK(tsc_hitw_add(hw, &x) == 0);
    }
    CHECK(tsc_hitw_close(hw) == 0);
    CHECK(tsc_ws_close(w) == 0);
    tsc_hdr_destroy(h);
    tsc_hittab_t *t = tsc_hittab_read(path, 0);
    CHECK(t != NULL);
    if (!t) return;
    CHECK_INT(t->n, 6);
    CHECK_STR(t->cb[4], "B");
    CHECK_STR(t->ub[3], "U2");
    CHECK_STR(t->name[5], "r5");
    uint8_t ex[6];
    tsc_umi_stats_t st;
    char tpath[4096];
    snprintf(tpath, sizeof tpath, "%s/track.txt", tmp);
    FILE *tf = fopen(tpath, "w");
    CHECK(tsc_umi_dedup(t, 100, ex, tf, &st) == 0);
    fclose(tf);
    CHECK_INT(ex[0], 0); CHECK_INT(ex[1], 1); CHECK_INT(ex[2], 0); CHECK_INT(ex[3], 0);
    CHECK_INT(ex[4], 1); CHECK_INT(ex[5], 0);
    CHECK_INT(st.num_umi, 3); CHECK_INT(st.dup_umi, 3); CHECK_INT(st.nexclude, 2); CHECK_INT(st.max_comps, 2);
    CHECK_INT(st.comps[1], 2); CHECK_INT(st.comps[2], 1);
    CHECK_STR(st.bin_label[st.n_bin - 1], ">1");
    /* the tracking text: column indices 1-based (0 = no feature, dropped), raw = AS - 100 + 1 + 75 */
    char buf[1024] = { 0 };
    tf = fopen(tpath, "r");
    size_t n = fread(buf, 1, sizeof buf - 1, tf);
    fclose(tf);
    buf[n] = 0;
    CHECK_STR(buf, "A\tU1\n\tr0\t0\tREP\t{1: 126}\n\tr1\t0\tEX\t{1: 126, 2: 126}\n"
                   "A\tU2\n\tr2\t0\tREP\t{1: 126}\n\tr3\t1\tREP\t{3: 116}\n"
                   "B\tU1\n\tr4\t0\tEX\t{2: 126}\n\tr5\t0\tREP\t{2: 126}\n");
    tsc_umi_stats_free(&st);
    tsc_hittab_destroy(t);
    unlink(tpath);
    unlink(path);
}

int main(void)
{
    char tmp[] = "/tmp/tsc-test-sc.XXXXXX";
    if (!mkdtemp(tmp)) return 1;
    test_pcg();
    test_sha1(tmp);
    test_whitelist(tmp);
    test_fields_dedup(tmp);
    rmdir(tmp);
    return tsc_test_result("test_sc");
}
