/* tsc_fetch.c -- alignment file to HITS: opening, name-collated input, run info.
 * Part of tsc (Telescope in C). MIT licence.  Coordinate-sorted input: tsc_fetch_sorted.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tsc_fetch_internal.h"

/* ---------------------------------------------------------------- options */

void tsc_fetch_opt_init(tsc_fetch_opt_t *o)
{
    memset(o, 0, sizeof(*o));
    tsc_frag_opt_init(&o->frag);
    o->n_threads = 1;
    o->order = TSC_ORDER_AUTO;
}

int tsc_fetch_opt_check(const tsc_fetch_opt_t *o)
{
    int bad = 0;
    if (!(o->frag.overlap_threshold >= 0.0 && o->frag.overlap_threshold <= 1.0)) {
        tsc_error("--overlap-threshold must be in [0, 1]"); bad = 1;
    }
    if (o->frag.strand_mode < TSC_STRAND_NONE || o->frag.strand_mode > TSC_STRAND_F) {
        tsc_error("--stranded-mode must be None, RF, R, FR or F"); bad = 1;
    }
    if (o->n_threads < 1 || o->n_threads > 1024) { tsc_error("--threads must be in [1, 1024]"); bad = 1; }
    if (o->sc && o->prefilter) { tsc_error("--prefilter is not available in single-cell mode"); bad = 1; }
    if (o->has_min_as && !o->prefilter) { tsc_error("--min-as is only for --prefilter"); bad = 1; }
    if (o->prefilter && o->order == TSC_ORDER_NAME) {
        tsc_error("--prefilter needs a coordinate-sorted, indexed file, not --input-order name"); bad = 1;
    }
    return bad ? -1 : 0;
}

/* ---------------------------------------------------------------- name hash */

/* MurmurHash64A (Austin Appleby, public domain): a word's mix, the last LEN & 7 bytes as a word,
 * and the final mix */
#define MM_M 0xc6a4a7935bd1e995ULL
#define MM_R 47
static inline uint64_t mm_word(const unsigned char *p)
{
    uint64_t k;
    memcpy(&k, p, 8);
    k *= MM_M; k ^= k >> MM_R; k *= MM_M;
    return k;
}

static inline uint64_t mm_tail(const unsigned char *p, size_t n)
{
    uint64_t t = 0;
    switch (n) {
    case 7: t ^= (uint64_t)p[6] << 48; /* fall through */
    case 6: t ^= (uint64_t)p[5] << 40; /* fall through */
    case 5: t ^= (uint64_t)p[4] << 32; /* fall through */
    case 4: t ^= (uint64_t)p[3] << 24; /* fall through */
    case 3: t ^= (uint64_t)p[2] << 16; /* fall through */
    case 2: t ^= (uint64_t)p[1] << 8;  /* fall through */
    case 1: t ^= (uint64_t)p[0];
    }
    return t;
}

static inline uint64_t mm_final(uint64_t h)
{
    h ^= h >> MM_R; h *= MM_M; h ^= h >> MM_R;
    return h;
}

uint64_t tsc_name_hash(const char *s, size_t len, uint64_t seed)
{
    uint64_t h = seed ^ (len * MM_M);
    const unsigned char *p = (const unsigned char *)s, *end = p + (len & ~(size_t)7);
    for (; p != end; p += 8) { h ^= mm_word(p); h *= MM_M; }
    if (len & 7) { h ^= mm_tail(p, len & 7); h *= MM_M; }
    return mm_final(h);
}

void tsc_name_hash2(const char *s, size_t len, uint64_t seed1, uint64_t seed2, uint64_t *h1, uint64_t *h2)
{
    uint64_t a = seed1 ^ (len * MM_M), b = seed2 ^ (len * MM_M);
    const unsigned char *p = (const unsigned char *)s, *end = p + (len & ~(size_t)7);
    for (; p != end; p += 8) {
        uint64_t k = mm_word(p);
        a ^= k; a *= MM_M;
        b ^= k; b *= MM_M;
    }
    if (len & 7) {
        uint64_t t = mm_tail(p, len & 7);
        a ^= t; a *= MM_M;
        b ^= t; b *= MM_M;
    }
    *h1 = mm_final(a);
    *h2 = mm_final(b);
}

/* ---------------------------------------------------------------- bundles */

struct tsc_bundler_t {
    samFile *fp;
    sam_hdr_t *h;
    bam1_t **b;
    int n, m;          /* records of the current bundle; allocated bam1_t */
    int pending;       /* b[n] holds the first record of the next bundle */
    int eof;
    int64_t nrec;      /* records read */
};

tsc_bundler_t *tsc_bundler_init(samFile *fp, sam_hdr_t *h)
{
    tsc_bundler_t *br = calloc(1, sizeof(*br));
    if (!br) return NULL;
    br->fp = fp; br->h = h;
    return br;
}

void tsc_bundler_destroy(tsc_bundler_t *br)
{
    if (!br) return;
    for (int i = 0; i < br->m; i++) bam_destroy1(br->b[i]);
    free(br->b);
    free(br);
}

int64_t tsc_bundler_nrec(const tsc_bundler_t *br) { return br->nrec; }

static int bundler_slot(tsc_bundler_t *br, int i)
{
    if (i < br->m) return 0;
    int nm = br->m < 8 ? 8 : br->m + (br->m >> 1);
    bam1_t **p = realloc(br->b, (size_t)nm * sizeof(*p));
    if (!p) return -1;
    br->b = p;
    for (; br->m < nm; br->m++)
        if (!(br->b[br->m] = bam_init1())) return -1;
    return 0;
}

static inline int same_qname(const bam1_t *a, const bam1_t *b)
{
    return a->core.l_qname == b->core.l_qname && memcmp(bam_get_qname(a), bam_get_qname(b), a->core.l_qname) == 0;
}

static int read_error(const char *name, int64_t rec, int r)
{
    if (r == -2) tsc_error("%s: truncated or corrupted input after record %" PRId64, name, rec);
    else tsc_error("%s: record %" PRId64 ": invalid record (sam_read1 error %d)", name, rec + 1, r);
    return -1;
}

