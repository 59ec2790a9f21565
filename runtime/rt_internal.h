/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_internal.h - runtime internals shared by runtime/ and stdlib/.
 *
 * Defines `struct sipc_msg`, the context a compiled route receives (opaque
 * in sipc/abi.h), and the helpers library functions use on it.  Programs in
 * bin/ include rt.h instead.
 *
 * Lifetimes: a sipc_msg lives on the stack of the dispatcher for the time of
 * one route run.  It owns one reference to the request `msg`; everything a
 * library function allocates for the message comes from `home`, the
 * request's own sofia home, and dies with the request.  Strings handed to
 * the policy (sipc_str) point into that home or into the context itself, so
 * they stay valid until the message is done, as abi.h promises.
 */
#ifndef SIPC_RT_INTERNAL_H
#define SIPC_RT_INTERNAL_H

#include <sofia-sip/msg.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/nta_stateless.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>

#include "compile.h" /* HostSym */
#include "rt.h"

/* Flags of sipc_msg.done: what the policy did with the message. */
enum {
    RT_MSG_REPLIED = 1,  /* a reply went out (code in reply_code) */
    RT_MSG_FORWARDED = 2 /* a copy was relayed onward */
};

struct sipc_msg {
    nta_agent_t *agent;
    msg_t *msg;      /* the request; the context owns one reference */
    sip_t *sip;      /* its parsed headers */
    su_home_t *home; /* per-message values: msg_home(msg) */

    char src_ip[SU_ADDRSIZE]; /* source address, no brackets for IPv6 */
    int src_port;
    const char *proto; /* "udp", for logs */

    sipc_str rm, si; /* views, filled at init */
    sipc_str ru;     /* $ru, formatted on first use */
    int ru_ready;

    unsigned done;  /* RT_MSG_* */
    int reply_code; /* last status sent by sl_send_reply */
};

/* rt_msg.c: build a context around `msg`, taking over the caller's reference. */
void rt_msg_init(sipc_msg *m, nta_agent_t *agent, msg_t *msg, sip_t *sip);
/* Drop the context's reference; the policy's replies/forwards hold their own. */
void rt_msg_release(sipc_msg *m);
/* "1.2.3.4:5060" or "[::1]:5060" into buf, for log lines; returns buf. */
const char *rt_msg_source(const sipc_msg *m, char *buf, size_t n);
/* The Call-ID for log lines, "-" when absent; never NULL. */
const char *rt_msg_call_id(const sip_t *sip);

/* rt_symtab.c: every host function a policy may call, for libtcc. */
extern const HostSym rt_host_syms[];
extern const size_t rt_host_nsyms;

/* rt_signal.c: SIGINT/SIGTERM break the loop of `root` while watched. */
typedef struct RtSignals RtSignals;
RtSignals *rt_signals_watch(su_root_t *root, char *err, size_t errlen);
void rt_signals_unwatch(RtSignals *sg);

/* stdlib/sl.c: send a stateless reply; 0, or -1 (logged). */
int rt_sl_reply(sipc_msg *m, int code, const char *reason);

#endif /* SIPC_RT_INTERNAL_H */
