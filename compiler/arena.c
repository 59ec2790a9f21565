/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arena.c - the compiler's only allocator.
 *
 * A compilation allocates tokens, nodes, decoded strings and tables from one
 * Arena and releases them with a single arena_free(), so no pass needs a
 * destructor and an error exit leaks nothing.  Chunks grow geometrically;
 * an allocation bigger than a chunk gets a chunk of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipc.h"

struct ArenaChunk {
    ArenaChunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

enum { CHUNK_MIN = 16 * 1024 };

void *arena_alloc(Arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15; /* keep every block 16-byte aligned */
    ArenaChunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = c ? c->cap * 2 : CHUNK_MIN;
        if (cap < n)
            cap = n;
        c = malloc(sizeof *c + cap);
        if (!c) {
            /* A compiler that cannot allocate a few KB has nothing to report to. */
            fputs("sipc: out of memory\n", stderr);
            abort();
        }
        c->used = 0;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void arena_free(Arena *a)
{
    ArenaChunk *c = a->head;
    while (c) {
        ArenaChunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}
