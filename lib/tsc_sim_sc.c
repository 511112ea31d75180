/* tsc_sim_sc.c -- tsc-simulate's single-cell mode: cells and their TE profiles, molecules and
 * their PCR duplicates, STARsolo-like single-end alignments, and the per-cell truth.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <htslib/khash.h>
#include <htslib/kstring.h>
#include "tsc_util.h"
#include "tsc_sim.h"
#include "tsc_sim_sc.h"
#include "tsc_sim_internal.h"

KHASH_MAP_INIT_INT64(sc_truth, uint32_t)
KHASH_SET_INIT_INT64(sc_bc)

#define BATCH 4096       /* molecules per generation batch */
#define W TSC_SIM_RLW
#define MAXCIG 32
#define MAXALN 4         /* a gene read: its own alignment and up to 3 paralogs */
#define MISMATCH_MAX 10  /* STAR --outFilterMismatchNmax */
#define TYPE_SPECIFIC 0.3 /* share of expressed loci expressed in one cell type only */

/* random streams, apart from the bulk mode's: the seed is mixed with a constant per kind */
#define SC_STREAM_MODEL 2            /* from the model seed: the cell types' TE profiles */
#define SC_SEED_CELLS 0x5c3ce115ULL  /* the sample's cells (barcodes, types, sizes), UMI key: stream 0 */
#define SC_SEED_MOL 0x5c3a11e5ULL    /* molecule i: stream i */
#define SC_SEED_READ 0x5c3a2ead5ULL  /* read j of molecule i: stream i * 64 + j */
#define SC_SEED_SHUF 0x5c35b0ffULL   /* the read order within batch b: stream b */

static const char *type_names[] = {"Tcell", "Bcell", "Mono", "NK", "DC", "Platelet", "Eryth", "HSC"};
#define N_TYPE_NAMES ((int)(sizeof(type_names) / sizeof(type_names[0])))

void tsc_sim_sc_opt_init(tsc_sim_sc_opt_t *o)
{
    memset(o, 0, sizeof(*o));
    o->n_cells = 500;
    o->n_ambient = 1000;
    o->frac_ambient = 0.03;
    o->n_types = 4;
    o->dup_mean = 3.0;
    o->frac_nocb = 0.02;
    o->frac_bcerr = 0.03;
    o->umi_len = 12;
}

int tsc_sim_sc_opt_check(const tsc_sim_sc_opt_t *so, const tsc_sim_opt_t *o)
{
    int bad = 0;
    if (so->n_cells < 1 || so->n_cells > 10000000) tsc_error("--cells must be in [1, 10000000]"), bad++;
    if (so->n_ambient < 0 || so->n_ambient > 100000000) tsc_error("--ambient must be in [0, 100000000]"), bad++;
    if (!(so->frac_ambient >= 0 && so->frac_ambient <= 1)) tsc_error("--ambient-fraction must be in [0, 1]"), bad++;
    if (so->n_types < 1 || so->n_types > 1000) tsc_error("--celltypes must be in [1, 1000]"), bad++;
    if (!(so->dup_mean >= 1 && so->dup_mean <= 30)) tsc_error("--reads-per-umi must be in [1, 30]"), bad++;
    if (!(so->frac_nocb >= 0 && so->frac_nocb <= 1)) tsc_error("--no-barcode must be in [0, 1]"), bad++;
    if (!(so->frac_bcerr >= 0 && so->frac_bcerr <= 1)) tsc_error("--barcode-errors must be in [0, 1]"), bad++;
    if (so->frac_nocb + so->frac_bcerr > 1) tsc_error("--no-barcode plus --barcode-errors must be at most 1"), bad++;
    if (so->umi_len < 4 || so->umi_len > 16) tsc_error("--umi-length must be in [4, 16]"), bad++;
    if ((int64_t)so->n_cells + so->n_ambient > ((int64_t)1 << 30)) tsc_error("too many barcodes"), bad++;
    if (o->ins_mean < o->read_len) tsc_error("--insert-mean must be at least the read length"), bad++;
    return bad ? -1 : 0;
}

/* ------------------------------------------------------------------------------------------ */
/* the cells                                                                                   */

typedef struct {
    int n;           /* expressed annotated copies in this type */
    int *idx;        /* copy index */
    double *cum;
} profile_t;

typedef struct {
    uint64_t key;            /* barcode index << 32 | locus */
    int64_t umi, read;
} truth_t;

struct tsc_sim_sc_s {
    const tsc_sim_t *s;
    tsc_sim_sc_opt_t o;
    int n_bc;                /* cells, then ambient barcodes */
    uint64_t *bc;            /* 2-bit codes, A < C < G < T: cells sorted, then ambient sorted */
    int *type;               /* cell type of each cell */
    double *cell_cum;        /* library sizes of the cells, cumulated */
    profile_t *prof;         /* per type */
    char **type_name;
    int minsc;               /* STAR --outFilterScoreMinOverLread 0.66 (and MatchNmin) */
    uint64_t umi_mask, umi_key;
    /* the run: touched only in order (take) */
    int64_t reads_done;
    tsc_sim_sc_stats_t *st;
    khash_t(sc_truth) *truth;
    truth_t *t;              /* (barcode, locus) -> UMIs, reads, in order of appearance */
    size_t t_n, t_m;
};

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

