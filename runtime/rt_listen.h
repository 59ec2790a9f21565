/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_listen.h - listen addresses and transports (rt_listen.c) and the TLS
 * certificate directory sofia-sip wants (rt_tls.c).  Internal to the runtime.
 */
#ifndef SIPC_RT_LISTEN_H
#define SIPC_RT_LISTEN_H

#include <stddef.h>

#include <sofia-sip/nta.h>
#include <sofia-sip/tport.h>

#include "rt_internal.h"

/* A listen address: "udp:127.0.0.1:5060", "tcp:[::1]:0", "tls:HOST:PORT". */
typedef struct RtListenAddr {
    char proto[4]; /* "udp", "tcp" or "tls" */
    char host[80]; /* IPv6 kept in brackets, as in a SIP URL */
    unsigned port; /* 0: any free port */
} RtListenAddr;

/* Parse `spec`; 0, or -1 with the reason in `err`. */
int rt_listen_parse(const char *spec, RtListenAddr *a, char *err, size_t errlen);

/*
 * Create an nta agent on `root` listening on each of `specs` (the first
 * through nta_agent_create with `tags`, the others with
 * nta_agent_add_tport).  A tls address needs the policy's tls.* settings
 * (rt_tls.c).  NULL with the reason in `err`.
 */
nta_agent_t *rt_listen_open(su_root_t *root, const char *const *specs, int n, const RtPolicy *policy,
                            nta_message_f *callback, nta_agent_magic_t *magic, tagi_t const *tags,
                            char *err, size_t errlen);

/* Every address the agent listens on, one per line in the listen syntax
 * ("udp:127.0.0.1:5060\ntcp:127.0.0.1:5060"), no newline at the end. */
void rt_listen_bound(nta_agent_t *agent, char *buf, size_t n);

/* The local (listening) name of a transport: for a TCP or TLS connection,
 * its listening primary's (a connection's own name is its peer's). */
const tp_name_t *rt_tport_local_name(tport_t *tp);

/* Our primary transport for protocol `proto` ("udp", ...) and address
 * family (`v6` 0 or 1), or NULL. */
tport_t *rt_listen_find(nta_agent_t *agent, const char *proto, int v6);

/* The transport a request to `u` goes on: "tls" for sips:, else its
 * ;transport= ("tcp", "tls", in `buf`), else "udp". */
const char *rt_url_proto(const url_t *u, char *buf, size_t n);

/* The transport to send `copy` on, toward `hop` or else its request URI,
 * when that is an IP literal: ours of the right protocol and family.  NULL
 * (let nta pick) for a name or when we have none. */
tport_t *rt_listen_out(nta_agent_t *agent, msg_t *copy, const char *hop);

/* rt_self.c: "HOST:PORT" on `home`, an IPv6 HOST put in brackets. */
const char *rt_self_format(su_home_t *home, const char *host, const char *port);

/* rt_rr_out.c: the second Record-Route of a request that leaves on another
 * transport or address family than it came in on (see there). */
void rt_rr_outbound(sipc_msg *m, msg_t *copy, const char *hop);

/* rt_server.c: why sofia refused (its first log line since the agent's
 * creation began). */
const char *rt_server_sofia_reason(void);

/* --- rt_tls.c ------------------------------------------------------------------- */

/*
 * Make a private directory (mode 0700) holding agent.pem (tls.private_key
 * then tls.certificate) and cafile.pem (tls.ca_list), for
 * TPTAG_CERTIFICATE.  *dir is malloc'd; pass it to rt_tls_remove().
 * *verify is the TPTAG_TLS_VERIFY_POLICY of tls.verify_peer,
 * tls.verify_client and tls.verify_server (TPTLS_VERIFY_IN, _OUT).  0, or
 * -1 with the reason in `err` (a setting missing, a file unreadable).
 */
int rt_tls_prepare(const RtPolicy *policy, char **dir, unsigned *verify, char *err, size_t errlen);
/* Remove the directory and its files, free `dir`.  NULL is fine. */
void rt_tls_remove(char *dir);

#endif
