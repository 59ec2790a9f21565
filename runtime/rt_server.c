/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_server.c - the SIP server: one sofia-sip nta agent driving the policy.
 *
 * The agent runs in proxy mode (NTATAG_UA(0), NTATAG_CANCEL_487(0)) with
 * no default leg, so nta hands every request that matches no transaction
 * to on_message(), the stateless path: build a sipc_msg, run the policy's
 * main request route (with ret NULL: an entry route returns no value),
 * release.  Whatever the policy did (a stateless reply, a stateless
 * forward) holds its own reference, so the request is always released
 * here.  Only a t_relay() turns the request into a transaction (runtime/
 * tm*.c, tm_nta.c): nta then matches its retransmissions, ACK and CANCEL,
 * and its branches' replies, which never come through on_message().
 *
 * Responses that reach on_message() answer requests we forwarded
 * statelessly.  The policy's main onreply_route (if any) sees each first
 * and may drop it.  They are relayed per Via (RFC 3261 section 16.11 and 18.2.2):
 * the top Via must be ours; nta_msg_tsend() pops it and sends to the next.
 *
 * Ownership: RtServer is a sofia home (su_home_new) holding the root, the
 * agent, the table of live transactions and the $var buffer messages
 * borrow; rt_server_destroy() frees the transactions, destroys the agent,
 * then the root, then the home, then deinitialises su.  The policy is
 * borrowed.
 */
#define NTA_AGENT_MAGIC_T struct RtServer

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/nta.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_string.h>
#include <sofia-sip/tport_tag.h>

#include "rt_internal.h"
#include "rt_lenient.h"
#include "rt_listen.h"
#include "rt_conn.h"
#include "rt_dns.h"
#include "rt_shutdown.h"
#include "rt_error.h"
#include "rt_scheme.h"
#include "rt_services.h"
#include "tm.h"

struct RtServer {
    su_home_t home[1]; /* first: the server is its own home */
    su_root_t *root;
    nta_agent_t *agent;
    RtPolicy *policy;
    sipc_route_fn main_route;
    sipc_route_fn onreply_route; /* the main one, for every reply; or NULL */
    RtMsgEnv env; /* what each message context borrows: agent, policy, $var buffer */
    TmTable tm;   /* the live transactions (env.tm) */
    char bound[1024]; /* "udp:127.0.0.1:5060\ntcp:127.0.0.1:5060" (rt_listen.c) */
    int grace;       /* shutdown_grace override (-g), or -1: the policy's */
    RtShutdown *sd;  /* while rt_server_run() runs (rt_shutdown.c) */
    RtServices *svc; /* user location and its database (rt_services.c) */
    RtDnsConf *dns;  /* the resolv.conf sres reads (rt_dns_conf.c) */
    RtConn *conn;    /* connection limits (rt_conn.c) */
};

/* --- sofia's own log lines --------------------------------------------------- */

/*
 * sofia-sip logs through su_log; its lines are redirected here so they share
 * sipd's format ("sipd: warn: sofia: ...").  The default sofia level (3)
 * lets through only warnings and errors.  While the agent is being created
 * the lines are held back instead: the first one explains a failed bind
 * (su_errno is clobbered by the teardown), and goes into sipd's own message.
 */
static char sofia_line[512];
static size_t sofia_len;
static char sofia_first[512]; /* since the last reset */
static int sofia_quiet;
static char sofia_emfile[64], sofia_enfile[64]; /* strerror(EMFILE), strerror(ENFILE) */

static void sofia_logger(void *stream, char const *fmt, va_list ap)
{
    (void)stream;
    if (sofia_len < sizeof sofia_line - 1) {
        int n = vsnprintf(sofia_line + sofia_len, sizeof sofia_line - sofia_len, fmt, ap);
        if (n > 0)
            sofia_len += (size_t)n;
        if (sofia_len > sizeof sofia_line - 1)
            sofia_len = sizeof sofia_line - 1;
    }
    if (sofia_len == 0 || (sofia_line[sofia_len - 1] != '\n' && sofia_len < sizeof sofia_line - 1))
        return; /* a line in several calls: wait for its end */
    while (sofia_len && (sofia_line[sofia_len - 1] == '\n' || sofia_line[sofia_len - 1] == '\r'))
        sofia_len--;
    sofia_line[sofia_len] = '\0';
    if (sofia_len) {
        if (!sofia_first[0])
            memcpy(sofia_first, sofia_line, sofia_len + 1);
        if (strstr(sofia_line, sofia_emfile) || strstr(sofia_line, sofia_enfile))
            rt_conn_exhausted(); /* stop accepting before the next try (rt_conn.c) */
        if (!sofia_quiet) /* the same line again and again: once per interval */
            rt_log_limited(RT_LOG_WARN, sofia_line, "sofia: %s", sofia_line);
    }
    sofia_len = 0;
}

/* The reason in sofia's first complaint ("...: Address already in use"). */
static const char *sofia_reason(void)
{
    const char *r = strrchr(sofia_first, ':');
    return r && r[1] == ' ' && r[2] ? r + 2 : "unknown error (see sofia's log)";
}

