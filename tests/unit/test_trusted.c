/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_trusted.c - the trusted peers of allow_trusted() (runtime/trusted.c):
 * rows checked as sipctl and sipd check them, CIDR matching at its edges
 * (/0, /32, /128, a prefix that is no multiple of 8), transports,
 * patterns, which row is reported, and loading from an SQLite database
 * (a bad row left out, an unchanged table noticed, a failed read keeping
 * what was loaded).
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "rt.h"
#include "trusted.h"
#include "unit.h"

/* The reason trusted_check_row gives, or "ok" (with canon set). */
static const char *check(const char *src, const char *proto, const char *pattern, const char *tag)
{
    static char err[512];
    char canon[TRUSTED_SRC_MAX];
    if (trusted_check_row(src, proto, pattern, tag, canon, err, sizeof err) < 0)
        return err;
    snprintf(err, sizeof err, "ok %s", canon);
    return err;
}

static void test_check_row(void)
{
    CU_ASSERT_STRING_EQUAL(check("192.0.2.0/24", NULL, NULL, NULL), "ok 192.0.2.0/24");
    CU_ASSERT_STRING_EQUAL(check("192.0.2.7/32", "udp", NULL, NULL), "ok 192.0.2.7");
    CU_ASSERT_STRING_EQUAL(check("0.0.0.0/0", "ANY", NULL, NULL), "ok 0.0.0.0/0");
    CU_ASSERT_STRING_EQUAL(check("2001:DB8::/32", "Tls", NULL, "gw 1"), "ok 2001:db8::/32");
    CU_ASSERT_STRING_EQUAL(check("2001:db8::1/128", NULL, NULL, NULL), "ok 2001:db8::1");
    CU_ASSERT_STRING_EQUAL(check("::/0", NULL, NULL, NULL), "ok ::/0");
    CU_ASSERT_STRING_EQUAL(check("::ffff:192.0.2.0/120", NULL, NULL, NULL), "ok 192.0.2.0/24");
    CU_ASSERT_STRING_EQUAL(
        check("192.0.2.7/24", NULL, NULL, NULL),
        "\"192.0.2.7/24\" has host bits set: the block is 192.0.2.0/24, the single address "
        "192.0.2.7");
    CU_ASSERT_STRING_EQUAL(check("192.0.2.0/33", NULL, NULL, NULL),
                           "bad prefix length in \"192.0.2.0/33\" (0 to 32 for IPv4)");
    CU_ASSERT_STRING_EQUAL(check("2001:db8::/129", NULL, NULL, NULL),
                           "bad prefix length in \"2001:db8::/129\" (0 to 128 for IPv6)");
    CU_ASSERT_STRING_EQUAL(check("192.0.2.0/", NULL, NULL, NULL),
                           "bad prefix length in \"192.0.2.0/\" (0 to 32 for IPv4)");
    CU_ASSERT_STRING_EQUAL(check("192.0.2.0/+8", NULL, NULL, NULL),
                           "bad prefix length in \"192.0.2.0/+8\" (0 to 32 for IPv4)");
    CU_ASSERT_STRING_EQUAL(check("gw.example.com", NULL, NULL, NULL),
                           "source \"gw.example.com\" is not an address or CIDR block (192.0.2.0/24, "
                           "2001:db8::/32)");
    CU_ASSERT_STRING_EQUAL(check("", NULL, NULL, NULL),
                           "source \"\" is not an address or CIDR block (192.0.2.0/24, 2001:db8::/32)");
    CU_ASSERT_STRING_EQUAL(check("192.0.2.1", "sctp", NULL, NULL),
                           "transport \"sctp\" is not any, udp, tcp or tls");
    /* The reason is regerror's (glibc's wording), after the pattern. */
    CU_ASSERT_EQUAL(strncmp(check("192.0.2.1", NULL, "^sip:(gw", NULL), "pattern \"^sip:(gw\": ", 20), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(check("192.0.2.1", NULL, "((a{0,200}){0,200}){0,200}", NULL), "pattern"));
    CU_ASSERT_STRING_EQUAL(check("192.0.2.1", NULL, NULL, "a\tb"), "tag with a control character");
}

