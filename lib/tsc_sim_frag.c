/* tsc_sim_frag.c -- tsc-simulate's fragments: reads with qualities and errors, their alignments to
 * the genome model (bowtie2 scores, soft clips, splices, indels), and the BAM records.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include "tsc_util.h"
#include "tsc_sim.h"
#include "tsc_sim_internal.h"

#define MAXRL TSC_SIM_MAX_RL
#define RLW TSC_SIM_RLW
#define MAXCIG 32
#define MAXPAR 4 /* a gene fragment's alignments: its own and up to 3 paralogs */

typedef struct {
    uint8_t qual[MAXRL];           /* phred, as sequenced */
    uint8_t pen[MAXRL];            /* bowtie2 mismatch penalty (MX 6,2) of each cycle */
    uint64_t err[RLW];             /* sequencing errors, by cycle */
    uint8_t pen_t[MAXRL];          /* pen, by offset on the template (reversed for mate B) */
    uint64_t err_t[RLW];           /* err, by offset on the template */
    uint8_t pk[2][MAXRL / 2 + 1];  /* packed SEQ: [0] as sequenced, [1] reverse complement */
    uint8_t q[2][MAXRL];           /* QUAL: [0] as sequenced, [1] reversed */
} read_t;

typedef struct { /* one mate's alignment */
    int32_t tid, rev;
    int64_t pos, end;              /* reference [pos, end) */
    int n_cigar;
    uint32_t cigar[MAXCIG];
    int as, nm, xm, xo, xg;
    int n_mm;
    int16_t mm[MAXRL];             /* mismatching read offsets, genome-forward, ascending */
    int spliced;
} aln_t;

typedef struct { /* a candidate alignment of a TE fragment */
    int copy, shift;
    int as[2];
    int16_t ka[2], kb[2];          /* kept template offsets [ka, kb) of each mate */
    uint64_t key;                  /* random tie-break */
} cand_t;

struct tsc_sim_work_s {
    read_t rd[2];                  /* mate A (forward on the template), mate B (reverse) */
    cand_t *cand;
    size_t n_cand, m_cand;
    aln_t al[2 * MAXPAR];
    uint64_t par_key[MAXPAR];
    int *as;                       /* scores of the candidates, 2 per candidate */
    size_t m_as;
    kstring_t md;
    int seq_mode;
    char name[64];
    int l_name;
};

tsc_sim_work_t *tsc_sim_work_init(const tsc_sim_t *s)
{
    tsc_sim_work_t *w = calloc(1, sizeof(*w));
    if (!w) tsc_error("out of memory");
    else w->seq_mode = s->o.seq_mode;
    return w;
}

void tsc_sim_work_destroy(tsc_sim_work_t *w)
{
    if (!w) return;
    free(w->cand);
    free(w->as);
    free(w->md.s);
    free(w);
}

/* ------------------------------------------------------------------------------------------ */
/* reads                                                                                       */

static const uint8_t nt16[4] = {1, 2, 4, 8};           /* A C G T */
static const uint8_t comp16[16] = {15, 8, 4, 15, 2, 15, 15, 15, 1, 15, 15, 15, 15, 15, 15, 15};

static inline int qpen(int q) { return 2 + (4 * (q < 40 ? q : 40)) / 40; }

/* NovaSeq-like binned qualities (37, 25, 11, 2), more low ones towards the 3' end, a B-tail of
 * Q2 on 2% of reads; errors at the rate the quality says */
static void gen_read(const tsc_sim_t *s, tsc_rng_t *r, read_t *rd)
{
    const int rl = s->o.read_len;
    int btail = tsc_sim_btail(r);
    memset(rd->err, 0, sizeof(rd->err));
    memset(rd->pk[0], 0, (rl + 1) / 2);
    memset(rd->pk[1], 0, (rl + 1) / 2);
    for (int c = 0; c < rl; c++) {
        uint64_t x = tsc_rng_next(r);
        uint8_t b = nt16[x & 3];
        int qi = tsc_sim_qbin(s, x, c, rl, btail), q = tsc_sim_qval(qi);
        if (tsc_sim_qerr(x, qi)) rd->err[c >> 6] |= 1ULL << (c & 63);
        rd->qual[c] = (uint8_t)q;
        rd->pen[c] = (uint8_t)qpen(q);
        rd->pk[0][c >> 1] |= (uint8_t)(b << ((~c & 1) << 2));
        int c2 = rl - 1 - c;
        rd->pk[1][c2 >> 1] |= (uint8_t)(comp16[b] << ((~c2 & 1) << 2));
        rd->q[0][c] = (uint8_t)q;
        rd->q[1][c2] = (uint8_t)q;
    }
}

