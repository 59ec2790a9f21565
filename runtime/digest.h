/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * digest.h - the arithmetic of HTTP/SIP digest authentication (RFC 2617,
 * RFC 7616, RFC 3261 section 22): HA1, HA2 and the response, for MD5 and
 * SHA-256 and their -sess variants.  digest.c, on OpenSSL's EVP.
 *
 * Every hash is written as lower-case hex, NUL-terminated, into a buffer of
 * DIGEST_HEX_MAX bytes.  Pure functions: no allocation by the caller or
 * here (OpenSSL allocates a context inside each call and frees it), no
 * state, safe from any thread.  A NULL string argument counts as "".
 *
 * Failure (an unknown alg, an empty HA1 given to digest_session_ha1 or
 * digest_response, OpenSSL out of memory or without MD5 in a FIPS-only
 * setup) writes the empty string, which digest_hex_equal() never calls
 * equal to anything: a failed computation refuses the client, it never
 * lets one in.
 */
#ifndef SIPC_DIGEST_H
#define SIPC_DIGEST_H

#include <stddef.h>

typedef enum DigestAlg {
    DIGEST_MD5,
    DIGEST_MD5_SESS,
    DIGEST_SHA256,
    DIGEST_SHA256_SESS,
    DIGEST_ALG_UNKNOWN = -1
} DigestAlg;

/* Room for the hex of the longest hash (SHA-256) and its NUL. */
#define DIGEST_HEX_MAX 65

/* "MD5", "MD5-sess", "SHA-256", "SHA-256-sess", compared without case;
 * NULL (no algorithm parameter) is MD5 (RFC 2617 section 3.2.1). */
DigestAlg digest_alg_parse(const char *name);
/* The RFC 7616 spelling ("MD5-sess"); NULL for DIGEST_ALG_UNKNOWN. */
const char *digest_alg_name(DigestAlg alg);
/* Hex digits of the algorithm's hash: 32 or 64 (0 when unknown). */
size_t digest_hex_len(DigestAlg alg);
/* DIGEST_MD5 for MD5 and MD5-sess, DIGEST_SHA256 for the SHA-256 pair. */
DigestAlg digest_base(DigestAlg alg);

/* H(data) of the algorithm's hash function, as hex into out. */
void digest_hash(DigestAlg alg, const void *data, size_t len, char out[DIGEST_HEX_MAX]);

/* HA1 = H(user ":" realm ":" password) with the base hash of alg (what the
 * subscriber table stores). */
void digest_ha1(DigestAlg alg, const char *user, const char *realm, const char *password,
                char out[DIGEST_HEX_MAX]);
/* The HA1 a response is computed with: `ha1` itself, or for a -sess
 * algorithm H(ha1 ":" nonce ":" cnonce) (RFC 7616 section 3.4.2); "" for
 * an empty or NULL `ha1`. */
void digest_session_ha1(DigestAlg alg, const char *ha1, const char *nonce, const char *cnonce,
                        char out[DIGEST_HEX_MAX]);
/* The expected response: with qop "auth", H(ha1 ":" nonce ":" nc ":"
 * cnonce ":" qop ":" H(method ":" uri)); without qop (RFC 2069 style,
 * qop NULL) H(ha1 ":" nonce ":" H(method ":" uri)).  `ha1` is the session
 * HA1 for -sess algorithms (digest_session_ha1).  Only qop "auth" is
 * computed (auth-int would hash the body into A2).  An empty or NULL `ha1`
 * (a user without an HA1 for this algorithm) gives "". */
void digest_response(DigestAlg alg, const char *ha1, const char *nonce, const char *nc, const char *cnonce,
                     const char *qop, const char *method, const char *uri, char out[DIGEST_HEX_MAX]);

/* Constant-time comparison of two hex strings (case-insensitive); 1 equal.
 * Time depends on the lengths only.  0 when either is NULL or empty, the
 * lengths differ, or either holds a character that is not a hex digit. */
int digest_hex_equal(const char *a, const char *b);

/* HMAC-SHA-256 of data with key, as 64 hex digits (nonce signatures). */
void digest_hmac(const void *key, size_t keylen, const void *data, size_t len, char out[DIGEST_HEX_MAX]);

#endif
