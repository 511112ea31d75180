/* tsc_fetch_internal.h -- private to tsc_fetch.c and tsc_fetch_sorted.c.
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_FETCH_INTERNAL_H
#define TSC_FETCH_INTERNAL_H

#include <htslib/sam.h>
#include <htslib/hts.h>
#include <htslib/thread_pool.h>
#include "tsc_fetch.h"

#define TSC_SEED1 0x8A4F3C5D2E1B0967ULL
#define TSC_SEED2 0x3C6EF372FE94F82BULL

struct tsc_fetch_t {
    char *path;                 /* alignment file ("-" = stdin) */
    samFile *fp;
    sam_hdr_t *hdr;
    hts_idx_t *idx;             /* NULL without an index */
    char *idx_path;             /* the index file found, or NULL */
    int idx_stale;              /* index older than the file */
    int has_idx_stats;
    uint64_t nmap_idx, nunmap_idx;
    hts_tpool *pool;            /* NULL with one thread */
    htsThreadPool tp;
    const tsc_annot_t *annot;
    tsc_fetch_opt_t opt;
    tsc_frag_ctx_t *ctx;
    int order;                  /* TSC_ORDER_NAME or TSC_ORDER_COORD */
    int so_coord;               /* the header says SO:coordinate */
    tsc_frag_counts_t cnt;
    tsc_sc_counts_t scc;        /* single cell (opt.sc) */
    int64_t n_records;          /* records read in the full pass */
    int done;                   /* tsc_fetch_run finished */
    /* --prefilter */
    int64_t pf_frags, pf_unseen, pf_no_nh;
    int32_t pf_min_as;
};

/** Open PATH again (for a second pass) with the pool and reference of F; header in *H. */
samFile *tsc_fetch_reopen(tsc_fetch_t *f, sam_hdr_t **h);
/** Report a fragment error code from tsc_frag_process/tsc_frag_add. Always returns -1. */
int tsc_fetch_frag_error(const tsc_fetch_t *f, const tsc_frag_t *fr, int code);
/** Write fragment FR as a HITS record with ordinal ORD if it has a locus. 0 or -1. */
int tsc_fetch_emit(const tsc_fetch_t *f, tsc_hitw_t *hw, const tsc_frag_t *fr, int64_t ord);

/* BAM records read in large chunks decoded on POOL (tsc_fetch_bam.c) */
typedef struct tsc_bamrd_t tsc_bamrd_t;
/** A chunked reader of the records of FP (opened on PATH, its header H read) from where FP
 * stands, decoding on POOL (NULL: in the caller). NULL if FP is not a BGZF-compressed BAM file
 * read by name (then use sam_read1) or on OOM. FP is not read from afterwards. */
tsc_bamrd_t *tsc_bamrd_open(const char *path, samFile *fp, const sam_hdr_t *h, hts_tpool *pool);
/** The same, reading only the records in the ranges of virtual offsets UV[2i] .. UV[2i+1]
 * (I < N; an index's chunks, in any order, overlapping or not: merged), in file order.  A range
 * ending at UINT64_MAX runs to the end of the file.  Ranges must start and end at records. */
tsc_bamrd_t *tsc_bamrd_open_ranges(const char *path, samFile *fp, const sam_hdr_t *h, hts_tpool *pool,
                                   const uint64_t *uv, int n);
/** The merged ranges of R (sorted, disjoint, not touching), *N of them; NULL without ranges. */
const uint64_t *tsc_bamrd_ranges(const tsc_bamrd_t *r, int *n);
/** The next record into B: as sam_read1 (>= 0; -1 at the end; -2 truncated or corrupted; -3 a
 * reference out of range; -4 an invalid record or OOM). */
int tsc_bamrd_read(tsc_bamrd_t *r, bam1_t *b);
/** From now on tsc_bamrd_read leaves out sequences and qualities (l_qseq 0: less to copy where
 * only names, positions, CIGARs and tags are read). */
void tsc_bamrd_noseq(tsc_bamrd_t *r);
void tsc_bamrd_close(tsc_bamrd_t *r); /* NULL is a no-op */
/** A record in place (valid until the next read): its fixed fields, name and aux data. */
typedef struct {
    const uint8_t *p;            /* the record after its length field */
    int32_t len;                 /* its length */
    int32_t tid, mtid;
    hts_pos_t pos, mpos, isize;
    uint16_t flag;
    const char *qname;           /* the name: l_name bytes (a NUL follows in a valid file) */
    int l_name;
    const uint8_t *aux;          /* the tags: l_aux bytes */
    int32_t l_aux;
    int32_t range;               /* the index of its merged range (tsc_bamrd_ranges); 0 without */
} tsc_bamraw_t;
/** The next record in place, with the checks of tsc_bamrd_read but not copied. Same returns. */
int tsc_bamrd_raw(tsc_bamrd_t *r, tsc_bamraw_t *x);
/** The name of the record tsc_bamrd_raw would return next, where it is already decoded in one
 * piece (to look it up ahead, a hint: it is not checked): 1 with *NAME, *LEN (as tsc_bamraw_t's
 * qname, l_name), else 0. */
int tsc_bamrd_peek_name(const tsc_bamrd_t *r, const char **name, int *len);
/** Record X into B, as tsc_bamrd_read would have (>= 0, or -4). */
int tsc_bamrd_copy(const tsc_bamraw_t *x, bam1_t *b);
/** The integer tag TAG of X (types cCsSiI, as bam_aux2i) in *V: 1, or 0 if absent or not an integer. */
int tsc_bamraw_aux_int(const tsc_bamraw_t *x, const char tag[2], int64_t *v);
/** Record X (number IDX) reduced as tsc_frag_add would (flag, positions, AS; NH with WANT_NH;
 * blocks) into *R and *BLK (grown as needed, capacity *MB); its reference end in *END where not
 * NULL (pos + 1 without a base on the reference, as bam_endpos).  0; 1 if only the bam1_t path
 * can (a long CIGAR kept in the CG tag: tsc_bamrd_copy, tsc_frag_add); -1 on OOM. */
int tsc_bamraw_reduce(const tsc_bamraw_t *x, int64_t idx, int want_nh, tsc_rec_t *r, hts_pos_t **blk, int32_t *mb,
                      hts_pos_t *end);

int tsc_fetch_run_sorted(tsc_fetch_t *f, tsc_hitw_t *hw);
int tsc_fetch_run_prefilter(tsc_fetch_t *f, tsc_hitw_t *hw);

#endif
