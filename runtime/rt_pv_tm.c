/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_pv_tm.c - pseudo-variables of replies, transactions and branches:
 * $rs $rr $T_reply_code $T_branch_idx $br $bf.
 *
 * Today's server is stateless and runs only request routes, where the
 * checker does not even allow $rs, $rr or $T_reply_code: they read 0 or ""
 * until onreply and failure routes exist.  There is one branch, index 0,
 * with no appended URI ($br is ""); its flags are kept in the message
 * context (setbflag() and friends, stdlib/flags.c).
 */
#include "rt_internal.h"

sipc_int sipc_pv_rs(sipc_msg *m)
{
    /* A reply's own status, should a reply ever be routed. */
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
    (void)m;
    return 0;
}

sipc_int sipc_pv_T_branch_idx(sipc_msg *m)
{
    (void)m;
    return 0;
}

const sipc_str *sipc_pv_br(sipc_msg *m)
{
    (void)m;
    return &rt_str_empty;
}

sipc_int sipc_pv_bf(sipc_msg *m)
{
    return (sipc_int)m->bflags;
}
