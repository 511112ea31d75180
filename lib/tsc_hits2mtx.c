/* tsc_hits2mtx.c -- HITS records to the score matrix (spec §6.2-§6.3).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Records arrive in fragment order (the HITS format codes ordinals as non-negative deltas), so
 * a row is complete as soon as a record with another ordinal arrives: the open row is sorted
 * by column and its duplicate cells merged right then, while it is hot in cache. Columns are
 * numbered on first sight, so a cell's column is final when it is stored. The raw score needs
 * the global minimum AS, which comes in the run info after the last record: until then each
 * cell holds AS + alnlen as 64 bits, narrowed in place to the 32-bit score at the end. */
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include "tsc_hits2mtx.h"

#define ISORT_MAX 64 /* rows up to this length are insertion-sorted, longer ones radix-sorted */

struct tsc_hits2mtx_t {
    char *name;                 /* input name, for messages */
    char *key;                  /* no-feature key */
    int32_t n_hfeat;            /* features of the HITS header */
    int32_t *col_of;            /* n_hfeat: column of each header feature, -1 = not seen yet */
    int32_t n_cols;             /* columns so far, column 0 included */
    int32_t *col_feat;          /* header feature of each column; col_feat[0] = -1 */
    size_t m_col_feat;
    int64_t n_rows;             /* completed rows */
    int64_t *indptr, *frag;     /* n_rows + 1, n_rows */
    size_t m_indptr, m_frag;
    char **name_v;              /* n_rows, when names == 1 */
    size_t m_name_v;
    int names;                  /* -1 unknown yet, 0 records carry no names, 1 they do */
    int64_t nnz;                /* cells stored, the open row's included */
    int32_t *col;               /* column of each cell */
    int64_t *sum;               /* AS + alnlen of each cell (the raw score before minAS) */
    size_t m_col, m_sum;
    int row_open;               /* the last row may still get cells */
    int64_t open_frag, open_start;
    char *open_name;
    int64_t n_rec, n_dropped, prev_frag;
    int32_t min_as;             /* smallest AS seen, and where */
    int64_t min_as_rec, min_as_frag;
    int32_t *tcol;              /* radix scratch */
    int64_t *tsum;
    size_t m_tcol, m_tsum;
};

void tsc_hits2mtx_opt_init(tsc_hits2mtx_opt_t *o)
{
    memset(o, 0, sizeof(*o));
    o->no_feature_key = TSC_NO_FEATURE_KEY;
}

int tsc_hits2mtx_opt_check(const tsc_hits2mtx_opt_t *o)
{
    int ret = 0;
    if (!o->no_feature_key || !*o->no_feature_key) {
        tsc_error("the no-feature key must not be empty");
        ret = -1;
    } else if (strpbrk(o->no_feature_key, "\t\n\r")) {
        tsc_error("the no-feature key must not contain tabs or line breaks");
        ret = -1;
    }
    return ret;
}

void tsc_hits2mtx_destroy(tsc_hits2mtx_t *b)
{
    int64_t i;
    if (!b) return;
    if (b->names == 1 && b->name_v)
        for (i = 0; i < b->n_rows; i++) free(b->name_v[i]);
    free(b->name_v);
    free(b->open_name);
    free(b->name); free(b->key);
    free(b->col_of); free(b->col_feat);
    free(b->indptr); free(b->frag);
    free(b->col); free(b->sum);
    free(b->tcol); free(b->tsum);
    free(b);
}

