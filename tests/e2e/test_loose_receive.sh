#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_loose_receive.sh - loose when receiving, never silent (issue #11,
# point 11; runtime/rt_lenient.c):
#
#  1. A request whose Via branch holds '@' (outside the token set), over
#     UDP and TCP, reaches the policy (200) and the reply's Via carries
#     the branch exactly as sent.
#  2. A request whose Via cannot be understood even so gets no reply (no
#     Via to send one to), but sipd logs the drop, once per interval: ten
#     of them make one line.
#  3. RFC 4475 badvers (SIP/7.0, Via host c.example.com) gets its 505 at
#     the sender, per RFC 3261 section 18.2.2 (received=), with no lookup
#     of c.example.com.
#
#   sh tests/e2e/test_loose_receive.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

SEND=$B/udp_send
[ -x "$SEND" ] || fail "$SEND is not built (make $SEND)"
printf 'route {\n    sl_send_reply(200, "Parsed");\n}\n' >"$TMP/loose.sipc"

# request FILE PROTO VIA-PORT BRANCH CALL-ID
request() {
    sip_options "$1" sip:x@127.0.0.1 "$2" "$3" "$4" "$5"
}

sipd_start loose "$TMP/loose.sipc" -l "tcp:127.0.0.1:0"
TCP_PORT=$(sipd_port tcp:127.0.0.1)

# --- 1. '@' in the branch ------------------------------------------------------
PORT=$(free_udp_port)
request "$TMP/at.req" UDP "$PORT" 'z9hG4bK@probe' at-udp
got=$(bounded 20 "$SEND" -H Via -s "$PORT" -w 2000 127.0.0.1 "$SIPD_PORT" "$TMP/at.req" | tr '\n' '|')
case $got in
"SIP/2.0 200 Parsed|Via: SIP/2.0/UDP 127.0.0.1:$PORT;branch=z9hG4bK@probe;"*) ;;
*)
    show_log "$SIPD_LOG"
    fail "branch with '@' over UDP: got \"$got\""
    ;;
esac
request "$TMP/at-tcp.req" TCP 9 'z9hG4bK@probe.tcp' at-tcp
got=$(bounded 20 "$SEND" -t -w 2000 127.0.0.1 "$TCP_PORT" "$TMP/at-tcp.req")
[ "$got" = "SIP/2.0 200 Parsed" ] || fail "branch with '@' over TCP: got \"$got\""
note "a Via branch with '@' is understood (UDP and TCP), and echoed as sent"

# --- 2. a Via beyond understanding: dropped, logged once per interval -------------
request "$TMP/bad.req" UDP 9 'z9hG4bK"bad' bad-via
sed 's/^Via: SIP\/2.0\/UDP 127.0.0.1:9;/Via: SIP\/2.0\/UDP @@@:9;/' "$TMP/bad.req" >"$TMP/bad2.req"
for i in 1 2 3 4 5 6 7 8 9 10; do
    got=$(bounded 20 "$SEND" -w 200 127.0.0.1 "$SIPD_PORT" "$TMP/bad2.req")
    [ "$got" = - ] || fail "a Via that does not parse: expected no answer, got \"$got\""
done
n=$(grep -c "a Via from 127.0.0.1 does not parse" "$SIPD_LOG")
[ "$n" -eq 1 ] || {
    show_log "$SIPD_LOG"
    fail "10 unparsable Vias: expected 1 log line, got $n"
}
note "an unparsable Via: no answer, one log line for ten"

# --- 3. badvers: the 505 goes to the sender -----------------------------------------
# Its Via names no port: the answer goes to port 5060 of the source
# address; udp_send binds 5060 on a random 127.x.y.z.
got=$(bounded 20 "$SEND" -H Via -s 5060 -w 2000 127.0.0.1 "$SIPD_PORT" tests/data/rfc4475/badvers.dat | tr '\n' '|')
case $got in
"SIP/2.0 505 Version Not Supported|Via: "*"branch=z9hG4bKkdjuw;received=127."*) ;;
*)
    show_log "$SIPD_LOG"
    fail "badvers: expected 505 with received= at the sender, got \"$got\""
    ;;
esac
note "badvers: 505 at the sender"
sipd_stop
