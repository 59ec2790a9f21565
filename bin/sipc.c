/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipc - the policy compiler's command line.
 *
 *   sipc check [--format=text|json] FILE   diagnostics only; exit 0 or 1
 *   sipc emit FILE                         the generated C on stdout
 *   sipc build FILE -o OUT.so              a policy object built by cc -O2
 *
 * Exit status: 0 success, 1 the policy (or the build) has errors, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"

static int usage(FILE *out, int status)
{
    fputs("usage: sipc check [--format=text|json] FILE\n"
          "       sipc emit FILE\n"
          "       sipc build FILE -o OUT.so\n",
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
    if (argc != 1)
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

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr, 2);
    const char *cmd = argv[1];
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "emit") == 0)
        return cmd_emit(argc - 2, argv + 2);
    if (strcmp(cmd, "build") == 0)
        return cmd_build(argc - 2, argv + 2);
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0)
        return usage(stdout, 0);
    fprintf(stderr, "sipc: unknown command '%s'\n", cmd);
    return usage(stderr, 2);
}
