/* SPDX-License-Identifier: GPL-2.0-or-later WITH sipc-policy-exception */
/*
 * sipc/abi.h - the one header that C emitted by sipc includes.
 *
 * This file is the contract between a compiled policy and the sipd that runs
 * it.  It is compiled with every policy (by libtcc in memory, or by cc into a
 * policy.so), so it stays small and includes nothing: no libc headers, only
 * plain C types.  Any change to a type, prototype or enum value below bumps
 * SIPC_ABI_VERSION; sipd refuses objects built for another version.
 *
 * Conventions for host functions (implemented by sipd, called by policies):
 *  - the first parameter is always the message context, `sipc_msg *m`;
 *  - strings cross the boundary as `const sipc_str *` (never by value, so the
 *    two backends cannot disagree on struct passing); a returned pointer is
 *    valid until the message is done;
 *  - booleans are `int`, 1 true and 0 false; integers are `sipc_int`.
 *
 * As stated in LICENSE, this header and the C that sipc emits from a user's
 * policy do not bring that policy or the object built from it under the GPL.
 */
#ifndef SIPC_ABI_H
#define SIPC_ABI_H

#define SIPC_ABI_VERSION 4
#define SIPC_POLICY_MAGIC 0x43504953u /* "SIPC" in little-endian bytes */

typedef long long sipc_int;

/* A string slice; not NUL-terminated in general. */
typedef struct sipc_str {
    const char *s;
    sipc_int len;
} sipc_str;

/* The message being routed; opaque to policies. */
typedef struct sipc_msg sipc_msg;

/* Route block kinds; also used as bit masks for "where is this allowed". */
enum sipc_route_kind {
    SIPC_RK_REQUEST = 1, /* route { } and route[NAME] { } */
    SIPC_RK_FAILURE = 2, /* failure_route[NAME] */
    SIPC_RK_BRANCH = 4,  /* branch_route[NAME] */
    SIPC_RK_ONREPLY = 8, /* onreply_route */
    SIPC_RK_ERROR = 16   /* error_route */
};

/* What a route function returns: how processing of the message goes on. */
enum sipc_outcome {
    SIPC_CONTINUE = 0, /* fell off the end: the caller goes on */
    SIPC_EXIT = 1,     /* `exit`: stop all routing of this message */
    SIPC_DROP = 2      /* `drop`: stop, and discard the message */
};

/*
 * A compiled route block.  `ret` is where a named route stores the value of
 * `return EXPR` (a sipc_int, an int for bool, or a const sipc_str *); it is
 * NULL when nobody uses the value, and always NULL for entry blocks.
 */
typedef int (*sipc_route_fn)(sipc_msg *m, void *ret);

typedef struct sipc_route_desc {
    int kind;         /* one enum sipc_route_kind value */
    const char *name; /* "" for the main route of its kind */
    sipc_route_fn fn;
} sipc_route_desc;

/* A top-level setting as written: ints in decimal, bools "true"/"false". */
typedef struct sipc_setting {
    const char *name; /* "listen", "tm.fr_timer" */
    const char *value;
} sipc_setting;

enum sipc_value_type { SIPC_T_INT = 1, SIPC_T_STR = 2 };

/* A declared AVP (`avp NAME: TYPE;`); slots are indices into this table. */
typedef struct sipc_avp_desc {
    const char *name;
    int type; /* enum sipc_value_type */
} sipc_avp_desc;

/* Log levels of xlog(), as syslog numbers. */
enum sipc_log_level {
    SIPC_L_ALERT = 1,
    SIPC_L_CRIT = 2,
    SIPC_L_ERR = 3,
    SIPC_L_WARN = 4,
    SIPC_L_NOTICE = 5,
    SIPC_L_INFO = 6,
    SIPC_L_DBG = 7
};

/*
 * The descriptor every policy object exports under the name `sipc_policy` (type
 * sipc_policy_desc: C forbids a typedef and an object of one name).
 * `magic` and `abi_version` stay the first two fields in every ABI version,
 * so any sipd can read them and refuse a mismatch before touching the rest.
 * Tables with a zero count are NULL.
 */
