/* tsc_tag.c -- the updated alignment file (Telescope's --updated_sam, spec §6.1, §9.4).
 * Part of tsc (Telescope in C). MIT licence.
 *
 * Units, features, PRI/SEC and ZB come from the fragment library (tsc_fragment.c), the code
 * tsc-fetch runs; z and the reassignment come from the FIT.  Nothing of §4-§6.1 is computed here. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/hts.h>
#include <htslib/khash.h>
#include <htslib/thread_pool.h>
#include "tsc_aux.h"
#include "tsc_fetch.h"
#include "tsc_reassign.h"
#include "tsc_tag.h"
#include "tsc_util.h"

KHASH_MAP_INIT_STR(tag_s2i, int64_t)

/* ================================================================ per-unit values (§9.4) */

static const char *const colors[TSC_YC_N] = { NULL, "248,248,248", "217,95,2", "230,171,2", "209,236,228" };

const char *tsc_tag_color_str(int color)
{
    return color > 0 && color < TSC_YC_N ? colors[color] : NULL;
}

int tsc_tag_mapq(double p)
{
    double q;
    if (!(p < 1.0)) return 255; /* p >= 1 (and NaN, which upstream's `f < 1.0` also sends here) */
    q = rint(-10.0 * log10(1.0 - p)); /* round half to even, as Python's round() */
    if (q <= 0.0) return 0;      /* -0.0 for p = 0 */
    return q >= 254.0 ? 254 : (int)q; /* p < 1 in binary64 gives at most 160 */
}

int tsc_tag_xp(double p)
{
    double x = rint(p * 100.0);
    if (!(x >= 0.0)) return 0;
    return x > 100.0 ? 100 : (int)x;
}

void tsc_tag_final(int pri, double p, double r, tsc_tag_fin_t *out)
{
    out->xpf = 0.0f;
    if (!pri) {
        out->secondary = 1;
        out->mapq = 0;
        out->xp = -1;
        out->yc = TSC_YC_SEC;
        return;
    }
    out->mapq = (uint8_t)tsc_tag_mapq(p);
    out->xp = (int16_t)tsc_tag_xp(p);
    if (r > 0.0) {
        out->secondary = 0;
        out->yc = TSC_YC_PRIMARY;
    } else {
        out->secondary = 1;
        out->yc = p >= 0.2 ? TSC_YC_HIGH : TSC_YC_LOW;
    }
}

/* ================================================================ options */

void tsc_tag_opt_init(tsc_tag_opt_t *o)
{
    memset(o, 0, sizeof(*o));
    o->mode = TSC_RA_EXCLUDE;
    o->conf_prob = 0.9;
    tsc_frag_opt_init(&o->frag);
    o->n_threads = 1;
    o->add_pg = 1;
}

int tsc_tag_opt_check(const tsc_tag_opt_t *o)
{
    int ok = 1;
    char mode[16];
    if (o->mode < 0 || o->mode >= TSC_RA_ALL) {
        tsc_error("reassignment mode must be exclude, choose, average, conf or unique");
        ok = 0;
    }
    if (!(o->conf_prob >= 0.0 && o->conf_prob <= 1.0)) {
        tsc_error("conf_prob must be in [0, 1]");
        ok = 0;
    }
    if (!(o->frag.overlap_threshold >= 0.0 && o->frag.overlap_threshold <= 1.0)) {
        tsc_error("overlap threshold must be in [0, 1]");
        ok = 0;
    }
    if (strcmp(tsc_strand_mode_name(o->frag.strand_mode), "?") == 0) {
        tsc_error("bad stranded mode %d", o->frag.strand_mode);
        ok = 0;
    }
    if (o->n_threads < 1) {
        tsc_error("threads must be at least 1");
        ok = 0;
    }
    if (o->order < 0 || o->order > 2) {
        tsc_error("bad input order %d", o->order);
        ok = 0;
    }
    if (o->out_format && sam_open_mode(mode, "-", o->out_format) < 0) {
        tsc_error("unknown output format '%s' (sam, bam, cram)", o->out_format);
        ok = 0;
    }
    return ok ? 0 : -1;
}

/* ================================================================ the FIT */

void tsc_tag_fit_destroy(tsc_tag_fit_t *t)
{
    if (!t) return;
    tsc_mtx_destroy(t->m);
    free(t->r);
    free(t->loc2col);
    free(t);
}

/* R with upstream's draws for the BAM (Q8 kept): init_best_random, then TE_counts' choose,
 * then fresh draws for the BAM, all from one generator. */
static int upstream_bam_draws(const tsc_mtx_t *m, double conf_prob, double *r)
{
    tsc_mt_t rng;
    uint32_t seed;
    if (m->n_rows == 0) return 0;
    if (tsc_reassign_run_seed(m, &seed) < 0) return -1;
    tsc_mt_seed(&rng, seed);
    if (tsc_reassign(m, NULL, TSC_RA_CHOOSE, conf_prob, &rng, r) < 0) return -1;
    if (tsc_reassign(m, m->z, TSC_RA_CHOOSE, conf_prob, &rng, r) < 0) return -1;
    return tsc_reassign(m, m->z, TSC_RA_CHOOSE, conf_prob, &rng, r);
}

