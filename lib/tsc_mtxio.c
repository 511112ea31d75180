/* tsc_mtxio.c -- read and write MATRIX, BLOCKS and FIT streams (layout in tsc_matrix.h).
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include "tsc_matrix.h"

tsc_mtx_t *tsc_mtx_init(int kind)
{
    tsc_mtx_t *m = calloc(1, sizeof(*m));
    if (!m) return NULL;
    if (!(m->hdr = tsc_hdr_init(kind))) { free(m); return NULL; }
    return m;
}

static void free_strv(char **s, int64_t n)
{
    int64_t i;
    if (!s) return;
    for (i = 0; i < n; i++) free(s[i]);
    free(s);
}

void tsc_mtx_destroy(tsc_mtx_t *m)
{
    if (!m) return;
    tsc_hdr_destroy(m->hdr);
    free(m->indptr); free(m->indices); free(m->score); free(m->frag);
    free_strv(m->names, m->n_rows);
    free_strv(m->aloc, m->n_aloc);
    free(m->alen);
    free(m->brpt); free(m->brow); free(m->bcpt); free(m->bcol);
    free(m->pi); free(m->theta); free(m->pi_init); free(m->theta_init); free(m->z);
    free(m->trace_diff); free(m->trace_lnl); free(m->r);
    free(m);
}

/* one-block string array (from the reader) -> individually allocated strings */
static char **split_strv(char **blk, uint64_t n)
{
    char **s = calloc(n ? n : 1, sizeof(char *));
    uint64_t i;
    if (!s) return NULL;
    for (i = 0; i < n; i++)
        if (!(s[i] = strdup(blk[i]))) { free_strv(s, (int64_t)i); return NULL; }
    return s;
}

#define BAD(...) do { tsc_log(TSC_LOG_ERROR, __func__, __VA_ARGS__); goto fail; } while (0)

static int validate(const tsc_mtx_t *m, const char *name)
{
    int64_t i, j, N = m->n_rows, K = m->n_cols;
    uint8_t *seen = NULL;
    if (m->hdr->n_feat != K)
        BAD("%s: corrupted stream: %d features in the header but %lld columns", name, m->hdr->n_feat, (long long)K);
    if (m->indptr[0] != 0 || m->indptr[N] != m->nnz) BAD("%s: corrupted stream: bad row pointers", name);
    for (i = 0; i < N; i++) {
        if (m->indptr[i + 1] < m->indptr[i] || m->indptr[i + 1] > m->nnz)
            BAD("%s: corrupted stream: row pointers decrease or pass the end at row %lld", name, (long long)i);
        for (j = m->indptr[i]; j < m->indptr[i + 1]; j++) {
            if (m->indices[j] < 0 || m->indices[j] >= K)
                BAD("%s: corrupted stream: row %lld has column %d, outside 0..%lld", name, (long long)i, m->indices[j], (long long)K - 1);
            if (j > m->indptr[i] && m->indices[j] <= m->indices[j - 1])
                BAD("%s: corrupted stream: row %lld: columns not ascending", name, (long long)i);
        }
    }
    if (m->brpt) { /* also with 0 blocks: then there must be no rows and one column */
        int64_t B = m->n_blocks;
        if (!(seen = calloc((size_t)(N > K ? N : K) + 1, 1))) BAD("out of memory");
        if (m->brpt[0] != 0 || m->brpt[B] != N || m->bcpt[0] != 0 || m->bcpt[B] != K - 1)
            BAD("%s: corrupted stream: bad block pointers", name);
        for (i = 0; i < B; i++)
            if (m->brpt[i + 1] < m->brpt[i] || m->bcpt[i + 1] < m->bcpt[i]) BAD("%s: corrupted stream: bad block pointers", name);
        for (i = 0; i < N; i++) {
            if (m->brow[i] < 0 || m->brow[i] >= N || seen[m->brow[i]]) BAD("%s: corrupted stream: block rows are not a permutation", name);
            seen[m->brow[i]] = 1;
        }
        memset(seen, 0, (size_t)(N > K ? N : K) + 1);
        for (i = 0; i < K - 1; i++) {
            if (m->bcol[i] < 1 || m->bcol[i] >= K || seen[m->bcol[i]]) BAD("%s: corrupted stream: block columns are not a permutation", name);
            seen[m->bcol[i]] = 1;
        }
        free(seen);
    }
    return 0;
fail:
    free(seen);
    return -1;
}

