/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_symtab.c - the host symbols a JIT-compiled policy links against.
 *
 * Built from the same X-macro tables the compiler reads (stdlib/builtins.def
 * and stdlib/pvars.def), so a row added there is callable from libtcc code
 * without touching this file.  A policy.so finds the same functions through
 * sipd's dynamic symbol table instead (sipd is linked with -rdynamic and the
 * whole runtime archive).
 *
 * Every symbol of the tables is declared weak here: a row whose function is
 * not written yet (lookup before user location exists) then links as a NULL
 * address instead of breaking the build.  jit_load skips NULL entries, so a
 * policy that calls such a function fails to relocate, and rt_policy.c
 * turns that into "this sipd does not provide lookup() yet" using
 * rt_symbol_policy_name() below.  The core helpers of abi.h are declared
 * normally: every sipd must have them.
 */
#include <stdio.h>
#include <string.h>

#include "rt_internal.h"

/* $avp and $var have no getter or setter (NOGET/NOSET): they stand for a
 * weak symbol nothing defines, so their entries are NULL and skipped. */
void rt_no_symbol(void);
#define NOGET rt_no_symbol
#define NOSET rt_no_symbol

/* clang-format off */
#define WEAK(sym) extern __typeof__(sym) sym __attribute__((weak));
#define BUILTIN(name, csym, ret, params, kinds, svc) WEAK(csym)
#include "builtins.def"
#undef BUILTIN
#define PVAR(name, type, access, kinds, arg, getter, setter) WEAK(getter) WEAK(setter)
#include "pvars.def"
#undef PVAR
#undef WEAK

/* ISO C has no function-to-object pointer cast; GCC and tcc define it. */
#define HOST_FN(f) {#f, (void *)(f)},

const HostSym rt_host_syms[] = {
#define BUILTIN(name, csym, ret, params, kinds, svc) HOST_FN(csym)
#include "builtins.def"
#undef BUILTIN
#define PVAR(name, type, access, kinds, arg, getter, setter) HOST_FN(getter) HOST_FN(setter)
#include "pvars.def"
#undef PVAR
    HOST_FN(sipc_enter)
    HOST_FN(sipc_str_eq)
    HOST_FN(sipc_str_cat)
    HOST_FN(sipc_str_int)
    HOST_FN(sipc_str_join)
    HOST_FN(sipc_div)
    HOST_FN(sipc_mod)
    HOST_FN(sipc_regex_match)
    HOST_FN(sipc_vars)
    HOST_FN(sipc_loop_limit)
    HOST_FN(sipc_avp_get_int)
    HOST_FN(sipc_avp_get_str)
    HOST_FN(sipc_avp_set_int)
    HOST_FN(sipc_avp_set_str)
};

const size_t rt_host_nsyms = sizeof rt_host_syms / sizeof rt_host_syms[0];

/* C symbol -> name in a policy, for the "does not provide" message. */
static const struct {
    const char *csym;
    const char *name;
    char kind; /* 'f' function, 'v' pseudo-variable */
} policy_names[] = {
#define BUILTIN(name, csym, ret, params, kinds, svc) {#csym, #name, 'f'},
#include "builtins.def"
#undef BUILTIN
#define PVAR(name, type, access, kinds, arg, getter, setter) {#getter, #name, 'v'}, {#setter, #name, 'v'},
#include "pvars.def"
#undef PVAR
};
/* clang-format on */

const char *rt_symbol_policy_name(const char *csym, char *buf, size_t n)
{
    for (size_t i = 0; i < sizeof policy_names / sizeof policy_names[0]; i++) {
        if (strcmp(policy_names[i].csym, csym) != 0)
            continue;
        snprintf(buf, n, policy_names[i].kind == 'f' ? "%s()" : "$%s", policy_names[i].name);
        return buf;
    }
    return NULL;
}
