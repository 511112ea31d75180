/* tsc_sim.h -- a simulated TE RNA-seq data set with a known truth (tsc-simulate): a genome model
 * with genes and families of TE copies, a Telescope-style GTF of the annotated copies (loci), BAM
 * records shaped like `bowtie2 -k` paired-end output, and the true fragment count of every locus.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Everything is a pure function of the options and the seed. The model is drawn from one random
 * stream; fragment i is drawn from its own stream (xoshiro256** seeded through splitmix64 from the
 * seed and i), so fragments can be made in any order or in parallel with the same result.
 * Coordinates are 0-based half-open inside; the GTF is 1-based closed. */
#ifndef TSC_SIM_H
#define TSC_SIM_H

#include <stdint.h>
#include <stdio.h>
#include <htslib/kstring.h>
#include <htslib/sam.h>
#include "tsc_util.h"

#define TSC_SIM_MAX_RL 300 /* longest read length */
/* Version of the data model: bumped whenever the same options and seed would give other data,
 * bulk or single-cell (tsc-simulate --version prints it; make bench keys its cached data on it). */
#define TSC_SIM_MODEL 1

enum tsc_sim_library { TSC_SIM_UNSTRANDED = 0, TSC_SIM_FR = 1, TSC_SIM_RF = 2 };
/* SEQ and QUAL on every record (bowtie2), on primary records only (BWA, minimap2), or none ('*') */
enum tsc_sim_seq { TSC_SIM_SEQ_ALL = 0, TSC_SIM_SEQ_PRIMARY = 1, TSC_SIM_SEQ_NONE = 2 };

/** Simulation parameters; tsc_sim_opt_init() sets the defaults shown in tsc-simulate --help. */
typedef struct {
    uint64_t seed;
    uint64_t model_seed;   /* seed of the genome model (loci, copies, expression); UINT64_MAX = seed */
    int64_t n_frag;        /* fragments (read pairs) */
    int n_loci;            /* annotated TE copies = loci in the GTF */
    int n_genes;           /* genes (not in the GTF): the source of non-TE fragments */
    int n_chrom;           /* chromosomes chr1..chrN */
    int read_len;          /* bases per mate */
    double frac_te;        /* share of fragments from TE copies (annotated or not) */
    double frac_unannot;   /* share of the TE fragments that come from unannotated copies */
    double frac_expressed; /* share of copies that are expressed */
    double frac_unmapped;  /* share of fragments that are unmapped pairs */
    double frac_single;    /* share of mapped fragments with one mate unmapped */
    double frac_discord;   /* share of gene fragments that are discordant pairs */
    double frac_paralog;   /* share of gene fragments that also align to 1-3 other genes */
    double frac_indel;     /* share of gene mates with a 1-3 bp insertion or deletion */
    double ins_mean, ins_sd; /* fragment length: mean and sd (bases) */
    int max_hits;          /* bowtie2 -k: most alignments reported per fragment */
    int end_to_end;        /* 1: bowtie2 --end-to-end scores (AS <= 0, no soft clips) */
    int nh_tag;            /* 1: add NH:i (number of reported alignments) */
    int library;           /* enum tsc_sim_library */
    int seq_mode;          /* enum tsc_sim_seq: which records carry SEQ and QUAL */
} tsc_sim_opt_t;

void tsc_sim_opt_init(tsc_sim_opt_t *o);
/** Check every field; logs each problem. Returns 0 if all are valid, else -1. */
int tsc_sim_opt_check(const tsc_sim_opt_t *o);

typedef struct tsc_sim_s tsc_sim_t;

/** Build the genome model (chromosomes, genes, TE copies, loci, expression). NULL on error. */
tsc_sim_t *tsc_sim_init(const tsc_sim_opt_t *o);
void tsc_sim_destroy(tsc_sim_t *s);
const tsc_sim_opt_t *tsc_sim_opt(const tsc_sim_t *s);
int tsc_sim_n_loci(const tsc_sim_t *s);

/** A SAM header: @HD (SO:unsorted GO:query, or SO:coordinate when SORTED), @SQ, @PG with CL
 * (may be NULL), @CO "simulated WHAT". Caller frees with sam_hdr_destroy(). */
sam_hdr_t *tsc_sim_header(const tsc_sim_t *s, int sorted, const char *cl, const char *what);

/** Write the GTF of the loci (one `gene` row and its `exon` rows per locus, genomic order). */
int tsc_sim_write_gtf(const tsc_sim_t *s, FILE *fp) TSC_RESULT_USED;

