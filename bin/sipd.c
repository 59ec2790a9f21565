/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipd - the SIP server: load a policy, listen, route until told to stop.
 *
 *   sipd [-d] [-g SECONDS] [-l PROTO:ADDR:PORT]... [--ready-file FILE] POLICY
 *
 * POLICY is a .sipc source (compiled in memory with libtcc) or a policy.so
 * from `sipc build` (or, for tests, C written for sipc/abi.h: POLICY.c).  All work is in the runtime (runtime/rt.h); this file
 * only parses arguments, sets the exit status, and tears down in order.
 * The command line beats the policy's settings (rt_policy_apply_settings):
 * -l (any number of them) beats every `listen`, -d beats `log_level`.
 * -g beats `shutdown_grace`.
 * Exit status: 0 after SIGINT/SIGTERM (after draining: runtime/rt_shutdown.c)
 * or for --help (usage on stdout), 1 on a start-up error, 2 on bad usage
 * (usage on stderr).
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
    fprintf(f, "usage: sipd [-d] [-g SECONDS] [-l PROTO:ADDR:PORT]... [--db URL] [--data-dir DIR]\n"
               "            [--ready-file FILE] POLICY\n"
               "\n"
               "Run the SIP server with POLICY, a .sipc source or a policy.so (or C written\n"
               "for sipc/abi.h, POLICY.c, compiled as is: for tests and debugging).\n"
               "\n"
               "  -l, --listen PROTO:ADDR:PORT  address to listen on, PROTO udp, tcp or tls;\n"
               "                              IPv6 as udp:[::1]:5060; port 0 picks a free port;\n"
               "                              may be given several times (tls needs the\n"
               "                              policy's tls.certificate and tls.private_key)\n"
               "  --ready-file FILE           once listening, write every bound address to FILE,\n"
               "                              one per line, in the -l syntax\n"
               "  -g, --grace SECONDS         after SIGTERM/SIGINT, give running transactions\n"
               "                              up to SECONDS (0..3600) to finish; new ones get\n"
               "                              503; a second signal stops at once\n"
               "  --db URL                    the database of user location: sqlite:PATH or\n"
               "                              mysql://USER:PASS@HOST[:PORT]/DB[?socket=PATH]\n"
               "  --data-dir DIR              where the default SQLite database lives\n"
               "                              (DIR/sipc.db; default /var/lib/sipc)\n"
               "  -d, --debug                 log every message (debug level)\n"
               "  -h, --help                  show this help\n"
               "\n"
               "The command line beats the policy's settings, which beat the defaults:\n"
               "  listen     every -l, else every `listen` of the policy, else udp:127.0.0.1:5060\n"
               "  log level  -d, else the policy's `log_level`, else info\n"
               "  grace      -g, else the policy's `shutdown_grace`, else 5 s\n"
               "  database   --db, else the policy's `db.url`, else sqlite:DATA_DIR/sipc.db\n"
               "             (opened only when the policy uses user location, and not in\n"
               "             usrloc.db_mode \"memory\"; SQLite is created on first start)\n");
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
    enum { OPT_READY = 256, OPT_DB, OPT_DATA_DIR };
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"ready-file", required_argument, NULL, OPT_READY},
        {"db", required_argument, NULL, OPT_DB},
        {"data-dir", required_argument, NULL, OPT_DATA_DIR},
        {"debug", no_argument, NULL, 'd'},
        {"grace", required_argument, NULL, 'g'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    enum { MAX_LISTEN = 32 };
    const char *listen[MAX_LISTEN], *ready = NULL; /* NULL: not given */
    int nlisten = 0;
    char err[1024];
    int c, debug = 0, grace = -1;
    RtServiceOpts svc = {0};

    rt_signals_block();
    while ((c = getopt_long(argc, argv, "dg:l:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            rt_log_set_level(RT_LOG_DEBUG);
            debug = 1;
            break;
        case 'l':
            if (nlisten == MAX_LISTEN) {
                fprintf(stderr, "sipd: more than %d -l addresses\n", MAX_LISTEN);
                return 2;
            }
            listen[nlisten++] = optarg;
            break;
        case OPT_READY: ready = optarg; break;
        case OPT_DB: svc.db_url = optarg; break;
        case OPT_DATA_DIR: svc.data_dir = optarg; break;
        case 'g': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (!*optarg || *end || v < 0 || v > 3600) {
                fprintf(stderr, "sipd: -g: expected seconds 0..3600, not '%s'\n", optarg);
                return 2;
            }
            grace = (int)v;
            break;
        }
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "sipd: %s\n", optind == argc ? "missing POLICY" : "too many arguments");
        usage(stderr);
        return 2;
    }

    RtPolicy *policy = rt_policy_load(argv[optind], err, sizeof err);
    if (!policy) {
        rt_log(RT_LOG_ERROR, "%s", err);
        return 1;
    }
    if (rt_policy_apply_settings(policy, listen, &nlisten, MAX_LISTEN, debug, err, sizeof err) < 0) {
        rt_log(RT_LOG_ERROR, "%s", err);
        rt_policy_unload(policy);
        return 1;
    }
    if (!nlisten)
        listen[nlisten++] = "udp:127.0.0.1:5060";
    RtServer *srv = rt_server_create(listen, nlisten, policy, &svc, err, sizeof err);
    if (!srv) {
        rt_log(RT_LOG_ERROR, "%s", err);
        rt_policy_unload(policy);
        return 1;
    }
    int status = 0;
    if (grace >= 0)
        rt_server_set_grace(srv, grace);
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