int tsc_bundler_next(tsc_bundler_t *br, const char *name, bam1_t ***b, int *n, int64_t *idx)
{
    int r;
    if (br->pending) {
        bam1_t *t = br->b[0]; br->b[0] = br->b[br->n]; br->b[br->n] = t;
        br->pending = 0;
    } else {
        if (br->eof) return 0;
        if (bundler_slot(br, 0) < 0) { tsc_error("out of memory"); return -1; }
        r = sam_read1(br->fp, br->h, br->b[0]);
        if (r == -1) { br->eof = 1; return 0; }
        if (r < -1) return read_error(name, br->nrec, r);
        br->nrec++;
    }
    int k = 1;
    *idx = br->nrec - 1;
    for (;;) {
        if (bundler_slot(br, k) < 0) { tsc_error("out of memory"); return -1; }
        r = sam_read1(br->fp, br->h, br->b[k]);
        if (r == -1) { br->eof = 1; break; }
        if (r < -1) return read_error(name, br->nrec, r);
        br->nrec++;
        if (!same_qname(br->b[k], br->b[0])) { br->pending = 1; break; }
        k++;
    }
    br->n = k;
    *b = br->b;
    *n = k;
    return 1;
}

/* ---------------------------------------------------------------- open */

static int file_exists(const char *p, struct stat *st) { return stat(p, st) == 0; }

/* The index htslib would load for PATH (hts_idx_load: .csi first, then .bai/.crai; each as
 * PATH.ext, then PATH with its extension replaced). NULL if none. */
static char *find_index(const char *path, int is_cram)
{
    const char *exts[3] = { ".csi", is_cram ? ".crai" : ".bai", NULL };
    struct stat st;
    size_t l = strlen(path);
    char *p = malloc(l + 8);
    if (!p) return NULL;
    for (int i = 0; exts[i]; i++) {
        sprintf(p, "%s%s", path, exts[i]);
        if (file_exists(p, &st)) return p;
        const char *dot = strrchr(path, '.'), *sl = strrchr(path, '/');
        if (dot && (!sl || dot > sl)) {
            sprintf(p, "%.*s%s", (int)(dot - path), path, exts[i]);
            if (file_exists(p, &st)) return p;
        }
    }
    free(p);
    return NULL;
}

static samFile *open_input(tsc_fetch_t *f, const char *path)
{
    errno = 0;
    samFile *fp = sam_open(path, "r");
    if (!fp) {
        tsc_error("%s: cannot open alignment file%s%s", path, errno ? ": " : "", errno ? strerror(errno) : "");
        return NULL;
    }
    if (f->opt.reference && hts_set_fai_filename(fp, f->opt.reference) < 0) {
        tsc_error("%s: cannot use reference %s", path, f->opt.reference);
        sam_close(fp);
        return NULL;
    }
    if (f->pool && hts_set_thread_pool(fp, &f->tp) < 0) {
        tsc_error("%s: cannot attach the thread pool", path);
        sam_close(fp);
        return NULL;
    }
    if (hts_get_format(fp)->format == cram) /* CRAM: skip what is never read */
        hts_set_opt(fp, CRAM_OPT_REQUIRED_FIELDS, SAM_QNAME | SAM_FLAG | SAM_RNAME | SAM_POS |
                    SAM_CIGAR | SAM_RNEXT | SAM_PNEXT | SAM_TLEN | SAM_AUX);
    return fp;
}

samFile *tsc_fetch_reopen(tsc_fetch_t *f, sam_hdr_t **h)
{
    samFile *fp = open_input(f, f->path);
    if (!fp) return NULL;
    if (!(*h = sam_hdr_read(fp))) {
        tsc_error("%s: cannot read the header", f->path);
        sam_close(fp);
        return NULL;
    }
    return fp;
}

/* Loud warning when no BAM reference names a loci chromosome (chr1 vs 1). */
static void check_names(const tsc_fetch_t *f)
{
    const tsc_annot_t *a = f->annot;
    int32_t nref = sam_hdr_nref(f->hdr);
    if (f->ctx->n_matched > 0 || a->n_chrom == 0 || nref == 0) return;
    kstring_t s = { 0, 0, NULL }, t = { 0, 0, NULL };
    for (int32_t i = 0; i < nref && i < 3; i++) ksprintf(&s, "%s%s", i ? ", " : "", sam_hdr_tid2name(f->hdr, i));
    if (nref > 3) kputs(", ...", &s);
    for (int32_t i = 0; i < a->n_chrom && i < 3; i++) ksprintf(&t, "%s%s", i ? ", " : "", a->chrom[i]);
    if (a->n_chrom > 3) kputs(", ...", &t);
    tsc_warn("%s: none of its %d reference names (%s) is a chromosome of the loci (%s): "
             "no fragment can overlap a locus; do the names differ (chr1 vs 1)?",
             f->path, (int)nref, s.s ? s.s : "", t.s ? t.s : "");
    free(s.s); free(t.s);
}

