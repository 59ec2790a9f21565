/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fwd.c - stateless forwarding: forward(uri?).
 *
 * RFC 3261 section 16.11: a stateless proxy sends a copy of the request
 * onward, having applied the section 16.6 steps that apply.  The copy is
 * of the message being routed, so every edit the policy made (headers,
 * request URI, Record-Route, removed Routes) goes out with it.
 *
 * Max-Forwards (16.6 step 3): decremented on the copy, or set to 70 when
 * absent, unless mf_process_maxfwd_header() already did it for this
 * message.  A request whose Max-Forwards is 0 is not forwarded: sipd replies
 * 483 Too Many Hops (an ACK is just dropped) and forward() returns false.
 *
 * Next hop, first that applies:
 *   1. the `uri` argument (the request URI is not changed);
 *   2. $du (set by the policy, or by loose_route());
 *   3. the top Route, when it is a loose router (`;lr`) other than us and
 *      the policy accepted the Route set (16.6 step 7 and 16.12: a dialog
 *      record-routed through us, or loose_route_preloaded());
 *   4. the request URI.
 * A Route the policy did not accept never chooses the next hop, and as nta
 * would follow it when handed no next hop, a request still carrying one is
 * not relayed by its request URI either: forward() refuses (false, and a
 * warning).  Routes of ours never get this far: they are removed before
 * the policy runs (runtime/rt_route_in.c).
 * A strict top Route (no `;lr`) is not a next hop by itself: either
 * loose_route() already swapped it into the request URI (16.6 step 6), or
 * the Routes are the remainder of a strict route set, whose next hop is
 * the request URI.
 *
 * nta resolves the target (RFC 3263), pushes our Via with a branch hashed
 * from the request (so a retransmission is forwarded with the same branch)
 * and sends, keeping no transaction; the response comes back through
 * rt_server.c's relay.
 *
 * Why nta_outgoing_mcreate(..., NTATAG_STATELESS(1)) and not nta_msg_tsend():
 * both run the same stateless send, but nta_msg_tsend() takes an extra
 * reference to the message and never drops it when the send fails at once
 * (e.g. EINVAL, or no transport for the address family): one leaked
 * request per failed forward (seen with LSan, sofia-sip 1.12.11; the code
 * is unchanged upstream).  mcreate's contract is clean: NULL means the
 * message is still ours to destroy, anything else means nta took it.
 */
#include <sofia-sip/msg_header.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/url.h>

#include "rt_internal.h"

/* The next hop as a URI string in the home, or NULL for the request URI;
 * *bad is set when the `uri` argument is not a usable URI.  t_relay()
 * (runtime/tm.c) chooses the next hop of its first branch the same way. */
const char *rt_next_hop(sipc_msg *m, const sipc_str *uri, int *bad)
{
    *bad = 0;
    if (uri && uri->len > 0) {
        url_t *u = rt_parse_uri(m, "forward()", uri, 0);
        const char *z = u ? url_as_string(m->home, u) : NULL;
        *bad = !z;
        return z;
    }
    if (m->du)
        return rt_str_dup(m, m->du);
    const sip_route_t *r = m->sip->sip_route;
    if (r && m->routes_ok && url_has_param(r->r_url, "lr") && !rt_url_is_self(m, r->r_url))
        return url_as_string(m->home, r->r_url);
    return NULL;
}

int sipc_forward(sipc_msg *m, const sipc_str *uri)
{
    sip_t const *sip = m->sip;
    int is_ack, bad;

    if (!sip || !sip->sip_request)
        return 0;
    is_ack = sip->sip_request->rq_method == sip_method_ack;
    if (m->mf_state < 0 ||
        (m->mf_state == 0 && sip->sip_max_forwards && sip->sip_max_forwards->mf_count == 0)) {
        /* Section 16.3 step 2; an ACK gets no reply, it just stops here. */
        rt_log(RT_LOG_DEBUG, "forward: Max-Forwards is 0 (call-id %s)%s", rt_msg_call_id(sip),
               is_ack ? ", ACK dropped" : ", replying 483");
        if (!is_ack)
            rt_sl_reply(m, 483, "Too Many Hops");
        return 0;
    }
    const char *hop = rt_next_hop(m, uri, &bad);
    if (bad)
        return 0;
    const sip_route_t *preloaded = hop ? NULL : rt_route_unaccepted(m);
    if (preloaded) {
        /* Anybody can send such requests: the line is rate-limited. */
        rt_log_limited(RT_LOG_WARN, "forward: unaccepted Route",
                       "forward: %s carries Route %s, which the policy did not accept "
                       "(loose_route_preloaded()); not relayed (call-id %s)", m->rm.s,
               url_as_string(m->home, preloaded->r_url), rt_msg_call_id(sip));
        rt_trace(m, "forward refused: a Route the policy did not accept");
        return 0;
    }
    /* A next hop that is this server would loop until Max-Forwards runs out. */
    url_t *target = hop ? url_make(m->home, hop) : sip->sip_request->rq_url;
    if (target && rt_url_is_self(m, target)) {
        rt_log(RT_LOG_WARN, "forward: the next hop %s is this server; not relayed (call-id %s)",
               hop ? hop : "(the request URI)", rt_msg_call_id(sip));
        rt_trace(m, "forward refused: the next hop is this server");
        return 0;
    }

    msg_t *copy = msg_copy(m->msg);
    sip_t *csip = copy ? sip_object(copy) : NULL;
    if (!csip) {
        rt_log(RT_LOG_ERROR, "forward: out of memory (call-id %s)", rt_msg_call_id(sip));
        if (copy)
            msg_destroy(copy);
        return 0;
    }
    if (m->mf_state > 0) {
        /* mf_process_maxfwd_header() already counted this hop. */
    } else if (csip->sip_max_forwards) {
        csip->sip_max_forwards->mf_count--;
        msg_fragment_clear(csip->sip_max_forwards->mf_common);
    } else if (sip_add_tl(copy, csip, SIPTAG_MAX_FORWARDS_STR("70"), TAG_END()) < 0) {
        rt_log(RT_LOG_ERROR, "forward: cannot add Max-Forwards (call-id %s)", rt_msg_call_id(sip));
        msg_destroy(copy);
        return 0;
    }
    if (m->path && rt_path_routes(copy, csip, m->path) < 0) { /* lookup() of a contact behind a Path */
        rt_log(RT_LOG_WARN, "forward: stored Path \"%s\" does not parse (call-id %s)", m->path, rt_msg_call_id(sip));
        msg_destroy(copy);
        return 0;
    }
    if (rt_out_relay(m, copy, hop) < 0)
        return 0;
    if (hop)
        rt_log(RT_LOG_DEBUG, "forward: next hop %s (call-id %s)", hop, rt_msg_call_id(sip));
    m->done |= RT_MSG_FORWARDED;
    return 1;
}
