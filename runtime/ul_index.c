/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ul_index.c - the in-memory index of user location (see ul_index.h).
 *
 * Ownership: the UlIndex owns its bucket array, every record and every
 * binding (all malloc'd).  A record's key is "tbl\0aor\0" inline; a
 * binding's strings are inline after it.
 */
#include <stdlib.h>
#include <string.h>

#include "ul_index.h"

typedef struct UlBind {
    struct UlBind *next;
    UlBinding b; /* strings point into str[] */
    char str[];
} UlBind;

struct UlRec {
    UlRec *hnext;     /* in its bucket */
    UlRec *dnext;     /* in the dirty list, when dirty */
    uint64_t hash;
    UlBind *binds;
    int dirty;
    size_t aor_off;   /* key = tbl "\0" aor "\0" */
    char key[];
};

struct UlIndex {
    UlRec **tab;
    size_t cap;       /* a power of two */
    size_t nrec, nbind;
    size_t sweep_at;  /* next bucket the sweep visits */
    UlRec *dirty;
};

static uint64_t hash_key(const char *tbl, const char *aor)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *s = tbl; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    h = (h ^ 0xff) * 0x100000001b3ULL;
    for (const char *s = aor; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

UlIndex *ul_index_new(void)
{
    UlIndex *ix = calloc(1, sizeof *ix);
    if (!ix)
        return NULL;
    ix->cap = 1024;
    if (!(ix->tab = calloc(ix->cap, sizeof *ix->tab))) {
        free(ix);
        return NULL;
    }
    return ix;
}

static void free_binds(UlBind *b)
{
    while (b) {
        UlBind *next = b->next;
        free(b);
        b = next;
    }
}

void ul_index_free(UlIndex *ix)
{
    if (!ix)
        return;
    for (size_t i = 0; i < ix->cap; i++)
        for (UlRec *r = ix->tab[i], *next; r; r = next) {
            next = r->hnext;
            free_binds(r->binds);
            free(r);
        }
    free(ix->tab);
    free(ix);
}

const char *ul_rec_tbl(const UlRec *r)
{
    return r->key;
}

const char *ul_rec_aor(const UlRec *r)
{
    return r->key + r->aor_off;
}

/* Double the bucket array; on failure keep the old one (longer chains). */
static void grow(UlIndex *ix)
{
    size_t cap = ix->cap * 2;
    UlRec **tab = calloc(cap, sizeof *tab);
    if (!tab)
        return;
    for (size_t i = 0; i < ix->cap; i++)
        for (UlRec *r = ix->tab[i], *next; r; r = next) {
            next = r->hnext;
            size_t j = (size_t)r->hash & (cap - 1);
            r->hnext = tab[j];
            tab[j] = r;
        }
    free(ix->tab);
    ix->tab = tab;
    ix->cap = cap;
    ix->sweep_at = 0;
}

UlRec *ul_index_find(UlIndex *ix, const char *tbl, const char *aor, int create)
{
    uint64_t h = hash_key(tbl, aor);
    size_t tl = strlen(tbl), al = strlen(aor);
    for (UlRec *r = ix->tab[h & (ix->cap - 1)]; r; r = r->hnext)
        if (r->hash == h && r->aor_off == tl + 1 && memcmp(r->key, tbl, tl) == 0 &&
            strcmp(r->key + tl + 1, aor) == 0)
            return r;
    if (!create)
        return NULL;
    UlRec *r = calloc(1, sizeof *r + tl + al + 2);
    if (!r)
        return NULL;
    r->hash = h;
    r->aor_off = tl + 1;
    memcpy(r->key, tbl, tl + 1);
    memcpy(r->key + tl + 1, aor, al + 1);
    if (ix->nrec >= ix->cap)
        grow(ix);
    size_t j = h & (ix->cap - 1);
    r->hnext = ix->tab[j];
    ix->tab[j] = r;
    ix->nrec++;
    return r;
}

int ul_rec_get(const UlRec *r, int64_t now, UlList *out)
{
    for (const UlBind *b = r->binds; b; b = b->next)
        if (b->b.expires > now && ul_list_push(out, &b->b) < 0)
            return -1;
    return 0;
}

/* Copy s into the inline area at *at; the copy, or NULL for NULL. */
static const char *put_str(char **at, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = memcpy(*at, s, n);
    *at += n;
    return d;
}

static size_t slen(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

int ul_index_put(UlIndex *ix, UlRec *r, const UlBinding *b)
{
    size_t n = slen(b->contact) + slen(b->received) + slen(b->path) + slen(b->sock) + slen(b->callid) +
               slen(b->instance) + slen(b->user_agent);
    UlBind *nb = malloc(sizeof *nb + n);
    if (!nb)
        return -1;
    char *at = nb->str;
    nb->b = *b;
    nb->b.contact = put_str(&at, b->contact);
    nb->b.received = put_str(&at, b->received);
    nb->b.path = put_str(&at, b->path);
    nb->b.sock = put_str(&at, b->sock);
    nb->b.callid = put_str(&at, b->callid);
    nb->b.instance = put_str(&at, b->instance);
    nb->b.user_agent = put_str(&at, b->user_agent);
    for (UlBind **p = &r->binds; *p; p = &(*p)->next)
        if (strcmp((*p)->b.contact, b->contact) == 0) {
            nb->next = (*p)->next;
            free(*p);
            *p = nb;
            return 0;
        }
    nb->next = r->binds;
    r->binds = nb;
    ix->nbind++;
    return 0;
}

int ul_index_del(UlIndex *ix, UlRec *r, const char *contact)
{
    int n = 0;
    for (UlBind **p = &r->binds; *p;) {
        if (!contact || strcmp((*p)->b.contact, contact) == 0) {
            UlBind *gone = *p;
            *p = gone->next;
            free(gone);
            n++;
        } else {
            p = &(*p)->next;
        }
    }
    ix->nbind -= (size_t)n;
    return n;
}

/* Unlink r from its bucket and free it. */
static void drop_rec(UlIndex *ix, UlRec *r)
{
    for (UlRec **p = &ix->tab[r->hash & (ix->cap - 1)]; *p; p = &(*p)->hnext)
        if (*p == r) {
            *p = r->hnext;
            break;
        }
    free_binds(r->binds);
    free(r);
    ix->nrec--;
}

void ul_index_release(UlIndex *ix, UlRec *r)
{
    if (r && !r->binds && !r->dirty)
        drop_rec(ix, r);
}

long ul_index_sweep(UlIndex *ix, int64_t now, size_t buckets)
{
    long n = 0;
    if (!buckets || buckets > ix->cap)
        buckets = ix->cap;
    for (size_t k = 0; k < buckets; k++) {
        size_t i = ix->sweep_at;
        ix->sweep_at = (ix->sweep_at + 1) & (ix->cap - 1);
        for (UlRec *r = ix->tab[i], *next; r; r = next) {
            next = r->hnext;
            for (UlBind **p = &r->binds; *p;) {
                if ((*p)->b.expires <= now) {
                    UlBind *gone = *p;
                    *p = gone->next;
                    free(gone);
                    ix->nbind--;
                    n++;
                } else {
                    p = &(*p)->next;
                }
            }
            ul_index_release(ix, r);
        }
    }
    return n;
}

void ul_index_mark_dirty(UlIndex *ix, UlRec *r)
{
    if (r->dirty)
        return;
    r->dirty = 1;
    r->dnext = ix->dirty;
    ix->dirty = r;
}

int ul_index_each_dirty(UlIndex *ix, ul_rec_fn fn, void *arg)
{
    for (UlRec *r = ix->dirty; r; r = r->dnext) {
        int rc = fn(arg, r);
        if (rc)
            return rc;
    }
    return 0;
}

void ul_index_clean(UlIndex *ix)
{
    UlRec *r = ix->dirty;
    ix->dirty = NULL;
    while (r) {
        UlRec *next = r->dnext;
        r->dirty = 0;
        r->dnext = NULL;
        ul_index_release(ix, r);
        r = next;
    }
}

size_t ul_index_records(const UlIndex *ix)
{
    return ix->nrec;
}

size_t ul_index_bindings(const UlIndex *ix)
{
    return ix->nbind;
}