/* A table of rows given as "src proto pattern tag" ("-" for none). */
static Trusted *table(const char *const *rows, size_t n)
{
    char err[512];
    Trusted *t = trusted_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (size_t i = 0; i < n; i++) {
        char src[64], proto[16], pat[256], tag[64];
        CU_ASSERT_EQUAL_FATAL(sscanf(rows[i], "%63s %15s %255s %63s", src, proto, pat, tag), 4);
        int rc = trusted_add(t, src, proto, strcmp(pat, "-") ? pat : NULL, strcmp(tag, "-") ? tag : NULL, err,
                             sizeof err);
        if (rc < 0)
            fprintf(stderr, "\n  trusted_add %s: %s\n", rows[i], err);
        CU_ASSERT_EQUAL_FATAL(rc, 0);
    }
    return t;
}

/* The tag of the row that matches, "-" for one without a tag, "none". */
static const char *who(const Trusted *t, const char *ip, const char *proto, const char *from)
{
    const TrustedRow *r = trusted_match(t, ip, proto, from);
    return !r ? "none" : r->tag ? r->tag : "-";
}

static void test_cidr_edges(void)
{
    static const char *const rows[] = {
        "192.0.2.7 any - host",         "192.0.2.128/25 any - upper", "10.0.0.0/8 any - ten",
        "2001:db8::/32 any - doc6",     "2001:db8::1 any - host6",    "2001:db8:0:1::/64 any - net64",
        "198.51.100.0/24 any - net198",
    };
    Trusted *t = table(rows, sizeof rows / sizeof rows[0]);
    CU_ASSERT_EQUAL(trusted_count(t), 7);
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.7", "udp", NULL), "host");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.6", "udp", NULL), "none");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.8", "udp", NULL), "none");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.128", "udp", NULL), "upper");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.255", "udp", NULL), "upper");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.127", "udp", NULL), "none");
    CU_ASSERT_STRING_EQUAL(who(t, "10.255.255.255", "udp", NULL), "ten");
    CU_ASSERT_STRING_EQUAL(who(t, "11.0.0.0", "udp", NULL), "none");
    CU_ASSERT_STRING_EQUAL(who(t, "198.51.100.255", "udp", NULL), "net198");
    CU_ASSERT_STRING_EQUAL(who(t, "198.51.101.0", "udp", NULL), "none");
    CU_ASSERT_STRING_EQUAL(who(t, "::ffff:192.0.2.7", "udp", NULL), "host"); /* IPv4-mapped */
    /* The most specific row is reported. */
    CU_ASSERT_STRING_EQUAL(who(t, "2001:db8::1", "udp", NULL), "host6");
    CU_ASSERT_STRING_EQUAL(who(t, "2001:db8::2", "udp", NULL), "doc6");
    CU_ASSERT_STRING_EQUAL(who(t, "2001:db8:0:1:ffff::1", "udp", NULL), "net64");
    CU_ASSERT_STRING_EQUAL(who(t, "2001:db8:ffff:ffff::1", "udp", NULL), "doc6");
    CU_ASSERT_STRING_EQUAL(who(t, "2001:db9::1", "udp", NULL), "none");
    CU_ASSERT_STRING_EQUAL(who(t, "2001:db8::1%eth0", "udp", NULL), "none"); /* not an address */
    CU_ASSERT_STRING_EQUAL(who(t, "garbage", "udp", NULL), "none");
    trusted_free(t);

    /* /0 trusts a whole family, and only that family. */
    static const char *const all4[] = {"0.0.0.0/0 any - all4"};
    t = table(all4, 1);
    CU_ASSERT_STRING_EQUAL(who(t, "203.0.113.9", "tcp", NULL), "all4");
    CU_ASSERT_STRING_EQUAL(who(t, "255.255.255.255", "tcp", NULL), "all4");
    CU_ASSERT_STRING_EQUAL(who(t, "::1", "tcp", NULL), "none");
    trusted_free(t);
    static const char *const all6[] = {"::/0 any - all6", "::1/128 any - lo6"};
    t = table(all6, 2);
    CU_ASSERT_STRING_EQUAL(who(t, "::1", "tcp", NULL), "lo6");
    CU_ASSERT_STRING_EQUAL(who(t, "::2", "tcp", NULL), "all6");
    CU_ASSERT_STRING_EQUAL(who(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "tcp", NULL), "all6");
    CU_ASSERT_STRING_EQUAL(who(t, "127.0.0.1", "tcp", NULL), "none");
    trusted_free(t);
}

