/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_str.c - making the sipc_str values the runtime hands to a policy.
 *
 * Every sipc_str given out is a fresh object in the message home (or the
 * static empty string), never one that is later overwritten: a policy may
 * keep the pointer in a $var or an AVP for the rest of the message (see
 * rt_internal.h).  The bytes are usually not copied: they are sofia's
 * parsed header fields, which live as long as the message too.
 *
 * Allocation failure degrades to "" (logged once per process): a getter has
 * no error channel, and an empty value is what a missing header gives.
 */
#include <string.h>

#include "rt_internal.h"

const sipc_str rt_str_empty = {"", 0};

static void oom(void)
{
    static int logged;
    if (!logged++)
        rt_log(RT_LOG_ERROR, "out of memory building a string value; using \"\"");
}

const sipc_str *rt_str_view(sipc_msg *m, const char *s, size_t n)
{
    if (!s)
        return &rt_str_empty;
    sipc_str *v = su_alloc(m->home, sizeof *v);
    if (!v) {
        oom();
        return &rt_str_empty;
    }
    v->s = s;
    v->len = (sipc_int)n;
    return v;
}

const sipc_str *rt_str_cview(sipc_msg *m, const char *s)
{
    return s ? rt_str_view(m, s, strlen(s)) : &rt_str_empty;
}

char *rt_str_dup(sipc_msg *m, const sipc_str *v)
{
    if (!v)
        return NULL;
    char *s = su_alloc(m->home, (isize_t)v->len + 1);
    if (!s) {
        oom();
        return NULL;
    }
    if (v->len > 0)
        memcpy(s, v->s, (size_t)v->len);
    s[v->len] = '\0';
    return s;
}

const sipc_str *rt_str_copy(su_home_t *home, const sipc_str *v)
{
    if (!v || v->len <= 0)
        return &rt_str_empty;
    sipc_str *c = su_alloc(home, (isize_t)sizeof *c + (isize_t)v->len);
    if (!c) {
        oom();
        return &rt_str_empty;
    }
    char *bytes = (char *)(c + 1); /* the bytes follow the slice, in one block */
    memcpy(bytes, v->s, (size_t)v->len);
    c->s = bytes;
    c->len = v->len;
    return c;
}

const sipc_str *rt_pv_keep(sipc_msg *m, int slot, const sipc_str *v)
{
    /* The shared "" (a missing header, or an allocation failure) is not
     * cached: computing it again costs nothing, and after a failure the
     * next read gets another chance. */
    if (v != &rt_str_empty)
        m->pv[slot] = v;
    return v;
}
