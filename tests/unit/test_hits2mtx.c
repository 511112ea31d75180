/* test_hits2mtx.c -- unit tests of lib/tsc_hits2mtx.c (HITS records -> score matrix).
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>
#include "tsc_test.h"
#include "tsc_hits2mtx.h"

/* HITS header with loci L0..L(n-1) of length 100*(i+1), Telescope's run info and _min_as */
static tsc_hdr_t *make_hdr(int n, int min_as)
{
    tsc_hdr_t *h = tsc_hdr_init(TSC_KIND_HITS);
    char name[32];
    int i, ok = 0;
    for (i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "L%d", i);
        ok |= tsc_hdr_add_feature(h, name, 100 * (i + 1));
    }
    ok |= tsc_hdr_set_info(h, "version", "test");
    ok |= tsc_hdr_set_info_int(h, "annotated_features", n);
    ok |= tsc_hdr_set_info_int(h, "total_fragments", 10);
    ok |= tsc_hdr_set_info_int(h, "unique", 4);
    ok |= tsc_hdr_set_info_int(h, "ambig", 6);
    if (min_as != INT32_MIN) ok |= tsc_hdr_set_info_int(h, "_min_as", min_as);
    ok |= tsc_hdr_set_info_int(h, "_max_as", 300);
    CHECK(ok == 0);
    return h;
}

/* a record: FRAG, NAME (or NULL), then N triples feat, as, alnlen */
static int add(tsc_hits2mtx_t *b, int64_t frag, const char *name, int n, const int *t)
{
    tsc_hit_t h;
    tsc_map_t *map = malloc((size_t)(n > 0 ? n : 1) * sizeof(*map));
    int i, ret;
    memset(&h, 0, sizeof(h));
    h.frag = frag;
    h.name = (char *)name;
    h.n_map = h.m_map = n;
    h.map = map;
    for (i = 0; i < n; i++) {
        map[i].feat = t[3 * i];
        map[i].as = t[3 * i + 1];
        map[i].alnlen = t[3 * i + 2];
    }
    ret = tsc_hits2mtx_add(b, &h);
    free(map);
    return ret;
}

static int row_sorted(const tsc_mtx_t *m)
{
    int64_t r, i;
    for (r = 0; r < m->n_rows; r++)
        for (i = m->indptr[r] + 1; i < m->indptr[r + 1]; i++)
            if (m->indices[i] <= m->indices[i - 1]) return 0;
    return 1;
}