tsc_fetch_t *tsc_fetch_open(const char *path, const tsc_annot_t *a, const tsc_fetch_opt_t *o)
{
    tsc_fetch_t *f = calloc(1, sizeof(*f));
    if (!f) { tsc_error("out of memory"); return NULL; }
    f->opt = *o;
    f->annot = a;
    tsc_frag_counts_init(&f->cnt);
    tsc_sc_counts_init(&f->scc);
    if (!(f->path = strdup(path))) { tsc_error("out of memory"); goto fail; }
    if (o->n_threads > 1) {
        if (!(f->pool = hts_tpool_init(o->n_threads - 1))) { tsc_error("cannot start threads"); goto fail; }
        f->tp.pool = f->pool;
        f->tp.qsize = 0;
    }
    if (!(f->fp = open_input(f, path))) goto fail;
    if (!(f->hdr = sam_hdr_read(f->fp))) { tsc_error("%s: cannot read the header", path); goto fail; }
    if (hts_check_EOF(f->fp) == 0) {
        tsc_error("%s: truncated: its end-of-file marker is missing", path);
        goto fail;
    }
    kstring_t so = { 0, 0, NULL };
    if (sam_hdr_find_tag_hd(f->hdr, "SO", &so) == 0 && so.s && strcmp(so.s, "coordinate") == 0) f->so_coord = 1;
    free(so.s);
    /* index: only to report nmap_idx/nunmap_idx as Telescope does, and for region passes */
    int is_cram = hts_get_format(f->fp)->format == cram;
    if (strcmp(path, "-") != 0 && (hts_get_format(f->fp)->format == bam || is_cram) &&
        (f->idx_path = find_index(path, is_cram))) {
        f->idx = sam_index_load3(f->fp, path, f->idx_path, HTS_IDX_SILENT_FAIL);
        if (!f->idx) tsc_warn("%s: cannot load its index %s", path, f->idx_path);
        struct stat sd, si;
        if (f->idx && stat(path, &sd) == 0 && stat(f->idx_path, &si) == 0 && si.st_mtime < sd.st_mtime)
            f->idx_stale = 1;
    }
    if (f->idx) {
        f->has_idx_stats = 1;
        for (int32_t i = 0; i < sam_hdr_nref(f->hdr); i++) {
            uint64_t m = 0, u = 0;
            if (hts_idx_get_stat(f->idx, i, &m, &u) < 0) { m = u = 0; if (is_cram) f->has_idx_stats = 0; }
            f->nmap_idx += m; f->nunmap_idx += u;
        }
        f->nunmap_idx += hts_idx_get_n_no_coor(f->idx);
        if (f->idx_stale && !o->prefilter)
            tsc_warn("%s: the index %s is older than the file; nmap_idx/nunmap_idx may be stale", path, f->idx_path);
    }
    f->order = o->order != TSC_ORDER_AUTO ? o->order : f->so_coord ? TSC_ORDER_COORD : TSC_ORDER_NAME;
    if (o->prefilter) {
        if (!f->so_coord && o->order != TSC_ORDER_COORD) {
            tsc_error("%s: --prefilter needs a coordinate-sorted file (its header lacks SO:coordinate): "
                      "samtools sort -o sorted.bam %s && samtools index sorted.bam", path, path);
            goto fail;
        }
        if (!f->idx) {
            tsc_error("%s: --prefilter needs an index, and none was found: samtools index %s", path, path);
            goto fail;
        }
        if (f->idx_stale) {
            tsc_error("%s: --prefilter: the index %s is older than the file (stale): samtools index %s",
                      path, f->idx_path, path);
            goto fail;
        }
        f->order = TSC_ORDER_COORD;
    }
    if (f->order == TSC_ORDER_COORD && !o->prefilter && strcmp(path, "-") == 0) {
        tsc_error("coordinate-sorted input on stdin: it needs two passes; give the file name (with an "
                  "index the first pass reads only the loci), or collate it: samtools collate -O in.bam | tsc-fetch ...");
        goto fail;
    }
    if (!(f->ctx = tsc_frag_ctx_init(a, f->hdr, &o->frag))) { tsc_error("out of memory"); goto fail; }
    check_names(f);
    return f;
fail:
    tsc_fetch_close(f);
    return NULL;
}

void tsc_fetch_close(tsc_fetch_t *f)
{
    if (!f) return;
    tsc_frag_ctx_destroy(f->ctx);
    if (f->idx) hts_idx_destroy(f->idx);
    if (f->hdr) sam_hdr_destroy(f->hdr);
    if (f->fp) sam_close(f->fp);
    if (f->pool) hts_tpool_destroy(f->pool);
    free(f->idx_path);
    free(f->path);
    free(f);
}

/* ---------------------------------------------------------------- header and run info */

int tsc_fetch_header(const tsc_fetch_t *f, tsc_hdr_t *h)
{
    const tsc_annot_t *a = f->annot;
    for (int32_t i = 0; i < a->n_loci; i++)
        if (tsc_hdr_add_feature(h, a->locus[i], a->len[i]) < 0) return -1;
    if (tsc_hdr_set_info(h, "version", TSC_VERSION) < 0) return -1;
    if (f->has_idx_stats) {
        if (tsc_hdr_set_info_int(h, "nmap_idx", (int64_t)f->nmap_idx) < 0) return -1;
        if (tsc_hdr_set_info_int(h, "nunmap_idx", (int64_t)f->nunmap_idx) < 0) return -1;
    }
    if (tsc_hdr_set_info_int(h, "annotated_features", a->n_loci) < 0) return -1;
    /* the options that shape the units' features, for tsc-tag to recompute the same */
    char buf[32];
    if (tsc_hdr_set_info(h, "_overlap_threshold", tsc_repr_double(f->opt.frag.overlap_threshold, buf)) < 0 ||
        tsc_hdr_set_info(h, "_stranded_mode", tsc_strand_mode_name(f->opt.frag.strand_mode)) < 0)
        return -1;
    if (f->opt.sc) {
        static const char *const fl[2] = { "CB", "UB" };
        char t1[3] = { f->opt.sc->btag[0], f->opt.sc->btag[1], 0 }, t2[3] = { f->opt.sc->utag[0], f->opt.sc->utag[1], 0 };
        if (tsc_hits_fields_info(h, 2, fl) < 0 || tsc_hdr_set_info(h, "_barcode_tag", t1) < 0 ||
            tsc_hdr_set_info(h, "_umi_tag", t2) < 0 || tsc_hdr_set_info_int(h, "_ignore_umi", f->opt.sc->ignore_umi) < 0)
            return -1;
    }
    return 0;
}

int tsc_fetch_runinfo(const tsc_fetch_t *f, tsc_hdr_t *h)
{
    const tsc_frag_counts_t *c = &f->cnt;
    if (tsc_hdr_set_info_int(h, "total_fragments", c->total) < 0 ||
        tsc_hdr_set_info_int(h, "pair_mapped", c->cls[TSC_FC_PM]) < 0 ||
        tsc_hdr_set_info_int(h, "pair_mixed", c->cls[TSC_FC_PX]) < 0 ||
        tsc_hdr_set_info_int(h, "single_mapped", c->cls[TSC_FC_SM]) < 0 ||
        tsc_hdr_set_info_int(h, "unmapped", tsc_counts_unmapped(c)) < 0 ||
        tsc_hdr_set_info_int(h, "unique", c->unique) < 0 ||
        tsc_hdr_set_info_int(h, "ambig", c->ambig) < 0)
        return -1;
    if (f->opt.prefilter) {
        if (tsc_hdr_set_info(h, "_prefilter", "approximate") < 0 ||
            tsc_hdr_set_info_int(h, "_prefilter_unseen", f->pf_unseen) < 0 ||
            tsc_hdr_set_info_int(h, "_prefilter_no_nh", f->pf_no_nh) < 0)
            return -1;
        if (f->opt.has_min_as || c->has_as) {
            int32_t mn = f->pf_min_as, mx = c->has_as ? c->as_max : f->pf_min_as;
            if (tsc_hdr_set_info_int(h, "_min_as", mn) < 0 || tsc_hdr_set_info_int(h, "_max_as", mx) < 0) return -1;
        }
        return 0;
    }
    if (c->has_as) {
        if (tsc_hdr_set_info_int(h, "_min_as", c->as_min) < 0 || tsc_hdr_set_info_int(h, "_max_as", c->as_max) < 0)
            return -1;
    }
    if (f->opt.sc && tsc_sc_runinfo(&f->scc, h) < 0) return -1;
    return 0;
}