static int make_barcodes(tsc_sim_sc_t *sc, tsc_rng_t *r)
{
    khash_t(sc_bc) *h = kh_init(sc_bc);
    if (!h) return -1;
    for (int i = 0; i < sc->n_bc; i++) {
        uint64_t x;
        int absent;
        do {
            x = tsc_rng_next(r) >> (64 - 2 * TSC_SIM_SC_BCLEN);
            /* no homopolymer runs of 8 or more, which STARsolo-style filters drop */
            int run = 1, mx = 1;
            for (int k = 1; k < TSC_SIM_SC_BCLEN; k++) {
                run = ((x >> 2 * k) & 3) == ((x >> 2 * (k - 1)) & 3) ? run + 1 : 1;
                if (run > mx) mx = run;
            }
            if (mx >= 8) continue;
            kh_put(sc_bc, h, x, &absent);
            if (absent < 0) {
                kh_destroy(sc_bc, h);
                return -1;
            }
            if (absent) break;
        } while (1);
        sc->bc[i] = x;
    }
    kh_destroy(sc_bc, h);
    qsort(sc->bc, sc->o.n_cells, sizeof(uint64_t), cmp_u64);
    qsort(sc->bc + sc->o.n_cells, sc->n_bc - sc->o.n_cells, sizeof(uint64_t), cmp_u64);
    return 0;
}

/* the TE profile of each type: the bulk model's weights, times a log-normal factor per type; a
 * share of the expressed loci is expressed in one type only, and a few silent ones in one type */
static int make_profiles(tsc_sim_sc_t *sc, tsc_rng_t *r)
{
    const tsc_sim_t *s = sc->s;
    const int nt = sc->o.n_types;
    double *w = malloc((size_t)(s->n_loci ? s->n_loci : 1) * nt * sizeof(double));
    if (!w) return -1;
    for (int l = 0; l < s->n_loci; l++) {
        double base = s->copy[s->locus_copy[l]].w, *wl = w + (size_t)l * nt;
        int only = -1;
        double u = tsc_rng_unif(r);
        int t1 = (int)tsc_rng_below(r, (uint64_t)nt);
        if (base > 0 && u < TYPE_SPECIFIC) only = t1, base *= 4;
        else if (base == 0 && u < 0.1) only = t1, base = exp(1.5 * tsc_rng_norm(r));
        for (int t = 0; t < nt; t++) {
            double f = exp(0.8 * tsc_rng_norm(r));
            wl[t] = only >= 0 && t != only ? 0 : base * f;
        }
    }
    for (int t = 0; t < nt; t++) {
        profile_t *p = &sc->prof[t];
        int n = 0;
        for (int l = 0; l < s->n_loci; l++) n += w[(size_t)l * nt + t] > 0;
        p->idx = malloc((n ? n : 1) * sizeof(int));
        p->cum = malloc((n ? n : 1) * sizeof(double));
        if (!p->idx || !p->cum) {
            free(w);
            return -1;
        }
        double c = 0;
        for (int l = 0; l < s->n_loci; l++)
            if (w[(size_t)l * nt + t] > 0) {
                c += w[(size_t)l * nt + t];
                p->idx[p->n] = s->locus_copy[l], p->cum[p->n++] = c;
            }
        if (p->n == 0) p->idx[0] = s->ann_idx[0], p->cum[0] = 1, p->n = 1; /* never an empty type */
    }
    free(w);
    return 0;
}

tsc_sim_sc_t *tsc_sim_sc_init(const tsc_sim_t *s, const tsc_sim_sc_opt_t *so)
{
    tsc_sim_sc_t *sc = calloc(1, sizeof(*sc));
    if (!sc) goto nomem;
    sc->s = s, sc->o = *so;
    sc->n_bc = so->n_cells + so->n_ambient;
    const int rl = s->o.read_len;
    sc->minsc = (int)(0.66 * (rl - 1));
    sc->umi_mask = so->umi_len >= 32 ? ~0ULL : (1ULL << (2 * so->umi_len)) - 1;
    /* the biology (TE profiles of the types) from the model seed, the cells from the sample's seed */
    tsc_rng_t r, rm;
    tsc_rng_seed(&rm, s->o.model_seed == UINT64_MAX ? s->o.seed : s->o.model_seed, SC_STREAM_MODEL);
    tsc_rng_seed(&r, s->o.seed ^ SC_SEED_CELLS, 0);
    if (!(sc->bc = malloc(sc->n_bc * sizeof(uint64_t))) || !(sc->type = malloc(so->n_cells * sizeof(int))) ||
        !(sc->cell_cum = malloc(so->n_cells * sizeof(double))) ||
        !(sc->prof = calloc(so->n_types, sizeof(profile_t))) || !(sc->type_name = calloc(so->n_types, sizeof(char *))))
        goto nomem;
    if (make_barcodes(sc, &r) < 0) goto nomem;
    /* types: shares 1, 1/2, 1/3, ... of the cells; library sizes log-normal */
    double *tc = malloc(so->n_types * sizeof(double)), t = 0;
    if (!tc) goto nomem;
    for (int k = 0; k < so->n_types; k++) tc[k] = (t += 1.0 / (k + 1));
    double c = 0;
    for (int i = 0; i < so->n_cells; i++) {
        sc->type[i] = tsc_sim_pick(tc, so->n_types, &r);
        sc->cell_cum[i] = (c += exp(0.5 * tsc_rng_norm(&r)));
    }
    free(tc);
    for (int k = 0; k < so->n_types; k++) {
        kstring_t ks = {0, 0, NULL};
        if (k < N_TYPE_NAMES ? kputs(type_names[k], &ks) < 0 : ksprintf(&ks, "type%d", k + 1) < 0) goto nomem;
        sc->type_name[k] = ks.s;
    }
    if (make_profiles(sc, &rm) < 0) goto nomem;
    sc->umi_key = tsc_rng_next(&r);
    if (!(sc->truth = kh_init(sc_truth))) goto nomem;
    return sc;
nomem:
    tsc_error("out of memory");
    tsc_sim_sc_destroy(sc);
    return NULL;
}

