/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_lenient.h - loose when receiving (rt_lenient.c): Via parameter values
 * with characters outside the token set are understood.
 */
#ifndef SIPC_RT_LENIENT_H
#define SIPC_RT_LENIENT_H

#include <sofia-sip/msg_types.h>

#include "rt_internal.h"

/* sofia's SIP message class with the lenient Via decoder; made once per
 * process, never freed; sofia's own if it cannot be made. */
msg_mclass_t const *rt_lenient_mclass(void);

/* 1 if the request named a SIP-Version other than 2.0: it has been
 * answered 505 (recorded offline) or, an ACK, dropped, and msg is taken;
 * 0 otherwise (msg untouched). */
int rt_lenient_refuse(const RtMsgEnv *env, msg_t *msg, sip_t *sip);

#endif /* SIPC_RT_LENIENT_H */
