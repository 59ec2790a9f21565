/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rr.c - record routing and loose routing: record_route(), loose_route().
 *
 * record_route() adds `Record-Route: <sip:HOST:PORT;lr>` for the address we
 * listen on (`;transport=tcp`/`tls` when the request came that way), so
 * that the dialog's later requests come through us (RFC 3261 section
 * 16.6 step 4).  Ours goes on top of the Record-Routes and below all Vias
 * (rt_rr_add(), runtime/rt_rr_out.c).  A second call for the same message adds nothing and
 * returns false, as Kamailio's rr module does ("double attempt").
 *
 * loose_route() is the section 16.4 route-information pre-processing, with
 * Kamailio's result: true when the request carried routing of ours that was
 * consumed (an in-dialog request record-routed through us), false otherwise
 * (no Route, or a pre-loaded Route to someone else: forward() follows it).
 *   1. The previous hop was a strict router when the request URI is ours
 *      and carries `lr` (a Record-Route value of ours, which always has it):
 *      the last Route is the original request URI; restore it and remove
 *      that Route.
 *   2. Remove the top Route while it is ours (two of ours in a row happen
 *      with double record-routing).
 *   3. If a Route remains and it is loose (`;lr`), it is the next hop: $du
 *      is set to it.  If it is strict (no `lr`, section 16.6 step 6): the
 *      request URI goes to the end of the Route set, and the strict
 *      router's URI becomes the request URI.
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
    char *rr = !hp  ? NULL
               : tp ? su_sprintf(m->home, "<sip:%s;transport=%s;lr>", hp, tp)
                    : su_sprintf(m->home, "<sip:%s;lr>", hp);
    if (!rr || rt_rr_add(m->msg, sip, rr) < 0) {
        rt_log(RT_LOG_ERROR, "record_route: cannot add Record-Route (call-id %s)", rt_msg_call_id(sip));
        return 0;
    }
    m->rr_added = 1;
    rt_msg_changed(m);
    rt_trace(m, "record_route %s", rr);
    return 1;
}

/* Replace the request URI by a copy of `u`. */
static int set_request_uri(sipc_msg *m, const url_t *u)
{
    url_t *c = url_hdup(m->home, u);
    if (!c)
        return -1;
    sip_request_t *rq = m->sip->sip_request;
    *rq->rq_url = *c;
    msg_fragment_clear(rq->rq_common);
    return 0;
}

int sipc_loose_route(sipc_msg *m)
{
    sip_t *sip = m->sip;
    int consumed = 0;
    if (!sip || !sip->sip_request || !sip->sip_route)
        return 0;

    /* 1. A strict router put our Record-Route value into the request URI. */
    if (rt_url_is_self(m, sip->sip_request->rq_url) && url_has_param(sip->sip_request->rq_url, "lr")) {
        sip_route_t *last = sip->sip_route;
        while (last->r_next)
            last = last->r_next;
        if (set_request_uri(m, last->r_url) < 0)
            goto oom;
        sip_route_pop(m->msg, sip);
        consumed = 1;
    }
    /* 2. Our own Route values. */
    while (sip->sip_route && rt_url_is_self(m, sip->sip_route->r_url)) {
        sip_route_remove(m->msg, sip);
        consumed = 1;
    }
    if (!consumed) {
        rt_trace(m, "loose_route: no Route of ours");
        return 0;
    }
    rt_msg_changed(m);

    /* 3. The next hop. */
    const sip_route_t *next = sip->sip_route;
    if (next && url_has_param(next->r_url, "lr")) {
        m->du = rt_str_cview(m, url_as_string(m->home, next->r_url));
    } else if (next) {
        /* Route is an appended header: the copy lands last. */
        sip_route_t *tail = sip_route_create(m->home, sip->sip_request->rq_url, NULL);
        url_t *strict = url_hdup(m->home, next->r_url);
        if (!tail || !strict || sip_add_dup(m->msg, sip, (sip_header_t *)tail) < 0)
            goto oom;
        if (set_request_uri(m, strict) < 0)
            goto oom;
        sip_route_remove(m->msg, sip);
        rt_msg_changed(m);
    }
    if (m->rec)
        rt_trace(m, "loose_route: next hop %s", m->du ? rt_rec_quote(m, m->du)
                                                      : url_as_string(m->home, sip->sip_request->rq_url));
    return 1;

oom:
    rt_log(RT_LOG_ERROR, "loose_route: out of memory (call-id %s)", rt_msg_call_id(sip));
    rt_msg_changed(m);
    return consumed;
}
