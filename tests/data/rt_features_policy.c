/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_features_policy.c - a policy written by hand against sipc/abi.h (ABI
 * version 2), calling the runtime the way emitted code does, to test sipd's
 * library functions and pseudo-variables without the code generator.
 * tests/e2e/test_runtime_features.sh runs it twice: as a .c file that sipd
 * JIT-compiles with libtcc, and as a .so built with cc.
 *
 * What it does, by request:
 *  - Max-Forwards through mf_process_maxfwd_header(10): 483 when it is 0;
 *  - OPTIONS: replies 200 with a reason phrase listing pseudo-variables,
 *    regex, AVP, $var, flag and arithmetic results, which the UAC checks;
 *  - REGISTER: replies 200 with the digest credentials ($au/$ar) and
 *    header tests;
 *  - any other request: edits headers and the request URI, then forwards
 *    it (loose routing first, $du from X-Next-Hop, an explicit target from
 *    X-Forward-To); the UAS checks what arrives.
 */
#ifndef SIPC_ABI_H /* libtcc gets the header text prepended, as emitted code does */
#include "sipc/abi.h"
#endif

#define K(name, text) static const sipc_str name = {text, sizeof text - 1}

K(k_options, "OPTIONS");
K(k_register, "REGISTER");
K(k_too_many, "Too Many Hops");
K(k_x_test, "X-Test");
K(k_x_remove, "X-Remove-Me");
K(k_x_next, "X-Next-Hop");
K(k_x_fwd, "X-Forward-To");
K(k_via, "via");
K(k_from_compact, "f");
K(k_via_compact, "v");
K(k_user_agent, "user-agent");
K(k_seen, "X-Seen: yes\r\n");
K(k_sip, "sip:");
K(k_uas, "uas");
K(k_foo, "foo");
K(k_bar, "bar");
K(k_lr, "lr");
K(k_x_fu, "X-From-User: ");
K(k_x_ruri, "X-Old-Ruri: ");
K(k_x_avp, "X-Avp: ");
K(k_x_flags, "X-Flags: ");
K(k_x_param, "X-Uri-Param: ");
K(k_x_loose, "X-Loose: ");
K(k_x_du, "X-Du: ");
K(k_yes, "yes");
K(k_no, "no");
K(k_sep, " ");
K(k_bad_hf, "X-Bad: a\r\nX-Injected: b");
K(k_bad_ru, "sip:has space@example.com");
K(k_xlog, "xlog says hello from the policy\n");
K(k_eq, "=");

static const sipc_str *join(sipc_msg *m, const sipc_str *a, const sipc_str *b)
{
    return sipc_str_cat(m, a, b);
}

/* "name=value " appended to acc. */
static const sipc_str *field(sipc_msg *m, const sipc_str *acc, const char *name, const sipc_str *v)
{
    sipc_str n = {name, 0};
    while (name[n.len])
        n.len++;
    const sipc_str *parts[] = {acc, &n, &k_eq, v, &k_sep};
    return sipc_str_join(m, 5, parts);
}

struct vars {
    sipc_int count;
    const sipc_str *saved_ru;
};

