/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auth_secret.c - the key nonces are signed with, when the policy sets no
 * auth.secret: kept in the database (table sipc_secret, one row), so that
 * every sipd node using that database signs and accepts the same nonces,
 * and a restart does not invalidate the nonces phones hold.  The first
 * node to need it makes it (32 random bytes, as hex); when two start at
 * once, the second's INSERT fails on the primary key and it reads the
 * first's.  Whoever can read the database can forge nonces with it, but
 * could read the subscribers' HA1s anyway.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "auth.h"

/* The row's secret as a malloc'd string, NULL when there is none (or on
 * error). */
static char *read_secret(Db *db)
{
    DbStmt *st = db_prepare(db, "SELECT secret FROM sipc_secret WHERE id = 1");
    if (!st)
        return NULL;
    char *s = NULL;
    if (db_step(st) == DB_ROW && db_col_text(st, 0) && strlen(db_col_text(st, 0)) >= 32)
        s = strdup(db_col_text(st, 0));
    db_finalize(st);
    return s;
}

int auth_secret_random(char hex[AUTH_SECRET_HEX + 1])
{
    unsigned char rnd[AUTH_SECRET_HEX / 2];
    if (RAND_bytes(rnd, sizeof rnd) != 1)
        return -1;
    for (size_t i = 0; i < sizeof rnd; i++)
        snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
    return 0;
}

char *auth_secret_from_db(Db *db, char *err, size_t errlen)
{
    char *s = read_secret(db);
    if (s)
        return s;
    char hex[AUTH_SECRET_HEX + 1];
    if (auth_secret_random(hex) < 0) {
        snprintf(err, errlen, "no random bytes for the nonce key");
        return NULL;
    }
    DbStmt *st = db_prepare(db, "INSERT INTO sipc_secret (id, secret) VALUES (1, ?)");
    if (st) {
        if (db_bind_text(st, 1, hex) == 0)
            (void)db_step(st); /* may lose the race to another node: read below */
        db_finalize(st);
    }
    if (!(s = read_secret(db)))
        snprintf(err, errlen, "cannot keep the nonce key in the database: %s", db_error(db));
    return s;
}
