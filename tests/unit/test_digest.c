/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_digest.c - the digest arithmetic (runtime/digest.c): the published
 * RFC 2617 / RFC 7616 vectors of tests/data/digest/vectors.tsv (read at
 * run time, relative to the repository root, where `make unit` runs), the
 * -sess and no-qop variants, algorithm names, the hex comparison and
 * HMAC-SHA-256 (RFC 4231).
 */
#include <stdio.h>
#include <string.h>

#include "digest.h"
#include "unit.h"

#define VECTORS "tests/data/digest/vectors.tsv"

/* got == want, or a CUnit failure with both values and what was compared
 * on stderr (CUnit alone would show only the expressions). */
static void expect(const char *what, const char *got, const char *want)
{
    if (strcmp(got, want))
        fprintf(stderr, "\n  %s: got \"%s\", want \"%s\"\n", what, got, want);
    CU_ASSERT_STRING_EQUAL(got, want);
}

/* --- the published vectors ------------------------------------------------ */

enum { F_ID, F_ALG, F_USER, F_REALM, F_PASS, F_METHOD, F_URI, F_NONCE, F_NC, F_CNONCE, F_QOP, F_HA1, F_HA2,
       F_RESPONSE, NFIELDS };
/* The columns the test reads, found by the header row's names. */
static const char *const field_names[NFIELDS] = {"id",    "algorithm", "username", "realm", "password",
                                                 "method", "uri",      "nonce",    "nc",    "cnonce",
                                                 "qop",   "ha1",       "ha2",      "response"};

/* Splits line (tabs, line end dropped) into at most max fields; the count. */
static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max; p++) {
        f[n++] = p;
        if (!(p = strchr(p, '\t')))
            break;
        *p = '\0';
    }
    return n;
}

static void check_vector(char **col)
{
    char got[DIGEST_HEX_MAX], what[128], a2[256];
    const char *id = col[F_ID];
    DigestAlg alg = digest_alg_parse(col[F_ALG]);

    CU_ASSERT_NOT_EQUAL_FATAL(alg, DIGEST_ALG_UNKNOWN);
    digest_ha1(alg, col[F_USER], col[F_REALM], col[F_PASS], got);
    snprintf(what, sizeof what, "%s ha1", id);
    expect(what, got, col[F_HA1]);

    snprintf(a2, sizeof a2, "%s:%s", col[F_METHOD], col[F_URI]);
    digest_hash(alg, a2, strlen(a2), got);
    snprintf(what, sizeof what, "%s ha2", id);
    expect(what, got, col[F_HA2]);

    /* The response from the stored HA1, as sipd computes it. */
    char ha1[DIGEST_HEX_MAX];
    digest_session_ha1(alg, col[F_HA1], col[F_NONCE], col[F_CNONCE], ha1);
    digest_response(alg, ha1, col[F_NONCE], col[F_NC], col[F_CNONCE], col[F_QOP], col[F_METHOD], col[F_URI],
                    got);
    snprintf(what, sizeof what, "%s response", id);
    expect(what, got, col[F_RESPONSE]);
    CU_ASSERT_EQUAL(strlen(got), digest_hex_len(alg));
}

static void test_vectors(void)
{
    FILE *f = fopen(VECTORS, "r");
    if (!f) {
        fprintf(stderr, "\n  cannot open %s: run unit_tests from the repository root\n", VECTORS);
        CU_FAIL_FATAL("cannot open " VECTORS);
        return;
    }
    char line[4096], *f_all[32], *col[NFIELDS];
    int idx[NFIELDS], rows = 0, nhead = 0;

    if (fgets(line, sizeof line, f))
        nhead = split_tabs(line, f_all, 32);
    for (int k = 0; k < NFIELDS; k++) {
        idx[k] = -1;
        for (int i = 0; i < nhead; i++)
            if (!strcmp(f_all[i], field_names[k]))
                idx[k] = i;
        if (idx[k] < 0)
            fprintf(stderr, "\n  %s: no column \"%s\"\n", VECTORS, field_names[k]);
        CU_ASSERT(idx[k] >= 0);
    }
    while (nhead && fgets(line, sizeof line, f)) {
        if (!line[0] || line[0] == '\n')
            continue;
        int n = split_tabs(line, f_all, 32), ok = 1;
        for (int k = 0; k < NFIELDS; k++)
            if (idx[k] < 0 || idx[k] >= n)
                ok = 0;
            else
                col[k] = f_all[idx[k]];
        CU_ASSERT(ok);
        if (ok)
            check_vector(col);
        rows++;
    }
    fclose(f);
    /* RFC 2617 3.5 (MD5), RFC 7616 3.9.1 (MD5 and SHA-256). */
    CU_ASSERT_EQUAL(rows, 3);
}