/* penalties and errors by template offset: cycle c is offset c (FWD) or rl-1-c */
static void orient(read_t *rd, int fwd, int rl)
{
    if (fwd) {
        memcpy(rd->pen_t, rd->pen, rl);
        memcpy(rd->err_t, rd->err, sizeof(rd->err));
        return;
    }
    memset(rd->err_t, 0, sizeof(rd->err_t));
    for (int c = 0; c < rl; c++) {
        int t = rl - 1 - c;
        rd->pen_t[t] = rd->pen[c];
        if (rd->err[c >> 6] >> (c & 63) & 1) rd->err_t[t >> 6] |= 1ULL << (t & 63);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* scores                                                                                      */

/* bowtie2 score of the mismatches D (bits over offsets [0, rl)) with penalties PEN: in local mode
 * the best-scoring segment (match +2, mismatch -pen), kept as [*a, *b); end-to-end: -sum(pen) */
static int score_bits(const uint64_t *D, int rl, const uint8_t *pen, int local, int *a, int *b)
{
    int nw = (rl + 63) >> 6;
    if (!local) {
        int sc = 0;
        for (int w = 0; w < nw; w++)
            for (uint64_t x = D[w]; x; x &= x - 1) sc -= pen[(w << 6) + __builtin_ctzll(x)];
        *a = 0, *b = rl;
        return sc;
    }
    int best = 0, cur = 0, cs = 0, prev = 0, ba = 0, bb = 0;
    for (int w = 0; w < nw; w++)
        for (uint64_t x = D[w]; x; x &= x - 1) {
            int p = (w << 6) + __builtin_ctzll(x);
            cur += 2 * (p - prev);
            if (cur > best) best = cur, ba = cs, bb = p;
            cur -= pen[p];
            if (cur < 0) cur = 0, cs = p + 1;
            prev = p + 1;
        }
    cur += 2 * (rl - prev);
    if (cur > best) best = cur, ba = cs, bb = rl;
    *a = ba, *b = bb;
    return best;
}

/* local score of the fixed segment [a, b) */
static int score_range(const uint64_t *D, const uint8_t *pen, int a, int b)
{
    int sc = 2 * (b - a);
    for (int p = a; p < b; p++)
        if (D[p >> 6] >> (p & 63) & 1) sc -= 2 + pen[p];
    return sc;
}

/* bowtie2's MAPQ (V2), from the best and second-best scores of a read */
static int bt2_mapq(const tsc_sim_t *s, int best, int second, int has_second)
{
    double diff = s->perfect - s->minsc, bo = best - s->minsc;
    if (diff < 1) diff = 1;
    if (bo > diff) bo = diff;
    if (!has_second) {
        if (bo >= diff * 0.8) return s->o.end_to_end ? 42 : 44;
        if (bo >= diff * 0.7) return 40;
        if (bo >= diff * 0.6) return 24;
        if (bo >= diff * 0.5) return 23;
        if (bo >= diff * 0.4) return 8;
        if (bo >= diff * 0.3) return 3;
        return 0;
    }
    double bd = best > second ? best - second : second - best;
    int top = bo == diff;
    if (bd >= diff) return top ? 39 : 33;
    if (bd >= diff * 0.9) return top ? 38 : 27;
    if (bd >= diff * 0.8) return top ? 37 : 26;
    if (bd >= diff * 0.7) return top ? 36 : 25;
    if (bd >= diff * 0.6) return top ? 35 : 21;
    if (bd >= diff * 0.5) return top ? 34 : bo >= diff * 0.84 ? 25 : bo >= diff * 0.68 ? 16 : 5;
    if (bd >= diff * 0.4) return top ? 33 : bo >= diff * 0.84 ? 21 : bo >= diff * 0.68 ? 14 : 4;
    if (bd >= diff * 0.3) return top ? 32 : bo >= diff * 0.88 ? 18 : bo >= diff * 0.67 ? 15 : 3;
    if (bd >= diff * 0.2) return top ? 31 : bo >= diff * 0.88 ? 17 : bo >= diff * 0.67 ? 11 : 0;
    if (bd >= diff * 0.1) return top ? 30 : bo >= diff * 0.88 ? 12 : bo >= diff * 0.67 ? 7 : 0;
    if (bd > 0) return bo >= diff * 0.67 ? 6 : 2;
    return bo >= diff * 0.67 ? 1 : 0;
}

/* ------------------------------------------------------------------------------------------ */
/* BAM records                                                                                 */

/* MD:Z from the CIGAR and mismatches; the reference base is any base but the read's */
static int build_md(kstring_t *md, const aln_t *a, const uint8_t *pk)
{
    int run = 0, mi = 0, k = 0, e = 0;
    md->l = 0;
    for (int i = 0; i < a->n_cigar; i++) {
        int op = bam_cigar_op(a->cigar[i]), len = bam_cigar_oplen(a->cigar[i]);
        if (op == BAM_CMATCH) {
            int kend = k + len;
            while (mi < a->n_mm && a->mm[mi] < kend) {
                int p = a->mm[mi++];
                run += p - k;
                int b = (pk[p >> 1] >> ((~p & 1) << 2)) & 15;
                int bi = b == 1 ? 0 : b == 2 ? 1 : b == 4 ? 2 : 3;
                e |= kputw(run, md) < 0;
                e |= kputc("ACGT"[(bi + 1 + p % 3) & 3], md) < 0;
                run = 0, k = p + 1;
            }
            run += kend - k, k = kend;
        } else if (op == BAM_CSOFT_CLIP || op == BAM_CINS) {
            k += len;
        } else if (op == BAM_CDEL) {
            e |= kputw(run, md) < 0;
            e |= kputc('^', md) < 0;
            for (int d = 0; d < len; d++) e |= kputc("ACGT"[(k + d) & 3], md) < 0;
            run = 0;
        }
    }
    e |= kputw(run, md) < 0;
    return e ? -1 : 0;
}

typedef struct { /* what the tags of one mapped record say */
    int mapq, has_xs, xs, has_ys, ys, nh;
    const char *yt;
} tags_t;

static int put_mapped(tsc_sim_work_t *w, kstring_t *ks, int mate, const aln_t *a, int flag, int mtid,
                      int64_t mpos, int64_t tlen, const tags_t *t, int rl)
{
    const read_t *rd = &w->rd[mate];
    int64_t at = put_core(ks, w->name, w->l_name, flag, a->tid, a->pos, a->end, t->mapq, a->cigar,
                          a->n_cigar, rd->pk[a->rev], rd->q[a->rev],
                          w->seq_mode == TSC_SIM_SEQ_NONE || (w->seq_mode == TSC_SIM_SEQ_PRIMARY && (flag & BAM_FSECONDARY)) ? 0 : rl,
                          mtid, mpos, tlen);
    if (at < 0 || build_md(&w->md, a, rd->pk[a->rev]) < 0) return -1;
    int e = put_tag_i(ks, "AS", a->as);
    if (t->has_xs) e |= put_tag_i(ks, "XS", t->xs);
    e |= put_tag_i(ks, "XN", 0);
    e |= put_tag_i(ks, "XM", a->xm);
    e |= put_tag_i(ks, "XO", a->xo);
    e |= put_tag_i(ks, "XG", a->xg);
    e |= put_tag_i(ks, "NM", a->nm);
    e |= put_tag_z(ks, "MD", w->md.s, w->md.l);
    if (t->has_ys) e |= put_tag_i(ks, "YS", t->ys);
    e |= put_tag_z(ks, "YT", t->yt, 2);
    if (t->nh > 0) e |= put_tag_i(ks, "NH", t->nh);
    if (e) return -1;
    finish_rec(ks, at);
    return 0;
}

/* an unmapped mate: at its mate's place (TID/POS), or nowhere (-1) */
static int put_unmapped(tsc_sim_work_t *w, kstring_t *ks, int mate, int flag, int tid, int64_t pos,
                        int has_ys, int ys, int rl)
{
    const read_t *rd = &w->rd[mate];
    int64_t at = put_core(ks, w->name, w->l_name, flag, tid, pos, pos, 0, NULL, 0, rd->pk[0], rd->q[0],
                          w->seq_mode == TSC_SIM_SEQ_NONE ? 0 : rl, tid, pos, 0);
    if (at < 0) return -1;
    int e = has_ys ? put_tag_i(ks, "YS", ys) : 0;
    e |= put_tag_z(ks, "YT", "UP", 2);
    if (e) return -1;
    finish_rec(ks, at);
    return 0;
}

/* both records of a mapped pair; AL[0] is mate A; A1: mate A is read 1 */
static int put_pair(tsc_sim_work_t *w, kstring_t *ks, const aln_t *al, int a1, int proper, int sec,
                    const tags_t *t, int rl)
{
    for (int r = 0; r < 2; r++) {
        int m = (r == 0) == (a1 != 0) ? 0 : 1;
        const aln_t *me = &al[m], *mt = &al[1 - m];
        int flag = BAM_FPAIRED | (proper ? BAM_FPROPER_PAIR : 0) | (me->rev ? BAM_FREVERSE : 0) |
                   (mt->rev ? BAM_FMREVERSE : 0) | (r == 0 ? BAM_FREAD1 : BAM_FREAD2) | (sec ? BAM_FSECONDARY : 0);
        int64_t tlen = 0;
        if (me->tid == mt->tid) {
            int64_t l = me->pos < mt->pos ? me->pos : mt->pos, e = me->end > mt->end ? me->end : mt->end;
            tlen = me->pos < mt->pos || (me->pos == mt->pos && r == 0) ? e - l : l - e;
        }
        tags_t tt = t[m];
        tt.has_ys = 1, tt.ys = mt->as;
        if (put_mapped(w, ks, m, me, flag, mt->tid, mt->pos, tlen, &tt, rl) < 0) return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* alignments on the model                                                                     */

/* a TE mate on copy C: template offsets [u, u+rl) of which [ka, kb) are kept, mismatches D */
static void te_aln(const tsc_sim_t *s, const tsc_sim_copy_t *c, int u, int mate_fwd, const uint64_t *D,
                   int ka, int kb, int as, aln_t *a)
{
    const int rl = s->o.read_len;
    int x = u + ka, y = u + kb, cl, cr;
    a->tid = c->tid;
    if (!c->strand) {
        a->pos = c->gs + (x - c->ts), a->end = c->gs + (y - c->ts);
        a->rev = !mate_fwd, cl = ka, cr = rl - kb;
    } else {
        a->pos = c->ge - (y - c->ts), a->end = c->ge - (x - c->ts);
        a->rev = mate_fwd, cl = rl - kb, cr = ka;
    }
    a->n_cigar = 0;
    if (cl) a->cigar[a->n_cigar++] = bam_cigar_gen(cl, BAM_CSOFT_CLIP);
    a->cigar[a->n_cigar++] = bam_cigar_gen(kb - ka, BAM_CMATCH);
    if (cr) a->cigar[a->n_cigar++] = bam_cigar_gen(cr, BAM_CSOFT_CLIP);
    a->n_mm = 0;
    for (int p = ka; p < kb; p++)
        if (D[p >> 6] >> (p & 63) & 1) a->mm[a->n_mm++] = (int16_t)(c->strand ? rl - 1 - p : p);
    if (c->strand)
        for (int i = 0, j = a->n_mm - 1; i < j; i++, j--) {
            int16_t t = a->mm[i];
            a->mm[i] = a->mm[j], a->mm[j] = t;
        }
    a->as = as, a->xm = a->n_mm, a->nm = a->n_mm, a->xo = a->xg = 0, a->spliced = 0;
}

/* M and N operations for exonic [x, x+len) of gene G; sets the genomic extent */
static void ex2cigar(const tsc_sim_gene_t *g, int64_t x, int64_t len, aln_t *a)
{
    int e = 0;
    while (e < g->n_ex - 1 && x >= g->cum[e] + (g->ee[e] - g->es[e])) e++;
    int64_t cur = g->es[e] + (x - g->cum[e]);
    a->pos = cur;
    while (len > 0) {
        int64_t take = g->ee[e] - cur < len ? g->ee[e] - cur : len;
        a->cigar[a->n_cigar++] = bam_cigar_gen(take, BAM_CMATCH);
        len -= take, cur += take;
        if (len > 0 && e + 1 < g->n_ex) {
            a->cigar[a->n_cigar++] = bam_cigar_gen(g->es[e + 1] - g->ee[e], BAM_CREF_SKIP);
            a->spliced = 1;
            cur = g->es[++e];
        }
    }
    a->end = cur;
}

/* is exonic [x, y) inside one exon of G? */
static int one_exon(const tsc_sim_gene_t *g, int64_t x, int64_t y)
{
    for (int e = 0; e < g->n_ex; e++) {
        int64_t cs = g->cum[e], ce = cs + (g->ee[e] - g->es[e]);
        if (x >= cs && x < ce) return y <= ce;
    }
    return 0;
}

/* a gene mate from exonic offset X (reverse on the genome if REV, i.e. mate B) with mismatches D
 * (by genome-forward offset; modified IN PLACE) and maybe an indel: IND > 0 a deletion, < 0 an
 * insertion, of |IND| bases before read offset M. Returns 0, or -1 below the minimum score. */
static int gene_aln(const tsc_sim_t *s, const tsc_sim_gene_t *g, int64_t x, const read_t *rd, int rev,
                    uint64_t *D, int ind, int m, aln_t *a)
{
    const int rl = s->o.read_len, local = !s->o.end_to_end;
    int d = ind < 0 ? -ind : ind, ka, kb, sc;
    if (ind < 0) /* inserted bases are not aligned */
        for (int p = m; p < m + d; p++) D[p >> 6] &= ~(1ULL << (p & 63));
    sc = score_bits(D, rl, rd->pen_t, local, &ka, &kb);
    if (d && (ka >= m || kb <= m + (ind < 0 ? d : 0))) { /* a clip may not reach the indel */
        ka = 0, kb = rl;
        if (local) sc = score_range(D, rd->pen_t, 0, rl);
    }
    if (d) sc -= 5 + 3 * d + (ind < 0 && local ? 2 * d : 0);
    if (sc < s->minsc) return -1;
    a->tid = g->tid, a->rev = rev, a->n_cigar = 0, a->spliced = 0;
    if (ka) a->cigar[a->n_cigar++] = bam_cigar_gen(ka, BAM_CSOFT_CLIP);
    if (!d) {
        ex2cigar(g, x + ka, kb - ka, a);
    } else if (ind > 0) {
        ex2cigar(g, x + ka, m - ka, a);
        a->cigar[a->n_cigar++] = bam_cigar_gen(d, BAM_CDEL);
        a->cigar[a->n_cigar++] = bam_cigar_gen(kb - m, BAM_CMATCH);
        a->end += d + (kb - m);
    } else {
        ex2cigar(g, x + ka, m - ka, a);
        a->cigar[a->n_cigar++] = bam_cigar_gen(d, BAM_CINS);
        a->cigar[a->n_cigar++] = bam_cigar_gen(kb - m - d, BAM_CMATCH);
        a->end += kb - m - d;
    }
    if (rl - kb) a->cigar[a->n_cigar++] = bam_cigar_gen(rl - kb, BAM_CSOFT_CLIP);
    a->n_mm = 0;
    for (int p = ka; p < kb; p++)
        if (D[p >> 6] >> (p & 63) & 1) a->mm[a->n_mm++] = (int16_t)p;
    a->as = sc, a->xm = a->n_mm, a->nm = a->n_mm + d, a->xo = d ? 1 : 0, a->xg = d;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* fragments                                                                                   */

static int frag_len(const tsc_sim_t *s, tsc_rng_t *r, int64_t max)
{
    int64_t L = (int64_t)(s->o.ins_mean + s->o.ins_sd * tsc_rng_norm(r) + 0.5);
    if (L > s->lmax) L = s->lmax;
    if (L > max) L = max;
    if (L < s->o.read_len) L = s->o.read_len;
    return (int)L;
}

/* is mate A (forward on the transcript's template when SENSE) read 1? */
static int a_is_read1(const tsc_sim_t *s, tsc_rng_t *r, int sense)
{
    int u = (int)tsc_rng_below(r, 2);
    if (s->o.library == TSC_SIM_FR) return sense;
    if (s->o.library == TSC_SIM_RF) return !sense;
    return u;
}

/* XS and MAPQ of mate M over N alignments with scores AS[k*stride + m] */
static void read_tags(const tsc_sim_t *s, const int *as, int n, int stride, int m, tags_t *t, int *best_i,
                      int *second)
{
    int b = 0, sc = 0, hs = 0;
    for (int k = 1; k < n; k++)
        if (as[k * stride + m] > as[b * stride + m]) b = k;
    for (int k = 0; k < n; k++)
        if (k != b && (!hs || as[k * stride + m] > sc)) sc = as[k * stride + m], hs = 1;
    *best_i = b, *second = sc;
    memset(t, 0, sizeof(*t));
    t->mapq = bt2_mapq(s, as[b * stride + m], sc, hs);
    t->yt = "CP";
    t->nh = s->o.nh_tag ? n : 0;
}

static int cmp_cand(const void *pa, const void *pb)
{
    const cand_t *a = pa, *b = pb;
    int sa = a->as[0] + a->as[1], sb = b->as[0] + b->as[1];
    if (sa != sb) return sa > sb ? -1 : 1;
    return a->key < b->key ? -1 : a->key > b->key;
}

static int add_cand(tsc_sim_work_t *w, const cand_t *c)
{
    if (w->n_cand == w->m_cand && TSC_GROW(w->cand, w->m_cand, w->n_cand + 1) < 0) return -1;
    w->cand[w->n_cand++] = *c;
    return 0;
}

/* alignments of a TE fragment (mates at template offsets UT[0], UT[1] of copy SRC) to the copies
 * of its subfamily, for the mates in NEED (bit 0 mate A, bit 1 mate B) */
static int te_candidates(const tsc_sim_t *s, tsc_sim_work_t *w, tsc_rng_t *r, int src, const int *ut, int need)
{
    const tsc_sim_copy_t *C = &s->copy[src];
    const tsc_sim_fam_t *F = &s->fam[C->fam];
    const int rl = s->o.read_len, local = !s->o.end_to_end;
    int lo = need & 1 ? ut[0] : ut[1], hi = (need & 2 ? ut[1] : ut[0]) + rl;
    int shifts[2], ns = 0;
    shifts[ns++] = 0;
    if (F->a > 0 && hi <= F->a) shifts[ns++] = F->a + F->b; /* the other LTR */
    else if (F->a > 0 && lo >= F->a + F->b) shifts[ns++] = -(F->a + F->b);
    uint64_t src_bits[2][RLW], D[RLW], tb[RLW];
    for (int m = 0; m < 2; m++)
        if (need >> m & 1) tsc_sim_bits(C->var, ut[m], rl, src_bits[m]);
    w->n_cand = 0;
    const int *mem = F->mem[C->sub], n_mem = F->n_mem[C->sub];
    for (int i = 0; i < n_mem; i++) {
        const tsc_sim_copy_t *J = &s->copy[mem[i]];
        for (int h = 0; h < ns; h++) {
            int sh = shifts[h];
            if (lo + sh < J->ts || hi + sh > J->te) continue;
            cand_t c;
            memset(&c, 0, sizeof(c));
            c.copy = mem[i], c.shift = sh;
            int ok = 1;
            for (int m = 0; m < 2 && ok; m++) {
                if (!(need >> m & 1)) continue;
                tsc_sim_bits(J->var, ut[m] + sh, rl, tb);
                for (int k = 0; k < RLW; k++) D[k] = src_bits[m][k] ^ tb[k] ^ w->rd[m].err_t[k];
                int ka, kb;
                c.as[m] = score_bits(D, rl, w->rd[m].pen_t, local, &ka, &kb);
                c.ka[m] = (int16_t)ka, c.kb[m] = (int16_t)kb;
                ok = c.as[m] >= s->minsc;
            }
            if (!ok) continue;
            c.key = tsc_rng_next(r);
            if (add_cand(w, &c) < 0) return -1;
        }
    }
    if (w->n_cand > 1) qsort(w->cand, w->n_cand, sizeof(cand_t), cmp_cand);
    if (w->n_cand > (size_t)s->o.max_hits) w->n_cand = s->o.max_hits;
    return (int)w->n_cand;
}

/* mate M of candidate K as an alignment */
static void cand_aln(const tsc_sim_t *s, tsc_sim_work_t *w, int src, const int *ut, const cand_t *c, int m,
                     aln_t *a)
{
    const int rl = s->o.read_len;
    uint64_t D[RLW], sb[RLW], tb[RLW];
    tsc_sim_bits(s->copy[src].var, ut[m], rl, sb);
    tsc_sim_bits(s->copy[c->copy].var, ut[m] + c->shift, rl, tb);
    for (int k = 0; k < RLW; k++) D[k] = sb[k] ^ tb[k] ^ w->rd[m].err_t[k];
    te_aln(s, &s->copy[c->copy], ut[m] + c->shift, m == 0, D, c->ka[m], c->kb[m], c->as[m], a);
}

/* a singleton: mate M mapped with N alignments AL (stride 1), the other mate unmapped */
static int put_single(const tsc_sim_t *s, tsc_sim_work_t *w, kstring_t *ks, int m, int a1, const aln_t *al,
                      int n, const tags_t *t, int k, tsc_sim_frag_t *fi)
{
    const int rl = s->o.read_len;
    int m_r1 = (m == 0) == (a1 != 0); /* the mapped mate is read 1 */
    const aln_t *a = &al[0];
    int flag = BAM_FPAIRED | BAM_FMUNMAP | (a->rev ? BAM_FREVERSE : 0) | (m_r1 ? BAM_FREAD1 : BAM_FREAD2) |
               (k > 0 ? BAM_FSECONDARY : 0);
    int uflag = BAM_FPAIRED | BAM_FUNMAP | (a->rev ? BAM_FMREVERSE : 0) | (m_r1 ? BAM_FREAD2 : BAM_FREAD1);
    tags_t tt = *t;
    tt.yt = "UP";
    (void)n;
    if (k == 0 && !m_r1 && put_unmapped(w, ks, 1 - m, uflag, a->tid, a->pos, 1, a->as, rl) < 0) return -1;
    if (put_mapped(w, ks, m, a, flag, a->tid, a->pos, 0, &tt, rl) < 0) return -1;
    if (k == 0 && m_r1 && put_unmapped(w, ks, 1 - m, uflag, a->tid, a->pos, 1, a->as, rl) < 0) return -1;
    fi->n_rec += 1 + (k == 0), fi->n_sec += k > 0;
    return 0;
}

static int frag_unmapped(const tsc_sim_t *s, tsc_sim_work_t *w, tsc_rng_t *r, kstring_t *ks, tsc_sim_frag_t *fi)
{
    const int rl = s->o.read_len;
    gen_read(s, r, &w->rd[0]);
    gen_read(s, r, &w->rd[1]);
    int f = BAM_FPAIRED | BAM_FUNMAP | BAM_FMUNMAP;
    if (put_unmapped(w, ks, 0, f | BAM_FREAD1, -1, -1, 0, 0, rl) < 0) return -1;
    if (put_unmapped(w, ks, 1, f | BAM_FREAD2, -1, -1, 0, 0, rl) < 0) return -1;
    fi->shape = TSC_SIM_S_UNMAPPED, fi->n_rec = 2;
    return 0;
}

static int frag_te(const tsc_sim_t *s, tsc_sim_work_t *w, tsc_rng_t *r, kstring_t *ks, tsc_sim_frag_t *fi)
{
    const int rl = s->o.read_len;
    int unannot = s->n_un > 0 && tsc_rng_unif(r) < s->o.frac_unannot;
    int src = unannot ? s->un_idx[tsc_sim_pick(s->un_cum, s->n_un, r)] : s->ann_idx[tsc_sim_pick(s->ann_cum, s->n_ann, r)];
    const tsc_sim_copy_t *C = &s->copy[src];
    fi->origin = unannot ? TSC_SIM_O_UNANNOT : TSC_SIM_O_LOCUS;
    fi->locus = C->locus;
    int clen = C->te - C->ts, L = frag_len(s, r, clen);
    int t0 = C->ts + (int)tsc_rng_below(r, (uint64_t)(clen - L + 1));
    int ut[2] = {t0, t0 + L - rl};
    gen_read(s, r, &w->rd[0]);
    gen_read(s, r, &w->rd[1]);
    orient(&w->rd[0], 1, rl);
    orient(&w->rd[1], 0, rl);
    int a1 = a_is_read1(s, r, 1);
    int need = tsc_rng_unif(r) < s->o.frac_single ? 1 << tsc_rng_below(r, 2) : 3;
    int n = te_candidates(s, w, r, src, ut, need);
    if (n < 0) return -1;
    if (n == 0 && need == 3) /* a mate fails on its own copy: a singleton, if the other aligns */
        for (need = 1; need <= 2; need++)
            if ((n = te_candidates(s, w, r, src, ut, need)) != 0) break;
    if (n < 0) return -1;
    if (n == 0) return frag_unmapped(s, w, r, ks, fi);
    int bi[2], sec[2];
    tags_t t[2];
    if (TSC_GROW(w->as, w->m_as, 2 * (size_t)n) < 0) return -1;
    int *as = w->as;
    for (int k = 0; k < n; k++) as[2 * k] = w->cand[k].as[0], as[2 * k + 1] = w->cand[k].as[1];
    for (int m = 0; m < 2; m++) read_tags(s, as, n, 2, m, &t[m], &bi[m], &sec[m]);
    fi->n_aln = n;
    if (need != 3) { /* singleton */
        int m = need == 1 ? 0 : 1;
        fi->shape = TSC_SIM_S_SINGLE;
        for (int k = 0; k < n; k++) {
            const cand_t *c = &w->cand[k];
            cand_aln(s, w, src, ut, c, m, &w->al[0]);
            tags_t tt = t[m];
            if (n > 1) tt.has_xs = 1, tt.xs = k == bi[m] ? sec[m] : as[2 * bi[m] + m];
            if (put_single(s, w, ks, m, a1, w->al, n, &tt, k, fi) < 0) return -1;
        }
        return 0;
    }
    fi->shape = TSC_SIM_S_PAIR;
    for (int k = 0; k < n; k++) {
        const cand_t *c = &w->cand[k];
        tags_t tt[2] = {t[0], t[1]};
        for (int m = 0; m < 2; m++) {
            cand_aln(s, w, src, ut, c, m, &w->al[m]);
            if (n > 1) tt[m].has_xs = 1, tt[m].xs = k == bi[m] ? sec[m] : as[2 * bi[m] + m];
        }
        if (put_pair(w, ks, w->al, a1, 1, k > 0, tt, rl) < 0) return -1;
        fi->n_rec += 2, fi->n_sec += k > 0 ? 2 : 0;
    }
    return 0;
}

/* a random indel for a gene mate at exonic X: IND and M for gene_aln (0 if none) */
static int pick_indel(const tsc_sim_t *s, tsc_rng_t *r, const tsc_sim_gene_t *g, int64_t x, int *m)
{
    const int rl = s->o.read_len;
    if (tsc_rng_unif(r) >= s->o.frac_indel) return 0;
    int d = 1 + (int)tsc_rng_below(r, 3), del = (int)tsc_rng_below(r, 2);
    *m = rl * 3 / 10 + (int)tsc_rng_below(r, (uint64_t)(rl * 4 / 10));
    if (del) return one_exon(g, x, x + rl + d) ? d : 0;
    return one_exon(g, x, x + rl - d) ? -d : 0;
}

/* mate M of a gene fragment at exonic X, with EXTRA random mismatches; -1: below the minimum */
static int gene_mate(const tsc_sim_t *s, tsc_sim_work_t *w, tsc_rng_t *r, const tsc_sim_gene_t *g, int64_t x,
                     int m, int extra, int indel_ok, aln_t *a)
{
    const int rl = s->o.read_len;
    uint64_t D[RLW];
    memcpy(D, w->rd[m].err_t, sizeof(D));
    for (int e = 0; e < extra; e++) {
        int p = (int)tsc_rng_below(r, (uint64_t)rl);
        D[p >> 6] |= 1ULL << (p & 63);
    }
    int im = 0, ind = indel_ok ? pick_indel(s, r, g, x, &im) : 0;
    return gene_aln(s, g, x, &w->rd[m], m == 1, D, ind, im, a);
}

static int frag_gene(const tsc_sim_t *s, tsc_sim_work_t *w, tsc_rng_t *r, kstring_t *ks, tsc_sim_frag_t *fi)
{
    const int rl = s->o.read_len;
    const tsc_sim_gene_t *g = &s->gene[tsc_sim_pick(s->gene_cum, s->n_gene, r)];
    fi->origin = TSC_SIM_O_GENE;
    int L = frag_len(s, r, g->len);
    int64_t x0 = (int64_t)tsc_rng_below(r, (uint64_t)(g->len - L + 1)), xs[2] = {x0, x0 + L - rl};
    gen_read(s, r, &w->rd[0]);
    gen_read(s, r, &w->rd[1]);
    orient(&w->rd[0], 1, rl);
    orient(&w->rd[1], 0, rl);
    int a1 = a_is_read1(s, r, g->strand == 0);
    double u = tsc_rng_unif(r);
    int shape = u < s->o.frac_single ? 1 : u < s->o.frac_single + s->o.frac_discord ? 2
              : u < s->o.frac_single + s->o.frac_discord + s->o.frac_paralog ? 3 : 0;
    int ok[2];
    const tsc_sim_gene_t *gb = g;
    if (shape == 2) { /* discordant: mate B lands in another gene */
        gb = &s->gene[tsc_sim_pick(s->gene_cum, s->n_gene, r)];
        xs[1] = (int64_t)tsc_rng_below(r, (uint64_t)(gb->len - rl + 1));
    }
    ok[0] = gene_mate(s, w, r, g, xs[0], 0, 0, 1, &w->al[0]) == 0;
    ok[1] = gene_mate(s, w, r, gb, xs[1], 1, 0, 1, &w->al[1]) == 0;
    if (shape == 1 && ok[0] && ok[1]) ok[tsc_rng_below(r, 2)] = 0;
    if (!ok[0] && !ok[1]) return frag_unmapped(s, w, r, ks, fi);
    tags_t t[2];
    int bi, sc;
    if (!ok[0] || !ok[1]) { /* singleton */
        int m = ok[0] ? 0 : 1;
        fi->shape = TSC_SIM_S_SINGLE, fi->n_aln = 1, fi->spliced = w->al[m].spliced;
        read_tags(s, &w->al[m].as, 1, 1, 0, &t[0], &bi, &sc);
        return put_single(s, w, ks, m, a1, &w->al[m], 1, &t[0], 0, fi);
    }
    fi->spliced = w->al[0].spliced + w->al[1].spliced;
    if (shape == 2) {
        fi->shape = TSC_SIM_S_DISCORD, fi->n_aln = 1;
        for (int m = 0; m < 2; m++) read_tags(s, &w->al[m].as, 1, 1, 0, &t[m], &bi, &sc), t[m].yt = "DP";
        fi->n_rec = 2;
        return put_pair(w, ks, w->al, a1, 0, 0, t, rl);
    }
    fi->shape = TSC_SIM_S_PAIR;
    int n = 1;
    w->par_key[0] = tsc_rng_next(r);
    if (shape == 3) { /* paralogs: the same pair elsewhere, with a few more mismatches */
        int extra = 1 + (int)tsc_rng_below(r, MAXPAR - 1);
        for (int e = 0; e < extra; e++) {
            const tsc_sim_gene_t *g2 = &s->gene[tsc_sim_pick(s->gene_cum, s->n_gene, r)];
            if (g2 == g || g2->len < L) continue;
            int64_t y = (int64_t)tsc_rng_below(r, (uint64_t)(g2->len - L + 1));
            int mm = tsc_rng_unif(r) < 0.3 ? 0 : 1 + (int)tsc_rng_below(r, 4);
            if (gene_mate(s, w, r, g2, y, 0, mm, 0, &w->al[2 * n]) < 0) continue;
            if (gene_mate(s, w, r, g2, y + L - rl, 1, mm, 0, &w->al[2 * n + 1]) < 0) continue;
            w->par_key[n++] = tsc_rng_next(r);
        }
        for (int i = 1; i < n; i++) /* insertion sort by score, then key */
            for (int j = i; j > 0; j--) {
                int sa = w->al[2 * j].as + w->al[2 * j + 1].as, sb = w->al[2 * j - 2].as + w->al[2 * j - 1].as;
                if (sa < sb || (sa == sb && w->par_key[j] > w->par_key[j - 1])) break;
                aln_t t0 = w->al[2 * j], t1 = w->al[2 * j + 1];
                uint64_t kk = w->par_key[j];
                w->al[2 * j] = w->al[2 * j - 2], w->al[2 * j + 1] = w->al[2 * j - 1], w->par_key[j] = w->par_key[j - 1];
                w->al[2 * j - 2] = t0, w->al[2 * j - 1] = t1, w->par_key[j - 1] = kk;
            }
        fi->spliced = w->al[0].spliced + w->al[1].spliced;
    }
    int as[2 * MAXPAR], b[2], sec[2];
    for (int k = 0; k < n; k++) as[2 * k] = w->al[2 * k].as, as[2 * k + 1] = w->al[2 * k + 1].as;
    for (int m = 0; m < 2; m++) read_tags(s, as, n, 2, m, &t[m], &b[m], &sec[m]), t[m].yt = "CP";
    fi->n_aln = n;
    for (int k = 0; k < n; k++) {
        tags_t tt[2] = {t[0], t[1]};
        for (int m = 0; m < 2; m++)
            if (n > 1) tt[m].has_xs = 1, tt[m].xs = k == b[m] ? sec[m] : as[2 * b[m] + m];
        if (put_pair(w, ks, &w->al[2 * k], a1, 1, k > 0, tt, rl) < 0) return -1;
        fi->n_rec += 2, fi->n_sec += k > 0 ? 2 : 0;
    }
    return 0;
}

int tsc_sim_fragment(const tsc_sim_t *s, tsc_sim_work_t *w, int64_t i, kstring_t *ks, tsc_sim_frag_t *fi)
{
    tsc_rng_t r;
    tsc_rng_seed(&r, s->o.seed, TSC_SIM_STREAM_FRAG + (uint64_t)i);
    memset(fi, 0, sizeof(*fi));
    fi->locus = -1;
    /* Illumina-like name, a bijection of i */
    uint64_t j = (uint64_t)i >> 2;
    w->l_name = snprintf(w->name, sizeof(w->name), "SIM:1:HSIMFCXX:%d:%llu:%llu:%llu", (int)(i & 3) + 1,
                         (unsigned long long)(1101 + (j >> 20)), (unsigned long long)(1000 + ((j >> 10) & 1023) * 17),
                         (unsigned long long)(1000 + (j & 1023) * 23));
    double u = tsc_rng_unif(&r);
    int ret;
    if (u < s->o.frac_unmapped) ret = frag_unmapped(s, w, &r, ks, fi);
    else if (u < s->o.frac_unmapped + s->o.frac_te) ret = frag_te(s, w, &r, ks, fi);
    else ret = frag_gene(s, w, &r, ks, fi);
    if (ret < 0) tsc_error("out of memory");
    return ret;
}

int tsc_sim_raw2bam(const uint8_t *raw, uint32_t len, bam1_t *b)
{
    if (len < 36) return -1;
    bam1_core_t *c = &b->core;
#define RD32(p) ((uint32_t)(p)[0] | (uint32_t)(p)[1] << 8 | (uint32_t)(p)[2] << 16 | (uint32_t)(p)[3] << 24)
    c->tid = (int32_t)RD32(raw);
    c->pos = (int32_t)RD32(raw + 4);
    c->l_qname = raw[8];
    c->qual = raw[9];
    c->bin = (uint16_t)(raw[10] | raw[11] << 8);
    c->n_cigar = (uint32_t)(raw[12] | raw[13] << 8);
    c->flag = (uint16_t)(raw[14] | raw[15] << 8);
    c->l_qseq = (int32_t)RD32(raw + 16);
    c->mtid = (int32_t)RD32(raw + 20);
    c->mpos = (int32_t)RD32(raw + 24);
    c->isize = (int32_t)RD32(raw + 28);
#undef RD32
    uint32_t rest = len - 32, extra = (4 - (c->l_qname & 3)) & 3;
    if (c->l_qname == 0 || rest < c->l_qname) return -1;
    size_t need = (size_t)rest + extra;
    if (need > (size_t)b->m_data) {
        size_t m = need + 256;
        if (m > UINT32_MAX) return -1;
        uint8_t *d = realloc(b->data, m);
        if (!d) return -1;
        b->data = d, b->m_data = (uint32_t)m;
    }
    memcpy(b->data, raw + 32, c->l_qname);
    memset(b->data + c->l_qname, 0, extra);
    memcpy(b->data + c->l_qname + extra, raw + 32 + c->l_qname, rest - c->l_qname);
    c->l_extranul = (uint8_t)extra;
    c->l_qname += extra;
    b->l_data = (int)need;
    return 0;
}
