/* tsc_sim.c -- tsc-simulate's genome model: families of TE copies, genes, layout on chromosomes,
 * expression; the GTF, the SAM header and the truth table.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <htslib/khash.h>
#include <htslib/kstring.h>
#include "tsc_util.h"
#include "tsc_sim.h"
#include "tsc_sim_internal.h"

KHASH_MAP_INIT_STR(sim_name, int)

/* Families, after Dfam/RepeatMasker consensus lengths. Divergences are per copy from its
 * subfamily; subfamilies differ from each other by SUB_DIV (too far for an alignment). */
static const tsc_sim_famdef_t famdefs[] = {
    {"HML2", "LTR", "ERVK", "LTR5_Hs", "HERVK-int", 968, 7300, 0.12, 0.35, 0.20, 0.0005, 0.030},
    {"HERVH", "LTR", "ERV1", "LTR7", "HERVH-int", 450, 5650, 0.22, 0.30, 0.25, 0.005, 0.200},
    {"HERVW", "LTR", "ERV1", "LTR17", "HERV17-int", 780, 6300, 0.10, 0.30, 0.30, 0.020, 0.250},
    {"HERVL", "LTR", "ERVL", "MLT2A1", "HERVL-int", 460, 5800, 0.16, 0.30, 0.30, 0.100, 0.300},
    {"L1PA", "LINE", "L1", NULL, "L1PA", 0, 6030, 0.40, 0.00, 0.65, 0.001, 0.300},
};
#define N_FAMDEF ((int)(sizeof(famdefs) / sizeof(famdefs[0])))
#define SUB_DIV 0.10        /* divergence of a subfamily from the family consensus */
#define COPIES_PER_SUB 12   /* subfamilies per family: 1 + copies / COPIES_PER_SUB */
#define UNANNOT_PER_LOCUS 0.12 /* unannotated copies per annotated one */

void tsc_sim_opt_init(tsc_sim_opt_t *o)
{
    memset(o, 0, sizeof(*o));
    o->seed = 1;
    o->model_seed = UINT64_MAX;
    o->n_frag = 20000;
    o->n_loci = 500;
    o->n_genes = 1000;
    o->n_chrom = 6;
    o->read_len = 100;
    o->frac_te = 0.07;
    o->frac_unannot = 0.05;
    o->frac_expressed = 0.3;
    o->frac_unmapped = 0.02;
    o->frac_single = 0.015;
    o->frac_discord = 0.01;
    o->frac_paralog = 0.03;
    o->frac_indel = 0.01;
    o->ins_mean = 250;
    o->ins_sd = 50;
    o->max_hits = 100;
    o->end_to_end = 0;
    o->nh_tag = 0;
    o->library = TSC_SIM_UNSTRANDED;
}

static int check_frac(const char *name, double v)
{
    if (!(v >= 0 && v <= 1)) {
        tsc_error("%s must be between 0 and 1 (got %g)", name, v);
        return 1;
    }
    return 0;
}