void tsc_sim_sc_destroy(tsc_sim_sc_t *sc)
{
    if (!sc) return;
    for (int k = 0; sc->prof && k < sc->o.n_types; k++) free(sc->prof[k].idx), free(sc->prof[k].cum);
    for (int k = 0; sc->type_name && k < sc->o.n_types; k++) free(sc->type_name[k]);
    free(sc->prof), free(sc->type_name);
    free(sc->bc), free(sc->type), free(sc->cell_cum);
    if (sc->truth) kh_destroy(sc_truth, sc->truth);
    free(sc->t);
    free(sc);
}

/* ------------------------------------------------------------------------------------------ */
/* molecules and reads                                                                         */

typedef struct {
    int32_t tid, rev;
    int64_t pos, end;          /* reference [pos, end) */
    int n_cig;
    uint32_t cig[MAXCIG];
    int as, nm;
    uint64_t key;              /* HI order */
} saln_t;

typedef struct {               /* a candidate of a TE read: copy, template shift, variant bits */
    int copy, shift;
    uint64_t dv[W];
} cand_t;

typedef struct {               /* what take() needs of a molecule */
    int32_t bc, locus;         /* barcode index; true locus (GTF order), -1 if none */
    int32_t k, te;             /* reads; 1 if from a TE copy */
} mol_t;

typedef struct {               /* what take() needs of a read */
    size_t off, len;           /* its records in the batch */
    int32_t mol;               /* molecule, index in the batch */
    int32_t cbok, mapped, n_aln, n_rec;
} rdinfo_t;

typedef struct {
    const tsc_sim_sc_t *sc;
    cand_t *cand;
    size_t n_cand, m_cand;
    saln_t al[MAXALN];
    saln_t *alv;               /* alignments of a TE read (n_cand) */
    size_t m_alv;
    mol_t mol[BATCH];
    rdinfo_t *rd;
    size_t n_rd, m_rd;
    kstring_t tmp;             /* the batch in read order (take) */
    uint8_t base[TSC_SIM_MAX_RL];          /* the molecule's bases, 0-3 */
    uint8_t rb[TSC_SIM_MAX_RL];            /* the read's bases, after errors */
    uint8_t qual[TSC_SIM_MAX_RL], qrev[TSC_SIM_MAX_RL];
    uint8_t pk[2][TSC_SIM_MAX_RL / 2 + 1]; /* SEQ forward, reverse complement */
    uint64_t err[W];
    char name[64], cr[24], ur[24], cb[24], ub[24];
    int l_name;
    uint32_t *perm;
    size_t m_perm;
} scwork_t;

static void *sc_work_new(void *ctx)
{
    scwork_t *w = calloc(1, sizeof(*w));
    if (w) w->sc = ctx;
    return w;
}

static void sc_work_free(void *pw)
{
    scwork_t *w = pw;
    if (!w) return;
    free(w->cand), free(w->alv), free(w->rd), free(w->tmp.s), free(w->perm);
    free(w);
}

/* STAR's extension: the best-scoring segment [*a, *b) of the read, match +1, mismatch -1 */
static int star_segment(const uint64_t *D, int rl, int *a, int *b)
{
    int best = 0, cur = 0, cs = 0, prev = 0, ba = 0, bb = 0, nw = (rl + 63) >> 6;
    for (int k = 0; k < nw; k++)
        for (uint64_t x = D[k]; x; x &= x - 1) {
            int p = (k << 6) + __builtin_ctzll(x);
            cur += p - prev;
            if (cur > best) best = cur, ba = cs, bb = p;
            cur -= 1;
            if (cur < 0) cur = 0, cs = p + 1;
            prev = p + 1;
        }
    cur += rl - prev;
    if (cur > best) best = cur, ba = cs, bb = rl;
    *a = ba, *b = bb;
    return best;
}

/* STAR's genomic-length term, ceil(-0.25 log2(span) - 0.5), in integers */
static inline int span_penalty(int64_t span)
{
    int lg = 0;
    while (lg < 62 && (span >> (lg + 1)) > 0) lg++;
    return (lg + 2) / 4;
}

/* M and N operations for exonic [x, x+len) of gene G; sets pos and end */
static void ex2cigar(const tsc_sim_gene_t *g, int64_t x, int64_t len, saln_t *a)
{
    int e = 0;
    while (e < g->n_ex - 1 && x >= g->cum[e] + (g->ee[e] - g->es[e])) e++;
    int64_t cur = g->es[e] + (x - g->cum[e]);
    a->pos = cur;
    while (len > 0 && a->n_cig < MAXCIG - 2) {
        int64_t take = g->ee[e] - cur < len ? g->ee[e] - cur : len;
        a->cig[a->n_cig++] = bam_cigar_gen(take, BAM_CMATCH);
        len -= take, cur += take;
        if (len > 0 && e + 1 < g->n_ex) {
            a->cig[a->n_cig++] = bam_cigar_gen(g->es[e + 1] - g->ee[e], BAM_CREF_SKIP);
            cur = g->es[++e];
        }
    }
    a->end = cur;
}

