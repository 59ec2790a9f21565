/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_shutdown.h - graceful shutdown of sipd (rt_shutdown.c): on SIGTERM or
 * SIGINT the server drains (refuses new transactions with 503, lets the
 * running ones finish) for at most `shutdown_grace` seconds; a second
 * signal stops at once.  rt_server.c owns the RtShutdown and asks it about
 * each request while the loop runs.
 */
#ifndef SIPC_RT_SHUTDOWN_H
#define SIPC_RT_SHUTDOWN_H

#include "rt_internal.h"
#include "tm.h"

/* Default of the shutdown_grace setting, in seconds. */
#define RT_SHUTDOWN_GRACE_DEFAULT 5
/* Retry-After (seconds) of the 503 that refuses a request while draining. */
#define RT_SHUTDOWN_RETRY_AFTER "30"

typedef struct RtShutdown RtShutdown;

/* A shutdown controller for the loop of `root` and the transactions of
 * `tm`, both borrowed; grace in seconds.  NULL when out of memory. */
RtShutdown *rt_shutdown_new(su_root_t *root, TmTable *tm, unsigned grace);
/* The signal callback for rt_signals_watch(): first SIGTERM/SIGINT starts
 * draining (or stops at once when grace is 0), the second stops at once. */
void rt_shutdown_on_signal(void *sd, int signo);
/* While draining: answer a request that would start something new with
 * 503 (stateless, takes msg) and return 1; 0 lets it through (not
 * draining, or an ACK, a CANCEL, an in-dialog request). */
int rt_shutdown_refuse(RtShutdown *sd, nta_agent_t *agent, msg_t *msg, sip_t *sip);
/* After the loop stopped: answer the transactions still waiting for a final
 * reply with 500 and CANCEL their branches, and log how it ended. */
void rt_shutdown_finish(RtShutdown *sd);
void rt_shutdown_free(RtShutdown *sd);

#endif /* SIPC_RT_SHUTDOWN_H */
