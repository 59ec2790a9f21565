/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_conn.c - limits on the TCP and TLS connections sipd accepts, and
 * accept back-off when descriptors run out.
 *
 * sofia-sip 1.12.11 accepts every connection it can and has no hook on
 * accept; when accept() fails with EMFILE the listening socket stays
 * readable, so its event loop calls tport_accept() again at once: 100%
 * CPU and one log line per try until some connection closes.  It has no
 * limit on connections either (in total or per source).  So sipd looks
 * at its own descriptors: every RT_CONN_SCAN_MS, and at once when sofia
 * reports "Too many open files" (rt_conn_exhausted(), from the su_log
 * redirect in rt_server.c), it lists /proc/self/fd (a directory opened
 * once, at start) and finds the connections accepted on its stream
 * listeners (a connected stream socket whose local port is one of
 * theirs).  A connection not seen before that would exceed
 * tcp.max_connections_per_source (counted by peer address) or
 * tcp.max_connections is shut down (shutdown(2): sofia sees the end of
 * the stream and closes its transport; we never close a descriptor that
 * is sofia's), with a rate-limited log line.  When descriptors in use
 * come within RT_CONN_RESERVE of RLIMIT_NOFILE, or connections reach
 * tcp.max_connections, the stream listeners stop accepting
 * (tport_stall); they accept again (tport_continue) once a scan finds
 * room.  What waits meanwhile stays in the kernel's listen queue.
 *
 * The two timeouts are sofia's own, given as agent tags (rt_conn_tags):
 * tcp.idle_timeout (TPTAG_IDLE: a connection with nothing to do is
 * closed) and tcp.message_timeout (TPTAG_TIMEOUT: a message started must
 * be complete within it, or the connection is closed).  sofia arms its
 * idle timer only on traffic, so a connection that never sends a byte
 * would stay for ever: once a second the scan also shuts down the
 * connections with no data either way for tcp.idle_timeout (TCP_INFO's
 * tcpi_last_data_recv and tcpi_last_data_sent).
 *
 * Ownership: the RtConn (malloc) owns its timer, the directory and the
 * table of descriptors seen; the agent is borrowed.
 */
#include <dirent.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sofia-sip/su_string.h>
#include <sofia-sip/tport_tag.h>

#include "rt_conn.h"
#include "rt_internal.h"

#define RT_CONN_SCAN_MS 200
#define RT_CONN_RESERVE 8 /* descriptors kept free for files, DNS, outgoing connections */
#define MAX_LISTEN 16

typedef struct Seen {
    ino_t ino;     /* the socket's inode when last looked at, 0: never */
    uint64_t peer; /* hash of the peer's address, 0: not an accepted connection */
    int fresh;     /* accepted since the last scan */
} Seen;

struct RtConn {
    nta_agent_t *agent;
    su_timer_t *timer;
    DIR *fds;              /* /proc/self/fd */
    unsigned max_total, max_per_source; /* 0: no limit */
    unsigned idle_ms;      /* tcp.idle_timeout, 0: none */
    unsigned nscan;
    unsigned fd_limit;     /* RLIMIT_NOFILE (soft) */
    int stalled;
    unsigned nports;
    unsigned ports[MAX_LISTEN]; /* of the stream listeners */
    Seen *seen;
    size_t nseen;
};

static RtConn *the_conn; /* for rt_conn_exhausted(): sofia's log has no context */

void rt_conn_tags(const RtPolicy *p, tagi_t tags[RT_CONN_NTAGS], tagi_t const *next)
{
    long idle = rt_policy_setting_int(p, "tcp.idle_timeout", RT_CONN_IDLE_DEFAULT);
    long msg = rt_policy_setting_int(p, "tcp.message_timeout", RT_CONN_MESSAGE_DEFAULT);
    tags[0].t_tag = tptag_idle;
    tags[0].t_value = (tag_value_t)(idle ? (unsigned)idle * 1000u : UINT32_MAX);
    tags[1].t_tag = tptag_timeout;
    tags[1].t_value = (tag_value_t)(msg ? (unsigned)msg * 1000u : UINT32_MAX);
    tags[2].t_tag = tag_next;
    tags[2].t_value = (tag_value_t)next;
}

static void set_accepting(RtConn *c, int on, const char *why)
{
    if (c->stalled == !on)
        return;
    for (tport_t *tp = tport_primaries(nta_agent_tports(c->agent)); tp; tp = tport_next(tp))
        if (tport_is_stream(tp))
            on ? tport_continue(tp) : tport_stall(tp);
    c->stalled = !on;
    if (on)
        rt_log(RT_LOG_INFO, "tcp: accepting connections again");
    else
        rt_log_limited(RT_LOG_WARN, "tcp: not accepting", "tcp: not accepting connections for now: %s", why);
}

static uint64_t addr_hash(const struct sockaddr_storage *a)
{
    const unsigned char *p;
    size_t n;
    if (a->ss_family == AF_INET6)
        p = (const unsigned char *)&((const struct sockaddr_in6 *)a)->sin6_addr, n = 16;
    else
        p = (const unsigned char *)&((const struct sockaddr_in *)a)->sin_addr, n = 4;
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211u;
    return h ? h : 1;
}

static unsigned port_of(const struct sockaddr_storage *a)
{
    if (a->ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)a)->sin6_port);
    if (a->ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)a)->sin_port);
    return 0;
}

