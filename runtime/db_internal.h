/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * db_internal.h - what db.c shares with its drivers (db_sqlite.c,
 * db_mysql.c): the parsed URL, the Db and DbStmt objects and the driver
 * vtable.  Services include db.h only.
 *
 * Division of work: db.c parses the URL, owns the list of statements, keeps
 * every bound parameter (the mysql driver binds them again after a
 * reconnect), checks parameter numbers and tracks whether a transaction is
 * open.  A driver only talks to its library.
 */
#ifndef SIPC_DB_INTERNAL_H
#define SIPC_DB_INTERNAL_H

#include <stdarg.h>

#include "db.h"

/* A parsed URL; every string is malloc'd and percent-decoded, NULL when
 * absent.  sqlite uses `path` alone. */
typedef struct DbUrl {
    DbDialect dialect;
    char *path;   /* sqlite: the file name, as given */
    char *user;   /* mysql: NULL means the client library's default */
    char *pass;   /* mysql: NULL when the URL has no ':PASS' */
    char *host;   /* mysql: "localhost" when the URL leaves it empty */
    unsigned port; /* mysql: 0 means the default (3306) */
    char *dbname; /* mysql: never NULL after a successful parse */
    char *socket; /* mysql: ?socket=PATH */
    int existing; /* sqlite: refuse a missing file (db_open_existing), not from the URL */
} DbUrl;

/* 0, or -1 with the reason in err (which never contains the password). */
int db_url_parse(const char *url, DbUrl *u, char *err, size_t errlen);
void db_url_free(DbUrl *u);
/* url with the password replaced by "***" (malloc'd; NULL when out of
 * memory). */
char *db_url_mask(const char *url);

/* One bound parameter, as the caller gave it (db_bind_*). */
typedef enum DbParamKind { DB_P_UNSET, DB_P_NULL, DB_P_INT, DB_P_TEXT } DbParamKind;
typedef struct DbParam {
    DbParamKind kind;
    long long i;
    char *s; /* DB_P_TEXT: a copy, NUL-terminated */
    unsigned long n;
} DbParam;

typedef struct DbDriver DbDriver;

struct Db {
    const DbDriver *drv;
    char *url_safe;
    char err[512];
    DbStmt *stmts; /* every live statement, for db_close() and reconnects */
    int in_tx;     /* between db_begin() and db_commit()/db_rollback() */
    void *conn;    /* the driver's connection */
};

struct DbStmt {
    Db *db;
    DbStmt *prev, *next;
    char *sql; /* kept to prepare it again (mysql, after a reconnect) */
    int nparam;
    DbParam *param;  /* nparam entries */
    int state;       /* db.c's ST_READY, ST_RUNNING or ST_FINISHED */
    long long changes;
    void *impl;      /* the driver's statement */
};

/* The driver vtable.  Every int function returns 0 / -1 (step: DB_*), and
 * reports errors with db_set_error(). */
struct DbDriver {
    const char *name;
    DbDialect dialect;
    int (*open)(Db *db, const DbUrl *u);
    void (*close)(Db *db);
    int (*exec)(Db *db, const char *sql);
    /* st->sql is set; sets st->nparam and st->impl. */
    int (*prepare)(DbStmt *st);
    /* st->param[i - 1] was just set (i from 1). */
    int (*bind)(DbStmt *st, int i);
    /* Run with the kept parameters (first call) or fetch the next row; on
     * DB_DONE after a run, sets st->changes. */
    int (*step)(DbStmt *st);
    long long (*col_int)(DbStmt *st, int i);
    const char *(*col_text)(DbStmt *st, int i);
    void (*reset)(DbStmt *st);
    void (*finalize)(DbStmt *st);
    /* SQL that opens a write transaction in this dialect. */
    const char *begin_sql;
};

extern const DbDriver db_sqlite_driver;
extern const DbDriver db_mysql_driver;

/* Sets db_error()'s text. */
void db_set_error(Db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* SIPC_DB_INTERNAL_H */
