/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auth_fn.c - digest authentication in a policy (RFC 3261 section 22,
 * RFC 2617, RFC 7616):
 *
 *   www_authorize(realm, table)    REGISTER: Authorization, 401
 *   proxy_authorize(realm, table)  other requests: Proxy-Authorization, 407
 *   www_challenge(realm [, flags]) / proxy_challenge(realm [, flags])
 *   consume_credentials()          drop the credentials before relaying
 *   check_from() / check_to()      the From (To) user is the one who
 *                                  authenticated
 *
 * authorize() looks for credentials of its realm, checks them
 * (auth_creds.c), their nonce (auth.c: ours, not stale), the uri (the
 * request URI, RFC 2617 section 3.2.2.5), the user's HA1 from the
 * subscriber table (`table` must name it: the only table there is), the
 * response, and finally the nonce count (a replay fails).  It never
 * replies: the policy challenges on false, and the challenge answers what
 * the failure calls for:
 *   no credentials, wrong password, unknown user, a nonce not ours,
 *   a replay, an unknown algorithm   401/407 with a fresh nonce
 *   a nonce that expired             401/407 with stale=true (RFC 2617)
 *   credentials that do not parse    400 Malformed Credentials
 * A wrong password thus gets a fresh challenge, not 403: the phone asks
 * its user again, and pike_check_req() limits guessing.
 *
 * Challenge flags: 0 offers SHA-256 and then MD5 (RFC 7616 section 3.7:
 * one header per algorithm, preferred first); 1 MD5 only (for phones that
 * give up on an algorithm they do not know, as baresip 1.0 does); 2
 * SHA-256 only; 3 both, as 0.  Every challenge asks qop="auth".  The nonce is the same
 * in both headers.
 */
#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_string.h>
#include <sofia-sip/url.h>

#include "auth.h"
#include "auth_creds.h"
#include "rt_internal.h"
#include "subscriber.h"

enum { CH_MD5_ONLY = 1, CH_SHA256_ONLY = 2 };

static const char *method_name(const sip_t *sip)
{
    return sip->sip_request->rq_method_name;
}

/* Port p of a URI of type t, the scheme's default when absent. */
static const char *port_or_default(const char *p, enum url_type_e t)
{
    return p && *p ? p : t == url_sips ? "5061" : "5060";
}

/* a and b name the same resource as URIs (RFC 3261 section 19.1.4, with
 * parameters and headers left out): the scheme, the user exactly, the
 * host in any case, the port with the scheme's default. */
static int same_resource(const url_t *a, const url_t *b)
{
    return a->url_type == b->url_type && (a->url_type == url_sip || a->url_type == url_sips) &&
           !!a->url_user == !!b->url_user && (!a->url_user || strcmp(a->url_user, b->url_user) == 0) &&
           a->url_host && b->url_host && su_casematch(a->url_host, b->url_host) &&
           strcmp(port_or_default(a->url_port, a->url_type), port_or_default(b->url_port, b->url_type)) == 0;
}

/* The credentials' uri names the request URI (RFC 2617 section 3.2.2.5).
 * Strictly (auth.strict_uri = true) as sofia's url_cmp_all() sees it:
 * every part, parameters included.  Otherwise as the same resource
 * (same_resource); and for REGISTER, whose Request-URI names the
 * registrar's domain (RFC 3261 section 10.2), also a uri that names this
 * server's own address while the Request-URI names its domain (the realm)
 * or one of its hosts, neither with a user: what sipp's [authentication]
 * sends (the address it sent to), as other registrars accept.  The
 * response hashes the uri, so only the uri the client signed is taken. */
static int uri_matches(sipc_msg *m, const char *uri, const char *realm)
{
    const url_t *ru = m->sip->sip_request->rq_url;
    url_t *u = url_make(m->home, uri);
    if (!u)
        return 0;
    if (url_cmp_all(u, ru) == 0)
        return 1;
    /* Looked up only here: clients that copy the Request-URI never pay. */
    const char *strict = m->policy ? rt_policy_setting_str(m->policy, "auth.strict_uri", NULL) : NULL;
    if (strict && strcmp(strict, "true") == 0)
        return 0;
    if (same_resource(u, ru))
        return 1;
    return m->sip->sip_request->rq_method == sip_method_register && !u->url_user && !ru->url_user &&
           ru->url_host && rt_url_is_self(m, u) &&
           (su_casematch(ru->url_host, realm) || rt_host_is_self(m, ru->url_host));
}

