/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_dispatch.c - running the policy on one received message.
 *
 * The one place where a request meets the main route and a reply meets the
 * main onreply_route, shared by sipd (rt_server.c, messages from nta) and
 * `sipc test` (rt_test.c, messages from case files), so both run exactly
 * the same code.  Each takes over the caller's reference to `msg`.  A
 * request's Route entries naming us are removed before the policy runs
 * (rt_route_in.c).  The
 * transaction core (runtime/tm*.c) runs its failure, branch and reply
 * routes through rt_dispatch_run(), on contexts it makes itself.
 */
#include <stdio.h>

#include "rt_internal.h"
#include "tm.h"

/* The last transcript line of a run: "end exit", "end drop", or "end"
 * when the route ran to its end (or returned). */
static const char *outcome_name(int rc)
{
    return rc == SIPC_EXIT ? " exit" : rc == SIPC_DROP ? " drop" : "";
}

int rt_dispatch_run(sipc_msg *m, sipc_route_fn fn)
{
    int rc = fn(m, NULL); /* entry routes return no value */
    rt_trace(m, "end%s", outcome_name(rc));
    return rc;
}

void rt_dispatch_request(const RtMsgEnv *env, sipc_route_fn route, msg_t *msg, sip_t *sip)
{
    sipc_msg m;
    rt_msg_init(&m, env, msg, sip);
    rt_route_in(&m); /* our own Route entries go before the policy looks */
    int rc = rt_dispatch_run(&m, route);
    if (m.tm) /* t_relay() made a transaction: the request route lets go of it */
        tm_request_done(&m, rc);

    if (rt_log_enabled(RT_LOG_DEBUG)) {
        char what[64];
        if (m.done & RT_MSG_REPLIED)
            snprintf(what, sizeof what, "replied %d%s", m.reply_code,
                     m.done & RT_MSG_FORWARDED ? ", forwarded" : "");
        else if (m.done & RT_MSG_FORWARDED)
            snprintf(what, sizeof what, "forwarded");
        else
            snprintf(what, sizeof what, "%s", rc == SIPC_DROP ? "dropped" : "no reply");
        char src[SU_ADDRSIZE + 16];
        rt_log(RT_LOG_DEBUG, "%s from %s call-id %s: %s", m.rm.s, rt_msg_source(&m, src, sizeof src),
               rt_msg_call_id(sip), what);
    }
    rt_msg_release(&m);
}

int rt_dispatch_reply(const RtMsgEnv *env, sipc_route_fn onreply, msg_t *msg, sip_t *sip)
{
    int relay = 1;
    if (onreply) {
        sipc_msg m;
        rt_msg_init(&m, env, msg_ref_create(msg), sip);
        relay = rt_dispatch_run(&m, onreply) != SIPC_DROP;
        rt_msg_release(&m);
    }
    return relay;
}
