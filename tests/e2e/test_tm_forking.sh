#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_tm_forking.sh - forking through sipd's transaction core
# (tests/e2e/policies/tm.sipc, libtcc):
#   - serial: the first callee answers 486, failure_route[next] relays the
#     call to a second callee (X-Next), which answers; the caller never
#     sees the 486 (its scenario fails on any final reply but 200);
#   - the same by append_branch(): the callee that failed gets one INVITE;
#   - parallel: the request URI and an append_branch() target (X-Fork) ring
#     together; one answers, the other gets sipd's CANCEL and answers 487;
#   - a branch dropped in branch_route[filter]: of two targets, the one
#     named "blocked" is never sent (no sipp listens there: sipd's log and
#     its client transaction count tell), the other answers.
# Every sipp must end its call successfully, sipd exit 0.
#
#   sh tests/e2e/test_tm_forking.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
sc=tests/e2e/scenarios

# uas2_start NAME SCENARIO / uas2_wait NAME: a second UAS beside the one of
# sipp_uas_start (whose UAS_* variables are kept aside meanwhile).
uas2_start() {
    keep_pid=$UAS_PID keep_port=$UAS_PORT keep_out=$UAS_OUT
    sipp_uas_start "$1" "$2"
    UAS2_PID=$UAS_PID UAS2_PORT=$UAS_PORT UAS2_OUT=$UAS_OUT
    UAS_PID=$keep_pid UAS_PORT=$keep_port UAS_OUT=$keep_out
}
uas2_wait() {
    keep_pid=$UAS_PID keep_out=$UAS_OUT
    UAS_PID=$UAS2_PID UAS_OUT=$UAS2_OUT
    sipp_uas_wait "$1"
    UAS_PID=$keep_pid UAS_OUT=$keep_out
}

sipd_start forking tests/e2e/policies/tm.sipc

# Serial: 486, then the failure_route's second target.
sipp_uas_start busy "$sc/tm_uas_busy.xml"
uas2_start voicemail "$sc/tm_uas_answer.xml"
sipp_run serial "$sc/tm_uac_call.xml" 1 -key uas_port "$UAS_PORT" -key test plain \
    -key next "sip:uas2@127.0.0.1:$UAS2_PORT" -key fork -
sipp_uas_wait busy
uas2_wait voicemail
log_has "$SIPD_LOG" "info: failover after 486 to sip:uas2@127.0.0.1:$UAS2_PORT"

# Serial by append_branch(): the request URI that failed is consumed, so
# the busy callee gets one INVITE, not a second one with the new target.
sent_busy() { grep -c "relayed to sip:uas@127.0.0.1:$UAS_PORT\$" "$SIPD_LOG"; }
sipp_uas_start busy_append "$sc/tm_uas_busy.xml"
uas2_start voicemail_append "$sc/tm_uas_answer.xml"
sipp_run serial_append "$sc/tm_uac_call.xml" 1 -key uas_port "$UAS_PORT" -key test append-next \
    -key next "sip:uas2@127.0.0.1:$UAS2_PORT" -key fork -
sipp_uas_wait busy_append
uas2_wait voicemail_append
[ "$(sent_busy)" -eq 1 ] || fail "the busy callee got $(sent_busy) INVITEs: the failure_route re-sent to it"

# Parallel: one answers, the other is cancelled.
sipp_uas_start answers "$sc/tm_uas_answer.xml"
uas2_start cancelled "$sc/tm_uas_cancel.xml"
sipp_run parallel "$sc/tm_uac_call.xml" 1 -key uas_port "$UAS_PORT" -key test plain -key next - \
    -key fork "sip:uas2@127.0.0.1:$UAS2_PORT"
sipp_uas_wait answers
uas2_wait cancelled

# A branch dropped by the branch_route.
blocked=$(free_udp_port)
sipp_uas_start kept "$sc/tm_uas_answer.xml"
sipp_run dropped "$sc/tm_uac_call.xml" 1 -key uas_port "$UAS_PORT" -key test drop-branch -key next - \
    -key fork "sip:blocked@127.0.0.1:$blocked"
sipp_uas_wait kept
log_has "$SIPD_LOG" "info: dropping branch 1 to sip:blocked@127.0.0.1:$blocked"
log_has "$SIPD_LOG" "to sip:blocked@127.0.0.1:$blocked dropped by branch_route[filter]"

sipd_stop
# The INVITE and BYE of each call; the ACKs of their 200s stay stateless.
log_has "$SIPD_LOG" "stats: 8 server transactions,"
