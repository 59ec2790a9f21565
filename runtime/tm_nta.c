/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tm_nta.c - the transaction core on sofia-sip nta, for sipd (the design of
 * NOTES-sofia-libtcc.md section 3).  rt_out.c calls in here when there is
 * an agent; nta calls back into tm_reply.c.
 *
 * The agent runs in proxy mode (NTATAG_UA(0), NTATAG_CANCEL_487(0), see
 * rt_server.c) with no default leg, so a request stays stateless until the
 * policy calls t_relay(): only then does tm_nta_start() turn it into a
 * server transaction with nta_incoming_create() (from inside nta's message
 * callback, where the request is still being delivered).  From then on nta
 * absorbs its retransmissions and the ACK of a non-2xx final reply, and
 * answers a CANCEL with 200 by itself, then calls on_cancel(): every live
 * branch gets nta_outgoing_tcancel() and the downstream 487 comes back the
 * usual way.
 *
 * Each branch is a client transaction, nta_outgoing_mcreate(), with
 * NTATAG_PASS_100 so that a 100 Trying also runs the onreply routes.  nta
 * pushes our Via and ACKs a downstream >= 300 itself.  Replies arrive in
 * on_response(): a real one goes to tm_reply_in(), one nta made itself
 * (timer B/F 408, 503 when no transport) to tm_local_final().  A reply is
 * relayed upstream with our Via popped, by nta_incoming_mreply() (its -1,
 * e.g. for a reply with no Via left, is logged: nta then answers 500 when
 * the transaction is destroyed); a 2xx after the transaction's final reply
 * (another fork answered) is relayed statelessly per its Via, as
 * rt_server.c relays stray 2xx retransmissions.
 *
 * Timers: nta has one T1x64 for all its transactions, so tm.fr_timer and
 * tm.fr_inv_timer are a su_timer per branch, started when it is sent.  On
 * expiry the branch ends here as 408 (and an INVITE branch is cancelled;
 * nta sends the CANCEL once a provisional reply allows it).
 *
 * Ownership: the irq, each orq and each timer belong to the transaction
 * and are destroyed by tm_nta_free() / tm_nta_branch_done().  nta keeps a
 * destroyed transaction alive on its own for retransmissions, with no more
 * calls to us.
 */
#define NTA_INCOMING_MAGIC_T struct TmTrans
#define NTA_OUTGOING_MAGIC_T struct TmBranch
#define SU_TIMER_ARG_T struct TmBranch

#include <sofia-sip/nta.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_wait.h>

#include "rt_listen.h"
#include "tm.h"

/* nta's CANCEL callback: the upstream gave up.  Its return is ignored. */
static int on_cancel(TmTrans *t, nta_incoming_t *irq, sip_t const *sip)
{
    (void)irq;
    (void)sip;
    tm_cancelled(t);
    return 0;
}

int tm_nta_start(TmTrans *t, sipc_msg *m)
{
    /* nta takes over the reference it is given, on failure too. */
    t->irq = nta_incoming_create(m->agent, NULL, msg_ref_create(m->msg), m->sip, TAG_END());
    if (!t->irq) {
        rt_log(RT_LOG_WARN, "t_relay: nta cannot make a server transaction (call-id %s)",
               rt_msg_call_id(m->sip));
        return -1;
    }
    if (t->is_invite) {
        nta_incoming_bind(t->irq, on_cancel, t);
        if (nta_incoming_treply(t->irq, SIP_100_TRYING, TAG_END()) < 0)
            rt_log(RT_LOG_WARN, "t_relay: cannot send 100 Trying (call-id %s)", rt_msg_call_id(m->sip));
    }
    return 0;
}

void tm_nta_free(TmTrans *t)
{
    /* With no final reply sent, nta would answer 500 now; tm only frees a
     * transaction that answered (or at shutdown). */
    nta_incoming_destroy(t->irq);
    t->irq = NULL;
}

/* A reply for a branch.  nta has already checked that it matches. */
static int on_response(TmBranch *br, nta_outgoing_t *orq, sip_t const *sip)
{
    msg_t *msg = nta_outgoing_getresponse(orq); /* a reference of ours */
    sip_t *rsip = msg ? sip_object(msg) : NULL;
    if (!sip || !rsip || !rsip->sip_status || nta_msg_is_internal(msg)) {
        int code = sip && sip->sip_status ? sip->sip_status->st_status : 408;
        if (msg)
            msg_destroy(msg);
        if (code >= 200)
            tm_local_final(br, code);
        return 0;
    }
    tm_reply_in(br, msg, rsip); /* takes msg; br and its transaction may be gone after */
    return 0;
}

