/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_listen.c - where sipd listens: parse `listen` addresses, open one
 * sofia-sip transport per address, list what was bound.
 *
 * An address is PROTO:HOST[:PORT] with PROTO udp, tcp or tls, HOST an IPv4
 * address, a name, `*`, or an IPv6 address in brackets; PORT 0 picks a free
 * port (default 5060, 5061 for tls).  Each becomes a SIP URL with an
 * explicit transport ("sip:127.0.0.1:5060;transport=tcp"): without one,
 * sofia would bind UDP and TCP together.  The first address creates the
 * agent (nta_agent_create), the others are added to it
 * (nta_agent_add_tport).  TLS transports get TPTAG_CERTIFICATE with the
 * directory rt_tls.c builds from the policy's tls.* settings; sofia reads
 * the key, certificate and CA list when the transport is created, so the
 * directory is removed as soon as every transport is open.
 *
 * Address families.  nta picks the primary transport for a request with
 * tport_primary_by_name() (tport.c), matching the destination's ident,
 * protocol and family; the family comes from the host, but an IPv6 host
 * written as in a URL ("[::1]") is not recognized, so without more a
 * request to [::1] goes through the first primary transport of its
 * protocol, IPv4 if that one is listed first ("Address family not
 * supported").  NTATAG_TPORT(primary) on nta_outgoing_mcreate only
 * copies that transport's ident into the destination name.  So every
 * transport gets its own ident (TPTAG_IDENT "sipcN", N its listen
 * index; all of them: tport_primary_by_name() strcmp()s a NULL ident
 * otherwise), and rt_listen_out() names the right one for rt_out.c and
 * tm_nta.c.  nta also puts a transport's ident as a comment into its Via
 * ("(sipc1)", an RFC 2543 leftover); clear_via_comments() removes those.
 * Replies follow the request's transport (nta) or its Via's received
 * (rt_out.c adds it), an address without brackets, recognized.
 *
 * Ownership: the agent returned belongs to the caller (nta_agent_destroy).
 */
#define NTA_AGENT_MAGIC_T struct RtServer

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_string.h>
#include <sofia-sip/tport_tag.h>

#include "rt_internal.h"
#include "rt_listen.h"

int rt_listen_parse(const char *spec, RtListenAddr *a, char *err, size_t errlen)
{
    const char *p = spec, *h, *he;
    const char *colon = strchr(spec, ':');
    size_t plen = colon ? (size_t)(colon - spec) : 0;
    if (!colon || plen != 3 ||
        (strncmp(spec, "udp", 3) && strncmp(spec, "tcp", 3) && strncmp(spec, "tls", 3))) {
        snprintf(err, errlen, "bad listen address '%s': expected udp:, tcp: or tls:ADDR:PORT", spec);
        return -1;
    }
    memcpy(a->proto, spec, 3);
    a->proto[3] = '\0';
    p = colon + 1;
    h = p;
    if (*p == '[') {
        he = strchr(p, ']');
        if (!he) {
            snprintf(err, errlen, "bad listen address '%s': missing ']'", spec);
            return -1;
        }
        p = ++he;
    } else {
        p += strcspn(p, ":");
        he = p;
        if (*p && strchr(p + 1, ':')) {
            snprintf(err, errlen,
                     "bad listen address '%s': write an IPv6 address in brackets, as %s:[::1]:5060", spec,
                     a->proto);
            return -1;
        }
    }
    if (*p && *p != ':') {
        snprintf(err, errlen, "bad listen address '%s': expected ':' after the address", spec);
        return -1;
    }
    size_t n = (size_t)(he - h);
    if (n == 0 || n >= sizeof a->host) {
        snprintf(err, errlen, "bad listen address '%s': %s address", spec, n ? "overlong" : "missing");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)h[i];
        if (!isalnum(c) && !strchr(".-:[]*", c)) {
            snprintf(err, errlen, "bad listen address '%s': invalid character '%c' in address", spec, c);
            return -1;
        }
    }
    memcpy(a->host, h, n);
    a->host[n] = '\0';
    a->port = strcmp(a->proto, "tls") ? 5060 : 5061;
    if (*p == ':') {
        char *end;
        p++;
        long v = (*p >= '0' && *p <= '9') ? strtol(p, &end, 10) : -1;
        if (v < 0 || v > 65535 || *end) {
            snprintf(err, errlen, "bad listen address '%s': port must be 0..65535", spec);
            return -1;
        }
        a->port = (unsigned)v;
    }
    return 0;
}

/* nta's Vias for a transport (tport_magic) carry its ident as a comment,
 * copied into every Via it inserts: drop it.  nta rebuilds these Vias when
 * a transport is added, so this runs once all are open. */
static void clear_via_comments(nta_agent_t *agent)
{
    for (tport_t *tp = tport_primaries(nta_agent_tports(agent)); tp; tp = tport_next(tp))
        for (sip_via_t *v = (sip_via_t *)tport_magic(tp); v; v = v->v_next)
            v->v_comment = NULL;
    for (sip_via_t *v = (sip_via_t *)nta_agent_via(agent); v; v = v->v_next)
        v->v_comment = NULL;
    for (sip_via_t *v = (sip_via_t *)nta_agent_public_via(agent); v; v = v->v_next)
        v->v_comment = NULL;
}

/* A TLS connection sipd opens whose handshake fails (say, the server's
 * certificate did not verify: tls.verify_server) is closed by sofia
 * without a word to the request queued on it, which would wait for its
 * timer (tm.fr_timer, or nta's 32 s).  With TPTAG_SDWN_ERROR a TLS
 * connection closed with requests pending (sent, no final reply yet)
 * reports them as failed: nta tries the target's next address or ends
 * the branch with 503 at once, as for a refused connection.  TCP keeps
 * sofia's default.  The primary's parameters are its connections' (set
 * after the agent exists: on nta_agent_create the tag would become the
 * default of every transport added later). */
