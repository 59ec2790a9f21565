/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * registrar.c - save(table [, flags]): a REGISTER updates the bindings of
 * its address-of-record, as RFC 3261 section 10.3 says, and gets its reply.
 *
 * Steps, in the RFC's order where it gives one:
 *   - the AOR is the To URI's user@host (step 5); none: 400;
 *   - no Contact: a query, answered 200 with the current bindings;
 *   - `Contact: *` must be alone with `Expires: 0` (step 6), else 400; it
 *     removes every binding, subject to the Call-ID/CSeq rule below;
 *   - each contact's expiry is its `expires` parameter, else the Expires
 *     header, else registrar.default_expires; a non-zero one below
 *     registrar.min_expires fails the whole request with 423 and
 *     Min-Expires (section 10.3 step 7, 20.23); one above
 *     registrar.max_expires is lowered to it;
 *   - a contact matches an existing binding with the same +sip.instance
 *     and reg-id (RFC 5626 section 6), else the same URI (section 19.1.4
 *     comparison); for a match with the same Call-ID, a CSeq lower than the
 *     stored one aborts the request (400: it is out of order); an equal one
 *     is a retransmission and is applied again, which changes nothing;
 *   - more than registrar.max_contacts bindings afterwards: 403;
 *   - the edits go to user location as one change (ul_apply); if storage
 *     fails, 500 and nothing was changed;
 *   - 200 OK lists every current binding with its remaining expiry and q,
 *     +sip.instance and reg-id (step 8), with a Date header, and echoes Path
 *     when the UA said `Supported: path` (RFC 3327 section 5.3).
 * Path values are stored as they came, and +sip.instance, reg-id, the
 * User-Agent and the source address (used by lookup() under REG_NAT) with
 * them.
 *
 * The replies are stateless (sl.c), as DESIGN.md asks of a registrar.
 * save() returns true when the bindings were updated (or queried) and the
 * 200 was sent; false otherwise, having sent the error reply unless
 * REG_NO_REPLY.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_string.h>
#include <sofia-sip/url.h>

#include "registrar.h"

enum { MAX_CONTACTS_PER_REQUEST = 64 };

/* The longest values the location table holds (runtime/db_schema.c): a
 * longer one is refused here with 400 rather than by the database with
 * 500, and in every storage mode alike.  A longer User-Agent is cut. */
enum {
    MAX_AOR = 255,
    MAX_CONTACT = 512,
    MAX_PATH = 1024,
    MAX_CALLID = 255,
    MAX_INSTANCE = 255,
    MAX_USER_AGENT = 255
};

typedef struct Reg {
    sipc_msg *m;
    const char *tbl, *aor;
    int64_t now;
    unsigned flags;
    UlList cur; /* the bindings before */
    UlEdit ed[2 * MAX_CONTACTS_PER_REQUEST];
    int ned;
} Reg;

/* Sends the reply (unless the policy replies itself); returns 0 for save(). */
static int refuse(Reg *r, int code, const char *reason, const char *extra)
{
    rt_log(RT_LOG_INFO, "REGISTER for %s refused: %d %s (call-id %s)", r->aor ? r->aor : "?", code, reason,
           rt_msg_call_id(r->m->sip));
    if (!(r->flags & REG_NO_REPLY))
        rt_sl_reply_hdrs(r->m, code, reason, extra);
    return 0;
}

/* The same for a step that fails the request: -1. */
static int fail(Reg *r, int code, const char *reason, const char *extra)
{
    refuse(r, code, reason, extra);
    return -1;
}

/* q parameter "0.5" -> 500; -1 when absent; -2 when malformed. */
static int parse_q(const char *q)
{
    if (!q)
        return -1;
    if (q[0] == '1') {
        const char *s = q + 1;
        if (*s == '.')
            for (s++; *s == '0'; s++)
                ;
        return *s ? -2 : 1000;
    }
    if (q[0] != '0')
        return -2;
    int v = 0, digits = 0;
    const char *s = q + 1;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9' && digits < 3; s++, digits++)
            v = v * 10 + (*s - '0');
    if (*s)
        return -2;
    for (; digits < 3; digits++)
        v *= 10;
    return v;
}

/* An unsigned decimal; -1 when malformed.  A value too large to hold
 * saturates (RFC 3261 section 20.19: large delta-seconds are legal): the
 * registrar lowers it to registrar.max_expires anyway. */
static long long parse_delta(const char *s)
{
    long long v = 0;
    int n = 0;
    for (; *s >= '0' && *s <= '9'; s++, n++)
        v = v < 100000000000LL ? v * 10 + (*s - '0') : v;
    return (*s || !n) ? -1 : v;
}

