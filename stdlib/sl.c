/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sl.c - stateless replies: sl_send_reply(code, reason).
 *
 * Replies go out with nta_msg_treply(), never through a server transaction:
 * nothing is retained after the send (see DESIGN.md, "stateless where the
 * RFC allows it").  The one exception is a request that already has a
 * transaction (t_relay() ran, or this is its failure_route): the reply must
 * then go through that transaction (runtime/tm_reply.c), or nta would
 * answer the request a second time when the transaction ends.  A retransmitted request simply runs the policy again
 * and gets the same reply; so that the UAC sees the same To tag each time
 * (RFC 3261 section 8.2.6.2), the tag is a hash of the request's
 * transaction identity rather than a random token.
 */
#include <inttypes.h>
#include <stdio.h>

#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_string.h>

#include "rt_internal.h"
#include "tm.h"

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return (h ^ 0xff) * 0x100000001b3ULL; /* field separator */
}

/* The same request (and its retransmissions) always get the same tag. */
static void stable_to_tag(const sip_t *sip, char *buf, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    char seq[16];
    snprintf(seq, sizeof seq, "%" PRIu32, sip->sip_cseq ? sip->sip_cseq->cs_seq : 0);
    h = fnv1a(h, sip->sip_call_id ? sip->sip_call_id->i_id : NULL);
    h = fnv1a(h, sip->sip_from ? sip->sip_from->a_tag : NULL);
    h = fnv1a(h, seq);
    h = fnv1a(h, sip->sip_via ? sip->sip_via->v_branch : NULL);
    snprintf(buf, n, "sl%016" PRIx64, h);
}

int rt_sl_reply(sipc_msg *m, int code, const char *reason)
{
    return rt_sl_reply_hdrs(m, code, reason, NULL);
}

int rt_sl_reply_hdrs(sipc_msg *m, int code, const char *reason, const char *extra)
{
    sip_t const *sip = m->sip;
    sip_to_t *to = NULL;

    if (!sip || !sip->sip_request) {
        rt_log(RT_LOG_ERROR, "sl_send_reply: not a request");
        return -1;
    }
    if (sip->sip_request->rq_method == sip_method_ack) {
        rt_log(RT_LOG_DEBUG, "sl_send_reply(%d): not replying to ACK (call-id %s)", code,
               rt_msg_call_id(sip));
        return -1;
    }
    if (code < 100 || code > 699) {
        rt_log(RT_LOG_ERROR, "sl_send_reply: status %d out of range 100..699", code);
        return -1;
    }
    if (!reason || !*reason)
        reason = sip_status_phrase(code);
    if (!reason)
        reason = "";
    if (m->tm) { /* nta tags the To of a transaction's replies itself */
        if (extra)
            rt_log(RT_LOG_WARN, "reply %d through a transaction: its extra headers are not sent (call-id %s)",
                   code, rt_msg_call_id(sip));
        if (tm_reply_local(m->tm, code, reason) < 0)
            return -1;
        m->done |= RT_MSG_REPLIED;
        m->reply_code = code;
        return 0;
    }
    if (code > 100 && sip->sip_to && !sip->sip_to->a_tag) {
        char tag[24];
        stable_to_tag(sip, tag, sizeof tag);
        to = sip_to_dup(m->home, sip->sip_to);
        if (to && sip_to_tag(m->home, to, tag) < 0)
            to = NULL;
    }
    if (rt_out_reply_hdrs(m, code, reason, to, extra) < 0)
        return -1;
    m->done |= RT_MSG_REPLIED;
    m->reply_code = code;
    return 0;
}

int sipc_sl_send_reply(sipc_msg *m, sipc_int code, const sipc_str *reason)
{
    char *r = NULL;
    if (code < 100 || code > 699) {
        rt_log(RT_LOG_ERROR, "sl_send_reply: status %lld out of range 100..699", code);
        return 0;
    }
    if (reason && reason->len > 0 && (r = su_strndup(m->home, reason->s, (isize_t)reason->len))) {
        /* A reason phrase is one line of text (RFC 3261 section 25.1):
         * a control character from a policy string must not split the
         * status line or inject a header. */
        for (char *c = r; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = ' ';
    }
    return rt_sl_reply(m, (int)code, r) == 0;
}