typedef struct sipc_policy_desc {
    unsigned magic;
    unsigned abi_version;
    const char *source_name; /* the .sipc path the object was built from */
    const char *source_hash; /* FNV-1a 64 of the source bytes, 16 hex digits */
    unsigned nroutes;
    const sipc_route_desc *routes;
    unsigned nsettings;
    const sipc_setting *settings; /* in source order; `listen` may repeat */
    unsigned navps;
    const sipc_avp_desc *avps;
    unsigned nflags;
    const char *const *flags; /* message flag names, bit i = flags[i] */
    unsigned nbflags;
    const char *const *bflags; /* branch flag names */
    unsigned nregex;
    const char *const *regex; /* POSIX extended patterns, compiled at load */
    unsigned var_size;        /* bytes of $var storage each message needs */
    unsigned services;        /* SIPC_SVC_* the policy's calls need */
    unsigned nuris;
    const sipc_str *const *uris; /* literals passed as URIs: parsed once at load, found by address */
} sipc_policy_desc;

/* sipd services a policy may need (descriptor `services`): sipd starts a
 * service, and opens the database for it, only when a policy uses it. */
#define SIPC_SVC_USRLOC 1u /* save, lookup, registered, unregister */
#define SIPC_SVC_AUTH 2u   /* the subscriber table: is_subscriber, digest authentication */
#define SIPC_SVC_TRUST 4u  /* the trusted table: allow_trusted */
#define SIPC_SVC_PIKE 8u   /* per-source request rates: pike_check_req */
#define SIPC_SVC_RR 16u    /* the Record-Route signing key: record_route, loose_route */

/* --- core helpers used by emitted expressions --------------------------- */

/* First call of every route function, with its index in desc->routes:
 * nothing in sipd, a transcript line under `sipc test`. */
void sipc_enter(sipc_msg *m, int route);

int sipc_str_eq(const sipc_str *a, const sipc_str *b);
/* New strings live as long as the message. */
const sipc_str *sipc_str_cat(sipc_msg *m, const sipc_str *a, const sipc_str *b);
const sipc_str *sipc_str_int(sipc_msg *m, sipc_int v);
const sipc_str *sipc_str_join(sipc_msg *m, int n, const sipc_str *const *parts);
/* Division and remainder by zero give 0, and so does INT_MIN / -1. */
sipc_int sipc_div(sipc_int a, sipc_int b);
sipc_int sipc_mod(sipc_int a, sipc_int b);
/* Pattern `slot` of the descriptor's regex table against s. */
int sipc_regex_match(sipc_msg *m, int slot, const sipc_str *s);
/* The zeroed block of desc->var_size bytes holding this message's $vars. */
void *sipc_vars(sipc_msg *m);
/* A while loop at policy line `line` hit max_while_loops: logged once. */
void sipc_loop_limit(sipc_msg *m, int line);

/* AVPs, by slot (index into desc->avps); unset ones read as 0 or "". */
sipc_int sipc_avp_get_int(sipc_msg *m, int slot);
const sipc_str *sipc_avp_get_str(sipc_msg *m, int slot);
void sipc_avp_set_int(sipc_msg *m, int slot, sipc_int v);
void sipc_avp_set_str(sipc_msg *m, int slot, const sipc_str *v);

/* --- pseudo-variables (rows of stdlib/pvars.def) ------------------------- */

const sipc_str *sipc_pv_ru(sipc_msg *m);
const sipc_str *sipc_pv_rU(sipc_msg *m);
const sipc_str *sipc_pv_rd(sipc_msg *m);
sipc_int sipc_pv_rp(sipc_msg *m);
const sipc_str *sipc_pv_du(sipc_msg *m);
void sipc_pv_set_ru(sipc_msg *m, const sipc_str *v);
void sipc_pv_set_rU(sipc_msg *m, const sipc_str *v);
void sipc_pv_set_rd(sipc_msg *m, const sipc_str *v);
void sipc_pv_set_rp(sipc_msg *m, sipc_int v);
void sipc_pv_set_du(sipc_msg *m, const sipc_str *v);
const sipc_str *sipc_pv_fu(sipc_msg *m);
const sipc_str *sipc_pv_fU(sipc_msg *m);
const sipc_str *sipc_pv_fd(sipc_msg *m);
const sipc_str *sipc_pv_fn(sipc_msg *m);
const sipc_str *sipc_pv_ft(sipc_msg *m);
const sipc_str *sipc_pv_tu(sipc_msg *m);
const sipc_str *sipc_pv_tU(sipc_msg *m);
const sipc_str *sipc_pv_td(sipc_msg *m);
const sipc_str *sipc_pv_tt(sipc_msg *m);
const sipc_str *sipc_pv_ci(sipc_msg *m);
sipc_int sipc_pv_cs(sipc_msg *m);
const sipc_str *sipc_pv_rm(sipc_msg *m);
sipc_int sipc_pv_rs(sipc_msg *m);
const sipc_str *sipc_pv_rr(sipc_msg *m);
const sipc_str *sipc_pv_si(sipc_msg *m);
sipc_int sipc_pv_sp(sipc_msg *m);
const sipc_str *sipc_pv_Ri(sipc_msg *m);
sipc_int sipc_pv_Rp(sipc_msg *m);
const sipc_str *sipc_pv_pr(sipc_msg *m);
const sipc_str *sipc_pv_ua(sipc_msg *m);
const sipc_str *sipc_pv_ct(sipc_msg *m);
sipc_int sipc_pv_ml(sipc_msg *m);
const sipc_str *sipc_pv_rb(sipc_msg *m);
const sipc_str *sipc_pv_hdr(sipc_msg *m, const sipc_str *name);
const sipc_str *sipc_pv_au(sipc_msg *m);
const sipc_str *sipc_pv_ar(sipc_msg *m);
sipc_int sipc_pv_T_reply_code(sipc_msg *m);
sipc_int sipc_pv_T_branch_idx(sipc_msg *m);
const sipc_str *sipc_pv_br(sipc_msg *m);
sipc_int sipc_pv_bf(sipc_msg *m);

