/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_scheme.h - 416 for a Request-URI scheme sipd does not serve, before
 * the policy runs (rt_scheme.c).
 */
#ifndef SIPC_RT_SCHEME_H
#define SIPC_RT_SCHEME_H

#include "rt_internal.h"

/* 1 if the request's Request-URI scheme is not sip, sips or tel: it has
 * been answered 416 (recorded offline) or, an ACK, dropped, and msg is
 * taken; 0 otherwise (msg untouched). */
int rt_scheme_refuse(const RtMsgEnv *env, msg_t *msg, sip_t *sip);

/* Answer a request before the policy with `status` statelessly (nta),
 * or record `reject STATUS PHRASE` offline (env->rec); an ACK is only
 * dropped.  Takes msg; returns 1. */
int rt_refuse(const RtMsgEnv *env, msg_t *msg, sip_t *sip, int status, const char *phrase);

#endif /* SIPC_RT_SCHEME_H */
