#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_tm_onreply.sh - an onreply_route changes the replies of a
# transaction (tests/e2e/policies/tm.sipc, onreply_route[mark], libtcc): the
# callee's 180 and 200 carry an X-Secret header; the caller must get both
# without it and with X-Reply-Route naming the branch ($T_branch_idx) and
# an AVP the request route set ($avp(tag)), checked by sipp's ereg
# (tm_uac_call_marked.xml).  sipd exits 0.
#
#   sh tests/e2e/test_tm_onreply.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
sc=tests/e2e/scenarios

sipd_start onreply tests/e2e/policies/tm.sipc
sipp_uas_start onreply-uas "$sc/tm_uas_answer.xml"
sipp_run onreply "$sc/tm_uac_call_marked.xml" 1 -key uas_port "$UAS_PORT" -key test onreply -key next - \
    -key fork -
sipp_uas_wait onreply-uas
sipd_stop
