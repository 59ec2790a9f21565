/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * missing_builtin_policy.c - a well-formed policy of this ABI that calls
 * library functions today's sipd does not provide: www_authorize() and,
 * when built with -DALSO_SAVE, www_challenge() as well.
 * tests/e2e/test_policy_load.sh checks that sipd refuses it at load time,
 * with exit status 1 and the message "this sipd does not provide
 * www_authorize() yet" (naming www_challenge() too
 * through libtcc, which reports every missing symbol), both as a .so and as
 * C compiled by libtcc; never a crash, never a failure at the first call.
 */
#ifndef SIPC_ABI_H /* libtcc gets the header text prepended, as emitted code does */
#include "sipc/abi.h"
#endif

static int route_main(sipc_msg *m, void *ret)
{
    (void)ret;
    if (!sipc_www_authorize(m, &(sipc_str){"example.com", 11}, &(sipc_str){"subscriber", 10}))
        sipc_sl_send_reply(m, 403, &(sipc_str){"Forbidden", 9});
#ifdef ALSO_SAVE
    sipc_www_challenge(m, &(sipc_str){"example.com", 11}, 0);
#endif
    return SIPC_EXIT;
}

static const sipc_route_desc routes[] = {
    {SIPC_RK_REQUEST, "", route_main},
};

const sipc_policy_desc sipc_policy = {
    .magic = SIPC_POLICY_MAGIC,
    .abi_version = SIPC_ABI_VERSION,
    .source_name = "tests/data/missing_builtin_policy.c",
    .source_hash = "0000000000000000",
    .nroutes = sizeof routes / sizeof routes[0],
    .routes = routes,
};
