/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_avp.c - AVPs ($avp(name)) by slot: sipc_avp_get_int/_str, _set_int/_str.
 *
 * A policy declares its AVPs (`avp NAME: TYPE;`), the descriptor lists them,
 * and emitted code addresses them by index, so there is no lookup by name
 * at run time.  Unset AVPs read as 0 or "".
 *
 * Where they live: with the transaction (SPEC.md section 5.2), so that
 * the failure, branch and reply routes see what the request route stored.
 * Until t_relay() makes a transaction the slots are the message's,
 * allocated from the message home on the first access; t_relay() moves
 * them into the transaction (runtime/tm.c), and every context made for the
 * transaction later points at the same slots.  m->avp_home is the home of
 * the slots' owner: a string value is copied there, bytes included, since
 * the message it came from (a failure route's copy of the request, a
 * reply) may die long before the transaction.
 *
 * A slot outside the table, or of the other type, is an emitter bug: it is
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
    if (!m->avps && !(m->avps = su_zalloc(m->avp_home, (isize_t)(d->navps * sizeof *m->avps)))) {
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

/* A new sipc_str and a copy of the bytes in the slots' home: v may be a
 * $var's slot the policy reuses, or bytes of a message that dies first.
 * The old value stays in the home, unchanged, for whoever still holds it. */
void sipc_avp_set_str(sipc_msg *m, int slot, const sipc_str *v)
{
    RtAvpVal *a = slot_of(m, slot, SIPC_T_STR, "avp_set_str");
    if (!a)
        return;
    a->s = rt_str_copy(m->avp_home, v);
    a->set = 1;
    if (m->rec)
        rt_trace(m, "set $avp(%s) = %s", avp_name(m, slot), rt_rec_quote(m, a->s));
}
