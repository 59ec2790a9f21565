/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pike.c - per-source request rates (see pike.h for what it decides).
 *
 * Sources live in a hash table (chained, a power of two of buckets, keyed
 * by a seeded mix of the address so that chosen addresses cannot pile up
 * in one chain) and on a list from the least to the most recently seen,
 * which gives the sweep and the eviction their order.  A source's counts
 * are two fixed buckets of one window each: `cur`, the bucket `now` falls
 * in, and `prev`, the one before it.
 *
 * Ownership: the Pike owns its table and every source (malloc'd).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pike.h"

enum { EVICT_LOOK = 8 }; /* how many of the least recently seen sources a full table looks at */

typedef struct PikeSrc {
    struct PikeSrc *hnext;         /* in its hash chain */
    struct PikeSrc *older, *newer; /* the recency list */
    int64_t bucket;                /* start of the current bucket (ms, a multiple of the window) */
    int64_t until;                 /* while blocked: the end of the block */
    uint32_t cur, prev;            /* requests in the current bucket and the one before */
    uint8_t blocked;
    uint8_t fam;      /* 4, 6 (the /64), or 0: not an address */
    uint8_t addr[16]; /* 4 bytes for IPv4, 8 for IPv6, the rest zero */
} PikeSrc;

struct Pike {
    int64_t window, block; /* ms */
    int64_t max;           /* requests per window */
    size_t cap;            /* sources at most */
    PikeSrc **tab;
    size_t mask; /* buckets - 1 */
    uint64_t seed;
    PikeSrc *oldest, *newest;
    PikeStats st; /* sources and blocked kept up to date too */
};

/* --- keys ------------------------------------------------------------------ */

/* The source `ip` is counted under: IPv4 as is (also when IPv4-mapped),
 * IPv6 as its /64. */
static void make_key(const char *ip, uint8_t *fam, uint8_t addr[16])
{
    unsigned char b[16];
    memset(addr, 0, 16);
    *fam = 0;
    if (ip && inet_pton(AF_INET, ip, b) == 1) {
        *fam = 4;
        memcpy(addr, b, 4);
    } else if (ip && inet_pton(AF_INET6, ip, b) == 1) {
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (!memcmp(b, mapped, sizeof mapped)) {
            *fam = 4;
            memcpy(addr, b + 12, 4);
        } else {
            *fam = 6;
            memcpy(addr, b, 8);
        }
    }
}

static const char *key_name(uint8_t fam, const uint8_t addr[16], char *buf, size_t n)
{
    char a[INET6_ADDRSTRLEN];
    if (fam == 4 && inet_ntop(AF_INET, addr, a, sizeof a))
        snprintf(buf, n, "%s", a);
    else if (fam == 6 && inet_ntop(AF_INET6, addr, a, sizeof a))
        snprintf(buf, n, "%s/64", a);
    else
        snprintf(buf, n, "(not an address)");
    return buf;
}

const char *pike_source_name(const char *ip, char *buf, size_t n)
{
    uint8_t fam, addr[16];
    make_key(ip, &fam, addr);
    return key_name(fam, addr, buf, n);
}

/* A 64-bit finaliser (as in MurmurHash3's): every input bit reaches every
 * output bit, so the seed hides which addresses share a chain. */
static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static size_t slot(const Pike *pk, uint8_t fam, const uint8_t addr[16])
{
    uint64_t a, b;
    memcpy(&a, addr, 8);
    memcpy(&b, addr + 8, 8);
    uint64_t h = mix(pk->seed ^ a);
    h = mix(h ^ b ^ ((uint64_t)fam << 56));
    return (size_t)h & pk->mask;
}

/* --- the table ---------------------------------------------------------------- */

Pike *pike_create(int window_s, int max_requests, int block_s, size_t max_sources)
{
    if (window_s < 1 || max_requests < 1 || block_s < 1)
        return NULL;
    Pike *pk = calloc(1, sizeof *pk);
    if (!pk)
        return NULL;
    pk->window = (int64_t)window_s * 1000;
    pk->block = (int64_t)block_s * 1000;
    pk->max = max_requests;
    pk->cap = max_sources ? max_sources : PIKE_MAX_SOURCES_DEFAULT;
    size_t nb = 16;
    while (nb < pk->cap / 2 && nb < ((size_t)1 << 30)) /* about two sources per chain when full */
        nb <<= 1;
    pk->mask = nb - 1;
    if (!(pk->tab = calloc(nb, sizeof *pk->tab))) {
        free(pk);
        return NULL;
    }
    if (getentropy(&pk->seed, sizeof pk->seed) != 0)
        pk->seed = (uint64_t)(uintptr_t)pk ^ 0x9e3779b97f4a7c15ULL; /* weaker, still not a constant */
    return pk;
}

void pike_destroy(Pike *pk)
{
    if (!pk)
        return;
    for (PikeSrc *s = pk->oldest, *next; s; s = next) {
        next = s->newer;
        free(s);
    }
    free(pk->tab);
    free(pk);
}

static void list_unlink(Pike *pk, PikeSrc *s)
{
    if (s->older)
        s->older->newer = s->newer;
    else
        pk->oldest = s->newer;
    if (s->newer)
        s->newer->older = s->older;
    else
        pk->newest = s->older;
    s->older = s->newer = NULL;
}

static void list_push_newest(Pike *pk, PikeSrc *s)
{
    s->older = pk->newest;
    s->newer = NULL;
    if (pk->newest)
        pk->newest->newer = s;
    else
        pk->oldest = s;
    pk->newest = s;
}

static void drop(Pike *pk, PikeSrc *s)
{
    PikeSrc **pp = &pk->tab[slot(pk, s->fam, s->addr)];
    while (*pp && *pp != s)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = s->hnext;
    list_unlink(pk, s);
    if (s->blocked)
        pk->st.blocked--;
    pk->st.sources--;
    free(s);
}

/* Make room for one more source: the least recently seen one that is not
 * blocked, among the EVICT_LOOK oldest.  0, or -1 when they are all
 * blocked. */
static int make_room(Pike *pk)
{
    PikeSrc *s = pk->oldest;
    for (int i = 0; s && i < EVICT_LOOK; i++, s = s->newer)
        if (!s->blocked) {
            drop(pk, s);
            pk->st.evicted++;
            return 0;
        }
    return -1;
}

/* The source of the key, made when new; NULL when the table is full of
 * blocked sources or memory is short. */
static PikeSrc *get(Pike *pk, uint8_t fam, const uint8_t addr[16])
{
    size_t i = slot(pk, fam, addr);
    for (PikeSrc *s = pk->tab[i]; s; s = s->hnext)
        if (s->fam == fam && !memcmp(s->addr, addr, 16)) {
            list_unlink(pk, s);
            list_push_newest(pk, s);
            return s;
        }
    if (pk->st.sources >= pk->cap && make_room(pk) < 0)
        return NULL;
    PikeSrc *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->fam = fam;
    memcpy(s->addr, addr, 16);
    s->bucket = INT64_MIN; /* no bucket yet: the first roll starts one */
    s->hnext = pk->tab[i];
    pk->tab[i] = s;
    list_push_newest(pk, s);
    pk->st.sources++;
    return s;
}

/* --- counting -------------------------------------------------------------- */

/* Move the buckets forward to the one `now` falls in.  A clock that went
 * back keeps counting into the current bucket. */
static void roll(const Pike *pk, PikeSrc *s, int64_t now)
{
    if (now < 0) /* a scale starting below 0 would split buckets at odd places */
        now = 0;
    int64_t b = now - now % pk->window;
    if (s->bucket != INT64_MIN && b <= s->bucket)
        return;
    s->prev = s->bucket != INT64_MIN && b == s->bucket + pk->window ? s->cur : 0;
    s->cur = 0;
    s->bucket = b;
}

/* Would the window's count, with `extra` more requests in the current
 * bucket, be over the limit?  The previous bucket counts for the part of
 * it the window still covers; in integers, scaled by the window. */
static int over(const Pike *pk, const PikeSrc *s, int64_t now, int64_t extra)
{
    int64_t into = now - s->bucket;
    if (into < 0)
        into = 0;
    if (into > pk->window)
        into = pk->window;
    int64_t scaled = (int64_t)s->prev * (pk->window - into) + ((int64_t)s->cur + extra) * pk->window;
    return scaled > pk->max * pk->window;
}

int pike_check(Pike *pk, const char *ip, int64_t now_ms, PikeEvent *ev)
{
    uint8_t fam, addr[16];
    if (ev)
        *ev = PIKE_EV_NONE;
    make_key(ip, &fam, addr);
    PikeSrc *s = get(pk, fam, addr);
    if (!s) {
        pk->st.untracked++;
        return 1;
    }
    roll(pk, s, now_ms);
    if (s->cur < UINT32_MAX) /* refused requests count too: flooding keeps a block going */
        s->cur++;
    if (s->blocked) {
        if (now_ms < s->until || over(pk, s, now_ms, 0)) {
            if (now_ms >= s->until) /* still flooding when the block ended: it starts over */
                s->until = now_ms + pk->block;
            pk->st.refused++;
            return 0;
        }
        s->blocked = 0;
        pk->st.blocked--;
        if (ev)
            *ev = PIKE_EV_UNBLOCKED;
        return 1;
    }
    if (over(pk, s, now_ms, 0)) {
        s->blocked = 1;
        s->until = now_ms + pk->block;
        pk->st.blocked++;
        pk->st.blocks++;
        pk->st.refused++;
        if (ev)
            *ev = PIKE_EV_BLOCKED;
        return 0;
    }
    return 1;
}

void pike_sweep(Pike *pk, int64_t now_ms, pike_unblock_fn *fn, void *arg)
{
    for (PikeSrc *s = pk->oldest, *next; s; s = next) {
        next = s->newer;
        roll(pk, s, now_ms);
        if (s->blocked) {
            /* Lifted once over and the source could send again now. */
            if (now_ms < s->until || over(pk, s, now_ms, 1))
                continue;
            s->blocked = 0;
            pk->st.blocked--;
            if (fn) {
                char name[64];
                fn(arg, key_name(s->fam, s->addr, name, sizeof name));
            }
        }
        if (s->cur == 0 && s->prev == 0) /* nothing in the window: idle */
            drop(pk, s);
    }
}

void pike_stats(const Pike *pk, PikeStats *st)
{
    *st = pk->st;
}

void pike_limits(const Pike *pk, int *window_s, int *max_requests, int *block_s)
{
    *window_s = (int)(pk->window / 1000);
    *max_requests = (int)pk->max;
    *block_s = (int)(pk->block / 1000);
}
