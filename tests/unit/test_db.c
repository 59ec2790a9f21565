/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_db.c - the database interface (runtime/db*.c): URL parsing in suite
 * db_url, then the same test functions against two drivers:
 *
 *   db_sqlite  a fresh file under a temporary directory for every test
 *   db_mysql   the database SIPC_TEST_MYSQL_URL names, emptied of sipc's
 *              tables before every test; without that variable the suite
 *              is registered inactive (CUnit's summary counts it under
 *              "Inactive") and a line says why.  tests/db/run.sh starts a
 *              MariaDB and sets it, and `make check` runs that.
 *
 * Reconnecting after a server restart needs the server restarted under a
 * live connection: tests/db/db_probe.c does that, driven by tests/db/run.sh.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db_internal.h"
#include "unit.h"

/* --- what the current suite runs against ------------------------------ */

static const char *g_mysql_url; /* db_mysql: the server's URL */
static char g_tmp[256];         /* db_sqlite: the temporary directory */
static int g_dialect;           /* DB_SQLITE or DB_MYSQL */
static int g_seq;               /* numbers the sqlite files */
static char g_url[512];         /* the URL the last fresh() opened */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int sqlite_init(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(g_tmp, sizeof g_tmp, "%s/sipc-test-db.XXXXXX", t && *t ? t : "/tmp");
    g_dialect = DB_SQLITE;
    return mkdtemp(g_tmp) ? 0 : -1;
}

