/* tsc_fetch_bam.c -- BAM records read in large chunks: BGZF blocks decoded on the thread pool.
 * Part of tsc (Telescope in C). MIT licence.  bam_tag2cigar below follows htslib's (MIT/Expat).
 *
 * htslib's multi-threaded BGZF reading hands every 64 kB block from a reader thread to a pool
 * thread and back to the caller: three threads and two wake-ups per block, which on two cores
 * cost more than the second core gains.  Here the caller reads the compressed file in chunks of
 * whole BGZF blocks (CHUNK_CBYTES), the pool decodes each chunk into one buffer (libdeflate, as
 * htslib; CRC checked), results come back in file order, and the caller parses the records from
 * the buffer into bam1_t with the checks of htslib's bam_read1 and sam_read1.  While the next
 * chunk is not ready, the caller decodes the newest chunk that no thread has started (each chunk
 * is claimed once, atomically; the pool's job for a claimed chunk does nothing), so on two cores
 * neither side idles.  With no pool the caller decodes each chunk itself.  Used for BGZF-compressed BAM files read by name (not stdin);
 * everything else goes through sam_read1. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <htslib/bgzf.h>
#include <htslib/hts_endian.h>
#ifdef TSC_HAVE_LIBDEFLATE
#include <libdeflate.h>
#else
#include <zlib.h>
#endif
#include "tsc_aux.h"
#include "tsc_fetch_internal.h"

#define CHUNK_CBYTES (128 * 1024) /* compressed bytes per chunk (whole blocks; 1 block more at most) */
#define MAX_CHUNKS 16             /* chunks in flight at most: ~0.7 MB each with its decoded data */
#define BGZF_MAX 65536            /* largest BGZF block, compressed or not */

typedef struct {
    uint8_t *c, *u;       /* compressed blocks; decoded data */
    size_t nc, mc, nu, mu;
    int err;              /* decoding failed */
    size_t skip;          /* decoded bytes before the first record */
    size_t keep;          /* decoded bytes up to the end of its range (SIZE_MAX: all) */
    int rg;               /* the range its blocks belong to (0 without ranges) */
    atomic_int claimed;   /* a thread has started decoding it */
#ifdef TSC_HAVE_LIBDEFLATE
    struct libdeflate_decompressor *d;
#endif
} chunk_t;

struct tsc_bamrd_t {
    int fd;
    int32_t n_targets;
    hts_tpool *pool;
    hts_tpool_process *q;
    int max_inflight, inflight;
    chunk_t *ch;          /* all chunks */
    int n_ch;
    chunk_t **freec;      /* free ones */
    chunk_t **queued;     /* those on the pool, in file order: a ring from q0 */
    int q0;
    int n_free;
    /* the compressed file, read ahead */
    uint8_t *fb;
    size_t fb_n, fb_off, fb_m;
    int file_eof, file_err, submitted_all;
    int bad;              /* a chunk failed to decode: an error once its good part is used */
    /* the chunk being parsed */
    chunk_t *cur;
    size_t cur_off;
    size_t skip;          /* bytes of the first block before the first record (the header's tail) */
    /* ranges of virtual offsets [u, v) to read (an index's chunks), or none: to the end */
    uint64_t *rg;
    int n_rg, i_rg, rg_open;
    int64_t cpos;         /* compressed offset of the next block in the open range */
    uint8_t *carry;       /* a record that spans chunks */
    size_t m_carry;
    int noseq;            /* tsc_bamrd_read leaves out sequences and qualities */
};

/* ---------------------------------------------------------------- decoding */

/* Length of the BGZF block at P (N bytes available): 0 if more bytes are needed, -1 if P is not
 * a BGZF block. */
static int64_t block_len(const uint8_t *p, size_t n)
{
    if (n < 18) return 0;
    if (p[0] != 31 || p[1] != 139 || p[2] != 8 || !(p[3] & 4)) return -1;
    size_t xlen = le_to_u16(p + 10);
    if (n < 12 + xlen) return 0;
    for (size_t i = 12; i + 4 <= 12 + xlen; ) {
        size_t sl = le_to_u16(p + i + 2);
        if (p[i] == 66 && p[i + 1] == 67 && sl == 2 && i + 6 <= 12 + xlen) {
            int64_t bs = (int64_t)le_to_u16(p + i + 4) + 1;
            return bs < (int64_t)(12 + xlen + 8) ? -1 : bs;
        }
        i += 4 + sl;
    }
    return -1;
}