int tsc_sim_opt_check(const tsc_sim_opt_t *o)
{
    int bad = 0;
    if (o->n_frag < 0) tsc_error("--fragments must be >= 0"), bad++;
    if (o->n_loci < 1 || o->n_loci > 10000000) tsc_error("--loci must be in [1, 10000000]"), bad++;
    if (o->n_genes < 1 || o->n_genes > 10000000) tsc_error("--genes must be in [1, 10000000]"), bad++;
    if (o->n_chrom < 1 || o->n_chrom > 10000) tsc_error("--chroms must be in [1, 10000]"), bad++;
    if (o->read_len < 20 || o->read_len > TSC_SIM_MAX_RL)
        tsc_error("--read-length must be in [20, %d]", TSC_SIM_MAX_RL), bad++;
    bad += check_frac("--fraction-te", o->frac_te);
    bad += check_frac("--fraction-unannotated", o->frac_unannot);
    bad += check_frac("--expressed", o->frac_expressed);
    bad += check_frac("--unmapped", o->frac_unmapped);
    bad += check_frac("--singletons", o->frac_single);
    bad += check_frac("--discordant", o->frac_discord);
    bad += check_frac("--paralogs", o->frac_paralog);
    bad += check_frac("--indels", o->frac_indel);
    if (o->frac_te + o->frac_unmapped > 1)
        tsc_error("--fraction-te plus --unmapped must be at most 1"), bad++;
    if (o->frac_discord + o->frac_paralog + o->frac_single > 1)
        tsc_error("--discordant plus --paralogs plus --singletons must be at most 1"), bad++;
    if (!(o->ins_mean >= o->read_len && o->ins_mean <= 5000))
        tsc_error("--insert-mean must be in [read length, 5000] (got %g)", o->ins_mean), bad++;
    if (!(o->ins_sd >= 0 && o->ins_sd <= o->ins_mean / 2))
        tsc_error("--insert-sd must be in [0, insert mean / 2] (got %g)", o->ins_sd), bad++;
    if (o->max_hits < 1 || o->max_hits > 10000) tsc_error("--max-hits must be in [1, 10000]"), bad++;
    if (o->library < TSC_SIM_UNSTRANDED || o->library > TSC_SIM_RF) tsc_error("bad library type"), bad++;
    if (o->seq_mode < TSC_SIM_SEQ_ALL || o->seq_mode > TSC_SIM_SEQ_NONE) tsc_error("bad --seq mode"), bad++;
    return bad ? -1 : 0;
}

const tsc_sim_opt_t *tsc_sim_opt(const tsc_sim_t *s) { return &s->o; }
int tsc_sim_n_loci(const tsc_sim_t *s) { return s->n_loci; }

/* ------------------------------------------------------------------------------------------ */
/* building the model                                                                          */

static void set_bits(tsc_rng_t *r, uint64_t *v, int from, int to, double rate)
{
    uint64_t thr = (uint64_t)(rate * 4294967296.0);
    for (int t = from; t < to; t++)
        if ((tsc_rng_next(r) >> 32) < thr) v[t >> 6] ^= 1ULL << (t & 63);
}

/* structure of a copy: template range [ts, te) */
static void copy_shape(tsc_rng_t *r, const tsc_sim_fam_t *f, int32_t *ts, int32_t *te, int unannot)
{
    const tsc_sim_famdef_t *d = f->d;
    double u = tsc_rng_unif(r);
    double trunc = unannot ? d->trunc + (1 - d->trunc) / 2 : d->trunc;
    *ts = 0, *te = f->T;
    if (f->a > 0) {
        if (u < d->solo) {
            *te = f->a; /* solo LTR, stored as a 5' LTR */
        } else if (u < d->solo + trunc * (1 - d->solo)) {
            if (tsc_rng_below(r, 2)) *ts = f->a + (int32_t)tsc_rng_below(r, (uint64_t)(f->b - 500));
            else *te = f->a + 500 + (int32_t)tsc_rng_below(r, (uint64_t)(f->b - 500));
        }
    } else if (u < trunc) {
        *ts = (int32_t)tsc_rng_below(r, (uint64_t)(f->T - 600)); /* 5'-truncated LINE */
    }
}

typedef struct {
    int64_t tid, gs;
    int idx;
} lockey_t;

