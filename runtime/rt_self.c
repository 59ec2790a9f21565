/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_self.c - "is this address ours?", for loose routing and Record-Route.
 *
 * An address is ours when its host and port name a transport the agent
 * listens on: one of nta's own Via values (one per transport), or the
 * transport the current message came in on.  Hosts compare
 * case-insensitively as text: an IP literal must be written as we listen
 * (127.0.0.1, or [::1] for IPv6), and a DNS name of ours is not recognised
 * (no alias list yet).  A missing port means the scheme's default: 5060 for
 * sip:, 5061 for sips: (RFC 3261 section 19.1.2).
 */
#include <stdio.h>
#include <string.h>

#include <sofia-sip/su_string.h>
#include <sofia-sip/url.h>

#include "rt_internal.h"
#include "rt_listen.h"

static int port_eq(const char *a, const char *a_default, const char *b, const char *b_default)
{
    return strcmp(a && *a ? a : a_default, b && *b ? b : b_default) == 0;
}

/* A Via's default port: 5061 for TLS, else 5060. */
static const char *via_default_port(const sip_via_t *v)
{
    return v->v_protocol && su_casenmatch(v->v_protocol, "SIP/2.0/TLS", 11) ? "5061" : "5060";
}

int rt_url_is_self(const sipc_msg *m, const url_t *url)
{
    if (!url || !url->url_host || (url->url_type != url_sip && url->url_type != url_sips))
        return 0;
    const char *udef = url->url_type == url_sips ? "5061" : "5060";
    if (m->agent)
        for (const sip_via_t *v = nta_agent_via(m->agent); v; v = v->v_next)
            if (v->v_host && su_casematch(url->url_host, v->v_host) &&
                port_eq(url->url_port, udef, v->v_port, via_default_port(v)))
                return 1;
    if (m->env && m->env->local_host && su_casematch(url->url_host, m->env->local_host) &&
        port_eq(url->url_port, udef, m->env->local_port, "5060"))
        return 1; /* offline: the case's local address */
    if (m->tport) {
        const tp_name_t *tpn = rt_tport_local_name(m->tport);
        if (tpn && tpn->tpn_host && su_casematch(url->url_host, tpn->tpn_host) &&
            port_eq(url->url_port, udef, tpn->tpn_port, "5060"))
            return 1;
    }
    return 0;
}

/* The same for a host alone (a domain: $rd, $td), any port. */
int rt_host_is_self(const sipc_msg *m, const char *host)
{
    if (!host || !*host)
        return 0;
    if (m->agent)
        for (const sip_via_t *v = nta_agent_via(m->agent); v; v = v->v_next)
            if (v->v_host && su_casematch(host, v->v_host))
                return 1;
    if (m->env && m->env->local_host && su_casematch(host, m->env->local_host))
        return 1;
    if (m->tport) {
        const tp_name_t *tpn = rt_tport_local_name(m->tport);
        if (tpn && tpn->tpn_host && su_casematch(host, tpn->tpn_host))
            return 1;
    }
    return 0;
}

/* "HOST:PORT", IPv6 in brackets. */
const char *rt_self_format(su_home_t *home, const char *host, const char *port)
{
    int br = strchr(host, ':') && host[0] != '[';
    return su_sprintf(home, "%s%s%s:%s", br ? "[" : "", host, br ? "]" : "", port);
}

/* Our address for a Record-Route: the local address of the transport the
 * request came in on, else as the agent announces it (nta's contact, which follows the
 * listen address; a wildcard listen has the host's first address there). */
const char *rt_self_hostport(sipc_msg *m)
{
    if (m->env && m->env->local_host) {
        const char *h = m->env->local_host;
        int v6 = strchr(h, ':') != NULL;
        return su_sprintf(m->home, "%s%s%s:%s", v6 ? "[" : "", h, v6 ? "]" : "", m->env->local_port);
    }
    if (m->tport) { /* the address the request came in on */
        const tp_name_t *tpn = rt_tport_local_name(m->tport);
        if (tpn && tpn->tpn_host && tpn->tpn_port && strcmp(tpn->tpn_host, "*") != 0)
            return rt_self_format(m->home, tpn->tpn_host, tpn->tpn_port);
    }
    const sip_contact_t *c = m->agent ? nta_agent_contact(m->agent) : NULL;
    const url_t *u = c ? c->m_url : NULL;
    if (!u || !u->url_host)
        return NULL;
    return su_sprintf(m->home, "%s%s%s", u->url_host, u->url_port ? ":" : "", u->url_port ? u->url_port : "");
}
