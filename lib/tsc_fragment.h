/* tsc_fragment.h -- fragments as Telescope builds them (spec §4-§6.1): classes, alignment units,
 * mate pairing, aligned blocks, overlap assignment, best unit per feature, ZB set, run counters.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * A fragment is the group of alignment records of one read name ("bundle").  The caller fills
 * a tsc_frag_t with the records (tsc_frag_add), in the order that decides Telescope's
 * first-record rule (Q4), then calls tsc_frag_process(), which leaves the units, their
 * features and tags, and the fragment's mappings (the HITS record) in the struct.  Used by
 * tsc-fetch (to build HITS) and by tsc-tag (to recompute the same units and tags from the BAM).
 *
 * Coordinates are BAM coordinates: 0-based, half-open. */
#ifndef TSC_FRAGMENT_H
#define TSC_FRAGMENT_H

#include <stdint.h>
#include <string.h>
#include <htslib/sam.h>
#include "tsc_annot.h"
#include "tsc_hits.h"

/* Fragment classes (spec §4.2), decided from the first record only (Q4). */
enum tsc_frag_class {
    TSC_FC_SU = 0, /* single_unmapped: not paired, unmapped */
    TSC_FC_SM = 1, /* single_mapped: not paired, mapped */
    TSC_FC_PM = 2, /* pair_mapped: paired and proper pair; records paired up (§4.3) */
    TSC_FC_PU = 3, /* pair_unmapped: paired, not proper, exactly 2 records, both unmapped */
    TSC_FC_PX = 4, /* pair_mixed: paired, not proper, anything else */
    TSC_FC_N = 5
};

/* --stranded-mode (spec §5.2) */
enum tsc_strand_mode { TSC_STRAND_NONE = 0, TSC_STRAND_RF, TSC_STRAND_R, TSC_STRAND_FR, TSC_STRAND_F };

/* Error codes of tsc_frag_add / tsc_frag_process (the record is in tsc_frag_t.err_rec). */
#define TSC_FRAG_E_NOMEM (-1)
#define TSC_FRAG_E_NOAS (-2)    /* a used mapped record has no integer AS tag (Q16) */
#define TSC_FRAG_E_CIGAR (-3)   /* a zero-length M/=/X operation */
#define TSC_FRAG_E_NOBLOCK (-4) /* a mapped unit with no aligned base (CIGAR '*') */

typedef struct {
    double overlap_threshold; /* a unit gets a locus if overlap > alnlen x this [0.2] */
    int strand_mode;          /* enum tsc_strand_mode [TSC_STRAND_NONE] */
} tsc_frag_opt_t;

void tsc_frag_opt_init(tsc_frag_opt_t *o);
/** "None", "RF", "R", "FR", "F" (as Telescope spells them) to enum tsc_strand_mode; -1 if bad. */
int tsc_strand_mode_parse(const char *s);
const char *tsc_strand_mode_name(int mode);

/** Everything the fragment logic needs that does not change between fragments. */
typedef struct {
    const tsc_annot_t *annot; /* indexed (tsc_annot_index) */
    int32_t n_tid;
    int32_t *tid2chrom;       /* BAM reference id -> annotation chromosome, -1 = none */
    int32_t n_matched;        /* BAM references that name an annotation chromosome */
    tsc_frag_opt_t opt;
} tsc_frag_ctx_t;

/** Context for the references of HDR. NULL on OOM. Caller frees with tsc_frag_ctx_destroy(). */
tsc_frag_ctx_t *tsc_frag_ctx_init(const tsc_annot_t *a, const sam_hdr_t *hdr, const tsc_frag_opt_t *o);
void tsc_frag_ctx_destroy(tsc_frag_ctx_t *c);

/** One alignment record, reduced to what the fragment logic reads. */
typedef struct {
    int64_t idx;        /* 0-based record number in the input */
    hts_pos_t pos, mpos;
    hts_pos_t isize;
    int32_t tid, mtid;
    int32_t as;         /* AS tag (valid if has_as) */
    int32_t b_off, n_b; /* aligned blocks: tsc_frag_t.blk[2*b_off ..] as (start, end) pairs */
    int32_t nh;         /* NH tag where the caller reads it (--prefilter), else 0 */
    uint16_t flag;
    uint8_t has_as;
    uint8_t bad_cigar;  /* a zero-length M/=/X operation */
} tsc_rec_t;

/** Copy N blocks (2 * N values) from S to D: most records have one or two, for which a call of
 * memcpy costs more than the copy. */
static inline void tsc_blk_copy(hts_pos_t *d, const hts_pos_t *s, int32_t n)
{
    if (n <= 2) {
        if (n > 0) { d[0] = s[0]; d[1] = s[1]; }
        if (n > 1) { d[2] = s[2]; d[3] = s[3]; }
    } else memcpy(d, s, 2 * (size_t)n * sizeof(hts_pos_t));
}

/** One alignment unit ("AlignedPair", §4.2): segment r1 and optional r2. */
typedef struct {
    int32_t r1, r2;   /* indices into tsc_frag_t.rec; r2 = -1 for a single-segment unit */
    int32_t as;       /* alnscore: AS(r1) + AS(r2) (mapped units) */
    int32_t alnlen;   /* merged aligned length (mapped units) */
    int32_t feat;     /* -1 = no feature (__no_feature), else locus index; -2 = unmapped unit */
    uint8_t mapped;   /* r1 is mapped */
    uint8_t pri;      /* fragment with a locus: 1 = ZT:PRI (best of its feature), 0 = ZT:SEC */
} tsc_unit_t;

