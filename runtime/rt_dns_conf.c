/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_dns_conf.c - the resolv.conf sofia's resolver reads names only
 * nameservers it can use.
 *
 * Why: sofia-sip 1.12.11's sres opens one connected UDP socket per
 * nameserver.  When connect() fails at once (no route to an IPv6
 * nameserver: ENETUNREACH; a link-local address without a scope: EINVAL)
 * it marks the server with dns_error = SRES_TIME_MAX and asks
 * sres_next_server() for another; that function tests
 * `dns_error + DNS_ERROR_TIMEOUT < now && dns_error != SRES_TIME_MAX`, a
 * signed overflow the compiler may fold so that the server is "good
 * again" at once.  When every nameserver fails that way, sres_query()
 * never returns: sipd spins inside it, logs one sofia line per try and
 * never gets back to its event loop (no replies, no SIGTERM).
 *
 * So, before the agent is made, each `nameserver` line of the file sres
 * would read (dns.resolv_conf, else /etc/resolv.conf) is tried the way
 * sres will: a UDP socket connected to ADDR:port (the file's `port N`,
 * default 53).  A connect() on a datagram socket sends nothing.
 *  - All usable: sres reads the file itself (and follows its changes).
 *  - Some not: each is logged once, and sres reads a copy without them
 *    (a private temporary file, removed by rt_dns_conf_close()).
 *  - None: sres reads a copy naming 127.0.0.1 and the port of a socket
 *    sipd owns that answers every query at once with SERVFAIL, so every
 *    lookup fails at once: a t_relay() branch ends with 503 (nta's
 *    "DNS Error"), forward() fails, and sipd carries on.  Without a
 *    nameserver line at all sres would ask 127.0.0.1:53, which may be
 *    some other resolver.
 * A nameserver that becomes unusable while sipd runs is not caught (sres
 * keeps its socket once connected, so only a changed resolv.conf would
 * bring the case back).
 *
 * Ownership: the RtDnsConf (malloc) owns the copy's path and the SERVFAIL
 * socket; the effective path is also kept process-wide for tm_srv.c's
 * own resolver (rt_dns_resolv_conf()).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sofia-sip/su_wait.h>

#include "rt_dns.h"
#include "rt_internal.h"

struct RtDnsConf {
    char *copy;     /* the file we wrote (removed on close), or NULL */
    char *path;     /* what sres reads: copy, the setting, or NULL (its default) */
    su_root_t *root;
    int fail_fd;    /* the SERVFAIL responder, or -1 */
    int fail_index; /* its su_root registration */
};

static const char *effective; /* rt_dns_resolv_conf() while a conf is open */

#define RESOLV_DEFAULT "/etc/resolv.conf"

/* Can sres use nameserver `addr` at `port`?  0 yes, else an errno. */
static int probe(const char *addr, unsigned port)
{
    struct addrinfo hints = {.ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICHOST}, *ai = NULL;
    char serv[8];
    snprintf(serv, sizeof serv, "%u", port);
    if (getaddrinfo(addr, serv, &hints, &ai) != 0 || !ai)
        return 0; /* not an address we can judge: leave it to sres */
    int e = 0;
    int s = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
    if (s < 0 || connect(s, ai->ai_addr, ai->ai_addrlen) < 0)
        e = errno ? errno : EINVAL;
    if (s >= 0)
        close(s);
    freeaddrinfo(ai);
    return e;
}

/* The word after `key` at the start of `line`, copied into w; 1 if found. */
static int keyword(const char *line, const char *key, char *w, size_t n)
{
    size_t k = strlen(key);
    if (strncmp(line, key, k) || (line[k] != ' ' && line[k] != '\t'))
        return 0;
    line += k + strspn(line + k, " \t");
    size_t len = strcspn(line, " \t\r\n#;");
    if (!len || len >= n)
        return 0;
    memcpy(w, line, len);
    w[len] = '\0';
    return 1;
}

/* Answer each query on the socket with SERVFAIL: header with QR and
 * RCODE 2, the question kept, nothing else. */
