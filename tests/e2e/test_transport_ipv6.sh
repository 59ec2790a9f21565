#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_transport_ipv6.sh - a basic call over the IPv6 loopback: sipd
# listens on udp:[::1]:0 only (test_transport_dual.sh mixes the
# families), the caller and the callee are sipp on ::1; the callee checks
# sipd's Via, its Record-Route and the rport and received sipd put into
# the caller's Via, all with ::1.  Skipped (exit 77, with the reason) only when the kernel has no ::1.
#
#   sh tests/e2e/test_transport_ipv6.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
if ! grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
    skip "this kernel has no IPv6 loopback address ::1 (see ip -6 addr show lo)"
fi
sc=tests/e2e/scenarios

SIPD_DEFAULTS=0 sipd_start ipv6 tests/e2e/policies/tm.sipc -d -l 'udp:[::1]:0'
v6_port=$(sipd_port 'udp:[::1]')
UAS_IP=::1 sipp_uas_start ipv6-uas "$sc/transport_uas_v6.xml"
SIPP_IP=::1 SIPP_TARGET="[::1]:$v6_port" sipp_run ipv6 "$sc/transport_uac_call.xml" 1 \
    -key uas_host '[::1]' -key uas_port "$UAS_PORT"
sipp_uas_wait ipv6-uas
sipd_stop
log_has "$SIPD_LOG" "info: listening on udp:[::1]:$v6_port"
log_has "$SIPD_LOG" "stats: 2 server transactions"