/* The Path header values as one comma-joined string, or NULL. */
static const char *path_text(sipc_msg *m)
{
    char *out = NULL;
    for (const sip_path_t *p = m->sip->sip_path; p; p = p->r_next) {
        char *one = sip_header_as_string(m->home, (const sip_header_t *)p);
        if (!one)
            return NULL;
        out = out ? su_sprintf(m->home, "%s,%s", out, one) : one;
    }
    return out;
}

/* The source address as a URI: where lookup() sends under REG_NAT. */
static const char *received_uri(sipc_msg *m)
{
    int v6 = strchr(m->src_ip, ':') != NULL;
    return su_sprintf(m->home, "sip:%s%s%s:%d;transport=%s", v6 ? "[" : "", m->src_ip, v6 ? "]" : "", m->src_port,
                      m->proto ? m->proto : "udp");
}

/* The index in r->cur of the binding contact c updates, or -1. */
static int find_binding(Reg *r, const sip_contact_t *c, const char *instance, int reg_id)
{
    for (int i = 0; i < r->cur.n; i++) {
        const UlBinding *b = &r->cur.b[i];
        if (instance && b->instance) {
            if (strcmp(instance, b->instance) == 0 && reg_id == b->reg_id)
                return i;
            continue;
        }
        url_t *u = url_make(r->m->home, b->contact);
        if (u && url_cmp_all(u, c->m_url) == 0)
            return i;
    }
    return -1;
}

/* An edit of the current binding i; -1 when the request is out of order. */
static int check_order(Reg *r, int i)
{
    const UlBinding *b = &r->cur.b[i];
    const sip_t *sip = r->m->sip;
    return strcmp(b->callid, sip->sip_call_id->i_id) == 0 && sip->sip_cseq->cs_seq < b->cseq ? -1 : 0;
}

static void add_del(Reg *r, const char *contact)
{
    for (int k = 0; k < r->ned; k++) /* deleted once, and not put back */
        if (strcmp(r->ed[k].b.contact, contact) == 0) {
            r->ed[k].op = UL_DEL;
            return;
        }
    r->ed[r->ned].op = UL_DEL;
    r->ed[r->ned].b = (UlBinding){.contact = contact};
    r->ned++;
}

static void add_put(Reg *r, const UlBinding *b)
{
    for (int k = 0; k < r->ned; k++) /* a contact twice in one request: the last wins */
        if (strcmp(r->ed[k].b.contact, b->contact) == 0) {
            r->ed[k].op = UL_PUT;
            r->ed[k].b = *b;
            return;
        }
    r->ed[r->ned].op = UL_PUT;
    r->ed[r->ned].b = *b;
    r->ned++;
}

/* How many bindings there will be after the edits. */
static int count_after(const Reg *r)
{
    int n = r->cur.n;
    for (int k = 0; k < r->ned; k++) {
        if (!r->ed[k].b.contact) /* Contact: * */
            return 0;
        int existed = 0;
        for (int i = 0; i < r->cur.n; i++)
            if (strcmp(r->cur.b[i].contact, r->ed[k].b.contact) == 0)
                existed = 1;
        n += r->ed[k].op == UL_PUT ? !existed : -existed;
    }
    return n;
}

/* The edits `Contact: *` asks for. */
static int remove_all(Reg *r)
{
    const sip_t *sip = r->m->sip;
    if (sip->sip_contact->m_next || !sip->sip_expires || sip->sip_expires->ex_delta != 0)
        return fail(r, 400, "Invalid Contact: * needs Expires: 0 and no other contact", NULL);
    for (int i = 0; i < r->cur.n; i++)
        if (check_order(r, i) < 0)
            return fail(r, 400, "Out of Order CSeq", NULL);
    if (r->cur.n) { /* one edit for all: an AOR may hold more bindings than ed[] */
        r->ed[0] = (UlEdit){.op = UL_DEL, .b = {.contact = NULL}};
        r->ned = 1;
    }
    return 0;
}

