/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_error.c - malformed requests: 400 and the policy's error_route.
 *
 * Every received request goes through rt_error_dispatch() (sipd's
 * rt_server.c and `sipc test`'s rt_test.c alike), which sorts it with
 * rt_error_check():
 *
 *   RT_REQ_OK         well-formed enough to route: the main route runs
 *                     (rt_dispatch_request);
 *   RT_REQ_MALFORMED  sofia parsed the start line and the headers every
 *                     reply needs, but flagged a header it could not parse
 *                     (sip->sip_error, msg_extract_errors) among those
 *                     that matter to a proxy: the policy's error_route runs
 *                     (if it has one), then the request is answered
 *                     `400 Bad NAME Header` statelessly, unless the
 *                     error_route replied or dropped it; never the main
 *                     route;
 *   RT_REQ_REFUSED    a SIP-Version other than 2.0 (505), a fatal framing
 *                     error, or RFC 3261 section 8.1.1's
 *                     mandatory headers (Via, From, To, Call-ID, CSeq)
 *                     missing or unparsable, or a CSeq method that is not
 *                     the request's (sip_sanity_check): nta answers these
 *                     itself, 400, before any callback of ours, so in sipd
 *                     they never reach here; offline they are recorded as
 *                     nta would answer them (`reject 400 ...`).
 *
 * Which header errors count: the ones nta itself would refuse by default
 * (its bad_req_mask; headers only a response or only a proxy's own use
 * needs, such as Date, are ignored, as RFC 4475 section 3.1.2.12 allows).
 * rt_error_take_over() reads that mask from the agent and sets nta's own
 * to a bit no header carries, so those requests come to us instead and
 * the error_route can see them.  Max-Forwards may be absent (RFC 2543
 * clients, Kamailio's leniency); a bad one is an error.
 *
 * The reason phrase is nta's: `Bad NAME Header` for the first header that
 * did not parse, else `Bad Request`, so a sender sees the same 400 either
 * way.
 */
#include <stdio.h>
#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_string.h>

#include "rt_error.h"
#include "rt_internal.h"

/* nta's default bad_req_mask in sofia-sip 1.12 (checked against the agent
 * in rt_error_take_over); used as is offline. */
static unsigned bad_req_mask = ~(unsigned)(sip_mask_response | sip_mask_proxy);

/* A mask bit no header class has: nta then counts no header error. */
#define NTA_NO_HEADER_ERRORS (1u << 31)

void rt_error_take_over(nta_agent_t *agent)
{
    unsigned mask = bad_req_mask;
    nta_agent_get_params(agent, NTATAG_BAD_REQ_MASK_REF(mask), TAG_END());
    if (mask != bad_req_mask && mask != NTA_NO_HEADER_ERRORS) {
        rt_log(RT_LOG_DEBUG, "nta's bad request mask is 0x%x (expected 0x%x): using nta's", mask, bad_req_mask);
        bad_req_mask = mask;
    }
    nta_agent_set_params(agent, NTATAG_BAD_REQ_MASK(NTA_NO_HEADER_ERRORS), TAG_END());
}

/* "Bad NAME Header" for the first header in the error list, as nta says. */
static void bad_phrase(const sip_t *sip, char *reason, size_t n)
{
    for (sip_header_t const *h = (sip_header_t const *)sip->sip_error; h; h = h->sh_next) {
        const char *name = h->sh_class == sip_error_class ? h->sh_error->er_name : h->sh_class->hc_name;
        if (name && *name) {
            snprintf(reason, n, "Bad %s Header", name);
            return;
        }
    }
    snprintf(reason, n, "Bad Request");
}

/*
 * A second header of a kind sofia allows only once (Subject, Call-ID, ...)
 * that sofia's parser left in the message's header chain without flagging
 * it: a bare CR inside a header line ("s:\rs:") does it (fuzz_sip's first
 * finding).  msg_copy() then links the two, and serialising the copy (any
 * relay, forward() or t_relay()) trips an assertion in sofia's
 * msg_serialize() that aborts sipd.  Found here, such a request is
 * malformed (error_route, 400) and never relayed.  Its name, or NULL.
 */
static const char *stray_single(msg_t *msg, const sip_t *sip)
{
    for (msg_header_t const *h = (msg_header_t const *)sip->sip_request; h; h = h->sh_succ) {
        msg_hclass_t *hc = h->sh_class;
        if (!hc || hc->hc_kind != msg_kind_single || !hc->hc_name || !*hc->hc_name)
            continue;
        msg_header_t **slot = msg_hclass_offset(msg_mclass(msg), (msg_pub_t const *)sip, hc);
        if (slot && (*slot != h || h->sh_next))
            return hc->hc_name;
    }
    return NULL;
}

RtReqCheck rt_error_check(msg_t *msg, const sip_t *sip, int *status, char *reason, size_t n)
{
    *status = 400;
    if (!sip || !sip->sip_request) {
        snprintf(reason, n, "Bad Request");
        return RT_REQ_REFUSED;
    }
    const char *v = sip->sip_request->rq_version;
    if (v && !su_casematch(v, SIP_VERSION_CURRENT)) { /* nta: 505 before anything else */
        *status = 505;
        snprintf(reason, n, "Version Not Supported");
        return RT_REQ_REFUSED;
    }
    int fatal = (sip->sip_flags & MSG_FLG_ERROR) != 0 || sip_sanity_check(sip) < 0;
    const char *twice = fatal ? NULL : stray_single(msg, sip);
    if (twice) {
        snprintf(reason, n, "Bad %s Header", twice);
        return RT_REQ_MALFORMED;
    }
    if (!fatal && !(msg_extract_errors(msg) & bad_req_mask))
        return RT_REQ_OK;
    bad_phrase(sip, reason, n);
    return fatal ? RT_REQ_REFUSED : RT_REQ_MALFORMED;
}

/* error_route (if any), then 400 unless it replied or dropped; takes msg. */
static void dispatch_malformed(const RtMsgEnv *env, msg_t *msg, sip_t *sip, const char *reason)
{
    sipc_msg m;
    rt_msg_init(&m, env, msg, sip);
    rt_trace(&m, "malformed request: %s", reason);
    int rc = SIPC_CONTINUE;
    sipc_route_fn er = env->policy ? rt_policy_route(env->policy, SIPC_RK_ERROR, "") : NULL;
    if (er) {
        m.kind = SIPC_RK_ERROR;
        rc = rt_dispatch_run(&m, er);
    }
    if (!(m.done & RT_MSG_REPLIED) && rc != SIPC_DROP)
        rt_sl_reply(&m, 400, reason); /* not to an ACK (it says why in the log) */
    if (rt_log_enabled(RT_LOG_DEBUG)) {
        char src[SU_ADDRSIZE + 16];
        rt_log(RT_LOG_DEBUG, "%s from %s call-id %s: malformed (%s): %s", m.rm.s, rt_msg_source(&m, src, sizeof src),
               rt_msg_call_id(sip), reason,
               m.done & RT_MSG_REPLIED ? "replied" : rc == SIPC_DROP ? "dropped by error_route" : "not answered");
    }
    rt_msg_release(&m);
}

void rt_error_dispatch(const RtMsgEnv *env, sipc_route_fn route, msg_t *msg, sip_t *sip)
{
    char reason[96];
    int status;
    switch (rt_error_check(msg, sip, &status, reason, sizeof reason)) {
    case RT_REQ_OK:
        rt_dispatch_request(env, route, msg, sip);
        return;
    case RT_REQ_MALFORMED:
        dispatch_malformed(env, msg, sip, reason);
        return;
    case RT_REQ_REFUSED: /* nta's own answer; only reached offline, or by a bug */
        if (env->rec)
            rt_rec_line(env->rec, "reject %d %s", status, reason);
        else if (env->agent && sip && sip->sip_via && sip->sip_request &&
                 sip->sip_request->rq_method != sip_method_ack) {
            nta_msg_treply(env->agent, msg, status, reason, TAG_END()); /* takes msg */
            return;
        }
        msg_destroy(msg);
        return;
    }
}
