/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_rec.c - the decision transcript of offline policy tests.
 *
 * In sipd no recorder exists and rt_trace() is one test of a NULL pointer.
 * Under `sipc test` (rt_test.c) every decision the policy makes is written
 * here as one line of text: routes entered, variables and flags set, log
 * lines, replies and relays.  The format is specified in SPEC.md section 10;
 * the transcript must not depend on addresses, time or the backend.
 *
 * Ownership: the RtRec owns its text buffer (malloc), grown by doubling.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

struct RtRec {
    char *text;
    size_t len, cap;
    int relays; /* relays recorded since the last clear */
};

int rt_rec_add_relay(RtRec *rec)
{
    return ++rec->relays;
}

int rt_rec_relays(const RtRec *rec)
{
    return rec->relays;
}

RtRec *rt_rec_new(void)
{
    return calloc(1, sizeof(RtRec));
}

void rt_rec_free(RtRec *rec)
{
    if (rec) {
        free(rec->text);
        free(rec);
    }
}

const char *rt_rec_text(const RtRec *rec)
{
    return rec->text ? rec->text : "";
}

void rt_rec_clear(RtRec *rec)
{
    rec->len = 0;
    rec->relays = 0;
    if (rec->text)
        rec->text[0] = '\0';
}

void rt_rec_vline(RtRec *rec, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, again);
    va_end(again);
    if (n < 0)
        return;
    size_t need = rec->len + (size_t)n + 2; /* the line, '\n', NUL */
    if (need > rec->cap) {
        size_t cap = rec->cap ? rec->cap : 1024;
        while (cap < need)
            cap *= 2;
        char *grown = realloc(rec->text, cap);
        if (!grown)
            return; /* a test run out of memory loses lines; the diff shows it */
        rec->text = grown;
        rec->cap = cap;
    }
    vsnprintf(rec->text + rec->len, (size_t)n + 1, fmt, ap);
    rec->len += (size_t)n;
    rec->text[rec->len++] = '\n';
    rec->text[rec->len] = '\0';
}

void rt_rec_line(RtRec *rec, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rt_rec_vline(rec, fmt, ap);
    va_end(ap);
}

void rt_trace(const sipc_msg *m, const char *fmt, ...)
{
    if (!m->rec)
        return;
    va_list ap;
    va_start(ap, fmt);
    rt_rec_vline(m->rec, fmt, ap);
    va_end(ap);
}

/* Writes v quoted, with quotes, backslashes and control bytes escaped, so
 * every transcript value is one line and unambiguous. */
const char *rt_rec_quote(sipc_msg *m, const sipc_str *v)
{
    size_t n = v ? (size_t)v->len : 0;
    char *out = su_alloc(m->home, n * 4 + 3), *o = out;
    if (!out)
        return "\"?\"";
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v->s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            o += sprintf(o, "\\x%02x", c);
        } else {
            *o++ = (char)c;
        }
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

/* The name of route `idx` of the policy, as the source writes it. */
static void route_label(const sipc_policy_desc *d, int idx, char *buf, size_t n)
{
    static const char *const kw[] = {"", "route", "failure_route", "", "branch_route", "", "", "",
                                     "onreply_route", "", "", "", "", "", "", "", "error_route"};
    if (!d || idx < 0 || (unsigned)idx >= d->nroutes) {
        snprintf(buf, n, "route #%d", idx);
        return;
    }
    const sipc_route_desc *r = &d->routes[idx];
    const char *k = r->kind > 0 && r->kind <= 16 ? kw[r->kind] : "route";
    if (r->name[0])
        snprintf(buf, n, "%s[%s]", k, r->name);
    else
        snprintf(buf, n, "%s", k);
}

/* Called first thing by every compiled route: a transcript line in tests. */
void sipc_enter(sipc_msg *m, int route)
{
    if (!m->rec)
        return;
    char label[96];
    route_label(m->policy ? rt_policy_desc(m->policy) : NULL, route, label, sizeof label);
    rt_trace(m, "enter %s", label);
}