static int inflate_block(chunk_t *c, const uint8_t *src, size_t n, uint8_t *dst, size_t dn)
{
#ifdef TSC_HAVE_LIBDEFLATE
    size_t got = 0;
    if (libdeflate_deflate_decompress(c->d, src, n, dst, dn, &got) != LIBDEFLATE_SUCCESS || got != dn) return -1;
    return 0;
#else
    (void)c;
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, -15) != Z_OK) return -1;
    zs.next_in = (Bytef *)src; zs.avail_in = (uInt)n;
    zs.next_out = dst; zs.avail_out = (uInt)dn;
    int r = inflate(&zs, Z_FINISH);
    inflateEnd(&zs);
    return r == Z_STREAM_END && zs.avail_out == 0 ? 0 : -1;
#endif
}

static uint32_t crc_of(const uint8_t *p, size_t n)
{
#ifdef TSC_HAVE_LIBDEFLATE
    return libdeflate_crc32(0, p, n);
#else
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)n);
#endif
}

/* Decode every block of chunk C into C->u (its size was set when the chunk was cut). */
static void chunk_decode(chunk_t *c)
{
    size_t off = 0, uo = 0;
    c->err = 0;
    while (off < c->nc) {
        const uint8_t *p = c->c + off;
        int64_t bl = block_len(p, c->nc - off);
        size_t xlen = le_to_u16(p + 10), hl = 12 + xlen;
        uint32_t crc = le_to_u32(p + bl - 8), isz = le_to_u32(p + bl - 4);
        if (isz > 0) {
            if (uo + isz > c->nu || inflate_block(c, p + hl, (size_t)bl - hl - 8, c->u + uo, isz) < 0 ||
                crc_of(c->u + uo, isz) != crc) break;
        }
        uo += isz;
        off += (size_t)bl;
    }
    if (uo != c->nu) { c->err = 1; c->nu = uo; } /* the records before the bad block still count */
    else if (c->keep < c->nu) c->nu = c->keep;
}

static void *chunk_job(void *arg)
{
    chunk_t *c = arg;
    if (atomic_exchange(&c->claimed, 1) == 0) chunk_decode(c);
    return arg;
}

/* ---------------------------------------------------------------- cutting the file into chunks */

/* Make FB hold at least N unread bytes if the file has them. 0, or -1 on a read error. */
static int fb_want(tsc_bamrd_t *r, size_t n)
{
    if (r->fb_n - r->fb_off >= n || r->file_eof) return 0;
    if (r->fb_off > 0) {
        memmove(r->fb, r->fb + r->fb_off, r->fb_n - r->fb_off);
        r->fb_n -= r->fb_off; r->fb_off = 0;
    }
    while (r->fb_n < n && !r->file_eof) {
        size_t room = r->fb_m - r->fb_n;
        if (r->rg && r->rg_open) { /* a range: not much past its last block */
            int64_t at = r->cpos + (int64_t)(r->fb_n - r->fb_off), end = (int64_t)(r->rg[2 * r->i_rg + 1] >> 16);
            size_t want = n - r->fb_n + BGZF_MAX;
            if (end > at && (uint64_t)(end - at) + BGZF_MAX > want) want = (size_t)(end - at) + BGZF_MAX;
            if (room > want) room = want;
        }
        ssize_t k = read(r->fd, r->fb + r->fb_n, room);
        if (k < 0) { if (errno == EINTR) continue; r->file_err = 1; return -1; }
        if (k == 0) r->file_eof = 1;
        r->fb_n += (size_t)k;
    }
    return 0;
}

