/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rr.c - record routing and loose routing: record_route(), loose_route(),
 * loose_route_preloaded().
 *
 * record_route() adds `Record-Route: <sip:HOST:PORT;lr;sig=HEX>` for the
 * address we listen on (`;transport=tcp`/`tls` when the request came that
 * way), so that the dialog's later requests come through us (RFC 3261
 * section 16.6 step 4).  `sig` signs the dialog (runtime/rt_route_in.c):
 * only values this server (or a node sharing its secret) made are taken
 * as ours later.  Ours goes on top of the Record-Routes and below all Vias
 * (rt_rr_add(), runtime/rt_rr_out.c).  A second call for the same message
 * adds nothing and returns false, as Kamailio's rr module does ("double
 * attempt").
 *
 * Section 16.4's pre-processing already ran before the policy
 * (rt_route_in()): every Route of ours on top is gone, and a strict
 * router's rewrite of the request URI is undone, and m->routed_by_us says
 * whether one of them carried our signature.  loose_route() is true only
 * then (an in-dialog request record-routed through us), and takes the next
 * hop from what remains of the Route set:
 *   - a loose (`;lr`) top Route is the next hop: $du is set to it;
 *   - a strict one (no `lr`, section 16.6 step 6): the request URI goes
 *     to the end of the Route set, and the strict router's URI becomes the
 *     request URI.
 * Without our signature (a forged in-dialog request, or the ACK of a
 * negative reply sipd sent itself to a phone that uses us as outbound
 * proxy) it is false: the request was not routed by us.
 *
 * loose_route_preloaded() is the policy accepting a preloaded Route on an
 * initial request (section 16.6 step 7): the Route set then chooses the
 * next hop as above.  Until the policy accepts it, a Route header never
 * chooses where a request goes (stdlib/fwd.c, runtime/tm.c).
 */
#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/url.h>

#include "rt_internal.h"

int sipc_record_route(sipc_msg *m)
{
    sip_t *sip = m->sip;
    if (!sip || !sip->sip_request)
        return 0;
    if (m->rr_added) {
        rt_log(RT_LOG_WARN, "record_route: already added to this request (call-id %s)", rt_msg_call_id(sip));
        return 0;
    }
    const char *hp = rt_self_hostport(m);
    const char *tp = m->proto && strcmp(m->proto, "udp") ? m->proto : NULL;
    char *rr = hp ? rt_rr_value(m, hp, tp) : NULL;
    if (!rr || rt_rr_add(m->msg, sip, rr) < 0) {
        rt_log(RT_LOG_ERROR, "record_route: cannot add Record-Route (call-id %s)", rt_msg_call_id(sip));
        return 0;
    }
    m->rr_added = 1;
    rt_msg_changed(m);
    rt_trace(m, "record_route %s", rr);
    return 1;
}

/* The Route set chooses the next hop (section 16.6 steps 6 and 7). */
static int follow_routes(sipc_msg *m, const char *who)
{
    sip_t *sip = m->sip;
    m->routes_ok = 1;
    if (m->loose_routed)
        return 1;
    m->loose_routed = 1;
    const sip_route_t *next = sip->sip_route;
    if (next && url_has_param(next->r_url, "lr")) {
        m->du = rt_str_cview(m, url_as_string(m->home, next->r_url));
    } else if (next) {
        /* Route is an appended header: the copy lands last. */
        sip_route_t *tail = sip_route_create(m->home, sip->sip_request->rq_url, NULL);
        url_t *strict = url_hdup(m->home, next->r_url);
        if (!tail || !strict || sip_add_dup(m->msg, sip, (sip_header_t *)tail) < 0 || rt_ruri_replace(m, strict) < 0) {
            rt_log(RT_LOG_ERROR, "%s: out of memory (call-id %s)", who, rt_msg_call_id(sip));
            rt_msg_changed(m);
            return 0;
        }
        sip_route_remove(m->msg, sip);
        rt_msg_changed(m);
    }
    if (m->rec)
        rt_trace(m, "%s: next hop %s", who,
                 m->du ? rt_rec_quote(m, m->du) : url_as_string(m->home, sip->sip_request->rq_url));
    return 1;
}

int sipc_loose_route(sipc_msg *m)
{
    sip_t *sip = m->sip;
    if (!sip || !sip->sip_request)
        return 0;
    if (!m->routed_by_us) {
        rt_trace(m, "loose_route: not routed by us");
        return 0;
    }
    return follow_routes(m, "loose_route");
}

int sipc_loose_route_preloaded(sipc_msg *m)
{
    sip_t *sip = m->sip;
    if (!sip || !sip->sip_request || !sip->sip_route) {
        rt_trace(m, "loose_route_preloaded: no Route");
        return 0;
    }
    return follow_routes(m, "loose_route_preloaded");
}
