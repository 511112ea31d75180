/* tsc_sim_internal.h -- the genome model and random numbers shared by tsc_sim*.c (private).
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_SIM_INTERNAL_H
#define TSC_SIM_INTERNAL_H

#include <stdint.h>
#include <string.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include "tsc_sim.h"

/* ---- random numbers: xoshiro256** seeded through splitmix64; no libm on the fragment path ---- */

typedef struct {
    uint64_t s[4];
} tsc_rng_t;

static inline uint64_t tsc_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline void tsc_rng_seed(tsc_rng_t *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = tsc_mix64(seed + 0x9e3779b97f4a7c15ULL) ^ tsc_mix64(stream * 0xd1342543de82ef95ULL + 1);
    for (int i = 0; i < 4; i++) {
        x += 0x9e3779b97f4a7c15ULL;
        r->s[i] = tsc_mix64(x);
    }
}

static inline uint64_t tsc_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t tsc_rng_next(tsc_rng_t *r)
{
    uint64_t *s = r->s;
    const uint64_t res = tsc_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = tsc_rotl(s[3], 45);
    return res;
}

/** Uniform integer in [0, n) (n >= 1). */
static inline uint64_t tsc_rng_below(tsc_rng_t *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)tsc_rng_next(r) * n) >> 64);
}

/** Uniform double in [0, 1). */
static inline double tsc_rng_unif(tsc_rng_t *r) { return (double)(tsc_rng_next(r) >> 11) * 0x1.0p-53; }

/** Approximately standard normal: sum of 12 uniforms minus 6 (bounded to +-6, no libm). */
static inline double tsc_rng_norm(tsc_rng_t *r)
{
    double x = 0;
    for (int i = 0; i < 12; i++) x += tsc_rng_unif(r);
    return x - 6.0;
}

/* ---- raw BAM records (int32 block_size, then the record, as in a BAM file) ---- */

static inline void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* start a record; returns its offset in KS (for finish_rec), or -1 */
static inline int64_t put_core(kstring_t *ks, const char *name, int l_name, int flag, int tid, int64_t pos,
                        int64_t end, int mapq, const uint32_t *cig, int n_cig, const uint8_t *pk,
                        const uint8_t *q, int l_seq, int mtid, int64_t mpos, int64_t tlen)
{
    size_t need = 36 + l_name + 1 + 4 * n_cig + (l_seq + 1) / 2 + l_seq;
    if (ks_resize(ks, ks->l + need + 256) < 0) return -1;
    int64_t at = (int64_t)ks->l;
    uint8_t *p = (uint8_t *)ks->s + ks->l;
    int bin = (flag & BAM_FUNMAP) || end <= pos ? hts_reg2bin(pos, pos + 1, 14, 5) : hts_reg2bin(pos, end, 14, 5);
    le32(p + 4, (uint32_t)tid);
    le32(p + 8, (uint32_t)pos);
    p[12] = (uint8_t)(l_name + 1);
    p[13] = (uint8_t)mapq;
    p[14] = (uint8_t)bin, p[15] = (uint8_t)(bin >> 8);
    p[16] = (uint8_t)n_cig, p[17] = (uint8_t)(n_cig >> 8);
    p[18] = (uint8_t)flag, p[19] = (uint8_t)(flag >> 8);
    le32(p + 20, (uint32_t)l_seq);
    le32(p + 24, (uint32_t)mtid);
    le32(p + 28, (uint32_t)mpos);
    le32(p + 32, (uint32_t)(int32_t)tlen);
    p += 36;
    memcpy(p, name, l_name);
    p[l_name] = 0;
    p += l_name + 1;
    for (int i = 0; i < n_cig; i++, p += 4) le32(p, cig[i]);
    memcpy(p, pk, (l_seq + 1) / 2);
    p += (l_seq + 1) / 2;
    memcpy(p, q, l_seq);
    ks->l += need;
    return at;
}

static inline int put_tag_i(kstring_t *ks, const char *tag, int64_t v)
{
    if (ks_resize(ks, ks->l + 8) < 0) return -1;
    uint8_t *p = (uint8_t *)ks->s + ks->l;
    p[0] = (uint8_t)tag[0], p[1] = (uint8_t)tag[1];
    if (v >= 0) { /* the smallest type, as samtools writes text integers */
        if (v <= 255) p[2] = 'C', p[3] = (uint8_t)v, ks->l += 4;
        else if (v <= 65535) p[2] = 'S', p[3] = (uint8_t)v, p[4] = (uint8_t)(v >> 8), ks->l += 5;
        else p[2] = 'I', le32(p + 3, (uint32_t)v), ks->l += 7;
    } else {
        if (v >= -128) p[2] = 'c', p[3] = (uint8_t)(int8_t)v, ks->l += 4;
        else if (v >= -32768) p[2] = 's', p[3] = (uint8_t)v, p[4] = (uint8_t)((uint16_t)v >> 8), ks->l += 5;
        else p[2] = 'i', le32(p + 3, (uint32_t)v), ks->l += 7;
    }
    return 0;
}

static inline int put_tag_z(kstring_t *ks, const char *tag, const char *v, size_t l)
{
    if (ks_resize(ks, ks->l + l + 4) < 0) return -1;
    uint8_t *p = (uint8_t *)ks->s + ks->l;
    p[0] = (uint8_t)tag[0], p[1] = (uint8_t)tag[1], p[2] = 'Z';
    memcpy(p + 3, v, l);
    p[3 + l] = 0;
    ks->l += l + 4;
    return 0;
}

static inline void finish_rec(kstring_t *ks, int64_t at)
{
    le32((uint8_t *)ks->s + at, (uint32_t)(ks->l - at - 4));
}