static int cmp_locus(const void *pa, const void *pb)
{
    const lockey_t *a = pa, *b = pb;
    if (a->tid != b->tid) return a->tid < b->tid ? -1 : 1;
    if (a->gs != b->gs) return a->gs < b->gs ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int build_cum(const tsc_sim_t *s, int annotated, int **idx, double **cum)
{
    int n = 0;
    for (int i = 0; i < s->n_copy; i++)
        if ((s->copy[i].locus >= 0) == annotated && s->copy[i].w > 0) n++;
    *idx = malloc((n ? n : 1) * sizeof(int));
    *cum = malloc((n ? n : 1) * sizeof(double));
    if (!*idx || !*cum) return -1;
    double t = 0;
    n = 0;
    for (int i = 0; i < s->n_copy; i++)
        if ((s->copy[i].locus >= 0) == annotated && s->copy[i].w > 0) {
            t += s->copy[i].w;
            (*idx)[n] = i, (*cum)[n++] = t;
        }
    return n;
}

/* "HERVH_3q21.2": family, chromosome number, arm and band from the position; names that occur
 * more than once get suffixes a, b, ..., z, ba, bb, ... in genomic order */
static int name_loci(tsc_sim_t *s)
{
    kstring_t ks = {0, 0, NULL};
    khash_t(sim_name) *h = kh_init(sim_name);
    int n = s->n_loci ? s->n_loci : 1, ret = -1;
    int *dup = calloc(n, sizeof(int));
    char **nn = calloc(n, sizeof(char *));
    s->locus_name = calloc(n, sizeof(char *));
    if (!h || !dup || !nn || !s->locus_name) goto out;
    for (int l = 0; l < s->n_loci; l++) {
        const tsc_sim_copy_t *c = &s->copy[s->locus_copy[l]];
        const char *chr = s->chr_name[c->tid] + 3;
        double f = (double)c->gs / (double)s->chr_len[c->tid];
        char arm = f < 0.4 ? 'p' : 'q';
        double g = f < 0.4 ? (0.4 - f) / 0.4 : (f - 0.4) / 0.6;
        int band = 11 + (int)(g * 25), sub = 1 + (int)(g * 250) % 3;
        ks.l = 0;
        if (ksprintf(&ks, "%s_%s%c%d.%d", s->fam[c->fam].d->name, chr, arm, band, sub) < 0) goto out;
        if (!(s->locus_name[l] = strdup(ks.s))) goto out;
        int absent;
        khint_t k = kh_put(sim_name, h, s->locus_name[l], &absent); /* key: not owned */
        if (absent < 0) goto out;
        if (absent) kh_val(h, k) = 0;
        dup[l] = kh_val(h, k)++;
    }
    for (int l = 0; l < s->n_loci; l++) {
        khint_t k = kh_get(sim_name, h, s->locus_name[l]);
        if (kh_val(h, k) < 2) continue;
        char suf[8];
        int m = 0, x = dup[l];
        do suf[m++] = (char)('a' + x % 26), x /= 26;
        while (x > 0 && m < 7);
        ks.l = 0;
        if (kputs(s->locus_name[l], &ks) < 0) goto out;
        while (m > 0)
            if (kputc(suf[--m], &ks) < 0) goto out;
        if (!(nn[l] = strdup(ks.s))) goto out;
    }
    kh_destroy(sim_name, h);
    h = NULL;
    for (int l = 0; l < s->n_loci; l++)
        if (nn[l]) free(s->locus_name[l]), s->locus_name[l] = nn[l], nn[l] = NULL;
    ret = 0;
out:
    if (h) kh_destroy(sim_name, h);
    for (int l = 0; nn && l < s->n_loci; l++) free(nn[l]);
    free(nn);
    free(dup);
    free(ks.s);
    if (ret < 0) tsc_error("out of memory");
    return ret;
}

static int make_gene(tsc_rng_t *r, tsc_sim_gene_t *g, int lmax)
{
    int n = 1 + (int)tsc_rng_below(r, 10);
    g->n_ex = n;
    g->strand = (int)tsc_rng_below(r, 2);
    g->es = malloc(n * sizeof(int64_t));
    g->ee = malloc(n * sizeof(int64_t));
    g->cum = malloc(n * sizeof(int64_t));
    if (!g->es || !g->ee || !g->cum) return -1;
    int64_t x = 0, len = 0;
    for (int e = 0; e < n; e++) {
        int64_t el = e < n - 1 ? 80 + (int64_t)tsc_rng_below(r, 320) : 800 + (int64_t)tsc_rng_below(r, 2200);
        if (e == n - 1 && el < lmax + 100) el = lmax + 100;
        g->es[e] = x, g->ee[e] = x + el, g->cum[e] = len;
        len += el;
        x += el + (e < n - 1 ? 200 + (int64_t)tsc_rng_below(r, 12000) : 0);
    }
    g->len = len;
    g->span = x;
    return 0;
}

tsc_sim_t *tsc_sim_init(const tsc_sim_opt_t *o)
{
    tsc_sim_t *s = calloc(1, sizeof(*s));
    int *el = NULL;
    lockey_t *loc = NULL;
    uint64_t *subv = NULL;
    double *age = NULL;
    double *cw = NULL;
    if (!s) goto nomem;
    s->o = *o;
    const int rl = o->read_len;
    s->perfect = o->end_to_end ? 0 : 2 * rl;
    s->minsc = o->end_to_end ? (int)(-0.6 - 0.6 * rl) : (int)(20.0 + 8.0 * log((double)rl));
    s->lmax = (int)(o->ins_mean + 3.5 * o->ins_sd) + 1;
    if (s->lmax < rl) s->lmax = rl;
    for (int c = 0; c < rl; c++) {
        double f = (double)c / rl;
        s->lowq_thr[c] = (uint16_t)((0.02 + 0.10 * f * f) * 65536.0);
    }
    tsc_rng_t r;
    tsc_rng_seed(&r, o->model_seed == UINT64_MAX ? o->seed : o->model_seed, TSC_SIM_STREAM_MODEL);

    /* families */
    s->n_fam = N_FAMDEF;
    if (!(s->fam = calloc(s->n_fam, sizeof(*s->fam)))) goto nomem;
    int maxT = 0;
    for (int f = 0; f < s->n_fam; f++) {
        tsc_sim_fam_t *F = &s->fam[f];
        F->d = &famdefs[f];
        F->a = F->d->ltr_len, F->b = F->d->int_len;
        F->T = 2 * F->a + F->b;
        if (F->T > maxT) maxT = F->T;
    }
    s->nw = (maxT + 63) / 64 + 2;

    /* copies: annotated first, then unannotated */
    int n_un = (int)(o->n_loci * UNANNOT_PER_LOCUS + 0.5);
    s->n_copy = o->n_loci + n_un;
    s->n_loci = o->n_loci;
    if (!(s->copy = calloc(s->n_copy, sizeof(*s->copy)))) goto nomem;
    if (!(s->varbuf = calloc((size_t)s->n_copy * s->nw, sizeof(uint64_t)))) goto nomem;
    double wsum = 0;
    for (int f = 0; f < s->n_fam; f++) wsum += famdefs[f].weight;
    for (int i = 0; i < s->n_copy; i++) {
        tsc_sim_copy_t *c = &s->copy[i];
        double u = tsc_rng_unif(&r) * wsum, acc = 0;
        int f = 0;
        for (; f < s->n_fam - 1; f++)
            if (u < (acc += famdefs[f].weight)) break;
        c->fam = f;
        c->locus = i < o->n_loci ? 0 : -1; /* index assigned after layout */
        c->strand = (int)tsc_rng_below(&r, 2);
        copy_shape(&r, &s->fam[f], &c->ts, &c->te, i >= o->n_loci);
        c->var = s->varbuf + (size_t)i * s->nw;
    }
    /* subfamilies and variant bits: a copy's private divergence is its subfamily's age x U(0.5, 1.5) */
    for (int f = 0; f < s->n_fam; f++) {
        tsc_sim_fam_t *F = &s->fam[f];
        int n = 0;
        for (int i = 0; i < s->n_copy; i++) n += s->copy[i].fam == f;
        F->n_sub = 1 + n / COPIES_PER_SUB;
        F->n_mem = calloc(F->n_sub, sizeof(int));
        F->mem = calloc(F->n_sub, sizeof(int *));
        subv = calloc((size_t)F->n_sub * s->nw, sizeof(uint64_t));
        age = malloc(F->n_sub * sizeof(double));
        if (!F->n_mem || !F->mem || !subv || !age) goto nomem;
        for (int k = 0; k < F->n_sub; k++) {
            uint64_t *v = subv + (size_t)k * s->nw;
            double u = tsc_rng_unif(&r); /* the subfamily's age, skewed to young ones */
            age[k] = F->d->priv_lo + (F->d->priv_hi - F->d->priv_lo) * u * u;
            if (F->a > 0) {
                set_bits(&r, v, 0, F->a + F->b, SUB_DIV); /* the LTR variants are shared by both LTRs */
                for (int t = 0; t < F->a; t++)
                    if (v[t >> 6] >> (t & 63) & 1) v[(t + F->a + F->b) >> 6] |= 1ULL << ((t + F->a + F->b) & 63);
            } else {
                set_bits(&r, v, 0, F->T, SUB_DIV);
            }
        }
        for (int i = 0; i < s->n_copy; i++) {
            tsc_sim_copy_t *c = &s->copy[i];
            if (c->fam != f) continue;
            c->sub = (int)tsc_rng_below(&r, F->n_sub);
            memcpy(c->var, subv + (size_t)c->sub * s->nw, s->nw * sizeof(uint64_t));
            set_bits(&r, c->var, c->ts, c->te, age[c->sub] * (0.5 + tsc_rng_unif(&r)));
            F->n_mem[c->sub]++;
        }
        for (int k = 0; k < F->n_sub; k++) {
            if (!(F->mem[k] = malloc((F->n_mem[k] ? F->n_mem[k] : 1) * sizeof(int)))) goto nomem;
            F->n_mem[k] = 0;
        }
        for (int i = 0; i < s->n_copy; i++)
            if (s->copy[i].fam == f) F->mem[s->copy[i].sub][F->n_mem[s->copy[i].sub]++] = i;
        free(subv), free(age);
        subv = NULL, age = NULL;
    }

    /* genes */
    s->n_gene = o->n_genes;
    if (!(s->gene = calloc(s->n_gene, sizeof(*s->gene)))) goto nomem;
    for (int g = 0; g < s->n_gene; g++)
        if (make_gene(&r, &s->gene[g], s->lmax) < 0) goto nomem;

    /* layout: shuffle genes and copies, deal them to chromosomes, place with spacers */
    int n_el = s->n_gene + s->n_copy;
    s->n_chrom = o->n_chrom;
    el = malloc(n_el * sizeof(int));
    cw = malloc(s->n_chrom * sizeof(double));
    s->chr_name = calloc(s->n_chrom, sizeof(char *));
    s->chr_len = calloc(s->n_chrom, sizeof(int64_t));
    int64_t *cur = calloc(s->n_chrom, sizeof(int64_t));
    int *prev = calloc(s->n_chrom, sizeof(int));
    if (!el || !cw || !s->chr_name || !s->chr_len || !cur || !prev) {
        free(cur), free(prev);
        goto nomem;
    }
    for (int i = 0; i < n_el; i++) el[i] = i;
    for (int i = n_el - 1; i > 0; i--) {
        int j = (int)tsc_rng_below(&r, (uint64_t)i + 1), t = el[i];
        el[i] = el[j], el[j] = t;
    }
    double ct = 0;
    for (int c = 0; c < s->n_chrom; c++) cw[c] = (ct += 2.0 * s->n_chrom - c);
    for (int c = 0; c < s->n_chrom; c++) prev[c] = -1;
    for (int i = 0; i < n_el; i++) {
        double u = tsc_rng_unif(&r) * ct;
        int c = 0;
        while (c < s->n_chrom - 1 && u >= cw[c]) c++;
        int64_t sp = 2000 + (int64_t)tsc_rng_below(&r, 30000);
        if (el[i] < s->n_gene) {
            tsc_sim_gene_t *g = &s->gene[el[i]];
            int64_t at = cur[c] + sp;
            g->tid = c;
            for (int e = 0; e < g->n_ex; e++) g->es[e] += at, g->ee[e] += at;
            cur[c] = at + g->span;
        } else {
            tsc_sim_copy_t *cp = &s->copy[el[i] - s->n_gene];
            /* now and then a copy overlaps the previous one by a few bases */
            if (prev[c] >= s->n_gene && tsc_rng_unif(&r) < 0.02) sp = -1 - (int64_t)tsc_rng_below(&r, 20);
            cp->tid = c;
            cp->gs = cur[c] + sp;
            cp->ge = cp->gs + (cp->te - cp->ts);
            cur[c] = cp->ge;
        }
        prev[c] = el[i];
    }
    for (int c = 0; c < s->n_chrom; c++) {
        char nm[32];
        snprintf(nm, sizeof(nm), "chr%d", c + 1);
        s->chr_len[c] = cur[c] + 5000 + (int64_t)tsc_rng_below(&r, 20000);
        if (!(s->chr_name[c] = strdup(nm))) {
            free(cur), free(prev);
            goto nomem;
        }
        if (s->chr_len[c] >= (1LL << 29)) {
            tsc_error("chromosome %s would be %lld bases long, over the 2^29 of a BAI index: "
                      "use more chromosomes (--chroms)", nm, (long long)s->chr_len[c]);
            free(cur), free(prev);
            goto fail;
        }
    }
    free(cur), free(prev);

    /* loci in genomic order */
    if (!(loc = malloc(s->n_loci * sizeof(*loc))) || !(s->locus_copy = malloc(s->n_loci * sizeof(int)))) goto nomem;
    for (int i = 0; i < s->n_loci; i++) loc[i].tid = s->copy[i].tid, loc[i].gs = s->copy[i].gs, loc[i].idx = i;
    qsort(loc, s->n_loci, sizeof(*loc), cmp_locus);
    for (int l = 0; l < s->n_loci; l++) s->locus_copy[l] = loc[l].idx, s->copy[loc[l].idx].locus = l;
    if (name_loci(s) < 0) goto fail;

    /* expression: in GTF order for annotated copies, then the unannotated ones */
    for (int l = 0; l < s->n_loci; l++) {
        tsc_sim_copy_t *c = &s->copy[s->locus_copy[l]];
        double u = tsc_rng_unif(&r), z = tsc_rng_norm(&r);
        c->w = u < o->frac_expressed ? exp(1.5 * z) : 0;
    }
    for (int i = s->n_loci; i < s->n_copy; i++) {
        double u = tsc_rng_unif(&r), z = tsc_rng_norm(&r);
        s->copy[i].w = u < o->frac_expressed ? exp(1.5 * z) : 0;
    }
    if ((s->n_ann = build_cum(s, 1, &s->ann_idx, &s->ann_cum)) < 0) goto nomem;
    if (s->n_ann == 0) { /* at least one expressed locus */
        s->copy[s->locus_copy[0]].w = 1;
        free(s->ann_idx), free(s->ann_cum);
        if ((s->n_ann = build_cum(s, 1, &s->ann_idx, &s->ann_cum)) < 0) goto nomem;
    }
    if ((s->n_un = build_cum(s, 0, &s->un_idx, &s->un_cum)) < 0) goto nomem;
    if (!(s->gene_cum = malloc(s->n_gene * sizeof(double)))) goto nomem;
    double gt = 0;
    for (int g = 0; g < s->n_gene; g++) {
        double u = tsc_rng_unif(&r), z = tsc_rng_norm(&r);
        s->gene_cum[g] = (gt += (u < 0.7 || g == 0) ? exp(1.8 * z) : 0);
    }
    free(el), free(cw), free(loc);
    return s;
nomem:
    tsc_error("out of memory");
fail:
    free(el), free(cw), free(loc), free(subv), free(age);
    tsc_sim_destroy(s);
    return NULL;
}

void tsc_sim_destroy(tsc_sim_t *s)
{
    if (!s) return;
    if (s->fam)
        for (int f = 0; f < s->n_fam; f++) {
            if (s->fam[f].mem)
                for (int k = 0; k < s->fam[f].n_sub; k++) free(s->fam[f].mem[k]);
            free(s->fam[f].mem), free(s->fam[f].n_mem);
        }
    free(s->fam);
    if (s->gene)
        for (int g = 0; g < s->n_gene; g++) free(s->gene[g].es), free(s->gene[g].ee), free(s->gene[g].cum);
    free(s->gene);
    if (s->chr_name)
        for (int c = 0; c < s->n_chrom; c++) free(s->chr_name[c]);
    free(s->chr_name), free(s->chr_len);
    if (s->locus_name)
        for (int l = 0; l < s->n_loci; l++) free(s->locus_name[l]);
    free(s->locus_name), free(s->locus_copy);
    free(s->copy), free(s->varbuf);
    free(s->gene_cum), free(s->ann_idx), free(s->ann_cum), free(s->un_idx), free(s->un_cum);
    free(s);
}

/* ------------------------------------------------------------------------------------------ */
/* outputs: header, GTF, truth                                                                 */

sam_hdr_t *tsc_sim_header(const tsc_sim_t *s, int sorted, const char *cl, const char *what)
{
    kstring_t ks = {0, 0, NULL};
    sam_hdr_t *h = NULL;
    int e = 0;
    e |= ksprintf(&ks, "@HD\tVN:1.6\t%s\n", sorted ? "SO:coordinate" : "SO:unsorted\tGO:query") < 0;
    for (int c = 0; c < s->n_chrom; c++)
        e |= ksprintf(&ks, "@SQ\tSN:%s\tLN:%lld\n", s->chr_name[c], (long long)s->chr_len[c]) < 0;
    e |= ksprintf(&ks, "@PG\tID:tsc-simulate\tPN:tsc-simulate\tVN:%s", TSC_VERSION) < 0;
    if (cl) e |= ksprintf(&ks, "\tCL:%s", cl) < 0;
    e |= kputc('\n', &ks) < 0;
    e |= ksprintf(&ks, "@CO\tsimulated %s%s\n", what, sorted ? ", coordinate-sorted" : "") < 0;
    if (!e) h = sam_hdr_parse(ks.l, ks.s);
    if (h && sam_hdr_count_lines(h, "SQ") != s->n_chrom) {
        sam_hdr_destroy(h);
        h = NULL;
    }
    free(ks.s);
    if (!h) tsc_error("cannot build the SAM header");
    return h;
}

typedef struct {
    int64_t gs, ge; /* genomic [gs, ge) */
    int ltr;        /* 1 LTR, 0 internal/body */
} row_t;

int tsc_sim_write_gtf(const tsc_sim_t *s, FILE *fp)
{
    const tsc_sim_opt_t *o = &s->o;
    if (fprintf(fp, "# tsc-simulate %s (data model %d): %d loci in %d families; model seed %llu\n", TSC_VERSION,
                TSC_SIM_MODEL, s->n_loci, s->n_fam, (unsigned long long)(o->model_seed == UINT64_MAX ? o->seed : o->model_seed)) < 0)
        goto err;
    for (int l = 0; l < s->n_loci; l++) {
        const tsc_sim_copy_t *c = &s->copy[s->locus_copy[l]];
        const tsc_sim_fam_t *F = &s->fam[c->fam];
        const char *nm = s->locus_name[l];
        char st = c->strand ? '-' : '+';
        tsc_rng_t r;
        tsc_rng_seed(&r, (o->model_seed == UINT64_MAX ? o->seed : o->model_seed) ^ 0x5eed6f7fULL, TSC_SIM_STREAM_GTF + (uint64_t)l);
        int seg[3][3], ns = 0; /* template segments [from, to), ltr flag */
        if (F->a > 0) {
            int b0[3] = {0, F->a, F->a + F->b}, b1[3] = {F->a, F->a + F->b, F->T};
            for (int k = 0; k < 3; k++) {
                int x = b0[k] > c->ts ? b0[k] : c->ts, y = b1[k] < c->te ? b1[k] : c->te;
                if (x < y) seg[ns][0] = x, seg[ns][1] = y, seg[ns++][2] = k != 1;
            }
        } else {
            seg[0][0] = c->ts, seg[0][1] = c->te, seg[0][2] = 0, ns = 1;
        }
        row_t row[3];
        memset(row, 0, sizeof(row));
        for (int k = 0; k < ns; k++) {
            int kk = c->strand ? ns - 1 - k : k; /* genomic order */
            int x = seg[kk][0] - c->ts, y = seg[kk][1] - c->ts;
            row[k].gs = c->strand ? c->ge - y : c->gs + x;
            row[k].ge = c->strand ? c->ge - x : c->gs + y;
            row[k].ltr = seg[kk][2];
        }
        /* some junctions overlap by one base, a few leave a small gap */
        for (int k = 1; k < ns; k++) {
            double u = tsc_rng_unif(&r);
            if (u < 0.08) row[k].gs -= 1;
            else if (u < 0.12 && row[k].ge - row[k].gs > 50) row[k].gs += 1 + (int64_t)tsc_rng_below(&r, 10);
        }
        const char *chr = s->chr_name[c->tid];
        if (fprintf(fp, "%s\ttsc-simulate\tgene\t%lld\t%lld\t.\t%c\t.\tgene_id \"%s\"; transcript_id \"%s\"; "
                        "locus \"%s\"; category \"%s\";\n",
                    chr, (long long)row[0].gs + 1, (long long)row[ns - 1].ge, st, nm, nm, nm,
                    F->a == 0 ? "line" : ns == 1 && c->te <= F->a ? "soloLTR" : ns == 3 ? "prototype" : "oneside") < 0)
            goto err;
        for (int k = 0; k < ns; k++) {
            const char *rep = row[k].ltr ? F->d->ltr_name : F->d->int_name;
            const char *reg = F->a == 0 ? "body" : row[k].ltr ? "ltr" : "internal";
            if (fprintf(fp, "%s\ttsc-simulate\texon\t%lld\t%lld\t.\t%c\t.\tgene_id \"%s\"; transcript_id \"%s\"; "
                            "locus \"%s\"; repName \"%s\"; geneRegion \"%s\"; repFamily \"%s\"; repClass \"%s\";\n",
                        chr, (long long)row[k].gs + 1, (long long)row[k].ge, st, nm, nm, nm, rep, reg,
                        F->d->rep_family, F->d->rep_class) < 0)
                goto err;
        }
    }
    return 0;
err:
    tsc_error("cannot write the GTF");
    return -1;
}

int tsc_sim_stats_init(tsc_sim_stats_t *st, const tsc_sim_t *s)
{
    memset(st, 0, sizeof(*st));
    st->n_loci = s->n_loci;
    if (!(st->truth = calloc(s->n_loci ? s->n_loci : 1, sizeof(int64_t)))) {
        tsc_error("out of memory");
        return -1;
    }
    return 0;
}

void tsc_sim_stats_add(tsc_sim_stats_t *st, const tsc_sim_frag_t *fi)
{
    st->frags++;
    st->records += fi->n_rec;
    st->secondary += fi->n_sec;
    st->multi += fi->n_aln > 1;
    if (fi->origin == TSC_SIM_O_LOCUS || fi->origin == TSC_SIM_O_UNANNOT)
        st->te_multi += fi->n_aln > 1, st->te_aln += fi->n_aln;
    st->spliced += fi->spliced;
    st->origin[fi->origin & 3]++;
    st->shape[fi->shape & 3]++;
    if (fi->locus >= 0 && fi->locus < st->n_loci) st->truth[fi->locus]++;
}

void tsc_sim_stats_free(tsc_sim_stats_t *st)
{
    free(st->truth);
    st->truth = NULL;
}

int tsc_sim_write_truth(const tsc_sim_t *s, const tsc_sim_stats_t *st, FILE *fp)
{
    if (fputs("locus\ttrue_count\n", fp) < 0) goto err;
    for (int l = 0; l < s->n_loci; l++)
        if (fprintf(fp, "%s\t%lld\n", s->locus_name[l], (long long)st->truth[l]) < 0) goto err;
    return 0;
err:
    tsc_error("cannot write the truth table");
    return -1;
}
