/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * db_schema.c - the versioned schema of sipc's tables, shared by sipd and
 * `sipctl db`.
 *
 * The version lives in one row of sipc_version (id 1).  A database without
 * that table, or with the table but no row, is at version 0.  Migration
 * runs the steps above the version found, in order, each a list of
 * statements per dialect, and writes the step's version after it:
 *
 *   SQLite  the whole migration is one transaction (BEGIN IMMEDIATE, so
 *           two migrators queue): it happens entirely or not at all
 *   MySQL   DDL commits by itself, so a failed run leaves the steps before
 *           the failing one done and recorded; every statement is written
 *           to be run again (IF NOT EXISTS), so running migrate again
 *           resumes.  GET_LOCK keeps two migrators apart.
 *
 * IF NOT EXISTS would also accept someone else's table of the same name;
 * each step therefore ends with a query naming every column it created,
 * which fails on a foreign table.
 *
 * Adding a version: append a step (never edit a released one); the last
 * step's version is db_schema_current(), and old databases walk every step.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "db_internal.h"

typedef struct SchemaStep {
    int version;
    const char *what;
    const char *const *sql[2]; /* [DB_SQLITE], [DB_MYSQL]; NULL-terminated */
    const char *check;         /* fails unless the step's tables are ours */
} SchemaStep;

/* clang-format off */
static const char *const version_table[2] = {
    [DB_SQLITE] = "CREATE TABLE IF NOT EXISTS sipc_version (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)",
    [DB_MYSQL]  = "CREATE TABLE IF NOT EXISTS sipc_version (id INT PRIMARY KEY, version INT NOT NULL) "
                  "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
};

/* SQLite does not enforce declared lengths; CHECKs make an over-long value
 * an error there as MySQL's strict mode does here (CAST: bytes, not
 * characters). */
#define SQ_MAX(col, n) "CHECK (length(CAST(" col " AS BLOB)) <= " #n ")"

/* The unique key (tbl, aor, contact) also serves lookups by (tbl, aor),
 * as its prefix, in both engines: no separate index for them. */
static const char *const location_sqlite[] = {
    "CREATE TABLE IF NOT EXISTS location ("
    " id            INTEGER PRIMARY KEY," /* the rowid: ids are not reused while the row lives */
    " tbl           TEXT NOT NULL " SQ_MAX("tbl", 64) ","
    " aor           TEXT NOT NULL " SQ_MAX("aor", 255) ","
    " contact       TEXT NOT NULL " SQ_MAX("contact", 512) ","
    " received      TEXT " SQ_MAX("received", 255) ","
    " path          TEXT " SQ_MAX("path", 1024) ","
    " sock          TEXT " SQ_MAX("sock", 128) ","
    " expires       INTEGER NOT NULL,"
    " q             INTEGER NOT NULL,"
    " callid        TEXT NOT NULL " SQ_MAX("callid", 255) ","
    " cseq          INTEGER NOT NULL,"
    " instance      TEXT " SQ_MAX("instance", 255) ","
    " reg_id        INTEGER NOT NULL DEFAULT 0,"
    " user_agent    TEXT " SQ_MAX("user_agent", 255) ","
    " flags         INTEGER NOT NULL DEFAULT 0,"
    " last_modified INTEGER NOT NULL,"
    " UNIQUE (tbl, aor, contact))",
    "CREATE INDEX IF NOT EXISTS location_expires ON location (expires)",
    NULL,
};

static const char *const location_mysql[] = {
    "CREATE TABLE IF NOT EXISTS location ("
    " id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
    " tbl           VARBINARY(64) NOT NULL,"
    " aor           VARBINARY(255) NOT NULL,"
    " contact       VARBINARY(512) NOT NULL,"
    " received      VARBINARY(255) NULL,"
    " path          VARBINARY(1024) NULL,"
    " sock          VARBINARY(128) NULL,"
    " expires       BIGINT NOT NULL,"
    " q             INT NOT NULL,"
    " callid        VARBINARY(255) NOT NULL,"
    " cseq          INT NOT NULL,"
    " instance      VARBINARY(255) NULL,"
    " reg_id        INT NOT NULL DEFAULT 0,"
    " user_agent    VARBINARY(255) NULL,"
    " flags         INT NOT NULL DEFAULT 0,"
    " last_modified BIGINT NOT NULL,"
    " UNIQUE KEY location_tbl_aor_contact (tbl, aor, contact),"
    " KEY location_expires (expires)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    NULL,
};

