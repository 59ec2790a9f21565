/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * db_sqlite.c - the SQLite driver of db.h (libsqlite3).
 *
 * The file (mode 0600: it holds the users' HA1s, the nonce key and who is
 * registered where; SQLite gives its -wal and -shm files the same mode),
 * and any missing directories above it (mode 0750), are created on first
 * open, unless the caller asked for an existing file (db_open_existing:
 * then a missing one is an error).  Connections
 * are set up for several processes sharing the file (sipd and sipctl):
 *
 *   journal_mode=WAL    readers never block the writer or each other;
 *                       a file system without shared memory (NFS) is
 *                       refused rather than silently run without it
 *   synchronous=NORMAL  in WAL mode a commit is written to the WAL before
 *                       COMMIT returns, without an fsync: it survives the
 *                       process being killed (kill -9, a crash), which the
 *                       tests check, but the last commits may be lost if
 *                       the machine loses power
 *   busy timeout 5 s    a writer waits for another one instead of
 *                       failing at once with "database is locked"
 *
 * db_begin() is BEGIN IMMEDIATE: it takes the write lock at once, so two
 * processes that both read then write inside a transaction wait for each
 * other (busy timeout) instead of one failing at its first write.
 *
 * Text parameters are bound SQLITE_STATIC: db.c keeps their copies until
 * they are bound again.  Values are TEXT and compared with the default
 * BINARY collation, that is byte-wise, as the mysql driver's VARBINARY.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db_internal.h"

enum { BUSY_TIMEOUT_MS = 5000 };

#define CONN(db) ((sqlite3 *)(db)->conn)
#define STMT(st) ((sqlite3_stmt *)(st)->impl)

/* mkdir -p for the directory part of path; 0 or -1 with errno. */
static int make_parent_dirs(const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        return -1;
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) {
        free(dir);
        return 0;
    }
    *slash = '\0';
    int rc = 0;
    for (char *p = dir + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        struct stat sb;
        if (mkdir(dir, 0750) < 0) {
            if (errno != EEXIST || stat(dir, &sb) < 0)
                rc = -1;
            else if (!S_ISDIR(sb.st_mode))
                rc = -1, errno = ENOTDIR;
        }
        *p = c;
        if (rc < 0 || !c)
            break;
    }
    free(dir);
    return rc;
}

/* The file at path, made when missing (mode 0600, whatever the umask
 * would let SQLite make) or required to exist; 0, or -1 with db's error. */
static int make_or_find_file(Db *db, const DbUrl *u)
{
    struct stat sb;
    if (stat(u->path, &sb) == 0)
        return 0;
    if (errno != ENOENT && errno != ENOTDIR) { /* ENOTDIR: a file where a directory goes, said below */
        db_set_error(db, "%s: %s", u->path, strerror(errno));
        return -1;
    }
    if (u->existing) {
        db_set_error(db, "no such database file (`sipctl db init` creates one)");
        return -1;
    }
    if (make_parent_dirs(u->path) < 0) {
        db_set_error(db, "cannot create the directory of %s: %s", u->path, strerror(errno));
        return -1;
    }
    int fd = open(u->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) { /* EEXIST: another process made it first */
        db_set_error(db, "cannot create %s: %s", u->path, strerror(errno));
        return -1;
    }
    if (fd >= 0)
        close(fd);
    return 0; /* an empty file is an empty database to SQLite */
}

