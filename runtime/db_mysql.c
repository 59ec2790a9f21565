/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * db_mysql.c - the MySQL/MariaDB driver of db.h, on the libmysqlclient API
 * (on Debian, MariaDB Connector/C).
 *
 * Connection: utf8mb4, CLIENT_FOUND_ROWS (an UPDATE counts the rows it
 * matched, as SQLite does, so "UPDATE, and INSERT when nothing matched"
 * works), a strict sql_mode (a value too long for its column is an error,
 * never silently cut), connect timeout 5 s (1 s when reconnecting), read
 * and write timeouts 30 s so a hung server cannot hold a worker forever.
 *
 * Values: text parameters are bound as MYSQL_TYPE_BLOB, which the server
 * takes as binary-charset strings: bytes go into the VARBINARY columns
 * unconverted and are compared byte-wise.  Every result column is fetched
 * as a string (the library converts numbers) into a buffer that grows when
 * a value does not fit (mysql_stmt_fetch_column fetches it again), and the
 * whole result is stored client-side (mysql_stmt_store_result) so another
 * statement may run while rows of this one are being read.
 *
 * Lost connections: MYSQL_OPT_RECONNECT stays off (its silent reconnects
 * lose the server-side prepared statements and any transaction).  Instead,
 * when a statement fails because the connection is gone and no transaction
 * is open, reconnect() makes a few tries within RETRY_MS, every statement
 * handle of the Db is dropped (they died with the connection), and the
 * failed one is prepared again from its kept SQL, bound from its kept
 * parameters and run once more; the others are prepared again on their
 * next run.  Inside a transaction the error is returned: the server has
 * rolled the transaction back, and only the caller can replay it.  When
 * reconnecting failed, the next statement makes one quick try, so a server
 * that stays down costs each statement one connect, not RETRY_MS.
 *
 * A retried write may have been applied before the connection broke
 * (CR_SERVER_LOST during the reply): statements should be idempotent, as
 * the user-location ones are (UPDATE/INSERT of the same row, DELETE).
 */
#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_internal.h"
#include "rt.h"

/* MySQL 8 replaced my_bool with bool in MYSQL_BIND. */
#if defined(MARIADB_PACKAGE_VERSION_ID) || MYSQL_VERSION_ID < 80000
typedef my_bool MyBool;
#else
#include <stdbool.h>
typedef bool MyBool;
#endif

enum {
    RETRY_MS = 2000,          /* reconnect tries after a loss, all told */
    FIRST_DELAY_MS = 50,      /* then doubled between tries */
    CONNECT_TIMEOUT_S = 5,    /* db_open() */
    RECONNECT_TIMEOUT_S = 1,  /* each try of reconnect() */
    RW_TIMEOUT_S = 30,        /* one read or write on the socket */
    FIRST_COL_CAP = 128       /* initial size of a result column's buffer */
};

#define SQL_MODE_INIT                                                                                        \
    "SET SESSION sql_mode = "                                                                                \
    "'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION'"

typedef struct MyConn {
    MYSQL *my;  /* NULL after a failed reconnect */
    DbUrl url;  /* a copy, to connect again */
} MyConn;

typedef struct MyStmt {
    MYSQL_STMT *h; /* NULL until prepared (again, after a reconnect) */
    MYSQL_BIND *pb;
    unsigned long *plen;
    int executed; /* run since the last reset: db_step() fetches */
    int lost;     /* its unread rows died in a reconnect (until reset) */
    unsigned ncol; /* columns of the current result; 0 when it has none */
    unsigned ralloc;
    MYSQL_BIND *rb;
    char **rbuf;
    unsigned long *rcap, *rlen;
    MyBool *rnull, *rerr;
} MyStmt;

#define CONN(db) ((MyConn *)(db)->conn)
#define STMT(st) ((MyStmt *)(st)->impl)

/* --- connecting --------------------------------------------------------- */

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_rc;

