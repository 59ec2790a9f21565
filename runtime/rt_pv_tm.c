/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_pv_tm.c - pseudo-variables of replies, transactions and branches:
 * $rs $rr $T_reply_code $T_branch_idx $br $bf.
 *
 * In an onreply_route the context's message is the reply, so $rs and $rr
 * read its status line and $T_reply_code is the same status; in a
 * failure_route $T_reply_code is the status of the reply chosen when every
 * branch ended (runtime/tm_reply.c).  $T_branch_idx is the index of the
 * branch a branch_route or onreply_route runs for (0 for the first branch
 * of the transaction, counting on across serial forks).  $br is the URI of
 * the first append_branch() of this route run, "" if none; $bf the flags
 * of the current branch (setbflag(), stdlib/flags.c).  The checker keeps
 * each where it has a meaning (stdlib/pvars.def); elsewhere they read 0
 * or "".
 */
#include "rt_internal.h"
#include "tm.h"

sipc_int sipc_pv_rs(sipc_msg *m)
{
    return m->sip && m->sip->sip_status ? m->sip->sip_status->st_status : 0;
}

const sipc_str *sipc_pv_rr(sipc_msg *m)
{
    if (RT_PV_CACHED(m, RT_PV_rr))
        return m->pv[RT_PV_rr];
    const sip_status_t *st = m->sip ? m->sip->sip_status : NULL;
    return rt_pv_keep(m, RT_PV_rr, st ? rt_str_cview(m, st->st_phrase) : &rt_str_empty);
}

sipc_int sipc_pv_T_reply_code(sipc_msg *m)
{
    if (m->sip && m->sip->sip_status)
        return m->sip->sip_status->st_status;
    return m->t_code;
}

sipc_int sipc_pv_T_branch_idx(sipc_msg *m)
{
    return m->branch ? m->branch->idx : 0;
}

const sipc_str *sipc_pv_br(sipc_msg *m)
{
    return m->br ? m->br : &rt_str_empty;
}

sipc_int sipc_pv_bf(sipc_msg *m)
{
    return (sipc_int)m->bflags;
}
