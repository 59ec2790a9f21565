/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ul.h - user location: the bindings of addresses-of-record to contacts
 * (RFC 3261 section 10), kept by save() and read by lookup().
 *
 *   ul.c        the in-memory index: a hash of records by (table, AOR),
 *               each with its bindings; expiry by a sweeping timer
 *   ul_store.c  the storage modes over the db interface (runtime/db.h)
 *   ul_sql.c    the SQL of the `location` table (prepared statements)
 *
 * Storage modes (setting usrloc.db_mode):
 *   memory         the index only; lost on restart
 *   write_through  every change is committed to the database before it
 *                  enters the index, so what save() acknowledged survives
 *                  a kill -9; the index is loaded from the database at start
 *   write_back     changes enter the index and are written to the database
 *                  by a periodic flush (and at shutdown): fast, but a crash
 *                  loses what changed since the last flush
 *   db_only        no index: every read and write goes to the database, so
 *                  several sipd nodes behind one address see the same data
 *
 * A change to one AOR (what one REGISTER asks) is applied as a whole:
 * ul_apply() gets the full list of edits, and in the database modes runs
 * them in one transaction; if the database refuses, nothing changes and
 * the caller answers 500, never 200.
 *
 * Time is given by the caller (`now`, unix seconds): sipd passes the clock,
 * `sipc test` a fixed instant, so expiry in transcripts is deterministic.
 *
 * Ownership: a Ul owns its index and borrows its Db (the server owns it).
 * UlList results are the caller's (ul_list_free); their strings are copies.
 */
#ifndef SIPC_UL_H
#define SIPC_UL_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

typedef enum UlMode { UL_MEMORY, UL_WRITE_THROUGH, UL_WRITE_BACK, UL_DB_ONLY } UlMode;

/* One binding.  In a UlList every string is owned by the list; as an
 * argument to ul_apply() the strings are borrowed. NULL = absent. */
typedef struct UlBinding {
    const char *contact;    /* the Contact URI as registered */
    const char *received;   /* the REGISTER's source as a URI, or NULL */
    const char *path;       /* Path header values, comma-joined, or NULL */
    const char *sock;       /* the local socket it came in on "udp:127.0.0.1:5060" */
    const char *callid;
    const char *instance;   /* +sip.instance, or NULL */
    const char *user_agent; /* or NULL */
    int64_t expires;        /* absolute, unix seconds */
    int64_t last_modified;
    int q;                  /* q * 1000; -1 when the Contact had none */
    uint32_t cseq;
    int reg_id;             /* 0 when none */
    unsigned flags;         /* save() flags (UL_FL_*) */
} UlBinding;

/* save() flags kept with a binding. */
enum {
    UL_FL_NAT = 2 /* route to the source address (received) rather than the contact */
};

typedef struct UlList {
    UlBinding *b;
    int n;
} UlList;

/* One edit of ul_apply(): put (insert, or replace the binding with the same
 * contact) or delete (the binding with that contact). */
typedef struct UlEdit {
    enum { UL_PUT, UL_DEL } op;
    UlBinding b; /* UL_DEL: only b.contact is read; NULL deletes every binding */
} UlEdit;

typedef struct Ul Ul;

/* mode other than UL_MEMORY needs db.  NULL on failure (err). */
Ul *ul_create(UlMode mode, Db *db, char *err, size_t errlen);
void ul_destroy(Ul *ul);
UlMode ul_mode(const Ul *ul);
/* Parse "memory", "write_through", ... ; -1 when unknown. */
int ul_mode_parse(const char *s);
const char *ul_mode_name(UlMode mode);

/* Load the unexpired bindings of the database into the index (write_through,
 * write_back; nothing in the other modes).  Number loaded, or -1 (err). */
long ul_load(Ul *ul, int64_t now, char *err, size_t errlen);

/* The unexpired bindings of `aor` in `tbl`, best first: q descending (no q
 * counts as 1.0), then the most recently refreshed.  0 (list may be empty),
 * or -1 on a database error (logged). */
int ul_get(Ul *ul, const char *tbl, const char *aor, int64_t now, UlList *out);
void ul_list_free(UlList *l);
/* Best first, as ul_get() returns them. */
void ul_list_sort(UlList *l);
/* Append a deep copy of b; -1 when out of memory. */
int ul_list_push(UlList *l, const UlBinding *b);

/* Apply the edits to `aor` at once.  0, or -1 with nothing changed. */
int ul_apply(Ul *ul, const char *tbl, const char *aor, const UlEdit *ed, int n, int64_t now);
/* Remove every binding of `aor` (contact NULL) or the one with `contact`.
 * Number removed, or -1. */
int ul_remove(Ul *ul, const char *tbl, const char *aor, const char *contact, int64_t now);

/* Drop the expired bindings (the index; in db_only and write_through the
 * database too).  Number dropped. Called by the server's timer. */
long ul_expire(Ul *ul, int64_t now);
/* write_back: write what changed since the last flush.  0 or -1 (kept
 * dirty, retried next time). Nothing in the other modes. */
int ul_flush(Ul *ul, int64_t now);

/* Counts for logs, sipctl and the benchmark. */
size_t ul_count_records(const Ul *ul);
size_t ul_count_bindings(const Ul *ul);

#endif
