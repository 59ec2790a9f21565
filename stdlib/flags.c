/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flags.c - message flags and branch flags: setflag, resetflag, isflagset,
 * setbflag, resetbflag, isbflagset.
 *
 * A policy declares its flags by name (`flag NAME;`, `bflag NAME;`); the
 * compiler passes the bit number (the index of the name in the descriptor)
 * and sipd keeps the bits in 64-bit words (rt_policy_check refuses more than
 * 64 of either kind).  Message flags live with the message and, once
 * t_relay() made a transaction, are carried by it from route to route
 * (runtime/tm.c).  Branch flags are those of the current branch: in a
 * request or failure route the next branch 0 (an append_branch() takes the
 * flags set at that moment), in a branch_route the branch being sent; they
 * read back as $bf.  A bit outside 0..63 is ignored (reads false).
 */
#include "rt_internal.h"

static uint64_t bit(int flag)
{
    return flag >= 0 && flag < RT_MAX_FLAGS ? (uint64_t)1 << flag : 0;
}

/* "flag NAT set": the transcript line of tests, by declared name. */
static void trace_flag(const sipc_msg *m, int branch, int flag, const char *what)
{
    if (!m->rec)
        return;
    const sipc_policy_desc *d = m->policy ? rt_policy_desc(m->policy) : NULL;
    unsigned n = d ? (branch ? d->nbflags : d->nflags) : 0;
    const char *name = flag >= 0 && (unsigned)flag < n ? (branch ? d->bflags : d->flags)[flag] : "?";
    rt_trace(m, "%s %s %s", branch ? "bflag" : "flag", name, what);
}

void sipc_setflag(sipc_msg *m, int flag)
{
    m->flags |= bit(flag);
    trace_flag(m, 0, flag, "set");
}

void sipc_resetflag(sipc_msg *m, int flag)
{
    m->flags &= ~bit(flag);
    trace_flag(m, 0, flag, "reset");
}

int sipc_isflagset(sipc_msg *m, int flag)
{
    return (m->flags & bit(flag)) != 0;
}

void sipc_setbflag(sipc_msg *m, int flag)
{
    m->bflags |= bit(flag);
    trace_flag(m, 1, flag, "set");
}

void sipc_resetbflag(sipc_msg *m, int flag)
{
    m->bflags &= ~bit(flag);
    trace_flag(m, 1, flag, "reset");
}

int sipc_isbflagset(sipc_msg *m, int flag)
{
    return (m->bflags & bit(flag)) != 0;
}
