#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_defence.sh - the defences of issue #7 in a running sipd, driven by
# sipp against tests/e2e/policies/defence.sipc (pike: more than 20
# requests in 2 s blocks a source for 3 s, answered 503; the trusted
# table read again every second), on an SQLite database in $TMP:
#   - anti-flood: a sipp at 127.0.0.2 sends 300 OPTIONS at 300 per second
#     while another at 127.0.0.1 sends 10 at 4 per second; the flood gets
#     at most 20 answered 200 and the rest 503, the other source gets all
#     10 answered 200; sipd logs the block, then lifts it once the flood
#     is over, after which 127.0.0.2 is answered 200 again;
#   - trusted peers: an INVITE from 127.0.0.3 without credentials is
#     refused (403) until `sipctl trusted add 127.0.0.3` puts it in the
#     table; within the reload interval, with sipd still running, the
#     same INVITE is relayed to the callee (a sipp UAS that checks it came
#     through sipd, uncredentialed) while one from 127.0.0.1 still gets
#     403; `sipctl trusted list` shows the row, and after `sipctl trusted
#     rm` 127.0.0.3 is refused again.
# sipd logs pike's statistics and exits 0 on SIGTERM.
#
#   sh tests/e2e/test_defence.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
[ -x "$B/sipctl" ] || fail "$B/sipctl is not built (run make)"
sc=tests/e2e/scenarios
policy=tests/e2e/policies/defence.sipc
url=sqlite:$TMP/sipc.db

# ctl ARGS...: sipctl on the test's database, its output in $TMP/ctl.out.
ctl() {
    "$B/sipctl" "$@" >"$TMP/ctl.out" 2>&1 || {
        show_log "$TMP/ctl.out"
        fail "sipctl $* failed"
    }
}

# sipp_options NAME IP CALLS RATE: OPTIONS from IP (options_uac.xml, 200
# expected: a 503 fails the call), bounded; its output in $TMP/NAME.sipp.*.
sipp_options() {
    out=$TMP/$1.sipp
    timeout -k 5 60 sipp -sf "$sc/options_uac.xml" -m "$3" -r "$4" -l "$3" -i "$2" -nostdin -default_behaviors all,-bye \
        -timeout 30s -timeout_error -trace_screen -screen_file "$out.screen" \
        -trace_err -error_file "$out.errors" "127.0.0.1:$SIPD_PORT" >"$out.log" 2>&1
}

sipd_start defence "$policy" --db "$url"
log_has "$SIPD_LOG" "pike: more than 20 requests in 2 s from one source blocks it for 3 s"
log_has "$SIPD_LOG" "trusted: 0 peers from $url"

# --- anti-flood ---------------------------------------------------------------

# The polite source starts first and goes on after the flood is over.
sipp_options polite 127.0.0.1 10 4 &
polite_pid=$!
started "$polite_pid"
wait_log "$SIPD_LOG" "OPTIONS from 127.0.0.1:" 5
sipp_options flood 127.0.0.2 300 300
wait "$polite_pid"
polite_rc=$?
reaped "$polite_pid"

flood_ok=$(sipp_count "$TMP/flood.sipp.screen" "Successful call")
flood_bad=$(sipp_count "$TMP/flood.sipp.screen" "Failed call")
polite_ok=$(sipp_count "$TMP/polite.sipp.screen" "Successful call")
polite_bad=$(sipp_count "$TMP/polite.sipp.screen" "Failed call")
note "flood from 127.0.0.2: ${flood_ok:-?} answered 200, ${flood_bad:-?} refused;" \
    "127.0.0.1 meanwhile: ${polite_ok:-?} of 10 answered"
if [ "$polite_rc" -ne 0 ] || [ "${polite_ok:-}" != 10 ] || [ "${polite_bad:-}" != 0 ]; then
    show_log "$TMP/polite.sipp.screen"
    show_log "$SIPD_LOG"
    fail "the source that did not flood was not served: exit status $polite_rc, ${polite_ok:-?} of 10 answered"
fi
case ${flood_ok:-x}/${flood_bad:-x} in
*[!0-9/]*)
    show_log "$TMP/flood.sipp.log"
    fail "no statistics from the flooding sipp"
    ;;
esac
if [ "$flood_ok" -lt 1 ] || [ "$flood_ok" -gt 20 ] || [ $((flood_ok + flood_bad)) -ne 300 ]; then
    show_log "$TMP/flood.sipp.screen"
    show_log "$SIPD_LOG"
    fail "flood: $flood_ok answered and $flood_bad refused of 300; expected at most 20 answered"
fi
grep -q '503 Flood Detected' "$TMP/flood.sipp.errors" 2>/dev/null ||
    grep -q 'SIP/2.0 503' "$TMP/flood.sipp.errors" 2>/dev/null || {
    show_log "$TMP/flood.sipp.errors"
    fail "the flood's refusals were not 503"
}
log_has "$SIPD_LOG" "pike: 127.0.0.2 blocked for 3 s: more than 20 requests in 2 s"
if grep -q "pike: 127.0.0.1 blocked" "$SIPD_LOG"; then
    fail "pike blocked 127.0.0.1, which did not flood"
fi

# The flood is over: the block ends, the source is served again.
wait_log "$SIPD_LOG" "pike: 127.0.0.2 unblocked" 15
SIPP_IP=127.0.0.2 sipp_run after-flood "$sc/options_uac.xml" 1

# --- trusted peers ----------------------------------------------------------------

uas_port=$(free_udp_port) # a request URI for the refused calls (nobody there)
SIPP_IP=127.0.0.3 sipp_run gw-untrusted "$sc/defence_uac_403.xml" 1 -key uas_port "$uas_port"

ctl trusted add --url "$url" --proto udp --tag gw1 127.0.0.3
grep -Fq "trusted 127.0.0.3 over udp, tag gw1" "$TMP/ctl.out" || {
    show_log "$TMP/ctl.out"
    fail "sipctl trusted add printed no confirmation"
}
wait_log "$SIPD_LOG" "trusted: the table changed: 1 peer" 10

sipp_uas_start gw-callee "$sc/defence_uas_busy.xml"
SIPP_IP=127.0.0.3 sipp_run gw-trusted "$sc/defence_uac_invite.xml" 1 -key uas_port "$UAS_PORT"
sipp_uas_wait gw-callee
sipp_run not-trusted "$sc/defence_uac_403.xml" 1 -key uas_port "$uas_port"

ctl trusted list --url "$url"
grep -Eq '^1 +127\.0\.0\.3 +udp +gw1 +-$' "$TMP/ctl.out" || {
    show_log "$TMP/ctl.out"
    fail "sipctl trusted list does not show the row added"
}
ctl trusted rm --url "$url" 127.0.0.3
wait_log "$SIPD_LOG" "trusted: the table changed: 0 peers" 10
SIPP_IP=127.0.0.3 sipp_run gw-removed "$sc/defence_uac_403.xml" 1 -key uas_port "$uas_port"

sipd_stop
log_has "$SIPD_LOG" "pike: stats:"
log_has "$SIPD_LOG" "1 blocks started"
