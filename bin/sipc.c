/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipc - the policy compiler's command line.
 *
 *   sipc check [--format=text|json] FILE   diagnostics only; exit 0 or 1
 *   sipc emit FILE                         the generated C on stdout
 *   sipc build FILE -o OUT.so              a policy object built by cc -O2
 *   sipc test [OPTIONS] POLICY CASES...    offline policy tests (runtime/siptest.h)
 *
 * `-h` or `--help` anywhere among a command's options prints the usage on
 * stdout and exits 0; an unknown option prints it on stderr and exits 2.
 * Exit status: 0 success, 1 the policy (or the build, or a test) has
 * errors, 2 usage (or a malformed case file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "rt.h"
#include "siptest.h"

static int usage(FILE *out, int status)
{
    fputs("usage: sipc check [--format=text|json] FILE\n"
          "       sipc emit FILE\n"
          "       sipc build FILE -o OUT.so\n"
          "       sipc test [--backend=tcc|gcc|both] [--update] [--junit FILE] [-v] POLICY.sipc CASES...\n",
          out);
    return status;
}

static int cmd_check(int argc, char **argv)
{
    DiagFormat fmt = DIAG_TEXT;
    const char *path = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--format=json") == 0)
            fmt = DIAG_JSON;
        else if (strcmp(argv[i], "--format=text") == 0)
            fmt = DIAG_TEXT;
        else if (argv[i][0] == '-' || path)
            return usage(stderr, 2);
        else
            path = argv[i];
    }
    if (!path)
        return usage(stderr, 2);
    /* JSON goes to stdout for tools to parse; text diagnostics to stderr. */
    return sipc_compile_file(path, fmt, fmt == DIAG_JSON ? stdout : stderr, NULL, NULL) == 0 ? 0 : 1;
}

static int cmd_emit(int argc, char **argv)
{
    if (argc != 1 || argv[0][0] == '-')
        return usage(stderr, 2);
    char *c;
    size_t n;
    if (sipc_compile_file(argv[0], DIAG_TEXT, stderr, &c, &n) != 0)
        return 1;
    int ok = fwrite(c, 1, n, stdout) == n && fflush(stdout) == 0;
    free(c);
    if (!ok) {
        perror("sipc: writing C");
        return 1;
    }
    return 0;
}

static int cmd_build(int argc, char **argv)
{
    const char *path = NULL, *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] == '-' || path)
            return usage(stderr, 2);
        else
            path = argv[i];
    }
    if (!path || !out)
        return usage(stderr, 2);
    char *c;
    if (sipc_compile_file(path, DIAG_TEXT, stderr, &c, NULL) != 0)
        return 1;
    char err[4096];
    int rc = cc_build_shared(c, out, NULL, err, sizeof err);
    free(c);
    if (rc != 0) {
        fprintf(stderr, "sipc: building %s: %s\n", out, err);
        return 1;
    }
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int cmd_test(int argc, char **argv)
{
    SiptestOptions opt = {.backends = SIPTEST_TCC | SIPTEST_GCC};
    int verbose = 0;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    int options = 1;
    if (!files)
        return 2;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (options && strcmp(a, "--") == 0)
            options = 0;
        else if (options && strcmp(a, "--backend=tcc") == 0)
            opt.backends = SIPTEST_TCC;
        else if (options && strcmp(a, "--backend=gcc") == 0)
            opt.backends = SIPTEST_GCC;
        else if (options && strcmp(a, "--backend=both") == 0)
            opt.backends = SIPTEST_TCC | SIPTEST_GCC;
        else if (options && strcmp(a, "--update") == 0)
            opt.update = 1;
        else if (options && strcmp(a, "-v") == 0)
            verbose = 1;
        else if (options && strcmp(a, "--junit") == 0 && i + 1 < argc)
            opt.junit = argv[++i];
        else if (options && strncmp(a, "--junit=", 8) == 0 && a[8])
            opt.junit = a + 8;
        else if (options && a[0] == '-' && a[1]) {
            fprintf(stderr, "sipc test: %s '%s'\n",
                    strncmp(a, "--junit", 7) == 0 ? "missing FILE after" : "unknown option", a);
            free(files);
            return usage(stderr, 2);
        } else if (!opt.policy)
            opt.policy = a;
        else
            files[opt.nfiles++] = a;
    }
    if (!opt.policy || opt.nfiles == 0 || !ends_with(opt.policy, ".sipc")) {
        if (opt.policy && !ends_with(opt.policy, ".sipc"))
            fprintf(stderr, "sipc test: %s: the policy must be a .sipc source\n", opt.policy);
        free(files);
        return usage(stderr, 2);
    }
    opt.files = files;
    /* What the policy logs is in the transcripts; sipd's own warnings about
     * a case (a refused forward, a bad URI) only with -v. */
    rt_log_set_level(verbose ? RT_LOG_DEBUG : RT_LOG_ERROR);
    int rc = siptest_run(&opt);
    free(files);
    return rc;
}

/* -h or --help among the options (those before a `--`)? */
static int asks_help(int argc, char **argv)
{
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr, 2);
    const char *cmd = argv[1];
    if (asks_help(argc - 1, argv + 1))
        return usage(stdout, 0);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "emit") == 0)
        return cmd_emit(argc - 2, argv + 2);
    if (strcmp(cmd, "build") == 0)
        return cmd_build(argc - 2, argv + 2);
    if (strcmp(cmd, "test") == 0)
        return cmd_test(argc - 2, argv + 2);
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0)
        return usage(stdout, 0);
    fprintf(stderr, "sipc: unknown command '%s'\n", cmd);
    return usage(stderr, 2);
}
