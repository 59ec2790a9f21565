/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_services.h - the services a policy's calls need (descriptor
 * `services`): today user location and its database.  rt_services.c.
 */
#ifndef SIPC_RT_SERVICES_H
#define SIPC_RT_SERVICES_H

#include "rt_internal.h"

typedef struct RtServices RtServices;

/* Where sipd keeps its data when the policy names no db.url. */
#define RT_DATA_DIR_DEFAULT "/var/lib/sipc"

/* Read the registrar settings into env->reg and start what the policy
 * uses, filling env->ul.  root: the event loop for the expiry and flush
 * timers (NULL offline).  NULL on failure (err). */
RtServices *rt_services_start(const RtPolicy *p, su_root_t *root, const RtServiceOpts *o, RtMsgEnv *env, char *err,
                              size_t errlen);
/* Flush (write-back), stop the timers, close the database. */
void rt_services_stop(RtServices *s);

#endif
