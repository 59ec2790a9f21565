#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_runtime_features.sh - sipd's library functions and pseudo-variables
# on real SIP traffic, for one policy written twice (tests/data/
# rt_features_policy.c, C by hand against sipc/abi.h; tests/e2e/policies/
# features.sipc, the policy language) and run four ways: the C through
# libtcc and as a cc-built .so, the .sipc through libtcc and as a `sipc
# build` .so.  Each run:
#   - OPTIONS: the reply's reason phrase lists what the policy read ($fU,
#     $hdr, $Ri, $rb ...) and computed (regexes, AVPs, $var, flags,
#     arithmetic edge cases, $ru set and refused);
#   - REGISTER: $au/$ar, $ct, is_present_hf/remove_hf, a refused append_hf;
#   - MESSAGEs relayed to a sipp UAS, which checks the headers added and
#     removed, Record-Route, Max-Forwards, the rewritten request URI, loose
#     routing and $du as next hop; Max-Forwards 0 gets 483;
#   - sipd's log holds the xlog line, the while-loop guard's warning and the
#     refusals; sipd exits 0 on SIGTERM.
#
#   sh tests/e2e/test_runtime_features.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
need_prog cc gcc
sc=tests/e2e/scenarios

cc -std=c11 -Wall -Wextra -Werror -shared -fPIC -Iruntime/include -o "$TMP/features_c.so" \
    tests/data/rt_features_policy.c || fail "cannot compile tests/data/rt_features_policy.c"
"$B/sipc" build tests/e2e/policies/features.sipc -o "$TMP/features_sipc.so" >"$TMP/build.log" 2>&1 || {
    show_log "$TMP/build.log"
    fail "sipc build tests/e2e/policies/features.sipc failed"
}

# run NAME POLICY LINE: the whole exchange against POLICY; LINE is the
# policy line of the endless while loop, named in sipd's warning.
run() {
    # lib.sh functions set $name: keep ours in $tag.
    tag=$1 policy=$2 line=$3
    sipd_start "$tag" "$policy"
    sipp_run "$tag-options" "$sc/features_options_uac.xml" 1
    sipp_run "$tag-register" "$sc/features_register_uac.xml" 1
    sipp_uas_start "$tag-relay" "$sc/features_relay_uas.xml"
    sipp_run "$tag-relay" "$sc/features_relay_uac.xml" 1 -key uas_port "$UAS_PORT"
    sipp_uas_wait "$tag-relay"
    sipd_stop
    log_has "$SIPD_LOG" "info: xlog says hello from the policy"
    log_has "$SIPD_LOG" ":$line: while loop stopped after max_while_loops iterations"
    log_has "$SIPD_LOG" 'warn: $ru "sip:has space@'
    log_has "$SIPD_LOG" 'warn: append_hf("X-Bad: a'
    log_has "$SIPD_LOG" "warn: record_route: already added to this request"
    log_has "$SIPD_LOG" "debug: tm: fr_timer 5000 ms, fr_inv_timer 120000 ms"
}

run c-tcc tests/data/rt_features_policy.c 77
run c-gcc "$TMP/features_c.so" 77
line=$(grep -n 'while (\$var(i) >= 0)' tests/e2e/policies/features.sipc | cut -d: -f1)
[ -n "$line" ] || fail "no endless while loop in tests/e2e/policies/features.sipc"
run sipc-tcc tests/e2e/policies/features.sipc "$line"
run sipc-gcc "$TMP/features_sipc.so" "$line"