/* --- values computed here ----------------------------------------------- */

/*
 * The inputs of the RFC examples with the other algorithms.  The expected
 * values were computed by hand with Python 3 hashlib, e.g.
 *   md5(b"939e7578ed9e3c518a452acee763bce9:dcd98b7102dd2f0e8b11d0f600bfb0c093:0a4f113b")
 * for the MD5-sess session HA1, and every value again with
 * `printf '%s' '...' | openssl dgst -md5` (or -sha256): both agreed.  HA1 and HA2 are the RFCs' (vectors.tsv); the session HA1 is
 * H(HA1 ":" nonce ":" cnonce) over the hex HA1 (RFC 7616 section 3.4.2).
 */
#define R2617_HA1    "939e7578ed9e3c518a452acee763bce9"
#define R2617_NONCE  "dcd98b7102dd2f0e8b11d0f600bfb0c093"
#define R2617_CNONCE "0a4f113b"
#define R7616_SHA1   "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232"
#define R7616_NONCE  "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define R7616_CNONCE "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"

static void test_sess(void)
{
    char sess[DIGEST_HEX_MAX], got[DIGEST_HEX_MAX];

    digest_session_ha1(DIGEST_MD5_SESS, R2617_HA1, R2617_NONCE, R2617_CNONCE, sess);
    expect("MD5-sess session HA1", sess, "5edb191b66dce1584c16cb7e7346fcee");
    digest_response(DIGEST_MD5_SESS, sess, R2617_NONCE, "00000001", R2617_CNONCE, "auth", "GET",
                    "/dir/index.html", got);
    expect("MD5-sess response", got, "8e3825c57e897f5a0dec6c2d4e5059d0");

    digest_session_ha1(DIGEST_SHA256_SESS, R7616_SHA1, R7616_NONCE, R7616_CNONCE, sess);
    expect("SHA-256-sess session HA1", sess, "bca21f4c7d7e8bf70d96361085370c7d219947abc1b8cd628f710917b89bed5b");
    digest_response(DIGEST_SHA256_SESS, sess, R7616_NONCE, "00000001", R7616_CNONCE, "auth", "GET",
                    "/dir/index.html", got);
    expect("SHA-256-sess response", got, "2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7");

    /* Without -sess the HA1 is used as it is, also in place. */
    digest_session_ha1(DIGEST_SHA256, R7616_SHA1, R7616_NONCE, R7616_CNONCE, sess);
    expect("SHA-256 session HA1", sess, R7616_SHA1);
    strcpy(got, R2617_HA1);
    digest_session_ha1(DIGEST_MD5, got, R2617_NONCE, R2617_CNONCE, got);
    expect("MD5 session HA1 in place", got, R2617_HA1);
}

/* RFC 2069 style: H(HA1 ":" nonce ":" HA2), no nc, cnonce or qop. */
static void test_no_qop(void)
{
    char got[DIGEST_HEX_MAX];
    digest_response(DIGEST_MD5, R2617_HA1, R2617_NONCE, NULL, NULL, NULL, "GET", "/dir/index.html", got);
    expect("MD5 no-qop response", got, "670fd8c2df070c60b045671b8b24ff02");
    /* nc and cnonce are ignored without qop. */
    digest_response(DIGEST_MD5, R2617_HA1, R2617_NONCE, "00000001", R2617_CNONCE, NULL, "GET", "/dir/index.html",
                    got);
    expect("MD5 no-qop response, nc given", got, "670fd8c2df070c60b045671b8b24ff02");
    digest_response(DIGEST_SHA256, R7616_SHA1, R7616_NONCE, NULL, NULL, NULL, "GET", "/dir/index.html", got);
    expect("SHA-256 no-qop response", got, "a1306b0595a6c7fe96c448631fb5cfbd5107bd1fe1da729d978dd7446b812363");
}