/* The peer hash of fd if it is a connection accepted on one of our stream
 * listeners, else 0. */
static uint64_t accepted_peer(const RtConn *c, int fd)
{
    int type = 0, listening = 1;
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM)
        return 0;
    len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 || listening)
        return 0;
    struct sockaddr_storage a;
    len = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        return 0;
    unsigned port = port_of(&a);
    unsigned i = 0;
    while (i < c->nports && c->ports[i] != port)
        i++;
    len = sizeof a;
    if (i == c->nports || getpeername(fd, (struct sockaddr *)&a, &len) < 0)
        return 0;
    return addr_hash(&a);
}

/* Connections per peer during one scan: open addressing, 2n slots. */
typedef struct PeerCount {
    uint64_t peer;
    unsigned n;
} PeerCount;

static unsigned *peer_slot(PeerCount *t, size_t size, uint64_t peer)
{
    size_t i = peer % size;
    while (t[i].peer && t[i].peer != peer)
        i = (i + 1) % size;
    t[i].peer = peer;
    return &t[i].n;
}

/* Milliseconds since data last went either way on connection fd. */
static unsigned idle_for(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
        return 0;
    return ti.tcpi_last_data_recv < ti.tcpi_last_data_sent ? ti.tcpi_last_data_recv : ti.tcpi_last_data_sent;
}

static int grow_seen(RtConn *c, size_t fd)
{
    if (fd < c->nseen)
        return 0;
    size_t n = c->nseen ? c->nseen : 64;
    while (n <= fd)
        n *= 2;
    Seen *s = realloc(c->seen, n * sizeof *s);
    if (!s)
        return -1;
    memset(s + c->nseen, 0, (n - c->nseen) * sizeof *s);
    c->seen = s, c->nseen = n;
    return 0;
}

