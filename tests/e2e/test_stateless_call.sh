#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_stateless_call.sh - a basic call through a stateless sipd
# (tests/e2e/policies/stateless.sipc: forward(), record_route(),
# loose_route() only), on both backends (libtcc, and a `sipc build` .so):
# UAC -> sipd -> UAS, INVITE / 180 / 200 / ACK / BYE / 200, the UAS
# checking the relayed INVITE (sipd's Via on top, Max-Forwards 69, its
# Record-Route) and the UAC sending ACK and BYE along the Record-Route.
# sipd makes no server transaction (nta counts what forward() sends as
# client transactions of its own) and exits 0 on SIGTERM.
#
#   sh tests/e2e/test_stateless_call.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
need_prog cc gcc
sc=tests/e2e/scenarios
policy=tests/e2e/policies/stateless.sipc

# call NAME POLICY: one call through sipd running POLICY.
call() {
    tag=$1
    sipd_start "$tag" "$2"
    sipp_uas_start "$tag-uas" "$sc/tm_uas_answer.xml"
    sipp_run "$tag" "$sc/tm_uac_call.xml" 1 -key uas_port "$UAS_PORT" -key test - -key next - -key fork -
    sipp_uas_wait "$tag-uas"
    sipd_stop
    log_has "$SIPD_LOG" "stats: 0 server transactions"
    log_has "$SIPD_LOG" "3 stateless requests"
    for m in INVITE ACK BYE; do
        log_has "$SIPD_LOG" "$m from 127.0.0.1:"
    done
    [ "$(grep -c ": forwarded$" "$SIPD_LOG")" = 3 ] || {
        show_log "$SIPD_LOG"
        fail "sipd forwarded other than INVITE, ACK and BYE"
    }
}

call stateless-tcc "$policy"

"$B/sipc" build "$policy" -o "$TMP/stateless.so" >"$TMP/build.log" 2>&1 || {
    show_log "$TMP/build.log"
    fail "sipc build $policy failed"
}
call stateless-gcc "$TMP/stateless.so"
