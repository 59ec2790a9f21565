/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_policy.c - load a compiled policy and check it before anything runs.
 *
 * Two sources, one result:
 *  - `*.sipc`: compiled in process (sipc_compile_file, diagnostics to
 *    stderr) and JIT-loaded with libtcc against rt_host_syms;
 *  - anything else: a policy.so built by `sipc build`, dlopen()ed with
 *    RTLD_NOW (every host symbol resolved now, from sipd's -rdynamic
 *    exports, not at the first call in the middle of a request).
 * Either way the `sipc_policy` descriptor is checked (rt_desc.c): magic,
 * then the ABI version (the two fields every ABI version keeps first), and
 * the main request route must exist.
 *
 * Ownership: RtPolicy owns the JIT state or the dl handle and its own copy
 * of the path; rt_policy_unload() frees all of it.
 */
#include <dlfcn.h>
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

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
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
    char jerr[1024];
    p->jit = jit_load(c, rt_host_syms, rt_host_nsyms, &p->desc, jerr, sizeof jerr);
    free(c);
    if (!p->jit) {
        /* A bug in the emitter, not in the user's policy. */
        fmt_err(err, errlen, "%s: internal error: generated C failed to load: %s", p->path, jerr);
        return -1;
    }
    return 0;
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
    int rc = ends_with(path, ".sipc") ? load_sipc(p, err, errlen) : load_so(p, err, errlen);
    if (rc < 0 || rt_policy_check(p->desc, path, err, errlen) < 0)
        goto fail;
    if (!rt_policy_route(p, SIPC_RK_REQUEST, "")) {
        fmt_err(err, errlen, "%s: the policy has no main request route (route { ... })", path);
        goto fail;
    }
    rt_log(RT_LOG_DEBUG, "loaded policy %s (%s, source %s, hash %s, %u routes)", path,
           p->jit ? "libtcc" : "dlopen", p->desc->source_name ? p->desc->source_name : "?",
           p->desc->source_hash ? p->desc->source_hash : "?", p->desc->nroutes);
    return p;

fail:
    rt_policy_unload(p);
    return NULL;
}

void rt_policy_unload(RtPolicy *p)
{
    if (!p)
        return;
    if (p->jit)
        jit_free(p->jit);
    if (p->dl)
        dlclose(p->dl);
    free(p->path);
    free(p);
}
