/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_msg.c - the message context a compiled route runs on.
 *
 * rt_msg_init() wraps one received request in a `struct sipc_msg` (defined
 * in rt_internal.h): it takes over the caller's reference to the msg_t and
 * reads, once, what every pseudo-variable getter would otherwise recompute:
 * the method, the source address and the transport it arrived on.
 * rt_msg_release() drops the references; a reply or forward the policy made
 * holds its own (msg_ref_create or msg_copy), so releasing is always safe.
 *
 * Also here, because they are about the context itself: the $var block
 * (sipc_vars) and the while-loop guard's log line (sipc_loop_limit).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/su_addrinfo.h>

#include "rt_internal.h"

/* Lower-case copy of a transport name ("UDP" in tport names) into `buf`. */
static const char *proto_name(const char *p, char *buf, size_t n)
{
    size_t i = 0;
    for (; p && p[i] && i + 1 < n; i++)
        buf[i] = (char)tolower((unsigned char)p[i]);
    buf[i] = '\0';
    return buf;
}

static void set_source(sipc_msg *m)
{
    su_addrinfo_t *ai = msg_addrinfo(m->msg);
    su_sockaddr_t const *su = ai ? (su_sockaddr_t const *)ai->ai_addr : NULL;

    m->src_ip[0] = '\0';
    m->src_port = 0;
    m->proto = "udp";
    if (m->tport) {
        /* tpn_proto is "udp", "tcp", "tls", ...: keep the known spellings
         * as static strings, so no buffer has to outlive this call. */
        char buf[8];
        const char *p = proto_name(tport_name(m->tport)->tpn_proto, buf, sizeof buf);
        m->proto = !strcmp(p, "tcp")    ? "tcp"
                   : !strcmp(p, "tls")  ? "tls"
                   : !strcmp(p, "sctp") ? "sctp"
                                        : "udp";
    } else if (m->env && m->env->local_proto) {
        m->proto = m->env->local_proto; /* offline: the case says */
    } else if (ai && ai->ai_protocol == IPPROTO_TCP) {
        m->proto = "tcp";
    }
    if (su && (su->su_family == AF_INET
#if SU_HAVE_IN6
               || su->su_family == AF_INET6
#endif
               )) {
        if (!su_inet_ntop(su->su_family, SU_ADDR(su), m->src_ip, sizeof m->src_ip))
            m->src_ip[0] = '\0';
        m->src_port = ntohs(su->su_port);
    }
    m->si.s = m->src_ip;
    m->si.len = (sipc_int)strlen(m->src_ip);
}

/* The fields every context starts with. */
static void init_common(sipc_msg *m, const RtMsgEnv *env, msg_t *msg, sip_t *sip)
{
    memset(m, 0, sizeof *m);
    m->msg = msg;
    m->sip = sip;
    m->home = msg_home(msg);
    m->avp_home = m->home;
    m->kind = sip && sip->sip_status ? SIPC_RK_ONREPLY : SIPC_RK_REQUEST;
    m->append_tail = &m->appended;
    if (env) {
        m->env = env;
        m->rec = env->rec;
        m->agent = env->agent;
        m->policy = env->policy;
        m->varbuf = env->varbuf;
        m->varbuf_size = env->varbuf_size;
    }
}

/* $rm: the method, or the CSeq's on a reply. */
static void set_method(sipc_msg *m, const sip_t *sip)
{
    if (sip && sip->sip_request && sip->sip_request->rq_method_name) {
        m->rm.s = sip->sip_request->rq_method_name;
        m->rm.len = (sipc_int)strlen(m->rm.s);
    } else if (sip && sip->sip_cseq && sip->sip_cseq->cs_method_name) {
        /* A reply: its method is the one of its CSeq (pvars.def). */
        m->rm.s = sip->sip_cseq->cs_method_name;
        m->rm.len = (sipc_int)strlen(m->rm.s);
    } else {
        m->rm.s = "";
    }
}