tsc_tag_fit_t *tsc_tag_fit_init(tsc_mtx_t *m, const tsc_annot_t *a, const tsc_tag_opt_t *o,
                                const char *src)
{
    tsc_tag_fit_t *t = calloc(1, sizeof(*t));
    khash_t(tag_s2i) *h = NULL;
    int32_t i, j;
    int ret;
    if (!t) goto nomem;
    t->m = m;
    t->total_fragments = -1;
    t->sc = o->sc;
    if (o->sc) {
        if (!m->z || !m->r || (m->n_rows > 0 && !m->frag)) {
            tsc_error("%s: not a stream of posteriors (make it with tsc-sccount --posteriors)", src);
            goto fail;
        }
    } else if (m->hdr->kind != TSC_KIND_FIT || (!m->z && m->nnz > 0)) {
        tsc_error("%s: not a FIT stream (make it with tsc-em)", src);
        goto fail;
    }
    if (m->n_cols < 1 || m->hdr->n_feat != m->n_cols) {
        tsc_error("%s: the FIT has %lld columns but %d features", src, (long long)m->n_cols,
                  (int)m->hdr->n_feat);
        goto fail;
    }
    /* the loci must be those tsc-fetch used: ALOC/ALEN of the stream */
    if (m->aloc) {
        if (m->n_aloc != a->n_loci) {
            tsc_error("%s: the FIT was made with %d annotated loci, the loci file has %d: "
                      "give the loci BED that tsc-fetch used", src, (int)m->n_aloc, (int)a->n_loci);
            goto fail;
        }
        for (i = 0; i < a->n_loci; i++)
            if (strcmp(m->aloc[i], a->locus[i]) != 0 || (m->alen && m->alen[i] != a->len[i])) {
                tsc_error("%s: annotated locus %d is %s (%lld bp) in the FIT but %s (%lld bp) in the "
                          "loci file: give the loci BED that tsc-fetch used", src, (int)i + 1,
                          m->aloc[i], (long long)(m->alen ? m->alen[i] : -1), a->locus[i],
                          (long long)a->len[i]);
                goto fail;
            }
    }
    /* columns: 0 = the no-feature key, the others loci */
    t->n_loc = a->n_loci;
    if (!(t->loc2col = malloc((size_t)(a->n_loci > 0 ? a->n_loci : 1) * sizeof(int32_t)))) goto nomem;
    for (i = 0; i < a->n_loci; i++) t->loc2col[i] = -1;
    if (!(h = kh_init(tag_s2i))) goto nomem;
    for (i = 0; i < a->n_loci; i++) {
        khint_t k = kh_put(tag_s2i, h, a->locus[i], &ret);
        if (ret < 0) goto nomem;
        if (ret > 0) kh_val(h, k) = i;
    }
    for (j = 1; j < m->n_cols; j++) {
        khint_t k = kh_get(tag_s2i, h, m->hdr->feat[j]);
        if (k == kh_end(h)) {
            tsc_error("%s: column %d of the FIT is '%s', which is not a locus of the loci file: "
                      "give the loci BED that tsc-fetch used", src, (int)j, m->hdr->feat[j]);
            goto fail;
        }
        t->loc2col[kh_val(h, k)] = j;
    }
    kh_destroy(tag_s2i, h);
    h = NULL;
    if (tsc_hdr_get_info_int(m->hdr, "_min_as", &t->min_as) == 0) t->has_min_as = 1;
    else if (m->n_rows > 0) {
        tsc_error("%s: the run info has no _min_as (the FIT was not made by tsc-fetch | tsc-matrix)", src);
        goto fail;
    }
    if (tsc_hdr_get_info_int(m->hdr, "total_fragments", &t->total_fragments) < 0) t->total_fragments = -1;
    if (m->n_rows > 0 && !m->frag && !m->names) {
        tsc_error("%s: the FIT has neither fragment ordinals (FRAG) nor names (NAME): "
                  "it cannot be matched with the alignments", src);
        goto fail;
    }
    if (o->sc) { /* R of the first mode, as tsc-sccount computed it */
        t->r = m->r;
        m->r = NULL;
        return t;
    }
    if (!(t->r = malloc((size_t)(m->nnz > 0 ? m->nnz : 1) * sizeof(double)))) goto nomem;
    if (o->upstream_draws && o->mode == TSC_RA_CHOOSE) ret = upstream_bam_draws(m, o->conf_prob, t->r);
    else ret = tsc_reassign_final(m, o->mode, o->conf_prob, t->r);
    if (ret < 0) {
        tsc_error("%s: cannot compute the reassignment", src);
        goto fail;
    }
    return t;
nomem:
    tsc_error("out of memory");
fail:
    if (h) kh_destroy(tag_s2i, h);
    if (t) tsc_tag_fit_destroy(t);
    else tsc_mtx_destroy(m);
    return NULL;
}

int64_t tsc_tag_fit_cell(const tsc_tag_fit_t *t, int64_t row, int32_t col)
{
    const tsc_mtx_t *m = t->m;
    int64_t lo, hi;
    if (row < 0 || row >= m->n_rows) return -1;
    lo = m->indptr[row];
    hi = m->indptr[row + 1];
    while (lo < hi) { /* columns ascend within a row */
        int64_t mid = lo + (hi - lo) / 2;
        if (m->indices[mid] < col) lo = mid + 1;
        else hi = mid;
    }
    return lo < m->indptr[row + 1] && m->indices[lo] == col ? lo : -1;
}

