/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tm.h - the transaction core: stateful relaying, forking, and the
 * failure, branch and reply routes (SPEC.md sections 2.1 and 6).
 *
 * One core for sipd and for `sipc test`: the logic here never calls nta.
 * What leaves the server goes through rt_out_t_*() (rt_out.c), which sends
 * through nta (tm_nta.c) in sipd and writes transcript lines offline; what
 * comes in (replies, a CANCEL, a timer) arrives through tm_reply_in(),
 * tm_local_final() and tm_cancelled(), called by tm_nta.c in sipd and by
 * rt_test.c offline.
 *
 *   tm.c        the transaction object, t_relay() and its branches,
 *               append_branch(), t_on_*(), the end of the request route
 *   tm_reply.c  replies: the onreply routes, what is relayed, the choice
 *               of the best final reply, failure_route
 *   tm_choice.c RFC 3261 section 16.7's choice, pure (unit-tested)
 *   tm_nta.c    sipd's glue: server and client transactions, CANCEL, timers
 *   tm_srv.c    sipd: failover to the next SRV target on 503 / 408
 *
 * Ownership.  A TmTrans is its own sofia home (su_home_new), listed in the
 * TmTable of its environment, and owns: a reference to the request as the
 * request route left it at t_relay() (`req`), the AVP slots and their
 * strings, the branches (in its home), each branch's kept final reply (a
 * reference), and in sipd the server transaction (irq), each branch's
 * client transaction (orq) and timer.  It is freed by tm_maybe_free() when
 * nothing runs on it (`busy`), it has sent its final reply upstream and no
 * branch still waits for a final reply; tm_table_clear() frees every one
 * (end of a test case, server shutdown).
 */
#ifndef SIPC_TM_H
#define SIPC_TM_H

#include "rt_internal.h"

/* Where a branch is.  Only PENDING and PROCEEDING branches are "live". */
typedef enum TmBranchState {
    TM_BR_NEW,        /* made, its branch_route running */
    TM_BR_DROPPED,    /* dropped by branch_route: never sent */
    TM_BR_FAILED,     /* not sent: next hop is us, or the send failed */
    TM_BR_PENDING,    /* sent, no reply yet */
    TM_BR_PROCEEDING, /* a provisional reply came */
    TM_BR_FINAL,      /* a final reply came, or a local one (timeout) */
    TM_BR_RETRIED     /* 503 / timeout: went on to the next SRV target, as a new branch (tm_srv.c) */
} TmBranchState;

typedef struct TmSrv TmSrv;

struct TmBranch {
    TmTrans *t;
    int idx;   /* $T_branch_idx: 0, 1, ... in the order of creation */
    int relay; /* offline: its relay number in the transcript; 0 in sipd */
    TmBranchState state;
    const char *uri; /* its request URI as forked (t's home) */
    const char *hop; /* its next hop, or NULL (the request URI) */
    uint64_t bflags;
    int code;            /* last status received, or the local final's */
    char *phrase;        /* of `code` (t's home) */
    msg_t *reply;        /* the final reply >= 300 kept for the choice; NULL if local */
    int cancelled;       /* a CANCEL was sent for it */
    nta_outgoing_t *orq; /* sipd: the client transaction, until final */
    su_timer_t *fr;      /* sipd: fr_timer / fr_inv_timer, until final */
    /* sipd, SRV failover (tm_srv.c): */
    msg_t *srv_req;              /* a copy of the branch as sent, while it may fail over */
    TmSrv *srv;                  /* the SRV targets of its host name, once looked up (t's home) */
    int srv_cur;                 /* index in srv of the target it went to; -1 unknown (nta chose) */
    int srv_port;                /* source port of the 503 that ended it, 0 unknown */
    struct sres_query_s *srv_q;  /* the SRV query under way */
};

struct TmTrans {
    su_home_t home[1]; /* first: the transaction is its own home */
    TmTable *table;
    TmTrans *next, **prev; /* in table->head */
    const RtMsgEnv *env;
    msg_t *req; /* the request (a reference) as t_relay() found it */
    sip_t *sip;
    char src_ip[SU_ADDRSIZE]; /* where the request came from, for later contexts */
    int src_port;
    const char *proto;
    tport_t *tport; /* a reference, or NULL */

    RtAvpVal *avps;                      /* the policy's AVP slots (NULL when it declares none) */
    uint64_t flags;                      /* message flags, carried between the routes */
    int on_failure, on_branch, on_reply; /* armed routes: index + 1, 0 none */
    int mf_done;                         /* mf_process_maxfwd_header() decremented req already */
    int rr_added;                        /* req carries our Record-Route */
    int routes_ok;                       /* its Route set may choose next hops (rt_route_in.c) */
    int is_invite;

    TmBranch **br; /* the branches, in creation order */
    int nbr, cap;
    int final_sent;      /* status of the final reply sent upstream; 0 none yet */
    int cancelled;       /* the upstream CANCELed the request */
    int busy;            /* route runs and event handlers using t right now */
    int done;            /* offline: finished, kept for late replies until the case ends */
    nta_incoming_t *irq; /* sipd: the server transaction */
};