/* ---------------------------------------------------------------- shared helpers */

static int frag_error(const tsc_fetch_t *f, int code, int64_t rec, const char *name)
{
    const char *nm = name ? name : "?";
    switch (code) {
    case TSC_FRAG_E_NOAS:
        tsc_error("%s: record %" PRId64 " (read %s): mapped alignment without an integer AS tag "
                  "(the alignment score is required)", f->path, rec, nm);
        break;
    case TSC_FRAG_E_CIGAR:
        tsc_error("%s: record %" PRId64 " (read %s): bad CIGAR: a zero-length M/=/X operation", f->path, rec, nm);
        break;
    case TSC_FRAG_E_NOBLOCK:
        tsc_error("%s: record %" PRId64 " (read %s): mapped alignment without aligned bases (CIGAR '*')",
                  f->path, rec, nm);
        break;
    default:
        tsc_error("out of memory");
        break;
    }
    return -1;
}

int tsc_fetch_frag_error(const tsc_fetch_t *f, const tsc_frag_t *fr, int code)
{
    int64_t rec = fr->err_rec >= 0 && fr->err_rec < fr->n_rec ? fr->rec[fr->err_rec].idx + 1 : -1;
    return frag_error(f, code, rec, fr->name.s);
}

int tsc_fetch_emit(const tsc_fetch_t *f, tsc_hitw_t *hw, const tsc_frag_t *fr, int64_t ord)
{
    if (!fr->has_locus) return 0;
    tsc_hit_t h;
    h.frag = ord;
    h.name = f->opt.keep_names ? fr->name.s : NULL;
    h.n_map = h.m_map = fr->n_map;
    h.map = fr->map;
    return tsc_hitw_add(hw, &h);
}

/* ---------------------------------------------------------------- collation checks */

/* The names of the last WINDOW insertions, by 64-bit hash: a set-associative table of 4-entry
 * buckets (one cache line), 2 buckets per name of the window, each entry the hash and the
 * insertion number.  Entries older than the window count as empty; a full bucket drops its oldest
 * entry, which for a live one (a bucket holding 5 of the last WINDOW names, probability about
 * 2e-4 per bucket) makes that name undetectable: the checks are near-exact, never false alarms
 * beyond equal hashes. */
#define WINDOW (1 << 16)
#define WAYS 4
typedef struct {
    uint64_t h;
    int64_t t;   /* insertion number + 1; 0 = empty */
} went_t;

typedef struct {
    went_t *e;
    uint64_t mask;  /* buckets - 1 */
    int64_t t;      /* insertions so far */
} window_t;

static int window_init(window_t *w)
{
    uint64_t nb = 2 * WINDOW;
    w->e = calloc(nb * WAYS, sizeof(went_t));
    w->mask = nb - 1;
    w->t = 0;
    return w->e ? 0 : -1;
}

static void window_free(window_t *w) { free(w->e); }

static inline int window_has(const window_t *w, uint64_t h)
{
    const went_t *b = w->e + ((h >> 20) & w->mask) * WAYS;
    for (int i = 0; i < WAYS; i++)
        if (b[i].t > 0 && b[i].h == h && w->t - (b[i].t - 1) <= WINDOW) return 1;
    return 0;
}

static inline void window_prefetch(const window_t *w, uint64_t h)
{
    __builtin_prefetch(w->e + ((h >> 20) & w->mask) * WAYS);
}

static inline void window_add(window_t *w, uint64_t h)
{
    went_t *b = w->e + ((h >> 20) & w->mask) * WAYS;
    int k = 0;
    for (int i = 1; i < WAYS; i++)
        if (b[i].t < b[k].t) k = i;
    b[k].h = h;
    b[k].t = ++w->t;
}

#define PF_AHEAD 6                /* bundles whose window buckets are prefetched ahead (two lines each) */
#define SORTED_EARLY 100000      /* placed records in coordinate order: stop early */
#define SORTED_EOF 1000          /* ... or at the end */

static int scattered(const tsc_fetch_t *f, const char *name, int64_t rec, int orphan)
{
    tsc_error("%s: record %" PRId64 ": read %s appears again after other reads%s: the file is not grouped "
              "by read name. Collate it (samtools collate -o collated.bam %s) or sort it by coordinate "
              "(samtools sort -o sorted.bam %s; tsc-fetch reads SO:coordinate files correctly)",
              f->path, rec + 1, name, orphan ? " (its mate was missing from its first group)" : "",
              f->path, f->path);
    return -1;
}

static int sorted_content(const tsc_fetch_t *f, int64_t nplaced)
{
    tsc_error("%s: the first %" PRId64 " placed records are in coordinate order and reads have several "
              "alignments, but the header does not say SO:coordinate: the records of a read are probably "
              "scattered. Sort it (samtools sort -o sorted.bam %s), collate it (samtools collate), or, if "
              "it really is grouped by read name, say so with --input-order name",
              f->path, nplaced, f->path);
    return -1;
}

/* ---------------------------------------------------------------- name-collated input */

/* The main thread reads records into batches of whole bundles; each batch is processed (on the
 * thread pool with -t > 1, in file order through an ordered process queue) into counters and HITS
 * records; the main thread then checks the names for collation, merges the counters and writes
 * the records, batch by batch in file order.  Results do not depend on the number of threads. */
#define BATCH_RECORDS 4096 /* records per batch (whole bundles: more for a bigger bundle) */
#define MAX_BATCHES 16     /* batches in flight at most: about 1.5 MB each for 2x100 bp reads */