int32_t tsc_tag_fit_col(const tsc_tag_fit_t *t, int32_t feat)
{
    if (feat == -1) return 0;
    if (feat < 0 || feat >= t->n_loc) return -1;
    return t->loc2col[feat];
}

/* ================================================================ edits */

void tsc_tag_edits_clear(tsc_tag_edits_t *e)
{
    e->n = 0;
    e->zb.l = 0;
}

void tsc_tag_edits_free(tsc_tag_edits_t *e)
{
    free(e->a);
    free(e->zb.s);
    memset(e, 0, sizeof(*e));
}

static const char *feat_name(const tsc_tag_fit_t *t, int32_t col)
{
    return t->m->hdr->feat[col];
}

/* Log why fragment F is not FIT row ROW; returns TSC_TAG_E_MISMATCH. */
static int mismatch(const tsc_tag_fit_t *t, int64_t row, const tsc_frag_t *f, const char *src,
                    const char *what)
{
    tsc_error("%s: read %s (record %lld) does not match row %lld of the FIT (%s): %s. Is the FIT made "
              "from this alignment file, with the same loci, --overlap-threshold and --stranded-mode?",
              src, f->name.s ? f->name.s : "?", f->n_rec > 0 ? (long long)f->rec[0].idx + 1 : 0LL,
              (long long)row + 1, t->m->names ? t->m->names[row] : "no names", what);
    return TSC_TAG_E_MISMATCH;
}

static int check_frag(const tsc_tag_fit_t *t, int64_t row, const tsc_frag_t *f, const char *src)
{
    const tsc_mtx_t *m = t->m;
    char msg[256];
    int64_t n = m->indptr[row + 1] - m->indptr[row];
    int32_t k;
    if (m->names && strcmp(m->names[row], f->name.s) != 0)
        return mismatch(t, row, f, src, "another read name");
    if (t->sc && n == 0) { /* a UMI duplicate tsc-dedup excluded: no cells, matched by name */
        if (!m->names) return mismatch(t, row, f, src, "an empty row and no names to match it by");
        return 0;
    }
    if (n != f->n_map) {
        snprintf(msg, sizeof msg, "%d features here, %lld in the FIT", (int)f->n_map, (long long)n);
        return mismatch(t, row, f, src, msg);
    }
    for (k = 0; k < f->n_map; k++) {
        const tsc_map_t *mp = &f->map[k];
        int32_t col = tsc_tag_fit_col(t, mp->feat);
        int64_t c = col >= 0 ? tsc_tag_fit_cell(t, row, col) : -1, raw;
        if (c < 0) {
            snprintf(msg, sizeof msg, "feature %.100s is not in the row",
                     mp->feat >= 0 && col < 0 ? "(a locus with no column)" : col >= 0 ? feat_name(t, col) : "?");
            return mismatch(t, row, f, src, msg);
        }
        raw = (int64_t)mp->as - t->min_as + 1 + mp->alnlen;
        if (raw != (int64_t)m->score[c]) {
            snprintf(msg, sizeof msg, "score %lld on %.100s here, %lld in the FIT", (long long)raw,
                     feat_name(t, col), (long long)m->score[c]);
            return mismatch(t, row, f, src, msg);
        }
    }
    return 0;
}

static int push_edit(tsc_tag_edits_t *e, const tsc_rec_t *r, int32_t col, int32_t zb, int pri,
                     const tsc_tag_fin_t *fin)
{
    tsc_tag_edit_t *ed;
    if (e->n == e->m) {
        int64_t nm = e->m < 16 ? 16 : e->m + (e->m >> 1);
        tsc_tag_edit_t *a = realloc(e->a, (size_t)nm * sizeof(*a));
        if (!a) return -1;
        e->a = a;
        e->m = nm;
    }
    ed = &e->a[e->n++];
    ed->rec = r->idx;
    ed->col = col;
    ed->zb = zb;
    ed->pri = (uint8_t)pri;
    ed->fin = *fin;
    return 0;
}

