/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt.h - the public interface of the sipd runtime, for bin/sipd and bin/sipctl.
 *
 * The runtime is sofia-sip glue around a compiled policy: logging (rt_log.c),
 * policy loading (rt_policy.c), the SIP server loop (rt_server.c) and signal
 * handling (rt_signal.c).  Message internals are in rt_internal.h, which
 * programs never include.
 *
 * Return convention: 0 / pointer on success; -1 / NULL on failure, with the
 * reason written to a caller-supplied `err` buffer (never printed here).
 */
#ifndef SIPC_RT_H
#define SIPC_RT_H

#include <stddef.h>

#include "sipc/abi.h"

/* --- rt_log.c: one line per event, with a level, to stderr ---------------- */

typedef enum RtLogLevel {
    RT_LOG_ERROR = 0,
    RT_LOG_WARN = 1,
    RT_LOG_INFO = 2, /* the default */
    RT_LOG_DEBUG = 3
} RtLogLevel;

void rt_log_set_level(RtLogLevel level);
int rt_log_enabled(RtLogLevel level);
void rt_log(RtLogLevel level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A condition that may repeat (a flood of bad packets, descriptors run
 * out): the first occurrence of `key` is logged, then at most one line per
 * RT_LOG_REPEAT_INTERVAL seconds, the message with " (repeated N times in
 * the last S s)" when occurrences were held back.  Digits in `key` are
 * ignored, so "from 10.0.0.1:5060" and "from 10.0.0.2:5061" are one key. */
#define RT_LOG_REPEAT_INTERVAL 10
void rt_log_limited(RtLogLevel level, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Tests: the clock rt_log_limited() reads, in seconds (NULL: the
 * monotonic clock again); forgets every key. */
void rt_log_set_clock(long long (*clock_s)(void));

/* --- rt_policy.c: load and validate a policy ------------------------------ */

typedef struct RtPolicy RtPolicy;

/*
 * Load the policy at `path`: a `.sipc` file is compiled in memory with
 * libtcc (diagnostics go to stderr); a `.c` file is taken as C already
 * emitted for sipc/abi.h and JIT-compiled as is (for tests and debugging);
 * anything else is dlopen()ed as a policy.so.  The descriptor is validated
 * (magic, ABI version, tables, a main request route) and its regular
 * expressions compiled.  A policy calling a library function this sipd does
 * not provide yet is refused ("this sipd does not provide lookup() yet").
 * NULL with a one-line reason in `err` on failure.
 */
RtPolicy *rt_policy_load(const char *path, char *err, size_t errlen);
void rt_policy_unload(RtPolicy *p);
const sipc_policy_desc *rt_policy_desc(const RtPolicy *p);
/* The route of `kind` named `name` ("" for the main one), or NULL. */
sipc_route_fn rt_policy_route(const RtPolicy *p, int kind, const char *name);

/*
 * Check a descriptor found in `what` (a file name for messages): NULL
 * (symbol missing), magic, ABI version, then the consistency of its
 * tables.  0, or -1 with the reason in `err`.  Shared by sipd and sipctl
 * so both refuse an object with the same words.
 */
int rt_policy_check(const sipc_policy_desc *d, const char *what, char *err, size_t errlen);
/* How many `flag` and `bflag` names a policy may declare (bits of a word). */
#define RT_MAX_FLAGS 64
/* "request", "failure", ... for an enum sipc_route_kind value. */
const char *rt_route_kind_name(int kind);

/*
 * Apply the policy's top-level settings (rt_settings.c).  The command line
 * beats the policy: `listen[]` is only filled, with every `listen` setting
 * in source order (at most `max`), when `*nlisten` is 0 (no -l given); the
 * log level is only set from `log_level` when `keep_level` is 0 (no -d
 * given).  Logs, at debug level, the settings it does not use yet.  0, or
 * -1 with the reason in `err` (more listen settings than `max`).
 */
int rt_policy_apply_settings(const RtPolicy *p, const char **listen, int *nlisten, int max, int keep_level,
                             char *err, size_t errlen);
/* The integer setting `name` ("tm.fr_timer") of the policy, or `def` when
 * it is not given (or, in an object not made by sipc, not a number). */
long rt_policy_setting_int(const RtPolicy *p, const char *name, long def);
/* The value of setting `name` as written, or def. */
const char *rt_policy_setting_str(const RtPolicy *p, const char *name, const char *def);

/* --- rt_server.c: the sofia-sip server ------------------------------------ */

typedef struct RtServer RtServer;

/*
 * Start listening on each of `listen[0..nlisten)` ("udp:ADDR:PORT",
 * "tcp:[::1]:0", "tls:ADDR:PORT"; port 0 picks a free port; see
 * rt_listen.c) and route every request through `policy`, which the server
 * borrows: the caller unloads it after rt_server_destroy().
 */
/* What the command line says of the services (rt_services.c); NULL
 * fields: the policy's setting, else the default. */
typedef struct RtServiceOpts {
    const char *db_url;   /* sipd --db: beats the policy's db.url */
    const char *data_dir; /* sipd --data-dir: where the default SQLite database lives */
    int offline;          /* sipc test: user location in memory, no database, no timers */
} RtServiceOpts;

RtServer *rt_server_create(const char *const *listen, int nlisten, RtPolicy *policy, const RtServiceOpts *opts,
                           char *err, size_t errlen);
/* Every address actually bound, in the listen syntax, one per line:
 * "udp:127.0.0.1:5060\ntcp:127.0.0.1:5060". */
const char *rt_server_bound(const RtServer *srv);
/* Seconds running transactions get after SIGTERM; beats the policy's
 * shutdown_grace (default 5).  Call before rt_server_run(). */
void rt_server_set_grace(RtServer *srv, int seconds);
/* Run until SIGINT or SIGTERM, then drain (rt_shutdown.c): new requests get
 * 503, running transactions get up to the grace to finish, a second signal
 * stops at once.  0, or -1 with the reason in `err`. */
int rt_server_run(RtServer *srv, char *err, size_t errlen);
void rt_server_destroy(RtServer *srv);

/* --- rt_signal.c ----------------------------------------------------------- */

/* Block SIGINT/SIGTERM (and ignore SIGPIPE) in this thread, so they are
 * only seen through the signalfd; call first thing in main(). */
int rt_signals_block(void);

#endif /* SIPC_RT_H */