typedef struct {
    /* input: records as bam1_t (single cell, SAM, CRAM), or (RAW) reduced: tsc_rec_t and blocks */
    int raw;
    bam1_t **b;
    tsc_rec_t *rec;
    hts_pos_t *blk;           /* RAW: the records' blocks, rec[i].b_off (start, end) pairs on */
    int64_t n_blk, m_blk;
    kstring_t bname;          /* RAW: each bundle's name, NUL-terminated, at noff[bundle] */
    int32_t *noff;
    int32_t n, m;             /* records; allocated bam1_t or tsc_rec_t */
    int32_t nb, mb;           /* bundles */
    int32_t *bstart;          /* first record of each bundle (mb + 1) */
    int64_t idx0;             /* number of the batch's first record */
    /* output */
    tsc_frag_t fr;            /* scratch */
    tsc_frag_counts_t cnt;
    uint64_t *bhash;          /* name hash of each bundle */
    uint8_t *orphan;          /* a primary mate is missing */
    int32_t nh, mh;           /* bundles with a locus: */
    int32_t *hb, *hoff;       /* their bundle, and their mappings in map[hoff[i] .. hoff[i+1]) */
    int32_t nmap, mmap;
    tsc_map_t *map;
    kstring_t names;          /* their names, NUL-separated (--names) */
    int keep_names;
    const tsc_sc_opt_t *sc;   /* single cell: filters; fields CB, UB of the hits, NUL-separated */
    tsc_sc_counts_t scc;
    kstring_t flds;
    /* placed records: in coordinate order within the batch? first and last positions */
    int in_order;
    int32_t tid0, tid1;
    hts_pos_t pos0, pos1;
    int64_t nplaced, nextra;
    /* first error */
    int err;
    int64_t err_rec;
    kstring_t err_name;
} batch_t;

static void batch_free(batch_t *bt)
{
    if (!bt) return;
    if (!bt->raw)
        for (int32_t i = 0; i < bt->m; i++) bam_destroy1(bt->b[i]);
    free(bt->b); free(bt->rec); free(bt->blk); free(bt->bname.s); free(bt->noff);
    free(bt->bstart); free(bt->bhash); free(bt->orphan);
    free(bt->hb); free(bt->hoff); free(bt->map);
    free(bt->names.s); free(bt->err_name.s); free(bt->flds.s);
    tsc_frag_free(&bt->fr);
    free(bt);
}

/* Room for record slot N and bundle NB in BT. */
static int batch_room(batch_t *bt, int32_t n, int32_t nb)
{
    if (n >= bt->m) {
        int32_t nm = bt->m < 64 ? 64 : bt->m + (bt->m >> 1);
        if (bt->raw) {
            tsc_rec_t *p = realloc(bt->rec, (size_t)nm * sizeof(*p));
            if (!p) return -1;
            bt->rec = p;
            bt->m = nm;
        } else {
            bam1_t **p = realloc(bt->b, (size_t)nm * sizeof(*p));
            if (!p) return -1;
            bt->b = p;
            for (; bt->m < nm; bt->m++)
                if (!(bt->b[bt->m] = bam_init1())) return -1;
        }
    }
    if (nb >= bt->mb) {
        int32_t nm = bt->mb < 64 ? 64 : bt->mb + (bt->mb >> 1);
        int32_t *s = realloc(bt->bstart, (size_t)(nm + 1) * sizeof(int32_t));
        if (!s) return -1;
        bt->bstart = s;
        uint64_t *h = realloc(bt->bhash, (size_t)nm * sizeof(uint64_t));
        if (!h) return -1;
        bt->bhash = h;
        uint8_t *o = realloc(bt->orphan, (size_t)nm);
        if (!o) return -1;
        bt->orphan = o;
        if (bt->raw) {
            int32_t *no = realloc(bt->noff, (size_t)(nm + 1) * sizeof(int32_t));
            if (!no) return -1;
            bt->noff = no;
        }
        bt->mb = nm;
    }
    return 0;
}

static int batch_hit(batch_t *bt, int32_t bundle, const tsc_frag_t *fr)
{
    if (bt->nh + 2 > bt->mh) {
        int32_t nm = bt->mh < 64 ? 64 : bt->mh + (bt->mh >> 1);
        int32_t *p = realloc(bt->hb, (size_t)nm * sizeof(int32_t));
        if (!p) return -1;
        bt->hb = p;
        if (!(p = realloc(bt->hoff, (size_t)(nm + 1) * sizeof(int32_t)))) return -1;
        bt->hoff = p;
        bt->mh = nm;
    }
    if (bt->nmap + fr->n_map > bt->mmap) {
        int64_t nm = bt->mmap < 256 ? 256 : bt->mmap + (bt->mmap >> 1);
        if (nm < bt->nmap + fr->n_map) nm = bt->nmap + fr->n_map;
        if (nm > INT32_MAX) return -1;
        tsc_map_t *p = realloc(bt->map, (size_t)nm * sizeof(tsc_map_t));
        if (!p) return -1;
        bt->map = p; bt->mmap = (int32_t)nm;
    }
    if (bt->nh == 0) bt->hoff[0] = 0;
    memcpy(bt->map + bt->nmap, fr->map, (size_t)fr->n_map * sizeof(tsc_map_t));
    bt->nmap += fr->n_map;
    bt->hb[bt->nh] = bundle;
    bt->hoff[++bt->nh] = bt->nmap;
    if (bt->keep_names && kputsn(fr->name.s, fr->name.l + 1, &bt->names) < 0) return -1;
    return 0;
}

typedef struct {
    batch_t *bt;
    const tsc_frag_ctx_t *ctx;
} job_t;

static void batch_fail(batch_t *bt, int code, const tsc_frag_t *fr)
{
    bt->err = code;
    bt->err_rec = fr->err_rec >= 0 && fr->err_rec < fr->n_rec ? fr->rec[fr->err_rec].idx + 1 : -1;
    bt->err_name.l = 0;
    if (fr->name.s) kputs(fr->name.s, &bt->err_name);
}

