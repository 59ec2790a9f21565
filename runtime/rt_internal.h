/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_internal.h - runtime internals shared by runtime/ and stdlib/.
 *
 * Defines `struct sipc_msg`, the context a compiled route receives (opaque
 * in sipc/abi.h), and the helpers library functions use on it.  Programs in
 * bin/ include rt.h instead.
 *
 * Lifetimes: a sipc_msg lives on the stack of the dispatcher for the time of
 * one route run.  It owns one reference to its message `msg`: the request,
 * or for the transaction core (runtime/tm.h) a branch's copy of it, the
 * transaction's copy for a failure_route, a reply for an onreply_route.
 * Everything a library function allocates for the message comes from
 * `home`, that message's own sofia home, and dies with it; what must live
 * longer (AVP values) goes to the transaction's home (`avp_home`).
 *
 * Strings handed to the policy (const sipc_str *) stay valid, and keep
 * their value, until the message is done, as abi.h promises: the policy may
 * keep one in a $var.  So a sipc_str given out is never written again.
 * Getters cache what they computed in `pv` (one slot per row of pvars.def)
 * and `hdrs`; anything that edits the message calls rt_msg_changed(), which
 * forgets the cache (the old sipc_str objects stay in the home, unchanged)
 * so the next read computes a fresh one.  Bytes the sipc_str objects point
 * at are never freed before the message: sofia's msg_header_remove()
 * unlinks a header without freeing it.
 */
#ifndef SIPC_RT_INTERNAL_H
#define SIPC_RT_INTERNAL_H

#include <regex.h>
#include <stdarg.h>
#include <stdint.h>

#include <sofia-sip/msg.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/nta_stateless.h>
#include <sofia-sip/nta_tport.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/tport.h>

#include "compile.h" /* HostSym */
#include "rt.h"

/* sipc_msg.auth_state: how the last authorize went. */
enum {
    RT_AUTH_NONE = 1,      /* no credentials for the realm */
    RT_AUTH_OK,            /* authenticated */
    RT_AUTH_STALE,         /* a good nonce, expired: challenge with stale=true */
    RT_AUTH_FAILED,        /* wrong password, unknown user, a nonce not ours, a replay */
    RT_AUTH_MALFORMED      /* credentials that do not parse: 400 */
};

/* Flags of sipc_msg.done: what the policy did with the message. */
enum {
    RT_MSG_REPLIED = 1,  /* a reply went out (code in reply_code) */
    RT_MSG_FORWARDED = 2 /* a copy was relayed onward */
};

/* One cache slot per pseudo-variable, named RT_PV_<name>. */
enum {
#define PVAR(name, ...) RT_PV_##name,
#include "pvars.def"
#undef PVAR
    RT_PV_COUNT
};

/* A $hdr(Name) result, valid until the next rt_msg_changed(). */
typedef struct RtHdrCache {
    struct RtHdrCache *next;
    const char *name; /* as the policy wrote it */
    size_t namelen;
    const sipc_str *value;
} RtHdrCache;

/* One AVP slot.  The slots live with the transaction once t_relay() made
 * one (runtime/tm.c), before that with the message (rt_avp.c); a string
 * value's bytes are copied into that owner's home. */
typedef struct RtAvpVal {
    int set;
    sipc_int i;
    const sipc_str *s;
} RtAvpVal;

typedef struct RtRec RtRec;
typedef struct Ul Ul;             /* runtime/ul.h */
typedef struct Subs Subs;         /* runtime/subscriber.h */
typedef struct Pike Pike;         /* runtime/pike.h */
typedef struct Trusted Trusted;   /* runtime/trusted.h */
typedef struct Auth Auth;         /* runtime/auth.h */
typedef struct TmTable TmTable;   /* runtime/tm.h */
typedef struct TmTrans TmTrans;
typedef struct TmBranch TmBranch;

/* A target given to append_branch(), waiting for the next t_relay(). */
typedef struct RtAppend {
    struct RtAppend *next;
    const char *uri; /* the branch's request URI, in the message home */
    const char *hop; /* its next hop ($du when appended from the request URI), or NULL */
    const char *path; /* Route values to put on top of the branch (RFC 3327 Path), or NULL */
    uint64_t bflags;
} RtAppend;

/* The registrar's settings (registrar.*), read once per policy load. */
typedef struct RtRegCfg {
    int min_expires, max_expires, default_expires; /* seconds */
    int max_contacts;                              /* per AOR; 0 = no limit */
} RtRegCfg;