void rt_msg_init(sipc_msg *m, const RtMsgEnv *env, msg_t *msg, sip_t *sip)
{
    init_common(m, env, msg, sip);
    /* Valid only while nta delivers this message, which is now. */
    if (m->agent)
        m->tport = nta_incoming_transport(m->agent, NULL, msg);
    set_source(m);
    set_method(m, sip);
}

void rt_msg_init_from(sipc_msg *m, const RtMsgEnv *env, msg_t *msg, sip_t *sip, const char *src_ip,
                      int src_port, const char *proto, tport_t *tport)
{
    init_common(m, env, msg, sip);
    m->tport = tport ? tport_ref(tport) : NULL;
    snprintf(m->src_ip, sizeof m->src_ip, "%s", src_ip ? src_ip : "");
    m->src_port = src_port;
    m->proto = proto ? proto : "udp";
    m->si.s = m->src_ip;
    m->si.len = (sipc_int)strlen(m->src_ip);
    set_method(m, sip);
}

void rt_msg_release(sipc_msg *m)
{
    if (m->tport)
        tport_unref(m->tport);
    if (m->msg)
        msg_destroy(m->msg);
    m->tport = NULL;
    m->msg = NULL;
    m->sip = NULL;
    m->home = NULL;
    m->vars = NULL;
}

void rt_msg_changed(sipc_msg *m)
{
    memset(m->pv, 0, sizeof m->pv);
    m->hdrs = NULL; /* the entries stay in the home, unreferenced */
}

const char *rt_msg_source(const sipc_msg *m, char *buf, size_t n)
{
    snprintf(buf, n, strchr(m->src_ip, ':') ? "[%s]:%d" : "%s:%d", m->src_ip[0] ? m->src_ip : "?",
             m->src_port);
    return buf;
}

const char *rt_msg_call_id(const sip_t *sip)
{
    if (sip && sip->sip_call_id && sip->sip_call_id->i_id)
        return sip->sip_call_id->i_id;
    return "-";
}

/*
 * The $var block: desc->var_size zeroed bytes.  The server lends every
 * message one buffer of that size (messages are routed one at a time, each
 * to its end), zeroed here on the first use by a message.  A context with
 * no such buffer (not built by the server) gets the block from the message
 * home instead.  Routes index into the block without checking, so there is
 * no safe way on if even that fails: abort rather than hand out NULL.
 */
void *sipc_vars(sipc_msg *m)
{
    static _Alignas(16) unsigned char none[16]; /* var_size 0: any valid pointer */
    if (m->vars)
        return m->vars;
    size_t size = m->policy ? rt_policy_desc(m->policy)->var_size : 0;
    if (size == 0) {
        m->vars = none;
    } else if (m->varbuf && size <= m->varbuf_size) {
        memset(m->varbuf, 0, size);
        m->vars = m->varbuf;
    } else if (!(m->vars = su_zalloc(m->home, (isize_t)size))) {
        rt_log(RT_LOG_ERROR, "out of memory for %zu bytes of $var (call-id %s); aborting", size,
               rt_msg_call_id(m->sip));
        abort();
    }
    return m->vars;
}

/* A while loop ran max_while_loops times and was cut short: say so once per
 * message (a loop inside a loop would otherwise log each time). */
void sipc_loop_limit(sipc_msg *m, int line)
{
    rt_trace(m, "while loop at line %d stopped by max_while_loops", line);
    if (m->loop_logged)
        return;
    m->loop_logged = 1;
    const sipc_policy_desc *d = m->policy ? rt_policy_desc(m->policy) : NULL;
    rt_log(RT_LOG_WARN, "%s:%d: while loop stopped after max_while_loops iterations (call-id %s)",
           d && d->source_name ? d->source_name : "policy", line, rt_msg_call_id(m->sip));
}

int64_t rt_wall_now(const RtMsgEnv *env)
{
    if (env && env->clock_fixed)
        return env->clock_fixed;
    return (int64_t)time(NULL);
}
