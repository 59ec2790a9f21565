/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auth_creds.c - Digest credentials, checked (RFC 3261 section 25.1's
 * dig-resp grammar, RFC 2617 section 3.2.2, RFC 7616 section 3.4).
 *
 * sofia-sip splits the header into its scheme and "name=value" strings;
 * everything after that is checked here, because a value can be anything:
 * each parameter at most once, required ones present, quoted-strings
 * unquoted, values no longer than AUTH_PARAM_MAX, nc exactly 8 hex digits,
 * the response as many hex digits as the algorithm's hash.  Anything else
 * is malformed, so the caller answers 400 instead of computing on it.
 */
#include <stddef.h>
#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/su_string.h>

#include "auth_creds.h"

/* The parameters taken, and where each goes. */
typedef struct Field {
    const char *name;
    size_t off;
} Field;

#define F(n) {#n, offsetof(AuthCreds, n)}
static const Field fields[] = {F(username), F(realm),  F(nonce), F(uri),    F(response),
                               F(algorithm), F(cnonce), F(nc),    F(qop),    F(opaque)};
#undef F

static int is_hex(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
            return 0;
    return 1;
}

/* One "name=value": 0 taken or ignored (unknown names), -1 malformed. */
static int take(su_home_t *home, const char *param, AuthCreds *c, const char **why)
{
    const char *eq = strchr(param, '=');
    if (!eq) {
        *why = "a parameter without a value";
        return -1;
    }
    size_t nl = (size_t)(eq - param);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (strlen(fields[i].name) != nl || !su_casenmatch(param, fields[i].name, nl))
            continue;
        const char **slot = (const char **)((char *)c + fields[i].off);
        if (*slot) {
            *why = "a parameter given twice";
            return -1;
        }
        const char *v = eq + 1;
        if (strlen(v) > AUTH_PARAM_MAX + 2) {
            *why = "a parameter value too long";
            return -1;
        }
        char *u = *v == '"' ? msg_unquote_dup(home, v) : su_strdup(home, v);
        if (!u) {
            *why = "a badly quoted value";
            return -1;
        }
        if (strlen(u) > AUTH_PARAM_MAX) { /* unquoted: the bound above allowed for two quotes */
            *why = "a parameter value too long";
            return -1;
        }
        *slot = u;
        return 0;
    }
    return 0; /* an extension parameter: ignored (RFC 2617 section 3.2.2) */
}

AuthCredsResult auth_creds_parse(su_home_t *home, const msg_auth_t *au, AuthCreds *c, const char **why)
{
    memset(c, 0, sizeof *c);
    *why = "";
    if (!au || !au->au_scheme || !su_casematch(au->au_scheme, "Digest"))
        return *why = "not Digest", AUTH_CREDS_NOT_DIGEST;
    for (msg_param_t const *p = au->au_params; p && *p; p++)
        if (take(home, *p, c, why) < 0)
            return AUTH_CREDS_MALFORMED;
    if (!c->username || !c->realm || !c->nonce || !c->uri || !c->response)
        return *why = "username, realm, nonce, uri or response missing", AUTH_CREDS_MALFORMED;
    c->alg = digest_alg_parse(c->algorithm);
    if (c->alg == DIGEST_ALG_UNKNOWN)
        return *why = "an unknown algorithm", AUTH_CREDS_UNSUPPORTED;
    if (!is_hex(c->response, digest_hex_len(c->alg)))
        return *why = "a response that is not the algorithm's hex digest", AUTH_CREDS_MALFORMED;
    if (c->qop) {
        if (!su_casematch(c->qop, "auth"))
            return *why = "a qop other than auth", AUTH_CREDS_UNSUPPORTED;
        if (!c->nc || !c->cnonce || !*c->cnonce)
            return *why = "qop without nc or cnonce", AUTH_CREDS_MALFORMED;
        if (!is_hex(c->nc, 8))
            return *why = "an nc that is not 8 hex digits", AUTH_CREDS_MALFORMED;
        uint32_t v = 0;
        for (const char *s = c->nc; *s; s++)
            v = v * 16 + (uint32_t)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
        c->nc_value = v;
    } else if (c->nc || c->cnonce) {
        return *why = "nc or cnonce without qop", AUTH_CREDS_MALFORMED;
    }
    if ((c->alg == DIGEST_MD5_SESS || c->alg == DIGEST_SHA256_SESS) && !c->cnonce)
        return *why = "a -sess algorithm without cnonce", AUTH_CREDS_MALFORMED;
    return AUTH_CREDS_OK;
}
