/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * digest.c - digest authentication arithmetic (see digest.h) on OpenSSL's
 * EVP interface: MD5 and SHA-256, HMAC-SHA-256, hex in lower case.
 *
 * Every value that is hashed is a list of strings joined by ':' (RFC 7616
 * section 3.4), so one helper, hash_join(), feeds the parts to the digest
 * one after the other: nothing is concatenated, so no buffer bounds the
 * length of a client's nonce or URI and nothing is allocated here.
 * OpenSSL allocates its own digest context for the duration of a call
 * and frees it before returning.
 *
 * Failure (OpenSSL out of memory, or MD5 disabled by a FIPS-only
 * configuration) writes the empty string, never a partial hash; and
 * digest_hex_equal() never calls an empty string equal, so a failed
 * computation can only refuse a client, never let one in.
 */
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "digest.h"

/* Indexed by DigestAlg; the spelling of RFC 7616 section 6.1. */
static const char *const alg_names[] = {"MD5", "MD5-sess", "SHA-256", "SHA-256-sess"};
#define NALGS ((int)(sizeof alg_names / sizeof alg_names[0]))

DigestAlg digest_alg_parse(const char *name)
{
    if (!name)
        return DIGEST_MD5; /* no algorithm parameter: RFC 2617 section 3.2.1 */
    for (int i = 0; i < NALGS; i++)
        if (!strcasecmp(name, alg_names[i]))
            return (DigestAlg)i;
    return DIGEST_ALG_UNKNOWN;
}

const char *digest_alg_name(DigestAlg alg)
{
    return alg >= 0 && (int)alg < NALGS ? alg_names[alg] : NULL;
}

DigestAlg digest_base(DigestAlg alg)
{
    switch (alg) {
    case DIGEST_MD5:
    case DIGEST_MD5_SESS:
        return DIGEST_MD5;
    case DIGEST_SHA256:
    case DIGEST_SHA256_SESS:
        return DIGEST_SHA256;
    default:
        return DIGEST_ALG_UNKNOWN;
    }
}

size_t digest_hex_len(DigestAlg alg)
{
    DigestAlg b = digest_base(alg);
    return b == DIGEST_MD5 ? 32 : b == DIGEST_SHA256 ? 64 : 0;
}

/* The EVP digest of alg's base hash; NULL for an unknown alg. */
static const EVP_MD *md_of(DigestAlg alg)
{
    DigestAlg b = digest_base(alg);
    return b == DIGEST_MD5 ? EVP_md5() : b == DIGEST_SHA256 ? EVP_sha256() : NULL;
}

/* n raw bytes as 2n lower-case hex digits and a NUL (n <= 32). */
static void to_hex(const unsigned char *raw, unsigned n, char out[DIGEST_HEX_MAX])
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[2 * n] = '\0';
}

/* H(parts[0] ":" parts[1] ":" ... parts[n-1]) as hex into out; a NULL
 * part counts as empty.  The empty string on failure. */
static void hash_join(DigestAlg alg, const char *const *parts, size_t n, char out[DIGEST_HEX_MAX])
{
    const EVP_MD *md = md_of(alg);
    unsigned char raw[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    int ok = md != NULL;
    EVP_MD_CTX *ctx = ok ? EVP_MD_CTX_new() : NULL;

    out[0] = '\0';
    ok = ok && ctx && EVP_DigestInit_ex(ctx, md, NULL);
    for (size_t i = 0; ok && i < n; i++) {
        if (i)
            ok = EVP_DigestUpdate(ctx, ":", 1);
        if (ok && parts[i])
            ok = EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]));
    }
    ok = ok && EVP_DigestFinal_ex(ctx, raw, &len);
    EVP_MD_CTX_free(ctx);
    if (ok && len * 2 < DIGEST_HEX_MAX)
        to_hex(raw, len, out);
}

