/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * db.c - the driver-independent half of db.h: URL parsing, the statement
 * list, kept parameters, transaction state; dispatch to db_sqlite.c or
 * db_mysql.c through their DbDriver vtable.
 *
 * URLs (db_url_parse):
 *
 *   sqlite:PATH          PATH as given, relative to the working directory
 *                        or absolute: sqlite:ul.db, sqlite:/var/lib/sipc/ul.db
 *   sqlite:///ABS/PATH   the same as sqlite:/ABS/PATH
 *   sqlite://X/...       refused: a host part means nothing to SQLite, and
 *                        reading "X/..." as a relative path would surprise
 *                        whoever wrote a URL
 *   mysql://[USER[:PASS]@][HOST][:PORT]/DB[?socket=PATH]
 *                        HOST may be [IPv6]; an empty HOST is localhost;
 *                        ?socket= needs HOST localhost (or empty), as
 *                        libmysqlclient uses the socket only then
 *
 * USER, PASS, DB and the socket path are percent-decoded (%40 is '@'), so a
 * password may hold any byte but NUL.  The user part ends at the last '@'
 * before '?', and the password at nothing but that '@', so a raw ':' or '/'
 * in a password works too; '?' and '%' must be encoded.  SQLite paths are
 * not decoded: they are file names, not URL parts.
 *
 * Statement states: READY (bound, not run) -> RUNNING (db_step gave a row)
 * -> FINISHED (DB_DONE or DB_ERR).  Binding, or stepping a FINISHED
 * statement, resets it first, so both drivers behave alike (SQLite's own
 * auto-reset only covers DB_DONE).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

enum { ST_READY, ST_RUNNING, ST_FINISHED };

/* --- URLs ------------------------------------------------------------- */

static void seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* s[0..n) percent-decoded into a malloc'd string; NULL with err on a bad
 * escape, an encoded NUL or no memory.  `what` names the part for errors
 * (and the part's text is not quoted: it may be the password). */
static char *pct_decode(const char *s, size_t n, const char *what, char *err, size_t errlen)
{
    char *out = malloc(n + 1), *o = out;
    if (!out) {
        seterr(err, errlen, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            *o++ = s[i];
            continue;
        }
        int hi = -1, lo = -1;
        if (i + 2 < n) {
            hi = hexval((unsigned char)s[i + 1]);
            lo = hexval((unsigned char)s[i + 2]);
        }
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            seterr(err, errlen, "bad %%-escape in the %s (%%XX, not %%00)", what);
            free(out);
            return NULL;
        }
        *o++ = (char)(hi * 16 + lo);
        i += 2;
    }
    *o = '\0';
    return out;
}

static char *dup_n(const char *s, size_t n, char *err, size_t errlen)
{
    char *d = strndup(s, n);
    if (!d)
        seterr(err, errlen, "out of memory");
    return d;
}

static int parse_sqlite(const char *rest, DbUrl *u, char *err, size_t errlen)
{
    const char *path = rest;
    if (!strncmp(rest, "//", 2)) {
        if (rest[2] != '/') {
            seterr(err, errlen,
                   "a host part is not allowed in a sqlite URL; write sqlite:relative/path.db or "
                   "sqlite:///absolute/path.db");
            return -1;
        }
        path = rest + 2;
    }
    if (!*path) {
        seterr(err, errlen, "no file name (sqlite:PATH)");
        return -1;
    }
    return (u->path = dup_n(path, strlen(path), err, errlen)) ? 0 : -1;
}