tsc_hits2mtx_t *tsc_hits2mtx_init(const tsc_hdr_t *hdr, const char *name, const tsc_hits2mtx_opt_t *opt)
{
    tsc_hits2mtx_t *b;
    int32_t i;
    if (tsc_hits2mtx_opt_check(opt) < 0) return NULL;
    for (i = 0; i < hdr->n_feat; i++) {
        if (strcmp(hdr->feat[i], opt->no_feature_key) == 0) {
            tsc_error("%s: the no-feature key '%s' is also the name of annotated locus %d; "
                      "choose another key (upstream would merge that locus into column 0, Q26)",
                      name, opt->no_feature_key, i + 1);
            return NULL;
        }
    }
    if (!(b = calloc(1, sizeof(*b)))) goto nomem;
    b->names = -1;
    b->n_hfeat = hdr->n_feat;
    if (!(b->name = strdup(name ? name : "-")) || !(b->key = strdup(opt->no_feature_key))) goto nomem;
    if (!(b->col_of = malloc((size_t)(hdr->n_feat > 0 ? hdr->n_feat : 1) * sizeof(*b->col_of)))) goto nomem;
    for (i = 0; i < hdr->n_feat; i++) b->col_of[i] = -1;
    if (TSC_GROW(b->col_feat, b->m_col_feat, 16) < 0) goto nomem;
    b->col_feat[0] = -1;
    b->n_cols = 1;
    if (TSC_GROW(b->indptr, b->m_indptr, 1024) < 0) goto nomem;
    b->indptr[0] = 0;
    return b;
nomem:
    tsc_error("out of memory");
    tsc_hits2mtx_destroy(b);
    return NULL;
}

/* Stable sort of cells [s, e) by column: insertion sort for short rows, LSD radix sort on the
 * column's bytes (as many passes as n_cols needs) for long ones; both O(e - s) per cell bound. */
static int sort_cells(tsc_hits2mtx_t *b, int64_t s, int64_t e)
{
    int32_t *col = b->col + s;
    int64_t *sum = b->sum + s;
    int64_t n = e - s, i, j;
    if (n <= ISORT_MAX) {
        for (i = 1; i < n; i++) {
            int32_t c = col[i];
            int64_t v = sum[i];
            if (col[i - 1] <= c) continue;
            for (j = i; j > 0 && col[j - 1] > c; j--) {
                col[j] = col[j - 1];
                sum[j] = sum[j - 1];
            }
            col[j] = c;
            sum[j] = v;
        }
        return 0;
    }
    if (TSC_GROW(b->tcol, b->m_tcol, (size_t)n) < 0 || TSC_GROW(b->tsum, b->m_tsum, (size_t)n) < 0) {
        tsc_error("out of memory");
        return -1;
    }
    {
        int32_t *sc = col, *dc = b->tcol, *tc;
        int64_t *sv = sum, *dv = b->tsum, *tv;
        uint32_t maxc = (uint32_t)(b->n_cols - 1);
        int shift;
        for (shift = 0; shift == 0 || (shift < 32 && (maxc >> shift)); shift += 8) {
            int64_t cnt[257];
            memset(cnt, 0, sizeof(cnt));
            for (i = 0; i < n; i++) cnt[((uint32_t)sc[i] >> shift & 0xff) + 1]++;
            for (i = 0; i < 256; i++) cnt[i + 1] += cnt[i];
            for (i = 0; i < n; i++) {
                int64_t d = cnt[(uint32_t)sc[i] >> shift & 0xff]++;
                dc[d] = sc[i];
                dv[d] = sv[i];
            }
            tc = sc; sc = dc; dc = tc;
            tv = sv; sv = dv; dv = tv;
        }
        if (sc != col) {
            memcpy(col, sc, (size_t)n * sizeof(*col));
            memcpy(sum, sv, (size_t)n * sizeof(*sum));
        }
    }
    return 0;
}

/* Complete the open row: sort it by column, merge duplicate cells (maximum), and keep it if it
 * has a real locus (cells ascending, so a real locus sorts last). */
