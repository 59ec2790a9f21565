/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_dns.h - how sipd resolves host names of next hops (rt_dns.c): the
 * dns.* settings as sofia-sip tags for nta_agent_create().
 */
#ifndef SIPC_RT_DNS_H
#define SIPC_RT_DNS_H

#include <sofia-sip/su_tag.h>
#include <sofia-sip/su_wait.h>

#include "rt.h"

/* Room rt_dns_tags() needs, the closing TAG_NEXT included. */
#define RT_DNS_NTAGS 5

/* Fill `tags` (RT_DNS_NTAGS entries) from the policy's dns.* settings and
 * end them with TAG_NEXT(next); sres reads `conf` (rt_dns_conf_path(),
 * NULL: its default).  The strings stay the policy's and conf's owner's. */
void rt_dns_tags(const RtPolicy *p, const char *conf, tagi_t tags[RT_DNS_NTAGS], tagi_t const *next);

/* --- rt_dns_conf.c: the resolv.conf sres may read ----------------------- */

typedef struct RtDnsConf RtDnsConf;

/* Check the nameservers of the policy's resolv.conf (dns.resolv_conf, else
 * /etc/resolv.conf) and decide what sres reads: the file, or a copy
 * without the unusable ones, or one naming a local responder that fails
 * every lookup at once (on `root`).  NULL with a message on error; the
 * caller owns the result (rt_dns_conf_close, after the agent is gone). */
RtDnsConf *rt_dns_conf_open(su_root_t *root, const RtPolicy *p, char *err, size_t errlen);
/* The file sres reads, or NULL for its default. */
const char *rt_dns_conf_path(const RtDnsConf *c);
/* The same for other resolvers of this process (tm_srv.c): the open
 * conf's path, else the policy's dns.resolv_conf, else NULL. */
const char *rt_dns_resolv_conf(const RtPolicy *p);
void rt_dns_conf_close(RtDnsConf *c);

#endif /* SIPC_RT_DNS_H */
