/* tsc_cells.c -- the cell form of MATRIX, BLOCKS and FIT streams (tsc-view -m), and back.
 * Part of tsc (Telescope in C). MIT licence.
 *
 * One line per matrix cell, so that awk, sort or a script can edit the matrix row-wise and
 * tsc-view -b turns the result into a MATRIX (or FIT) stream again (man/tsc-format.5, CELL FORM):
 *   #tsc-cells <TAB> version=1 <TAB> kind=KIND <TAB> rows=N <TAB> cols=K <TAB> cells=NNZ
 *   @feature NAME LENGTH [PI THETA PI_INIT THETA_INIT]   one per column, column order (FIT: + 4)
 *   @info KEY VALUE  /  @prov PROG VERSION CMDLINE       as in the section form
 *   @locus NAME LENGTH                                   every annotated locus (ALOC, ALEN)
 *   @lnl VALUE                                           FIT: final log-likelihood
 *   #row fragment col feature score [z] [block] [name]   the names of the cell fields
 *   cells, in CSR order
 * Reading back, fields are found by the names on the '#row' line (unknown ones are ignored, so
 * new fields can be added); cells are grouped by row and sorted by column; rows and columns are
 * renumbered; columns without cells and rows without a real locus are dropped. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/khash.h>
#include "tsc_text.h"
#include "tsc_text_internal.h"
#include "tsc_matrix.h"

KHASH_MAP_INIT_STR(cellname, int32_t)

/* ======================================================================== stream -> cells */

int tsc_stream2cells_fp(FILE *in, const char *name, FILE *out)
{
    tsc_mtx_t *m = tsc_mtx_read_fp(in, name, 0);
    tsc_tout_t o;
    kstring_t *ks = &o.ks;
    int64_t i, j, *blk = NULL;
    int32_t c;
    int r = 0, fit, ret;
    char num[40];
    if (!m) return -1;
    fit = m->hdr->kind == TSC_KIND_FIT && m->z;
    tsc_tout_init(&o, out);
    if (m->n_blocks > 0) { /* block of each row */
        int64_t b;
        if (!(blk = malloc((size_t)(m->n_rows ? m->n_rows : 1) * sizeof(int64_t)))) { tsc_mtx_destroy(m); return -1; }
        for (b = 0; b < m->n_blocks; b++)
            for (i = m->brpt[b]; i < m->brpt[b + 1]; i++) blk[m->brow[i]] = b;
    }
    r |= ksprintf(ks, "#tsc-cells\tversion=1\tkind=%s\trows=%" PRId64 "\tcols=%" PRId64 "\tcells=%" PRId64 "\n",
                  tsc_kind_name(m->hdr->kind), m->n_rows, m->n_cols, m->nnz) < 0;
    for (c = 0; c < m->hdr->n_feat; c++) {
        r |= kputs("@feature\t", ks) < 0 || tsc_text_esc(ks, m->hdr->feat[c], 0) < 0 || ksprintf(ks, "\t%" PRId64, m->hdr->flen[c]) < 0;
        if (fit) {
            r |= ksprintf(ks, "\t%s", tsc_text_f64(m->pi[c], num)) < 0;
            r |= ksprintf(ks, "\t%s", tsc_text_f64(m->theta[c], num)) < 0;
            r |= ksprintf(ks, "\t%s", tsc_text_f64(m->pi_init[c], num)) < 0;
            r |= ksprintf(ks, "\t%s", tsc_text_f64(m->theta_init[c], num)) < 0;
        }
        r |= kputc('\n', ks) < 0;
    }
    for (c = 0; c < m->hdr->n_info; c++)
        r |= kputs("@info\t", ks) < 0 || tsc_text_esc(ks, m->hdr->info[c].key, 0) < 0 || kputc('\t', ks) < 0 ||
             tsc_text_esc(ks, m->hdr->info[c].val, 0) < 0 || kputc('\n', ks) < 0;
    for (c = 0; c < m->hdr->n_prov; c++)
        r |= kputs("@prov\t", ks) < 0 || tsc_text_esc(ks, m->hdr->prov[c].prog, 0) < 0 || kputc('\t', ks) < 0 ||
             tsc_text_esc(ks, m->hdr->prov[c].version, 0) < 0 || kputc('\t', ks) < 0 ||
             tsc_text_esc(ks, m->hdr->prov[c].cmdline, 0) < 0 || kputc('\n', ks) < 0;
    for (c = 0; c < m->n_aloc; c++)
        r |= kputs("@locus\t", ks) < 0 || tsc_text_esc(ks, m->aloc[c], 0) < 0 || ksprintf(ks, "\t%" PRId64 "\n", m->alen[c]) < 0;
    if (fit) r |= ksprintf(ks, "@lnl\t%s\n", tsc_text_f64(m->lnl, num)) < 0;
    r |= ksprintf(ks, "#row\tfragment\tcol\tfeature\tscore%s%s%s\n", fit ? "\tz" : "", blk ? "\tblock" : "",
                  m->names ? "\tname" : "") < 0;
    for (i = 0; i < m->n_rows && !r; i++)
        for (j = m->indptr[i]; j < m->indptr[i + 1]; j++) {
            r |= ksprintf(ks, "%" PRId64 "\t", i) < 0;
            r |= (m->frag ? ksprintf(ks, "%" PRId64, m->frag[i]) : kputc('*', ks)) < 0;
            r |= ksprintf(ks, "\t%d\t", m->indices[j]) < 0 || tsc_text_esc(ks, m->hdr->feat[m->indices[j]], 0) < 0;
            r |= ksprintf(ks, "\t%u", m->score[j]) < 0;
            if (fit) r |= ksprintf(ks, "\t%s", tsc_text_f64(m->z[j], num)) < 0;
            if (blk) r |= ksprintf(ks, "\t%" PRId64, blk[i]) < 0;
            if (m->names) r |= kputc('\t', ks) < 0 || tsc_text_esc(ks, m->names[i], TSC_ESC_STAR) < 0;
            r |= kputc('\n', ks) < 0 || tsc_tout_flush(&o, 0) < 0;
        }
    if (r) o.err = 1;
    ret = tsc_tout_flush(&o, 1);
    free(o.ks.s);
    free(blk);
    tsc_mtx_destroy(m);
    return ret;
}

