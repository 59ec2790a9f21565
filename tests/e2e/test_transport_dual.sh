#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_transport_dual.sh - IPv4 and IPv6 in one sipd: it listens on
# udp:127.0.0.1 (first) and udp:[::1], and two calls cross the families,
# so each request and reply must leave on the transport of its
# destination's family (runtime/rt_listen.c):
#   1. the caller (sipp) on 127.0.0.1, the callee (sipp) on ::1, named by
#      its IPv6 address in the request URI; the callee checks sipd's IPv6
#      Via, the caller's Via with rport and received, and the double
#      Record-Route (IPv6 interface on top, IPv4 below) after all Vias;
#   2. the other way round, with the same sipd: the caller on ::1, the
#      callee on 127.0.0.1 checks sipd's IPv4 Via, the caller's IPv6 Via
#      with rport and received=::1, and the Record-Routes IPv4 on top,
#      IPv6 below.
# In both, ACK and BYE follow the Record-Routes.  Skipped (exit 77,
# with the reason) only when the kernel has no ::1.
#
#   sh tests/e2e/test_transport_dual.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
if ! grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
    skip "this kernel has no IPv6 loopback address ::1 (see ip -6 addr show lo)"
fi
sc=tests/e2e/scenarios

SIPD_DEFAULTS=0 sipd_start dual tests/e2e/policies/tm.sipc -d -l udp:127.0.0.1:0 -l 'udp:[::1]:0'
v4_port=$(sipd_port udp:127.0.0.1)
v6_port=$(sipd_port 'udp:[::1]')
UAS_IP=::1 sipp_uas_start dual-uas "$sc/transport_uas_dual.xml"
SIPP_TARGET=127.0.0.1:$v4_port sipp_run dual "$sc/transport_uac_call.xml" 1 \
    -key uas_host '[::1]' -key uas_port "$UAS_PORT"
sipp_uas_wait dual-uas
# 2. IPv6 caller, IPv4 callee
sipp_uas_start dual-uas-v4 "$sc/transport_uas_dual_v4.xml"
SIPP_IP=::1 SIPP_TARGET="[::1]:$v6_port" sipp_run dual-v6 "$sc/transport_uac_call.xml" 1 \
    -key uas_host 127.0.0.1 -key uas_port "$UAS_PORT"
sipp_uas_wait dual-uas-v4
sipd_stop
log_has "$SIPD_LOG" "info: listening on udp:127.0.0.1:$v4_port"
log_has "$SIPD_LOG" "info: listening on udp:[::1]:$v6_port"
log_has "$SIPD_LOG" "stats: 4 server transactions"
