#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_tm_basic.sh - a basic call through sipd's transaction core, on both
# backends (tests/e2e/policies/tm.sipc through libtcc, and as a `sipc
# build` .so): UAC -> sipd -> UAS, INVITE / 100 (from sipd) / 180 / 200 /
# ACK (end to end, stateless) / BYE (stateful) / 200.  The UAS checks the
# relayed INVITE (sipd's Via on top, Max-Forwards 69, Record-Route); sipd's
# statistics show two server and two stateful client transactions (INVITE
# and BYE), and sipd exits 0.  Then OPTIONS answered by examples/hello.sipc
# stay stateless: no transaction at all for 50 of them.
#
#   sh tests/e2e/test_tm_basic.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
need_prog cc gcc
sc=tests/e2e/scenarios
policy=tests/e2e/policies/tm.sipc

# call NAME POLICY: one call through sipd running POLICY.
call() {
    tag=$1
    sipd_start "$tag" "$2"
    sipp_uas_start "$tag-uas" "$sc/tm_uas_answer.xml"
    sipp_run "$tag" "$sc/tm_uac_call.xml" 1 -key uas_port "$UAS_PORT" -key test plain -key next - -key fork -
    sipp_uas_wait "$tag-uas"
    sipd_stop
    log_has "$SIPD_LOG" "stats: 2 server transactions"
    log_has "$SIPD_LOG" "t_relay: ACK has no transaction of its own; relayed statelessly"
}

call basic-tcc "$policy"

"$B/sipc" build "$policy" -o "$TMP/tm.so" >"$TMP/build.log" 2>&1 || {
    show_log "$TMP/build.log"
    fail "sipc build $policy failed"
}
call basic-gcc "$TMP/tm.so"

# Requests the policy answers itself never make a transaction.
sipd_start hello examples/hello.sipc
sipp_run hello "$sc/options_uac.xml" 50
sipd_stop
log_has "$SIPD_LOG" "stats: 0 server transactions, 0 client transactions, 50 stateless requests"