static int sqlite_clean(void)
{
    return nftw(g_tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int mysql_init(void)
{
    g_dialect = DB_MYSQL;
    return g_mysql_url ? 0 : -1;
}

static int mysql_clean(void)
{
    return 0;
}

/* The scratch table of the tests that need NULL ints or long values. */
static const char *const kv_ddl[2] = {
    [DB_SQLITE] = "CREATE TABLE t_kv (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, n INTEGER, v TEXT)",
    [DB_MYSQL] = "CREATE TABLE t_kv (id BIGINT AUTO_INCREMENT PRIMARY KEY, k VARBINARY(255) NOT NULL UNIQUE,"
                 " n BIGINT NULL, v VARBINARY(8192) NULL) ENGINE=InnoDB",
};

/* An empty database of the current suite, opened. */
static Db *fresh(void)
{
    char err[512] = "";
    if (g_dialect == DB_SQLITE)
        snprintf(g_url, sizeof g_url, "sqlite:%s/t%d/ul.db", g_tmp, ++g_seq);
    else
        snprintf(g_url, sizeof g_url, "%s", g_mysql_url);
    Db *db = db_open(g_url, err, sizeof err);
    if (!db) {
        fprintf(stderr, "\n  db_open: %s\n", err);
        CU_FAIL_FATAL("cannot open the test database");
    }
    if (g_dialect == DB_MYSQL) {
        static const char *const wipe[] = {"DROP TABLE IF EXISTS location", "DROP TABLE IF EXISTS sipc_version",
                                           "DROP TABLE IF EXISTS t_kv", "DROP TABLE IF EXISTS subscriber",
                                           "DROP TABLE IF EXISTS trusted", "DROP TABLE IF EXISTS sipc_secret"};
        for (size_t i = 0; i < sizeof wipe / sizeof wipe[0]; i++)
            CU_ASSERT_EQUAL_FATAL(db_exec(db, wipe[i]), 0);
    }
    return db;
}

/* fresh(), migrated. */
static Db *fresh_schema(void)
{
    char err[512] = "";
    int from = -2;
    Db *db = fresh();
    if (db_schema_migrate(db, &from, err, sizeof err) < 0)
        fprintf(stderr, "\n  migrate: %s\n", err);
    CU_ASSERT_EQUAL(from, 0);
    CU_ASSERT_EQUAL(db_schema_version(db), db_schema_current());
    return db;
}

static Db *fresh_kv(void)
{
    Db *db = fresh();
    CU_ASSERT_EQUAL_FATAL(db_exec(db, kv_ddl[g_dialect]), 0);
    return db;
}

/* Runs sql with text parameters (NULL binds NULL); returns db_step's
 * result and the changes in *changes. */
static int run(Db *db, const char *sql, long long *changes, int n, const char *const *texts)
{
    DbStmt *st = db_prepare(db, sql);
    if (!st) {
        fprintf(stderr, "\n  prepare %s: %s\n", sql, db_error(db));
        return DB_ERR;
    }
    for (int i = 0; i < n; i++)
        CU_ASSERT_EQUAL(db_bind_text(st, i + 1, texts[i]), 0);
    int rc = db_step(st);
    if (changes)
        *changes = db_changes(st);
    db_finalize(st);
    return rc;
}
#define RUN(db, sql, ch, ...)                                                                                \
    run(db, sql, ch, (int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)),                  \
        (const char *[]){__VA_ARGS__})

/* A location row with the NOT NULL columns filled in. */
static int put_location(Db *db, const char *aor, const char *contact, const char *path)
{
    DbStmt *st = db_prepare(db, "INSERT INTO location (tbl, aor, contact, path, expires, q, callid, cseq,"
                                " last_modified) VALUES ('location', ?, ?, ?, ?, -1, 'cid', 1, 0)");
    if (!st)
        return DB_ERR;
    db_bind_text(st, 1, aor);
    db_bind_text(st, 2, contact);
    db_bind_text(st, 3, path);
    db_bind_int(st, 4, 2000000000LL);
    int rc = db_step(st);
    if (rc == DB_ERR)
        fprintf(stderr, "\n  insert: %s\n", db_error(db));
    db_finalize(st);
    return rc;
}

static long long count(Db *db, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    DbStmt *st = db_prepare(db, sql);
    long long n = -1;
    if (st && db_step(st) == DB_ROW)
        n = db_col_int(st, 0);
    db_finalize(st);
    return n;
}

/* --- db_url: parsing, no database --------------------------------------- */

static void test_url_sqlite(void)
{
    char err[256];
    DbUrl u;
    CU_ASSERT_EQUAL_FATAL(db_url_parse("sqlite:var/ul.db", &u, err, sizeof err), 0);
    CU_ASSERT_EQUAL(u.dialect, DB_SQLITE);
    CU_ASSERT_STRING_EQUAL(u.path, "var/ul.db");
    db_url_free(&u);
    CU_ASSERT_EQUAL_FATAL(db_url_parse("sqlite:///abs/ul.db", &u, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(u.path, "/abs/ul.db");
    db_url_free(&u);
    CU_ASSERT_EQUAL_FATAL(db_url_parse("sqlite:/abs/a%20b.db", &u, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(u.path, "/abs/a%20b.db"); /* paths are not decoded */
    db_url_free(&u);
}

static void test_url_mysql(void)
{
    char err[256];
    DbUrl u;
    CU_ASSERT_EQUAL_FATAL(db_url_parse("mysql://si%40pc:p%3Aw%2F%25d@db.example:3307/sipc%5Fx", &u, err, sizeof err),
                          0);
    CU_ASSERT_EQUAL(u.dialect, DB_MYSQL);
    CU_ASSERT_STRING_EQUAL(u.user, "si@pc");
    CU_ASSERT_STRING_EQUAL(u.pass, "p:w/%d");
    CU_ASSERT_STRING_EQUAL(u.host, "db.example");
    CU_ASSERT_EQUAL(u.port, 3307);
    CU_ASSERT_STRING_EQUAL(u.dbname, "sipc_x");
    CU_ASSERT_PTR_NULL(u.socket);
    db_url_free(&u);
    /* No user, an empty host (localhost), the socket. */
    CU_ASSERT_EQUAL_FATAL(db_url_parse("mysql:///sipc?socket=/run/x%26y.sock", &u, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(u.socket, "/run/x&y.sock");
    CU_ASSERT_PTR_NULL(u.user);
    CU_ASSERT_PTR_NULL(u.pass);
    CU_ASSERT_STRING_EQUAL(u.host, "localhost");
    CU_ASSERT_EQUAL(u.port, 0);
    db_url_free(&u);
    /* A user without a password, an empty password, IPv6, raw ':' and '@'
     * in a password (the user part ends at the last '@'). */
    CU_ASSERT_EQUAL_FATAL(db_url_parse("mysql://u@h/d", &u, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(u.user, "u");
    CU_ASSERT_PTR_NULL(u.pass);
    db_url_free(&u);
    CU_ASSERT_EQUAL_FATAL(db_url_parse("mysql://u:@[::1]:3306/d", &u, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(u.pass, "");
    CU_ASSERT_STRING_EQUAL(u.host, "::1");
    CU_ASSERT_EQUAL(u.port, 3306);
    db_url_free(&u);
    CU_ASSERT_EQUAL_FATAL(db_url_parse("mysql://u:a:b@c@h/d", &u, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(u.pass, "a:b@c");
    CU_ASSERT_STRING_EQUAL(u.host, "h");
    db_url_free(&u);
}

/* db_open(url) fails with an error containing want, and never the
 * password "hunter2". */
static void bad_url(const char *url, const char *want, unsigned line)
{
    char err[512] = "", msg[1024];
    Db *db = db_open(url, err, sizeof err);
    snprintf(msg, sizeof msg, "%s: got \"%s\", want \"...%s...\"", url, err, want);
    CU_assertImplementation(db == NULL && strstr(err, want) && !strstr(err, "hunter2"), line, msg, __FILE__, "",
                            CU_FALSE);
    db_close(db);
}
#define BAD_URL(url, want) bad_url(url, want, __LINE__)

static void test_url_errors(void)
{
    BAD_URL("", "empty database URL");
    BAD_URL("postgres://u@h/d", "unknown database type \"postgres\"");
    BAD_URL("ul.db", "not a database URL");
    BAD_URL("sqlite:", "no file name");
    BAD_URL("sqlite://ul.db", "a host part is not allowed");
    BAD_URL("mysql://", "no database name");
    BAD_URL("mysql://u:hunter2@h", "mysql://u:***@h: no database name");
    BAD_URL("mysql://u:hunter2@h/", "no database name");
    BAD_URL("mysql://u:hunter2@h:0/d", "bad port \"0\"");
    BAD_URL("mysql://u:hunter2@h:65536/d", "bad port \"65536\"");
    BAD_URL("mysql://u:hunter2@h:33o6/d", "bad port \"33o6\"");
    BAD_URL("mysql://u:hunter2%zz@h/d", "bad %-escape in the password");
    BAD_URL("mysql://u:hunter2%0@h/d", "bad %-escape in the password");
    BAD_URL("mysql://u:hunter2%00@h/d", "bad %-escape in the password");
    BAD_URL("mysql://:hunter2@h/d", "empty user name");
    BAD_URL("mysql://u:hunter2@[::1/d", "no ']'");
    BAD_URL("mysql://u:hunter2@[::1]x/d", "junk after ']'");
    BAD_URL("mysql://u:hunter2@h/a/b", "bad database name \"a/b\"");
    BAD_URL("mysql://u:hunter2@h/d?sock=/x", "unknown parameter \"sock\"");
    BAD_URL("mysql://u:hunter2@h/d?socket=", "empty socket path");
    BAD_URL("mysql://u:hunter2@127.0.0.1/d?socket=/x", "?socket= needs the host localhost");
}

static void test_url_mask(void)
{
    char *m = db_url_mask("mysql://u:hunter2@h/d?socket=/a@b");
    CU_ASSERT_STRING_EQUAL(m, "mysql://u:***@h/d?socket=/a@b");
    free(m);
    m = db_url_mask("mysql://u@h/d");
    CU_ASSERT_STRING_EQUAL(m, "mysql://u@h/d");
    free(m);
    m = db_url_mask("sqlite:a:b@c.db");
    CU_ASSERT_STRING_EQUAL(m, "sqlite:a:b@c.db");
    free(m);
}

/* --- both drivers ----------------------------------------------------------- */

static void test_open_create(void)
{
    Db *db = fresh();
    CU_ASSERT_EQUAL(db_dialect(db), g_dialect);
    CU_ASSERT_STRING_EQUAL(db_error(db), "");
    if (g_dialect == DB_SQLITE) {
        /* The file and its new directory, 0750 (less what umask takes). */
        char dir[600], file[700];
        struct stat sb;
        snprintf(dir, sizeof dir, "%s/t%d", g_tmp, g_seq);
        snprintf(file, sizeof file, "%s/ul.db", dir);
        mode_t um = umask(0);
        umask(um);
        CU_ASSERT_EQUAL(stat(file, &sb), 0);
        CU_ASSERT_EQUAL(sb.st_mode & 0777, 0600 & ~um); /* HA1s, the nonce key */
        CU_ASSERT_EQUAL(stat(dir, &sb), 0);
        CU_ASSERT_EQUAL(sb.st_mode & 0777, 0750 & ~um);
        CU_ASSERT_STRING_EQUAL(db_url_safe(db), g_url);
        /* A file where a directory should be. */
        char url[800], err[512] = "";
        snprintf(url, sizeof url, "sqlite:%s/sub/x.db", file);
        CU_ASSERT_PTR_NULL(db_open(url, err, sizeof err));
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot create the directory"));
        /* An existing database asked for: a missing one is not made. */
        char missing[700];
        snprintf(missing, sizeof missing, "%s/none/x.db", dir);
        snprintf(url, sizeof url, "sqlite:%s", missing);
        CU_ASSERT_PTR_NULL(db_open_existing(url, err, sizeof err));
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "no such database file"));
        CU_ASSERT_NOT_EQUAL(stat(missing, &sb), 0);
        snprintf(missing, sizeof missing, "%s/none", dir);
        CU_ASSERT_NOT_EQUAL(stat(missing, &sb), 0);
        Db *again = db_open_existing(g_url, err, sizeof err); /* one that exists opens */
        CU_ASSERT_PTR_NOT_NULL(again);
        db_close(again);
    } else {
        /* The password is in no log line. */
        DbUrl u;
        char err[512] = "";
        CU_ASSERT_EQUAL_FATAL(db_url_parse(g_url, &u, err, sizeof err), 0);
        if (u.pass && *u.pass)
            CU_ASSERT_PTR_NOT_NULL(strstr(db_url_safe(db), ":***@"));
        db_url_free(&u);
        /* A wrong password: refused, and the URL in the error masked. */
        char bad[600];
        const char *at = strrchr(g_url, '@');
        snprintf(bad, sizeof bad, "mysql://sipc:hunter2%s", at ? at : "@localhost/x");
        CU_ASSERT_PTR_NULL(db_open(bad, err, sizeof err));
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot connect"));
        CU_ASSERT_PTR_NULL(strstr(err, "hunter2"));
    }
    db_close(db);
}

static void test_migrate_from_zero(void)
{
    Db *db = fresh();
    CU_ASSERT_EQUAL(db_schema_current(), 4);
    CU_ASSERT_EQUAL(db_schema_version(db), 0);
    db_close(db);
    db = fresh_schema(); /* asserts from == 0 and the version after */
    CU_ASSERT_EQUAL(put_location(db, "alice@example.com", "sip:alice@192.0.2.1", NULL), DB_DONE);
    CU_ASSERT_EQUAL(count(db, "location"), 1);
    CU_ASSERT_EQUAL(count(db, "sipc_version"), 1);
    db_close(db);
}

static void test_remigrate_noop(void)
{
    char err[512] = "";
    int from = -2;
    Db *db = fresh_schema();
    CU_ASSERT_EQUAL(put_location(db, "alice@example.com", "sip:alice@192.0.2.1", NULL), DB_DONE);
    CU_ASSERT_EQUAL(db_schema_migrate(db, &from, err, sizeof err), 0);
    CU_ASSERT_EQUAL(from, db_schema_current());
    CU_ASSERT_EQUAL(db_schema_version(db), db_schema_current());
    CU_ASSERT_EQUAL(count(db, "location"), 1);
    CU_ASSERT_EQUAL(count(db, "sipc_version"), 1);
    db_close(db);
}

/* A database of version 1 (user location only) is upgraded in place:
 * its bindings stay, the later tables appear. */
static void test_migrate_one_to_two(void)
{
    char err[512] = "";
    int from = -2;
    Db *db = fresh_schema();
    CU_ASSERT_EQUAL(put_location(db, "alice@example.com", "sip:alice@192.0.2.1", NULL), DB_DONE);
    CU_ASSERT_EQUAL(db_exec(db, "DROP TABLE subscriber"), 0);
    CU_ASSERT_EQUAL(db_exec(db, "DROP TABLE trusted"), 0);
    CU_ASSERT_EQUAL(db_exec(db, "DROP TABLE sipc_secret"), 0);
    CU_ASSERT_EQUAL(db_exec(db, "UPDATE sipc_version SET version = 1 WHERE id = 1"), 0);
    CU_ASSERT_EQUAL(db_schema_version(db), 1);
    CU_ASSERT_EQUAL(db_schema_migrate(db, &from, err, sizeof err), 0);
    CU_ASSERT_EQUAL(from, 1);
    CU_ASSERT_EQUAL(db_schema_version(db), db_schema_current());
    CU_ASSERT_EQUAL(count(db, "location"), 1);
    CU_ASSERT_EQUAL(count(db, "subscriber"), 0);
    CU_ASSERT_EQUAL(count(db, "trusted"), 0);
    CU_ASSERT_EQUAL(count(db, "sipc_secret"), 0);
    db_close(db);
}

/* Version 2 on: the subscribers stay, the trusted table appears. */
static void test_migrate_two_to_three(void)
{
    char err[512] = "";
    int from = -2;
    Db *db = fresh_schema();
    CU_ASSERT_EQUAL(db_exec(db, "INSERT INTO subscriber (username, domain) VALUES ('alice', 'example.com')"), 0);
    CU_ASSERT_EQUAL(db_exec(db, "DROP TABLE trusted"), 0);
    CU_ASSERT_EQUAL(db_exec(db, "DROP TABLE sipc_secret"), 0);
    CU_ASSERT_EQUAL(db_exec(db, "UPDATE sipc_version SET version = 2 WHERE id = 1"), 0);
    CU_ASSERT_EQUAL(db_schema_migrate(db, &from, err, sizeof err), 0);
    CU_ASSERT_EQUAL(from, 2);
    CU_ASSERT_EQUAL(db_schema_version(db), db_schema_current());
    CU_ASSERT_EQUAL(count(db, "subscriber"), 1);
    CU_ASSERT_EQUAL(count(db, "trusted"), 0);
    db_close(db);
}

static void test_newer_refused(void)
{
    char err[512] = "";
    int from = -2;
    Db *db = fresh_schema();
    CU_ASSERT_EQUAL(db_exec(db, "UPDATE sipc_version SET version = 99 WHERE id = 1"), 0);
    CU_ASSERT_EQUAL(db_schema_version(db), 99);
    CU_ASSERT_EQUAL(db_schema_migrate(db, &from, err, sizeof err), -1);
    CU_ASSERT_EQUAL(from, 99);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "schema version 99, newer than this build knows (4)"));
    CU_ASSERT_EQUAL(db_schema_version(db), 99);
    db_close(db);
}

/* A foreign `location` table is not taken for ours. */
static void test_foreign_table_refused(void)
{
    char err[512] = "";
    int from = -2;
    Db *db = fresh();
    CU_ASSERT_EQUAL(db_exec(db, "CREATE TABLE location (username VARCHAR(64), contact VARCHAR(255))"), 0);
    CU_ASSERT_EQUAL(db_schema_migrate(db, &from, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "schema step 1 (user location)"));
    if (g_dialect == DB_SQLITE)
        CU_ASSERT_EQUAL(db_schema_version(db), 0); /* rolled back */
    db_exec(db, "DROP TABLE location");
    db_close(db);
}

static void test_bind_null(void)
{
    Db *db = fresh_kv();
    DbStmt *ins = db_prepare(db, "INSERT INTO t_kv (k, n, v) VALUES (?, ?, ?)");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ins);
    CU_ASSERT_EQUAL(db_bind_text(ins, 1, "a"), 0);
    CU_ASSERT_EQUAL(db_bind_text(ins, 2, NULL), 0); /* NULL for an int column */
    CU_ASSERT_EQUAL(db_bind_text(ins, 3, NULL), 0);
    CU_ASSERT_EQUAL(db_step(ins), DB_DONE);
    CU_ASSERT_EQUAL(db_changes(ins), 1);
    /* Bindings are kept: only k changes. */
    db_reset(ins);
    CU_ASSERT_EQUAL(db_bind_text(ins, 1, "b"), 0);
    CU_ASSERT_EQUAL(db_bind_text(ins, 3, ""), 0);
    CU_ASSERT_EQUAL(db_step(ins), DB_DONE);
    db_finalize(ins);

    DbStmt *sel = db_prepare(db, "SELECT k, n, v FROM t_kv ORDER BY k");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sel);
    CU_ASSERT_EQUAL_FATAL(db_step(sel), DB_ROW);
    CU_ASSERT_STRING_EQUAL(db_col_text(sel, 0), "a");
    CU_ASSERT_EQUAL(db_col_int(sel, 1), 0);
    CU_ASSERT_PTR_NULL(db_col_text(sel, 1));
    CU_ASSERT_PTR_NULL(db_col_text(sel, 2));
    CU_ASSERT_EQUAL_FATAL(db_step(sel), DB_ROW);
    CU_ASSERT_STRING_EQUAL(db_col_text(sel, 0), "b");
    CU_ASSERT_PTR_NOT_NULL(db_col_text(sel, 2)); /* '' is not NULL */
    CU_ASSERT_STRING_EQUAL(db_col_text(sel, 2), "");
    /* Out of range: NULL and 0, never a crash. */
    CU_ASSERT_PTR_NULL(db_col_text(sel, 3));
    CU_ASSERT_PTR_NULL(db_col_text(sel, -1));
    CU_ASSERT_EQUAL(db_col_int(sel, 9), 0);
    CU_ASSERT_EQUAL(db_step(sel), DB_DONE);
    CU_ASSERT_PTR_NULL(db_col_text(sel, 0)); /* no current row */
    db_finalize(sel);
    db_close(db);
}

static void test_ints(void)
{
    Db *db = fresh_kv();
    static const long long vals[] = {0, -1, 2147483648LL, -9223372036854775807LL - 1, 9223372036854775807LL};
    DbStmt *ins = db_prepare(db, "INSERT INTO t_kv (k, n) VALUES (?, ?)");
    DbStmt *sel = db_prepare(db, "SELECT n, k FROM t_kv WHERE k = ?");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ins);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sel);
    for (int i = 0; i < 5; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        db_bind_text(ins, 1, k);
        db_bind_int(ins, 2, vals[i]);
        CU_ASSERT_EQUAL(db_step(ins), DB_DONE);
        db_bind_text(sel, 1, k);
        CU_ASSERT_EQUAL_FATAL(db_step(sel), DB_ROW);
        CU_ASSERT_EQUAL(db_col_int(sel, 0), vals[i]);
        CU_ASSERT_EQUAL(db_step(sel), DB_DONE);
    }
    /* An int column read as text. */
    db_bind_text(sel, 1, "k2");
    CU_ASSERT_EQUAL_FATAL(db_step(sel), DB_ROW);
    CU_ASSERT_STRING_EQUAL(db_col_text(sel, 0), "2147483648");
    db_finalize(ins);
    db_finalize(sel);
    db_close(db);
}

static void test_long_text(void)
{
    Db *db = fresh_schema();
    char path[1025];
    for (int i = 0; i < 1000; i++)
        path[i] = (char)('a' + i % 26);
    path[1000] = '\0';
    CU_ASSERT_EQUAL(put_location(db, "long@example.com", "sip:a@192.0.2.1", path), DB_DONE);
    memset(path + 1000, 'z', 24);
    path[1024] = '\0'; /* the column's limit */
    CU_ASSERT_EQUAL(put_location(db, "long@example.com", "sip:b@192.0.2.1", path), DB_DONE);
    DbStmt *st = db_prepare(db, "SELECT path FROM location WHERE aor = ? ORDER BY contact");
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    db_bind_text(st, 1, "long@example.com");
    CU_ASSERT_EQUAL_FATAL(db_step(st), DB_ROW);
    CU_ASSERT_EQUAL(strlen(db_col_text(st, 0)), 1000);
    CU_ASSERT_EQUAL(strncmp(db_col_text(st, 0), path, 1000), 0);
    CU_ASSERT_EQUAL_FATAL(db_step(st), DB_ROW);
    CU_ASSERT_STRING_EQUAL(db_col_text(st, 0), path);
    db_finalize(st);
    /* One byte more than the column holds is an error in both drivers. */
    char longer[1026];
    memcpy(longer, path, 1024);
    strcpy(longer + 1024, "!");
    fprintf(stderr, "\n  (an expected error follows) ");
    CU_ASSERT_EQUAL(put_location(db, "long@example.com", "sip:c@192.0.2.1", longer), DB_ERR);
    db_close(db);

    /* Values growing row after row (the mysql driver's buffers grow). */
    db = fresh_kv();
    DbStmt *ins = db_prepare(db, "INSERT INTO t_kv (k, v) VALUES (?, ?)");
    static char big[8193];
    int sizes[] = {10, 127, 128, 129, 3000, 8192, 5};
    for (int i = 0; i < 7; i++) {
        char k[16];
        memset(big, 'A' + i, (size_t)sizes[i]);
        big[sizes[i]] = '\0';
        snprintf(k, sizeof k, "%d", i);
        db_bind_text(ins, 1, k);
        db_bind_text(ins, 2, big);
        CU_ASSERT_EQUAL(db_step(ins), DB_DONE);
    }
    db_finalize(ins);
    DbStmt *sel = db_prepare(db, "SELECT v, k FROM t_kv ORDER BY id");
    for (int i = 0; i < 7; i++) {
        CU_ASSERT_EQUAL_FATAL(db_step(sel), DB_ROW);
        const char *v = db_col_text(sel, 0);
        CU_ASSERT_EQUAL(strlen(v), (size_t)sizes[i]);
        CU_ASSERT(v[0] == 'A' + i && v[sizes[i] - 1] == 'A' + i);
        CU_ASSERT_EQUAL(db_col_int(sel, 1), i);
    }
    CU_ASSERT_EQUAL(db_step(sel), DB_DONE);
    db_finalize(sel);
    db_close(db);
}

static void test_binary_bytes(void)
{
    static const char *const nasty[] = {
        "'; DROP TABLE location; --",
        "a\"b'c`d;e\\f",
        "\\'\\\"\\0%_*",
        "sip:\xc3\xa9t\xc3\xa9@example.com", /* UTF-8 */
        "\xff\xfe\x80 \x01\x7f\t\r\n",      /* not UTF-8 at all */
        "<sip:x@example.com;lr>,<sip:y@example.com;lr>",
    };
    size_t n = sizeof nasty / sizeof nasty[0];
    Db *db = fresh_schema();
    for (size_t i = 0; i < n; i++) {
        char contact[32];
        snprintf(contact, sizeof contact, "sip:c%zu@192.0.2.1", i);
        CU_ASSERT_EQUAL(put_location(db, nasty[i], contact, nasty[i]), DB_DONE);
    }
    CU_ASSERT_EQUAL(count(db, "location"), (long long)n);
    DbStmt *st = db_prepare(db, "SELECT aor, path FROM location WHERE aor = ?");
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    for (size_t i = 0; i < n; i++) {
        db_bind_text(st, 1, nasty[i]);
        CU_ASSERT_EQUAL_FATAL(db_step(st), DB_ROW);
        CU_ASSERT_STRING_EQUAL(db_col_text(st, 0), nasty[i]);
        CU_ASSERT_STRING_EQUAL(db_col_text(st, 1), nasty[i]);
        CU_ASSERT_EQUAL(db_step(st), DB_DONE); /* exactly one row */
    }
    /* Byte-wise: no case folding, no trailing-space padding. */
    db_bind_text(st, 1, "'; drop table location; --");
    CU_ASSERT_EQUAL(db_step(st), DB_DONE);
    db_bind_text(st, 1, "'; DROP TABLE location; -- ");
    CU_ASSERT_EQUAL(db_step(st), DB_DONE);
    db_finalize(st);
    db_close(db);
}

static void test_changes(void)
{
    long long ch = -1;
    Db *db = fresh_kv();
    CU_ASSERT_EQUAL(RUN(db, "INSERT INTO t_kv (k, v) VALUES (?, ?)", &ch, "a", "1"), DB_DONE);
    CU_ASSERT_EQUAL(ch, 1);
    CU_ASSERT_EQUAL(RUN(db, "INSERT INTO t_kv (k, v) VALUES (?, ?)", &ch, "b", "1"), DB_DONE);
    /* Matched but unchanged still counts (CLIENT_FOUND_ROWS in mysql). */
    CU_ASSERT_EQUAL(RUN(db, "UPDATE t_kv SET v = ? WHERE k = ?", &ch, "1", "a"), DB_DONE);
    CU_ASSERT_EQUAL(ch, 1);
    CU_ASSERT_EQUAL(RUN(db, "UPDATE t_kv SET v = ? WHERE k = ?", &ch, "2", "a"), DB_DONE);
    CU_ASSERT_EQUAL(ch, 1);
    CU_ASSERT_EQUAL(RUN(db, "UPDATE t_kv SET v = ? WHERE k = ?", &ch, "2", "nobody"), DB_DONE);
    CU_ASSERT_EQUAL(ch, 0);
    CU_ASSERT_EQUAL(RUN(db, "UPDATE t_kv SET v = ?", &ch, "1"), DB_DONE);
    CU_ASSERT_EQUAL(ch, 2);
    /* A SELECT changes nothing, whatever ran before it. */
    CU_ASSERT_EQUAL(RUN(db, "SELECT k FROM t_kv WHERE v = ?", &ch, "1"), DB_ROW);
    CU_ASSERT_EQUAL(ch, 0);
    CU_ASSERT_EQUAL(RUN(db, "DELETE FROM t_kv WHERE v = ?", &ch, "1"), DB_DONE);
    CU_ASSERT_EQUAL(ch, 2);
    db_close(db);
}

static void test_unique_violation(void)
{
    Db *db = fresh_schema();
    CU_ASSERT_EQUAL(put_location(db, "bob@example.com", "sip:bob@192.0.2.2", NULL), DB_DONE);
    fprintf(stderr, "\n  (an expected error follows) ");
    CU_ASSERT_EQUAL(put_location(db, "bob@example.com", "sip:bob@192.0.2.2", NULL), DB_ERR);
    CU_ASSERT_NOT_EQUAL(db_error(db)[0], '\0');
    /* The same contact for another AOR, or another table, is fine. */
    CU_ASSERT_EQUAL(put_location(db, "bob2@example.com", "sip:bob@192.0.2.2", NULL), DB_DONE);
    CU_ASSERT_EQUAL(count(db, "location"), 2);
    /* A failed statement runs again after binding. */
    DbStmt *st = db_prepare(db, "INSERT INTO location (tbl, aor, contact, expires, q, callid, cseq, last_modified)"
                                " VALUES ('location', 'bob@example.com', ?, 1, 1, 'c', 1, 1)");
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    db_bind_text(st, 1, "sip:bob@192.0.2.2");
    CU_ASSERT_EQUAL(db_step(st), DB_ERR);
    db_bind_text(st, 1, "sip:bob@192.0.2.3");
    CU_ASSERT_EQUAL(db_step(st), DB_DONE);
    db_finalize(st);
    CU_ASSERT_EQUAL(count(db, "location"), 3);
    db_close(db);
}

static void test_transactions(void)
{
    Db *db = fresh_schema();
    CU_ASSERT_EQUAL(db_commit(db), -1); /* none open */
    CU_ASSERT_EQUAL(db_begin(db), 0);
    CU_ASSERT_EQUAL(db_begin(db), -1); /* no nesting */
    CU_ASSERT_EQUAL(put_location(db, "tx@example.com", "sip:a@192.0.2.1", NULL), DB_DONE);
    CU_ASSERT_EQUAL(put_location(db, "tx@example.com", "sip:b@192.0.2.1", NULL), DB_DONE);
    CU_ASSERT_EQUAL(count(db, "location"), 2);
    CU_ASSERT_EQUAL(db_rollback(db), 0);
    CU_ASSERT_EQUAL(count(db, "location"), 0);
    CU_ASSERT_EQUAL(db_begin(db), 0);
    CU_ASSERT_EQUAL(put_location(db, "tx@example.com", "sip:a@192.0.2.1", NULL), DB_DONE);
    CU_ASSERT_EQUAL(db_commit(db), 0);
    CU_ASSERT_EQUAL(count(db, "location"), 1);
    db_close(db);
}

/* Rows, resets, rebinding, and one statement running while another's rows
 * are being read. */
static void test_rows_and_reset(void)
{
    long long ch;
    Db *db = fresh_kv();
    for (int i = 0; i < 5; i++) {
        char k[4] = {(char)('a' + i), '\0'};
        CU_ASSERT_EQUAL(RUN(db, "INSERT INTO t_kv (k, v) VALUES (?, ?)", &ch, k, "x"), DB_DONE);
    }
    DbStmt *sel = db_prepare(db, "SELECT k FROM t_kv WHERE v = ? ORDER BY k");
    DbStmt *del = db_prepare(db, "DELETE FROM t_kv WHERE k = ?");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sel);
    CU_ASSERT_PTR_NOT_NULL_FATAL(del);
    db_bind_text(sel, 1, "x");
    CU_ASSERT_EQUAL_FATAL(db_step(sel), DB_ROW);
    CU_ASSERT_STRING_EQUAL(db_col_text(sel, 0), "a");
    db_reset(sel); /* and again from the start, with the same binding */
    char seen[8] = "";
    int rc;
    while ((rc = db_step(sel)) == DB_ROW) {
        strcat(seen, db_col_text(sel, 0));
        if (!strcmp(db_col_text(sel, 0), "b")) {
            db_bind_text(del, 1, "d"); /* interleaved with the read */
            CU_ASSERT_EQUAL(db_step(del), DB_DONE);
            CU_ASSERT_EQUAL(db_changes(del), 1);
        }
    }
    CU_ASSERT_EQUAL(rc, DB_DONE);
    /* SQLite may or may not see the row deleted under the cursor; MySQL
     * read the rows before. */
    CU_ASSERT(!strcmp(seen, "abcde") || !strcmp(seen, "abce"));
    /* Stepping after DB_DONE runs it again; rebinding mid-read restarts. */
    CU_ASSERT_EQUAL(db_step(sel), DB_ROW);
    CU_ASSERT_STRING_EQUAL(db_col_text(sel, 0), "a");
    CU_ASSERT_EQUAL(db_bind_text(sel, 1, "nothing"), 0);
    CU_ASSERT_EQUAL(db_step(sel), DB_DONE);
    db_finalize(sel);
    db_finalize(del);
    db_close(db);
}

static void test_errors(void)
{
    Db *db = fresh_kv();
    fprintf(stderr, "\n  (expected errors follow) ");
    CU_ASSERT_PTR_NULL(db_prepare(db, "SELEKT nonsense"));
    CU_ASSERT_NOT_EQUAL(db_error(db)[0], '\0');
    CU_ASSERT_PTR_NULL(db_prepare(db, "SELECT * FROM no_such_table"));
    CU_ASSERT_EQUAL(db_exec(db, "DROP TABLE no_such_table"), -1);
    DbStmt *st = db_prepare(db, "INSERT INTO t_kv (k, v) VALUES (?, ?)");
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_EQUAL(db_bind_text(st, 0, "x"), -1);
    CU_ASSERT_EQUAL(db_bind_int(st, 3, 1), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(db_error(db), "parameter 3 out of range"));
    CU_ASSERT_EQUAL(db_bind_text(st, 1, "x"), 0);
    CU_ASSERT_EQUAL(db_step(st), DB_ERR);
    CU_ASSERT_STRING_EQUAL(db_error(db), "parameter 2 is not bound");
    CU_ASSERT_EQUAL(db_bind_text(st, 2, "y"), 0);
    CU_ASSERT_EQUAL(db_step(st), DB_DONE);
    db_finalize(st);
    CU_ASSERT_EQUAL(count(db, "t_kv"), 1);
    db_close(db);
}

/* --- registration ------------------------------------------------------------ */

/* clang-format off */
static const struct { const char *name; CU_TestFunc fn; } driver_tests[] = {
    {"open, create the file and directory", test_open_create},
    {"migrate from version 0",              test_migrate_from_zero},
    {"migrate again is a no-op",            test_remigrate_noop},
    {"version 1 upgrades to 4",             test_migrate_one_to_two},
    {"version 2 upgrades to 4",             test_migrate_two_to_three},
    {"a newer schema is refused",           test_newer_refused},
    {"a foreign location table is refused", test_foreign_table_refused},
    {"bind, step, columns, NULL",           test_bind_null},
    {"64-bit integers",                     test_ints},
    {"long text",                           test_long_text},
    {"quotes, semicolons, non-UTF-8 bytes", test_binary_bytes},
    {"db_changes counts matched rows",      test_changes},
    {"unique key violation is DB_ERR",      test_unique_violation},
    {"begin, rollback, commit",             test_transactions},
    {"rows, reset, interleaved statements", test_rows_and_reset},
    {"prepare and bind errors",             test_errors},
};
/* clang-format on */

static void add_driver_tests(CU_pSuite s)
{
    for (size_t i = 0; i < sizeof driver_tests / sizeof driver_tests[0]; i++)
        CU_add_test(s, driver_tests[i].name, driver_tests[i].fn);
}

void unit_add_db_suites(void)
{
    CU_pSuite s = CU_add_suite("db_url", NULL, NULL);
    CU_add_test(s, "sqlite URLs", test_url_sqlite);
    CU_add_test(s, "mysql URLs, percent-decoding", test_url_mysql);
    CU_add_test(s, "bad URLs, and no password in errors", test_url_errors);
    CU_add_test(s, "the password masked for logs", test_url_mask);

    add_driver_tests(CU_add_suite("db_sqlite", sqlite_init, sqlite_clean));

    const char *url = getenv("SIPC_TEST_MYSQL_URL");
    g_mysql_url = url && *url ? url : NULL;
    s = CU_add_suite("db_mysql", mysql_init, mysql_clean);
    add_driver_tests(s);
    if (!g_mysql_url) {
        CU_set_suite_active(s, CU_FALSE);
        fprintf(stderr, "db_mysql: not run: SIPC_TEST_MYSQL_URL is not set (tests/db/run.sh starts a "
                        "MariaDB and sets it; `make check` runs it)\n");
    }
}
