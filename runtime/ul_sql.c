/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ul_sql.c - the `location` table (schema in db_schema.c) through prepared
 * statements.  The SQL is the same for both dialects: an upsert is an
 * UPDATE and, when it matched no row, an INSERT (the mysql driver counts
 * matched rows, so an UPDATE that changes nothing still counts).  Two nodes
 * inserting the same new contact at once make one INSERT fail on the
 * unique key; the UPDATE is then tried once more.
 *
 * Column order of every SELECT is COLS below; row_binding() reads it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "ul_sql.h"

#define COLS                                                                                       \
    "tbl, aor, contact, received, path, sock, expires, q, callid, cseq, instance, reg_id, "      \
    "user_agent, flags, last_modified"

struct UlSql {
    Db *db;
    DbStmt *get, *each_all, *each_aor, *upd, *ins, *del_one, *del_aor, *del_exp;
};

static DbStmt *prep(UlSql *s, const char *sql, char *err, size_t errlen)
{
    DbStmt *st = db_prepare(s->db, sql);
    if (!st)
        snprintf(err, errlen, "location table: %s", db_error(s->db));
    return st;
}

UlSql *ul_sql_open(Db *db, char *err, size_t errlen)
{
    UlSql *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->db = db;
    if (!(s->get = prep(s, "SELECT " COLS " FROM location WHERE tbl = ? AND aor = ? AND expires > ?", err, errlen)) ||
        !(s->each_all = prep(s, "SELECT " COLS " FROM location WHERE expires > ? ORDER BY tbl, aor", err, errlen)) ||
        !(s->each_aor = prep(s, "SELECT " COLS " FROM location WHERE aor = ? AND expires > ? ORDER BY tbl", err,
                             errlen)) ||
        !(s->upd = prep(s,
                        "UPDATE location SET received = ?, path = ?, sock = ?, expires = ?, q = ?, callid = ?, "
                        "cseq = ?, instance = ?, reg_id = ?, user_agent = ?, flags = ?, last_modified = ? "
                        "WHERE tbl = ? AND aor = ? AND contact = ?",
                        err, errlen)) ||
        !(s->ins = prep(s,
                        "INSERT INTO location (received, path, sock, expires, q, callid, cseq, instance, reg_id, "
                        "user_agent, flags, last_modified, tbl, aor, contact) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        err, errlen)) ||
        !(s->del_one = prep(s, "DELETE FROM location WHERE tbl = ? AND aor = ? AND contact = ?", err, errlen)) ||
        !(s->del_aor = prep(s, "DELETE FROM location WHERE tbl = ? AND aor = ?", err, errlen)) ||
        !(s->del_exp = prep(s, "DELETE FROM location WHERE expires <= ?", err, errlen))) {
        ul_sql_close(s);
        return NULL;
    }
    return s;
}

void ul_sql_close(UlSql *s)
{
    if (!s)
        return;
    DbStmt *all[] = {s->get, s->each_all, s->each_aor, s->upd, s->ins, s->del_one, s->del_aor, s->del_exp};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i])
            db_finalize(all[i]);
    free(s);
}

/* The current row as a binding whose strings point into the statement
 * (valid until the next step). */
static void row_binding(DbStmt *st, UlBinding *b)
{
    b->contact = db_col_text(st, 2);
    b->received = db_col_text(st, 3);
    b->path = db_col_text(st, 4);
    b->sock = db_col_text(st, 5);
    b->expires = db_col_int(st, 6);
    b->q = (int)db_col_int(st, 7);
    b->callid = db_col_text(st, 8);
    b->cseq = (uint32_t)db_col_int(st, 9);
    b->instance = db_col_text(st, 10);
    b->reg_id = (int)db_col_int(st, 11);
    b->user_agent = db_col_text(st, 12);
    b->flags = (unsigned)db_col_int(st, 13);
    b->last_modified = db_col_int(st, 14);
    if (!b->contact)
        b->contact = "";
    if (!b->callid)
        b->callid = "";
}