/* fr_timer / fr_inv_timer: no final reply in time. */
static void on_fr_timer(su_root_magic_t *rm, su_timer_t *timer, TmBranch *br)
{
    (void)rm;
    (void)timer;
    su_timer_destroy(br->fr); /* safe in its own callback: a one-shot timer is not touched after */
    br->fr = NULL;
    if (br->t->is_invite && br->orq && !br->cancelled) {
        br->cancelled = 1;
        nta_outgoing_tcancel(br->orq, NULL, NULL, TAG_END()); /* nta owns that CANCEL */
    }
    tm_local_final(br, 408);
}

int tm_nta_branch(TmBranch *br, msg_t *copy, const char *hop)
{
    TmTrans *t = br->t;
    TmTable *tab = t->table;
    tport_t *tp = rt_listen_out(t->env->agent, copy, hop); /* the right address family */
    if (tab->root && !br->srv_req && tm_srv_eligible(br, copy, hop))
        br->srv_req = msg_copy(copy); /* before nta adds its Via */
    br->orq = nta_outgoing_mcreate(t->env->agent, on_response, br, hop ? URL_STRING_MAKE(hop) : NULL, copy,
                                   TAG_IF(tp, NTATAG_TPORT(tp)), NTATAG_PASS_100(1), TAG_END());
    if (!br->orq) { /* NULL: the message is still ours */
        rt_log(RT_LOG_WARN, "t_relay: cannot send branch %d toward %s (call-id %s)", br->idx,
               hop ? hop : br->uri, rt_msg_call_id(t->sip));
        msg_destroy(copy);
        return -1;
    }
    unsigned ms = t->is_invite ? tab->fr_inv_timer : tab->fr_timer;
    if (tab->root && ms) {
        br->fr = su_timer_create(su_root_task(tab->root), (su_duration_t)ms);
        if (!br->fr || su_timer_set(br->fr, on_fr_timer, br) < 0)
            rt_log(RT_LOG_WARN, "t_relay: no timer for branch %d (call-id %s): it waits for nta's own",
                   br->idx, rt_msg_call_id(t->sip));
    }
    return 0;
}

void tm_nta_cancel(TmBranch *br)
{
    if (br->orq)
        nta_outgoing_tcancel(br->orq, NULL, NULL, TAG_END());
}

void tm_nta_branch_done(TmBranch *br)
{
    if (br->fr)
        su_timer_destroy(br->fr);
    br->fr = NULL;
    if (br->orq)
        nta_outgoing_destroy(br->orq); /* a cancelled INVITE goes on in nta, to its 487 and ACK */
    br->orq = NULL;
}

int tm_nta_relay_reply(TmTrans *t, msg_t *reply, int stray)
{
    sip_t *sip = sip_object(reply);
    int code = sip && sip->sip_status ? sip->sip_status->st_status : 0;
    if (stray) {
        /* Our Via is still on top: nta_msg_tsend pops it and sends per the next. */
        if (nta_msg_tsend(t->env->agent, reply, NULL, TAG_END()) < 0) {
            rt_log(RT_LOG_WARN, "relaying a %d of call-id %s statelessly failed", code,
                   rt_msg_call_id(t->sip));
            return -1;
        }
        return 0;
    }
    sip_via_remove(reply, sip); /* ours: nta matched the reply to our branch by it */
    if (!t->irq)
        msg_destroy(reply);
    if (!t->irq || nta_incoming_mreply(t->irq, reply) < 0) { /* takes reply in any case */
        rt_log(RT_LOG_WARN, "relaying %d upstream failed (call-id %s)%s", code, rt_msg_call_id(t->sip),
               code >= 200 ? "; nta answers 500" : "");
        return -1;
    }
    return 0;
}

int tm_nta_reply(TmTrans *t, int code, const char *reason)
{
    if (!t->irq || nta_incoming_treply(t->irq, code, reason, TAG_END()) < 0) {
        rt_log(RT_LOG_WARN, "reply %d: cannot send (call-id %s)", code, rt_msg_call_id(t->sip));
        return -1;
    }
    return 0;
}
