/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * siptest_parse.c - read a .siptest case file (SPEC.md section 10).
 *
 * One pass over the lines, with a small state machine: before the first
 * case, in a case's header (`from`, `local`), in a message block
 * (`--- request`, `--- reply N`), in the expect block.  A block runs until
 * the next line starting with `---` or `===`; its bytes are taken from the
 * file as they are and assembled into a message (siptest_assemble) when the
 * block ends.  The first error stops the parse, with "FILE:LINE: error:"
 * in `err`, as the compiler's diagnostics read.
 *
 * Lines are slices of the file copy (no per-line allocation); positions are
 * byte offsets.  A line's terminator is "\n" or "\r\n"; the last line may
 * have none.
 *
 * Ownership: the SiptestFile owns everything reachable from it (path, file
 * text, cases and their strings), all malloc'd; siptest_free() frees a
 * partly built file too, which is how every error path cleans up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "siptest.h"

/* One line: [s, e) without its terminator; `next` starts the next line. */
typedef struct Line {
    const char *s, *e;
    size_t off, next; /* byte offsets of s and of the next line */
    int no;           /* 1-based */
    int crlf;         /* ended in "\r\n"; without a line end, as the line before did */
} Line;

typedef enum State { ST_TOP, ST_HEADER, ST_MSG, ST_EXPECT } State;

typedef struct Parser {
    SiptestFile *f;
    SiptestCase *c; /* the case being read, or NULL */
    State st;
    /* The open block: its `---` line and the offset its body starts at. */
    int blk_line, blk_relay;
    size_t blk_off;
    /* Expect block bookkeeping for --update. */
    int seen_content; /* a non-comment line was seen in the expect block */
    char *err;
    size_t errlen;
} Parser;

