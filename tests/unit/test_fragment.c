/* test_fragment.c -- unit tests of lib/tsc_fragment: classes, pairing (§4.3, Q6), blocks and their
 * merge, alnlen, alnscore, overlap with Q1, the tie rule (Q2), stranded modes (Q12/Q13), best unit
 * per feature, mapping order, ZB, counters (Q7, Q17) and the error codes.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tsc_test.h"
#include "tsc_fragment.h"
#include "tsc_fetch.h"

static sam_hdr_t *hdr;
static tsc_annot_t *annot;

/* chrA 10000, chrB 10000; loci (BED, 0-based):
 *  L1 chrA 1000-2000 +   L2 chrA 3000-4000 -   OUT chrA 5000-6000 + (nested: IN chrA 5200-5400 -)
 *  P chrB 100-200 +, Q chrB 300-400 +  (two loci the two mates of one pair fall in) */
static const char *loci_bed =
    "chrA\t1000\t2000\tL1\t0\t+\n"
    "chrA\t3000\t4000\tL2\t0\t-\n"
    "chrA\t5000\t6000\tOUT\t0\t+\n"
    "chrA\t5200\t5400\tIN\t0\t-\n"
    "chrB\t100\t200\tP\t0\t+\n"
    "chrB\t300\t400\tQ\t0\t+\n";
enum { L1, L2, OUT, IN, P, Q };

static bam1_t *rec(const char *line)
{
    bam1_t *b = bam_init1();
    kstring_t s = { 0, 0, NULL };
    kputs(line, &s);
    for (size_t i = 0; i < s.l; i++) if (s.s[i] == ' ') s.s[i] = '\t';
    if (sam_parse1(&s, hdr, b) < 0) { fprintf(stderr, "bad test record: %s\n", line); exit(2); }
    free(s.s);
    return b;
}

/* Fill F from records given as SAM lines (spaces for tabs); process with CTX. Returns the code. */
static int frag(tsc_frag_t *f, const tsc_frag_ctx_t *ctx, const char *const *lines)
{
    tsc_frag_clear(f);
    for (int i = 0; lines[i]; i++) {
        bam1_t *b = rec(lines[i]);
        CHECK_INT(tsc_frag_add(f, b, i), 0);
        bam_destroy1(b);
    }
    return tsc_frag_process(f, ctx);
}

static tsc_frag_ctx_t *ctx_with(double thr, int strand)
{
    tsc_frag_opt_t o;
    tsc_frag_opt_init(&o);
    o.overlap_threshold = thr;
    o.strand_mode = strand;
    return tsc_frag_ctx_init(annot, hdr, &o);
}

