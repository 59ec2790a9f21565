/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_conn.h - limits on the TCP/TLS connections sipd accepts and accept
 * back-off when descriptors run out (rt_conn.c); the tcp.* settings.
 */
#ifndef SIPC_RT_CONN_H
#define SIPC_RT_CONN_H

#include <sofia-sip/nta.h>
#include <sofia-sip/su_tag.h>

#include "rt.h"

/* Defaults of the tcp.* settings (SPEC.md section 2.4). */
#define RT_CONN_IDLE_DEFAULT 3600      /* s a connection may sit idle */
#define RT_CONN_MESSAGE_DEFAULT 30     /* s a message started has to complete */
#define RT_CONN_MAX_DEFAULT 4096       /* connections in all */
#define RT_CONN_PER_SOURCE_DEFAULT 128 /* connections from one address */

/* Room rt_conn_tags() needs, the closing TAG_NEXT included. */
#define RT_CONN_NTAGS 3

/* The idle and message timeouts as tport tags for nta_agent_create(),
 * ended with TAG_NEXT(next). */
void rt_conn_tags(const RtPolicy *p, tagi_t tags[RT_CONN_NTAGS], tagi_t const *next);

typedef struct RtConn RtConn;

/* Watch the connections accepted on the agent's stream listeners (none:
 * nothing to do).  NULL with a message on error; the caller owns the
 * result (rt_conn_stop, before the agent is destroyed). */
RtConn *rt_conn_start(su_root_t *root, nta_agent_t *agent, const RtPolicy *p, char *err, size_t errlen);
void rt_conn_stop(RtConn *c);

/* sofia reported EMFILE/ENFILE: stop accepting until a scan finds room. */
void rt_conn_exhausted(void);

#endif /* SIPC_RT_CONN_H */
