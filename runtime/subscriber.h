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

/* Provisioning (sipctl): add or change a user's HA1s (lower-case hex:
 * MD5 of "user:realm:password", SHA-256 of the same), remove one.  0, or
 * -1 (db_error). subs_set returns 1 when the user was new. */
int subs_set(Subs *s, const char *user, const char *domain, const char *ha1_md5, const char *ha1_sha256);
int subs_remove(Subs *s, const char *user, const char *domain); /* 1 removed, 0 none */

#endif
