/* tsc_sha1.h -- SHA-1 (FIPS 180-4) for Stellarscope's default seed (stellarscope-spec §10.1):
 * the x86 SHA extensions where the CPU has them (chosen at run time), else unrolled C.
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_SHA1_H
#define TSC_SHA1_H

#include <stddef.h>
#include <stdint.h>
#include "tsc_util.h"

typedef struct {
    uint32_t h[5];
    uint64_t len;       /* bytes hashed so far */
    uint8_t buf[64];
    size_t n;           /* bytes waiting in buf */
} tsc_sha1_t;

void tsc_sha1_init(tsc_sha1_t *s);
void tsc_sha1_update(tsc_sha1_t *s, const void *p, size_t n);
/** The digest as 40 lowercase hex digits and a NUL into HEX (41 bytes). */
void tsc_sha1_final(tsc_sha1_t *s, char *hex);

/** Which block function runs: 1 the SHA extensions, 0 portable C. tsc_sha1_use(0) forces the
 * portable one, tsc_sha1_use(1) the extensions if the CPU has them (tests and benchmarks);
 * returns the one now in use. */
int tsc_sha1_use(int ni);

/** SHA-1 of the first 1e9 bytes of PATH (of all of it if smaller; Stellarscope's rule), as 40
 * hex digits into HEX (41 bytes). 0 or -1 (logged). */
int tsc_sha1_file(const char *path, char *hex) TSC_RESULT_USED;

#endif
