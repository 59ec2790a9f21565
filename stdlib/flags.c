/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flags.c - message flags and branch flags: setflag, resetflag, isflagset,
 * setbflag, resetbflag, isbflagset.
 *
 * A policy declares its flags by name (`flag NAME;`, `bflag NAME;`); the
 * compiler passes the bit number (the index of the name in the descriptor)
 * and sipd keeps the bits in 64-bit words (rt_policy_check refuses more than
 * 64 of either kind).  Message flags live with the message; branch flags
 * are those of branch 0, the only branch of today's stateless server, and
 * read back as $bf.  A bit outside 0..63 is ignored (reads false).
 */
#include "rt_internal.h"

static uint64_t bit(int flag)
{
    return flag >= 0 && flag < RT_MAX_FLAGS ? (uint64_t)1 << flag : 0;
}

/* clang-format off */
void sipc_setflag(sipc_msg *m, int flag)    { m->flags |= bit(flag); }
void sipc_resetflag(sipc_msg *m, int flag)  { m->flags &= ~bit(flag); }
int sipc_isflagset(sipc_msg *m, int flag)   { return (m->flags & bit(flag)) != 0; }
void sipc_setbflag(sipc_msg *m, int flag)   { m->bflags |= bit(flag); }
void sipc_resetbflag(sipc_msg *m, int flag) { m->bflags &= ~bit(flag); }
int sipc_isbflagset(sipc_msg *m, int flag)  { return (m->bflags & bit(flag)) != 0; }
/* clang-format on */
