/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_sip.c - libFuzzer harness for the runtime's SIP entry (STYLE.md
 * practice 14; Kamailio's misc/fuzz/fuzz_parse_msg.c).
 *
 * Each input is one received request, as bytes: it goes through
 * rt_test_request(), the path `sipc test` uses and the same one sipd's
 * on_message() takes (sofia's msg_make parser, runtime/rt_error.c's sorting
 * into route / error_route+400 / nta's refusal, runtime/rt_dispatch.c), to
 * the policy tests/fuzz/sip.sipc, loaded once with libtcc at start-up.  The
 * recorder stands in for sockets.  Besides "no crash, hang, leak or
 * sanitizer report", the transcript must be a NUL-terminated string.
 *
 * The policy is found through $SIPC_FUZZ_POLICY, else tests/fuzz/sip.sipc
 * relative to the working directory (tests/fuzz/run.sh runs from the
 * repository root).  Built and run by `make fuzz-smoke` / `make fuzz`.
 * A crash artifact replays with `build-fuzz/fuzz_sip FILE`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "rt_test.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static RtPolicy *policy;
static RtTestEnv *env;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[512];
    const char *path = getenv("SIPC_FUZZ_POLICY");
    if (!path)
        path = "tests/fuzz/sip.sipc";
    rt_log_set_level(RT_LOG_ERROR);
    if (!(policy = rt_policy_load(path, err, sizeof err)) || !(env = rt_test_env_create(policy, err, sizeof err))) {
        fprintf(stderr, "fuzz_sip: cannot load %s: %s\n", path, err);
        exit(2);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const RtTestAddr from = {"udp", "192.0.2.10", 5060}, local = {"udp", "127.0.0.1", 5060};
    char err[256];
    /* -1 only for a bad address or relay number, never for the bytes. */
    if (rt_test_request(env, (const char *)data, size, &from, &local, err, sizeof err) < 0) {
        fprintf(stderr, "fuzz_sip: %s\n", err);
        abort();
    }
    const char *t = rt_test_transcript(env);
    if (!t || memchr(t, '\0', strlen(t) + 1) == NULL)
        abort();
    rt_test_reset(env);
    return 0;
}
