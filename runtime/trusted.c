/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trusted.c - the trusted peers in memory, loaded from the `trusted` table
 * (see trusted.h).
 *
 * Rows are kept sorted most specific first, so the first row that matches
 * is the one reported.  A load reads the whole table and builds a new row
 * array beside the old one; only when that worked is the old one freed,
 * so a database that fails halfway leaves the peers trusted as they were.
 * A fingerprint of the table's text tells whether anything changed: an
 * unchanged table (the usual case, every reload_interval) costs the read
 * and nothing else, and its bad rows are not logged again.
 *
 * Ownership: the Trusted owns its rows; each row's strings are one malloc'd
 * block, its regex compiled once per load.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rt.h"
#include "sipsyntax.h" /* sipsyntax_regex_cost: refuses patterns that blow up regcomp */
#include "trusted.h"

typedef struct Row {
    TrustedRow r;
    size_t seq; /* order of arrival: the last tie-break */
    char *mem;  /* the row's strings */
} Row;

struct Trusted {
    Row *rows;
    size_t n;
    size_t seq;
    uint64_t fp; /* fingerprint of the table at the last load */
    int loaded;
};

/* --- addresses ------------------------------------------------------------- */

static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* An address as family and bytes; an IPv4-mapped IPv6 one as IPv4.
 * 0, or -1 when `s` is no address. */
static int parse_addr(const char *s, uint8_t *fam, uint8_t a[16])
{
    unsigned char b[16];
    memset(a, 0, 16);
    if (inet_pton(AF_INET, s, b) == 1) {
        *fam = 4;
        memcpy(a, b, 4);
        return 0;
    }
    if (inet_pton(AF_INET6, s, b) != 1)
        return -1;
    if (!memcmp(b, v4mapped, sizeof v4mapped)) {
        *fam = 4;
        memcpy(a, b + 12, 4);
    } else {
        *fam = 6;
        memcpy(a, b, 16);
    }
    return 0;
}

