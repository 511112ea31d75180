/* tsc_sim_sc.h -- tsc-simulate's single-cell mode: 10x 3'-like single-end reads with cell barcodes
 * and UMIs, PCR duplicates, ambient barcodes and cell types with their own TE profiles, aligned as
 * STARsolo writes them (NH/HI/AS/nM, CR/UR/CB/UB), over the genome model of tsc_sim.h; with a
 * whitelist, a celltype table and a per-cell truth table.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Everything is a pure function of the options and the seeds: molecule i and read j of it are
 * drawn from their own random streams, so batches can be made in any order or in parallel. */
#ifndef TSC_SIM_SC_H
#define TSC_SIM_SC_H

#include <stdint.h>
#include <stdio.h>
#include "tsc_sim.h"

#define TSC_SIM_SC_MAXDUP 63 /* most reads per molecule */
#define TSC_SIM_SC_BCLEN 16  /* cell barcode length (10x v3) */

/** Single-cell parameters; tsc_sim_sc_opt_init() sets the defaults shown in tsc-simulate --help. */
typedef struct {
    int n_cells;         /* real cells: the whitelist */
    int n_ambient;       /* ambient barcodes (empty droplets): valid CB, not in the whitelist */
    double frac_ambient; /* share of molecules from ambient barcodes */
    int n_types;         /* cell types, each with its own TE profile */
    double dup_mean;     /* mean reads per molecule (PCR duplicates), >= 1 */
    double frac_nocb;    /* share of reads whose barcode matches no barcode: CB:Z:- UB:Z:- */
    double frac_bcerr;   /* share of reads with one error in CR (or UR) that CB (UB) corrects */
    int umi_len;         /* UMI length, 4-16 */
    int cb_suffix;       /* 1: CB as Cell Ranger writes it, with a "-1" suffix */
    int origin_tag;      /* 1: YL:Z:<true locus or *> on every record (for tests) */
} tsc_sim_sc_opt_t;

void tsc_sim_sc_opt_init(tsc_sim_sc_opt_t *o);
/** Check every field against the bulk options O too; logs each problem. 0 if valid, else -1. */
int tsc_sim_sc_opt_check(const tsc_sim_sc_opt_t *so, const tsc_sim_opt_t *o);

typedef struct tsc_sim_sc_s tsc_sim_sc_t;

/** The cells (barcodes, types, library sizes) and the TE profile of each type, over the genome
 * model S (not owned; must outlive the result). NULL on error. */
tsc_sim_sc_t *tsc_sim_sc_init(const tsc_sim_t *s, const tsc_sim_sc_opt_t *so);
void tsc_sim_sc_destroy(tsc_sim_sc_t *sc);

/** Totals of a run, in read order. */
typedef struct {
    int64_t molecules, reads, records, secondary;
    int64_t unmapped, multi;   /* reads without an alignment; with more than one */
    int64_t te, ambient, nocb; /* reads from TE copies; from ambient barcodes; with CB:Z:- */
} tsc_sim_sc_stats_t;

/** Generate -n reads into the BAM FN (name-collated, or coordinate-sorted with FN.bai as WO says)
 * and fill ST. Then the truth is known (tsc_sim_sc_write_truth). Returns 0 or -1. */
int tsc_sim_sc_write_bam(tsc_sim_sc_t *sc, const char *fn, const tsc_sim_wopt_t *wo,
                         tsc_sim_sc_stats_t *st) TSC_RESULT_USED;

/** The whitelist: the real cells' barcodes (as in CB), one a line, sorted, no header. */
int tsc_sim_sc_write_whitelist(const tsc_sim_sc_t *sc, FILE *fp) TSC_RESULT_USED;
/** The celltype table: header "barcode\tcelltype", then every real cell, whitelist order. */
int tsc_sim_sc_write_celltypes(const tsc_sim_sc_t *sc, FILE *fp) TSC_RESULT_USED;
/** After tsc_sim_sc_write_bam: the per-cell truth (header "barcode\tlocus\ttrue_umis\ttrue_reads";
 * every barcode with reads from a locus, real cells in whitelist order, then ambient barcodes;
 * loci in GTF order) to CELLS, and the per-locus UMIs of the real cells (the bulk truth table's
 * layout: "locus\ttrue_count", every locus) to LOCI. Sorts the truth IN PLACE: call it once,
 * after the BAM. */
int tsc_sim_sc_write_truth(tsc_sim_sc_t *sc, FILE *cells, FILE *loci) TSC_RESULT_USED;

#endif
