#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_dns_unreachable.sh - a nameserver sipd cannot reach (issue #11,
# point 8).  The policy's dns.resolv_conf names only `fe80::1`: a
# link-local address without a scope, whose connect() fails at once with
# EINVAL on any Linux machine (no packet leaves it).  sofia's resolver
# used to spin inside sres_query() on such a server (runtime/
# rt_dns_conf.c says why): 100% CPU, a sofia log line per try, no
# replies, SIGTERM ignored.  Now:
#
#  1. t_relay() of an OPTIONS to sip:x@unreach.test: the lookup fails at
#     once, the branch ends with 503 here and the caller gets 500 (RFC
#     3261 section 16.7 step 6: a 503 is not passed upstream).
#  2. forward() of an OPTIONS to sip:fwd@unreach.test: forward() returns
#     before the lookup (nta resolves and sends later, statelessly), so
#     the request is lost when the lookup fails: no answer, as a stateless
#     proxy that cannot send gives none; sipd carries on.
#  3. sipd still answers an OPTIONS of its own, has used little CPU (< 2 s
#     of user+system time for the whole test, from /proc/PID/stat), logged
#     a bounded number of lines, and exits 0 on SIGTERM.
#
#   sh tests/e2e/test_dns_unreachable.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

SEND=$B/udp_send
[ -x "$SEND" ] || fail "$SEND is not built (make $SEND)"

printf 'nameserver fe80::1\n' >"$TMP/resolv.conf"
cat >"$TMP/dns.sipc" <<POLICY
dns.resolv_conf = "$TMP/resolv.conf";
route {
    if (\$rU == "local") {
        sl_send_reply(200, "Local");
        exit;
    }
    if (\$rU == "fwd") {
        if (!forward()) {
            sl_send_reply(502, "Forward Failed");
        }
        exit;
    }
    if (!t_relay()) {
        sl_send_reply(500, "Relay Failed");
    }
}
POLICY

# options NAME RURI VIA-PORT: an OPTIONS to RURI whose Via names VIA-PORT.
options() {
    sip_options "$TMP/$1.req" "$2" UDP "$3" "z9hG4bK-$1" "$1@dns-unreachable"
}


sipd_start dns "$TMP/dns.sipc"

PORT=$(free_udp_port)
options relay sip:x@unreach.test "$PORT"
got=$(bounded 20 "$SEND" -s "$PORT" -w 5000 127.0.0.1 "$SIPD_PORT" "$TMP/relay.req")
case $got in
"SIP/2.0 500 "* | "SIP/2.0 503 "*) note "t_relay() to a name with no usable nameserver: $got" ;;
*)
    show_log "$SIPD_LOG"
    fail "t_relay() to unreach.test: expected 500 (or 503), got \"$got\""
    ;;
esac

PORT=$(free_udp_port)
options fwd sip:fwd@unreach.test "$PORT"
got=$(bounded 20 "$SEND" -s "$PORT" -w 5000 127.0.0.1 "$SIPD_PORT" "$TMP/fwd.req")
[ "$got" = "-" ] || {
    show_log "$SIPD_LOG"
    fail "forward() to unreach.test: expected no answer, got \"$got\""
}
note "forward() to a name with no usable nameserver: no answer"

PORT=$(free_udp_port)
options local sip:local@127.0.0.1 "$PORT"
got=$(bounded 20 "$SEND" -s "$PORT" -w 3000 127.0.0.1 "$SIPD_PORT" "$TMP/local.req")
[ "$got" = "SIP/2.0 200 Local" ] || {
    show_log "$SIPD_LOG"
    fail "sipd no longer answers: got \"$got\""
}

ticks=$(cpu_ticks "$SIPD_PID")
hz=$(getconf CLK_TCK)
[ "$ticks" -lt $((2 * hz)) ] || fail "sipd used $ticks ticks of CPU (${hz}/s), more than 2 s"
lines=$(wc -l <"$SIPD_LOG")
[ "$lines" -lt 60 ] || {
    show_log "$SIPD_LOG"
    fail "sipd logged $lines lines"
}
log_has "$SIPD_LOG" "no usable nameserver in $TMP/resolv.conf"
note "sipd used $ticks CPU ticks and logged $lines lines"
sipd_stop
