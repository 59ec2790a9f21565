/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_pv_hdr.c - headers and body: $hdr(Name) $ct $ua $ci $cs $rm $ml $rb
 * $au $ar.
 *
 * Each reads sofia's parsed headers; a message without the header gives ""
 * (or 0).  Values printed into the message home are cached until the
 * message is edited (rt_internal.h).
 *
 * $hdr(Name) is the first header of that name: case-insensitive, compact
 * forms accepted (rt_hdr.c).  For a header sofia knows, the value is
 * printed from the parsed form; sofia splits comma-separated lists (Via,
 * Route, Contact, ...) into one object per element, so "first header" is
 * then the first element, not the whole first line.  For an extension
 * header it is the value as received.  $ct is every Contact, joined with
 * ", " (the whole header value when there is one header line).
 *
 * $au/$ar are the user part of the digest username (before any '@') and the
 * realm, from Authorization for REGISTER and PUBLISH and from
 * Proxy-Authorization otherwise, each falling back to the other (as
 * Kamailio's auth module picks the credentials).
 */
#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_string.h>

#include "rt_internal.h"

/* --- $hdr ------------------------------------------------------------------ */

static const sipc_str *first_header(sipc_msg *m, const char *name, size_t len)
{
    msg_header_t **hh;
    int unknown;
    if (!m->sip || rt_hdr_lookup(m, name, len, &hh, &unknown, NULL) < 0)
        return &rt_str_empty;
    if (!unknown)
        return *hh ? rt_str_cview(m, sip_header_as_string(m->home, (sip_header_t const *)*hh))
                   : &rt_str_empty;
    for (const sip_unknown_t *u = m->sip->sip_unknown; u; u = u->un_next)
        if (rt_hdr_unknown_is(u, name, len))
            return rt_str_cview(m, u->un_value);
    return &rt_str_empty;
}

const sipc_str *sipc_pv_hdr(sipc_msg *m, const sipc_str *name)
{
    size_t len = (size_t)name->len;
    for (RtHdrCache *c = m->hdrs; c; c = c->next)
        if (c->namelen == len && su_casenmatch(c->name, name->s, len))
            return c->value;
    const sipc_str *v = first_header(m, name->s, len);
    RtHdrCache *c = su_alloc(m->home, sizeof *c);
    char *copy = c ? su_strndup(m->home, name->s, (isize_t)len) : NULL;
    if (copy && v != &rt_str_empty) {
        *c = (RtHdrCache){m->hdrs, copy, len, v};
        m->hdrs = c;
    }
    return v;
}

/* --- single headers ------------------------------------------------------------ */

const sipc_str *sipc_pv_ct(sipc_msg *m)
{
    if (RT_PV_CACHED(m, RT_PV_ct))
        return m->pv[RT_PV_ct];
    const sip_contact_t *c = m->sip ? m->sip->sip_contact : NULL;
    if (!c)
        return &rt_str_empty;
    if (!c->m_next)
        return rt_pv_keep(m, RT_PV_ct,
                          rt_str_cview(m, sip_header_as_string(m->home, (sip_header_t const *)c)));
    char *all = NULL;
    for (; c; c = c->m_next) {
        char *one = sip_header_as_string(m->home, (sip_header_t const *)c);
        all = all ? su_sprintf(m->home, "%s, %s", all, one ? one : "") : one;
    }
    return rt_pv_keep(m, RT_PV_ct, rt_str_cview(m, all));
}

const sipc_str *sipc_pv_ua(sipc_msg *m)
{
    if (RT_PV_CACHED(m, RT_PV_ua))
        return m->pv[RT_PV_ua];
    const sip_user_agent_t *ua = m->sip ? m->sip->sip_user_agent : NULL;
    return rt_pv_keep(m, RT_PV_ua, ua ? rt_str_cview(m, ua->g_string) : &rt_str_empty);
}

const sipc_str *sipc_pv_ci(sipc_msg *m)
{
    if (RT_PV_CACHED(m, RT_PV_ci))
        return m->pv[RT_PV_ci];
    const sip_call_id_t *i = m->sip ? m->sip->sip_call_id : NULL;
    return rt_pv_keep(m, RT_PV_ci, i ? rt_str_cview(m, i->i_id) : &rt_str_empty);
}

sipc_int sipc_pv_cs(sipc_msg *m)
{
    return m->sip && m->sip->sip_cseq ? (sipc_int)m->sip->sip_cseq->cs_seq : 0;
}

const sipc_str *sipc_pv_rm(sipc_msg *m)
{
    return &m->rm;
}

/* The size of the message as received, in bytes. */
sipc_int sipc_pv_ml(sipc_msg *m)
{
    return m->msg ? (sipc_int)msg_size(m->msg) : 0;
}

const sipc_str *sipc_pv_rb(sipc_msg *m)
{
    if (RT_PV_CACHED(m, RT_PV_rb))
        return m->pv[RT_PV_rb];
    const sip_payload_t *pl = m->sip ? m->sip->sip_payload : NULL;
    return rt_pv_keep(m, RT_PV_rb,
                      pl && pl->pl_data ? rt_str_view(m, pl->pl_data, pl->pl_len) : &rt_str_empty);
}

/* --- credentials -------------------------------------------------------------- */

static const msg_auth_t *credentials(const sipc_msg *m)
{
    const sip_t *sip = m->sip;
    if (!sip)
        return NULL;
    int reg = sip->sip_request && (sip->sip_request->rq_method == sip_method_register ||
                                   sip->sip_request->rq_method == sip_method_publish);
    const msg_auth_t *first = reg ? sip->sip_authorization : sip->sip_proxy_authorization;
    const msg_auth_t *other = reg ? sip->sip_proxy_authorization : sip->sip_authorization;
    return first ? first : other;
}

static const sipc_str *auth_param(sipc_msg *m, int slot, const char *param, int user_part)
{
    if (RT_PV_CACHED(m, slot))
        return m->pv[slot];
    const msg_auth_t *au = credentials(m);
    const char *v = au && au->au_params ? msg_params_find(au->au_params, param) : NULL;
    char *u = v ? msg_unquote_dup(m->home, v) : NULL;
    if (u && user_part) {
        char *at = strchr(u, '@');
        if (at)
            *at = '\0';
    }
    return rt_pv_keep(m, slot, rt_str_cview(m, u));
}

const sipc_str *sipc_pv_au(sipc_msg *m)
{
    return auth_param(m, RT_PV_au, "username=", 1);
}

const sipc_str *sipc_pv_ar(sipc_msg *m)
{
    return auth_param(m, RT_PV_ar, "realm=", 0);
}
