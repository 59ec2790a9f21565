/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tm.c - the transaction object and t_relay(): t_relay([uri]),
 * append_branch([uri]), t_on_failure(), t_on_branch(), t_on_reply().
 *
 * A request becomes stateful only when the policy calls t_relay(): until
 * then the message context holds the AVPs, flags, armed routes and
 * appended branches itself (the stateless path of DESIGN.md pays for
 * nothing else).  The first t_relay() of a request route makes the
 * transaction (tm_create): a reference to the request as the route left it,
 * the AVP slots (moved over, strings copied), the flags, the armed routes,
 * and in sipd a server transaction (rt_out_t_start).  Then it forks:
 *
 *   branch 0   the request URI, toward `uri` if given, else $du, else the
 *              top Route of a loose router other than us (as forward());
 *   branch 1.. one per append_branch(), in order.
 *
 * Each branch is a copy of the request (msg_copy: new header objects,
 * shared strings) with its own request URI and Max-Forwards counted down
 * (unless mf_process_maxfwd_header() did it); the armed branch_route runs
 * on that copy, in its own context, so what it edits ($ru, $du, headers)
 * belongs to that branch alone, and `drop` there keeps the branch from
 * being sent.  The branch then goes out through rt_out_t_branch().
 *
 * A failure_route (tm_reply.c) runs on another copy of the transaction's
 * request; its t_relay() adds branches to the same transaction (serial
 * forking).  Branch indices ($T_branch_idx) count across the transaction;
 * offline, each branch also takes the next relay number of the case when
 * it is made, so `branch N dropped` and `relay N to URI` share one
 * numbering with the stateless relays of forward().
 *
 * ACK (of a 2xx) and a CANCEL that reached the policy (it matched no
 * transaction: nta answers the others itself) have no transaction of
 * their own: t_relay() relays them statelessly, as forward() does (RFC
 * 3261 sections 16.10, 16.11).
 *
 * Ownership: see tm.h.  Lines a branch writes to the transcript use the
 * branch context's home; the branch records (TmBranch) live in t's home.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/url.h>

#include "tm.h"

/* --- the table ------------------------------------------------------------------ */

void tm_table_init(TmTable *tab, su_root_t *root, unsigned fr_timer, unsigned fr_inv_timer)
{
    memset(tab, 0, sizeof *tab);
    tab->root = root;
    tab->fr_timer = fr_timer;
    tab->fr_inv_timer = fr_inv_timer;
    tab->keep_done = root == NULL;
}

static void tm_free(TmTrans *t);

void tm_table_clear(TmTable *tab)
{
    while (tab->head)
        tm_free(tab->head);
    tm_srv_clear(tab);
}

TmBranch *tm_find_relay(TmTable *tab, int relay)
{
    for (TmTrans *t = tab->head; t; t = t->next)
        for (int i = 0; i < t->nbr; i++)
            if (t->br[i]->relay == relay)
                return t->br[i];
    return NULL;
}

void tm_trace(const TmTrans *t, const char *fmt, ...)
{
    RtRec *rec = t->env ? t->env->rec : NULL;
    if (!rec)
        return;
    va_list ap;
    va_start(ap, fmt);
    rt_rec_vline(rec, fmt, ap);
    va_end(ap);
}

sipc_route_fn tm_route(const TmTrans *t, int idx1)
{
    const sipc_policy_desc *d = t->env && t->env->policy ? rt_policy_desc(t->env->policy) : NULL;
    if (!d || idx1 <= 0 || (unsigned)idx1 > d->nroutes)
        return NULL;
    return d->routes[idx1 - 1].fn;
}

/* "branch_route[NAME]" for log lines. */
static const char *route_name(const TmTrans *t, int idx1)
{
    const sipc_policy_desc *d = t->env && t->env->policy ? rt_policy_desc(t->env->policy) : NULL;
    return d && idx1 > 0 && (unsigned)idx1 <= d->nroutes ? d->routes[idx1 - 1].name : "?";
}

int tm_live_branches(const TmTrans *t)
{
    int n = 0;
    for (int i = 0; i < t->nbr; i++)
        n += t->br[i]->state == TM_BR_PENDING || t->br[i]->state == TM_BR_PROCEEDING;
    return n;
}

/* --- life cycle ------------------------------------------------------------------ */

void tm_branch_done(TmBranch *br)
{
    if (br->orq || br->fr)
        tm_nta_branch_done(br);
    if (br->srv_req || br->srv_q)
        tm_srv_branch_done(br);
}

