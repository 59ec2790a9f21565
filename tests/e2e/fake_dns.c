/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fake_dns.c - a tiny authoritative DNS server for the end-to-end tests
 * (test_dns.sh): answers A, AAAA, SRV and NAPTR questions over UDP from a
 * fixed table, so that sipd's resolver (sofia sresolv) can be pointed at it
 * with a resolv.conf holding `nameserver 127.0.0.1` and `port N`.
 *
 *   fake_dns PORT ZONE-FILE [READY-FILE]
 *
 * ZONE-FILE has one record a line (TTL 60, class IN):
 *
 *   NAME A 1.2.3.4
 *   NAME SRV PRIORITY WEIGHT PORT TARGET
 *   NAME NAPTR ORDER PREF FLAGS SERVICE REPLACEMENT   (empty regexp)
 *
 * A question with records of its type gets them all; a name with records
 * of other types only gets an empty answer (NOERROR); any other name gets
 * NXDOMAIN.  Every question is logged to stdout ("Q NAME TYPE -> N").
 * Runs until SIGTERM; it binds 127.0.0.1 only.  Once bound it writes
 * "ready" to READY-FILE, if given.  Test code: no EDNS, no TCP, no
 * compression in answers (it copies the question's name bytes).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

enum { T_A = 1, T_AAAA = 28, T_SRV = 33, T_NAPTR = 35, MAXREC = 64 };

typedef struct Rec {
    char name[256];
    int type;
    unsigned char rdata[512];
    size_t rdlen;
} Rec;

static Rec recs[MAXREC];
static int nrecs;

/* Append NAME in DNS label form to p; returns bytes written or 0. */
static size_t put_name(unsigned char *p, size_t room, const char *name)
{
    size_t n = 0;
    while (*name) {
        size_t l = strcspn(name, ".");
        if (l == 0 || l > 63 || n + l + 2 > room)
            return 0;
        p[n++] = (unsigned char)l;
        memcpy(p + n, name, l);
        n += l;
        name += l;
        if (*name == '.')
            name++;
    }
    p[n++] = 0;
    return n;
}

static size_t put_str(unsigned char *p, const char *s)
{
    size_t l = strlen(s);
    p[0] = (unsigned char)l;
    memcpy(p + 1, s, l);
    return l + 1;
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static int load(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f) && nrecs < MAXREC) {
        Rec *r = &recs[nrecs];
        char type[16], a[256], b[256], c[256];
        unsigned x, y, z;
        if (sscanf(line, "%255s %15s", r->name, type) != 2 || r->name[0] == '#')
            continue;
        const char *rest = strstr(line, type) + strlen(type);
        if (!strcasecmp(type, "A") && sscanf(rest, "%255s", a) == 1 && inet_pton(AF_INET, a, r->rdata) == 1) {
            r->type = T_A;
            r->rdlen = 4;
        } else if (!strcasecmp(type, "SRV") && sscanf(rest, "%u %u %u %255s", &x, &y, &z, a) == 4) {
            r->type = T_SRV;
            put16(r->rdata, x), put16(r->rdata + 2, y), put16(r->rdata + 4, z);
            r->rdlen = 6 + put_name(r->rdata + 6, sizeof r->rdata - 6, a);
        } else if (!strcasecmp(type, "NAPTR") && sscanf(rest, "%u %u %255s %255s %255s", &x, &y, a, b, c) == 5) {
            r->type = T_NAPTR;
            put16(r->rdata, x), put16(r->rdata + 2, y);
            size_t n = 4;
            n += put_str(r->rdata + n, a);
            n += put_str(r->rdata + n, b);
            n += put_str(r->rdata + n, "");
            n += put_name(r->rdata + n, sizeof r->rdata - n, c);
            r->rdlen = n;
        } else {
            fprintf(stderr, "fake_dns: bad line: %s", line);
            fclose(f);
            return -1;
        }
        nrecs++;
    }
    fclose(f);
    return 0;
}

/* The question's name as text, from the DNS labels at q; its length in *len. */
static int get_name(const unsigned char *q, size_t room, char *out, size_t *len)
{
    size_t i = 0, o = 0;
    while (i < room && q[i]) {
        size_t l = q[i++];
        if (l > 63 || i + l > room || o + l + 2 > 256)
            return -1;
        if (o)
            out[o++] = '.';
        memcpy(out + o, q + i, l);
        o += l;
        i += l;
    }
    if (i >= room)
        return -1;
    out[o] = '\0';
    *len = i + 1;
    return 0;
}

static const char *type_name(int t)
{
    return t == T_A ? "A" : t == T_AAAA ? "AAAA" : t == T_SRV ? "SRV" : t == T_NAPTR ? "NAPTR" : "?";
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: fake_dns PORT ZONE-FILE [READY-FILE]\n");
        return 2;
    }
    if (load(argv[2]) < 0) {
        fprintf(stderr, "fake_dns: cannot load %s\n", argv[2]);
        return 1;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1]))};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        perror("fake_dns: bind");
        return 1;
    }
    if (argc == 4) {
        FILE *f = fopen(argv[3], "w");
        if (!f || fputs("ready\n", f) < 0 || fclose(f) != 0)
            return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (;;) {
        unsigned char q[512], r[4096];
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
        char name[256];
        size_t nlen;
        if (n < 12 + 5 || (q[2] & 0x80) || q[4] != 0 || q[5] != 1 ||
            get_name(q + 12, (size_t)n - 12, name, &nlen) < 0 || 12 + nlen + 4 > (size_t)n)
            continue;
        int qtype = q[12 + nlen] << 8 | q[12 + nlen + 1];
        size_t qend = 12 + nlen + 4, o = qend;
        int known = 0, an = 0;
        memcpy(r, q, qend);
        for (int i = 0; i < nrecs; i++) {
            if (strcasecmp(recs[i].name, name) != 0)
                continue;
            known = 1;
            if (recs[i].type != qtype || o + 2 + 10 + recs[i].rdlen > sizeof r)
                continue;
            put16(r + o, 0xc00c); /* the question's name */
            put16(r + o + 2, (unsigned)qtype);
            put16(r + o + 4, 1);
            put16(r + o + 6, 0), put16(r + o + 8, 60);
            put16(r + o + 10, (unsigned)recs[i].rdlen);
            memcpy(r + o + 12, recs[i].rdata, recs[i].rdlen);
            o += 12 + recs[i].rdlen;
            an++;
        }
        r[2] = 0x84 | (q[2] & 0x01); /* QR, AA, RD copied */
        r[3] = known ? 0 : 3;        /* NOERROR or NXDOMAIN */
        put16(r + 6, (unsigned)an);
        put16(r + 8, 0), put16(r + 10, 0);
        printf("Q %s %s -> %d\n", name, type_name(qtype), known ? an : -1);
        sendto(fd, r, o, 0, (struct sockaddr *)&from, fl);
    }
}
