/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_lenient.c - loose when receiving: a Via parameter value with a
 * character outside the token set (`branch=z9hG4bK@probe`, as some probes
 * and older phones send) is understood instead of dropped.
 *
 * Why here: Via is a "critical" header in sofia-sip's message class, so
 * one that does not parse marks the whole message as an error; nta then
 * logs "received garbage" and drops it, before any callback of ours, and
 * the sender gets nothing.  The grammar (RFC 3261 section 25.1) allows a
 * via-param value to be a token, a host or a quoted-string; sofia parses
 * quoted-strings.  So the Via class's decoder is wrapped: when sofia's own
 * fails, the value is tried again with each such parameter value quoted
 * (in a copy, from the message's home), then the quotes are taken off
 * the parsed parameters, so the Via reads and is copied into replies with
 * its original bytes (a UA matches its reply by the branch as it sent
 * it).  A Via that fails even so stays an error: nta drops it, and its
 * "received garbage" line reaches the log through the rate-limited sofia
 * log (rt_server.c).
 *
 * Another SIP-Version (RFC 4475 3.1.2.16 `badvers`): nta answers 505
 * itself, but before it has added `received` to the Via, so the 505 goes
 * to the Via's host: a name (a blocking lookup in tport), not the sender
 * (RFC 3261 section 18.2.2).  The request line's decoder is wrapped too:
 * another version reads as "SIP/2.0" from a string of ours, which nta lets
 * through; rt_lenient_refuse(), before the policy, knows that string and
 * answers 505 statelessly, to the source (received, and rport if asked).
 *
 * sofia's header classes are read-only, so the wrapper goes into a copy
 * of the Via class, in a copy of sofia's SIP message class
 * (rt_lenient_mclass()), which nta parses with (NTATAG_MCLASS, rt_server.c)
 * and so does `sipc test` (rt_test.c).
 */
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/msg_parser.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/su.h>

#include <sofia-sip/su_string.h>

#include "rt_internal.h"
#include "rt_lenient.h"
#include "rt_scheme.h"

static msg_parse_f *via_parse; /* sofia's sip_via_d */

/* RFC 3261 token characters, plus those of a host ("[]:" of IPv6). */
static int tokenish(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("-.!%*_+`'~[]:", c) != NULL);
}

/* `s` with each `;name=value` value that has a non-token printable
 * character put in quotes; from home, or NULL when there is none. */
static char *quote_values(su_home_t *home, const char *s, size_t slen)
{
    char *out = su_alloc(home, (isize_t)(2 * slen + 1));
    size_t o = 0;
    int changed = 0, quoted = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < slen;) {
        char c = s[i];
        if (c == '"')
            quoted = !quoted;
        if (quoted || c != '=' || i == 0) {
            out[o++] = s[i++];
            continue;
        }
        out[o++] = s[i++]; /* the '=', then the value up to its end */
        size_t v = i;
        while (v < slen && !strchr(";, \t\r\n(\"", s[v]) && (unsigned char)s[v] > 0x20 && (unsigned char)s[v] < 0x7f)
            v++;
        int odd = 0;
        for (size_t k = i; k < v; k++)
            odd |= !tokenish((unsigned char)s[k]);
        if (odd && v > i && !strchr("\\", s[i])) {
            out[o++] = '"';
            memcpy(out + o, s + i, v - i), o += v - i;
            out[o++] = '"';
            changed = 1;
        } else {
            memcpy(out + o, s + i, v - i), o += v - i;
        }
        i = v;
    }
    out[o] = '\0';
    if (!changed) {
        su_free(home, out);
        return NULL;
    }
    return out;
}

/* Take the quotes off the parameters we quoted: name="x@y" -> name=x@y
 * (not those the sender quoted itself: found as they are in `orig`). */
static int unquote_params(su_home_t *home, sip_via_t *v, const char *orig)
{
    for (; v; v = v->v_next) {
        for (int i = 0; v->v_params && v->v_params[i]; i++) {
            const char *p = v->v_params[i], *eq = strchr(p, '=');
            size_t n = strlen(p);
            if (!eq || eq[1] != '"' || p[n - 1] != '"' || n < (size_t)(eq - p) + 3 || strstr(orig, p))
                continue;
            char *q = su_alloc(home, (isize_t)n);
            if (!q)
                return -1;
            size_t k = (size_t)(eq - p) + 1;
            memcpy(q, p, k);
            memcpy(q + k, eq + 2, n - k - 2);
            q[n - 2] = '\0';
            ((msg_param_t *)v->v_params)[i] = q;
        }
        if (msg_header_update_params(v->v_common, 1) < 0) /* v_branch and the like */
            return -1;
    }
    return 0;
}

/* A Via naming another SIP version ("SIP/7.0/UDP", RFC 4475 badvers)
 * reads as SIP/2.0: nta refuses any other transport string, and then
 * drops the request unanswered. */
static void same_version(su_home_t *home, sip_via_t *v)
{
    for (; v; v = v->v_next) {
        const char *p = v->v_protocol;
        if (!p || !su_casenmatch(p, "SIP/", 4) || su_casenmatch(p + 4, "2.0/", 4))
            continue;
        const char *t = strchr(p + 4, '/'); /* the transport */
        if (!t)
            continue;
        const char *np = su_sprintf(home, "SIP/2.0%s", t);
        if (np)
            v->v_protocol = np;
    }
}

/* Say so when a Via is beyond us: nta then refuses the message without a
 * word (400 when another Via gives an address, else nothing at all).
 * Every caller of a message class's decoders in sipd passes the home of
 * the message being parsed (msg_extract, sip_add_make), and a message is
 * its own home (msg_home()), whose address the transport has set. */
