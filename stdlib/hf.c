/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hf.c - header fields of the message being routed: is_present_hf(name),
 * append_hf(line), remove_hf(name).
 *
 * Names are matched as $hdr does (rt_hdr.c): case-insensitive, compact
 * forms of known headers included.  Edits apply to the message being
 * routed, so forward() sends them; the getter cache is dropped after each
 * (rt_msg_changed).  Replies from sl_send_reply() are built from the
 * request's Via, From, To, Call-ID, CSeq and Record-Route only, so other
 * edits do not show in them.
 */
#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>

#include "rt_internal.h"

int sipc_is_present_hf(sipc_msg *m, const sipc_str *name)
{
    msg_header_t **hh;
    int unknown;
    if (!m->sip || rt_hdr_lookup(m, name->s, (size_t)name->len, &hh, &unknown, NULL) < 0)
        return 0;
    if (!unknown)
        return *hh != NULL;
    for (const sip_unknown_t *u = m->sip->sip_unknown; u; u = u->un_next)
        if (rt_hdr_unknown_is(u, name->s, (size_t)name->len))
            return 1;
    return 0;
}

/*
 * append_hf("X-Foo: bar"): parse the line as a header and add it; a known
 * header becomes its typed object (a Route line is a Route) and follows its
 * class's rule: appended after those of its name, or on top for Via and
 * Record-Route, or replacing the old one for a header that occurs once
 * (Max-Forwards, Call-ID...).  One trailing CRLF (or LF) is allowed, as
 * Kamailio scripts write "...\r\n"; any other line break, a NUL, or a line
 * that is not "Name: value" is refused with a warning (false), so a policy
 * string can never inject a second header.
 */
int sipc_append_hf(sipc_msg *m, const sipc_str *line)
{
    sip_t *sip = m->sip;
    size_t n = (size_t)line->len;
    if (!sip)
        return 0;
    if (n >= 2 && line->s[n - 2] == '\r' && line->s[n - 1] == '\n')
        n -= 2;
    else if (n >= 1 && line->s[n - 1] == '\n')
        n -= 1;
    const char *colon = memchr(line->s, ':', n);
    size_t namelen = colon ? (size_t)(colon - line->s) : 0;
    while (namelen > 0 && (line->s[namelen - 1] == ' ' || line->s[namelen - 1] == '\t'))
        namelen--;
    msg_header_t **hh;
    msg_hclass_t *hc = NULL;
    int unknown;
    const char *why = NULL;
    if (memchr(line->s, '\r', n) || memchr(line->s, '\n', n) || memchr(line->s, '\0', n))
        why = "a header is one line";
    else if (!colon || rt_hdr_lookup(m, line->s, namelen, &hh, &unknown, &hc) < 0)
        why = "not \"Name: value\"";
    if (why) {
        rt_log(RT_LOG_WARN, "append_hf(\"%.*s\") refused: %s (call-id %s)", (int)(n > 200 ? 200 : n), line->s,
               why, rt_msg_call_id(sip));
        if (m->rec)
            rt_trace(m, "append_hf %s refused: %s", rt_rec_quote(m, line), why);
        return 0;
    }
    /* A known header is made from its value, an extension header from the
     * whole line.  sip_add_make() puts it before the blank line that ends
     * the headers (adding a parsed header line to a received message would
     * put it after the body). */
    const char *value = colon + 1;
    while (value < line->s + n && (*value == ' ' || *value == '\t'))
        value++;
    char *z = unknown ? su_strndup(m->home, line->s, (isize_t)n)
                      : su_strndup(m->home, value, (isize_t)(line->s + n - value));
    if (!z || sip_add_make(m->msg, sip, hc, z) < 0) {
        rt_log(RT_LOG_WARN, "append_hf(\"%.*s\"): sofia-sip cannot parse it (call-id %s)",
               (int)(n > 200 ? 200 : n), line->s, rt_msg_call_id(sip));
        return 0;
    }
    rt_msg_changed(m);
    if (m->rec) {
        sipc_str added = {line->s, (sipc_int)n};
        rt_trace(m, "append_hf %s", rt_rec_quote(m, &added));
    }
    return 1;
}

/* remove_hf(name): remove every header of that name; true if there was one. */
int sipc_remove_hf(sipc_msg *m, const sipc_str *name)
{
    msg_header_t **hh;
    int unknown, removed = 0;
    if (!m->sip || rt_hdr_lookup(m, name->s, (size_t)name->len, &hh, &unknown, NULL) < 0)
        return 0;
    if (!unknown) {
        for (msg_header_t *h; (h = *hh);) {
            if (msg_header_remove(m->msg, (msg_pub_t *)m->sip, h) < 0 || *hh == h)
                break; /* never loop on a header sofia would not unlink */
            removed++;
        }
    } else {
        sip_unknown_t *u = m->sip->sip_unknown, *next;
        for (; u; u = next) {
            next = u->un_next;
            if (rt_hdr_unknown_is(u, name->s, (size_t)name->len) &&
                msg_header_remove(m->msg, (msg_pub_t *)m->sip, (msg_header_t *)u) == 0)
                removed++;
        }
    }
    if (removed)
        rt_msg_changed(m);
    if (m->rec)
        rt_trace(m, "remove_hf %s: %d removed", rt_rec_quote(m, name), removed);
    return removed > 0;
}
