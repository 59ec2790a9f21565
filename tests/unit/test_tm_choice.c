/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_tm_choice.c - the best final reply of a forked request
 * (runtime/tm_choice.c, RFC 3261 section 16.7): which index is chosen for
 * a list of final status codes, and the 503 -> 500 rule.
 */
#include "tm_choice.h"
#include "unit.h"

/* The code chosen from a list, or 0 when none is. */
static int chosen(const int *codes, int n)
{
    int i = tm_choose_best(codes, n);
    return i < 0 ? 0 : codes[i];
}
#define CHOSEN(...) chosen((const int[]){__VA_ARGS__}, (int)(sizeof((int[]){__VA_ARGS__}) / sizeof(int)))

static void test_single_and_empty(void)
{
    CU_ASSERT_EQUAL(tm_choose_best(NULL, 0), -1);
    CU_ASSERT_EQUAL(CHOSEN(486), 486);
    CU_ASSERT_EQUAL(CHOSEN(503), 503);
    CU_ASSERT_EQUAL(CHOSEN(603), 603);
}

static void test_6xx_wins(void)
{
    CU_ASSERT_EQUAL(CHOSEN(302, 486, 603, 500), 603);
    CU_ASSERT_EQUAL(CHOSEN(401, 600), 600);
    /* Between two 6xx, the first received. */
    int codes[] = {486, 603, 600};
    CU_ASSERT_EQUAL(tm_choose_best(codes, 3), 1);
}

static void test_lowest_class(void)
{
    CU_ASSERT_EQUAL(CHOSEN(500, 486), 486); /* 4xx before 5xx */
    CU_ASSERT_EQUAL(CHOSEN(503, 404, 502), 404);
    CU_ASSERT_EQUAL(CHOSEN(486, 302), 302); /* 3xx before 4xx */
    CU_ASSERT_EQUAL(CHOSEN(408, 503), 408); /* a local timeout is a 4xx */
    CU_ASSERT_EQUAL(CHOSEN(504, 500, 503), 500);
}

static void test_4xx_preference(void)
{
    /* Replies that let the client retry come first, in a fixed order. */
    CU_ASSERT_EQUAL(CHOSEN(404, 407, 400), 407);
    CU_ASSERT_EQUAL(CHOSEN(407, 401), 401);
    CU_ASSERT_EQUAL(CHOSEN(486, 484, 420), 420);
    CU_ASSERT_EQUAL(CHOSEN(480, 415), 415);
    /* Otherwise the lowest code. */
    CU_ASSERT_EQUAL(CHOSEN(486, 480, 404), 404);
    CU_ASSERT_EQUAL(CHOSEN(486, 408), 408);
}

static void test_ties_and_junk(void)
{
    int same[] = {486, 486, 486};
    CU_ASSERT_EQUAL(tm_choose_best(same, 3), 0);
    /* Provisional, 2xx and out-of-range codes are never chosen. */
    int junk[] = {180, 200, 700, 0, -1};
    CU_ASSERT_EQUAL(tm_choose_best(junk, 5), -1);
    int mixed[] = {200, 486};
    CU_ASSERT_EQUAL(tm_choose_best(mixed, 2), 1);
}

static void test_upstream_code(void)
{
    CU_ASSERT_EQUAL(tm_upstream_code(503), 500);
    CU_ASSERT_EQUAL(tm_upstream_code(500), 500);
    CU_ASSERT_EQUAL(tm_upstream_code(486), 486);
    CU_ASSERT_EQUAL(tm_upstream_code(603), 603);
}

void unit_add_tm_choice_suite(void)
{
    CU_pSuite s = CU_add_suite("tm_choice", NULL, NULL);
    CU_add_test(s, "one reply, none", test_single_and_empty);
    CU_add_test(s, "a 6xx wins", test_6xx_wins);
    CU_add_test(s, "the lowest class", test_lowest_class);
    CU_add_test(s, "4xx that help a retry come first", test_4xx_preference);
    CU_add_test(s, "ties and codes that are not final", test_ties_and_junk);
    CU_add_test(s, "503 goes upstream as 500", test_upstream_code);
}