static void tm_free(TmTrans *t)
{
    for (int i = 0; i < t->nbr; i++) {
        TmBranch *br = t->br[i];
        tm_branch_done(br);
        if (br->reply)
            msg_destroy(br->reply);
        br->reply = NULL;
    }
    if (t->irq)
        tm_nta_free(t);
    *t->prev = t->next;
    if (t->next)
        t->next->prev = t->prev;
    if (t->tport)
        tport_unref(t->tport);
    msg_destroy(t->req);
    su_home_unref(t->home);
}

void tm_maybe_free(TmTrans *t)
{
    if (t->busy > 0 || !t->final_sent || tm_live_branches(t) > 0 || t->done)
        return;
    if (t->table->keep_done) {
        t->done = 1; /* offline: until the case ends, for late replies */
        return;
    }
    rt_log(RT_LOG_DEBUG, "transaction of %s call-id %s done: %d sent upstream",
           t->sip->sip_request->rq_method_name, rt_msg_call_id(t->sip), t->final_sent);
    tm_free(t);
}

/* Make the transaction of m's request; NULL (logged) on failure. */
static TmTrans *tm_create(sipc_msg *m)
{
    TmTable *tab = m->env ? m->env->tm : NULL;
    if (!tab) {
        rt_log(RT_LOG_ERROR, "t_relay: no transactions in this context (call-id %s)", rt_msg_call_id(m->sip));
        return NULL;
    }
    TmTrans *t = su_home_new(sizeof *t);
    if (!t) {
        rt_log(RT_LOG_ERROR, "t_relay: out of memory (call-id %s)", rt_msg_call_id(m->sip));
        return NULL;
    }
    t->table = tab;
    t->env = m->env;
    t->req = msg_ref_create(m->msg);
    t->sip = m->sip;
    snprintf(t->src_ip, sizeof t->src_ip, "%s", m->src_ip);
    t->src_port = m->src_port;
    t->proto = m->proto;
    t->tport = m->tport ? tport_ref(m->tport) : NULL;
    t->flags = m->flags;
    t->on_failure = m->on_failure;
    t->on_branch = m->on_branch;
    t->on_reply = m->on_reply;
    t->mf_done = m->mf_state > 0;
    t->rr_added = m->rr_added;
    t->routes_ok = m->routes_ok;
    t->is_invite = m->sip->sip_request->rq_method == sip_method_invite;
    t->busy = 1; /* the request route's hold, until tm_request_done() */
    t->next = tab->head;
    if (tab->head)
        tab->head->prev = &t->next;
    tab->head = t;
    t->prev = &tab->head;

    const sipc_policy_desc *d = m->policy ? rt_policy_desc(m->policy) : NULL;
    if (d && d->navps && !(t->avps = su_zalloc(t->home, (isize_t)(d->navps * sizeof *t->avps))))
        goto fail;
    if (rt_out_t_start(t, m) < 0)
        goto fail;
    /* The AVPs move over: from now on every context of t shares t's slots. */
    for (unsigned i = 0; m->avps && t->avps && i < d->navps; i++) {
        t->avps[i] = m->avps[i];
        if (m->avps[i].set && d->avps[i].type == SIPC_T_STR)
            t->avps[i].s = rt_str_copy(t->home, m->avps[i].s);
    }
    m->avps = t->avps;
    m->avp_home = t->home;
    m->tm = t;
    return t;

fail:
    rt_log(RT_LOG_ERROR, "t_relay: cannot make a transaction for %s (call-id %s)", m->rm.s,
           rt_msg_call_id(m->sip));
    t->busy = 0;
    tm_free(t);
    return NULL;
}

void tm_ctx_attach(sipc_msg *m, TmTrans *t)
{
    m->tm = t;
    m->avps = t->avps;
    m->avp_home = t->home;
    m->flags = t->flags;
    t->busy++;
}

void tm_ctx_done(sipc_msg *m)
{
    TmTrans *t = m->tm;
    t->flags = m->flags;
    t->busy--;
}

int tm_ctx_request(sipc_msg *m, TmTrans *t)
{
    msg_t *copy = msg_copy(t->req);
    sip_t *csip = copy ? sip_object(copy) : NULL;
    if (!csip || !csip->sip_request) {
        rt_log(RT_LOG_ERROR, "out of memory copying the request (call-id %s)", rt_msg_call_id(t->sip));
        if (copy)
            msg_destroy(copy);
        return -1;
    }
    rt_msg_init_from(m, t->env, copy, csip, t->src_ip, t->src_port, t->proto, t->tport);
    tm_ctx_attach(m, t);
    m->mf_state = t->mf_done;
    m->rr_added = t->rr_added;
    m->routes_ok = t->routes_ok;
    return 0;
}

