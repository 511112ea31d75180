/* test_tag.c -- unit tests of lib/tsc_tag.c: MAPQ/XP rounding, the per-unit values of spec §9.4,
 * the FIT index (loci checks, column map, cell lookup, reassignment), and tag editing of records.
 * The whole tagger is tested against upstream's updated BAMs in tests/tag/golden.test.sh.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <htslib/sam.h>
#include <htslib/kstring.h>
#include "tsc_reassign.h"
#include "tsc_tag.h"
#include "tsc_test.h"
#include "tsc_util.h"

static void test_values(void)
{
    tsc_tag_fin_t f;
    CHECK_INT(tsc_tag_mapq(0.0), 0);
    CHECK_INT(tsc_tag_mapq(1.0), 255);
    CHECK_INT(tsc_tag_mapq(1.5), 255);
    CHECK_INT(tsc_tag_mapq(NAN), 255);        /* upstream: `f < 1.0` is false */
    CHECK_INT(tsc_tag_mapq(0.5), 3);          /* 3.0103 */
    CHECK_INT(tsc_tag_mapq(0.9), 10);
    CHECK_INT(tsc_tag_mapq(0.99), 20);
    CHECK_INT(tsc_tag_mapq(0.79), 7);         /* 6.778: golden m1 (XP 79, MAPQ 7) */
    CHECK_INT(tsc_tag_mapq(0.21), 1);         /* 1.024: golden m1's second locus */
    CHECK_INT(tsc_tag_mapq(1.0 - 0x1p-53), 160); /* the largest p below 1: 159.5459 */
    CHECK_INT(tsc_tag_mapq(1.0 - 0x1p-42), 126); /* 126.43 */
    /* XP = round(100 p), half to even as Python's round() */
    CHECK_INT(tsc_tag_xp(0.0), 0);
    CHECK_INT(tsc_tag_xp(1.0), 100);
    CHECK_INT(tsc_tag_xp(0.125), 12);         /* 12.5 -> 12 (half-up would give 13) */
    CHECK_INT(tsc_tag_xp(0.375), 38);         /* 37.5 -> 38 */
    CHECK_INT(tsc_tag_xp(0.025), 2);          /* 0.025 * 100 == 2.5 in binary64 -> 2 */
    CHECK_INT(tsc_tag_xp(0.015), 2);          /* 1.5 -> 2 */
    CHECK_INT(tsc_tag_xp(0.5), 50);
    CHECK_INT(tsc_tag_xp(0.794), 79);
    /* SEC */
    tsc_tag_final(0, 0.9, 1.0, &f);
    CHECK_INT(f.secondary, 1); CHECK_INT(f.mapq, 0); CHECK_INT(f.xp, -1); CHECK_INT(f.yc, TSC_YC_SEC);
    /* PRI kept */
    tsc_tag_final(1, 0.5, 1.0, &f);
    CHECK_INT(f.secondary, 0); CHECK_INT(f.mapq, 3); CHECK_INT(f.xp, 50); CHECK_INT(f.yc, TSC_YC_PRIMARY);
    tsc_tag_final(1, 0.1, 1e-300, &f); /* any positive R keeps it (average, conf) */
    CHECK_INT(f.secondary, 0); CHECK_INT(f.yc, TSC_YC_PRIMARY);
    /* PRI not kept: yellow from p >= 0.2 (inclusive), else pale green */
    tsc_tag_final(1, 0.2, 0.0, &f);
    CHECK_INT(f.secondary, 1); CHECK_INT(f.xp, 20); CHECK_INT(f.yc, TSC_YC_HIGH);
    tsc_tag_final(1, 0.19999999999999998, 0.0, &f);
    CHECK_INT(f.secondary, 1); CHECK_INT(f.yc, TSC_YC_LOW);
    tsc_tag_final(1, 1.0, 0.0, &f); /* exclude on a tie of two p = 1? (cannot happen) still 255 */
    CHECK_INT(f.mapq, 255);
    CHECK_STR(tsc_tag_color_str(TSC_YC_SEC), "248,248,248");
    CHECK_STR(tsc_tag_color_str(TSC_YC_PRIMARY), "217,95,2");
    CHECK_STR(tsc_tag_color_str(TSC_YC_HIGH), "230,171,2");
    CHECK_STR(tsc_tag_color_str(TSC_YC_LOW), "209,236,228");
    CHECK(tsc_tag_color_str(TSC_YC_NONE) == NULL);
}

