/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_services.c - starting the services a policy uses: user location over
 * the database of db.url, and the subscriber table (is_subscriber, and the
 * digest credentials of later work).
 *
 * Only a policy whose calls need user location (descriptor `services`,
 * computed by the compiler from stdlib/builtins.def) gets it, so a policy
 * that only proxies opens no database.  The database:
 *   - sipd --db URL, else the policy's db.url, else
 *     sqlite:DATA_DIR/sipc.db (DATA_DIR: sipd --data-dir, else
 *     /var/lib/sipc): the embedded default, nothing to install or run;
 *   - an SQLite database is created and migrated here on first start;
 *     a MySQL/MariaDB one must be at this build's schema version already
 *     (`sipctl db migrate URL`), so that several nodes sharing it are never
 *     upgraded behind each other's back;
 *   - usrloc.db_mode defaults to write_through (memory when the policy says
 *     so, in which case no database is opened).
 * Timers: expired bindings are swept every second (a slice of the index
 * each time, see ul_expire); write-back flushes every usrloc.flush_interval
 * seconds and once more at stop.
 *
 * Offline (`sipc test`) user location is memory only, whatever the policy
 * says, and subscribers live in an in-memory SQLite database filled from
 * the case file: a case file is self-contained.
 *
 * Ownership: RtServices owns the Db, the Ul and the timers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "rt_defence.h"
#include "rt_services.h"
#include "subscriber.h"
#include "ul.h"

#define FLUSH_INTERVAL_DEFAULT 10
/* Defaults of the registrar.* settings (SPEC.md section 2.4). */
#define REG_MIN_EXPIRES_DEFAULT 60
#define REG_MAX_EXPIRES_DEFAULT 86400
#define REG_DEFAULT_EXPIRES_DEFAULT 3600

struct RtServices {
    Db *db;
    Ul *ul;
    Subs *subs;
    Auth *auth;
    su_timer_t *expire, *flush;
    RtMsgEnv *env;
    RtDefence *defence; /* trusted peers, anti-flood (rt_defence.c) */
};

static void read_registrar(const RtPolicy *p, RtRegCfg *reg)
{
    reg->min_expires = (int)rt_policy_setting_int(p, "registrar.min_expires", REG_MIN_EXPIRES_DEFAULT);
    reg->max_expires = (int)rt_policy_setting_int(p, "registrar.max_expires", REG_MAX_EXPIRES_DEFAULT);
    reg->default_expires = (int)rt_policy_setting_int(p, "registrar.default_expires", REG_DEFAULT_EXPIRES_DEFAULT);
    reg->max_contacts = (int)rt_policy_setting_int(p, "registrar.max_contacts", 0);
    if (reg->max_expires < reg->min_expires) {
        rt_log(RT_LOG_WARN, "registrar.max_expires %d is below registrar.min_expires %d; using %d",
               reg->max_expires, reg->min_expires, reg->min_expires);
        reg->max_expires = reg->min_expires;
    }
    if (reg->default_expires > reg->max_expires)
        reg->default_expires = reg->max_expires;
    if (reg->default_expires < reg->min_expires)
        reg->default_expires = reg->min_expires;
}

/* Open the database and bring or check its schema. */
static Db *open_db(const char *url, char *err, size_t errlen)
{
    Db *db = db_open(url, err, errlen);
    if (!db)
        return NULL;
    int have = db_schema_version(db), want = db_schema_current();
    if (have == want)
        return db;
    if (have >= 0 && have < want && db_dialect(db) == DB_SQLITE) {
        int from;
        if (db_schema_migrate(db, &from, err, errlen) == 0) {
            rt_log(RT_LOG_INFO, "database %s: schema version %d -> %d", db_url_safe(db), from, want);
            return db;
        }
    } else if (have < 0) {
        snprintf(err, errlen, "database %s: cannot read the schema version: %s", db_url_safe(db), db_error(db));
    } else if (have > want) {
        snprintf(err, errlen, "database %s has schema version %d; this sipd knows up to %d", db_url_safe(db), have,
                 want);
    } else {
        snprintf(err, errlen, "database %s has schema version %d, this sipd needs %d: run `sipctl db %s %s`",
                 db_url_safe(db), have, want, have ? "migrate" : "init", db_url_safe(db));
    }
    db_close(db);
    return NULL;
}