static void test_blocks(const tsc_frag_ctx_t *ctx)
{
    tsc_frag_t f;
    tsc_frag_init(&f);
    /* 1-bp deletion merged, 3-bp deletion not (synthetic d1): 41 + 10 */
    const char *d1[] = { "d1 0 chrA 1701 1 20M1D20M3D10M * 0 0 * * AS:i:80", NULL };
    CHECK_INT(frag(&f, ctx, d1), 0);
    CHECK_INT(f.n_rec, 1);
    CHECK_INT(f.rec[0].n_b, 3);
    CHECK_INT(f.blk[0], 1700); CHECK_INT(f.blk[1], 1720);
    CHECK_INT(f.blk[2], 1721); CHECK_INT(f.blk[5], 1754);
    CHECK_INT(f.cls, TSC_FC_SM);
    CHECK_INT(f.unit[0].alnlen, 51);
    CHECK_INT(f.unit[0].as, 80);
    CHECK_INT(f.unit[0].feat, L1);
    /* intron (N) and soft clip; I adds nothing; = and X make blocks */
    const char *sp[] = { "sp 0 chrA 1001 1 5S10M2I10M100N5=5X * 0 0 * * AS:i:5", NULL };
    CHECK_INT(frag(&f, ctx, sp), 0);
    CHECK_INT(f.rec[0].n_b, 4);
    CHECK_INT(f.unit[0].alnlen, 30); /* [1000,1020) then [1120,1130) */
    /* overlapping mates count their shared bases once; a 1-bp gap between mates is joined */
    const char *ov[] = { "ov 99 chrA 1801 1 50M = 1821 70 * * AS:i:100",
                         "ov 147 chrA 1821 1 50M = 1801 -70 * * AS:i:100", NULL };
    CHECK_INT(frag(&f, ctx, ov), 0);
    CHECK_INT(f.n_unit, 1);
    CHECK_INT(f.unit[0].alnlen, 70);
    CHECK_INT(f.unit[0].as, 200);
    const char *gap1[] = { "g 99 chrA 1101 1 50M = 1152 101 * * AS:i:1",
                           "g 147 chrA 1152 1 50M = 1101 -101 * * AS:i:2", NULL };
    CHECK_INT(frag(&f, ctx, gap1), 0);
    CHECK_INT(f.unit[0].alnlen, 101); /* [1100,1150) + [1151,1201): gap of 1 joined, length 101 */
    /* errors: zero-length M; a mapped record without AS (Q16); a mapped unit without blocks */
    const char *z[] = { "z 0 chrA 1001 1 0M10M * 0 0 * * AS:i:1", NULL };
    CHECK_INT(frag(&f, ctx, z), TSC_FRAG_E_CIGAR);
    const char *na[] = { "na 0 chrA 1001 1 10M * 0 0 * * NM:i:1", NULL };
    CHECK_INT(frag(&f, ctx, na), TSC_FRAG_E_NOAS);
    CHECK_INT(f.err_rec, 0);
    const char *naz[] = { "na 0 chrA 1001 1 10M * 0 0 * * AS:Z:x", NULL };
    CHECK_INT(frag(&f, ctx, naz), TSC_FRAG_E_NOAS);
    const char *na2[] = { "na 99 chrA 1001 1 10M = 1101 110 * * AS:i:1",
                          "na 147 chrA 1101 1 10M = 1001 -110 * *", NULL };
    CHECK_INT(frag(&f, ctx, na2), TSC_FRAG_E_NOAS);
    CHECK_INT(f.err_rec, 1);
    /* unmapped records are never asked for AS */
    const char *su[] = { "u 4 * 0 0 * * 0 0 * *", NULL };
    CHECK_INT(frag(&f, ctx, su), 0);
    CHECK_INT(f.cls, TSC_FC_SU);
    tsc_frag_free(&f);
}

