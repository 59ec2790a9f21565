/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_log.c - the runtime's logger: one line per event, with a level.
 *
 * Lines go to stderr as "sipd: LEVEL: message", built in one buffer and
 * written with a single write(2) so concurrent writers never interleave
 * within a line.  Newlines inside the message are replaced, so one event is
 * always one line (a SIP header value cannot break the log format).  The
 * level is process-wide: info by default, debug with `sipd -d`.
 *
 * rt_log_limited() keeps a condition that repeats from flooding the log:
 * a small table of recent keys (hashes, digits skipped), each with when it
 * was last printed and how many occurrences were held back since; the
 * oldest entry makes room for a new key.  Held-back occurrences are
 * reported with the next line of the same key.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rt.h"

static RtLogLevel cur_level = RT_LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void rt_log_set_level(RtLogLevel level)
{
    cur_level = level;
}

int rt_log_enabled(RtLogLevel level)
{
    return level <= cur_level;
}

static void vlog(RtLogLevel level, const char *suffix, const char *fmt, va_list ap)
{
    char line[1024];
    int n = snprintf(line, sizeof line, "sipd: %s: ", level_names[level]);
    size_t head = (size_t)n;
    n = vsnprintf(line + head, sizeof line - head - 1, fmt, ap);
    if (n < 0)
        return;
    size_t len = head + (size_t)n;
    if (suffix && len < sizeof line - 2)
        len += (size_t)snprintf(line + len, sizeof line - 1 - len, "%s", suffix);
    if (len > sizeof line - 2)
        len = sizeof line - 2; /* truncated */
    for (size_t i = head; i < len; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    line[len++] = '\n';
    ssize_t w = write(2, line, len);
    (void)w; /* nowhere to report a failing stderr */
}

void rt_log(RtLogLevel level, const char *fmt, ...)
{
    if (!rt_log_enabled(level))
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog(level, NULL, fmt, ap);
    va_end(ap);
}

#define NREPEAT 32

static struct {
    uint64_t key;    /* hash of the key, 0: free */
    int64_t printed; /* monotonic seconds of the last line */
    unsigned held;   /* occurrences held back since */
} repeat[NREPEAT];

static uint64_t key_hash(const char *key)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        if (*p < '0' || *p > '9')
            h = (h ^ *p) * 1099511628211u;
    return h ? h : 1;
}

static long long monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec;
}

static long long (*now_s)(void) = monotonic_s;

void rt_log_set_clock(long long (*clock_s)(void))
{
    now_s = clock_s ? clock_s : monotonic_s;
    memset(repeat, 0, sizeof repeat);
}

void rt_log_limited(RtLogLevel level, const char *key, const char *fmt, ...)
{
    if (!rt_log_enabled(level))
        return;
    int64_t now = now_s();
    uint64_t h = key_hash(key);
    int slot = 0;
    for (int i = 0; i < NREPEAT; i++) {
        if (repeat[i].key == h) {
            slot = i;
            break;
        }
        if (repeat[i].printed < repeat[slot].printed || !repeat[i].key)
            slot = i; /* a free entry, else the oldest */
    }
    char suffix[80] = "";
    if (repeat[slot].key == h) {
        int64_t since = now - repeat[slot].printed;
        if (since < RT_LOG_REPEAT_INTERVAL) {
            repeat[slot].held++;
            return;
        }
        if (repeat[slot].held)
            snprintf(suffix, sizeof suffix, " (repeated %u times in the last %lld s)", repeat[slot].held,
                     (long long)since);
    }
    repeat[slot].key = h;
    repeat[slot].printed = now;
    repeat[slot].held = 0;
    va_list ap;
    va_start(ap, fmt);
    vlog(level, suffix, fmt, ap);
    va_end(ap);
}
