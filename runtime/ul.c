/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ul.c - user location: the storage modes over the index (ul_index.c) and
 * the location table (ul_sql.c).  See ul.h for what each mode promises.
 *
 * The order of operations is what keeps those promises:
 *   write_through  database transaction first; only after its commit does
 *                  the index change (a failed commit leaves both as they
 *                  were, and save() answers 500);
 *   write_back     the index changes and the record is marked dirty;
 *                  ul_flush() rewrites each dirty record (delete its rows,
 *                  insert its bindings) in one transaction;
 *   db_only        the database alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "ul_index.h"
#include "ul_sql.h"

struct Ul {
    UlMode mode;
    Db *db;       /* borrowed; NULL in memory mode */
    UlSql *sql;   /* NULL in memory mode */
    UlIndex *ix;  /* NULL in db_only mode */
};

static const char *const mode_names[] = {"memory", "write_through", "write_back", "db_only"};

int ul_mode_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (s && strcmp(s, mode_names[i]) == 0)
            return i;
    return -1;
}

const char *ul_mode_name(UlMode mode)
{
    return (unsigned)mode < 4 ? mode_names[mode] : "?";
}

Ul *ul_create(UlMode mode, Db *db, char *err, size_t errlen)
{
    Ul *ul = calloc(1, sizeof *ul);
    if (!ul) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ul->mode = mode;
    if (mode != UL_MEMORY) {
        if (!db) {
            snprintf(err, errlen, "usrloc.db_mode %s needs a database (db.url)", ul_mode_name(mode));
            free(ul);
            return NULL;
        }
        ul->db = db;
        if (!(ul->sql = ul_sql_open(db, err, errlen))) {
            free(ul);
            return NULL;
        }
    }
    if (mode != UL_DB_ONLY && !(ul->ix = ul_index_new())) {
        snprintf(err, errlen, "out of memory");
        ul_destroy(ul);
        return NULL;
    }
    return ul;
}

void ul_destroy(Ul *ul)
{
    if (!ul)
        return;
    ul_sql_close(ul->sql);
    ul_index_free(ul->ix);
    free(ul);
}

UlMode ul_mode(const Ul *ul)
{
    return ul->mode;
}

