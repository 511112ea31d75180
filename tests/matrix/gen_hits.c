/* gen_hits.c -- write a synthetic HITS stream for benchmarks (scripts/bench-matrix.sh).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Usage: gen_hits N_FRAGMENTS N_LOCI SEED OUT
 * Loci come in families of 20 (as TE subfamilies do), families in superfamilies of 5. Each
 * fragment picks a family (skewed towards low family numbers), maps to 1-6 of its loci, now and
 * then (1/500) to a locus of another family of its superfamily (so blocks are mostly
 * superfamilies), and in 30% of cases also outside any locus (__no_feature).
 * Mappings are written AS-descending (stable), as tsc-fetch writes them; fragment ordinals skip
 * a few bundles (fragments that touch no locus). Deterministic for a given SEED.
 * Prints the number of mappings written on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include "tsc_hits.h"

#define FAMILY 20
#define MAXMAP 8

static uint64_t rng_state;

static uint32_t rnd(void) /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static uint32_t below(uint32_t n) { return (uint32_t)(((uint64_t)rnd() * n) >> 32); }

int main(int argc, char *argv[])
{
    int64_t n_frag, n_loci, seed, i, frag = 0, n_map_total = 0;
    int32_t n_fam, min_as = INT32_MAX, max_as = INT32_MIN;
    tsc_hdr_t *h;
    tsc_wstream_t *w;
    tsc_hitw_t *hw;
    tsc_map_t map[MAXMAP];
    tsc_hit_t rec;
    char name[32];
    int ok = 0;

    tsc_set_progname("gen_hits");
    if (argc != 5 || tsc_parse_int64(argv[1], 1, INT64_MAX / 4, &n_frag) < 0
        || tsc_parse_int64(argv[2], FAMILY, INT32_MAX / 2, &n_loci) < 0
        || tsc_parse_int64(argv[3], 0, INT64_MAX, &seed) < 0) {
        fprintf(stderr, "Usage: gen_hits N_FRAGMENTS N_LOCI(>=%d) SEED OUT\n", FAMILY);
        return 2;
    }
    rng_state = 0x9e3779b97f4a7c15ULL ^ (uint64_t)seed;
    n_fam = (int32_t)(n_loci / FAMILY);
    if (!(h = tsc_hdr_init(TSC_KIND_HITS))) return 1;
    for (i = 0; i < n_loci; i++) {
        snprintf(name, sizeof(name), "TE%lld", (long long)i);
        ok |= tsc_hdr_add_feature(h, name, 5000 + below(5000));
    }
    ok |= tsc_hdr_set_info(h, "version", "gen_hits");
    ok |= tsc_hdr_set_info_int(h, "annotated_features", n_loci);
    if (ok || !(w = tsc_ws_open(argv[4], h)) || !(hw = tsc_hitw_init(w))) return 1;
    memset(&rec, 0, sizeof(rec));
    rec.map = map;
    for (i = 0; i < n_frag; i++) {
        uint32_t u = below(1u << 20);
        int32_t fam = (int32_t)(((uint64_t)u * u >> 20) * (uint64_t)n_fam >> 20); /* skewed to low */
        int k = 1 + (int)below(6), j, l;
        int32_t base = fam * FAMILY, pick[FAMILY];
        for (j = 0; j < FAMILY; j++) pick[j] = j;
        for (j = 0; j < k; j++) { /* k distinct loci of the family */
            int32_t t, r = j + (int32_t)below((uint32_t)(FAMILY - j));
            t = pick[j]; pick[j] = pick[r]; pick[r] = t;
            map[j].feat = base + pick[j];
            map[j].as = 240 + (int32_t)below(61);
            map[j].alnlen = 100 + (int32_t)below(51);
        }
        if (below(500) == 0) { /* a locus of another family of the same superfamily (5 families) */
            int32_t f2 = fam / 5 * 5 + (int32_t)below(5);
            if (f2 != fam && f2 < n_fam) {
                map[k].feat = f2 * FAMILY + (int32_t)below(FAMILY);
                map[k].as = 240 + (int32_t)below(61);
                map[k].alnlen = 100 + (int32_t)below(51);
                k++;
            }
        }
        if (below(10) < 3) {
            map[k].feat = -1;
            map[k].as = 240 + (int32_t)below(61);
            map[k].alnlen = 100 + (int32_t)below(51);
            k++;
        }
        for (j = 1; j < k; j++) { /* AS descending, stable */
            tsc_map_t t = map[j];
            for (l = j; l > 0 && map[l - 1].as < t.as; l--) map[l] = map[l - 1];
            map[l] = t;
        }
        for (j = 0; j < k; j++) {
            if (map[j].as < min_as) min_as = map[j].as;
            if (map[j].as > max_as) max_as = map[j].as;
        }
        rec.frag = frag;
        rec.n_map = rec.m_map = k;
        if (tsc_hitw_add(hw, &rec) < 0) return 1;
        n_map_total += k;
        frag += 1 + (below(4) == 0);
    }
    if (tsc_hitw_close(hw) < 0) return 1;
    ok |= tsc_hdr_set_info_int(h, "total_fragments", frag);
    ok |= tsc_hdr_set_info_int(h, "ambig", n_frag);
    ok |= tsc_hdr_set_info_int(h, "_min_as", min_as);
    ok |= tsc_hdr_set_info_int(h, "_max_as", max_as);
    if (ok || tsc_ws_runinfo(w, h) < 0 || tsc_ws_close(w) < 0) return 1;
    tsc_hdr_destroy(h);
    printf("%lld\n", (long long)n_map_total);
    return 0;
}
