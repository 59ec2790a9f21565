#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_shutdown.sh - sipd's graceful shutdown (runtime/rt_shutdown.c).
#
#  1. A call rings for 2 s (shutdown_uas_ring.xml) when sipd gets SIGTERM:
#     sipd drains, the call still completes (200, then ACK and BYE, which
#     are in-dialog and pass), a new INVITE sent after SIGTERM gets a
#     stateless 503 with Retry-After, and sipd exits 0 once the call's
#     transactions are done, well within its grace (-g 5).
#  2. With shutdown_grace = 1 (the policy's setting) and a callee that
#     never answers, sipd exits 0 about 1 s after SIGTERM; the caller gets
#     500 from sipd and the callee a CANCEL.
#  3. A second SIGTERM stops a draining sipd at once (exit 0, the pending
#     call answered 500).
#
#   sh tests/e2e/test_shutdown.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
sc=tests/e2e/scenarios
# tm.sipc, with an fr_inv_timer longer than the 2 s of ringing.
policy=$TMP/tm.sipc
sed 's/^tm\.fr_inv_timer = .*/tm.fr_inv_timer = 10000;/' tests/e2e/policies/tm.sipc >"$policy"
grep -q '^tm.fr_inv_timer = 10000;' "$policy" || fail "cannot set tm.fr_inv_timer in $policy"

# uac_bg NAME SCENARIO [SIPP-ARGS...]: a one-call sipp UAC against sipd in
# the background, bounded; sets UAC_PID, UAC_OUT.
uac_bg() {
    UAC_OUT=$TMP/$1
    scen=$2
    shift 2
    timeout -k 5 30 sipp -sf "$scen" -m 1 -i 127.0.0.1 -nostdin -timeout 20s -timeout_error \
        -trace_screen -screen_file "$UAC_OUT.screen" -trace_err -error_file "$UAC_OUT.errors" \
        "$@" "127.0.0.1:$SIPD_PORT" >"$UAC_OUT.log" 2>&1 &
    UAC_PID=$!
    started "$UAC_PID"
}

# uac_wait NAME: the background UAC ended with its one call successful.
uac_wait() {
    sipp_bg_wait UAC "$UAC_PID" "$UAC_OUT" "$1" 30
}

# sipd_exit_within SECONDS: sipd (already signalled) exits 0 within SECONDS;
# prints how long it took, in tenths of a second, into $EXIT_TENTHS.
sipd_exit_within() {
    n=0
    while alive "$SIPD_PID"; do
        if [ "$n" -ge $(($1 * 10)) ]; then
            kill -KILL "$SIPD_PID" 2>/dev/null
            wait "$SIPD_PID" 2>/dev/null
            reaped "$SIPD_PID"
            show_log "$SIPD_LOG"
            fail "sipd did not exit within $1 s of SIGTERM"
        fi
        n=$((n + 1))
        sleep 0.1
    done
    wait "$SIPD_PID"
    rc=$?
    reaped "$SIPD_PID"
    EXIT_TENTHS=$n
    if [ "$rc" -ne 0 ]; then
        show_log "$SIPD_LOG"
        fail "sipd exited with status $rc after SIGTERM, expected 0"
    fi
    no_sanitizer_report "$SIPD_LOG" sipd
}

# --- 1. a ringing call completes; a new one is refused ----------------------
sipd_start drain "$policy" -g 5
sipp_uas_start drain-uas "$sc/shutdown_uas_ring.xml"
uac_bg drain-uac "$sc/shutdown_uac_call.xml" -key uas_port "$UAS_PORT" -key test plain -key next - -key fork -
wait_log "$SIPD_LOG" "branch 0 of INVITE" 5
kill -TERM "$SIPD_PID"
wait_log "$SIPD_LOG" "received SIGTERM: draining, 1 transaction(s) running" 5
sipp_run drain-late "$sc/shutdown_uac_refused.xml" 1 -key uas_port 9
uac_wait drain-uac
sipp_uas_wait drain-uas
sipd_exit_within 5
log_has "$SIPD_LOG" "INVITE call-id"
log_has "$SIPD_LOG" "refused with 503"
log_has "$SIPD_LOG" "shutdown: drained; 0 transaction(s) left, 1 request(s) refused with 503"
note "draining sipd finished the call, refused a new one and exited 0"

# --- 2. grace over: the pending call is answered, sipd exits ----------------
{
    echo "shutdown_grace = 1;"
    cat "$policy"
} >"$TMP/grace1.sipc"
sipd_start grace "$TMP/grace1.sipc"
sipp_uas_start grace-uas "$sc/shutdown_uas_silent.xml"
uac_bg grace-uac "$sc/shutdown_uac_pending.xml" -key uas_port "$UAS_PORT"
wait_log "$SIPD_LOG" ": 180 Ringing from downstream" 5 # so its CANCEL can go out
kill -TERM "$SIPD_PID"
sipd_exit_within 4
[ "$EXIT_TENTHS" -ge 8 ] || fail "sipd exited after ${EXIT_TENTHS}/10 s, before its 1 s grace"
uac_wait grace-uac
sipp_uas_wait grace-uas
log_has "$SIPD_LOG" "shutdown: grace over; 1 transaction(s) left, unanswered ones answered 500"
note "sipd exited 0 after its 1 s grace (${EXIT_TENTHS}/10 s), the pending call answered 500"

# --- 3. a second SIGTERM stops at once ---------------------------------------
sipd_start twice "$policy" -g 30
sipp_uas_start twice-uas "$sc/shutdown_uas_silent.xml"
uac_bg twice-uac "$sc/shutdown_uac_pending.xml" -key uas_port "$UAS_PORT"
wait_log "$SIPD_LOG" ": 180 Ringing from downstream" 5
kill -TERM "$SIPD_PID"
wait_log "$SIPD_LOG" "received SIGTERM: draining" 5
kill -TERM "$SIPD_PID"
sipd_exit_within 3
uac_wait twice-uac
sipp_uas_wait twice-uas
log_has "$SIPD_LOG" "received SIGTERM again: stopping now"
log_has "$SIPD_LOG" "shutdown: stopped at once; 1 transaction(s) left"
note "a second SIGTERM stopped sipd at once, exit 0"
