/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_dns.c - DNS for next hops given as host names (RFC 3263), done by
 * sofia-sip's own resolver (sresolv) inside nta, on the event loop:
 * NAPTR, then SRV, then A/AAAA; an IP literal never touches DNS.
 *
 * The policy's settings become agent tags:
 *   dns.resolv_conf = "PATH"  SRESTAG_RESOLV_CONF: nameservers (and a
 *                             sres `port N` line) from PATH instead of
 *                             /etc/resolv.conf (or from a copy without
 *                             the unusable ones: rt_dns_conf.c)
 *   dns.use_naptr = BOOL      NTATAG_USE_NAPTR (default true)
 *   dns.use_srv = BOOL        NTATAG_USE_SRV (default true)
 *
 * Failover: nta keeps the resolved targets of a client transaction and,
 * when sending to one fails (ICMP error, no transport) or its timer B/F
 * fires, tries the next one by itself (outgoing_try_another in nta.c).
 * On 503 Debian's sofia-sip 1.12.11 does not fail over (later forks have
 * NTATAG_SRV_503): tm does it for t_relay() branches (tm_srv.c, SPEC.md
 * section 9).
 */
#include <string.h>

#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sresolv.h>

#include "rt_dns.h"
#include "rt_internal.h"

static const char *setting(const RtPolicy *p, const char *name)
{
    const sipc_policy_desc *d = rt_policy_desc(p);
    for (unsigned i = 0; i < d->nsettings; i++)
        if (!strcmp(d->settings[i].name, name))
            return d->settings[i].value;
    return NULL;
}

void rt_dns_tags(const RtPolicy *p, const char *conf, tagi_t tags[RT_DNS_NTAGS], tagi_t const *next)
{
    int n = 0;
    const char *naptr = setting(p, "dns.use_naptr");
    const char *srv = setting(p, "dns.use_srv");
    if (conf && *conf) {
        tags[n].t_tag = srestag_resolv_conf;
        tags[n++].t_value = (tag_value_t)conf;
        rt_log(RT_LOG_DEBUG, "dns: resolver configuration from %s", conf);
    }
    if (naptr) {
        tags[n].t_tag = ntatag_use_naptr;
        tags[n++].t_value = strcmp(naptr, "false") != 0;
    }
    if (srv) {
        tags[n].t_tag = ntatag_use_srv;
        tags[n++].t_value = strcmp(srv, "false") != 0;
    }
    tags[n].t_tag = tag_next;
    tags[n].t_value = (tag_value_t)next;
}