static void tls_fail_fast(nta_agent_t *agent)
{
    for (tport_t *tp = tport_primaries(nta_agent_tports(agent)); tp; tp = tport_next(tp))
        if (su_casematch(tport_name(tp)->tpn_proto, "tls"))
            tport_set_params(tp, TPTAG_SDWN_ERROR(1), TAG_END());
}

nta_agent_t *rt_listen_open(su_root_t *root, const char *const *specs, int n, const RtPolicy *policy,
                            nta_message_f *callback, nta_agent_magic_t *magic, tagi_t const *tags,
                            char *err, size_t errlen)
{
    RtListenAddr a;
    char url[128];
    char *tlsdir = NULL;
    unsigned verify = 0;
    nta_agent_t *agent = NULL;

    if (n < 1) {
        snprintf(err, errlen, "no listen address");
        return NULL;
    }
    for (int i = 0; i < n; i++) { /* every address checked before anything is bound */
        if (rt_listen_parse(specs[i], &a, err, errlen) < 0)
            return NULL;
        if (!strcmp(a.proto, "tls") && !tlsdir && rt_tls_prepare(policy, &tlsdir, &verify, err, errlen) < 0)
            return NULL;
    }
    for (int i = 0; i < n; i++) {
        rt_listen_parse(specs[i], &a, err, errlen);
        int tls = !strcmp(a.proto, "tls");
        if (tls)
            snprintf(url, sizeof url, "sips:%s:%u", a.host, a.port);
        else
            snprintf(url, sizeof url, "sip:%s:%u;transport=%s", a.host, a.port, a.proto);
        char ident[16];
        snprintf(ident, sizeof ident, "sipc%d", i); /* copied by tport */
        int ok;
        if (i == 0) {
            agent = nta_agent_create(root, URL_STRING_MAKE(url), callback, magic, TPTAG_IDENT(ident),
                                     TAG_IF(tls, TPTAG_CERTIFICATE(tlsdir)),
                                     TAG_IF(tls, TPTAG_TLS_VERIFY_POLICY(verify)),
                                     TAG_NEXT(tags));
            ok = agent != NULL;
        } else {
            ok = nta_agent_add_tport(agent, URL_STRING_MAKE(url), TPTAG_IDENT(ident),
                                     TAG_IF(tls, TPTAG_CERTIFICATE(tlsdir)),
                                     TAG_IF(tls, TPTAG_TLS_VERIFY_POLICY(verify)),
                                     TAG_END()) == 0;
        }
        if (!ok) {
            snprintf(err, errlen, "cannot listen on %s: %s", specs[i], rt_server_sofia_reason());
            if (agent)
                nta_agent_destroy(agent);
            agent = NULL;
            break;
        }
    }
    rt_tls_remove(tlsdir);
    if (agent) {
        clear_via_comments(agent);
        tls_fail_fast(agent);
    }
    return agent;
}

const tp_name_t *rt_tport_local_name(tport_t *tp)
{
    tport_t *pri = tp ? tport_parent(tp) : NULL;
    return tport_name(pri ? pri : tp);
}

static int host_is_v6(const char *h)
{
    return h && strchr(h, ':') != NULL;
}

void rt_listen_bound(nta_agent_t *agent, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (tport_t *tp = tport_primaries(nta_agent_tports(agent)); tp; tp = tport_next(tp)) {
        const tp_name_t *tpn = tport_name(tp);
        char proto[8];
        size_t i = 0;
        for (; tpn->tpn_proto && tpn->tpn_proto[i] && i + 1 < sizeof proto; i++)
            proto[i] = (char)tolower((unsigned char)tpn->tpn_proto[i]);
        proto[i] = '\0';
        int br = host_is_v6(tpn->tpn_host) && tpn->tpn_host[0] != '[';
        int k = snprintf(buf + len, n - len, "%s%s:%s%s%s:%s", len ? "\n" : "", proto, br ? "[" : "",
                         tpn->tpn_host, br ? "]" : "", tpn->tpn_port ? tpn->tpn_port : "?");
        if (k < 0 || (size_t)k >= n - len) {
            buf[len] = '\0';
            return;
        }
        len += (size_t)k;
    }
}

tport_t *rt_listen_find(nta_agent_t *agent, const char *proto, int v6)
{
    for (tport_t *tp = tport_primaries(nta_agent_tports(agent)); tp; tp = tport_next(tp)) {
        const tp_name_t *tpn = tport_name(tp);
        if (su_casematch(tpn->tpn_proto, proto) && host_is_v6(tpn->tpn_host) == v6)
            return tp;
    }
    return NULL;
}

const char *rt_url_proto(const url_t *u, char *buf, size_t n)
{
    if (u->url_type == url_sips)
        return "tls";
    if (u->url_params && url_param(u->url_params, "transport", buf, n) > 0) {
        for (char *p = buf; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (!strcmp(buf, "tcp") || !strcmp(buf, "tls"))
            return buf;
    }
    return "udp";
}

tport_t *rt_listen_out(nta_agent_t *agent, msg_t *copy, const char *hop)
{
    sip_t *sip = sip_object(copy);
    url_t *u = hop ? url_make(msg_home(copy), hop) : sip && sip->sip_request ? sip->sip_request->rq_url : NULL;
    if (!agent || !u || !u->url_host)
        return NULL;
    int v6 = u->url_host[0] == '[';
    if (!v6 && strspn(u->url_host, "0123456789.") != strlen(u->url_host))
        return NULL; /* a name: nta resolves it and picks */
    char buf[8];
    return rt_listen_find(agent, rt_url_proto(u, buf, sizeof buf), v6);
}
