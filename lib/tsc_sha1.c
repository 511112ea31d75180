/* tsc_sha1.c -- SHA-1 (see tsc_sha1.h).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Two block functions with the same result: the x86 SHA extensions (SHA-NI: sha1rnds4,
 * sha1nexte, sha1msg1, sha1msg2; about 4 rounds per instruction), chosen when CPUID says the CPU
 * has them, and portable C with the 80 rounds unrolled and a 16-word message ring (the layout of
 * Steve Reid's public-domain SHA-1). Files are hashed from a large buffer, whole blocks in place. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tsc_sha1.h"
#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define TSC_SHA1_X86 1
#endif

typedef void (*blocks_fn)(uint32_t h[5], const uint8_t *p, size_t nblk);

/* ---------------------------------------------------------------- portable C */

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define LD(i) (w[i] = (uint32_t)p[4 * (i)] << 24 | (uint32_t)p[4 * (i) + 1] << 16 | (uint32_t)p[4 * (i) + 2] << 8 | p[4 * (i) + 3])
#define BLK(i) (w[(i) & 15] = ROL(w[((i) + 13) & 15] ^ w[((i) + 8) & 15] ^ w[((i) + 2) & 15] ^ w[(i) & 15], 1))
#define R0(v, x, y, z, u, i) u += ((x & (y ^ z)) ^ z) + LD(i) + 0x5a827999u + ROL(v, 5); x = ROL(x, 30);
#define R1(v, x, y, z, u, i) u += ((x & (y ^ z)) ^ z) + BLK(i) + 0x5a827999u + ROL(v, 5); x = ROL(x, 30);
#define R2(v, x, y, z, u, i) u += (x ^ y ^ z) + BLK(i) + 0x6ed9eba1u + ROL(v, 5); x = ROL(x, 30);
#define R3(v, x, y, z, u, i) u += (((x | y) & z) | (x & y)) + BLK(i) + 0x8f1bbcdcu + ROL(v, 5); x = ROL(x, 30);
#define R4(v, x, y, z, u, i) u += (x ^ y ^ z) + BLK(i) + 0xca62c1d6u + ROL(v, 5); x = ROL(x, 30);
/* five rounds rotate the roles of a..e back to where they started */
#define FIVE(R, i) R(a, b, c, d, e, i) R(e, a, b, c, d, (i) + 1) R(d, e, a, b, c, (i) + 2) \
                   R(c, d, e, a, b, (i) + 3) R(b, c, d, e, a, (i) + 4)

static void blocks_c(uint32_t h[5], const uint8_t *p, size_t nblk)
{
    for (; nblk; nblk--, p += 64) {
        uint32_t w[16], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        FIVE(R0, 0) FIVE(R0, 5) FIVE(R0, 10)
        R0(a, b, c, d, e, 15) R1(e, a, b, c, d, 16) R1(d, e, a, b, c, 17) R1(c, d, e, a, b, 18) R1(b, c, d, e, a, 19)
        FIVE(R2, 20) FIVE(R2, 25) FIVE(R2, 30) FIVE(R2, 35)
        FIVE(R3, 40) FIVE(R3, 45) FIVE(R3, 50) FIVE(R3, 55)
        FIVE(R4, 60) FIVE(R4, 65) FIVE(R4, 70) FIVE(R4, 75)
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
    }
}

/* ---------------------------------------------------------------- SHA extensions */

#ifdef TSC_SHA1_X86
/* Group g of 4 rounds (0..19) uses the message words of group g in m[g % 4]; sha1msg1 at group g
 * starts group g + 3's words, the XOR adds them to group g + 2's, sha1msg2 finishes group g + 1's
 * (W[t] = rol1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16])). */
#define NI_GROUP(g, f)                                                                              \
    do {                                                                                            \
        if ((g) & 1) { e1 = _mm_sha1nexte_epu32(e1, m[(g) & 3]); e0 = abcd; }                       \
        else if ((g) > 0) { e0 = _mm_sha1nexte_epu32(e0, m[(g) & 3]); e1 = abcd; }                  \
        else { e0 = _mm_add_epi32(e0, m[0]); e1 = abcd; }                                           \
        if ((g) >= 3 && (g) <= 18) m[((g) + 1) & 3] = _mm_sha1msg2_epu32(m[((g) + 1) & 3], m[(g) & 3]); \
        abcd = _mm_sha1rnds4_epu32(abcd, (g) & 1 ? e1 : e0, f);                                    \
        if ((g) >= 1 && (g) <= 16) m[((g) + 3) & 3] = _mm_sha1msg1_epu32(m[((g) + 3) & 3], m[(g) & 3]); \
        if ((g) >= 2 && (g) <= 17) m[((g) + 2) & 3] = _mm_xor_si128(m[((g) + 2) & 3], m[(g) & 3]); \
    } while (0)