static int route_options(sipc_msg *m, void *ret)
{
    (void)ret;
    struct vars *V = sipc_vars(m);
    const sipc_str *r = &(sipc_str){"", 0};
    r = field(m, r, "fU", sipc_pv_fU(m));
    r = field(m, r, "fd", sipc_pv_fd(m));
    r = field(m, r, "ft", sipc_pv_ft(m));
    r = field(m, r, "tU", sipc_pv_tU(m));
    r = field(m, r, "tt", sipc_pv_tt(m)); /* "" on an initial request */
    r = field(m, r, "cs", sipc_str_int(m, sipc_pv_cs(m)));
    r = field(m, r, "rm", sipc_pv_rm(m));
    r = field(m, r, "ua", sipc_pv_hdr(m, &k_user_agent));
    r = field(m, r, "si", sipc_pv_si(m));
    r = field(m, r, "Ri", sipc_pv_Ri(m));
    r = field(m, r, "Rp", sipc_str_int(m, sipc_pv_Rp(m)));
    r = field(m, r, "pr", sipc_pv_pr(m));
    r = field(m, r, "rU", sipc_pv_rU(m));
    r = field(m, r, "rp", sipc_str_int(m, sipc_pv_rp(m)));
    r = field(m, r, "fn", sipc_pv_fn(m));
    r = field(m, r, "fu", sipc_pv_fu(m));
    r = field(m, r, "tu", sipc_pv_tu(m));
    r = field(m, r, "td", sipc_pv_td(m));
    r = field(m, r, "ci", sipc_pv_ci(m));
    r = field(m, r, "xtest", sipc_pv_hdr(m, &k_x_test));
    r = field(m, r, "f", sipc_pv_hdr(m, &k_from_compact));
    r = field(m, r, "nohdr", sipc_pv_hdr(m, &k_x_remove));
    r = field(m, r, "ml", sipc_str_int(m, sipc_pv_ml(m) > 100));
    r = field(m, r, "rb", sipc_pv_rb(m));
    r = field(m, r, "du", sipc_pv_du(m));
    r = field(m, r, "totag", sipc_str_int(m, sipc_has_totag(m)));
    r = field(m, r, "viare", sipc_str_int(m, sipc_regex_match(m, 0, sipc_pv_hdr(m, &k_via))));
    r = field(m, r, "uare", sipc_str_int(m, sipc_regex_match(m, 1, sipc_pv_ua(m))));
    r = field(m, r, "param", sipc_str_int(m, sipc_uri_param(m, &k_foo, &k_bar)));
    r = field(m, r, "param2", sipc_str_int(m, sipc_uri_param(m, &k_lr, 0)));
    /* AVPs: an unset one reads 0 / "", a set one what was stored. */
    r = field(m, r, "avp0", sipc_str_int(m, sipc_avp_get_int(m, 0)));
    sipc_avp_set_int(m, 0, 42);
    sipc_avp_set_str(m, 1, sipc_pv_fU(m));
    r = field(m, r, "avp", sipc_str_cat(m, sipc_str_int(m, sipc_avp_get_int(m, 0)), sipc_avp_get_str(m, 1)));
    /* $var: zeroed per message, then a while loop. */
    r = field(m, r, "var0", sipc_str_int(m, V->count));
    while (V->count < 5)
        V->count = V->count + 1;
    r = field(m, r, "var", sipc_str_int(m, V->count));
    /* Arithmetic edge cases: by zero and INT64_MIN / -1 give 0. */
    sipc_int min = -9223372036854775807LL - 1;
    r = field(m, r, "div",
              sipc_str_int(m, sipc_div(7, 0) + sipc_mod(7, 0) + sipc_div(min, -1) + sipc_mod(min, -1)));
    r = field(m, r, "arith", sipc_str_int(m, sipc_div(-7, 2) * 10 + sipc_mod(-7, 3)));
    /* Flags. */
    sipc_setflag(m, 3);
    sipc_setbflag(m, 2);
    int f = sipc_isflagset(m, 3) && !sipc_isflagset(m, 4) && sipc_isbflagset(m, 2);
    sipc_resetflag(m, 3);
    f = f && !sipc_isflagset(m, 3);
    r = field(m, r, "flags", sipc_str_int(m, f * 100 + sipc_pv_bf(m)));
    /* A setter keeps earlier reads intact: $ru read, then changed. */
    V->saved_ru = sipc_pv_ru(m);
    sipc_pv_set_rU(m, &k_uas);
    sipc_pv_set_ru(m, &k_bad_ru); /* refused: has a space */
    r = field(m, r, "ru", sipc_pv_ru(m));
    r = field(m, r, "oldru", V->saved_ru);
    /* A loop that never ends on its own: the guard logs it. */
    for (sipc_int i = 0;; i++)
        if (i >= 1000) {
            sipc_loop_limit(m, 77);
            break;
        }
    sipc_xlog(m, SIPC_L_INFO, &k_xlog);
    r = field(m, r, "end", &k_yes);
    sipc_sl_send_reply(m, 200, r);
    return SIPC_EXIT;
}

static int route_register(sipc_msg *m, void *ret)
{
    (void)ret;
    const sipc_str *r = &(sipc_str){"", 0};
    r = field(m, r, "au", sipc_pv_au(m));
    r = field(m, r, "ar", sipc_pv_ar(m));
    r = field(m, r, "ct", sipc_pv_ct(m));
    r = field(m, r, "present", sipc_str_int(m, sipc_is_present_hf(m, &k_x_remove)));
    r = field(m, r, "removed", sipc_str_int(m, sipc_remove_hf(m, &k_x_remove)));
    r = field(m, r, "after", sipc_str_int(m, sipc_is_present_hf(m, &k_x_remove)));
    r = field(m, r, "again", sipc_str_int(m, sipc_remove_hf(m, &k_x_remove)));
    r = field(m, r, "badhf", sipc_str_int(m, sipc_append_hf(m, &k_bad_hf)));
    /* A header sofia knows, by its compact name: Via is "v". */
    r = field(m, r, "via", sipc_str_int(m, sipc_is_present_hf(m, &k_via_compact)));
    r = field(m, r, "uarm", sipc_str_int(m, sipc_remove_hf(m, &k_user_agent)));
    r = field(m, r, "ua", sipc_pv_ua(m));
    r = field(m, r, "end", &k_yes);
    sipc_sl_send_reply(m, 200, r);
    return SIPC_EXIT;
}

