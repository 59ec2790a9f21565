#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_transport_tcp_udp.sh - several listen addresses at once, and a call
# that changes transport: sipd listens on udp and tcp (both port 0: the
# ready file lists both), the caller (sipp -t t1) comes in over TCP, the
# callee (sipp over UDP) is reached over UDP, replies go back over the
# caller's TCP connection, ACK and BYE follow the Record-Routes.  The
# callee checks the double Record-Route (UDP interface on top, TCP below)
# and the rport and received sipd put into the caller's Via (RFC 3581),
# before the Record-Routes.
#
#   sh tests/e2e/test_transport_tcp_udp.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
sc=tests/e2e/scenarios

sipd_start tcp-udp tests/e2e/policies/tm.sipc -l tcp:127.0.0.1:0
tcp_port=$(sipd_port tcp:127.0.0.1)
[ "$(printf '%s\n' "$SIPD_ADDRS" | wc -l)" -eq 2 ] || fail "expected two bound addresses, got: $SIPD_ADDRS"
sipp_uas_start tcp-udp-uas "$sc/transport_uas_rr2.xml"
SIPP_TARGET=127.0.0.1:$tcp_port sipp_run tcp-udp "$sc/transport_uac_call.xml" 1 -t t1 \
    -key uas_host 127.0.0.1 -key uas_port "$UAS_PORT"
sipp_uas_wait tcp-udp-uas
sipd_stop
log_has "$SIPD_LOG" "info: listening on tcp:127.0.0.1:$tcp_port"
log_has "$SIPD_LOG" "stats: 2 server transactions"