/* a read (cycles [0, rl), sense to the transcript) on gene G whose 5'-most base in genome order
 * is exonic X; D: mismatches by cycle. Returns 0, or -1 when it does not align. */
static int gene_aln(const tsc_sim_sc_t *sc, const tsc_sim_gene_t *g, int64_t x, const uint64_t *D, saln_t *a)
{
    const int rl = sc->s->o.read_len;
    int ka, kb, sc0 = star_segment(D, rl, &ka, &kb);
    int rev = g->strand == 1, cl = rev ? rl - kb : ka, cr = rev ? ka : rl - kb;
    a->tid = g->tid, a->rev = rev, a->n_cig = 0;
    if (cl) a->cig[a->n_cig++] = bam_cigar_gen(cl, BAM_CSOFT_CLIP);
    ex2cigar(g, x + cl, kb - ka, a);
    if (cr) a->cig[a->n_cig++] = bam_cigar_gen(cr, BAM_CSOFT_CLIP);
    a->nm = (kb - ka - sc0) / 2;
    a->as = sc0 - span_penalty(a->end - a->pos);
    return a->as >= sc->minsc && kb - ka - a->nm >= sc->minsc && a->nm <= MISMATCH_MAX ? 0 : -1;
}

/* the candidates of a TE read from template offset U of copy SRC: copies of its subfamily that
 * cover the same template bases (and the other LTR of each), with their variant differences */
static int te_cands(scwork_t *w, int src, int u)
{
    const tsc_sim_t *s = w->sc->s;
    const tsc_sim_copy_t *C = &s->copy[src];
    const tsc_sim_fam_t *F = &s->fam[C->fam];
    const int rl = s->o.read_len;
    int shifts[2], ns = 0;
    shifts[ns++] = 0;
    if (F->a > 0 && u + rl <= F->a) shifts[ns++] = F->a + F->b;
    else if (F->a > 0 && u >= F->a + F->b) shifts[ns++] = -(F->a + F->b);
    uint64_t sb[W], tb[W];
    tsc_sim_bits(C->var, u, rl, sb);
    w->n_cand = 0;
    const int *mem = F->mem[C->sub], n_mem = F->n_mem[C->sub];
    for (int i = 0; i < n_mem; i++) {
        const tsc_sim_copy_t *J = &s->copy[mem[i]];
        for (int h = 0; h < ns; h++) {
            int sh = shifts[h];
            if (u + sh < J->ts || u + sh + rl > J->te) continue;
            if (w->n_cand == w->m_cand && TSC_GROW(w->cand, w->m_cand, w->n_cand + 1) < 0) return -1;
            cand_t *c = &w->cand[w->n_cand++];
            c->copy = mem[i], c->shift = sh;
            tsc_sim_bits(J->var, u + sh, rl, tb);
            for (int k = 0; k < W; k++) c->dv[k] = sb[k] ^ tb[k];
        }
    }
    if (w->m_alv < w->n_cand) {
        saln_t *p = realloc(w->alv, w->n_cand * sizeof(saln_t));
        if (!p) return -1;
        w->alv = p, w->m_alv = w->n_cand;
    }
    return 0;
}

/* the alignments of a TE read with errors ERR: those within 1 of the best (STAR's
 * --outFilterMultimapScoreRange 1) into w->alv; returns their number */
static int te_read(scwork_t *w, int u, tsc_rng_t *r)
{
    const tsc_sim_t *s = w->sc->s;
    const int rl = s->o.read_len;
    int n = 0, best = -1000000;
    for (size_t i = 0; i < w->n_cand; i++) {
        const cand_t *c = &w->cand[i];
        const tsc_sim_copy_t *J = &s->copy[c->copy];
        uint64_t D[W];
        for (int k = 0; k < W; k++) D[k] = c->dv[k] ^ w->err[k];
        int ka, kb, sc0 = star_segment(D, rl, &ka, &kb);
        int x = u + c->shift + ka, y = u + c->shift + kb;
        saln_t *a = &w->alv[n];
        a->tid = J->tid, a->n_cig = 0;
        int cl, cr;
        if (!J->strand) a->pos = J->gs + (x - J->ts), a->end = J->gs + (y - J->ts), a->rev = 0, cl = ka, cr = rl - kb;
        else a->pos = J->ge - (y - J->ts), a->end = J->ge - (x - J->ts), a->rev = 1, cl = rl - kb, cr = ka;
        if (cl) a->cig[a->n_cig++] = bam_cigar_gen(cl, BAM_CSOFT_CLIP);
        a->cig[a->n_cig++] = bam_cigar_gen(kb - ka, BAM_CMATCH);
        if (cr) a->cig[a->n_cig++] = bam_cigar_gen(cr, BAM_CSOFT_CLIP);
        a->nm = (kb - ka - sc0) / 2;
        a->as = sc0 - span_penalty(a->end - a->pos);
        a->key = tsc_rng_next(r);
        if (a->as < w->sc->minsc || kb - ka - a->nm < w->sc->minsc || a->nm > MISMATCH_MAX) continue;
        if (a->as > best) best = a->as;
        n++;
    }
    int m = 0;
    for (int i = 0; i < n; i++)
        if (w->alv[i].as >= best - 1) w->alv[m++] = w->alv[i];
    return m;
}

static const char acgt[4] = {'A', 'C', 'G', 'T'};

static void decode(uint64_t x, int len, char *out)
{
    for (int k = 0; k < len; k++) out[k] = acgt[(x >> 2 * (len - 1 - k)) & 3];
    out[len] = 0;
}