static void test_classes(const tsc_frag_ctx_t *ctx)
{
    tsc_frag_t f;
    tsc_frag_counts_t c;
    tsc_frag_init(&f);
    tsc_frag_counts_init(&c);
    const char *pu[] = { "p 77 * 0 0 * * 0 0 * *", "p 141 * 0 0 * * 0 0 * *", NULL };
    CHECK_INT(frag(&f, ctx, pu), 0);
    CHECK_INT(f.cls, TSC_FC_PU);
    CHECK_INT(f.n_unit, 1);
    tsc_frag_count(&c, &f);
    /* mixed pair: r1 mapped, r2 unmapped -> PX, one mapped unit: unique */
    const char *x1[] = { "x1 73 chrB 1101 1 50M = 1101 0 * * AS:i:100",
                         "x1 133 chrB 1101 0 * = 1101 0 * *", NULL };
    CHECK_INT(frag(&f, ctx, x1), 0);
    CHECK_INT(f.cls, TSC_FC_PX);
    CHECK_INT(f.n_unit, 2);
    CHECK_INT(f.n_mapped, 1);
    tsc_frag_count(&c, &f);
    /* discordant pair, each mate unique: two units, "ambiguous" (Q7) */
    const char *x2[] = { "x2 65 chrA 1901 1 50M chrB 1201 0 * * AS:i:100",
                         "x2 129 chrB 1201 1 50M chrA 1901 0 * * AS:i:100", NULL };
    CHECK_INT(frag(&f, ctx, x2), 0);
    CHECK_INT(f.cls, TSC_FC_PX);
    CHECK_INT(f.n_mapped, 2);
    tsc_frag_count(&c, &f);
    /* first record not proper, a later pair proper: all single units (Q4, synthetic x3) */
    const char *x3[] = { "x3 65 chrA 7201 1 50M chrB 6101 0 * * AS:i:100",
                         "x3 129 chrB 6101 1 50M chrA 7201 0 * * AS:i:100",
                         "x3 355 chrA 1301 1 50M = 1451 200 * * AS:i:100",
                         "x3 403 chrA 1451 1 50M = 1301 -200 * * AS:i:100", NULL };
    CHECK_INT(frag(&f, ctx, x3), 0);
    CHECK_INT(f.cls, TSC_FC_PX);
    CHECK_INT(f.n_unit, 4);
    CHECK_INT(f.unit[2].as, 100);
    tsc_frag_count(&c, &f);
    /* lone unmapped paired record (Q17): counted as unmapped, no crash */
    const char *lone[] = { "l 69 * 0 0 * * 0 0 * *", NULL };
    CHECK_INT(frag(&f, ctx, lone), 0);
    CHECK_INT(f.cls, TSC_FC_PX);
    CHECK_INT(f.n_mapped, 0);
    tsc_frag_count(&c, &f);
    CHECK_INT(c.total, 5);
    CHECK_INT(tsc_counts_unmapped(&c), 2);
    CHECK_INT(c.cls[TSC_FC_PX], 3);
    CHECK_INT(c.unique, 1);
    CHECK_INT(c.ambig, 2);
    CHECK_INT(c.as_min, 100);
    CHECK_INT(c.as_max, 100);
    /* supplementary record of a proper pair: an extra single unit (Q5) */
    const char *x4[] = { "x4 99 chrA 1551 1 50M = 1700 199 * * AS:i:100",
                         "x4 147 chrA 1700 1 50M = 1551 -199 * * AS:i:100",
                         "x4 2145 chrB 5301 1 30M chrA 1700 0 * * AS:i:60", NULL };
    CHECK_INT(frag(&f, ctx, x4), 0);
    CHECK_INT(f.cls, TSC_FC_PM);
    CHECK_INT(f.n_unit, 2);
    CHECK_INT(f.unit[0].r2, 1);
    CHECK_INT(f.unit[1].r1, 2);
    CHECK_INT(f.unit[1].r2, -1);
    tsc_frag_free(&f);
}