int tsc_tag_frag_edits(const tsc_tag_fit_t *t, int64_t row, const tsc_frag_t *f, tsc_tag_edits_t *e,
                       const char *src)
{
    const tsc_mtx_t *m = t->m;
    int32_t u, k, zb;
    int ret;
    if (row < 0 || row >= m->n_rows) return mismatch(t, row < 0 ? 0 : row, f, src, "no such row");
    if ((ret = check_frag(t, row, f, src)) < 0) return ret;
    /* ZB: the features of the mappings with the top AS, in mapping order */
    if (e->zb.l > INT32_MAX / 2) return TSC_TAG_E_NOMEM;
    zb = (int32_t)e->zb.l;
    for (k = 0; k < f->n_zb; k++) {
        if (k > 0 && kputc(',', &e->zb) < 0) return TSC_TAG_E_NOMEM;
        if (kputs(feat_name(t, tsc_tag_fit_col(t, f->map[k].feat)), &e->zb) < 0) return TSC_TAG_E_NOMEM;
    }
    if (kputc('\0', &e->zb) < 0) return TSC_TAG_E_NOMEM; /* kputc keeps a NUL after it too */
    for (u = 0; u < f->n_unit; u++) {
        const tsc_unit_t *un = &f->unit[u];
        tsc_tag_fin_t fin;
        int32_t col;
        if (!un->mapped) continue; /* unmapped units are written unchanged */
        col = tsc_tag_fit_col(t, un->feat);
        if (col < 0) return mismatch(t, row, f, src, "a unit's locus is not a column");
        if (un->pri) {
            int64_t c = tsc_tag_fit_cell(t, row, col);
            if (c < 0 && !(t->sc && m->indptr[row] == m->indptr[row + 1]))
                return mismatch(t, row, f, src, "a unit's feature is not in the row");
            tsc_tag_final(1, c < 0 ? 0.0 : m->z[c], c < 0 ? 0.0 : t->r[c], &fin);
            if (t->sc) fin.xpf = (float)(c < 0 ? 0.0 : m->z[c]);
        } else {
            tsc_tag_final(0, 0.0, 0.0, &fin);
        }
        if (push_edit(e, &f->rec[un->r1], col, zb, un->pri, &fin) < 0) return TSC_TAG_E_NOMEM;
        if (un->r2 >= 0 && push_edit(e, &f->rec[un->r2], col, zb, un->pri, &fin) < 0) return TSC_TAG_E_NOMEM;
    }
    return 0;
}

/* Remove the aux fields ZF, ZT, ZB, YC (and XP if WITH_XP) from B, in one pass: what pysam's
 * set_tag does before appending (delete, then append at the end). Records without them (the
 * usual case) are only scanned. 0, or -1 on a malformed aux block. */
static int strip_tags(bam1_t *b, int with_xp)
{
    uint8_t *s = bam_get_aux(b), *end = b->data + b->l_data, *w = s, *p = s;
    while (p < end) {
        int64_t n;
        int drop;
        if (end - p < 3 || (n = tsc_aux_len(p[2], p + 3, end)) < 0 || n > end - p - 3) return -1;
        drop = (p[0] == 'Z' && (p[1] == 'F' || p[1] == 'T' || p[1] == 'B'))
            || (p[0] == 'Y' && p[1] == 'C') || (with_xp && p[0] == 'X' && p[1] == 'P');
        if (!drop) {
            if (w != p) memmove(w, p, (size_t)(3 + n));
            w += 3 + n;
        }
        p += 3 + n;
    }
    b->l_data -= (int)(end - w);
    return 0;
}

int tsc_tag_apply(const tsc_tag_fit_t *t, const tsc_tag_edits_t *e, const tsc_tag_edit_t *ed,
                  bam1_t *b)
{
    bam1_core_t *c = &b->core;
    const char *zf = feat_name(t, ed->col), *zt = ed->pri ? "PRI" : "SEC", *zb = e->zb.s + ed->zb;
    if (ed->fin.secondary) c->flag |= BAM_FSECONDARY;
    else c->flag &= ~BAM_FSECONDARY;
    c->qual = ed->fin.mapq;
    if (strip_tags(b, ed->fin.xp >= 0) < 0) return -1;
    if (bam_aux_append(b, "ZF", 'Z', (int)strlen(zf) + 1, (const uint8_t *)zf) < 0
        || bam_aux_append(b, "ZT", 'Z', 4, (const uint8_t *)zt) < 0
        || bam_aux_append(b, "ZB", 'Z', (int)strlen(zb) + 1, (const uint8_t *)zb) < 0)
        return -1;
    if (ed->fin.xp >= 0 && t->sc) { /* Stellarscope: the posterior as a float (pysam's 'f') */
        float v = ed->fin.xpf;
        if (bam_aux_append(b, "XP", 'f', 4, (const uint8_t *)&v) < 0) return -1;
    } else if (ed->fin.xp >= 0) { /* 0..100: pysam stores it as 'C', the smallest type that holds it */
        uint8_t v = (uint8_t)ed->fin.xp;
        if (bam_aux_append(b, "XP", 'C', 1, &v) < 0) return -1;
    }
    if (ed->fin.yc != TSC_YC_NONE) {
        const char *yc = tsc_tag_color_str(ed->fin.yc);
        if (bam_aux_append(b, "YC", 'Z', (int)strlen(yc) + 1, (const uint8_t *)yc) < 0) return -1;
    }
    return 0;
}

/* ================================================================ the job */

typedef struct {
    const tsc_tag_fit_t *t;
    const tsc_tag_opt_t *o;
    const char *in;            /* input name for messages */
    samFile *fp, *out, *oth;   /* oth: single cell, the fragments that are not rows (or NULL) */
    sam_hdr_t *hdr;
    tsc_frag_ctx_t *ctx;
    htsThreadPool tp;
    tsc_tag_stats_t st;
} job_t;

