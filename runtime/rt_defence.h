/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_defence.h - starting the defences a policy uses (descriptor
 * `services`): the trusted peers of allow_trusted() (SIPC_SVC_TRUST,
 * runtime/trusted.h) and the per-source rates of pike_check_req()
 * (SIPC_SVC_PIKE, runtime/pike.h).  rt_defence.c; called by
 * rt_services.c once the database is open.
 */
#ifndef SIPC_RT_DEFENCE_H
#define SIPC_RT_DEFENCE_H

#include <stdint.h>

#include "db.h"
#include "rt_internal.h"

typedef struct RtDefence RtDefence;

/*
 * Create what the policy uses and set env->pike and env->trusted (left
 * NULL otherwise).  `db`: the open database, needed when the policy calls
 * allow_trusted() (the trusted table is read at once; a failure to read
 * it fails the start).  `root`: the event loop for the sweep of pike
 * (every second) and the reload of the trusted table (every
 * trusted.reload_interval seconds); NULL offline, where nothing is timed
 * or logged.  NULL on failure, with the reason in err.
 */
RtDefence *rt_defence_start(const RtPolicy *p, su_root_t *root, Db *db, RtMsgEnv *env, char *err,
                            size_t errlen);
/* Log pike's statistics (sipd), stop the timers, free everything and
 * clear env->pike and env->trusted.  NULL is allowed. */
void rt_defence_stop(RtDefence *d);

/* The clock of pike: milliseconds of the monotonic clock in sipd (rates
 * must not jump with the wall clock), the case's fixed instant offline. */
int64_t rt_defence_now_ms(const RtMsgEnv *env);

#endif