static void test_pairing(const tsc_frag_ctx_t *ctx)
{
    tsc_frag_t f;
    tsc_frag_init(&f);
    /* read 2 first; units in order of mate completion, then leftovers in insertion order */
    const char *a[] = { "a 163 chrA 1201 1 50M = 1101 -150 * * AS:i:1",
                        "a 355 chrA 7001 1 50M = 7301 350 * * AS:i:2",  /* mate never comes */
                        "a 83 chrA 1101 1 50M = 1201 150 * * AS:i:3",
                        "a 403 chrA 7601 1 50M = 7101 -550 * * AS:i:4", /* nor this one's */
                        NULL };
    CHECK_INT(frag(&f, ctx, a), 0);
    CHECK_INT(f.n_unit, 3);
    CHECK_INT(f.unit[0].r1, 2); CHECK_INT(f.unit[0].r2, 0); /* (read 1, read 2) */
    CHECK_INT(f.unit[0].as, 4);
    CHECK_INT(f.unit[1].r1, 1); CHECK_INT(f.unit[1].r2, -1);
    CHECK_INT(f.unit[2].r1, 3); CHECK_INT(f.unit[2].r2, -1);
    /* Q6: an identical key overwrites the older cached record, which is lost */
    const char *q6[] = { "q 99 chrA 1101 1 50M = 1201 150 * * AS:i:1",
                         "q 355 chrA 1101 1 50M = 1201 150 * * AS:i:7",
                         "q 147 chrA 1201 1 50M = 1101 -150 * * AS:i:2", NULL };
    CHECK_INT(frag(&f, ctx, q6), 0);
    CHECK_INT(f.n_unit, 1);
    CHECK_INT(f.unit[0].r1, 1);
    CHECK_INT(f.unit[0].as, 9);
    /* many reads 1 before their reads 2 (name-sorted order): the hashed path (> 16 cached) */
    char lines[80][128];
    const char *many[81];
    int n = 0;
    for (int k = 0; k < 40; k++, n++) {
        snprintf(lines[n], 128, "m %d chrA %d 1 50M = %d 250 * * AS:i:%d", k ? 355 : 99, 1001 + 100 * k, 1201 + 100 * k, k);
        many[n] = lines[n];
    }
    for (int k = 39; k >= 0; k--, n++) {
        snprintf(lines[n], 128, "m %d chrA %d 1 50M = %d -250 * * AS:i:%d", k ? 403 : 147, 1201 + 100 * k, 1001 + 100 * k, 100 + k);
        many[n] = lines[n];
    }
    many[n] = NULL;
    CHECK_INT(frag(&f, ctx, many), 0);
    CHECK_INT(f.n_unit, 40);
    int ok = 1;
    for (int u = 0; u < 40; u++) { /* completed in reverse order: unit u is pair 39-u */
        int k = 39 - u;
        if (f.unit[u].r1 != k || f.unit[u].r2 != 79 - k || f.unit[u].as != 100 + 2 * k) ok = 0;
    }
    CHECK(ok);
    /* with an extra duplicate key among many cached: still the dict semantics */
    tsc_frag_free(&f);
}

static void test_overlap(void)
{
    tsc_frag_t f;
    tsc_frag_init(&f);
    tsc_frag_ctx_t *ctx = ctx_with(0.2, TSC_STRAND_NONE);
    /* Q1 edge cases of the synthetic data (threshold 0.2 of 50 = 10) */
    struct { const char *line; int feat; } t[] = {
        { "t1 0 chrA 1991 1 50M * 0 0 * * AS:i:1", L1 },  /* true 10, computed 11 */
        { "t2 0 chrA 1992 1 50M * 0 0 * * AS:i:1", -1 },  /* true 9, computed 10 */
        { "t3 0 chrA 961 1 50M * 0 0 * * AS:i:1", -1 },   /* true 10, computed 10 */
        { "t4 0 chrA 962 1 50M * 0 0 * * AS:i:1", L1 },   /* true 11, computed 11 */
        { "e1 0 chrA 2001 1 4M * 0 0 * * AS:i:1", L1 },   /* right after the end: 1 > 0.8 */
        { "e2 0 chrA 2002 1 4M * 0 0 * * AS:i:1", -1 },
        { "n 0 chrC 1 1 4M * 0 0 * * AS:i:1", -1 },       /* a reference without loci */
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        const char *l[] = { t[i].line, NULL };
        CHECK_INT(frag(&f, ctx, l), 0);
        CHECK_INT(f.unit[0].feat, t[i].feat);
        CHECK_INT(f.has_locus, t[i].feat >= 0);
    }
    /* ties (Q2): nested loci, same overlap -> the later start (the inner locus) */
    const char *nest[] = { "ne 0 chrA 5251 1 50M * 0 0 * * AS:i:1", NULL };
    CHECK_INT(frag(&f, ctx, nest), 0);
    CHECK_INT(f.unit[0].feat, IN);
    /* a larger overlap wins over the rule */
    const char *big[] = { "bi 0 chrA 5181 1 50M * 0 0 * * AS:i:1", NULL };
    CHECK_INT(frag(&f, ctx, big), 0);
    CHECK_INT(f.unit[0].feat, OUT);
    /* tie across blocks: the locus met by the leftmost block wins (P before Q) */
    const char *pq[] = { "pq 99 chrB 151 1 50M = 351 250 * * AS:i:1",
                         "pq 147 chrB 351 1 50M = 151 -250 * * AS:i:1", NULL };
    CHECK_INT(frag(&f, ctx, pq), 0);
    CHECK_INT(f.unit[0].feat, P);
    const char *qp[] = { "qp 163 chrB 151 1 50M = 351 250 * * AS:i:1",
                         "qp 83 chrB 351 1 50M = 151 -250 * * AS:i:1", NULL };
    CHECK_INT(frag(&f, ctx, qp), 0);
    CHECK_INT(f.unit[0].feat, P); /* blocks are merged in position order, whichever mate is r1 */
    tsc_frag_ctx_destroy(ctx);
    /* threshold 0.5 of 100 = 50: overlap 50 is not > 50 (strict) */
    ctx = ctx_with(0.5, TSC_STRAND_NONE);
    const char *half[] = { "h 0 chrA 951 1 100M * 0 0 * * AS:i:1", NULL }; /* [950,1050): Q1 gives 50 */
    CHECK_INT(frag(&f, ctx, half), 0);
    CHECK_INT(f.unit[0].feat, -1);
    const char *half2[] = { "h 0 chrA 952 1 100M * 0 0 * * AS:i:1", NULL }; /* 51 with Q1 */
    CHECK_INT(frag(&f, ctx, half2), 0);
    CHECK_INT(f.unit[0].feat, L1);
    tsc_frag_ctx_destroy(ctx);
    tsc_frag_free(&f);
}

