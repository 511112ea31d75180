/* tsc_sim_bam.c -- tsc-simulate's BAM output: the records of a producer (the bulk mode's fragments,
 * or the single-cell mode's reads) generated in parallel batches and written in batch order
 * (name-collated), or coordinate-sorted in memory by chunks, spilled to temporary BAMs and merged,
 * then indexed (BAI). No external sort.
 * Part of tsc (Telescope in C). MIT licence. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>
#include <errno.h>
#include <htslib/sam.h>
#include <htslib/hts.h>
#include <htslib/thread_pool.h>
#include "tsc_util.h"
#include "tsc_sim.h"

#define BATCH 4096 /* fragments per generation batch */

typedef struct {
    uint64_t key; /* tid (unmapped last) << 32 | pos */
    uint64_t off; /* offset in the arena: generation order breaks ties */
} skey_t;

typedef struct {
    const char *fn;
    const tsc_sim_wopt_t *wo;
    sam_hdr_t *hdr;
    htsThreadPool *tp;
    samFile *out;        /* the final file (collated output) */
    bam1_t *b;
    uint8_t *a;          /* arena of raw records (with their block_size), sorted output */
    size_t l, m;
    skey_t *k;
    size_t n, mk;
    int n_chunk;         /* chunks spilled */
    kstring_t tmpfn;
} sink_t;

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int cmp_skey(const void *pa, const void *pb)
{
    const skey_t *a = pa, *b = pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return a->off < b->off ? -1 : a->off > b->off;
}

static samFile *open_out(const char *fn, const char *mode, const sam_hdr_t *h, htsThreadPool *tp)
{
    samFile *fp = sam_open(fn, mode);
    if (!fp) {
        tsc_error("%s: cannot create the file", fn);
        return NULL;
    }
    if (tp && hts_set_opt(fp, HTS_OPT_THREAD_POOL, tp) < 0) goto err;
    if (sam_hdr_write(fp, h) < 0) goto err;
    return fp;
err:
    tsc_error("%s: cannot write", fn);
    sam_close(fp);
    return NULL;
}

static const char *tmp_name(sink_t *sk, int i)
{
    sk->tmpfn.l = 0;
    if (ksprintf(&sk->tmpfn, "%s.tmp.%04d.bam", sk->fn, i) < 0) return NULL;
    return sk->tmpfn.s;
}

/* write the arena's records in key order to FP */
static int write_sorted(sink_t *sk, samFile *fp, const char *fn)
{
    qsort(sk->k, sk->n, sizeof(skey_t), cmp_skey);
    for (size_t i = 0; i < sk->n; i++) {
        const uint8_t *p = sk->a + sk->k[i].off;
        if (tsc_sim_raw2bam(p + 4, rd32(p), sk->b) < 0 || sam_write1(fp, sk->hdr, sk->b) < 0) {
            tsc_error("%s: cannot write", fn);
            return -1;
        }
    }
    sk->l = sk->n = 0;
    return 0;
}

static int spill(sink_t *sk)
{
    const char *fn = tmp_name(sk, sk->n_chunk);
    if (!fn) return -1;
    samFile *fp = open_out(fn, "wb1", sk->hdr, sk->tp);
    if (!fp) return -1;
    sk->n_chunk++;
    int ret = write_sorted(sk, fp, fn);
    if (sam_close(fp) < 0 && ret == 0) {
        tsc_error("%s: cannot write", fn);
        ret = -1;
    }
    return ret;
}

/* records of one batch slot */
static int sink_put(sink_t *sk, const kstring_t *ks)
{
    const uint8_t *p = (const uint8_t *)ks->s, *e = p + ks->l;
    if (!sk->wo->sorted) {
        while (p < e) {
            uint32_t len = rd32(p);
            if (tsc_sim_raw2bam(p + 4, len, sk->b) < 0 || sam_write1(sk->out, sk->hdr, sk->b) < 0) {
                tsc_error("%s: cannot write", sk->fn);
                return -1;
            }
            p += 4 + len;
        }
        return 0;
    }
    if (sk->l + ks->l > sk->m) {
        size_t need = sk->l + ks->l, cap = sk->wo->sort_mem + (32 << 20);
        size_t m = sk->m ? sk->m + sk->m / 2 : 1 << 24;
        if (m > cap) m = cap;
        if (m < need) m = need;
        uint8_t *a = realloc(sk->a, m);
        if (!a) goto nomem;
        sk->a = a, sk->m = m;
    }
    while (p < e) {
        uint32_t len = rd32(p);
        if (sk->n == sk->mk && TSC_GROW(sk->k, sk->mk, sk->n + 1) < 0) goto nomem;
        int32_t tid = (int32_t)rd32(p + 4), pos = (int32_t)rd32(p + 8);
        sk->k[sk->n].key = (uint64_t)(uint32_t)tid << 32 | (uint32_t)pos;
        sk->k[sk->n++].off = sk->l + (size_t)(p - (const uint8_t *)ks->s);
        p += 4 + len;
    }
    memcpy(sk->a + sk->l, ks->s, ks->l);
    sk->l += ks->l;
    return 0;
nomem:
    tsc_error("out of memory (lower --sort-mem)");
    return -1;
}

