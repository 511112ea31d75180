/* test_sha1.c -- unit tests of lib/tsc_sha1.c: FIPS 180 test vectors; both block functions (SHA
 * extensions, where the CPU has them, and portable C) against coreutils' sha1sum on every size
 * 0..300 (all padding cases: 55, 56, 63, 64, 119, 120 ...) and larger odd sizes, fed whole and in
 * uneven pieces; and Stellarscope's 1e9-byte rule on a sparse file of 1e9 + 1 bytes whose last
 * byte is not zero (the hash must equal sha1sum of the first 1e9 bytes).
 * Part of tsc (Telescope in C). MIT licence. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tsc_test.h"
#include "tsc_sha1.h"

static void hash_mem(const uint8_t *p, size_t n, size_t piece, char *hex)
{
    tsc_sha1_t s;
    tsc_sha1_init(&s);
    if (!piece) tsc_sha1_update(&s, p, n);
    else for (size_t i = 0; i < n; i += piece) tsc_sha1_update(&s, p + i, n - i < piece ? n - i : piece);
    tsc_sha1_final(&s, hex);
}

/* sha1sum of the first N bytes of PATH (all if N < 0) */
static int sha1sum(const char *path, long long n, char *hex)
{
    char cmd[4200];
    if (n < 0) snprintf(cmd, sizeof cmd, "sha1sum < '%s'", path);
    else snprintf(cmd, sizeof cmd, "head -c %lld '%s' | sha1sum", n, path);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    int ok = fscanf(p, "%40s", hex) == 1;
    return pclose(p) == 0 && ok ? 0 : -1;
}

static void test_vectors(void)
{
    static const struct { const char *in; const char *out; } v[] = {
        { "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
        { "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
        { "The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12" },
    };
    char hex[41];
    uint8_t *a = malloc(1000000);
    CHECK(a != NULL);
    if (!a) return;
    memset(a, 'a', 1000000);
    for (int ni = 0; ni < 2; ni++) {
        tsc_sha1_use(ni);
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            hash_mem((const uint8_t *)v[i].in, strlen(v[i].in), 0, hex);
            CHECK_STR(hex, v[i].out);
        }
        hash_mem(a, 1000000, 0, hex);
        CHECK_STR(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
        hash_mem(a, 1000000, 777, hex);
        CHECK_STR(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    }
    free(a);
}

static void test_sizes(const char *tmp)
{
    char path[4096], want[41], got[41];
    static const size_t big[] = { 1000, 4095, 4096, 4097, 65535, 65536, 65537, 1048575, 1048576, 1048577, 3000001 };
    size_t maxn = 3000001;
    uint8_t *buf = malloc(maxn);
    uint64_t x = 88172645463325252ULL;
    CHECK(buf != NULL);
    if (!buf) return;
    for (size_t i = 0; i < maxn; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; buf[i] = (uint8_t)(x >> 24); }
    snprintf(path, sizeof path, "%s/data", tmp);
    for (size_t k = 0; k < 301 + sizeof big / sizeof big[0]; k++) {
        size_t n = k < 301 ? k : big[k - 301];
        FILE *fp = fopen(path, "wb");
        CHECK(fp != NULL);
        if (!fp) break;
        CHECK(fwrite(buf, 1, n, fp) == n);
        fclose(fp);
        CHECK(sha1sum(path, -1, want) == 0);
        for (int ni = 0; ni < 2; ni++) {
            tsc_sha1_use(ni);
            hash_mem(buf, n, 0, got);
            if (strcmp(got, want) != 0) { CHECK_STR(got, want); fprintf(stderr, "  size %zu, ni %d\n", n, ni); }
            hash_mem(buf, n, 13, got);
            if (strcmp(got, want) != 0) { CHECK_STR(got, want); fprintf(stderr, "  size %zu in 13s, ni %d\n", n, ni); }
            CHECK(tsc_sha1_file(path, got) == 0);
            if (strcmp(got, want) != 0) { CHECK_STR(got, want); fprintf(stderr, "  file of size %zu, ni %d\n", n, ni); }
        }
    }
    unlink(path);
    free(buf);
}

/* the first 1e9 bytes only: a sparse file of 1e9 zero bytes and one 'x' */
static void test_limit(const char *tmp)
{
    char path[4096], want[41], got[41];
    snprintf(path, sizeof path, "%s/big", tmp);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    if (fd < 0) return;
    CHECK(pwrite(fd, "x", 1, 1000000000) == 1);
    close(fd);
    CHECK(sha1sum(path, 1000000000LL, want) == 0);
    CHECK_STR(want, "1dd775261d7abab0b66910acc1d827a2c3799eaf"); /* head -c 1000000000 /dev/zero | sha1sum */
    tsc_sha1_use(1);
    CHECK(tsc_sha1_file(path, got) == 0);
    CHECK_STR(got, want);
    unlink(path);
}

int main(void)
{
    char tmp[] = "/tmp/tsc-test-sha1.XXXXXX";
    if (!mkdtemp(tmp)) return 1;
    fprintf(stderr, "test_sha1: SHA extensions %s\n", tsc_sha1_use(1) ? "present (both block functions tested)" : "absent (portable C only)");
    test_vectors();
    test_sizes(tmp);
    test_limit(tmp);
    rmdir(tmp);
    return tsc_test_result("test_sha1");
}
