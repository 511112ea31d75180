/* tsc_tag.h -- the updated alignment file: Telescope's --updated_sam (spec §6.1, §9.4), with
 * its bugs fixed (Q8 choose draws, Q14 @PG, Q28 scratch files).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * tsc-tag reads the alignment file that tsc-fetch read, recomputes every fragment's units and
 * tags with the fragment library (tsc_fragment.h: the same code as tsc-fetch), and takes the final
 * z and the reassignment from the FIT stream.  Per mapped unit of a fragment with a locus:
 *   ZF:Z feature, ZT:Z PRI|SEC (best unit of its feature or not), ZB:Z best features by AS;
 *   SEC: flag 0x100 set, MAPQ 0, YC:Z:248,248,248;
 *   PRI: p = z[row, column of ZF]; MAPQ = round(-10 log10(1-p)) (255 if p >= 1);
 *        XP:i round(100 p); R[row, column] > 0: 0x100 cleared, YC:Z:217,95,2; else 0x100 set and
 *        YC:Z:230,171,2 (p >= 0.2) or YC:Z:209,236,228.
 * Both segments of a unit get the same values.  Every other record (unmapped units, fragments
 * without a locus, records no unit holds) is written unchanged, in input order.
 *
 * Single cell (o->sc, Stellarscope's --updated_sam, stellarscope-spec §11.6): z and R come from
 * tsc-sccount --posteriors (a MATRIX stream with ZFIN, RFIN: any pooling); XP is XP:f (float32
 * of p); only the fragments that are rows go to the output (with their unmapped units); every
 * other fragment (unmapped, no locus, skipped by the barcode/UMI filters) goes whole to the
 * `other` file, or nowhere. A row without cells (a UMI duplicate that tsc-dedup excluded) has
 * p = 0 and R = 0 on every unit (it is matched by name). */
#ifndef TSC_TAG_H
#define TSC_TAG_H

#include <stdint.h>
#include <htslib/sam.h>
#include <htslib/kstring.h>
#include "tsc_annot.h"
#include "tsc_fragment.h"
#include "tsc_matrix.h"

/* YC colours (spec §9.4) */
enum tsc_tag_color {
    TSC_YC_NONE = 0,
    TSC_YC_SEC,       /* 248,248,248: ZT:SEC */
    TSC_YC_PRIMARY,   /* 217,95,2 (vermilion): the reassignment keeps this alignment */
    TSC_YC_HIGH,      /* 230,171,2 (yellow): not kept, p >= 0.2 */
    TSC_YC_LOW,       /* 209,236,228 (pale green): not kept, p < 0.2 */
    TSC_YC_N
};
/** "r,g,b" of COLOR, or NULL for TSC_YC_NONE. */
const char *tsc_tag_color_str(int color);

/** Final values of one unit (both segments). */
typedef struct {
    uint8_t secondary;  /* 1: set flag 0x100; 0: clear it */
    uint8_t mapq;       /* MAPQ */
    int16_t xp;         /* XP:i value, -1 = not written (SEC); single cell: 0 = XP:f written */
    float xpf;          /* single cell: the XP:f value (p as float32) */
    uint8_t yc;         /* enum tsc_tag_color */
} tsc_tag_fin_t;

/** Telescope's MAPQ of probability P: round(-10 log10(1-P)) (half to even), 255 if P >= 1. */
int tsc_tag_mapq(double p);
/** XP of P: round(100 P) (half to even). */
int tsc_tag_xp(double p);
/** Final values (out) of a unit: PRI = ZT is PRI, P = final z at its cell, R = the
 * reassignment at its cell (P and R are not read for SEC). */
void tsc_tag_final(int pri, double p, double r, tsc_tag_fin_t *out);

/* ---- options ---- */
typedef struct {
    int mode;               /* reassignment, enum tsc_ra_mode [TSC_RA_EXCLUDE] */
    double conf_prob;       /* threshold of conf mode [0.9] */
    int upstream_draws;     /* choose: upstream's fresh draws for the BAM (Q8 kept) [0] */
    tsc_frag_opt_t frag;    /* overlap threshold, stranded mode: as tsc-fetch ran [0.2, None] */
    int frag_set;           /* bit 1: overlap threshold given, bit 2: stranded mode given */
    int n_threads;          /* total threads [1] */
    int order;              /* input order: 0 auto (from @HD SO), 1 name-grouped, 2 coordinate */
    const char *out_format; /* "sam", "bam", "cram" ...; NULL = from the output name, else BAM */
    const char *reference;  /* FASTA for CRAM input/output, or NULL */
    int add_pg;             /* add the @PG line [1] */
    int sc;                 /* single cell: Stellarscope's updated BAM (see above) [0] */
    const char *other;      /* single cell: file for the fragments that are not rows, or NULL */
} tsc_tag_opt_t;

void tsc_tag_opt_init(tsc_tag_opt_t *o);
/** Check O; log every problem. 0 or -1. */
int tsc_tag_opt_check(const tsc_tag_opt_t *o) TSC_RESULT_USED;

