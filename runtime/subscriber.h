/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subscriber.h - the provisioned users (table `subscriber`, schema version
 * 2 in db_schema.c): who exists, and their digest HA1s.  subscriber.c.
 *
 * Used by is_subscriber() (stdlib/subscriber_fn.c) and `sipctl user`.  One
 * Subs per database connection; it prepares its statements on first use
 * and keeps them.  Not thread-safe, like the Db it borrows.
 */
#ifndef SIPC_SUBSCRIBER_H
#define SIPC_SUBSCRIBER_H

#include "db.h"

typedef struct Subs Subs;

Subs *subs_open(Db *db);
void subs_close(Subs *s);

/* 1 if user@domain is provisioned, 0 if not, -1 on a database error. */
int subs_exists(Subs *s, const char *user, const char *domain);

/* The HA1 of user@domain for the SHA-256 (sha256 != 0) or MD5 family,
 * lower-case hex, into out: 1 found, 0 no such user (or no HA1 of that
 * family), -1 on a database error. */
int subs_ha1(Subs *s, const char *user, const char *domain, int sha256, char out[65]);

/* Provisioning (sipctl): add or change a user's HA1s (lower-case hex:
 * MD5 of "user:realm:password", SHA-256 of the same), remove one.  0, or
 * -1 (db_error). subs_set returns 1 when the user was new. */
int subs_set(Subs *s, const char *user, const char *domain, const char *ha1_md5, const char *ha1_sha256);
int subs_remove(Subs *s, const char *user, const char *domain); /* 1 removed, 0 none */

/* One user for subs_list: the HA1s are "" when not set (never NULL).  The
 * strings live until the callback returns.  0 to go on, non-zero to stop.
 * It may call other subs_ functions, but not subs_list. */
typedef int subs_each_fn(void *arg, const char *user, const char *domain, const char *ha1_md5,
                         const char *ha1_sha256);
/* Every user (of `domain`, or of all domains when NULL) in byte order of
 * user, then domain.  0 when all were seen, 1 when fn stopped the walk,
 * -1 on a database error (db_error). */
int subs_list(Subs *s, const char *domain, subs_each_fn *fn, void *arg);

#endif
