/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core.c - core helpers and message tests: sipc_str_eq, is_method.
 *
 * Pure functions of their arguments and the parsed request; they never send
 * anything and never allocate.
 */
#include <string.h>

#include "rt_internal.h"

int sipc_str_eq(const sipc_str *a, const sipc_str *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->s, b->s, (size_t)a->len) == 0);
}

/*
 * is_method("INVITE|REGISTER"): true if the request method is one of the
 * '|'-separated names.  Method names are case-sensitive (RFC 3261 section
 * 7.1), so "invite" does not match INVITE.  Empty alternatives never match.
 */
int sipc_is_method(sipc_msg *m, const sipc_str *methods)
{
    const char *rm = m->rm.s;
    size_t rlen = (size_t)m->rm.len;
    const char *p = methods->s, *end = methods->s + methods->len;

    if (!m->sip || !m->sip->sip_request || rlen == 0)
        return 0;
    while (p <= end) {
        const char *bar = memchr(p, '|', (size_t)(end - p));
        const char *e = bar ? bar : end;
        if ((size_t)(e - p) == rlen && memcmp(p, rm, rlen) == 0)
            return 1;
        if (!bar)
            break;
        p = bar + 1;
    }
    return 0;
}