/* What every message of one server shares; owned by the server (or by the
 * offline test environment, rt_test.c). */
typedef struct RtMsgEnv {
    nta_agent_t *agent;     /* NULL offline */
    RtRec *rec;             /* offline: the transcript; NULL in sipd */
    const char *local_proto, *local_host, *local_port; /* offline: our address */
    const char *orig_text;  /* offline: the request as received, for relay diffs */
    const RtPolicy *policy; /* regexes, AVP table, var_size; may be NULL */
    void *varbuf;           /* scratch for $vars, zeroed per message */
    size_t varbuf_size;
    TmTable *tm;            /* the live transactions (runtime/tm.h); NULL: no t_relay */
    Ul *ul;                 /* user location (runtime/ul.h); NULL when the policy uses none */
    Subs *subs;             /* provisioned users (runtime/subscriber.h); NULL when unused */
    Auth *auth;             /* nonces and nonce counts (runtime/auth.h); NULL when unused */
    Pike *pike;             /* per-source request rates (runtime/pike.h); NULL when unused */
    Trusted *trusted;       /* trusted peers (runtime/trusted.h); NULL when unused */
    RtRegCfg reg;           /* registrar.* settings */
    long long clock_fixed;  /* offline: the instant (unix s) every case runs at; 0: the clock */
    char rr_key[65];        /* Record-Route signing key, hex (rt_route_in.c); "" signs nothing */
} RtMsgEnv;

struct sipc_msg {
    nta_agent_t *agent;
    const RtMsgEnv *env;
    const RtPolicy *policy; /* NULL outside a policy run (response relay) */
    RtRec *rec;             /* from env: record decisions (offline tests) */
    msg_t *msg;             /* the request; the context owns one reference */
    sip_t *sip;             /* its parsed headers */
    su_home_t *home;        /* per-message values: msg_home(msg) */
    tport_t *tport;         /* the transport it came in on (a reference), or NULL */

    char src_ip[SU_ADDRSIZE]; /* source address, no brackets for IPv6 */
    int src_port;
    const char *proto; /* "udp", "tcp", "tls" */
    sipc_str rm, si;   /* views, filled at init, never changed */

    const sipc_str *pv[RT_PV_COUNT]; /* getter cache, see above */
    RtHdrCache *hdrs;
    const sipc_str *du; /* $du, NULL when unset */
    const char *path;   /* lookup(): Route values for the request URI's branch (RFC 3327), or NULL */

    /* Digest authentication (stdlib/auth_fn.c): what the last
     * www_authorize()/proxy_authorize() found, for the challenge that
     * follows a failure and for consume_credentials(), check_from(). */
    int auth_state;            /* RT_AUTH_*: 0 not tried */
    const char *auth_user;     /* after success: the authenticated user and realm */
    const char *auth_realm;
    msg_header_t *auth_hdr;    /* the credentials that succeeded */

    RtAvpVal *avps;      /* desc->navps slots: the transaction's, or allocated on first use */
    su_home_t *avp_home; /* where AVP strings are copied: the transaction's home, else `home` */
    void *vars;     /* $var block once sipc_vars() handed it out */
    void *varbuf;   /* from RtMsgEnv */
    size_t varbuf_size;

    uint64_t flags;  /* message flags, bit numbers of desc->flags */
    uint64_t bflags; /* branch flags of branch 0 */

    unsigned done;  /* RT_MSG_* */
    int reply_code; /* last status sent by sl_send_reply */
    int mf_state;   /* mf_process_maxfwd_header: 0 not run, 1 passed, -1 refused */
    int rr_added;   /* record_route() ran */
    /* The Route header (rt_route_in.c): our own entries are removed
     * before the policy runs; what remains chooses a next hop only when
     * routes_ok. */
    int routed_by_us;  /* a Route of ours with our signature was removed */
    int routes_ok;     /* remaining Routes accepted: routed_by_us, loose_route_preloaded() */
    int loose_routed;  /* loose_route() took the next hop from the Route set */
    int ruri_consumed; /* failure_route: the request URI already failed; t_relay() skips it
                        * until $ru, $du or lookup() give a new target */
    int loop_logged;