/* loci A, B, C (A on two intervals) */
static tsc_annot_t *make_annot(void)
{
    char path[] = "/tmp/tsc-test-tag-XXXXXX";
    int fd = mkstemp(path);
    FILE *fp;
    tsc_annot_t *a;
    if (fd < 0) return NULL;
    fp = fdopen(fd, "w");
    fprintf(fp, "chr1\t100\t200\tA\t0\t+\nchr1\t300\t350\tA\t0\t+\nchr1\t400\t500\tB\t0\t-\nchr2\t0\t10\tC\t0\t.\n");
    fclose(fp);
    a = tsc_bed2annot(path);
    unlink(path);
    return a;
}

static char *xstrdup(const char *s) { char *p = strdup(s); if (!p) abort(); return p; }

/* FIT: columns __no_feature, B, A; rows: r0 {0: .1, 1: .6, 2: .3}, r1 {2: 1.0}, r2 {1: .5, 2: .5} */
static tsc_mtx_t *make_fit(int bad_aloc)
{
    static const int64_t indptr[] = { 0, 3, 4, 6 };
    static const int32_t indices[] = { 0, 1, 2, 2, 1, 2 };
    static const uint32_t score[] = { 5, 9, 7, 9, 9, 9 };
    static const double z[] = { 0.1, 0.6, 0.3, 1.0, 0.5, 0.5 };
    tsc_mtx_t *m = tsc_mtx_init(TSC_KIND_FIT);
    int i;
    if (!m) abort();
    if (tsc_hdr_add_feature(m->hdr, "__no_feature", 0) < 0 || tsc_hdr_add_feature(m->hdr, "B", 100) < 0
        || tsc_hdr_add_feature(m->hdr, "A", 150) < 0 || tsc_hdr_set_info_int(m->hdr, "total_fragments", 10) < 0
        || tsc_hdr_set_info_int(m->hdr, "_min_as", 90) < 0)
        abort();
    m->n_rows = 3; m->n_cols = 3; m->nnz = 6;
    m->indptr = malloc(sizeof indptr); memcpy(m->indptr, indptr, sizeof indptr);
    m->indices = malloc(sizeof indices); memcpy(m->indices, indices, sizeof indices);
    m->score = malloc(sizeof score); memcpy(m->score, score, sizeof score);
    m->z = malloc(sizeof z); memcpy(m->z, z, sizeof z);
    m->frag = malloc(3 * sizeof(int64_t));
    m->names = malloc(3 * sizeof(char *));
    for (i = 0; i < 3; i++) {
        char nm[8];
        m->frag[i] = 2 * i;
        snprintf(nm, sizeof nm, "r%d", i);
        m->names[i] = xstrdup(nm);
    }
    m->n_aloc = 3;
    m->aloc = malloc(3 * sizeof(char *));
    m->alen = malloc(3 * sizeof(int64_t));
    m->aloc[0] = xstrdup("A"); m->alen[0] = 150;
    m->aloc[1] = xstrdup(bad_aloc == 1 ? "X" : "B"); m->alen[1] = bad_aloc == 2 ? 99 : 100;
    m->aloc[2] = xstrdup("C"); m->alen[2] = 10;
    return m;
}