/* k-way merge of the spilled chunks into the final file */
typedef struct {
    samFile *fp;
    sam_hdr_t *h;
    bam1_t *b;
    uint64_t key;
} chunk_t;

static inline int chunk_lt(const chunk_t *c, int a, int b)
{
    return c[a].key < c[b].key || (c[a].key == c[b].key && a < b);
}

static void heap_down(int *hp, int n, const chunk_t *c, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && chunk_lt(c, hp[l], hp[m])) m = l;
        if (r < n && chunk_lt(c, hp[r], hp[m])) m = r;
        if (m == i) return;
        int t = hp[i];
        hp[i] = hp[m], hp[m] = t, i = m;
    }
}

static int chunk_next(chunk_t *c)
{
    int r = sam_read1(c->fp, c->h, c->b);
    if (r < -1) return -2;
    if (r == -1) return -1;
    c->key = (uint64_t)(uint32_t)c->b->core.tid << 32 | (uint32_t)c->b->core.pos;
    return 0;
}

static int merge(sink_t *sk, samFile *out)
{
    int n = sk->n_chunk, hn = 0, ret = -1;
    chunk_t *c = calloc(n, sizeof(chunk_t));
    int *hp = malloc(n * sizeof(int));
    if (!c || !hp) goto nomem;
    for (int i = 0; i < n; i++) {
        const char *fn = tmp_name(sk, i);
        if (!fn || !(c[i].fp = sam_open(fn, "rb"))) {
            tsc_error("%s: cannot open the temporary file", fn ? fn : "?");
            goto out;
        }
        if (sk->tp && hts_set_opt(c[i].fp, HTS_OPT_THREAD_POOL, sk->tp) < 0) goto rd_err;
        if (!(c[i].h = sam_hdr_read(c[i].fp)) || !(c[i].b = bam_init1())) goto rd_err;
        int r = chunk_next(&c[i]);
        if (r == -2) goto rd_err;
        if (r == 0) hp[hn++] = i;
    }
    for (int i = hn / 2 - 1; i >= 0; i--) heap_down(hp, hn, c, i);
    while (hn > 0) {
        chunk_t *t = &c[hp[0]];
        if (sam_write1(out, sk->hdr, t->b) < 0) {
            tsc_error("%s: cannot write", sk->fn);
            goto out;
        }
        int r = chunk_next(t);
        if (r == -2) goto rd_err;
        if (r == -1) hp[0] = hp[--hn];
        heap_down(hp, hn, c, 0);
    }
    ret = 0;
    goto out;
rd_err:
    tsc_error("cannot read back a temporary file of %s", sk->fn);
    goto out;
nomem:
    tsc_error("out of memory");
out:
    for (int i = 0; c && i < n; i++) {
        if (c[i].fp) sam_close(c[i].fp);
        sam_hdr_destroy(c[i].h);
        bam_destroy1(c[i].b);
    }
    free(c);
    free(hp);
    return ret;
}

/* a batch, generated by a thread of the pool */
typedef struct job_s {
    const tsc_sim_producer_t *p;
    void *w;
    int64_t batch;
    kstring_t ks;
    int err;
    struct job_s *next; /* free list */
} job_t;

static void *gen_job(void *arg)
{
    job_t *j = arg;
    j->ks.l = 0;
    j->err = j->p->gen(j->p->ctx, j->w, j->batch, &j->ks) < 0;
    return j;
}

static void job_free(job_t *j)
{
    if (!j) return;
    if (j->w) j->p->work_free(j->w);
    free(j->ks.s);
    free(j);
}

