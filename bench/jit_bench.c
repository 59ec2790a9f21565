/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jit_bench.c - time the in-process stages of loading a policy, as sipd
 * does: check only, check + emit C, and libtcc compile + relocate.
 *
 *   jit_bench [-n RUNS] FILE.sipc
 *
 * Each stage runs RUNS times (default 20) after one untimed warm-up run and
 * prints `NAME N lines: best X ms, median Y ms (RUNS runs)`.  The policy is
 * linked against the real host symbols (rt_host_syms, from libsipcrt.a), so
 * relocation succeeds exactly as in sipd.  Never asserts times; exit status
 * 0, or 1 when the policy does not compile or load, 2 on misuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compile.h"
#include "rt_internal.h" /* rt_host_syms */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *what, int lines, double *ms, int n)
{
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    double median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
    printf("%s %d lines: best %.1f ms, median %.1f ms (%d runs)\n", what, lines, ms[0], median, n);
}

/* Reads a whole file into a malloc'd NUL-terminated buffer; NULL on error. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
            *len = fread(buf, 1, (size_t)n, f);
            buf[*len] = '\0';
        }
    }
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    int runs = 20;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else
            path = NULL, i = argc; /* misuse */
    }
    if (!path || runs < 1) {
        fputs("usage: jit_bench [-n RUNS] FILE.sipc\n", stderr);
        return 2;
    }
    size_t len = 0;
    char *text = slurp(path, &len);
    if (!text) {
        perror(path);
        return 1;
    }
    int lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';

    double *ms = calloc((size_t)runs, sizeof *ms);
    char *c = NULL;
    int rc = 1;
    if (!ms)
        goto done;

    /* 1. Check only: what `sipc check` does after reading the file. */
    for (int i = -1; i < runs; i++) {
        double t0 = now_ms();
        if (sipc_compile_text(path, text, len, DIAG_TEXT, stderr, NULL, NULL) != 0)
            goto done;
        if (i >= 0)
            ms[i] = now_ms() - t0;
    }
    report("in-process check", lines, ms, runs);

    /* 2. Check and emit C (the C of the last run is kept for step 3). */
    for (int i = -1; i < runs; i++) {
        free(c);
        c = NULL;
        double t0 = now_ms();
        if (sipc_compile_text(path, text, len, DIAG_TEXT, stderr, &c, NULL) != 0)
            goto done;
        if (i >= 0)
            ms[i] = now_ms() - t0;
    }
    report("compile to C", lines, ms, runs);
    printf("emitted C: %zu bytes\n", strlen(c));

    /* 3. libtcc: compile the C in memory, bind host symbols, relocate. */
    for (int i = -1; i < runs; i++) {
        char err[1024];
        const sipc_policy_desc *desc = NULL;
        double t0 = now_ms();
        JitPolicy *jp = jit_load(c, rt_host_syms, rt_host_nsyms, &desc, err, sizeof err);
        double t1 = now_ms();
        if (!jp || !desc) {
            fprintf(stderr, "jit_bench: jit_load: %s\n", err);
            goto done;
        }
        jit_free(jp);
        if (i >= 0)
            ms[i] = t1 - t0;
    }
    report("libtcc compile+relocate", lines, ms, runs);
    rc = 0;

done:
    free(c);
    free(ms);
    free(text);
    return rc;
}