/* An HA1 that is not set ('' in the subscriber table) or an unknown
 * algorithm gives "", which matches no response, not a hash anyone can
 * compute without the password. */
static void test_refusals(void)
{
    char got[DIGEST_HEX_MAX];
    digest_response(DIGEST_MD5, "", R2617_NONCE, "00000001", R2617_CNONCE, "auth", "GET", "/", got);
    expect("response of an empty HA1", got, "");
    CU_ASSERT_FALSE(digest_hex_equal(got, ""));
    digest_response(DIGEST_SHA256, NULL, R2617_NONCE, NULL, NULL, NULL, "GET", "/", got);
    expect("response of a NULL HA1", got, "");
    digest_session_ha1(DIGEST_SHA256_SESS, "", R7616_NONCE, R7616_CNONCE, got);
    expect("session HA1 of an empty HA1", got, "");
    digest_ha1(DIGEST_ALG_UNKNOWN, "u", "r", "p", got);
    expect("HA1 of an unknown algorithm", got, "");
    digest_hash((DigestAlg)42, "x", 1, got);
    expect("hash of an out-of-range algorithm", got, "");
}

static void test_alg_names(void)
{
    for (int a = DIGEST_MD5; a <= DIGEST_SHA256_SESS; a++) {
        const char *name = digest_alg_name((DigestAlg)a);
        CU_ASSERT_PTR_NOT_NULL_FATAL(name);
        CU_ASSERT_EQUAL(digest_alg_parse(name), a);
    }
    CU_ASSERT_STRING_EQUAL(digest_alg_name(DIGEST_MD5), "MD5");
    CU_ASSERT_STRING_EQUAL(digest_alg_name(DIGEST_MD5_SESS), "MD5-sess");
    CU_ASSERT_STRING_EQUAL(digest_alg_name(DIGEST_SHA256), "SHA-256");
    CU_ASSERT_STRING_EQUAL(digest_alg_name(DIGEST_SHA256_SESS), "SHA-256-sess");
    CU_ASSERT_PTR_NULL(digest_alg_name(DIGEST_ALG_UNKNOWN));

    /* Case does not matter (RFC 7616: tokens are case-insensitive). */
    CU_ASSERT_EQUAL(digest_alg_parse("md5"), DIGEST_MD5);
    CU_ASSERT_EQUAL(digest_alg_parse("md5-SESS"), DIGEST_MD5_SESS);
    CU_ASSERT_EQUAL(digest_alg_parse("sha-256"), DIGEST_SHA256);
    CU_ASSERT_EQUAL(digest_alg_parse("Sha-256-Sess"), DIGEST_SHA256_SESS);
    /* No algorithm parameter is MD5 (RFC 2617 section 3.2.1). */
    CU_ASSERT_EQUAL(digest_alg_parse(NULL), DIGEST_MD5);
    CU_ASSERT_EQUAL(digest_alg_parse(""), DIGEST_ALG_UNKNOWN);
    CU_ASSERT_EQUAL(digest_alg_parse("SHA-512-256"), DIGEST_ALG_UNKNOWN);
    CU_ASSERT_EQUAL(digest_alg_parse("SHA256"), DIGEST_ALG_UNKNOWN);
    CU_ASSERT_EQUAL(digest_alg_parse("MD5 "), DIGEST_ALG_UNKNOWN);

    CU_ASSERT_EQUAL(digest_hex_len(DIGEST_MD5), 32);
    CU_ASSERT_EQUAL(digest_hex_len(DIGEST_MD5_SESS), 32);
    CU_ASSERT_EQUAL(digest_hex_len(DIGEST_SHA256), 64);
    CU_ASSERT_EQUAL(digest_hex_len(DIGEST_SHA256_SESS), 64);
    CU_ASSERT_EQUAL(digest_hex_len(DIGEST_ALG_UNKNOWN), 0);
    CU_ASSERT_EQUAL(digest_base(DIGEST_MD5_SESS), DIGEST_MD5);
    CU_ASSERT_EQUAL(digest_base(DIGEST_SHA256_SESS), DIGEST_SHA256);
    CU_ASSERT_EQUAL(digest_base(DIGEST_SHA256), DIGEST_SHA256);
    CU_ASSERT_EQUAL(digest_base(DIGEST_ALG_UNKNOWN), DIGEST_ALG_UNKNOWN);
}