static int frag_error(const job_t *j, const tsc_frag_t *f, int code)
{
    long long rec = f->err_rec >= 0 && f->err_rec < f->n_rec ? (long long)f->rec[f->err_rec].idx + 1 : 0;
    const char *nm = f->name.s ? f->name.s : "?";
    switch (code) {
    case TSC_FRAG_E_NOAS:
        tsc_error("%s: record %lld (read %s): mapped alignment without an integer AS tag", j->in, rec, nm);
        break;
    case TSC_FRAG_E_CIGAR:
        tsc_error("%s: record %lld (read %s): bad CIGAR: a zero-length M/=/X operation", j->in, rec, nm);
        break;
    case TSC_FRAG_E_NOBLOCK:
        tsc_error("%s: record %lld (read %s): mapped alignment without aligned bases (CIGAR '*')", j->in, rec, nm);
        break;
    default:
        tsc_error("out of memory");
        break;
    }
    return -1;
}

static int write_rec(job_t *j, bam1_t *b)
{
    if (sam_write1(j->out, j->hdr, b) < 0) {
        tsc_error("write error on the output (record %lld)", (long long)j->st.records + 1);
        return -1;
    }
    j->st.records++;
    return 0;
}

/* single cell: a record of a fragment that is not a row (to the other file, if any) */
static int write_other(job_t *j, bam1_t *b)
{
    if (!j->oth) return 0;
    if (sam_write1(j->oth, j->hdr, b) < 0) {
        tsc_error("write error on %s (record %lld)", j->o->other, (long long)j->st.other + 1);
        return -1;
    }
    j->st.other++;
    return 0;
}

static void count_edits(job_t *j, const tsc_tag_edits_t *e)
{
    int64_t i;
    for (i = 0; i < e->n; i++) {
        const tsc_tag_edit_t *ed = &e->a[i];
        if (!ed->pri) j->st.sec++;
        else if (ed->fin.secondary) j->st.secondary_pri++;
        else j->st.primary++;
    }
    j->st.tagged_recs += e->n;
}

static int fit_mismatch_end(const job_t *j, const char *what)
{
    tsc_error("%s: the FIT does not belong to this alignment file: %s", j->in, what);
    return -1;
}

/* ---- name-grouped input: one pass, bundle by bundle ---- */
static int run_collated(job_t *j)
{
    const tsc_mtx_t *m = j->t->m;
    tsc_bundler_t *br = tsc_bundler_init(j->fp, j->hdr);
    tsc_frag_t f;
    tsc_tag_edits_t e = { 0, 0, NULL, { 0, 0, NULL } };
    bam1_t **b;
    int n, r = -1, ret = -1, i, e2;
    int64_t idx, ord = 0, row = 0;
    char msg[160];
    tsc_frag_init(&f);
    if (!br) { tsc_error("out of memory"); goto end; }
    while ((r = tsc_bundler_next(br, j->in, &b, &n, &idx)) > 0) {
        tsc_frag_clear(&f);
        for (i = 0; i < n; i++)
            if ((e2 = tsc_frag_add(&f, b[i], idx + i)) < 0) { frag_error(j, &f, e2); goto end; }
        if ((e2 = tsc_frag_process(&f, j->ctx)) < 0) { frag_error(j, &f, e2); goto end; }
        if (j->t->sc && (!f.has_locus || row >= m->n_rows || m->frag[row] != ord)) {
            /* not a row: unmapped, no locus, or skipped by the barcode/UMI filters */
            for (i = 0; i < n; i++)
                if (write_other(j, b[i]) < 0) goto end;
            ord++;
            continue;
        }
        if (f.has_locus) {
            if (row >= m->n_rows) {
                tsc_error("%s: the FIT does not belong to this alignment file: read %s (record %lld) is "
                          "fragment %lld with a locus here, but the FIT has only %lld rows", j->in, f.name.s,
                          (long long)idx + 1, (long long)row + 1, (long long)m->n_rows);
                goto end;
            }
            if (m->frag && m->frag[row] != ord) {
                snprintf(msg, sizeof msg, "it is fragment %lld here, %lld in the FIT", (long long)ord + 1,
                         (long long)m->frag[row] + 1);
                mismatch(j->t, row, &f, j->in, msg);
                goto end;
            }
            tsc_tag_edits_clear(&e);
            if (tsc_tag_frag_edits(j->t, row, &f, &e, j->in) < 0) goto end;
            for (i = 0; i < e.n; i++)
                if (tsc_tag_apply(j->t, &e, &e.a[i], b[e.a[i].rec - idx]) < 0) {
                    tsc_error("out of memory");
                    goto end;
                }
            count_edits(j, &e);
            row++;
        } else if (row < m->n_rows && m->frag && m->frag[row] == ord) {
            mismatch(j->t, row, &f, j->in, "no locus here");
            goto end;
        }
        for (i = 0; i < n; i++)
            if (write_rec(j, b[i]) < 0) goto end;
        ord++;
    }
    if (r < 0) goto end;
    j->st.fragments = ord;
    j->st.tagged_frags = row;
    if (row != m->n_rows) {
        snprintf(msg, sizeof msg, "%lld fragments with a locus here, %lld rows in the FIT",
                 (long long)row, (long long)m->n_rows);
        fit_mismatch_end(j, msg);
        goto end;
    }
    if (j->t->total_fragments >= 0 && j->t->total_fragments != ord) {
        snprintf(msg, sizeof msg, "%lld fragments here, total_fragments %lld in the FIT",
                 (long long)ord, (long long)j->t->total_fragments);
        fit_mismatch_end(j, msg);
        goto end;
    }
    ret = 0;
end:
    tsc_frag_free(&f);
    tsc_tag_edits_free(&e);
    tsc_bundler_destroy(br);
    return ret;
}

