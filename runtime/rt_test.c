/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_test.c - running a policy offline, for `sipc test` (see rt_test.h).
 *
 * A case's messages are parsed by sofia-sip's own parser (msg_make), given
 * the source address the case names (msg_addrinfo), and handed to the same
 * dispatch code as in sipd (rt_dispatch.c).  There is no nta agent: the
 * message environment carries a recorder instead, so rt_out.c writes
 * replies and relays to the transcript, and the local address of the case
 * stands in for the agent's.
 *
 * Transcript lines added here:
 *   reject 400 Bad Request     the request does not parse, or lacks what
 *                              nta insists on: nta answers it before any
 *                              policy (reason as nta's: "Bad To Header")
 *   malformed request: Bad Contact Header
 *                              a header did not parse: error_route, then
 *                              `reply 400 ...` (rt_error.c), as in sipd
 *   reply from relay N: 180 Ringing
 *   relay reply 180 Ringing    / drop reply 180 Ringing (stateless relays)
 *
 * A `--- reply N` to a branch of t_relay() goes to the transaction core
 * (tm_reply_in, runtime/tm_reply.c), which writes the lines that follow;
 * one to a forward() is relayed per the stateless rules above.  The core
 * keeps finished transactions until the case ends (TmTable.keep_done), so
 * a late reply still reaches its branch.
 *
 * Ownership: the RtTestEnv is a sofia home; it owns the recorder (malloc),
 * the $var block and copies of the case's addresses and request text.  The
 * policy is borrowed.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/sip_protos.h>
#include <sofia-sip/su_alloc.h>

#include "registrar.h"
#include "rt_error.h"
#include "rt_internal.h"
#include "rt_services.h"
#include "digest.h"
#include "subscriber.h"
#include "rt_lenient.h"
#include "rt_scheme.h"
#include "rt_test.h"
#include "tm.h"
#include "trusted.h"

struct RtTestEnv {
    su_home_t home[1]; /* first: the env is its own home */
    RtMsgEnv env;
    TmTable tm; /* the case's transactions (env.tm) */
    RtServices *svc; /* user location, memory only; made afresh for each case */
    RtPolicy *policy;
    RtRec *rec; /* env.rec while recording */
    sipc_route_fn main_route, onreply_route;
    char *orig_text; /* the current case's request; freed by rt_test_reset */
    char port[8];
};

RtTestEnv *rt_test_env_create(RtPolicy *policy, char *err, size_t errlen)
{
    su_init(); /* the parser's home allocator; balanced in destroy */
    RtTestEnv *t = su_home_new(sizeof *t);
    if (!t || !(t->env.rec = t->rec = rt_rec_new())) {
        snprintf(err, errlen, "out of memory");
        if (t)
            su_home_unref(t->home);
        su_deinit();
        return NULL;
    }
    const sipc_policy_desc *d = rt_policy_desc(policy);
    t->env.policy = policy;
    tm_table_init(&t->tm, NULL, TM_FR_TIMER_DEFAULT, TM_FR_INV_TIMER_DEFAULT); /* no clock: timers never fire */
    t->env.tm = &t->tm;
    t->env.varbuf_size = d->var_size;
    if (d->var_size && !(t->env.varbuf = su_zalloc(t->home, (isize_t)d->var_size))) {
        snprintf(err, errlen, "out of memory for the policy's $var block");
        rt_test_env_destroy(t);
        return NULL;
    }
    t->main_route = rt_policy_route(policy, SIPC_RK_REQUEST, "");
    t->onreply_route = rt_policy_route(policy, SIPC_RK_ONREPLY, "");
    t->policy = policy;
    t->env.clock_fixed = RT_TEST_CLOCK;
    RtServiceOpts o = {.offline = 1};
    if (!(t->svc = rt_services_start(policy, NULL, &o, &t->env, err, errlen))) {
        rt_test_env_destroy(t);
        return NULL;
    }
    return t;
}

int rt_test_subscriber(RtTestEnv *t, const char *user, const char *domain, const char *password, char *err,
                       size_t errlen)
{
    char md5[DIGEST_HEX_MAX] = "", sha[DIGEST_HEX_MAX] = "";
    if (password && *password) { /* as sipctl user add computes them: realm = domain */
        digest_ha1(DIGEST_MD5, user, domain, password, md5);
        digest_ha1(DIGEST_SHA256, user, domain, password, sha);
    }
    if (!t->env.subs) {
        snprintf(err, errlen, "the policy uses no subscriber table (no is_subscriber or authentication)");
        return -1;
    }
    if (subs_set(t->env.subs, user, domain, md5, sha) < 0) {
        snprintf(err, errlen, "cannot add subscriber %s@%s", user, domain);
        return -1;
    }
    return 0;
}

int rt_test_trusted(RtTestEnv *t, const char *src, const char *proto, const char *pattern, const char *tag,
                    char *err, size_t errlen)
{
    if (!t->env.trusted) {
        snprintf(err, errlen, "the policy uses no trusted table (no allow_trusted)");
        return -1;
    }
    return trusted_add(t->env.trusted, src, proto, pattern, tag, err, errlen);
}

int rt_test_location(RtTestEnv *t, const char *aor_uri, const UlBinding *b, char *err, size_t errlen)
{
    if (!t->env.ul) {
        snprintf(err, errlen, "the policy uses no user location (no save, lookup, registered or unregister)");
        return -1;
    }
    su_home_t home[1] = {SU_HOME_INIT(home)};
    sipc_msg m = {.home = home, .env = &t->env};
    url_t *u = url_make(home, aor_uri);
    const char *aor = u ? reg_aor(&m, u) : NULL;
    url_t *c = url_make(home, b->contact);
    int rc = 0;
    if (!aor) {
        snprintf(err, errlen, "'%s' is not a sip: or sips: URI with a user", aor_uri);
        rc = -1;
    } else if (!c || (c->url_type != url_sip && c->url_type != url_sips) || !c->url_host) {
        snprintf(err, errlen, "contact '%s' is not a sip: or sips: URI", b->contact);
        rc = -1;
    } else {
        UlEdit e = {.op = UL_PUT, .b = *b};
        e.b.contact = url_as_string(home, c);
        if (ul_apply(t->env.ul, "location", aor, &e, 1, t->env.clock_fixed) < 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    su_home_deinit(home);
    return rc;
}

void rt_test_env_destroy(RtTestEnv *t)
{
    if (!t)
        return;
    tm_table_clear(&t->tm);
    rt_services_stop(t->svc);
    rt_rec_free(t->rec);
    su_home_unref(t->home);
    su_deinit();
}

/* Parses a whole message from text; NULL if sofia finds it malformed
 * (a request only when it has no usable start line: rt_error.c sorts the
 * rest, as in sipd). */
static msg_t *parse(const char *text, size_t len, sip_t **sip, int request)
{
    msg_t *msg = msg_make(rt_lenient_mclass(), 0, text, (isize_t)len);
    *sip = msg ? sip_object(msg) : NULL;
    if (msg && (!*sip || (!(*sip)->sip_request && !(*sip)->sip_status) ||
                (!request && msg_has_error(msg)))) {
        msg_destroy(msg);
        return NULL;
    }
    return msg;
}

/* Gives msg the source address `from`, as nta does for received messages. */
static int set_source(msg_t *msg, const RtTestAddr *from)
{
    su_addrinfo_t *ai = msg_addrinfo(msg);
    su_sockaddr_t su;
    memset(&su, 0, sizeof su);
    int v6 = strchr(from->host, ':') != NULL;
    su.su_family = v6 ? AF_INET6 : AF_INET;
    if (su_inet_pton(su.su_family, from->host, SU_ADDR(&su)) != 1)
        return -1;
    su.su_port = htons((unsigned short)from->port);
    ai->ai_family = su.su_family;
    ai->ai_protocol = strcmp(from->proto, "udp") == 0 ? IPPROTO_UDP : IPPROTO_TCP;
    msg_set_address(msg, &su, (socklen_t)SU_SOCKADDR_SIZE(&su));
    return 0;
}

int rt_test_request(RtTestEnv *t, const char *text, size_t len, const RtTestAddr *from, const RtTestAddr *local,
                    char *err, size_t errlen)
{
    sip_t *sip;
    msg_t *msg = parse(text, len, &sip, 1);
    if (!msg || !sip->sip_request) {
        if (msg)
            msg_destroy(msg);
        /* nta answers a request it cannot parse itself, before any policy. */
        rt_rec_line(t->rec, "reject 400 Bad Request");
        return 0;
    }
    if (set_source(msg, from) < 0) {
        msg_destroy(msg);
        snprintf(err, errlen, "bad source address '%s'", from->host);
        return -1;
    }
    su_free(t->home, t->orig_text);
    t->orig_text = su_strndup(t->home, text, (isize_t)len);
    snprintf(t->port, sizeof t->port, "%d", local->port);
    t->env.orig_text = t->orig_text;
    t->env.local_proto = su_strdup(t->home, local->proto);
    t->env.local_host = su_strdup(t->home, local->host);
    t->env.local_port = t->port;
    if (rt_lenient_refuse(&t->env, msg, sip))
        return 0; /* reject 505 (rt_lenient.c) */
    if (rt_scheme_refuse(&t->env, msg, sip))
        return 0; /* reject 416 (rt_scheme.c) */
    rt_error_dispatch(&t->env, t->main_route, msg, sip); /* takes msg; error_route for bad ones */
    return 0;
}

int rt_test_reply(RtTestEnv *t, int relay, const char *text, size_t len, char *err, size_t errlen)
{
    if (relay < 1 || relay > rt_rec_relays(t->rec)) {
        snprintf(err, errlen, "there is no relay %d in this case (it made %d)", relay, rt_rec_relays(t->rec));
        return -1;
    }
    sip_t *sip;
    msg_t *msg = parse(text, len, &sip, 0);
    if (!msg || !sip->sip_status) {
        if (msg)
            msg_destroy(msg);
        snprintf(err, errlen, "the reply to relay %d is not a well-formed SIP response", relay);
        return -1;
    }
    int code = sip->sip_status->st_status;
    const char *phrase = sip->sip_status->st_phrase ? sip->sip_status->st_phrase : "";
    TmBranch *br = tm_find_relay(&t->tm, relay);
    if (br && (br->state == TM_BR_DROPPED || br->state == TM_BR_FAILED)) {
        msg_destroy(msg);
        snprintf(err, errlen, "relay %d was not sent (its branch was %s)", relay,
                 br->state == TM_BR_DROPPED ? "dropped" : "refused");
        return -1;
    }
    rt_rec_line(t->rec, "reply from relay %d: %d %s", relay, code, phrase);
    if (br) { /* a branch of t_relay(): the transaction decides */
        tm_reply_in(br, msg, sip);
        return 0;
    }
    int keep = rt_dispatch_reply(&t->env, t->onreply_route, msg, sip);
    rt_rec_line(t->rec, "%s reply %d %s", keep ? "relay" : "drop", code, phrase);
    msg_destroy(msg);
    return 0;
}

const char *rt_test_transcript(RtTestEnv *t)
{
    return rt_rec_text(t->rec);
}

void rt_test_set_recording(RtTestEnv *t, int on)
{
    t->env.rec = on ? t->rec : NULL;
}

void rt_test_reset(RtTestEnv *t)
{
    tm_table_clear(&t->tm);
    /* User location, subscribers, trusted peers and pike's counts start
     * empty: each case is self-contained. */
    if (t->env.ul || t->env.subs || t->env.trusted || t->env.pike) {
        char err[256];
        RtServiceOpts o = {.offline = 1};
        rt_services_stop(t->svc);
        if (!(t->svc = rt_services_start(t->policy, NULL, &o, &t->env, err, sizeof err)))
            rt_log(RT_LOG_ERROR, "%s", err);
    }
    rt_rec_clear(t->rec);
    su_free(t->home, t->orig_text);
    t->orig_text = NULL;
    t->env.orig_text = NULL;
}
