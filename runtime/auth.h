/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auth.h - the state behind digest authentication (auth.c): nonces that
 * cannot be forged or replayed.  The users' HA1s are the subscriber
 * table's (subscriber.h).
 * The SIP side (challenges, authorize) is stdlib/auth_fn.c; parsing the
 * credentials is auth_creds.c.
 *
 * A nonce is 72 hex digits:
 *   issued   16  the unix time it was made
 *   salt     16  random (a counter offline, so transcripts are stable)
 *   node      8  a hash of the issuing node's name (auth.node)
 *   mac      32  HMAC-SHA-256(auth.secret, issued salt node realm), cut
 * Any sipd with the same secret accepts a nonce another issued; a nonce
 * older than auth.nonce_expire seconds is stale (re-challenged with
 * stale=true); a wrong mac, or one for another realm, is not ours.
 *
 * Nonce counts: each nonce used with qop=auth is remembered until it
 * expires, with the highest nc seen and a 64-wide window below it; an nc
 * seen before, or older than the window, is a replay.  The memory is per
 * node: a nonce first used at another node is counted from its first use
 * here.
 *
 * The epoch: the counts live in memory, but the key may outlive the
 * process (auth_secret.c), so credentials captured before a restart would
 * pass again after it.  An Auth therefore has an epoch, the unix second it
 * started in, and a random boot tag: a nonce issued before the epoch is
 * STALE, whoever issued it; so is one issued in the epoch's second itself
 * unless this process made it (the top 8 digits of its salt are the boot
 * tag: a process that ran and stopped within that second made nonces of
 * the same date).  A phone holding one re-authenticates with a fresh
 * nonce (stale=true), a replayed capture does not get in.  Offline (sipc
 * test, a fake clock) there is no epoch, so transcripts do not change.
 */
#ifndef SIPC_AUTH_H
#define SIPC_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define AUTH_NONCE_LEN 72
#define AUTH_NONCE_EXPIRE_DEFAULT 300

typedef struct Auth Auth;

/* secret NULL: a random one (nonces then die with the process and are
 * not shared).  `started`: the unix second this node started (the
 * epoch), 0 for none.  `deterministic`: salts count from 0
 * (offline tests). */
Auth *auth_create(const char *secret, const char *node, int nonce_expire, int64_t started, int deterministic);
void auth_destroy(Auth *a);

/* auth_secret.c: a fresh random secret, 32 bytes as hex; 0, or -1 when
 * no random bytes could be had. */
#define AUTH_SECRET_HEX 64
int auth_secret_random(char hex[AUTH_SECRET_HEX + 1]);
/* auth_secret.c: the nonce key kept in db (made there when absent), as a
 * malloc'd string; NULL with err. */
char *auth_secret_from_db(Db *db, char *err, size_t errlen);

/* A fresh nonce for realm into out (AUTH_NONCE_LEN + 1 bytes). */
void auth_nonce_make(Auth *a, const char *realm, int64_t now, char out[AUTH_NONCE_LEN + 1]);

/* BAD: not ours (a wrong mac or realm, malformed, far in the future);
 * STALE: ours, but expired or issued before the epoch. */
typedef enum AuthNonce { AUTH_NONCE_OK, AUTH_NONCE_STALE, AUTH_NONCE_BAD } AuthNonce;
AuthNonce auth_nonce_check(const Auth *a, const char *nonce, const char *realm, int64_t now);

/* Records nonce count `nc` of `nonce`: 0 first use, -1 a replay. */
int auth_nc_use(Auth *a, const char *nonce, uint32_t nc, int64_t now);

#endif
