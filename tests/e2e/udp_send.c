/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * udp_send.c - send one file's bytes to a SIP server and print the reply's
 * status line, for the end-to-end tests (tests/e2e/test_rfc4475.sh).
 *
 *   udp_send [-t] [-a] [-s PORT] [-w MS] [-H NAME] HOST PORT FILE
 *
 * UDP (default): the whole file goes out as one datagram, exactly as it is
 * (no line-end conversion, NUL bytes kept), from an ephemeral port of
 * HOST's family; with -t it is written to a new TCP connection instead.
 *
 * -s PORT (IPv4 only) sends from PORT on a random loopback address
 * 127.X.Y.Z instead.  A server answers a request per its top Via: to the
 * source address (Via `received`) but to the Via's port (RFC 3261 section
 * 18.2.2, no `rport`); the test passes the port the message's Via names,
 * so the answer comes back here without touching the message's bytes.
 * A random address (retried when taken) keeps concurrent runs apart.
 * Then it waits up to MS milliseconds (default 1000) for an answer and
 * prints the first line of the first message received without its CRLF
 * ("SIP/2.0 400 Bad Request"), or "-" when nothing came (or, over TCP,
 * the connection was closed first).  Bytes outside printable ASCII in
 * the line are written as '?', so the output is one safe line.  With -a
 * every line of the answer is printed that way (a UDP answer's headers,
 * for a test that checks one), the status line first.
 *
 * With -H NAME (UDP), the first header line named NAME of that answer is
 * printed too, on a second line, as it came ("-" when there is none).
 *
 * Exit status: 0 when something was printed (an answer or "-"), 2 on
 * misuse or a local error (file, socket).  Loopback tests only: it
 * sends where it is told, once, and never retries.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static int usage(void)
{
    fprintf(stderr, "usage: udp_send [-t] [-a] [-s PORT] [-w MS] [-H NAME] HOST PORT FILE\n");
    return 2;
}

/* The whole file into a malloc'd buffer; NULL on error (reported). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, r;
    if (!f) {
        fprintf(stderr, "udp_send: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    do {
        if (n == cap) {
            char *nb = realloc(buf, cap = cap ? cap * 2 : 4096);
            if (!nb) {
                free(buf);
                fclose(f);
                fprintf(stderr, "udp_send: out of memory\n");
                return NULL;
            }
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *len = n;
    return buf;
}

/* Bind fd to PORT on a random address of 127.0.0.0/8 (not 127.0.0.1,
 * which the server itself may use); 0, or -1 (reported). */
static int bind_random_loopback(int fd, int port)
{
    srand((unsigned)getpid() ^ (unsigned)port);
    for (int tries = 0; tries < 50; tries++) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
        unsigned x = 1 + (unsigned)rand() % 250, y = 1 + (unsigned)rand() % 250, z = 2 + (unsigned)rand() % 250;
        a.sin_addr.s_addr = htonl(127u << 24 | x << 16 | y << 8 | z);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0)
            return 0;
        if (errno != EADDRINUSE)
            break;
    }
    fprintf(stderr, "udp_send: cannot bind a loopback address with port %d: %s\n", port, strerror(errno));
    return -1;
}

/* Print the first line of buf[0..n) (the status line), or with `all`
 * every line, made safe: CRLF ends a line, other bytes outside printable
 * ASCII are '?'. */
static void print_lines(const char *buf, size_t n, int all)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\r' && i + 1 < n && buf[i + 1] == '\n')
            continue;
        if (c == '\r' || c == '\n') {
            if (!all)
                break;
            putchar('\n');
            continue;
        }
        putchar(c >= 0x20 && c < 0x7f ? c : '?');
    }
    putchar('\n');
}

/* Print the first header line named `name` in buf[0..n), or "-". */
static void print_header(const char *buf, size_t n, const char *name)
{
    size_t k = strlen(name);
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && buf[e] != '\n')
            e++;
        if (e - i > k && !strncasecmp(buf + i, name, k) && buf[i + k] == ':') {
            print_lines(buf + i, e - i, 0);
            return;
        }
        if (e - i <= 1)
            break; /* the empty line: end of the headers */
        i = e + 1;
    }
    puts("-");
}

int main(int argc, char **argv)
{
    int tcp = 0, all = 0, wait_ms = 1000, src_port = 0, opt;
    const char *hname = NULL;
    while ((opt = getopt(argc, argv, "tas:w:H:")) != -1) {
        if (opt == 'H')
            hname = optarg;
        else if (opt == 't')
            tcp = 1;
        else if (opt == 'a')
            all = 1;
        else if (opt == 's')
            src_port = atoi(optarg);
        else if (opt == 'w')
            wait_ms = atoi(optarg);
        else
            return usage();
    }
    if (argc - optind != 3 || wait_ms < 0 || src_port < 0 || src_port > 65535)
        return usage();
    const char *host = argv[optind], *port = argv[optind + 1];

    size_t len;
    char *data = slurp(argv[optind + 2], &len);
    if (!data)
        return 2;

    struct addrinfo hints = {0}, *ai;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    int rc = getaddrinfo(host, port, &hints, &ai);
    if (rc) {
        fprintf(stderr, "udp_send: %s:%s: %s\n", host, port, gai_strerror(rc));
        free(data);
        return 2;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype, 0);
    if (fd >= 0 && src_port && ai->ai_family == AF_INET && bind_random_loopback(fd, src_port) < 0) {
        close(fd);
        fd = -1;
        errno = EADDRNOTAVAIL;
    }
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        fprintf(stderr, "udp_send: %s:%s: %s\n", host, port, strerror(errno));
        freeaddrinfo(ai);
        free(data);
        return 2;
    }
    freeaddrinfo(ai);

    size_t off = 0;
    while (off < len || (len == 0 && !tcp)) {
        ssize_t w = send(fd, data + off, len - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            fprintf(stderr, "udp_send: send: %s\n", strerror(errno));
            close(fd);
            free(data);
            return 2;
        }
        off += (size_t)w;
        if (!tcp)
            break; /* one datagram, whatever its size */
    }
    free(data);

    /* The answer: one datagram, or over TCP what arrives up to the first
     * line end (or the buffer's end). */
    char buf[65536];
    size_t got = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (got < sizeof buf) {
        int pr = poll(&p, 1, wait_ms);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            break;
        ssize_t r = recv(fd, buf + got, sizeof buf - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* closed, or an ICMP error on UDP */
        got += (size_t)r;
        if (!tcp || memchr(buf, '\n', got))
            break;
    }
    close(fd);
    if (got)
        print_lines(buf, got, all);
    else
        puts("-");
    if (hname)
        print_header(buf, got, hname);
    return 0;
}
