/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tm_reply.c - what a stateful proxy does with the replies of its branches
 * (RFC 3261 section 16.7), and the failure_route.
 *
 * Each reply from downstream first runs the policy's main onreply_route (if
 * it has one), then the onreply_route[NAME] armed with t_on_reply(), as
 * Kamailio does; each sees the reply as its message, the transaction's
 * AVPs and flags, $T_branch_idx and $T_reply_code.  Then, by status:
 *
 *   100          absorbed: it is hop by hop;
 *   101..199     relayed upstream at once, unless a route dropped it or
 *                the transaction has already answered finally;
 *   2xx          relayed upstream at once, every one (a forked INVITE may
 *                be answered by several UASes), and the other live
 *                branches of an INVITE are cancelled;
 *   300..699     kept; a 6xx also cancels the other branches.  `drop` in
 *                an onreply_route does not apply to final replies.
 *
 * When no branch waits any more and nothing final went upstream, the best
 * kept reply is chosen (tm_choice.c).  If a failure_route is armed (and
 * the upstream did not CANCEL), it runs now, disarmed, with $T_reply_code
 * set to that reply's status, on a copy of the request: its t_relay()
 * starts new branches (serial forking), its sl_send_reply() answers
 * through the transaction; if it does neither, the chosen reply is relayed
 * upstream (a 503 as 500, a local timeout as 408 made here, or as 487 when
 * the upstream has CANCELed).
 *
 * Transcript lines written here (offline): keep reply, absorb reply, drop
 * reply, all branches final: best CODE REASON; rt_out.c writes relay
 * reply, reply and cancel branch.
 */
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/sip_status.h>

#include "tm.h"

/* The reason phrase of a status made here. */
static const char *local_phrase(int code)
{
    switch (code) {
    case 408: return "Request Timeout";
    case 487: return "Request Terminated";
    case 500: return "Server Internal Error"; /* RFC 3261's wording */
    default: {
        const char *p = sip_status_phrase(code);
        return p ? p : "";
    }
    }
}

/* The branch has its final status. */
static void set_final(TmBranch *br, int code, const char *phrase)
{
    br->state = TM_BR_FINAL;
    br->code = code;
    br->phrase = su_strdup(br->t->home, phrase ? phrase : "");
    tm_branch_done(br);
}

void tm_cancel_others(TmTrans *t, const TmBranch *except)
{
    if (!t->is_invite) /* only an INVITE can be cancelled (RFC 3261 9.1) */
        return;
    for (int i = 0; i < t->nbr; i++) {
        TmBranch *br = t->br[i];
        if (br == except || br->cancelled || (br->state != TM_BR_PENDING && br->state != TM_BR_PROCEEDING))
            continue;
        br->cancelled = 1;
        rt_out_t_cancel(br);
    }
}

int tm_reply_local(TmTrans *t, int code, const char *reason)
{
    if (t->final_sent) {
        rt_log(RT_LOG_WARN, "reply %d: the transaction of call-id %s already sent %d; not sent", code,
               rt_msg_call_id(t->sip), t->final_sent);
        return -1;
    }
    if (code >= 200) {
        t->final_sent = code; /* even if the send fails: nothing else will go */
        tm_cancel_others(t, NULL);
    }
    return rt_out_t_reply(t, code, reason && *reason ? reason : local_phrase(code));
}

/* Run the onreply routes on a reply of branch br; 1 if one of them ended
 * in `drop`. */