/* Nonces: signed with auth.secret, else with the key kept in the database
 * (auth_secret.c: shared by the nodes on it, kept across restarts); they
 * name auth.node (default: the host name).  Offline, a fixed secret and
 * counted salts make every nonce in a transcript the same each run. */
static Auth *start_auth(const RtPolicy *p, const RtServiceOpts *o, Db *db, char *err, size_t errlen)
{
    int expire = (int)rt_policy_setting_int(p, "auth.nonce_expire", AUTH_NONCE_EXPIRE_DEFAULT);
    if (o->offline)
        return auth_create("sipc-test-secret", "siptest", expire, 0, 1);
    const char *secret = rt_policy_setting_str(p, "auth.secret", NULL);
    char host[256] = "sipd";
    if (gethostname(host, sizeof host - 1) < 0)
        snprintf(host, sizeof host, "sipd");
    host[sizeof host - 1] = '\0';
    const char *node = rt_policy_setting_str(p, "auth.node", host);
    char *kept = NULL;
    if (!secret && !(secret = kept = auth_secret_from_db(db, err, errlen)))
        return NULL;
    Auth *a = auth_create(secret, node, expire, (int64_t)time(NULL), 0); /* epoch: auth.h */
    free(kept);
    if (!a)
        snprintf(err, errlen, "out of memory");
    return a;
}

/* The Record-Route signing key (runtime/rt_route_in.c), from the secret
 * the nodes share as for nonces: auth.secret, else the key kept in the
 * database when the policy uses one.  A policy with neither gets a random
 * key: dialogs record-routed before a restart then cannot be continued
 * through this server after it, which the log says at start. */
static int start_rr_key(const RtPolicy *p, const RtServiceOpts *o, Db *db, RtMsgEnv *env, char *err,
                        size_t errlen)
{
    const char *secret = o->offline ? "sipc-test-secret" : rt_policy_setting_str(p, "auth.secret", NULL);
    if (secret) {
        rt_rr_key_init(env, secret);
        return 0;
    }
    if (db) {
        char *kept = auth_secret_from_db(db, err, errlen);
        if (!kept)
            return -1;
        rt_rr_key_init(env, kept);
        free(kept);
        return 0;
    }
    char hex[AUTH_SECRET_HEX + 1];
    if (auth_secret_random(hex) < 0) {
        snprintf(err, errlen, "no random bytes for the Record-Route key");
        return -1;
    }
    rt_rr_key_init(env, hex);
    rt_log(RT_LOG_WARN, "record_route: no auth.secret and no database: Record-Route values are signed with a key "
           "that dies with this process, so dialogs will not continue through a restarted sipd; set auth.secret "
           "(the same on every node) to keep them");
    return 0;
}

static void on_expire(su_root_magic_t *rm, su_timer_t *t, su_timer_arg_t *arg)
{
    (void)rm;
    (void)t;
    RtServices *s = (RtServices *)arg;
    long n = ul_expire(s->ul, (int64_t)time(NULL));
    if (n > 0)
        rt_log(RT_LOG_DEBUG, "usrloc: %ld binding%s expired", n, n == 1 ? "" : "s");
}

static void on_flush(su_root_magic_t *rm, su_timer_t *t, su_timer_arg_t *arg)
{
    (void)rm;
    (void)t;
    RtServices *s = (RtServices *)arg;
    ul_flush(s->ul, (int64_t)time(NULL));
}

static int start_timers(RtServices *s, su_root_t *root, const RtPolicy *p, char *err, size_t errlen)
{
    s->expire = su_timer_create(su_root_task(root), 1000);
    if (!s->expire || su_timer_set_for_ever(s->expire, on_expire, (su_timer_arg_t *)s) < 0) {
        snprintf(err, errlen, "cannot start the user location expiry timer");
        return -1;
    }
    if (ul_mode(s->ul) != UL_WRITE_BACK)
        return 0;
    long every = rt_policy_setting_int(p, "usrloc.flush_interval", FLUSH_INTERVAL_DEFAULT);
    s->flush = su_timer_create(su_root_task(root), (su_duration_t)(every * 1000));
    if (!s->flush || su_timer_set_for_ever(s->flush, on_flush, (su_timer_arg_t *)s) < 0) {
        snprintf(err, errlen, "cannot start the user location flush timer");
        return -1;
    }
    return 0;
}