static void batch_process(batch_t *bt, const tsc_frag_ctx_t *ctx)
{
    tsc_frag_t *fr = &bt->fr;
    tsc_frag_counts_init(&bt->cnt);
    tsc_sc_counts_init(&bt->scc);
    bt->flds.l = 0;
    bt->nh = bt->nmap = 0;
    bt->names.l = 0;
    bt->err = 0;
    bt->in_order = 1;
    bt->tid0 = bt->tid1 = -1;
    bt->pos0 = bt->pos1 = -1;
    bt->nplaced = bt->nextra = 0;
    bt->bstart[bt->nb] = bt->n;
    if (bt->raw) bt->noff[bt->nb] = (int32_t)bt->bname.l;
    for (int32_t k = 0; k < bt->nb; k++) {
        int32_t s = bt->bstart[k], e = bt->bstart[k + 1];
        int p1 = 0, p2 = 0;
        tsc_frag_clear(fr);
        if (bt->raw) {
            const char *qn = bt->bname.s + bt->noff[k];
            size_t len = (size_t)(bt->noff[k + 1] - bt->noff[k] - 1);
            bt->bhash[k] = tsc_name_hash(qn, len, TSC_SEED1);
            if (kputs(qn, &fr->name) < 0) { batch_fail(bt, TSC_FRAG_E_NOMEM, fr); return; }
        } else {
            const bam1_t *b = bt->b[s];
            bt->bhash[k] = tsc_name_hash(bam_get_qname(b), b->core.l_qname - 1 - b->core.l_extranul, TSC_SEED1);
        }
        for (int32_t i = s; i < e; i++) {
            const tsc_rec_t *c;
            int r = bt->raw ? tsc_frag_add_rec(fr, &bt->rec[i], bt->blk + 2 * bt->rec[i].b_off)
                            : tsc_frag_add(fr, bt->b[i], bt->idx0 + i);
            if (r < 0) { batch_fail(bt, r, fr); return; }
            c = &fr->rec[fr->n_rec - 1];
            if (!(c->flag & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY)) && (c->flag & BAM_FPAIRED)) {
                if (c->flag & BAM_FREAD1) p1 = 1; else p2 = 1;
            }
            if (c->tid >= 0) {
                if (bt->nplaced == 0) { bt->tid0 = c->tid; bt->pos0 = c->pos; }
                else if (c->tid < bt->tid1 || (c->tid == bt->tid1 && c->pos < bt->pos1)) bt->in_order = 0;
                bt->tid1 = c->tid; bt->pos1 = c->pos;
                bt->nplaced++;
                if (!(c->flag & BAM_FUNMAP) && (c->flag & (BAM_FSECONDARY | BAM_FSUPPLEMENTARY))) bt->nextra++;
            }
        }
        bt->orphan[k] = p1 != p2;
        int r = tsc_frag_process(fr, ctx);
        if (r < 0) { batch_fail(bt, r, fr); return; }
        tsc_frag_count(&bt->cnt, fr);
        if (bt->sc) {
            const char *cb, *ub;
            if (tsc_sc_classify(bt->sc, fr, bt->b + s, &bt->scc, &cb, &ub) != TSC_SC_OK || !fr->has_locus) continue;
            if (kputsn(cb, strlen(cb) + 1, &bt->flds) < 0 || kputsn(ub ? ub : "", (ub ? strlen(ub) : 0) + 1, &bt->flds) < 0) {
                batch_fail(bt, TSC_FRAG_E_NOMEM, fr);
                return;
            }
        }
        if (fr->has_locus && batch_hit(bt, k, fr) < 0) { batch_fail(bt, TSC_FRAG_E_NOMEM, fr); return; }
    }
}

static void *job_run(void *arg)
{
    job_t *j = arg;
    batch_process(j->bt, j->ctx);
    return j;
}

typedef struct {
    tsc_fetch_t *f;
    tsc_hitw_t *hw;
    window_t recent, orphans;
    int check_sorted, in_order;
    int32_t last_tid;
    hts_pos_t last_pos;
    int64_t nplaced, nextra, ord, next_progress;
    double t0, tlast;                /* progress: start, last live line */
    int live;                        /* progress as one live line (stderr is a terminal) */
} consumer_t;

/* Progress at INFO verbosity: a live line on a terminal (about once a second), else one line
 * every 2.5M fragments; both with fragments and records per second. */
static void progress(consumer_t *cs, int64_t nrec, int final)
{
    double t = tsc_realtime(), dt = t - cs->t0 > 1e-9 ? t - cs->t0 : 1e-9;
    if (tsc_verbosity() < TSC_LOG_INFO) return;
    if (cs->live) {
        if (!final && t - cs->tlast < 1.0) return;
        cs->tlast = t;
        fprintf(stderr, "\r%s: ...processed %.2fM fragments, %.2fM records (%.0f fragments/s, %.0f records/s)%s",
                tsc_progname(), cs->ord / 1e6, nrec / 1e6, cs->ord / dt, nrec / dt, final ? "\n" : "");
        fflush(stderr);
    } else if (!final && cs->ord >= cs->next_progress) {
        tsc_info("...processed %.1fM fragments, %.1fM records (%.0f fragments/s, %.0f records/s)",
                 cs->ord / 1e6, nrec / 1e6, cs->ord / dt, nrec / dt);
        while (cs->next_progress <= cs->ord) cs->next_progress += 2500000;
    }
}

