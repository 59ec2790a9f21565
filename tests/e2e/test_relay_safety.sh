#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_relay_safety.sh - nobody makes sipd relay a request where the policy
# did not send it (issue #11 points 2 and 3), against
# examples/registrar-proxy.sipc with bob registered (sipp, digest
# credentials) and a sipp UAS as bob's phone.  Raw requests (udp_send,
# from an unauthenticated source) check:
#   - a forged in-dialog request (an invented To-tag, `Route: <sip:SIPD;lr>`
#     without sipd's signature) to another host's or port's request URI
#     gets 404 and goes nowhere (it was relayed before: an open relay);
#   - the same with a signature of another dialog: 404;
#   - an unauthenticated INVITE to bob with a preloaded
#     `Route: <sip:ELSEWHERE;lr>` gets 403 and goes nowhere (it was relayed
#     to ELSEWHERE);
#   - the same INVITE without the Route still reaches bob (the policy lets
#     strangers call our users), and so does one whose only Route names
#     sipd (a phone that uses sipd as outbound proxy).
# A sipp UAS on ELSEWHERE would answer anything; it must receive nothing.
#
#   sh tests/e2e/test_relay_safety.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
sc=tests/e2e/scenarios
SEND=$B/udp_send
[ -x "$SEND" ] || fail "$SEND is not built (make $SEND)"

DB=sqlite:$TMP/safety.db
{
    "$B/sipctl" db init "$DB" && "$B/sipctl" user add --url "$DB" bob@127.0.0.1 bob-safety-pw
} >"$TMP/sipctl.log" 2>&1 || {
    show_log "$TMP/sipctl.log"
    fail "sipctl could not provision bob"
}
sipd_start safety examples/registrar-proxy.sipc --db "$DB"

# bob's phone, registered (its Contact is this UAS's address).
sipp_uas_start bob "$sc/tm_uas_answer.xml"
bob_port=$UAS_PORT bob_pid=$UAS_PID bob_out=$UAS_OUT
sipp_run bob-register "$sc/safety_uac_register.xml" 1 -au bob -ap bob-safety-pw -auth_uri 127.0.0.1 \
    -key reg_user bob -key reg_contact "<sip:bob@127.0.0.1:$bob_port>"

# ELSEWHERE: where an attacker wants sipd to send requests.
elsewhere=$(free_udp_port)
timeout -k 5 60 sipp -sf "$sc/tm_uas_answer.xml" -m 1 -i 127.0.0.1 -p "$elsewhere" -nostdin \
    -trace_msg -message_file "$TMP/elsewhere.msg" >"$TMP/elsewhere.log" 2>&1 &
else_pid=$!
started "$else_pid"

# request NAME METHOD RURI TO-TAG ROUTE: a raw request from an ephemeral
# port (Via rport) of a stranger, into $TMP/NAME.sip.
request() {
    printf '%s %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK-%s\r\nMax-Forwards: 70\r\n%bFrom: <sip:mallory@198.51.100.66>;tag=f-%s\r\nTo: <%s>%s\r\nCall-ID: %s@safety.test\r\nCSeq: 2 %s\r\nContact: <sip:mallory@127.0.0.1:9>\r\nContent-Length: 0\r\n\r\n' \
        "$2" "$3" "$1" "${5:+Route: $5\r\n}" "$1" "$3" "${4:+;tag=$4}" "$1" "$2" >"$TMP/$1.sip"
}
# expect NAME STATUS: send $TMP/NAME.sip, require the reply "SIP/2.0 STATUS".
expect() {
    got=$("$SEND" -w 2000 127.0.0.1 "$SIPD_PORT" "$TMP/$1.sip") || fail "udp_send failed on $1"
    [ "$got" = "SIP/2.0 $2" ] || {
        show_log "$SIPD_LOG"
        fail "$1: expected \"SIP/2.0 $2\", got \"$got\""
    }
    note "$1: $got"
}

ours="<sip:127.0.0.1:$SIPD_PORT;lr>"
# 2. Forged in-dialog requests.
request forged-bye BYE "sip:victim@127.0.0.1:$elsewhere" made-up "$ours"
expect forged-bye "404 Not Here"
request forged-msg MESSAGE "sip:victim@192.0.2.77:5060" made-up "$ours"
expect forged-msg "404 Not Here"
request forged-sig BYE "sip:victim@127.0.0.1:$elsewhere" made-up \
    "<sip:127.0.0.1:$SIPD_PORT;lr;sig=0123456789abcdef01234567>"
expect forged-sig "404 Not Here"
sipd_lacks "(BYE|MESSAGE) from [^ ]* call-id forged-[a-z]*@safety.test: .*forwarded"

# 3. A preloaded Route on an unauthenticated INVITE to a registered user.
request preloaded INVITE sip:bob@127.0.0.1 "" "<sip:127.0.0.1:$elsewhere;lr>"
expect preloaded "403 Preloaded Route Not Allowed"
request preloaded2 INVITE sip:bob@127.0.0.1 "" "$ours, <sip:127.0.0.1:$elsewhere;lr>"
expect preloaded2 "403 Preloaded Route Not Allowed"
sipd_lacks "INVITE from [^ ]* call-id preloaded2?@safety.test: .*forwarded"

# Nothing reached ELSEWHERE.
if [ -s "$TMP/elsewhere.msg" ] && grep -q "^[A-Z]* sip:" "$TMP/elsewhere.msg"; then
    show_log "$TMP/elsewhere.msg"
    fail "a request reached ELSEWHERE (127.0.0.1:$elsewhere)"
fi
kill -TERM "$else_pid" 2>/dev/null
wait "$else_pid" 2>/dev/null
reaped "$else_pid"

# A stranger's INVITE to bob, whose only Route names sipd (an outbound
# proxy): relayed to bob's phone (which answers; the ACK and BYE it waits
# for never come: it is stopped below).
request outbound INVITE sip:bob@127.0.0.1 "" "$ours"
got=$("$SEND" -w 2000 127.0.0.1 "$SIPD_PORT" "$TMP/outbound.sip") || fail "udp_send failed on outbound"
sipd_has "branch 0 of INVITE call-id outbound@safety.test relayed to sip:bob@127.0.0.1:$bob_port\$"
kill -TERM "$bob_pid" 2>/dev/null
wait "$bob_pid" 2>/dev/null
reaped "$bob_pid"
sipd_stop
