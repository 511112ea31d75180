/* tsc_stream.h -- the tsc binary stream format: writer and reader (man/tsc-format.5).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * A stream is:
 *   "TSC\1"  u32 version  u32 kind  u32 flags(0)  u64 header_nbytes  header
 *   section*                      each: u32 tag u32 type u64 count u64 nbytes payload
 *   END section                   tag TSC_TAG_END, payload: u64 n_sections u64 n_bytes u32 crc32
 *   "TSCE"
 * All integers little-endian; crc32 (zlib) covers every byte before the crc field.
 * header: u32 n_feat {str name, i64 length}*, u32 n_info {str key, str val}*,
 *         u32 n_prov {str prog, str version, str cmdline}*;  str = u32 len + bytes.
 * A body section tagged TSC_TAG_RUNINFO (type STR, 2n strings key,val,...) updates the run info
 * (set or append, in order) when read: producers that learn counters only at the end use it. */
#ifndef TSC_STREAM_H
#define TSC_STREAM_H

#include <stdint.h>
#include <stdio.h>
#include "tsc_util.h"

/* 2: HITS streams may carry per-fragment string fields (HFLD sections, tsc_hits.h); a writer
 * writes 2 only for such a stream, 1 otherwise */
#define TSC_STREAM_VERSION 2
#define TSC_STREAM_VERSION_MIN 1

enum tsc_kind { TSC_KIND_HITS = 1, TSC_KIND_MATRIX = 2, TSC_KIND_BLOCKS = 3, TSC_KIND_FIT = 4 };
#define TSC_KIND_MASK(k) (1u << (k))

/* element types of a section */
enum tsc_type {
    TSC_T_U8 = 1,  /* raw bytes (e.g. varint-coded record chunks) */
    TSC_T_I32 = 2,
    TSC_T_U32 = 3,
    TSC_T_I64 = 4,
    TSC_T_F64 = 5, /* IEEE-754 binary64, bit pattern little-endian */
    TSC_T_STR = 6  /* count strings, each u32 len + bytes (no NUL in the stream) */
};

/* four-character section tags, first character in the low byte: TSC_TAG('I','N','D','P') */
#define TSC_TAG(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define TSC_TAG_END TSC_TAG('E', 'N', 'D', ' ')
#define TSC_TAG_RUNINFO TSC_TAG('R', 'U', 'N', 'I')

/* Caps a reader enforces before allocating (an absurd length is an error, not an OOM). */
#define TSC_MAX_STR (1u << 24)          /* one string: 16 MiB */
#define TSC_MAX_SECTION_BYTES (1ull << 40)

typedef struct {
    char *key, *val;
} tsc_kv_t;

typedef struct {
    char *prog, *version, *cmdline;
} tsc_prov_t;

/** The stream header: feature table, ordered run info, provenance chain. */
typedef struct {
    int kind;            /* enum tsc_kind */
    int32_t n_feat, m_feat;
    char **feat;         /* feature names; for MATRIX and later: column order, [0] = no-feature key */
    int64_t *flen;       /* feature lengths (bases), same order */
    int32_t n_info, m_info;
    tsc_kv_t *info;      /* run info, ordered */
    int32_t n_prov, m_prov;
    tsc_prov_t *prov;    /* provenance, oldest first */
} tsc_hdr_t;

/** New empty header; NULL on OOM. Free with tsc_hdr_destroy(). */
tsc_hdr_t *tsc_hdr_init(int kind);
void tsc_hdr_destroy(tsc_hdr_t *h); /* NULL is a no-op */
/** Deep copy; NULL on OOM. */
tsc_hdr_t *tsc_hdr_dup(const tsc_hdr_t *h);
int tsc_hdr_add_feature(tsc_hdr_t *h, const char *name, int64_t len) TSC_RESULT_USED;
/** Drop all features (to rebuild the table in another order). */
void tsc_hdr_clear_features(tsc_hdr_t *h);
/** Set KEY to VAL: replaced in place if present, else appended. 0 or -1 (OOM). */
int tsc_hdr_set_info(tsc_hdr_t *h, const char *key, const char *val) TSC_RESULT_USED;
int tsc_hdr_set_info_int(tsc_hdr_t *h, const char *key, int64_t val) TSC_RESULT_USED;
/** Value of KEY or NULL. The pointer stays owned by H. */
const char *tsc_hdr_get_info(const tsc_hdr_t *h, const char *key);
/** Value of KEY as an integer: 0 found, -1 missing or not an integer. */
int tsc_hdr_get_info_int(const tsc_hdr_t *h, const char *key, int64_t *out);
int tsc_hdr_add_prov(tsc_hdr_t *h, const char *prog, const char *version, const char *cmdline) TSC_RESULT_USED;

/* ---- writer ---- */
typedef struct tsc_wstream_t tsc_wstream_t;

/** Open PATH ("-" = stdout) and write magic, version, kind and header H (copied).
 * NULL on error (logged). */
