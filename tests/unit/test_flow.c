/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_flow.c - type rules of the full language and definite assignment of
 * $var, each case as the exact first diagnostic (or none).
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* The first diagnostic line of compiling `src`, or "" when clean. */
static char *first_line(const char *src)
{
    int rc;
    char *all = unit_check(src, &rc);
    char *nl = strchr(all, '\n');
    if (nl)
        *nl = '\0';
    return all;
}

static void expect(const char *src, const char *want)
{
    char *got = first_line(src);
    CU_ASSERT_STRING_EQUAL(got, want);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "\n  source: %s\n  got:    %s\n  want:   %s\n", src, got, want);
    free(got);
}

static void test_type_rules(void)
{
    expect("route { $var(a) = 1 + 2 * 3 - 4 / 2 % 3; if ($var(a) >= 0 && !($var(a) < 1)) { exit; } }", "");
    expect("route { $var(s) = \"a\" + \"b\"; if ($var(s) == \"ab\" || $ru =~ \"^sip:\") { exit; } }", "");
    expect("route { if (true == false) { exit; } }", "");
    expect("route { if (1 < 2 < 3) { exit; } }", "t.sipc:1:19: error: syntax error near \"<\"");
    expect("route { if (\"a\" + 1 == \"a1\") { exit; } }",
           "t.sipc:1:17: error: cannot add string and int; write \"...$var(x)...\" to put a number in a string");
    expect("route { $var(x) = xlog(\"a\"); }", "t.sipc:1:19: error: 'xlog' returns no value");
    expect("route { switch ($sp) { case -1: break; case 5060: exit; } }", "");
}

static void test_definite_assignment(void)
{
    /* assigned on both branches */
    expect("route { if ($sp == 1) { $var(a) = 1; } else { $var(a) = 2; } xlog(\"$var(a)\"); }", "");
    /* only on one */
    expect("route { if ($sp == 1) { $var(a) = 1; } xlog(\"$var(a)\"); }",
           "t.sipc:1:46: error: $var(a) is read here, but not assigned on every path to here");
    /* a branch that exits does not count against it */
    expect("route { if ($sp == 1) { $var(a) = 1; } else { exit; } xlog(\"$var(a)\"); }", "");
    /* a while body may not run */
    expect("route { while ($sp == 1) { $var(a) = 1; break; } xlog(\"$var(a)\"); }",
           "t.sipc:1:56: error: $var(a) is read here, but not assigned on every path to here");
    /* the right side of && may not run */
    expect("route[f] { $var(a) = 1; return true; }\n"
           "route { if ($sp == 1 && route(f)) { exit; } xlog(\"$var(a)\"); }",
           "t.sipc:2:51: error: $var(a) is read here, but not assigned on every path to here");
    /* a sub-route assigns for its caller, and reads what every caller assigned */
    expect("route[set] { $var(a) = 1; }\nroute[get] { xlog(\"$var(a)\"); }\n"
           "route { route(set); xlog(\"$var(a)\"); route(get); }",
           "");
    expect("route[get] { xlog(\"$var(a)\"); }\n"
           "route { if ($sp == 1) { $var(a) = 1; route(get); } else { route(get); } }",
           "t.sipc:1:20: error: $var(a) is read here, but not assigned on every path to here");
    /* switch: every case and the missing default */
    expect("route { switch ($sp) { case 1: $var(a) = 1; break; default: $var(a) = 2; } xlog(\"$var(a)\"); }", "");
    expect("route { switch ($sp) { case 1: $var(a) = 1; break; } xlog(\"$var(a)\"); }",
           "t.sipc:1:60: error: $var(a) is read here, but not assigned on every path to here");
}

void unit_add_flow_suite(void)
{
    CU_pSuite s = CU_add_suite("types and flow", NULL, NULL);
    CU_add_test(s, "type rules", test_type_rules);
    CU_add_test(s, "definite assignment of $var", test_definite_assignment);
}
