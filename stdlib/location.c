/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * location.c - lookup(table [, uri]), registered(table [, uri]) and
 * unregister(table, aor [, contact]): reading user location.
 *
 * lookup() finds the bindings of the AOR of `uri` (default: the request
 * URI), best first (q descending, then the most recently refreshed:
 * ul_get).  The best one becomes the request URI; each other one is added
 * as a branch, as append_branch() would, so the next t_relay() forks to all
 * of them in parallel (RFC 3261 section 16.6).  A binding that came with a
 * Path (RFC 3327) is sent through it: its branch carries the Path values as
 * Route headers, and its next hop is the first of them; one saved with the
 * NAT flag goes to the address the REGISTER came from.  lookup() is false,
 * changing nothing, when the AOR has no binding.
 */
#include <string.h>

#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_string.h>
#include <sofia-sip/url.h>

#include "registrar.h"

const char *reg_aor(sipc_msg *m, const url_t *u)
{
    if (!u || (u->url_type != url_sip && u->url_type != url_sips) || !u->url_user || !*u->url_user ||
        !u->url_host || !*u->url_host)
        return NULL;
    char *aor = su_sprintf(m->home, "%s@%s", u->url_user, u->url_host);
    if (aor)
        for (char *h = strchr(aor, '@') + 1; *h; h++)
            if (*h >= 'A' && *h <= 'Z')
                *h = (char)(*h - 'A' + 'a');
    return aor;
}

const char *reg_table(sipc_msg *m, const sipc_str *t)
{
    return t ? rt_str_dup(m, t) : "location";
}

/* The AOR of `uri`, or of the request URI when it is absent. */
static const char *target_aor(sipc_msg *m, const char *what, const sipc_str *uri)
{
    if (uri && uri->len > 0) {
        url_t *u = rt_parse_uri(m, what, uri, 0);
        return u ? reg_aor(m, u) : NULL;
    }
    return m->sip && m->sip->sip_request ? reg_aor(m, m->sip->sip_request->rq_url) : NULL;
}

/* The first URI of a comma-joined Path value: the next hop through it. */
static const char *path_first_hop(sipc_msg *m, const char *path)
{
    sip_route_t *r = path ? sip_route_make(m->home, path) : NULL;
    return r ? url_as_string(m->home, r->r_url) : NULL;
}

/* Where binding b is sent: its Path's first hop, or its source under NAT,
 * or NULL (the contact itself). */
static const char *binding_hop(sipc_msg *m, const UlBinding *b)
{
    if (b->path)
        return path_first_hop(m, b->path);
    if ((b->flags & UL_FL_NAT) && b->received)
        return su_strdup(m->home, b->received);
    return NULL;
}

int sipc_lookup(sipc_msg *m, const sipc_str *table, const sipc_str *uri)
{
    if (!m->env || !m->env->ul || !m->sip || !m->sip->sip_request)
        return 0;
    const char *aor = target_aor(m, "lookup()", uri);
    UlList l;
    if (!aor || ul_get(m->env->ul, reg_table(m, table), aor, rt_wall_now(m->env), &l) < 0)
        return 0;
    if (l.n == 0) {
        rt_log(RT_LOG_DEBUG, "lookup(): no contact for %s (call-id %s)", aor, rt_msg_call_id(m->sip));
        return 0;
    }
    int ok = 1;
    rt_trace(m, "lookup %s: %d contact%s", aor, l.n, l.n == 1 ? "" : "s");
    for (int i = 0; ok && i < l.n; i++) {
        const UlBinding *b = &l.b[i];
        const char *hop = binding_hop(m, b);
        const char *path = b->path ? su_strdup(m->home, b->path) : NULL;
        url_t *u = url_make(m->home, b->contact);
        if (!u || (b->path && !path)) {
            ok = 0;
            break;
        }
        if (i == 0) { /* the best one: the request URI */
            sipc_str v = {b->contact, (long long)strlen(b->contact)};
            sipc_pv_set_ru(m, &v);
            m->du = hop ? rt_str_cview(m, hop) : NULL;
            m->path = path;
            continue;
        }
        RtAppend *a = su_zalloc(m->home, sizeof *a);
        if (!a || !(a->uri = url_as_string(m->home, u))) {
            ok = 0;
            break;
        }
        a->hop = hop;
        a->path = path;
        a->bflags = m->bflags;
        *m->append_tail = a;
        m->append_tail = &a->next;
        if (!m->br)
            m->br = rt_str_cview(m, a->uri);
        if (m->rec) /* quoting allocates: only for a transcript */
            rt_trace(m, "append_branch %s", rt_rec_quote(m, rt_str_cview(m, a->uri)));
    }
    ul_list_free(&l);
    if (!ok)
        rt_log(RT_LOG_ERROR, "lookup(): out of memory (call-id %s)", rt_msg_call_id(m->sip));
    return ok;
}

int sipc_registered(sipc_msg *m, const sipc_str *table, const sipc_str *uri)
{
    if (!m->env || !m->env->ul)
        return 0;
    const char *aor = target_aor(m, "registered()", uri);
    UlList l;
    if (!aor || ul_get(m->env->ul, reg_table(m, table), aor, rt_wall_now(m->env), &l) < 0)
        return 0;
    int n = l.n;
    ul_list_free(&l);
    return n > 0;
}

int sipc_unregister(sipc_msg *m, const sipc_str *table, const sipc_str *aor_uri, const sipc_str *contact)
{
    if (!m->env || !m->env->ul)
        return 0;
    url_t *u = rt_parse_uri(m, "unregister()", aor_uri, 0);
    const char *aor = u ? reg_aor(m, u) : NULL;
    const char *c = NULL;
    if (!aor)
        return 0;
    if (contact && contact->len > 0) {
        url_t *cu = rt_parse_uri(m, "unregister()", contact, 0);
        if (!cu || !(c = url_as_string(m->home, cu)))
            return 0;
    }
    int n = ul_remove(m->env->ul, reg_table(m, table), aor, c, rt_wall_now(m->env));
    if (n > 0)
        rt_trace(m, "unregister %s: %d contact%s removed", aor, n, n == 1 ? "" : "s");
    return n > 0;
}