static int run_reply_routes(TmBranch *br, msg_t *reply, sip_t *sip)
{
    TmTrans *t = br->t;
    const RtMsgEnv *env = t->env;
    sipc_route_fn main_fn = env->policy ? rt_policy_route(env->policy, SIPC_RK_ONREPLY, "") : NULL;
    sipc_route_fn named = tm_route(t, t->on_reply);
    int code = sip->sip_status->st_status, dropped = 0;
    if (!main_fn && !named)
        return 0;
    sipc_msg rm;
    rt_msg_init(&rm, env, msg_ref_create(reply), sip);
    tm_ctx_attach(&rm, t);
    rm.kind = SIPC_RK_ONREPLY;
    rm.branch = br;
    rm.bflags = br->bflags;
    if (main_fn)
        dropped = rt_dispatch_run(&rm, main_fn) == SIPC_DROP;
    /* A provisional dropped by the main route is gone before the
     * transaction would see it (Kamailio's order). */
    if (named && !(dropped && code < 200))
        dropped |= rt_dispatch_run(&rm, named) == SIPC_DROP;
    tm_ctx_done(&rm);
    rt_msg_release(&rm);
    return dropped;
}

/* Relay the chosen reply upstream, or make it here. */
static void relay_best(TmTrans *t, TmBranch *best)
{
    int up = tm_upstream_code(best->code);
    if (t->cancelled && !best->reply)
        up = 487; /* the caller gave up; a branch that never answered ended here */
    if (up != best->code || !best->reply) {
        tm_reply_local(t, up, up != best->code ? local_phrase(up) : best->phrase);
        return;
    }
    msg_t *r = best->reply;
    best->reply = NULL;
    t->final_sent = best->code;
    rt_out_t_relay_reply(t, r, 0);
}

/* Every branch is final and nothing final went upstream: choose, then
 * the failure_route or the relay of the choice. */
static void decide(TmTrans *t)
{
    int *codes = malloc((size_t)(t->nbr ? t->nbr : 1) * sizeof *codes);
    TmBranch **which = malloc((size_t)(t->nbr ? t->nbr : 1) * sizeof *which);
    int n = 0;
    for (int i = 0; codes && which && i < t->nbr; i++)
        if (t->br[i]->state == TM_BR_FINAL && t->br[i]->code >= 300) {
            codes[n] = t->br[i]->code;
            which[n++] = t->br[i];
        }
    int k = codes && which ? tm_choose_best(codes, n) : -1;
    TmBranch *best = k >= 0 ? which[k] : NULL;
    free(codes);
    free(which);
    if (!best) { /* nothing to choose from (out of memory, or no final reply) */
        tm_reply_local(t, 500, NULL);
        return;
    }
    tm_trace(t, "all branches final: best %d %s", best->code, best->phrase);
    sipc_route_fn f = tm_route(t, t->on_failure);
    rt_log(RT_LOG_DEBUG, "every branch of call-id %s is final: best %d%s", rt_msg_call_id(t->sip), best->code,
           f && !t->cancelled ? ", running the failure_route" : "");
    if (f && !t->cancelled) {
        sipc_msg fm;
        t->on_failure = 0; /* disarmed: the failure_route re-arms it for new branches */
        if (tm_ctx_request(&fm, t) == 0) {
            fm.kind = SIPC_RK_FAILURE;
            fm.t_code = best->code;
            fm.ruri_consumed = 1; /* it failed: t_relay() needs a new target */
            rt_dispatch_run(&fm, f);
            tm_ctx_done(&fm);
            rt_msg_release(&fm);
        }
        if (t->final_sent || tm_live_branches(t) > 0)
            return; /* it answered, or forked anew */
    }
    relay_best(t, best);
}

