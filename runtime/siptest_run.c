/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * siptest_run.c - the driver of `sipc test POLICY CASES...` (SPEC.md
 * section 10).
 *
 * Order of work: parse every case file first (a malformed one stops
 * everything, exit 2, before any policy is loaded); then per backend load
 * the policy, run every case through rt_test.h, keep a copy of each
 * transcript and unload, so only one policy is live at a time; then
 * report, case by case, in file order: against the expect block, and with
 * both backends, tcc against gcc byte for byte.  Last, --update rewrites
 * the files and --junit writes the report.
 *
 * Backends: tcc is rt_policy_load() of the .sipc itself (libtcc, in
 * memory); gcc is sipc_compile_file() + cc_build_shared() into a private
 * temporary directory, and rt_policy_load() of that .so, which is removed
 * as soon as it is loaded (the mapping outlives the name).
 *
 * Ownership: every array and copy is malloc'd in siptest_run() or below and
 * freed at its end on every path.  Running out of memory fails the case it
 * happens in (or the run, exit 2), never exits.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "rt_test.h"
#include "siptest.h"

#define NBACKENDS 2
static const char *const backend_name[NBACKENDS] = {"tcc", "gcc"};

/* What one case gave under one backend: a transcript or an error. */
typedef struct Run {
    char *transcript; /* malloc'd, as rt_test_transcript() returned it; NULL if it did not run */
    char error[1024]; /* why it did not run: "FILE:LINE: error: ..."; "" when it did */
    int no_policy;    /* the reason is that the policy did not load */
} Run;

/* All cases of all files, flattened, with their runs. */
typedef struct Item {
    SiptestFile *file;
    SiptestCase *c;
    Run run[NBACKENDS];
    char *detail[NBACKENDS]; /* the JUnit failure text per backend, malloc'd */
} Item;

/* snprintf into an error buffer; messages are cut at its size, on purpose. */
static void fmt_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fmt_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* --- loading the policy ----------------------------------------------------- */

/* The gcc backend: build POLICY.so in a private directory and load it.
 * Diagnostics go to `diag` (NULL: kept quiet, tcc printed them already). */
static RtPolicy *load_gcc(const char *path, FILE *diag, char *err, size_t errlen)
{
    char *c = NULL, *mem = NULL;
    size_t memlen = 0;
    FILE *sink = diag ? diag : open_memstream(&mem, &memlen);
    int rc = sink ? sipc_compile_file(path, DIAG_TEXT, sink, &c, NULL) : -1;
    if (sink && sink != diag)
        fclose(sink);
    free(mem);
    if (rc != 0) {
        fmt_err(err, errlen, "%s: policy not loaded (errors above)", path);
        free(c);
        return NULL;
    }
    const char *tmpdir = getenv("TMPDIR");
    char dir[1024], so[1100], cerr[2048];
    snprintf(dir, sizeof dir, "%s/sipc-test.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(dir)) {
        fmt_err(err, errlen, "%s: %s", dir, strerror(errno));
        free(c);
        return NULL;
    }
    snprintf(so, sizeof so, "%s/policy.so", dir);
    RtPolicy *p = NULL;
    if (cc_build_shared(c, so, NULL, cerr, sizeof cerr) != 0)
        fmt_err(err, errlen, "%s: building with cc: %s", path, cerr);
    else if (!(p = rt_policy_load(so, cerr, sizeof cerr))) {
        /* Name the policy, not the temporary object, in the reason. */
        const char *at = strstr(cerr, so);
        if (at)
            fmt_err(err, errlen, "%.*s%s%s", (int)(at - cerr), cerr, path, at + strlen(so));
        else
            fmt_err(err, errlen, "%s: %s", path, cerr);
    }
    free(c);
    unlink(so);
    rmdir(dir);
    return p;
}