/* origin and shape of a fragment */
enum tsc_sim_origin { TSC_SIM_O_NONE = 0, TSC_SIM_O_GENE = 1, TSC_SIM_O_LOCUS = 2, TSC_SIM_O_UNANNOT = 3 };
enum tsc_sim_shape { TSC_SIM_S_UNMAPPED = 0, TSC_SIM_S_PAIR = 1, TSC_SIM_S_SINGLE = 2, TSC_SIM_S_DISCORD = 3 };

/** What one fragment turned out to be. */
typedef struct {
    int origin, shape;
    int locus;       /* true locus (index in GTF order), -1 if none */
    int n_aln;       /* alignments reported (pairs, or mapped-mate records for singletons) */
    int n_rec;       /* BAM records written */
    int n_sec;       /* of which secondary */
    int spliced;     /* mates with an N operation in the primary alignment */
} tsc_sim_frag_t;

/** Per-thread scratch space for tsc_sim_fragment(). */
typedef struct tsc_sim_work_s tsc_sim_work_t;
tsc_sim_work_t *tsc_sim_work_init(const tsc_sim_t *s);
void tsc_sim_work_destroy(tsc_sim_work_t *w);

/** Generate fragment I: append its BAM records to KS, each as in a BAM file (int32 block_size,
 * then the record), name-collated. Thread-safe for distinct W. Returns 0, or -1 (out of memory). */
int tsc_sim_fragment(const tsc_sim_t *s, tsc_sim_work_t *w, int64_t i, kstring_t *ks,
                     tsc_sim_frag_t *fi) TSC_RESULT_USED;

/** Totals over fragments, in fragment order. */
typedef struct {
    int64_t frags, records, secondary, multi, spliced;
    int64_t te_multi, te_aln; /* TE fragments with more than one alignment; their alignments */
    int64_t origin[4];  /* enum tsc_sim_origin */
    int64_t shape[4];   /* enum tsc_sim_shape */
    int64_t *truth;     /* per locus (n_loci) */
    int n_loci;
} tsc_sim_stats_t;

int tsc_sim_stats_init(tsc_sim_stats_t *st, const tsc_sim_t *s) TSC_RESULT_USED;
void tsc_sim_stats_add(tsc_sim_stats_t *st, const tsc_sim_frag_t *fi);
void tsc_sim_stats_free(tsc_sim_stats_t *st);

/** Write the truth table: header "locus\ttrue_count", then every locus in GTF order. */
int tsc_sim_write_truth(const tsc_sim_t *s, const tsc_sim_stats_t *st, FILE *fp) TSC_RESULT_USED;

/** Copy one raw record (as produced by tsc_sim_fragment, without its block_size) of LEN bytes
 * into B. Returns 0 or -1. */
int tsc_sim_raw2bam(const uint8_t *raw, uint32_t len, bam1_t *b) TSC_RESULT_USED;

/** How the BAM is written. */
typedef struct {
    int sorted;        /* coordinate-sort and index (.bai) */
    int level;         /* BGZF compression level, -1 = htslib's default */
    int threads;       /* total threads (>1: a thread pool for BGZF and generation) */
    size_t sort_mem;   /* bytes of records held in memory before a sorted chunk is spilled */
    const char *cl;    /* command line for @PG (NULL: none) */
} tsc_sim_wopt_t;

/** A source of records for tsc_sim_write_bam_gen(): batches 0, 1, ... are generated on any
 * thread (GEN, with per-thread scratch from WORK_NEW) and then taken in batch order on one thread
 * (TAKE: it may rewrite KS, updates the caller's totals, returns 1 after the last batch). */
typedef struct {
    void *ctx;
    int64_t n_batch;    /* batches at most */
    void *(*work_new)(void *ctx); /* NULL: out of memory */
    void (*work_free)(void *w);
    int (*gen)(void *ctx, void *w, int64_t batch, kstring_t *ks); /* appends records; 0 or -1 */
    int (*take)(void *ctx, void *w, int64_t batch, kstring_t *ks); /* 0, 1 (last batch) or -1 */
} tsc_sim_producer_t;

/** Write the records of P into the BAM FN with header HDR (and FN.bai when sorted). */
int tsc_sim_write_bam_gen(const tsc_sim_producer_t *p, const sam_hdr_t *hdr, const char *fn,
                          const tsc_sim_wopt_t *wo) TSC_RESULT_USED;

/** Generate all fragments into the BAM FN (and FN.bai when sorted), accumulating ST (initialised
 * by the caller). Sorting spills chunks to FN.tmp.NNNN.bam, removed afterwards. Returns 0 or -1. */
int tsc_sim_write_bam(const tsc_sim_t *s, const char *fn, const tsc_sim_wopt_t *wo,
                      tsc_sim_stats_t *st) TSC_RESULT_USED;

#endif
