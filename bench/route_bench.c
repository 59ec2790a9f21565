/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * route_bench.c - nanoseconds per message through a policy's routing logic,
 * offline (no sockets), with the libtcc code and with the gcc -O2 code.
 *
 *   route_bench [-n MESSAGES] POLICY.sipc...
 *
 * Each message goes through the same path as `sipc test`: sofia parses the
 * text, the main route runs on the real runtime and stdlib, and replies and
 * relays are recorded instead of sent.  Two requests alternate: an OPTIONS
 * keep-alive and an INVITE to a 4-digit extension from a trusted address.
 * The parse alone is timed too, so the routing share can be read off; each
 * backend runs without and with the transcript of `sipc test`.
 * Prints one line per policy and backend; never asserts times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sofia-sip/sip_protos.h>
#include <sofia-sip/su.h>

#include "compile.h"
#include "rt_test.h"

static const char options_req[] = "OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
                                  "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-bench-1\r\n"
                                  "Max-Forwards: 70\r\n"
                                  "From: <sip:monitor@example.com>;tag=m1\r\n"
                                  "To: <sip:127.0.0.1>\r\n"
                                  "Call-ID: bench-options\r\n"
                                  "CSeq: 1 OPTIONS\r\n"
                                  "Content-Length: 0\r\n\r\n";
static const char invite_req[] = "INVITE sip:1234@127.0.0.1 SIP/2.0\r\n"
                                 "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-bench-2\r\n"
                                 "Max-Forwards: 70\r\n"
                                 "From: \"Alice\" <sip:alice@example.com>;tag=a1\r\n"
                                 "To: <sip:1234@example.com>\r\n"
                                 "Call-ID: bench-invite\r\n"
                                 "CSeq: 1 INVITE\r\n"
                                 "Contact: <sip:alice@192.0.2.10:5060>\r\n"
                                 "User-Agent: bench\r\n"
                                 "Content-Length: 0\r\n\r\n";

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ns per message for n messages through `policy`, recording or not. */
static double run(RtPolicy *policy, long n, int record)
{
    char err[512];
    RtTestEnv *t = rt_test_env_create(policy, err, sizeof err);
    if (!t) {
        fprintf(stderr, "route_bench: %s\n", err);
        return -1;
    }
    rt_test_set_recording(t, record);
    RtTestAddr from = {"udp", "192.0.2.10", 5060}, local = {"udp", "127.0.0.1", 5060};
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        const char *req = i & 1 ? invite_req : options_req;
        size_t len = i & 1 ? sizeof invite_req - 1 : sizeof options_req - 1;
        if (rt_test_request(t, req, len, &from, &local, err, sizeof err) < 0) {
            fprintf(stderr, "route_bench: %s\n", err);
            break;
        }
        rt_test_reset(t);
    }
    double ns = (now_ns() - start) / (double)n;
    rt_test_env_destroy(t);
    return ns;
}

static double parse_only(long n)
{
    su_init();
    double start = now_ns();
    for (long i = 0; i < n; i++) {
        const char *req = i & 1 ? invite_req : options_req;
        size_t len = i & 1 ? sizeof invite_req - 1 : sizeof options_req - 1;
        msg_t *msg = msg_make(sip_default_mclass(), 0, req, (isize_t)len);
        msg_destroy(msg);
    }
    double ns = (now_ns() - start) / (double)n;
    su_deinit();
    return ns;
}

int main(int argc, char **argv)
{
    long n = 200000;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "-n") == 0) {
        n = atol(argv[i + 1]);
        i += 2;
    }
    if (i >= argc || n <= 0) {
        fprintf(stderr, "usage: route_bench [-n MESSAGES] POLICY.sipc...\n");
        return 2;
    }
    rt_log_set_level(RT_LOG_ERROR);
    printf("parse only (sofia msg_make): %.0f ns per message (%ld messages)\n", parse_only(n), n);
    int status = 0;
    for (; i < argc; i++) {
        char err[4096], so[] = "/tmp/route_bench_XXXXXX";
        RtPolicy *jit = rt_policy_load(argv[i], err, sizeof err);
        if (!jit) {
            fprintf(stderr, "route_bench: %s\n", err);
            status = 1;
            continue;
        }
        printf("%s libtcc: %.0f ns per message (parse + route), %.0f with the transcript\n", argv[i],
               run(jit, n, 0), run(jit, n, 1));
        rt_policy_unload(jit);

        char *c;
        int fd = mkstemp(so);
        if (fd < 0 || sipc_compile_file(argv[i], DIAG_TEXT, stderr, &c, NULL) != 0) {
            status = 1;
            continue;
        }
        close(fd);
        char sopath[64];
        snprintf(sopath, sizeof sopath, "%s.so", so);
        int built = cc_build_shared(c, sopath, NULL, err, sizeof err) == 0;
        free(c);
        unlink(so);
        RtPolicy *gcc = built ? rt_policy_load(sopath, err, sizeof err) : NULL;
        if (!gcc) {
            fprintf(stderr, "route_bench: %s\n", err);
            unlink(sopath);
            status = 1;
            continue;
        }
        printf("%s gcc -O2: %.0f ns per message (parse + route), %.0f with the transcript\n", argv[i],
               run(gcc, n, 0), run(gcc, n, 1));
        rt_policy_unload(gcc);
        unlink(sopath);
    }
    return status;
}