/* Run one case; its transcript or error goes to r. */
static void run_case(RtTestEnv *env, const char *file, const SiptestCase *c, Run *r)
{
    char err[512];
    RtTestAddr from = {c->from.proto, c->from.host, c->from.port};
    RtTestAddr local = {c->local.proto, c->local.host, c->local.port};
    rt_test_reset(env);
    for (size_t k = 0; k < c->nlocs; k++) {
        const SiptestLoc *l = &c->locs[k];
        UlBinding b = {.contact = l->contact, .path = l->path, .received = l->received, .callid = "siptest",
                       .q = l->q, .cseq = 1, .flags = l->received ? UL_FL_NAT : 0,
                       .expires = RT_TEST_CLOCK + l->expires, .last_modified = RT_TEST_CLOCK - (long long)k};
        if (rt_test_location(env, l->aor, &b, err, sizeof err) < 0) {
            fmt_err(r->error, sizeof r->error, "%s:%d: error: location: %s", file, l->line, err);
            return;
        }
    }
    for (size_t k = 0; k < c->nsubs; k++) {
        char user[512];
        const char *at = strchr(c->subs[k], '@');
        snprintf(user, sizeof user, "%.*s", (int)(at - c->subs[k]), c->subs[k]);
        const char *pw = at + strlen(at) + 1; /* "USER@DOMAIN\0PW" */
        if (rt_test_subscriber(env, user, at + 1, pw, err, sizeof err) < 0) {
            fmt_err(r->error, sizeof r->error, "%s:%d: error: subscriber: %s", file, c->subs_line, err);
            return;
        }
    }
    for (size_t k = 0; k < c->ntrusted; k++) {
        const SiptestTrusted *tr = &c->trusted[k];
        if (rt_test_trusted(env, tr->src, tr->proto, tr->pattern, tr->tag, err, sizeof err) < 0) {
            fmt_err(r->error, sizeof r->error, "%s:%d: error: trusted: %s", file, tr->line, err);
            return;
        }
    }
    if (rt_test_request(env, c->request.text, c->request.len, &from, &local, err, sizeof err) < 0) {
        fmt_err(r->error, sizeof r->error, "%s:%d: error: %s", file, c->request.line, err);
        return;
    }
    for (size_t k = 0; k < c->nreplies; k++) {
        const SiptestMsg *m = &c->replies[k];
        if (rt_test_reply(env, m->relay, m->text, m->len, err, sizeof err) < 0) {
            fmt_err(r->error, sizeof r->error, "%s:%d: error: %s", file, m->line, err);
            return;
        }
    }
    if (!(r->transcript = strdup(rt_test_transcript(env))))
        fmt_err(r->error, sizeof r->error, "%s:%d: error: out of memory", file, c->line);
}

/* Run every case under backend `b`; a policy that does not load fails
 * them all with its reason. */
static void run_backend(int b, const char *policy, Item *items, size_t n, int quiet_diag)
{
    char err[1024];
    fflush(stdout);
    RtPolicy *p = b == 0 ? rt_policy_load(policy, err, sizeof err)
                         : load_gcc(policy, quiet_diag ? NULL : stderr, err, sizeof err);
    RtTestEnv *env = p ? rt_test_env_create(p, err, sizeof err) : NULL;
    if (!env) {
        fprintf(stderr, "sipc test: %s: %s\n", backend_name[b], err);
        for (size_t i = 0; i < n; i++) {
            Run *r = &items[i].run[b];
            fmt_err(r->error, sizeof r->error, "the policy did not load: %s", err);
            r->no_policy = 1;
        }
        rt_policy_unload(p);
        return;
    }
    for (size_t i = 0; i < n; i++)
        run_case(env, items[i].file->path, items[i].c, &items[i].run[b]);
    rt_test_env_destroy(env);
    rt_policy_unload(p);
}

/* --- reporting ---------------------------------------------------------------- */

