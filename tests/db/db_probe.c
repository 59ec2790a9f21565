/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * db_probe.c - the db layer driven from tests/db/run.sh, for what a unit
 * test cannot do alone:
 *
 *   db_probe put URL AOR CONTACT EXPIRES_IN [NAME=VALUE...]
 *       migrate, then write one location row (NAME: tbl q path received
 *       sock instance reg_id ua callid cseq flags); fixtures for sipctl ul
 *   db_probe kill9 URL AOR CONTACT
 *       write one row, then SIGKILL itself: the row must survive
 *   db_probe reconnect URL
 *       one connection across server restarts, cued on stdin (see
 *       reconnect() below); prints what it saw, exit 0 when all was right
 *
 * Exit status: 0 as expected, 1 not, 2 usage.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"

#define INSERT_SQL                                                                                           \
    "INSERT INTO location (tbl, aor, contact, received, path, sock, expires, q, callid, cseq, instance,"    \
    " reg_id, user_agent, flags, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

static Db *open_migrated(const char *url)
{
    char err[512];
    int from;
    Db *db = db_open(url, err, sizeof err);
    if (!db) {
        fprintf(stderr, "db_probe: %s\n", err);
        return NULL;
    }
    if (db_schema_migrate(db, &from, err, sizeof err) < 0) {
        fprintf(stderr, "db_probe: %s\n", err);
        db_close(db);
        return NULL;
    }
    return db;
}

/* The value of NAME=VALUE among args, or def. */
static const char *opt(int argc, char **argv, const char *name, const char *def)
{
    size_t n = strlen(name);
    for (int i = 0; i < argc; i++)
        if (!strncmp(argv[i], name, n) && argv[i][n] == '=')
            return argv[i] + n + 1;
    return def;
}

/* Binds one location row (text options absent: NULL). */
static void bind_row(DbStmt *st, const char *aor, const char *contact, long long expires, int argc, char **argv)
{
    time_t now = time(NULL);
    db_bind_text(st, 1, opt(argc, argv, "tbl", "location"));
    db_bind_text(st, 2, aor);
    db_bind_text(st, 3, contact);
    db_bind_text(st, 4, opt(argc, argv, "received", NULL));
    db_bind_text(st, 5, opt(argc, argv, "path", NULL));
    db_bind_text(st, 6, opt(argc, argv, "sock", NULL));
    db_bind_int(st, 7, (long long)now + expires);
    db_bind_int(st, 8, atoi(opt(argc, argv, "q", "-1")));
    db_bind_text(st, 9, opt(argc, argv, "callid", "probe-call-id"));
    db_bind_int(st, 10, atoi(opt(argc, argv, "cseq", "1")));
    db_bind_text(st, 11, opt(argc, argv, "instance", NULL));
    db_bind_int(st, 12, atoi(opt(argc, argv, "reg_id", "0")));
    db_bind_text(st, 13, opt(argc, argv, "ua", NULL));
    db_bind_int(st, 14, atoi(opt(argc, argv, "flags", "0")));
    db_bind_int(st, 15, (long long)now);
}

static int put(Db *db, const char *aor, const char *contact, long long expires, int argc, char **argv)
{
    DbStmt *st = db_prepare(db, INSERT_SQL);
    if (!st) {
        fprintf(stderr, "db_probe: %s\n", db_error(db));
        return 1;
    }
    bind_row(st, aor, contact, expires, argc, argv);
    int rc = db_step(st);
    if (rc != DB_DONE)
        fprintf(stderr, "db_probe: insert: %s\n", db_error(db));
    db_finalize(st);
    return rc == DB_DONE ? 0 : 1;
}