static void test_fit(void)
{
    tsc_annot_t *a = make_annot();
    tsc_tag_opt_t o;
    tsc_tag_fit_t *t;
    tsc_mtx_t *m;
    CHECK(a != NULL);
    if (!a) return;
    CHECK_INT(a->n_loci, 3);
    tsc_tag_opt_init(&o);
    CHECK_INT(tsc_tag_opt_check(&o), 0);
    t = tsc_tag_fit_init(make_fit(0), a, &o, "test");
    CHECK(t != NULL);
    if (t) {
        CHECK_INT(tsc_tag_fit_col(t, -1), 0);
        CHECK_INT(tsc_tag_fit_col(t, 0), 2); /* A */
        CHECK_INT(tsc_tag_fit_col(t, 1), 1); /* B */
        CHECK_INT(tsc_tag_fit_col(t, 2), -1); /* C: no column */
        CHECK_INT(tsc_tag_fit_col(t, 3), -1);
        CHECK_INT(tsc_tag_fit_col(t, -2), -1);
        CHECK_INT(tsc_tag_fit_cell(t, 0, 0), 0);
        CHECK_INT(tsc_tag_fit_cell(t, 0, 2), 2);
        CHECK_INT(tsc_tag_fit_cell(t, 1, 2), 3);
        CHECK_INT(tsc_tag_fit_cell(t, 1, 1), -1);
        CHECK_INT(tsc_tag_fit_cell(t, 2, 1), 4);
        CHECK_INT(tsc_tag_fit_cell(t, 3, 1), -1);
        CHECK_INT(tsc_tag_fit_cell(t, -1, 1), -1);
        CHECK_INT(t->min_as, 90);
        CHECK_INT(t->total_fragments, 10);
        /* exclude: r0 -> B, r1 -> A, r2 tied -> nothing */
        CHECK(t->r[0] == 0.0 && t->r[1] == 1.0 && t->r[2] == 0.0 && t->r[3] == 1.0);
        CHECK(t->r[4] == 0.0 && t->r[5] == 0.0);
        tsc_tag_fit_destroy(t);
    }
    /* choose: the tie of r2 goes where TE_counts' draw goes: replay, and compare */
    o.mode = TSC_RA_CHOOSE;
    t = tsc_tag_fit_init(make_fit(0), a, &o, "test");
    CHECK(t != NULL);
    if (t) {
        double r[6];
        CHECK_INT(tsc_reassign_final(t->m, TSC_RA_CHOOSE, 0.9, r), 0);
        CHECK(memcmp(r, t->r, sizeof r) == 0);
        CHECK(t->r[4] + t->r[5] == 1.0);
        tsc_tag_fit_destroy(t);
    }
    /* average: both tied cells kept */
    o.mode = TSC_RA_AVERAGE;
    t = tsc_tag_fit_init(make_fit(0), a, &o, "test");
    CHECK(t && t->r[4] == 0.5 && t->r[5] == 0.5);
    tsc_tag_fit_destroy(t);
    o.mode = TSC_RA_EXCLUDE;
    /* wrong loci */
    CHECK(tsc_tag_fit_init(make_fit(1), a, &o, "test") == NULL);
    CHECK(tsc_tag_fit_init(make_fit(2), a, &o, "test") == NULL);
    /* a column that is no locus */
    m = make_fit(0);
    free(m->hdr->feat[1]);
    m->hdr->feat[1] = xstrdup("Z");
    {   /* no ALOC: only the columns are checked */
        int i;
        for (i = 0; i < m->n_aloc; i++) free(m->aloc[i]);
        free(m->aloc); free(m->alen);
        m->aloc = NULL; m->alen = NULL; m->n_aloc = 0;
    }
    CHECK(tsc_tag_fit_init(m, a, &o, "test") == NULL);
    /* not a FIT */
    m = make_fit(0);
    m->hdr->kind = TSC_KIND_MATRIX;
    CHECK(tsc_tag_fit_init(m, a, &o, "test") == NULL);
    /* options */
    o.out_format = "xyz";
    CHECK_INT(tsc_tag_opt_check(&o), -1);
    o.out_format = "cram";
    CHECK_INT(tsc_tag_opt_check(&o), 0);
    o.n_threads = 0;
    CHECK_INT(tsc_tag_opt_check(&o), -1);
    tsc_annot_destroy(a);
}

