/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fwd.c - stateless forwarding: forward().
 *
 * RFC 3261 section 16.11: a stateless proxy sends a copy of the request
 * toward the request URI, having applied the section 16.6 steps that apply
 * (Max-Forwards here; Record-Route and Route handling come with later
 * library functions).  nta resolves the target, pushes our Via with a
 * branch hashed from the request (so a retransmission is forwarded with the
 * same branch) and sends, keeping no transaction; the response comes back
 * through rt_server.c's relay.
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

#include "rt_internal.h"

int sipc_forward(sipc_msg *m)
{
    sip_t const *sip = m->sip;
    int is_ack;

    if (!sip || !sip->sip_request)
        return 0;
    is_ack = sip->sip_request->rq_method == sip_method_ack;
    if (sip->sip_max_forwards && sip->sip_max_forwards->mf_count == 0) {
        /* Section 16.3 step 2; an ACK gets no reply, it just stops here. */
        rt_log(RT_LOG_DEBUG, "forward: Max-Forwards is 0 (call-id %s)%s", rt_msg_call_id(sip),
               is_ack ? ", ACK dropped" : ", replying 483");
        if (!is_ack)
            rt_sl_reply(m, 483, "Too Many Hops");
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
    if (csip->sip_max_forwards) {
        csip->sip_max_forwards->mf_count--;
        msg_fragment_clear(csip->sip_max_forwards->mf_common);
    } else if (sip_add_tl(copy, csip, SIPTAG_MAX_FORWARDS_STR("70"), TAG_END()) < 0) {
        rt_log(RT_LOG_ERROR, "forward: cannot add Max-Forwards (call-id %s)", rt_msg_call_id(sip));
        msg_destroy(copy);
        return 0;
    }
    /* Non-NULL (an orq still resolving, or NONE once sent): nta owns `copy`.
     * The stateless orq frees itself; it is never ours to destroy. */
    if (!nta_outgoing_mcreate(m->agent, NULL, NULL, NULL, copy, NTATAG_STATELESS(1), TAG_END())) {
        rt_log(RT_LOG_WARN, "forward: cannot send toward the request URI (call-id %s)", rt_msg_call_id(sip));
        msg_destroy(copy);
        return 0;
    }
    m->done |= RT_MSG_FORWARDED;
    return 1;
}
