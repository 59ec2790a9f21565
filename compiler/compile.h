/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compile.h - the compiler as a library, for bin/sipc and for sipd.
 *
 * Internals (tokens, AST, checker) live in sipc.h; this header is all that a
 * program embedding the compiler needs.  Return convention: 0 on success,
 * -1 on failure with the reason already written (diagnostics to `diag`, or a
 * message in `err`).
 */
#ifndef SIPC_COMPILE_H
#define SIPC_COMPILE_H

#include <stddef.h>
#include <stdio.h>

#include "sipc/abi.h"

typedef enum DiagFormat {
    DIAG_TEXT, /* file:line:col: error: msg, source line, caret */
    DIAG_JSON  /* one JSON array of objects, for CI */
} DiagFormat;

/*
 * Parse and check the policy at `path`; on success, and if `c_out` is not
 * NULL, emit its C into a malloc'd NUL-terminated buffer the caller frees.
 * Diagnostics (errors and warnings) go to `diag`.
 */
int sipc_compile_file(const char *path, DiagFormat fmt, FILE *diag, char **c_out, size_t *len_out);

/*
 * The same for a source already in memory: `text` must be NUL-terminated at
 * text[len]; `path` only names it in diagnostics and #line directives.
 */
int sipc_compile_text(const char *path, const char *text, size_t len, DiagFormat fmt, FILE *diag,
                      char **c_out, size_t *len_out);

/* The text of runtime/include/sipc/abi.h, embedded at build time. */
extern const char sipc_abi_h_text[];

/* --- backend_tcc.c: compile emitted C in memory with libtcc -------------- */

/* A host function or datum the policy may call, by its C name. */
typedef struct HostSym {
    const char *name;
    void *addr;
} HostSym;

typedef struct JitPolicy JitPolicy;

/*
 * Compile `c_src` with libtcc, bind the `nsyms` host symbols, relocate, and
 * return the loaded policy; `*desc` points at its `sipc_policy` descriptor
 * (not yet validated: see rt_policy_*).  NULL and a message in `err` on error.
 */
JitPolicy *jit_load(const char *c_src, const HostSym *syms, size_t nsyms, const sipc_policy_desc **desc,
                    char *err, size_t errlen);
void jit_free(JitPolicy *jp);

/* --- backend_cc.c: build emitted C into a shared object with cc -O2 ------ */

/* `cc` is the compiler command (NULL: $CC, else "cc"). */
int cc_build_shared(const char *c_src, const char *out_path, const char *cc, char *err, size_t errlen);

#endif /* SIPC_COMPILE_H */
