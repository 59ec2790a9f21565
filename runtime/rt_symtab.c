/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_symtab.c - the host symbols a JIT-compiled policy links against.
 *
 * Built from the same X-macro tables the compiler reads (stdlib/builtins.def
 * and stdlib/pvars.def), so a row added there is callable from libtcc code
 * without touching this file.  A policy.so finds the same functions through
 * sipd's dynamic symbol table instead (sipd is linked with -rdynamic).
 */
#include "rt_internal.h"

/* ISO C has no function-to-object pointer cast; GCC and tcc define it. */
/* clang-format off */
#define HOST_FN(f) {#f, (void *)(f)}
/* clang-format on */

const HostSym rt_host_syms[] = {
#define BUILTIN(name, csym, ret, params, kinds) HOST_FN(csym),
#include "builtins.def"
#undef BUILTIN
#define PVAR(name, type, access, kinds, getter) HOST_FN(getter),
#include "pvars.def"
#undef PVAR
    HOST_FN(sipc_str_eq),
};

const size_t rt_host_nsyms = sizeof rt_host_syms / sizeof rt_host_syms[0];
