/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ul_index.h - the in-memory index of user location (ul_index.c), private
 * to ul.c.
 *
 * A chained hash of records keyed by (table, AOR); a record holds its
 * bindings in a short list, each binding one allocation with its strings
 * inline (a few hundred bytes a contact, and one malloc per change), so
 * hundreds of thousands of contacts cost little and free fast.  The table
 * doubles when it holds more records than buckets.
 *
 * Expiry: ul_index_sweep() visits a slice of the buckets each timer tick,
 * so a large index never stalls the event loop; reads skip expired
 * bindings whether or not the sweep reached them yet.
 *
 * Write-back: a changed record is marked dirty and listed until
 * ul_index_clean() says it was written; an emptied dirty record stays
 * (holding no bindings) so that its deletion is written too.
 */
#ifndef SIPC_UL_INDEX_H
#define SIPC_UL_INDEX_H

#include "ul.h"

typedef struct UlIndex UlIndex;
typedef struct UlRec UlRec;

UlIndex *ul_index_new(void);
void ul_index_free(UlIndex *ix);

/* The record of (tbl, aor); created empty when `create`; NULL when absent
 * (or out of memory). */
UlRec *ul_index_find(UlIndex *ix, const char *tbl, const char *aor, int create);
const char *ul_rec_tbl(const UlRec *r);
const char *ul_rec_aor(const UlRec *r);

/* Append copies of r's bindings with expires > now to out (0, -1 OOM). */
int ul_rec_get(const UlRec *r, int64_t now, UlList *out);
/* Insert b, or replace the binding with the same contact. 0 or -1 (OOM). */
int ul_index_put(UlIndex *ix, UlRec *r, const UlBinding *b);
/* Remove the binding with `contact`, or all when NULL; number removed. */
int ul_index_del(UlIndex *ix, UlRec *r, const char *contact);
/* Free r if it has no bindings and is not dirty. */
void ul_index_release(UlIndex *ix, UlRec *r);

/* Remove expired bindings from the next `buckets` buckets (all of them
 * when 0); the number removed. */
long ul_index_sweep(UlIndex *ix, int64_t now, size_t buckets);

/* Write-back bookkeeping. */
void ul_index_mark_dirty(UlIndex *ix, UlRec *r);
/* The dirty records, to fn in turn; stops at the first non-zero return,
 * which it returns. */
typedef int (*ul_rec_fn)(void *arg, UlRec *r);
int ul_index_each_dirty(UlIndex *ix, ul_rec_fn fn, void *arg);
/* Every dirty record was written: clear the marks, free emptied records. */
void ul_index_clean(UlIndex *ix);

size_t ul_index_records(const UlIndex *ix);
size_t ul_index_bindings(const UlIndex *ix);

#endif