static job_t *job_new(const tsc_sim_producer_t *p)
{
    job_t *j = calloc(1, sizeof(*j));
    if (!j) return NULL;
    j->p = p;
    if (!(j->w = p->work_new(p->ctx))) {
        job_free(j);
        return NULL;
    }
    return j;
}

/* a generated batch, in batch order: 0 more, 1 the last one, -1 error */
static int consume(sink_t *sk, job_t *j)
{
    if (j->err) return -1;
    int r = j->p->take(j->p->ctx, j->w, j->batch, &j->ks);
    if (r < 0) return -1;
    if (sink_put(sk, &j->ks) < 0) return -1;
    if (sk->wo->sorted && sk->l >= sk->wo->sort_mem && spill(sk) < 0) return -1;
    return r;
}

/* generate every batch, on the pool's threads (or here), consumed in order */
static int generate(const tsc_sim_producer_t *p, sink_t *sk, hts_tpool *pool, int nth)
{
    const int64_t n_batch = p->n_batch;
    job_t *free_list = NULL, *j;
    int ret = -1, pending = 0, done = n_batch == 0;
    hts_tpool_process *q = NULL;
    if (!pool) {
        if (!(j = job_new(p))) goto nomem;
        for (int64_t b = 0; b < n_batch && !done; b++) {
            j->batch = b;
            gen_job(j);
            int r = consume(sk, j);
            if (r < 0) {
                job_free(j);
                return -1;
            }
            done = r == 1;
        }
        job_free(j);
        return 0;
    }
    if (!(q = hts_tpool_process_init(pool, 2 * nth, 0))) goto nomem;
    int64_t b = 0;
    while ((b < n_batch && !done) || pending > 0) {
        if (b < n_batch && !done) {
            if (free_list) j = free_list, free_list = j->next;
            else if (!(j = job_new(p))) goto nomem;
            j->batch = b;
            if (hts_tpool_dispatch2(pool, q, gen_job, j, 1) == 0) {
                b++, pending++;
                continue;
            }
            j->next = free_list, free_list = j;
            if (errno != EAGAIN) goto nomem;
        }
        hts_tpool_result *res = hts_tpool_next_result_wait(q);
        if (!res) goto nomem;
        j = hts_tpool_result_data(res);
        hts_tpool_delete_result(res, 0);
        pending--;
        int r = done ? 0 : consume(sk, j); /* batches made after the last one are dropped */
        j->next = free_list, free_list = j;
        if (r < 0) goto out;
        if (r == 1) done = 1;
    }
    ret = 0;
    goto out;
nomem:
    tsc_error("out of memory");
out:
    while (q && pending > 0) { /* drain what is still running */
        hts_tpool_result *res = hts_tpool_next_result_wait(q);
        if (!res) break;
        j = hts_tpool_result_data(res);
        hts_tpool_delete_result(res, 0);
        j->next = free_list, free_list = j;
        pending--;
    }
    if (q) hts_tpool_process_destroy(q);
    while (free_list) j = free_list, free_list = j->next, job_free(j);
    return ret;
}

/* ---- the bulk data set as a producer ---- */

typedef struct {
    tsc_sim_work_t *fw;          /* the fragment scratch */
    tsc_sim_frag_t fi[BATCH];
} bulk_work_t;

typedef struct {
    const tsc_sim_t *s;
    tsc_sim_stats_t *st;
} bulk_ctx_t;

static void *bulk_work_new(void *ctx)
{
    const bulk_ctx_t *c = ctx;
    bulk_work_t *w = malloc(sizeof(*w));
    if (!w) return NULL;
    if (!(w->fw = tsc_sim_work_init(c->s))) {
        free(w);
        return NULL;
    }
    return w;
}

static void bulk_work_free(void *pw)
{
    bulk_work_t *w = pw;
    tsc_sim_work_destroy(w->fw);
    free(w);
}

static int bulk_gen(void *ctx, void *pw, int64_t batch, kstring_t *ks)
{
    const bulk_ctx_t *c = ctx;
    bulk_work_t *w = pw;
    int64_t i0 = batch * BATCH, n = tsc_sim_opt(c->s)->n_frag - i0;
    if (n > BATCH) n = BATCH;
    for (int64_t i = 0; i < n; i++)
        if (tsc_sim_fragment(c->s, w->fw, i0 + i, ks, &w->fi[i]) < 0) return -1;
    return 0;
}