static void scan(RtConn *c)
{
    size_t nfds = 0, nconn = 0;
    int dfd = dirfd(c->fds);
    /* Pass 1: what each descriptor is; new connections are marked. */
    rewinddir(c->fds);
    for (struct dirent *e; (e = readdir(c->fds));) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        int fd = atoi(e->d_name);
        struct stat st;
        nfds++;
        if (fd == dfd || fstat(fd, &st) < 0 || grow_seen(c, (size_t)fd) < 0)
            continue;
        Seen *s = &c->seen[fd];
        if (!S_ISSOCK(st.st_mode)) {
            s->ino = 0, s->peer = 0;
            continue;
        }
        if (s->ino != st.st_ino) {
            s->ino = st.st_ino;
            s->peer = accepted_peer(c, fd);
            s->fresh = s->peer != 0;
        }
        nconn += s->peer != 0;
    }
    /* Pass 2: count the old ones per peer, then admit the new ones. */
    size_t size = 2 * nconn + 1;
    PeerCount *count = calloc(size, sizeof *count);
    unsigned total = 0;
    int idle_check = c->idle_ms && ++c->nscan % (1000 / RT_CONN_SCAN_MS) == 0;
    for (size_t fd = 0; count && fd < c->nseen; fd++) {
        if (!c->seen[fd].peer || c->seen[fd].fresh)
            continue;
        if (idle_check && idle_for((int)fd) >= c->idle_ms) {
            rt_log(RT_LOG_DEBUG, "tcp: connection (descriptor %zu) idle for tcp.idle_timeout: closed", fd);
            shutdown((int)fd, SHUT_RDWR);
            c->seen[fd].peer = 0;
            continue;
        }
        (*peer_slot(count, size, c->seen[fd].peer))++, total++;
    }
    for (size_t fd = 0; count && fd < c->nseen; fd++) {
        Seen *s = &c->seen[fd];
        if (!s->peer || !s->fresh)
            continue;
        s->fresh = 0;
        unsigned *n = peer_slot(count, size, s->peer);
        int per_source = c->max_per_source && *n >= c->max_per_source;
        if (!per_source && !(c->max_total && total >= c->max_total)) {
            (*n)++, total++;
            continue;
        }
        const char *limit = per_source ? "tcp.max_connections_per_source" : "tcp.max_connections";
        struct sockaddr_storage a;
        socklen_t len = sizeof a;
        char host[64] = "?";
        if (getpeername((int)fd, (struct sockaddr *)&a, &len) == 0)
            inet_ntop(a.ss_family,
                      a.ss_family == AF_INET6 ? (void *)&((struct sockaddr_in6 *)&a)->sin6_addr
                                              : (void *)&((struct sockaddr_in *)&a)->sin_addr,
                      host, sizeof host);
        rt_log_limited(RT_LOG_WARN, limit, "tcp: connection from %s closed: %u open, the limit of %s", host,
                       per_source ? *n : total, limit);
        shutdown((int)fd, SHUT_RDWR);
        s->peer = 0;
    }
    free(count);
    char why[96];
    if (c->fd_limit && nfds + RT_CONN_RESERVE >= c->fd_limit) {
        snprintf(why, sizeof why, "%zu of %u descriptors in use", nfds, c->fd_limit);
        set_accepting(c, 0, why);
    } else if (c->max_total && total >= c->max_total) {
        snprintf(why, sizeof why, "%u connections (tcp.max_connections)", total);
        set_accepting(c, 0, why);
    } else {
        set_accepting(c, 1, NULL);
    }
}

static void on_timer(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
    (void)magic, (void)t;
    scan((RtConn *)arg);
}

void rt_conn_exhausted(void)
{
    if (the_conn)
        set_accepting(the_conn, 0, "out of descriptors (accept: Too many open files)");
}

RtConn *rt_conn_start(su_root_t *root, nta_agent_t *agent, const RtPolicy *p, char *err, size_t errlen)
{
    RtConn *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->agent = agent;
    c->max_total = (unsigned)rt_policy_setting_int(p, "tcp.max_connections", RT_CONN_MAX_DEFAULT);
    c->max_per_source =
        (unsigned)rt_policy_setting_int(p, "tcp.max_connections_per_source", RT_CONN_PER_SOURCE_DEFAULT);
    c->idle_ms = (unsigned)rt_policy_setting_int(p, "tcp.idle_timeout", RT_CONN_IDLE_DEFAULT) * 1000u;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < UINT32_MAX)
        c->fd_limit = (unsigned)rl.rlim_cur;
    for (tport_t *tp = tport_primaries(nta_agent_tports(agent)); tp; tp = tport_next(tp))
        if (tport_is_stream(tp) && c->nports < MAX_LISTEN && tport_name(tp)->tpn_port)
            c->ports[c->nports++] = (unsigned)atoi(tport_name(tp)->tpn_port);
    if (!c->nports)
        return c; /* UDP only: nothing to watch */
    if (!(c->fds = opendir("/proc/self/fd"))) {
        rt_log(RT_LOG_WARN, "tcp: cannot list descriptors (/proc/self/fd: %s): no connection limits", strerror(errno));
        return c;
    }
    if (!(c->timer = su_timer_create(su_root_task(root), RT_CONN_SCAN_MS)) ||
        su_timer_set_for_ever(c->timer, on_timer, (su_timer_arg_t *)c) < 0) {
        snprintf(err, errlen, "cannot start the connection timer");
        rt_conn_stop(c);
        return NULL;
    }
    the_conn = c;
    return c;
}

void rt_conn_stop(RtConn *c)
{
    if (!c)
        return;
    if (the_conn == c)
        the_conn = NULL;
    su_timer_destroy(c->timer);
    if (c->fds)
        closedir(c->fds);
    free(c->seen);
    free(c);
}