/* ---- coordinate-sorted input: collect the FIT rows' records, tag, then a second pass ---- */
typedef struct {
    int64_t n_rec, m_rec;
    tsc_rec_t *rec;     /* reduced records (b_off indexes blk, in pairs) */
    int64_t *row;       /* FIT row of each */
    int64_t n_blk, m_blk;
    hts_pos_t *blk;
} kept_t;

static int kept_add(kept_t *k, const tsc_frag_t *one, int64_t row)
{
    const tsc_rec_t *r = &one->rec[0];
    if (k->n_rec == k->m_rec) {
        int64_t nm = k->m_rec < 64 ? 64 : k->m_rec + (k->m_rec >> 1);
        tsc_rec_t *a = realloc(k->rec, (size_t)nm * sizeof(*a));
        int64_t *w;
        if (!a) return -1;
        k->rec = a;
        if (!(w = realloc(k->row, (size_t)nm * sizeof(*w)))) return -1;
        k->row = w;
        k->m_rec = nm;
    }
    if (k->n_blk + 2 * (int64_t)r->n_b > k->m_blk) {
        int64_t nm = k->m_blk < 256 ? 256 : k->m_blk;
        hts_pos_t *a;
        while (nm < k->n_blk + 2 * (int64_t)r->n_b) nm += nm >> 1;
        if (!(a = realloc(k->blk, (size_t)nm * sizeof(*a)))) return -1;
        k->blk = a;
        k->m_blk = nm;
    }
    k->rec[k->n_rec] = *r;
    k->rec[k->n_rec].b_off = 0; /* set below: offset in pairs would overflow int32 on big runs */
    memcpy(k->blk + k->n_blk, one->blk + 2 * (int64_t)r->b_off, 2 * (size_t)r->n_b * sizeof(hts_pos_t));
    k->row[k->n_rec] = row;
    k->n_blk += 2 * (int64_t)r->n_b;
    k->n_rec++;
    return 0;
}

static int cmp_edit(const void *a, const void *b)
{
    int64_t x = ((const tsc_tag_edit_t *)a)->rec, y = ((const tsc_tag_edit_t *)b)->rec;
    return x < y ? -1 : x > y;
}

