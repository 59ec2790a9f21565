/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_pike.c - the per-source request rates of pike_check_req()
 * (runtime/pike.c): the window, the threshold, blocks and their end, other
 * sources unaffected, the sweep, the memory cap.  Time is a number the
 * tests pass in; nothing sleeps.
 */
#include <stdio.h>
#include <string.h>

#include "pike.h"
#include "unit.h"

#define T0 1000000000LL /* ms; a multiple of every window used here */

/* n requests from ip at now: how many were allowed. */
static int burst(Pike *pk, const char *ip, int n, int64_t now)
{
    int ok = 0;
    for (int i = 0; i < n; i++)
        ok += pike_check(pk, ip, now, NULL);
    return ok;
}

static void test_threshold_and_block(void)
{
    Pike *pk = pike_create(2, 5, 10, 0);
    PikeEvent ev;
    PikeStats st;
    CU_ASSERT_PTR_NOT_NULL_FATAL(pk);
    CU_ASSERT_EQUAL(burst(pk, "192.0.2.1", 5, T0), 5); /* the limit itself is allowed */
    CU_ASSERT_EQUAL(pike_check(pk, "192.0.2.1", T0 + 10, &ev), 0);
    CU_ASSERT_EQUAL(ev, PIKE_EV_BLOCKED);
    /* Blocked: refused, no new event, even once the window is quiet. */
    CU_ASSERT_EQUAL(pike_check(pk, "192.0.2.1", T0 + 9000, &ev), 0);
    CU_ASSERT_EQUAL(ev, PIKE_EV_NONE);
    pike_stats(pk, &st);
    CU_ASSERT_EQUAL(st.sources, 1);
    CU_ASSERT_EQUAL(st.blocked, 1);
    CU_ASSERT_EQUAL(st.blocks, 1);
    CU_ASSERT_EQUAL(st.refused, 2);
    /* block_time after the block started, with the window quiet: back. */
    CU_ASSERT_EQUAL(pike_check(pk, "192.0.2.1", T0 + 10 + 10000, &ev), 1);
    CU_ASSERT_EQUAL(ev, PIKE_EV_UNBLOCKED);
    pike_stats(pk, &st);
    CU_ASSERT_EQUAL(st.blocked, 0);
    CU_ASSERT_EQUAL(st.blocks, 1);
    pike_destroy(pk);
}

static void test_other_source_unaffected(void)
{
    Pike *pk = pike_create(2, 5, 10, 0);
    CU_ASSERT_EQUAL(burst(pk, "192.0.2.1", 100, T0), 5);
    CU_ASSERT_EQUAL(burst(pk, "192.0.2.2", 5, T0 + 1), 5);
    CU_ASSERT_EQUAL(burst(pk, "2001:db8::1", 5, T0 + 1), 5);
    CU_ASSERT_EQUAL(pike_check(pk, "192.0.2.1", T0 + 2, NULL), 0);
    PikeStats st;
    pike_stats(pk, &st);
    CU_ASSERT_EQUAL(st.sources, 3);
    CU_ASSERT_EQUAL(st.blocked, 1);
    CU_ASSERT_EQUAL(st.refused, 96);
    pike_destroy(pk);
}

/* A source that keeps flooding through its block is still blocked when
 * the block time is over: the block starts over, and is not counted as a
 * new one. */
static void test_flooding_keeps_block(void)
{
    Pike *pk = pike_create(2, 5, 10, 0);
    PikeEvent ev;
    int64_t t = T0;
    CU_ASSERT_EQUAL(burst(pk, "192.0.2.1", 6, t), 5);
    for (t = T0; t < T0 + 25000; t += 100) { /* 10 per second, the limit is 2.5 */
        CU_ASSERT_EQUAL(pike_check(pk, "192.0.2.1", t, &ev), 0);
        CU_ASSERT_EQUAL(ev, PIKE_EV_NONE);
    }
    PikeStats st;
    pike_stats(pk, &st);
    CU_ASSERT_EQUAL(st.blocks, 1);
    CU_ASSERT_EQUAL(st.blocked, 1);
    /* The block started over at T0+10000 and T0+20000; it stopped at
     * T0+24900, so at T0+45000 the block is over and the window quiet. */
    CU_ASSERT_EQUAL(pike_check(pk, "192.0.2.1", T0 + 45000, &ev), 1);
    CU_ASSERT_EQUAL(ev, PIKE_EV_UNBLOCKED);
    pike_destroy(pk);
}

/* The window slides: the bucket before counts for the part of it still
 * inside the window. */
