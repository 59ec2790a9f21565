/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * maxfwd.c - Max-Forwards: mf_process_maxfwd_header(limit).
 *
 * Kamailio's maxfwd semantics (RFC 3261 section 16.6 step 3):
 *  - no Max-Forwards: add one with the value `limit`, return true;
 *  - Max-Forwards 0: return false, change nothing (the policy then
 *    typically replies 483 Too Many Hops);
 *  - otherwise: decrement it, return true.
 * `limit` must be 1..255 (Kamailio refuses other values at start-up);
 * another value is clamped into that range with a warning.
 *
 * The header edited is the one of the message being routed, so forward()
 * sends it as is: forward() decrements only when this function has not run
 * for the message (m->mf_state), so a request is never decremented twice.
 * A second call in the same message repeats the first answer without
 * decrementing again.
 */
#include <stdio.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>

#include "rt_internal.h"

int sipc_mf_process_maxfwd_header(sipc_msg *m, sipc_int limit)
{
    sip_t *sip = m->sip;
    if (!sip || !sip->sip_request)
        return 0;
    if (m->mf_state)
        return m->mf_state > 0;
    if (limit < 1 || limit > 255) {
        sipc_int was = limit;
        limit = limit < 1 ? 1 : 255;
        rt_log(RT_LOG_WARN, "mf_process_maxfwd_header(%lld): limit must be 1..255, using %lld", was, limit);
    }
    sip_max_forwards_t *mf = sip->sip_max_forwards;
    if (mf && mf->mf_count == 0) {
        rt_log(RT_LOG_DEBUG, "mf_process_maxfwd_header: Max-Forwards is 0 (call-id %s)", rt_msg_call_id(sip));
        m->mf_state = -1;
        rt_trace(m, "Max-Forwards 0: hop limit reached");
        return 0;
    }
    if (mf) {
        rt_trace(m, "Max-Forwards %lu -> %lu", mf->mf_count, mf->mf_count - 1);
        mf->mf_count--;
        msg_fragment_clear(mf->mf_common);
    } else {
        char v[8];
        snprintf(v, sizeof v, "%lld", limit);
        if (sip_add_tl(m->msg, sip, SIPTAG_MAX_FORWARDS_STR(v), TAG_END()) < 0) {
            rt_log(RT_LOG_ERROR, "mf_process_maxfwd_header: cannot add Max-Forwards (call-id %s)",
                   rt_msg_call_id(sip));
            return 0; /* mf_state stays 0: forward() will still try */
        }
        rt_trace(m, "Max-Forwards added: %s", v);
    }
    m->mf_state = 1;
    rt_msg_changed(m);
    return 1;
}