/* Version 2: the provisioned users (runtime/subscriber.c, sipctl user),
 * with their digest HA1s (hex of MD5 / SHA-256 over "user:realm:password";
 * empty when not set), and an index for reading one AOR across tables. */
static const char *const subscriber_sqlite[] = {
    "CREATE TABLE IF NOT EXISTS subscriber ("
    " id            INTEGER PRIMARY KEY,"
    " username      TEXT NOT NULL " SQ_MAX("username", 64) ","
    " domain        TEXT NOT NULL " SQ_MAX("domain", 128) ","
    " ha1           TEXT NOT NULL DEFAULT '' " SQ_MAX("ha1", 64) ","
    " ha1_sha256    TEXT NOT NULL DEFAULT '' " SQ_MAX("ha1_sha256", 64) ","
    " UNIQUE (username, domain))",
    "CREATE INDEX IF NOT EXISTS location_aor ON location (aor)",
    NULL,
};

static const char *const subscriber_mysql[] = {
    "CREATE TABLE IF NOT EXISTS subscriber ("
    " id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
    " username      VARBINARY(64) NOT NULL,"
    " domain        VARBINARY(128) NOT NULL,"
    " ha1           VARBINARY(64) NOT NULL DEFAULT '',"
    " ha1_sha256    VARBINARY(64) NOT NULL DEFAULT '',"
    " UNIQUE KEY subscriber_user_domain (username, domain)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    "CREATE INDEX IF NOT EXISTS location_aor ON location (aor)",
    NULL,
};

/* Version 3: the trusted peers (runtime/trusted.c, sipctl trusted):
 * source address or CIDR block, transport, an optional regular
 * expression for the From URI, a tag naming the peer. */
static const char *const trusted_sqlite[] = {
    "CREATE TABLE IF NOT EXISTS trusted ("
    " id            INTEGER PRIMARY KEY,"
    " src           TEXT NOT NULL " SQ_MAX("src", 64) ","
    " proto         TEXT NOT NULL DEFAULT 'any' " SQ_MAX("proto", 8) ","
    " from_pattern  TEXT " SQ_MAX("from_pattern", 255) ","
    " tag           TEXT " SQ_MAX("tag", 64) ")",
    NULL,
};

static const char *const trusted_mysql[] = {
    "CREATE TABLE IF NOT EXISTS trusted ("
    " id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
    " src           VARBINARY(64) NOT NULL,"
    " proto         VARBINARY(8) NOT NULL DEFAULT 'any',"
    " from_pattern  VARBINARY(255) NULL,"
    " tag           VARBINARY(64) NULL"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    NULL,
};

/* Version 4: the nonce key of the nodes sharing this database (runtime/
 * auth_secret.c), made by the first node that needs it, when the policies
 * set no auth.secret. */
static const char *const secret_sqlite[] = {
    "CREATE TABLE IF NOT EXISTS sipc_secret ("
    " id            INTEGER PRIMARY KEY,"
    " secret        TEXT NOT NULL " SQ_MAX("secret", 128) ")",
    NULL,
};

static const char *const secret_mysql[] = {
    "CREATE TABLE IF NOT EXISTS sipc_secret ("
    " id            INT NOT NULL PRIMARY KEY,"
    " secret        VARBINARY(128) NOT NULL"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    NULL,
};

static const SchemaStep steps[] = {
    {1, "user location", {location_sqlite, location_mysql},
     "SELECT id, tbl, aor, contact, received, path, sock, expires, q, callid, cseq, instance, reg_id,"
     " user_agent, flags, last_modified FROM location WHERE 1 = 0"},
    {2, "subscribers", {subscriber_sqlite, subscriber_mysql},
     "SELECT id, username, domain, ha1, ha1_sha256 FROM subscriber WHERE 1 = 0"},
    {3, "trusted peers", {trusted_sqlite, trusted_mysql},
     "SELECT id, src, proto, from_pattern, tag FROM trusted WHERE 1 = 0"},
    {4, "the shared nonce key", {secret_sqlite, secret_mysql},
     "SELECT id, secret FROM sipc_secret WHERE 1 = 0"},
};
/* clang-format on */

#define NSTEPS ((int)(sizeof steps / sizeof steps[0]))

int db_schema_current(void)
{
    return steps[NSTEPS - 1].version;
}

/* The first column of the first row of sql as an integer: 1 with *out set,
 * 0 when there is no row, -1 on error. */
