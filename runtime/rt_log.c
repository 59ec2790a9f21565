/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_log.c - the runtime's logger: one line per event, with a level.
 *
 * Lines go to stderr as "sipd: LEVEL: message", built in one buffer and
 * written with a single write(2) so concurrent writers never interleave
 * within a line.  Newlines inside the message are replaced, so one event is
 * always one line (a SIP header value cannot break the log format).  The
 * level is process-wide: info by default, debug with `sipd -d`.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
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

void rt_log(RtLogLevel level, const char *fmt, ...)
{
    if (!rt_log_enabled(level))
        return;
    char line[1024];
    int n = snprintf(line, sizeof line, "sipd: %s: ", level_names[level]);
    size_t head = (size_t)n;
    va_list ap;
    va_start(ap, fmt);
    n = vsnprintf(line + head, sizeof line - head - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = head + (size_t)n;
    if (len > sizeof line - 2)
        len = sizeof line - 2; /* truncated */
    for (size_t i = head; i < len; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    line[len++] = '\n';
    ssize_t w = write(2, line, len);
    (void)w; /* nowhere to report a failing stderr */
}
