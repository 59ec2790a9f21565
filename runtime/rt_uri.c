/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_uri.c - the policy's URI literals, parsed once when it loads.
 *
 * The descriptor lists the address of every string literal the policy
 * passes as a URI (abi.h `uris`); each is parsed with url_make() here and
 * kept, sorted by address, so rt_parse_uri() (rt_pv_ruri.c) finds a
 * literal by a binary search and copies the parsed form instead of parsing
 * the text on every message.  The checker validated every literal; one
 * that does not parse here comes from a broken object: the policy is
 * refused.
 *
 * Ownership: RtUriSet is a sofia home (the parsed URLs live in it), owned
 * by the RtPolicy and freed by rt_uri_free().
 */
#include <stdio.h>
#include <stdlib.h>

#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include "rt_internal.h"

typedef struct UriEntry {
    const sipc_str *lit;
    url_t *url;
} UriEntry;

struct RtUriSet {
    su_home_t home[1]; /* first: the set is its own home */
    unsigned n;
    UriEntry *e; /* sorted by lit */
};

static int by_address(const void *a, const void *b)
{
    const sipc_str *x = ((const UriEntry *)a)->lit, *y = ((const UriEntry *)b)->lit;
    return x < y ? -1 : x > y;
}

RtUriSet *rt_uri_prepare(const sipc_str *const *lits, unsigned n, char *err, size_t errlen)
{
    RtUriSet *s = su_home_new(sizeof *s);
    if (!s || !(s->e = su_zalloc(s->home, (isize_t)(n ? n : 1) * (isize_t)sizeof *s->e))) {
        snprintf(err, errlen, "out of memory");
        if (s)
            su_home_unref(s->home);
        return NULL;
    }
    for (unsigned i = 0; i < n; i++) {
        const sipc_str *v = lits[i];
        char *text = v && v->len >= 0 ? su_strndup(s->home, v->s, (isize_t)v->len) : NULL;
        url_t *u = text ? url_make(s->home, text) : NULL;
        if (!u || !(u->url_type == url_sip || u->url_type == url_sips || u->url_type == url_tel)) {
            snprintf(err, errlen, "URI literal %u (\"%.100s\") does not parse", i, text ? text : "");
            su_home_unref(s->home);
            return NULL;
        }
        s->e[i].lit = v;
        s->e[i].url = u;
    }
    s->n = n;
    qsort(s->e, n, sizeof *s->e, by_address);
    return s;
}

const url_t *rt_uri_find(const RtUriSet *s, const sipc_str *lit)
{
    if (!s || !s->n)
        return NULL;
    UriEntry key = {lit, NULL};
    const UriEntry *e = bsearch(&key, s->e, s->n, sizeof *s->e, by_address);
    return e ? e->url : NULL;
}

void rt_uri_free(RtUriSet *s)
{
    if (s)
        su_home_unref(s->home);
}
