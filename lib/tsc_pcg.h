/* tsc_pcg.h -- Stellarscope's random stream: numpy's default_rng (PCG64 seeded through
 * SeedSequence) and integers(0, m) by Lemire's method on 32-bit outputs (stellarscope-spec §10);
 * and its default seed from the SHA-1 of the input files (§10.1).
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_PCG_H
#define TSC_PCG_H

#include <stdint.h>
#include "tsc_util.h"
#include "tsc_sha1.h"

typedef struct {
    unsigned __int128 state, inc;
    int has32;
    uint32_t buf32;
} tsc_pcg64_t;

/** numpy.random.default_rng(SEED) for a non-negative SEED (any size up to 64 bits). */
void tsc_pcg64_seed(tsc_pcg64_t *g, uint64_t seed);
uint64_t tsc_pcg64_next64(tsc_pcg64_t *g);
/** next 32-bit output: the low half of a 64-bit output first, then its high half */
uint32_t tsc_pcg64_next32(tsc_pcg64_t *g);
/** Generator.integers(0, M) for 1 <= M <= 2^32 (M = 1 draws nothing). */
uint64_t tsc_pcg64_bounded(tsc_pcg64_t *g, uint64_t m);

/** Stellarscope's default seed: (int(sha1(A)[:7],16) * int(sha1(B)[:7],16)) mod (2^32 - 1).
 * 0 or -1 (logged). */
int tsc_sc_default_seed(const char *a, const char *b, uint32_t *seed) TSC_RESULT_USED;

#endif
