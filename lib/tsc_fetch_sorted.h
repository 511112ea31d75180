/* tsc_fetch_sorted.h -- private to tsc_fetch_sorted.c and tsc_fetch_outside.c: read-name keys,
 * the records of the second pass over coordinate-sorted input, and the counting of the fragments
 * that touch no locus.
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_FETCH_SORTED_H
#define TSC_FETCH_SORTED_H

#include <htslib/khash.h>
#include "tsc_fetch_internal.h"

/* Read names are keyed by two 64-bit hashes (a collision needs 2^64 names) */
typedef struct { uint64_t a, b; } nkey_t;
static inline khint_t nkey_hash(nkey_t k) { return (khint_t)(k.a >> 32) ^ (khint_t)k.a; }
static inline int nkey_eq(nkey_t x, nkey_t y) { return x.a == y.a && x.b == y.b; }
static inline nkey_t name_key2(const char *qn, size_t l)
{
    nkey_t k;
    tsc_name_hash2(qn, l, TSC_SEED1, TSC_SEED2, &k.a, &k.b);
    return k;
}
static inline nkey_t name_key(const bam1_t *b)
{
    return name_key2(bam_get_qname(b), b->core.l_qname - 1 - b->core.l_extranul);
}
/* single cell: names of the fragments the barcode/UMI filters drop -> TSC_SC_* reason */
KHASH_INIT(scerr, nkey_t, uint8_t, 1, nkey_hash, nkey_eq)

/* the record that decides a fragment's class, and so (single cell) its barcode and UMI */
static inline int is_first_kind(uint16_t flag)
{
    return !(flag & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY)) && (!(flag & BAM_FPAIRED) || (flag & BAM_FREAD1));
}

static inline int class_of(uint16_t flag)
{
    if (!(flag & BAM_FPAIRED)) return (flag & BAM_FUNMAP) ? TSC_FC_SU : TSC_FC_SM;
    if (flag & BAM_FPROPER_PAIR) return TSC_FC_PM;
    if ((flag & BAM_FUNMAP) && (flag & BAM_FMUNMAP)) return TSC_FC_PU;
    return TSC_FC_PX;
}

/* BAM orders unplaced records (tid -1) last */
static inline int32_t rank_tid(int32_t tid) { return tid < 0 ? INT32_MAX : tid; }

/* A record of pass 2: from a bam1_t, in place (tsc_bamraw_t), or kept by pass 1 (reduced) */
typedef struct {
    int32_t tid, mtid;
    hts_pos_t pos, mpos, isize;
    uint16_t flag;
    const char *qname;     /* NUL-terminated; NULL for a kept record (no name kept) */
    int l_name;
    const bam1_t *b;       /* or */
    const tsc_bamraw_t *x; /* or */
    const tsc_rec_t *rec;  /* with its blocks */
    const hts_pos_t *blk;
    char nbuf[256];        /* a name without its NUL in the file */
} srec_t;

/* The fragments outside the loci (tsc_fetch_outside.c): counted from their records as they come,
 * never kept */
typedef struct tsc_outside_t tsc_outside_t;
/** Counting for F; ERR: single cell, the names the barcode/UMI filters drop (not owned). NULL on OOM. */
tsc_outside_t *tsc_outside_init(tsc_fetch_t *f, khash_t(scerr) *err);
/** Record C (name key N, number IDX) of a fragment outside the loci. 0, or -1 on error (logged). */
int tsc_outside_record(tsc_outside_t *o, const srec_t *c, nkey_t n, int64_t idx);
/** The file has reached (rank TID, POS): proper-pair records whose mate was due before and never
 * came may be counted as units alone now (all of them with FORCE). 0, or -1 on error. */
int tsc_outside_retire(tsc_outside_t *o, int32_t tid, hts_pos_t pos, int force);
/** Every record seen (retired with FORCE): add the counters to CNT and (single cell) SCC. */
void tsc_outside_finish(tsc_outside_t *o, tsc_frag_counts_t *cnt, tsc_sc_counts_t *scc);
void tsc_outside_destroy(tsc_outside_t *o); /* NULL is a no-op */

#endif