/* Checks, counters and records of a processed batch, in file order. 0 or -1. */
static int consume(consumer_t *cs, batch_t *bt)
{
    tsc_fetch_t *f = cs->f;
    int32_t h = 0;
    if (bt->err) return frag_error(f, bt->err, bt->err_rec, bt->err_name.s);
    const char *name = bt->names.s, *fld = bt->flds.s;
    for (int32_t k = 0; k < bt->nb && k < PF_AHEAD; k++) {
        window_prefetch(&cs->recent, bt->bhash[k]);
        window_prefetch(&cs->orphans, bt->bhash[k]);
    }
    for (int32_t k = 0; k < bt->nb; k++) {
        uint64_t hh = bt->bhash[k];
        if (k + PF_AHEAD < bt->nb) { /* the tables are larger than the caches */
            window_prefetch(&cs->recent, bt->bhash[k + PF_AHEAD]);
            window_prefetch(&cs->orphans, bt->bhash[k + PF_AHEAD]);
        }
        if (window_has(&cs->recent, hh) || window_has(&cs->orphans, hh))
            return scattered(f, bt->raw ? bt->bname.s + bt->noff[k] : bam_get_qname(bt->b[bt->bstart[k]]),
                             bt->idx0 + bt->bstart[k], !window_has(&cs->recent, hh));
        window_add(&cs->recent, hh);
        if (bt->orphan[k]) window_add(&cs->orphans, hh);
        if (h < bt->nh && bt->hb[h] == k) {
            tsc_hit_t x;
            x.frag = cs->ord;
            x.name = bt->keep_names ? (char *)name : NULL;
            x.n_map = x.m_map = bt->hoff[h + 1] - bt->hoff[h];
            x.map = bt->map + bt->hoff[h];
            x.n_fld = 0;
            if (bt->sc) {
                x.n_fld = 2;
                x.fld[0] = (char *)fld; fld += strlen(fld) + 1;
                x.fld[1] = (char *)fld; fld += strlen(fld) + 1;
            }
            if (tsc_hitw_add(cs->hw, &x) < 0) return -1;
            if (bt->keep_names) name += strlen(name) + 1;
            h++;
        }
        cs->ord++;
    }
    progress(cs, bt->idx0 + bt->n, 0);
    tsc_frag_counts_merge(&f->cnt, &bt->cnt);
    if (bt->sc) tsc_sc_counts_merge(&f->scc, &bt->scc);
    if (cs->check_sorted && bt->nplaced > 0) {
        if (!bt->in_order || (cs->nplaced > 0 && (bt->tid0 < cs->last_tid || (bt->tid0 == cs->last_tid && bt->pos0 < cs->last_pos))))
            cs->in_order = 0;
        cs->last_tid = bt->tid1; cs->last_pos = bt->pos1;
        cs->nplaced += bt->nplaced; cs->nextra += bt->nextra;
        if (cs->in_order && cs->nextra > 0 && cs->nplaced >= SORTED_EARLY) return sorted_content(f, cs->nplaced);
    }
    return 0;
}

/* Is the name of raw record X that of the batch's last bundle? */
static inline int same_name_raw(const batch_t *bt, const tsc_bamraw_t *x)
{
    const char *last = bt->bname.s + bt->noff[bt->nb - 1];
    return (size_t)x->l_name == bt->bname.l - 1 - (size_t)bt->noff[bt->nb - 1] && memcmp(last, x->qname, (size_t)x->l_name) == 0;
}

/* Raw record X, number IDX, reduced into slot BT->n (scratch: R, *BLK of *MB; for a CIGAR in the
 * CG tag, B and ONE).  0; -1 on OOM; < -1 as tsc_bamrd_read for an invalid record. */
static int add_raw(batch_t *bt, const tsc_bamraw_t *x, int64_t idx, tsc_rec_t *r, hts_pos_t **blk, int32_t *mb,
                   bam1_t *b, tsc_frag_t *one)
{
    const hts_pos_t *src = NULL;
    int k = tsc_bamraw_reduce(x, idx, 0, r, blk, mb, NULL);
    if (k < 0) return -1;
    if (k == 1) { /* the bam1_t path */
        if ((k = tsc_bamrd_copy(x, b)) < 0) return k;
        tsc_frag_clear(one);
        if (tsc_frag_add(one, b, idx) < 0) return -1;
        *r = one->rec[0];
        src = one->blk;
    } else src = *blk;
    if (bt->n_blk + r->n_b > bt->m_blk) {
        int64_t nm = bt->m_blk < 1024 ? 1024 : bt->m_blk + (bt->m_blk >> 1);
        if (nm < bt->n_blk + r->n_b) nm = bt->n_blk + r->n_b;
        hts_pos_t *q = nm > INT32_MAX ? NULL : realloc(bt->blk, (size_t)nm * 2 * sizeof(hts_pos_t));
        if (!q) return -1;
        bt->blk = q; bt->m_blk = nm;
    }
    tsc_blk_copy(bt->blk + 2 * bt->n_blk, src, r->n_b);
    r->b_off = (int32_t)bt->n_blk;
    bt->n_blk += r->n_b;
    bt->rec[bt->n] = *r;
    return 0;
}