/* HOST[:PORT] or [V6]:PORT in s[0..n). */
static int parse_hostport(const char *s, size_t n, DbUrl *u, char *err, size_t errlen)
{
    const char *end = s + n, *h = s, *hend, *port = NULL;
    if (n && *s == '[') {
        const char *close = memchr(s, ']', n);
        if (!close) {
            seterr(err, errlen, "no ']' after an IPv6 host");
            return -1;
        }
        h = s + 1;
        hend = close;
        if (close + 1 < end) {
            if (close[1] != ':') {
                seterr(err, errlen, "junk after ']' in the host");
                return -1;
            }
            port = close + 2;
        }
    } else {
        const char *colon = memchr(s, ':', n);
        hend = colon ? colon : end;
        port = colon ? colon + 1 : NULL;
    }
    if (port) {
        unsigned long p = 0;
        const char *c = port;
        for (; c < end && isdigit((unsigned char)*c) && p <= 65535; c++)
            p = p * 10 + (unsigned long)(*c - '0');
        if (c == port || c < end || p == 0 || p > 65535) {
            seterr(err, errlen, "bad port \"%.*s\" (1 to 65535)", (int)(end - port), port);
            return -1;
        }
        u->port = (unsigned)p;
    }
    if (hend == h)
        u->host = dup_n("localhost", 9, err, errlen);
    else
        u->host = dup_n(h, (size_t)(hend - h), err, errlen);
    return u->host ? 0 : -1;
}

/* ?k=v&k=v: only socket= is known. */
static int parse_query(const char *q, DbUrl *u, char *err, size_t errlen)
{
    while (*q) {
        size_t n = strcspn(q, "&");
        const char *eq = memchr(q, '=', n);
        size_t kn = eq ? (size_t)(eq - q) : n;
        if (kn == 6 && !strncmp(q, "socket", 6) && eq) {
            free(u->socket);
            if (!(u->socket = pct_decode(eq + 1, n - kn - 1, "socket path", err, errlen)))
                return -1;
            if (!*u->socket) {
                seterr(err, errlen, "empty socket path");
                return -1;
            }
        } else if (n) {
            seterr(err, errlen, "unknown parameter \"%.*s\" (only socket=PATH is known)", (int)kn, q);
            return -1;
        }
        q += n;
        if (*q == '&')
            q++;
    }
    return 0;
}

static int parse_mysql(const char *rest, DbUrl *u, char *err, size_t errlen)
{
    const char *q = strchr(rest, '?');
    const char *end = q ? q : rest + strlen(rest);
    const char *at = NULL, *hp = rest;
    for (const char *c = rest; c < end; c++)
        if (*c == '@')
            at = c;
    if (at) {
        const char *colon = memchr(rest, ':', (size_t)(at - rest));
        const char *uend = colon ? colon : at;
        if (uend == rest) {
            seterr(err, errlen, "empty user name before '@'");
            return -1;
        }
        if (!(u->user = pct_decode(rest, (size_t)(uend - rest), "user name", err, errlen)))
            return -1;
        if (colon && !(u->pass = pct_decode(colon + 1, (size_t)(at - colon - 1), "password", err, errlen)))
            return -1;
        hp = at + 1;
    }
    const char *slash = memchr(hp, '/', (size_t)(end - hp));
    if (!slash || slash + 1 == end) {
        seterr(err, errlen, "no database name (mysql://USER:PASS@HOST[:PORT]/DB)");
        return -1;
    }
    if (parse_hostport(hp, (size_t)(slash - hp), u, err, errlen) < 0)
        return -1;
    if (!(u->dbname = pct_decode(slash + 1, (size_t)(end - slash - 1), "database name", err, errlen)))
        return -1;
    if (strchr(u->dbname, '/')) {
        seterr(err, errlen, "bad database name \"%s\" ('/' after the database name)", u->dbname);
        return -1;
    }
    if (q && parse_query(q + 1, u, err, errlen) < 0)
        return -1;
    if (u->socket && strcmp(u->host, "localhost")) {
        seterr(err, errlen, "?socket= needs the host localhost (or none), not \"%s\"", u->host);
        return -1;
    }
    return 0;
}

int db_url_parse(const char *url, DbUrl *u, char *err, size_t errlen)
{
    memset(u, 0, sizeof *u);
    int rc;
    if (!url || !*url) {
        seterr(err, errlen, "empty database URL");
        return -1;
    }
    if (!strncmp(url, "sqlite:", 7)) {
        u->dialect = DB_SQLITE;
        rc = parse_sqlite(url + 7, u, err, errlen);
    } else if (!strncmp(url, "mysql://", 8)) {
        u->dialect = DB_MYSQL;
        rc = parse_mysql(url + 8, u, err, errlen);
    } else {
        size_t n = strcspn(url, ":/");
        if (url[n] == ':')
            seterr(err, errlen, "unknown database type \"%.*s\" (sqlite:PATH or mysql://USER:PASS@HOST/DB)", (int)n,
                   url);
        else
            seterr(err, errlen, "not a database URL (sqlite:PATH or mysql://USER:PASS@HOST/DB)");
        rc = -1;
    }
    if (rc < 0)
        db_url_free(u);
    return rc;
}