/* The diff of two texts as a malloc'd string, or NULL when out of memory. */
static char *diff_text(const char *a, const char *alabel, const char *b, const char *blabel)
{
    char *out = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&out, &n);
    if (!mem)
        return NULL;
    int rc = siptest_diff(mem, a, alabel, b, blabel, 2);
    if (fclose(mem) != 0 || rc < 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* Record a failure of backend b's JUnit result: the first message stays,
 * the texts of later ones are appended to the detail. */
static void add_failure(Item *it, SiptestResult *r, int b, const char *message, const char *text)
{
    if (!text)
        text = "(out of memory: no diff)\n";
    if (!r->message) {
        r->message = message;
        it->detail[b] = strdup(text);
    } else if (it->detail[b]) {
        size_t n = strlen(it->detail[b]) + strlen(message) + strlen(text) + 3;
        char *d = malloc(n);
        if (d) {
            snprintf(d, n, "%s\n%s\n%s", it->detail[b], message, text);
            free(it->detail[b]);
            it->detail[b] = d;
        }
    }
    r->detail = it->detail[b];
}

typedef struct Tally {
    size_t passed, failed;
} Tally;

/*
 * Report one case: print its lines, fill its JUnit results (res[b] for each
 * backend b that ran, NULL for the others) and, under --update, point
 * *update at the transcript to write when the case is to be rewritten.
 */
static void report(const SiptestOptions *opt, Item *it, SiptestResult *const *res, const char **update,
                   Tally *t)
{
    static const char differs[] = "the transcript differs from the expect block";
    const SiptestCase *c = it->c;
    const char *file = it->file->path;
    int ok = 1, stale = 0; /* stale: --update is to rewrite the expect block */
    int first = -1;        /* the first backend that ran */

    for (int b = 0; b < NBACKENDS; b++) {
        if (!res[b])
            continue;
        const Run *run = &it->run[b];
        if (first < 0)
            first = b;
        if (run->error[0]) {
            if (run->no_policy) /* the reason was printed once, on stderr */
                printf("[FAIL] %s:%d case %s (%s): the policy did not load\n", file, c->line, c->name,
                       backend_name[b]);
            else
                printf("[FAIL] %s:%d case %s (%s)\n%s\n", file, c->line, c->name, backend_name[b],
                       run->error);
            add_failure(it, res[b], b, run->error, run->error);
            ok = 0;
            continue;
        }
        char *norm = siptest_normalize(run->transcript);
        if (norm && strcmp(norm, c->expect) == 0) {
            free(norm);
            continue;
        }
        char *d = norm ? diff_text(c->expect, "expected", norm, "actual") : NULL;
        const char *shown = d ? d : "(out of memory: no diff)\n";
        if (opt->update && norm) {
            stale = 1; /* written below if the backends agree */
            printf("[UPDATED] %s:%d case %s (%s)\n%s", file, c->line, c->name, backend_name[b], shown);
        } else {
            printf("[FAIL] %s:%d case %s (%s)\n%s", file, c->line, c->name, backend_name[b], shown);
            add_failure(it, res[b], b, differs, d);
            ok = 0;
        }
        free(d);
        free(norm);
    }
    /* Both backends ran: their transcripts must be the same, byte for byte. */
    if (res[0] && res[1] && it->run[0].transcript && it->run[1].transcript &&
        strcmp(it->run[0].transcript, it->run[1].transcript) != 0) {
        char *d = diff_text(it->run[0].transcript, "tcc", it->run[1].transcript, "gcc");
        printf("[FAIL] %s:%d case %s (tcc, gcc): the backends' transcripts differ\n%s", file, c->line,
               c->name, d ? d : "(out of memory: no diff)\n");
        add_failure(it, res[1], 1, "the transcripts of tcc and gcc differ", d);
        free(d);
        ok = 0;
    }
    if (!ok) {
        t->failed++;
        return;
    }
    t->passed++;
    if (stale)
        *update = it->run[first].transcript;
    else
        printf("[PASS] %s\n", c->name);
}

/* --update: rewrite each file that has cases to update.  0, or -1. */
static int update_files(const SiptestOptions *opt, SiptestFile **files, const char **update)
{
    int rc = 0;
    char err[1024];
    for (size_t i = 0, k = 0; i < opt->nfiles; k += files[i++]->ncases) {
        const char *const *actual = update + k;
        int any = 0;
        for (size_t j = 0; j < files[i]->ncases; j++)
            any |= actual[j] != NULL;
        if (any && siptest_update(files[i], actual, err, sizeof err) < 0) {
            fprintf(stderr, "sipc test: %s\n", err);
            rc = -1;
        }
    }
    return rc;
}

/* --- the command -------------------------------------------------------------- */

int siptest_run(const SiptestOptions *opt)
{
    SiptestFile **files = calloc(opt->nfiles + 1, sizeof *files);
    Item *items = NULL;
    SiptestResult *res = NULL;
    const char **update = NULL;
    size_t n = 0, nres = 0;
    int status = 2, bad = 0;
    char err[1024];

    if (!files)
        goto oom;
    for (size_t i = 0; i < opt->nfiles; i++) {
        if (!(files[i] = siptest_load(opt->files[i], err, sizeof err))) {
            fprintf(stderr, "%s\n", err);
            bad = 1;
            continue;
        }
        n += files[i]->ncases;
    }
    if (bad)
        goto done;

    items = calloc(n + 1, sizeof *items);
    res = calloc(n * NBACKENDS + 1, sizeof *res);
    update = calloc(n + 1, sizeof *update);
    if (!items || !res || !update)
        goto oom;
    for (size_t i = 0, k = 0; i < opt->nfiles; i++)
        for (size_t j = 0; j < files[i]->ncases; j++)
            items[k++] = (Item){.file = files[i], .c = &files[i]->cases[j]};

    for (int b = 0; b < NBACKENDS; b++)
        if (opt->backends & (1 << b))
            run_backend(b, opt->policy, items, n, b == 1 && (opt->backends & SIPTEST_TCC));

    Tally t = {0, 0};
    for (size_t i = 0; i < n; i++) {
        SiptestResult *rb[NBACKENDS] = {NULL, NULL}; /* this case's results, by backend */
        for (int b = 0; b < NBACKENDS; b++) {
            if (!(opt->backends & (1 << b)))
                continue;
            res[nres] = (SiptestResult){items[i].file->path, items[i].c->name, backend_name[b], NULL, NULL};
            rb[b] = &res[nres++];
        }
        report(opt, &items[i], rb, &update[i], &t);
    }
    status = t.failed ? 1 : 0;
    if (opt->update && update_files(opt, files, update) < 0)
        status = 2;
    if (opt->junit && siptest_junit_write(opt->junit, res, nres, err, sizeof err) < 0) {
        fprintf(stderr, "sipc test: %s\n", err);
        status = 2;
    }
    printf("sipc test: %zu passed, %zu failed\n", t.passed, t.failed);
    goto done;

oom:
    fputs("sipc test: out of memory\n", stderr);
done:
    for (size_t i = 0; items && i < n; i++)
        for (int b = 0; b < NBACKENDS; b++) {
            free(items[i].run[b].transcript);
            free(items[i].detail[b]);
        }
    for (size_t i = 0; files && i < opt->nfiles; i++)
        siptest_free(files[i]);
    free(files);
    free(items);
    free(res);
    free(update);
    return status;
}