/* Fill C with the next whole blocks (about CHUNK_CBYTES). 1: a chunk, 0: end of file, -1: error. */
static int chunk_cut(tsc_bamrd_t *r, chunk_t *c)
{
    c->nc = c->nu = 0;
    c->err = 0;
    c->skip = r->skip;
    r->skip = 0;
    c->keep = SIZE_MAX;
    c->rg = r->i_rg;
    int64_t cend = -1;    /* in a range: the compressed offset of its last block */
    int to_eof = 0;       /* the range runs to the end of the file */
    if (r->rg) {
        for (;;) {
            if (r->i_rg == r->n_rg) return 0;
            uint64_t u = r->rg[2 * r->i_rg], v = r->rg[2 * r->i_rg + 1];
            if (!r->rg_open) {
                if (u >= v) { r->i_rg++; continue; }
                if (lseek(r->fd, (off_t)(u >> 16), SEEK_SET) < 0) return -1;
                r->fb_n = r->fb_off = 0;
                r->file_eof = 0;
                r->cpos = (int64_t)(u >> 16);
                c->skip = (size_t)(u & 0xffff);
                r->rg_open = 1;
            }
            c->rg = r->i_rg;
            to_eof = v == UINT64_MAX;
            cend = to_eof ? INT64_MAX : (int64_t)(v >> 16);
            if ((v & 0xffff) == 0 && r->cpos >= cend) { r->rg_open = 0; r->i_rg++; if (c->nc) return 1; continue; }
            break;
        }
    }
    while (c->nc < CHUNK_CBYTES) {
        if (fb_want(r, r->rg ? 18 + 256 : 18 + BGZF_MAX) < 0) return -1;
        size_t avail = r->fb_n - r->fb_off;
        if (avail == 0) {
            if (r->rg && !to_eof) return -1; /* a range past the end of the file */
            if (r->rg) { r->rg_open = 0; r->i_rg++; }
            break;
        }
        const uint8_t *p = r->fb + r->fb_off;
        int64_t bl = block_len(p, avail);
        if (r->rg && bl > 0 && (size_t)bl > avail) {
            if (fb_want(r, (size_t)bl) < 0) return -1;
            avail = r->fb_n - r->fb_off;
            p = r->fb + r->fb_off;
        }
        if (bl <= 0 || (size_t)bl > avail) return -1; /* not BGZF, or a block cut short */
        uint32_t isz = le_to_u32(p + bl - 4);
        if (isz > BGZF_MAX) return -1;
        if (c->nc + (size_t)bl > c->mc) {
            size_t m = c->mc ? c->mc * 2 : CHUNK_CBYTES + 2 * BGZF_MAX;
            while (m < c->nc + (size_t)bl) m *= 2;
            uint8_t *q = realloc(c->c, m);
            if (!q) return -1;
            c->c = q; c->mc = m;
        }
        memcpy(c->c + c->nc, p, (size_t)bl);
        c->nc += (size_t)bl;
        c->nu += isz;
        r->fb_off += (size_t)bl;
        if (r->rg) {
            uint64_t v = r->rg[2 * r->i_rg + 1];
            int64_t at = r->cpos;
            r->cpos += bl;
            if (at == cend) { /* the range ends in this block */
                if ((v & 0xffff) > isz) return -1;
                c->keep = c->nu - isz + (v & 0xffff);
                r->rg_open = 0;
                r->i_rg++;
                break;
            }
            if (to_eof) continue;
            if ((v & 0xffff) == 0 && r->cpos >= cend) { r->rg_open = 0; r->i_rg++; break; }
            if (at > cend) return -1;
        }
    }
    if (c->nc == 0) return 0;
    if (c->nu > c->mu) {
        size_t m = c->nu + BGZF_MAX;
        uint8_t *q = realloc(c->u, m);
        if (!q) return -1;
        c->u = q; c->mu = m;
    }
    return 1;
}

static chunk_t *chunk_get(tsc_bamrd_t *r)
{
    if (r->n_free > 0) return r->freec[--r->n_free];
    if (r->n_ch == r->max_inflight + 1) return NULL;
    chunk_t *c = &r->ch[r->n_ch++];
#ifdef TSC_HAVE_LIBDEFLATE
    if (!(c->d = libdeflate_alloc_decompressor())) { r->n_ch--; return NULL; }
#endif
    return c;
}

/* Dispatch chunks until MAX_INFLIGHT are on the pool or the file ends. 0 or -1. */
static int submit(tsc_bamrd_t *r)
{
    while (!r->submitted_all && r->inflight < r->max_inflight) {
        chunk_t *c = chunk_get(r);
        if (!c) return -1;
        int k = chunk_cut(r, c);
        if (k <= 0) {
            r->freec[r->n_free++] = c;
            if (k < 0) return -1;
            r->submitted_all = 1;
            break;
        }
        atomic_store(&c->claimed, 0);
        if (hts_tpool_dispatch2(r->pool, r->q, chunk_job, c, -1) < 0) return -1;
        r->queued[(r->q0 + r->inflight) % (r->max_inflight + 1)] = c;
        r->inflight++;
    }
    return 0;
}