static int close_row(tsc_hits2mtx_t *b)
{
    int64_t s = b->open_start, e = b->nnz, i, w;
    if (!b->row_open) return 0;
    b->row_open = 0;
    if (e - s > 1 && sort_cells(b, s, e) < 0) return -1;
    for (i = w = s; i < e; i++) {
        if (w > s && b->col[w - 1] == b->col[i]) {
            if (b->sum[i] > b->sum[w - 1]) b->sum[w - 1] = b->sum[i];
        } else {
            b->col[w] = b->col[i];
            b->sum[w] = b->sum[i];
            w++;
        }
    }
    if (w == s || b->col[w - 1] == 0) { /* no real locus: upstream's row filter drops it */
        b->nnz = s;
        b->n_dropped++;
        free(b->open_name);
        b->open_name = NULL;
        return 0;
    }
    b->nnz = w;
    if (TSC_GROW(b->indptr, b->m_indptr, (size_t)b->n_rows + 2) < 0
        || TSC_GROW(b->frag, b->m_frag, (size_t)b->n_rows + 1) < 0
        || (b->names == 1 && TSC_GROW(b->name_v, b->m_name_v, (size_t)b->n_rows + 1) < 0)) {
        tsc_error("out of memory");
        return -1;
    }
    b->frag[b->n_rows] = b->open_frag;
    if (b->names == 1) {
        b->name_v[b->n_rows] = b->open_name;
        b->open_name = NULL;
    }
    b->indptr[++b->n_rows] = w;
    return 0;
}

int tsc_hits2mtx_add(tsc_hits2mtx_t *b, const tsc_hit_t *h)
{
    int32_t i;
    int has_name = h->name && *h->name;
    b->n_rec++;
    if (h->n_map < 0 || (h->n_map > 0 && !h->map)) {
        tsc_error("%s: record %lld (fragment %lld): bad mapping count %d", b->name,
                  (long long)b->n_rec, (long long)h->frag, (int)h->n_map);
        return -1;
    }
    for (i = 0; i < h->n_map; i++) {
        const tsc_map_t *p = &h->map[i];
        if (p->feat < -1 || p->feat >= b->n_hfeat) {
            tsc_error("%s: record %lld (fragment %lld%s%s): mapping %d names feature %d, "
                      "but the header lists %d features", b->name, (long long)b->n_rec,
                      (long long)h->frag, has_name ? ", " : "", has_name ? h->name : "", (int)i + 1,
                      (int)p->feat + 1, (int)b->n_hfeat);
            return -1;
        }
        if (p->alnlen < 0) {
            tsc_error("%s: record %lld (fragment %lld%s%s): negative aligned length %d", b->name,
                      (long long)b->n_rec, (long long)h->frag, has_name ? ", " : "",
                      has_name ? h->name : "", (int)p->alnlen);
            return -1;
        }
    }
    if (h->frag < 0 || (b->n_rec > 1 && h->frag < b->prev_frag)) {
        tsc_error("%s: record %lld: fragment ordinal %lld after %lld (records must come in fragment "
                  "order)", b->name, (long long)b->n_rec, (long long)h->frag, (long long)b->prev_frag);
        return -1;
    }
    if (b->names < 0) b->names = has_name;
    else if (b->names != has_name) {
        tsc_error("%s: record %lld (fragment %lld): %s", b->name, (long long)b->n_rec,
                  (long long)h->frag, has_name ? "has a name, but earlier records have none"
                                               : "has no name, but earlier records have names");
        return -1;
    }
    if (!b->row_open || h->frag != b->open_frag) {
        if (close_row(b) < 0) return -1;
        b->row_open = 1;
        b->open_frag = h->frag;
        b->open_start = b->nnz;
        if (has_name && !(b->open_name = strdup(h->name))) goto nomem;
    }
    b->prev_frag = h->frag;
    if (TSC_GROW(b->col, b->m_col, (size_t)b->nnz + (size_t)h->n_map) < 0
        || TSC_GROW(b->sum, b->m_sum, (size_t)b->nnz + (size_t)h->n_map) < 0)
        goto nomem;
    for (i = 0; i < h->n_map; i++) {
        const tsc_map_t *p = &h->map[i];
        int32_t c = 0;
        if (p->feat >= 0) {
            c = b->col_of[p->feat];
            if (c < 0) {
                if (TSC_GROW(b->col_feat, b->m_col_feat, (size_t)b->n_cols + 1) < 0) goto nomem;
                c = b->col_of[p->feat] = b->n_cols++;
                b->col_feat[c] = p->feat;
            }
        }
        if (b->min_as_rec == 0 || p->as < b->min_as) {
            b->min_as = p->as;
            b->min_as_rec = b->n_rec;
            b->min_as_frag = h->frag;
        }
        b->col[b->nnz] = c;
        b->sum[b->nnz] = (int64_t)p->as + p->alnlen;
        b->nnz++;
    }
    return 0;
nomem:
    tsc_error("out of memory");
    return -1;
}

