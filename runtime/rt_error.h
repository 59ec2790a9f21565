/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_error.h - malformed requests: 400 and the policy's error_route
 * (runtime/rt_error.c says which requests count, and why).
 */
#ifndef SIPC_RT_ERROR_H
#define SIPC_RT_ERROR_H

#include <stddef.h>

#include "rt_internal.h"

typedef enum RtReqCheck {
    RT_REQ_OK,        /* route it */
    RT_REQ_MALFORMED, /* error_route, then 400 REASON */
    RT_REQ_REFUSED    /* nta answers 400 REASON itself, before any policy */
} RtReqCheck;

/* Sort a received request; on anything but RT_REQ_OK, the reply's status
 * goes to *status (400, or 505 for another SIP-Version) and its reason
 * phrase to reason (n bytes). */
RtReqCheck rt_error_check(msg_t *msg, const sip_t *sip, int *status, char *reason, size_t n);

/* Run a received request: the main route `route` when it is well-formed,
 * else error_route and 400 (see rt_error.c).  Takes over `msg`. */
void rt_error_dispatch(const RtMsgEnv *env, sipc_route_fn route, msg_t *msg, sip_t *sip);

/* Make nta pass requests with bad headers on to us instead of answering
 * them itself; call once, right after nta_agent_create(). */
void rt_error_take_over(nta_agent_t *agent);

#endif /* SIPC_RT_ERROR_H */
