/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_desc.c - validate a sipc_policy descriptor and name its parts.
 *
 * Kept apart from rt_policy.c because sipctl needs exactly this and nothing
 * else: no sofia-sip, no compiler, no host functions.  sipd and sipctl thus
 * refuse a bad object with the same words.
 */
#include <stdarg.h>
#include <stdio.h>

#include "rt.h"

/* No real policy comes near: each $var is 8 bytes. */
#define RT_MAX_VAR_SIZE (16u << 20)

static void fmt_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fmt_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

const char *rt_route_kind_name(int kind)
{
    switch (kind) {
    case SIPC_RK_REQUEST: return "request";
    case SIPC_RK_FAILURE: return "failure";
    case SIPC_RK_BRANCH: return "branch";
    case SIPC_RK_ONREPLY: return "onreply";
    case SIPC_RK_ERROR: return "error";
    default: return "unknown";
    }
}

/* A table of n strings: present when n > 0, no NULL entry. */
static int strings_ok(unsigned n, const char *const *t)
{
    if (n > 0 && !t)
        return 0;
    for (unsigned i = 0; i < n; i++)
        if (!t[i])
            return 0;
    return 1;
}

/* The tables ABI version 2 added: settings, AVPs, flags, regexes. */
static int check_tables(const sipc_policy_desc *d, const char *what, char *err, size_t errlen)
{
    const char *bad = NULL;
    if (d->nsettings > 0 && !d->settings)
        bad = "settings";
    for (unsigned i = 0; !bad && i < d->nsettings; i++)
        if (!d->settings[i].name || !d->settings[i].value)
            bad = "settings";
    if (!bad && d->navps > 0 && !d->avps)
        bad = "AVP table";
    for (unsigned i = 0; !bad && i < d->navps; i++)
        if (!d->avps[i].name || (d->avps[i].type != SIPC_T_INT && d->avps[i].type != SIPC_T_STR))
            bad = "AVP table";
    if (!bad && (!strings_ok(d->nflags, d->flags) || !strings_ok(d->nbflags, d->bflags)))
        bad = "flag names";
    if (!bad && !strings_ok(d->nregex, d->regex))
        bad = "regular expressions";
    if (!bad && d->var_size > RT_MAX_VAR_SIZE)
        bad = "$var block larger than 16 MiB";
    if (bad) {
        fmt_err(err, errlen, "%s: corrupt sipc_policy descriptor (%s)", what, bad);
        return -1;
    }
    /* Flags are bits of a 64-bit word in the message (and branch). */
    if (d->nflags > RT_MAX_FLAGS || d->nbflags > RT_MAX_FLAGS) {
        fmt_err(err, errlen, "%s: declares %u flags and %u branch flags; sipd supports at most %d of each",
                what, d->nflags, d->nbflags, RT_MAX_FLAGS);
        return -1;
    }
    return 0;
}

int rt_policy_check(const sipc_policy_desc *d, const char *what, char *err, size_t errlen)
{
    if (!d) {
        fmt_err(err, errlen, "%s is not a sipc policy object (no sipc_policy symbol)", what);
        return -1;
    }
    if (d->magic != SIPC_POLICY_MAGIC) {
        fmt_err(err, errlen, "%s is not a sipc policy object (bad magic 0x%08x in sipc_policy)", what,
                d->magic);
        return -1;
    }
    if (d->abi_version != SIPC_ABI_VERSION) {
        fmt_err(err, errlen,
                "%s: built for sipc ABI version %u, this sipd runs ABI version %u; "
                "rebuild it with 'sipc build'",
                what, d->abi_version, (unsigned)SIPC_ABI_VERSION);
        return -1;
    }
    if (d->nroutes > 0 && !d->routes) {
        fmt_err(err, errlen, "%s: corrupt sipc_policy descriptor (%u routes, no table)", what, d->nroutes);
        return -1;
    }
    for (unsigned i = 0; i < d->nroutes; i++) {
        if (!d->routes[i].fn || !d->routes[i].name) {
            fmt_err(err, errlen, "%s: corrupt sipc_policy descriptor (route %u has no %s)", what, i,
                    d->routes[i].fn ? "name" : "function");
            return -1;
        }
    }
    return check_tables(d, what, err, errlen);
}
