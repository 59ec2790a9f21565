/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_defence.c - the trusted peers and the anti-flood counts of a running
 * policy (see rt_defence.h): settings, timers, log lines.
 *
 * Settings (defaults in trusted.h and pike.h, documented in SPEC.md 2.4):
 *   trusted.reload_interval   seconds between reads of the trusted table
 *   pike.window, pike.max_requests, pike.block_time
 *
 * The reload reads the whole table (trusted_load) and logs only changes:
 * the new count when the table changed, one error when reading starts to
 * fail (the peers loaded before stay trusted) and one line when it works
 * again, so a database that is down for an hour does not write 360 lines.
 *
 * Ownership: RtDefence owns the Pike, the Trusted and the timers; the Db
 * is borrowed from rt_services.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pike.h"
#include "rt_defence.h"
#include "trusted.h"

struct RtDefence {
    Pike *pike;
    Trusted *trusted;
    Db *db;
    RtMsgEnv *env;
    su_timer_t *sweep, *reload;
    int logging;        /* sipd: log starts, changes and statistics */
    int reload_failing; /* the last reload failed (its error is logged once) */
};

int64_t rt_defence_now_ms(const RtMsgEnv *env)
{
    if (env && env->clock_fixed)
        return (int64_t)env->clock_fixed * 1000;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_unblock(void *arg, const char *src)
{
    (void)arg;
    rt_log(RT_LOG_INFO, "pike: %s unblocked", src);
}

static void on_sweep(su_root_magic_t *rm, su_timer_t *t, su_timer_arg_t *arg)
{
    (void)rm;
    (void)t;
    RtDefence *d = (RtDefence *)arg;
    pike_sweep(d->pike, rt_defence_now_ms(d->env), on_unblock, d);
}

static void on_reload(su_root_magic_t *rm, su_timer_t *t, su_timer_arg_t *arg)
{
    (void)rm;
    (void)t;
    RtDefence *d = (RtDefence *)arg;
    char err[512];
    int changed = 0;
    long n = trusted_load(d->trusted, d->db, &changed, err, sizeof err);
    if (n < 0) {
        if (!d->reload_failing)
            rt_log(RT_LOG_ERROR, "trusted: %s; the %zu peers read before stay trusted", err,
                   trusted_count(d->trusted));
        d->reload_failing = 1;
        return;
    }
    if (d->reload_failing)
        rt_log(RT_LOG_INFO, "trusted: the table can be read again");
    d->reload_failing = 0;
    if (changed)
        rt_log(RT_LOG_INFO, "trusted: the table changed: %ld peer%s", n, n == 1 ? "" : "s");
}

/* A timer calling fn every `ms` milliseconds. */
static su_timer_t *every(su_root_t *root, long ms, su_timer_f fn, RtDefence *d)
{
    su_timer_t *t = su_timer_create(su_root_task(root), (su_duration_t)ms);
    if (t && su_timer_set_for_ever(t, fn, (su_timer_arg_t *)d) < 0) {
        su_timer_destroy(t);
        t = NULL;
    }
    return t;
}

static int start_pike(RtDefence *d, const RtPolicy *p, su_root_t *root, char *err, size_t errlen)
{
    int window = (int)rt_policy_setting_int(p, "pike.window", PIKE_WINDOW_DEFAULT);
    int max = (int)rt_policy_setting_int(p, "pike.max_requests", PIKE_MAX_REQUESTS_DEFAULT);
    int block = (int)rt_policy_setting_int(p, "pike.block_time", PIKE_BLOCK_DEFAULT);
    if (!(d->pike = pike_create(window, max, block, 0))) {
        snprintf(err, errlen, "out of memory for pike");
        return -1;
    }
    if (root && !(d->sweep = every(root, 1000, on_sweep, d))) {
        snprintf(err, errlen, "cannot start the pike sweep timer");
        return -1;
    }
    if (d->logging)
        rt_log(RT_LOG_INFO, "pike: more than %d request%s in %d s from one source blocks it for %d s", max,
               max == 1 ? "" : "s", window, block);
    return 0;
}

static int start_trusted(RtDefence *d, const RtPolicy *p, su_root_t *root, char *err, size_t errlen)
{
    char why[512];
    if (!d->db) {
        snprintf(err, errlen, "allow_trusted() needs the database of the trusted table");
        return -1;
    }
    if (!(d->trusted = trusted_new())) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    long n = trusted_load(d->trusted, d->db, NULL, why, sizeof why);
    if (n < 0) {
        snprintf(err, errlen, "database %s: %s", db_url_safe(d->db), why);
        return -1;
    }
    long every_s = rt_policy_setting_int(p, "trusted.reload_interval", TRUSTED_RELOAD_DEFAULT);
    if (root && !(d->reload = every(root, every_s * 1000, on_reload, d))) {
        snprintf(err, errlen, "cannot start the trusted table's reload timer");
        return -1;
    }
    if (d->logging)
        rt_log(RT_LOG_INFO, "trusted: %ld peer%s from %s, read again every %ld s", n, n == 1 ? "" : "s",
               db_url_safe(d->db), every_s);
    return 0;
}

RtDefence *rt_defence_start(const RtPolicy *p, su_root_t *root, Db *db, RtMsgEnv *env, char *err,
                            size_t errlen)
{
    RtDefence *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    unsigned svc = rt_policy_desc(p)->services;
    d->db = db;
    d->env = env;
    d->logging = root != NULL;
    if ((svc & SIPC_SVC_PIKE) && start_pike(d, p, root, err, errlen) < 0)
        goto fail;
    if ((svc & SIPC_SVC_TRUST) && start_trusted(d, p, root, err, errlen) < 0)
        goto fail;
    env->pike = d->pike;
    env->trusted = d->trusted;
    return d;
fail:
    rt_defence_stop(d);
    return NULL;
}

void rt_defence_stop(RtDefence *d)
{
    if (!d)
        return;
    if (d->env && d->env->pike == d->pike)
        d->env->pike = NULL;
    if (d->env && d->env->trusted == d->trusted)
        d->env->trusted = NULL;
    if (d->sweep)
        su_timer_destroy(d->sweep);
    if (d->reload)
        su_timer_destroy(d->reload);
    if (d->pike && d->logging) {
        PikeStats st;
        pike_stats(d->pike, &st);
        rt_log(
            RT_LOG_INFO,
            "pike: stats: %llu requests refused, %llu blocks started, %zu sources tracked, %zu blocked now, "
            "%llu untracked (table full), %llu evicted",
            (unsigned long long)st.refused, (unsigned long long)st.blocks, st.sources, st.blocked,
            (unsigned long long)st.untracked, (unsigned long long)st.evicted);
    }
    pike_destroy(d->pike);
    trusted_free(d->trusted);
    free(d);
}
