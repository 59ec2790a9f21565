/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_out.c - everything that leaves the server goes through here.
 *
 * In sipd a reply goes to nta_msg_treply() and a relay to a stateless
 * nta_outgoing_mcreate().  Offline (m->rec set, no agent) the same calls
 * write transcript lines instead:
 *
 *   reply 404 Not Found
 *   relay 1 to sip:bob@192.0.2.20:5060
 *     - Max-Forwards: 70
 *     + Max-Forwards: 69
 *
 * A relay line is followed by how the relayed request differs from the one
 * received: lines of the received request that are gone ("-") and lines that
 * are new ("+"), the request line included.  The Via that nta adds when it
 * sends is not shown: it carries a fresh branch, and it is nta's, not the
 * policy's, decision.
 *
 * The transaction core's exits (rt_out_t_*, runtime/tm.h) work the same
 * way: in sipd they go to tm_nta.c; offline a branch is a `relay N to URI`
 * with its diff (N: its relay number), a CANCEL is `cancel branch N`, a
 * reply relayed upstream `relay reply CODE REASON` and one made here
 * `reply CODE REASON`.  The 100 Trying sent when an INVITE's transaction
 * starts is not shown (like the Via, it is the runtime's, not the
 * policy's).
 *
 * Before a request goes out, rt_rr_outbound() (rt_rr_out.c) adds the
 * second Record-Route when record_route() ran and the request leaves on
 * another transport or address family.
 *
 * Via `received` (RFC 3581 section 4): a request that asked for rport
 * gets `rport=PORT` from nta, but `received=` only when the source address
 * differs from the Via host; the RFC wants both.  add_received() adds it to
 * the top Via of each relayed copy (not shown offline: nta's part, like
 * the rport value).
 *
 * Ownership: rt_out_relay(), rt_out_t_branch() and rt_out_t_relay_reply()
 * take over the message they are given on every path.
 */
#include <stdio.h>
#include <string.h>

#include <sofia-sip/sip_protos.h>
#include <sofia-sip/sip_tag.h>

#include "rt_internal.h"
#include "rt_listen.h"
#include "tm.h"

int rt_out_reply(sipc_msg *m, int code, const char *reason, sip_to_t *to)
{
    return rt_out_reply_hdrs(m, code, reason, to, NULL);
}

/* Each line of `extra` as "  + LINE" in the transcript. */
static void trace_extra(sipc_msg *m, const char *extra)
{
    for (const char *s = extra; s && *s;) {
        const char *eol = strstr(s, "\r\n");
        int n = eol ? (int)(eol - s) : (int)strlen(s);
        if (n)
            rt_trace(m, "  + %.*s", n, s);
        s = eol ? eol + 2 : s + n;
    }
}

int rt_out_reply_hdrs(sipc_msg *m, int code, const char *reason, sip_to_t *to, const char *extra)
{
    if (m->rec) {
        rt_trace(m, "reply %d %s", code, reason);
        trace_extra(m, extra);
        return 0;
    }
    if (!m->agent) /* offline without a transcript (benchmarks): nowhere to go */
        return 0;
    /* nta_msg_treply takes over the reference it is given. */
    if (nta_msg_treply(m->agent, msg_ref_create(m->msg), code, reason, TAG_IF(to, SIPTAG_TO(to)),
                       TAG_IF(extra && *extra, SIPTAG_HEADER_STR(extra)), TAG_END()) < 0) {
        char src[SU_ADDRSIZE + 16];
        rt_log(RT_LOG_WARN, "reply %d: cannot send to %s (call-id %s)", code, rt_msg_source(m, src, sizeof src),
               rt_msg_call_id(m->sip));
        return -1;
    }
    return 0;
}

/* The header part of a serialized message, split into lines (in place). */
static int split_lines(char *text, char **lines, int max)
{
    int n = 0;
    char *s = text;
    while (s && *s && n < max) {
        char *eol = strstr(s, "\r\n");
        if (eol)
            *eol = '\0';
        if (!*s) /* the empty line: headers end */
            break;
        lines[n++] = s;
        s = eol ? eol + 2 : NULL;
    }
    return n;
}

/* Writes the "-" and "+" lines telling how `copy` differs from `orig`. */
static void trace_changes(sipc_msg *m, const char *orig, msg_t *copy)
{
    enum { MAX = 256 };
    char *a_lines[MAX], *b_lines[MAX];
    size_t blen = 0;
    char *b = msg_as_string(m->home, copy, NULL, 0, &blen);
    char *a = orig ? su_strdup(m->home, orig) : NULL;
    if (!a || !b) {
        rt_trace(m, "  (message not shown)");
        return;
    }
    int na = split_lines(a, a_lines, MAX), nb = split_lines(b, b_lines, MAX);
    char used_a[MAX] = {0}, used_b[MAX] = {0};
    for (int j = 0; j < nb; j++) /* pair equal lines, first unused match */
        for (int i = 0; i < na; i++)
            if (!used_a[i] && strcmp(a_lines[i], b_lines[j]) == 0) {
                used_a[i] = used_b[j] = 1;
                break;
            }
    for (int i = 0; i < na; i++)
        if (!used_a[i])
            rt_trace(m, "  - %s", a_lines[i]);
    for (int j = 0; j < nb; j++)
        if (!used_b[j])
            rt_trace(m, "  + %s", b_lines[j]);
}

/* `received=SOURCE` on the copy's top Via (the sender's) when it has an
 * rport value and no received. */
static void add_received(const sipc_msg *m, msg_t *copy)
{
    sip_t *csip = sip_object(copy);
    sip_via_t *v = csip ? csip->sip_via : NULL;
    if (!v || !v->v_rport || !v->v_rport[0] || v->v_received || !m->src_ip[0])
        return;
    char *p = su_sprintf(msg_home(copy), "received=%s", m->src_ip);
    if (!p || msg_header_replace_param(msg_home(copy), v->v_common, p) < 0) {
        rt_log(RT_LOG_WARN, "forward: cannot add received to the Via (call-id %s)", rt_msg_call_id(csip));
        return;
    }
    msg_fragment_clear(v->v_common);
}

int rt_out_relay(sipc_msg *m, msg_t *copy, const char *hop)
{
    rt_rr_outbound(m, copy, hop); /* double Record-Route when the transport changes */
    if (m->rec) {
        sip_t *csip = sip_object(copy);
        char *target = NULL;
        if (!hop && csip && csip->sip_request)
            target = url_as_string(m->home, csip->sip_request->rq_url);
        rt_trace(m, "relay %d to %s", rt_rec_add_relay(m->rec), hop ? hop : target ? target : "?");
        trace_changes(m, m->env ? m->env->orig_text : NULL, copy);
        msg_destroy(copy);
        return 0;
    }
    if (!m->agent) { /* offline without a transcript (benchmarks) */
        msg_destroy(copy);
        return 0;
    }
    add_received(m, copy);
    /* Non-NULL (an orq still resolving, or NONE once sent): nta owns `copy`.
     * The stateless orq frees itself; it is never ours to destroy. */
    tport_t *tp = rt_listen_out(m->agent, copy, hop); /* the right address family */
    if (!nta_outgoing_mcreate(m->agent, NULL, NULL, hop ? URL_STRING_MAKE(hop) : NULL, copy, TAG_IF(tp, NTATAG_TPORT(tp)),
                              NTATAG_STATELESS(1),
                              TAG_END())) {
        rt_log(RT_LOG_WARN, "forward: cannot send toward %s (call-id %s)", hop ? hop : "the request URI",
               rt_msg_call_id(m->sip));
        msg_destroy(copy);
        return -1;
    }
    return 0;
}

/* --- the transaction's exits ------------------------------------------------------- */

int rt_out_t_start(TmTrans *t, sipc_msg *m)
{
    if (m->rec || !m->agent)
        return 0;
    return tm_nta_start(t, m);
}

int rt_out_t_branch(TmBranch *br, sipc_msg *bm, msg_t *copy, const char *hop)
{
    rt_rr_outbound(bm, copy, hop); /* double Record-Route when the transport changes */
    if (bm->rec) {
        sip_t *csip = sip_object(copy);
        char *target = !hop && csip && csip->sip_request ? url_as_string(bm->home, csip->sip_request->rq_url) : NULL;
        rt_trace(bm, "relay %d to %s", br->relay, hop ? hop : target ? target : "?");
        trace_changes(bm, bm->env ? bm->env->orig_text : NULL, copy);
        msg_destroy(copy);
        return 0;
    }
    if (!bm->agent) { /* offline without a transcript (benchmarks) */
        msg_destroy(copy);
        return 0;
    }
    add_received(bm, copy);
    return tm_nta_branch(br, copy, hop);
}

void rt_out_t_cancel(TmBranch *br)
{
    const RtMsgEnv *env = br->t->env;
    if (env->rec)
        tm_trace(br->t, "cancel branch %d", br->relay);
    else if (env->agent)
        tm_nta_cancel(br);
}

int rt_out_t_relay_reply(TmTrans *t, msg_t *reply, int stray)
{
    if (t->env->rec || !t->env->agent) {
        sip_t *sip = sip_object(reply);
        if (sip && sip->sip_status)
            tm_trace(t, "relay reply %d %s", sip->sip_status->st_status,
                     sip->sip_status->st_phrase ? sip->sip_status->st_phrase : "");
        msg_destroy(reply);
        return 0;
    }
    return tm_nta_relay_reply(t, reply, stray);
}

int rt_out_t_reply(TmTrans *t, int code, const char *reason)
{
    if (t->env->rec || !t->env->agent) {
        tm_trace(t, "reply %d %s", code, reason);
        return 0;
    }
    return tm_nta_reply(t, code, reason);
}