/* ---- the FIT, as the tagger uses it ---- */
typedef struct {
    tsc_mtx_t *m;           /* the FIT (owned) */
    double *r;              /* reassignment R on the final z, nnz (aligned with m->indices) */
    int32_t n_loc;
    int32_t *loc2col;       /* annotation locus -> FIT column, -1 = not a column */
    int has_min_as;
    int64_t min_as;         /* run info _min_as: raw = AS - min_as + 1 + alnlen */
    int64_t total_fragments;/* run info total_fragments, -1 if absent */
    int sc;                 /* single cell: z, R from the stream's ZFIN, RFIN; XP:f */
} tsc_tag_fit_t;

/** Index the FIT M against the loci A: the loci must be those of M's stream (ALOC/ALEN: names
 * and lengths), every column must be a locus or the no-feature key. Computes R for O's mode
 * (the run's draw sequence replayed: choose agrees with TE_counts; with o->upstream_draws, the
 * fresh draws upstream makes). M is taken (FREED with the result, or on failure). SRC names the
 * FIT in messages. NULL on error (logged). */
tsc_tag_fit_t *tsc_tag_fit_init(tsc_mtx_t *m, const tsc_annot_t *a, const tsc_tag_opt_t *o,
                                const char *src);
void tsc_tag_fit_destroy(tsc_tag_fit_t *t); /* NULL is a no-op */
/** Index into the nnz arrays of cell (ROW, COL), or -1 if not stored. */
int64_t tsc_tag_fit_cell(const tsc_tag_fit_t *t, int64_t row, int32_t col);
/** Column of a unit feature (-1 = no feature -> 0; locus -> loc2col), or -1. */
int32_t tsc_tag_fit_col(const tsc_tag_fit_t *t, int32_t feat);

/* ---- edits: what happens to one record ---- */
typedef struct {
    int64_t rec;        /* record number in the input (0-based) */
    int32_t col;        /* ZF: FIT column */
    int32_t zb;         /* ZB: offset of the fragment's ZB string in tsc_tag_edits_t.zb */
    uint8_t pri;        /* ZT: 1 PRI, 0 SEC */
    tsc_tag_fin_t fin;
} tsc_tag_edit_t;

typedef struct {
    int64_t n, m;
    tsc_tag_edit_t *a;
    kstring_t zb;       /* NUL-separated ZB strings */
} tsc_tag_edits_t;

void tsc_tag_edits_clear(tsc_tag_edits_t *e);  /* forget edits, keep buffers */
void tsc_tag_edits_free(tsc_tag_edits_t *e);   /* frees buffers, not E */

/* Return codes of tsc_tag_frag_edits */
#define TSC_TAG_E_NOMEM (-1)
#define TSC_TAG_E_MISMATCH (-2) /* the fragment does not agree with the FIT row (logged) */

/** Append to E the edits of fragment F (processed by tsc_frag_process; f->has_locus set), which
 * is FIT row ROW: one per segment of every mapped unit. Checks first that F agrees with the row:
 * the same features, the same raw scores, and the same name when the FIT has names. SRC names the
 * alignment file in messages. 0 or a TSC_TAG_E_* code (logged). */
int tsc_tag_frag_edits(const tsc_tag_fit_t *t, int64_t row, const tsc_frag_t *f, tsc_tag_edits_t *e,
                       const char *src) TSC_RESULT_USED;
/** Apply edit ED to record B (IN PLACE): flag 0x100 and MAPQ, then ZF, ZT, ZB, XP, YC (each
 * replaced if present, and appended in this order, as pysam's set_tag does). 0, or -1 on OOM
 * or a malformed aux block. */
int tsc_tag_apply(const tsc_tag_fit_t *t, const tsc_tag_edits_t *e, const tsc_tag_edit_t *ed,
                  bam1_t *b) TSC_RESULT_USED;

/* ---- the whole job ---- */
typedef struct {
    int64_t records;        /* records written */
    int64_t fragments;      /* fragments (read names) */
    int64_t tagged_frags;   /* fragments with a locus (FIT rows) */
    int64_t tagged_recs;    /* records given tags */
    int64_t primary, secondary_pri, sec; /* units: PRI kept, PRI not kept, SEC */
    int64_t other;          /* single cell: records written to the other file */
    int order;              /* input order used: 1 name-grouped, 2 coordinate */
} tsc_tag_stats_t;

/** Tag alignment file IN ("-" = stdin; name-grouped, or coordinate-sorted from a file) with the
 * FIT T and the loci A, writing OUT_PATH ("-" = stdout) in format O->out_format. FORMAT_NAME is
 * the name the output format is guessed from (the final name when OUT_PATH is temporary).
 * CMDLINE (or NULL) goes into the added @PG line. STATS (out, or NULL). 0 or -1 (logged; OUT_PATH
 * is then incomplete and the caller removes it). */
int tsc_tag_run(const tsc_tag_fit_t *t, const tsc_annot_t *a, const char *in, const char *out_path,
                const char *format_name, const tsc_tag_opt_t *o, const char *cmdline,
                tsc_tag_stats_t *stats) TSC_RESULT_USED;

#endif
