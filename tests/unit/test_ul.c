/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_ul.c - user location (runtime/ul*.c) in every storage mode, over
 * SQLite always and over MariaDB when SIPC_TEST_MYSQL_URL names one
 * (tests/db/run.sh starts a real server and sets it; `make check` runs
 * that).  The same cases run for each database: the suite is registered
 * once per URL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "ul.h"
#include "unit.h"

#define T0 1767225600LL /* any fixed instant */

static char sqlite_dir[64];
static char sqlite_url[128];
static const char *cur_url; /* the database of the suite running */

static Db *open_fresh(void)
{
    char err[256];
    Db *db = db_open(cur_url, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    int from;
    CU_ASSERT_EQUAL_FATAL(db_schema_migrate(db, &from, err, sizeof err), 0);
    CU_ASSERT_EQUAL(db_exec(db, "DELETE FROM location"), 0);
    return db;
}

static Ul *make_ul(UlMode mode, Db *db)
{
    char err[256];
    Ul *ul = ul_create(mode, db, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ul);
    CU_ASSERT(ul_load(ul, T0, err, sizeof err) >= 0);
    return ul;
}

static UlBinding binding(const char *contact, int64_t expires, int q)
{
    return (UlBinding){.contact = contact, .callid = "call-1@host", .cseq = 1, .expires = expires, .q = q,
                       .last_modified = T0, .user_agent = "unit", .path = NULL};
}

static int put(Ul *ul, const char *aor, UlBinding b)
{
    UlEdit e = {.op = UL_PUT, .b = b};
    return ul_apply(ul, "location", aor, &e, 1, T0);
}

static int count(Ul *ul, const char *aor, int64_t now)
{
    UlList l;
    if (ul_get(ul, "location", aor, now, &l) < 0)
        return -1;
    int n = l.n;
    ul_list_free(&l);
    return n;
}

/* memory: put, replace, order by q then recency, remove, expire. */
static void test_memory_basics(void)
{
    Ul *ul = make_ul(UL_MEMORY, NULL);
    CU_ASSERT_EQUAL(put(ul, "alice@example.com", binding("sip:a@192.0.2.1", T0 + 60, 500)), 0);
    CU_ASSERT_EQUAL(put(ul, "alice@example.com", binding("sip:a@192.0.2.2", T0 + 60, -1)), 0);
    UlBinding newer = binding("sip:a@192.0.2.3", T0 + 30, 500);
    newer.last_modified = T0 + 1;
    CU_ASSERT_EQUAL(put(ul, "alice@example.com", newer), 0);
    UlList l;
    CU_ASSERT_EQUAL(ul_get(ul, "location", "alice@example.com", T0, &l), 0);
    CU_ASSERT_EQUAL_FATAL(l.n, 3);
    CU_ASSERT_STRING_EQUAL(l.b[0].contact, "sip:a@192.0.2.2"); /* no q = 1.0 */
    CU_ASSERT_STRING_EQUAL(l.b[1].contact, "sip:a@192.0.2.3"); /* same q, more recent */
    CU_ASSERT_STRING_EQUAL(l.b[2].contact, "sip:a@192.0.2.1");
    CU_ASSERT_STRING_EQUAL(l.b[0].user_agent, "unit");
    ul_list_free(&l);
    /* the same contact again replaces it */
    CU_ASSERT_EQUAL(put(ul, "alice@example.com", binding("sip:a@192.0.2.1", T0 + 90, 100)), 0);
    CU_ASSERT_EQUAL(count(ul, "alice@example.com", T0), 3);
    CU_ASSERT_EQUAL(ul_count_bindings(ul), 3);
    /* tables are separate */
    CU_ASSERT_EQUAL(count(ul, "bob@example.com", T0), 0);
    /* reads skip expired bindings before the sweep reaches them */
    CU_ASSERT_EQUAL(count(ul, "alice@example.com", T0 + 45), 2);
    CU_ASSERT_EQUAL(ul_expire(ul, T0 + 1000) >= 0, 1);
    while (ul_count_bindings(ul) && ul_expire(ul, T0 + 1000) > 0)
        ;
    CU_ASSERT_EQUAL(count(ul, "alice@example.com", T0), 0);
    CU_ASSERT_EQUAL(ul_count_records(ul), 0);
    CU_ASSERT_EQUAL(put(ul, "bob@example.com", binding("sip:b@192.0.2.9", T0 + 60, -1)), 0);
    CU_ASSERT_EQUAL(ul_remove(ul, "location", "bob@example.com", "sip:nobody@x", T0), 0);
    CU_ASSERT_EQUAL(ul_remove(ul, "location", "bob@example.com", NULL, T0), 1);
    CU_ASSERT_EQUAL(ul_count_records(ul), 0);
    ul_destroy(ul);
}

/* Many AORs: the index grows and every one is still found. */
static void test_memory_many(void)
{
    Ul *ul = make_ul(UL_MEMORY, NULL);
    char aor[64], contact[64];
    for (int i = 0; i < 20000; i++) {
        snprintf(aor, sizeof aor, "user%05d@example.com", i);
        snprintf(contact, sizeof contact, "sip:u%d@192.0.2.1:%d", i, 1024 + i % 60000);
        if (put(ul, aor, binding(contact, T0 + 60 + i % 7, -1)) < 0)
            CU_FAIL("put");
    }
    CU_ASSERT_EQUAL(ul_count_records(ul), 20000);
    int missing = 0;
    for (int i = 0; i < 20000; i += 97) {
        snprintf(aor, sizeof aor, "user%05d@example.com", i);
        missing += count(ul, aor, T0) != 1;
    }
    CU_ASSERT_EQUAL(missing, 0);
    long gone = 0;
    for (int k = 0; k < 1000 && ul_count_bindings(ul); k++)
        gone += ul_expire(ul, T0 + 100);
    CU_ASSERT_EQUAL(gone, 20000);
    ul_destroy(ul);
}

/* write_through: what ul_apply() returned 0 for is in the database, so a
 * new Ul on it (a restarted sipd) loads it. */
static void test_write_through_survives(void)
{
    Db *db = open_fresh();
    Ul *ul = make_ul(UL_WRITE_THROUGH, db);
    UlBinding b = binding("sip:alice@192.0.2.1:5062;transport=tcp", T0 + 600, 750);
    b.path = "<sip:edge.example.com;lr>";
    b.instance = "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>";
    b.reg_id = 1;
    b.received = "sip:192.0.2.1:40000;transport=tcp";
    CU_ASSERT_EQUAL(put(ul, "alice@example.com", b), 0);
    CU_ASSERT_EQUAL(put(ul, "alice@example.com", binding("sip:alice@192.0.2.2", T0 + 600, -1)), 0);
    UlEdit del = {.op = UL_DEL, .b = {.contact = "sip:alice@192.0.2.2"}};
    CU_ASSERT_EQUAL(ul_apply(ul, "location", "alice@example.com", &del, 1, T0), 0);
    ul_destroy(ul);

    Ul *again = make_ul(UL_WRITE_THROUGH, db);
    UlList l;
    CU_ASSERT_EQUAL(ul_get(again, "location", "alice@example.com", T0, &l), 0);
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_STRING_EQUAL(l.b[0].contact, b.contact);
    CU_ASSERT_STRING_EQUAL(l.b[0].path, b.path);
    CU_ASSERT_STRING_EQUAL(l.b[0].instance, b.instance);
    CU_ASSERT_STRING_EQUAL(l.b[0].received, b.received);
    CU_ASSERT_EQUAL(l.b[0].reg_id, 1);
    CU_ASSERT_EQUAL(l.b[0].q, 750);
    CU_ASSERT_EQUAL(l.b[0].expires, T0 + 600);
    ul_list_free(&l);
    /* expired rows are not loaded, and ul_expire deletes them */
    CU_ASSERT_EQUAL(put(again, "carol@example.com", binding("sip:carol@192.0.2.3", T0 + 5, -1)), 0);
    CU_ASSERT(ul_expire(again, T0 + 10) >= 0);
    ul_destroy(again);
    Ul *third = make_ul(UL_WRITE_THROUGH, db);
    CU_ASSERT_EQUAL(count(third, "carol@example.com", T0), 0);
    CU_ASSERT_EQUAL(ul_count_bindings(third), 1);
    ul_destroy(third);
    db_close(db);
}

/* write_back: nothing reaches the database until ul_flush(). */
static void test_write_back_flush(void)
{
    Db *db = open_fresh();
    Ul *ul = make_ul(UL_WRITE_BACK, db);
    CU_ASSERT_EQUAL(put(ul, "dave@example.com", binding("sip:dave@192.0.2.4", T0 + 600, -1)), 0);
    CU_ASSERT_EQUAL(put(ul, "erin@example.com", binding("sip:erin@192.0.2.5", T0 + 600, -1)), 0);
    Ul *peek = make_ul(UL_DB_ONLY, db);
    CU_ASSERT_EQUAL(count(peek, "dave@example.com", T0), 0);
    CU_ASSERT_EQUAL(ul_flush(ul, T0), 0);
    CU_ASSERT_EQUAL(count(peek, "dave@example.com", T0), 1);
    /* a removal is written by the next flush too */
    CU_ASSERT_EQUAL(ul_remove(ul, "location", "erin@example.com", NULL, T0), 1);
    CU_ASSERT_EQUAL(count(peek, "erin@example.com", T0), 1);
    CU_ASSERT_EQUAL(ul_flush(ul, T0), 0);
    CU_ASSERT_EQUAL(count(peek, "erin@example.com", T0), 0);
    CU_ASSERT_EQUAL(ul_count_records(ul), 1);
    ul_destroy(peek);
    ul_destroy(ul);
    db_close(db);
}

/* db_only: two nodes on one database see each other's changes at once. */
static void test_db_only_shared(void)
{
    char err[256];
    Db *db = open_fresh();
    Db *db2 = db_open(cur_url, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db2);
    Ul *a = make_ul(UL_DB_ONLY, db), *b = make_ul(UL_DB_ONLY, db2);
    CU_ASSERT_EQUAL(put(a, "frank@example.com", binding("sip:frank@192.0.2.6", T0 + 600, -1)), 0);
    CU_ASSERT_EQUAL(count(b, "frank@example.com", T0), 1);
    CU_ASSERT_EQUAL(put(b, "frank@example.com", binding("sip:frank@192.0.2.6", T0 + 900, 200)), 0);
    UlList l;
    CU_ASSERT_EQUAL(ul_get(a, "location", "frank@example.com", T0, &l), 0);
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_EQUAL(l.b[0].expires, T0 + 900);
    CU_ASSERT_EQUAL(l.b[0].q, 200);
    ul_list_free(&l);
    CU_ASSERT_EQUAL(ul_remove(b, "location", "frank@example.com", "sip:frank@192.0.2.6", T0), 1);
    CU_ASSERT_EQUAL(count(a, "frank@example.com", T0), 0);
    /* values that look like SQL stay values */
    CU_ASSERT_EQUAL(put(a, "x'; DROP TABLE location; --@example.com", binding("sip:q@192.0.2.7", T0 + 60, -1)),
                    0);
    CU_ASSERT_EQUAL(count(b, "x'; DROP TABLE location; --@example.com", T0), 1);
    ul_destroy(a);
    ul_destroy(b);
    db_close(db2);
    db_close(db);
}

/* A failed write changes nothing: the index is not ahead of the database. */
static void test_write_through_failure(void)
{
    Db *db = open_fresh();
    Ul *ul = make_ul(UL_WRITE_THROUGH, db);
    CU_ASSERT_EQUAL(db_exec(db, "DROP TABLE location"), 0);
    CU_ASSERT_EQUAL(put(ul, "gina@example.com", binding("sip:gina@192.0.2.8", T0 + 600, -1)), -1);
    CU_ASSERT_EQUAL(count(ul, "gina@example.com", T0), 0);
    ul_destroy(ul);
    /* put the schema back for the next case */
    CU_ASSERT_EQUAL(db_exec(db, "DELETE FROM sipc_version"), 0);
    db_close(db);
}

static int init_sqlite(void)
{
    snprintf(sqlite_dir, sizeof sqlite_dir, "/tmp/sipc-ul-XXXXXX");
    if (!mkdtemp(sqlite_dir))
        return -1;
    snprintf(sqlite_url, sizeof sqlite_url, "sqlite:%s/ul.db", sqlite_dir);
    cur_url = sqlite_url;
    return 0;
}

static int clean_sqlite(void)
{
    char p[160];
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/ul.db%s", sqlite_dir, suffix[i]);
        unlink(p);
    }
    rmdir(sqlite_dir);
    return 0;
}