static void test_sliding_window(void)
{
    Pike *pk = pike_create(2, 10, 10, 0);
    /* 10 at the end of one bucket, one 100 ms into the next: 9.5 + 1 is
     * over 10 (a fixed window would have allowed it). */
    CU_ASSERT_EQUAL(burst(pk, "192.0.2.1", 10, T0 + 1900), 10);
    CU_ASSERT_EQUAL(pike_check(pk, "192.0.2.1", T0 + 2100, NULL), 0);
    /* The same, 1.1 s into the next bucket: 4.5 + 1, allowed. */
    CU_ASSERT_EQUAL(burst(pk, "192.0.2.2", 10, T0 + 1900), 10);
    CU_ASSERT_EQUAL(burst(pk, "192.0.2.2", 5, T0 + 3100), 5);
    CU_ASSERT_EQUAL(pike_check(pk, "192.0.2.2", T0 + 3100, NULL), 0); /* 4.5 + 6 */
    /* Two windows later nothing of it is left. */
    CU_ASSERT_EQUAL(burst(pk, "192.0.2.3", 10, T0 + 1999), 10);
    CU_ASSERT_EQUAL(burst(pk, "192.0.2.3", 10, T0 + 4000), 10);
    /* A steady rate under the limit (4 per second, 8 per window of 2 s)
     * never blocks. */
    int ok = 0;
    for (int64_t t = T0; t < T0 + 20000; t += 250)
        ok += pike_check(pk, "192.0.2.4", t, NULL);
    CU_ASSERT_EQUAL(ok, 80);
    pike_destroy(pk);
}

static void test_sweep(void)
{
    Pike *pk = pike_create(2, 5, 10, 0);
    PikeStats st;
    burst(pk, "192.0.2.1", 1, T0);
    burst(pk, "192.0.2.2", 7, T0); /* blocked until T0 + 10000 */
    pike_sweep(pk, T0 + 1000, NULL, NULL);
    pike_stats(pk, &st);
    CU_ASSERT_EQUAL(st.sources, 2);
    /* Two windows on, the idle source goes; the blocked one stays. */
    pike_sweep(pk, T0 + 4000, NULL, NULL);
    pike_stats(pk, &st);
    CU_ASSERT_EQUAL(st.sources, 1);
    CU_ASSERT_EQUAL(st.blocked, 1);
    CU_ASSERT_EQUAL(pike_check(pk, "192.0.2.2", T0 + 5000, NULL), 0);
    pike_destroy(pk);
}

static char lifted[64];
static int nlifted;
static void on_lift(void *arg, const char *src)
{
    (void)arg;
    snprintf(lifted, sizeof lifted, "%s", src);
    nlifted++;
}

/* The sweep lifts a block that is over for a source that went quiet, and
 * then drops it. */
static void test_sweep_lifts_block(void)
{
    Pike *pk = pike_create(2, 5, 10, 0);
    PikeStats st;
    nlifted = 0;
    burst(pk, "2001:db8:1:2::7", 50, T0);
    pike_sweep(pk, T0 + 9000, on_lift, NULL);
    CU_ASSERT_EQUAL(nlifted, 0);
    pike_sweep(pk, T0 + 10000, on_lift, NULL);
    CU_ASSERT_EQUAL(nlifted, 1);
    CU_ASSERT_STRING_EQUAL(lifted, "2001:db8:1:2::/64");
    pike_stats(pk, &st);
    CU_ASSERT_EQUAL(st.blocked, 0);
    CU_ASSERT_EQUAL(st.sources, 0);
    pike_destroy(pk);
}

/* IPv4-mapped IPv6 is IPv4; IPv6 counts by /64. */
static void test_keys(void)
{
    char buf[64];
    Pike *pk = pike_create(2, 3, 10, 0);
    CU_ASSERT_EQUAL(burst(pk, "192.0.2.1", 2, T0), 2);
    CU_ASSERT_EQUAL(burst(pk, "::ffff:192.0.2.1", 2, T0), 1);
    CU_ASSERT_EQUAL(burst(pk, "2001:db8:1:2::1", 2, T0), 2);
    CU_ASSERT_EQUAL(burst(pk, "2001:db8:1:2:ffff::9", 2, T0), 1);
    CU_ASSERT_EQUAL(burst(pk, "2001:db8:1:3::1", 3, T0), 3);
    CU_ASSERT_STRING_EQUAL(pike_source_name("::ffff:192.0.2.1", buf, sizeof buf), "192.0.2.1");
    CU_ASSERT_STRING_EQUAL(pike_source_name("2001:db8:1:2:3:4:5:6", buf, sizeof buf), "2001:db8:1:2::/64");
    CU_ASSERT_STRING_EQUAL(pike_source_name("nonsense", buf, sizeof buf), "(not an address)");
    PikeStats st;
    pike_stats(pk, &st);
    CU_ASSERT_EQUAL(st.sources, 3);
    pike_destroy(pk);
}

