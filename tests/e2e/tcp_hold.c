/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcp_hold.c - open many TCP connections to a SIP server and see which
 * it closes, for the end-to-end tests of connection limits and timeouts
 * (tests/e2e/test_tcp_limits.sh).
 *
 *   tcp_hold [-n N] [-p FILE] [-q FILE] [-e CLOSED] [-w MS] PORT
 *
 * Opens N (default 1) connections to 127.0.0.1:PORT, one after the other
 * (each connect() bounded by 2 s), and writes FILE given with -p on each
 * (say, a message cut short).  Then it waits up to MS milliseconds
 * (default 1000) for the server to close connections, or less once
 * CLOSED of them are closed (-e).  Then, with -q FILE, it sends FILE on
 * each connection still open and waits up to MS again for an answer on
 * each.  Prints one line:
 *
 *   opened=O closed=C answered=A
 *
 * and exits 0 (2 on misuse).  A connection the kernel completed but the
 * server has not accepted yet counts as opened and stays open.  Loopback
 * only; everything is closed on exit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXCONN 4096

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    static char buf[65536];
    if (!f) {
        fprintf(stderr, "tcp_hold: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

/* A connection to 127.0.0.1:port, or -1 (not completed in 2 s). */
static int open_one(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS)
        return close(fd), -1;
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int err = 0;
    socklen_t len = sizeof err;
    if (poll(&p, 1, 2000) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err)
        return close(fd), -1;
    return fd;
}

/* Wait until `want` of the n connections are closed by the peer (want 0:
 * the whole time), at most ms; closed[] marks them.  With answer, wait
 * for data instead on the open ones and mark answered[]. */
static void wait_for(int *fd, int n, char *closed, char *answered, int want, long ms, int answer)
{
    long end = now_ms() + ms;
    static struct pollfd p[MAXCONN];
    for (;;) {
        int np = 0, done = 0;
        for (int i = 0; i < n; i++) {
            done += answer ? answered[i] || closed[i] : closed[i];
            if (!closed[i] && !(answer && answered[i]))
                p[np].fd = fd[i], p[np].events = POLLIN, p[np++].revents = 0;
        }
        long left = end - now_ms();
        if ((answer ? done == n : want && done >= want) || left <= 0 || !np)
            return;
        if (poll(p, (nfds_t)np, (int)left) <= 0)
            continue;
        for (int k = 0; k < np; k++) {
            if (!p[k].revents)
                continue;
            int i = 0;
            while (fd[i] != p[k].fd)
                i++;
            char buf[4096];
            ssize_t r = recv(fd[i], buf, sizeof buf, MSG_DONTWAIT);
            if (r > 0 && answer)
                answered[i] = 1;
            else if (r == 0 || (r < 0 && errno != EAGAIN))
                closed[i] = 1;
        }
    }
}

int main(int argc, char **argv)
{
    int n = 1, want = 0, opt;
    long ms = 1000;
    const char *pre = NULL, *post = NULL;
    while ((opt = getopt(argc, argv, "n:p:q:e:w:")) != -1) {
        if (opt == 'n')
            n = atoi(optarg);
        else if (opt == 'p')
            pre = optarg;
        else if (opt == 'q')
            post = optarg;
        else if (opt == 'e')
            want = atoi(optarg);
        else if (opt == 'w')
            ms = atol(optarg);
        else
            return 2;
    }
    if (argc - optind != 1 || n < 1 || n > MAXCONN || ms < 0) {
        fprintf(stderr, "usage: tcp_hold [-n N] [-p FILE] [-q FILE] [-e CLOSED] [-w MS] PORT\n");
        return 2;
    }
    int port = atoi(argv[optind]);
    static int fd[MAXCONN];
    static char closed[MAXCONN], answered[MAXCONN];
    size_t prelen = 0, postlen = 0;
    char *predata = NULL, *postdata = NULL;
    if (pre && !(predata = slurp(pre, &prelen)))
        return 2;
    int opened = 0;
    for (int i = 0; i < n; i++) {
        int s = open_one(port);
        if (s < 0)
            break;
        fd[opened++] = s;
        if (predata && send(s, predata, prelen, MSG_NOSIGNAL) < 0)
            closed[opened - 1] = 1;
    }
    wait_for(fd, opened, closed, answered, want, ms, 0);
    if (post && (postdata = slurp(post, &postlen))) {
        for (int i = 0; i < opened; i++)
            if (!closed[i] && send(fd[i], postdata, postlen, MSG_NOSIGNAL) < 0)
                closed[i] = 1;
        wait_for(fd, opened, closed, answered, 0, ms, 1);
    }
    int c = 0, a = 0;
    for (int i = 0; i < opened; i++) {
        c += closed[i];
        a += answered[i];
        close(fd[i]);
    }
    printf("opened=%d closed=%d answered=%d\n", opened, c, a);
    return 0;
}