    /* Transactions (runtime/tm.h). */
    int kind;            /* the SIPC_RK_* of the entry block running */
    TmTrans *tm;         /* the transaction of this message, or NULL (none yet) */
    TmBranch *branch;    /* branch_route, onreply_route: the branch; else NULL */
    int t_code;          /* $T_reply_code in a failure_route */
    int on_failure, on_branch, on_reply; /* armed before t_relay: route index + 1, 0 none */
    int relayed;         /* t_relay() already ran in this route run */
    RtAppend *appended, **append_tail; /* append_branch() targets for t_relay() */
    const sipc_str *br;  /* $br: the first appended URI, or NULL */
};

/* --- rt_msg.c ------------------------------------------------------------- */

/* Build a context around `msg`, taking over the caller's reference.  `env`
 * may be NULL (a context only for log lines). */
void rt_msg_init(sipc_msg *m, const RtMsgEnv *env, msg_t *msg, sip_t *sip);
/* The same for a message made here from one received earlier (a branch's
 * copy, the transaction's request): msg_copy() keeps no source address,
 * so the source and the transport come from the arguments (`tport` is
 * referenced again, may be NULL). */
void rt_msg_init_from(sipc_msg *m, const RtMsgEnv *env, msg_t *msg, sip_t *sip, const char *src_ip,
                      int src_port, const char *proto, tport_t *tport);
/* Drop the context's references; the policy's replies/forwards hold their own. */
void rt_msg_release(sipc_msg *m);
/* The message was edited: forget cached getter results (see above). */
void rt_msg_changed(sipc_msg *m);
/* "1.2.3.4:5060" or "[::1]:5060" into buf, for log lines; returns buf. */
const char *rt_msg_source(const sipc_msg *m, char *buf, size_t n);
/* Unix seconds for what expires at an absolute time (bindings, nonces):
 * the clock in sipd, the case's fixed instant offline (clock_fixed). */
int64_t rt_wall_now(const RtMsgEnv *env);
/* The Call-ID for log lines, "-" when absent; never NULL. */
const char *rt_msg_call_id(const sip_t *sip);

/* --- rt_route_in.c: the Route header and our Record-Route signature -------------- */

/* Derive the Record-Route signing key from the shared secret into env. */
void rt_rr_key_init(RtMsgEnv *env, const char *secret);
/* The `sig` parameter value for a Record-Route of m's dialog, in the
 * message home; NULL when there is no key. */
const char *rt_rr_sig(sipc_msg *m);
/* RFC 3261 section 16.4 before the policy runs: remove the Routes naming
 * us (noting in routed_by_us whether one carried our signature). */
void rt_route_in(sipc_msg *m);
/* The top Route when the policy has not accepted the Route set, else NULL:
 * a relay by the request URI must not happen while it is there. */
const sip_route_t *rt_route_unaccepted(const sipc_msg *m);

/* --- rt_dispatch.c: the policy meets a message -------------------------------- */

/* Run the main request route on a request; takes over `msg`. */
void rt_dispatch_request(const RtMsgEnv *env, sipc_route_fn route, msg_t *msg, sip_t *sip);
/* Run the main onreply_route (if any) on a reply to a stateless relay;
 * `msg` stays the caller's.  1 if the reply is to be relayed, 0 if the
 * policy dropped it. */
int rt_dispatch_reply(const RtMsgEnv *env, sipc_route_fn onreply, msg_t *msg, sip_t *sip);
/* Run entry block `fn` on a context made by the caller and write the
 * closing "end" line; the route's outcome (SIPC_CONTINUE, _EXIT, _DROP). */
int rt_dispatch_run(sipc_msg *m, sipc_route_fn fn);

/* --- rt_rec.c: the transcript of offline tests ------------------------------ */