static int run_sorted(job_t *j, const char *path)
{
    const tsc_mtx_t *m = j->t->m;
    khash_t(tag_s2i) *h = NULL;
    kept_t k = { 0, 0, NULL, NULL, 0, 0, NULL };
    int64_t *boff = NULL, *start = NULL, *order = NULL, i, nrec = 0, ei, *rowrec = NULL, n_rowrec = 0, ri;
    tsc_frag_t one, f;
    tsc_tag_edits_t e = { 0, 0, NULL, { 0, 0, NULL } };
    bam1_t *b = bam_init1();
    samFile *fp2 = NULL;
    sam_hdr_t *h2 = NULL;
    int ret = -1, r, e2, absent;
    char msg[160];
    tsc_frag_init(&one);
    tsc_frag_init(&f);
    if (!b) goto nomem;
    if (strcmp(path, "-") == 0) {
        tsc_error("%s: a coordinate-sorted input is read twice: give a file, not stdin", j->in);
        goto end;
    }
    if (m->n_rows > 0 && !m->names) {
        tsc_error("%s: coordinate-sorted input needs fragment names in the FIT: run tsc-fetch with --names",
                  j->in);
        goto end;
    }
    /* pass 1: keep the records of the FIT's fragments, found by name */
    if (!(h = kh_init(tag_s2i))) goto nomem;
    for (i = 0; i < m->n_rows; i++) {
        khint_t it = kh_put(tag_s2i, h, m->names[i], &absent);
        if (absent < 0) goto nomem;
        if (!absent) {
            tsc_error("%s: fragment name %s is on rows %lld and %lld", "FIT", m->names[i],
                      (long long)kh_val(h, it) + 1, (long long)i + 1);
            goto end;
        }
        kh_val(h, it) = i;
    }
    while ((r = sam_read1(j->fp, j->hdr, b)) >= 0) {
        khint_t it = kh_size(h) ? kh_get(tag_s2i, h, bam_get_qname(b)) : kh_end(h);
        if (it != kh_end(h)) {
            tsc_frag_clear(&one);
            if ((e2 = tsc_frag_add(&one, b, nrec)) < 0) { frag_error(j, &one, e2); goto end; }
            if (kept_add(&k, &one, kh_val(h, it)) < 0) goto nomem;
        }
        nrec++;
    }
    if (r < -1) {
        tsc_error("%s: truncated or corrupted input after record %lld", j->in, (long long)nrec);
        goto end;
    }
    /* group the kept records by row, input order within a row (counting sort) */
    if (!(boff = malloc((size_t)(k.n_rec + 1) * sizeof(int64_t)))
        || !(start = calloc((size_t)m->n_rows + 1, sizeof(int64_t)))
        || !(order = malloc((size_t)(k.n_rec + 1) * sizeof(int64_t))))
        goto nomem;
    for (i = 0, boff[0] = 0; i < k.n_rec; i++) boff[i + 1] = boff[i] + 2 * (int64_t)k.rec[i].n_b;
    for (i = 0; i < k.n_rec; i++) start[k.row[i] + 1]++;
    for (i = 0; i < m->n_rows; i++) start[i + 1] += start[i];
    {
        int64_t *fill = malloc((size_t)(m->n_rows + 1) * sizeof(int64_t));
        if (!fill) goto nomem;
        memcpy(fill, start, (size_t)(m->n_rows + 1) * sizeof(int64_t));
        for (i = 0; i < k.n_rec; i++) order[fill[k.row[i]]++] = i;
        free(fill);
    }
    for (i = 0; i < m->n_rows; i++) {
        int64_t q;
        if (start[i] == start[i + 1]) {
            tsc_error("%s: the FIT does not belong to this alignment file: read %s (row %lld) is not in it",
                      j->in, m->names[i], (long long)i + 1);
            goto end;
        }
        if (m->frag && m->frag[i] != k.rec[order[start[i]]].idx) {
            tsc_error("%s: the FIT does not belong to this alignment file: read %s (row %lld) starts at "
                      "record %lld here, at record %lld in the FIT", j->in, m->names[i], (long long)i + 1,
                      (long long)k.rec[order[start[i]]].idx + 1, (long long)m->frag[i] + 1);
            goto end;
        }
        tsc_frag_clear(&f);
        for (q = start[i]; q < start[i + 1]; q++) {
            tsc_rec_t rr = k.rec[order[q]];
            rr.b_off = 0;
            if (tsc_frag_add_rec(&f, &rr, k.blk + boff[order[q]]) < 0) goto nomem;
        }
        f.name.l = 0;
        if (kputs(m->names[i], &f.name) < 0) goto nomem;
        tsc_frag_primary_first(&f);
        if ((e2 = tsc_frag_process(&f, j->ctx)) < 0) { frag_error(j, &f, e2); goto end; }
        if (!f.has_locus) {
            mismatch(j->t, i, &f, j->in, "no locus here");
            goto end;
        }
        if (tsc_tag_frag_edits(j->t, i, &f, &e, j->in) < 0) goto end;
    }
    if (j->t->sc) { /* single cell: the records of the rows' fragments (input order) go to the output */
        if (!(rowrec = malloc((size_t)(k.n_rec + 1) * sizeof(int64_t)))) goto nomem;
        for (i = 0; i < k.n_rec; i++) rowrec[i] = k.rec[i].idx;
        n_rowrec = k.n_rec;
    }
    free(k.rec); free(k.row); free(k.blk); free(boff); free(start); free(order);
    memset(&k, 0, sizeof k);
    boff = start = order = NULL;
    qsort(e.a, (size_t)e.n, sizeof(*e.a), cmp_edit);
    for (i = 1; i < e.n; i++)
        if (e.a[i].rec == e.a[i - 1].rec) {
            tsc_error("%s: record %lld is in two alignment units", j->in, (long long)e.a[i].rec + 1);
            goto end;
        }
    count_edits(j, &e);
    j->st.tagged_frags = m->n_rows;
    j->st.fragments = -1;
    /* pass 2: write every record, tagged where an edit says so */
    if (!(fp2 = sam_open(path, "r"))) {
        tsc_error("%s: cannot open again: %s", j->in, strerror(errno));
        goto end;
    }
    if (j->o->reference && hts_set_fai_filename(fp2, j->o->reference) < 0) {
        tsc_error("%s: cannot use reference %s", j->in, j->o->reference);
        goto end;
    }
    if (j->o->n_threads > 1 && hts_set_thread_pool(fp2, &j->tp) < 0) {
        tsc_error("%s: cannot attach the thread pool", j->in);
        goto end;
    }
    if (!(h2 = sam_hdr_read(fp2))) {
        tsc_error("%s: cannot read the header again", j->in);
        goto end;
    }
    for (i = 0, ei = 0, ri = 0; (r = sam_read1(fp2, h2, b)) >= 0; i++) {
        if (ei < e.n && e.a[ei].rec == i) {
            if (tsc_tag_apply(j->t, &e, &e.a[ei], b) < 0) goto nomem;
            ei++;
        }
        if (j->t->sc) {
            while (ri < n_rowrec && rowrec[ri] < i) ri++;
            if (!(ri < n_rowrec && rowrec[ri] == i)) {
                if (write_other(j, b) < 0) goto end;
                continue;
            }
        }
        if (write_rec(j, b) < 0) goto end;
    }
    if (r < -1 || i != nrec) {
        tsc_error("%s: the file changed between the two passes (%lld records, then %lld)", j->in,
                  (long long)nrec, (long long)i);
        goto end;
    }
    snprintf(msg, sizeof msg, "%lld records", (long long)i);
    tsc_debug("%s: second pass: %s", j->in, msg);
    ret = 0;
    goto end;
nomem:
    tsc_error("out of memory");
end:
    if (h) kh_destroy(tag_s2i, h);
    free(k.rec); free(k.row); free(k.blk); free(boff); free(start); free(order); free(rowrec);
    tsc_frag_free(&one);
    tsc_frag_free(&f);
    tsc_tag_edits_free(&e);
    if (b) bam_destroy1(b);
    if (h2) sam_hdr_destroy(h2);
    if (fp2) sam_close(fp2);
    return ret;
}

