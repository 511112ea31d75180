/* test_sim.c -- unit tests of lib/tsc_sim*.c: options, the random streams, fragments that do not
 * depend on generation order, well-formed records (CIGAR/SEQ lengths, AS, one primary read 1 and
 * read 2 per fragment, mirrored mates), the raw record reader, stats and truth.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <htslib/sam.h>
#include "tsc_test.h"
#include "tsc_util.h"
#include "tsc_sim.h"
#include "tsc_sim_internal.h"

#define NF 300

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* check the records of one fragment */
static void check_fragment(const kstring_t *ks, const tsc_sim_frag_t *fi, int rl, bam1_t *b, bam1_t *c)
{
    const uint8_t *p = (const uint8_t *)ks->s, *e = p + ks->l;
    int n = 0, prim1 = 0, prim2 = 0, sec = 0;
    char name[128] = "";
    while (p < e) {
        uint32_t len = rd32(p);
        CHECK(p + 4 + len <= e);
        CHECK_INT(tsc_sim_raw2bam(p + 4, len, b), 0);
        const bam1_core_t *k = &b->core;
        if (n == 0) snprintf(name, sizeof(name), "%s", bam_get_qname(b));
        CHECK_STR(bam_get_qname(b), name);
        CHECK(k->l_qseq == 0 || k->l_qseq == rl);
        if (!(k->flag & BAM_FUNMAP)) {
            CHECK_INT(bam_cigar2qlen(k->n_cigar, bam_get_cigar(b)), rl);
            CHECK(bam_aux_get(b, "AS") != NULL);
            CHECK(bam_aux_get(b, "MD") != NULL);
            CHECK(bam_endpos(b) > k->pos);
        }
        if (k->flag & BAM_FSECONDARY) sec++;
        else if (k->flag & BAM_FREAD1) prim1++;
        else if (k->flag & BAM_FREAD2) prim2++;
        /* a mapped pair: the next record (read 2 of the same alignment) mirrors it */
        if ((k->flag & BAM_FPAIRED) && (k->flag & BAM_FREAD1) && !(k->flag & (BAM_FUNMAP | BAM_FMUNMAP))) {
            const uint8_t *q = p + 4 + len;
            CHECK(q < e);
            if (q < e) {
                CHECK_INT(tsc_sim_raw2bam(q + 4, rd32(q), c), 0);
                CHECK_INT(c->core.tid, k->mtid);
                CHECK_INT(c->core.pos, k->mpos);
                CHECK_INT(c->core.mtid, k->tid);
                CHECK_INT(c->core.mpos, k->pos);
                CHECK_INT(c->core.isize, -k->isize);
                CHECK_INT(c->core.flag & (BAM_FPROPER_PAIR | BAM_FSECONDARY), k->flag & (BAM_FPROPER_PAIR | BAM_FSECONDARY));
                CHECK(c->core.flag & BAM_FREAD2);
            }
        }
        p += 4 + len;
        n++;
    }
    CHECK(p == e);
    CHECK_INT(n, fi->n_rec);
    CHECK_INT(sec, fi->n_sec);
    CHECK_INT(prim1, 1);
    CHECK_INT(prim2, 1);
}