/* the UMI of molecule I: a bijection of I on 2*umi_len bits, so UMIs of molecules less than
 * 4^umi_len apart never collide */
static uint64_t umi_of(const tsc_sim_sc_t *sc, int64_t i)
{
    const uint64_t m = sc->umi_mask;
    const int b = 2 * sc->o.umi_len;
    uint64_t x = ((uint64_t)i ^ sc->umi_key) & m;
    for (int k = 0; k < 3; k++) {
        x = (x * 0x9e3779b97f4a7c15ULL) & m;
        x ^= x >> (b / 2 + 1);
        x = (x * 0xbf58476d1ce4e5b9ULL + 0x632be59bd9b4e019ULL) & m;
    }
    return x;
}

/* one substitution at a random position of S (LEN bases) */
static void one_error(char *s, int len, tsc_rng_t *r)
{
    int p = (int)tsc_rng_below(r, (uint64_t)len), b = 0;
    while (b < 4 && acgt[b] != s[p]) b++;
    s[p] = acgt[(b + 1 + (int)tsc_rng_below(r, 3)) & 3];
}

/* qualities and errors of a read (binned NovaSeq-like qualities, as the bulk mode's reads) */
static void read_bases(const tsc_sim_t *s, scwork_t *w, tsc_rng_t *r)
{
    static const uint8_t comp[4] = {8, 4, 2, 1}; /* nt16 of the complement of A C G T */
    const int rl = s->o.read_len;
    int btail = tsc_sim_btail(r);
    memset(w->err, 0, sizeof(w->err));
    memset(w->pk[0], 0, (rl + 1) / 2);
    memset(w->pk[1], 0, (rl + 1) / 2);
    for (int c = 0; c < rl; c++) {
        uint64_t x = tsc_rng_next(r);
        int qi = tsc_sim_qbin(s, x, c, rl, btail), b = w->base[c];
        if (tsc_sim_qerr(x, qi)) {
            w->err[c >> 6] |= 1ULL << (c & 63);
            b = (b + 1 + (int)(x & 3) % 3) & 3;
        }
        w->rb[c] = (uint8_t)b;
        w->qual[c] = (uint8_t)tsc_sim_qval(qi);
        w->qrev[rl - 1 - c] = (uint8_t)tsc_sim_qval(qi);
        w->pk[0][c >> 1] |= (uint8_t)((1 << b) << ((~c & 1) << 2));
        int c2 = rl - 1 - c;
        w->pk[1][c2 >> 1] |= (uint8_t)(comp[b] << ((~c2 & 1) << 2));
    }
}

static inline int put_tag_a(kstring_t *ks, const char *tag, char v)
{
    if (ks_resize(ks, ks->l + 4) < 0) return -1;
    uint8_t *p = (uint8_t *)ks->s + ks->l;
    p[0] = (uint8_t)tag[0], p[1] = (uint8_t)tag[1], p[2] = 'A', p[3] = (uint8_t)v;
    ks->l += 4;
    return 0;
}

/* the barcode and UMI tags of the current read, and the origin tag */
static int put_bc_tags(scwork_t *w, kstring_t *ks, const char *origin)
{
    int e = put_tag_z(ks, "CR", w->cr, strlen(w->cr));
    e |= put_tag_z(ks, "UR", w->ur, strlen(w->ur));
    e |= put_tag_z(ks, "CB", w->cb, strlen(w->cb));
    e |= put_tag_z(ks, "UB", w->ub, strlen(w->ub));
    if (w->sc->o.origin_tag) e |= put_tag_z(ks, "YL", origin, strlen(origin));
    return e ? -1 : 0;
}

/* STAR's MAPQ: 255 unique, 3 for 2 loci, 1 for 3-4, 0 for more */
static inline int star_mapq(int n) { return n == 1 ? 255 : n == 2 ? 3 : n <= 4 ? 1 : 0; }

/* the records of a read with N alignments AL (HI order = key order), or unmapped (reason UT) */
static int put_read(scwork_t *w, kstring_t *ks, saln_t *al, int n, int ut, const char *origin, rdinfo_t *ri)
{
    const int rl = w->sc->s->o.read_len, seq_mode = w->sc->s->o.seq_mode;
    if (n == 0) {
        int64_t at = put_core(ks, w->name, w->l_name, BAM_FUNMAP, -1, -1, -1, 0, NULL, 0, w->pk[0], w->qual,
                              seq_mode == TSC_SIM_SEQ_NONE ? 0 : rl, -1, -1, 0);
        if (at < 0) return -1;
        int e = put_tag_i(ks, "NH", 0) | put_tag_i(ks, "HI", 0) | put_tag_i(ks, "AS", 0) | put_tag_i(ks, "nM", 0);
        e |= put_tag_a(ks, "uT", (char)('0' + ut));
        if (e || put_bc_tags(w, ks, origin) < 0) return -1;
        finish_rec(ks, at);
        ri->n_rec = 1;
        return 0;
    }
    /* HI order by key (insertion sort: n is small); the primary: a random one of the best */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && al[j].key < al[j - 1].key; j--) {
            saln_t t = al[j];
            al[j] = al[j - 1], al[j - 1] = t;
        }
    int best = al[0].as, nb = 0, prim = 0;
    for (int i = 1; i < n; i++)
        if (al[i].as > best) best = al[i].as;
    for (int i = 0; i < n; i++) nb += al[i].as == best;
    int pick = (int)(al[0].key % (uint64_t)nb); /* keys are random */
    for (int i = 0; i < n; i++)
        if (al[i].as == best && pick-- == 0) {
            prim = i;
            break;
        }
    for (int i = 0; i < n; i++) {
        const saln_t *a = &al[i];
        int flag = (a->rev ? BAM_FREVERSE : 0) | (i != prim ? BAM_FSECONDARY : 0);
        int l_seq = seq_mode == TSC_SIM_SEQ_NONE || (seq_mode == TSC_SIM_SEQ_PRIMARY && i != prim) ? 0 : rl;
        int64_t at = put_core(ks, w->name, w->l_name, flag, a->tid, a->pos, a->end, star_mapq(n), a->cig, a->n_cig,
                              w->pk[a->rev], a->rev ? w->qrev : w->qual, l_seq, -1, -1, 0);
        if (at < 0) return -1;
        int e = put_tag_i(ks, "NH", n) | put_tag_i(ks, "HI", i + 1) | put_tag_i(ks, "AS", a->as) | put_tag_i(ks, "nM", a->nm);
        if (e || put_bc_tags(w, ks, origin) < 0) return -1;
        finish_rec(ks, at);
    }
    ri->n_rec = n;
    return 0;
}