void db_url_free(DbUrl *u)
{
    free(u->path);
    free(u->user);
    free(u->pass);
    free(u->host);
    free(u->dbname);
    free(u->socket);
    memset(u, 0, sizeof *u);
}

char *db_url_mask(const char *url)
{
    if (!url)
        return strdup("");
    if (strncmp(url, "mysql://", 8))
        return strdup(url);
    /* The same split as parse_mysql(): user info ends at the last '@'
     * before '?', the password starts at its first ':'. */
    const char *rest = url + 8, *q = strchr(rest, '?');
    const char *end = q ? q : rest + strlen(rest), *at = NULL;
    for (const char *c = rest; c < end; c++)
        if (*c == '@')
            at = c;
    const char *colon = at ? memchr(rest, ':', (size_t)(at - rest)) : NULL;
    if (!colon)
        return strdup(url);
    size_t head = (size_t)(colon + 1 - url), tail = strlen(at);
    char *m = malloc(head + 3 + tail + 1);
    if (m) {
        memcpy(m, url, head);
        memcpy(m + head, "***", 3);
        memcpy(m + head + 3, at, tail + 1);
    }
    return m;
}

/* --- connections -------------------------------------------------------- */

void db_set_error(Db *db, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(db->err, sizeof db->err, fmt, ap);
    va_end(ap);
}

static Db *open_url(const char *url, int existing, char *err, size_t errlen)
{
    char why[400];
    DbUrl u;
    char *safe = db_url_mask(url);
    if (!safe) {
        seterr(err, errlen, "out of memory");
        return NULL;
    }
    if (db_url_parse(url, &u, why, sizeof why) < 0) {
        seterr(err, errlen, "%s: %s", safe, why);
        free(safe);
        return NULL;
    }
    u.existing = existing;
    Db *db = calloc(1, sizeof *db);
    if (!db) {
        seterr(err, errlen, "out of memory");
        goto fail;
    }
    db->drv = u.dialect == DB_SQLITE ? &db_sqlite_driver : &db_mysql_driver;
    db->url_safe = safe;
    if (db->drv->open(db, &u) < 0) {
        seterr(err, errlen, "%s: %s", safe, db->err);
        goto fail;
    }
    db_url_free(&u);
    return db;
fail:
    db_url_free(&u);
    free(db);
    free(safe);
    return NULL;
}

Db *db_open(const char *url, char *err, size_t errlen)
{
    return open_url(url, 0, err, errlen);
}

Db *db_open_existing(const char *url, char *err, size_t errlen)
{
    return open_url(url, 1, err, errlen);
}

static void stmt_free(DbStmt *st)
{
    Db *db = st->db;
    if (st->prev)
        st->prev->next = st->next;
    else
        db->stmts = st->next;
    if (st->next)
        st->next->prev = st->prev;
    if (st->impl)
        db->drv->finalize(st);
    for (int i = 0; i < st->nparam; i++)
        free(st->param[i].s);
    free(st->param);
    free(st->sql);
    free(st);
}

void db_close(Db *db)
{
    if (!db)
        return;
    while (db->stmts)
        stmt_free(db->stmts);
    db->drv->close(db);
    free(db->url_safe);
    free(db);
}

DbDialect db_dialect(const Db *db)
{
    return db->drv->dialect;
}

const char *db_url_safe(const Db *db)
{
    return db->url_safe;
}

const char *db_error(const Db *db)
{
    return db ? db->err : "no database";
}

int db_exec(Db *db, const char *sql)
{
    return db->drv->exec(db, sql);
}