void ul_list_free(UlList *l)
{
    for (int i = 0; i < l->n; i++) {
        UlBinding *b = &l->b[i];
        free((char *)b->contact);
        free((char *)b->received);
        free((char *)b->path);
        free((char *)b->sock);
        free((char *)b->callid);
        free((char *)b->instance);
        free((char *)b->user_agent);
    }
    free(l->b);
    l->b = NULL;
    l->n = 0;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

int ul_list_push(UlList *l, const UlBinding *b)
{
    UlBinding *nb = realloc(l->b, (size_t)(l->n + 1) * sizeof *nb);
    if (!nb)
        return -1;
    l->b = nb;
    UlBinding *c = &nb[l->n++];
    *c = *b;
    c->contact = dup_or_null(b->contact);
    c->received = dup_or_null(b->received);
    c->path = dup_or_null(b->path);
    c->sock = dup_or_null(b->sock);
    c->callid = dup_or_null(b->callid);
    c->instance = dup_or_null(b->instance);
    c->user_agent = dup_or_null(b->user_agent);
    /* counted already, so ul_list_free() frees what was copied */
    return c->contact && c->callid ? 0 : -1;
}

/* Best first: q descending (none counts as 1.0), then the most recent. */
static int by_preference(const void *pa, const void *pb)
{
    const UlBinding *a = pa, *b = pb;
    int qa = a->q < 0 ? 1000 : a->q, qb = b->q < 0 ? 1000 : b->q;
    if (qa != qb)
        return qa > qb ? -1 : 1;
    if (a->last_modified != b->last_modified)
        return a->last_modified > b->last_modified ? -1 : 1;
    return strcmp(a->contact, b->contact);
}

void ul_list_sort(UlList *l)
{
    if (l->n > 1)
        qsort(l->b, (size_t)l->n, sizeof *l->b, by_preference);
}

int ul_get(Ul *ul, const char *tbl, const char *aor, int64_t now, UlList *out)
{
    out->b = NULL;
    out->n = 0;
    int rc = 0;
    if (ul->ix) {
        UlRec *r = ul_index_find(ul->ix, tbl, aor, 0);
        rc = r ? ul_rec_get(r, now, out) : 0;
    } else {
        rc = ul_sql_get(ul->sql, tbl, aor, now, out);
        if (rc < 0)
            rt_log(RT_LOG_ERROR, "usrloc: reading %s from %s: %s", aor, db_url_safe(ul->db), db_error(ul->db));
    }
    if (rc < 0) {
        ul_list_free(out);
        return -1;
    }
    ul_list_sort(out);
    return 0;
}

/* The edits as one database transaction.  A single edit (most REGISTERs)
 * is one statement, atomic by itself: it runs without BEGIN/COMMIT, two
 * round trips fewer to a MySQL server.  (An upsert is an UPDATE and maybe
 * an INSERT; between them nothing is half written: each is whole.) */
static int apply_sql(Ul *ul, const char *tbl, const char *aor, const UlEdit *ed, int n)
{
    if (n == 1) {
        int rc = ed[0].op == UL_PUT ? ul_sql_put(ul->sql, tbl, aor, &ed[0].b)
                                    : (int)ul_sql_del(ul->sql, tbl, aor, ed[0].b.contact);
        if (rc >= 0)
            return 0;
        goto fail;
    }
    if (db_begin(ul->db) < 0)
        goto fail;
    for (int i = 0; i < n; i++) {
        int rc = ed[i].op == UL_PUT ? ul_sql_put(ul->sql, tbl, aor, &ed[i].b)
                                    : (int)ul_sql_del(ul->sql, tbl, aor, ed[i].b.contact);
        if (rc < 0) {
            db_rollback(ul->db);
            goto fail;
        }
    }
    if (db_commit(ul->db) < 0) {
        db_rollback(ul->db);
        goto fail;
    }
    return 0;
fail:
    rt_log(RT_LOG_ERROR, "usrloc: writing %s to %s: %s", aor, db_url_safe(ul->db), db_error(ul->db));
    return -1;
}

/* The edits into the index.  Only running out of memory fails, and then
 * part of the edits may be in: drop the record's bindings rather than keep
 * a mix (the database, if any, has the whole truth). */
static int apply_index(Ul *ul, const char *tbl, const char *aor, const UlEdit *ed, int n)
{
    UlRec *r = ul_index_find(ul->ix, tbl, aor, 1);
    if (!r)
        return -1;
    for (int i = 0; i < n; i++) {
        if (ed[i].op == UL_DEL) {
            ul_index_del(ul->ix, r, ed[i].b.contact);
        } else if (ul_index_put(ul->ix, r, &ed[i].b) < 0) {
            ul_index_del(ul->ix, r, NULL);
            ul_index_release(ul->ix, r);
            rt_log(RT_LOG_ERROR, "usrloc: out of memory for %s", aor);
            return -1;
        }
    }
    if (ul->mode == UL_WRITE_BACK)
        ul_index_mark_dirty(ul->ix, r);
    ul_index_release(ul->ix, r);
    return 0;
}

int ul_apply(Ul *ul, const char *tbl, const char *aor, const UlEdit *ed, int n, int64_t now)
{
    (void)now;
    if ((ul->mode == UL_WRITE_THROUGH || ul->mode == UL_DB_ONLY) && apply_sql(ul, tbl, aor, ed, n) < 0)
        return -1;
    if (ul->ix)
        return apply_index(ul, tbl, aor, ed, n);
    return 0;
}

int ul_remove(Ul *ul, const char *tbl, const char *aor, const char *contact, int64_t now)
{
    UlList cur;
    if (ul_get(ul, tbl, aor, now, &cur) < 0)
        return -1;
    int n = 0;
    for (int i = 0; i < cur.n; i++)
        if (!contact || strcmp(cur.b[i].contact, contact) == 0)
            n++;
    ul_list_free(&cur);
    UlEdit del = {.op = UL_DEL, .b = {.contact = contact}};
    if (n && ul_apply(ul, tbl, aor, &del, 1, now) < 0)
        return -1;
    return n;
}

/* --- loading, expiry, flushing ------------------------------------------ */

typedef struct LoadCtx {
    Ul *ul;
    long n;
    int oom;
} LoadCtx;

static int load_row(void *arg, const char *tbl, const char *aor, const UlBinding *b)
{
    LoadCtx *c = arg;
    UlRec *r = ul_index_find(c->ul->ix, tbl, aor, 1);
    if (!r || ul_index_put(c->ul->ix, r, b) < 0) {
        c->oom = 1;
        return 1;
    }
    c->n++;
    return 0;
}

long ul_load(Ul *ul, int64_t now, char *err, size_t errlen)
{
    if (ul->mode != UL_WRITE_THROUGH && ul->mode != UL_WRITE_BACK)
        return 0;
    LoadCtx c = {ul, 0, 0};
    if (ul_sql_each(ul->sql, NULL, now, load_row, &c) < 0) {
        snprintf(err, errlen, "loading user location from %s: %s", db_url_safe(ul->db), db_error(ul->db));
        return -1;
    }
    if (c.oom) {
        snprintf(err, errlen, "out of memory loading user location");
        return -1;
    }
    return c.n;
}

long ul_expire(Ul *ul, int64_t now)
{
    long n = 0;
    if (ul->ix) /* a slice per tick: a full pass takes cap/256 ticks */
        n = ul_index_sweep(ul->ix, now, 256);
    if (ul->mode == UL_WRITE_THROUGH || ul->mode == UL_DB_ONLY) {
        long d = ul_sql_del_expired(ul->sql, now);
        if (d < 0)
            rt_log(RT_LOG_WARN, "usrloc: deleting expired contacts: %s", db_error(ul->db));
        else if (!ul->ix)
            n += d;
    }
    return n;
}

typedef struct FlushCtx {
    Ul *ul;
    int64_t now;
} FlushCtx;

static int flush_rec(void *arg, UlRec *r)
{
    FlushCtx *c = arg;
    const char *tbl = ul_rec_tbl(r), *aor = ul_rec_aor(r);
    UlList cur;
    cur.b = NULL;
    cur.n = 0;
    if (ul_sql_del(c->ul->sql, tbl, aor, NULL) < 0 || ul_rec_get(r, c->now, &cur) < 0) {
        ul_list_free(&cur);
        return -1;
    }
    for (int i = 0; i < cur.n; i++)
        if (ul_sql_put(c->ul->sql, tbl, aor, &cur.b[i]) < 0) {
            ul_list_free(&cur);
            return -1;
        }
    ul_list_free(&cur);
    return 0;
}

int ul_flush(Ul *ul, int64_t now)
{
    if (ul->mode != UL_WRITE_BACK)
        return 0;
    FlushCtx c = {ul, now};
    if (db_begin(ul->db) < 0 || ul_index_each_dirty(ul->ix, flush_rec, &c) != 0 ||
        ul_sql_del_expired(ul->sql, now) < 0 || db_commit(ul->db) < 0) {
        rt_log(RT_LOG_ERROR, "usrloc: write-back flush to %s: %s", db_url_safe(ul->db), db_error(ul->db));
        db_rollback(ul->db);
        return -1;
    }
    ul_index_clean(ul->ix);
    return 0;
}

size_t ul_count_records(const Ul *ul)
{
    return ul->ix ? ul_index_records(ul->ix) : 0;
}

size_t ul_count_bindings(const Ul *ul)
{
    return ul->ix ? ul_index_bindings(ul->ix) : 0;
}