/* --- library functions (rows of stdlib/builtins.def) ---------------------
 * Absent optional arguments arrive as NULL (strings) or 0 (ints); route
 * names as indices into desc->routes; flags as bit numbers. */

int sipc_sl_send_reply(sipc_msg *m, sipc_int code, const sipc_str *reason);
int sipc_t_relay(sipc_msg *m, const sipc_str *uri);
void sipc_t_on_failure(sipc_msg *m, int route);
void sipc_t_on_branch(sipc_msg *m, int route);
void sipc_t_on_reply(sipc_msg *m, int route);
int sipc_append_branch(sipc_msg *m, const sipc_str *uri);
int sipc_forward(sipc_msg *m, const sipc_str *uri);
int sipc_record_route(sipc_msg *m);
int sipc_loose_route(sipc_msg *m);
int sipc_loose_route_preloaded(sipc_msg *m);
int sipc_has_totag(sipc_msg *m);
int sipc_is_myself(sipc_msg *m, const sipc_str *host_or_uri);
int sipc_is_method(sipc_msg *m, const sipc_str *methods);
int sipc_mf_process_maxfwd_header(sipc_msg *m, sipc_int limit);
int sipc_save(sipc_msg *m, const sipc_str *table, sipc_int flags);
int sipc_lookup(sipc_msg *m, const sipc_str *table, const sipc_str *uri);
int sipc_registered(sipc_msg *m, const sipc_str *table, const sipc_str *uri);
int sipc_is_subscriber(sipc_msg *m, const sipc_str *uri);
int sipc_unregister(sipc_msg *m, const sipc_str *table, const sipc_str *aor, const sipc_str *contact);
int sipc_www_authorize(sipc_msg *m, const sipc_str *realm, const sipc_str *table);
int sipc_www_challenge(sipc_msg *m, const sipc_str *realm, sipc_int flags);
int sipc_proxy_authorize(sipc_msg *m, const sipc_str *realm, const sipc_str *table);
int sipc_proxy_challenge(sipc_msg *m, const sipc_str *realm, sipc_int flags);
int sipc_consume_credentials(sipc_msg *m);
int sipc_check_from(sipc_msg *m);
int sipc_check_to(sipc_msg *m);
int sipc_allow_trusted(sipc_msg *m);
int sipc_pike_check_req(sipc_msg *m);
int sipc_is_present_hf(sipc_msg *m, const sipc_str *name);
int sipc_append_hf(sipc_msg *m, const sipc_str *line);
int sipc_remove_hf(sipc_msg *m, const sipc_str *name);
int sipc_uri_param(sipc_msg *m, const sipc_str *name, const sipc_str *value);
void sipc_setflag(sipc_msg *m, int flag);
void sipc_resetflag(sipc_msg *m, int flag);
int sipc_isflagset(sipc_msg *m, int flag);
void sipc_setbflag(sipc_msg *m, int flag);
void sipc_resetbflag(sipc_msg *m, int flag);
int sipc_isbflagset(sipc_msg *m, int flag);
void sipc_xlog(sipc_msg *m, int level, const sipc_str *text);

#endif /* SIPC_ABI_H */
