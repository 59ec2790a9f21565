/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pike.h - per-source request rates, for pike_check_req() (anti-flood).
 * pike.c.
 *
 * Every request from a source address is counted over a sliding window of
 * `window` seconds.  A source that sends more than `max_requests` in a
 * window is blocked for `block` seconds: its requests are refused.  Refused
 * requests are counted too, so a source that keeps flooding stays blocked:
 * when its block time is over, it is let through again only once its rate
 * over the window has fallen back to the limit (checked on its next
 * request, and by the sweep); otherwise the block starts over.  Other
 * sources are never affected by one source's count.
 *
 * The window slides over two adjacent fixed buckets: the count of the
 * bucket before this one is weighted by the share of it still inside the
 * window (the usual sliding-window estimate; exact when a source's requests
 * are evenly spread, never off by more than the previous bucket's count).
 *
 * Sources: IPv4 addresses one by one (IPv4-mapped IPv6 counts as IPv4);
 * IPv6 ones by /64, the block one host or one customer gets, so a host
 * cannot dodge its count by rotating through its own addresses.
 *
 * Memory is bounded: at most `max_sources` sources are tracked.  Idle ones
 * (nothing counted in the last two windows, not blocked) are dropped by
 * pike_sweep().  When the table is full, the source seen least recently
 * that is not blocked makes room; if the few least recently seen are all
 * blocked, the new source's request is let through untracked (counted in
 * the statistics), so that a flood from spoofed sources can neither grow
 * memory nor lift the blocks already in place, nor lock out every source
 * it has not seen yet.
 *
 * Time is given by the caller (milliseconds on any monotonic scale), so
 * tests are deterministic; there is no clock here.  Not thread-safe: one
 * Pike per event loop.
 */
#ifndef SIPC_PIKE_H
#define SIPC_PIKE_H

#include <stddef.h>
#include <stdint.h>

typedef struct Pike Pike;

/* Defaults when a setting is absent (SPEC.md section 2.4). */
#define PIKE_WINDOW_DEFAULT 2        /* seconds */
#define PIKE_MAX_REQUESTS_DEFAULT 30 /* per source per window */
#define PIKE_BLOCK_DEFAULT 30        /* seconds */
#define PIKE_MAX_SOURCES_DEFAULT 65536

/* What a pike_check() changed, for the caller's log line. */
typedef enum PikeEvent {
    PIKE_EV_NONE,
    PIKE_EV_BLOCKED,  /* this request started a block */
    PIKE_EV_UNBLOCKED /* the source's block ended; this request is allowed */
} PikeEvent;

typedef struct PikeStats {
    size_t sources;     /* tracked now */
    size_t blocked;     /* blocked now */
    uint64_t refused;   /* requests refused since creation */
    uint64_t blocks;    /* blocks started since creation (a renewal is not a new one) */
    uint64_t untracked; /* requests let through untracked: the table was full of blocked sources */
    uint64_t evicted;   /* sources dropped before they were idle, to make room */
} PikeStats;

/* window_s, max_requests, block_s >= 1; max_sources 0 takes the default.
 * NULL when out of memory (or an argument is out of range). */
Pike *pike_create(int window_s, int max_requests, int block_s, size_t max_sources);
void pike_destroy(Pike *pk);

/*
 * Count one request from `ip` (IPv4 or IPv6 text, no brackets) at `now_ms`.
 * @retval 1 allowed
 * @retval 0 refused: the source is blocked
 * *ev (if not NULL) says whether a block started or ended.  Text that is
 * no address is counted under one shared key.
 */
int pike_check(Pike *pk, const char *ip, int64_t now_ms, PikeEvent *ev);

/* Called by pike_sweep() for each source whose block it lifted; `src` is
 * the address (or "2001:db8:1:2::/64"). */
typedef void pike_unblock_fn(void *arg, const char *src);

/* Lift the blocks that are over (the source's rate is back under the
 * limit) and drop idle sources.  Call it about once a second. */
void pike_sweep(Pike *pk, int64_t now_ms, pike_unblock_fn *fn, void *arg);

void pike_stats(const Pike *pk, PikeStats *st);
/* The limits it was created with, for log lines. */
void pike_limits(const Pike *pk, int *window_s, int *max_requests, int *block_s);

/* The text form of the source `ip` is counted under (an IPv6 address as
 * its /64), for log lines: into buf, which is returned. */
const char *pike_source_name(const char *ip, char *buf, size_t n);

#endif