static void not_understood(su_home_t *home, const char *via)
{
    char src[SU_ADDRSIZE + 8] = "?";
    su_addrinfo_t *ai = msg_addrinfo((msg_t *)home);
    if (ai && ai->ai_addr && ai->ai_addrlen)
        su_inet_ntop(ai->ai_family, SU_ADDR((su_sockaddr_t *)ai->ai_addr), src, sizeof src);
    rt_log_limited(RT_LOG_WARN, "via not understood", "a Via from %s does not parse (%.80s): message refused", src,
                   via ? via : "");
}

static issize_t lenient_via_d(su_home_t *home, msg_header_t *h, char *s, isize_t slen)
{
    /* sofia's parser writes into s: keep the original (on the stack for
     * every Via of normal size: this runs for each one received). */
    /* The value ends at its NUL; slen may run past it: sofia 1.12.11's
     * msg_parse_next_field() hands the next value of a list the length of
     * the whole line (harmless to sofia's decoders, which stop at NUL). */
    char stack[512];
    size_t len = strnlen(s, (size_t)slen);
    char *orig = len < sizeof stack ? memcpy(stack, s, len) : su_strndup(home, s, (isize_t)len);
    if (orig == stack)
        stack[len] = '\0';
    if (via_parse(home, h, s, slen) >= 0) {
        if (orig != stack)
            su_free(home, orig);
        same_version(home, (sip_via_t *)h);
        return 0;
    }
    char *q = orig ? quote_values(home, orig, strlen(orig)) : NULL;
    if (!q) {
        not_understood(home, orig);
        if (orig != stack)
            su_free(home, orig);
        return -1;
    }
    sip_via_t *v = (sip_via_t *)h;
    /* Start again from an empty Via (what the failed try left is home's). */
    v->v_next = NULL;
    v->v_common->h_succ = NULL;
    v->v_protocol = v->v_host = v->v_port = v->v_comment = NULL;
    v->v_params = NULL;
    v->v_ttl = v->v_maddr = v->v_received = v->v_branch = v->v_rport = v->v_comp = NULL;
    int bad = via_parse(home, h, q, (isize_t)strlen(q)) < 0 || unquote_params(home, v, orig) < 0;
    if (bad)
        not_understood(home, orig);
    if (orig != stack)
        su_free(home, orig);
    if (bad)
        return -1;
    same_version(home, v);
    rt_log_limited(RT_LOG_DEBUG, "lenient via", "a Via parameter with a character outside the token set: accepted (%s)",
                   v->v_branch ? v->v_branch : "no branch");
    return 0;
}

/* --- another SIP-Version: 505 to the right place ----------------------------- */

/* "SIP/2.0", but this copy marks a request that named another version. */
static const char other_version[] = "SIP/2.0";
static msg_parse_f *request_parse; /* sofia's sip_request_d */

static issize_t lenient_request_d(su_home_t *home, msg_header_t *h, char *s, isize_t slen)
{
    if (request_parse(home, h, s, slen) < 0)
        return -1;
    sip_request_t *rq = (sip_request_t *)h;
    if (rq->rq_version && !su_casematch(rq->rq_version, "SIP/2.0"))
        rq->rq_version = other_version;
    return 0;
}

int rt_lenient_refuse(const RtMsgEnv *env, msg_t *msg, sip_t *sip)
{
    if (!sip || !sip->sip_request || sip->sip_request->rq_version != other_version)
        return 0;
    rt_log_limited(RT_LOG_DEBUG, "other version", "%s with a SIP-Version other than 2.0, call-id %s: refused (505)",
                   sip->sip_request->rq_method_name, rt_msg_call_id(sip));
    return rt_refuse(env, msg, sip, 505, "Version Not Supported");
}

/* --- the message class ------------------------------------------------------ */

msg_mclass_t const *rt_lenient_mclass(void)
{
    static msg_mclass_t *mc; /* process-wide, never freed (still reachable) */
    static struct msg_hclass_s via[1], request[1];
    if (mc)
        return mc;
    msg_mclass_t *c = msg_mclass_clone(sip_default_mclass(), 0, 0);
    if (!c)
        return sip_default_mclass();
    *via = *sip_via_class;
    via_parse = via->hc_parse;
    via->hc_parse = lenient_via_d;
    /* The request line has no name: found by the slot, compared by hash. */
    *request = *c->mc_request->hr_class;
    request_parse = request->hc_parse;
    request->hc_parse = lenient_request_d;
    c->mc_request->hr_class = request;
    /* The parser finds a header by name, the first in its probe chain:
     * ours takes sofia's slot; sofia's class moves to the next free one,
     * so that a Via made with sip_via_class (nta's own) still finds its
     * place in our messages (msg_hclass_offset compares pointers). */
    int n = c->mc_hash_size, j = 0;
    while (j < n && c->mc_hash[j].hr_class != sip_via_class)
        j++;
    if (j == n || c->mc_hash_used >= n - 1) {
        free(c);
        return sip_default_mclass();
    }
    msg_href_t sofia = c->mc_hash[j];
    c->mc_hash[j].hr_class = via;
    int k = (j + 1) % n;
    while (c->mc_hash[k].hr_class)
        k = (k + 1) % n;
    c->mc_hash[k] = sofia;
    c->mc_hash_used++;
    if (c->mc_short) /* "v:", the compact form */
        ((msg_href_t *)c->mc_short)['v' - 'a'].hr_class = via;
    return mc = c;
}