static int info_index(const tsc_hdr_t *h, const char *key)
{
    int32_t i;
    for (i = 0; i < h->n_info; i++)
        if (strcmp(h->info[i].key, key) == 0) return i;
    return -1;
}

/* Move run-info entry KEY to just after AFTER (both must exist; else nothing changes). */
static void info_place_after(tsc_hdr_t *h, const char *key, const char *after)
{
    int i = info_index(h, key), a;
    tsc_kv_t kv;
    if (i < 0 || info_index(h, after) < 0) return;
    kv = h->info[i];
    memmove(&h->info[i], &h->info[i + 1], (size_t)(h->n_info - 1 - i) * sizeof(kv));
    h->n_info--;
    a = info_index(h, after) + 1;
    memmove(&h->info[a + 1], &h->info[a], (size_t)(h->n_info - a) * sizeof(kv));
    h->info[a] = kv;
    h->n_info++;
}

/* Turn the 64-bit sums into 32-bit raw scores in place; the buffer becomes a uint32_t array. */
static uint32_t *narrow_scores(tsc_hits2mtx_t *b, int64_t min_as)
{
    uint8_t *buf = (uint8_t *)b->sum;
    uint32_t *score;
    int64_t r, i;
    for (r = 0; r < b->n_rows; r++) {
        for (i = b->indptr[r]; i < b->indptr[r + 1]; i++) {
            int64_t s, raw;
            uint32_t u;
            memcpy(&s, buf + 8 * i, 8);
            raw = s - min_as + 1;
            if (raw < 1 || raw > (int64_t)UINT32_MAX) {
                tsc_error("%s: fragment %lld: raw score AS - minAS + 1 + alnlen = %lld does not fit "
                          "in 32 bits", b->name, (long long)b->frag[r], (long long)raw);
                return NULL;
            }
            u = (uint32_t)raw;
            memcpy(buf + 4 * i, &u, 4); /* 4i + 4 <= 8(i + 1): never overwrites an unread sum */
        }
    }
    score = realloc(b->sum, (size_t)(b->nnz > 0 ? b->nnz : 1) * sizeof(uint32_t));
    if (!score) score = (uint32_t *)b->sum; /* shrinking failed: keep the larger block */
    b->sum = NULL;
    b->m_sum = 0;
    return score;
}

