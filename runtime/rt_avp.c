/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_avp.c - AVPs ($avp(name)) by slot: sipc_avp_get_int/_str, _set_int/_str.
 *
 * A policy declares its AVPs (`avp NAME: TYPE;`), the descriptor lists them,
 * and emitted code addresses them by index, so there is no lookup by name
 * at run time.  Unset AVPs read as 0 or "".
 *
 * Where they live: in the message context, for now.  Kamailio keeps AVPs
 * with the transaction so that failure and reply routes see what the
 * request route stored; today's server is stateless and runs only the
 * request route, so the message is the whole transaction.  When
 * transactions arrive, the slots move to them, and set_str must copy the
 * bytes into the transaction's home (today the bytes already live as long
 * as the message, see rt_internal.h, so only the sipc_str is copied).
 *
 * The slots are allocated from the message home on the first access.  A
 * slot outside the table, or of the other type, is an emitter bug: it is
 * logged and reads as 0 / "" (writes are dropped), never a crash.
 */
#include "rt_internal.h"

static RtAvpVal *slot_of(sipc_msg *m, int slot, int type, const char *op)
{
    const sipc_policy_desc *d = m->policy ? rt_policy_desc(m->policy) : NULL;
    if (!d || slot < 0 || (unsigned)slot >= d->navps || d->avps[slot].type != type) {
        rt_log(RT_LOG_ERROR, "%s: no %s AVP in slot %d of the policy", op,
               type == SIPC_T_INT ? "int" : "string", slot);
        return NULL;
    }
    if (!m->avps && !(m->avps = su_zalloc(m->home, (isize_t)(d->navps * sizeof *m->avps)))) {
        rt_log(RT_LOG_ERROR, "%s: out of memory for the AVPs (call-id %s)", op, rt_msg_call_id(m->sip));
        return NULL;
    }
    return &m->avps[slot];
}

sipc_int sipc_avp_get_int(sipc_msg *m, int slot)
{
    if (!m->avps) /* nothing set yet: skip the allocation */
        return 0;
    RtAvpVal *a = slot_of(m, slot, SIPC_T_INT, "avp_get_int");
    return a && a->set ? a->i : 0;
}

const sipc_str *sipc_avp_get_str(sipc_msg *m, int slot)
{
    if (!m->avps)
        return &rt_str_empty;
    RtAvpVal *a = slot_of(m, slot, SIPC_T_STR, "avp_get_str");
    return a && a->set && a->s ? a->s : &rt_str_empty;
}

/* The declared name of AVP `slot`, for the transcript. */
static const char *avp_name(const sipc_msg *m, int slot)
{
    const sipc_policy_desc *d = m->policy ? rt_policy_desc(m->policy) : NULL;
    return d && slot >= 0 && (unsigned)slot < d->navps ? d->avps[slot].name : "?";
}

void sipc_avp_set_int(sipc_msg *m, int slot, sipc_int v)
{
    RtAvpVal *a = slot_of(m, slot, SIPC_T_INT, "avp_set_int");
    if (a) {
        a->i = v;
        a->set = 1;
        rt_trace(m, "set $avp(%s) = %lld", avp_name(m, slot), v);
    }
}

/* The sipc_str is copied (v may be a $var's slot the policy reuses); the
 * bytes need not be, they live as long as the message. */
void sipc_avp_set_str(sipc_msg *m, int slot, const sipc_str *v)
{
    RtAvpVal *a = slot_of(m, slot, SIPC_T_STR, "avp_set_str");
    if (!a)
        return;
    a->s = v ? rt_str_view(m, v->s, (size_t)v->len) : &rt_str_empty;
    a->set = 1;
    if (m->rec)
        rt_trace(m, "set $avp(%s) = %s", avp_name(m, slot), rt_rec_quote(m, a->s));
}