static int fail(Parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(Parser *p, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (p->err && p->errlen)
        snprintf(p->err, p->errlen, "%s:%d: error: %s", p->f->path, line, msg);
    return -1;
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t';
}

/* Does [s, e) hold only spaces and tabs? */
static int blank_line(const char *s, const char *e)
{
    while (s < e && is_blank(*s))
        s++;
    return s == e;
}

static int starts_with(const char *s, const char *e, const char *prefix)
{
    size_t n = strlen(prefix);
    return (size_t)(e - s) >= n && memcmp(s, prefix, n) == 0;
}

/* Cut an end-of-line comment (a '#' at the start or after a blank) and the
 * blanks around what is left. */
static void trim_comment(const char **s, const char **e)
{
    for (const char *q = *s; q < *e; q++)
        if (*q == '#' && (q == *s || is_blank(q[-1]))) {
            *e = q;
            break;
        }
    while (*s < *e && is_blank(**s))
        (*s)++;
    while (*e > *s && is_blank((*e)[-1]))
        (*e)--;
}

/* The next blank-separated word of [*s, e) into buf (truncated, and then
 * reported too long by the caller's checks); 0 when there is none. */
static size_t word(const char **s, const char *e, char *buf, size_t n)
{
    while (*s < e && is_blank(**s))
        (*s)++;
    const char *w = *s;
    while (*s < e && !is_blank(**s))
        (*s)++;
    size_t len = (size_t)(*s - w);
    size_t k = len < n - 1 ? len : n - 1;
    memcpy(buf, w, k);
    buf[k] = '\0';
    return len;
}

static char *dup_range(const char *s, const char *e)
{
    size_t n = (size_t)(e - s);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* --- message assembly ---------------------------------------------------- */

/* A line of a block being assembled. */
typedef struct Span {
    const char *s;
    size_t n;
} Span;

static int is_content_length(const Span *l)
{
    const char *colon = memchr(l->s, ':', l->n);
    if (!colon || l->n == 0 || is_blank(l->s[0]))
        return 0; /* no header, or a folded continuation line */
    size_t k = (size_t)(colon - l->s);
    while (k > 0 && is_blank(l->s[k - 1]))
        k--;
    return (k == 14 && strncasecmp(l->s, "Content-Length", 14) == 0) ||
           (k == 1 && (l->s[0] == 'l' || l->s[0] == 'L'));
}

char *siptest_assemble(const char *block, size_t n, size_t *len_out)
{
    /* Split into lines without terminators. */
    size_t nl = 0, cap = 16;
    Span *lines = malloc(cap * sizeof *lines);
    if (!lines)
        return NULL;
    for (size_t i = 0; i < n;) {
        const char *s = block + i;
        const char *nlp = memchr(s, '\n', n - i);
        size_t len = nlp ? (size_t)(nlp - s) : n - i;
        i += len + (nlp ? 1 : 0);
        if (len > 0 && s[len - 1] == '\r')
            len--;
        if (nl == cap) {
            Span *g = realloc(lines, (cap *= 2) * sizeof *lines);
            if (!g) {
                free(lines);
                return NULL;
            }
            lines = g;
        }
        lines[nl++] = (Span){s, len};
    }
    /* Blank lines around the message are not part of it. */
    size_t first = 0;
    while (first < nl && blank_line(lines[first].s, lines[first].s + lines[first].n))
        first++;
    while (nl > first && blank_line(lines[nl - 1].s, lines[nl - 1].s + lines[nl - 1].n))
        nl--;

    size_t sep = first; /* the first blank line: end of the headers */
    while (sep < nl && !blank_line(lines[sep].s, lines[sep].s + lines[sep].n))
        sep++;
    int has_cl = 0;
    for (size_t i = first + 1; i < sep; i++)
        has_cl |= is_content_length(&lines[i]);
    size_t body = 0, total = 0;
    for (size_t i = sep + 1; i < nl; i++)
        body += lines[i].n + 2;
    for (size_t i = first; i < sep; i++)
        total += lines[i].n + 2;
    char cl[48] = "";
    if (!has_cl)
        snprintf(cl, sizeof cl, "Content-Length: %zu\r\n", body);
    total += strlen(cl) + 2 + body;

    char *out = malloc(total + 1), *o = out;
    if (!out) {
        free(lines);
        return NULL;
    }
    for (size_t i = first; i < nl; i++) {
        if (i == sep) {
            o += sprintf(o, "%s\r\n", cl); /* Content-Length if needed, then the empty line */
            continue;
        }
        memcpy(o, lines[i].s, lines[i].n);
        o += lines[i].n;
        *o++ = '\r';
        *o++ = '\n';
    }
    if (sep >= nl)
        o += sprintf(o, "%s\r\n", cl); /* no body: the headers end here */
    *o = '\0';
    free(lines);
    *len_out = (size_t)(o - out);
    return out;
}

/* --- directives ----------------------------------------------------------- */

/* `from PROTO HOST PORT` or `local ...` (the keyword already read). */
static int parse_addr(Parser *p, const Line *ln, const char *kw, const char *s, const char *e, SiptestAddr *a)
{
    char proto[16], host[80], port[16], extra[8];
    if (a->line)
        return fail(p, ln->no, "second '%s' line in case '%s' (the first is at line %d)", kw, p->c->name,
                    a->line);
    size_t np = word(&s, e, proto, sizeof proto), nh = word(&s, e, host, sizeof host),
           nt = word(&s, e, port, sizeof port);
    if (!np || !nh || !nt || word(&s, e, extra, sizeof extra))
        return fail(p, ln->no, "'%s' needs PROTO HOST PORT, as in '%s udp 192.0.2.10 5060'", kw, kw);
    for (char *q = proto; *q; q++)
        *q = (char)(*q >= 'A' && *q <= 'Z' ? *q - 'A' + 'a' : *q);
    if (np > 3 || (strcmp(proto, "udp") && strcmp(proto, "tcp") && strcmp(proto, "tls")))
        return fail(p, ln->no, "unknown protocol '%s' in '%s' (expected udp, tcp or tls)", proto, kw);
    /* IPv6 may come with brackets; the address is stored without. */
    char *h = host;
    if (nh >= 2 && nh < sizeof host && h[0] == '[' && h[nh - 1] == ']') {
        h[nh - 1] = '\0';
        h++;
    }
    unsigned char bin[16];
    if (nh >= sizeof host || (inet_pton(AF_INET, h, bin) != 1 && inet_pton(AF_INET6, h, bin) != 1))
        return fail(p, ln->no, "'%s' in '%s' is not an IPv4 or IPv6 address", host, kw);
    char *end;
    errno = 0;
    long v = strtol(port, &end, 10);
    if (nt >= sizeof port || *end || port[0] < '0' || port[0] > '9' || errno || v < 1 || v > 65535)
        return fail(p, ln->no, "bad port '%s' in '%s' (expected 1 to 65535)", port, kw);
    memcpy(a->proto, proto, 4);
    size_t hl = strlen(h); /* an address inet_pton took: at most 45 characters */
    if (hl >= sizeof a->host)
        return fail(p, ln->no, "'%s' in '%s' is not an IPv4 or IPv6 address", host, kw);
    memcpy(a->host, h, hl + 1);
    a->port = (int)v;
    a->line = ln->no;
    return 0;
}

/* q value "0.5" -> 500; -1 when malformed. */
static int parse_qvalue(const char *v)
{
    if (!strcmp(v, "1") || !strcmp(v, "1.0") || !strcmp(v, "1.00") || !strcmp(v, "1.000"))
        return 1000;
    if (v[0] != '0' || (v[1] && v[1] != '.'))
        return -1;
    int q = 0, d = 0;
    for (const char *c = v[1] ? v + 2 : v + 1; *c; c++, d++) {
        if (*c < '0' || *c > '9' || d == 3)
            return -1;
        q = q * 10 + (*c - '0');
    }
    for (; d < 3; d++)
        q *= 10;
    return q;
}

/* `location AOR CONTACT [expires=N] [q=Q] [path=VALUE] [received=URI]`
 * (keyword read). */
static int parse_location(Parser *p, const Line *ln, const char *s, const char *e)
{
    enum { W = 1024 };
    char aor[W], contact[W], opt[W];
    size_t na = word(&s, e, aor, W), nc = word(&s, e, contact, W);
    if (!na || !nc)
        return fail(p, ln->no, "'location' needs AOR CONTACT, as in 'location sip:bob@example.com "
                               "sip:bob@192.0.2.20:5060'");
    if (na >= W || nc >= W)
        return fail(p, ln->no, "'location': AOR or CONTACT longer than %d bytes", W - 1);
    SiptestLoc l = {.expires = 3600, .q = -1, .line = ln->no};
    size_t no;
    while ((no = word(&s, e, opt, W)) > 0) {
        char *end;
        if (no >= W)
            return fail(p, ln->no, "'location': option longer than %d bytes", W - 1);
        if (!strncmp(opt, "expires=", 8)) {
            errno = 0;
            l.expires = strtol(opt + 8, &end, 10);
            if (!opt[8] || *end || errno || l.expires < 1 || l.expires > 31536000)
                return fail(p, ln->no, "bad '%s' in 'location' (expected expires=1 to 31536000)", opt);
        } else if (!strncmp(opt, "q=", 2)) {
            if ((l.q = parse_qvalue(opt + 2)) < 0)
                return fail(p, ln->no, "bad '%s' in 'location' (expected q=0 to q=1, at most 3 decimals)", opt);
        } else if (!strncmp(opt, "path=", 5) && opt[5]) {
            free(l.path);
            if (!(l.path = strdup(opt + 5)))
                return fail(p, ln->no, "out of memory");
        } else if (!strncmp(opt, "received=", 9) && opt[9]) {
            free(l.received);
            if (!(l.received = strdup(opt + 9)))
                return fail(p, ln->no, "out of memory");
        } else {
            free(l.path);
            free(l.received);
            return fail(p, ln->no,
                        "unknown option '%s' in 'location' (expected expires=N, q=Q, path=VALUE or received=URI)",
                        opt);
        }
    }
    SiptestLoc *g = realloc(p->c->locs, (p->c->nlocs + 1) * sizeof *g);
    if (!g || !(l.aor = strdup(aor)) || !(l.contact = strdup(contact))) {
        if (g)
            p->c->locs = g;
        free(l.aor);
        free(l.path);
        free(l.received);
        return fail(p, ln->no, "out of memory");
    }
    p->c->locs = g;
    p->c->locs[p->c->nlocs++] = l;
    return 0;
}

/* `subscriber USER@DOMAIN [password=PW]` (keyword read). */
static int parse_subscriber(Parser *p, const Line *ln, const char *s, const char *e)
{
    enum { W = 512 };
    char id[W], opt[W], extra[8];
    size_t ni = word(&s, e, id, W), no = word(&s, e, opt, W);
    const char *at = strchr(id, '@');
    if (!ni || ni >= W || !at || at == id || !at[1] || strchr(at + 1, '@'))
        return fail(p, ln->no, "'subscriber' needs USER@DOMAIN, as in 'subscriber alice@example.com'");
    if (no && (no >= W || strncmp(opt, "password=", 9) != 0))
        return fail(p, ln->no, "unknown option '%s' in 'subscriber' (expected password=PW)", opt);
    if (word(&s, e, extra, sizeof extra))
        return fail(p, ln->no, "'subscriber' takes USER@DOMAIN and at most password=PW");
    const char *pw = no ? opt + 9 : "";
    size_t nid = strlen(id), npw = strlen(pw);
    char **g = realloc(p->c->subs, (p->c->nsubs + 1) * sizeof *g);
    if (!g)
        return fail(p, ln->no, "out of memory");
    p->c->subs = g;
    char *v = malloc(nid + npw + 2);
    if (!v)
        return fail(p, ln->no, "out of memory");
    memcpy(v, id, nid + 1);
    memcpy(v + nid + 1, pw, npw + 1);
    if (!p->c->nsubs)
        p->c->subs_line = ln->no;
    p->c->subs[p->c->nsubs++] = v;
    return 0;
}

/* `trusted SRC [proto=P] [pattern=RE] [tag=T]` (keyword read).  Only the
 * shape is checked here; the address and the pattern when the case runs
 * (rt_test_trusted), as sipd checks the table's rows. */
static int parse_trusted(Parser *p, const Line *ln, const char *s, const char *e)
{
    enum { W = 512 };
    char src[W], opt[W];
    size_t ns = word(&s, e, src, W), no;
    if (!ns || ns >= W)
        return fail(p, ln->no, "'trusted' needs SRC, as in 'trusted 192.0.2.0/24 proto=udp tag=gw1'");
    SiptestTrusted t = {.line = ln->no};
    char **slot;
    while ((no = word(&s, e, opt, W)) > 0) {
        size_t k = no < W ? (size_t)(strchr(opt, '=') ? strchr(opt, '=') - opt : 0) : 0;
        slot = k == 5 && !strncmp(opt, "proto", 5)     ? &t.proto
               : k == 7 && !strncmp(opt, "pattern", 7) ? &t.pattern
               : k == 3 && !strncmp(opt, "tag", 3)     ? &t.tag
                                                       : NULL;
        if (!slot || !opt[k + 1] || *slot) {
            free(t.proto);
            free(t.pattern);
            free(t.tag);
            if (slot && *slot)
                return fail(p, ln->no, "'%.*s' given twice in 'trusted'", (int)k, opt);
            return fail(p, ln->no,
                        "bad option '%s' in 'trusted' (expected proto=any|udp|tcp|tls, pattern=RE or tag=T)",
                        opt);
        }
        if (!(*slot = strdup(opt + k + 1)))
            goto oom;
    }
    if (t.proto && strcmp(t.proto, "any") && strcmp(t.proto, "udp") && strcmp(t.proto, "tcp") &&
        strcmp(t.proto, "tls")) {
        int rc = fail(p, ln->no, "bad 'proto=%s' in 'trusted' (expected any, udp, tcp or tls)", t.proto);
        free(t.proto);
        free(t.pattern);
        free(t.tag);
        return rc;
    }
    if (!t.proto && !(t.proto = strdup("any")))
        goto oom;
    SiptestTrusted *g = realloc(p->c->trusted, (p->c->ntrusted + 1) * sizeof *g);
    if (!g || !(t.src = strdup(src))) {
        if (g)
            p->c->trusted = g;
        goto oom;
    }
    p->c->trusted = g;
    p->c->trusted[p->c->ntrusted++] = t;
    return 0;
oom:
    free(t.proto);
    free(t.pattern);
    free(t.tag);
    return fail(p, ln->no, "out of memory");
}

/* Grow the case array by one zeroed case and make it current. */
static int new_case(Parser *p, const Line *ln, const char *name, const char *name_end)
{
    SiptestFile *f = p->f;
    for (size_t i = 0; i < f->ncases; i++)
        if (strlen(f->cases[i].name) == (size_t)(name_end - name) &&
            memcmp(f->cases[i].name, name, (size_t)(name_end - name)) == 0)
            return fail(p, ln->no, "duplicate case name '%.*s' (the first is at line %d)",
                        (int)(name_end - name), name, f->cases[i].line);
    SiptestCase *g = realloc(f->cases, (f->ncases + 1) * sizeof *g);
    if (!g)
        return fail(p, ln->no, "out of memory");
    f->cases = g;
    p->c = &f->cases[f->ncases++];
    memset(p->c, 0, sizeof *p->c);
    p->c->line = ln->no;
    p->c->eol = "\n";
    if (!(p->c->name = dup_range(name, name_end)))
        return fail(p, ln->no, "out of memory");
    p->st = ST_HEADER;
    return 0;
}

/* Close the open block at offset `end` (the start of the line ending it). */
static int end_block(Parser *p, size_t end)
{
    SiptestCase *c = p->c;
    const char *s = p->f->text + p->blk_off;
    size_t n = end - p->blk_off;
    if (p->st == ST_MSG) {
        const char *what = p->blk_relay ? "reply" : "request";
        int empty = 1;
        for (size_t i = 0; i < n && empty; i++)
            empty = is_blank(s[i]) || s[i] == '\r' || s[i] == '\n';
        if (empty)
            return fail(p, p->blk_line, "empty '--- %s' block", what);
        SiptestMsg m = {.line = p->blk_line, .relay = p->blk_relay};
        if (!(m.text = siptest_assemble(s, n, &m.len)))
            return fail(p, p->blk_line, "out of memory");
        if (!p->blk_relay) {
            c->request = m;
            return 0;
        }
        SiptestMsg *g = realloc(c->replies, (c->nreplies + 1) * sizeof *g);
        if (!g) {
            free(m.text);
            return fail(p, p->blk_line, "out of memory");
        }
        c->replies = g;
        c->replies[c->nreplies++] = m;
        return 0;
    }
    if (p->st == ST_EXPECT) {
        /* The expected lines, comments left out, normalised. */
        char *raw = malloc(n + 2), *o = raw;
        if (!raw)
            return fail(p, p->blk_line, "out of memory");
        for (size_t i = 0; i < n;) {
            const char *l = s + i, *nlp = memchr(l, '\n', n - i);
            size_t len = nlp ? (size_t)(nlp - l) + 1 : n - i;
            i += len;
            if (l[0] == '#')
                continue;
            memcpy(o, l, len);
            o += len;
        }
        *o = '\0';
        c->expect = siptest_normalize(raw);
        free(raw);
        if (!c->expect)
            return fail(p, p->blk_line, "out of memory");
        if (!p->seen_content)
            c->edit_end = c->edit_off;
    }
    return 0;
}

/* The case is complete: check it has what it must. */
static int end_case(Parser *p, size_t end)
{
    if (!p->c)
        return 0;
    if (p->st == ST_MSG || p->st == ST_EXPECT)
        if (end_block(p, end) < 0)
            return -1;
    SiptestCase *c = p->c;
    if (!c->request.text)
        return fail(p, c->line, "case '%s' has no '--- request' block", c->name);
    if (!c->expect)
        return fail(p, c->line, "case '%s' has no '--- expect' block", c->name);
    /* `local` defaults to the transport of `from`. */
    if (!c->local.line)
        memcpy(c->local.proto, c->from.proto, sizeof c->local.proto);
    else if (strcmp(c->local.proto, c->from.proto) != 0)
        return fail(p, c->local.line, "'local' is %s but 'from' is %s: a message arrives over one transport",
                    c->local.proto, c->from.proto);
    p->c = NULL;
    p->st = ST_TOP;
    return 0;
}

/* A line starting with `===`. */
static int do_case_line(Parser *p, const Line *ln)
{
    if (end_case(p, ln->off) < 0)
        return -1;
    const char *s = ln->s + 3, *e = ln->e;
    while (e > s && is_blank(e[-1]))
        e--;
    char kw[16];
    const char *q = s;
    size_t n = word(&q, e, kw, sizeof kw);
    if (!is_blank(*s) || n != 4 || strcmp(kw, "case") != 0)
        return fail(p, ln->no, "unknown directive '%.*s' (a case starts with '=== case NAME')",
                    (int)(ln->e - ln->s), ln->s);
    while (q < e && is_blank(*q))
        q++;
    if (q == e)
        return fail(p, ln->no, "'=== case' needs a name");
    if (new_case(p, ln, q, e) < 0)
        return -1;
    /* Defaults, SPEC.md section 10. */
    SiptestCase *c = p->c;
    c->from = (SiptestAddr){"udp", "192.0.2.10", 5060, 0};
    c->local = (SiptestAddr){"udp", "127.0.0.1", 5060, 0};
    return 0;
}

/* A line starting with `---`. */
static int do_block_line(Parser *p, const Line *ln)
{
    if (!p->c)
        return fail(p, ln->no, "'%.*s' outside a case (a case starts with '=== case NAME')",
                    (int)(ln->e - ln->s), ln->s);
    SiptestCase *c = p->c;
    const char *s = ln->s + 3, *e = ln->e;
    int sep = s < e && is_blank(*s);
    trim_comment(&s, &e);
    char kw[16], num[32], extra[32];
    size_t n = word(&s, e, kw, sizeof kw);
    const char *rest = s;
    if (n == 0)
        return fail(p, ln->no, "'---' needs a block name: request, reply N or expect");
    if (!sep || n >= sizeof kw ||
        (strcmp(kw, "request") != 0 && strcmp(kw, "reply") != 0 && strcmp(kw, "expect") != 0))
        return fail(p, ln->no, "unknown block '%.*s' (expected request, reply N or expect)", (int)(e - ln->s),
                    ln->s);
    int relay = 0;
    if (strcmp(kw, "reply") == 0) {
        size_t k = word(&s, e, num, sizeof num);
        if (k == 0)
            return fail(p, ln->no, "'--- reply' needs a relay number, as in '--- reply 1'");
        int ok = k < 7;
        for (size_t i = 0; i < k && ok; i++)
            ok = num[i] >= '0' && num[i] <= '9';
        relay = ok ? atoi(num) : 0;
        if (relay < 1)
            return fail(p, ln->no, "relay number '%s' is not a positive integer (at most 999999)", num);
        rest = s;
    }
    if (word(&s, e, extra, sizeof extra))
        return fail(p, ln->no, "unexpected '%s' after '--- %.*s'", extra, (int)(rest - (ln->s + 4)),
                    ln->s + 4);

    /* Order: one request first, replies, one expect last. */
    char what[48];
    if (relay)
        snprintf(what, sizeof what, "--- reply %d", relay);
    else
        snprintf(what, sizeof what, "--- %s", kw);
    if (p->st == ST_EXPECT) {
        if (strcmp(kw, "expect") == 0)
            return fail(p, ln->no, "second '--- expect' in case '%s' (the first is at line %d)", c->name,
                        c->expect_line);
        return fail(p, ln->no, "'%s' after '--- expect': the expect block comes last", what);
    }
    if (strcmp(kw, "request") == 0 && c->request.line)
        return fail(p, ln->no, "second '--- request' in case '%s' (the first is at line %d)", c->name,
                    c->request.line);
    if (strcmp(kw, "request") != 0 && p->st == ST_HEADER)
        return fail(p, ln->no, "'%s' before '--- request': the request comes first", what);

    if (p->st == ST_MSG && end_block(p, ln->off) < 0)
        return -1;
    if (strcmp(kw, "request") == 0)
        c->request.line = ln->no; /* reserved now, filled by end_block */
    p->st = strcmp(kw, "expect") == 0 ? ST_EXPECT : ST_MSG;
    p->blk_line = ln->no;
    p->blk_relay = relay;
    p->blk_off = ln->next;
    if (p->st == ST_EXPECT) {
        c->expect_line = ln->no;
        c->eol = ln->crlf ? "\r\n" : "\n";
        c->edit_off = c->edit_end = ln->next;
        p->seen_content = 0;
    }
    return 0;
}

/* A line of the case header: `from`, `local`, a comment or nothing. */
static int do_header_line(Parser *p, const Line *ln)
{
    const char *s = ln->s, *e = ln->e;
    trim_comment(&s, &e);
    if (s == e)
        return 0;
    const char *t = s;
    char kw[16];
    size_t n = word(&s, e, kw, sizeof kw);
    if (p->st == ST_HEADER && n < sizeof kw && strcmp(kw, "from") == 0)
        return parse_addr(p, ln, "from", s, e, &p->c->from);
    if (p->st == ST_HEADER && n < sizeof kw && strcmp(kw, "local") == 0)
        return parse_addr(p, ln, "local", s, e, &p->c->local);
    if (p->st == ST_HEADER && n < sizeof kw && strcmp(kw, "location") == 0)
        return parse_location(p, ln, s, e);
    if (p->st == ST_HEADER && n < sizeof kw && strcmp(kw, "subscriber") == 0)
        return parse_subscriber(p, ln, s, e);
    if (p->st == ST_HEADER && n < sizeof kw && strcmp(kw, "trusted") == 0)
        return parse_trusted(p, ln, s, e);
    if (p->st == ST_TOP)
        return fail(p, ln->no, "expected '=== case NAME', found '%.*s'", (int)(e - t), t);
    return fail(
        p, ln->no,
        "unknown directive '%.*s' (expected from, local, location, subscriber, trusted or a '---' block)",
        (int)n, s - n);
}

/* A line inside the expect block: track where --update's edit ends. */
static void do_expect_line(Parser *p, const Line *ln)
{
    SiptestCase *c = p->c;
    if (ln->s < ln->e && ln->s[0] == '#') {
        if (!p->seen_content && c->edit_off == ln->off)
            c->edit_off = c->edit_end = ln->next; /* leading comments stay */
        return;
    }
    const char *s = ln->s, *e = ln->e;
    while (e > s && (is_blank(e[-1]) || e[-1] == '\r'))
        e--;
    if (s < e) {
        p->seen_content = 1;
        c->edit_end = ln->next;
    }
}

SiptestFile *siptest_parse(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
    SiptestFile *f = calloc(1, sizeof *f);
    Parser p = {.f = f, .st = ST_TOP, .err = err, .errlen = errlen};
    if (!f || !(f->path = strdup(path)) || !(f->text = malloc(len + 1))) {
        if (err && errlen)
            snprintf(err, errlen, "%s: error: out of memory", path);
        siptest_free(f);
        return NULL;
    }
    memcpy(f->text, text, len);
    f->text[len] = '\0';
    f->len = len;

    Line ln = {0};
    for (size_t off = 0; off < len; off = ln.next) {
        const char *s = f->text + off, *nlp = memchr(s, '\n', len - off);
        ln.s = s;
        ln.e = nlp ? nlp : f->text + len;
        ln.off = off;
        ln.next = nlp ? (size_t)(nlp - f->text) + 1 : len;
        if (nlp) /* the last line, without a line end, keeps the one before's */
            ln.crlf = ln.e > ln.s && ln.e[-1] == '\r';
        if (nlp && ln.crlf)
            ln.e--;
        ln.no++;
        if (memchr(ln.s, '\0', (size_t)(ln.e - ln.s))) {
            fail(&p, ln.no, "NUL byte in the file");
            goto fail;
        }
        int rc = 0;
        if (starts_with(ln.s, ln.e, "==="))
            rc = do_case_line(&p, &ln);
        else if (starts_with(ln.s, ln.e, "---"))
            rc = do_block_line(&p, &ln);
        else if (p.st == ST_EXPECT)
            do_expect_line(&p, &ln);
        else if (p.st == ST_TOP || p.st == ST_HEADER)
            rc = do_header_line(&p, &ln);
        if (rc < 0)
            goto fail;
    }
    if (end_case(&p, len) < 0)
        goto fail;
    if (f->ncases == 0) {
        fail(&p, 1, "no cases (a case starts with '=== case NAME')");
        goto fail;
    }
    return f;

fail:
    siptest_free(f);
    return NULL;
}

SiptestFile *siptest_load(const char *path, char *err, size_t errlen)
{
    FILE *in = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    if (!in)
        goto fail;
    for (;;) {
        if (n == cap) {
            char *g = realloc(buf, cap = cap ? 2 * cap : 8192);
            if (!g) {
                errno = ENOMEM;
                goto fail;
            }
            buf = g;
        }
        size_t got = fread(buf + n, 1, cap - n, in);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(in))
        goto fail;
    fclose(in);
    SiptestFile *f = siptest_parse(path, buf ? buf : "", n, err, errlen);
    free(buf);
    return f;

fail:
    if (err && errlen)
        snprintf(err, errlen, "%s: error: %s", path, strerror(errno ? errno : EIO));
    if (in)
        fclose(in);
    free(buf);
    return NULL;
}

void siptest_free(SiptestFile *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->ncases; i++) {
        SiptestCase *c = &f->cases[i];
        free(c->name);
        for (size_t k = 0; k < c->nlocs; k++) {
            free(c->locs[k].aor);
            free(c->locs[k].contact);
            free(c->locs[k].path);
            free(c->locs[k].received);
        }
        free(c->locs);
        for (size_t k = 0; k < c->nsubs; k++)
            free(c->subs[k]);
        free(c->subs);
        for (size_t k = 0; k < c->ntrusted; k++) {
            free(c->trusted[k].src);
            free(c->trusted[k].proto);
            free(c->trusted[k].pattern);
            free(c->trusted[k].tag);
        }
        free(c->trusted);
        free(c->request.text);
        for (size_t k = 0; k < c->nreplies; k++)
            free(c->replies[k].text);
        free(c->replies);
        free(c->expect);
    }
    free(f->cases);
    free(f->text);
    free(f->path);
    free(f);
}