static void test_basic(void)
{
    tsc_hdr_t *h = make_hdr(5, 100);
    tsc_hits2mtx_opt_t o;
    tsc_hits2mtx_t *b;
    tsc_mtx_t *m;
    int64_t v;
    int i;
    tsc_hits2mtx_opt_init(&o);
    b = tsc_hits2mtx_init(h, "basic", &o);
    CHECK(b != NULL);
    if (!b) return;
    /* frag 0: L3 (AS 120, len 50), no feature (AS 110, len 60) */
    { int t[] = {3, 120, 50, -1, 110, 60}; CHECK(add(b, 0, NULL, 2, t) == 0); }
    /* frag 2: L1, L3 (AS-descending as tsc-fetch writes them) */
    { int t[] = {1, 130, 70, 3, 100, 40}; CHECK(add(b, 2, NULL, 2, t) == 0); }
    /* frag 3: only no feature: dropped (upstream's row filter) */
    { int t[] = {-1, 140, 70}; CHECK(add(b, 3, NULL, 1, t) == 0); }
    /* frag 5: L4 alone, then again (odd input: same ordinal) with L4 better and L0 */
    { int t[] = {4, 101, 10}; CHECK(add(b, 5, NULL, 1, t) == 0); }
    { int t[] = {4, 150, 10, 0, 150, 5, 4, 100, 10}; CHECK(add(b, 5, NULL, 3, t) == 0); }
    /* frag 9: L1 twice in one record (max), unique row */
    { int t[] = {1, 105, 20, 1, 104, 30}; CHECK(add(b, 9, NULL, 2, t) == 0); }
    /* run info arrives after the last record, as in a stream */
    CHECK(tsc_hdr_set_info_int(h, "_min_as", 100) == 0);
    m = tsc_hits2mtx_finish(b, h);
    CHECK(m != NULL);
    if (!m) goto end;
    CHECK_INT(m->hdr->kind, TSC_KIND_MATRIX);
    CHECK_INT(m->n_rows, 4);
    /* columns: 0 key, then L3, L1, L4, L0 in first-appearance order */
    CHECK_INT(m->n_cols, 5);
    CHECK_INT(m->hdr->n_feat, 5);
    CHECK_STR(m->hdr->feat[0], "__no_feature");
    CHECK_INT(m->hdr->flen[0], 0);
    CHECK_STR(m->hdr->feat[1], "L3"); CHECK_INT(m->hdr->flen[1], 400);
    CHECK_STR(m->hdr->feat[2], "L1"); CHECK_INT(m->hdr->flen[2], 200);
    CHECK_STR(m->hdr->feat[3], "L4"); CHECK_INT(m->hdr->flen[3], 500);
    CHECK_STR(m->hdr->feat[4], "L0"); CHECK_INT(m->hdr->flen[4], 100);
    CHECK(row_sorted(m));
    CHECK_INT(m->nnz, 7);
    {
        /* raw = AS - 100 + 1 + alnlen */
        int64_t ip[] = {0, 2, 4, 6, 7};
        int32_t ix[] = {0, 1, 1, 2, 3, 4, 2};
        uint32_t sc[] = {71, 71, 41, 101, 61, 56, 35};
        int64_t fr[] = {0, 2, 5, 9};
        for (i = 0; i < 5; i++) CHECK_INT(m->indptr[i], ip[i]);
        for (i = 0; i < 7; i++) { CHECK_INT(m->indices[i], ix[i]); CHECK_INT(m->score[i], sc[i]); }
        for (i = 0; i < 4; i++) CHECK_INT(m->frag[i], fr[i]);
    }
    CHECK(m->names == NULL);
    /* run info: overlap counters right after ambig; key at the end */
    CHECK_INT(tsc_hdr_get_info_int(m->hdr, "overlap_unique", &v), 0); CHECK_INT(v, 1);
    CHECK_INT(tsc_hdr_get_info_int(m->hdr, "overlap_ambig", &v), 0); CHECK_INT(v, 3);
    for (i = 0; i < m->hdr->n_info && strcmp(m->hdr->info[i].key, "ambig"); i++) {}
    CHECK(i + 2 < m->hdr->n_info);
    if (i + 2 < m->hdr->n_info) {
        CHECK_STR(m->hdr->info[i + 1].key, "overlap_unique");
        CHECK_STR(m->hdr->info[i + 2].key, "overlap_ambig");
        CHECK_STR(m->hdr->info[i + 3].key, "_min_as");
    }
    CHECK_STR(m->hdr->info[m->hdr->n_info - 1].key, "_no_feature_key");
    CHECK_STR(tsc_hdr_get_info(m->hdr, "_no_feature_key"), "__no_feature");
    CHECK_STR(tsc_hdr_get_info(m->hdr, "version"), "test");
    /* every annotated locus, annotation order */
    CHECK_INT(m->n_aloc, 5);
    for (i = 0; i < 5 && i < m->n_aloc; i++) {
        char name[8];
        snprintf(name, sizeof(name), "L%d", i);
        CHECK_STR(m->aloc[i], name);
        CHECK_INT(m->alen[i], 100 * (i + 1));
    }
end:
    tsc_mtx_destroy(m);
    tsc_hdr_destroy(h);
}

