/* tsc_aux.h -- the length of a BAM aux field's value, for the walks over a record's tags that
 * htslib 1.16 (Debian 12) has no iterator for (bam_aux_next came in 1.18).
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_AUX_H
#define TSC_AUX_H

#include <stdint.h>
#include <string.h>

/** Bytes of the value of an aux field of type T at P (P after the type byte), or -1 for an
 * unknown type or a Z/H string or B array header that runs past END. A B array's length is not
 * checked against END: the caller compares the result with END - P. */
static inline int64_t tsc_aux_len(uint8_t t, const uint8_t *p, const uint8_t *end)
{
    switch (t) {
    case 'A': case 'c': case 'C': return 1;
    case 's': case 'S': return 2;
    case 'i': case 'I': case 'f': return 4;
    case 'd': return 8;
    case 'Z': case 'H': {
        const uint8_t *q = memchr(p, 0, (size_t)(end - p));
        return q ? q - p + 1 : -1;
    }
    case 'B': {
        int64_t sz;
        if (end - p < 5) return -1;
        switch (p[0]) {
        case 'c': case 'C': sz = 1; break;
        case 's': case 'S': sz = 2; break;
        case 'i': case 'I': case 'f': sz = 4; break;
        default: return -1;
        }
        uint32_t n = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 24;
        return 5 + sz * (int64_t)n;
    }
    default: return -1;
    }
}

#endif
