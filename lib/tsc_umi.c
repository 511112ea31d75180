/* tsc_umi.c -- UMI deduplication exactly as Stellarscope (see tsc_umi.h; spec §7).
 * Part of tsc (Telescope in C). MIT licence. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/kstring.h>
#include "tsc_umi.h"

/* The (CB, UB) groups: an open-addressing table of each group's first row, found by a hash of
 * the two strings (they stay in the table T; no key is copied) */
typedef struct { uint64_t hash; int64_t row; } grp_slot_t;

static uint64_t cbub_hash(const char *a, const char *b)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (; *a; a++) h = (h ^ (uint8_t)*a) * 0x100000001b3ULL;
    h = (h ^ 0x1f) * 0xff51afd7ed558ccdULL; /* a separator: ("AB","C") and ("A","BC") differ */
    for (; *b; b++) h = (h ^ (uint8_t)*b) * 0x100000001b3ULL;
    return h ^ (h >> 29);
}

/* Stellarscope's read_stats(vec) = (max/sum, -len, max, sum) over the raw scores outside
 * column 0, then the position in the group: the largest tuple wins (a full tie: the later read) */
typedef struct {
    double ratio;
    int64_t nlen, max, sum;
} rstat_t;

static int rstat_cmp(const rstat_t *a, const rstat_t *b)
{
    if (a->ratio != b->ratio) return a->ratio < b->ratio ? -1 : 1;
    if (a->nlen != b->nlen) return a->nlen < b->nlen ? -1 : 1;
    if (a->max != b->max) return a->max < b->max ? -1 : 1;
    if (a->sum != b->sum) return a->sum < b->sum ? -1 : 1;
    return 0;
}

static inline int64_t raw_score(const tsc_map_t *m, int32_t min_as)
{
    return (int64_t)m->as - min_as + 1 + m->alnlen;
}

/* Do rows A and B share a column outside column 0? */
static int share(const tsc_hittab_t *t, int64_t a, int64_t b)
{
    for (int64_t i = t->moff[a]; i < t->moff[a + 1]; i++) {
        if (t->map[i].feat < 0) continue;
        for (int64_t j = t->moff[b]; j < t->moff[b + 1]; j++)
            if (t->map[j].feat == t->map[i].feat) return 1;
    }
    return 0;
}

void tsc_umi_stats_free(tsc_umi_stats_t *st)
{
    if (st) { free(st->comps); st->comps = NULL; }
}