tsc_wstream_t *tsc_ws_open(const char *path, const tsc_hdr_t *h);
/** Same on an already-open FILE (not closed by tsc_ws_close). */
tsc_wstream_t *tsc_ws_fdopen(FILE *fp, const char *name, const tsc_hdr_t *h);
/** Write one section of COUNT elements of TYPE (numeric types: host values, converted to
 * little-endian here; TSC_T_STR: DATA is char**; TSC_T_U8: bytes). 0 or -1. */
int tsc_ws_section(tsc_wstream_t *w, uint32_t tag, int type, const void *data, uint64_t count) TSC_RESULT_USED;
/** Write a RUNI section with all of H's run info (for values known only at the end). */
int tsc_ws_runinfo(tsc_wstream_t *w, const tsc_hdr_t *h) TSC_RESULT_USED;
/** Write the END trailer, flush, close. Returns 0, or -1 if this or any earlier write failed.
 * Frees W in every case. */
int tsc_ws_close(tsc_wstream_t *w) TSC_RESULT_USED;
/** Abandon W without a trailer (after an error): the output is then visibly truncated. */
void tsc_ws_abort(tsc_wstream_t *w);

/** Append the run-info entry KEY=VAL to the finished stream file PATH (a RUNI section before a
 * new trailer; the old trailer's CRC is checked first): run info learned after the producer
 * ended (tsc-sc's default seed, hashed while tsc-fetch runs). 0 or -1 (logged; PATH unchanged
 * unless the write itself failed). */
int tsc_stream_append_info(const char *path, const char *key, const char *val) TSC_RESULT_USED;

/* ---- reader ---- */
typedef struct tsc_rstream_t tsc_rstream_t;

typedef struct {
    uint32_t tag;
    int type;
    uint64_t count;
    void *data;          /* host-order values; TSC_T_STR: char** of count NUL-terminated strings,
                          * pointers and bytes in one block (one free()) */
    uint64_t nbytes;     /* payload bytes in the stream */
} tsc_sec_t;

/** Open PATH ("-" = stdin), read and validate magic, version, kind and header.
 * KINDS is a mask of TSC_KIND_MASK() the caller accepts (0 = any); a wrong kind is an error
 * that says which tool makes the wanted kind. NULL on error (logged, naming PATH). */
tsc_rstream_t *tsc_rs_open(const char *path, unsigned kinds);
/** Same on an already-open FP (not closed by tsc_rs_close); NAME names it in messages. */
tsc_rstream_t *tsc_rs_fdopen(FILE *fp, const char *name, unsigned kinds);
/** The header (owned by R; RUNI sections read so far are applied to it). */
tsc_hdr_t *tsc_rs_hdr(tsc_rstream_t *r);
int tsc_rs_kind(const tsc_rstream_t *r);
/** Format version of the stream read. */
uint32_t tsc_rs_version(const tsc_rstream_t *r);
const char *tsc_rs_name(const tsc_rstream_t *r);
/** Read the next section into *S (S->data owned by R, valid until the next call).
 * Returns 1 for a section, 0 at a valid END trailer (CRC, counts and end marker checked),
 * -1 on error (logged: truncation, CRC mismatch, absurd length, bad type). RUNI sections are
 * applied to the header and returned as well. */
int tsc_rs_next(tsc_rstream_t *r, tsc_sec_t *s) TSC_RESULT_USED;
/** Take ownership of the data of the section last returned (caller frees with one free(),
 * also for TSC_T_STR). */
void *tsc_rs_steal(tsc_rstream_t *r, tsc_sec_t *s);
void tsc_rs_close(tsc_rstream_t *r); /* NULL is a no-op */

/** Name of a kind ("HITS"), or "?" */
const char *tsc_kind_name(int kind);
/** Tag as a 4-character string (BUF of 5 bytes) */
char *tsc_tag_str(uint32_t tag, char *buf);

/* ---- varints for record chunks (LEB128; zigzag for signed) ---- */
/** Append V to BUF at *POS (BUF must have 10 free bytes). */
static inline void tsc_put_uvar(uint8_t *buf, size_t *pos, uint64_t v)
{
    while (v >= 0x80) { buf[(*pos)++] = (uint8_t)(v | 0x80); v >>= 7; }
    buf[(*pos)++] = (uint8_t)v;
}
static inline void tsc_put_svar(uint8_t *buf, size_t *pos, int64_t v)
{
    tsc_put_uvar(buf, pos, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}
/** Decode from BUF[*POS..LEN). Returns 0, or -1 if truncated, overlong (not the shortest
 * form) or past 64 bits. */
static inline int tsc_get_uvar(const uint8_t *buf, size_t len, size_t *pos, uint64_t *v)
{
    uint64_t x = 0; int shift = 0;
    while (*pos < len && shift < 64) {
        uint8_t b = buf[(*pos)++];
        if (shift == 63 && b > 1) return -1; /* past 64 bits */
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            if (b == 0 && shift > 0) return -1; /* overlong: only the shortest form is valid, so a
                                                 * stream re-encodes to the same bytes */
            *v = x;
            return 0;
        }
        shift += 7;
    }
    return -1;
}
static inline int tsc_get_svar(const uint8_t *buf, size_t len, size_t *pos, int64_t *v)
{
    uint64_t u;
    if (tsc_get_uvar(buf, len, pos, &u) < 0) return -1;
    *v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
    return 0;
}

#endif
