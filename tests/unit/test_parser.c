/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_parser.c - the AST the grammar builds, and syntax errors compared as
 * whole diagnostics (message, source line and caret).
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

typedef struct Parsed {
    Arena arena;
    Source src;
    Diag d;
    Program prog;
    int rc;
    char *diags;
    size_t ndiags;
} Parsed;

static void parse_text(Parsed *p, const char *text)
{
    memset(p, 0, sizeof *p);
    FILE *mem = open_memstream(&p->diags, &p->ndiags);
    source_init(&p->src, &p->arena, "t.sipc", text, strlen(text));
    diag_init(&p->d, &p->src, DIAG_TEXT, mem);
    p->rc = parse_program(&p->arena, &p->d, &p->src, &p->prog);
    fclose(mem);
}

static void parsed_free(Parsed *p)
{
    arena_free(&p->arena);
    free(p->diags);
}

static void test_routes_in_order(void)
{
    Parsed p;
    parse_text(&p, "route { exit; }\nroute[b] { drop; }\nroute[c] { }");
    CU_ASSERT_EQUAL_FATAL(p.rc, 0);
    CU_ASSERT_EQUAL(p.prog.nroutes, 3);
    Route *r = p.prog.routes;
    CU_ASSERT_EQUAL(r->name.n, 0);
    CU_ASSERT_EQUAL(r->body->body->kind, ND_EXIT);
    r = r->next;
    CU_ASSERT_NSTRING_EQUAL(r->name.z, "b", 1);
    CU_ASSERT_EQUAL(r->body->body->kind, ND_DROP);
    r = r->next;
    CU_ASSERT_NSTRING_EQUAL(r->name.z, "c", 1);
    CU_ASSERT_PTR_NULL(r->body->body);
    parsed_free(&p);
}

static void test_if_else_if_chain(void)
{
    Parsed p;
    parse_text(&p, "route { if ($rm == \"A\") { exit; } else if (is_method(\"B\")) { drop; } "
                   "else { route(x); } forward(); }");
    CU_ASSERT_EQUAL_FATAL(p.rc, 0);
    Node *s = p.prog.routes->body->body;
    CU_ASSERT_EQUAL_FATAL(s->kind, ND_IF);
    CU_ASSERT_EQUAL(s->cond->kind, ND_EQ);
    CU_ASSERT_EQUAL(s->cond->lhs->kind, ND_PVAR);
    CU_ASSERT_EQUAL(s->cond->rhs->kind, ND_STR);
    CU_ASSERT_STRING_EQUAL(s->cond->rhs->sval, "A");
    CU_ASSERT_EQUAL_FATAL(s->els->kind, ND_IF);
    CU_ASSERT_EQUAL(s->els->cond->kind, ND_CALL);
    CU_ASSERT_EQUAL(s->els->els->kind, ND_BLOCK);
    CU_ASSERT_EQUAL(s->els->els->body->kind, ND_EXPR_STMT);
    CU_ASSERT_EQUAL(s->els->els->body->lhs->kind, ND_ROUTE_CALL);
    CU_ASSERT_EQUAL_FATAL(s->next->kind, ND_EXPR_STMT);
    CU_ASSERT_EQUAL(s->next->lhs->kind, ND_CALL);
    CU_ASSERT_EQUAL(s->next->lhs->nargs, 0);
    parsed_free(&p);
}

static void test_call_arguments_and_literals(void)
{
    Parsed p;
    parse_text(&p, "route { sl_send_reply(404, \"Not \\\"Here\\\"\\t\\$\"); }");
    CU_ASSERT_EQUAL_FATAL(p.rc, 0);
    Node *call = p.prog.routes->body->body->lhs;
    CU_ASSERT_EQUAL(call->nargs, 2);
    CU_ASSERT_EQUAL(call->args->kind, ND_INT);
    CU_ASSERT_EQUAL(call->args->ival, 404);
    CU_ASSERT_STRING_EQUAL(call->args->next->sval, "Not \"Here\"\t$");
    CU_ASSERT_EQUAL(call->args->next->slen, 12);
    parsed_free(&p);
}

static void test_equality_is_left_associative(void)
{
    Parsed p;
    parse_text(&p, "route { if ((1 == 2) != (3 == 4)) { } }");
    CU_ASSERT_EQUAL_FATAL(p.rc, 0);
    Node *c = p.prog.routes->body->body->cond;
    CU_ASSERT_EQUAL(c->kind, ND_NE);
    CU_ASSERT_EQUAL(c->lhs->kind, ND_EQ);
    CU_ASSERT_EQUAL(c->rhs->kind, ND_EQ);
    parsed_free(&p);
}

static void expect_syntax_error(const char *text, const char *want)
{
    Parsed p;
    parse_text(&p, text);
    CU_ASSERT_EQUAL(p.rc, -1);
    CU_ASSERT_EQUAL(p.d.nerr, 1); /* the first syntax error stops the parse */
    CU_ASSERT_STRING_EQUAL(p.diags, want);
    parsed_free(&p);
}

static void test_syntax_errors(void)
{
    expect_syntax_error("route {\n  if (is_method(\"A\") {\n  }\n}\n",
                        "t.sipc:2:22: error: syntax error near \"{\", expected ')' or an operator\n"
                        "  if (is_method(\"A\") {\n"
                        "                     ^\n");
    expect_syntax_error("route {\n\tforward()\n}\n",
                        "t.sipc:3:1: error: syntax error near \"}\", expected ';' or an operator\n"
                        "}\n"
                        "^\n");
    expect_syntax_error("route {\n  exit;\n",
                        "t.sipc:2:8: error: unexpected end of input: expected '}' to close the '{' "
                        "at line 1\n"
                        "  exit;\n"
                        "       ^\n");
    expect_syntax_error("route {\n  if (is_method(\"A\")",
                        "t.sipc:2:21: error: unexpected end of input: expected ')' to close the '(' "
                        "at line 2\n"
                        "  if (is_method(\"A\")\n"
                        "                    ^\n");
    expect_syntax_error("route { if (1 == 1) exit; }",
                        "t.sipc:1:21: error: syntax error near \"exit\", expected '{'\n"
                        "route { if (1 == 1) exit; }\n"
                        "                    ^\n");
    expect_syntax_error("route { sl_send_reply(200, \"a\\qb\"); }",
                        "t.sipc:1:30: error: unknown escape sequence '\\q'\n"
                        "route { sl_send_reply(200, \"a\\qb\"); }\n"
                        "                             ^\n");
    expect_syntax_error("route { sl_send_reply(99999999999999999999, \"x\"); }",
                        "t.sipc:1:23: error: integer literal '99999999999999999999' is too large\n"
                        "route { sl_send_reply(99999999999999999999, \"x\"); }\n"
                        "                      ^\n");
}

static void test_caret_follows_tabs(void)
{
    expect_syntax_error("route {\n\t\t@\n}",
                        "t.sipc:2:3: error: unexpected character '@'\n"
                        "\t\t@\n"
                        "\t\t^\n");
}

void unit_add_parser_suite(void)
{
    CU_pSuite s = CU_add_suite("parser", NULL, NULL);
    CU_add_test(s, "routes in source order", test_routes_in_order);
    CU_add_test(s, "if / else if / else", test_if_else_if_chain);
    CU_add_test(s, "call arguments and literals", test_call_arguments_and_literals);
    CU_add_test(s, "== and != associate left", test_equality_is_left_associative);
    CU_add_test(s, "syntax errors", test_syntax_errors);
    CU_add_test(s, "caret follows tabs", test_caret_follows_tabs);
}