static int run_collated(tsc_fetch_t *f, tsc_hitw_t *hw)
{
    consumer_t cs;
    memset(&cs, 0, sizeof(cs));
    cs.f = f; cs.hw = hw;
    cs.check_sorted = f->opt.order == TSC_ORDER_AUTO;
    cs.in_order = 1;
    cs.last_tid = -1;
    cs.next_progress = 2500000;
    cs.t0 = cs.tlast = tsc_realtime();
    cs.live = isatty(2);
    int ret = -1, r, nfree = 0, nall = 0, maxb, inflight = 0;
    int64_t nrec = 0;
    hts_tpool_process *q = NULL;
    bam1_t *pend = bam_init1();
    tsc_bamrd_t *rd = tsc_bamrd_open(f->path, f->fp, f->hdr, f->pool);
    if (rd) tsc_bamrd_noseq(rd); /* fragments need no sequence */
    /* BAM records are reduced in place (no copy) unless single cell needs their tags */
    int raw = rd && !f->opt.sc;
    tsc_bamraw_t x;
    tsc_rec_t xr;
    hts_pos_t *xblk = NULL;
    int32_t xmb = 0;
    tsc_frag_t one;
    tsc_frag_init(&one);
    /* batches: all of them (for cleanup), the free ones, and the jobs */
    maxb = f->pool ? 2 * hts_tpool_size(f->pool) + 4 : 1;
    if (maxb > MAX_BATCHES) maxb = MAX_BATCHES;
    batch_t **all = calloc((size_t)maxb, sizeof(batch_t *)), **freeb = calloc((size_t)maxb, sizeof(batch_t *));
    job_t *jobs = calloc((size_t)maxb, sizeof(job_t));
    batch_t *cur = NULL;
    if (!pend || !all || !freeb || !jobs || window_init(&cs.recent) < 0 || window_init(&cs.orphans) < 0) {
        tsc_error("out of memory");
        goto end;
    }
    /* fragments are processed on the pool only from -t 4 on: with fewer threads, handing batches
     * over costs more than it gains (measured: -t 2, 12.4 s against 9.1 s inline, 15M records) */
    if (f->pool && hts_tpool_size(f->pool) >= 3 && !(q = hts_tpool_process_init(f->pool, maxb, 0))) { tsc_error("cannot start threads"); goto end; }
#define NEW_BATCH() do { \
        if (nfree > 0) cur = freeb[--nfree]; \
        else { \
            if (nall == maxb || !(cur = calloc(1, sizeof(batch_t)))) { tsc_error(nall == maxb ? "internal error: no free batch" : "out of memory"); goto end; } \
            all[nall] = cur; jobs[nall].bt = cur; jobs[nall].ctx = f->ctx; nall++; \
            cur->keep_names = f->opt.keep_names; cur->sc = f->opt.sc; cur->raw = raw; tsc_frag_init(&cur->fr); \
        } \
        cur->n = cur->nb = 0; cur->idx0 = nrec; cur->n_blk = 0; cur->bname.l = 0; \
    } while (0)
    NEW_BATCH();
    for (;;) {
        int newb;
        if (raw) {
            r = tsc_bamrd_raw(rd, &x);
            newb = r >= 0 && (cur->n == 0 || !same_name_raw(cur, &x));
        } else {
            r = rd ? tsc_bamrd_read(rd, pend) : sam_read1(f->fp, f->hdr, pend);
            newb = r >= 0 && (cur->n == 0 || !same_qname(pend, cur->b[cur->n - 1]));
        }
        if (r < -1) { read_error(f->path, nrec, r); goto end; }
        int eof = r == -1;
        if (eof || (newb && cur->n >= BATCH_RECORDS)) {
            if (cur->n > 0) { /* submit the batch; consume what is ready */
                job_t *jb = NULL;
                for (int i = 0; i < nall; i++) if (all[i] == cur) jb = &jobs[i];
                if (!q) {
                    batch_process(cur, f->ctx);
                    if (consume(&cs, cur) < 0) goto end;
                    freeb[nfree++] = cur;
                } else {
                    /* at most maxb-1 batches in the pool, so one is always free to fill */
                    while (inflight >= maxb - 1) {
                        hts_tpool_result *res = hts_tpool_next_result_wait(q);
                        if (!res) { tsc_error("thread pool failure"); goto end; }
                        job_t *dj = hts_tpool_result_data(res);
                        hts_tpool_delete_result(res, 0);
                        inflight--;
                        if (consume(&cs, dj->bt) < 0) goto end;
                        freeb[nfree++] = dj->bt;
                    }
                    if (hts_tpool_dispatch2(f->pool, q, job_run, jb, -1) < 0) { tsc_error("thread pool failure"); goto end; }
                    inflight++;
                    hts_tpool_result *res;
                    while ((res = hts_tpool_next_result(q))) {
                        job_t *dj = hts_tpool_result_data(res);
                        hts_tpool_delete_result(res, 0);
                        inflight--;
                        if (consume(&cs, dj->bt) < 0) goto end;
                        freeb[nfree++] = dj->bt;
                    }
                }
                cur = NULL;
            }
            if (eof) break;
            NEW_BATCH();
        }
        if (batch_room(cur, cur->n, cur->nb) < 0) { tsc_error("out of memory"); goto end; }
        if (newb) {
            if (raw) {
                if (cur->bname.l > INT32_MAX - 256) { tsc_error("out of memory"); goto end; }
                cur->noff[cur->nb] = (int32_t)cur->bname.l;
                if (kputsn(x.qname, (size_t)x.l_name, &cur->bname) < 0 || kputc('\0', &cur->bname) < 0) { tsc_error("out of memory"); goto end; }
            }
            cur->bstart[cur->nb++] = cur->n;
        }
        if (raw) {
            if ((r = add_raw(cur, &x, nrec, &xr, &xblk, &xmb, pend, &one)) < 0) {
                if (r == -1) tsc_error("out of memory");
                else read_error(f->path, nrec, r);
                goto end;
            }
        } else {
            bam1_t *t = cur->b[cur->n]; cur->b[cur->n] = pend; pend = t;
        }
        nrec++;
        cur->n++;
    }
#undef NEW_BATCH
    if (q) { /* the rest, in order */
        if (hts_tpool_process_flush(q) < 0) { tsc_error("thread pool failure"); goto end; }
        hts_tpool_result *res;
        while ((res = hts_tpool_next_result(q))) {
            job_t *dj = hts_tpool_result_data(res);
            hts_tpool_delete_result(res, 0);
            if (consume(&cs, dj->bt) < 0) goto end;
        }
    }
    if (cs.check_sorted && cs.in_order && cs.nextra > 0 && cs.nplaced >= SORTED_EOF) {
        sorted_content(f, cs.nplaced);
        goto end;
    }
    f->n_records = nrec;
    if (cs.live && cs.ord >= 100000) progress(&cs, nrec, 1); /* the live line's last state */
    ret = 0;
end:
    if (q) {
        hts_tpool_process_reset(q, 0);
        hts_tpool_process_destroy(q);
    }
    for (int i = 0; i < nall; i++) batch_free(all[i]);
    free(all); free(freeb); free(jobs);
    if (pend) bam_destroy1(pend);
    free(xblk);
    tsc_frag_free(&one);
    tsc_bamrd_close(rd);
    window_free(&cs.recent);
    window_free(&cs.orphans);
    return ret;
}

int tsc_fetch_run(tsc_fetch_t *f, tsc_hitw_t *hw)
{
    int ret;
    if (f->opt.prefilter) ret = tsc_fetch_run_prefilter(f, hw);
    else if (f->order == TSC_ORDER_COORD) ret = tsc_fetch_run_sorted(f, hw);
    else ret = run_collated(f, hw);
    if (ret < 0) return -1;
    f->done = 1;
    if (!f->opt.prefilter && f->has_idx_stats && !f->idx_stale &&
        (uint64_t)f->n_records != f->nmap_idx + f->nunmap_idx)
        tsc_warn("%s: %" PRId64 " records read, but its index counts %" PRIu64 ": is the index stale?",
                 f->path, f->n_records, f->nmap_idx + f->nunmap_idx);
    tsc_info("%s: %" PRId64 " records, %" PRId64 " fragments, %" PRId64 " with a locus",
             f->path, f->n_records, f->cnt.total, f->cnt.with_locus);
    return 0;
}
