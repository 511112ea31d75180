/* tsc_pcg.c -- PCG64 + SeedSequence + Lemire draws as numpy 1.24, and the default seed (see tsc_pcg.h).
 * Part of tsc (Telescope in C). MIT licence. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tsc_pcg.h"

/* ---- SeedSequence (numpy/random/bit_generator.pyx), pool size 4 ---- */
#define INIT_A 0x43b0d7e5u
#define MULT_A 0x931e8875u
#define INIT_B 0x8b51f9ddu
#define MULT_B 0x58f38dedu
#define MIX_MULT_L 0xca01f9ddu
#define MIX_MULT_R 0x4973f715u
#define XSHIFT 16

static uint32_t hashmix(uint32_t v, uint32_t *hc)
{
    v ^= *hc;
    *hc *= MULT_A;
    v *= *hc;
    return v ^ (v >> XSHIFT);
}

static uint32_t mix(uint32_t x, uint32_t y)
{
    uint32_t r = MIX_MULT_L * x - MIX_MULT_R * y;
    return r ^ (r >> XSHIFT);
}

void tsc_pcg64_seed(tsc_pcg64_t *g, uint64_t seed)
{
    uint32_t ent[2], pool[4], hc = INIT_A, w[8];
    int ne = 0;
    do { ent[ne++] = (uint32_t)seed; seed >>= 32; } while (seed && ne < 2);
    for (int i = 0; i < 4; i++) pool[i] = hashmix(i < ne ? ent[i] : 0, &hc);
    for (int s = 0; s < 4; s++)
        for (int d = 0; d < 4; d++)
            if (s != d) pool[d] = mix(pool[d], hashmix(pool[s], &hc));
    /* entropy beyond the pool (never: at most 2 words) */
    uint32_t hb = INIT_B;
    for (int i = 0; i < 8; i++) {
        uint32_t v = pool[i % 4];
        v ^= hb;
        hb *= MULT_B;
        v *= hb;
        v ^= v >> XSHIFT;
        w[i] = v;
    }
    uint64_t u[4];
    for (int k = 0; k < 4; k++) u[k] = (uint64_t)w[2 * k] | (uint64_t)w[2 * k + 1] << 32;
    unsigned __int128 initstate = (unsigned __int128)u[0] << 64 | u[1];
    unsigned __int128 initseq = (unsigned __int128)u[2] << 64 | u[3];
    g->inc = initseq << 1 | 1;
    g->state = 0;
    (void)tsc_pcg64_next64(g);
    g->state += initstate;
    (void)tsc_pcg64_next64(g);
    g->has32 = 0;
    g->buf32 = 0;
}

uint64_t tsc_pcg64_next64(tsc_pcg64_t *g)
{
    static const unsigned __int128 mult = (unsigned __int128)2549297995355413924ULL << 64 | 4865540595714422341ULL;
    g->state = g->state * mult + g->inc;
    uint64_t x = (uint64_t)(g->state >> 64) ^ (uint64_t)g->state;
    unsigned rot = (unsigned)(g->state >> 122);
    return (x >> rot) | (x << ((64 - rot) & 63));
}

uint32_t tsc_pcg64_next32(tsc_pcg64_t *g)
{
    if (g->has32) { g->has32 = 0; return g->buf32; }
    uint64_t v = tsc_pcg64_next64(g);
    g->has32 = 1;
    g->buf32 = (uint32_t)(v >> 32);
    return (uint32_t)v;
}

uint64_t tsc_pcg64_bounded(tsc_pcg64_t *g, uint64_t m)
{
    uint64_t rng = m - 1;
    if (m <= 1) return 0;
    if (rng == 0xffffffffu) return tsc_pcg64_next32(g);
    uint64_t excl = rng + 1, p = (uint64_t)tsc_pcg64_next32(g) * excl;
    uint32_t left = (uint32_t)p;
    if (left < excl) {
        uint32_t thresh = (uint32_t)((0xffffffffu - rng) % excl);
        while (left < thresh) {
            p = (uint64_t)tsc_pcg64_next32(g) * excl;
            left = (uint32_t)p;
        }
    }
    return p >> 32;
}

int tsc_sc_default_seed(const char *a, const char *b, uint32_t *seed)
{
    char ha[41], hb[41];
    unsigned long x, y;
    if (tsc_sha1_file(a, ha) < 0 || tsc_sha1_file(b, hb) < 0) return -1;
    ha[7] = hb[7] = 0;
    x = strtoul(ha, NULL, 16);
    y = strtoul(hb, NULL, 16);
    *seed = (uint32_t)(((uint64_t)x * (uint64_t)y) % 4294967295ULL);
    return 0;
}
