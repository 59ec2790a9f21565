#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_tm_cancel.sh - calls through sipd's transaction core that are not
# answered (tests/e2e/policies/tm.sipc, libtcc):
#   - CANCEL during ringing: the caller gets 200 for its CANCEL (from
#     sipd's nta) and the callee's 487, relayed; the callee got sipd's
#     CANCEL and answered it; sipd's nta absorbs the caller's ACK;
#   - nobody answers: after tm.fr_inv_timer (2 s) sipd sends the caller
#     408 Request Timeout and CANCELs the callee, which answers 487.
# Each side's sipp must end its call successfully, sipd exit 0.
#
#   sh tests/e2e/test_tm_cancel.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
sc=tests/e2e/scenarios

sipd_start cancel tests/e2e/policies/tm.sipc

sipp_uas_start cancel-uas "$sc/tm_uas_cancel.xml"
sipp_run cancel "$sc/tm_uac_cancel.xml" 1 -key uas_port "$UAS_PORT"
sipp_uas_wait cancel-uas

sipp_uas_start timeout-uas "$sc/tm_uas_cancel.xml"
sipp_run timeout "$sc/tm_uac_timeout.xml" 1 -key uas_port "$UAS_PORT"
sipp_uas_wait timeout-uas

sipd_stop
log_has "$SIPD_LOG" "CANCEL for call-id"
log_has "$SIPD_LOG" ": 408 here (no final reply in time)"
log_has "$SIPD_LOG" "done: 487 sent upstream"
log_has "$SIPD_LOG" "done: 408 sent upstream"
