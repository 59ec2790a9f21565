/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_test.h - running a policy offline, for `sipc test`.
 *
 * The same runtime and stdlib code as sipd, with a recording transport: a
 * reply or relay is written to a transcript instead of a socket, and so is
 * every other decision the policy makes (routes entered, variables and
 * flags set, log lines).  No sockets, no timers, no clock: a case gives the
 * same transcript every time, under either backend.
 *
 * Use: rt_test_env_create() once per loaded policy; per case,
 * rt_test_request() for the request, then rt_test_reply() for each
 * simulated downstream reply, in order; rt_test_transcript() returns the
 * text so far and rt_test_reset() clears it for the next case.
 *
 * Return convention: 0, or -1 with the reason in err (a message that does
 * not parse, a relay number that does not exist).
 */
#ifndef SIPC_RT_TEST_H
#define SIPC_RT_TEST_H

#include <stddef.h>

#include "rt.h"
#include "ul.h"

typedef struct RtTestEnv RtTestEnv;

/* Where a message comes from, or the local address it arrives at. */
typedef struct RtTestAddr {
    const char *proto; /* "udp", "tcp" or "tls" */
    const char *host;  /* "192.0.2.10", "::1" (no brackets) */
    int port;
} RtTestAddr;

/* Every case runs at this instant (unix seconds: 2026-01-01 00:00:00 UTC),
 * so expiry and Date headers in transcripts never change. */
#define RT_TEST_CLOCK 1767225600LL

RtTestEnv *rt_test_env_create(RtPolicy *policy, char *err, size_t errlen);
void rt_test_env_destroy(RtTestEnv *env);

/* Runs `text` (a whole SIP request, CRLF line ends) through the policy's
 * main route as if it came from `from` to `local`. */
int rt_test_request(RtTestEnv *env, const char *text, size_t len, const RtTestAddr *from,
                    const RtTestAddr *local, char *err, size_t errlen);

/* Delivers `text` (a whole SIP reply) as the downstream answer to relay
 * number `relay` (1 = the first relay of this case's transcript). */
int rt_test_reply(RtTestEnv *env, int relay, const char *text, size_t len, char *err, size_t errlen);

/* The transcript so far: NUL-terminated, owned by env, valid until the next
 * call on env. */
const char *rt_test_transcript(RtTestEnv *env);
void rt_test_reset(RtTestEnv *env);
/* A binding in user location table "location" for the AOR of `aor_uri`,
 * before the case's request (a `location` line of the case file); its
 * `expires` is absolute (RT_TEST_CLOCK + seconds).  0, or -1 with err. */
int rt_test_location(RtTestEnv *env, const char *aor_uri, const UlBinding *b, char *err, size_t errlen);
/* A provisioned user (a `subscriber` line of the case file), with the
 * HA1s of `password` for realm `domain` (none when NULL or empty). */
int rt_test_subscriber(RtTestEnv *env, const char *user, const char *domain, const char *password, char *err,
                       size_t errlen);

/* A row of the trusted table (a `trusted` line of the case file): `proto`
 * any, udp, tcp or tls; `pattern` and `tag` may be NULL.  Checked as sipd
 * checks the table's rows: 0, or -1 with err. */
int rt_test_trusted(RtTestEnv *env, const char *src, const char *proto, const char *pattern, const char *tag,
                    char *err, size_t errlen);

/* Recording is on by default; off, replies and relays go nowhere and no
 * transcript is kept (for benchmarks of the routing logic alone). */
void rt_test_set_recording(RtTestEnv *env, int on);

#endif /* SIPC_RT_TEST_H */
