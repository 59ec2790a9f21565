/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_sipsyntax.c - the SIP constant validators of sipsyntax.c.
 *
 * An invalid case is written as its input and, aligned below it, the caret
 * line the checker would print plus the message: "    ^ empty host".  The
 * result is rendered the same way and compared whole, so a wrong offset or
 * a wrong message shows up as a diff of two short strings.
 */
#include <stdio.h>
#include <string.h>

#include "sipsyntax.h"
#include "unit.h"

typedef int (*syntax_fn)(const char *s, int n, const char **why, int *bad);

/* "valid", or the caret line for (bad, why). */
static void render(char *buf, size_t size, int rc, const char *why, int bad)
{
    if (rc == 0) {
        snprintf(buf, size, "valid");
        return;
    }
    snprintf(buf, size, "%*s^ %s", bad, "", why ? why : "(null)");
}

static void expect_n(syntax_fn fn, const char *s, int n, const char *want, unsigned line)
{
    const char *why = NULL;
    int bad = -1;
    char got[512], msg[1024];
    int rc = fn(s, n, &why, &bad);
    render(got, sizeof got, rc, why, bad);
    CU_BOOL same = strcmp(got, want) == 0 && (rc == 0 || rc == -1);
    snprintf(msg, sizeof msg, "input \"%.*s\": got \"%s\", want \"%s\"", n, s, got, want);
    CU_assertImplementation(same, line, msg, __FILE__, "", CU_FALSE);
}

#define OK(fn, s) expect_n(fn, s, (int)strlen(s), "valid", __LINE__)
#define BAD(fn, s, caret) expect_n(fn, s, (int)strlen(s), caret, __LINE__)
#define URI_OK(s) OK(sipsyntax_uri, s)
#define URI_BAD(s, caret) BAD(sipsyntax_uri, s, caret)

/* The cases below keep each caret line under its input. */
/* clang-format off */

/* RFC 3261 §19.1.3 (examples) and §19.1.4 (comparison examples). */
static void test_rfc3261_examples(void)
{
    URI_OK("sip:alice@atlanta.com");
    URI_OK("sip:alice:secretword@atlanta.com;transport=tcp");
    URI_OK("sips:alice@atlanta.com?subject=project%20x&priority=urgent");
    URI_OK("sip:+1-212-555-1212:1234@gateway.com;user=phone");
    URI_OK("sips:1212@gateway.com");
    URI_OK("sip:alice@192.0.2.4");
    URI_OK("sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com");
    URI_OK("sip:alice;day=tuesday@atlanta.com");
    URI_OK("sip:%61lice@atlanta.com;transport=TCP");
    URI_OK("sip:carol@chicago.com;security=on");
    URI_OK("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com");
    URI_OK("sip:alice@AtLanTa.CoM;Transport=tcp");
    URI_OK("SIP:ALICE@AtLanTa.CoM;Transport=udp");
    URI_OK("sip:carol@chicago.com?Subject=next%20meeting");
    URI_OK("sip:bob@phone21.boxesbybob.com");
    URI_OK("sip:bob@192.0.2.4");
    URI_OK("sip:bob@biloxi.com:5060");
    URI_OK("sip:bob@biloxi.com;lr");
}