int tsc_umi_dedup(const tsc_hittab_t *t, int32_t min_as, uint8_t *excluded, FILE *track, tsc_umi_stats_t *st)
{
    grp_slot_t *slot = NULL;
    uint64_t mask = 15;
    int64_t ng = 0, *gid = NULL, *gsize = NULL, *gstart = NULL, *order = NULL, *fill = NULL;
    int64_t *label = NULL, *stack = NULL;
    rstat_t *rs = NULL;
    int ret = -1;
    memset(st, 0, sizeof(*st));
    memset(excluded, 0, (size_t)t->n);
    while (mask + 1 < (uint64_t)t->n + (uint64_t)t->n / 2) mask = 2 * mask + 1; /* load <= 2/3 */
    if (!(slot = malloc((mask + 1) * sizeof(grp_slot_t))) || !(gid = malloc((size_t)(t->n + 1) * sizeof(int64_t))) || !(rs = malloc((size_t)(t->n + 1) * sizeof(rstat_t))))
        goto nomem;
    for (uint64_t q = 0; q <= mask; q++) slot[q].row = -1;
    /* groups by (CB, UB), in order of first appearance */
    for (int64_t i = 0; i < t->n; i++) {
        if (!t->cb[i] || !t->ub[i]) {
            tsc_error("HITS record %" PRId64 " (%s) has no %s: UMI deduplication needs a barcode and a UMI on "
                      "every fragment (was the stream made with --ignore-umi?)", i, t->name[i] ? t->name[i] : "?",
                      t->cb[i] ? "UMI" : "cell barcode");
            goto end;
        }
        uint64_t hv = cbub_hash(t->cb[i], t->ub[i]), q = hv & mask;
        for (; slot[q].row >= 0; q = (q + 1) & mask) {
            int64_t j = slot[q].row;
            if (slot[q].hash == hv && strcmp(t->cb[j], t->cb[i]) == 0 && strcmp(t->ub[j], t->ub[i]) == 0) break;
        }
        if (slot[q].row < 0) {
            slot[q].hash = hv;
            slot[q].row = i;
            gid[i] = ng++;
        } else gid[i] = gid[slot[q].row];
        /* read stats */
        rstat_t *r = &rs[i];
        int64_t len = 0, mx = 0, sum = 0;
        for (int64_t j = t->moff[i]; j < t->moff[i + 1]; j++) {
            if (t->map[j].feat < 0) continue;
            int64_t v = raw_score(&t->map[j], min_as);
            len++; sum += v;
            if (len == 1 || v > mx) mx = v;
        }
        r->ratio = sum ? (double)mx / (double)sum : 0.0;
        r->nlen = -len; r->max = mx; r->sum = sum;
    }
    /* members of each group in row order (counting sort) */
    if (!(gsize = calloc((size_t)ng + 1, sizeof(int64_t))) || !(gstart = calloc((size_t)ng + 1, sizeof(int64_t))) ||
        !(fill = calloc((size_t)ng + 1, sizeof(int64_t))) || !(order = malloc((size_t)(t->n + 1) * sizeof(int64_t))) ||
        !(label = malloc((size_t)(t->n + 1) * sizeof(int64_t))) || !(stack = malloc((size_t)(t->n + 1) * sizeof(int64_t))))
        goto nomem;
    for (int64_t i = 0; i < t->n; i++) gsize[gid[i]]++;
    for (int64_t g = 0; g < ng; g++) gstart[g + 1] = gstart[g] + gsize[g];
    for (int64_t i = 0; i < t->n; i++) order[gstart[gid[i]] + fill[gid[i]]++] = i;
    st->num_umi = ng;
    for (int64_t g = 0; g < ng; g++) {
        int64_t s = gsize[g];
        if (s > st->max_rpu) st->max_rpu = s;
        if (s == 1) st->uni_umi++;
        else { st->dup_umi++; st->possible_dups += s - 1; }
    }
    /* histogram of group sizes, Stellarscope's bins */
    {
        int64_t edges[16];
        int ne = 0;
        if (st->max_rpu <= 5) for (int64_t e = 1; e <= st->max_rpu + 1; e++) edges[ne++] = e;
        else {
            static const int64_t fixed[8] = { 1, 2, 3, 4, 5, 6, 11, 21 };
            for (int i = 0; i < 8; i++) edges[ne++] = fixed[i];
            if (st->max_rpu > 20) edges[ne++] = st->max_rpu + 1;
        }
        st->n_bin = ne - 1;
        for (int b = 0; b < ne - 1; b++) {
            if (b == ne - 2) snprintf(st->bin_label[b], sizeof st->bin_label[b], ">%" PRId64, edges[b] - 1);
            else snprintf(st->bin_label[b], sizeof st->bin_label[b], "%" PRId64, edges[b]);
            st->bin_count[b] = 0;
        }
        for (int64_t g = 0; g < ng; g++) {
            int64_t s = gsize[g];
            for (int b = 0; b < ne - 1; b++)
                if (s >= edges[b] && (s < edges[b + 1] || (b == ne - 2 && s == edges[b + 1]))) { st->bin_count[b]++; break; }
        }
    }
    /* representatives */
    for (int64_t g = 0; g < ng; g++) {
        int64_t s = gsize[g], *mem = order + gstart[g], nc = 0;
        if (s < 2) continue;
        /* one component if all rows share a column (the shortcut), else connected components
         * labelled in order of their lowest member */
        int all = 0;
        {
            int64_t a = mem[0];
            for (int64_t j = t->moff[a]; j < t->moff[a + 1] && !all; j++) {
                int32_t f = t->map[j].feat;
                if (f < 0) continue;
                int in_all = 1;
                for (int64_t q = 1; q < s && in_all; q++) {
                    int64_t b = mem[q], hit = 0;
                    for (int64_t x = t->moff[b]; x < t->moff[b + 1]; x++) if (t->map[x].feat == f) { hit = 1; break; }
                    in_all = (int)hit;
                }
                all = in_all;
            }
        }
        for (int64_t q = 0; q < s; q++) label[q] = all ? 0 : -1;
        if (all) nc = 1;
        else {
            for (int64_t q = 0; q < s; q++) {
                if (label[q] >= 0) continue;
                int64_t ns = 0;
                label[q] = nc;
                stack[ns++] = q;
                while (ns) {
                    int64_t a = stack[--ns];
                    for (int64_t b = 0; b < s; b++)
                        if (label[b] < 0 && share(t, mem[a], mem[b])) { label[b] = nc; stack[ns++] = b; }
                }
                nc++;
            }
        }
        for (int64_t c = 0; c < nc; c++) {
            int64_t best = -1;
            for (int64_t q = 0; q < s; q++) {
                if (label[q] != c) continue;
                if (best < 0 || rstat_cmp(&rs[mem[q]], &rs[mem[best]]) >= 0) best = q;
            }
            for (int64_t q = 0; q < s; q++)
                if (label[q] == c && q != best) { excluded[mem[q]] = 1; st->nexclude++; }
        }
        if (nc > st->max_comps) st->max_comps = nc;
        /* tracking */
        if (track) {
            fprintf(track, "%s\t%s\n", t->cb[mem[0]], t->ub[mem[0]]);
            for (int64_t q = 0; q < s; q++) {
                int64_t a = mem[q], first = 1;
                fprintf(track, "\t%s\t%" PRId64 "\t%s\t{", t->name[a] ? t->name[a] : "*", label[q],
                        excluded[a] ? "EX" : "REP");
                for (int64_t j = t->moff[a]; j < t->moff[a + 1]; j++) {
                    if (t->map[j].feat < 0) continue;
                    fprintf(track, "%s%d: %" PRId64, first ? "" : ", ", t->map[j].feat + 1, raw_score(&t->map[j], min_as));
                    first = 0;
                }
                fputs("}\n", track);
            }
        }
    }
    /* components histogram (duplicated UMIs only) */
    {
        int64_t *cnt = calloc((size_t)st->max_comps + 2, sizeof(int64_t));
        if (!cnt) goto nomem;
        for (int64_t g = 0; g < ng; g++) {
            if (gsize[g] < 2) continue;
            /* recount components: cheap enough, and keeps the loop above simple */
            int64_t s = gsize[g], *mem = order + gstart[g], nc = 0;
            for (int64_t q = 0; q < s; q++) if (!excluded[mem[q]]) nc++;
            cnt[nc]++;
        }
        free(st->comps);
        st->comps = cnt;
    }
    if (track && ferror(track)) { tsc_error("cannot write the UMI tracking file"); goto end; }
    ret = 0;
    goto end;
nomem:
    tsc_error("out of memory");
end:
    free(slot);
    free(gid); free(gsize); free(gstart); free(fill); free(order); free(label); free(stack); free(rs);
    if (ret < 0) tsc_umi_stats_free(st);
    return ret;
}