/* The next decoded chunk in file order as R->cur. 1, 0 at the end, -2 on a read or decoding
 * error (a truncated or corrupted file). */
static int next_chunk(tsc_bamrd_t *r)
{
    if (r->cur) { r->freec[r->n_free++] = r->cur; r->cur = NULL; }
    for (;;) {
        if (r->bad) return -2;
        chunk_t *c;
        if (r->pool) {
            if (submit(r) < 0) return -2;
            if (r->inflight == 0) return 0;
            hts_tpool_result *res;
            while (!(res = hts_tpool_next_result(r->q))) {
                /* not ready: decode the newest chunk nobody has started, else wait */
                int i;
                for (i = r->inflight - 1; i > 0; i--) {
                    chunk_t *o = r->queued[(r->q0 + i) % (r->max_inflight + 1)];
                    if (atomic_load_explicit(&o->claimed, memory_order_relaxed) == 0 && atomic_exchange(&o->claimed, 1) == 0) {
                        chunk_decode(o);
                        break;
                    }
                }
                if (i == 0) { res = hts_tpool_next_result_wait(r->q); break; }
            }
            if (!res) return -2;
            c = hts_tpool_result_data(res);
            hts_tpool_delete_result(res, 0);
            r->q0 = (r->q0 + 1) % (r->max_inflight + 1);
            r->inflight--;
        } else {
            if (!(c = chunk_get(r))) return -2;
            int k = chunk_cut(r, c);
            if (k <= 0) { r->freec[r->n_free++] = c; return k < 0 ? -2 : 0; }
            chunk_decode(c);
        }
        r->cur = c;
        r->cur_off = 0;
        if (c->err) r->bad = 1; /* after its good blocks */
        if (c->skip > 0) { /* the header's tail, or a range starting inside a block */
            if (c->skip > c->nu) { r->bad = 1; return -2; }
            r->cur_off = c->skip;
        }
        if (r->cur_off < c->nu) return 1;
        r->freec[r->n_free++] = c; r->cur = NULL; /* only an empty (EOF) block */
    }
}

/* N contiguous bytes of the decoded stream in *P (valid until the next call). 1; 0 at a clean end
 * (no byte left); -2 truncated or corrupted; -4 out of memory. */
static int take(tsc_bamrd_t *r, size_t n, const uint8_t **p)
{
    if (r->cur && r->cur->nu - r->cur_off >= n) {
        *p = r->cur->u + r->cur_off;
        r->cur_off += n;
        return 1;
    }
    size_t have = r->cur ? r->cur->nu - r->cur_off : 0;
    if (n > r->m_carry) {
        size_t m = n < 256 ? 256 : n + (n >> 1);
        uint8_t *q = realloc(r->carry, m);
        if (!q) return -4;
        r->carry = q; r->m_carry = m;
    }
    if (have) memcpy(r->carry, r->cur->u + r->cur_off, have);
    while (have < n) {
        int k = next_chunk(r);
        if (k < 0) return k;
        if (k == 0) return have == 0 ? 0 : -2;
        size_t t = r->cur->nu - r->cur_off;
        if (t > n - have) t = n - have;
        memcpy(r->carry + have, r->cur->u + r->cur_off, t);
        r->cur_off += t;
        have += t;
    }
    *p = r->carry;
    return 1;
}

/* ---------------------------------------------------------------- records */

static int bam_room(bam1_t *b, size_t n)
{
    if (n <= b->m_data) return 0;
    if ((b->mempolicy & BAM_USER_OWNS_DATA) || n > INT_MAX) return -1;
    size_t m = n + (n >> 2) + 32;
    if (m > INT_MAX) m = INT_MAX;
    uint8_t *q = realloc(b->data, m);
    if (!q) return -1;
    b->data = q; b->m_data = (uint32_t)m;
    return 0;
}

