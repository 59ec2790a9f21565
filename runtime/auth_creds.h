/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auth_creds.h - the fields of Digest credentials (an Authorization or
 * Proxy-Authorization header as sofia-sip parsed it: a scheme and a list
 * of name=value parameters), checked and unquoted.  auth_creds.c; fuzzed
 * by tests/fuzz/fuzz_creds.c.
 */
#ifndef SIPC_AUTH_CREDS_H
#define SIPC_AUTH_CREDS_H

#include <stdint.h>

#include <sofia-sip/msg_types.h>
#include <sofia-sip/su_alloc.h>

#include "digest.h"

/* The longest parameter value taken; anything longer is malformed. */
#define AUTH_PARAM_MAX 512

typedef struct AuthCreds {
    const char *username, *realm, *nonce, *uri, *response; /* required */
    const char *algorithm;                                  /* NULL: MD5 */
    const char *cnonce, *nc, *qop, *opaque;                  /* NULL when absent */
    DigestAlg alg;
    uint32_t nc_value; /* nc as a number, when present */
} AuthCreds;

typedef enum AuthCredsResult {
    AUTH_CREDS_OK,
    AUTH_CREDS_NOT_DIGEST, /* another scheme (Basic...): not ours to judge */
    AUTH_CREDS_MALFORMED,  /* a required field missing, a duplicate, a bad value */
    AUTH_CREDS_UNSUPPORTED /* well formed, but an algorithm or qop we do not do */
} AuthCredsResult;

/* Fills c from au; strings are unquoted copies in home.  *why says what
 * was wrong (a static string) unless the result is AUTH_CREDS_OK. */
AuthCredsResult auth_creds_parse(su_home_t *home, const msg_auth_t *au, AuthCreds *c, const char **why);

#endif
