/* tsc_nktab.h -- a compact hash table of read-name keys (tsc_fetch_sorted.h's 128-bit nkey_t) to
 * 32-bit values, for the large tables of coordinate-sorted input (the names near the loci, the
 * multi-mapped names elsewhere) that the caches cannot hold: one 16-byte slot per name (the key's
 * first word, the high half of its second, the value), open addressing with linear probing at most
 * 70% full, so a lookup is one cache miss where khash's separate flag, key and value arrays cost
 * three.  Keys are compared on 96 bits (two names alike on them: about 2^-96 per pair).
 * Part of tsc (Telescope in C). MIT licence. */
#ifndef TSC_NKTAB_H
#define TSC_NKTAB_H

#include <stdint.h>
#include <stdlib.h>

typedef struct { uint64_t a, bv; } tsc_nkslot_t; /* a = 0: empty; bv = b's high half | value */
typedef struct {
    tsc_nkslot_t *s;
    uint64_t mask;      /* slots - 1 (0 with no slots) */
    uint64_t n;         /* names */
} tsc_nktab_t;

#define TSC_NK_HI 0xffffffff00000000ULL

static inline uint64_t tsc_nk_a(uint64_t a) { return a ? a : 1; } /* 0 marks an empty slot */

/* The slot of key (A, B): its own, or the empty one where it would go. The table has slots. */
static inline tsc_nkslot_t *tsc_nktab_slot(const tsc_nktab_t *t, uint64_t a, uint64_t b)
{
    uint64_t i = (a = tsc_nk_a(a)) & t->mask, hi = b & TSC_NK_HI;
    for (;;) {
        tsc_nkslot_t *e = &t->s[i];
        if (!e->a || (e->a == a && (e->bv & TSC_NK_HI) == hi)) return e;
        i = (i + 1) & t->mask;
    }
}

/** The value of key (A, B) in *V: 1, or 0 if absent. */
static inline int tsc_nktab_get(const tsc_nktab_t *t, uint64_t a, uint64_t b, uint32_t *v)
{
    if (!t->n) return 0;
    const tsc_nkslot_t *e = tsc_nktab_slot(t, a, b);
    if (!e->a) return 0;
    *v = (uint32_t)e->bv;
    return 1;
}

static inline void tsc_nktab_prefetch(const tsc_nktab_t *t, uint64_t a)
{
    if (t->s) __builtin_prefetch(&t->s[tsc_nk_a(a) & t->mask]);
}

/* Twice the slots (at least 1024), every name moved. 0 or -1 on OOM. */
static inline int tsc_nktab_grow(tsc_nktab_t *t)
{
    uint64_t m = t->s ? 2 * (t->mask + 1) : 1024;
    tsc_nktab_t u = { (tsc_nkslot_t *)calloc((size_t)m, sizeof(tsc_nkslot_t)), m - 1, t->n };
    if (!u.s) return -1;
    for (uint64_t i = 0; t->s && i <= t->mask; i++) {
        const tsc_nkslot_t *e = &t->s[i];
        if (!e->a) continue;
        uint64_t j = e->a & u.mask;
        while (u.s[j].a) j = (j + 1) & u.mask;
        u.s[j] = *e;
    }
    free(t->s);
    *t = u;
    return 0;
}

/** The slot of key (A, B), added with value 0 if absent (*ABSENT = 1, else 0); its value is
 * (uint32_t)slot->bv, set with tsc_nktab_set. NULL on OOM. */
static inline tsc_nkslot_t *tsc_nktab_put(tsc_nktab_t *t, uint64_t a, uint64_t b, int *absent)
{
    if (10 * (t->n + 1) > 7 * (t->mask + 1) || !t->s) {
        if (tsc_nktab_grow(t) < 0) return NULL;
    }
    tsc_nkslot_t *e = tsc_nktab_slot(t, a, b);
    *absent = !e->a;
    if (*absent) {
        e->a = tsc_nk_a(a);
        e->bv = b & TSC_NK_HI;
        t->n++;
    }
    return e;
}

static inline void tsc_nktab_set(tsc_nkslot_t *e, uint32_t v) { e->bv = (e->bv & TSC_NK_HI) | v; }

static inline void tsc_nktab_free(tsc_nktab_t *t)
{
    free(t->s);
    t->s = NULL;
    t->mask = t->n = 0;
}

#endif