void tm_reply_in(TmBranch *br, msg_t *reply, sip_t *sip)
{
    TmTrans *t = br->t;
    int code = sip->sip_status->st_status;
    const char *phrase = sip->sip_status->st_phrase ? sip->sip_status->st_phrase : "";

    t->busy++;
    if (br->state != TM_BR_PENDING && br->state != TM_BR_PROCEEDING) {
        /* A retransmission, or a reply after the branch ended (a 487 after
         * its timer): only a 2xx still goes upstream, as a stray reply
         * (the way sipd relays one nta no longer matches: the main
         * onreply_route may drop it). */
        sipc_route_fn main_fn = t->env->policy ? rt_policy_route(t->env->policy, SIPC_RK_ONREPLY, "") : NULL;
        if (code >= 200 && code < 300) {
            if (rt_dispatch_reply(t->env, main_fn, reply, sip)) {
                rt_out_t_relay_reply(t, reply, 1);
            } else {
                tm_trace(t, "drop reply %d %s", code, phrase);
                msg_destroy(reply);
            }
        } else {
            tm_trace(t, "absorb reply %d %s", code, phrase);
            msg_destroy(reply);
        }
        goto out;
    }
    rt_log(RT_LOG_DEBUG, "branch %d of call-id %s: %d %s from downstream", br->idx, rt_msg_call_id(t->sip), code,
           phrase);
    int dropped = run_reply_routes(br, reply, sip);
    phrase = sip->sip_status->st_phrase ? sip->sip_status->st_phrase : ""; /* the routes may have edited it */
    if (code < 200) {
        br->state = TM_BR_PROCEEDING;
        br->code = code;
        if (code == 100 || t->final_sent) {
            tm_trace(t, "absorb reply %d %s", code, phrase);
            msg_destroy(reply);
        } else if (dropped) {
            tm_trace(t, "drop reply %d %s", code, phrase);
            msg_destroy(reply);
        } else {
            rt_out_t_relay_reply(t, reply, 0);
        }
    } else if (code < 300) {
        int stray = t->final_sent != 0; /* another branch answered first */
        set_final(br, code, phrase);
        if (!stray)
            t->final_sent = code;
        rt_out_t_relay_reply(t, reply, stray);
        tm_cancel_others(t, br);
    } else if (!t->final_sent && (code == 503 || code == 408) && tm_srv_failover(br, code, phrase, reply)) {
        /* on to the next SRV target (tm_srv.c): br stays live until then */
    } else {
        set_final(br, code, phrase);
        if (t->final_sent) {
            tm_trace(t, "absorb reply %d %s", code, phrase);
            msg_destroy(reply);
        } else {
            tm_trace(t, "keep reply %d %s", code, phrase);
            br->reply = reply;
            if (code >= 600)
                tm_cancel_others(t, br);
        }
    }
    if (!t->final_sent && tm_live_branches(t) == 0)
        decide(t);
out:
    t->busy--;
    tm_maybe_free(t);
}

void tm_local_final(TmBranch *br, int code)
{
    TmTrans *t = br->t;
    if (br->state != TM_BR_PENDING && br->state != TM_BR_PROCEEDING)
        return;
    t->busy++;
    rt_log(RT_LOG_DEBUG, "branch %d of call-id %s: %d here (%s)", br->idx, rt_msg_call_id(t->sip), code,
           code == 408 ? "no final reply in time" : "not sent");
    if (code == 408 && !t->final_sent && tm_srv_failover(br, code, local_phrase(code), NULL))
        goto out; /* on to the next SRV target */
    set_final(br, code, local_phrase(code));
    if (!t->final_sent && tm_live_branches(t) == 0)
        decide(t);
out:
    t->busy--;
    tm_maybe_free(t);
}

void tm_branch_failed(TmBranch *br, int code, const char *phrase, msg_t *reply)
{
    TmTrans *t = br->t;
    t->busy++;
    set_final(br, code, phrase);
    if (reply && !t->final_sent) {
        tm_trace(t, "keep reply %d %s", code, br->phrase);
        br->reply = reply;
    } else if (reply) {
        msg_destroy(reply);
    }
    if (!t->final_sent && tm_live_branches(t) == 0)
        decide(t);
    t->busy--;
    tm_maybe_free(t);
}

void tm_cancelled(TmTrans *t)
{
    t->busy++;
    t->cancelled = 1;
    rt_log(RT_LOG_DEBUG, "CANCEL for call-id %s: cancelling %d branch(es)", rt_msg_call_id(t->sip),
           tm_live_branches(t));
    tm_cancel_others(t, NULL);
    t->busy--;
    tm_maybe_free(t);
}