int tsc_tag_run(const tsc_tag_fit_t *t, const tsc_annot_t *a, const char *in, const char *out_path,
                const char *format_name, const tsc_tag_opt_t *o, const char *cmdline,
                tsc_tag_stats_t *stats)
{
    job_t j;
    sam_hdr_t *ohdr = NULL;
    kstring_t so = { 0, 0, NULL };
    char mode[16] = "w";
    int ret = -1, order;
    memset(&j, 0, sizeof j);
    j.t = t;
    j.o = o;
    j.in = strcmp(in, "-") ? in : "stdin";
    if (!(j.fp = sam_open(in, "r"))) {
        tsc_error("%s: cannot open: %s", j.in, strerror(errno));
        goto end;
    }
    if (o->reference && hts_set_fai_filename(j.fp, o->reference) < 0) {
        tsc_error("%s: cannot use reference %s", j.in, o->reference);
        goto end;
    }
    if (o->n_threads > 1) {
        if (!(j.tp.pool = hts_tpool_init(o->n_threads - 1 > 0 ? o->n_threads - 1 : 1))) {
            tsc_error("cannot start %d threads", o->n_threads);
            goto end;
        }
        if (hts_set_thread_pool(j.fp, &j.tp) < 0) {
            tsc_error("%s: cannot attach the thread pool", j.in);
            goto end;
        }
    }
    if (!(j.hdr = sam_hdr_read(j.fp))) {
        tsc_error("%s: cannot read the header (not SAM, BAM or CRAM?)", j.in);
        goto end;
    }
    if (!(j.ctx = tsc_frag_ctx_init(a, j.hdr, &o->frag))) {
        tsc_error("out of memory");
        goto end;
    }
    if (a->n_iv > 0 && j.ctx->n_matched == 0)
        tsc_warn("%s: no reference name of the alignments is a chromosome of the loci (chr1 vs 1?)", j.in);
    order = o->order;
    if (order == 0) {
        order = 1;
        if (sam_hdr_find_tag_hd(j.hdr, "SO", &so) == 0 && so.s && strcmp(so.s, "coordinate") == 0) order = 2;
    }
    j.st.order = order;
    /* output: the input header plus our @PG (Q14: added, also when the input has none) */
    if (!(ohdr = sam_hdr_dup(j.hdr))) goto nomem;
    if (o->add_pg && sam_hdr_add_pg(ohdr, "tsc-tag", "VN", TSC_VERSION, cmdline ? "CL" : NULL, cmdline, NULL) < 0) {
        tsc_error("cannot add the @PG line");
        goto end;
    }
    if (sam_open_mode(mode + 1, format_name ? format_name : out_path, o->out_format) < 0) {
        if (o->out_format) {
            tsc_error("unknown output format '%s'", o->out_format);
            goto end;
        }
        strcpy(mode, "wb");
    }
    if (!(j.out = sam_open(out_path, mode))) {
        tsc_error("%s: cannot create: %s", strcmp(out_path, "-") ? out_path : "stdout", strerror(errno));
        goto end;
    }
    if (o->reference && hts_set_fai_filename(j.out, o->reference) < 0) {
        tsc_error("cannot use reference %s for the output", o->reference);
        goto end;
    }
    if (o->n_threads > 1 && hts_set_thread_pool(j.out, &j.tp) < 0) {
        tsc_error("cannot attach the thread pool to the output");
        goto end;
    }
    if (sam_hdr_write(j.out, ohdr) < 0) {
        tsc_error("write error on the output header");
        goto end;
    }
    if (o->sc && o->other) { /* the same format as the output */
        if (!(j.oth = sam_open(o->other, mode))) {
            tsc_error("%s: cannot create: %s", o->other, strerror(errno));
            goto end;
        }
        if ((o->reference && hts_set_fai_filename(j.oth, o->reference) < 0)
            || (o->n_threads > 1 && hts_set_thread_pool(j.oth, &j.tp) < 0) || sam_hdr_write(j.oth, ohdr) < 0) {
            tsc_error("%s: cannot write the header", o->other);
            goto end;
        }
    }
    sam_hdr_destroy(j.hdr);
    j.hdr = ohdr; /* records are written against the output header (same references) */
    ohdr = NULL;
    if (order == 2) ret = run_sorted(&j, in);
    else ret = run_collated(&j);
    if (stats) *stats = j.st;
    goto end;
nomem:
    tsc_error("out of memory");
end:
    if (j.out && sam_close(j.out) < 0 && ret == 0) {
        tsc_error("%s: write error while closing", strcmp(out_path, "-") ? out_path : "stdout");
        ret = -1;
    }
    if (j.oth && sam_close(j.oth) < 0 && ret == 0) {
        tsc_error("%s: write error while closing", o->other);
        ret = -1;
    }
    if (j.fp) sam_close(j.fp);
    tsc_frag_ctx_destroy(j.ctx);
    if (j.hdr) sam_hdr_destroy(j.hdr);
    if (ohdr) sam_hdr_destroy(ohdr);
    if (j.tp.pool) hts_tpool_destroy(j.tp.pool);
    free(so.s);
    return ret;
}