#define MTX_KINDS(k) ((k) ? (k) : TSC_KIND_MASK(TSC_KIND_MATRIX) | TSC_KIND_MASK(TSC_KIND_BLOCKS) | TSC_KIND_MASK(TSC_KIND_FIT))

static tsc_mtx_t *mtx_read(tsc_rstream_t *r);

tsc_mtx_t *tsc_mtx_read(const char *path, unsigned kinds)
{
    return mtx_read(tsc_rs_open(path, MTX_KINDS(kinds)));
}

tsc_mtx_t *tsc_mtx_read_fp(FILE *fp, const char *name, unsigned kinds)
{
    return mtx_read(tsc_rs_fdopen(fp, name, MTX_KINDS(kinds)));
}

/* the whole stream of R (NULL: its open failed); R is closed here */
static tsc_mtx_t *mtx_read(tsc_rstream_t *r)
{
    tsc_mtx_t *m = NULL;
    tsc_sec_t s;
    int ret, kind, have_shape = 0;
    const char *name;
    char tb[5];
    uint64_t B = 0, n_score = 0, n_z = 0, n_bcpt = 0, n_alen = 0, n_tlnl = 0, n_r = 0; /* checked once all are read */
    if (!r) return NULL;
    name = tsc_rs_name(r);
    kind = tsc_rs_kind(r);
    if (kind == TSC_KIND_HITS) BAD("%s: input is a HITS stream; pipe it through tsc-matrix first", name);
    if (!(m = calloc(1, sizeof(*m)))) BAD("out of memory");
    m->lnl = 0;
    while ((ret = tsc_rs_next(r, &s)) == 1) {
        uint32_t t = s.tag;
        int want;
        uint64_t n;
        void **dst = NULL;
        if (t == TSC_TAG_RUNINFO) continue;
        if (t == TSC_SEC_SHAPE) {
            const int64_t *v = s.data;
            if (have_shape) BAD("%s: corrupted stream: repeated SHAP section", name);
            if (s.type != TSC_T_I64 || s.count != 2 || v[0] < 0 || v[1] < 1 || v[0] > INT64_MAX / 2 || v[1] > INT32_MAX)
                BAD("%s: corrupted stream: bad SHAP section", name);
            m->n_rows = v[0];
            m->n_cols = v[1];
            have_shape = 1;
            continue;
        }
        if (!have_shape && t != TSC_SEC_ALOC && t != TSC_SEC_ALEN)
            BAD("%s: corrupted stream: section '%s' before SHAP", name, tsc_tag_str(t, tb));
        if (t == TSC_SEC_INDPTR) { want = TSC_T_I64; n = m->n_rows + 1; dst = (void **)&m->indptr; }
        else if (t == TSC_SEC_INDICES) { want = TSC_T_I32; n = s.count; dst = (void **)&m->indices; m->nnz = (int64_t)s.count; }
        else if (t == TSC_SEC_SCORE) { want = TSC_T_U32; n = n_score = s.count; dst = (void **)&m->score; }
        else if (t == TSC_SEC_FRAG) { want = TSC_T_I64; n = m->n_rows; dst = (void **)&m->frag; }
        else if (t == TSC_SEC_ALEN) { want = TSC_T_I64; n = n_alen = s.count; dst = (void **)&m->alen; }
        else if (t == TSC_SEC_BRPT) {
            if (s.count == 0) BAD("%s: corrupted stream: empty BRPT section", name);
            want = TSC_T_I64; n = s.count; dst = (void **)&m->brpt; B = s.count - 1;
        }
        else if (t == TSC_SEC_BROW) { want = TSC_T_I64; n = m->n_rows; dst = (void **)&m->brow; }
        else if (t == TSC_SEC_BCPT) { want = TSC_T_I64; n = n_bcpt = s.count; dst = (void **)&m->bcpt; }
        else if (t == TSC_SEC_BCOL) { want = TSC_T_I32; n = m->n_cols - 1; dst = (void **)&m->bcol; }
        else if (t == TSC_SEC_PI) { want = TSC_T_F64; n = m->n_cols; dst = (void **)&m->pi; }
        else if (t == TSC_SEC_THETA) { want = TSC_T_F64; n = m->n_cols; dst = (void **)&m->theta; }
        else if (t == TSC_SEC_PI_INIT) { want = TSC_T_F64; n = m->n_cols; dst = (void **)&m->pi_init; }
        else if (t == TSC_SEC_THETA_INIT) { want = TSC_T_F64; n = m->n_cols; dst = (void **)&m->theta_init; }
        else if (t == TSC_SEC_Z) { want = TSC_T_F64; n = n_z = s.count; dst = (void **)&m->z; }
        else if (t == TSC_SEC_EMDIFF) { want = TSC_T_F64; n = s.count; dst = (void **)&m->trace_diff; m->n_trace = (int64_t)s.count; }
        else if (t == TSC_SEC_REASSIGN) { want = TSC_T_F64; n = n_r = s.count; dst = (void **)&m->r; }
        else if (t == TSC_SEC_EMLNL) { want = TSC_T_F64; n = n_tlnl = s.count; dst = (void **)&m->trace_lnl; }
        else if (t == TSC_SEC_LNL) {
            if (s.type != TSC_T_F64 || s.count != 1) BAD("%s: corrupted stream: bad LNL_ section", name);
            m->lnl = *(double *)s.data;
            continue;
        } else if (t == TSC_SEC_NAME || t == TSC_SEC_ALOC) {
            if (s.type != TSC_T_STR || (t == TSC_SEC_NAME && s.count != (uint64_t)m->n_rows) || s.count > INT32_MAX)
                BAD("%s: corrupted stream: bad '%s' section", name, tsc_tag_str(t, tb));
            if (t == TSC_SEC_NAME) {
                if (m->names || !(m->names = split_strv(s.data, s.count))) BAD("%s: duplicate NAME section or out of memory", name);
            } else {
                if (m->aloc || !(m->aloc = split_strv(s.data, s.count))) BAD("%s: duplicate ALOC section or out of memory", name);
                m->n_aloc = (int32_t)s.count;
            }
            continue;
        } else {
            tsc_debug("%s: skipping unknown section '%s'", name, tsc_tag_str(t, tb));
            continue;
        }
        if (s.type != want || s.count != n || *dst)
            BAD("%s: corrupted stream: section '%s' has the wrong type or length (or is repeated)", name, tsc_tag_str(t, tb));
        *dst = tsc_rs_steal(r, &s);
    }
    if (ret < 0) goto fail;
    if (!have_shape || !m->indptr || !m->indices || !m->score)
        BAD("%s: corrupted stream: a %s stream without its matrix sections", name, tsc_kind_name(kind));
    if ((m->alen == NULL) != (m->aloc == NULL) || (m->alen && n_alen != (uint64_t)m->n_aloc))
        BAD("%s: corrupted stream: ALOC and ALEN do not match", name);
    /* sections whose length depends on another one, whatever their order */
    if (n_score != (uint64_t)m->nnz || (m->z && n_z != (uint64_t)m->nnz))
        BAD("%s: corrupted stream: INDX has %lld cells but SCOR or ZFIN a different number", name, (long long)m->nnz);
    if (m->r && n_r != (uint64_t)m->nnz)
        BAD("%s: corrupted stream: INDX has %lld cells but RFIN a different number", name, (long long)m->nnz);
    if (m->trace_lnl && (!m->trace_diff || n_tlnl != (uint64_t)m->n_trace))
        BAD("%s: corrupted stream: EMLL without an EMDF section of the same length", name);
    if (m->bcpt && (!m->brpt || n_bcpt != B + 1))
        BAD("%s: corrupted stream: BRPT and BCPT do not match", name);
    if (kind >= TSC_KIND_BLOCKS && kind != TSC_KIND_FIT && !(m->brpt && m->brow && m->bcpt && m->bcol))
        BAD("%s: corrupted stream: a BLOCKS stream without its block sections", name);
    if (m->brpt && m->brow && m->bcpt && m->bcol) m->n_blocks = (int64_t)B;
    else if (m->brpt || m->brow || m->bcpt || m->bcol) BAD("%s: corrupted stream: incomplete block sections", name);
    if (kind == TSC_KIND_FIT && !(m->pi && m->theta && m->pi_init && m->theta_init && m->z))
        BAD("%s: corrupted stream: a FIT stream without its fit sections", name);
    if (!(m->hdr = tsc_hdr_dup(tsc_rs_hdr(r)))) BAD("out of memory");
    if (validate(m, name) < 0) goto fail;
    tsc_rs_close(r);
    return m;
fail:
    tsc_rs_close(r);
    tsc_mtx_destroy(m);
    return NULL;
}

