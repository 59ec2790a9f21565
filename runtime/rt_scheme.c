/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_scheme.c - a request whose Request-URI has a scheme sipd does not
 * serve gets 416 Unsupported URI Scheme before the policy runs (RFC 3261
 * sections 8.2.2.1 and 16.3 step 1; RFC 4475 3.3.2 `unkscm`, 3.3.3
 * `novelsc`).  sip:, sips: and tel: are served; anything else (an
 * unknown scheme, or one sofia knows but a proxy does not route, as im:
 * or http:) is refused, whatever the policy would have done with the To
 * header.  An ACK is dropped instead (no reply to an ACK, RFC 3261
 * section 17.2.3); a CANCEL gets 416 like any other request: nta matches
 * a CANCEL of a transaction we have before this, and one with such a URI
 * cannot belong to a transaction we made.
 *
 * Called by sipd (rt_server.c) and by `sipc test` (rt_test.c, which
 * records `reject 416 Unsupported URI Scheme` as nta's answers are).
 * rt_refuse() is that stateless answer before the policy, for
 * rt_lenient.c's 505 too.
 */
#include <sofia-sip/nta.h>
#include <sofia-sip/sip_header.h>

#include "rt_internal.h"
#include "rt_scheme.h"

int rt_refuse(const RtMsgEnv *env, msg_t *msg, sip_t *sip, int status, const char *phrase)
{
    int ack = sip->sip_request->rq_method == sip_method_ack;
    if (env->rec) {
        if (!ack)
            rt_rec_line(env->rec, "reject %d %s", status, phrase);
    } else if (!ack && env->agent && sip->sip_via) {
        nta_msg_treply(env->agent, msg, status, phrase, TAG_END()); /* takes msg */
        return 1;
    }
    msg_destroy(msg);
    return 1;
}

int rt_scheme_refuse(const RtMsgEnv *env, msg_t *msg, sip_t *sip)
{
    const url_t *u = sip && sip->sip_request ? sip->sip_request->rq_url : NULL;
    if (!u || u->url_type == url_invalid || u->url_type == url_sip || u->url_type == url_sips ||
        u->url_type == url_tel)
        return 0; /* a URI that does not parse is a 400 (rt_error.c, nta) */
    rt_log_limited(RT_LOG_DEBUG, "unsupported scheme", "%s with Request-URI scheme \"%s\", call-id %s: refused (416)",
                   sip->sip_request->rq_method_name, u->url_scheme ? u->url_scheme : "?", rt_msg_call_id(sip));
    return rt_refuse(env, msg, sip, 416, "Unsupported URI Scheme");
}
