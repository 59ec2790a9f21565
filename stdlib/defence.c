/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * defence.c - allow_trusted() and pike_check_req(): the policy's view of
 * the trusted peers (runtime/trusted.h) and of the per-source request
 * rates (runtime/pike.h), both started by runtime/rt_defence.c.
 *
 * allow_trusted() is true when a row of the trusted table matches the
 * request's source address, its transport and (for a row with a pattern)
 * its From URI.  pike_check_req() counts the request against its source
 * and is false while that source is blocked; the usual policy reads
 *
 *     if (!allow_trusted() && !pike_check_req()) { drop; }
 *
 * so that gateways are neither challenged nor rate-limited.  Each call
 * writes one transcript line offline (SPEC.md section 10.4); a block that
 * starts or ends is logged at info in sipd.
 */
#include <sofia-sip/sip.h>
#include <sofia-sip/url.h>

#include "pike.h"
#include "rt_defence.h"
#include "rt_internal.h"
#include "trusted.h"

int sipc_allow_trusted(sipc_msg *m)
{
    if (!m->env || !m->env->trusted)
        return 0;
    const char *from = NULL;
    if (m->sip && m->sip->sip_from)
        from = url_as_string(m->home, m->sip->sip_from->a_url);
    const TrustedRow *r = trusted_match(m->env->trusted, m->src_ip, m->proto, from);
    if (!r) {
        rt_trace(m, "allow_trusted: %s %s not trusted", m->src_ip, m->proto);
        return 0;
    }
    if (!m->rec) /* sipd: nothing to write, no quoting to pay for */
        return 1;
    if (r->tag)
        rt_trace(m, "allow_trusted: %s %s trusted by %s %s (tag %s)", m->src_ip, m->proto, r->src, r->proto,
                 rt_rec_quote(m, rt_str_cview(m, r->tag)));
    else
        rt_trace(m, "allow_trusted: %s %s trusted by %s %s", m->src_ip, m->proto, r->src, r->proto);
    return 1;
}

int sipc_pike_check_req(sipc_msg *m)
{
    if (!m->env || !m->env->pike)
        return 1;
    PikeEvent ev;
    int ok = pike_check(m->env->pike, m->src_ip, rt_defence_now_ms(m->env), &ev);
    if (ev != PIKE_EV_NONE || !ok) {
        char name[64];
        pike_source_name(m->src_ip, name, sizeof name);
        if (ev == PIKE_EV_BLOCKED) {
            int window, max, block;
            pike_limits(m->env->pike, &window, &max, &block);
            rt_log(RT_LOG_INFO, "pike: %s blocked for %d s: more than %d request%s in %d s", name, block, max,
                   max == 1 ? "" : "s", window);
        } else if (ev == PIKE_EV_UNBLOCKED) {
            rt_log(RT_LOG_INFO, "pike: %s unblocked", name);
        } else if (rt_log_enabled(RT_LOG_DEBUG)) {
            rt_log(RT_LOG_DEBUG, "pike: %s %s refused (call-id %s)", name,
                   m->sip && m->sip->sip_request ? m->sip->sip_request->rq_method_name : "request",
                   rt_msg_call_id(m->sip));
        }
    }
    rt_trace(m, "pike_check_req: %s %s", m->src_ip, ok ? "allowed" : "blocked");
    return ok;
}