const char *rt_server_sofia_reason(void)
{
    return sofia_reason();
}

/* --- responses -------------------------------------------------------------- */

static int same_port(const char *a, const char *b)
{
    return strcmp(a && *a ? a : "5060", b && *b ? b : "5060") == 0;
}

/* Is `v` one of the Vias nta puts on requests it sends? */
static int via_is_ours(nta_agent_t *agent, sip_via_t const *v)
{
    for (sip_via_t const *o = nta_agent_via(agent); o; o = o->v_next)
        if (su_casematch(v->v_host, o->v_host) && same_port(v->v_port, o->v_port) &&
            su_casematch(v->v_protocol, o->v_protocol))
            return 1;
    return 0;
}

static void relay_response(RtServer *srv, msg_t *msg, sip_t *sip)
{
    sipc_msg m; /* its reference keeps `sip` readable for the log line */
    const char *outcome = "relayed";
    int status = sip->sip_status->st_status;

    rt_msg_init(&m, NULL, msg_ref_create(msg), sip);
    if (!sip->sip_via || !via_is_ours(srv->agent, sip->sip_via)) {
        outcome = "dropped: top Via is not ours";
        msg_destroy(msg);
    } else if (!sip->sip_via->v_next) {
        outcome = "dropped: no Via left to relay to";
        msg_destroy(msg);
    } else if (!rt_dispatch_reply(&srv->env, srv->onreply_route, msg, sip)) {
        outcome = "dropped by the policy's onreply_route";
        msg_destroy(msg);
    } else if (nta_msg_tsend(srv->agent, msg, NULL, TAG_END()) < 0) {
        outcome = "dropped: relay failed";
    }
    if (rt_log_enabled(RT_LOG_DEBUG)) {
        char src[SU_ADDRSIZE + 16];
        rt_log(RT_LOG_DEBUG, "%d from %s call-id %s: %s", status, rt_msg_source(&m, src, sizeof src),
               rt_msg_call_id(sip), outcome);
    }
    rt_msg_release(&m);
}

/* --- requests --------------------------------------------------------------- */

/* nta's message callback: takes over `msg` in every case. */
static int on_message(RtServer *srv, nta_agent_t *agent, msg_t *msg, sip_t *sip)
{
    (void)agent;
    if (sip && sip->sip_request && rt_shutdown_refuse(srv->sd, srv->agent, msg, sip))
        return 0; /* draining: refused with 503 */
    if (sip && sip->sip_request && rt_lenient_refuse(&srv->env, msg, sip))
        return 0; /* another SIP-Version: 505 (rt_lenient.c) */
    if (sip && sip->sip_request && rt_scheme_refuse(&srv->env, msg, sip))
        return 0; /* 416 Unsupported URI Scheme (rt_scheme.c) */
    if (sip && sip->sip_request) /* malformed ones: error_route and 400 (rt_error.c) */
        rt_error_dispatch(&srv->env, srv->main_route, msg, sip);
    else if (sip && sip->sip_status)
        relay_response(srv, msg, sip);
    else
        msg_destroy(msg);
    return 0;
}

/* --- life cycle ------------------------------------------------------------- */