/* Do the first `bits` bits of a and b agree? */
static int prefix_eq(const uint8_t *a, const uint8_t *b, int bits)
{
    int whole = bits / 8, rest = bits % 8;
    if (memcmp(a, b, (size_t)whole))
        return 0;
    if (!rest)
        return 1;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

/* Is any bit after the first `bits` (of `len` bytes) set? */
static int host_bits(const uint8_t *a, int bits, int len)
{
    for (int i = bits; i < len * 8; i++)
        if (a[i / 8] & (0x80 >> (i % 8)))
            return 1;
    return 0;
}

/* SRC as family, network and prefix length, its canonical text in canon. */
static int parse_src(const char *src, uint8_t *fam, uint8_t net[16], int *bits, char *canon, char *err,
                     size_t errlen)
{
    char host[TRUSTED_SRC_MAX];
    const char *slash = strchr(src, '/');
    size_t hl = slash ? (size_t)(slash - src) : strlen(src);
    if (!*src || hl >= sizeof host || strlen(src) >= TRUSTED_SRC_MAX) {
        snprintf(err, errlen, "source \"%s\" is not an address or CIDR block (192.0.2.0/24, 2001:db8::/32)",
                 src);
        return -1;
    }
    memcpy(host, src, hl);
    host[hl] = '\0';
    int mapped = 0;
    unsigned char b6[16];
    if (inet_pton(AF_INET6, host, b6) == 1 && !memcmp(b6, v4mapped, sizeof v4mapped))
        mapped = 1; /* ::ffff:192.0.2.0/120 is 192.0.2.0/24 */
    if (parse_addr(host, fam, net) < 0) {
        snprintf(err, errlen, "source \"%s\" is not an address or CIDR block (192.0.2.0/24, 2001:db8::/32)",
                 src);
        return -1;
    }
    int len = *fam == 4 ? 4 : 16, max = len * 8;
    *bits = max;
    if (slash) {
        const char *d = slash + 1;
        int v = 0, nd = 0, lim = mapped ? 128 : max;
        for (; *d >= '0' && *d <= '9' && nd < 4; d++, nd++)
            v = v * 10 + (*d - '0');
        if (!nd || *d || v > lim || (mapped && v < 96)) {
            snprintf(err, errlen, "bad prefix length in \"%s\" (0 to %d for IPv%d%s)", src, lim,
                     mapped ? 6 : *fam, mapped ? ", at least 96 for an IPv4-mapped one" : "");
            return -1;
        }
        *bits = mapped ? v - 96 : v;
    }
    char text[INET6_ADDRSTRLEN], suffix[8] = "";
    inet_ntop(*fam == 4 ? AF_INET : AF_INET6, net, text, sizeof text);
    if (*bits != max)
        snprintf(suffix, sizeof suffix, "/%d", *bits);
    if (host_bits(net, *bits, len)) {
        uint8_t masked[16];
        memcpy(masked, net, 16);
        for (int i = *bits; i < len * 8; i++)
            masked[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
        char mtext[INET6_ADDRSTRLEN];
        inet_ntop(*fam == 4 ? AF_INET : AF_INET6, masked, mtext, sizeof mtext);
        snprintf(err, errlen, "\"%s\" has host bits set: the block is %s%s, the single address %s", src,
                 mtext, suffix, text);
        return -1;
    }
    if (canon)
        snprintf(canon, TRUSTED_SRC_MAX, "%s%s", text, suffix);
    return 0;
}

/* --- rows --------------------------------------------------------------------- */

static const char *proto_name(const char *p)
{
    static const char *const names[] = {"any", "udp", "tcp", "tls"};
    if (!p || !*p)
        return "any";
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(p, names[i]))
            return names[i];
    return NULL;
}

/* Compile PATTERN into re (when not NULL): 0, or -1 with err. */
static int compile_pattern(const char *pattern, regex_t *re, char *err, size_t errlen)
{
    const char *why = NULL;
    size_t n = strlen(pattern);
    if (n > TRUSTED_PATTERN_MAX) {
        snprintf(err, errlen, "pattern longer than %d bytes", TRUSTED_PATTERN_MAX);
        return -1;
    }
    if (sipsyntax_regex_cost(pattern, (int)n, &why, NULL) < 0) {
        snprintf(err, errlen, "pattern \"%s\": %s", pattern, why);
        return -1;
    }
    regex_t tmp, *r = re ? re : &tmp;
    int rc = regcomp(r, pattern, REG_EXTENDED | REG_NOSUB);
    if (rc) {
        char msg[128];
        regerror(rc, r, msg, sizeof msg);
        snprintf(err, errlen, "pattern \"%s\": %s", pattern, msg);
        return -1;
    }
    if (!re)
        regfree(r);
    return 0;
}

static int check_tag(const char *tag, char *err, size_t errlen)
{
    if (strlen(tag) > TRUSTED_TAG_MAX) {
        snprintf(err, errlen, "tag longer than %d bytes", TRUSTED_TAG_MAX);
        return -1;
    }
    for (const unsigned char *c = (const unsigned char *)tag; *c; c++)
        if (*c < 0x20 || *c == 0x7f) {
            snprintf(err, errlen, "tag with a control character");
            return -1;
        }
    return 0;
}

int trusted_check_row(const char *src, const char *proto, const char *pattern, const char *tag, char *canon,
                      char *err, size_t errlen)
{
    uint8_t fam, net[16];
    int bits;
    if (!src) {
        snprintf(err, errlen, "no source address");
        return -1;
    }
    if (parse_src(src, &fam, net, &bits, canon, err, errlen) < 0)
        return -1;
    if (!proto_name(proto)) {
        snprintf(err, errlen, "transport \"%s\" is not any, udp, tcp or tls", proto);
        return -1;
    }
    if (pattern && compile_pattern(pattern, NULL, err, errlen) < 0)
        return -1;
    if (tag && check_tag(tag, err, errlen) < 0)
        return -1;
    return 0;
}

static void row_free(Row *r)
{
    if (r->r.re) {
        regfree(r->r.re);
        free(r->r.re);
    }
    free(r->mem);
}

static void rows_free(Row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        row_free(&rows[i]);
    free(rows);
}

/* Fill *r from the row's text: 0, or -1 with err. */
static int row_make(Row *r, const char *src, const char *proto, const char *pattern, const char *tag,
                    size_t seq, char *err, size_t errlen)
{
    char canon[TRUSTED_SRC_MAX];
    uint8_t fam;
    int bits;
    memset(r, 0, sizeof *r);
    if (trusted_check_row(src, proto, pattern, tag, canon, err, errlen) < 0)
        return -1;
    parse_src(src, &fam, r->r.net, &bits, NULL, err, errlen); /* checked above */
    r->r.fam = fam;
    r->r.bits = (uint8_t)bits;
    r->r.proto = proto_name(proto); /* a static string */
    size_t ns = strlen(canon) + 1, np = pattern ? strlen(pattern) + 1 : 0, nt = tag ? strlen(tag) + 1 : 0;
    char *m = r->mem = malloc(ns + np + nt);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    r->r.src = memcpy(m, canon, ns);
    r->r.pattern = pattern ? memcpy(m + ns, pattern, np) : NULL;
    r->r.tag = tag ? memcpy(m + ns + np, tag, nt) : NULL;
    if (pattern) { /* its own allocation: rows move (qsort, realloc), a regex_t need not */
        regex_t *re = malloc(sizeof *re);
        if (!re || compile_pattern(pattern, re, err, errlen) < 0) {
            if (!re)
                snprintf(err, errlen, "out of memory");
            free(re);
            free(r->mem);
            return -1;
        }
        r->r.re = re;
    }
    r->seq = seq;
    return 0;
}

/* Most specific first (trusted.h). */
static int row_cmp(const void *pa, const void *pb)
{
    const Row *a = pa, *b = pb;
    if (a->r.fam != b->r.fam)
        return a->r.fam < b->r.fam ? -1 : 1; /* families never compete; any order */
    if (a->r.bits != b->r.bits)
        return a->r.bits > b->r.bits ? -1 : 1;
    int ap = strcmp(a->r.proto, "any") != 0, bp = strcmp(b->r.proto, "any") != 0;
    if (ap != bp)
        return ap ? -1 : 1;
    if (!a->r.re != !b->r.re)
        return a->r.re ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

Trusted *trusted_new(void)
{
    return calloc(1, sizeof(Trusted));
}

void trusted_free(Trusted *t)
{
    if (!t)
        return;
    rows_free(t->rows, t->n);
    free(t);
}

size_t trusted_count(const Trusted *t)
{
    return t ? t->n : 0;
}

int trusted_add(Trusted *t, const char *src, const char *proto, const char *pattern, const char *tag,
                char *err, size_t errlen)
{
    Row r;
    if (row_make(&r, src, proto, pattern, tag, t->seq++, err, errlen) < 0)
        return -1;
    Row *g = realloc(t->rows, (t->n + 1) * sizeof *g);
    if (!g) {
        row_free(&r);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    t->rows = g;
    t->rows[t->n++] = r;
    qsort(t->rows, t->n, sizeof *t->rows, row_cmp);
    return 0;
}

/* --- loading ------------------------------------------------------------------ */

/* One row as read, before it is checked. */
typedef struct RawRow {
    long long id;
    char *src, *proto, *pattern, *tag;
} RawRow;

static void raw_free(RawRow *raw, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(raw[i].src);
        free(raw[i].proto);
        free(raw[i].pattern);
        free(raw[i].tag);
    }
    free(raw);
}

/* FNV-1a over a field, with a marker telling NULL from "". */
static uint64_t fp_add(uint64_t h, const char *s)
{
    h = (h ^ (s ? 1u : 2u)) * 0x100000001b3ULL;
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return (h ^ 0xffu) * 0x100000001b3ULL;
}

static char *dup_or_null(const char *s, int *oom)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        *oom = 1;
    return d;
}

/* Every row of the table into *out (malloc'd): the count, or -1 with err. */
static long read_table(Db *db, RawRow **out, uint64_t *fp, char *err, size_t errlen)
{
    DbStmt *st = db_prepare(db, "SELECT id, src, proto, from_pattern, tag FROM trusted ORDER BY id");
    RawRow *raw = NULL;
    size_t n = 0, cap = 0;
    uint64_t h = 0xcbf29ce484222325ULL;
    int rc, oom = 0;
    if (!st) {
        snprintf(err, errlen, "reading the trusted table: %s", db_error(db));
        return -1;
    }
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            RawRow *g = realloc(raw, (cap = cap ? 2 * cap : 16) * sizeof *g);
            if (!g) {
                oom = 1;
                break;
            }
            raw = g;
        }
        RawRow *r = &raw[n++];
        r->id = db_col_int(st, 0);
        r->src = dup_or_null(db_col_text(st, 1), &oom);
        r->proto = dup_or_null(db_col_text(st, 2), &oom);
        r->pattern = dup_or_null(db_col_text(st, 3), &oom);
        r->tag = dup_or_null(db_col_text(st, 4), &oom);
        h = fp_add(fp_add(fp_add(fp_add(h, r->src), r->proto), r->pattern), r->tag);
        if (oom)
            break;
    }
    db_finalize(st);
    if (oom || rc == DB_ERR) {
        snprintf(err, errlen, "reading the trusted table: %s", oom ? "out of memory" : db_error(db));
        raw_free(raw, n);
        return -1;
    }
    *out = raw;
    *fp = h;
    return (long)n;
}