/* A user name from the wire, fit for a log line: control bytes as '?'. */
static const char *printable(sipc_msg *m, const char *s)
{
    char *c = s ? su_strdup(m->home, s) : NULL;
    for (char *p = c; p && *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return c;
}

static int result(sipc_msg *m, int state, const char *user, const char *why)
{
    m->auth_state = state;
    if (state != RT_AUTH_OK && state != RT_AUTH_NONE && rt_log_enabled(RT_LOG_INFO)) {
        user = printable(m, user);
        rt_log(RT_LOG_INFO, "authorize%s%s: %s (call-id %s)", user ? " " : "", user ? user : "", why,
               rt_msg_call_id(m->sip));
    }
    if (state != RT_AUTH_NONE && state != RT_AUTH_OK)
        rt_trace(m, "authorize failed: %s", why);
    return state == RT_AUTH_OK;
}

static int authorize(sipc_msg *m, const sipc_str *realm_arg, const sipc_str *table, int proxy)
{
    const sip_t *sip = m->sip;
    if (!sip || !sip->sip_request || !m->env || !m->env->auth)
        return result(m, RT_AUTH_NONE, NULL, "authentication is not running");
    const char *realm = rt_str_dup(m, realm_arg);
    if (!realm || (table && (table->len != 10 || memcmp(table->s, "subscriber", 10) != 0)))
        return result(m, RT_AUTH_FAILED, NULL, "credentials are only in the table \"subscriber\"");
    m->auth_user = m->auth_realm = NULL;
    m->auth_hdr = NULL;

    /* The credentials of our realm: one Authorization per realm. */
    const msg_auth_t *au = proxy ? sip->sip_proxy_authorization : sip->sip_authorization;
    AuthCreds c;
    const char *why;
    int found = 0;
    for (; au; au = au->au_next) {
        AuthCredsResult r = auth_creds_parse(m->home, au, &c, &why);
        if (r == AUTH_CREDS_NOT_DIGEST)
            continue;
        if (r == AUTH_CREDS_MALFORMED)
            return result(m, RT_AUTH_MALFORMED, NULL, why);
        if (strcmp(c.realm, realm) != 0)
            continue;
        if (r == AUTH_CREDS_UNSUPPORTED)
            return result(m, RT_AUTH_FAILED, c.username, why);
        found = 1;
        break;
    }
    if (!found)
        return result(m, RT_AUTH_NONE, NULL, "no credentials");
    if (!c.qop)
        return result(m, RT_AUTH_FAILED, c.username, "no qop: nonce counts are required");

    int64_t now = rt_wall_now(m->env);
    AuthNonce nr = auth_nonce_check(m->env->auth, c.nonce, realm, now);
    if (nr == AUTH_NONCE_BAD)
        return result(m, RT_AUTH_FAILED, c.username, "a nonce not issued here");
    if (!uri_matches(m, c.uri, realm))
        return result(m, RT_AUTH_MALFORMED, c.username, "the uri is not the request URI");

    char ha1[65], sess[DIGEST_HEX_MAX], want[DIGEST_HEX_MAX];
    int sha = digest_base(c.alg) == DIGEST_SHA256;
    int h = m->env->subs ? subs_ha1(m->env->subs, c.username, realm, sha, ha1) : 0;
    if (h < 0)
        return result(m, RT_AUTH_FAILED, c.username, "the subscriber table cannot be read");
    if (h == 0)
        return result(m, RT_AUTH_FAILED, c.username, "no such user");
    digest_session_ha1(c.alg, ha1, c.nonce, c.cnonce, sess);
    digest_response(c.alg, sess, c.nonce, c.nc, c.cnonce, c.qop, method_name(sip), c.uri, want);
    if (!digest_hex_equal(want, c.response))
        return result(m, RT_AUTH_FAILED, c.username, "wrong password");
    /* Only now: a stale nonce with the right password is the client's
     * cue to retry with a fresh one (RFC 2617 section 3.2.1, stale). */
    if (nr == AUTH_NONCE_STALE)
        return result(m, RT_AUTH_STALE, c.username, "a stale nonce");
    if (auth_nc_use(m->env->auth, c.nonce, c.nc_value, now) < 0)
        return result(m, RT_AUTH_FAILED, c.username, "a nonce count used before (replay)");

    m->auth_user = c.username;
    m->auth_realm = realm;
    m->auth_hdr = (msg_header_t *)au;
    rt_pv_keep(m, RT_PV_au, rt_str_cview(m, c.username));
    rt_pv_keep(m, RT_PV_ar, rt_str_cview(m, realm));
    rt_trace(m, "authorized %s@%s (%s)", c.username, realm, digest_alg_name(c.alg));
    return result(m, RT_AUTH_OK, c.username, "");
}

int sipc_www_authorize(sipc_msg *m, const sipc_str *realm, const sipc_str *table)
{
    return authorize(m, realm, table, 0);
}

int sipc_proxy_authorize(sipc_msg *m, const sipc_str *realm, const sipc_str *table)
{
    return authorize(m, realm, table, 1);
}

/* One challenge header line for alg. */
static char *challenge_line(sipc_msg *m, int proxy, const char *realm, const char *nonce, const char *alg,
                            int stale)
{
    return su_sprintf(m->home, "%s: Digest realm=\"%s\", nonce=\"%s\", qop=\"auth\", algorithm=%s%s\r\n",
                      proxy ? "Proxy-Authenticate" : "WWW-Authenticate", realm, nonce, alg,
                      stale ? ", stale=true" : "");
}

static int challenge(sipc_msg *m, const sipc_str *realm_arg, sipc_int flags, int proxy)
{
    if (!m->sip || !m->sip->sip_request || !m->env || !m->env->auth)
        return 0;
    if (m->auth_state == RT_AUTH_MALFORMED)
        return rt_sl_reply(m, 400, "Malformed Credentials") == 0;
    const char *realm = rt_str_dup(m, realm_arg);
    if (!realm)
        return 0;
    for (const char *c = realm; *c; c++)
        if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) {
            rt_log(RT_LOG_ERROR, "%s_challenge(): realm \"%s\" cannot be quoted", proxy ? "proxy" : "www", realm);
            return 0;
        }
    char nonce[AUTH_NONCE_LEN + 1];
    auth_nonce_make(m->env->auth, realm, rt_wall_now(m->env), nonce);
    int stale = m->auth_state == RT_AUTH_STALE;
    /* Both flags (3) mean both algorithms: a challenge names at least one. */
    int only_md5 = (flags & 3) == CH_MD5_ONLY, only_sha = (flags & 3) == CH_SHA256_ONLY;
    const char *extra = "";
    if (!only_md5)
        extra = challenge_line(m, proxy, realm, nonce, "SHA-256", stale);
    if (extra && !only_sha)
        extra = su_sprintf(m->home, "%s%s", extra, challenge_line(m, proxy, realm, nonce, "MD5", stale));
    if (!extra)
        return 0;
    return rt_sl_reply_hdrs(m, proxy ? 407 : 401, proxy ? "Proxy Authentication Required" : "Unauthorized",
                            extra) == 0;
}