RtServer *rt_server_create(const char *const *listen, int nlisten, RtPolicy *policy, const RtServiceOpts *opts,
                           char *err, size_t errlen)
{
    su_init();
    snprintf(sofia_emfile, sizeof sofia_emfile, "%s", strerror(EMFILE));
    snprintf(sofia_enfile, sizeof sofia_enfile, "%s", strerror(ENFILE));
    su_log_redirect(su_log_default, sofia_logger, NULL);
    RtServer *srv = su_home_new(sizeof *srv);
    if (!srv) {
        snprintf(err, errlen, "out of memory");
        su_deinit();
        return NULL;
    }
    srv->policy = policy;
    srv->grace = -1;
    srv->main_route = rt_policy_route(policy, SIPC_RK_REQUEST, "");
    srv->onreply_route = rt_policy_route(policy, SIPC_RK_ONREPLY, "");
    srv->root = su_root_create(NULL);
    if (!srv->root) {
        snprintf(err, errlen, "cannot create the event loop");
        goto fail;
    }
    sofia_quiet = 1;
    sofia_first[0] = '\0';
    /* Proxy semantics: an INVITE server transaction ends at 2xx; a CANCEL
     * gets 200 from nta but the 487 comes from downstream (tm_nta.c). */
    tagi_t agent_tags[] = {{NTATAG_UA(0)}, {NTATAG_CANCEL_487(0)}, {NTATAG_SERVER_RPORT(1)},
                           {NTATAG_CLIENT_RPORT(1)}, {TPTAG_UDP_RMEM(4 << 20)}, {TPTAG_UDP_WMEM(4 << 20)},
                           {NTATAG_MCLASS(rt_lenient_mclass())}, /* loose Via parameters (rt_lenient.c) */
                           {TAG_END()}};
    tagi_t conn_tags[RT_CONN_NTAGS]; /* the tcp.* timeouts (rt_conn.c), then agent_tags */
    rt_conn_tags(policy, conn_tags, agent_tags);
    tagi_t dns_tags[RT_DNS_NTAGS]; /* the dns.* settings (rt_dns.c), then conn_tags */
    if (!(srv->dns = rt_dns_conf_open(srv->root, policy, err, errlen)))
        goto fail;
    rt_dns_tags(policy, rt_dns_conf_path(srv->dns), dns_tags, conn_tags);
    srv->agent = rt_listen_open(srv->root, listen, nlisten, policy, on_message, srv, dns_tags, err, errlen);
    sofia_quiet = 0;
    if (!srv->agent)
        goto fail;
    rt_listen_bound(srv->agent, srv->bound, sizeof srv->bound);
    rt_error_take_over(srv->agent); /* requests with bad headers come to on_message */
    if (!(srv->conn = rt_conn_start(srv->root, srv->agent, policy, err, errlen)))
        goto fail;
    unsigned fr = (unsigned)rt_policy_setting_int(policy, "tm.fr_timer", TM_FR_TIMER_DEFAULT);
    unsigned fr_inv = (unsigned)rt_policy_setting_int(policy, "tm.fr_inv_timer", TM_FR_INV_TIMER_DEFAULT);
    tm_table_init(&srv->tm, srv->root, fr, fr_inv);
    rt_log(RT_LOG_DEBUG, "tm: fr_timer %u ms, fr_inv_timer %u ms", fr, fr_inv);
    srv->env.agent = srv->agent;
    srv->env.policy = policy;
    srv->env.tm = &srv->tm;
    /* One $var block, lent to each message in turn (rt_msg.c). */
    srv->env.varbuf_size = rt_policy_desc(policy)->var_size;
    if (srv->env.varbuf_size && !(srv->env.varbuf = su_zalloc(srv->home, (isize_t)srv->env.varbuf_size))) {
        snprintf(err, errlen, "out of memory for the policy's $var block (%zu bytes)", srv->env.varbuf_size);
        goto fail;
    }
    if (!(srv->svc = rt_services_start(policy, srv->root, opts, &srv->env, err, errlen)))
        goto fail;
    return srv;

fail:
    rt_server_destroy(srv);
    return NULL;
}

const char *rt_server_bound(const RtServer *srv)
{
    return srv->bound;
}

void rt_server_set_grace(RtServer *srv, int seconds)
{
    srv->grace = seconds;
}

int rt_server_run(RtServer *srv, char *err, size_t errlen)
{
    int grace = srv->grace >= 0 ? srv->grace
                                : (int)rt_policy_setting_int(srv->policy, "shutdown_grace", RT_SHUTDOWN_GRACE_DEFAULT);
    srv->sd = rt_shutdown_new(srv->root, &srv->tm, (unsigned)grace);
    RtSignals *sg = srv->sd ? rt_signals_watch(srv->root, rt_shutdown_on_signal, srv->sd, err, errlen) : NULL;
    if (!sg) {
        if (!srv->sd)
            snprintf(err, errlen, "out of memory");
        rt_shutdown_free(srv->sd);
        srv->sd = NULL;
        return -1;
    }
    for (const char *b = srv->bound; *b;) {
        size_t n = strcspn(b, "\n");
        rt_log(RT_LOG_INFO, "listening on %.*s", (int)n, b);
        b += n + (b[n] == '\n');
    }
    su_root_run(srv->root);
    rt_signals_unwatch(sg);
    rt_shutdown_finish(srv->sd); /* answers what is left; rt_server_destroy() frees it */
    rt_shutdown_free(srv->sd);
    srv->sd = NULL;
    return 0;
}

/* How many requests went stateless and how many made transactions, for
 * the log (and the tests that check OPTIONS stays stateless). */
static void log_stats(RtServer *srv)
{
    usize_t server_tr = 0, client_tr = 0, trless = 0;
    if (!rt_log_enabled(RT_LOG_DEBUG))
        return;
    nta_agent_get_stats(srv->agent, NTATAG_S_SERVER_TR_REF(server_tr), NTATAG_S_CLIENT_TR_REF(client_tr),
                        NTATAG_S_TRLESS_REQUEST_REF(trless), TAG_END());
    rt_log(RT_LOG_DEBUG, "stats: %lu server transactions, %lu client transactions, %lu stateless requests",
           (unsigned long)server_tr, (unsigned long)client_tr, (unsigned long)trless);
}

void rt_server_destroy(RtServer *srv)
{
    if (!srv)
        return;
    if (srv->agent) {
        log_stats(srv);
        rt_conn_stop(srv->conn);
        tm_table_clear(&srv->tm); /* their nta objects first, then the agent */
        nta_agent_destroy(srv->agent);
    }
    rt_services_stop(srv->svc); /* flushes write-back user location */
    rt_dns_conf_close(srv->dns);   /* after the agent: sres reads its file until then */
    if (srv->root)
        su_root_destroy(srv->root);
    su_home_unref(srv->home);
    su_log_redirect(su_log_default, NULL, NULL);
    su_deinit();
}