long trusted_load(Trusted *t, Db *db, int *changed, char *err, size_t errlen)
{
    RawRow *raw = NULL;
    uint64_t fp;
    long n = read_table(db, &raw, &fp, err, errlen);
    if (changed)
        *changed = 0;
    if (n < 0)
        return -1;
    if (t->loaded && fp == t->fp) {
        raw_free(raw, (size_t)n);
        return (long)t->n;
    }
    Row *rows = n ? calloc((size_t)n, sizeof *rows) : NULL;
    size_t k = 0;
    if (n && !rows) {
        raw_free(raw, (size_t)n);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (long i = 0; i < n; i++) {
        char why[256];
        const RawRow *r = &raw[i];
        if (row_make(&rows[k], r->src ? r->src : "", r->proto, r->pattern, r->tag, (size_t)i, why,
                     sizeof why) == 0)
            k++;
        else if (!strcmp(why, "out of memory"))
            goto oom;
        else
            rt_log(RT_LOG_WARN, "trusted: row %lld (%s) left out: %s", r->id, r->src ? r->src : "NULL", why);
    }
    if (k > 1) /* rows is NULL for an empty table */
        qsort(rows, k, sizeof *rows, row_cmp);
    raw_free(raw, (size_t)n);
    rows_free(t->rows, t->n);
    t->rows = rows;
    t->n = k;
    t->seq = (size_t)n;
    t->fp = fp;
    t->loaded = 1;
    if (changed)
        *changed = 1;
    return (long)k;
oom:
    rows_free(rows, k);
    raw_free(raw, (size_t)n);
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* --- matching ------------------------------------------------------------------ */

const TrustedRow *trusted_match(const Trusted *t, const char *src_ip, const char *proto, const char *from_uri)
{
    uint8_t fam, a[16];
    if (!t || !src_ip || parse_addr(src_ip, &fam, a) < 0)
        return NULL;
    for (size_t i = 0; i < t->n; i++) {
        const TrustedRow *r = &t->rows[i].r;
        if (r->fam != fam || !prefix_eq(a, r->net, r->bits))
            continue;
        if (strcmp(r->proto, "any") && (!proto || strcasecmp(r->proto, proto)))
            continue;
        if (r->re && (!from_uri || regexec(r->re, from_uri, 0, NULL, 0) != 0))
            continue;
        return r;
    }
    return NULL;
}