static int init_mysql(void)
{
    cur_url = getenv("SIPC_TEST_MYSQL_URL");
    return cur_url ? 0 : -1;
}

static void add_db_cases(CU_pSuite s)
{
    CU_add_test(s, "write_through survives a restart", test_write_through_survives);
    CU_add_test(s, "write_back writes at flush", test_write_back_flush);
    CU_add_test(s, "db_only nodes share", test_db_only_shared);
    CU_add_test(s, "write_through failure changes nothing", test_write_through_failure);
}

void unit_add_ul_suites(void)
{
    CU_pSuite s = CU_add_suite("ul_memory", NULL, NULL);
    CU_add_test(s, "put, order, remove, expire", test_memory_basics);
    CU_add_test(s, "20000 AORs", test_memory_many);
    add_db_cases(CU_add_suite("ul_sqlite", init_sqlite, clean_sqlite));
    s = CU_add_suite("ul_mysql", init_mysql, NULL);
    add_db_cases(s);
    if (!getenv("SIPC_TEST_MYSQL_URL") || !*getenv("SIPC_TEST_MYSQL_URL")) {
        CU_set_suite_active(s, CU_FALSE);
        fprintf(stderr, "ul_mysql: not run: SIPC_TEST_MYSQL_URL is not set (tests/db/run.sh starts a "
                        "MariaDB and sets it; `make check` runs it)\n");
    }
}
