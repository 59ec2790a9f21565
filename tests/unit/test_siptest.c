/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_siptest.c - the .siptest reader, the transcript diff, --update's
 * rewriting and the JUnit escaping (runtime/siptest_*.c, SPEC.md
 * section 10).
 *
 * Case files are written inline; a malformed one is checked by its whole
 * error line ("t.siptest:3: error: ..."), as the compiler's suites check
 * whole diagnostics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siptest.h"
#include "unit.h"

/* Equal strings, else a failure that shows both. */
static void same_str(const char *got, const char *want, unsigned line)
{
    char msg[2048];
    snprintf(msg, sizeof msg, "got \"%s\", want \"%s\"", got ? got : "(null)", want);
    CU_assertImplementation(got && strcmp(got, want) == 0, line, msg, __FILE__, "", CU_FALSE);
}
#define SAME(got, want) same_str(got, want, __LINE__)

static SiptestFile *parse(const char *text, char *err, size_t n)
{
    err[0] = '\0';
    return siptest_parse("t.siptest", text, strlen(text), err, n);
}

/* The error a malformed file gives (and that it gives one). */
static void bad_file(const char *text, const char *want, unsigned line)
{
    char err[512];
    SiptestFile *f = parse(text, err, sizeof err);
    CU_assertImplementation(f == NULL, line, "a malformed file parsed", __FILE__, "", CU_FALSE);
    siptest_free(f);
    same_str(err, want, line);
}
#define BAD(text, want) bad_file(text, want, __LINE__)

#define REQ "--- request\nOPTIONS sip:a SIP/2.0\n"

static const char good[] = "# a comment\n"
                           "\n"
                           "=== case first one\n"
                           "from tcp 2001:db8::1 5070   # a comment\n"
                           "--- request\n"
                           "INVITE sip:b@example.com SIP/2.0\n"
                           "Via: SIP/2.0/TCP [2001:db8::1]:5070\n"
                           "\n"
                           "v=0\n"
                           "\n"
                           "\n"
                           "--- reply 2\n"
                           "SIP/2.0 180 Ringing\n"
                           "l: 0\n"
                           "--- expect\n"
                           "# leading comment\n"
                           "enter route   \n"
                           "# inner comment\n"
                           "end exit\n"
                           "\n"
                           "# trailing comment\n"
                           "=== case second\n"
                           "local udp [::1] 5062\n"
                           "--- request\n"
                           "OPTIONS sip:a SIP/2.0\n"
                           "--- expect\n";

