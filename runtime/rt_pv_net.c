/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_pv_net.c - where the message came from and in on: $si $sp $Ri $Rp $pr.
 *
 * The source address and the transport are read once, when the context is
 * made (rt_msg.c).  The local address is the name of the transport the
 * message arrived on (for TCP and TLS, of the listening transport that
 * accepted the connection: rt_tport_local_name), or, if nta did not say, the address the
 * agent announces in its Contact.  With a wildcard listen address the
 * transport has no single local address, and $Ri is the host's first one
 * rather than the destination address of the packet (which would need
 * IP_PKTINFO, not exposed by sofia-sip).
 */
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/url.h>

#include "rt_internal.h"
#include "rt_listen.h"

const sipc_str *sipc_pv_si(sipc_msg *m)
{
    return &m->si;
}

sipc_int sipc_pv_sp(sipc_msg *m)
{
    return m->src_port;
}

/* Local host and port, as text; either may be NULL. */
static void local_addr(const sipc_msg *m, const char **host, const char **port)
{
    *host = *port = NULL;
    if (m->env && m->env->local_host) { /* offline: the case's local address */
        *host = m->env->local_host;
        *port = m->env->local_port;
        return;
    }
    if (m->tport) {
        const tp_name_t *tpn = rt_tport_local_name(m->tport); /* a connection's listener */
        *host = tpn->tpn_host;
        *port = tpn->tpn_port;
    }
    if ((!*host || !*port) && m->agent) {
        const sip_contact_t *c = nta_agent_contact(m->agent);
        if (c) {
            *host = *host ? *host : c->m_url->url_host;
            *port = *port ? *port : url_port(c->m_url);
        }
    }
}

/* IPv6 without brackets, as $si. */
const sipc_str *sipc_pv_Ri(sipc_msg *m)
{
    if (RT_PV_CACHED(m, RT_PV_Ri))
        return m->pv[RT_PV_Ri];
    const char *host, *port;
    local_addr(m, &host, &port);
    if (!host)
        return &rt_str_empty;
    size_t n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
        return rt_pv_keep(m, RT_PV_Ri, rt_str_view(m, host + 1, n - 2));
    return rt_pv_keep(m, RT_PV_Ri, rt_str_view(m, host, n));
}

sipc_int sipc_pv_Rp(sipc_msg *m)
{
    const char *host, *port;
    local_addr(m, &host, &port);
    return port ? (sipc_int)strtoll(port, NULL, 10) : 0;
}

const sipc_str *sipc_pv_pr(sipc_msg *m)
{
    if (RT_PV_CACHED(m, RT_PV_pr))
        return m->pv[RT_PV_pr];
    return rt_pv_keep(m, RT_PV_pr, rt_str_cview(m, m->proto));
}