int tsc_stream2cells(const char *path, FILE *out)
{
    FILE *fp = stdin;
    int ret;
    if (path && strcmp(path, "-") != 0 && !(fp = fopen(path, "rb"))) {
        tsc_log(TSC_LOG_ERROR, __func__, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    ret = tsc_stream2cells_fp(fp, fp == stdin ? "stdin" : path, out);
    if (fp != stdin) fclose(fp);
    return ret;
}

/* ======================================================================== cells -> stream */

enum { F_ROW, F_FRAG, F_NAME, F_FEAT, F_SCORE, F_Z, N_FIELDS };
#define MAX_FIELDS 64 /* fields on a line, known or not */

typedef struct {
    int64_t row, frag, line;  /* frag -1 = '*' */
    char *name;               /* NULL = '*' */
    int32_t col;              /* index into the @feature lines */
    uint32_t score;
    double z;
} cell_t;

typedef struct {
    char *name;
    int64_t len;
    double fit[4];            /* pi, theta, pi_init, theta_init */
    int has_fit;
} col_t;

static int cell_cmp(const void *a, const void *b)
{
    const cell_t *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

#define CBAD(...) do { tsc_log(TSC_LOG_ERROR, __func__, __VA_ARGS__); goto fail; } while (0)

static int parse_i64(const char *s, int64_t *v) { return tsc_parse_int64(s, INT64_MIN, INT64_MAX, v); }

int tsc_cells_parse(tsc_txt_t *t, const char *out_path, const char *cmdline)
{
    char *f[MAX_FIELDS], **g = NULL;
    int nf, ret, kind = -1, fit, has_lnl = 0, k, idx[N_FIELDS];
    int64_t rows_was = -1, nc = 0, i, j, r = 0, n_rows = 0, n_cols = 0, n_one = 0, ng = 0;
    size_t m_g = 0, mc = 0, m_cols = 0, m_loc = 0;
    cell_t *cells = NULL;
    col_t *cols = NULL;
    int32_t n_colv = 0, n_loc = 0, *newcol = NULL;
    char **loc = NULL;
    int64_t *loclen = NULL;
    double lnl = 0;
    tsc_hdr_t *h = NULL;
    tsc_mtx_t *m = NULL;
    khash_t(cellname) *byname = kh_init(cellname);
    char val[96];
    if (!byname) CBAD("out of memory");
    /* first line: #tsc-cells version=1 kind=KIND [rows=N cols=K cells=NNZ] */
    nf = tsc_text_split(t->ks.s, f, MAX_FIELDS);
    for (k = 1; k < nf; k++) {
        if (strncmp(f[k], "version=", 8) == 0) {
            if (strcmp(f[k] + 8, "1") != 0) CBAD("%s:1: cell form version %s, this build reads 1", t->name, f[k] + 8);
        } else if (strncmp(f[k], "kind=", 5) == 0) {
            for (kind = TSC_KIND_MATRIX; kind <= TSC_KIND_FIT; kind++)
                if (strcmp(f[k] + 5, tsc_kind_name(kind)) == 0) break;
            if (kind > TSC_KIND_FIT) CBAD("%s:1: the cell form is for MATRIX, BLOCKS or FIT, not '%s'", t->name, f[k] + 5);
        } else if (strncmp(f[k], "rows=", 5) == 0) {
            if (parse_i64(f[k] + 5, &rows_was) < 0 || rows_was < 0) CBAD("%s:1: bad rows=", t->name);
        }
    }
    if (kind < 0) CBAD("%s:1: no kind= on the #tsc-cells line", t->name);
    fit = kind == TSC_KIND_FIT;
    if (!(h = tsc_hdr_init(fit ? TSC_KIND_FIT : TSC_KIND_MATRIX))) CBAD("out of memory");
    /* header lines, up to the '#row' line */
    for (;;) {
        if ((ret = tsc_txt_next(t)) < 0) goto fail;
        if (ret == 0) CBAD("%s: truncated text: no '#row<TAB>...' line naming the cell fields", t->name);
        if (t->ks.s[0] == '#') break;
        nf = tsc_text_split(t->ks.s, f, MAX_FIELDS);
        if (strcmp(f[0], "@feature") == 0 && (nf == 3 || nf == 7)) {
            col_t *c;
            int absent;
            khint_t it;
            if (TSC_GROW(cols, m_cols, (size_t)n_colv + 1) < 0) CBAD("out of memory");
            c = &cols[n_colv];
            memset(c, 0, sizeof(*c));
            if (tsc_text_unesc(f[1]) < 0 || parse_i64(f[2], &c->len) < 0 || !(c->name = strdup(f[1])))
                CBAD("%s:%" PRId64 ": bad @feature line", t->name, t->line);
            n_colv++;
            for (k = 3; k < nf; k++)
                if (tsc_text_parse_f64(f[k], &c->fit[k - 3]) < 0) CBAD("%s:%" PRId64 ": bad @feature value '%s'", t->name, t->line, f[k]);
            c->has_fit = nf == 7;
            it = kh_put(cellname, byname, c->name, &absent);
            if (absent < 0) CBAD("out of memory");
            if (!absent) CBAD("%s:%" PRId64 ": feature '%s' listed twice", t->name, t->line, f[1]);
            kh_val(byname, it) = n_colv - 1;
        } else if (strcmp(f[0], "@info") == 0 && nf == 3) {
            if (tsc_text_unesc(f[1]) < 0 || tsc_text_unesc(f[2]) < 0) CBAD("%s:%" PRId64 ": bad escape", t->name, t->line);
            if (tsc_hdr_get_info(h, f[1])) CBAD("%s:%" PRId64 ": repeated @info key '%s'", t->name, t->line, f[1]);
            if (tsc_hdr_set_info(h, f[1], f[2]) < 0) CBAD("out of memory");
        } else if (strcmp(f[0], "@prov") == 0 && nf == 4) {
            if (tsc_text_unesc(f[1]) < 0 || tsc_text_unesc(f[2]) < 0 || tsc_text_unesc(f[3]) < 0)
                CBAD("%s:%" PRId64 ": bad escape", t->name, t->line);
            if (tsc_hdr_add_prov(h, f[1], f[2], f[3]) < 0) CBAD("out of memory");
        } else if (strcmp(f[0], "@locus") == 0 && nf == 3) {
            int64_t len;
            if (n_loc == INT32_MAX || TSC_GROW(loc, m_loc, (size_t)n_loc + 1) < 0) CBAD("out of memory");
            if (tsc_text_unesc(f[1]) < 0 || parse_i64(f[2], &len) < 0) CBAD("%s:%" PRId64 ": bad @locus line", t->name, t->line);
            if (!(loc[n_loc] = strdup(f[1]))) CBAD("out of memory");
            n_loc++;
            if (!(loclen = realloc(loclen, (size_t)n_loc * sizeof(int64_t)))) CBAD("out of memory");
            loclen[n_loc - 1] = len;
        } else if (strcmp(f[0], "@lnl") == 0 && nf == 2) {
            if (tsc_text_parse_f64(f[1], &lnl) < 0) CBAD("%s:%" PRId64 ": bad @lnl value", t->name, t->line);
            has_lnl = 1;
        } else
            CBAD("%s:%" PRId64 ": expected @feature, @info, @prov, @locus, @lnl or the '#row<TAB>...' line", t->name, t->line);
    }
    if (n_colv < 1) CBAD("%s:%" PRId64 ": no @feature line (column 0, the no-feature key, at least)", t->name, t->line);
    if (fit) {
        for (k = 0; k < n_colv; k++)
            if (!cols[k].has_fit)
                CBAD("%s:%" PRId64 ": kind=FIT, but @feature '%s' above lacks PI THETA PI_INIT THETA_INIT", t->name, t->line, cols[k].name);
        if (!has_lnl) CBAD("%s:%" PRId64 ": kind=FIT needs an @lnl line above", t->name, t->line);
    }
    /* the field names */
    ng = tsc_text_split(t->ks.s + 1, f, MAX_FIELDS);
    for (k = 0; k < N_FIELDS; k++) idx[k] = -1;
    for (k = 0; k < ng; k++) {
        static const char *fn[N_FIELDS] = { "row", "fragment", "name", "feature", "score", "z" };
        int q;
        for (q = 0; q < N_FIELDS; q++)
            if (strcmp(f[k], fn[q]) == 0) {
                if (idx[q] >= 0) CBAD("%s:%" PRId64 ": field '%s' named twice", t->name, t->line, f[k]);
                idx[q] = k;
            }
    }
    if (idx[F_ROW] < 0 || idx[F_FEAT] < 0 || idx[F_SCORE] < 0 || (fit && idx[F_Z] < 0))
        CBAD("%s:%" PRId64 ": the '#row' line must name the fields row, feature, score%s", t->name, t->line, fit ? " and z" : "");
    if (ng >= MAX_FIELDS) CBAD("%s:%" PRId64 ": too many fields", t->name, t->line);
    if (!(g = malloc((MAX_FIELDS + 1) * sizeof(char *)))) CBAD("out of memory");
    m_g = MAX_FIELDS + 1;
    /* cells */
    while ((ret = tsc_txt_next(t)) == 1) {
        cell_t *c;
        int64_t x;
        khint_t it;
        if (t->ks.s[0] == '#') continue; /* a comment */
        if ((int64_t)tsc_text_split(t->ks.s, g, (int)m_g) != ng)
            CBAD("%s:%" PRId64 ": expected %" PRId64 " tab-separated fields, as the '#row' line names", t->name, t->line, ng);
        if (TSC_GROW(cells, mc, (size_t)nc + 1) < 0) CBAD("out of memory");
        c = &cells[nc];
        memset(c, 0, sizeof(*c));
        c->line = t->line;
        c->frag = -1;
        nc++;
        if (parse_i64(g[idx[F_ROW]], &c->row) < 0 || c->row < 0) CBAD("%s:%" PRId64 ": bad row '%s'", t->name, t->line, g[idx[F_ROW]]);
        if (idx[F_FRAG] >= 0 && strcmp(g[idx[F_FRAG]], "*") != 0 && (parse_i64(g[idx[F_FRAG]], &c->frag) < 0 || c->frag < 0))
            CBAD("%s:%" PRId64 ": bad fragment '%s'", t->name, t->line, g[idx[F_FRAG]]);
        if (idx[F_NAME] >= 0 && strcmp(g[idx[F_NAME]], "*") != 0) {
            if (tsc_text_unesc(g[idx[F_NAME]]) < 0 || !*g[idx[F_NAME]]) CBAD("%s:%" PRId64 ": bad name", t->name, t->line);
            if (!(c->name = strdup(g[idx[F_NAME]]))) CBAD("out of memory");
        }
        if (tsc_text_unesc(g[idx[F_FEAT]]) < 0) CBAD("%s:%" PRId64 ": bad feature", t->name, t->line);
        it = kh_get(cellname, byname, g[idx[F_FEAT]]);
        if (it == kh_end(byname)) CBAD("%s:%" PRId64 ": feature '%s' has no @feature line", t->name, t->line, g[idx[F_FEAT]]);
        c->col = kh_val(byname, it);
        if (parse_i64(g[idx[F_SCORE]], &x) < 0 || x < 0 || x > UINT32_MAX) CBAD("%s:%" PRId64 ": bad score '%s'", t->name, t->line, g[idx[F_SCORE]]);
        c->score = (uint32_t)x;
        if (idx[F_Z] >= 0 && tsc_text_parse_f64(g[idx[F_Z]], &c->z) < 0) CBAD("%s:%" PRId64 ": bad z '%s'", t->name, t->line, g[idx[F_Z]]);
    }
    if (ret < 0) goto fail;
    /* rows: cells grouped by row number, columns ascending; rows without a real locus dropped */
    if (nc > 1) qsort(cells, (size_t)nc, sizeof(cell_t), cell_cmp);
    if (!(newcol = calloc((size_t)n_colv, sizeof(int32_t)))) CBAD("out of memory");
    for (i = 0; i < nc; i = j) {
        int real = 0;
        for (j = i; j < nc && cells[j].row == cells[i].row; j++) {
            if (j > i && cells[j].col == cells[j - 1].col)
                CBAD("%s:%" PRId64 ": row %" PRId64 " has feature '%s' already (line %" PRId64 ")", t->name, cells[j].line,
                     cells[j].row, cols[cells[j].col].name, cells[j - 1].line);
            if (j > i && (cells[j].frag != cells[i].frag || (cells[j].name == NULL) != (cells[i].name == NULL) ||
                          (cells[j].name && strcmp(cells[j].name, cells[i].name) != 0)))
                CBAD("%s:%" PRId64 ": row %" PRId64 " has another fragment or name on line %" PRId64, t->name, cells[j].line,
                     cells[j].row, cells[i].line);
            real |= cells[j].col != 0;
        }
        if (!real) { for (; i < j; i++) cells[i].row = -1; continue; } /* dropped */
        for (; i < j; i++) newcol[cells[i].col] = 1;
        n_rows++;
    }
    newcol[0] = 1;
    for (k = 0; k < n_colv; k++) newcol[k] = newcol[k] ? (int32_t)n_cols++ : -1;
    /* the matrix */
    if (!(m = tsc_mtx_init(h->kind))) CBAD("out of memory");
    tsc_hdr_destroy(m->hdr);
    m->hdr = h;
    h = NULL;
    for (k = 0; k < n_colv; k++)
        if (newcol[k] >= 0 && tsc_hdr_add_feature(m->hdr, cols[k].name, cols[k].len) < 0) CBAD("out of memory");
    m->n_rows = n_rows;
    m->n_cols = n_cols;
    if (!(m->indptr = malloc((size_t)(n_rows + 1) * sizeof(int64_t))) || !(m->indices = malloc((size_t)(nc ? nc : 1) * sizeof(int32_t))) ||
        !(m->score = malloc((size_t)(nc ? nc : 1) * sizeof(uint32_t))))
        CBAD("out of memory");
    if (fit && (!(m->z = malloc((size_t)(nc ? nc : 1) * sizeof(double))) || !(m->pi = malloc((size_t)n_cols * sizeof(double))) ||
                !(m->theta = malloc((size_t)n_cols * sizeof(double))) || !(m->pi_init = malloc((size_t)n_cols * sizeof(double))) ||
                !(m->theta_init = malloc((size_t)n_cols * sizeof(double)))))
        CBAD("out of memory");
    {
        int all_frag = 1, all_name = 1, any_frag = 0, any_name = 0;
        for (i = 0; i < nc; i++)
            if (cells[i].row >= 0) {
                all_frag &= cells[i].frag >= 0; any_frag |= cells[i].frag >= 0;
                all_name &= cells[i].name != NULL; any_name |= cells[i].name != NULL;
            }
        if (any_frag && !all_frag) CBAD("%s: some rows have a fragment number and others '*'", t->name);
        if (any_name && !all_name) CBAD("%s: some rows have a name and others '*'", t->name);
        if (any_frag && !(m->frag = malloc((size_t)(n_rows ? n_rows : 1) * sizeof(int64_t)))) CBAD("out of memory");
        if (any_name && !(m->names = calloc((size_t)(n_rows ? n_rows : 1), sizeof(char *)))) CBAD("out of memory");
    }
    m->nnz = 0;
    m->indptr[0] = 0;
    for (i = 0, j = -1; i < nc; i++) { /* J: first cell of the current row; R: its new number */
        cell_t *c = &cells[i];
        if (c->row < 0) continue;
        if (j < 0 || c->row != cells[j].row) {
            if (j >= 0) m->indptr[++r] = m->nnz;
            if (m->frag) m->frag[r] = c->frag;
            if (m->names) { m->names[r] = c->name; c->name = NULL; }
            j = i;
        }
        m->indices[m->nnz] = newcol[c->col];
        m->score[m->nnz] = c->score;
        if (fit) m->z[m->nnz] = c->z;
        m->nnz++;
    }
    if (n_rows > 0) m->indptr[n_rows] = m->nnz;
    if (fit) {
        for (k = 0; k < n_colv; k++)
            if (newcol[k] >= 0) {
                m->pi[newcol[k]] = cols[k].fit[0];
                m->theta[newcol[k]] = cols[k].fit[1];
                m->pi_init[newcol[k]] = cols[k].fit[2];
                m->theta_init[newcol[k]] = cols[k].fit[3];
            }
        m->lnl = lnl;
    }
    if (n_loc > 0) {
        m->aloc = loc; m->alen = loclen; m->n_aloc = n_loc;
        loc = NULL; loclen = NULL; n_loc = 0;
    }
    /* what the cells determine, and the edit itself */
    for (i = 0, n_one = 0; i < n_rows; i++) n_one += m->indptr[i + 1] - m->indptr[i] == 1;
    snprintf(val, sizeof(val), "%" PRId64, n_one);
    if (tsc_hdr_get_info(m->hdr, "overlap_unique") && tsc_hdr_set_info(m->hdr, "overlap_unique", val) < 0) CBAD("out of memory");
    snprintf(val, sizeof(val), "%" PRId64, n_rows - n_one);
    if (tsc_hdr_get_info(m->hdr, "overlap_ambig") && tsc_hdr_set_info(m->hdr, "overlap_ambig", val) < 0) CBAD("out of memory");
    if (rows_was >= 0) snprintf(val, sizeof(val), "rows %" PRId64 "->%" PRId64, rows_was, n_rows);
    else snprintf(val, sizeof(val), "rows ?->%" PRId64, n_rows);
    if (tsc_hdr_set_info(m->hdr, "edited", val) < 0 ||
        tsc_hdr_add_prov(m->hdr, TSC_TEXT_PROG, TSC_VERSION, cmdline ? cmdline : TSC_TEXT_PROG " -b") < 0)
        CBAD("out of memory");
    ret = tsc_mtx_write(out_path, m);
    goto done;
fail:
    ret = -1;
done:
    for (i = 0; i < nc; i++) free(cells[i].name);
    free(cells);
    for (k = 0; k < n_colv; k++) free(cols[k].name);
    free(cols);
    for (k = 0; k < n_loc; k++) free(loc[k]);
    free(loc);
    free(loclen);
    free(newcol);
    free(g);
    kh_destroy(cellname, byname);
    tsc_hdr_destroy(h);
    tsc_mtx_destroy(m);
    return ret;
}
