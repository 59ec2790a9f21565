/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_auth.c - nonces and nonce counts (runtime/auth.c): what a forger, a
 * replayer and a slow client each get.
 */
#include <string.h>

#include "auth.h"
#include "unit.h"

#define T0 1767225600LL

static void test_nonce_roundtrip(void)
{
    Auth *a = auth_create("secret", "node-a", 300, 0, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    char n[AUTH_NONCE_LEN + 1], n2[AUTH_NONCE_LEN + 1];
    auth_nonce_make(a, "example.com", T0, n);
    CU_ASSERT_EQUAL(strlen(n), AUTH_NONCE_LEN);
    CU_ASSERT_EQUAL(auth_nonce_check(a, n, "example.com", T0), AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(auth_nonce_check(a, n, "example.com", T0 + 300), AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(auth_nonce_check(a, n, "example.com", T0 + 301), AUTH_NONCE_STALE);
    /* another realm, a changed digit, a truncated or foreign string */
    CU_ASSERT_EQUAL(auth_nonce_check(a, n, "example.org", T0), AUTH_NONCE_BAD);
    memcpy(n2, n, sizeof n2);
    n2[5] = n2[5] == '0' ? '1' : '0'; /* the issue time moved: the mac no longer fits */
    CU_ASSERT_EQUAL(auth_nonce_check(a, n2, "example.com", T0), AUTH_NONCE_BAD);
    n2[5] = n[5];
    n2[71] = n2[71] == 'a' ? 'b' : 'a';
    CU_ASSERT_EQUAL(auth_nonce_check(a, n2, "example.com", T0), AUTH_NONCE_BAD);
    CU_ASSERT_EQUAL(auth_nonce_check(a, "", "example.com", T0), AUTH_NONCE_BAD);
    CU_ASSERT_EQUAL(auth_nonce_check(a, "zz", "example.com", T0), AUTH_NONCE_BAD);
    CU_ASSERT_EQUAL(auth_nonce_check(a, NULL, "example.com", T0), AUTH_NONCE_BAD);
    /* issued far in the future: not ours to trust */
    auth_nonce_make(a, "example.com", T0 + 3600, n2);
    CU_ASSERT_EQUAL(auth_nonce_check(a, n2, "example.com", T0), AUTH_NONCE_BAD);
    /* two nonces differ */
    auth_nonce_make(a, "example.com", T0, n2);
    CU_ASSERT(strcmp(n, n2) != 0);
    auth_destroy(a);
}

/* Nodes sharing the secret accept each other's nonces; others do not. */
static void test_nonce_shared_secret(void)
{
    Auth *a = auth_create("shared", "node-a", 300, 0, 0);
    Auth *b = auth_create("shared", "node-b", 300, 0, 0);
    Auth *c = auth_create("different", "node-a", 300, 0, 0);
    Auth *r = auth_create(NULL, "node-r", 300, 0, 0); /* a random key */
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    char n[AUTH_NONCE_LEN + 1];
    auth_nonce_make(a, "example.com", T0, n);
    CU_ASSERT_EQUAL(auth_nonce_check(b, n, "example.com", T0 + 1), AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(auth_nonce_check(c, n, "example.com", T0 + 1), AUTH_NONCE_BAD);
    CU_ASSERT_EQUAL(auth_nonce_check(r, n, "example.com", T0 + 1), AUTH_NONCE_BAD);
    char nb[AUTH_NONCE_LEN + 1]; /* digits 32..39 name the issuing node */
    auth_nonce_make(b, "example.com", T0, nb);
    CU_ASSERT(memcmp(n + 32, nb + 32, 8) != 0);
    auth_destroy(a);
    auth_destroy(b);
    auth_destroy(c);
    auth_destroy(r);
}

static void test_nonce_counts(void)
{
    Auth *a = auth_create("secret", "n", 300, 0, 1);
    char n[AUTH_NONCE_LEN + 1], m[AUTH_NONCE_LEN + 1];
    auth_nonce_make(a, "example.com", T0, n);
    auth_nonce_make(a, "example.com", T0, m);
    CU_ASSERT_EQUAL(auth_nc_use(a, n, 1, T0), 0);
    CU_ASSERT_EQUAL(auth_nc_use(a, n, 1, T0), -1); /* replay */
    CU_ASSERT_EQUAL(auth_nc_use(a, n, 2, T0), 0);
    CU_ASSERT_EQUAL(auth_nc_use(a, n, 5, T0), 0);
    CU_ASSERT_EQUAL(auth_nc_use(a, n, 4, T0), 0);  /* out of order, unused: fine */
    CU_ASSERT_EQUAL(auth_nc_use(a, n, 4, T0), -1); /* but only once */
    CU_ASSERT_EQUAL(auth_nc_use(a, n, 0, T0), -1); /* nc starts at 1 */
    CU_ASSERT_EQUAL(auth_nc_use(a, m, 1, T0), 0);  /* counts are per nonce */
    CU_ASSERT_EQUAL(auth_nc_use(a, n, 200, T0), 0);
    CU_ASSERT_EQUAL(auth_nc_use(a, n, 100, T0), -1); /* older than the window */
    CU_ASSERT_EQUAL(auth_nc_use(a, n, 150, T0), 0);  /* inside it, unused */
    /* after the nonce expired its counts are forgotten (the nonce itself is
     * stale by then, so the client never gets this far) */
    CU_ASSERT_EQUAL(auth_nc_use(a, n, 1, T0 + 400), 0);
    auth_destroy(a);
}

/* A restart (or another node starting) refuses as stale every nonce
 * issued before it started, since the counts that would catch a replay
 * are gone, and those of its first second that it did not make; its own
 * nonces are good from its first second on. */
static void test_nonce_epoch(void)
{
    Auth *before = auth_create("shared", "node-a", 300, T0 - 60, 0);
    Auth *after = auth_create("shared", "node-a", 300, T0, 0); /* the same node restarted at T0 */
    Auth *peer = auth_create("shared", "node-b", 300, T0 + 30, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    CU_ASSERT_PTR_NOT_NULL_FATAL(after);
    CU_ASSERT_PTR_NOT_NULL_FATAL(peer);
    char old[AUTH_NONCE_LEN + 1], last[AUTH_NONCE_LEN + 1], fresh[AUTH_NONCE_LEN + 1], n[AUTH_NONCE_LEN + 1];
    auth_nonce_make(before, "example.com", T0 - 10, old);
    auth_nonce_make(before, "example.com", T0, last); /* in the second it stopped and `after` started */
    CU_ASSERT_EQUAL(auth_nonce_check(before, old, "example.com", T0 - 5), AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(auth_nonce_check(before, last, "example.com", T0), AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(auth_nc_use(before, old, 1, T0 - 5), 0);
    /* after the restart: well signed, young, but from before the epoch,
     * or from its second but not made by this process */
    CU_ASSERT_EQUAL(auth_nonce_check(after, old, "example.com", T0 + 1), AUTH_NONCE_STALE);
    CU_ASSERT_EQUAL(auth_nonce_check(after, last, "example.com", T0), AUTH_NONCE_STALE);
    /* a process that started, issued and stopped all in the second the
     * next one starts in: its nonces are stale there too */
    Auth *brief = auth_create("shared", "node-a", 300, T0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(brief);
    auth_nonce_make(brief, "example.com", T0, n);
    CU_ASSERT_EQUAL(auth_nonce_check(brief, n, "example.com", T0), AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(auth_nonce_check(after, n, "example.com", T0), AUTH_NONCE_STALE);
    auth_destroy(brief);
    /* its own, made in its first second: good at once, dated now */
    auth_nonce_make(after, "example.com", T0, fresh);
    CU_ASSERT_EQUAL(strncmp(fresh, "000000006955b900", 16), 0); /* T0 in hex */
    CU_ASSERT_EQUAL(auth_nonce_check(after, fresh, "example.com", T0), AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(auth_nonce_check(after, fresh, "example.com", T0 + 300), AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(auth_nonce_check(after, fresh, "example.com", T0 + 301), AUTH_NONCE_STALE);
    /* whoever issued it: a node that started later refuses it too ... */
    auth_nonce_make(after, "example.com", T0 + 20, n);
    CU_ASSERT_EQUAL(auth_nonce_check(peer, n, "example.com", T0 + 40), AUTH_NONCE_STALE);
    CU_ASSERT_EQUAL(auth_nonce_check(peer, fresh, "example.com", T0 + 40), AUTH_NONCE_STALE);
    auth_nonce_make(after, "example.com", T0 + 30, n); /* in the peer's first second */
    CU_ASSERT_EQUAL(auth_nonce_check(peer, n, "example.com", T0 + 31), AUTH_NONCE_STALE);
    /* ... and takes what was issued after it started */
    auth_nonce_make(after, "example.com", T0 + 31, n);
    CU_ASSERT_EQUAL(auth_nonce_check(peer, n, "example.com", T0 + 31), AUTH_NONCE_OK);
    /* a clock stepped back below the epoch: still dated the epoch, own */
    auth_nonce_make(peer, "example.com", T0 + 25, n);
    CU_ASSERT_EQUAL(auth_nonce_check(peer, n, "example.com", T0 + 30), AUTH_NONCE_OK);
    /* no epoch (offline): only the age counts */
    Auth *offline = auth_create("shared", "node-a", 300, 0, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(offline);
    CU_ASSERT_EQUAL(auth_nonce_check(offline, old, "example.com", T0 + 1), AUTH_NONCE_OK);
    CU_ASSERT_EQUAL(auth_nonce_check(offline, last, "example.com", T0 + 1), AUTH_NONCE_OK);
    auth_destroy(before);
    auth_destroy(after);
    auth_destroy(peer);
    auth_destroy(offline);
}

void unit_add_auth_suite(void)
{
    CU_pSuite s = CU_add_suite("auth", NULL, NULL);
    CU_add_test(s, "nonces: made, checked, stale, forged", test_nonce_roundtrip);
    CU_add_test(s, "nonces: shared secret across nodes", test_nonce_shared_secret);
    CU_add_test(s, "nonce counts: replays refused", test_nonce_counts);
    CU_add_test(s, "nonces: issued before the epoch are stale", test_nonce_epoch);
}
