/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * db.h - the one small database interface of sipd and sipctl.
 *
 * Services (user location, credentials) speak SQL through this interface
 * and never see a driver.  Two drivers sit behind it:
 *
 *   sqlite:PATH                 db_sqlite.c: the embedded default, a file
 *   sqlite:///abs/path.db       (created on first open, with its directory;
 *                               PATH may be relative; sqlite://HOST/... is
 *                               refused)
 *   mysql://USER:PASS@HOST[:PORT]/DB[?socket=PATH]
 *                               db_mysql.c: MySQL/MariaDB through the
 *                               libmysqlclient API; USER, PASS, DB and PATH
 *                               percent-decoded (db.c has the details)
 *
 * Prepared statements only: SQL text is fixed in the service's source and
 * every value from a message is bound with db_bind_*(), never spliced into
 * SQL.  db_exec() runs fixed statements (schema, BEGIN) and takes no values.
 *
 * Placeholders are `?`, numbered from 1 in db_bind_*(); result columns are
 * numbered from 0 in db_col_*().  Text is bytes (anything but NUL), stored
 * and compared byte-wise by both drivers; a value longer than its column
 * is an error in both (not cut).
 *
 * Lost connections (mysql): a statement that fails because the server went
 * away is retried once after reconnecting and preparing it again, unless a
 * transaction is open (then the error is returned and the caller decides).
 * So a write that returns success is on the server; one that returns DB_ERR
 * is not known to be, and the caller must not acknowledge it.  A retried
 * write may have run twice: keep such statements idempotent.  Rows being
 * read when another statement reconnected are lost: the next db_step()
 * of that statement gives DB_ERR.
 *
 * Ownership: a Db owns its statements; db_finalize() frees one early, and
 * db_close() frees the ones left.  A text column's bytes stay valid until
 * the next db_step(), db_reset() or db_finalize() of that statement.
 * Not thread-safe: one Db per thread.
 */
#ifndef SIPC_DB_H
#define SIPC_DB_H

#include <stddef.h>

typedef struct Db Db;
typedef struct DbStmt DbStmt;

/* db_step() results. */
enum { DB_ERR = -1, DB_DONE = 0, DB_ROW = 1 };

/* Which SQL dialect a statement must be written in. */
typedef enum DbDialect { DB_SQLITE, DB_MYSQL } DbDialect;

/* Connect.  NULL on failure with the reason in err (the password is never
 * written there). */
Db *db_open(const char *url, char *err, size_t errlen);
/* The same, for a database made before: a SQLite file that does not exist
 * is an error instead of being created (sipctl's commands other than
 * `db init` and `db migrate`, so that a mistyped path leaves nothing
 * behind). */
Db *db_open_existing(const char *url, char *err, size_t errlen);
void db_close(Db *db);
DbDialect db_dialect(const Db *db);
/* The URL without its password, for log lines (owned by db). */
const char *db_url_safe(const Db *db);
/* The last error of this connection, for log lines; never NULL. */
const char *db_error(const Db *db);

/* One fixed statement, no values, no result rows: 0 or -1. */
int db_exec(Db *db, const char *sql);
/* A write transaction (SQLite: BEGIN IMMEDIATE); no nesting.  After a
 * failed db_commit() the transaction may still be open: db_rollback(). */
int db_begin(Db *db);
int db_commit(Db *db);
int db_rollback(Db *db);

/* NULL on failure (db_error says why). */
DbStmt *db_prepare(Db *db, const char *sql);
/* Bind parameter i (from 1); text is copied; a NULL text binds SQL NULL
 * (for any column type).  A statement that has run is reset first.
 * 0 or -1; running with a parameter never bound is DB_ERR. */
int db_bind_int(DbStmt *st, int i, long long v);
int db_bind_text(DbStmt *st, int i, const char *s);
/* Run (first call after binding) or fetch the next row.  After DB_DONE or
 * DB_ERR, the next call runs the statement again. */
int db_step(DbStmt *st);
/* Column i (from 0) of the current row; NULL text for SQL NULL, and 0 for
 * an int column that is NULL. */
long long db_col_int(DbStmt *st, int i);
const char *db_col_text(DbStmt *st, int i);
/* Rows inserted, updated or deleted by the last run (rows matched, for an
 * UPDATE that changed nothing). */
long long db_changes(DbStmt *st);
/* Ready to bind and run again; bindings are kept until rebound. */
void db_reset(DbStmt *st);
void db_finalize(DbStmt *st);

/* --- db_schema.c: the versioned schema, shared by sipd and sipctl ------- */

/* The version this build writes and expects. */
int db_schema_current(void);
/* The version the database has: 0 when it has no sipc tables, -1 on error. */
int db_schema_version(Db *db);
/* Create or upgrade the schema to db_schema_current(), each step in order;
 * *from gets the version found.  0, or -1 with err (and nothing half done
 * where the dialect has transactional DDL). */
int db_schema_migrate(Db *db, int *from, char *err, size_t errlen);

#endif