static int route_relay(sipc_msg *m, void *ret)
{
    (void)ret;
    int loose = sipc_loose_route(m);
    sipc_append_hf(m, &k_seen);
    sipc_append_hf(m, join(m, &k_x_loose, loose ? &k_yes : &k_no));
    sipc_append_hf(m, join(m, &k_x_fu, sipc_pv_fU(m)));
    sipc_append_hf(m, join(m, &k_x_ruri, sipc_pv_ru(m)));
    sipc_append_hf(m, join(m, &k_x_du, sipc_pv_du(m)));
    sipc_avp_set_str(m, 1, sipc_pv_hdr(m, &k_x_test));
    sipc_append_hf(m, join(m, &k_x_avp, sipc_avp_get_str(m, 1)));
    sipc_setflag(m, 0);
    sipc_append_hf(m, join(m, &k_x_flags, sipc_isflagset(m, 0) ? &k_yes : &k_no));
    sipc_append_hf(m, join(m, &k_x_param, sipc_uri_param(m, &k_foo, &k_bar) ? &k_yes : &k_no));
    sipc_remove_hf(m, &k_x_remove);
    if (!loose) {
        sipc_record_route(m);
        sipc_record_route(m); /* refused: a second Record-Route */
        sipc_pv_set_rU(m, &k_uas);
    }
    const sipc_str *next = sipc_pv_hdr(m, &k_x_next);
    if (next->len)
        sipc_pv_set_du(m, join(m, &k_sip, next));
    /* An explicit target beats $du. */
    const sipc_str *to = sipc_pv_hdr(m, &k_x_fwd);
    if (!sipc_forward(m, to->len ? join(m, &k_sip, to) : 0))
        sipc_sl_send_reply(m, 500, &(sipc_str){"Forward Failed", 14});
    return SIPC_EXIT;
}

static int route_main(sipc_msg *m, void *ret)
{
    (void)ret;
    if (!sipc_mf_process_maxfwd_header(m, 10)) {
        sipc_sl_send_reply(m, 483, &k_too_many);
        return SIPC_EXIT;
    }
    if (sipc_is_method(m, &k_options))
        return route_options(m, 0);
    if (sipc_is_method(m, &k_register))
        return route_register(m, 0);
    return route_relay(m, 0);
}

static const sipc_route_desc routes[] = {
    {SIPC_RK_REQUEST, "", route_main},
    {SIPC_RK_REQUEST, "options", route_options},
    {SIPC_RK_REQUEST, "register", route_register},
    {SIPC_RK_REQUEST, "relay", route_relay},
};

static const sipc_setting settings[] = {
    {"log_level", "info"}, /* sipd -d overrides it */
    {"listen", "tcp:127.0.0.1:5999"},
    {"tm.fr_timer", "5000"},
};

static const sipc_avp_desc avps[] = {
    {"count", SIPC_T_INT},
    {"who", SIPC_T_STR},
};

static const char *const flags[] = {"seen", "a", "b", "c", "d"};
static const char *const bflags[] = {"x", "y", "nat"};
static const char *const regex[] = {
    "^SIP/2\\.0/UDP [0-9.]+:[0-9]+;branch=z9hG4bK",
    "^sipc-e2e \\(sipp\\)$",
};

const sipc_policy_desc sipc_policy = {
    .magic = SIPC_POLICY_MAGIC,
    .abi_version = SIPC_ABI_VERSION,
    .source_name = "tests/data/rt_features_policy.c",
    .source_hash = "0000000000000000",
    .nroutes = sizeof routes / sizeof routes[0],
    .routes = routes,
    .nsettings = sizeof settings / sizeof settings[0],
    .settings = settings,
    .navps = sizeof avps / sizeof avps[0],
    .avps = avps,
    .nflags = sizeof flags / sizeof flags[0],
    .flags = flags,
    .nbflags = sizeof bflags / sizeof bflags[0],
    .bflags = bflags,
    .nregex = sizeof regex / sizeof regex[0],
    .regex = regex,
    .var_size = sizeof(struct vars),
    .services = SIPC_SVC_RR, /* record_route(), loose_route(): the signing key */
};