static void test_stranded(void)
{
    tsc_frag_t f;
    tsc_frag_init(&f);
    /* L1 is '+', L2 is '-' */
    const char *pair_fwd[] = { "p 99 chrA 1101 1 50M = 1201 150 * * AS:i:1",  /* r1 forward */
                               "p 147 chrA 1201 1 50M = 1101 -150 * * AS:i:1", NULL };
    const char *pair_rev[] = { "p 83 chrA 1201 1 50M = 1101 -150 * * AS:i:1", /* r1 reverse */
                               "p 163 chrA 1101 1 50M = 1201 150 * * AS:i:1", NULL };
    const char *single_fwd[] = { "s 0 chrA 1101 1 50M * 0 0 * * AS:i:1", NULL };
    const char *single_rev[] = { "s 16 chrA 1101 1 50M * 0 0 * * AS:i:1", NULL };
    /* mode, pair r1 fwd, pair r1 rev, single fwd, single rev: feature on the '+' locus L1 or not */
    struct { int mode, pf, pr, sf, sr; } t[] = {
        { TSC_STRAND_NONE, L1, L1, L1, L1 },
        { TSC_STRAND_RF, -1, L1, -1, L1 },  /* pairs: r1 reverse -> '+'; singles: first letter R */
        { TSC_STRAND_FR, L1, -1, L1, -1 },
        { TSC_STRAND_F, -1, L1, L1, -1 },   /* Q12: pairs as RF (last letter F); singles forward + */
        { TSC_STRAND_R, L1, -1, -1, L1 },   /* Q12: pairs as FR */
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        tsc_frag_ctx_t *ctx = ctx_with(0.2, t[i].mode);
        CHECK_INT(frag(&f, ctx, pair_fwd), 0); CHECK_INT(f.unit[0].feat, t[i].pf);
        CHECK_INT(frag(&f, ctx, pair_rev), 0); CHECK_INT(f.unit[0].feat, t[i].pr);
        CHECK_INT(frag(&f, ctx, single_fwd), 0); CHECK_INT(f.unit[0].feat, t[i].sf);
        CHECK_INT(frag(&f, ctx, single_rev), 0); CHECK_INT(f.unit[0].feat, t[i].sr);
        tsc_frag_ctx_destroy(ctx);
    }
    CHECK_INT(tsc_strand_mode_parse("RF"), TSC_STRAND_RF);
    CHECK_INT(tsc_strand_mode_parse("None"), TSC_STRAND_NONE);
    CHECK_INT(tsc_strand_mode_parse("rf"), -1);
    CHECK_STR(tsc_strand_mode_name(TSC_STRAND_FR), "FR");
    tsc_frag_free(&f);
}