/* Waits for the cue line from the driving script; 0, or -1 at EOF. */
static int cue(const char *want)
{
    char line[64];
    if (!fgets(line, sizeof line, stdin))
        return -1;
    line[strcspn(line, "\n")] = '\0';
    if (strcmp(line, want)) {
        fprintf(stderr, "db_probe: got cue \"%s\", want \"%s\"\n", line, want);
        return -1;
    }
    return 0;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

static int insert(DbStmt *ins, const char *contact)
{
    char *args[] = {"ua=db_probe"};
    bind_row(ins, "reconnect@example.com", contact, 3600, 1, args);
    return db_step(ins);
}

static long long count_rows(DbStmt *cnt)
{
    db_reset(cnt);
    long long n = db_step(cnt) == DB_ROW ? db_col_int(cnt, 0) : -1;
    db_reset(cnt);
    return n;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The script's side, line by line on stdin, after each "ready N" here:
 *   ready 1 -> restart the server -> "restarted"
 *      a write on the same statement succeeds (reconnect, prepare again,
 *      rebind); a statement prepared before the restart works too
 *   ready 2 -> restart inside a transaction -> "restarted"
 *      the write fails (no retry in a transaction); ROLLBACK succeeds and
 *      the server has dropped the transaction's first write
 *   ready 3 -> stop the server -> "stopped"
 *      a write fails within a few seconds
 *   ready 4 -> start it again -> "started"
 *      the next write succeeds
 */
static int reconnect(const char *url)
{
    Db *db = open_migrated(url);
    if (!db)
        return 1;
    int ok = 0;
    DbStmt *ins = db_prepare(db, INSERT_SQL);
    DbStmt *cnt = db_prepare(db, "SELECT count(*) FROM location WHERE aor = 'reconnect@example.com'");
    DbStmt *del = db_prepare(db, "DELETE FROM location WHERE aor = 'reconnect@example.com'");
    if (!ins || !cnt || !del || db_step(del) != DB_DONE) {
        say("setup failed: %s", db_error(db));
        goto out;
    }
    if (insert(ins, "sip:one@192.0.2.1") != DB_DONE) {
        say("first write failed: %s", db_error(db));
        goto out;
    }
    say("ready 1");
    if (cue("restarted") < 0)
        goto out;
    if (insert(ins, "sip:two@192.0.2.1") != DB_DONE) {
        say("write after restart failed: %s", db_error(db));
        goto out;
    }
    long long n = count_rows(cnt);
    say("write after restart ok, %lld rows", n);
    if (n != 2)
        goto out;

    if (db_begin(db) < 0 || insert(ins, "sip:three@192.0.2.1") != DB_DONE) {
        say("write in transaction failed: %s", db_error(db));
        goto out;
    }
    say("ready 2");
    if (cue("restarted") < 0)
        goto out;
    if (insert(ins, "sip:four@192.0.2.1") != DB_ERR) {
        say("a write in a broken transaction did not fail");
        goto out;
    }
    say("write in broken transaction failed: %s", db_error(db));
    if (db_rollback(db) < 0) {
        say("rollback failed: %s", db_error(db));
        goto out;
    }
    n = count_rows(cnt);
    say("rolled back, %lld rows", n);
    if (n != 2)
        goto out;

    say("ready 3");
    if (cue("stopped") < 0)
        goto out;
    long long t0 = now_ms();
    if (insert(ins, "sip:five@192.0.2.1") != DB_ERR) {
        say("a write with the server down did not fail");
        goto out;
    }
    long long took = now_ms() - t0;
    say("write with the server down failed after %s: %s", took < 5000 ? "< 5 s" : "too long", db_error(db));
    if (took >= 5000)
        goto out;
    say("ready 4");
    if (cue("started") < 0)
        goto out;
    if (insert(ins, "sip:six@192.0.2.1") != DB_DONE) {
        say("write after the server came back failed: %s", db_error(db));
        goto out;
    }
    n = count_rows(cnt);
    say("write after the server came back ok, %lld rows", n);
    ok = n == 3;
out:
    db_close(db);
    say(ok ? "reconnect ok" : "reconnect FAILED");
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 6 && !strcmp(argv[1], "put")) {
        Db *db = open_migrated(argv[2]);
        if (!db)
            return 1;
        int rc = put(db, argv[3], argv[4], atoll(argv[5]), argc - 6, argv + 6);
        db_close(db);
        return rc;
    }
    if (argc == 5 && !strcmp(argv[1], "kill9")) {
        Db *db = open_migrated(argv[2]);
        if (!db || put(db, argv[3], argv[4], 3600, 0, NULL))
            return 1;
        /* No db_close(), no exit(): as a crash would leave it. */
        raise(SIGKILL);
        return 1;
    }
    if (argc == 3 && !strcmp(argv[1], "reconnect"))
        return reconnect(argv[2]);
    fprintf(stderr, "usage: db_probe put URL AOR CONTACT EXPIRES_IN [NAME=VALUE...]\n"
                    "       db_probe kill9 URL AOR CONTACT\n"
                    "       db_probe reconnect URL\n");
    return 2;
}
