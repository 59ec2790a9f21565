/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * map.c - a hash map from byte strings to pointers, in the arena.
 *
 * The checker and code generator look names up by the thousand in big
 * policies (routes, string constants); linear searches made a 100,000-line
 * policy quadratic.  Open addressing with linear probing, FNV-1a hashes,
 * doubling at 50% load.  Keys are not copied: they point into the source or
 * into arena memory that outlives the map.  Nothing is ever removed.
 */
#include <string.h>

#include "sipc.h"

static unsigned long long hash(int tag, const char *z, int n)
{
    unsigned long long h = 0xcbf29ce484222325ULL ^ (unsigned)tag;
    for (int i = 0; i < n; i++)
        h = (h ^ (unsigned char)z[i]) * 0x100000001b3ULL;
    return h;
}

static MapEntry *slot(MapEntry *tab, int cap, int tag, const char *z, int n)
{
    unsigned long long i = hash(tag, z, n) & (unsigned long long)(cap - 1);
    for (;; i = (i + 1) & (unsigned long long)(cap - 1)) {
        MapEntry *e = &tab[i];
        if (!e->key || (e->tag == tag && e->n == n && memcmp(e->key, z, (size_t)n) == 0))
            return e;
    }
}

void *map_get(const Map *m, int tag, const char *z, int n)
{
    if (!m->cap)
        return NULL;
    MapEntry *e = slot(m->tab, m->cap, tag, z, n);
    return e->key ? e->val : NULL;
}

void map_put(Map *m, Arena *a, int tag, const char *z, int n, void *val)
{
    if (2 * (m->len + 1) > m->cap) {
        int cap = m->cap ? m->cap * 2 : 64;
        MapEntry *tab = arena_alloc(a, sizeof(MapEntry) * (size_t)cap);
        for (int i = 0; i < m->cap; i++)
            if (m->tab[i].key)
                *slot(tab, cap, m->tab[i].tag, m->tab[i].key, m->tab[i].n) = m->tab[i];
        m->tab = tab;
        m->cap = cap;
    }
    MapEntry *e = slot(m->tab, m->cap, tag, z, n);
    if (!e->key) {
        e->key = z;
        e->n = n;
        e->tag = tag;
        m->len++;
    }
    e->val = val;
}
