/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * backend_tcc.c - compile emitted policy C in memory with libtcc.
 *
 * This is the fast path of sipd: a .sipc policy is checked, emitted as C and
 * turned into machine code here in a few milliseconds, with no file written.
 *
 * The compilation is hermetic ("-nostdlib -nostdinc"): the emitted C sees
 * only the text of sipc/abi.h, prepended to it as a string (the emitted
 * `#include <sipc/abi.h>` is guarded by `#ifndef SIPC_ABI_H`, so it is
 * skipped), and links only against the host symbols sipd hands over plus the
 * three memory functions tcc itself emits calls to for struct copies and
 * initialisers.  If tcc's helper archive libtcc1.a is installed it is added
 * too, for the few operations tcc lowers to helper calls; it is optional.
 *
 * Ownership: the TCCState owns the code and data; JitPolicy owns the state.
 * jit_free() releases both.  Errors: NULL and a message in `err`.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libtcc.h>

#include "compile.h"

/* Where Debian's `tcc` package installs libtcc1.a (CONFIG_TCCDIR). */
#ifndef SIPC_TCC_LIBDIR
#if defined(__x86_64__)
#define SIPC_TCC_LIBDIR "/usr/lib/x86_64-linux-gnu/tcc"
#elif defined(__aarch64__)
#define SIPC_TCC_LIBDIR "/usr/lib/aarch64-linux-gnu/tcc"
#elif defined(__i386__)
#define SIPC_TCC_LIBDIR "/usr/lib/i386-linux-gnu/tcc"
#else
#define SIPC_TCC_LIBDIR "/usr/lib/tcc"
#endif
#endif

struct JitPolicy {
    TCCState *s;
};

/* Error sink handed to tcc: messages joined by newlines, truncated. */
typedef struct ErrBuf {
    char *buf;
    size_t len;
    size_t cap;
} ErrBuf;

static void on_tcc_error(void *opaque, const char *msg)
{
    ErrBuf *e = opaque;
    if (!e->buf || e->cap == 0 || e->len + 1 >= e->cap)
        return;
    int n = snprintf(e->buf + e->len, e->cap - e->len, "%s%s", e->len ? "\n" : "", msg);
    if (n < 0)
        return;
    e->len += (size_t)n;
    if (e->len >= e->cap)
        e->len = e->cap - 1;
}

static void set_err(ErrBuf *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(ErrBuf *e, const char *fmt, ...)
{
    if (!e->buf || e->cap == 0 || e->len > 0)
        return; /* keep tcc's own, more precise message */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->buf, e->cap, fmt, ap);
    va_end(ap);
    e->len = strlen(e->buf);
}

/* The header text, then the policy, each with a #line so that tcc's messages
 * name "sipc/abi.h" or "policy.c" rather than line N of one big string. */
static char *join_source(const char *c_src)
{
    static const char head[] = "#line 1 \"sipc/abi.h\"\n";
    static const char mid[] = "\n#line 1 \"policy.c\"\n";
    size_t nh = strlen(head), na = strlen(sipc_abi_h_text), nm = strlen(mid), nc = strlen(c_src);
    char *s = malloc(nh + na + nm + nc + 1);
    if (!s)
        return NULL;
    char *p = s;
    memcpy(p, head, nh), p += nh;
    memcpy(p, sipc_abi_h_text, na), p += na;
    memcpy(p, mid, nm), p += nm;
    memcpy(p, c_src, nc), p += nc;
    *p = '\0';
    return s;
}

JitPolicy *jit_load(const char *c_src, const HostSym *syms, size_t nsyms, const sipc_policy_desc **desc,
                    char *err, size_t errlen)
{
    ErrBuf e = {err, 0, errlen};
    JitPolicy *jp = NULL;
    TCCState *s = NULL;
    char *src = NULL;

    if (err && errlen)
        err[0] = '\0';
    if (desc)
        *desc = NULL;

    jp = calloc(1, sizeof *jp);
    src = join_source(c_src);
    s = tcc_new();
    if (!jp || !src || !s) {
        set_err(&e, "out of memory");
        goto fail;
    }
    tcc_set_error_func(s, &e, on_tcc_error);
    /* Both before tcc_set_output_type, which fixes the search paths. */
    tcc_set_lib_path(s, SIPC_TCC_LIBDIR);
    tcc_set_options(s, "-nostdlib -nostdinc");
    if (tcc_set_output_type(s, TCC_OUTPUT_MEMORY) < 0) {
        set_err(&e, "tcc: cannot set output type");
        goto fail;
    }
    if (tcc_compile_string(s, src) < 0) {
        set_err(&e, "tcc: compilation failed");
        goto fail;
    }
    if (access(SIPC_TCC_LIBDIR "/libtcc1.a", R_OK) == 0 &&
        tcc_add_file(s, SIPC_TCC_LIBDIR "/libtcc1.a") < 0) {
        set_err(&e, "tcc: cannot add %s", SIPC_TCC_LIBDIR "/libtcc1.a");
        goto fail;
    }
    /* A NULL address is a host function this sipd does not provide: left
     * out, so a policy calling it fails to relocate with tcc's
     * "undefined symbol 'NAME'", which the caller explains. */
    for (size_t i = 0; i < nsyms; i++)
        if (syms[i].addr)
            tcc_add_symbol(s, syms[i].name, syms[i].addr);
    tcc_add_symbol(s, "memcpy", (const void *)memcpy);
    tcc_add_symbol(s, "memmove", (const void *)memmove);
    tcc_add_symbol(s, "memset", (const void *)memset);

    /* Never ask for a symbol once relocation failed: tcc may crash. */
    if (tcc_relocate(s, TCC_RELOCATE_AUTO) < 0) {
        set_err(&e, "tcc: relocation failed");
        goto fail;
    }
    void *d = tcc_get_symbol(s, "sipc_policy");
    if (!d) {
        set_err(&e, "tcc: the compiled policy defines no sipc_policy descriptor");
        goto fail;
    }
    free(src);
    jp->s = s;
    if (desc)
        *desc = d;
    return jp;

fail:
    if (s)
        tcc_delete(s);
    free(src);
    free(jp);
    return NULL;
}

void jit_free(JitPolicy *jp)
{
    if (!jp)
        return;
    tcc_delete(jp->s);
    free(jp);
}