/* long rows go through the radix sort: compare with a dense reference */
static void test_long_rows(void)
{
    enum { NF = 70000, NR = 40 };
    tsc_hdr_t *h = make_hdr(NF, 0);
    tsc_hits2mtx_opt_t o;
    tsc_hits2mtx_t *b;
    tsc_mtx_t *m;
    static int t[3 * 2000];
    int32_t *colfeat = NULL;
    int64_t r, i, best_sum = 0;
    uint32_t seed = 12345;
    int *dense = calloc((size_t)NR * NF, sizeof(int)); /* max AS+len per (row, feature), 0 = none */
    tsc_hits2mtx_opt_init(&o);
    b = tsc_hits2mtx_init(h, "long", &o);
    CHECK(b != NULL && dense != NULL);
    if (!b || !dense) return;
    for (r = 0; r < NR; r++) {
        int n = r == 0 ? 1 : (int)(r * 37 % 1900) + 1, k;
        for (k = 0; k < n; k++) {
            int f;
            seed = seed * 1103515245u + 12345u;
            f = (int)((seed >> 8) % (k % 3 ? 300 : NF)); /* some repeats, some wide columns */
            t[3 * k] = f;
            t[3 * k + 1] = (int)(seed >> 20 & 0xff);
            t[3 * k + 2] = 1 + (int)(seed >> 4 & 0x3f);
            if (t[3 * k + 1] + t[3 * k + 2] > dense[r * NF + f]) dense[r * NF + f] = t[3 * k + 1] + t[3 * k + 2];
        }
        CHECK(add(b, r * 2, NULL, n, t) == 0);
    }
    m = tsc_hits2mtx_finish(b, h);
    CHECK(m != NULL);
    if (!m) goto end;
    CHECK_INT(m->n_rows, NR);
    CHECK(row_sorted(m));
    colfeat = malloc((size_t)m->n_cols * sizeof(*colfeat));
    for (i = 1; i < m->n_cols; i++) colfeat[i] = atoi(m->hdr->feat[i] + 1);
    for (r = 0; r < NR; r++) {
        int64_t cnt = 0;
        int f;
        for (f = 0; f < NF; f++) cnt += dense[r * NF + f] > 0;
        CHECK_INT(m->indptr[r + 1] - m->indptr[r], cnt);
        for (i = m->indptr[r]; i < m->indptr[r + 1]; i++) {
            int32_t c = m->indices[i];
            if (c < 1 || c >= m->n_cols) { CHECK(0); continue; }
            if ((int64_t)m->score[i] != dense[r * NF + colfeat[c]] + 1) { CHECK(0); break; }
            if (m->score[i] > best_sum) best_sum = m->score[i];
        }
    }
    CHECK(best_sum > 0);
end:
    free(colfeat);
    free(dense);
    tsc_mtx_destroy(m);
    tsc_hdr_destroy(h);
}

static void test_names_and_key(void)
{
    tsc_hdr_t *h = make_hdr(3, -10);
    tsc_hits2mtx_opt_t o;
    tsc_hits2mtx_t *b;
    tsc_mtx_t *m;
    tsc_hits2mtx_opt_init(&o);
    o.no_feature_key = "nowhere";
    b = tsc_hits2mtx_init(h, "names", &o);
    CHECK(b != NULL);
    if (!b) return;
    { int t[] = {2, -10, 5}; CHECK(add(b, 7, "readA", 1, t) == 0); }
    { int t[] = {0, 0, 5, -1, -5, 3}; CHECK(add(b, 8, "readB", 2, t) == 0); }
    m = tsc_hits2mtx_finish(b, h);
    CHECK(m != NULL);
    if (!m) goto end;
    CHECK(m->names != NULL);
    if (m->names) { CHECK_STR(m->names[0], "readA"); CHECK_STR(m->names[1], "readB"); }
    CHECK_STR(m->hdr->feat[0], "nowhere");
    CHECK_STR(tsc_hdr_get_info(m->hdr, "_no_feature_key"), "nowhere");
    CHECK_INT(m->score[0], 6);  /* -10 + 10 + 1 + 5 */
    CHECK_INT(m->score[1], 9);  /* column 0: -5 + 10 + 1 + 3 */
    CHECK_INT(m->score[2], 16); /* L0 */
end:
    tsc_mtx_destroy(m);
    tsc_hdr_destroy(h);
}

static void test_empty(void)
{
    tsc_hdr_t *h = make_hdr(2, INT32_MIN); /* nothing mapped: no _min_as */
    tsc_hits2mtx_opt_t o;
    tsc_hits2mtx_t *b;
    tsc_mtx_t *m;
    int64_t v;
    tsc_hits2mtx_opt_init(&o);
    b = tsc_hits2mtx_init(h, "empty", &o);
    CHECK(b != NULL);
    if (!b) return;
    m = tsc_hits2mtx_finish(b, h);
    CHECK(m != NULL);
    if (m) {
        CHECK_INT(m->n_rows, 0);
        CHECK_INT(m->n_cols, 1);
        CHECK_INT(m->nnz, 0);
        CHECK_INT(m->indptr[0], 0);
        CHECK_STR(m->hdr->feat[0], "__no_feature");
        CHECK_INT(tsc_hdr_get_info_int(m->hdr, "overlap_unique", &v), 0); CHECK_INT(v, 0);
        CHECK_INT(tsc_hdr_get_info_int(m->hdr, "overlap_ambig", &v), 0); CHECK_INT(v, 0);
        CHECK_INT(m->n_aloc, 2);
    }
    tsc_mtx_destroy(m);
    tsc_hdr_destroy(h);
}