static void test_best(const tsc_frag_ctx_t *ctx)
{
    tsc_frag_t f;
    tsc_frag_init(&f);
    /* synthetic sec1-like: two units on L1 (PRI = larger AS+alnlen), one on L2, one elsewhere */
    const char *s[] = { "s 0 chrA 1101 1 50M * 0 0 * * AS:i:90",
                        "s 256 chrA 1301 1 50M * 0 0 * * AS:i:95",
                        "s 256 chrA 3101 1 50M * 0 0 * * AS:i:95",
                        "s 256 chrB 5001 1 50M * 0 0 * * AS:i:95",
                        "s 256 chrA 1501 1 40M * 0 0 * * AS:i:100", NULL };
    CHECK_INT(frag(&f, ctx, s), 0);
    CHECK(f.has_locus);
    CHECK_INT(f.n_map, 3);
    /* groups in first-appearance order L1, L2, none; best of L1: unit 1 (145) vs unit 4 (140) */
    CHECK_INT(f.unit[0].pri, 0); CHECK_INT(f.unit[1].pri, 1); CHECK_INT(f.unit[4].pri, 0);
    CHECK_INT(f.unit[2].pri, 1); CHECK_INT(f.unit[3].pri, 1);
    /* sorted by AS, stable: L1 95, L2 95, none 95 */
    CHECK_INT(f.map[0].feat, L1); CHECK_INT(f.map[0].as, 95); CHECK_INT(f.map[0].alnlen, 50);
    CHECK_INT(f.map[1].feat, L2);
    CHECK_INT(f.map[2].feat, -1);
    CHECK_INT(f.n_zb, 3);
    /* ties on AS + alnlen go to the earliest unit; ZB uses AS alone */
    const char *t[] = { "t 0 chrA 1101 1 50M * 0 0 * * AS:i:90",
                        "t 256 chrA 1301 1 40M * 0 0 * * AS:i:100",
                        "t 256 chrA 3101 1 50M * 0 0 * * AS:i:80", NULL };
    CHECK_INT(frag(&f, ctx, t), 0);
    CHECK_INT(f.n_map, 2);
    CHECK_INT(f.map[0].feat, L1); CHECK_INT(f.map[0].as, 90); /* unit 0 kept on the tie */
    CHECK_INT(f.map[1].feat, L2);
    CHECK_INT(f.n_zb, 1);
    CHECK_INT(f.as_min, 80); CHECK_INT(f.as_max, 100);
    /* only no-feature units: not a HITS record */
    const char *nf[] = { "n 0 chrB 5001 1 50M * 0 0 * * AS:i:1", NULL };
    CHECK_INT(frag(&f, ctx, nf), 0);
    CHECK(!f.has_locus);
    CHECK_INT(f.n_map, 0);
    /* the primary read 1 first, then the primary read 2, then the rest in order */
    const char *o[] = { "o 403 chrA 1451 1 50M = 1301 -200 * * AS:i:1",
                        "o 147 chrA 7251 1 50M = 7101 -200 * * AS:i:2",
                        "o 355 chrA 1301 1 50M = 1451 200 * * AS:i:3",
                        "o 99 chrA 7101 1 50M = 7251 200 * * AS:i:4", NULL };
    CHECK_INT(frag(&f, ctx, o), 0);
    tsc_frag_primary_first(&f);
    CHECK_INT(f.rec[0].idx, 3); CHECK_INT(f.rec[1].idx, 1); CHECK_INT(f.rec[2].idx, 0); CHECK_INT(f.rec[3].idx, 2);
    CHECK_INT(tsc_frag_process(&f, ctx), 0);
    CHECK_INT(f.cls, TSC_FC_PM);
    CHECK_INT(f.unit[0].as, 6);
    tsc_frag_free(&f);
}

