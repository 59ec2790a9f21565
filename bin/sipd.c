/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipd - the SIP server: load a policy, listen, route until told to stop.
 *
 *   sipd [-d] [-l udp:ADDR:PORT] [--ready-file FILE] POLICY
 *
 * POLICY is a .sipc source (compiled in memory with libtcc) or a policy.so
 * from `sipc build` (or, for tests, C written for sipc/abi.h: POLICY.c).  All work is in the runtime (runtime/rt.h); this file
 * only parses arguments, sets the exit status, and tears down in order.
 * The command line beats the policy's settings (rt_policy_apply_settings):
 * -l beats `listen`, -d beats `log_level`.
 * Exit status: 0 after SIGINT/SIGTERM, 1 on bad usage or a start-up error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: sipd [-d] [-l udp:ADDR:PORT] [--ready-file FILE] POLICY\n"
               "\n"
               "Run the SIP server with POLICY, a .sipc source or a policy.so (or C written\n"
               "for sipc/abi.h, POLICY.c, compiled as is: for tests and debugging).\n"
               "\n"
               "  -l, --listen udp:ADDR:PORT  address to listen on; IPv6 as udp:[::1]:5060;\n"
               "                              port 0 picks a free port\n"
               "  --ready-file FILE           once listening, write the bound address to FILE\n"
               "  -d, --debug                 log every message (debug level)\n"
               "  -h, --help                  show this help\n"
               "\n"
               "The command line beats the policy's settings, which beat the defaults:\n"
               "  listen     -l, else the policy's first udp `listen`, else udp:127.0.0.1:5060\n"
               "  log level  -d, else the policy's `log_level`, else info\n");
}

/* Write `text` to `path` atomically, so a waiting test never reads half. */
static int write_ready(const char *path, const char *text)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int ok = f && fprintf(f, "%s\n", text) >= 0;
    if (f)
        ok = (fclose(f) == 0) && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        int e = errno;
        unlink(tmp);
        errno = e;
    }
    free(tmp);
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    enum { OPT_READY = 256 };
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"ready-file", required_argument, NULL, OPT_READY},
        {"debug", no_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *listen = NULL, *ready = NULL; /* NULL: not given */
    char err[1024];
    int c, debug = 0;

    rt_signals_block();
    while ((c = getopt_long(argc, argv, "dl:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            rt_log_set_level(RT_LOG_DEBUG);
            debug = 1;
            break;
        case 'l': listen = optarg; break;
        case OPT_READY: ready = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "sipd: %s\n", optind == argc ? "missing POLICY" : "too many arguments");
        usage(stderr);
        return 1;
    }

    RtPolicy *policy = rt_policy_load(argv[optind], err, sizeof err);
    if (!policy) {
        rt_log(RT_LOG_ERROR, "%s", err);
        return 1;
    }
    if (rt_policy_apply_settings(policy, &listen, debug, err, sizeof err) < 0) {
        rt_log(RT_LOG_ERROR, "%s", err);
        rt_policy_unload(policy);
        return 1;
    }
    if (!listen)
        listen = "udp:127.0.0.1:5060";
    RtServer *srv = rt_server_create(listen, policy, err, sizeof err);
    if (!srv) {
        rt_log(RT_LOG_ERROR, "%s", err);
        rt_policy_unload(policy);
        return 1;
    }
    int status = 0;
    if (ready && write_ready(ready, rt_server_bound(srv)) < 0) {
        rt_log(RT_LOG_ERROR, "cannot write ready file %s: %s", ready, strerror(errno));
        status = 1;
    } else if (rt_server_run(srv, err, sizeof err) < 0) {
        rt_log(RT_LOG_ERROR, "%s", err);
        status = 1;
    }
    rt_server_destroy(srv);
    rt_policy_unload(policy);
    if (status == 0)
        rt_log(RT_LOG_INFO, "stopped");
    return status;
}
