#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_tcp_limits.sh - TCP connections that would exhaust or hold sipd
# (issue #11, point 9; runtime/rt_conn.c), with $B/tcp_hold as client:
#
#  a. sipd with a soft RLIMIT_NOFILE of 64 and 100 connections opened to
#     it and held: it stops accepting instead of spinning on EMFILE (its
#     CPU time stays under 2 s for the whole test, from /proc/PID/stat),
#     its log stays short (sofia's repeated lines once per interval), and
#     once the connections are closed it answers an OPTIONS over TCP.
#  b. tcp.idle_timeout = 1: a connection that sends nothing is closed
#     (waited for up to 5 s).
#  c. tcp.message_timeout = 1 (idle timeout 60): a connection that sent
#     headers with Content-Length: 100 and 10 bytes of body is closed.
#  d. tcp.max_connections_per_source = 3: of 4 connections from 127.0.0.1
#     the 4th is closed, and the 3 others get 200 to an OPTIONS.
#
#   sh tests/e2e/test_tcp_limits.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

HOLD=$B/tcp_hold SEND=$B/udp_send
[ -x "$HOLD" ] || fail "$HOLD is not built (make $HOLD)"
[ -x "$SEND" ] || fail "$SEND is not built (make $SEND)"

# policy FILE SETTINGS: a policy answering every OPTIONS 200.
policy() {
    {
        printf '%s\n' "$2"
        printf 'route {\n    if (is_method("OPTIONS")) {\n        sl_send_reply(200, "Alive");\n    }\n}\n'
    } >"$1"
}

# options FILE ID: an OPTIONS over TCP (one connection may send it once).
options() {
    sip_options "$1" sip:alive@127.0.0.1 TCP 9 "z9hG4bK-$2" "$2@tcp-limits"
}


# --- a. descriptors run out ---------------------------------------------------
policy "$TMP/a.sipc" 'tcp.max_connections_per_source = 0;'
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] || [ "$hard" -ge 256 ] || fail "the hard RLIMIT_NOFILE ($hard) is below 256"
soft=$(ulimit -Sn)
ulimit -Sn 64
sipd_start fdlimit "$TMP/a.sipc" -l "tcp:127.0.0.1:0"
ulimit -Sn "$soft"
TCP_PORT=$(sipd_port tcp:127.0.0.1)
out=$(bounded 30 "$HOLD" -n 100 -w 2000 "$TCP_PORT")
note "100 connections to a sipd with 64 descriptors: $out"
options "$TMP/a.req" a
got=$(bounded 20 "$SEND" -t -w 3000 127.0.0.1 "$TCP_PORT" "$TMP/a.req")
[ "$got" = "SIP/2.0 200 Alive" ] || {
    show_log "$SIPD_LOG"
    fail "after the connections closed: expected 200 Alive over TCP, got \"$got\""
}
ticks=$(cpu_ticks "$SIPD_PID")
hz=$(getconf CLK_TCK)
lines=$(wc -l <"$SIPD_LOG")
[ "$ticks" -lt $((2 * hz)) ] || fail "sipd used $ticks ticks of CPU (${hz}/s), more than 2 s"
[ "$lines" -lt 60 ] || {
    show_log "$SIPD_LOG"
    fail "sipd logged $lines lines"
}
log_has "$SIPD_LOG" "tcp: not accepting connections for now"
note "out of descriptors: $ticks CPU ticks, $lines log lines, answers again after"
sipd_stop

# --- b. idle timeout ------------------------------------------------------------
policy "$TMP/b.sipc" 'tcp.idle_timeout = 1;'
sipd_start idle "$TMP/b.sipc" -l "tcp:127.0.0.1:0"
TCP_PORT=$(sipd_port tcp:127.0.0.1)
out=$(bounded 30 "$HOLD" -n 1 -e 1 -w 5000 "$TCP_PORT")
[ "$out" = "opened=1 closed=1 answered=0" ] || fail "idle connection: expected it closed, got $out"
note "an idle connection is closed after tcp.idle_timeout"
sipd_stop

# --- c. message timeout, d. per-source limit --------------------------------------
policy "$TMP/c.sipc" 'tcp.idle_timeout = 60;
tcp.message_timeout = 1;
tcp.max_connections_per_source = 3;'
sipd_start msg "$TMP/c.sipc" -l "tcp:127.0.0.1:0"
TCP_PORT=$(sipd_port tcp:127.0.0.1)
printf 'MESSAGE sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-c\r\nMax-Forwards: 70\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\nCall-ID: c@tcp-limits\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n0123456789' >"$TMP/partial"
out=$(bounded 30 "$HOLD" -n 1 -p "$TMP/partial" -e 1 -w 5000 "$TCP_PORT")
[ "$out" = "opened=1 closed=1 answered=0" ] || fail "message cut short: expected the connection closed, got $out"
note "a message cut short is closed after tcp.message_timeout"

options "$TMP/d.req" d
out=$(bounded 30 "$HOLD" -n 4 -e 1 -w 3000 -q "$TMP/d.req" "$TCP_PORT")
[ "$out" = "opened=4 closed=1 answered=3" ] || {
    show_log "$SIPD_LOG"
    fail "4 connections with tcp.max_connections_per_source = 3: got $out"
}
log_has "$SIPD_LOG" "the limit of tcp.max_connections_per_source"
note "per-source limit: the 4th connection closed, the 3 others answered"
sipd_stop