static void test_apply(void)
{
    tsc_annot_t *a = make_annot();
    tsc_tag_opt_t o;
    tsc_tag_fit_t *t;
    tsc_tag_edits_t e;
    tsc_tag_edit_t ed;
    sam_hdr_t *h = sam_hdr_parse(28, "@SQ\tSN:chr1\tLN:1000\n@CO\tx\n");
    bam1_t *b = bam_init1();
    kstring_t ks = { 0, 0, NULL };
    static const uint32_t cig[] = { 50 << BAM_CIGAR_SHIFT | BAM_CMATCH };
    if (!a || !h || !b) { CHECK(0); return; }
    tsc_tag_opt_init(&o);
    t = tsc_tag_fit_init(make_fit(0), a, &o, "test");
    CHECK(t != NULL);
    if (!t) return;
    memset(&e, 0, sizeof e);
    kputs("B,A", &e.zb); kputc(0, &e.zb);
    CHECK(bam_set1(b, 2, "r0", BAM_FSECONDARY, 0, 99, 7, 1, cig, -1, -1, 0, 0, NULL, NULL, 0) >= 0);
    CHECK_INT(bam_aux_append(b, "ZF", 'Z', 4, (const uint8_t *)"old"), 0);
    CHECK_INT(bam_aux_update_int(b, "AS", 95), 0);
    CHECK_INT(bam_aux_append(b, "YC", 'Z', 2, (const uint8_t *)"x"), 0);
    {   /* a B array between them, kept as it is */
        static const uint8_t arr[] = { 'c', 2, 0, 0, 0, 1, 0xfe };
        CHECK_INT(bam_aux_append(b, "XB", 'B', 7, arr), 0);
    }
    /* PRI kept on B: flag 0x100 cleared; ZF replaced and moved to the end, YC too */
    memset(&ed, 0, sizeof ed);
    ed.rec = 0; ed.col = 1; ed.zb = 0; ed.pri = 1;
    tsc_tag_final(1, 0.6, 1.0, &ed.fin);
    CHECK_INT(tsc_tag_apply(t, &e, &ed, b), 0);
    CHECK_INT(sam_format1(h, b, &ks) >= 0, 1);
    CHECK_STR(ks.s, "r0\t0\tchr1\t100\t4\t50M\t*\t0\t0\t*\t*\tAS:i:95\tXB:B:c,1,-2\tZF:Z:B\tZT:Z:PRI\tZB:Z:B,A\tXP:i:60\tYC:Z:217,95,2");
    /* applied again as SEC on the no-feature column: XP stays from before (upstream writes none) */
    ed.col = 0; ed.pri = 0;
    tsc_tag_final(0, 0, 0, &ed.fin);
    CHECK_INT(tsc_tag_apply(t, &e, &ed, b), 0);
    ks.l = 0;
    CHECK_INT(sam_format1(h, b, &ks) >= 0, 1);
    CHECK_STR(ks.s, "r0\t256\tchr1\t100\t0\t50M\t*\t0\t0\t*\t*\tAS:i:95\tXB:B:c,1,-2\tXP:i:60\tZF:Z:__no_feature\tZT:Z:SEC\tZB:Z:B,A\tYC:Z:248,248,248");
    /* a malformed aux block is an error, not a crash */
    b->data[b->l_data - 1] = 'x'; /* YC's NUL gone: the string runs past the end */
    CHECK_INT(tsc_tag_apply(t, &e, &ed, b), -1);
    free(ks.s);
    tsc_tag_edits_free(&e);
    bam_destroy1(b);
    sam_hdr_destroy(h);
    tsc_tag_fit_destroy(t);
    tsc_annot_destroy(a);
}

int main(void)
{
    tsc_set_verbosity(0); /* expected errors stay quiet */
    test_values();
    test_fit();
    test_apply();
    return tsc_test_result("test_tag");
}
