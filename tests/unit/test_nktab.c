/* test_nktab.c -- unit tests of the compact name-key table (lib/tsc_nktab.h): 300,000 random keys
 * put and found again with their values across many growths, absent keys not found (also keys
 * that differ from a present one in one word only), a key whose first word is 0, repeated puts
 * that keep the value, and the load factor kept under 70%.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tsc_test.h"
#include "tsc_nktab.h"

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint64_t next(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return rng;
}

#define N 300000

static void test_random(void)
{
    tsc_nktab_t t = { 0 };
    uint64_t *a = malloc(N * sizeof(uint64_t)), *b = malloc(N * sizeof(uint64_t));
    uint32_t v;
    int absent, bad = 0;
    CHECK(a && b);
    if (!a || !b) { free(a); free(b); return; }
    CHECK_INT(tsc_nktab_get(&t, 1, 2, &v), 0); /* an empty table, no slots */
    for (int i = 0; i < N; i++) {
        a[i] = next(), b[i] = next();
        tsc_nkslot_t *e = tsc_nktab_put(&t, a[i], b[i], &absent);
        if (!e || !absent) { bad++; continue; }
        tsc_nktab_set(e, (uint32_t)i * 7u);
    }
    CHECK_INT(bad, 0);
    CHECK_INT(t.n, N);
    CHECK(10 * t.n <= 7 * (t.mask + 1));
    for (int i = 0; i < N; i++)
        if (!tsc_nktab_get(&t, a[i], b[i], &v) || v != (uint32_t)i * 7u) bad++;
    CHECK_INT(bad, 0);
    /* absent: new keys, and keys sharing the first word or the high half of the second */
    for (int i = 0; i < N; i++) {
        if (tsc_nktab_get(&t, next(), next(), &v)) bad++;
        if (tsc_nktab_get(&t, a[i], b[i] ^ 0x100000000ULL, &v)) bad++;
        if (tsc_nktab_get(&t, a[i] ^ 1, b[i], &v)) bad++;
    }
    CHECK_INT(bad, 0);
    /* a second put finds the slot and keeps its value */
    for (int i = 0; i < N; i += 97) {
        tsc_nkslot_t *e = tsc_nktab_put(&t, a[i], b[i], &absent);
        if (!e || absent || (uint32_t)e->bv != (uint32_t)i * 7u) bad++;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(t.n, N);
    /* a first word of 0 is stored (as 1) and found */
    tsc_nkslot_t *e = tsc_nktab_put(&t, 0, 42ULL << 32, &absent);
    CHECK(e && absent);
    if (e) tsc_nktab_set(e, 5);
    CHECK_INT(tsc_nktab_get(&t, 0, 42ULL << 32, &v), 1);
    CHECK_INT(v, 5);
    tsc_nktab_free(&t);
    CHECK(t.s == NULL && t.n == 0);
    free(a);
    free(b);
}

int main(void)
{
    test_random();
    return tsc_test_result("test_nktab");
}