int sipc_www_challenge(sipc_msg *m, const sipc_str *realm, sipc_int flags)
{
    return challenge(m, realm, flags, 0);
}

int sipc_proxy_challenge(sipc_msg *m, const sipc_str *realm, sipc_int flags)
{
    return challenge(m, realm, flags, 1);
}

int sipc_consume_credentials(sipc_msg *m)
{
    if (m->auth_state != RT_AUTH_OK || !m->auth_hdr)
        return 0;
    if (msg_header_remove(m->msg, (msg_pub_t *)m->sip, m->auth_hdr) < 0)
        return 0;
    m->auth_hdr = NULL;
    rt_msg_changed(m);
    /* $au and $ar keep the authenticated user (rt_msg_changed forgot them). */
    rt_pv_keep(m, RT_PV_au, rt_str_cview(m, m->auth_user));
    rt_pv_keep(m, RT_PV_ar, rt_str_cview(m, m->auth_realm));
    return 1;
}

/* The user part and host of a From/To against the authenticated identity. */
static int same_identity(sipc_msg *m, const sip_addr_t *a, const char *what)
{
    if (m->auth_state != RT_AUTH_OK || !a)
        return 0;
    const url_t *u = a->a_url;
    int ok = u->url_user && strcmp(u->url_user, m->auth_user) == 0 && u->url_host &&
             su_casematch(u->url_host, m->auth_realm);
    if (!ok) {
        rt_log(RT_LOG_INFO, "%s user %s@%s is not the authenticated %s@%s (call-id %s)", what,
               u->url_user ? u->url_user : "", u->url_host ? u->url_host : "", m->auth_user, m->auth_realm,
               rt_msg_call_id(m->sip));
        rt_trace(m, "%s is not the authenticated user", what);
    }
    return ok;
}

int sipc_check_from(sipc_msg *m)
{
    return m->sip ? same_identity(m, m->sip->sip_from, "From") : 0;
}

int sipc_check_to(sipc_msg *m)
{
    return m->sip ? same_identity(m, m->sip->sip_to, "To") : 0;
}
