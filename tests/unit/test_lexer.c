/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_lexer.c - token kinds, slices and offsets, comments, and the
 * illegal-token cases the lexer explains itself.
 */
#include <string.h>

#include "parser.h"
#include "unit.h"

/* Lexes `src` and compares the kinds with `want` (terminated by -1). */
static void expect_kinds(const char *src, const int *want)
{
    Lexer lx;
    Token t;
    lex_init(&lx, src, strlen(src));
    for (int i = 0;; i++) {
        int k = lex_next(&lx, &t);
        CU_ASSERT_EQUAL(k, want[i]);
        if (k != want[i] || k == 0 || k == TK_ILLEGAL)
            break;
    }
}

static void test_keywords_and_punctuation(void)
{
    static const int want[] = {TK_ROUTE, TK_LBRACKET, TK_IDENT, TK_RBRACKET, TK_LBRACE,
                               TK_IF,    TK_LPAREN,   TK_PVAR,  TK_EQ,       TK_STRING,
                               TK_RPAREN, TK_LBRACE,  TK_EXIT,  TK_SEMI,     TK_RBRACE,
                               TK_ELSE,  TK_LBRACE,   TK_DROP,  TK_SEMI,     TK_RBRACE,
                               TK_RBRACE, 0};
    expect_kinds("route[a] { if ($rm == \"X\") { exit; } else { drop; } }", want);
}

static void test_keyword_prefix_is_identifier(void)
{
    static const int want[] = {TK_IDENT, TK_IDENT, TK_IDENT, TK_INT, TK_NE, TK_COMMA, 0};
    expect_kinds("routes if_x exit2 42 != ,", want);
}

static void test_comments_and_whitespace(void)
{
    static const int want[] = {TK_ROUTE, TK_LBRACE, TK_RBRACE, 0};
    expect_kinds("# hash\n// slashes\n/* block\n * more */\troute\r\n{ } # end", want);
}

static void test_token_slices_and_offsets(void)
{
    const char *src = "  $hdr(X-Foo) \"a\\\"b\" 123";
    Lexer lx;
    Token t;
    lex_init(&lx, src, strlen(src));
    CU_ASSERT_EQUAL(lex_next(&lx, &t), TK_PVAR);
    CU_ASSERT_EQUAL(t.off, 2);
    CU_ASSERT_EQUAL(t.n, 11);
    CU_ASSERT_NSTRING_EQUAL(t.z, "$hdr(X-Foo)", 11);
    CU_ASSERT_EQUAL(lex_next(&lx, &t), TK_STRING);
    CU_ASSERT_EQUAL(t.off, 14);
    CU_ASSERT_EQUAL(t.n, 6);
    CU_ASSERT_EQUAL(lex_next(&lx, &t), TK_INT);
    CU_ASSERT_NSTRING_EQUAL(t.z, "123", 3);
    CU_ASSERT_EQUAL(lex_next(&lx, &t), 0);
    CU_ASSERT_EQUAL(t.off, (int)strlen(src));
}

static void expect_illegal(const char *src, int off, const char *why)
{
    Lexer lx;
    Token t;
    lex_init(&lx, src, strlen(src));
    int k;
    while ((k = lex_next(&lx, &t)) != 0 && k != TK_ILLEGAL)
        ;
    CU_ASSERT_EQUAL(k, TK_ILLEGAL);
    CU_ASSERT_EQUAL(t.off, off);
    if (why) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(lx.error);
        CU_ASSERT_STRING_EQUAL(lx.error, why);
    } else {
        CU_ASSERT_PTR_NULL(lx.error);
    }
}

static void test_illegal_tokens(void)
{
    expect_illegal("route { @ }", 8, NULL);
    expect_illegal("x \"abc\n\"", 2, "unterminated string literal");
    expect_illegal("a /* never closed", 2, "unterminated comment");
    expect_illegal("a $ b", 2, "expected a pseudo-variable name after '$'");
    expect_illegal("a ^ b", 2, NULL);
    expect_illegal("a & b", 2, NULL); /* only && exists */
}

static void test_operators_and_new_keywords(void)
{
    static const int want[] = {TK_FAILURE_ROUTE, TK_BRANCH_ROUTE, TK_ONREPLY_ROUTE, TK_ERROR_ROUTE, TK_SWITCH,
                               TK_CASE, TK_DEFAULT, TK_WHILE, TK_BREAK, TK_RETURN, TK_TRUE, TK_FALSE, TK_AVP,
                               TK_FLAG, TK_BFLAG, TK_OROR, TK_ANDAND, TK_MATCH, TK_NOMATCH, TK_LE, TK_GE,
                               TK_LT, TK_GT, TK_ASSIGN, TK_NOT, TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH,
                               TK_PERCENT, TK_COLON, TK_DOT, 0};
    expect_kinds("failure_route branch_route onreply_route error_route switch case default while break "
                 "return true false avp flag bflag || && =~ !~ <= >= < > = ! + - * / % : .",
                 want);
}

static void test_addresses(void)
{
    static const int want[] = {TK_IDENT, TK_ASSIGN, TK_ADDR, TK_SEMI, TK_ADDR, TK_IDENT, TK_COLON, 0};
    Lexer lx;
    Token t;
    expect_kinds("listen = udp:127.0.0.1:5060; tls:[::1]:5061 udp :", want);
    const char *src = "x = tcp:*:5060;";
    lex_init(&lx, src, strlen(src));
    lex_next(&lx, &t);
    lex_next(&lx, &t);
    CU_ASSERT_EQUAL(lex_next(&lx, &t), TK_ADDR);
    CU_ASSERT_NSTRING_EQUAL(t.z, "tcp:*:5060", 10);
    CU_ASSERT_EQUAL(t.n, 10);
}

static void test_embedded_nul_is_illegal(void)
{
    const char src[] = "route\0{";
    Lexer lx;
    Token t;
    lex_init(&lx, src, sizeof src - 1);
    CU_ASSERT_EQUAL(lex_next(&lx, &t), TK_ROUTE);
    CU_ASSERT_EQUAL(lex_next(&lx, &t), TK_ILLEGAL);
    CU_ASSERT_EQUAL(t.off, 5);
}

void unit_add_lexer_suite(void)
{
    CU_pSuite s = CU_add_suite("lexer", NULL, NULL);
    CU_add_test(s, "keywords and punctuation", test_keywords_and_punctuation);
    CU_add_test(s, "keyword prefixes are identifiers", test_keyword_prefix_is_identifier);
    CU_add_test(s, "comments and whitespace", test_comments_and_whitespace);
    CU_add_test(s, "token slices and offsets", test_token_slices_and_offsets);
    CU_add_test(s, "illegal tokens explain themselves", test_illegal_tokens);
    CU_add_test(s, "embedded NUL is illegal", test_embedded_nul_is_illegal);
    CU_add_test(s, "operators and the other keywords", test_operators_and_new_keywords);
    CU_add_test(s, "unquoted addresses", test_addresses);
}
