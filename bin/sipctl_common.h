/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipctl_common.h - what sipctl's database commands (sipctl_db.c,
 * sipctl_user.c, sipctl_trusted.c) share (sipctl_common.c): the exit
 * statuses, the option parser, the database URL and the schema check.
 * Each function prints its own message, "sipctl: ..." on stderr.
 */
#ifndef SIPC_SIPCTL_COMMON_H
#define SIPC_SIPCTL_COMMON_H

#include "db.h"

/* The exit statuses of sipctl. */
enum { SIPCTL_OK = 0, SIPCTL_ERR = 1, SIPCTL_USAGE = 2 };

/* One option of a subcommand, in a table ended by a row with name NULL:
 * with value set, `NAME VALUE` or `NAME=VALUE` stores VALUE there; without,
 * the flag `NAME` sets *flag to 1.  With `only` set, the option belongs to
 * another subcommand and is refused: "NAME is for ONLY". */
typedef struct SipctlOpt {
    const char *name; /* "--url" */
    const char **value;
    int *flag;
    const char *only; /* "trusted add" */
} SipctlOpt;

/* The arguments after argv[1] (the subcommand): options of `opts` until
 * `--`, and up to maxpos positional arguments into pos, their count in
 * *npos.  pos points into argv, writable (a password given there is wiped
 * after use).  With opts NULL, there are no options, not even `--`: every
 * argument is positional.  SIPCTL_OK, or SIPCTL_USAGE with a message on an
 * unknown option, a missing value or too many arguments. */
int sipctl_args(int argc, char **argv, const SipctlOpt *opts, char **pos, int maxpos, int *npos);

/* The URL given, else $SIPC_DB_URL; NULL with a message when neither (a
 * usage error). */
const char *sipctl_url(const char *given);

/* The database at url, opened; NULL with a message (an error).  Only with
 * `create` is a missing SQLite file made (`db init` and `db migrate`, which
 * make a schema); every other command works on a database that exists. */
Db *sipctl_open(const char *url, int create);

/* db's schema is one this build knows, at least version `need` (the one
 * that brought what the command uses, named by `what` in the message:
 * "the subscriber table"); 0, or -1 with a message. */
int sipctl_check_schema(Db *db, int need, const char *what);

/* Writes s to stdout with control bytes (below 0x20, and 0x7f) as \xHH
 * and a backslash as \\: stored strings came off the wire (a User-Agent,
 * a Contact) and must not reach the terminal as escape sequences. */
void sipctl_put(const char *s);
/* The same escaping into a malloc'd string (the caller frees it), for
 * values printed in columns; NULL out of memory. */
char *sipctl_escaped(const char *s);

#endif