static void test_errors(void)
{
    tsc_hdr_t *h = make_hdr(3, 100), *h2;
    tsc_hits2mtx_opt_t o;
    tsc_hits2mtx_t *b;
    tsc_hits2mtx_opt_init(&o);
    fprintf(stderr, "(error messages expected below)\n");
    /* Q26: key equal to a locus */
    o.no_feature_key = "L1";
    CHECK(tsc_hits2mtx_init(h, "err", &o) == NULL);
    o.no_feature_key = "";
    CHECK(tsc_hits2mtx_opt_check(&o) < 0);
    CHECK(tsc_hits2mtx_init(h, "err", &o) == NULL);
    o.no_feature_key = "a\tb";
    CHECK(tsc_hits2mtx_opt_check(&o) < 0);
    tsc_hits2mtx_opt_init(&o);
    CHECK(tsc_hits2mtx_opt_check(&o) == 0);
    /* feature index outside the table */
    b = tsc_hits2mtx_init(h, "err", &o);
    { int t[] = {3, 100, 5}; CHECK(add(b, 0, NULL, 1, t) < 0); }
    { int t[] = {-2, 100, 5}; CHECK(add(b, 0, NULL, 1, t) < 0); }
    { int t[] = {0, 100, -5}; CHECK(add(b, 0, NULL, 1, t) < 0); }
    tsc_hits2mtx_destroy(b);
    /* fragments out of order; names on some records only */
    b = tsc_hits2mtx_init(h, "err", &o);
    { int t[] = {0, 100, 5}; CHECK(add(b, 4, NULL, 1, t) == 0); CHECK(add(b, 3, NULL, 1, t) < 0);
      CHECK(add(b, 5, "x", 1, t) < 0); }
    tsc_hits2mtx_destroy(b);
    b = tsc_hits2mtx_init(h, "err", &o);
    { int t[] = {0, 100, 5}; CHECK(add(b, 4, "x", 1, t) == 0); CHECK(add(b, 5, NULL, 1, t) < 0); }
    tsc_hits2mtx_destroy(b);
    /* AS below _min_as */
    b = tsc_hits2mtx_init(h, "err", &o);
    { int t[] = {0, 99, 5}; CHECK(add(b, 0, NULL, 1, t) == 0); }
    CHECK(tsc_hits2mtx_finish(b, h) == NULL);
    /* records but no _min_as */
    h2 = make_hdr(3, INT32_MIN);
    b = tsc_hits2mtx_init(h2, "err", &o);
    { int t[] = {0, 99, 5}; CHECK(add(b, 0, NULL, 1, t) == 0); }
    CHECK(tsc_hits2mtx_finish(b, h2) == NULL);
    /* a raw score beyond 32 bits */
    tsc_hdr_destroy(h2);
    h2 = make_hdr(3, -1000);
    b = tsc_hits2mtx_init(h2, "err", &o);
    { int t[] = {0, INT32_MAX, INT32_MAX}; CHECK(add(b, 0, NULL, 1, t) == 0); }
    CHECK(tsc_hits2mtx_finish(b, h2) == NULL);
    tsc_hits2mtx_destroy(NULL);
    tsc_hdr_destroy(h2);
    tsc_hdr_destroy(h);
}

/* Through the stream: HITS written with tsc_hitw_*, read back by tsc_hits2mtx(), MATRIX
 * written and read back by tsc_mtx_write()/tsc_mtx_read(). */