static void test_good_file(void)
{
    char err[512];
    SiptestFile *f = parse(good, err, sizeof err);
    SAME(err, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL_FATAL(f->ncases, 2);

    SiptestCase *c = &f->cases[0];
    SAME(c->name, "first one");
    CU_ASSERT_EQUAL(c->line, 3);
    SAME(c->from.proto, "tcp");
    SAME(c->from.host, "2001:db8::1");
    CU_ASSERT_EQUAL(c->from.port, 5070);
    SAME(c->local.proto, "tcp"); /* follows `from` */
    SAME(c->local.host, "127.0.0.1");
    CU_ASSERT_EQUAL(c->local.port, 5060);
    CU_ASSERT_EQUAL(c->request.line, 5);
    SAME(c->request.text, "INVITE sip:b@example.com SIP/2.0\r\n"
                          "Via: SIP/2.0/TCP [2001:db8::1]:5070\r\n"
                          "Content-Length: 5\r\n"
                          "\r\n"
                          "v=0\r\n");
    CU_ASSERT_EQUAL(c->request.len, strlen(c->request.text));
    CU_ASSERT_EQUAL_FATAL(c->nreplies, 1);
    CU_ASSERT_EQUAL(c->replies[0].relay, 2);
    CU_ASSERT_EQUAL(c->replies[0].line, 12);
    SAME(c->replies[0].text, "SIP/2.0 180 Ringing\r\nl: 0\r\n\r\n"); /* compact form kept */
    SAME(c->expect, "enter route\nend exit\n");
    CU_ASSERT_EQUAL(c->expect_line, 15);

    c = &f->cases[1];
    SAME(c->name, "second");
    SAME(c->from.proto, "udp");
    SAME(c->from.host, "192.0.2.10");
    CU_ASSERT_EQUAL(c->from.port, 5060);
    SAME(c->local.host, "::1");
    CU_ASSERT_EQUAL(c->local.port, 5062);
    SAME(c->request.text, "OPTIONS sip:a SIP/2.0\r\nContent-Length: 0\r\n\r\n");
    CU_ASSERT_EQUAL(c->nreplies, 0);
    SAME(c->expect, "");
    siptest_free(f);
}

/* The same file with CRLF line ends reads the same. */
/* `trusted` lines: their shape is read here, the rows checked when the
 * case runs. */
static void test_trusted_lines(void)
{
    char err[512];
    SiptestFile *f = parse("=== case a\n"
                           "trusted 192.0.2.0/24\n"
                           "trusted 2001:db8::/32 proto=tls pattern=^sip:gw[0-9]+@ tag=gw  # a comment\n" REQ
                           "--- expect\n",
                           err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    SiptestCase *c = &f->cases[0];
    CU_ASSERT_EQUAL_FATAL(c->ntrusted, 2);
    SAME(c->trusted[0].src, "192.0.2.0/24");
    SAME(c->trusted[0].proto, "any");
    CU_ASSERT_PTR_NULL(c->trusted[0].pattern);
    CU_ASSERT_PTR_NULL(c->trusted[0].tag);
    CU_ASSERT_EQUAL(c->trusted[0].line, 2);
    SAME(c->trusted[1].src, "2001:db8::/32");
    SAME(c->trusted[1].proto, "tls");
    SAME(c->trusted[1].pattern, "^sip:gw[0-9]+@");
    SAME(c->trusted[1].tag, "gw");
    siptest_free(f);
}

static void test_crlf_file(void)
{
    char crlf[sizeof good * 2], err[512];
    size_t k = 0;
    for (const char *s = good; *s; s++) {
        if (*s == '\n')
            crlf[k++] = '\r';
        crlf[k++] = *s;
    }
    crlf[k] = '\0';
    SiptestFile *a = parse(good, err, sizeof err), *b = parse(crlf, err, sizeof err);
    SAME(err, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL_FATAL(b->ncases, 2);
    for (size_t i = 0; i < 2; i++) {
        SAME(b->cases[i].request.text, a->cases[i].request.text);
        SAME(b->cases[i].expect, a->cases[i].expect);
    }
    SAME(b->cases[0].eol, "\r\n");
    SAME(a->cases[0].eol, "\n");
    siptest_free(a);
    siptest_free(b);
}

static void test_assemble(void)
{
    size_t n;
    char *m;
    /* A Content-Length as written is kept, even a wrong one. */
    const char *t = "MESSAGE sip:a SIP/2.0\ncontent-length : 99\n\nhi\n";
    m = siptest_assemble(t, strlen(t), &n);
    SAME(m, "MESSAGE sip:a SIP/2.0\r\ncontent-length : 99\r\n\r\nhi\r\n");
    free(m);
    /* Blank lines around the message go; a folded line is no header. */
    t = "\n\nMESSAGE sip:a SIP/2.0\nX: a\n Content-Length: 1\n\nhi\nthere\n\n\n";
    m = siptest_assemble(t, strlen(t), &n);
    SAME(m,
         "MESSAGE sip:a SIP/2.0\r\nX: a\r\n Content-Length: 1\r\nContent-Length: 11\r\n\r\nhi\r\nthere\r\n");
    CU_ASSERT_EQUAL(n, strlen(m));
    free(m);
    /* A line of blanks ends the headers like an empty one. */
    t = "MESSAGE sip:a SIP/2.0\r\n  \t\r\nbody";
    m = siptest_assemble(t, strlen(t), &n);
    SAME(m, "MESSAGE sip:a SIP/2.0\r\nContent-Length: 6\r\n\r\nbody\r\n");
    free(m);
}

static void test_malformed(void)
{
    BAD("", "t.siptest:1: error: no cases (a case starts with '=== case NAME')");
    BAD("# only comments\n\n", "t.siptest:1: error: no cases (a case starts with '=== case NAME')");
    BAD("\nfrom udp 1.2.3.4 5\n", "t.siptest:2: error: expected '=== case NAME', found 'from udp 1.2.3.4 5'");
    BAD(REQ, "t.siptest:1: error: '--- request' outside a case (a case starts with '=== case NAME')");
    BAD("=== test x\n",
        "t.siptest:1: error: unknown directive '=== test x' (a case starts with '=== case NAME')");
    BAD("===case x\n",
        "t.siptest:1: error: unknown directive '===case x' (a case starts with '=== case NAME')");
    BAD("=== case   \n", "t.siptest:1: error: '=== case' needs a name");
    BAD("=== case a\n--- expect\n",
        "t.siptest:2: error: '--- expect' before '--- request': the request comes first");
    BAD("=== case a\n--- reply 1\nSIP/2.0 200 OK\n",
        "t.siptest:2: error: '--- reply 1' before '--- request': the request comes first");
    BAD("=== case a\n" REQ "--- expect\n--- expect\n",
        "t.siptest:5: error: second '--- expect' in case 'a' (the first is at line 4)");
    BAD("=== case a\n" REQ "--- expect\n--- reply 1\n",
        "t.siptest:5: error: '--- reply 1' after '--- expect': the expect block comes last");
    BAD("=== case a\n" REQ REQ "--- expect\n",
        "t.siptest:4: error: second '--- request' in case 'a' (the first is at line 2)");
    BAD("=== case a\n" REQ "--- reply x\n",
        "t.siptest:4: error: relay number 'x' is not a positive integer (at most 999999)");
    BAD("=== case a\n" REQ "--- reply 0\n",
        "t.siptest:4: error: relay number '0' is not a positive integer (at most 999999)");
    BAD("=== case a\n" REQ "--- reply -1\n",
        "t.siptest:4: error: relay number '-1' is not a positive integer (at most 999999)");
    BAD("=== case a\n" REQ "--- reply 99999999999\n",
        "t.siptest:4: error: relay number '99999999999' is not a positive integer (at most 999999)");
    BAD("=== case a\n" REQ "--- reply\n",
        "t.siptest:4: error: '--- reply' needs a relay number, as in '--- reply 1'");
    BAD("=== case a\n" REQ "--- reply 1 2\n", "t.siptest:4: error: unexpected '2' after '--- reply 1'");
    BAD("=== case a\n--- request now\n", "t.siptest:2: error: unexpected 'now' after '--- request'");
    BAD("=== case a\n--- answer\n",
        "t.siptest:2: error: unknown block '--- answer' (expected request, reply N or expect)");
    BAD("=== case a\n---request\n",
        "t.siptest:2: error: unknown block '---request' (expected request, reply N or expect)");
    BAD("=== case a\n---   # nothing\n",
        "t.siptest:2: error: '---' needs a block name: request, reply N or expect");
    BAD("=== case a\nsource udp 1.2.3.4 5\n",
        "t.siptest:2: error: unknown directive 'source' (expected from, local, location, subscriber, trusted or a '---' block)");
    BAD("=== case a\n--- request\n\n  \n--- expect\n", "t.siptest:2: error: empty '--- request' block");
    BAD("=== case a\n" REQ "--- reply 1\n--- expect\n", "t.siptest:4: error: empty '--- reply' block");
    BAD("=== case a\n--- request\n", "t.siptest:2: error: empty '--- request' block");
    BAD("=== case a\nfrom udp 1.2.3.4 5\n", "t.siptest:1: error: case 'a' has no '--- request' block");
    BAD("=== case a\n" REQ "=== case b\n", "t.siptest:1: error: case 'a' has no '--- expect' block");
    BAD("=== case a\n" REQ "--- expect\n=== case a\n",
        "t.siptest:5: error: duplicate case name 'a' (the first is at line 1)");
    BAD("=== case a\nfrom udp 1.2.3.4\n",
        "t.siptest:2: error: 'from' needs PROTO HOST PORT, as in 'from udp 192.0.2.10 5060'");
    BAD("=== case a\nlocal udp 1.2.3.4 5 6\n",
        "t.siptest:2: error: 'local' needs PROTO HOST PORT, as in 'local udp 192.0.2.10 5060'");
    BAD("=== case a\nfrom sctp 1.2.3.4 5\n",
        "t.siptest:2: error: unknown protocol 'sctp' in 'from' (expected udp, tcp or tls)");
    BAD("=== case a\nfrom udp example.com 5\n",
        "t.siptest:2: error: 'example.com' in 'from' is not an IPv4 or IPv6 address");
    BAD("=== case a\nfrom udp 1.2.3.4 65536\n",
        "t.siptest:2: error: bad port '65536' in 'from' (expected 1 to 65535)");
    BAD("=== case a\nfrom udp 1.2.3.4 +5\n",
        "t.siptest:2: error: bad port '+5' in 'from' (expected 1 to 65535)");
    BAD("=== case a\nfrom udp 1.2.3.4 5\nfrom udp 1.2.3.4 6\n",
        "t.siptest:3: error: second 'from' line in case 'a' (the first is at line 2)");
    BAD("=== case a\nfrom tcp 1.2.3.4 5\nlocal udp 1.2.3.4 6\n" REQ "--- expect\n",
        "t.siptest:3: error: 'local' is udp but 'from' is tcp: a message arrives over one transport");
    BAD("=== case a\ntrusted\n",
        "t.siptest:2: error: 'trusted' needs SRC, as in 'trusted 192.0.2.0/24 proto=udp tag=gw1'");
    BAD("=== case a\ntrusted 192.0.2.1 proto=sctp\n",
        "t.siptest:2: error: bad 'proto=sctp' in 'trusted' (expected any, udp, tcp or tls)");
    BAD("=== case a\ntrusted 192.0.2.1 tag=a tag=b\n", "t.siptest:2: error: 'tag' given twice in 'trusted'");
    BAD("=== case a\ntrusted 192.0.2.1 via=x\n",
        "t.siptest:2: error: bad option 'via=x' in 'trusted' (expected proto=any|udp|tcp|tls, pattern=RE or tag=T)");
    BAD("=== case a\ntrusted 192.0.2.1 pattern=\n",
        "t.siptest:2: error: bad option 'pattern=' in 'trusted' (expected proto=any|udp|tcp|tls, pattern=RE or "
        "tag=T)");
    char nul[] = "=== case a\n" REQ "--- expect\nx\0y\n";
    char err[512];
    SiptestFile *f = siptest_parse("t.siptest", nul, sizeof nul - 1, err, sizeof err);
    CU_ASSERT_PTR_NULL(f);
    SAME(err, "t.siptest:5: error: NUL byte in the file");
}

static void test_normalize(void)
{
    char *n = siptest_normalize("a  \t\r\n\nb\r\n \n\n");
    SAME(n, "a\n\nb\n");
    free(n);
    n = siptest_normalize("no newline");
    SAME(n, "no newline\n");
    free(n);
    n = siptest_normalize("\n\n");
    SAME(n, "");
    free(n);
}

static char *diff(const char *a, const char *b)
{
    char *out = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&out, &n);
    CU_ASSERT_EQUAL(siptest_diff(mem, a, "expected", b, "actual", 2), 0);
    fclose(mem);
    return out;
}

static void test_diff(void)
{
    char *d = diff("a\nb\nc\n", "a\nb\nc\n");
    SAME(d, "");
    free(d);
    d = diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\nfour\n5\n6\n7\n8\n9\nten\n");
    SAME(d, "--- expected\n+++ actual\n"
            "@@ -2,5 +2,5 @@\n 2\n 3\n-4\n+four\n 5\n 6\n"
            "@@ -8,2 +8,3 @@\n 8\n 9\n+ten\n");
    free(d);
    /* Changes close together share one hunk. */
    d = diff("a\nb\nc\nd\ne\n", "a\nB\nc\nd\nE\n");
    SAME(d, "--- expected\n+++ actual\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n-e\n+E\n");
    free(d);
    d = diff("", "x\n");
    SAME(d, "--- expected\n+++ actual\n@@ -0,0 +1,1 @@\n+x\n");
    free(d);
    d = diff("x\ny\n", "");
    SAME(d, "--- expected\n+++ actual\n@@ -1,2 +0,0 @@\n-x\n-y\n");
    free(d);
}

static void test_update_text(void)
{
    const char *text = "=== case a\r\n"
                       "--- request\r\n"
                       "OPTIONS sip:a SIP/2.0\r\n"
                       "--- expect\r\n"
                       "# kept\r\n"
                       "old 1\r\n"
                       "# dropped: among expected lines\r\n"
                       "old 2   \r\n"
                       "\r\n"
                       "# kept too\r\n"
                       "=== case b\r\n"
                       "--- request\r\n"
                       "OPTIONS sip:b SIP/2.0\r\n"
                       "--- expect";
    char err[512];
    SiptestFile *f = siptest_parse("t.siptest", text, strlen(text), err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    const char *actual[2] = {"new 1\nnew 2  \n\n", "b\n"};
    size_t n = 0;
    char *u = siptest_update_text(f, actual, &n);
    SAME(u, "=== case a\r\n--- request\r\nOPTIONS sip:a SIP/2.0\r\n--- expect\r\n# kept\r\n"
            "new 1\r\nnew 2\r\n\r\n# kept too\r\n"
            "=== case b\r\n--- request\r\nOPTIONS sip:b SIP/2.0\r\n--- expect\r\nb\r\n");
    CU_ASSERT_EQUAL(n, u ? strlen(u) : 0);
    free(u);
    /* Only the cases given change; an empty transcript empties the block. */
    const char *only_a[2] = {"", NULL};
    u = siptest_update_text(f, only_a, &n);
    SAME(u, "=== case a\r\n--- request\r\nOPTIONS sip:a SIP/2.0\r\n--- expect\r\n# kept\r\n"
            "\r\n# kept too\r\n"
            "=== case b\r\n--- request\r\nOPTIONS sip:b SIP/2.0\r\n--- expect");
    free(u);
    siptest_free(f);
}

/* What --update writes reads back as the transcript it was given. */
static void test_update_round_trip(void)
{
    char err[512];
    SiptestFile *f = parse(good, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    const char *actual[2] = {"x\ny\n", "z\n"};
    size_t n;
    char *u = siptest_update_text(f, actual, &n);
    SiptestFile *g = u ? parse(u, err, sizeof err) : NULL;
    SAME(err, "");
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    SAME(g->cases[0].expect, "x\ny\n");
    SAME(g->cases[1].expect, "z\n");
    SAME(g->cases[0].request.text, f->cases[0].request.text);
    siptest_free(g);
    free(u);
    siptest_free(f);
}

static void test_xml_escape(void)
{
    char *out = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&out, &n);
    siptest_xml_escape(mem, "<a href=\"x\">&'\x01\tok\n\xc3\xa9\xff\xed\xa0\x80</a>");
    fclose(mem);
    SAME(out, "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\\x01\tok\n\xc3\xa9\\xff\\xed\\xa0\\x80&lt;/a&gt;");
    free(out);
}

void unit_add_siptest_suite(void)
{
    CU_pSuite s = CU_add_suite("siptest", NULL, NULL);
    CU_add_test(s, "a well-formed case file", test_good_file);
    CU_add_test(s, "trusted lines", test_trusted_lines);
    CU_add_test(s, "CRLF case files", test_crlf_file);
    CU_add_test(s, "message assembly and Content-Length", test_assemble);
    CU_add_test(s, "malformed case files", test_malformed);
    CU_add_test(s, "transcript normalisation", test_normalize);
    CU_add_test(s, "the line diff", test_diff);
    CU_add_test(s, "--update rewrites only expect blocks", test_update_text);
    CU_add_test(s, "--update output parses back", test_update_round_trip);
    CU_add_test(s, "XML escaping", test_xml_escape);
}
