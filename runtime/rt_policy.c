/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_policy.c - load a compiled policy and check it before anything runs.
 *
 * Three sources, one result:
 *  - `*.sipc`: compiled in process (sipc_compile_file, diagnostics to
 *    stderr) and JIT-loaded with libtcc against rt_host_syms;
 *  - `*.c`: C already written against sipc/abi.h (by `sipc emit`, or by
 *    hand in tests), JIT-loaded the same way;
 *  - anything else: a policy.so built by `sipc build`, dlopen()ed with
 *    RTLD_NOW (every host symbol resolved now, from sipd's -rdynamic
 *    exports, not at the first call in the middle of a request).
 * Either way the `sipc_policy` descriptor is checked (rt_desc.c): magic,
 * then the ABI version (the two fields every ABI version keeps first), the
 * tables, and the main request route must exist; then the regular
 * expressions are compiled (rt_regex.c).
 *
 * A library function this sipd does not provide yet (rt_symtab.c declares
 * them weak) leaves the policy's reference to it unresolved: libtcc says
 * "undefined symbol 'sipc_lookup'", dlopen "undefined symbol:
 * sipc_lookup".  Both become "POLICY: this sipd does not provide lookup()
 * yet", the C name mapped back to the policy's through builtins.def.
 *
 * Ownership: RtPolicy owns the JIT state or the dl handle, the compiled
 * regexes and its own copy of the path; rt_policy_unload() frees all of it.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "rt_internal.h"

struct RtPolicy {
    char *path;
    void *dl;       /* dlopen handle, or NULL */
    JitPolicy *jit; /* libtcc state, or NULL */
    const sipc_policy_desc *desc;
    RtRegexSet *regex; /* desc->regex compiled; NULL when there are none */
    RtUriSet *uris;    /* desc->uris parsed; NULL when there are none */
};

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

sipc_route_fn rt_policy_route(const RtPolicy *p, int kind, const char *name)
{
    const sipc_policy_desc *d = p->desc;
    for (unsigned i = 0; i < d->nroutes; i++)
        if (d->routes[i].kind == kind && strcmp(d->routes[i].name, name) == 0)
            return d->routes[i].fn;
    return NULL;
}

const sipc_policy_desc *rt_policy_desc(const RtPolicy *p)
{
    return p->desc;
}

const RtUriSet *rt_policy_uris(const RtPolicy *p)
{
    return p ? p->uris : NULL;
}

const regex_t *rt_policy_regex(const RtPolicy *p, int slot)
{
    return rt_regex_get(p->regex, slot);
}

/*
 * If `msg` (from libtcc or dlerror) says a host symbol is undefined, write
 * "PATH: this sipd does not provide NAME yet" into err and return 1.  tcc
 * reports every undefined symbol, one per line; all of them are named.
 */
static int missing_symbols(const char *path, const char *msg, char *err, size_t errlen)
{
    static const char *const marks[] = {"undefined symbol '", "undefined symbol: "};
    char names[512] = "";
    size_t len = 0;
    int count = 0;

    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
        for (const char *p = strstr(msg, marks[k]); p; p = strstr(p, marks[k])) {
            p += strlen(marks[k]);
            size_t n = strcspn(p, "' \t\r\n,");
            char sym[128], pname[160];
            if (n == 0 || n >= sizeof sym)
                continue;
            memcpy(sym, p, n);
            sym[n] = '\0';
            const char *name = rt_symbol_policy_name(sym, pname, sizeof pname);
            if (!name)
                continue; /* not ours: report dlerror's words as they are */
            if (strstr(names, name))
                continue; /* tcc names a symbol once per reference */
            int w = snprintf(names + len, sizeof names - len, "%s%s", count ? ", " : "", name);
            if (w < 0 || (size_t)w >= sizeof names - len)
                break;
            len += (size_t)w;
            count++;
        }
    }
    if (count == 0)
        return 0;
    fmt_err(err, errlen, "%s: this sipd does not provide %s yet", path, names);
    return 1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* JIT-load C source `c`, emitted from p->path (`emitted`) or written by hand. */
static int load_c(RtPolicy *p, const char *c, int emitted, char *err, size_t errlen)
{
    char jerr[2048];
    p->jit = jit_load(c, rt_host_syms, rt_host_nsyms, &p->desc, jerr, sizeof jerr);
    if (p->jit)
        return 0;
    if (!missing_symbols(p->path, jerr, err, errlen)) {
        if (emitted) /* a bug in the emitter, not in the user's policy */
            fmt_err(err, errlen, "%s: internal error: generated C failed to load: %s", p->path, jerr);
        else
            fmt_err(err, errlen, "%s: %s", p->path, jerr);
    }
    return -1;
}