/* RFC 4475 §3.1.1 (valid) and §3.1.2 (invalid) where the URI is the point. */
static void test_rfc4475_uris(void)
{
    /* 3.1.1.1 wsinv, 3.1.1.2 intmeth (the "crazy" userinfo) */
    URI_OK("sip:vivekg@chair-dnrc.example.com;unknownparam");
    URI_OK("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too."
           "(doesn't-it)@example.com");
    /* 3.1.1.3 esc01, 3.1.1.4 escnull, 3.1.1.5 esc02's Contact, 3.1.1.9 semiuri */
    URI_OK("sip:sips%3Auser%40example.com@example.net");
    URI_OK("sip:null-%00-null@example.com");
    URI_OK("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
    URI_OK("sip:user;par=u%40example.net@example.com");
    /* 3.1.2.11 escruri: escaped headers are syntax, forbidden only in an R-URI */
    URI_OK("sip:user@example.com?Route=%3Csip:example.com%3E");
    /* 3.1.2.7 ltgtruri, 3.1.2.8 lwsruri, 3.1.2.14 badaspec, 3.3.7 unknown scheme */
    URI_BAD("<sip:user@example.com>",
            "^ expected 'sip:', 'sips:' or 'tel:'");
    URI_BAD("sip:user@example.com; lr",
            "                     ^ invalid character in uri parameter");
    URI_BAD(" sip:t.watson@example.org",
            "^ expected 'sip:', 'sips:' or 'tel:'");
    URI_BAD("sip:t.watson@example.org ",
            "                        ^ invalid character in host");
    URI_BAD("nobodyKnowsThisScheme:totallyopaquecontent",
            "^ expected 'sip:', 'sips:' or 'tel:'");
}

/* RFC 5118 (SIP torture tests for IPv6) and the RFC 3986 IPv6 grammar. */
static void test_ipv6(void)
{
    URI_OK("sip:[2001:db8::10]");
    URI_OK("sip:[2001:db8::10]:5070");
    URI_OK("sip:[2001:db8::10:5070]"); /* 4.3: valid host, no port */
    URI_OK("sip:user@[::ffff:192.0.2.10]");
    URI_OK("sip:[::ffff:192.0.2.1]");
    URI_OK("sip:[2001:db8::9:1]");
    URI_OK("sip:[2001:db8::9:01]");
    URI_OK("sips:user@[2001:DB8:0:0:8:800:200C:417A]:5061;transport=tls");
    URI_OK("sip:[::]");
    URI_OK("sip:[::1]");
    URI_OK("sip:[1::]");
    URI_OK("sip:[1:2:3:4:5:6:7::]");
    URI_OK("sip:[::2:3:4:5:6:7:8]");
    URI_OK("sip:[1:2:3:4:5:6:192.0.2.1]");
    URI_OK("sip:[::192.0.2.1]");
    URI_BAD("sip:[2001:db8:::10]",
            "               ^ invalid IPv6 address");
    URI_BAD("sip:[2001:db8:::192.0.2.1]", /* 4.8, the RFC 3261 ABNF bug */
            "               ^ invalid IPv6 address");
    URI_BAD("sip:user@2001:db8::10", /* 4.2: no brackets */
            "         ^ IPv6 address must be enclosed in '[' and ']'");
    URI_BAD("sip:::1",
            "    ^ IPv6 address must be enclosed in '[' and ']'");
    URI_BAD("sip:[2001:db8::10",
            "    ^ unclosed '[' in IPv6 host");
    URI_BAD("sip:[]",
            "     ^ invalid IPv6 address");
    URI_BAD("sip:[1::2::3]",
            "         ^ '::' may appear only once in an IPv6 address");
    URI_BAD("sip:[1:2:3:4:5:6:7]",
            "                  ^ too few groups in IPv6 address");
    URI_BAD("sip:[1:2:3:4:5:6:7:8:9]",
            "                     ^ too many groups in IPv6 address");
    URI_BAD("sip:[1:2:3:4::5:6:7:8]",
            "            ^ too many groups in IPv6 address");
    URI_BAD("sip:[1:2:3:4:5:6:7:192.0.2.1]",
            "                   ^ too many groups in IPv6 address");
    URI_BAD("sip:[12345::1]",
            "         ^ invalid IPv6 address");
    URI_BAD("sip:[:1::2]",
            "     ^ invalid IPv6 address");
    URI_BAD("sip:[1:2::3:]",
            "           ^ invalid IPv6 address");
    URI_BAD("sip:[fe80::1%25eth0]", /* zone ids (RFC 6874) are not SIP */
            "            ^ invalid character in IPv6 address");
    URI_BAD("sip:[::ffff:192.0.2.256]",
            "                    ^ IPv4 octet must be 0..255");
    URI_BAD("sip:[::192.0.2]",
            "              ^ invalid IPv4 address");
    URI_BAD("sip:[::1]x",
            "         ^ expected ':', ';' or '?' after IPv6 host");
    URI_BAD("sip:[::1]:0",
            "          ^ port must be 1..65535");
}

/* hostname / IPv4address of RFC 3261 §25.1. */
static void test_hosts(void)
{
    URI_OK("sip:a");
    URI_OK("sip:example.com.");
    URI_OK("sip:1and1.com");
    URI_OK("sip:x-1.example-2.net");
    URI_OK("sip:0.0.0.0");
    URI_OK("sip:255.255.255.255:65535");
    URI_BAD("sip:", "    ^ empty host");
    URI_BAD("sip:user@", "         ^ empty host");
    URI_BAD("sip:user@:5060", "         ^ empty host");
    URI_BAD("sip:;lr", "    ^ empty host");
    URI_BAD("sip:ex_ample.com", "      ^ invalid character in host");
    URI_BAD("sip:example..com", "            ^ empty label in host");
    URI_BAD("sip:.example.com", "    ^ empty label in host");
    URI_BAD("sip:-a.com", "    ^ host label must not start with '-'");
    URI_BAD("sip:a-.com", "     ^ host label must not end with '-'");
    URI_BAD("sip:example.1com", "            ^ top-level domain label must start with a letter");
    URI_BAD("sip:256.1.1.1", "    ^ IPv4 octet must be 0..255");
    URI_BAD("sip:1.2.3", "         ^ invalid IPv4 address");
    URI_BAD("sip:1.2.3.4.5", "           ^ invalid IPv4 address");
    URI_BAD("sip:1.2.3.1234", "             ^ invalid IPv4 address");
    URI_BAD("sip:a@b@c", "       ^ invalid character in host");
    URI_BAD("sip:host/path", "        ^ invalid character in host");
    URI_BAD("sip:a1234567890123456789012345678901234567890123456789012345678901234.com",
            "    ^ host label longer than 63 characters");
}

static void test_ports(void)
{
    URI_OK("sip:host:1");
    URI_OK("sip:host:05060");
    URI_OK("sip:host:65535;transport=udp");
    URI_OK("sip:host:5060?Subject=x");
    URI_BAD("sip:user@host:0", "              ^ port must be 1..65535");
    URI_BAD("sip:user@host:65536", "              ^ port must be 1..65535");
    URI_BAD("sip:host:99999999999999999999", "         ^ port must be 1..65535");
    URI_BAD("sip:host:", "         ^ expected a port number after ':'");
    URI_BAD("sip:host:;lr", "         ^ expected a port number after ':'");
    URI_BAD("sip:host:50a", "           ^ invalid character in port");
    URI_BAD("sip:host:-1", "         ^ invalid character in port");
}

/* userinfo = ( user / telephone-subscriber ) [ ":" password ] "@" */
static void test_userinfo(void)
{
    URI_OK("sip:alice:@atlanta.com"); /* password may be empty */
    URI_OK("sip:a%2A%2a@h");
    URI_OK("sip:&=+$,;?/@h");
    URI_OK("sip:u:&=+$,-_.!~*'()@h");
    URI_BAD("sip:@host", "    ^ empty user part before '@'");
    URI_BAD("sip::pw@host", "    ^ empty user part before '@'");
    URI_BAD("sip:al ice@h", "      ^ invalid character in user part");
    URI_BAD("sip:a#1@h", "     ^ invalid character in user part");
    URI_BAD("sip:a%4@h", "     ^ bad %-escape");
    URI_BAD("sip:a%g1@h", "     ^ bad %-escape");
    URI_BAD("sip:a%", "     ^ invalid character in host"); /* no '@': a host */
    URI_BAD("sip:u:p:q@h", "       ^ invalid character in password");
    URI_BAD("sip:u:p?@h", "       ^ invalid character in password");
}

/* uri-parameters and headers */
static void test_params_and_headers(void)
{
    URI_OK("sip:host;lr;transport=tcp;maddr=239.255.255.1;ttl=15");
    URI_OK("sip:host;lr=on");
    URI_OK("sip:host;x=[a]/:&+$;y");
    URI_OK("sip:host?a=b&c=&d=sip:x%40y");
    URI_OK("sip:host?a=b?c");
    URI_BAD("sip:host;lr=", "            ^ empty uri parameter value");
    URI_BAD("sip:host;", "         ^ empty uri parameter name");
    URI_BAD("sip:host;;lr", "         ^ empty uri parameter name");
    URI_BAD("sip:host;=1", "         ^ empty uri parameter name");
    URI_BAD("sip:host;a=b=c", "            ^ invalid character in uri parameter");
    URI_BAD("sip:host;a=\"b\"", "           ^ invalid character in uri parameter");
    URI_BAD("sip:host;a=%zz", "           ^ bad %-escape");
    URI_BAD("sip:host?", "         ^ empty uri header name");
    URI_BAD("sip:host?a", "          ^ expected '=' after uri header name");
    URI_BAD("sip:host?a&b=1", "          ^ expected '=' after uri header name");
    URI_BAD("sip:host?a=1&", "             ^ empty uri header name");
    URI_BAD("sip:host?a=<x>", "           ^ invalid character in uri header");
    URI_BAD("sip:host?a=1;b", "            ^ invalid character in uri header");
    URI_BAD("sip:host?a=1#f", "            ^ invalid character in uri header");
}

static void test_schemes(void)
{
    URI_OK("sips:host");
    URI_OK("SiPs:host");
    URI_OK("TEL:+1");
    URI_BAD("http://x", "^ expected 'sip:', 'sips:' or 'tel:'");
    URI_BAD("", "^ expected 'sip:', 'sips:' or 'tel:'");
    URI_BAD("sip", "^ expected 'sip:', 'sips:' or 'tel:'");
    URI_BAD("sipx:host", "^ expected 'sip:', 'sips:' or 'tel:'");
    URI_BAD("alice@atlanta.com", "^ expected 'sip:', 'sips:' or 'tel:'");
    URI_BAD("sip://host", "    ^ invalid character in host");
}

/* RFC 3966 §3 and the examples of §6. */
static void test_tel(void)
{
    URI_OK("tel:+1-201-555-0123");
    URI_OK("tel:7042;phone-context=example.com");
    URI_OK("tel:863-1234;phone-context=+1-914-555");
    URI_OK("tel:+1(800)555.0199;ext=22;isub=a:b/c");
    URI_OK("tel:*31#;phone-context=+1");
    URI_OK("tel:+49-30-1234;npdi;rn=+49-30-99");
    URI_OK("tel:1234;Phone-Context=example.com;foo=bar");
    URI_OK("tel:+1;phone-context=example.com"); /* accepted, though meaningless */
    URI_BAD("tel:", "    ^ empty telephone number");
    URI_BAD("tel:+", "    ^ global number needs at least one digit");
    URI_BAD("tel:+-()", "    ^ global number needs at least one digit");
    URI_BAD("tel:+1 212 555", "      ^ invalid character in telephone number");
    URI_BAD("tel:+1-555-CALL", "           ^ invalid character in telephone number");
    URI_BAD("tel:7042", "    ^ local number requires ';phone-context='");
    URI_BAD("tel:7042;ext=1", "    ^ local number requires ';phone-context='");
    URI_BAD("tel:7042;phone-context=", "                       ^ empty tel parameter value");
    URI_BAD("tel:7042;phone-context", "                      ^ expected '=' and a value after tel parameter name");
    URI_BAD("tel:7042;phone-context=ex_ample.com", "                         ^ invalid character in host");
    URI_BAD("tel:7042;phone-context=+", "                       ^ global number needs at least one digit");
    URI_BAD("tel:1;phone-context=+1;phone-context=+2", "                       ^ duplicate phone-context");
    URI_BAD("tel:+1;ext=12a", "             ^ invalid character in extension");
    URI_BAD("tel:+1;", "       ^ empty tel parameter name");
    URI_BAD("tel:+1;a_b=1", "        ^ invalid character in tel parameter name");
    URI_BAD("tel:+1;a=<b>", "         ^ invalid character in tel parameter value");
    URI_BAD("tel:+1;isub=%", "            ^ bad %-escape");
    URI_BAD("tel:+1?x=y", "      ^ invalid character in telephone number");
}

/* RFC 3261 token: method and header names. */
static void test_token(void)
{
    OK(sipsyntax_token, "INVITE");
    OK(sipsyntax_token, "RE%47IST%45R");                        /* RFC 4475 3.1.1.10 */
    OK(sipsyntax_token, "!interesting-Method0123456789_*+`.%indeed'~"); /* 3.1.1.2 */
    OK(sipsyntax_token, "X-Foo");
    BAD(sipsyntax_token, "", "^ empty token");
    BAD(sipsyntax_token, "IN VITE", "  ^ invalid character in token");
    BAD(sipsyntax_token, "X:Foo", " ^ invalid character in token");
    BAD(sipsyntax_token, "(x)", "^ invalid character in token");
    BAD(sipsyntax_token, "caf\xc3\xa9", "   ^ invalid character in token");
    expect_n(sipsyntax_token, "A\0B", 3, " ^ invalid character in token", __LINE__);
}

static void test_method_list(void)
{
    OK(sipsyntax_method_list, "INVITE");
    OK(sipsyntax_method_list, "INVITE|REGISTER|NEWMETHOD");
    BAD(sipsyntax_method_list, "", "^ empty method name in list");
    BAD(sipsyntax_method_list, "|INVITE", "^ empty method name in list");
    BAD(sipsyntax_method_list, "INVITE|", "       ^ empty method name in list");
    BAD(sipsyntax_method_list, "INVITE||BYE", "       ^ empty method name in list");
    BAD(sipsyntax_method_list, "INVITE|RE GISTER", "         ^ invalid character in method name");
    BAD(sipsyntax_method_list, "INVITE,BYE", "      ^ invalid character in method name");
}

static void test_header_field(void)
{
    OK(sipsyntax_header_field, "X-Foo: bar\r\n");
    OK(sipsyntax_header_field, "X-Foo: bar");
    OK(sipsyntax_header_field, "X-Foo:bar");
    OK(sipsyntax_header_field, "X-Foo :\tbar baz");
    OK(sipsyntax_header_field, "X-Empty:");
    OK(sipsyntax_header_field, "X-Empty:\r\n");
    OK(sipsyntax_header_field, "extensionHeader-!.%*+_`'~: \xe5\xa4\xa7\xe5\x81\x9c\xe9\x9b\xbb\r\n");
    BAD(sipsyntax_header_field, "", "^ empty header name");
    BAD(sipsyntax_header_field, ": bar", "^ empty header name");
    BAD(sipsyntax_header_field, "X-Foo", "     ^ expected ':' after header name");
    BAD(sipsyntax_header_field, "X Foo: bar", "  ^ expected ':' after header name");
    BAD(sipsyntax_header_field, "X@Foo: bar", " ^ invalid character in header name");
    expect_n(sipsyntax_header_field, "X-Foo\r\n", 7, "     ^ expected ':' after header name", __LINE__);
    BAD(sipsyntax_header_field, "X-A: 1\r\nX-B: 2\r\n", "      ^ line break inside a header value");
    BAD(sipsyntax_header_field, "X-A: 1\r\n via: evil", "      ^ line break inside a header value");
    BAD(sipsyntax_header_field, "X-A: 1\nX-B: 2", "      ^ line break inside a header value");
    BAD(sipsyntax_header_field, "X-A: 1\r\n\r\n", "      ^ line break inside a header value");
    BAD(sipsyntax_header_field, "X-A: 1\n", "      ^ header must end with CRLF, not a bare LF");
    BAD(sipsyntax_header_field, "X-A: 1\r", "      ^ header must end with CRLF, not a bare CR");
    BAD(sipsyntax_header_field, "X-A: \x01", "     ^ control character in header value");
    BAD(sipsyntax_header_field, "X-A: \x7f", "     ^ control character in header value");
    expect_n(sipsyntax_header_field, "X-A: a\0b", 8, "      ^ control character in header value", __LINE__);
}

static void test_reason_phrase(void)
{
    OK(sipsyntax_reason_phrase, "OK");
    OK(sipsyntax_reason_phrase, ""); /* RFC 4475 3.1.1.13 noreason */
    OK(sipsyntax_reason_phrase, "Not\tHere <really> \"#%{}|\\^`[]");
    /* RFC 4475 3.1.1.12 unreason (UTF-8) */
    OK(sipsyntax_reason_phrase, "= 2**3 * 5**2 \xd0\xbd\xd0\xbe \xd1\x81\xd1\x82\xd0\xbe");
    BAD(sipsyntax_reason_phrase, "OK\r\n", "  ^ line break in reason phrase");
    BAD(sipsyntax_reason_phrase, "O\nK", " ^ line break in reason phrase");
    BAD(sipsyntax_reason_phrase, "\x1b[31mred", "^ control character in reason phrase");
    BAD(sipsyntax_reason_phrase, "del\x7f", "   ^ control character in reason phrase");
    expect_n(sipsyntax_reason_phrase, "a\0b", 3, " ^ control character in reason phrase", __LINE__);
}

/* Slices, not strings: nothing past n is read, and NULL out-pointers are fine. */
static void test_slices(void)
{
    const char *uri = "sip:host:5060;lr";
    CU_ASSERT_EQUAL(sipsyntax_uri(uri, 8, NULL, NULL), 0); /* "sip:host" */
    expect_n(sipsyntax_uri, uri, 9, "         ^ expected a port number after ':'", __LINE__);
    expect_n(sipsyntax_uri, "sip:x;a=%41", 10, "        ^ bad %-escape", __LINE__);
    expect_n(sipsyntax_uri, "sip:[::1]", 8, "    ^ unclosed '[' in IPv6 host", __LINE__);
    expect_n(sipsyntax_uri, "sip:a@b", 6, "      ^ empty host", __LINE__);
    CU_ASSERT_EQUAL(sipsyntax_method_list("A|B c", 3, NULL, NULL), 0);
    CU_ASSERT_EQUAL(sipsyntax_header_field("X: 1\r\nY", 6, NULL, NULL), 0);
    CU_ASSERT_EQUAL(sipsyntax_uri("sip:a b", 7, NULL, NULL), -1);
}
/* clang-format on */

void unit_add_sipsyntax_suite(void)
{
    CU_pSuite s = CU_add_suite("sipsyntax", NULL, NULL);
    CU_add_test(s, "RFC 3261 example URIs", test_rfc3261_examples);
    CU_add_test(s, "RFC 4475 URI torture cases", test_rfc4475_uris);
    CU_add_test(s, "IPv6 references (RFC 5118, RFC 3986)", test_ipv6);
    CU_add_test(s, "hostnames and IPv4 addresses", test_hosts);
    CU_add_test(s, "ports", test_ports);
    CU_add_test(s, "userinfo and escapes", test_userinfo);
    CU_add_test(s, "uri parameters and headers", test_params_and_headers);
    CU_add_test(s, "schemes", test_schemes);
    CU_add_test(s, "tel URIs (RFC 3966)", test_tel);
    CU_add_test(s, "tokens", test_token);
    CU_add_test(s, "method lists", test_method_list);
    CU_add_test(s, "header fields", test_header_field);
    CU_add_test(s, "reason phrases", test_reason_phrase);
    CU_add_test(s, "slices and NULL out-pointers", test_slices);
}
