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
    return 0;
}
