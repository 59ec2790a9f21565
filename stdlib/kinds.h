/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kinds.h - short names for masks of route kinds, for the .def tables.
 * Included by every file that includes builtins.def or pvars.def.
 */
#ifndef SIPC_KINDS_H
#define SIPC_KINDS_H

#include "sipc/abi.h"

#define RK_REQ SIPC_RK_REQUEST
#define RK_FAIL SIPC_RK_FAILURE
#define RK_BRANCH SIPC_RK_BRANCH
#define RK_REPLY SIPC_RK_ONREPLY
#define RK_ERR SIPC_RK_ERROR
#define RK_ALL (RK_REQ | RK_FAIL | RK_BRANCH | RK_REPLY | RK_ERR)
/* Where a request is at hand: every kind but onreply_route. */
#define RK_REQLIKE (RK_REQ | RK_FAIL | RK_BRANCH | RK_ERR)

/* The services of builtins.def's last column. */
#define SV_NONE 0u
#define SV_USRLOC SIPC_SVC_USRLOC
#define SV_AUTH SIPC_SVC_AUTH
#define SV_TRUST SIPC_SVC_TRUST
#define SV_PIKE SIPC_SVC_PIKE
#define SV_RR SIPC_SVC_RR

#endif
