/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * str.c - string and arithmetic helpers that emitted expressions call:
 * sipc_str_eq, sipc_str_cat, sipc_str_int, sipc_str_join, sipc_div,
 * sipc_mod.
 *
 * New strings are copied into the message home and live until the message
 * is done (abi.h).  They carry a NUL after the last byte, but a sipc_str in
 * general does not: code that needs a C string uses rt_str_dup().  Integer
 * helpers are total: no input traps (by zero, and INT64_MIN / -1, give 0),
 * so no policy can crash sipd with arithmetic.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "rt_internal.h"

int sipc_str_eq(const sipc_str *a, const sipc_str *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->s, b->s, (size_t)a->len) == 0);
}

const sipc_str *sipc_str_cat(sipc_msg *m, const sipc_str *a, const sipc_str *b)
{
    const sipc_str *parts[2] = {a, b};
    return sipc_str_join(m, 2, parts);
}

const sipc_str *sipc_str_int(sipc_msg *m, sipc_int v)
{
    char buf[24]; /* "-9223372036854775808" is 20 bytes */
    int n = snprintf(buf, sizeof buf, "%lld", v);
    sipc_str tmp = {buf, n};
    const sipc_str *parts[1] = {&tmp};
    return sipc_str_join(m, 1, parts);
}

/* The n parts one after the other; a NULL part counts as "". */
const sipc_str *sipc_str_join(sipc_msg *m, int n, const sipc_str *const *parts)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        if (parts[i] && parts[i]->len > 0)
            total += (size_t)parts[i]->len;
    /* One allocation: the sipc_str, then its bytes and a NUL. */
    sipc_str *v = su_alloc(m->home, (isize_t)(sizeof *v + total + 1));
    if (!v) {
        rt_log(RT_LOG_ERROR, "out of memory joining %zu bytes of strings (call-id %s); using \"\"", total,
               rt_msg_call_id(m->sip));
        return &rt_str_empty;
    }
    char *p = (char *)(v + 1);
    v->s = p;
    v->len = (sipc_int)total;
    for (int i = 0; i < n; i++)
        if (parts[i] && parts[i]->len > 0) {
            memcpy(p, parts[i]->s, (size_t)parts[i]->len);
            p += parts[i]->len;
        }
    *p = '\0';
    return v;
}

sipc_int sipc_div(sipc_int a, sipc_int b)
{
    if (b == 0 || (a == INT64_MIN && b == -1))
        return 0;
    return a / b;
}

/* The sign follows the dividend, as C's %: -7 % 3 == -1. */
sipc_int sipc_mod(sipc_int a, sipc_int b)
{
    if (b == 0 || (a == INT64_MIN && b == -1))
        return 0;
    return a % b;
}
