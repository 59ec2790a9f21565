/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auth.c - nonces, nonce counts and HA1 lookups (see auth.h).
 *
 * Ownership: an Auth owns its secret and its nonce-count table (malloc'd
 * entries in a chained hash).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "auth.h"
#include "digest.h"
#include "rt.h"

enum { NC_BUCKETS = 4096, NC_MAX_ENTRIES = 200000, NC_WINDOW = 64 };

typedef struct NcEntry {
    struct NcEntry *next;
    int64_t expires;   /* drop after this */
    uint32_t max;      /* highest nc seen */
    uint64_t seen;     /* bit i: nc max - i was seen */
    char nonce[AUTH_NONCE_LEN + 1];
} NcEntry;

struct Auth {
    char *secret;
    size_t secret_len;
    char node_hex[9];
    int expire;
    int64_t epoch;  /* nonces issued before this second are stale (auth.h) */
    uint32_t boot;  /* tags the salts of the nonces made in the epoch's second */
    int deterministic;
    uint64_t counter;
    NcEntry *nc[NC_BUCKETS];
    size_t nnc;
    int64_t next_sweep;
};

static uint32_t fnv32(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

Auth *auth_create(const char *secret, const char *node, int nonce_expire, int64_t started, int deterministic)
{
    Auth *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    unsigned char rnd[32];
    if (secret && *secret) {
        a->secret = strdup(secret);
        a->secret_len = strlen(secret);
    } else if (RAND_bytes(rnd, sizeof rnd) == 1 && (a->secret = malloc(sizeof rnd))) {
        memcpy(a->secret, rnd, sizeof rnd);
        a->secret_len = sizeof rnd;
    }
    if (!a->secret) {
        free(a);
        return NULL;
    }
    snprintf(a->node_hex, sizeof a->node_hex, "%08x", fnv32(node ? node : ""));
    a->expire = nonce_expire > 0 ? nonce_expire : AUTH_NONCE_EXPIRE_DEFAULT;
    a->epoch = started > 0 ? started : 0;
    if (a->epoch && RAND_bytes((unsigned char *)&a->boot, sizeof a->boot) != 1)
        a->boot = fnv32(a->node_hex) ^ (uint32_t)started ^ (uint32_t)(uintptr_t)a; /* unlikely: any other tag */
    a->deterministic = deterministic;
    return a;
}

void auth_destroy(Auth *a)
{
    if (!a)
        return;
    for (int i = 0; i < NC_BUCKETS; i++)
        for (NcEntry *e = a->nc[i], *next; e; e = next) {
            next = e->next;
            free(e);
        }
    free(a->secret);
    free(a);
}

/* The mac of a nonce's first 40 digits for realm: 32 hex digits. */
static void nonce_mac(const Auth *a, const char *head, const char *realm, char out[33])
{
    char data[512], mac[DIGEST_HEX_MAX];
    int n = snprintf(data, sizeof data, "%.40s:%s", head, realm);
    if (n < 0 || (size_t)n >= sizeof data)
        n = sizeof data - 1; /* a realm this long is cut the same way each time */
    digest_hmac(a->secret, a->secret_len, data, (size_t)n, mac);
    memcpy(out, mac, 32);
    out[32] = '\0';
}

void auth_nonce_make(Auth *a, const char *realm, int64_t now, char out[AUTH_NONCE_LEN + 1])
{
    uint64_t salt = a->counter++;
    if (!a->deterministic && RAND_bytes((unsigned char *)&salt, sizeof salt) != 1)
        salt ^= (uint64_t)now * 0x9e3779b97f4a7c15ULL; /* still unique: the counter moved */
    int64_t issued = now < a->epoch ? a->epoch : now; /* a clock stepped back: not born stale */
    if (a->epoch && issued == a->epoch)
        salt = (uint64_t)a->boot << 32 | (salt & 0xffffffffu); /* the epoch's second: say who made it */
    char mac[33];
    snprintf(out, AUTH_NONCE_LEN + 1, "%016llx%016llx%s", (unsigned long long)issued, (unsigned long long)salt,
             a->node_hex);
    nonce_mac(a, out, realm, mac);
    memcpy(out + 40, mac, 33);
}

static int all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

AuthNonce auth_nonce_check(const Auth *a, const char *nonce, const char *realm, int64_t now)
{
    if (!nonce || strlen(nonce) != AUTH_NONCE_LEN || !all_hex(nonce, AUTH_NONCE_LEN))
        return AUTH_NONCE_BAD;
    char mac[33];
    nonce_mac(a, nonce, realm, mac);
    if (!digest_hex_equal(mac, nonce + 40))
        return AUTH_NONCE_BAD;
    char ts[17];
    memcpy(ts, nonce, 16);
    ts[16] = '\0';
    int64_t issued = (int64_t)strtoull(ts, NULL, 16);
    if (issued > now + 5) /* from the future: a clock far ahead on another node */
        return AUTH_NONCE_BAD;
    if (issued < a->epoch) /* before this node started: its counts are lost */
        return AUTH_NONCE_STALE;
    if (a->epoch && issued == a->epoch) { /* the second it started: only its own */
        char tag[9];
        snprintf(tag, sizeof tag, "%08x", a->boot);
        if (memcmp(nonce + 16, tag, 8) != 0)
            return AUTH_NONCE_STALE;
    }
    return now - issued > a->expire ? AUTH_NONCE_STALE : AUTH_NONCE_OK;
}

/* Drop expired entries, at most once a second. */
static void sweep(Auth *a, int64_t now)
{
    if (now < a->next_sweep)
        return;
    a->next_sweep = now + 1;
    for (int i = 0; i < NC_BUCKETS; i++)
        for (NcEntry **p = &a->nc[i]; *p;) {
            if ((*p)->expires < now) {
                NcEntry *gone = *p;
                *p = gone->next;
                free(gone);
                a->nnc--;
            } else {
                p = &(*p)->next;
            }
        }
}

int auth_nc_use(Auth *a, const char *nonce, uint32_t nc, int64_t now)
{
    if (nc == 0)
        return -1;
    sweep(a, now);
    NcEntry **head = &a->nc[fnv32(nonce) % NC_BUCKETS];
    for (NcEntry *e = *head; e; e = e->next) {
        if (strcmp(e->nonce, nonce) != 0)
            continue;
        if (nc > e->max) {
            uint32_t shift = nc - e->max;
            e->seen = shift >= NC_WINDOW ? 1 : (e->seen << shift) | 1;
            e->max = nc;
            return 0;
        }
        uint32_t back = e->max - nc;
        if (back >= NC_WINDOW || (e->seen & (1ULL << back)))
            return -1;
        e->seen |= 1ULL << back;
        return 0;
    }
    if (a->nnc >= NC_MAX_ENTRIES) {
        /* Full of live nonces: refuse rather than forget counts (the
         * client is challenged again, and the table drains as they expire). */
        rt_log(RT_LOG_WARN, "auth: %zu nonces in use; refusing new ones until some expire", a->nnc);
        return -1;
    }
    NcEntry *e = calloc(1, sizeof *e);
    if (!e)
        return -1;
    memcpy(e->nonce, nonce, AUTH_NONCE_LEN + 1);
    e->max = nc;
    e->seen = 1;
    e->expires = now + a->expire + 1;
    e->next = *head;
    *head = e;
    a->nnc++;
    return 0;
}