static void test_stream(void)
{
    const char *tmpd = getenv("TMPD") ? getenv("TMPD") : "/tmp";
    char hits[4096], mtx[4096];
    tsc_hdr_t *h = make_hdr(4, INT32_MIN);
    tsc_wstream_t *w;
    tsc_hitw_t *hw;
    tsc_rstream_t *r;
    tsc_mtx_t *m = NULL, *m2 = NULL;
    tsc_hits2mtx_opt_t o;
    tsc_map_t map[3] = {{2, 200, 100}, {0, 190, 100}, {-1, 150, 90}};
    tsc_hit_t rec = {0, NULL, 3, 3, map, 0, {NULL}};
    int64_t i;
    snprintf(hits, sizeof(hits), "%s/t%d.hits", tmpd, (int)getpid());
    snprintf(mtx, sizeof(mtx), "%s/t%d.mtx", tmpd, (int)getpid());
    w = tsc_ws_open(hits, h);
    CHECK(w != NULL);
    if (!w) goto end;
    hw = tsc_hitw_init(w);
    CHECK(tsc_hitw_add(hw, &rec) == 0);
    rec.frag = 3; rec.n_map = 1; map[0].feat = 3;
    CHECK(tsc_hitw_add(hw, &rec) == 0);
    CHECK(tsc_hitw_close(hw) == 0);
    CHECK(tsc_hdr_set_info_int(h, "_min_as", 150) == 0);
    CHECK(tsc_ws_runinfo(w, h) == 0);
    CHECK(tsc_ws_close(w) == 0);
    r = tsc_rs_open(hits, TSC_KIND_MASK(TSC_KIND_HITS));
    CHECK(r != NULL);
    if (!r) goto end;
    tsc_hits2mtx_opt_init(&o);
    m = tsc_hits2mtx(r, &o);
    tsc_rs_close(r);
    CHECK(m != NULL);
    if (!m) goto end;
    CHECK_INT(m->n_rows, 2);
    CHECK_INT(m->n_cols, 4); /* key, L2, L0, L3 */
    CHECK_INT(m->nnz, 4);
    CHECK_INT(m->indices[0], 0); CHECK_INT(m->score[0], 91);
    CHECK_INT(m->indices[1], 1); CHECK_INT(m->score[1], 151);
    CHECK_INT(m->indices[2], 2); CHECK_INT(m->score[2], 141);
    CHECK_INT(m->indices[3], 3); CHECK_INT(m->score[3], 151);
    CHECK_INT(m->frag[1], 3);
    CHECK(tsc_mtx_write(mtx, m) == 0);
    m2 = tsc_mtx_read(mtx, TSC_KIND_MASK(TSC_KIND_MATRIX));
    CHECK(m2 != NULL);
    if (!m2) goto end;
    CHECK_INT(m2->n_rows, 2); CHECK_INT(m2->n_cols, 4); CHECK_INT(m2->nnz, 4);
    for (i = 0; i < 4 && m2->nnz == 4; i++) {
        CHECK_INT(m2->indices[i], m->indices[i]);
        CHECK_INT(m2->score[i], m->score[i]);
    }
    CHECK_INT(m2->n_aloc, 4);
    CHECK_STR(tsc_hdr_get_info(m2->hdr, "overlap_ambig"), "1");
    /* a record naming a feature outside the header's table: the reader refuses it */
    w = tsc_ws_open(hits, h);
    CHECK(w != NULL);
    if (!w) goto end;
    hw = tsc_hitw_init(w);
    map[0].feat = 4;
    CHECK(tsc_hitw_add(hw, &rec) == 0);
    CHECK(tsc_hitw_close(hw) == 0);
    CHECK(tsc_ws_close(w) == 0);
    r = tsc_rs_open(hits, TSC_KIND_MASK(TSC_KIND_HITS));
    CHECK(r != NULL);
    if (r) {
        fprintf(stderr, "(an error message expected below)\n");
        CHECK(tsc_hits2mtx(r, &o) == NULL);
        tsc_rs_close(r);
    }
    /* a MATRIX stream is the wrong kind for tsc_mtx_read(..., HITS) and vice versa */
    CHECK(tsc_rs_open(mtx, TSC_KIND_MASK(TSC_KIND_HITS)) == NULL);
    fprintf(stderr, "(an error message expected below)\n");
    CHECK(tsc_mtx_read(hits, TSC_KIND_MASK(TSC_KIND_MATRIX)) == NULL);
end:
    remove(hits);
    remove(mtx);
    tsc_mtx_destroy(m);
    tsc_mtx_destroy(m2);
    tsc_hdr_destroy(h);
}

int main(void)
{
    test_basic();
    test_long_rows();
    test_names_and_key();
    test_empty();
    test_errors();
    test_stream();
    return tsc_test_result("test_hits2mtx");
}
