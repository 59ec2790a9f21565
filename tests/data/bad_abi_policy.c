/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bad_abi_policy.c - a policy object built for an ABI version that this
 * sipd does not speak (SIPC_ABI_VERSION + 100); otherwise well formed, with
 * one route.  tests/e2e/test_abi_mismatch.sh builds it with
 * `cc -shared -fPIC -Iruntime/include` and checks that sipd refuses it with
 * exit status 1 and a message naming both versions.
 */
#include "sipc/abi.h"

static int route_main(sipc_msg *m, void *ret)
{
    (void)m;
    (void)ret;
    return SIPC_EXIT;
}

static const sipc_route_desc routes[] = {
    {SIPC_RK_REQUEST, "", route_main},
};

const sipc_policy_desc sipc_policy = {
    .magic = SIPC_POLICY_MAGIC,
    .abi_version = SIPC_ABI_VERSION + 100,
    .source_name = "tests/data/bad_abi_policy.c",
    .source_hash = "0000000000000000",
    .nroutes = sizeof routes / sizeof routes[0],
    .routes = routes,
};
