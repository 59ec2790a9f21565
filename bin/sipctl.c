/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipctl - the management client.
 *
 *   sipctl info POLICY.so    describe a compiled policy object: ABI, source,
 *                            routes, settings, AVPs, flags, regex count and
 *                            the size of its $var block
 *   sipctl version           print the version and ABI of this build
 *   sipctl db ..., ul ...    the database schema and user location, on the
 *                            database itself (sipctl_db.c)
 *   sipctl user ...          provisioned users and their digest HA1s, on the
 *                            database itself (sipctl_user.c)
 *   sipctl trusted ...       the trusted peers of allow_trusted(), on the
 *                            database itself (sipctl_trusted.c)
 *
 * The management interface proper (talking to a running sipd) comes later.
 * `info` dlopen()s the object with RTLD_LAZY: its calls into sipd's host
 * functions stay unresolved (sipctl does not define them) and are never
 * made; only the data descriptor `sipc_policy` is read, and it is validated
 * by the same rt_policy_check() sipd uses.
 * `-h` or `--help` after any command prints the usage on stdout and exits
 * 0; an unknown option prints it on stderr and exits 2.
 * Exit status: 0 on success, 1 on error or a file that is not a policy,
 * 2 on a usage error.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "sipctl_db.h"
#include "sipctl_trusted.h"
#include "sipctl_user.h"

#ifndef SIPC_VERSION
#define SIPC_VERSION "0.1.0"
#endif

static void usage(FILE *f)
{
    fprintf(f, "usage: sipctl info POLICY.so\n"
               "       sipctl version\n"
               "       sipctl db init|migrate|version [URL]\n"
               "       sipctl ul show [--url URL] [--table NAME] [--all] [AOR]\n"
               "       sipctl ul rm [--url URL] [--table NAME] AOR [CONTACT]\n"
               "       sipctl user add|passwd [--url URL] USER@DOMAIN [PASSWORD]\n"
               "       sipctl user rm [--url URL] USER@DOMAIN\n"
               "       sipctl user list [--url URL] [DOMAIN]\n"
               "       sipctl trusted add [--url URL] [--proto P] [--pattern RE] [--tag T] SRC\n"
               "       sipctl trusted rm [--url URL] ID|SRC\n"
               "       sipctl trusted list [--url URL]\n"
               "\n"
               "  info POLICY.so   show a compiled policy's descriptor (ABI, source, routes,\n"
               "                   settings, AVPs, flags, regexes, $var size)\n"
               "  version          show this build's version and sipc ABI version\n");
    sipctl_db_help(f);
    sipctl_user_help(f);
    sipctl_trusted_help(f);
    fprintf(f, "\n"
               "Exit status: 0 success, 1 error, 2 usage error.\n");
}

/* A list of names on one line: "  a, b, c", or nothing when empty. */
static void print_names(unsigned n, const char *const *names)
{
    for (unsigned i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "  ", names[i]);
    if (n)
        printf("\n");
}

/* The tables of ABI version 2: settings, AVPs, flags, regexes, $var size. */
static void print_tables(const sipc_policy_desc *d)
{
    printf("settings:    %u\n", d->nsettings);
    for (unsigned i = 0; i < d->nsettings; i++)
        printf("  %s = %s\n", d->settings[i].name, d->settings[i].value);
    printf("avps:        %u\n", d->navps);
    for (unsigned i = 0; i < d->navps; i++)
        printf("  %-8s %s\n", d->avps[i].type == SIPC_T_INT ? "int" : "string", d->avps[i].name);
    printf("flags:       %u\n", d->nflags);
    print_names(d->nflags, d->flags);
    printf("bflags:      %u\n", d->nbflags);
    print_names(d->nbflags, d->bflags);
    printf("regexes:     %u\n", d->nregex);
    printf("var size:    %u bytes\n", d->var_size);
}

static int cmd_info(const char *path)
{
    char err[512];
    char *rel = NULL;
    const char *file = path;

    /* Without a '/', dlopen searches the library path, not the directory. */
    if (!strchr(path, '/')) {
        size_t n = strlen(path) + 3;
        if (!(rel = malloc(n)))
            return 1;
        snprintf(rel, n, "./%s", path);
        file = rel;
    }
    dlerror();
    void *dl = dlopen(file, RTLD_LAZY | RTLD_LOCAL);
    free(rel);
    if (!dl) {
        const char *e = dlerror();
        fprintf(stderr, "sipctl: %s\n", e ? e : "dlopen failed");
        return 1;
    }
    const sipc_policy_desc *d = dlsym(dl, "sipc_policy");
    if (d && d->magic == SIPC_POLICY_MAGIC)
        printf("file:        %s\nmagic:       ok\nabi version: %u (this build: %u)\n", path, d->abi_version,
               (unsigned)SIPC_ABI_VERSION);
    if (rt_policy_check(d, path, err, sizeof err) < 0) {
        fprintf(stderr, "sipctl: %s\n", err);
        dlclose(dl);
        return 1;
    }
    printf("source:      %s\nsource hash: %s\nroutes:      %u\n", d->source_name ? d->source_name : "?",
           d->source_hash ? d->source_hash : "?", d->nroutes);
    int has_main = 0;
    for (unsigned i = 0; i < d->nroutes; i++) {
        const sipc_route_desc *r = &d->routes[i];
        printf("  %-8s %s\n", rt_route_kind_name(r->kind), r->name[0] ? r->name : "(main)");
        has_main |= r->kind == SIPC_RK_REQUEST && !r->name[0];
    }
    print_tables(d);
    if (!has_main)
        fprintf(stderr, "sipctl: warning: %s has no main request route; sipd will refuse it\n", path);
    dlclose(dl);
    return 0;
}

/* -h or --help among the arguments (those before a `--`)?  Checked before
 * any command runs, so `sipctl user add --help` adds nobody. */
static int asks_help(int argc, char **argv)
{
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SIPCTL_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "help") || asks_help(argc - 1, argv + 1)) {
        usage(stdout);
        return 0;
    }
    if ((!strcmp(cmd, "info") || !strcmp(cmd, "version")) && argc > 2 && argv[2][0] == '-') {
        fprintf(stderr, "sipctl: unknown option %s\n", argv[2]);
        usage(stderr);
        return SIPCTL_USAGE;
    }
    if (!strcmp(cmd, "version") && argc == 2) {
        printf("sipctl %s (sipc ABI version %u)\n", SIPC_VERSION, (unsigned)SIPC_ABI_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "info") && argc == 3)
        return cmd_info(argv[2]);
    if (!strcmp(cmd, "db") || !strcmp(cmd, "ul") || !strcmp(cmd, "user") || !strcmp(cmd, "trusted")) {
        int rc = cmd[0] == 'd'   ? sipctl_db(argc - 1, argv + 1)
                 : cmd[1] == 'l' ? sipctl_ul(argc - 1, argv + 1)
                 : cmd[0] == 't' ? sipctl_trusted(argc - 1, argv + 1)
                                 : sipctl_user(argc - 1, argv + 1);
        if (rc == SIPCTL_USAGE)
            usage(stderr);
        return rc;
    }
    fprintf(stderr, "sipctl: %s\n",
            !strcmp(cmd, "info") || !strcmp(cmd, "version") ? "wrong number of arguments"
                                                            : "unknown command");
    usage(stderr);
    return SIPCTL_USAGE;
}