static int query_int(Db *db, const char *sql, long long *out)
{
    DbStmt *st = db_prepare(db, sql);
    if (!st)
        return -1;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = db_col_int(st, 0);
    db_finalize(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int db_schema_version(Db *db)
{
    static const char *const has_table[2] = {
        [DB_SQLITE] = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sipc_version'",
        [DB_MYSQL] = "SELECT count(*) FROM information_schema.tables"
                     " WHERE table_schema = DATABASE() AND table_name = 'sipc_version'",
    };
    long long n = 0, v = 0;
    if (query_int(db, has_table[db_dialect(db)], &n) < 0)
        return -1;
    if (n == 0)
        return 0;
    int rc = query_int(db, "SELECT version FROM sipc_version WHERE id = 1", &v);
    if (rc < 0)
        return -1;
    if (rc == 0 || v < 0)
        return 0; /* a MySQL init that died before writing the row */
    return v > INT_MAX ? INT_MAX : (int)v;
}

static int set_version(Db *db, int version)
{
    int rc = -1;
    DbStmt *up = db_prepare(db, "UPDATE sipc_version SET version = ? WHERE id = 1");
    DbStmt *in = db_prepare(db, "INSERT INTO sipc_version (id, version) VALUES (1, ?)");
    if (!up || !in || db_bind_int(up, 1, version) < 0 || db_step(up) != DB_DONE)
        goto out;
    /* The UPDATE counts the row it matched even when the version was
     * already this one (both drivers). */
    if (db_changes(up) == 0 && (db_bind_int(in, 1, version) < 0 || db_step(in) != DB_DONE))
        goto out;
    rc = 0;
out:
    db_finalize(up);
    db_finalize(in);
    return rc;
}

/* A step's statements and its check, then its version row. */
static int run_step(Db *db, const SchemaStep *s, char *err, size_t errlen)
{
    for (const char *const *sql = s->sql[db_dialect(db)]; *sql; sql++)
        if (db_exec(db, *sql) < 0)
            goto fail;
    long long unused;
    if (query_int(db, s->check, &unused) < 0 || set_version(db, s->version) < 0)
        goto fail;
    return 0;
fail:
    snprintf(err, errlen, "schema step %d (%s): %s", s->version, s->what, db_error(db));
    return -1;
}

/* The steps above the version found; called inside the dialect's guard. */
static int upgrade(Db *db, int *from, char *err, size_t errlen)
{
    int v = db_schema_version(db);
    if (v < 0) {
        snprintf(err, errlen, "reading the schema version: %s", db_error(db));
        return -1;
    }
    *from = v;
    if (v > db_schema_current()) {
        snprintf(err, errlen,
                 "the database has schema version %d, newer than this build knows (%d): "
                 "use a newer sipc, or another database",
                 v, db_schema_current());
        return -1;
    }
    if (v == db_schema_current())
        return 0;
    if (db_exec(db, version_table[db_dialect(db)]) < 0) {
        snprintf(err, errlen, "creating sipc_version: %s", db_error(db));
        return -1;
    }
    for (int i = 0; i < NSTEPS; i++)
        if (steps[i].version > v && run_step(db, &steps[i], err, errlen) < 0)
            return -1;
    return 0;
}

static int migrate_sqlite(Db *db, int *from, char *err, size_t errlen)
{
    if (db_begin(db) < 0) {
        snprintf(err, errlen, "starting the migration: %s", db_error(db));
        return -1;
    }
    if (upgrade(db, from, err, errlen) < 0) {
        db_rollback(db);
        return -1;
    }
    if (db_commit(db) < 0) {
        snprintf(err, errlen, "committing the migration: %s", db_error(db));
        db_rollback(db);
        return -1;
    }
    return 0;
}

static int migrate_mysql(Db *db, int *from, char *err, size_t errlen)
{
    long long got = 0;
    int rc = query_int(db, "SELECT GET_LOCK('sipc_schema', 30)", &got);
    if (rc < 0 || got != 1) {
        snprintf(err, errlen, "%s", rc < 0 ? db_error(db) : "another migration holds the lock 'sipc_schema'");
        return -1;
    }
    rc = upgrade(db, from, err, errlen);
    db_exec(db, "DO RELEASE_LOCK('sipc_schema')");
    return rc;
}

int db_schema_migrate(Db *db, int *from, char *err, size_t errlen)
{
    int found = -1;
    int rc = db_dialect(db) == DB_SQLITE ? migrate_sqlite(db, &found, err, errlen)
                                         : migrate_mysql(db, &found, err, errlen);
    if (from)
        *from = found;
    return rc;
}