/* The edits of a list of contacts; -1 when the request fails (replied). */
static int update_contacts(Reg *r)
{
    const sip_t *sip = r->m->sip;
    const RtRegCfg *cfg = &r->m->env->reg;
    /* sofia saturates a huge Expires at ULONG_MAX (2^64 and beyond), which
     * as a long long would read as "no Expires": clamp it instead. */
    long long hdr_exp = !sip->sip_expires                       ? -1
                        : sip->sip_expires->ex_delta > LLONG_MAX ? LLONG_MAX
                                                                 : (long long)sip->sip_expires->ex_delta;
    const char *path = path_text(r->m), *src = received_uri(r->m);
    const char *ua = sip->sip_user_agent ? sip->sip_user_agent->g_string : NULL;
    int n = 0;

    if (path && strlen(path) > MAX_PATH)
        return fail(r, 400, "Path Too Long", NULL);
    if (strlen(sip->sip_call_id->i_id) > MAX_CALLID)
        return fail(r, 400, "Call-ID Too Long", NULL);
    if (ua && strlen(ua) > MAX_USER_AGENT)
        ua = su_strndup(r->m->home, ua, MAX_USER_AGENT);

    for (const sip_contact_t *c = sip->sip_contact; c; c = c->m_next) {
        if (c->m_url->url_type == url_any)
            return fail(r, 400, "Invalid Contact: * among other contacts", NULL);
        if (c->m_url->url_type != url_sip && c->m_url->url_type != url_sips)
            return fail(r, 400, "Invalid Contact URI", NULL);
        if (++n > MAX_CONTACTS_PER_REQUEST)
            return fail(r, 400, "Too Many Contacts in Request", NULL);
        long long exp = c->m_expires ? parse_delta(c->m_expires) : hdr_exp >= 0 ? hdr_exp : cfg->default_expires;
        if (exp < 0)
            return fail(r, 400, "Invalid expires Parameter", NULL);
        if (exp > 0 && exp < cfg->min_expires)
            return fail(r, 423, "Interval Too Brief",
                          su_sprintf(r->m->home, "Min-Expires: %d\r\n", cfg->min_expires));
        if (exp > cfg->max_expires)
            exp = cfg->max_expires;
        int q = parse_q(c->m_q);
        if (q == -2)
            return fail(r, 400, "Invalid q Parameter", NULL);
        const char *inst = msg_params_find(c->m_params, "+sip.instance");
        const char *rid = msg_params_find(c->m_params, "reg-id");
        long long reg_id = rid ? parse_delta(rid) : 0;
        if (reg_id < 0 || reg_id > 0x7fffffff)
            return fail(r, 400, "Invalid reg-id Parameter", NULL);
        char *contact = url_as_string(r->m->home, c->m_url);
        if (!contact)
            return fail(r, 500, "Server Internal Error", NULL);
        if (strlen(contact) > MAX_CONTACT)
            return fail(r, 400, "Contact URI Too Long", NULL);
        if (inst && strlen(inst) > MAX_INSTANCE)
            return fail(r, 400, "+sip.instance Too Long", NULL);

        int i = find_binding(r, c, inst && *inst ? inst : NULL, (int)reg_id);
        if (i >= 0 && check_order(r, i) < 0)
            return fail(r, 400, "Out of Order CSeq", NULL);
        if (i >= 0 && (exp == 0 || strcmp(r->cur.b[i].contact, contact) != 0))
            add_del(r, r->cur.b[i].contact); /* removed, or replaced under a new URI */
        if (exp == 0)
            continue;
        UlBinding b = {
            .contact = contact,
            .received = src,
            .path = path,
            .callid = sip->sip_call_id->i_id,
            .instance = inst && *inst ? inst : NULL,
            .user_agent = ua,
            .expires = r->now + exp,
            .last_modified = r->now,
            .q = q,
            .cseq = sip->sip_cseq->cs_seq,
            .reg_id = (int)reg_id,
            .flags = r->flags & REG_NAT ? UL_FL_NAT : 0,
        };
        add_put(r, &b);
    }
    return 0;
}

/* "Date: Thu, 26 Nov 2026 09:00:00 GMT" (RFC 3261 section 20.17). */
static const char *date_line(sipc_msg *m, int64_t now)
{
    time_t t = (time_t)now;
    struct tm tm;
    char buf[64];
    if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm))
        return "";
    return su_sprintf(m->home, "Date: %s\r\n", buf);
}

/* The bindings once the edits are applied, best first, as ul_get() would
 * read them back: those before that no edit touched, then every put.  Made
 * here rather than read again (a second SELECT in db_only mode). */
static int bindings_after(const Reg *r, UlList *out)
{
    out->b = NULL;
    out->n = 0;
    for (int i = 0; i < r->cur.n; i++) {
        int touched = 0;
        for (int k = 0; k < r->ned && !touched; k++)
            touched = !r->ed[k].b.contact || strcmp(r->ed[k].b.contact, r->cur.b[i].contact) == 0;
        if (!touched && ul_list_push(out, &r->cur.b[i]) < 0)
            return -1;
    }
    for (int k = 0; k < r->ned; k++)
        if (r->ed[k].op == UL_PUT && ul_list_push(out, &r->ed[k].b) < 0)
            return -1;
    ul_list_sort(out);
    return 0;
}

