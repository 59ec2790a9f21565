/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xlog.c - xlog(level?, text): a log line from the policy.
 *
 * The text is printed as given (the compiler has already interpolated any
 * pseudo-variables), minus one trailing newline, which Kamailio scripts
 * habitually end their xlog text with.  It goes through sipd's logger, so
 * it is one line (other line breaks become spaces) with sipd's prefix.
 * Levels are syslog's, folded onto sipd's four:
 *   L_ALERT, L_CRIT, L_ERR -> error    L_WARN -> warn
 *   L_NOTICE, L_INFO -> info           L_DBG -> debug
 * An absent level arrives as L_ERR (Kamailio's default for xlog).
 */
#include "rt_internal.h"

static RtLogLevel map_level(int level)
{
    switch (level) {
    case SIPC_L_ALERT:
    case SIPC_L_CRIT:
    case SIPC_L_ERR: return RT_LOG_ERROR;
    case SIPC_L_WARN: return RT_LOG_WARN;
    case SIPC_L_NOTICE:
    case SIPC_L_INFO: return RT_LOG_INFO;
    case SIPC_L_DBG: return RT_LOG_DEBUG;
    default: return level < SIPC_L_ALERT ? RT_LOG_ERROR : RT_LOG_DEBUG;
    }
}

static const char *const level_names[] = {"", "L_ALERT", "L_CRIT", "L_ERR", "L_WARN", "L_NOTICE", "L_INFO", "L_DBG"};

void sipc_xlog(sipc_msg *m, int level, const sipc_str *text)
{
    RtLogLevel l = map_level(level);
    sipc_int n = text->len;
    if (n > 0 && text->s[n - 1] == '\n')
        n--;
    if (n > 0 && text->s[n - 1] == '\r')
        n--;
    if (m->rec) { /* every level is recorded, whatever sipd would print */
        sipc_str line = {text->s, n};
        rt_trace(m, "log %s %s", level >= SIPC_L_ALERT && level <= SIPC_L_DBG ? level_names[level] : "?",
                 rt_rec_quote(m, &line));
    }
    if (!rt_log_enabled(l))
        return;
    rt_log(l, "%.*s", (int)(n > 65536 ? 65536 : n), text->s);
}