int db_begin(Db *db)
{
    if (db->in_tx) {
        db_set_error(db, "a transaction is already open");
        return -1;
    }
    if (db->drv->exec(db, db->drv->begin_sql) < 0)
        return -1;
    db->in_tx = 1;
    return 0;
}

/* A failed COMMIT leaves the transaction open (SQLite: SQLITE_BUSY); the
 * caller then calls db_rollback(). */
int db_commit(Db *db)
{
    if (!db->in_tx) {
        db_set_error(db, "no transaction is open");
        return -1;
    }
    if (db->drv->exec(db, "COMMIT") < 0)
        return -1;
    db->in_tx = 0;
    return 0;
}

/* in_tx is cleared first: when the connection died with the transaction,
 * the server has rolled it back, and the mysql driver may then reconnect
 * to run a harmless ROLLBACK instead of failing. */
int db_rollback(Db *db)
{
    db->in_tx = 0;
    return db->drv->exec(db, "ROLLBACK");
}

/* --- statements --------------------------------------------------------- */

DbStmt *db_prepare(Db *db, const char *sql)
{
    DbStmt *st = calloc(1, sizeof *st);
    if (!st || !(st->sql = strdup(sql))) {
        free(st);
        db_set_error(db, "out of memory");
        return NULL;
    }
    st->db = db;
    st->next = db->stmts;
    if (db->stmts)
        db->stmts->prev = st;
    db->stmts = st;
    if (db->drv->prepare(st) < 0)
        goto fail;
    if (st->nparam && !(st->param = calloc((size_t)st->nparam, sizeof *st->param))) {
        db_set_error(db, "out of memory");
        goto fail;
    }
    return st;
fail:
    st->nparam = 0;
    stmt_free(st);
    return NULL;
}

/* The parameter to set, after resetting a statement that has run; NULL
 * (with the error set) when i is out of range. */
static DbParam *param_slot(DbStmt *st, int i)
{
    if (i < 1 || i > st->nparam) {
        db_set_error(st->db, "parameter %d out of range (the statement has %d)", i, st->nparam);
        return NULL;
    }
    if (st->state != ST_READY)
        db_reset(st);
    DbParam *p = &st->param[i - 1];
    free(p->s);
    memset(p, 0, sizeof *p);
    return p;
}

int db_bind_int(DbStmt *st, int i, long long v)
{
    DbParam *p = param_slot(st, i);
    if (!p)
        return -1;
    p->kind = DB_P_INT;
    p->i = v;
    return st->db->drv->bind(st, i);
}

int db_bind_text(DbStmt *st, int i, const char *s)
{
    DbParam *p = param_slot(st, i);
    if (!p)
        return -1;
    if (!s) {
        p->kind = DB_P_NULL;
    } else {
        if (!(p->s = strdup(s))) {
            db_set_error(st->db, "out of memory");
            return -1;
        }
        p->kind = DB_P_TEXT;
        p->n = (unsigned long)strlen(s);
    }
    return st->db->drv->bind(st, i);
}

int db_step(DbStmt *st)
{
    if (st->state == ST_FINISHED)
        db_reset(st);
    if (st->state == ST_READY) {
        for (int i = 0; i < st->nparam; i++)
            if (st->param[i].kind == DB_P_UNSET) {
                db_set_error(st->db, "parameter %d is not bound", i + 1);
                st->state = ST_FINISHED;
                return DB_ERR;
            }
        st->changes = 0;
    }
    int rc = st->db->drv->step(st);
    st->state = rc == DB_ROW ? ST_RUNNING : ST_FINISHED;
    return rc;
}

long long db_col_int(DbStmt *st, int i)
{
    return st->state == ST_RUNNING ? st->db->drv->col_int(st, i) : 0;
}

const char *db_col_text(DbStmt *st, int i)
{
    return st->state == ST_RUNNING ? st->db->drv->col_text(st, i) : NULL;
}

long long db_changes(DbStmt *st)
{
    return st->changes;
}

void db_reset(DbStmt *st)
{
    st->db->drv->reset(st);
    st->state = ST_READY;
}

void db_finalize(DbStmt *st)
{
    if (st)
        stmt_free(st);
}
