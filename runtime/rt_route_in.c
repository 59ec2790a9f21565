/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_route_in.c - what a request's Route header may decide, settled before
 * the policy runs, and the signature on our Record-Route values.
 *
 * RFC 3261 section 16.4: a proxy removes a top Route entry that names it
 * before it processes the request, for initial requests (a phone that uses
 * us as its outbound proxy sends `Route: <sip:US;lr>`) as for in-dialog
 * ones.  sofia's nta follows the top loose Route of a message it is handed
 * without a next hop, so a Route of ours left in the message sends the
 * request straight back to us.  rt_route_in() removes them all.
 *
 * A Route of ours on its own proves nothing: anybody can write one, with
 * an invented To-tag and any request URI, and a proxy that relays such a
 * request because "it was routed by us" is an open relay.  So
 * record_route() signs what it inserts: `;sig=` carries 24 hex digits of
 * HMAC-SHA-256(key, Call-ID LF From-tag), the key derived from the shared
 * secret (auth.secret, or the one kept in the database) so that every node
 * sharing it verifies the others' values.  The callee's requests carry
 * the caller's From-tag as their To-tag, so either tag may verify.  A Route
 * of ours counts as "routed by us" (m->routed_by_us, what loose_route()
 * reports) only when its signature verifies; an unsigned one is removed
 * all the same (it names us) and the request reaches the policy as not
 * routed by us.  The same holds for our value in the request URI put
 * there by a strict router (section 16.4's first step).
 *
 * What remains of the Route set may choose the next hop only when the
 * policy accepts it (m->routes_ok): a verified dialog of ours
 * (loose_route()), or loose_route_preloaded() for a preloaded route.
 * Otherwise forward() and t_relay() refuse to relay toward the request URI
 * while it is still there (rt_route_unaccepted()).
 */
#include <stdio.h>
#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/url.h>

#include "digest.h"
#include "rt_internal.h"

/* Hex digits of the HMAC kept in `;sig=`: 96 bits, beyond online guessing. */
#define SIG_HEX 24

void rt_rr_key_init(RtMsgEnv *env, const char *secret)
{
    char mac[DIGEST_HEX_MAX];
    static const char label[] = "sipc record-route signature v1";
    digest_hmac(secret, strlen(secret), label, sizeof label - 1, mac);
    memcpy(env->rr_key, mac, 64);
    env->rr_key[64] = '\0';
}

/* The signature of a dialog (Call-ID, one of its tags) into out. */
static void sign(const RtMsgEnv *env, const char *call_id, const char *tag, char out[SIG_HEX + 1])
{
    char data[1024], mac[DIGEST_HEX_MAX];
    int n = snprintf(data, sizeof data, "%s\n%s", call_id, tag);
    if (n < 0 || (size_t)n >= sizeof data)
        n = sizeof data - 1; /* an overlong Call-ID is cut the same way each time */
    digest_hmac(env->rr_key, 64, data, (size_t)n, mac);
    memcpy(out, mac, SIG_HEX);
    out[SIG_HEX] = '\0';
}

const char *rt_rr_sig(sipc_msg *m)
{
    const sip_t *sip = m->sip;
    if (!m->env || !m->env->rr_key[0] || !sip || !sip->sip_call_id || !sip->sip_call_id->i_id)
        return NULL;
    const char *tag = sip->sip_from && sip->sip_from->a_tag ? sip->sip_from->a_tag : "";
    char sig[SIG_HEX + 1];
    sign(m->env, sip->sip_call_id->i_id, tag, sig);
    return su_strdup(m->home, sig);
}

/* Does `u` (a value of ours) carry a signature of m's dialog? */
static int sig_ok(const sipc_msg *m, const url_t *u)
{
    const sip_t *sip = m->sip;
    char got[SIG_HEX + 8], want[SIG_HEX + 1];
    if (!m->env || !m->env->rr_key[0] || !sip->sip_call_id || !sip->sip_call_id->i_id || !u->url_params ||
        url_param(u->url_params, "sig", got, sizeof got) != SIG_HEX + 1) /* length with the NUL */
        return 0;
    const char *tags[2] = {sip->sip_from ? sip->sip_from->a_tag : NULL, sip->sip_to ? sip->sip_to->a_tag : NULL};
    for (int i = 0; i < 2; i++) {
        sign(m->env, sip->sip_call_id->i_id, tags[i] ? tags[i] : "", want);
        if (digest_hex_equal(want, got))
            return 1;
    }
    return 0;
}

void rt_route_in(sipc_msg *m)
{
    sip_t *sip = m->sip;
    if (!sip || !sip->sip_request)
        return;
    int removed = 0, unsigned_ours = 0;

    /* A strict router before us put our Record-Route value into the
     * request URI: the original request URI is the last Route. */
    const url_t *ru = sip->sip_request->rq_url;
    if (sip->sip_route && rt_url_is_self(m, ru) && url_has_param(ru, "lr") && sig_ok(m, ru)) {
        const sip_route_t *last = sip->sip_route;
        while (last->r_next)
            last = last->r_next;
        if (rt_ruri_replace(m, last->r_url) == 0) {
            sip_route_pop(m->msg, sip);
            m->routed_by_us = 1;
            removed++;
        }
    }
    while (sip->sip_route && rt_url_is_self(m, sip->sip_route->r_url)) {
        if (sig_ok(m, sip->sip_route->r_url))
            m->routed_by_us = 1;
        else
            unsigned_ours++;
        sip_route_remove(m->msg, sip);
        removed++;
    }
    m->routes_ok = m->routed_by_us;
    if (removed)
        rt_msg_changed(m);
    if (unsigned_ours && sip->sip_to && sip->sip_to->a_tag && !m->routed_by_us)
        rt_log_limited(RT_LOG_DEBUG, "route: unsigned in-dialog",
                       "%s in a dialog from %s:%d names us in its Route without our signature: "
                       "not routed by us (call-id %s)", m->rm.s, m->src_ip, m->src_port, rt_msg_call_id(sip));
    if (m->rec && removed)
        rt_trace(m, "route: %d %s of ours removed, %s", removed, removed > 1 ? "entries" : "entry",
                 m->routed_by_us ? "signed" : "not signed");
}

const sip_route_t *rt_route_unaccepted(const sipc_msg *m)
{
    return m->sip && !m->routes_ok ? m->sip->sip_route : NULL;
}