struct TmTable {
    TmTrans *head;         /* every live transaction */
    su_root_t *root;       /* sipd: for the fr timers; NULL offline */
    unsigned fr_timer;     /* ms to wait for a final reply (tm.fr_timer) */
    unsigned fr_inv_timer; /* the same for INVITE (tm.fr_inv_timer) */
    int keep_done;         /* offline: keep finished transactions until tm_table_clear,
                            * so a late `--- reply N` still finds its branch */
    struct sres_resolver_s *srv_res; /* sipd: tm_srv.c's resolver, made when first needed */
};

/* Defaults of tm.fr_timer and tm.fr_inv_timer, in ms. */
#define TM_FR_TIMER_DEFAULT 30000
#define TM_FR_INV_TIMER_DEFAULT 120000

/* --- tm.c --------------------------------------------------------------------- */

/* root NULL: offline (no timers; finished transactions kept, see keep_done). */
void tm_table_init(TmTable *tab, su_root_t *root, unsigned fr_timer, unsigned fr_inv_timer);
/* Free every transaction of the table, sending nothing more. */
void tm_table_clear(TmTable *tab);
/* Offline: the branch relay number `relay` names, or NULL (a stateless
 * relay). */
TmBranch *tm_find_relay(TmTable *tab, int relay);
/* The request route that made m's transaction is done (rc: its outcome). */
void tm_request_done(sipc_msg *m, int rc);
/* Start a context for the transaction's request (failure_route): a copy
 * of t->req the context owns, with t's source, AVPs and flags. */
int tm_ctx_request(sipc_msg *m, TmTrans *t);
/* Attach a context the caller made to t: its AVPs, flags; t is busy
 * until tm_ctx_done(). */
void tm_ctx_attach(sipc_msg *m, TmTrans *t);
/* A context on t ends: carry its flags back (t is not freed here). */
void tm_ctx_done(sipc_msg *m);
/* A branch is done with its client transaction (final, or never sent). */
void tm_branch_done(TmBranch *br);
/* Number of branches still waiting for a final reply. */
int tm_live_branches(const TmTrans *t);
/* Free t if nothing uses it any more (see the top of this file); t may be
 * gone on return. */
void tm_maybe_free(TmTrans *t);
/* A new branch record of t (state TM_BR_NEW), or NULL (out of memory). */
TmBranch *tm_branch_new(TmTrans *t, const char *uri, const char *hop, uint64_t bflags);
/* The route of the policy at index `idx1 - 1`, or NULL. */
sipc_route_fn tm_route(const TmTrans *t, int idx1);
/* A transcript line about t, when recording. */
void tm_trace(const TmTrans *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- tm_reply.c ------------------------------------------------------------------ */

/* A reply for branch br arrived from downstream (taken over): run the
 * onreply routes, relay, keep or absorb it, choose when all are final. */
void tm_reply_in(TmBranch *br, msg_t *reply, sip_t *sip);
/* Branch br ended here without a reply: code 408 (its timer), 503 (no
 * transport), ... */
void tm_local_final(TmBranch *br, int code);
/* Branch br ends with `code` after all (reply, taken, may be NULL): keep
 * it, and choose when it was the last live branch. */
void tm_branch_failed(TmBranch *br, int code, const char *phrase, msg_t *reply);
/* The upstream CANCELed the request: cancel every live branch. */
void tm_cancelled(TmTrans *t);
/* A reply made here (sl_send_reply with a transaction, a 500 when nothing
 * was relayed): through the transaction.  0, or -1. */
int tm_reply_local(TmTrans *t, int code, const char *reason);
/* CANCEL every live branch of t (INVITE only) but `except`. */
void tm_cancel_others(TmTrans *t, const TmBranch *except);

/* --- tm_choice.c: RFC 3261 section 16.7 (tm_choice.h) -------------------------------- */

#include "tm_choice.h"

/* --- tm_srv.c: failover to the next SRV target (RFC 3263 section 4.3) ------------------- */

/* Should branch br, about to be sent as `copy` toward `hop` (or its
 * request URI), keep a copy for a failover?  sipd only. */
int tm_srv_eligible(const TmBranch *br, msg_t *copy, const char *hop);
/* Branch br got `code` (503 from downstream with `reply`, or a local 408):
 * 1 if a failover took over (the reply is then its), 0 to go on as usual. */
int tm_srv_failover(TmBranch *br, int code, const char *phrase, msg_t *reply);
/* br is done: forget its copy and its query. */
void tm_srv_branch_done(TmBranch *br);
/* Free the resolver (tm_table_clear). */
void tm_srv_clear(TmTable *tab);

/* --- tm_nta.c: sipd's side of rt_out_t_*() ---------------------------------------------- */

int tm_nta_start(TmTrans *t, sipc_msg *m);
int tm_nta_branch(TmBranch *br, msg_t *copy, const char *hop);
void tm_nta_cancel(TmBranch *br);
int tm_nta_relay_reply(TmTrans *t, msg_t *reply, int stray);
int tm_nta_reply(TmTrans *t, int code, const char *reason);
/* Destroy br's client transaction and timer (nta finishes it alone). */
void tm_nta_branch_done(TmBranch *br);
/* Destroy t's server transaction. */
void tm_nta_free(TmTrans *t);

#endif /* SIPC_TM_H */