/* At most max_sources are tracked: the least recently seen source that is
 * not blocked makes room; when they are all blocked, newcomers are let
 * through untracked and the blocks stay. */
static void test_memory_cap(void)
{
    char ip[32];
    PikeStats st;
    Pike *pk = pike_create(2, 1, 10, 4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(pk);
    for (int i = 1; i <= 4; i++) {
        snprintf(ip, sizeof ip, "192.0.2.%d", i);
        CU_ASSERT_EQUAL(pike_check(pk, ip, T0, NULL), 1);
    }
    CU_ASSERT_EQUAL(pike_check(pk, "192.0.2.1", T0 + 1, NULL), 0); /* blocked, and the most recent */
    CU_ASSERT_EQUAL(pike_check(pk, "192.0.2.5", T0 + 2, NULL), 1); /* 192.0.2.2 makes room */
    pike_stats(pk, &st);
    CU_ASSERT_EQUAL(st.sources, 4);
    CU_ASSERT_EQUAL(st.evicted, 1);
    CU_ASSERT_EQUAL(pike_check(pk, "192.0.2.2", T0 + 3, NULL), 1); /* counted afresh: 192.0.2.3 goes */
    /* Block the three others tracked (each sent one already). */
    CU_ASSERT_EQUAL(burst(pk, "192.0.2.4", 1, T0 + 4), 0);
    CU_ASSERT_EQUAL(burst(pk, "192.0.2.5", 1, T0 + 4), 0);
    CU_ASSERT_EQUAL(burst(pk, "192.0.2.2", 1, T0 + 4), 0);
    pike_stats(pk, &st);
    CU_ASSERT_EQUAL(st.blocked, 4);
    /* A spoofed flood of new sources changes nothing tracked. */
    for (int i = 0; i < 1000; i++) {
        snprintf(ip, sizeof ip, "198.51.%d.%d", i / 250, i % 250);
        CU_ASSERT_EQUAL(pike_check(pk, ip, T0 + 5, NULL), 1);
    }
    pike_stats(pk, &st);
    CU_ASSERT_EQUAL(st.sources, 4);
    CU_ASSERT_EQUAL(st.blocked, 4);
    CU_ASSERT_EQUAL(st.untracked, 1000);
    CU_ASSERT_EQUAL(pike_check(pk, "192.0.2.1", T0 + 6, NULL), 0);
    pike_destroy(pk);

    /* Many sources through a small table: memory stays at the cap. */
    pk = pike_create(2, 30, 10, 1000);
    for (int i = 0; i < 100000; i++) {
        snprintf(ip, sizeof ip, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
        pike_check(pk, ip, T0 + i, NULL);
    }
    pike_stats(pk, &st);
    CU_ASSERT_EQUAL(st.sources, 1000);
    CU_ASSERT_EQUAL(st.evicted, 99000);
    pike_sweep(pk, T0 + 200000, NULL, NULL);
    pike_stats(pk, &st);
    CU_ASSERT_EQUAL(st.sources, 0);
    pike_destroy(pk);
}

static void test_create_args(void)
{
    CU_ASSERT_PTR_NULL(pike_create(0, 5, 10, 0));
    CU_ASSERT_PTR_NULL(pike_create(2, 0, 10, 0));
    CU_ASSERT_PTR_NULL(pike_create(2, 5, 0, 0));
    Pike *pk = pike_create(2, 5, 10, 0);
    int w, m, b;
    pike_limits(pk, &w, &m, &b);
    CU_ASSERT(w == 2 && m == 5 && b == 10);
    pike_destroy(pk);
    pike_destroy(NULL);
}

void unit_add_pike_suite(void)
{
    CU_pSuite s = CU_add_suite("pike", NULL, NULL);
    CU_add_test(s, "over the threshold: blocked, then back", test_threshold_and_block);
    CU_add_test(s, "another source is not affected", test_other_source_unaffected);
    CU_add_test(s, "flooding through the block keeps it", test_flooding_keeps_block);
    CU_add_test(s, "the window slides", test_sliding_window);
    CU_add_test(s, "the sweep drops idle sources", test_sweep);
    CU_add_test(s, "the sweep lifts blocks that are over", test_sweep_lifts_block);
    CU_add_test(s, "IPv4-mapped and IPv6 /64 keys", test_keys);
    CU_add_test(s, "memory cap and a spoofed flood", test_memory_cap);
    CU_add_test(s, "arguments", test_create_args);
}
