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

#define SIPC_ABI_VERSION 1
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

typedef int (*sipc_route_fn)(sipc_msg *m);

typedef struct sipc_route_desc {
    int kind;         /* one enum sipc_route_kind value */
    const char *name; /* "" for the main route of its kind */
    sipc_route_fn fn;
} sipc_route_desc;

/*
 * The descriptor every policy object exports under the name `sipc_policy` (type
 * sipc_policy_desc: C forbids a typedef and an object of one name).
 * `magic` and `abi_version` stay the first two fields in every ABI version,
 * so any sipd can read them and refuse a mismatch before touching the rest.
 */
typedef struct sipc_policy_desc {
    unsigned magic;
    unsigned abi_version;
    const char *source_name; /* the .sipc path the object was built from */
    const char *source_hash; /* FNV-1a 64 of the source bytes, 16 hex digits */
    unsigned nroutes;
    const sipc_route_desc *routes;
} sipc_policy_desc;

/* --- core helpers used by emitted expressions --------------------------- */

int sipc_str_eq(const sipc_str *a, const sipc_str *b);

/* --- pseudo-variables (rows of stdlib/pvars.def) ------------------------- */

const sipc_str *sipc_pv_rm(sipc_msg *m); /* $rm request method */
const sipc_str *sipc_pv_ru(sipc_msg *m); /* $ru request URI */
const sipc_str *sipc_pv_si(sipc_msg *m); /* $si source IP address */
sipc_int sipc_pv_sp(sipc_msg *m);        /* $sp source port */

/* --- library functions (rows of stdlib/builtins.def) --------------------- */

int sipc_sl_send_reply(sipc_msg *m, sipc_int code, const sipc_str *reason);
int sipc_is_method(sipc_msg *m, const sipc_str *methods);
int sipc_forward(sipc_msg *m);

#endif /* SIPC_ABI_H */
