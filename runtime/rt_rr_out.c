/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_rr_out.c - double record-routing (RFC 3261 section 16.12.1, RFC 5658),
 * decided when a request is sent.
 *
 * record_route() (stdlib/rr.c) adds the Record-Route of the interface the
 * request came in on and marks the request (rr_added).  Which transport a
 * branch leaves on is only known when it is sent, so rt_out.c calls
 * rt_rr_outbound() with each outgoing copy: when the target (the next hop,
 * else the request URI) asks for another transport (`sips:` is tls,
 * `;transport=` says, default udp) or another address family (an IP
 * literal of the other family) than the request came in on, a second
 * Record-Route, for our interface on that side, goes on top of the first:
 * the callee's requests then enter through the outbound interface, and the
 * caller's (which use the Record-Routes in reverse) through the inbound
 * one.  Both carry the dialog's signature (rt_route_in.c), and both are
 * removed before the policy runs, as both are ours.
 *
 * In sipd the outbound interface is our listening transport of that
 * protocol and family (none: no second Record-Route; the send fails
 * anyway).  Offline there is one local address, so the second
 * Record-Route names it with the outbound transport.  A target named by a
 * DNS name counts as the inbound family.
 *
 * Placement: Record-Route is a "prepend" header class in sofia-sip
 * (msg_header_add() puts it first in the header list and, in a parsed
 * message's fragment chain, right after the request line), so a plain
 * sip_add_make() lands it above the caller's Via, and nta's own Via then
 * goes above it: legal (RFC 3261 section 7.3.1 only orders headers of one
 * name), but untidy.  rt_rr_add() adds it that way, then moves it in the
 * chain to just after the last Via, which also keeps it above our earlier
 * Record-Route.  A message without a chain yet is serialized in class
 * order, Vias first, so there is nothing to move.
 */
#include <string.h>

#include <sofia-sip/sip_header.h>
#include <sofia-sip/url.h>

#include "rt_internal.h"
#include "rt_listen.h"

char *rt_rr_value(sipc_msg *m, const char *hostport, const char *transport)
{
    const char *sig = rt_rr_sig(m);
    return su_sprintf(m->home, "<sip:%s%s%s;lr%s%s>", hostport, transport ? ";transport=" : "",
                      transport ? transport : "", sig ? ";sig=" : "", sig ? sig : "");
}

int rt_rr_add(msg_t *msg, sip_t *sip, const char *value)
{
    sip_record_route_t *rr = sip_record_route_make(msg_home(msg), value);
    if (!rr || msg_header_insert(msg, (msg_pub_t *)sip, (msg_header_t *)rr) < 0)
        return -1;
    msg_header_t *h = (msg_header_t *)rr, **head = msg_chain_head(msg);
    if (!head || !*head || !h->sh_prev || !h->sh_succ)
        return 0; /* no chain (yet): serialized in class order */
    msg_header_t *last_via = NULL;
    int seen = 0, before = 0;
    for (msg_header_t *x = *head; x; x = x->sh_succ) {
        if (x == h)
            seen = 1;
        else if (sip_is_via((sip_header_t *)x)) /* by name: a received Via has rt_lenient.c's class */
            last_via = x, before = seen;
    }
    if (!last_via || !before || !last_via->sh_succ)
        return 0; /* no Via below it: already in place */
    /* unlink (h is neither the chain's head nor its tail) */
    *h->sh_prev = h->sh_succ;
    h->sh_succ->sh_prev = h->sh_prev;
    /* relink after the last Via */
    msg_header_t *next = last_via->sh_succ;
    h->sh_prev = &last_via->sh_succ;
    h->sh_succ = next;
    last_via->sh_succ = h;
    next->sh_prev = &h->sh_succ;
    return 0;
}

void rt_rr_outbound(sipc_msg *m, msg_t *copy, const char *hop)
{
    sip_t *csip = sip_object(copy);
    if (!m->rr_added || !csip || !csip->sip_request || !csip->sip_record_route)
        return;
    url_t *target = hop ? url_make(m->home, hop) : csip->sip_request->rq_url;
    if (!target || !target->url_host)
        return;
    char pbuf[8];
    const char *out_proto = rt_url_proto(target, pbuf, sizeof pbuf);
    const char *in_proto = m->proto ? m->proto : "udp";

    const char *in_host = NULL;
    if (m->env && m->env->local_host)
        in_host = m->env->local_host;
    else if (m->tport)
        in_host = rt_tport_local_name(m->tport)->tpn_host;
    int in_v6 = in_host && strchr(in_host, ':') != NULL;
    int out_v6 = in_v6;
    if (target->url_host[0] == '[')
        out_v6 = 1;
    else if (strspn(target->url_host, "0123456789.") == strlen(target->url_host))
        out_v6 = 0;
    if (!strcmp(out_proto, in_proto) && out_v6 == in_v6)
        return;

    const char *hp = NULL;
    if (m->env && m->env->local_host) {
        hp = rt_self_format(m->home, m->env->local_host, m->env->local_port);
    } else if (m->agent) {
        tport_t *tp = rt_listen_find(m->agent, out_proto, out_v6);
        const tp_name_t *tpn = tp ? tport_name(tp) : NULL;
        if (tpn && tpn->tpn_host && tpn->tpn_port)
            hp = rt_self_format(m->home, tpn->tpn_host, tpn->tpn_port);
    }
    if (!hp) {
        rt_log(RT_LOG_WARN, "record_route: no %s %s interface for the second Record-Route (call-id %s)",
               out_proto, out_v6 ? "IPv6" : "IPv4", rt_msg_call_id(csip));
        return;
    }
    char *rr = rt_rr_value(m, hp, strcmp(out_proto, "udp") ? out_proto : NULL);
    if (!rr || rt_rr_add(copy, csip, rr) < 0)
        rt_log(RT_LOG_ERROR, "record_route: cannot add the second Record-Route (call-id %s)",
               rt_msg_call_id(csip));
}

/* Route is an "append" header class in sofia-sip, so the set is rebuilt:
 * the Path entries first, then the Routes the request had. */
int rt_path_routes(msg_t *msg, sip_t *sip, const char *path)
{
    su_home_t *home = msg_home(msg);
    sip_route_t *p = sip_route_make(home, path);
    sip_route_t *old = sip->sip_route ? sip_route_dup(home, sip->sip_route) : NULL;
    if (!p || (sip->sip_route && !old))
        return -1;
    while (sip->sip_route)
        msg_header_remove(msg, (msg_pub_t *)sip, (msg_header_t *)sip->sip_route);
    if (msg_header_add_dup(msg, (msg_pub_t *)sip, (msg_header_t *)p) < 0 ||
        (old && msg_header_add_dup(msg, (msg_pub_t *)sip, (msg_header_t *)old) < 0))
        return -1;
    return 0;
}