RtRec *rt_rec_new(void);
void rt_rec_free(RtRec *rec);
const char *rt_rec_text(const RtRec *rec);
void rt_rec_clear(RtRec *rec);
void rt_rec_line(RtRec *rec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rt_rec_vline(RtRec *rec, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* One transcript line about m's message, when recording; nothing in sipd. */
void rt_trace(const sipc_msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* v as a quoted, escaped one-line string, in the message home. */
const char *rt_rec_quote(sipc_msg *m, const sipc_str *v);
/* Counts a relay of this case: its number, from 1. */
int rt_rec_add_relay(RtRec *rec);
int rt_rec_relays(const RtRec *rec);

/* --- rt_out.c: everything that leaves the server ----------------------------- */

/* A stateless reply to m's request, `to` its To header (with our tag) or
 * NULL; through nta, or into the transcript.  0, or -1 (logged). */
int rt_out_reply(sipc_msg *m, int code, const char *reason, sip_to_t *to);
/* The same with `extra` header lines ("Name: value\r\n" each) added to
 * the reply; offline each shows as a "  + Name: value" line. */
int rt_out_reply_hdrs(sipc_msg *m, int code, const char *reason, sip_to_t *to, const char *extra);
/* Relay `copy` (taken over) statelessly toward `hop` (NULL: by the request
 * URI); through nta, or into the transcript.  0, or -1 (logged). */
int rt_out_relay(sipc_msg *m, msg_t *copy, const char *hop);

/* The transaction's exits (runtime/tm.h), each through nta (tm_nta.c) or
 * into the transcript.  0, or -1 (logged). */
/* The transaction was made for m's request: a server transaction, and
 * 100 Trying for an INVITE. */
int rt_out_t_start(TmTrans *t, sipc_msg *m);
/* Send branch `br`: `copy` (taken over) toward `hop` (NULL: by its request
 * URI); `bm` is the branch's context, for the transcript's diff. */
int rt_out_t_branch(TmBranch *br, sipc_msg *bm, msg_t *copy, const char *hop);
/* CANCEL a branch that has not answered finally. */
void rt_out_t_cancel(TmBranch *br);
/* Relay a downstream reply (taken over) upstream through the transaction;
 * `stray`: a 2xx after the transaction's final reply, relayed statelessly. */
int rt_out_t_relay_reply(TmTrans *t, msg_t *reply, int stray);
/* A reply made here, through the transaction. */
int rt_out_t_reply(TmTrans *t, int code, const char *reason);

/* --- rt_str.c: sipc_str values for the policy ------------------------------ */

extern const sipc_str rt_str_empty; /* "" */
/* A new sipc_str in the message home viewing n bytes at s (not copied);
 * &rt_str_empty when s is NULL or on allocation failure. */
const sipc_str *rt_str_view(sipc_msg *m, const char *s, size_t n);
/* The same for a NUL-terminated string (NULL gives ""). */
const sipc_str *rt_str_cview(sipc_msg *m, const char *s);
/* A NUL-terminated copy of v in the message home, or NULL. */
char *rt_str_dup(sipc_msg *m, const sipc_str *v);
/* A new sipc_str with its own copy of v's bytes in `home` (not
 * NUL-terminated); &rt_str_empty for "" or on allocation failure. */
const sipc_str *rt_str_copy(su_home_t *home, const sipc_str *v);
/* Cache slot `slot` of m->pv: the cached value, or NULL to compute it. */
#define RT_PV_CACHED(m, slot) ((m)->pv[slot])
/* Store v in the cache slot and return it. */
const sipc_str *rt_pv_keep(sipc_msg *m, int slot, const sipc_str *v);

/* --- rt_pv_ruri.c ---------------------------------------------------------- */

/* Parse URI text from the policy (`what` names it in the warning) into the
 * message home: a sip: or sips: URI with a host, or with allow_tel also a
 * tel: URI.  NULL, and a warning, for anything else, including text with
 * spaces or control characters. */
url_t *rt_parse_uri(sipc_msg *m, const char *what, const sipc_str *v, int allow_tel);
/* Make a copy of `u` (in the message home) the request URI; 0, or -1 out
 * of memory.  As $ru = ... does, it gives a failure_route a new target. */
int rt_ruri_replace(sipc_msg *m, const url_t *u);

/* --- rt_self.c: our own addresses ------------------------------------------ */

/* Is `url` one of the addresses this server listens on (host and port)? */
int rt_url_is_self(const sipc_msg *m, const url_t *url);
/* A host (no port) is one of ours: our domain, whatever the port.  IPv6
 * as we listen, in brackets ("[::1]"). */
int rt_host_is_self(const sipc_msg *m, const char *host);
/* Our address as "HOST:PORT" for Record-Route, in the message home. */
const char *rt_self_hostport(sipc_msg *m);
/* rt_rr_out.c: a Record-Route value of ours, "<sip:HOSTPORT;lr;sig=...>"
 * (`;transport=` when transport is not NULL), in the message home. */
char *rt_rr_value(sipc_msg *m, const char *hostport, const char *transport);
/* rt_rr_out.c: add Record-Route `value` ("<sip:...;lr>") to `msg` above its
 * other Record-Routes and below all of its Vias.  0, or -1. */
int rt_rr_add(msg_t *msg, sip_t *sip, const char *value);
/* Put a stored Path (RFC 3327: "<uri>,<uri>") on top of the request's
 * Route set, so it follows the Path to the registered contact.  0, or -1
 * when the Path does not parse. */
int rt_path_routes(msg_t *msg, sip_t *sip, const char *path);

/* --- rt_hdr.c: headers by name ---------------------------------------------- */

/*
 * Find headers named `name` (case-insensitive; compact forms of known
 * headers accepted).  For a header sofia knows, *hh points at the slot of
 * its list in the sip_t, *unknown is 0 and *hc (if hc is not NULL) is its
 * class; for any other name, *hh is NULL, *unknown is 1 and *hc is
 * sip_unknown_class: walk sip->sip_unknown comparing with
 * rt_hdr_unknown_is.  -1 if the name is not a valid header name.
 */
int rt_hdr_lookup(sipc_msg *m, const char *name, size_t len, msg_header_t ***hh, int *unknown,
                  msg_hclass_t **hc);
/* Does the extension header `u` have the name `name`? */
int rt_hdr_unknown_is(const sip_unknown_t *u, const char *name, size_t len);

/* --- rt_policy.c ------------------------------------------------------------ */

/* Compiled pattern `slot` of the policy, or NULL if there is none. */
const regex_t *rt_policy_regex(const RtPolicy *p, int slot);

/* --- rt_regex.c -------------------------------------------------------------- */

typedef struct RtRegexSet RtRegexSet;
/* Compile the n patterns (POSIX extended, no sub-matches).  NULL with the
 * reason in err if one does not compile. */
RtRegexSet *rt_regex_compile(const char *const *pats, unsigned n, char *err, size_t errlen);
const regex_t *rt_regex_get(const RtRegexSet *rs, int slot);
void rt_regex_free(RtRegexSet *rs);

/* --- rt_uri.c ---------------------------------------------------------------- */

typedef struct RtUriSet RtUriSet;
/* Parse the policy's URI literals (descriptor `uris`); NULL with err when
 * one does not parse. */
RtUriSet *rt_uri_prepare(const sipc_str *const *lits, unsigned n, char *err, size_t errlen);
/* The parsed form of literal `lit` (by address), or NULL for a string that
 * is not one of them (a computed value). */
const url_t *rt_uri_find(const RtUriSet *s, const sipc_str *lit);
void rt_uri_free(RtUriSet *s);
/* The policy's set, or NULL. */
const RtUriSet *rt_policy_uris(const RtPolicy *p);

/* --- rt_symtab.c -------------------------------------------------------------- */

/* Every host function a policy may call, for libtcc.  Entries whose address
 * is NULL are functions this sipd does not provide yet (weak symbols);
 * jit_load skips them, so a policy calling one fails to relocate. */
extern const HostSym rt_host_syms[];
extern const size_t rt_host_nsyms;
/* The policy-level name of host symbol `csym`: "t_relay()" or "$ru";
 * NULL if it is not in builtins.def or pvars.def. */
const char *rt_symbol_policy_name(const char *csym, char *buf, size_t n);

/* --- rt_signal.c -------------------------------------------------------------- */

/* While watched, each SIGINT/SIGTERM calls on_stop(arg, signo) from the
 * loop of `root` (rt_shutdown_on_signal). */
typedef struct RtSignals RtSignals;
RtSignals *rt_signals_watch(su_root_t *root, void (*on_stop)(void *arg, int signo), void *arg, char *err,
                            size_t errlen);
void rt_signals_unwatch(RtSignals *sg);

/* --- stdlib helpers used across files ------------------------------------------ */

/* stdlib/sl.c: send a stateless reply (through the transaction when m has
 * one, runtime/tm_reply.c); 0, or -1 (logged). */
int rt_sl_reply(sipc_msg *m, int code, const char *reason);
/* The same with extra header lines (see rt_out_reply_hdrs), or NULL. */
int rt_sl_reply_hdrs(sipc_msg *m, int code, const char *reason, const char *extra);
/* stdlib/fwd.c: the next hop of m's request as forward() and t_relay()
 * choose it: `uri` if given (*bad set when it is not a usable URI), $du,
 * the top Route when it is a loose router's and the policy accepted the
 * Route set, else NULL (the request URI).  In the message home. */
const char *rt_next_hop(sipc_msg *m, const sipc_str *uri, int *bad);

#endif /* SIPC_RT_INTERNAL_H */