/* random streams */
#define TSC_SIM_STREAM_MODEL 0
#define TSC_SIM_STREAM_GTF 1
#define TSC_SIM_STREAM_FRAG 16 /* fragment i uses stream TSC_SIM_STREAM_FRAG + i */

/* ---- the genome model ---- */

/** A TE family: template = [5' LTR][internal][3' LTR] (ERV) or [body] (LINE, ltr_len 0). */
typedef struct {
    const char *name, *rep_class, *rep_family, *ltr_name, *int_name;
    int ltr_len, int_len;
    double weight;          /* share of the copies */
    double solo, trunc;     /* share of solo LTRs, of truncated copies */
    double priv_lo, priv_hi; /* private divergence of a copy: lo + (hi - lo) u^1.5, u uniform */
} tsc_sim_famdef_t;

typedef struct {
    const tsc_sim_famdef_t *d;
    int T, a, b;     /* template length, LTR length, internal length (T = 2a+b, or b) */
    int n_sub;       /* subfamilies: alignments are searched among copies of one subfamily */
    int *n_mem, **mem; /* copies of each subfamily */
} tsc_sim_fam_t;

typedef struct {
    int32_t fam, sub;
    int32_t locus;   /* index in GTF order, -1 if the copy is not annotated */
    int32_t tid, strand; /* strand 0 '+', 1 '-' (template orientation on the genome) */
    int64_t gs, ge;  /* genomic [gs, ge) */
    int32_t ts, te;  /* template range covered, [ts, te); ge - gs == te - ts */
    uint64_t *var;   /* variant bits over template positions (shared allocation) */
    double w;        /* expression weight, 0 = silent */
} tsc_sim_copy_t;

typedef struct {
    int32_t tid, n_ex, strand;
    int64_t *es, *ee; /* exons, genomic [es, ee), ascending */
    int64_t *cum;     /* exonic offset of each exon's start */
    int64_t len;      /* exonic length */
    int64_t span;     /* genomic span */
} tsc_sim_gene_t;

struct tsc_sim_s {
    tsc_sim_opt_t o;
    int minsc, perfect;  /* bowtie2 minimum score for the read length, perfect score */
    int lmax;            /* longest fragment */
    int n_chrom;
    char **chr_name;
    int64_t *chr_len;
    int n_fam;
    tsc_sim_fam_t *fam;
    int nw;              /* 64-bit words per variant bitset */
    uint64_t *varbuf;
    int n_copy;
    tsc_sim_copy_t *copy;
    int n_loci;
    int *locus_copy;     /* copy of each locus, GTF order */
    char **locus_name;
    int n_gene;
    tsc_sim_gene_t *gene;
    double *gene_cum;
    int n_ann, n_un;     /* expressed annotated / unannotated copies */
    int *ann_idx, *un_idx;
    double *ann_cum, *un_cum;
    uint16_t lowq_thr[TSC_SIM_MAX_RL]; /* per cycle: chance (of 65536) of a low-quality base */
};

/* An index in [0, N) drawn with the weights whose running sums are CUM (CUM[N-1] > 0). */
static inline int tsc_sim_pick(const double *cum, int n, tsc_rng_t *r)
{
    double u = tsc_rng_unif(r) * cum[n - 1];
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (cum[mid] > u) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/* NovaSeq-like binned base qualities, shared by the bulk and single-cell reads. A read's B-tail:
 * its last 5-30 cycles at Q2, on 2% of reads (two draws, or one). */
static inline int tsc_sim_btail(tsc_rng_t *r) { return tsc_rng_unif(r) < 0.02 ? 5 + (int)tsc_rng_below(r, 26) : 0; }

/* The quality bin (0..3: Q2, 11, 25, 37) of cycle C from the cycle's random word X (bits 2-25;
 * more low bins towards the 3' end, by S's LOWQ_THR) in a read of RL cycles with a B-tail of
 * BTAIL cycles. */
static inline int tsc_sim_qbin(const tsc_sim_t *s, uint64_t x, int c, int rl, int btail)
{
    if (c >= rl - btail) return 0;
    if (((x >> 2) & 0xffff) < s->lowq_thr[c]) {
        unsigned sel = (x >> 18) & 0xff;
        return sel < 150 ? 2 : sel < 235 ? 1 : 0;
    }
    return 3;
}

/* The Phred quality of bin QI, and whether X's top 32 bits make that cycle a sequencing error. */
static inline int tsc_sim_qval(int qi)
{
    static const uint8_t qv[4] = {2, 11, 25, 37};
    return qv[qi];
}
static inline int tsc_sim_qerr(uint64_t x, int qi)
{
    static const uint32_t thr[4] = {2710035217u, 341081440u, 13580899u, 858993u}; /* 2^32 x 10^(-Q/10) */
    return (uint32_t)(x >> 32) < thr[qi];
}

/* Words of a read's bit vectors: TSC_SIM_MAX_RL bits, plus one for a shifted copy. */
#define TSC_SIM_RLW ((TSC_SIM_MAX_RL + 63) / 64 + 1)

/* LEN bits of V from bit OFF into OUT (TSC_SIM_RLW words, the rest zero) */
static inline void tsc_sim_bits(const uint64_t *v, int off, int len, uint64_t *out)
{
    int nw = (len + 63) >> 6;
    for (int w = 0; w < nw; w++) {
        int o = off + (w << 6), i = o >> 6, sh = o & 63;
        uint64_t x = v[i] >> sh;
        if (sh) x |= v[i + 1] << (64 - sh);
        out[w] = x;
    }
    if (len & 63) out[nw - 1] &= (1ULL << (len & 63)) - 1;
    for (int w = nw; w < TSC_SIM_RLW; w++) out[w] = 0;
}

#endif
