/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core.c - message tests: is_method, has_totag, is_myself.
 *
 * Pure functions of their arguments and the parsed request; they never send
 * anything and never allocate.
 */
#include <string.h>

#include <sofia-sip/url.h>

#include "rt_internal.h"

/*
 * is_method("INVITE|REGISTER"): true if the request method is one of the
 * '|'-separated names.  Method names are case-sensitive (RFC 3261 section
 * 7.1), so "invite" does not match INVITE.  Empty alternatives never match.
 * On a reply, the method is the one of its CSeq (as $rm).
 */
int sipc_is_method(sipc_msg *m, const sipc_str *methods)
{
    const char *rm = m->rm.s;
    size_t rlen = (size_t)m->rm.len;
    const char *p = methods->s, *end = methods->s + methods->len;

    if (rlen == 0)
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

/* has_totag(): the To header has a non-empty tag, i.e. the request is
 * inside a dialog (RFC 3261 section 12.2.2). */
int sipc_has_totag(sipc_msg *m)
{
    const sip_t *sip = m->sip;
    return sip && sip->sip_to && sip->sip_to->a_tag && sip->sip_to->a_tag[0];
}

/* is_myself(host or URI): the host (with its port, when one is given) is
 * an address this server listens on.  Without a port only the host is
 * compared, so is_myself($rd) asks "is this our domain?" whatever port the
 * caller wrote.  IPv6 hosts are written in brackets, as in a URI. */
int sipc_is_myself(sipc_msg *m, const sipc_str *v)
{
    if (!v || v->len <= 0 || v->len > 1024)
        return 0;
    char *s = rt_str_dup(m, v);
    if (!s)
        return 0;
    int scheme = strncmp(s, "sip:", 4) == 0 || strncmp(s, "sips:", 5) == 0;
    url_t *u = url_make(m->home, scheme ? s : su_sprintf(m->home, "sip:%s", s));
    if (!u || !u->url_host)
        return 0;
    if (u->url_port && *u->url_port)
        return rt_url_is_self(m, u);
    return rt_host_is_self(m, u->url_host);
}