int tsc_umi_runinfo(const tsc_umi_stats_t *st, tsc_hdr_t *h)
{
    kstring_t ks = { 0, 0, NULL };
    int e = 0;
    e |= tsc_hdr_set_info_int(h, "umi_dup_umi", st->dup_umi) < 0;
    e |= tsc_hdr_set_info_int(h, "umi_max_comps", st->max_comps) < 0;
    e |= tsc_hdr_set_info_int(h, "umi_max_rpu", st->max_rpu) < 0;
    e |= tsc_hdr_set_info_int(h, "umi_nexclude", st->nexclude) < 0;
    e |= tsc_hdr_set_info_int(h, "umi_num_umi", st->num_umi) < 0;
    e |= tsc_hdr_set_info_int(h, "umi_possible_dups", st->possible_dups) < 0;
    e |= tsc_hdr_set_info_int(h, "umi_uni_umi", st->uni_umi) < 0;
    for (int b = 0; b < st->n_bin; b++) ksprintf(&ks, "%s%s=%" PRId64, b ? ";" : "", st->bin_label[b], st->bin_count[b]);
    e |= tsc_hdr_set_info(h, "umi_umidist", ks.s ? ks.s : "") < 0;
    ks.l = 0;
    for (int64_t k = 1; k <= st->max_comps; k++) ksprintf(&ks, "%s%" PRId64 "=%" PRId64, k > 1 ? ";" : "", k, st->comps[k]);
    e |= tsc_hdr_set_info(h, "umi_compdist", ks.s ? ks.s : "") < 0;
    free(ks.s);
    return e ? -1 : 0;
}