int main(void)
{
    tsc_sim_opt_t o;
    tsc_set_verbosity(0);
    tsc_sim_opt_init(&o);
    CHECK_INT(tsc_sim_opt_check(&o), 0);
    o.read_len = 10;
    CHECK_INT(tsc_sim_opt_check(&o), -1);
    tsc_sim_opt_init(&o);
    o.frac_te = 0.9, o.frac_unmapped = 0.2;
    CHECK_INT(tsc_sim_opt_check(&o), -1);

    /* random streams: reproducible, distinct, in range */
    tsc_rng_t r1, r2, r3;
    tsc_rng_seed(&r1, 7, 100), tsc_rng_seed(&r2, 7, 100), tsc_rng_seed(&r3, 7, 101);
    int same = 1, diff = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t a = tsc_rng_next(&r1), b = tsc_rng_next(&r2), c = tsc_rng_next(&r3);
        same &= a == b;
        diff += a != c;
    }
    CHECK(same);
    CHECK(diff > 95);
    int inr = 1;
    double sum = 0;
    for (int i = 0; i < 10000; i++) {
        inr &= tsc_rng_below(&r1, 7) < 7;
        double u = tsc_rng_unif(&r1);
        inr &= u >= 0 && u < 1;
        sum += tsc_rng_norm(&r1);
    }
    CHECK(inr);
    CHECK(sum / 10000 > -0.05 && sum / 10000 < 0.05);

    /* a small model; fragments with a high TE share to exercise the TE paths */
    tsc_sim_opt_init(&o);
    o.seed = 11, o.n_loci = 40, o.n_genes = 30, o.n_chrom = 2, o.frac_te = 0.4, o.frac_single = 0.1;
    o.frac_discord = 0.1, o.frac_paralog = 0.2, o.frac_indel = 0.2, o.n_frag = NF;
    tsc_sim_t *s = tsc_sim_init(&o);
    CHECK(s != NULL);
    if (!s) return tsc_test_result("test_sim");
    CHECK_INT(tsc_sim_n_loci(s), 40);
    tsc_sim_work_t *w1 = tsc_sim_work_init(s), *w2 = tsc_sim_work_init(s);
    kstring_t *fwd = calloc(NF, sizeof(kstring_t)), rev = {0, 0, NULL};
    tsc_sim_frag_t fi[NF], fj;
    tsc_sim_stats_t st;
    CHECK_INT(tsc_sim_stats_init(&st, s), 0);
    bam1_t *b = bam_init1(), *c = bam_init1();
    int64_t te_locus = 0, shapes[4] = {0, 0, 0, 0};
    for (int i = 0; i < NF; i++) {
        CHECK_INT(tsc_sim_fragment(s, w1, i, &fwd[i], &fi[i]), 0);
        tsc_sim_stats_add(&st, &fi[i]);
        te_locus += fi[i].locus >= 0;
        shapes[fi[i].shape]++;
        check_fragment(&fwd[i], &fi[i], o.read_len, b, c);
    }
    /* the same fragments in reverse order, with other scratch space: the same bytes */
    int order_ok = 1;
    for (int i = NF - 1; i >= 0; i--) {
        rev.l = 0;
        CHECK_INT(tsc_sim_fragment(s, w2, i, &rev, &fj), 0);
        order_ok &= rev.l == fwd[i].l && memcmp(rev.s, fwd[i].s, rev.l) == 0 && fj.n_rec == fi[i].n_rec;
    }
    CHECK(order_ok);
    for (int k = 0; k < 4; k++) CHECK(shapes[k] > 0); /* unmapped, pair, singleton, discordant */
    int64_t tsum = 0;
    for (int l = 0; l < st.n_loci; l++) tsum += st.truth[l];
    CHECK_INT(tsum, te_locus);
    CHECK_INT(st.frags, NF);
    CHECK(st.te_multi > 0);

    /* the raw reader refuses short records */
    uint8_t junk[40] = {0};
    CHECK_INT(tsc_sim_raw2bam(junk, 20, b), -1);
    CHECK_INT(tsc_sim_raw2bam(junk, 40, b), -1); /* l_read_name 0 */

    /* header: one @SQ per chromosome, SO by mode */
    sam_hdr_t *h = tsc_sim_header(s, 1, "tsc-simulate --test", "test alignments");
    CHECK(h != NULL);
    if (h) {
        CHECK_INT(sam_hdr_nref(h), 2);
        CHECK(strstr(sam_hdr_str(h), "SO:coordinate") != NULL);
        CHECK(strstr(sam_hdr_str(h), "CL:tsc-simulate --test") != NULL);
        CHECK(strstr(sam_hdr_str(h), "@CO\tsimulated test alignments, coordinate-sorted") != NULL);
        sam_hdr_destroy(h);
    }

    for (int i = 0; i < NF; i++) free(fwd[i].s);
    free(fwd), free(rev.s);
    bam_destroy1(b), bam_destroy1(c);
    tsc_sim_stats_free(&st);
    tsc_sim_work_destroy(w1), tsc_sim_work_destroy(w2);
    tsc_sim_destroy(s);
    tsc_sim_destroy(NULL);
    tsc_sim_work_destroy(NULL);
    return tsc_test_result("test_sim");
}