RtServices *rt_services_start(const RtPolicy *p, su_root_t *root, const RtServiceOpts *o, RtMsgEnv *env, char *err,
                              size_t errlen)
{
    RtServices *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->env = env;
    read_registrar(p, &env->reg);
    unsigned svc = rt_policy_desc(p)->services;
    if (!(svc & (SIPC_SVC_USRLOC | SIPC_SVC_AUTH | SIPC_SVC_TRUST)))
        goto defence;
    const char *mode_name = o->offline ? "memory" : rt_policy_setting_str(p, "usrloc.db_mode", "write_through");
    int mode = ul_mode_parse(mode_name);
    if (mode < 0) {
        snprintf(err, errlen, "usrloc.db_mode \"%s\" is not memory, write_through, write_back or db_only", mode_name);
        goto fail;
    }
    if ((svc & (SIPC_SVC_AUTH | SIPC_SVC_TRUST)) || ((svc & SIPC_SVC_USRLOC) && mode != UL_MEMORY)) {
        char def[1024];
        const char *url = o->db_url ? o->db_url : rt_policy_setting_str(p, "db.url", NULL);
        if (o->offline) { /* subscribers and trusted peers come from the case file */
            url = "sqlite::memory:";
        } else if (!url) {
            snprintf(def, sizeof def, "sqlite:%s/sipc.db", o->data_dir ? o->data_dir : RT_DATA_DIR_DEFAULT);
            url = def;
        }
        if (!(s->db = open_db(url, err, errlen)))
            goto fail;
    }
    if ((svc & SIPC_SVC_AUTH) && !(s->subs = subs_open(s->db))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if ((svc & SIPC_SVC_AUTH) && !(s->auth = start_auth(p, o, s->db, err, errlen)))
        goto fail;
    if (svc & SIPC_SVC_USRLOC) {
        if (!(s->ul = ul_create((UlMode)mode, mode == UL_MEMORY ? NULL : s->db, err, errlen)))
            goto fail;
        long n = ul_load(s->ul, (int64_t)time(NULL), err, errlen);
        if (n < 0)
            goto fail;
        if (!o->offline) {
            rt_log(RT_LOG_INFO, "usrloc: %s%s%s, %ld binding%s loaded", ul_mode_name((UlMode)mode),
                   mode != UL_MEMORY ? " on " : "", mode != UL_MEMORY ? db_url_safe(s->db) : "", n,
                   n == 1 ? "" : "s");
            if (root && start_timers(s, root, p, err, errlen) < 0)
                goto fail;
        }
    }
    env->ul = s->ul;
    env->subs = s->subs;
    env->auth = s->auth;
defence:
    if ((svc & SIPC_SVC_RR) && start_rr_key(p, o, s->db, env, err, errlen) < 0)
        goto fail;
    /* --- defences (rt_defence.c): trusted peers over s->db, which is
     * open when the policy calls allow_trusted(), and anti-flood. --- */
    if (!(s->defence = rt_defence_start(p, root, s->db, env, err, errlen)))
        goto fail;
    return s;
fail:
    rt_services_stop(s);
    return NULL;
}

void rt_services_stop(RtServices *s)
{
    if (!s)
        return;
    rt_defence_stop(s->defence); /* --- defences: before the database they read --- */
    if (s->env && s->env->ul == s->ul)
        s->env->ul = NULL;
    if (s->env && s->env->subs == s->subs)
        s->env->subs = NULL;
    if (s->env && s->env->auth == s->auth)
        s->env->auth = NULL;
    if (s->expire)
        su_timer_destroy(s->expire);
    if (s->flush)
        su_timer_destroy(s->flush);
    if (s->ul && ul_mode(s->ul) == UL_WRITE_BACK && ul_flush(s->ul, (int64_t)time(NULL)) == 0)
        rt_log(RT_LOG_INFO, "usrloc: flushed to %s", db_url_safe(s->db));
    ul_destroy(s->ul);
    subs_close(s->subs);
    auth_destroy(s->auth);
    if (s->db)
        db_close(s->db);
    free(s);
}