int ul_sql_get(UlSql *s, const char *tbl, const char *aor, int64_t now, UlList *out)
{
    DbStmt *st = s->get;
    int rc;
    db_reset(st);
    if (db_bind_text(st, 1, tbl) < 0 || db_bind_text(st, 2, aor) < 0 || db_bind_int(st, 3, now) < 0)
        return -1;
    while ((rc = db_step(st)) == DB_ROW) {
        UlBinding b;
        row_binding(st, &b);
        if (ul_list_push(out, &b) < 0) {
            db_reset(st);
            return -1;
        }
    }
    db_reset(st);
    return rc == DB_DONE ? 0 : -1;
}

/* Binds the binding's values from parameter 1 in the order of `upd` and
 * `ins`: the values, then tbl, aor, contact. */
static int bind_binding(DbStmt *st, const char *tbl, const char *aor, const UlBinding *b)
{
    int i = 1;
    return (db_bind_text(st, i++, b->received) < 0 || db_bind_text(st, i++, b->path) < 0 ||
            db_bind_text(st, i++, b->sock) < 0 || db_bind_int(st, i++, b->expires) < 0 ||
            db_bind_int(st, i++, b->q) < 0 || db_bind_text(st, i++, b->callid) < 0 ||
            db_bind_int(st, i++, b->cseq) < 0 || db_bind_text(st, i++, b->instance) < 0 ||
            db_bind_int(st, i++, b->reg_id) < 0 || db_bind_text(st, i++, b->user_agent) < 0 ||
            db_bind_int(st, i++, b->flags) < 0 || db_bind_int(st, i++, b->last_modified) < 0 ||
            db_bind_text(st, i++, tbl) < 0 || db_bind_text(st, i++, aor) < 0 ||
            db_bind_text(st, i++, b->contact) < 0)
               ? -1
               : 0;
}

/* 1 updated, 0 no such row, -1 error. */
static int update_row(UlSql *s, const char *tbl, const char *aor, const UlBinding *b)
{
    db_reset(s->upd);
    if (bind_binding(s->upd, tbl, aor, b) < 0 || db_step(s->upd) != DB_DONE)
        return -1;
    return db_changes(s->upd) > 0;
}

int ul_sql_put(UlSql *s, const char *tbl, const char *aor, const UlBinding *b)
{
    int rc = update_row(s, tbl, aor, b);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    db_reset(s->ins);
    if (bind_binding(s->ins, tbl, aor, b) == 0 && db_step(s->ins) == DB_DONE)
        return 0;
    /* Another node inserted it in between: the unique key refused ours. */
    rc = update_row(s, tbl, aor, b);
    return rc == 1 ? 0 : -1;
}

long ul_sql_del(UlSql *s, const char *tbl, const char *aor, const char *contact)
{
    DbStmt *st = contact ? s->del_one : s->del_aor;
    db_reset(st);
    if (db_bind_text(st, 1, tbl) < 0 || db_bind_text(st, 2, aor) < 0 ||
        (contact && db_bind_text(st, 3, contact) < 0) || db_step(st) != DB_DONE)
        return -1;
    return (long)db_changes(st);
}

long ul_sql_del_expired(UlSql *s, int64_t now)
{
    db_reset(s->del_exp);
    if (db_bind_int(s->del_exp, 1, now) < 0 || db_step(s->del_exp) != DB_DONE)
        return -1;
    return (long)db_changes(s->del_exp);
}

long ul_sql_each(UlSql *s, const char *aor, int64_t now, ul_sql_row_fn fn, void *arg)
{
    DbStmt *st = aor && *aor ? s->each_aor : s->each_all;
    int i = 1, rc;
    long n = 0;
    db_reset(st);
    if ((aor && *aor && db_bind_text(st, i++, aor) < 0) || db_bind_int(st, i, now) < 0)
        return -1;
    while ((rc = db_step(st)) == DB_ROW) {
        UlBinding b;
        const char *tbl = db_col_text(st, 0), *a = db_col_text(st, 1);
        row_binding(st, &b);
        n++;
        if (fn(arg, tbl ? tbl : "", a ? a : "", &b))
            break;
    }
    db_reset(st);
    return rc == DB_ERR ? -1 : n;
}
