/* tsc_fetch.h -- reading an alignment file into fragments and HITS records (tsc-fetch).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Input orders (man/tsc-fetch.1 says exactly what is checked):
 *  - name-collated (aligner order, SO:queryname, SO:unsorted or none): one streaming pass,
 *    bundles of consecutive records with one name, memory flat in the size of the file;
 *  - coordinate-sorted (SO:coordinate): a pass that finds the names touching a locus (over the
 *    loci regions with an index, else over the whole file), then a full pass that keeps those
 *    fragments' records and counts every other fragment on the fly;
 *  - --prefilter: only the loci regions of an indexed coordinate-sorted file (approximate). */
#ifndef TSC_FETCH_H
#define TSC_FETCH_H

#include <stdint.h>
#include <htslib/sam.h>
#include "tsc_fragment.h"
#include "tsc_stream.h"
#include "tsc_hits.h"
#include "tsc_sc.h"

enum tsc_order { TSC_ORDER_AUTO = 0, TSC_ORDER_NAME = 1, TSC_ORDER_COORD = 2 };

typedef struct {
    tsc_frag_opt_t frag;   /* overlap threshold, stranded mode */
    int n_threads;         /* total threads [1]; >1: a BGZF decoding pool of n_threads-1 */
    int keep_names;        /* keep fragment names in the records [0] */
    int prefilter;         /* read only the loci regions (indexed, coordinate-sorted) [0] */
    int has_min_as;        /* --min-as given */
    int32_t min_as;        /* with prefilter: the global minimum alnscore */
    int order;             /* enum tsc_order [TSC_ORDER_AUTO: from the @HD SO tag] */
    const char *reference; /* CRAM reference FASTA, or NULL */
    const tsc_sc_opt_t *sc; /* single cell: barcode/UMI filters and fields, or NULL (bulk) */
} tsc_fetch_opt_t;

void tsc_fetch_opt_init(tsc_fetch_opt_t *o);
/** Check O; log every problem. 0 if valid, else -1. */
int tsc_fetch_opt_check(const tsc_fetch_opt_t *o);

typedef struct tsc_fetch_t tsc_fetch_t;

/** Open alignment file PATH ("-" = stdin) against the loci A (indexed by the caller with
 * tsc_annot_index): header, index (if any), thread pool, input order, reference-name check.
 * NULL on error (logged). A stays owned by the caller and must outlive the result. */
tsc_fetch_t *tsc_fetch_open(const char *path, const tsc_annot_t *a, const tsc_fetch_opt_t *o);
/** Fill H (a fresh HITS header) with every locus (annotation order, lengths) and the run info
 * known before reading: version, [nmap_idx, nunmap_idx], annotated_features, and the internal
 * _overlap_threshold and _stranded_mode (read back by tsc-tag); in single-cell mode the record
 * fields "CB,UB" (_hit_fields) and _barcode_tag, _umi_tag, _ignore_umi. 0 or -1. */
int tsc_fetch_header(const tsc_fetch_t *f, tsc_hdr_t *h) TSC_RESULT_USED;
/** Read everything and write the HITS records to HW. 0, or -1 on error (logged; the caller
 * should abandon the stream with tsc_ws_abort). */
int tsc_fetch_run(tsc_fetch_t *f, tsc_hitw_t *hw) TSC_RESULT_USED;
/** Set the counters of the run in H's run info: total_fragments, pair_mapped, pair_mixed,
 * single_mapped, unmapped, unique, ambig, _min_as, _max_as (when something mapped), and the
 * _prefilter* keys with --prefilter. 0 or -1. */
int tsc_fetch_runinfo(const tsc_fetch_t *f, tsc_hdr_t *h) TSC_RESULT_USED;
void tsc_fetch_close(tsc_fetch_t *f); /* NULL is a no-op */

/* ---- bundles of a name-collated file (reusable, e.g. by tsc-tag) ---- */
typedef struct tsc_bundler_t tsc_bundler_t;

/** Bundle reader on an open FP with header H (both stay owned by the caller). NULL on OOM. */
tsc_bundler_t *tsc_bundler_init(samFile *fp, sam_hdr_t *h);
/** Next bundle: the consecutive records with one QNAME. *B is set to an array of *N records
 * owned by BR (valid until the next call), *IDX to the 0-based number of its first record.
 * Returns 1, 0 at the end, -1 on a read error (logged with the record number; NAME names the
 * file in the message). */
int tsc_bundler_next(tsc_bundler_t *br, const char *name, bam1_t ***b, int *n, int64_t *idx) TSC_RESULT_USED;
/** Records read so far. */
int64_t tsc_bundler_nrec(const tsc_bundler_t *br);
void tsc_bundler_destroy(tsc_bundler_t *br);

/** 64-bit hash of a read name (MurmurHash64A with SEED). */
uint64_t tsc_name_hash(const char *s, size_t len, uint64_t seed);
/** tsc_name_hash(S, LEN, SEED1) in *H1 and tsc_name_hash(S, LEN, SEED2) in *H2, in one pass. */
void tsc_name_hash2(const char *s, size_t len, uint64_t seed1, uint64_t seed2, uint64_t *h1, uint64_t *h2);

#endif
