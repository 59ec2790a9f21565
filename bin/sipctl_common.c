/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipctl_common.c - the pieces sipctl's database commands share: one
 * option parser driven by a table of SipctlOpt, the URL from the command
 * line or SIPC_DB_URL, opening the database, and the check that its
 * schema holds what the command reads.  Messages go to stderr as
 * "sipctl: ..."; the statuses are sipctl_common.h's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipctl_common.h"

/* The option s names (`--url`, or `--url=...` for one taking a value), or
 * NULL. */
static const SipctlOpt *find_opt(const SipctlOpt *opts, const char *s)
{
    for (const SipctlOpt *o = opts; o->name; o++) {
        size_t n = strlen(o->name);
        if (!strncmp(s, o->name, n) && (s[n] == '\0' || (o->value && s[n] == '=')))
            return o;
    }
    return NULL;
}

int sipctl_args(int argc, char **argv, const SipctlOpt *opts, char **pos, int maxpos, int *npos)
{
    int in_opts = opts != NULL; /* until `--` */
    *npos = 0;
    for (int i = 2; i < argc; i++) {
        char *s = argv[i];
        const SipctlOpt *o = in_opts ? find_opt(opts, s) : NULL;
        if (in_opts && !strcmp(s, "--")) {
            in_opts = 0;
        } else if (o && o->only) {
            fprintf(stderr, "sipctl: %s is for %s\n", o->name, o->only);
            return SIPCTL_USAGE;
        } else if (o && !o->value) {
            *o->flag = 1;
        } else if (o) {
            size_t n = strlen(o->name);
            if (s[n] == '=') {
                *o->value = s + n + 1;
            } else if (i + 1 == argc) {
                fprintf(stderr, "sipctl: %s needs a value\n", o->name);
                return SIPCTL_USAGE;
            } else {
                *o->value = argv[++i];
            }
        } else if (in_opts && s[0] == '-' && s[1]) { /* "-" alone is an argument */
            fprintf(stderr, "sipctl: unknown option %s\n", s);
            return SIPCTL_USAGE;
        } else if (*npos == maxpos) {
            fprintf(stderr, "sipctl: too many arguments\n");
            return SIPCTL_USAGE;
        } else {
            pos[(*npos)++] = s;
        }
    }
    return SIPCTL_OK;
}

const char *sipctl_url(const char *given)
{
    const char *env = getenv("SIPC_DB_URL");
    if (given && *given)
        return given;
    if (env && *env)
        return env;
    fprintf(stderr, "sipctl: no database URL: give one, or set SIPC_DB_URL\n");
    return NULL;
}

Db *sipctl_open(const char *url, int create)
{
    char err[600];
    Db *db = create ? db_open(url, err, sizeof err) : db_open_existing(url, err, sizeof err);
    if (!db)
        fprintf(stderr, "sipctl: %s\n", err);
    return db;
}

char *sipctl_escaped(const char *s)
{
    size_t n = s ? strlen(s) : 0, o = 0;
    char *out = malloc(4 * n + 1);
    if (!out)
        return NULL;
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            o += (size_t)sprintf(out + o, "\\x%02x", c);
        else if (c == '\\')
            out[o++] = '\\', out[o++] = '\\';
        else
            out[o++] = (char)c;
    }
    out[o] = '\0';
    return out;
}

void sipctl_put(const char *s)
{
    char *e = sipctl_escaped(s);
    fputs(e ? e : "?", stdout);
    free(e);
}

int sipctl_check_schema(Db *db, int need, const char *what)
{
    int v = db_schema_version(db), cur = db_schema_current();
    if (v >= need && v <= cur)
        return 0;
    if (v < 0)
        fprintf(stderr, "sipctl: %s: %s\n", db_url_safe(db), db_error(db));
    else if (v == 0) /* need is at least 1: version 0 has no tables */
        fprintf(stderr, "sipctl: %s has no sipc tables (sipctl db init creates them)\n", db_url_safe(db));
    else if (v < need)
        fprintf(stderr,
                "sipctl: %s has schema version %d, %s needs version %d (sipctl db migrate upgrades it)\n",
                db_url_safe(db), v, what, need);
    else
        fprintf(stderr, "sipctl: %s has schema version %d, this build reads %d (use a newer sipctl)\n",
                db_url_safe(db), v, cur);
    return -1;
}