/* A long CIGAR kept in the CG tag (a placeholder "<LSEQ>S<rlen>N" in the CIGAR field, LSEQ the
 * record's sequence length) moved back into place, as htslib's bam_tag2cigar does. 1 if moved,
 * 0 if not, -1 on error. */
static int tag2cigar(bam1_t *b, int32_t lseq)
{
    bam1_core_t *c = &b->core;
    if (c->n_cigar == 0 || c->tid < 0 || c->pos < 0) return 0;
    uint32_t *cigar0 = bam_get_cigar(b);
    if (bam_cigar_op(cigar0[0]) != BAM_CSOFT_CLIP || bam_cigar_oplen(cigar0[0]) != (uint32_t)lseq) return 0;
    int saved = errno;
    uint8_t *cg = bam_aux_get(b, "CG");
    if (!cg) {
        if (errno != ENOENT) return -1;
        errno = saved;
        return 0;
    }
    if (cg[0] != 'B' || !(cg[1] == 'I' || cg[1] == 'i')) return 0;
    uint32_t cg_len = le_to_u32(cg + 2), fake = c->n_cigar * 4, ori = (uint32_t)b->l_data;
    if (cg_len < c->n_cigar || cg_len >= 1U << 29) return 0;
    uint32_t cigar_st = (uint32_t)((uint8_t *)cigar0 - b->data), n4 = cg_len * 4;
    uint32_t cg_st = (uint32_t)(cg - b->data) - 2, cg_en = cg_st + 8 + n4;
    if (bam_room(b, (size_t)ori + n4 - fake) < 0) return -1;
    c->n_cigar = cg_len;
    b->l_data = (int)(ori - fake + n4);
    memmove(b->data + cigar_st + n4, b->data + cigar_st + fake, ori - (cigar_st + fake));
    memcpy(b->data + cigar_st, b->data + (n4 - fake) + cg_st + 8, n4);
    if (ori > cg_en) memmove(b->data + cg_st + n4 - fake, b->data + cg_en + n4 - fake, ori - cg_en);
    b->l_data -= (int)(n4 + 8);
    return 1;
}

int tsc_bamrd_raw(tsc_bamrd_t *r, tsc_bamraw_t *x)
{
    const uint8_t *p;
    int k = take(r, 4, &p);
    if (k <= 0) return k == 0 ? -1 : k;
    int32_t block = le_to_i32(p);
    if (block < 32) return -4;
    if ((k = take(r, (size_t)block, &p)) <= 0) return k == 0 ? -2 : k;
    uint32_t x2 = le_to_u32(p + 8), x3 = le_to_u32(p + 12);
    uint32_t lq = x2 & 0xff, nc = x3 & 0xffff, extranul = lq % 4 ? 4 - lq % 4 : 0;
    int32_t lseq = le_to_i32(p + 16);
    x->p = p;
    x->len = block;
    x->tid = le_to_i32(p);
    x->pos = le_to_i32(p + 4);
    x->flag = x3 >> 16;
    x->mtid = le_to_i32(p + 20);
    x->mpos = le_to_i32(p + 24);
    x->isize = le_to_i32(p + 28);
    if (lq == 0) return -4;
    uint32_t nl = (uint32_t)block - 32 + extranul;
    if (nl > INT_MAX || lseq < 0) return -4;
    if (((uint64_t)nc << 2) + lq + extranul + (((uint64_t)lseq + 1) >> 1) + (uint64_t)lseq > (uint64_t)nl) return -4;
    x->range = r->cur ? r->cur->rg : 0;
    x->qname = (const char *)p + 32;
    x->l_name = p[32 + lq - 1] ? (int)lq : (int)lq - 1;
    const uint8_t *cig = p + 32 + lq;
    x->aux = cig + 4 * nc + ((lseq + 1) >> 1) + lseq;
    x->l_aux = (int32_t)(p + block - x->aux);
    if (nc > 0 && lseq > 0 && !(x->flag & BAM_FUNMAP)) { /* bam_cigar2qlen, unaligned */
        int64_t ql = 0;
        for (uint32_t i = 0; i < nc; i++) {
            uint32_t op = le_to_u32(cig + 4 * i);
            if (bam_cigar_type(bam_cigar_op(op)) & 1) ql += bam_cigar_oplen(op);
        }
        if (ql != lseq) {
            tsc_error("CIGAR and query sequence lengths differ for %.*s", x->l_name, x->qname);
            return -4;
        }
    }
    if (x->tid >= r->n_targets || x->tid < -1 || x->mtid >= r->n_targets || x->mtid < -1) {
        errno = ERANGE;
        return -3;
    }
    return 4 + block;
}