/** Per-locus tally of one unit's overlap (scratch). */
typedef struct {
    int32_t locus, block;
    int64_t ovl;
    hts_pos_t beg, end;
} tsc_tally_t;

typedef struct {
    /* input, filled by tsc_frag_add */
    kstring_t name;                  /* read name of the first record */
    int32_t n_rec, m_rec;
    tsc_rec_t *rec;
    int32_t n_blk, m_blk;            /* blocks, in pairs of hts_pos_t */
    hts_pos_t *blk;
    /* output of tsc_frag_process */
    int cls;                         /* enum tsc_frag_class (first-record rule) */
    int32_t n_unit, m_unit;
    tsc_unit_t *unit;                /* §4.3 order: mate completion, then leftovers */
    int32_t n_mapped;                /* units whose r1 is mapped */
    int32_t as_min, as_max;          /* over mapped units (n_mapped > 0) */
    int has_locus;                   /* some unit got a real locus: the fragment is a HITS record */
    int32_t n_map, m_map;
    tsc_map_t *map;                  /* mappings (§6.1), AS descending, stable */
    int32_t n_zb;                    /* ZB = features of map[0 .. n_zb-1] */
    int32_t err_rec;                 /* record of the last error */
    /* scratch, reused between fragments */
    int32_t n_tab, m_tab, *tab;      /* pairing hash table (n_tab slots in use, a power of 2) */
    int32_t n_ent, m_ent, *ent;      /* pairing cache, insertion order (-1 = popped) */
    int32_t m_mb; hts_pos_t *mb;     /* merged blocks */
    int64_t m_q, *q;                 /* interval query results */
    int32_t n_tally, m_tally;
    tsc_tally_t *tally;
    int32_t m_grp, *grp;             /* best unit per feature group */
} tsc_frag_t;

/** Zero-initialise F (or use `tsc_frag_t f = {0}`). */
void tsc_frag_init(tsc_frag_t *f);
/** Free F's buffers (not F). */
void tsc_frag_free(tsc_frag_t *f);
/** Forget the records and results; keep the buffers. */
void tsc_frag_clear(tsc_frag_t *f);

/** Append record B (number IDX in the input): flag, positions, AS, aligned blocks. The first
 * record sets the name. 0, or TSC_FRAG_E_NOMEM. */
int tsc_frag_add(tsc_frag_t *f, const bam1_t *b, int64_t idx) TSC_RESULT_USED;
/** Append a record already reduced (e.g. from another fragment); BLK holds its 2*n_b block
 * coordinates. 0 or TSC_FRAG_E_NOMEM. */
int tsc_frag_add_rec(tsc_frag_t *f, const tsc_rec_t *r, const hts_pos_t *blk) TSC_RESULT_USED;

/** Reorder the records as an aligner writes them, for input that is not name-collated: the
 * primary read-1 (or unpaired) record first, then the primary read-2 record, then the others in
 * their current order.  Records are modified IN PLACE. */
void tsc_frag_primary_first(tsc_frag_t *f);

/** Compute class, units, alnscore, alnlen, features, best unit per feature, mappings, ZB.
 * 0, or a TSC_FRAG_E_* code with err_rec set (nothing logged: the caller names the file). */
int tsc_frag_process(tsc_frag_t *f, const tsc_frag_ctx_t *ctx) TSC_RESULT_USED;

/** Feature of one unit from its merged blocks (exposed for tests). CHROM is the annotation
 * chromosome of r1's reference (-1: none), STRAND the fragment strand '+', '-' or 0 (any).
 * Returns the locus index or -1 (no feature); -2 on OOM. */
int32_t tsc_frag_assign(tsc_frag_t *f, const tsc_frag_ctx_t *ctx, int32_t chrom, const hts_pos_t *mb,
                        int32_t n_mb, int64_t alnlen, char strand);

/** The run counters of spec §4.4. */
typedef struct {
    int64_t total;             /* total_fragments */
    int64_t cls[TSC_FC_N];     /* per class as counted (see tsc_frag_count) */
    int64_t unique, ambig;
    int64_t with_locus;        /* fragments written as HITS records */
    int32_t as_min, as_max;    /* global extremes of alnscore over mapped units */
    int has_as;                /* as_min/as_max are set */
} tsc_frag_counts_t;

void tsc_frag_counts_init(tsc_frag_counts_t *c);
/** Count processed fragment F: total, class, unique/ambig, AS extremes (§4.4).  A fragment of
 * class SM, PM or PX with no mapped unit (Q17) is counted as unmapped (class PU). */
void tsc_frag_count(tsc_frag_counts_t *c, const tsc_frag_t *f);
/** Add B into A. */
void tsc_frag_counts_merge(tsc_frag_counts_t *a, const tsc_frag_counts_t *b);

/* The run-info values: pair_mapped, pair_mixed, single_mapped, unmapped (SU + PU) */
#define tsc_counts_unmapped(c) ((c)->cls[TSC_FC_SU] + (c)->cls[TSC_FC_PU])

#endif
