/* tsc_recpack.h -- reduced alignment records (tsc_rec_t and its blocks) packed into bytes.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Coordinate-sorted input keeps records in memory between reading and processing them: the
 * fragments near the loci until they are complete, and the records of the loci regions read by
 * the index pass.  A tsc_rec_t with one block is 72 bytes plus 16 for the block; packed, it is
 * about 20: positions as differences (from the previous record of the same stream, the mate's
 * from its own, each block from the end of the one before), small numbers as LEB128 varints,
 * signed ones zigzag-coded.  Records are read back in the order they were written, with the same
 * state: every value, 64-bit positions included, comes back exactly. */
#ifndef TSC_RECPACK_H
#define TSC_RECPACK_H

#include <stddef.h>
#include <stdint.h>
#include "tsc_fragment.h"

/** The state of a stream of packed records: the previous record's reference, position and
 * number.  Zero it to start a stream; the reader starts from the same zero state. */
typedef struct {
    int32_t tid;
    hts_pos_t pos;
    int64_t idx;
} tsc_rpk_t;

/** An unsigned LEB128 varint: written at P (at most 10 bytes), the byte after it returned */
static inline uint8_t *tsc_rpk_put_u(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) { *p++ = (uint8_t)(v | 0x80); v >>= 7; }
    *p++ = (uint8_t)v;
    return p;
}

/** The varint at P into *V; the byte after it returned */
static inline const uint8_t *tsc_rpk_get_u(const uint8_t *p, uint64_t *v)
{
    uint64_t x = 0;
    int s = 0;
    while (*p & 0x80) { x |= (uint64_t)(*p++ & 0x7f) << s; s += 7; }
    *v = x | (uint64_t)*p++ << s;
    return p;
}

/** Bytes tsc_rpk_put may write for a record with N_B blocks (an upper bound). */
static inline size_t tsc_rpk_max(int32_t n_b) { return 96 + (size_t)n_b * 20; }

/** Pack R (its blocks at BLK: 2 * R->n_b values) at P, which has room for tsc_rpk_max(R->n_b)
 * bytes. WITH_IDX: keep R->idx too (else it reads back as 0). Returns the bytes written. */
size_t tsc_rpk_put(uint8_t *p, tsc_rpk_t *st, const tsc_rec_t *r, const hts_pos_t *blk, int with_idx);

/** Unpack the record at P into R, its blocks into BLK (room for 2 * tsc_rpk_nb(P) values; R->b_off
 * is 0). Returns the bytes read (the same as written: the input is trusted, it is our own). */
size_t tsc_rpk_get(const uint8_t *p, tsc_rpk_t *st, tsc_rec_t *r, hts_pos_t *blk, int with_idx);

/** The number of blocks of the packed record at P (to size BLK before tsc_rpk_get). */
int32_t tsc_rpk_nb(const uint8_t *p);

#endif