tsc_mtx_t *tsc_hits2mtx_finish(tsc_hits2mtx_t *b, const tsc_hdr_t *hdr)
{
    tsc_mtx_t *m = NULL;
    uint32_t *score = NULL;
    int64_t min_as = 0, r, n_one = 0;
    int32_t c, i;
    void *p;

    if (close_row(b) < 0) goto fail;
    if (b->n_dropped)
        tsc_warn("%s: %lld record(s) without any real locus dropped (upstream's row filter, §6.2)",
                 b->name, (long long)b->n_dropped);
    if (b->nnz > 0) {
        if (tsc_hdr_get_info_int(hdr, "_min_as", &min_as) < 0) {
            tsc_error("%s: run info _min_as (the global minimum AS) is missing or not an integer; "
                      "the raw scores need it", b->name);
            goto fail;
        }
        if (b->min_as < min_as) {
            tsc_error("%s: record %lld (fragment %lld): AS %d is below the run's minimum AS %lld "
                      "(_min_as)", b->name, (long long)b->min_as_rec, (long long)b->min_as_frag,
                      (int)b->min_as, (long long)min_as);
            goto fail;
        }
    }
    if (!b->sum && !(b->sum = malloc(sizeof(int64_t)))) goto nomem;
    if (!(score = narrow_scores(b, min_as))) goto fail;

    if (!(m = tsc_mtx_init(TSC_KIND_MATRIX))) goto nomem;
    tsc_hdr_destroy(m->hdr);
    if (!(m->hdr = tsc_hdr_dup(hdr))) goto nomem;
    m->hdr->kind = TSC_KIND_MATRIX;
    tsc_hdr_clear_features(m->hdr);
    if (tsc_hdr_add_feature(m->hdr, b->key, 0) < 0) goto nomem;
    for (c = 1; c < b->n_cols; c++)
        if (tsc_hdr_add_feature(m->hdr, hdr->feat[b->col_feat[c]], hdr->flen[b->col_feat[c]]) < 0)
            goto nomem;
    for (r = 0; r < b->n_rows; r++) n_one += b->indptr[r + 1] - b->indptr[r] == 1;
    if (tsc_hdr_set_info_int(m->hdr, "overlap_unique", n_one) < 0
        || tsc_hdr_set_info_int(m->hdr, "overlap_ambig", b->n_rows - n_one) < 0
        || tsc_hdr_set_info(m->hdr, "_no_feature_key", b->key) < 0)
        goto nomem;
    info_place_after(m->hdr, "overlap_unique", "ambig");
    info_place_after(m->hdr, "overlap_ambig", "overlap_unique");

    m->n_rows = b->n_rows;
    m->n_cols = b->n_cols;
    m->nnz = b->nnz;
    if ((p = realloc(b->indptr, (size_t)(b->n_rows + 1) * sizeof(int64_t)))) b->indptr = p;
    m->indptr = b->indptr; b->indptr = NULL;
    if (b->nnz > 0 && (p = realloc(b->col, (size_t)b->nnz * sizeof(int32_t)))) b->col = p;
    if (!b->col && !(b->col = malloc(sizeof(int32_t)))) goto nomem;
    m->indices = b->col; b->col = NULL;
    m->score = score; score = NULL;
    if (!b->frag && !(b->frag = malloc(sizeof(int64_t)))) goto nomem;
    m->frag = b->frag; b->frag = NULL;
    if (b->names == 1) {
        if (!b->name_v && !(b->name_v = malloc(sizeof(char *)))) goto nomem;
        m->names = b->name_v; b->name_v = NULL;
    }
    if (hdr->n_feat > 0) {
        if (!(m->aloc = calloc((size_t)hdr->n_feat, sizeof(char *)))
            || !(m->alen = malloc((size_t)hdr->n_feat * sizeof(int64_t))))
            goto nomem;
        m->n_aloc = hdr->n_feat;
        for (i = 0; i < hdr->n_feat; i++) {
            if (!(m->aloc[i] = strdup(hdr->feat[i]))) goto nomem;
            m->alen[i] = hdr->flen[i];
        }
    }
    tsc_hits2mtx_destroy(b);
    return m;
nomem:
    tsc_error("out of memory");
fail:
    free(score);
    tsc_mtx_destroy(m);
    tsc_hits2mtx_destroy(b);
    return NULL;
}

tsc_mtx_t *tsc_hits2mtx(tsc_rstream_t *r, const tsc_hits2mtx_opt_t *opt)
{
    tsc_hits2mtx_t *b;
    tsc_hitr_t *hr;
    tsc_hit_t h;
    int ret;
    if (!(b = tsc_hits2mtx_init(tsc_rs_hdr(r), tsc_rs_name(r), opt))) return NULL;
    if (!(hr = tsc_hitr_init(r))) {
        tsc_error("out of memory");
        tsc_hits2mtx_destroy(b);
        return NULL;
    }
    memset(&h, 0, sizeof(h));
    while ((ret = tsc_hitr_next(hr, &h)) > 0)
        if (tsc_hits2mtx_add(b, &h) < 0) { ret = -1; break; }
    tsc_hit_free(&h);
    tsc_hitr_destroy(hr);
    if (ret < 0) {
        tsc_hits2mtx_destroy(b);
        return NULL;
    }
    return tsc_hits2mtx_finish(b, tsc_rs_hdr(r));
}
