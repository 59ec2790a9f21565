/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_log.c - rt_log_limited() (runtime/rt_log.c): a repeating
 * condition is logged once, then once per interval with the count of the
 * lines held back, on a clock the test owns.  stderr goes to a temporary
 * file while a test runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "rt.h"
#include "unit.h"

static long long fake_now;

static long long fake_clock(void)
{
    return fake_now;
}

static FILE *cap;
static int saved_fd = -1;

static void capture_start(void)
{
    fflush(stderr);
    cap = tmpfile();
    saved_fd = dup(2);
    CU_ASSERT_FATAL(cap && saved_fd >= 0 && dup2(fileno(cap), 2) >= 0);
    rt_log_set_level(RT_LOG_INFO);
    rt_log_set_clock(fake_clock);
    fake_now = 1000;
}

/* The captured lines, one string (static buffer). */
static const char *capture_end(void)
{
    static char buf[4096];
    dup2(saved_fd, 2);
    close(saved_fd);
    rewind(cap);
    size_t n = fread(buf, 1, sizeof buf - 1, cap);
    buf[n] = '\0';
    fclose(cap);
    rt_log_set_clock(NULL);
    return buf;
}

static void test_once_per_interval(void)
{
    capture_start();
    for (int i = 0; i < 1000; i++)
        rt_log_limited(RT_LOG_WARN, "accept failed", "accept: Too many open files (%d)", i);
    fake_now += RT_LOG_REPEAT_INTERVAL - 1;
    rt_log_limited(RT_LOG_WARN, "accept failed", "accept: Too many open files (%d)", 1000);
    fake_now += 1;
    rt_log_limited(RT_LOG_WARN, "accept failed", "accept: Too many open files (%d)", 1001);
    CU_ASSERT_STRING_EQUAL(capture_end(), "sipd: warn: accept: Too many open files (0)\n"
                                          "sipd: warn: accept: Too many open files (1001) (repeated 1000 times in "
                                          "the last 10 s)\n");
}

static void test_keys_apart(void)
{
    capture_start();
    rt_log_limited(RT_LOG_WARN, "a Via from 10.0.0.1", "one %d", 1);
    rt_log_limited(RT_LOG_WARN, "a Via from 10.0.0.2", "one %d", 2); /* digits aside: the same key */
    rt_log_limited(RT_LOG_WARN, "tcp limit", "two");
    fake_now += 60;
    rt_log_limited(RT_LOG_WARN, "tcp limit", "two again"); /* nothing held back: no count */
    rt_log_limited(RT_LOG_DEBUG, "quiet", "below the level: %d", 3);
    CU_ASSERT_STRING_EQUAL(capture_end(), "sipd: warn: one 1\nsipd: warn: two\nsipd: warn: two again\n");
}

static void test_many_keys(void)
{
    capture_start();
    char key[32];
    for (int i = 0; i < 100; i++) { /* more keys than the table: the oldest make room */
        snprintf(key, sizeof key, "key %c%c", 'a' + i % 26, 'a' + i / 26);
        rt_log_limited(RT_LOG_WARN, key, "k");
        fake_now++;
    }
    const char *out = capture_end();
    int lines = 0;
    for (const char *p = out; (p = strchr(p, '\n')); p++)
        lines++;
    CU_ASSERT_EQUAL(lines, 100);
}

void unit_add_log_suite(void)
{
    CU_pSuite s = CU_add_suite("log", NULL, NULL);
    CU_add_test(s, "a repeated line: once, then once per interval with a count", test_once_per_interval);
    CU_add_test(s, "keys ignore digits and stay apart", test_keys_apart);
    CU_add_test(s, "more keys than the table holds", test_many_keys);
}