int tsc_mtx_write(const char *path, const tsc_mtx_t *m)
{
    tsc_wstream_t *w;
    int kind = m->hdr->kind, ok = 1;
    int64_t shape[2] = { m->n_rows, m->n_cols };
    if (kind < TSC_KIND_MATRIX || m->n_cols < 1 || m->hdr->n_feat != m->n_cols) {
        tsc_log(TSC_LOG_ERROR, __func__, "internal error: cannot write a %s stream with %d features and %lld columns",
                tsc_kind_name(kind), m->hdr->n_feat, (long long)m->n_cols);
        return -1;
    }
    if (!(w = tsc_ws_open(path, m->hdr))) return -1;
#define SEC(tag, type, p, n) do { if (ok && tsc_ws_section(w, tag, type, p, (uint64_t)(n)) < 0) ok = 0; } while (0)
    SEC(TSC_SEC_SHAPE, TSC_T_I64, shape, 2);
    SEC(TSC_SEC_INDPTR, TSC_T_I64, m->indptr, m->n_rows + 1);
    SEC(TSC_SEC_INDICES, TSC_T_I32, m->indices, m->nnz);
    SEC(TSC_SEC_SCORE, TSC_T_U32, m->score, m->nnz);
    if (m->frag) SEC(TSC_SEC_FRAG, TSC_T_I64, m->frag, m->n_rows);
    if (m->names) SEC(TSC_SEC_NAME, TSC_T_STR, m->names, m->n_rows);
    if (m->aloc) {
        SEC(TSC_SEC_ALOC, TSC_T_STR, m->aloc, m->n_aloc);
        SEC(TSC_SEC_ALEN, TSC_T_I64, m->alen, m->n_aloc);
    }
    if (kind >= TSC_KIND_BLOCKS && m->n_blocks > 0) {
        SEC(TSC_SEC_BRPT, TSC_T_I64, m->brpt, m->n_blocks + 1);
        SEC(TSC_SEC_BROW, TSC_T_I64, m->brow, m->n_rows);
        SEC(TSC_SEC_BCPT, TSC_T_I64, m->bcpt, m->n_blocks + 1);
        SEC(TSC_SEC_BCOL, TSC_T_I32, m->bcol, m->n_cols - 1);
    } else if (kind == TSC_KIND_BLOCKS) { /* no block: only possible for an empty matrix */
        static const int64_t zero = 0;
        if (m->n_rows || m->n_cols != 1) {
            tsc_log(TSC_LOG_ERROR, __func__, "internal error: a BLOCKS stream without blocks");
            ok = 0;
        }
        SEC(TSC_SEC_BRPT, TSC_T_I64, &zero, 1);
        SEC(TSC_SEC_BROW, TSC_T_I64, &zero, 0);
        SEC(TSC_SEC_BCPT, TSC_T_I64, &zero, 1);
        SEC(TSC_SEC_BCOL, TSC_T_I32, &zero, 0);
    }
    if (kind == TSC_KIND_FIT) {
        SEC(TSC_SEC_PI, TSC_T_F64, m->pi, m->n_cols);
        SEC(TSC_SEC_THETA, TSC_T_F64, m->theta, m->n_cols);
        SEC(TSC_SEC_PI_INIT, TSC_T_F64, m->pi_init, m->n_cols);
        SEC(TSC_SEC_THETA_INIT, TSC_T_F64, m->theta_init, m->n_cols);
        SEC(TSC_SEC_Z, TSC_T_F64, m->z, m->nnz);
        SEC(TSC_SEC_LNL, TSC_T_F64, &m->lnl, 1);
        if (m->trace_diff) SEC(TSC_SEC_EMDIFF, TSC_T_F64, m->trace_diff, m->n_trace);
        if (m->trace_diff && m->trace_lnl) SEC(TSC_SEC_EMLNL, TSC_T_F64, m->trace_lnl, m->n_trace);
    } else if (m->z) SEC(TSC_SEC_Z, TSC_T_F64, m->z, m->nnz);
    if (m->r) SEC(TSC_SEC_REASSIGN, TSC_T_F64, m->r, m->nnz);
#undef SEC
    if (!ok) { tsc_ws_abort(w); return -1; }
    return tsc_ws_close(w);
}