/* molecule I (batch slot M): its reads into KS */
static int molecule(scwork_t *w, int64_t i, int m, kstring_t *ks)
{
    const tsc_sim_sc_t *sc = w->sc;
    const tsc_sim_t *s = sc->s;
    const tsc_sim_opt_t *o = &s->o;
    const int rl = o->read_len;
    tsc_rng_t r;
    tsc_rng_seed(&r, o->seed ^ SC_SEED_MOL, (uint64_t)i);
    mol_t *M = &w->mol[m];
    memset(M, 0, sizeof(*M));
    M->locus = -1;
    /* the barcode: an ambient one, or a cell by library size; the TE profile of its type */
    int cell = tsc_sim_pick(sc->cell_cum, sc->o.n_cells, &r), type = sc->type[cell];
    if (sc->o.n_ambient > 0 && tsc_rng_unif(&r) < sc->o.frac_ambient)
        M->bc = sc->o.n_cells + (int32_t)tsc_rng_below(&r, (uint64_t)sc->o.n_ambient);
    else M->bc = cell;
    /* reads: geometric, mean dup_mean */
    double p = 1.0 / sc->o.dup_mean;
    M->k = 1;
    while (M->k < TSC_SIM_SC_MAXDUP && tsc_rng_unif(&r) >= p) M->k++;
    /* origin and place: the read starts L bases before the transcript's 3' end (10x 3') */
    double u = tsc_rng_unif(&r);
    int64_t L = (int64_t)(o->ins_mean + o->ins_sd * tsc_rng_norm(&r) + 0.5);
    if (L > s->lmax) L = s->lmax;
    if (L < rl) L = rl;
    int src = -1, tu = 0, unmapped = u < o->frac_unmapped;
    const tsc_sim_gene_t *g = NULL;
    int64_t gx = 0;
    const char *origin = "*";
    if (!unmapped && u < o->frac_unmapped + o->frac_te) {
        int unannot = s->n_un > 0 && tsc_rng_unif(&r) < o->frac_unannot;
        const profile_t *pf = &sc->prof[type];
        src = unannot ? s->un_idx[tsc_sim_pick(s->un_cum, s->n_un, &r)] : pf->idx[tsc_sim_pick(pf->cum, pf->n, &r)];
        const tsc_sim_copy_t *C = &s->copy[src];
        int64_t d = L < C->te - C->ts ? L : C->te - C->ts;
        tu = C->te - (int)d;
        M->te = 1, M->locus = C->locus;
        if (C->locus >= 0) origin = s->locus_name[C->locus];
        if (te_cands(w, src, tu) < 0) return -1;
    } else if (!unmapped) {
        g = &s->gene[tsc_sim_pick(s->gene_cum, s->n_gene, &r)];
        int64_t d = L < g->len ? L : g->len;
        gx = g->strand ? d - rl : g->len - d;
    }
    int paralog = g && tsc_rng_unif(&r) < o->frac_paralog;
    for (int c = 0; c < rl; c++) w->base[c] = (uint8_t)tsc_rng_below(&r, 4);
    char cbs[24], ubs[24];
    decode(sc->bc[M->bc], TSC_SIM_SC_BCLEN, cbs);
    decode(umi_of(sc, i), sc->o.umi_len, ubs);

    for (int j = 0; j < M->k; j++) {
        tsc_rng_t rr;
        tsc_rng_seed(&rr, o->seed ^ SC_SEED_READ, (uint64_t)i * 64 + (uint64_t)j);
        if (w->n_rd == w->m_rd && TSC_GROW(w->rd, w->m_rd, w->n_rd + 1) < 0) return -1;
        rdinfo_t *ri = &w->rd[w->n_rd++];
        memset(ri, 0, sizeof(*ri));
        ri->off = ks->l, ri->mol = m;
        uint64_t rn = (uint64_t)i * 64 + (uint64_t)j, q = rn >> 2;
        w->l_name = snprintf(w->name, sizeof(w->name), "SIM:2:HSCFCXX:%d:%llu:%llu:%llu", (int)(rn & 3) + 1,
                             (unsigned long long)(1101 + (q >> 20)), (unsigned long long)(1000 + ((q >> 10) & 1023) * 17),
                             (unsigned long long)(1000 + (q & 1023) * 23));
        read_bases(s, w, &rr);
        /* barcode and UMI as sequenced, and as corrected */
        double ub = tsc_rng_unif(&rr);
        strcpy(w->cr, cbs);
        strcpy(w->ur, ubs);
        if (ub < sc->o.frac_nocb) {
            decode(tsc_rng_next(&rr) >> (64 - 2 * TSC_SIM_SC_BCLEN), TSC_SIM_SC_BCLEN, w->cr);
            strcpy(w->cb, "-"), strcpy(w->ub, "-");
        } else {
            if (ub < sc->o.frac_nocb + sc->o.frac_bcerr) one_error(w->cr, TSC_SIM_SC_BCLEN, &rr);
            if (tsc_rng_unif(&rr) < sc->o.frac_bcerr) one_error(w->ur, sc->o.umi_len, &rr);
            memcpy(w->cb, cbs, TSC_SIM_SC_BCLEN);
            strcpy(w->cb + TSC_SIM_SC_BCLEN, sc->o.cb_suffix ? "-1" : "");
            strcpy(w->ub, ubs);
            ri->cbok = 1;
        }
        int n = 0, ut = 0;
        saln_t *al = w->al;
        if (unmapped) {
            ut = 0;
        } else if (src >= 0) {
            n = te_read(w, tu, &rr);
            al = w->alv;
            if (n == 0) ut = 1;
            else if (n > o->max_hits) n = 0, ut = 3; /* STAR --outFilterMultimapNmax */
        } else {
            if (gene_aln(sc, g, gx, w->err, &al[0]) == 0) {
                al[0].key = tsc_rng_next(&rr);
                n = 1;
                if (paralog) { /* the same read elsewhere: another gene, as well or one less */
                    tsc_rng_t pr;
                    tsc_rng_seed(&pr, o->seed ^ SC_SEED_MOL ^ 0x9a4a1011ULL, (uint64_t)i);
                    int np = 1 + (int)tsc_rng_below(&pr, MAXALN - 1);
                    for (int e = 0; e < np; e++) {
                        const tsc_sim_gene_t *g2 = &s->gene[tsc_sim_pick(s->gene_cum, s->n_gene, &pr)];
                        if (g2 == g || g2->len < rl) continue;
                        int64_t y = (int64_t)tsc_rng_below(&pr, (uint64_t)(g2->len - rl + 1));
                        if (gene_aln(sc, g2, y, w->err, &al[n]) < 0) continue;
                        al[n++].key = tsc_rng_next(&rr);
                    }
                    int best = al[0].as, kk = 0;
                    for (int e = 1; e < n; e++)
                        if (al[e].as > best) best = al[e].as;
                    for (int e = 0; e < n; e++)
                        if (al[e].as >= best - 1) al[kk++] = al[e];
                    n = kk;
                }
            } else {
                ut = 1;
            }
        }
        if (n > 0 && n > o->max_hits) n = 0, ut = 3;
        ri->mapped = n > 0, ri->n_aln = n;
        if (put_read(w, ks, al, n, ut, origin, ri) < 0) return -1;
        ri->len = ks->l - ri->off;
    }
    return 0;
}