static int on_query(su_root_magic_t *magic, su_wait_t *w, su_wakeup_arg_t *arg)
{
    (void)magic, (void)w;
    RtDnsConf *c = (RtDnsConf *)arg;
    for (int i = 0; i < 64; i++) { /* bounded; the socket is non-blocking */
        unsigned char q[512];
        struct sockaddr_storage from;
        socklen_t flen = sizeof from;
        ssize_t n = recvfrom(c->fail_fd, q, sizeof q, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
        if (n < 0)
            break;
        if (n < 12)
            continue;
        size_t end = 12; /* skip the question's name, then type and class */
        while (end < (size_t)n && q[end] && q[end] < 64)
            end += 1u + q[end];
        end += 5;
        if (end > (size_t)n)
            continue;
        q[2] = (unsigned char)(0x80 | (q[2] & 0x79)); /* QR, opcode and RD kept */
        q[3] = 0x82;                                  /* RA, RCODE 2 SERVFAIL */
        q[4] = 0, q[5] = 1;                           /* one question */
        memset(q + 6, 0, 6);                          /* no answer, authority, additional */
        (void)!sendto(c->fail_fd, q, end, 0, (struct sockaddr *)&from, flen);
    }
    return 0;
}

/* Bind the SERVFAIL responder on 127.0.0.1; its port, or 0. */
static unsigned fail_start(RtDnsConf *c)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    su_wait_t wait[1];
    c->fail_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
    if (c->fail_fd < 0 || bind(c->fail_fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        getsockname(c->fail_fd, (struct sockaddr *)&a, &alen) < 0 || su_wait_create(wait, c->fail_fd, SU_WAIT_IN) < 0 ||
        (c->fail_index = su_root_register(c->root, wait, on_query, (su_wakeup_arg_t *)c, 0)) < 0)
        return 0;
    return ntohs(a.sin_port);
}

/* Write the copy of `in` without the unusable nameservers (or, with
 * `fail_port`, with only the responder); 0 or -1. */
static int write_copy(RtDnsConf *c, FILE *in, unsigned fail_port, unsigned port)
{
    const char *dir = getenv("TMPDIR");
    char name[512];
    snprintf(name, sizeof name, "%s/sipd-resolv.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(name);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        if (fd >= 0)
            close(fd), unlink(name);
        return -1;
    }
    char line[512], w[128];
    rewind(in);
    while (fgets(line, sizeof line, in)) {
        if (keyword(line, "nameserver", w, sizeof w) && (fail_port || probe(w, port)))
            continue;
        if (fail_port && keyword(line, "port", w, sizeof w))
            continue;
        fputs(line, out);
        if (!strchr(line, '\n'))
            fputc('\n', out);
    }
    if (fail_port)
        fprintf(out, "nameserver 127.0.0.1\nport %u\n", fail_port);
    if (fclose(out) != 0) {
        unlink(name);
        return -1;
    }
    c->copy = strdup(name);
    return c->copy ? 0 : (unlink(name), -1);
}

RtDnsConf *rt_dns_conf_open(su_root_t *root, const RtPolicy *p, char *err, size_t errlen)
{
    RtDnsConf *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->root = root;
    c->fail_fd = -1;
    c->fail_index = -1;
    const char *set = rt_policy_setting_str(p, "dns.resolv_conf", NULL);
    const char *file = set && *set ? set : RESOLV_DEFAULT;
    c->path = set && *set ? strdup(set) : NULL;
    FILE *in = fopen(file, "r");
    if (!in) /* sres uses 127.0.0.1 then: nothing to check */
        return effective = c->path, c;
    char line[512], w[128];
    unsigned port = 53, usable = 0, bad = 0;
    while (fgets(line, sizeof line, in))
        if (keyword(line, "port", w, sizeof w))
            port = (unsigned)atoi(w);
    rewind(in);
    while (fgets(line, sizeof line, in)) {
        if (!keyword(line, "nameserver", w, sizeof w))
            continue;
        int e = probe(w, port);
        if (!e) {
            usable++;
            continue;
        }
        bad++;
        rt_log(RT_LOG_WARN, "dns: nameserver %s in %s cannot be used (connect: %s): skipped", w, file,
               strerror(e));
    }
    unsigned fail_port = 0;
    if (bad && !usable) {
        if (!(fail_port = fail_start(c))) {
            snprintf(err, errlen, "dns: no usable nameserver in %s, and no local socket: %s", file, strerror(errno));
            fclose(in);
            rt_dns_conf_close(c);
            return NULL;
        }
        rt_log(RT_LOG_WARN, "dns: no usable nameserver in %s: every lookup fails (503)", file);
    }
    if (bad && write_copy(c, in, fail_port, port) < 0) {
        snprintf(err, errlen, "dns: cannot write a copy of %s: %s", file, strerror(errno));
        fclose(in);
        rt_dns_conf_close(c);
        return NULL;
    }
    fclose(in);
    if (c->copy) {
        free(c->path);
        c->path = strdup(c->copy);
    }
    effective = c->path;
    return c;
}

const char *rt_dns_conf_path(const RtDnsConf *c)
{
    return c ? c->path : NULL;
}

const char *rt_dns_resolv_conf(const RtPolicy *p)
{
    return effective ? effective : rt_policy_setting_str(p, "dns.resolv_conf", NULL);
}

void rt_dns_conf_close(RtDnsConf *c)
{
    if (!c)
        return;
    if (effective == c->path)
        effective = NULL;
    if (c->fail_index > 0)
        su_root_deregister(c->root, c->fail_index);
    if (c->fail_fd >= 0)
        close(c->fail_fd);
    if (c->copy)
        unlink(c->copy);
    free(c->copy);
    free(c->path);
    free(c);
}
