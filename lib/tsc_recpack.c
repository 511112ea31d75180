/* tsc_recpack.c -- reduced alignment records packed into bytes (see tsc_recpack.h).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Layout: a byte of bits (SAME_TID: the reference of the previous record; MATE_SAME: the mate's
 * reference is its own; HAS_AS, BAD_CIGAR, HAS_NH), the flag (2 bytes, little-endian), the number
 * of blocks, [tid], pos - previous pos, [mtid], mpos - pos, isize, [AS], [NH], [idx - previous
 * idx], then per block its start - the previous block's end (the first: - pos) and its length. */
#include <string.h>
#include "tsc_recpack.h"

enum { SAME_TID = 1, MATE_SAME = 2, HAS_AS = 4, BAD_CIGAR = 8, HAS_NH = 16 };

static inline uint64_t zz(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int64_t unzz(uint64_t u) { return (int64_t)(u >> 1) ^ -(int64_t)(u & 1); }

size_t tsc_rpk_put(uint8_t *p, tsc_rpk_t *st, const tsc_rec_t *r, const hts_pos_t *blk, int with_idx)
{
    uint8_t *q = p + 1, bits = 0;
    if (r->tid == st->tid) bits |= SAME_TID;
    if (r->mtid == r->tid) bits |= MATE_SAME;
    if (r->has_as) bits |= HAS_AS;
    if (r->bad_cigar) bits |= BAD_CIGAR;
    if (r->nh) bits |= HAS_NH;
    *q++ = (uint8_t)(r->flag & 0xff);
    *q++ = (uint8_t)(r->flag >> 8);
    q = tsc_rpk_put_u(q, (uint64_t)(uint32_t)r->n_b);
    if (!(bits & SAME_TID)) q = tsc_rpk_put_u(q, zz(r->tid));
    q = tsc_rpk_put_u(q, zz(r->pos - st->pos));
    if (!(bits & MATE_SAME)) q = tsc_rpk_put_u(q, zz(r->mtid));
    q = tsc_rpk_put_u(q, zz(r->mpos - r->pos));
    q = tsc_rpk_put_u(q, zz(r->isize));
    if (bits & HAS_AS) q = tsc_rpk_put_u(q, zz(r->as));
    if (bits & HAS_NH) q = tsc_rpk_put_u(q, zz(r->nh));
    if (with_idx) { q = tsc_rpk_put_u(q, zz(r->idx - st->idx)); st->idx = r->idx; }
    hts_pos_t cur = r->pos;
    for (int32_t k = 0; k < r->n_b; k++) {
        q = tsc_rpk_put_u(q, zz(blk[2 * k] - cur));
        q = tsc_rpk_put_u(q, zz(blk[2 * k + 1] - blk[2 * k]));
        cur = blk[2 * k + 1];
    }
    *p = bits;
    st->tid = r->tid;
    st->pos = r->pos;
    return (size_t)(q - p);
}

int32_t tsc_rpk_nb(const uint8_t *p)
{
    uint64_t v;
    tsc_rpk_get_u(p + 3, &v);
    return (int32_t)v;
}

size_t tsc_rpk_get(const uint8_t *p, tsc_rpk_t *st, tsc_rec_t *r, hts_pos_t *blk, int with_idx)
{
    const uint8_t *q = p + 1;
    uint8_t bits = *p;
    uint64_t v;
    memset(r, 0, sizeof(*r));
    r->flag = (uint16_t)(q[0] | q[1] << 8);
    q += 2;
    q = tsc_rpk_get_u(q, &v); r->n_b = (int32_t)v;
    if (bits & SAME_TID) r->tid = st->tid;
    else { q = tsc_rpk_get_u(q, &v); r->tid = (int32_t)unzz(v); }
    q = tsc_rpk_get_u(q, &v); r->pos = st->pos + unzz(v);
    if (bits & MATE_SAME) r->mtid = r->tid;
    else { q = tsc_rpk_get_u(q, &v); r->mtid = (int32_t)unzz(v); }
    q = tsc_rpk_get_u(q, &v); r->mpos = r->pos + unzz(v);
    q = tsc_rpk_get_u(q, &v); r->isize = unzz(v);
    if (bits & HAS_AS) { q = tsc_rpk_get_u(q, &v); r->as = (int32_t)unzz(v); r->has_as = 1; }
    if (bits & HAS_NH) { q = tsc_rpk_get_u(q, &v); r->nh = (int32_t)unzz(v); }
    r->bad_cigar = !!(bits & BAD_CIGAR);
    if (with_idx) { q = tsc_rpk_get_u(q, &v); r->idx = st->idx + unzz(v); st->idx = r->idx; }
    hts_pos_t cur = r->pos;
    for (int32_t k = 0; k < r->n_b; k++) {
        q = tsc_rpk_get_u(q, &v); blk[2 * k] = cur + unzz(v);
        q = tsc_rpk_get_u(q, &v); blk[2 * k + 1] = blk[2 * k] + unzz(v);
        cur = blk[2 * k + 1];
    }
    st->tid = r->tid;
    st->pos = r->pos;
    return (size_t)(q - p);
}
