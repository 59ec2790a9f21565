/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * registrar.h - what save() (registrar.c) and lookup() (location.c) share.
 */
#ifndef SIPC_REGISTRAR_H
#define SIPC_REGISTRAR_H

#include <stdint.h>

#include "rt_internal.h"
#include "ul.h"

/* save() flags (SPEC.md section 6). */
enum {
    REG_NO_REPLY = 1, /* the policy replies itself: save() sends nothing */
    REG_NAT = 2       /* lookup() sends to where the REGISTER came from */
};

/* The address-of-record of a SIP URI: "user@host", the host in lower
 * case, no port or parameters (RFC 3261 section 10.3 step 5), in m's home;
 * NULL for a URI with no user or that is not sip:/sips:. */
const char *reg_aor(sipc_msg *m, const url_t *u);
/* The table name argument as a C string in m's home. */
const char *reg_table(sipc_msg *m, const sipc_str *t);

#endif