static void test_proto_and_pattern(void)
{
    static const char *const rows[] = {
        "192.0.2.1 udp - udp-only",
        "192.0.2.2 any ^sip:gw[0-9]+@carrier\\.example$ carrier",
        "192.0.2.3 tls ^sips?:pbx@ pbx",
        "192.0.2.3 any - pbx-any",
    };
    Trusted *t = table(rows, sizeof rows / sizeof rows[0]);
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.1", "udp", NULL), "udp-only");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.1", "UDP", NULL), "udp-only");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.1", "tcp", NULL), "none");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.1", NULL, NULL), "none");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.2", "tcp", "sip:gw12@carrier.example"), "carrier");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.2", "tcp", "sip:gw12@carrier.example.evil"), "none");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.2", "tcp", "sip:alice@carrier.example"), "none");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.2", "tcp", NULL), "none"); /* no From: a pattern cannot match */
    /* The row naming the transport and with a pattern comes first. */
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.3", "tls", "sips:pbx@example.com"), "pbx");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.3", "tls", "sip:other@example.com"), "pbx-any");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.3", "udp", "sips:pbx@example.com"), "pbx-any");
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.4", "udp", "sip:gw1@carrier.example"), "none");
    char err[256];
    CU_ASSERT_EQUAL(trusted_add(t, "192.0.2.9/8", "any", NULL, NULL, err, sizeof err), -1);
    CU_ASSERT_EQUAL(trusted_count(t), 4);
    trusted_free(t);
    CU_ASSERT_PTR_NULL(trusted_match(NULL, "192.0.2.1", "udp", NULL));
}

static int put(Db *db, const char *src, const char *proto, const char *pattern, const char *tag)
{
    DbStmt *st = db_prepare(db, "INSERT INTO trusted (src, proto, from_pattern, tag) VALUES (?, ?, ?, ?)");
    int rc = st && db_bind_text(st, 1, src) == 0 && db_bind_text(st, 2, proto) == 0 &&
                     db_bind_text(st, 3, pattern) == 0 && db_bind_text(st, 4, tag) == 0 &&
                     db_step(st) == DB_DONE
                 ? 0
                 : -1;
    db_finalize(st);
    return rc;
}

static void test_load(void)
{
    char err[512];
    int from, changed = -1;
    Db *db = db_open("sqlite::memory:", err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_EQUAL_FATAL(db_schema_migrate(db, &from, err, sizeof err), 0);
    Trusted *t = trusted_new();
    CU_ASSERT_EQUAL(trusted_load(t, db, &changed, err, sizeof err), 0);
    CU_ASSERT_EQUAL(changed, 1);
    CU_ASSERT_EQUAL(put(db, "192.0.2.0/24", "any", NULL, "lan"), 0);
    CU_ASSERT_EQUAL(put(db, "192.0.2.7/24", "any", NULL, "bad"), 0); /* left out, logged */
    CU_ASSERT_EQUAL(put(db, "2001:db8::5", "udp", "^sip:", NULL), 0);
    rt_log_set_level(RT_LOG_ERROR); /* the warning about the bad row is expected */
    CU_ASSERT_EQUAL(trusted_load(t, db, &changed, err, sizeof err), 2);
    CU_ASSERT_EQUAL(changed, 1);
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.99", "udp", NULL), "lan");
    CU_ASSERT_STRING_EQUAL(who(t, "2001:db8::5", "udp", "sip:a@b"), "-");
    CU_ASSERT_STRING_EQUAL(who(t, "2001:db8::5", "tcp", "sip:a@b"), "none");
    /* Unchanged: nothing rebuilt, nothing logged. */
    CU_ASSERT_EQUAL(trusted_load(t, db, &changed, err, sizeof err), 2);
    CU_ASSERT_EQUAL(changed, 0);
    /* A read that fails keeps the rows loaded before. */
    CU_ASSERT_EQUAL(db_exec(db, "DROP TABLE trusted"), 0);
    CU_ASSERT_EQUAL(trusted_load(t, db, &changed, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "reading the trusted table"));
    CU_ASSERT_EQUAL(trusted_count(t), 2);
    CU_ASSERT_STRING_EQUAL(who(t, "192.0.2.1", "udp", NULL), "lan");
    rt_log_set_level(RT_LOG_INFO);
    trusted_free(t);
    db_close(db);
}

void unit_add_trusted_suite(void)
{
    CU_pSuite s = CU_add_suite("trusted", NULL, NULL);
    CU_add_test(s, "rows are checked and made canonical", test_check_row);
    CU_add_test(s, "CIDR edges: /0, /25, /32, /64, /128", test_cidr_edges);
    CU_add_test(s, "transports and From patterns", test_proto_and_pattern);
    CU_add_test(s, "loading from the database", test_load);
}
