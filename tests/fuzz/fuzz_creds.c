/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_creds.c - libFuzzer harness for digest credentials (issue #7): the
 * path from an Authorization header's value to the arithmetic that checks
 * it, without the network and the database.
 *
 * Each input is the value of an Authorization header, as bytes (up to the
 * first NUL, as sofia-sip reads a header string).  It is parsed by
 * sofia-sip (sip_authorization_make(), the parser sipd's messages go
 * through; Proxy-Authorization has the same one), and each credentials
 * header it yields goes through auth_creds_parse() (runtime/auth_creds.c),
 * which must set its reason whatever the result.  Credentials it accepts
 * must hold what stdlib/auth_fn.c relies on: the five required fields, no
 * value longer than AUTH_PARAM_MAX, a known algorithm, a response of that
 * algorithm's hex length, with qop "auth" an nc of 8 hex digits that
 * nc_value equals and a cnonce.  Then the digest math of runtime/digest.h
 * runs on the fields (HA1 of the username and realm with a fixed password,
 * the -sess HA1, the expected response), each result empty or a hex
 * string of the algorithm's length, equal to itself and never to a
 * different string; and the nonce code of runtime/auth.c: the client's
 * nonce is checked (any bytes), and a fresh nonce for the client's realm
 * must check OK and take the client's nc once, and a second time be a
 * replay.  Besides those, "no crash, hang, leak or sanitizer report".
 *
 * Built and run by `make fuzz-smoke` / `make fuzz` (tests/fuzz/run.sh,
 * seeds in tests/fuzz/corpus-creds/); a finding replays with
 * `build-fuzz/fuzz_creds FILE`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>

#include "auth.h"
#include "auth_creds.h"
#include "digest.h"
#include "rt.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                              \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "fuzz_creds: %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    rt_log_set_level(RT_LOG_ERROR);
    return 0;
}

/* s is "" or exactly n lower-case hex digits. */
static int empty_or_hex(const char *s, size_t n)
{
    size_t len = strlen(s);
    if (len == 0)
        return 1;
    if (len != n)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static void check_field(const char *v, int required)
{
    if (!v) {
        CHECK(!required);
        return;
    }
    CHECK(strlen(v) <= AUTH_PARAM_MAX);
}

/* What authorize() does with accepted credentials, minus the database. */
static void digest_math(const AuthCreds *c)
{
    DigestAlg base = digest_base(c->alg);
    size_t n = digest_hex_len(c->alg);
    char ha1[DIGEST_HEX_MAX], sess[DIGEST_HEX_MAX], want[DIGEST_HEX_MAX];

    CHECK(base == DIGEST_MD5 || base == DIGEST_SHA256);
    CHECK(digest_alg_name(c->alg) != NULL);
    digest_ha1(base, c->username, c->realm, "fuzz-password", ha1);
    CHECK(empty_or_hex(ha1, n));
    digest_session_ha1(c->alg, ha1, c->nonce, c->cnonce, sess);
    CHECK(empty_or_hex(sess, n));
    digest_response(c->alg, sess, c->nonce, c->nc, c->cnonce, c->qop, "REGISTER", c->uri, want);
    CHECK(empty_or_hex(want, n));
    /* A computed response equals itself, the client's its own (it has
     * the right length and hex digits), and "" nothing. */
    if (*want)
        CHECK(digest_hex_equal(want, want) == 1);
    CHECK(digest_hex_equal(c->response, c->response) == 1);
    CHECK(digest_hex_equal("", c->response) == 0);
    if (digest_hex_equal(want, c->response)) /* only if they are the same text, case aside */
        CHECK(strlen(want) == strlen(c->response));
}

/* The nonces of runtime/auth.c against what the client sent.  A private
 * Auth per input (no state carried from one input to the next), at a
 * fixed time. */
static void nonces(const AuthCreds *c)
{
    const int64_t now = 1767225600; /* 2026-01-01, as sipc test */
    Auth *a = auth_create("fuzz-secret", "fuzz", 300, 0, 1);
    CHECK(a != NULL);
    AuthNonce r = auth_nonce_check(a, c->nonce, c->realm, now);
    CHECK(r == AUTH_NONCE_OK || r == AUTH_NONCE_STALE || r == AUTH_NONCE_BAD);

    char fresh[AUTH_NONCE_LEN + 1];
    auth_nonce_make(a, c->realm, now, fresh);
    CHECK(strlen(fresh) == AUTH_NONCE_LEN);
    CHECK(auth_nonce_check(a, fresh, c->realm, now) == AUTH_NONCE_OK);
    CHECK(auth_nonce_check(a, fresh, c->realm, now + 301) == AUTH_NONCE_STALE);
    if (c->qop) {
        int first = auth_nc_use(a, fresh, c->nc_value, now);
        CHECK(first == (c->nc_value == 0 ? -1 : 0));
        CHECK(auth_nc_use(a, fresh, c->nc_value, now) == -1); /* the same nc again: a replay */
        if (c->nc_value > 1 && c->nc_value < UINT32_MAX) {
            CHECK(auth_nc_use(a, fresh, c->nc_value + 1, now) == 0);
            CHECK(auth_nc_use(a, fresh, c->nc_value - 1, now) == 0); /* late, inside the window */
            CHECK(auth_nc_use(a, fresh, c->nc_value - 1, now) == -1);
        }
    }
    auth_destroy(a);
}

static void one(su_home_t *home, const msg_auth_t *au)
{
    AuthCreds c;
    const char *why = NULL;
    AuthCredsResult r = auth_creds_parse(home, au, &c, &why);
    CHECK(why != NULL);
    switch (r) {
    case AUTH_CREDS_OK: break;
    case AUTH_CREDS_NOT_DIGEST:
    case AUTH_CREDS_MALFORMED:
    case AUTH_CREDS_UNSUPPORTED: CHECK(*why != '\0'); return;
    default: CHECK(!"an AuthCredsResult out of range");
    }
    check_field(c.username, 1);
    check_field(c.realm, 1);
    check_field(c.nonce, 1);
    check_field(c.uri, 1);
    check_field(c.response, 1);
    check_field(c.algorithm, 0);
    check_field(c.cnonce, 0);
    check_field(c.nc, 0);
    check_field(c.qop, 0);
    check_field(c.opaque, 0);
    CHECK(c.alg == digest_alg_parse(c.algorithm));
    CHECK(c.alg != DIGEST_ALG_UNKNOWN);
    CHECK(strlen(c.response) == digest_hex_len(c.alg));
    if (c.qop) {
        CHECK(c.nc && c.cnonce && *c.cnonce && strlen(c.nc) == 8);
        CHECK(strtoul(c.nc, NULL, 16) == c.nc_value);
    } else {
        CHECK(!c.nc && !c.cnonce);
    }
    digest_math(&c);
    nonces(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    su_home_t home[1] = {SU_HOME_INIT(home)};
    sip_authorization_t *au = sip_authorization_make(home, s);
    for (const msg_auth_t *a = au; a; a = a->au_next)
        one(home, a);
    su_home_deinit(home);
    free(s);
    return 0;
}
