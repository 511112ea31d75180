/* test_recpack.c -- unit tests of the packed records (lib/tsc_recpack.c): random streams of
 * reduced records (64-bit positions, negative values, unmapped records at -1, many blocks, every
 * flag bit) read back field for field, with and without the record number, the byte counts of
 * writing and reading agree, the bound tsc_rpk_max holds, and a typical record packs small.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tsc_test.h"
#include "tsc_recpack.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return rng;
}

/* a value of one of several magnitudes, signed */
static int64_t any(void)
{
    static const int sh[] = { 4, 12, 20, 31, 40, 62 };
    int64_t v = (int64_t)(next() >> (64 - sh[next() % 6]));
    return next() & 1 ? -v : v;
}

static void random_rec(tsc_rec_t *r, hts_pos_t *blk, int i)
{
    memset(r, 0, sizeof(*r));
    r->idx = i * 3 + (int64_t)(next() % 1000000);
    r->tid = next() % 5 ? (int32_t)(next() % 4) : -1;
    r->pos = next() % 7 ? (hts_pos_t)(next() % 3000000000ULL) : -1;
    r->mtid = next() % 3 ? r->tid : (int32_t)(next() % 100) - 1;
    r->mpos = next() % 2 ? r->pos + any() % 1000 : any();
    r->isize = any();
    r->flag = (uint16_t)next();
    r->has_as = next() & 1;
    r->as = r->has_as ? (int32_t)(any() % (INT32_MAX / 4)) : 0;
    r->nh = next() % 3 ? (int32_t)(next() % 300) : 0;
    r->bad_cigar = next() % 10 == 0;
    r->n_b = next() % 8 == 0 ? (int32_t)(next() % 600) : (int32_t)(next() % 3);
    hts_pos_t p = r->pos;
    for (int32_t k = 0; k < r->n_b; k++) {
        blk[2 * k] = p + (hts_pos_t)(next() % 5000);
        blk[2 * k + 1] = blk[2 * k] + 1 + (hts_pos_t)(next() % (k % 7 == 6 ? 4000000000ULL : 200));
        p = blk[2 * k + 1];
    }
}

static void test_stream(int with_idx)
{
    enum { N = 20000 };
    tsc_rec_t *in = calloc(N, sizeof(*in));
    hts_pos_t *blk = malloc((size_t)N * 2 * 600 * sizeof(*blk) / 8), *got = malloc(2 * 600 * sizeof(*got));
    size_t *len = calloc(N, sizeof(*len)), *bo = calloc(N + 1, sizeof(*bo)), n = 0;
    uint8_t *buf = malloc((size_t)N * tsc_rpk_max(600) / 8);
    CHECK(in && blk && got && len && bo && buf);
    if (!in || !blk || !got || !len || !bo || !buf) return;
    tsc_rpk_t w = { 0, 0, 0 }, r = { 0, 0, 0 };
    int bad_len = 0, bad_field = 0, bad_blk = 0, over = 0;
    for (int i = 0; i < N; i++) {
        random_rec(&in[i], blk + bo[i], i);
        bo[i + 1] = bo[i] + 2 * (size_t)in[i].n_b;
        len[i] = tsc_rpk_put(buf + n, &w, &in[i], blk + bo[i], with_idx);
        if (len[i] > tsc_rpk_max(in[i].n_b)) over++;
        n += len[i];
    }
    size_t off = 0;
    for (int i = 0; i < N; i++) {
        tsc_rec_t o;
        CHECK_INT(tsc_rpk_nb(buf + off), in[i].n_b);
        size_t k = tsc_rpk_get(buf + off, &r, &o, got, with_idx);
        if (k != len[i]) bad_len++;
        off += k;
        const tsc_rec_t *e = &in[i];
        if (o.pos != e->pos || o.mpos != e->mpos || o.isize != e->isize || o.tid != e->tid || o.mtid != e->mtid ||
            o.flag != e->flag || o.has_as != e->has_as || o.as != e->as || o.nh != e->nh ||
            o.bad_cigar != e->bad_cigar || o.n_b != e->n_b || o.b_off != 0 || o.idx != (with_idx ? e->idx : 0))
            bad_field++;
        if (memcmp(got, blk + bo[i], 2 * (size_t)e->n_b * sizeof(*got)) != 0) bad_blk++;
    }
    CHECK_INT(off, n);
    CHECK_INT(bad_len, 0);
    CHECK_INT(bad_field, 0);
    CHECK_INT(bad_blk, 0);
    CHECK_INT(over, 0);
    free(in); free(blk); free(got); free(len); free(bo); free(buf);
}

/* a 2x100 bp proper pair's read 2, 150 bases after the previous record: about 15 bytes */
static void test_typical(void)
{
    tsc_rec_t r = { 0 };
    hts_pos_t blk[2] = { 1000150, 1000250 };
    uint8_t buf[256];
    tsc_rpk_t w = { 0, 1000000, 5000000 };
    r.idx = 5000003; r.tid = 0; r.pos = 1000150; r.mtid = 0; r.mpos = 1000000; r.isize = -250;
    r.flag = 147; r.has_as = 1; r.as = -6; r.nh = 3; r.n_b = 1;
    size_t k = tsc_rpk_put(buf, &w, &r, blk, 1);
    CHECK(k <= 16);
    tsc_rpk_t rd = { 0, 1000000, 5000000 };
    tsc_rec_t o;
    hts_pos_t b2[2];
    CHECK_INT(tsc_rpk_get(buf, &rd, &o, b2, 1), k);
    CHECK_INT(o.pos, 1000150);
    CHECK_INT(o.idx, 5000003);
    CHECK_INT(b2[1], 1000250);
}

int main(void)
{
    test_stream(0);
    test_stream(1);
    test_typical();
    return tsc_test_result("test_recpack");
}