int tsc_bamrd_peek_name(const tsc_bamrd_t *r, const char **name, int *len)
{
    if (!r->cur || r->cur->nu - r->cur_off < 4 + 32) return 0;
    const uint8_t *p = r->cur->u + r->cur_off;
    uint32_t lq = p[4 + 8];
    if (lq == 0 || r->cur->nu - r->cur_off < 4 + 32 + (size_t)lq) return 0;
    *name = (const char *)p + 4 + 32;
    *len = p[4 + 32 + lq - 1] ? (int)lq : (int)lq - 1;
    return 1;
}

/* Record X into B; NOSEQ: without its sequence and qualities (l_qseq 0) */
static int copy_rec(const tsc_bamraw_t *x, bam1_t *b, int noseq)
{
    bam1_core_t *c = &b->core;
    const uint8_t *p = x->p;
    uint32_t x2 = le_to_u32(p + 8), x3 = le_to_u32(p + 12);
    b->l_data = 0;
    c->tid = x->tid;
    c->pos = x->pos;
    c->bin = x2 >> 16;
    c->qual = x2 >> 8 & 0xff;
    c->l_qname = x2 & 0xff;
    c->l_extranul = (c->l_qname % 4 != 0) ? (4 - c->l_qname % 4) : 0;
    c->flag = x->flag;
    c->n_cigar = x3 & 0xffff;
    c->l_qseq = le_to_i32(p + 16);
    c->mtid = x->mtid;
    c->mpos = x->mpos;
    c->isize = x->isize;
    int32_t lseq = c->l_qseq;
    size_t sq = noseq ? (size_t)((lseq + 1) >> 1) + (size_t)lseq : 0; /* bytes left out */
    uint32_t nl = (uint32_t)x->len - 32 + c->l_extranul - (uint32_t)sq;
    if (bam_room(b, nl + 4) < 0) return -4;
    b->l_data = (int)nl;
    const uint8_t *d = p + 32;
    memcpy(b->data, d, c->l_qname);
    if (b->data[c->l_qname - 1] != '\0') { /* a missing NUL: added, as htslib does */
        if (c->l_extranul > 0) { b->data[c->l_qname++] = '\0'; c->l_extranul--; }
        else { b->l_data += 4; b->data[c->l_qname++] = '\0'; c->l_extranul = 3; }
    }
    for (int i = 0; i < c->l_extranul; i++) b->data[c->l_qname + i] = '\0';
    size_t rest = (size_t)x->len - 32 - (size_t)(x2 & 0xff);
    uint8_t *o = b->data + c->l_qname + c->l_extranul;
    if (noseq) {
        size_t lc = 4 * (size_t)c->n_cigar;
        memcpy(o, d + (x2 & 0xff), lc);
        memcpy(o + lc, d + (x2 & 0xff) + lc + sq, rest - lc - sq);
        c->l_qseq = 0;
    } else memcpy(o, d + (x2 & 0xff), rest);
    c->l_qname += c->l_extranul;
    int moved = tag2cigar(b, lseq);
    if (moved < 0) return -4;
    if (moved && lseq > 0 && !(c->flag & BAM_FUNMAP) &&
        bam_cigar2qlen((int)c->n_cigar, bam_get_cigar(b)) != lseq) {
        tsc_error("CIGAR and query sequence lengths differ for %s", bam_get_qname(b));
        return -4;
    }
    return 4 + x->len;
}

int tsc_bamrd_copy(const tsc_bamraw_t *x, bam1_t *b)
{
    return copy_rec(x, b, 0);
}

int tsc_bamrd_read(tsc_bamrd_t *r, bam1_t *b)
{
    tsc_bamraw_t x;
    b->l_data = 0;
    int k = tsc_bamrd_raw(r, &x);
    return k < 0 ? k : copy_rec(&x, b, r->noseq);
}

void tsc_bamrd_noseq(tsc_bamrd_t *r)
{
    r->noseq = 1;
}

