/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_dns.h - how sipd resolves host names of next hops (rt_dns.c): the
 * dns.* settings as sofia-sip tags for nta_agent_create().
 */
#ifndef SIPC_RT_DNS_H
#define SIPC_RT_DNS_H

#include <sofia-sip/su_tag.h>

#include "rt.h"

/* Room rt_dns_tags() needs, the closing TAG_NEXT included. */
#define RT_DNS_NTAGS 5

/* Fill `tags` (RT_DNS_NTAGS entries) from the policy's dns.* settings and
 * end them with TAG_NEXT(next); the strings stay the policy's. */
void rt_dns_tags(const RtPolicy *p, tagi_t tags[RT_DNS_NTAGS], tagi_t const *next);

#endif /* SIPC_RT_DNS_H */
