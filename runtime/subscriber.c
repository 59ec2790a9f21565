/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subscriber.c - the `subscriber` table (see subscriber.h) through
 * prepared statements.  Upsert as in ul_sql.c: UPDATE, then INSERT when no
 * row matched (the mysql driver counts matched rows).
 */
#include <stdlib.h>
#include <string.h>

#include "subscriber.h"

struct Subs {
    Db *db;
    DbStmt *exists, *ha1, *upd, *ins, *del;
    DbStmt *list_all, *list_dom; /* subs_list without and with a domain */
};

Subs *subs_open(Db *db)
{
    Subs *s = calloc(1, sizeof *s);
    if (s)
        s->db = db;
    return s;
}

void subs_close(Subs *s)
{
    if (!s)
        return;
    DbStmt *all[] = {s->exists, s->ha1, s->upd, s->ins, s->del, s->list_all, s->list_dom};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i])
            db_finalize(all[i]);
    free(s);
}

/* The statement in *slot, prepared on first use; NULL on error. */
static DbStmt *stmt(Subs *s, DbStmt **slot, const char *sql)
{
    if (!*slot)
        *slot = db_prepare(s->db, sql);
    if (*slot)
        db_reset(*slot);
    return *slot;
}

int subs_exists(Subs *s, const char *user, const char *domain)
{
    DbStmt *st = stmt(s, &s->exists, "SELECT 1 FROM subscriber WHERE username = ? AND domain = ?");
    if (!st || db_bind_text(st, 1, user) < 0 || db_bind_text(st, 2, domain) < 0)
        return -1;
    int rc = db_step(st);
    db_reset(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int subs_ha1(Subs *s, const char *user, const char *domain, int sha256, char out[65])
{
    DbStmt *st = stmt(s, &s->ha1, "SELECT ha1, ha1_sha256 FROM subscriber WHERE username = ? AND domain = ?");
    if (!st || db_bind_text(st, 1, user) < 0 || db_bind_text(st, 2, domain) < 0)
        return -1;
    int rc = db_step(st), found = 0;
    if (rc == DB_ROW) {
        const char *h = db_col_text(st, sha256 ? 1 : 0);
        size_t want = sha256 ? 64 : 32;
        if (h && strlen(h) == want) {
            for (size_t i = 0; i <= want; i++) /* hashed as text: lower-case hex, as computed */
                out[i] = (char)(h[i] >= 'A' && h[i] <= 'F' ? h[i] - 'A' + 'a' : h[i]);
            found = 1;
        }
    }
    db_reset(st);
    return rc == DB_ERR ? -1 : found;
}

int subs_set(Subs *s, const char *user, const char *domain, const char *ha1_md5, const char *ha1_sha256)
{
    DbStmt *up = stmt(s, &s->upd, "UPDATE subscriber SET ha1 = ?, ha1_sha256 = ? WHERE username = ? AND domain = ?");
    if (!up || db_bind_text(up, 1, ha1_md5) < 0 || db_bind_text(up, 2, ha1_sha256) < 0 ||
        db_bind_text(up, 3, user) < 0 || db_bind_text(up, 4, domain) < 0 || db_step(up) != DB_DONE)
        return -1;
    if (db_changes(up) > 0)
        return 0;
    DbStmt *in = stmt(s, &s->ins, "INSERT INTO subscriber (username, domain, ha1, ha1_sha256) VALUES (?, ?, ?, ?)");
    if (!in || db_bind_text(in, 1, user) < 0 || db_bind_text(in, 2, domain) < 0 ||
        db_bind_text(in, 3, ha1_md5) < 0 || db_bind_text(in, 4, ha1_sha256) < 0 || db_step(in) != DB_DONE)
        return -1;
    return 1;
}

int subs_remove(Subs *s, const char *user, const char *domain)
{
    DbStmt *st = stmt(s, &s->del, "DELETE FROM subscriber WHERE username = ? AND domain = ?");
    if (!st || db_bind_text(st, 1, user) < 0 || db_bind_text(st, 2, domain) < 0 || db_step(st) != DB_DONE)
        return -1;
    return db_changes(st) > 0;
}

int subs_list(Subs *s, const char *domain, subs_each_fn *fn, void *arg)
{
    /* Both dialects compare these columns byte-wise (TEXT with SQLite's
     * BINARY collation, VARBINARY), so the order is the same on both. */
    DbStmt *st = domain ? stmt(s, &s->list_dom,
                               "SELECT username, domain, ha1, ha1_sha256 FROM subscriber WHERE domain = ?"
                               " ORDER BY username, domain")
                        : stmt(s, &s->list_all,
                               "SELECT username, domain, ha1, ha1_sha256 FROM subscriber ORDER BY username, domain");
    if (!st || (domain && db_bind_text(st, 1, domain) < 0))
        return -1;
    int rc = DB_ERR, stopped = 0;
    while (!stopped && (rc = db_step(st)) == DB_ROW) {
        const char *md5 = db_col_text(st, 2), *sha = db_col_text(st, 3);
        stopped = fn(arg, db_col_text(st, 0), db_col_text(st, 1), md5 ? md5 : "", sha ? sha : "") != 0;
    }
    db_reset(st);
    return stopped ? 1 : rc == DB_DONE ? 0 : -1;
}