/* The value of an integer aux field of type T at P (as bam_aux2i) in *V: 1, or 0 for another type */
static inline int aux_ival(uint8_t t, const uint8_t *p, int64_t *v)
{
    switch (t) {
    case 'c': *v = (int8_t)p[0]; return 1;
    case 'C': *v = p[0]; return 1;
    case 's': *v = le_to_i16(p); return 1;
    case 'S': *v = le_to_u16(p); return 1;
    case 'i': *v = le_to_i32(p); return 1;
    case 'I': *v = le_to_u32(p); return 1;
    default: return 0;
    }
}

/* The first fields T1 and (with T2 not NULL) T2 of X, in one walk: *H1, *H2 as tsc_bamraw_aux_int
 * returns for each, the values in *V1, *V2. */
static void aux_int2(const tsc_bamraw_t *x, const char t1[2], int *h1, int64_t *v1, const char *t2, int *h2, int64_t *v2)
{
    const uint8_t *p = x->aux, *e = x->aux + x->l_aux;
    int need1 = 1, need2 = t2 != NULL;
    *h1 = 0;
    if (h2) *h2 = 0;
    while ((need1 || need2) && p + 3 <= e) {
        uint8_t a = p[0], b = p[1], t = p[2];
        int64_t sz = tsc_aux_len(t, p + 3, e);
        p += 3;
        if (sz < 0 || sz > e - p) return;
        if (need1 && a == (uint8_t)t1[0] && b == (uint8_t)t1[1]) { *h1 = aux_ival(t, p, v1); need1 = 0; }
        else if (need2 && a == (uint8_t)t2[0] && b == (uint8_t)t2[1]) { *h2 = aux_ival(t, p, v2); need2 = 0; }
        p += sz;
    }
}

int tsc_bamraw_aux_int(const tsc_bamraw_t *x, const char tag[2], int64_t *v)
{
    int h;
    aux_int2(x, tag, &h, v, NULL, NULL, NULL);
    return h;
}

/* ---------------------------------------------------------------- open, close */