/* mysql_init() would initialise the library itself, but not safely from
 * several threads at once. */
static void lib_init(void)
{
    lib_rc = mysql_library_init(0, NULL, NULL);
}

/* A new connection, or NULL with the reason in db->err. */
static MYSQL *connect_once(Db *db, const DbUrl *u, unsigned timeout)
{
    MYSQL *m = mysql_init(NULL);
    if (!m) {
        db_set_error(db, "out of memory");
        return NULL;
    }
    unsigned rw = RW_TIMEOUT_S;
    MyBool off = 0;
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rw);
    mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &rw);
    mysql_options(m, MYSQL_OPT_RECONNECT, &off);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_options(m, MYSQL_INIT_COMMAND, SQL_MODE_INIT);
    if (!mysql_real_connect(m, u->host, u->user, u->pass, u->dbname, u->port, u->socket, CLIENT_FOUND_ROWS)) {
        db_set_error(db, "cannot connect: %s", mysql_error(m));
        mysql_close(m);
        return NULL;
    }
    return m;
}

/* The error numbers that mean the connection is gone, not the statement
 * wrong. */
static int conn_lost(unsigned e)
{
    switch (e) {
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
#ifdef CR_SERVER_LOST_EXTENDED
    case CR_SERVER_LOST_EXTENDED:
#endif
    case ER_SERVER_SHUTDOWN:
#ifdef ER_CONNECTION_KILLED
    case ER_CONNECTION_KILLED:
#endif
#ifdef ER_CLIENT_INTERACTION_TIMEOUT
    case ER_CLIENT_INTERACTION_TIMEOUT:
#endif
        return 1;
    default: return 0;
    }
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Drops the connection and every statement handle on it, then connects
 * again: tries until budget_ms has passed (one try when 0).  0 or -1. */
static int reconnect(Db *db, int budget_ms)
{
    MyConn *c = CONN(db);
    if (c->my) {
        /* mysql_close() detaches the statements first, so closing them
         * after it frees memory without talking to the dead server. */
        mysql_close(c->my);
        c->my = NULL;
    }
    for (DbStmt *st = db->stmts; st; st = st->next) {
        MyStmt *s = STMT(st);
        if (s && s->h) {
            /* Rows being read are gone with the handle: re-running the
             * query behind the reader's back would repeat rows. */
            s->lost = s->executed && s->ncol;
            mysql_stmt_close(s->h);
            s->h = NULL;
            s->executed = 0;
            s->ncol = 0;
        }
    }
    long long start = now_ms();
    long long delay = FIRST_DELAY_MS;
    for (;;) {
        if ((c->my = connect_once(db, &c->url, RECONNECT_TIMEOUT_S))) {
            rt_log(RT_LOG_INFO, "database %s: reconnected", db->url_safe);
            return 0;
        }
        if (now_ms() - start + delay > budget_ms)
            return -1;
        struct timespec ts = {(time_t)(delay / 1000), (long)(delay % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        delay *= 2;
    }
}

/* One attempt at something on the connection: 0, or the MySQL error
 * number with db->err set. */
typedef unsigned (*attempt_fn)(Db *db, void *arg);

/* fn, with the reconnect-and-retry-once rule of the file comment. */
static int with_retry(Db *db, attempt_fn fn, void *arg)
{
    MyConn *c = CONN(db);
    if (!c->my) {
        if (db->in_tx) {
            db_set_error(db, "the connection was lost inside a transaction");
            return -1;
        }
        if (reconnect(db, 0) < 0)
            return -1;
    }
    unsigned e = fn(db, arg);
    if (e && conn_lost(e) && !db->in_tx) {
        char first[sizeof db->err];
        memcpy(first, db->err, sizeof first);
        if (reconnect(db, RETRY_MS) < 0) {
            char why[sizeof db->err];
            memcpy(why, db->err, sizeof why);
            db_set_error(db, "%.200s; reconnecting failed: %.200s", first, why);
            return -1;
        }
        e = fn(db, arg);
    }
    return e ? -1 : 0;
}

static char *dup_or_null(const char *s, int *oom)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        *oom = 1;
    return d;
}

static int my_open(Db *db, const DbUrl *u)
{
    pthread_once(&lib_once, lib_init);
    if (lib_rc) {
        db_set_error(db, "cannot initialise the MySQL client library");
        return -1;
    }
    MyConn *c = calloc(1, sizeof *c);
    if (!c) {
        db_set_error(db, "out of memory");
        return -1;
    }
    int oom = 0;
    c->url.dialect = u->dialect;
    c->url.port = u->port;
    c->url.user = dup_or_null(u->user, &oom);
    c->url.pass = dup_or_null(u->pass, &oom);
    c->url.host = dup_or_null(u->host, &oom);
    c->url.dbname = dup_or_null(u->dbname, &oom);
    c->url.socket = dup_or_null(u->socket, &oom);
    if (oom)
        db_set_error(db, "out of memory");
    else
        c->my = connect_once(db, &c->url, CONNECT_TIMEOUT_S);
    if (!c->my) {
        db_url_free(&c->url);
        free(c);
        return -1;
    }
    db->conn = c;
    return 0;
}

static void my_close(Db *db)
{
    MyConn *c = CONN(db);
    if (c->my)
        mysql_close(c->my);
    db_url_free(&c->url);
    free(c);
    db->conn = NULL;
}

/* --- fixed statements ----------------------------------------------------- */

static unsigned exec_once(Db *db, void *arg)
{
    MYSQL *m = CONN(db)->my;
    if (mysql_query(m, (const char *)arg) == 0) {
        MYSQL_RES *res = mysql_store_result(m);
        if (res)
            mysql_free_result(res);
        else if (mysql_field_count(m))
            goto fail;
        return 0;
    }
fail:
    db_set_error(db, "%s", mysql_error(m));
    return mysql_errno(m);
}

static int my_exec(Db *db, const char *sql)
{
    return with_retry(db, exec_once, (void *)sql);
}

/* --- statements ------------------------------------------------------------ */

static unsigned stmt_fail(DbStmt *st, MYSQL_STMT *h)
{
    db_set_error(st->db, "%s", mysql_stmt_error(h));
    return mysql_stmt_errno(h);
}

/* Prepares st on the current connection unless it already is. */
static unsigned prepare_once(Db *db, void *arg)
{
    DbStmt *st = arg;
    MyStmt *s = STMT(st);
    if (s->h)
        return 0;
    MYSQL_STMT *h = mysql_stmt_init(CONN(db)->my);
    if (!h) {
        db_set_error(db, "out of memory");
        return CR_OUT_OF_MEMORY;
    }
    if (mysql_stmt_prepare(h, st->sql, (unsigned long)strlen(st->sql))) {
        unsigned e = stmt_fail(st, h);
        mysql_stmt_close(h);
        return e;
    }
    s->h = h;
    return 0;
}

static int my_prepare(DbStmt *st)
{
    MyStmt *s = calloc(1, sizeof *s);
    if (!s) {
        db_set_error(st->db, "out of memory");
        return -1;
    }
    st->impl = s;
    if (with_retry(st->db, prepare_once, st) < 0)
        return -1;
    st->nparam = (int)mysql_stmt_param_count(s->h);
    if (st->nparam && (!(s->pb = calloc((size_t)st->nparam, sizeof *s->pb)) ||
                       !(s->plen = calloc((size_t)st->nparam, sizeof *s->plen)))) {
        db_set_error(st->db, "out of memory");
        return -1;
    }
    return 0;
}

/* Parameters are bound to the server statement at each run (run_once):
 * the handle may be a new one by then. */
static int my_bind(DbStmt *st, int i)
{
    (void)st;
    (void)i;
    return 0;
}

static int bind_params(DbStmt *st)
{
    MyStmt *s = STMT(st);
    if (!st->nparam)
        return 0;
    if ((int)mysql_stmt_param_count(s->h) != st->nparam) {
        db_set_error(st->db, "the statement has %lu parameters now, %d when first prepared",
                     mysql_stmt_param_count(s->h), st->nparam);
        return -1;
    }
    for (int i = 0; i < st->nparam; i++) {
        DbParam *p = &st->param[i];
        MYSQL_BIND *b = &s->pb[i];
        memset(b, 0, sizeof *b);
        switch (p->kind) {
        case DB_P_INT:
            b->buffer_type = MYSQL_TYPE_LONGLONG;
            b->buffer = &p->i;
            break;
        case DB_P_TEXT:
            b->buffer_type = MYSQL_TYPE_BLOB; /* binary: see the file comment */
            b->buffer = p->s;
            b->buffer_length = p->n;
            s->plen[i] = p->n;
            b->length = &s->plen[i];
            break;
        default: b->buffer_type = MYSQL_TYPE_NULL; break;
        }
    }
    return mysql_stmt_bind_param(s->h, s->pb) ? -1 : 0;
}

/* Result buffers for ncol columns, kept (and grown) across runs. */
static int bind_results(DbStmt *st, unsigned ncol)
{
    MyStmt *s = STMT(st);
    if (ncol > s->ralloc) {
        void *p;
#define GROW(field)                                                                                          \
    do {                                                                                                     \
        if (!(p = realloc(s->field, ncol * sizeof *s->field)))                                               \
            goto oom;                                                                                        \
        s->field = p;                                                                                        \
    } while (0)
        GROW(rb);
        GROW(rbuf);
        GROW(rcap);
        GROW(rlen);
        GROW(rnull);
        GROW(rerr);
#undef GROW
        for (unsigned i = s->ralloc; i < ncol; i++) {
            s->rbuf[i] = NULL;
            s->rcap[i] = 0;
        }
        s->ralloc = ncol;
    }
    for (unsigned i = 0; i < ncol; i++) {
        if (!s->rbuf[i]) {
            if (!(s->rbuf[i] = malloc(FIRST_COL_CAP)))
                goto oom;
            s->rcap[i] = FIRST_COL_CAP;
        }
        MYSQL_BIND *b = &s->rb[i];
        memset(b, 0, sizeof *b);
        b->buffer_type = MYSQL_TYPE_STRING;
        b->buffer = s->rbuf[i];
        b->buffer_length = s->rcap[i];
        b->length = &s->rlen[i];
        b->is_null = &s->rnull[i];
        b->error = &s->rerr[i];
    }
    s->ncol = ncol;
    if (mysql_stmt_bind_result(s->h, s->rb)) {
        db_set_error(st->db, "%s", mysql_stmt_error(s->h));
        return -1;
    }
    return 0;
oom:
    db_set_error(st->db, "out of memory");
    return -1;
}

/* Prepare if needed, bind, execute, store the result. */
static unsigned run_once(Db *db, void *arg)
{
    DbStmt *st = arg;
    unsigned e = prepare_once(db, st);
    if (e)
        return e;
    MyStmt *s = STMT(st);
    if (bind_params(st) < 0) {
        if (mysql_stmt_errno(s->h))
            return stmt_fail(st, s->h);
        return CR_UNKNOWN_ERROR;
    }
    if (mysql_stmt_execute(s->h))
        return stmt_fail(st, s->h);
    unsigned ncol = mysql_stmt_field_count(s->h);
    if (!ncol) {
        s->ncol = 0;
        st->changes = (long long)mysql_stmt_affected_rows(s->h);
        return 0;
    }
    if (mysql_stmt_store_result(s->h))
        return stmt_fail(st, s->h);
    if (bind_results(st, ncol) < 0) {
        mysql_stmt_free_result(s->h);
        return CR_UNKNOWN_ERROR;
    }
    return 0;
}

/* Values that did not fit: a bigger buffer, fetched again. */
static int fetch_long_columns(DbStmt *st)
{
    MyStmt *s = STMT(st);
    int rebind = 0;
    for (unsigned i = 0; i < s->ncol; i++) {
        if (s->rnull[i])
            continue;
        if (s->rlen[i] >= s->rcap[i]) { /* >=: room for the NUL too */
            unsigned long cap = s->rcap[i];
            while (cap <= s->rlen[i])
                cap *= 2;
            char *p = realloc(s->rbuf[i], cap);
            if (!p) {
                db_set_error(st->db, "out of memory");
                return -1;
            }
            s->rbuf[i] = p;
            s->rcap[i] = cap;
            s->rb[i].buffer = p;
            s->rb[i].buffer_length = cap;
            if (mysql_stmt_fetch_column(s->h, &s->rb[i], i, 0)) {
                db_set_error(st->db, "%s", mysql_stmt_error(s->h));
                return -1;
            }
            rebind = 1;
        }
        s->rbuf[i][s->rlen[i]] = '\0';
    }
    if (rebind && mysql_stmt_bind_result(s->h, s->rb)) {
        db_set_error(st->db, "%s", mysql_stmt_error(s->h));
        return -1;
    }
    return 0;
}

static int my_step(DbStmt *st)
{
    MyStmt *s = STMT(st);
    if (s->lost) {
        db_set_error(st->db, "the connection was lost while reading this statement's rows");
        return DB_ERR;
    }
    if (!s->executed) {
        if (with_retry(st->db, run_once, st) < 0)
            return DB_ERR;
        s->executed = 1;
    }
    if (!s->ncol)
        return DB_DONE;
    switch (mysql_stmt_fetch(s->h)) {
    case 0:
    case MYSQL_DATA_TRUNCATED: return fetch_long_columns(st) < 0 ? DB_ERR : DB_ROW;
    case MYSQL_NO_DATA: return DB_DONE;
    default: db_set_error(st->db, "%s", mysql_stmt_error(s->h)); return DB_ERR;
    }
}

static long long my_col_int(DbStmt *st, int i)
{
    MyStmt *s = STMT(st);
    if (i < 0 || (unsigned)i >= s->ncol || s->rnull[i])
        return 0;
    return strtoll(s->rbuf[i], NULL, 10);
}

static const char *my_col_text(DbStmt *st, int i)
{
    MyStmt *s = STMT(st);
    if (i < 0 || (unsigned)i >= s->ncol || s->rnull[i])
        return NULL;
    return s->rbuf[i];
}

/* The stored result is freed; parameters stay (db.c keeps them). */
static void my_reset(DbStmt *st)
{
    MyStmt *s = STMT(st);
    if (s->h && s->executed && s->ncol)
        mysql_stmt_free_result(s->h);
    s->executed = 0;
    s->ncol = 0;
    s->lost = 0;
}

static void my_finalize(DbStmt *st)
{
    MyStmt *s = STMT(st);
    if (s->h)
        mysql_stmt_close(s->h);
    for (unsigned i = 0; i < s->ralloc; i++)
        free(s->rbuf[i]);
    free(s->rb);
    free(s->rbuf);
    free(s->rcap);
    free(s->rlen);
    free(s->rnull);
    free(s->rerr);
    free(s->pb);
    free(s->plen);
    free(s);
    st->impl = NULL;
}

const DbDriver db_mysql_driver = {
    .name = "mysql",
    .dialect = DB_MYSQL,
    .open = my_open,
    .close = my_close,
    .exec = my_exec,
    .prepare = my_prepare,
    .bind = my_bind,
    .step = my_step,
    .col_int = my_col_int,
    .col_text = my_col_text,
    .reset = my_reset,
    .finalize = my_finalize,
    .begin_sql = "START TRANSACTION",
};
