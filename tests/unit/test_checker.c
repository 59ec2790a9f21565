/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_checker.c - name resolution and type rules, compared as whole
 * diagnostics; and that clean policies emit C.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static void expect_diags(const char *text, const char *want)
{
    int rc;
    char *got = unit_check(text, &rc);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
}

static void test_clean_policy(void)
{
    int rc;
    char *got = unit_check("route { if ($sp == 5060 && 1) { } }", &rc);
    /* '&&' is not in this slice: the lexer stops at '&'. */
    CU_ASSERT_EQUAL(rc, -1);
    free(got);
    got = unit_check("route { if ($sp != 5060) { route(a); } }\nroute[a] { forward(); }", &rc);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_STRING_EQUAL(got, "");
    free(got);
}

static void test_unknown_names(void)
{
    /* Route names are resolved first, then bodies are typed. */
    expect_diags("route { foo(); if ($xx == \"a\") { route(nope); } }",
                 "t.sipc:1:40: error: unknown route 'nope'\n"
                 "route { foo(); if ($xx == \"a\") { route(nope); } }\n"
                 "                                       ^\n"
                 "t.sipc:1:9: error: unknown function 'foo'\n"
                 "route { foo(); if ($xx == \"a\") { route(nope); } }\n"
                 "        ^\n"
                 "t.sipc:1:20: error: unknown pseudo-variable '$xx'\n"
                 "route { foo(); if ($xx == \"a\") { route(nope); } }\n"
                 "                   ^\n");
}

static void test_type_rules(void)
{
    expect_diags("route {\n"
                 "  if ($rm == 1) { }\n"
                 "  if ($si) { }\n"
                 "  if (forward() == \"x\") { }\n"
                 "}\n",
                 "t.sipc:2:11: error: cannot compare string with int\n"
                 "  if ($rm == 1) { }\n"
                 "          ^\n"
                 "t.sipc:3:7: error: condition must be bool, not string\n"
                 "  if ($si) { }\n"
                 "      ^\n"
                 "t.sipc:4:17: error: cannot compare bool with string\n"
                 "  if (forward() == \"x\") { }\n"
                 "                ^\n");
}

static void test_call_signatures(void)
{
    expect_diags("route { sl_send_reply(\"200\", 1); is_method(); sl_send_reply(700, \"x\"); }",
                 "t.sipc:1:23: error: argument 1 of 'sl_send_reply' must be an int, not string\n"
                 "route { sl_send_reply(\"200\", 1); is_method(); sl_send_reply(700, \"x\"); }\n"
                 "                      ^\n"
                 "t.sipc:1:30: error: argument 2 of 'sl_send_reply' must be a string, not int\n"
                 "route { sl_send_reply(\"200\", 1); is_method(); sl_send_reply(700, \"x\"); }\n"
                 "                             ^\n"
                 "t.sipc:1:34: error: 'is_method' takes 1 argument, not 0\n"
                 "route { sl_send_reply(\"200\", 1); is_method(); sl_send_reply(700, \"x\"); }\n"
                 "                                 ^\n"
                 "t.sipc:1:61: error: reply code 700 is outside 100..699\n"
                 "route { sl_send_reply(\"200\", 1); is_method(); sl_send_reply(700, \"x\"); }\n"
                 "                                                            ^\n");
}

static void test_route_definitions(void)
{
    expect_diags("route[a] { }\nroute[a] { }\nroute { }\nroute { }\n",
                 "t.sipc:2:7: error: redefinition of route[a]\n"
                 "route[a] { }\n"
                 "      ^\n"
                 "t.sipc:1:7: note: the first definition is here\n"
                 "route[a] { }\n"
                 "      ^\n"
                 "t.sipc:4:1: error: a second main 'route' block\n"
                 "route { }\n"
                 "^\n"
                 "t.sipc:3:1: note: the first one is here\n"
                 "route { }\n"
                 "^\n"
                 "t.sipc:1:7: warning: route[a] is never used\n"
                 "route[a] { }\n"
                 "      ^\n");
    expect_diags("", "t.sipc:1:1: error: the policy has no main 'route { }' block\n\n^\n");
    expect_diags("route[a] { }\n",
                 "t.sipc:1:1: error: the policy has no main 'route { }' block\n"
                 "route[a] { }\n"
                 "^\n"
                 "t.sipc:1:7: warning: route[a] is never used\n"
                 "route[a] { }\n"
                 "      ^\n");
}

static void test_error_cap(void)
{
    /* 30 unknown functions: 20 reported, then one line saying it stopped. */
    char src[1024] = "route {";
    for (int i = 0; i < 30; i++)
        strcat(src, " f();");
    strcat(src, " }");
    int rc;
    char *got = unit_check(src, &rc);
    CU_ASSERT_EQUAL(rc, -1);
    int n = 0;
    for (const char *s = got; (s = strstr(s, ": error: ")); s++)
        n++;
    CU_ASSERT_EQUAL(n, DIAG_MAX_ERRORS);
    CU_ASSERT_PTR_NOT_NULL(strstr(got, "t.sipc: too many errors, stopping\n"));
    free(got);
}

static void test_emit_is_deterministic(void)
{
    const char *src = "route { if (is_method(\"OPTIONS\")) { sl_send_reply(200, \"OK\"); exit; }"
                      " route(b); }\nroute[b] { if ($rm != \"OPTIONS\") { drop; } }";
    char *a = unit_emit(src);
    char *b = unit_emit(src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(a, b);
    /* one constant per distinct string, shared by both uses of "OPTIONS" */
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "static const sipc_str sipc_k0 = {\"OPTIONS\", 7};"));
    CU_ASSERT_PTR_NULL(strstr(a, "sipc_k3"));
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "if ((r = route_r_b(m, 0)) != SIPC_CONTINUE)"));
    free(a);
    free(b);
}

static void test_json_format(void)
{
    const char *src = "route[x] { }\nroute { foo(\"a\\\"b\"); }";
    char *out = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&out, &n);
    int rc = sipc_compile_text("t.sipc", src, strlen(src), DIAG_JSON, mem, NULL, NULL);
    fclose(mem);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_STRING_EQUAL(out, "[{\"file\":\"t.sipc\",\"line\":2,\"col\":9,\"severity\":\"error\","
                                "\"message\":\"unknown function 'foo'\"},\n"
                                " {\"file\":\"t.sipc\",\"line\":1,\"col\":7,\"severity\":\"warning\","
                                "\"message\":\"route[x] is never used\"}]\n");
    free(out);
    /* a clean policy is an empty array */
    mem = open_memstream(&out, &n);
    rc = sipc_compile_text("t.sipc", "route { }", 9, DIAG_JSON, mem, NULL, NULL);
    fclose(mem);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_STRING_EQUAL(out, "[]\n");
    free(out);
}

void unit_add_checker_suite(void)
{
    CU_pSuite s = CU_add_suite("checker", NULL, NULL);
    CU_add_test(s, "clean policies pass", test_clean_policy);
    CU_add_test(s, "unknown names", test_unknown_names);
    CU_add_test(s, "type rules", test_type_rules);
    CU_add_test(s, "call signatures", test_call_signatures);
    CU_add_test(s, "route definitions", test_route_definitions);
    CU_add_test(s, "errors are capped", test_error_cap);
    CU_add_test(s, "emitted C is deterministic", test_emit_is_deterministic);
    CU_add_test(s, "--format=json", test_json_format);
}
