/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tm_srv.c - failover to the next SRV target on 503 (RFC 3263 section
 * 4.3), which Debian's sofia-sip 1.12.11 does not do (no NTATAG_SRV_503;
 * nta itself only moves on when a target is unreachable, see rt_dns.c).
 *
 * A branch whose target (its next hop, else its request URI) is a host
 * name with no port, no maddr and no IP literal keeps a copy of itself as
 * sent (tm_nta.c, before nta adds its Via).  When it ends with a 503 from
 * downstream, or a local 408 (fr timer, nta's timer B/F), and the
 * transaction has neither answered nor been CANCELed, tm looks up the SRV
 * records of the name itself: _sip._udp.HOST (_sip._tcp with
 * transport=tcp, _sips._tcp for sips: or transport=tls; NAPTR is not
 * consulted), with its own sresolv resolver on the same su_root and the
 * same resolv.conf (dns.resolv_conf).  The records are ordered by priority,
 * then by weight, heaviest first (deterministic, where RFC 2782 draws by
 * weight).  The target that failed is the one the 503 came from (by its
 * source port), else the first; the next one after it (another host or
 * port) gets a new branch: the same request, toward
 * `sip:TARGET:PORT[;transport=...]`, without running the branch_route
 * again.  The old branch becomes TM_BR_RETRIED and takes no part in the
 * choice of the best reply.  A new branch that fails the same way goes on
 * to the next record, and so on; only when no target is left does the
 * branch end with its code (and its 503 reply) as usual.  A local 503
 * (no transport: nta already tried every target) is not retried.
 *
 * Offline (`sipc test`) there is no DNS and nothing here runs; sipd with
 * dns.use_srv = false does not fail over either.
 */
#define SRES_CONTEXT_T struct TmBranch

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sofia-resolv/sres.h>
#include <sofia-resolv/sres_record.h>
#include <sofia-sip/hostdomain.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sresolv.h>
#include <sofia-sip/url.h>

#include "rt_dns.h"
#include "tm.h"

typedef struct TmSrvRec {
    char *host;
    unsigned prio, weight, port, order;
} TmSrvRec;

struct TmSrv {
    int n;
    const char *scheme;    /* "sip" or "sips" */
    const char *transport; /* the target's transport parameter, or NULL */
    TmSrvRec *rec;
};

static const char *setting(const TmTrans *t, const char *name)
{
    const sipc_policy_desc *d = t->env && t->env->policy ? rt_policy_desc(t->env->policy) : NULL;
    for (unsigned i = 0; d && i < d->nsettings; i++)
        if (!strcmp(d->settings[i].name, name))
            return d->settings[i].value;
    return NULL;
}

/* The URL the branch goes to: its next hop, else its request URI. */
static const url_t *target_url(su_home_t *home, msg_t *msg, const char *hop)
{
    sip_t *sip = sip_object(msg);
    if (hop)
        return url_make(home, hop);
    return sip && sip->sip_request ? sip->sip_request->rq_url : NULL;
}

int tm_srv_eligible(const TmBranch *br, msg_t *copy, const char *hop)
{
    const TmTrans *t = br->t;
    if (br->srv) /* a failover branch: it may fail over again */
        return 1;
    const char *srv = setting(t, "dns.use_srv");
    if (!t->table->root || (srv && !strcmp(srv, "false")))
        return 0;
    su_home_t home[1] = {SU_HOME_INIT(home)};
    const url_t *u = target_url(home, copy, hop);
    int ok = u && u->url_host && !u->url_port && !host_is_ip_address(u->url_host) &&
             !url_has_param(u, "maddr") && (u->url_type == url_sip || u->url_type == url_sips);
    su_home_deinit(home);
    return ok;
}

void tm_srv_branch_done(TmBranch *br)
{
    if (br->srv_q)
        sres_query_bind(br->srv_q, NULL, NULL); /* its answer, if any, goes nowhere */
    br->srv_q = NULL;
    if (br->srv_req)
        msg_destroy(br->srv_req);
    br->srv_req = NULL;
}

void tm_srv_clear(TmTable *tab)
{
    if (tab->srv_res)
        sres_resolver_unref(tab->srv_res);
    tab->srv_res = NULL;
}

/* Index of the record after the one that failed, or -1. */
static int next_target(const TmBranch *br)
{
    const TmSrv *s = br->srv;
    int failed = br->srv_cur;
    if (failed < 0) { /* the branch nta resolved: which target answered? */
        failed = 0;
        for (int i = 0; br->srv_port && i < s->n; i++)
            if (s->rec[i].port == (unsigned)br->srv_port) {
                failed = i;
                break;
            }
    }
    for (int i = failed + 1; i < s->n; i++)
        if (s->rec[i].port != s->rec[failed].port || strcasecmp(s->rec[i].host, s->rec[failed].host))
            return i;
    return -1;
}

/* Send br's request to the records after the one that failed; 1 if a new
 * branch went out (br is then RETRIED), 0 if none is left. */
static int send_next(TmBranch *br)
{
    TmTrans *t = br->t;
    for (int k = next_target(br); k >= 0; k = next_target(br)) {
        const TmSrvRec *r = &br->srv->rec[k];
        char hop[512];
        snprintf(hop, sizeof hop, "%s:%s:%u%s%s", br->srv->scheme, r->host, r->port,
                 br->srv->transport ? ";transport=" : "", br->srv->transport ? br->srv->transport : "");
        TmBranch *nb = tm_branch_new(t, br->uri, hop, br->bflags);
        msg_t *copy = nb ? msg_copy(br->srv_req) : NULL;
        if (!copy) {
            rt_log(RT_LOG_ERROR, "srv failover: out of memory (call-id %s)", rt_msg_call_id(t->sip));
            if (nb)
                nb->state = TM_BR_FAILED;
            return 0;
        }
        nb->srv = br->srv;
        nb->srv_cur = k;
        rt_log(RT_LOG_INFO, "branch %d of call-id %s got %d: trying the next SRV target, branch %d to %s",
               br->idx, rt_msg_call_id(t->sip), br->code, nb->idx, hop);
        if (tm_nta_branch(nb, copy, hop) == 0) { /* it takes copy */
            nb->state = TM_BR_PENDING;
            br->state = TM_BR_RETRIED;
            if (br->reply)
                msg_destroy(br->reply);
            br->reply = NULL;
            tm_srv_branch_done(br);
            return 1;
        }
        nb->state = TM_BR_FAILED;
        br->srv_cur = k; /* that one failed too: on to the one after */
    }
    return 0;
}

static int cmp_rec(const void *a, const void *b)
{
    const TmSrvRec *x = a, *y = b;
    if (x->prio != y->prio)
        return x->prio < y->prio ? -1 : 1;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* The SRV answer for br. */
static void on_srv(TmBranch *br, sres_query_t *q, sres_record_t **answers)
{
    (void)q;
    TmTrans *t = br->t;
    br->srv_q = NULL;
    int n = 0;
    for (int i = 0; answers && answers[i]; i++)
        n += answers[i]->sr_record->r_type == sres_type_srv && answers[i]->sr_record->r_status == 0;
    TmSrv *s = br->srv;
    if (n > 0 && s && (s->rec = su_zalloc(t->home, (isize_t)((size_t)n * sizeof *s->rec)))) {
        for (int i = 0; answers[i]; i++) {
            sres_srv_record_t *r = answers[i]->sr_srv;
            if (r->srv_record->r_type != sres_type_srv || r->srv_record->r_status != 0)
                continue;
            TmSrvRec *o = &s->rec[s->n];
            if (!(o->host = su_strdup(t->home, r->srv_target)))
                break;
            size_t l = strlen(o->host);
            if (l > 1 && o->host[l - 1] == '.')
                o->host[l - 1] = '\0';
            o->prio = r->srv_priority;
            o->weight = r->srv_weight;
            o->port = r->srv_port;
            o->order = (unsigned)s->n++;
        }
        qsort(s->rec, (size_t)s->n, sizeof *s->rec, cmp_rec);
    }
    sres_free_answers(t->table->srv_res, answers);
    t->busy++;
    int sent = s && s->n > 0 && !t->final_sent && !t->cancelled && send_next(br);
    if (!sent) {
        msg_t *reply = br->reply;
        br->reply = NULL;
        rt_log(RT_LOG_DEBUG, "branch %d of call-id %s: no other SRV target, it ends with %d", br->idx,
               rt_msg_call_id(t->sip), br->code);
        tm_branch_failed(br, br->code, br->phrase, reply);
    }
    t->busy--;
    tm_maybe_free(t);
}

int tm_srv_failover(TmBranch *br, int code, const char *phrase, msg_t *reply)
{
    TmTrans *t = br->t;
    TmTable *tab = t->table;
    if (!tab->root || !br->srv_req || t->cancelled || t->final_sent || (code == 503 && !reply))
        return 0;
    if (reply) {
        su_addrinfo_t *ai = msg_addrinfo(reply);
        br->srv_port = ai && ai->ai_addr ? ntohs(((su_sockaddr_t *)ai->ai_addr)->su_port) : 0;
    }
    if (br->srv && next_target(br) < 0)
        return 0; /* every target tried */

    char name[512] = "";
    if (!br->srv) {
        su_home_t *home = t->home;
        const url_t *u = target_url(home, br->srv_req, br->hop);
        if (!u || !u->url_host)
            return 0;
        char tp[16] = "";
        if (u->url_params)
            url_param(u->url_params, "transport", tp, sizeof tp);
        int tls = u->url_type == url_sips || !strcasecmp(tp, "tls");
        int tcp = !strcasecmp(tp, "tcp");
        snprintf(name, sizeof name, "%s.%s", tls ? "_sips._tcp" : tcp ? "_sip._tcp" : "_sip._udp", u->url_host);
        if (!tab->srv_res) {
            const char *conf = t->env ? rt_dns_resolv_conf(t->env->policy) : NULL;
            tab->srv_res = sres_resolver_create(tab->root, conf && *conf ? conf : NULL, TAG_END());
            if (!tab->srv_res) {
                rt_log(RT_LOG_WARN, "srv failover: cannot make a resolver");
                return 0;
            }
        }
        TmSrv *s = su_zalloc(home, sizeof *s);
        if (!s)
            return 0;
        s->scheme = u->url_type == url_sips ? "sips" : "sip";
        s->transport = *tp ? su_strdup(home, tp) : NULL;
        br->srv = s;
    }

    /* br waits: its client transaction is done, its reply kept. */
    if (br->orq || br->fr)
        tm_nta_branch_done(br); /* leaves srv_req */
    br->code = code;
    br->phrase = su_strdup(t->home, phrase ? phrase : "");
    br->reply = reply;

    if (br->srv->rec) { /* known: on at once */
        if (!send_next(br)) {
            br->reply = NULL;
            tm_branch_failed(br, code, br->phrase, reply);
        }
        return 1;
    }
    rt_log(RT_LOG_DEBUG, "branch %d of call-id %s got %d: looking up SRV %s", br->idx, rt_msg_call_id(t->sip),
           code, name);
    br->srv_q = sres_query(tab->srv_res, on_srv, br, sres_type_srv, name);
    if (!br->srv_q) {
        br->reply = NULL;
        tm_branch_failed(br, code, br->phrase, reply);
    }
    return 1;
}