int tsc_bamraw_reduce(const tsc_bamraw_t *x, int64_t idx, int want_nh, tsc_rec_t *r, hts_pos_t **blk, int32_t *mb,
                      hts_pos_t *end)
{
    const uint8_t *p = x->p;
    uint32_t lq = le_to_u32(p + 8) & 0xff, nc = le_to_u32(p + 12) & 0xffff;
    const uint8_t *cig = p + 32 + lq;
    int32_t lseq = le_to_i32(p + 16);
    if (nc > 0 && x->tid >= 0 && x->pos >= 0) {
        uint32_t op0 = le_to_u32(cig);
        if (bam_cigar_op(op0) == BAM_CSOFT_CLIP && bam_cigar_oplen(op0) == (uint32_t)lseq) return 1;
    }
    memset(r, 0, sizeof(*r));
    r->idx = idx;
    r->flag = x->flag;
    r->tid = x->tid; r->pos = x->pos;
    r->mtid = x->mtid; r->mpos = x->mpos;
    r->isize = x->isize;
    int64_t v = 0, w = 0;
    int has_v, has_w;
    aux_int2(x, "AS", &has_v, &v, want_nh ? "NH" : NULL, &has_w, &w);
    if (has_v && v >= INT32_MIN / 4 && v <= INT32_MAX / 4) { r->as = (int32_t)v; r->has_as = 1; }
    if (want_nh && has_w && w > 0 && w < INT32_MAX) r->nh = (int32_t)w;
    if (2 * (int32_t)nc > *mb) {
        hts_pos_t *q = realloc(*blk, (size_t)(2 * nc) * sizeof(hts_pos_t));
        if (!q) return -1;
        *blk = q; *mb = 2 * (int32_t)nc;
    }
    hts_pos_t pos = x->pos;
    for (uint32_t i = 0; i < nc; i++) {
        uint32_t c = le_to_u32(cig + 4 * i);
        int op = bam_cigar_op(c);
        hts_pos_t len = bam_cigar_oplen(c);
        switch (op) {
        case BAM_CMATCH: case BAM_CEQUAL: case BAM_CDIFF:
            if (len == 0) { r->bad_cigar = 1; break; }
            (*blk)[2 * r->n_b] = pos; (*blk)[2 * r->n_b + 1] = pos + len;
            r->n_b++;
            pos += len;
            break;
        case BAM_CDEL: case BAM_CREF_SKIP:
            pos += len;
            break;
        default: break;
        }
    }
    if (end) *end = pos > x->pos ? pos : x->pos + 1;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

tsc_bamrd_t *tsc_bamrd_open_ranges(const char *path, samFile *fp, const sam_hdr_t *h, hts_tpool *pool,
                                   const uint64_t *uv, int n)
{
    tsc_bamrd_t *r = tsc_bamrd_open(path, fp, h, pool);
    if (!r) return NULL;
    r->skip = 0;
    if (!(r->rg = malloc((size_t)(n ? n : 1) * 2 * sizeof(uint64_t)))) { tsc_bamrd_close(r); return NULL; }
    memcpy(r->rg, uv, (size_t)n * 2 * sizeof(uint64_t));
    qsort(r->rg, (size_t)n, 2 * sizeof(uint64_t), cmp_u64);
    int k = 0;
    for (int i = 0; i < n; i++) { /* merged where they overlap or touch */
        if (k > 0 && r->rg[2 * i] <= r->rg[2 * k - 1]) {
            if (r->rg[2 * i + 1] > r->rg[2 * k - 1]) r->rg[2 * k - 1] = r->rg[2 * i + 1];
        } else {
            r->rg[2 * k] = r->rg[2 * i]; r->rg[2 * k + 1] = r->rg[2 * i + 1];
            k++;
        }
    }
    r->n_rg = k;
    return r;
}

const uint64_t *tsc_bamrd_ranges(const tsc_bamrd_t *r, int *n)
{
    *n = r->rg ? r->n_rg : 0;
    return r->rg;
}

tsc_bamrd_t *tsc_bamrd_open(const char *path, samFile *fp, const sam_hdr_t *h, hts_tpool *pool)
{
#if !defined(HTS_LITTLE_ENDIAN)
    (void)path; (void)fp; (void)h; (void)pool;
    return NULL;
#else
    if (strcmp(path, "-") == 0 || hts_get_format(fp)->format != bam || hts_get_format(fp)->compression != bgzf)
        return NULL;
    int64_t voff = bgzf_tell(fp->fp.bgzf);
    if (voff < 0) return NULL;
    tsc_bamrd_t *r = calloc(1, sizeof(*r));
    if (!r) return NULL;
    r->fd = -1;
    r->n_targets = sam_hdr_nref(h);
    r->pool = pool;
    r->max_inflight = pool ? MAX_CHUNKS : 0; /* a deep queue: the caller often works in bursts */
    if (r->max_inflight > MAX_CHUNKS) r->max_inflight = MAX_CHUNKS;
    r->fb_m = 4 * BGZF_MAX;
    r->skip = (size_t)(voff & 0xffff);
    if (!(r->ch = calloc((size_t)r->max_inflight + 1, sizeof(chunk_t))) ||
        !(r->freec = calloc((size_t)r->max_inflight + 1, sizeof(chunk_t *))) ||
        !(r->queued = calloc((size_t)r->max_inflight + 1, sizeof(chunk_t *))) || !(r->fb = malloc(r->fb_m)))
        goto fail;
    if (pool && !(r->q = hts_tpool_process_init(pool, r->max_inflight, 0))) goto fail;
    if ((r->fd = open(path, O_RDONLY)) < 0 || lseek(r->fd, (off_t)(voff >> 16), SEEK_SET) < 0) goto fail;
#ifdef POSIX_FADV_SEQUENTIAL
    (void)posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    return r;
fail:
    tsc_bamrd_close(r);
    return NULL;
#endif
}

void tsc_bamrd_close(tsc_bamrd_t *r)
{
    if (!r) return;
    if (r->q) {
        hts_tpool_process_reset(r->q, 0);
        hts_tpool_process_destroy(r->q);
    }
    if (r->fd >= 0) close(r->fd);
    for (int i = 0; i < r->n_ch; i++) {
        free(r->ch[i].c); free(r->ch[i].u);
#ifdef TSC_HAVE_LIBDEFLATE
        libdeflate_free_decompressor(r->ch[i].d);
#endif
    }
    free(r->ch); free(r->freec); free(r->queued); free(r->fb); free(r->rg); free(r->carry);
    free(r);
}