void tm_request_done(sipc_msg *m, int rc)
{
    TmTrans *t = m->tm;
    (void)rc; /* what was relayed stays relayed, `drop` included (SPEC.md 3.6) */
    t->flags = m->flags;
    t->busy--;
    m->tm = NULL;
    if (!t->final_sent && tm_live_branches(t) == 0) {
        /* t_relay() sent nothing (every branch dropped or failed) and the
         * policy did not reply: the request must not go unanswered. */
        rt_log(RT_LOG_WARN, "t_relay: nothing relayed and no reply for %s (call-id %s): replying 500",
               t->sip->sip_request->rq_method_name, rt_msg_call_id(t->sip));
        t->busy++;
        tm_reply_local(t, 500, "Server Internal Error");
        t->busy--;
    }
    tm_maybe_free(t);
}

/* --- branches ------------------------------------------------------------------ */

TmBranch *tm_branch_new(TmTrans *t, const char *uri, const char *hop, uint64_t bflags)
{
    if (t->nbr == t->cap) {
        int cap = t->cap ? 2 * t->cap : 4;
        TmBranch **grown = su_realloc(t->home, t->br, (isize_t)((size_t)cap * sizeof *grown));
        if (!grown)
            return NULL;
        t->br = grown;
        t->cap = cap;
    }
    TmBranch *br = su_zalloc(t->home, sizeof *br);
    if (!br || !(br->uri = su_strdup(t->home, uri)) || (hop && !(br->hop = su_strdup(t->home, hop))))
        return NULL;
    br->t = t;
    br->idx = t->nbr;
    br->state = TM_BR_NEW;
    br->bflags = bflags;
    br->srv_cur = -1;
    br->relay = t->env && t->env->rec ? rt_rec_add_relay(t->env->rec) : 0;
    t->br[t->nbr++] = br;
    return br;
}

/* Give the branch context's request the URI `uri`; -1 if it is not one. */
static int set_branch_uri(sipc_msg *bm, const char *uri)
{
    sip_request_t *rq = bm->sip->sip_request;
    const char *cur = url_as_string(bm->home, rq->rq_url);
    if (cur && strcmp(cur, uri) == 0)
        return 0;
    url_t *u = url_make(bm->home, uri);
    if (!u || !u->url_host) {
        rt_log(RT_LOG_WARN, "t_relay: branch URI \"%s\" does not parse (call-id %s)", uri,
               rt_msg_call_id(bm->sip));
        return -1;
    }
    *rq->rq_url = *u;
    msg_fragment_clear(rq->rq_common);
    rt_msg_changed(bm);
    return 0;
}

/* Max-Forwards of the branch: one hop less, or 70 when absent (RFC 3261
 * section 16.6 step 3), unless mf_process_maxfwd_header() counted it. */
static int count_hop(sipc_msg *bm)
{
    sip_t *sip = bm->sip;
    if (bm->mf_state > 0)
        return 0;
    if (sip->sip_max_forwards) {
        if (sip->sip_max_forwards->mf_count > 0)
            sip->sip_max_forwards->mf_count--;
        msg_fragment_clear(sip->sip_max_forwards->mf_common);
    } else if (sip_add_tl(bm->msg, sip, SIPTAG_MAX_FORWARDS_STR("70"), TAG_END()) < 0) {
        return -1;
    }
    bm->mf_state = 1;
    rt_msg_changed(bm);
    return 0;
}

/* The Path a binding was registered with, on top of the branch's Routes. */
static int add_path_routes(sipc_msg *bm, const char *path)
{
    if (rt_path_routes(bm->msg, bm->sip, path) < 0) {
        rt_log(RT_LOG_WARN, "t_relay: stored Path \"%s\" does not parse (call-id %s)", path,
               rt_msg_call_id(bm->sip));
        return -1;
    }
    rt_msg_changed(bm);
    return 0;
}

/* Make, route and send one branch from the request of context m.
 * 1 if it was sent, 0 if not (dropped, refused, failed). */
