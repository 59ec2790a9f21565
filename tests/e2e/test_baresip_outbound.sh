#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_baresip_outbound.sh - phones that use sipd as their outbound proxy
# (issue #11 point 1), over UDP and over TCP.  Such a phone sends every
# request with `Route: <sip:SIPD;lr>` (baresip's `outbound=`); sipd must
# remove that entry (RFC 3261 section 16.4) instead of relaying the
# request back to itself.  Two baresip phones register with
# examples/registrar-proxy.sipc through their outbound proxy, alice calls
# bob, bob answers, alice hangs up.  Checked for each transport:
#   - both register (401, then 2xx);
#   - alice's INVITE is challenged (407), then relayed to bob's contact
#     and bob rings and answers: the call is established on both sides;
#   - the INVITE bob receives carries no Route naming sipd, and sipd never
#     received a request from itself (the loop the bug made);
#   - ACK and BYE go through sipd (its signed Record-Route), the BYE's 200
#     comes back, both phones report the call closed;
#   - sipd exits 0 on SIGTERM.
#
#   sh tests/e2e/test_baresip_outbound.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/baresip.sh
. "$(dirname "$0")/baresip.sh"
e2e_init "$@"
baresip_init

DB_FILE=$TMP/location.db
ALICE_PW=alice-out-3
BOB_PW=bob-out-3

if ! {
    "$B/sipctl" db init "sqlite:$DB_FILE" &&
        "$B/sipctl" user add --url "sqlite:$DB_FILE" alice@127.0.0.1 "$ALICE_PW" &&
        "$B/sipctl" user add --url "sqlite:$DB_FILE" bob@127.0.0.1 "$BOB_PW"
} >"$TMP/sipctl.log" 2>&1; then
    show_log "$TMP/sipctl.log"
    fail "sipctl could not provision alice and bob in $DB_FILE"
fi

# One sipd for both transports: UDP (the phones' domain) and TCP.
sipd_start outbound examples/registrar-proxy.sipc --db "sqlite:$DB_FILE" -l tcp:127.0.0.1:0
udp_port=$SIPD_PORT
tcp_port=$(sipd_port tcp:127.0.0.1)
domain=127.0.0.1:$udp_port

# call PROTO PORT: phones alice-PROTO and bob-PROTO with outbound proxy
# sip:127.0.0.1:PORT over PROTO, one call.
call() {
    proto=$1 port=$2
    BARESIP_TRANSPORT=$proto
    BARESIP_OUTBOUND="sip:127.0.0.1:$port;transport=$proto"
    baresip_start "alice-$proto" alice "$domain" "$ALICE_PW"
    baresip_start "bob-$proto" bob "$domain" "$BOB_PW"
    unset BARESIP_OUTBOUND BARESIP_TRANSPORT
    baresip_wait_registered "alice-$proto"
    baresip_wait_registered "bob-$proto"
    # the REGISTERs went through the outbound proxy, with its Route
    grep -q "^Route: <sip:127\.0\.0\.1:$port;transport=$proto;lr>" "$TMP/baresip.alice-$proto/stdout.log" || {
        baresip_show_logs "alice-$proto"
        fail "alice ($proto) sent no Route naming her outbound proxy"
    }
    any='127\.0\.0\.1:[0-9]+'
    for who in alice bob; do
        baresip_sip_has "$who-$proto" "^RCVD $any SIP/2\\.0 2[0-9][0-9] [^|]*\\| CSeq: [0-9]+ REGISTER\$"
    done

    baresip_dial "alice-$proto" "sip:bob@$domain"
    baresip_wait_established "bob-$proto"
    baresip_wait_established "alice-$proto"
    baresip_sip_has "alice-$proto" "^RCVD $any SIP/2\\.0 407 [^|]*\\| CSeq: [0-9]+ INVITE\$"
    baresip_sip_has "bob-$proto" "^RCVD $any INVITE sip:bob-[^ ]* SIP/2\\.0 "
    if tr -d '\r' <"$TMP/baresip.bob-$proto/stdout.log" | sed -n '/^INVITE sip:bob-/,/^$/p' |
        grep -q "^Route: .*127\\.0\\.0\\.1:\\($udp_port\\|$tcp_port\\)"; then
        baresip_show_logs "bob-$proto"
        fail "bob ($proto) received an INVITE still routed to sipd"
    fi
    baresip_sip_has "alice-$proto" "^RCVD $any SIP/2\\.0 200 [^|]*\\| CSeq: [0-9]+ INVITE\$"

    baresip_hangup "alice-$proto"
    baresip_wait_closed "alice-$proto"
    baresip_wait_closed "bob-$proto"
    baresip_sip_has "bob-$proto" "^RCVD $any BYE "
    baresip_wait_sip "alice-$proto" "^RCVD $any SIP/2\\.0 200 [^|]*\\| CSeq: [0-9]+ BYE\$"

    cid=$(sed -n "s/.*branch 0 of INVITE call-id \\([^ ]*\\) relayed to sip:bob-.*/\\1/p" "$SIPD_LOG" | tail -n 1)
    [ -n "$cid" ] || {
        show_log "$SIPD_LOG"
        fail "sipd did not relay alice's ($proto) INVITE to bob"
    }
    sipd_has "transaction of INVITE call-id $cid done: 200 sent upstream"
    sipd_has "branch 0 of BYE call-id $cid relayed to sip:bob-"
    baresip_stop "alice-$proto" "bob-$proto" || fail "the phones ($proto) did not quit"
}

call udp "$udp_port"
call tcp "$tcp_port"

# Never a request from sipd's own address: nothing was relayed back to it.
sipd_lacks "(INVITE|ACK|BYE) from 127\\.0\\.0\\.1:($udp_port|$tcp_port) "
sipd_stop