void digest_hash(DigestAlg alg, const void *data, size_t len, char out[DIGEST_HEX_MAX])
{
    const EVP_MD *md = md_of(alg);
    unsigned char raw[EVP_MAX_MD_SIZE];
    unsigned n = 0;

    out[0] = '\0';
    if (md && EVP_Digest(len ? data : "", len, raw, &n, md, NULL) && n * 2 < DIGEST_HEX_MAX)
        to_hex(raw, n, out);
}

void digest_ha1(DigestAlg alg, const char *user, const char *realm, const char *password,
                char out[DIGEST_HEX_MAX])
{
    const char *parts[] = {user, realm, password};
    hash_join(alg, parts, 3, out);
}

void digest_session_ha1(DigestAlg alg, const char *ha1, const char *nonce, const char *cnonce,
                        char out[DIGEST_HEX_MAX])
{
    if (!ha1 || !ha1[0]) {
        out[0] = '\0'; /* else H(":" nonce ":" cnonce) would be a key anyone knows */
    } else if (alg == DIGEST_MD5_SESS || alg == DIGEST_SHA256_SESS) {
        /* The hex HA1, as RFC 7616 says (RFC 2617's sample code hashed the
         * 16 raw bytes instead, against its own text; clients follow the
         * text). */
        const char *parts[] = {ha1, nonce, cnonce};
        hash_join(alg, parts, 3, out);
    } else if (alg == DIGEST_MD5 || alg == DIGEST_SHA256) {
        size_t n = strnlen(ha1, DIGEST_HEX_MAX - 1);
        memmove(out, ha1, n); /* memmove: out may be ha1 */
        out[n] = '\0';
    } else {
        out[0] = '\0';
    }
}

void digest_response(DigestAlg alg, const char *ha1, const char *nonce, const char *nc, const char *cnonce,
                     const char *qop, const char *method, const char *uri, char out[DIGEST_HEX_MAX])
{
    char ha2[DIGEST_HEX_MAX];
    const char *a2[] = {method, uri}; /* qop=auth: A2 = method ":" uri */

    /* An unset HA1 (the subscriber table stores '' for "none") must not
     * become a key anyone can compute the response with. */
    if (!ha1 || !ha1[0]) {
        out[0] = '\0';
        return;
    }
    hash_join(alg, a2, 2, ha2);
    if (!ha2[0]) {
        out[0] = '\0';
        return;
    }
    if (qop) {
        const char *parts[] = {ha1, nonce, nc, cnonce, qop, ha2};
        hash_join(alg, parts, 6, out);
    } else {
        const char *parts[] = {ha1, nonce, ha2}; /* RFC 2069 compatibility */
        hash_join(alg, parts, 3, out);
    }
}

/* 1 if c is a hex digit, 0 if not, without a branch on c. */
static unsigned is_hex(unsigned char c)
{
    unsigned digit = (unsigned)(c - '0') < 10u;
    unsigned letter = (unsigned)((c | 0x20) - 'a') < 6u;
    return digit | letter;
}

int digest_hex_equal(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    /* The lengths are public (32 or 64 digits); only the digits are secret. */
    size_t n = strlen(a);
    if (n == 0 || n != strlen(b))
        return 0;
    unsigned diff = 0, valid = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        /* | 0x20 lower-cases A-F and leaves 0-9 as they are. */
        diff |= (unsigned)((x | 0x20) ^ (y | 0x20));
        valid &= is_hex(x) & is_hex(y);
    }
    return (diff == 0) & valid;
}

void digest_hmac(const void *key, size_t keylen, const void *data, size_t len, char out[DIGEST_HEX_MAX])
{
    unsigned char raw[EVP_MAX_MD_SIZE];
    unsigned n = 0;

    out[0] = '\0';
    if (keylen > (size_t)0x7fffffff)
        return; /* HMAC() takes an int length */
    /* Never a NULL key: to OpenSSL's HMAC init that means "keep the key
     * set before", not "empty key". */
    if (HMAC(EVP_sha256(), keylen ? key : "", (int)keylen, len ? data : (const void *)"", len, raw, &n) &&
        n * 2 < DIGEST_HEX_MAX)
        to_hex(raw, n, out);
}