static int sc_gen(void *ctx, void *pw, int64_t batch, kstring_t *ks)
{
    (void)ctx;
    scwork_t *w = pw;
    w->n_rd = 0;
    for (int m = 0; m < BATCH; m++)
        if (molecule(w, batch * BATCH + m, m, ks) < 0) {
            tsc_error("out of memory");
            return -1;
        }
    return 0;
}

static int truth_add(tsc_sim_sc_t *sc, int bc, int locus, int new_umi)
{
    uint64_t key = (uint64_t)bc << 32 | (uint32_t)locus;
    int absent;
    khint_t k = kh_put(sc_truth, sc->truth, key, &absent);
    if (absent < 0) return -1;
    if (absent) {
        if (sc->t_n == sc->t_m && TSC_GROW(sc->t, sc->t_m, sc->t_n + 1) < 0) return -1;
        sc->t[sc->t_n].key = key, sc->t[sc->t_n].umi = sc->t[sc->t_n].read = 0;
        kh_val(sc->truth, k) = (uint32_t)sc->t_n++;
    }
    truth_t *x = &sc->t[kh_val(sc->truth, k)];
    x->read++;
    x->umi += new_umi;
    return 0;
}

/* in batch order: keep the reads up to -n, shuffle them within the batch, count the truth */
static int sc_take(void *ctx, void *pw, int64_t batch, kstring_t *ks)
{
    tsc_sim_sc_t *sc = ctx;
    scwork_t *w = pw;
    tsc_sim_sc_stats_t *st = sc->st;
    const int64_t n_reads = sc->s->o.n_frag;
    size_t keep = w->n_rd;
    if ((int64_t)keep > n_reads - sc->reads_done) keep = (size_t)(n_reads - sc->reads_done);
    int last = sc->reads_done + (int64_t)keep >= n_reads;
    /* the truth, and the totals, in molecule order */
    int32_t seen_mol = -1;
    int umi_seen = 0;
    for (size_t i = 0; i < keep; i++) {
        const rdinfo_t *ri = &w->rd[i];
        const mol_t *M = &w->mol[ri->mol];
        if (ri->mol != seen_mol) seen_mol = ri->mol, umi_seen = 0, st->molecules++;
        st->reads++, st->records += ri->n_rec, st->secondary += ri->n_aln > 1 ? ri->n_aln - 1 : 0;
        st->unmapped += !ri->mapped, st->multi += ri->n_aln > 1, st->te += M->te;
        st->ambient += M->bc >= sc->o.n_cells, st->nocb += !ri->cbok;
        if (ri->cbok && M->locus >= 0) {
            if (truth_add(sc, M->bc, M->locus, !umi_seen) < 0) goto nomem;
            umi_seen = 1;
        }
    }
    /* the reads in a random order within the batch (Fisher-Yates, then written in that order) */
    if (keep > w->m_perm) {
        uint32_t *p = realloc(w->perm, keep * sizeof(uint32_t));
        if (!p) goto nomem;
        w->perm = p, w->m_perm = keep;
    }
    for (size_t i = 0; i < keep; i++) w->perm[i] = (uint32_t)i;
    tsc_rng_t r;
    tsc_rng_seed(&r, sc->s->o.seed ^ SC_SEED_SHUF, (uint64_t)batch);
    for (size_t i = keep; i > 1; i--) {
        size_t j = (size_t)tsc_rng_below(&r, i);
        uint32_t t = w->perm[i - 1];
        w->perm[i - 1] = w->perm[j], w->perm[j] = t;
    }
    w->tmp.l = 0;
    for (size_t i = 0; i < keep; i++) {
        const rdinfo_t *ri = &w->rd[w->perm[i]];
        if (kputsn(ks->s + ri->off, ri->len, &w->tmp) < 0) goto nomem;
    }
    kstring_t t = *ks;
    *ks = w->tmp;
    w->tmp = t;
    sc->reads_done += (int64_t)keep;
    if (tsc_verbosity() >= TSC_LOG_INFO && batch % 64 == 63) tsc_info("%lld reads", (long long)sc->reads_done);
    return last;
nomem:
    tsc_error("out of memory");
    return -1;
}