static int sq_exec(Db *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(CONN(db), sql, NULL, NULL, &msg) != SQLITE_OK) {
        db_set_error(db, "%s", msg ? msg : sqlite3_errmsg(CONN(db)));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* PRAGMA journal_mode answers with the mode it ended in. */
static int use_wal(Db *db, const char *path)
{
    sqlite3_stmt *s = NULL;
    int ok = 0;
    if (sqlite3_prepare_v2(CONN(db), "PRAGMA journal_mode=WAL", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        const char *mode = (const char *)sqlite3_column_text(s, 0);
        ok = mode && (!strcmp(mode, "wal") || (!strcmp(mode, "memory") && !strcmp(path, ":memory:")));
        if (!ok)
            db_set_error(db, "cannot use a WAL journal (journal mode stays \"%s\"; a network file system?)",
                         mode ? mode : "?");
    } else {
        db_set_error(db, "%s", sqlite3_errmsg(CONN(db)));
    }
    sqlite3_finalize(s);
    return ok ? 0 : -1;
}

static int sq_open(Db *db, const DbUrl *u)
{
    sqlite3 *h = NULL;
    int memory = !strcmp(u->path, ":memory:");
    if (!memory && make_or_find_file(db, u) < 0)
        return -1;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (memory ? SQLITE_OPEN_CREATE : 0); /* the file: above */
    int rc = sqlite3_open_v2(u->path, &h, flags, NULL);
    if (rc != SQLITE_OK) {
        db_set_error(db, "%s", h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return -1;
    }
    db->conn = h;
    sqlite3_busy_timeout(h, BUSY_TIMEOUT_MS);
    if (use_wal(db, u->path) < 0 || sq_exec(db, "PRAGMA synchronous=NORMAL") < 0) {
        sqlite3_close(h);
        db->conn = NULL;
        return -1;
    }
    return 0;
}

static void sq_close(Db *db)
{
    sqlite3_close_v2(CONN(db));
    db->conn = NULL;
}

static int sq_prepare(DbStmt *st)
{
    sqlite3_stmt *s = NULL;
    const char *tail = NULL;
    if (sqlite3_prepare_v2(CONN(st->db), st->sql, -1, &s, &tail) != SQLITE_OK) {
        db_set_error(st->db, "%s", sqlite3_errmsg(CONN(st->db)));
        return -1;
    }
    if (!s || (tail && tail[strspn(tail, " \t\r\n;")])) {
        db_set_error(st->db, s ? "one statement at a time" : "empty statement");
        sqlite3_finalize(s);
        return -1;
    }
    st->impl = s;
    st->nparam = sqlite3_bind_parameter_count(s);
    return 0;
}

static int sq_bind(DbStmt *st, int i)
{
    const DbParam *p = &st->param[i - 1];
    int rc;
    switch (p->kind) {
    case DB_P_INT: rc = sqlite3_bind_int64(STMT(st), i, p->i); break;
    case DB_P_TEXT: rc = sqlite3_bind_text(STMT(st), i, p->s, (int)p->n, SQLITE_STATIC); break;
    default: rc = sqlite3_bind_null(STMT(st), i); break;
    }
    if (rc != SQLITE_OK) {
        db_set_error(st->db, "%s", sqlite3_errmsg(CONN(st->db)));
        return -1;
    }
    return 0;
}

static int sq_step(DbStmt *st)
{
    sqlite3_stmt *s = STMT(st);
    switch (sqlite3_step(s)) {
    case SQLITE_ROW: return DB_ROW;
    case SQLITE_DONE:
        /* sqlite3_changes() is the connection's last INSERT/UPDATE/DELETE:
         * stale after a SELECT, which changes nothing. */
        st->changes = sqlite3_stmt_readonly(s) ? 0 : sqlite3_changes(CONN(st->db));
        return DB_DONE;
    default:
        db_set_error(st->db, "%s", sqlite3_errmsg(CONN(st->db)));
        sqlite3_reset(s);
        return DB_ERR;
    }
}

/* SQLite leaves an index out of range undefined. */
static int col_ok(DbStmt *st, int i)
{
    return i >= 0 && i < sqlite3_data_count(STMT(st));
}

static long long sq_col_int(DbStmt *st, int i)
{
    return col_ok(st, i) ? sqlite3_column_int64(STMT(st), i) : 0;
}

static const char *sq_col_text(DbStmt *st, int i)
{
    return col_ok(st, i) ? (const char *)sqlite3_column_text(STMT(st), i) : NULL;
}

static void sq_reset(DbStmt *st)
{
    sqlite3_reset(STMT(st));
}

static void sq_finalize(DbStmt *st)
{
    sqlite3_finalize(STMT(st));
    st->impl = NULL;
}

const DbDriver db_sqlite_driver = {
    .name = "sqlite",
    .dialect = DB_SQLITE,
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .bind = sq_bind,
    .step = sq_step,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .reset = sq_reset,
    .finalize = sq_finalize,
    .begin_sql = "BEGIN IMMEDIATE",
};
