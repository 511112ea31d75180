/* tsc_pcg.c -- PCG64 + SeedSequence + Lemire draws as numpy 1.24, and SHA-1 (see tsc_pcg.h).
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

/* ---- SHA-1 (FIPS 180-4) ---- */
typedef struct { uint32_t h[5]; uint64_t len; uint8_t buf[64]; size_t n; } sha1_t;

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void sha1_block(sha1_t *s, const uint8_t *p)
{
    uint32_t w[80], a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
    for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
        else { f = b ^ c ^ d; k = 0xca62c1d6; }
        uint32_t t = ROL(a, 5) + f + e + k + w[i];
        e = d; d = c; c = ROL(b, 30); b = a; a = t;
    }
    s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d; s->h[4] += e;
}

static void sha1_init(sha1_t *s)
{
    static const uint32_t h0[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
    memcpy(s->h, h0, sizeof h0);
    s->len = 0; s->n = 0;
}

static void sha1_update(sha1_t *s, const uint8_t *p, size_t n)
{
    s->len += n;
    while (n) {
        size_t k = 64 - s->n < n ? 64 - s->n : n;
        memcpy(s->buf + s->n, p, k);
        s->n += k; p += k; n -= k;
        if (s->n == 64) { sha1_block(s, s->buf); s->n = 0; }
    }
}

static void sha1_final(sha1_t *s, char *hex)
{
    uint64_t bits = s->len * 8;
    uint8_t pad = 0x80, z = 0, lb[8];
    sha1_update(s, &pad, 1);
    while (s->n != 56) sha1_update(s, &z, 1);
    for (int i = 0; i < 8; i++) lb[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha1_update(s, lb, 8);
    for (int i = 0; i < 5; i++) snprintf(hex + 8 * i, 9, "%08x", s->h[i]);
}

int tsc_sha1_file(const char *path, char *hex)
{
    FILE *fp = fopen(path, "rb");
    uint8_t buf[65536];
    uint64_t left = 1000000000ULL;
    sha1_t s;
    size_t n;
    if (!fp) { tsc_error("cannot open %s: %s", path, strerror(errno)); return -1; }
    sha1_init(&s);
    while (left && (n = fread(buf, 1, left < sizeof buf ? (size_t)left : sizeof buf, fp)) > 0) {
        sha1_update(&s, buf, n);
        left -= n;
    }
    if (ferror(fp)) { tsc_error("cannot read %s: %s", path, strerror(errno)); fclose(fp); return -1; }
    fclose(fp);
    sha1_final(&s, hex);
    return 0;
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
