/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_pv_ruri.c - the request URI and the next hop: $ru $rU $rd $rp $du,
 * read and written.
 *
 * Reads come from the request line sofia parsed.  Writes change the request
 * line of the message being routed, so forward() (which copies the message)
 * sends the new one: a new url_t is built in the message home and copied
 * over the request line's embedded one, its cached encoding is cleared so
 * it is printed afresh, and the getter cache is dropped (rt_msg_changed).
 * The old strings stay in the home, so a value the policy read before
 * keeps its text.
 *
 * A value that cannot be a URI part (a control character or a space, which
 * would break the request line; a URI that does not parse as sip:, sips:
 * or tel:) is refused with a warning and the message is left as it was.
 * $du is not in the message: it is the next hop forward() uses instead of
 * the request URI (Kamailio's destination URI), "" when unset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/url.h>

#include "rt_internal.h"

/* The request URI, or NULL on a message without a request line. */
static url_t *ruri(sipc_msg *m)
{
    return m->sip && m->sip->sip_request ? m->sip->sip_request->rq_url : NULL;
}

/* No byte that would end or split a request line or header value. */
static int uri_text_ok(const sipc_str *v)
{
    for (sipc_int i = 0; i < v->len; i++) {
        unsigned char c = (unsigned char)v->s[i];
        if (c <= 0x20 || c == 0x7f)
            return 0;
    }
    return 1;
}

static void refuse(sipc_msg *m, const char *what, const sipc_str *v, const char *why)
{
    rt_log(RT_LOG_WARN, "%s \"%.*s\" refused: %s (call-id %s)", what, (int)(v->len > 200 ? 200 : v->len),
           v->s, why, rt_msg_call_id(m->sip));
}

/* Parse a whole URI from the policy into the home (rt_internal.h). */
url_t *rt_parse_uri(sipc_msg *m, const char *what, const sipc_str *v, int allow_tel)
{
    /* A literal of the policy was parsed at load (rt_uri.c): copy it. */
    const url_t *lit = m->policy ? rt_uri_find(rt_policy_uris(m->policy), v) : NULL;
    url_t *u = NULL;
    if (lit) {
        u = url_hdup(m->home, lit);
    } else {
        if (!uri_text_ok(v)) {
            refuse(m, what, v, "a URI has no spaces or control characters");
            return NULL;
        }
        char *z = rt_str_dup(m, v);
        u = z ? url_make(m->home, z) : NULL;
    }
    int sip = u && (u->url_type == url_sip || u->url_type == url_sips);
    if (!(sip && u->url_host && *u->url_host) && !(allow_tel && u && u->url_type == url_tel)) {
        refuse(m, what, v, allow_tel ? "not a sip:, sips: or tel: URI" : "not a sip: or sips: URI");
        return NULL;
    }
    return u;
}

/* Install `u` as the request URI. */
static void set_ruri(sipc_msg *m, const url_t *u)
{
    sip_request_t *rq = m->sip->sip_request;
    *rq->rq_url = *u;
    msg_fragment_clear(rq->rq_common);
    rt_msg_changed(m);
    m->ruri_consumed = 0; /* a new target for a failure_route's t_relay() */
}

int rt_ruri_replace(sipc_msg *m, const url_t *u)
{
    url_t *c = url_hdup(m->home, u);
    if (!c)
        return -1;
    set_ruri(m, c);
    return 0;
}

/* A copy of the request URI to edit one part of; NULL if there is none. */
static url_t *ruri_copy(sipc_msg *m, const char *what)
{
    url_t *cur = ruri(m);
    url_t *u = cur ? url_hdup(m->home, cur) : NULL;
    if (!u && cur)
        rt_log(RT_LOG_ERROR, "%s: out of memory (call-id %s)", what, rt_msg_call_id(m->sip));
    return u;
}

/* --- getters ---------------------------------------------------------------- */

const sipc_str *sipc_pv_ru(sipc_msg *m)
{
    if (RT_PV_CACHED(m, RT_PV_ru))
        return m->pv[RT_PV_ru];
    url_t *u = ruri(m);
    return rt_pv_keep(m, RT_PV_ru, u ? rt_str_cview(m, url_as_string(m->home, u)) : &rt_str_empty);
}

const sipc_str *sipc_pv_rU(sipc_msg *m)
{
    if (RT_PV_CACHED(m, RT_PV_rU))
        return m->pv[RT_PV_rU];
    url_t *u = ruri(m);
    return rt_pv_keep(m, RT_PV_rU, u ? rt_str_cview(m, u->url_user) : &rt_str_empty);
}

const sipc_str *sipc_pv_rd(sipc_msg *m)
{
    if (RT_PV_CACHED(m, RT_PV_rd))
        return m->pv[RT_PV_rd];
    url_t *u = ruri(m);
    return rt_pv_keep(m, RT_PV_rd, u ? rt_str_cview(m, u->url_host) : &rt_str_empty);
}

sipc_int sipc_pv_rp(sipc_msg *m)
{
    url_t *u = ruri(m);
    return u && u->url_port ? (sipc_int)strtoll(u->url_port, NULL, 10) : 0;
}

const sipc_str *sipc_pv_du(sipc_msg *m)
{
    return m->du ? m->du : &rt_str_empty;
}

/* --- setters ---------------------------------------------------------------- */

/* "set $ru = "...": what the policy wrote, in the transcript of tests. */
static void trace_set(sipc_msg *m, const char *pv, const sipc_str *v)
{
    if (m->rec)
        rt_trace(m, "set %s = %s", pv, rt_rec_quote(m, v));
}

void sipc_pv_set_ru(sipc_msg *m, const sipc_str *v)
{
    trace_set(m, "$ru", v);
    if (!ruri(m))
        return;
    url_t *u = rt_parse_uri(m, "$ru", v, 1);
    if (u)
        set_ruri(m, u);
}

/* "" removes the user part ("sip:example.com"). */
void sipc_pv_set_rU(sipc_msg *m, const sipc_str *v)
{
    trace_set(m, "$rU", v);
    if (!uri_text_ok(v)) {
        refuse(m, "$rU", v, "a URI has no spaces or control characters");
        return;
    }
    url_t *u = ruri_copy(m, "$rU");
    if (!u)
        return;
    u->url_user = v->len ? rt_str_dup(m, v) : NULL;
    set_ruri(m, u);
}

void sipc_pv_set_rd(sipc_msg *m, const sipc_str *v)
{
    trace_set(m, "$rd", v);
    if (v->len == 0 || !uri_text_ok(v) || memchr(v->s, '@', (size_t)v->len) ||
        memchr(v->s, ';', (size_t)v->len)) {
        refuse(m, "$rd", v, "not a host");
        return;
    }
    url_t *u = ruri_copy(m, "$rd");
    if (!u)
        return;
    u->url_host = rt_str_dup(m, v);
    set_ruri(m, u);
}

/* 0 removes the port (the scheme's default applies). */
void sipc_pv_set_rp(sipc_msg *m, sipc_int v)
{
    rt_trace(m, "set $rp = %lld", v);
    if (v < 0 || v > 65535) {
        rt_log(RT_LOG_WARN, "$rp = %lld refused: not a port 0..65535 (call-id %s)", v,
               rt_msg_call_id(m->sip));
        return;
    }
    url_t *u = ruri_copy(m, "$rp");
    if (!u)
        return;
    u->url_port = v ? su_sprintf(m->home, "%lld", v) : NULL;
    set_ruri(m, u);
}

/* "" clears $du: forward() then goes by Route or the request URI again. */
void sipc_pv_set_du(sipc_msg *m, const sipc_str *v)
{
    trace_set(m, "$du", v);
    if (v->len == 0) {
        m->du = NULL;
        return;
    }
    url_t *u = rt_parse_uri(m, "$du", v, 0);
    if (!u)
        return;
    m->du = rt_str_cview(m, url_as_string(m->home, u));
    m->ruri_consumed = 0; /* a new next hop: the request URI may be tried through it */
}
