/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * missing_builtin_policy.c - a well-formed policy of this ABI that calls a
 * host function no sipd has: sipc_presence_publish(), as a policy built
 * against a later stdlib would (with -DALSO_SAVE, sipc_presence_notify()
 * too).  tests/e2e/test_policy_load.sh checks that sipd refuses it at load
 * time, with exit status 1 and a message naming the function, both as a
 * .so and as C compiled by libtcc; never a crash, never a failure at the
 * first call.  (A function of stdlib/builtins.def without a body would be
 * named by its policy name: "this sipd does not provide NAME() yet".)
 */
#ifndef SIPC_ABI_H /* libtcc gets the header text prepended, as emitted code does */
#include "sipc/abi.h"
#endif

int sipc_presence_publish(sipc_msg *m);
int sipc_presence_notify(sipc_msg *m);

static int route_main(sipc_msg *m, void *ret)
{
    (void)ret;
    if (!sipc_presence_publish(m))
        sipc_sl_send_reply(m, 500, &(sipc_str){"No Presence", 11});
#ifdef ALSO_SAVE
    sipc_presence_notify(m);
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