/* The 200 OK: every binding now, with its remaining expiry. */
static int reply_ok(Reg *r)
{
    UlList now;
    if (r->flags & REG_NO_REPLY)
        return 1;
    if (bindings_after(r, &now) < 0) {
        ul_list_free(&now);
        return refuse(r, 500, "Server Internal Error", NULL);
    }
    char *extra = su_strdup(r->m->home, "");
    for (int i = 0; extra && i < now.n; i++) {
        const UlBinding *b = &now.b[i];
        char q[16] = "";
        if (b->q >= 0) { /* shortest form: q=1, q=0.5, q=0.25, q=0 */
            int n = snprintf(q, sizeof q, ";q=%d.%03d", b->q / 1000, b->q % 1000);
            while (n > 0 && q[n - 1] == '0')
                q[--n] = '\0';
            if (n > 0 && q[n - 1] == '.')
                q[--n] = '\0';
        }
        char rid[24] = "";
        if (b->reg_id)
            snprintf(rid, sizeof rid, ";reg-id=%d", b->reg_id);
        extra = su_sprintf(r->m->home, "%sContact: <%s>;expires=%lld%s%s%s%s\r\n", extra, b->contact,
                           (long long)(b->expires - r->now), q, b->instance ? ";+sip.instance=" : "",
                           b->instance ? b->instance : "", rid);
    }
    ul_list_free(&now);
    const sip_t *sip = r->m->sip;
    if (extra && sip->sip_path && sip_has_supported(sip->sip_supported, "path")) {
        const char *p = path_text(r->m);
        extra = p ? su_sprintf(r->m->home, "%sPath: %s\r\n", extra, p) : NULL;
    }
    if (extra)
        extra = su_sprintf(r->m->home, "%s%s", extra, date_line(r->m, r->now));
    if (!extra)
        return refuse(r, 500, "Server Internal Error", NULL);
    return rt_sl_reply_hdrs(r->m, 200, "OK", extra) == 0;
}

int sipc_save(sipc_msg *m, const sipc_str *table, sipc_int flags)
{
    const sip_t *sip = m->sip;
    Reg r = {.m = m, .flags = (unsigned)flags};
    if (!sip || !sip->sip_request || sip->sip_request->rq_method != sip_method_register) {
        rt_log(RT_LOG_ERROR, "save(): not a REGISTER (call-id %s)", rt_msg_call_id(sip));
        return 0;
    }
    if (!m->env || !m->env->ul) {
        rt_log(RT_LOG_ERROR, "save(): user location is not running");
        return refuse(&r, 500, "Server Internal Error", NULL);
    }
    r.tbl = reg_table(m, table);
    r.now = rt_wall_now(m->env);
    if (!(r.aor = sip->sip_to ? reg_aor(m, sip->sip_to->a_url) : NULL))
        return refuse(&r, 400, "Invalid AOR in To", NULL);
    if (strlen(r.aor) > MAX_AOR)
        return refuse(&r, 400, "AOR Too Long", NULL);
    if (!sip->sip_call_id || !sip->sip_cseq)
        return refuse(&r, 400, "Bad Request", NULL);
    if (ul_get(m->env->ul, r.tbl, r.aor, r.now, &r.cur) < 0)
        return refuse(&r, 500, "Server Internal Error", NULL);

    int rc = 0;
    if (sip->sip_contact)
        rc = sip->sip_contact->m_url->url_type == url_any ? remove_all(&r) : update_contacts(&r);
    const RtRegCfg *cfg = &m->env->reg;
    if (rc == 0 && cfg->max_contacts && count_after(&r) > cfg->max_contacts) {
        refuse(&r, 403, "Too Many Registered Contacts", NULL);
        rc = -1;
    }
    if (rc == 0 && r.ned && ul_apply(m->env->ul, r.tbl, r.aor, r.ed, r.ned, r.now) < 0) {
        refuse(&r, 500, "Server Internal Error", NULL);
        rc = -1;
    }
    if (rc == 0) {
        rt_log(RT_LOG_DEBUG, "REGISTER for %s: %d change%s (call-id %s)", r.aor, r.ned, r.ned == 1 ? "" : "s",
               rt_msg_call_id(sip));
        rc = reply_ok(&r) ? 0 : -1; /* before r.cur goes: the edits point into it */
    }
    ul_list_free(&r.cur);
    return rc == 0;
}