static int run_branch(sipc_msg *m, TmTrans *t, const char *uri, const char *hop, const char *path,
                      uint64_t bflags)
{
    TmBranch *br = tm_branch_new(t, uri, hop, bflags);
    msg_t *copy = br ? msg_copy(m->msg) : NULL;
    sip_t *csip = copy ? sip_object(copy) : NULL;
    if (!csip) {
        rt_log(RT_LOG_ERROR, "t_relay: out of memory for a branch (call-id %s)", rt_msg_call_id(m->sip));
        if (copy)
            msg_destroy(copy);
        if (br)
            br->state = TM_BR_FAILED;
        return 0;
    }
    sipc_msg bm;
    rt_msg_init_from(&bm, m->env, copy, csip, m->src_ip, m->src_port, m->proto, m->tport);
    tm_ctx_attach(&bm, t);
    bm.kind = SIPC_RK_BRANCH;
    bm.branch = br;
    bm.varbuf = NULL; /* nested in m's run: its $vars come from the copy's home */
    bm.varbuf_size = 0;
    bm.mf_state = m->mf_state;
    bm.rr_added = m->rr_added;
    bm.routes_ok = m->routes_ok;
    bm.bflags = bflags;
    bm.br = m->br;
    bm.du = hop ? rt_str_cview(&bm, hop) : NULL;

    int sent = 0, rc = SIPC_CONTINUE;
    if (set_branch_uri(&bm, uri) < 0 || count_hop(&bm) < 0 || (path && add_path_routes(&bm, path) < 0)) {
        br->state = TM_BR_FAILED;
        goto done;
    }
    sipc_route_fn fn = tm_route(t, t->on_branch);
    if (fn)
        rc = rt_dispatch_run(&bm, fn);
    if (rc == SIPC_DROP) {
        br->state = TM_BR_DROPPED;
        tm_trace(t, "branch %d dropped", br->relay);
        rt_log(RT_LOG_DEBUG, "branch %d of call-id %s to %s dropped by branch_route[%s]", br->idx,
               rt_msg_call_id(bm.sip), uri, route_name(t, t->on_branch));
        goto done;
    }
    /* What the branch_route made of it is what goes out. */
    const char *bhop = bm.du ? rt_str_dup(&bm, bm.du) : NULL;
    const char *buri = url_as_string(bm.home, bm.sip->sip_request->rq_url);
    br->uri = buri ? su_strdup(t->home, buri) : br->uri;
    br->hop = bhop ? su_strdup(t->home, bhop) : NULL;
    br->bflags = bm.bflags;
    const sip_route_t *preloaded = bhop ? NULL : rt_route_unaccepted(&bm);
    if (preloaded) {
        br->state = TM_BR_FAILED;
        tm_trace(t, "branch %d refused: a Route the policy did not accept", br->relay);
        /* Anybody can send such requests: the line is rate-limited. */
        rt_log_limited(RT_LOG_WARN, "t_relay: unaccepted Route",
                       "t_relay: %s carries Route %s, which the policy did not accept "
                       "(loose_route_preloaded()); branch %d not relayed (call-id %s)", bm.rm.s,
               url_as_string(bm.home, preloaded->r_url), br->idx, rt_msg_call_id(bm.sip));
        goto done;
    }
    const url_t *target = bhop ? url_make(bm.home, bhop) : bm.sip->sip_request->rq_url;
    if (target && rt_url_is_self(&bm, target)) {
        br->state = TM_BR_FAILED;
        tm_trace(t, "branch %d refused: the next hop is this server", br->relay);
        rt_log(RT_LOG_WARN, "t_relay: the next hop %s is this server; branch %d not relayed (call-id %s)",
               bhop ? bhop : buri, br->idx, rt_msg_call_id(bm.sip));
        goto done;
    }
    if (rt_out_t_branch(br, &bm, msg_ref_create(bm.msg), bhop) < 0) {
        br->state = TM_BR_FAILED;
        goto done;
    }
    br->state = TM_BR_PENDING;
    sent = 1;
    rt_log(RT_LOG_DEBUG, "branch %d of %s call-id %s relayed to %s%s%s", br->idx, bm.rm.s,
           rt_msg_call_id(bm.sip), br->uri, bhop ? " via " : "", bhop ? bhop : "");
done:
    tm_ctx_done(&bm);
    rt_msg_release(&bm);
    return sent;
}

/* The branches of one t_relay(): the request URI (unless a failure_route
 * found it consumed: it already failed), then the appended ones. */
static int fork_branches(sipc_msg *m, TmTrans *t, const char *hop0, int with_ruri)
{
    int sent = 0, n = with_ruri;
    const char *ru = url_as_string(m->home, m->sip->sip_request->rq_url);
    for (RtAppend *a = m->appended; a; a = a->next)
        n++;
    rt_trace(m, "t_relay: %d branch%s", n, n == 1 ? "" : "es");
    t->flags = m->flags;
    if (ru && with_ruri)
        sent += run_branch(m, t, ru, hop0, m->path, m->bflags);
    for (RtAppend *a = m->appended; a; a = a->next)
        sent += run_branch(m, t, a->uri, a->hop, a->path, a->bflags);
    m->appended = NULL;
    m->append_tail = &m->appended;
    m->flags = t->flags;
    return sent;
}