static void test_hex_equal(void)
{
    CU_ASSERT_TRUE(digest_hex_equal(R2617_HA1, R2617_HA1));
    CU_ASSERT_TRUE(digest_hex_equal("0123456789abcdef", "0123456789ABCDEF"));
    CU_ASSERT_TRUE(digest_hex_equal("ABCDEF", "abcdef"));
    /* A difference at either end. */
    CU_ASSERT_FALSE(digest_hex_equal("939e7578ed9e3c518a452acee763bce9", "939e7578ed9e3c518a452acee763bce8"));
    CU_ASSERT_FALSE(digest_hex_equal("039e7578ed9e3c518a452acee763bce9", "939e7578ed9e3c518a452acee763bce9"));
    /* Different lengths: a prefix is not equal. */
    CU_ASSERT_FALSE(digest_hex_equal("939e7578", R2617_HA1));
    CU_ASSERT_FALSE(digest_hex_equal(R2617_HA1, "939e7578"));
    /* Nothing, and what is not hex, is never equal, even to itself. */
    CU_ASSERT_FALSE(digest_hex_equal("", ""));
    CU_ASSERT_FALSE(digest_hex_equal(NULL, R2617_HA1));
    CU_ASSERT_FALSE(digest_hex_equal(R2617_HA1, NULL));
    CU_ASSERT_FALSE(digest_hex_equal("xyz", "xyz"));
    CU_ASSERT_FALSE(digest_hex_equal("ab g", "ab g"));
    /* Case folding is for the letters a-f only: '@' | 0x20 is '`'. */
    CU_ASSERT_FALSE(digest_hex_equal("a@", "a`"));
}

static void test_hash_hmac(void)
{
    char got[DIGEST_HEX_MAX];
    /* RFC 4231 section 4.3, test case 2. */
    const char *data = "what do ya want for nothing?";
    digest_hmac("Jefe", 4, data, strlen(data), got);
    expect("HMAC-SHA-256 RFC 4231 case 2", got, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    /* An empty key is a key, and NULL with length 0 is that key (value from
     * Python's hmac.new(b"", data, hashlib.sha256)). */
    const char *empty = "76d9e7194e7dbc3aa00bbe8ffb9f6fcb5a932170f971f948bb2ab61607d2b9d6";
    digest_hmac("", 0, data, strlen(data), got);
    expect("HMAC with an empty key", got, empty);
    digest_hmac(NULL, 0, data, strlen(data), got);
    expect("HMAC with a NULL key", got, empty);

    /* RFC 1321 appendix A.5 and FIPS 180-2 appendix B.1. */
    digest_hash(DIGEST_MD5, "", 0, got);
    expect("MD5 of nothing", got, "d41d8cd98f00b204e9800998ecf8427e");
    digest_hash(DIGEST_SHA256_SESS, "abc", 3, got);
    expect("SHA-256 of abc", got, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

void unit_add_digest_suite(void)
{
    CU_pSuite s = CU_add_suite("digest", NULL, NULL);
    CU_add_test(s, "RFC 2617 and RFC 7616 vectors", test_vectors);
    CU_add_test(s, "MD5-sess and SHA-256-sess", test_sess);
    CU_add_test(s, "response without qop", test_no_qop);
    CU_add_test(s, "an unset HA1 or unknown algorithm gives nothing", test_refusals);
    CU_add_test(s, "algorithm names", test_alg_names);
    CU_add_test(s, "hex comparison", test_hex_equal);
    CU_add_test(s, "hashes and HMAC-SHA-256", test_hash_hmac);
}