/* the bundle reader that tsc-tag shares: the synthetic BAM has 46 bundles in 126 records */
static void test_bundler(void)
{
    const char *sh = getenv("TSC_DATA");
    char path[4096];
    snprintf(path, sizeof(path), "%s/golden/synth-input/synth.bam", sh ? sh : "../data");
    samFile *fp = sam_open(path, "r");
    CHECK(fp != NULL);
    if (!fp) return;
    sam_hdr_t *h = sam_hdr_read(fp);
    tsc_bundler_t *br = tsc_bundler_init(fp, h);
    bam1_t **b;
    int n, r, nb = 0, nrec = 0, ok = 1;
    int64_t idx;
    while ((r = tsc_bundler_next(br, path, &b, &n, &idx)) > 0) {
        if (idx != nrec) ok = 0;
        for (int i = 1; i < n; i++)
            if (strcmp(bam_get_qname(b[i]), bam_get_qname(b[0])) != 0) ok = 0;
        if (nb == 0) { CHECK_STR(bam_get_qname(b[0]), "u1"); CHECK_INT(n, 2); }
        if (nb == 5) { CHECK_STR(bam_get_qname(b[0]), "m1"); CHECK_INT(n, 4); }
        nb++; nrec += n;
    }
    CHECK_INT(r, 0);
    CHECK(ok);
    CHECK_INT(nb, 46);
    CHECK_INT(nrec, 126);
    CHECK_INT(tsc_bundler_nrec(br), 126);
    CHECK_INT(tsc_bundler_next(br, path, &b, &n, &idx), 0);
    tsc_bundler_destroy(br);
    sam_hdr_destroy(h);
    sam_close(fp);
    CHECK(tsc_name_hash("abc", 3, 1) != tsc_name_hash("abd", 3, 1));
    CHECK(tsc_name_hash("abc", 3, 1) != tsc_name_hash("abc", 3, 2));
    /* the two-seed hash equals two one-seed hashes, at every tail length */
    static const char nm[] = "SRR1234567.1234567/1:N:0:ACGTACGT+TTGCA";
    int same = 1;
    for (size_t l = 0; l < sizeof(nm); l++) {
        uint64_t a, c;
        tsc_name_hash2(nm, l, 11, 0x3C6EF372FE94F82BULL, &a, &c);
        if (a != tsc_name_hash(nm, l, 11) || c != tsc_name_hash(nm, l, 0x3C6EF372FE94F82BULL)) same = 0;
    }
    CHECK(same);
}

int main(void)
{
    const char *tmp = getenv("TMPD") ? getenv("TMPD") : "/tmp";
    char path[4096];
    snprintf(path, sizeof(path), "%s/test_fragment.%d.bed", tmp, (int)getpid());
    FILE *fp = fopen(path, "w");
    if (!fp) { perror(path); return 2; }
    fputs(loci_bed, fp);
    fclose(fp);
    annot = tsc_bed2annot(path);
    unlink(path);
    if (!annot || tsc_annot_index(annot) < 0) return 2;
    hdr = sam_hdr_parse(strlen("@SQ\tSN:chrA\tLN:10000\n@SQ\tSN:chrB\tLN:10000\n@SQ\tSN:chrC\tLN:10000\n"),
                        "@SQ\tSN:chrA\tLN:10000\n@SQ\tSN:chrB\tLN:10000\n@SQ\tSN:chrC\tLN:10000\n");
    if (!hdr) return 2;
    tsc_frag_ctx_t *ctx = ctx_with(0.2, TSC_STRAND_NONE);
    CHECK_INT(ctx->n_matched, 2);
    CHECK_INT(ctx->tid2chrom[2], -1);
    test_blocks(ctx);
    test_classes(ctx);
    test_pairing(ctx);
    test_overlap();
    test_stranded();
    test_best(ctx);
    test_bundler();
    tsc_frag_ctx_destroy(ctx);
    sam_hdr_destroy(hdr);
    tsc_annot_destroy(annot);
    return tsc_test_result("test_fragment");
}
