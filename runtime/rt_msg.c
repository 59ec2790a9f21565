/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_msg.c - the message context a compiled route runs on.
 *
 * rt_msg_init() wraps one received request in a `struct sipc_msg` (defined
 * in rt_internal.h): it takes over the caller's reference to the msg_t and
 * reads, once, what every pseudo-variable getter would otherwise recompute:
 * the method and the source address.  rt_msg_release() drops the reference;
 * a reply or forward the policy made holds its own (msg_ref_create or
 * msg_copy), so releasing is always safe.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/su_addrinfo.h>

#include "rt_internal.h"

static void set_source(sipc_msg *m)
{
    su_addrinfo_t *ai = msg_addrinfo(m->msg);
    su_sockaddr_t const *su = ai ? (su_sockaddr_t const *)ai->ai_addr : NULL;

    m->src_ip[0] = '\0';
    m->src_port = 0;
    m->proto = "udp";
    if (ai && ai->ai_protocol == IPPROTO_TCP)
        m->proto = "tcp";
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

void rt_msg_init(sipc_msg *m, nta_agent_t *agent, msg_t *msg, sip_t *sip)
{
    memset(m, 0, sizeof *m);
    m->agent = agent;
    m->msg = msg;
    m->sip = sip;
    m->home = msg_home(msg);
    set_source(m);
    if (sip && sip->sip_request && sip->sip_request->rq_method_name) {
        m->rm.s = sip->sip_request->rq_method_name;
        m->rm.len = (sipc_int)strlen(m->rm.s);
    } else {
        m->rm.s = "";
    }
    m->ru.s = "";
}

void rt_msg_release(sipc_msg *m)
{
    if (m->msg)
        msg_destroy(m->msg);
    m->msg = NULL;
    m->sip = NULL;
    m->home = NULL;
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