static int bulk_take(void *ctx, void *pw, int64_t batch, kstring_t *ks)
{
    const bulk_ctx_t *c = ctx;
    bulk_work_t *w = pw;
    int64_t i0 = batch * BATCH, n = tsc_sim_opt(c->s)->n_frag - i0;
    (void)ks;
    if (n > BATCH) n = BATCH;
    for (int64_t i = 0; i < n; i++) tsc_sim_stats_add(c->st, &w->fi[i]);
    if (tsc_verbosity() >= TSC_LOG_INFO && batch % 256 == 255) tsc_info("%lld fragments", (long long)(i0 + n));
    return 0;
}

int tsc_sim_write_bam(const tsc_sim_t *s, const char *fn, const tsc_sim_wopt_t *wo, tsc_sim_stats_t *st)
{
    bulk_ctx_t c = {s, st};
    const int64_t n_frag = tsc_sim_opt(s)->n_frag;
    tsc_sim_producer_t p = {&c, (n_frag + BATCH - 1) / BATCH, bulk_work_new, bulk_work_free, bulk_gen, bulk_take};
    char what[128];
    snprintf(what, sizeof what, "paired-end alignments shaped like bowtie2 %s -k %d output",
             tsc_sim_opt(s)->end_to_end ? "--end-to-end" : "--local", tsc_sim_opt(s)->max_hits);
    sam_hdr_t *h = tsc_sim_header(s, wo->sorted, wo->cl, what);
    if (!h) return -1;
    int ret = tsc_sim_write_bam_gen(&p, h, fn, wo);
    sam_hdr_destroy(h);
    return ret;
}

int tsc_sim_write_bam_gen(const tsc_sim_producer_t *p, const sam_hdr_t *hdr, const char *fn, const tsc_sim_wopt_t *wo)
{
    int nth = wo->threads > 1 ? wo->threads : 1, ret = -1;
    hts_tpool *pool = NULL;
    htsThreadPool tp = {NULL, 0};
    sink_t sk;
    char mode[8], *fn_idx = NULL;
    memset(&sk, 0, sizeof(sk));
    sk.fn = fn, sk.wo = wo;
    if (wo->level >= 0) snprintf(mode, sizeof(mode), "wb%d", wo->level > 9 ? 9 : wo->level);
    else snprintf(mode, sizeof(mode), "wb");
    if (!(sk.hdr = sam_hdr_dup(hdr))) goto nomem;
    if (!(sk.b = bam_init1())) goto nomem;
    if (nth > 1) {
        if (!(pool = hts_tpool_init(nth))) goto nomem;
        tp.pool = pool;
        sk.tp = &tp;
    }
    if (!wo->sorted && !(sk.out = open_out(fn, mode, sk.hdr, sk.tp))) goto out;
    if (generate(p, &sk, pool, nth) < 0) goto out;

    if (wo->sorted) {
        if (sk.n_chunk > 0 && sk.n > 0 && spill(&sk) < 0) goto out;
        if (!(sk.out = open_out(fn, mode, sk.hdr, sk.tp))) goto out;
        kstring_t ki = {0, 0, NULL};
        if (ksprintf(&ki, "%s.bai", fn) < 0) goto nomem;
        fn_idx = ki.s;
        if (sk.n_chunk == 0) {
            if (write_sorted(&sk, sk.out, fn) < 0) goto out;
        } else {
            tsc_info("merging %d sorted chunks", sk.n_chunk);
            if (merge(&sk, sk.out) < 0) goto out;
        }
        /* The index is built from the finished file: htslib's on-the-fly index with a thread
         * pool may record a block-boundary offset either way, which breaks byte-identity. */
        int r = sam_close(sk.out);
        sk.out = NULL;
        if (r < 0) {
            tsc_error("%s: cannot write", fn);
            goto out;
        }
        if (sam_index_build3(fn, fn_idx, 0, nth) < 0) {
            tsc_error("%s: cannot write the index", fn_idx);
            goto out;
        }
    }
    ret = 0;
    goto out;
nomem:
    tsc_error("out of memory");
out:
    if (sk.out && sam_close(sk.out) < 0 && ret == 0) {
        tsc_error("%s: cannot write", fn);
        ret = -1;
    }
    for (int i = 0; i < sk.n_chunk; i++) {
        const char *t = tmp_name(&sk, i);
        if (t) unlink(t);
    }
    free(fn_idx);
    free(sk.a), free(sk.k), free(sk.tmpfn.s);
    bam_destroy1(sk.b);
    sam_hdr_destroy(sk.hdr);
    if (pool) hts_tpool_destroy(pool);
    return ret;
}