static int load_sipc(RtPolicy *p, char *err, size_t errlen)
{
    char *c = NULL;
    size_t n = 0;
    if (sipc_compile_file(p->path, DIAG_TEXT, stderr, &c, &n) < 0) {
        fmt_err(err, errlen, "%s: policy not loaded (errors above)", p->path);
        free(c);
        return -1;
    }
    int rc = load_c(p, c, 1, err, errlen);
    free(c);
    return rc;
}

/* A .c file: read it whole and JIT it. */
static int load_csrc(RtPolicy *p, char *err, size_t errlen)
{
    FILE *f = fopen(p->path, "rb");
    char *c = NULL;
    size_t n = 0, cap = 0;
    if (!f) {
        fmt_err(err, errlen, "%s: %s", p->path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (n + 4096 + 1 > cap) {
            char *g = realloc(c, cap = cap ? 2 * cap : 16384);
            if (!g) {
                fclose(f);
                free(c);
                fmt_err(err, errlen, "out of memory");
                return -1;
            }
            c = g;
        }
        size_t got = fread(c + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(c);
        fmt_err(err, errlen, "%s: read error", p->path);
        return -1;
    }
    c[n] = '\0';
    int rc = load_c(p, c, 0, err, errlen);
    free(c);
    return rc;
}

static int load_so(RtPolicy *p, char *err, size_t errlen)
{
    /* Without a '/', dlopen searches the library path, not the directory. */
    char *rel = NULL;
    const char *file = p->path;
    if (!strchr(file, '/')) {
        size_t n = strlen(file) + 3;
        rel = malloc(n);
        if (!rel) {
            fmt_err(err, errlen, "out of memory");
            return -1;
        }
        snprintf(rel, n, "./%s", file);
        file = rel;
    }
    dlerror();
    p->dl = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    free(rel);
    if (!p->dl) {
        const char *e = dlerror();
        if (!e || !missing_symbols(p->path, e, err, errlen))
            fmt_err(err, errlen, "%s", e ? e : "dlopen failed");
        return -1;
    }
    p->desc = dlsym(p->dl, "sipc_policy");
    return 0;
}

RtPolicy *rt_policy_load(const char *path, char *err, size_t errlen)
{
    RtPolicy *p = calloc(1, sizeof *p);
    if (!p || !(p->path = strdup(path))) {
        fmt_err(err, errlen, "out of memory");
        free(p);
        return NULL;
    }
    int rc = ends_with(path, ".sipc") ? load_sipc(p, err, errlen)
             : ends_with(path, ".c")  ? load_csrc(p, err, errlen)
                                      : load_so(p, err, errlen);
    if (rc < 0 || rt_policy_check(p->desc, path, err, errlen) < 0)
        goto fail;
    if (!rt_policy_route(p, SIPC_RK_REQUEST, "")) {
        fmt_err(err, errlen, "%s: the policy has no main request route (route { ... })", path);
        goto fail;
    }
    if (p->desc->nregex > 0) {
        char rerr[512];
        if (!(p->regex = rt_regex_compile(p->desc->regex, p->desc->nregex, rerr, sizeof rerr))) {
            fmt_err(err, errlen, "%s: %s", path, rerr);
            goto fail;
        }
    }
    if (p->desc->nuris > 0) {
        char uerr[512];
        if (!p->desc->uris || !(p->uris = rt_uri_prepare(p->desc->uris, p->desc->nuris, uerr, sizeof uerr))) {
            fmt_err(err, errlen, "%s: %s", path, p->desc->uris ? uerr : "the descriptor counts URIs but has none");
            goto fail;
        }
    }
    rt_log(RT_LOG_DEBUG, "loaded policy %s (%s, source %s, hash %s, %u routes, %u regexes, %u bytes of $var)",
           path, p->jit ? "libtcc" : "dlopen", p->desc->source_name ? p->desc->source_name : "?",
           p->desc->source_hash ? p->desc->source_hash : "?", p->desc->nroutes, p->desc->nregex,
           p->desc->var_size);
    return p;

fail:
    rt_policy_unload(p);
    return NULL;
}

void rt_policy_unload(RtPolicy *p)
{
    if (!p)
        return;
    rt_regex_free(p->regex);
    rt_uri_free(p->uris);
    if (p->jit)
        jit_free(p->jit);
    if (p->dl)
        dlclose(p->dl);
    free(p->path);
    free(p);
}