__attribute__((target("sha,sse4.1,ssse3")))
static void blocks_ni(uint32_t h[5], const uint8_t *p, size_t nblk)
{
    const __m128i mask = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0x1b);
    __m128i e0 = _mm_set_epi32((int)h[4], 0, 0, 0), e1, m[4];
    for (; nblk; nblk--, p += 64) {
        __m128i abcd0 = abcd, e00 = e0;
        for (int i = 0; i < 4; i++) m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), mask);
        NI_GROUP(0, 0); NI_GROUP(1, 0); NI_GROUP(2, 0); NI_GROUP(3, 0); NI_GROUP(4, 0);
        NI_GROUP(5, 1); NI_GROUP(6, 1); NI_GROUP(7, 1); NI_GROUP(8, 1); NI_GROUP(9, 1);
        NI_GROUP(10, 2); NI_GROUP(11, 2); NI_GROUP(12, 2); NI_GROUP(13, 2); NI_GROUP(14, 2);
        NI_GROUP(15, 3); NI_GROUP(16, 3); NI_GROUP(17, 3); NI_GROUP(18, 3); NI_GROUP(19, 3);
        e0 = _mm_sha1nexte_epu32(e0, e00);
        abcd = _mm_add_epi32(abcd, abcd0);
    }
    _mm_storeu_si128((__m128i *)h, _mm_shuffle_epi32(abcd, 0x1b));
    h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}

static int cpu_has_sha(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 9)) || !(c & (1u << 19))) return 0; /* SSSE3, SSE4.1 */
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b >> 29) & 1;
}
#endif

/* ---------------------------------------------------------------- dispatch */

static blocks_fn g_blocks;
static int g_ni;

int tsc_sha1_use(int ni)
{
#ifdef TSC_SHA1_X86
    g_ni = ni && cpu_has_sha();
    g_blocks = g_ni ? blocks_ni : blocks_c;
#else
    (void)ni;
    g_ni = 0;
    g_blocks = blocks_c;
#endif
    return g_ni;
}

void tsc_sha1_init(tsc_sha1_t *s)
{
    static const uint32_t h0[5] = { 0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u };
    if (!g_blocks) tsc_sha1_use(1);
    memcpy(s->h, h0, sizeof h0);
    s->len = 0;
    s->n = 0;
}

void tsc_sha1_update(tsc_sha1_t *s, const void *data, size_t n)
{
    const uint8_t *p = data;
    s->len += n;
    if (s->n) {
        size_t k = 64 - s->n < n ? 64 - s->n : n;
        memcpy(s->buf + s->n, p, k);
        s->n += k; p += k; n -= k;
        if (s->n < 64) return;
        g_blocks(s->h, s->buf, 1);
        s->n = 0;
    }
    if (n >= 64) {
        g_blocks(s->h, p, n / 64);
        p += n & ~(size_t)63;
        n &= 63;
    }
    memcpy(s->buf, p, n);
    s->n = n;
}

void tsc_sha1_final(tsc_sha1_t *s, char *hex)
{
    uint64_t bits = s->len * 8;
    size_t n = s->n;
    s->buf[n++] = 0x80;
    if (n > 56) {
        memset(s->buf + n, 0, 64 - n);
        g_blocks(s->h, s->buf, 1);
        n = 0;
    }
    memset(s->buf + n, 0, 56 - n);
    for (int i = 0; i < 8; i++) s->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    g_blocks(s->h, s->buf, 1);
    for (int i = 0; i < 5; i++) snprintf(hex + 8 * i, 9, "%08x", s->h[i]);
}

int tsc_sha1_file(const char *path, char *hex)
{
    const size_t bufsz = 1 << 20;
    uint8_t *buf = malloc(bufsz);
    uint64_t left = 1000000000ULL; /* Stellarscope hashes at most the first 1e9 bytes */
    tsc_sha1_t s;
    ssize_t n = 0;
    int fd;
    if (!buf) { tsc_error("out of memory"); return -1; }
    if ((fd = open(path, O_RDONLY)) < 0) {
        tsc_error("cannot open %s: %s", path, strerror(errno));
        free(buf);
        return -1;
    }
    tsc_sha1_init(&s);
    while (left && ((n = read(fd, buf, left < bufsz ? (size_t)left : bufsz)) > 0 || (n < 0 && errno == EINTR))) {
        if (n < 0) continue;
        tsc_sha1_update(&s, buf, (size_t)n);
        left -= (uint64_t)n;
    }
    if (n < 0) {
        tsc_error("cannot read %s: %s", path, strerror(errno));
        close(fd);
        free(buf);
        return -1;
    }
    close(fd);
    free(buf);
    tsc_sha1_final(&s, hex);
    return 0;
}