/* --- the library functions ---------------------------------------------------------- */

int sipc_t_relay(sipc_msg *m, const sipc_str *uri)
{
    sip_t *sip = m->sip;
    if (!sip || !sip->sip_request)
        return 0;
    sip_method_t method = sip->sip_request->rq_method;
    if (!m->tm && (method == sip_method_ack || method == sip_method_cancel)) {
        rt_log(RT_LOG_DEBUG, "t_relay: %s has no transaction of its own; relayed statelessly (call-id %s)",
               m->rm.s, rt_msg_call_id(sip));
        rt_trace(m, "t_relay: %s relayed statelessly", m->rm.s);
        return sipc_forward(m, uri);
    }
    if (m->relayed) {
        rt_log(RT_LOG_WARN, "t_relay: already called for this request in this route (call-id %s)",
               rt_msg_call_id(sip));
        return 0;
    }
    if (m->tm && (m->tm->final_sent || m->tm->cancelled)) {
        rt_log(RT_LOG_WARN, "t_relay: the transaction is %s; nothing relayed (call-id %s)",
               m->tm->cancelled ? "cancelled" : "answered", rt_msg_call_id(sip));
        return 0;
    }
    if (!m->tm && (m->mf_state < 0 ||
                   (m->mf_state == 0 && sip->sip_max_forwards && sip->sip_max_forwards->mf_count == 0))) {
        rt_log(RT_LOG_DEBUG, "t_relay: Max-Forwards is 0 (call-id %s), replying 483", rt_msg_call_id(sip));
        rt_sl_reply(m, 483, "Too Many Hops");
        return 0;
    }
    int bad;
    const char *hop = rt_next_hop(m, uri, &bad);
    if (bad)
        return 0;
    /* Serial forking: the request URI the failed branches went to is
     * not tried again unless the policy gave a new target. */
    int with_ruri = !m->ruri_consumed || (uri && uri->len > 0);
    if (!with_ruri && !m->appended) {
        rt_log(RT_LOG_WARN, "t_relay: no new target in failure_route (the request URI already failed; "
               "set $ru or $du, or append_branch()) (call-id %s)", rt_msg_call_id(sip));
        rt_trace(m, "t_relay: no new branch");
        return 0;
    }
    TmTrans *t = m->tm ? m->tm : tm_create(m);
    if (!t)
        return 0;
    m->relayed = 1;
    int sent = fork_branches(m, t, hop, with_ruri);
    if (sent)
        m->done |= RT_MSG_FORWARDED;
    return sent > 0;
}

/*
 * append_branch(): a branch to the current request URI (and $du as its
 * next hop); append_branch(uri): a branch to `uri`, by its own address.
 * The next t_relay() sends it, after branch 0.
 */
int sipc_append_branch(sipc_msg *m, const sipc_str *uri)
{
    if (!m->sip || !m->sip->sip_request)
        return 0;
    RtAppend *a = su_zalloc(m->home, sizeof *a);
    if (!a)
        return 0;
    if (uri && uri->len > 0) {
        url_t *u = rt_parse_uri(m, "append_branch()", uri, 0);
        if (!u || !(a->uri = url_as_string(m->home, u)))
            return 0;
    } else {
        if (!(a->uri = url_as_string(m->home, m->sip->sip_request->rq_url)))
            return 0;
        a->hop = m->du ? rt_str_dup(m, m->du) : NULL;
    }
    a->bflags = m->bflags;
    *m->append_tail = a;
    m->append_tail = &a->next;
    if (!m->br)
        m->br = rt_str_cview(m, a->uri);
    return 1;
}

/* Arming: the transaction's when there is one, else the message's until
 * t_relay() makes it.  Route indices arrive checked by the compiler. */
void sipc_t_on_failure(sipc_msg *m, int route)
{
    *(m->tm ? &m->tm->on_failure : &m->on_failure) = route + 1;
}

void sipc_t_on_branch(sipc_msg *m, int route)
{
    *(m->tm ? &m->tm->on_branch : &m->on_branch) = route + 1;
}

void sipc_t_on_reply(sipc_msg *m, int route)
{
    *(m->tm ? &m->tm->on_reply : &m->on_reply) = route + 1;
}