int tsc_sim_sc_write_bam(tsc_sim_sc_t *sc, const char *fn, const tsc_sim_wopt_t *wo, tsc_sim_sc_stats_t *st)
{
    const int64_t n = sc->s->o.n_frag;
    /* every molecule has at least one read: n / BATCH batches at most */
    tsc_sim_producer_t p = {sc, (n + BATCH - 1) / BATCH, sc_work_new, sc_work_free, sc_gen, sc_take};
    memset(st, 0, sizeof(*st));
    sc->st = st;
    sc->reads_done = 0;
    sam_hdr_t *h = tsc_sim_header(sc->s, wo->sorted, wo->cl,
                                  "10x 3' single-end alignments shaped like STARsolo output"
                                  " (--outSAMattributes NH HI AS nM CR UR CB UB, --outSAMunmapped Within)");
    if (!h) return -1;
    int ret = tsc_sim_write_bam_gen(&p, h, fn, wo);
    sam_hdr_destroy(h);
    sc->st = NULL;
    return ret;
}

/* ------------------------------------------------------------------------------------------ */
/* the side files                                                                              */

static int put_bc(const tsc_sim_sc_t *sc, int i, FILE *fp)
{
    char b[24];
    decode(sc->bc[i], TSC_SIM_SC_BCLEN, b);
    return fprintf(fp, "%s%s", b, sc->o.cb_suffix ? "-1" : "") < 0 ? -1 : 0;
}

int tsc_sim_sc_write_whitelist(const tsc_sim_sc_t *sc, FILE *fp)
{
    for (int i = 0; i < sc->o.n_cells; i++)
        if (put_bc(sc, i, fp) < 0 || fputc('\n', fp) == EOF) goto err;
    return 0;
err:
    tsc_error("cannot write the whitelist");
    return -1;
}

int tsc_sim_sc_write_celltypes(const tsc_sim_sc_t *sc, FILE *fp)
{
    if (fputs("barcode\tcelltype\n", fp) < 0) goto err;
    for (int i = 0; i < sc->o.n_cells; i++)
        if (put_bc(sc, i, fp) < 0 || fprintf(fp, "\t%s\n", sc->type_name[sc->type[i]]) < 0) goto err;
    return 0;
err:
    tsc_error("cannot write the celltype table");
    return -1;
}

static int cmp_truth(const void *pa, const void *pb)
{
    uint64_t a = ((const truth_t *)pa)->key, b = ((const truth_t *)pb)->key;
    return a < b ? -1 : a > b;
}

int tsc_sim_sc_write_truth(tsc_sim_sc_t *sc, FILE *cells, FILE *loci)
{
    const tsc_sim_t *s = sc->s;
    int64_t *tot = calloc(s->n_loci ? s->n_loci : 1, sizeof(int64_t));
    if (!tot) {
        tsc_error("out of memory");
        return -1;
    }
    if (sc->t_n > 1) qsort(sc->t, sc->t_n, sizeof(truth_t), cmp_truth); /* the hash is not used again */
    if (fputs("barcode\tlocus\ttrue_umis\ttrue_reads\n", cells) < 0) goto err;
    for (size_t i = 0; i < sc->t_n; i++) {
        const truth_t *x = &sc->t[i];
        int bc = (int)(x->key >> 32), l = (int)(uint32_t)x->key;
        if (bc < sc->o.n_cells) tot[l] += x->umi;
        if (put_bc(sc, bc, cells) < 0 ||
            fprintf(cells, "\t%s\t%lld\t%lld\n", s->locus_name[l], (long long)x->umi, (long long)x->read) < 0)
            goto err;
    }
    if (fputs("locus\ttrue_count\n", loci) < 0) goto err;
    for (int l = 0; l < s->n_loci; l++)
        if (fprintf(loci, "%s\t%lld\n", s->locus_name[l], (long long)tot[l]) < 0) goto err;
    free(tot);
    return 0;
err:
    free(tot);
    tsc_error("cannot write the truth tables");
    return -1;
}
