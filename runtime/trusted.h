/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trusted.h - the trusted peers (table `trusted`, schema version 3 in
 * db_schema.c), for allow_trusted() and `sipctl trusted`.  trusted.c.
 *
 * A row trusts requests by their source: an address or CIDR block (IPv4
 * or IPv6), a transport (`any`, `udp`, `tcp`, `tls`), and optionally a
 * POSIX extended regular expression the From URI must match (unanchored:
 * write ^...$ to match the whole URI).  A tag names the peer in log lines
 * and transcripts.  sipd keeps the rows in memory and reads the table
 * again every trusted.reload_interval seconds (rt_defence.c).
 *
 * When several rows match, the most specific one is reported: the longest
 * prefix, then one naming the transport, then one with a pattern, then
 * the first in the table.  Matching is a scan of the rows (prefixes
 * compared before any pattern runs): meant for tens to a few thousands of
 * gateways and peers, not for per-subscriber lists.
 *
 * Not thread-safe: one Trusted per event loop.
 */
#ifndef SIPC_TRUSTED_H
#define SIPC_TRUSTED_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

typedef struct Trusted Trusted;

#define TRUSTED_RELOAD_DEFAULT 10 /* seconds, when trusted.reload_interval is absent */

/* Column sizes of the table; longer values are refused. */
enum { TRUSTED_SRC_MAX = 64, TRUSTED_PROTO_MAX = 8, TRUSTED_PATTERN_MAX = 255, TRUSTED_TAG_MAX = 64 };

/* One row, as matched.  Strings are owned by the Trusted and stay valid
 * until its next successful load or trusted_free(). */
typedef struct TrustedRow {
    const char *src;     /* canonical: "192.0.2.0/24", "2001:db8::/32", "192.0.2.7" */
    const char *proto;   /* "any", "udp", "tcp" or "tls" */
    const char *pattern; /* or NULL */
    const char *tag;     /* or NULL */
    uint8_t fam;         /* 4 or 6 */
    uint8_t bits;        /* prefix length: 0..32 or 0..128 */
    uint8_t net[16];     /* the address, host bits zero */
    regex_t *re;         /* the compiled pattern, or NULL */
} TrustedRow;

Trusted *trusted_new(void);
void trusted_free(Trusted *t);

/*
 * Check a row as `sipctl trusted add` and the loader do: SRC an IPv4 or
 * IPv6 address, or one with /BITS and no host bits set; PROTO any, udp,
 * tcp or tls (NULL: any; case-insensitive); PATTERN NULL or a POSIX
 * extended regular expression that compiles at a sane cost; TAG NULL or
 * text.  The canonical form of SRC goes to `canon` (when not NULL, at
 * least TRUSTED_SRC_MAX bytes).  0, or -1 with the reason in err.
 */
int trusted_check_row(const char *src, const char *proto, const char *pattern, const char *tag, char *canon,
                      char *err, size_t errlen);

/* Add one row (checked as above) to the rows in memory: 0, or -1 with err.
 * For `sipc test`'s `trusted` lines and the unit tests. */
int trusted_add(Trusted *t, const char *src, const char *proto, const char *pattern, const char *tag,
                char *err, size_t errlen);

/*
 * Read the table and replace the rows in memory with it.  A row that does
 * not pass trusted_check_row() is left out and logged (once per change of
 * the table).  On a database error the rows in memory stay as they were.
 * *changed (if not NULL) is set when the table differed from the last
 * load.  The number of rows in memory, or -1 with err.
 */
long trusted_load(Trusted *t, Db *db, int *changed, char *err, size_t errlen);

size_t trusted_count(const Trusted *t);

/*
 * The row that trusts a request from `src_ip` (IPv4 or IPv6 text; an
 * IPv4-mapped IPv6 address counts as IPv4) over `proto` ("udp", "tcp",
 * "tls") with From URI `from_uri` (NULL when there is none: rows with a
 * pattern then do not match); NULL when none does.
 */
const TrustedRow *trusted_match(const Trusted *t, const char *src_ip, const char *proto,
                                const char *from_uri);

#endif
