#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_dns.sh - next hops given as host names, resolved per RFC 3263 by
# sofia's resolver inside sipd, against a fake DNS server (fake_dns.c) on
# 127.0.0.1 named by the policy's dns.resolv_conf (a resolv.conf with
# `nameserver 127.0.0.1` and `port N`).
#
#  1. sip:uas@example.test: NAPTR -> SRV _sip._udp.example.test with two
#     targets; nothing listens at the first (priority 10: ICMP port
#     unreachable), the second (priority 20) answers 200: the caller gets
#     the 200 (nta's failover to the next SRV target).
#  2. sip:uas@plain.test:PORT (explicit port): an A lookup only.
#  3. sip:uas@busy.test: two SRV targets, the first (priority 10) answers
#     503, the second (priority 20) 200: the caller gets the 200 (tm's own
#     failover on 503, runtime/tm_srv.c, RFC 3263 section 4.3).
#  4. sip:uas@slow.test: two SRV targets, the first (priority 10) takes
#     the INVITE and never answers; after tm.fr_inv_timer (2 s here) tm
#     fails over on its local 408 and the second (priority 20) answers 200.
#
#   sh tests/e2e/test_dns.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
[ -x "$B/fake_dns" ] || fail "$B/fake_dns is not built (run make $B/fake_dns)"
sc=tests/e2e/scenarios

# The two SRV targets, then the DNS server that names them.
DEAD_PORT=$(free_udp_port) # nothing listens there: ICMP port unreachable
sipp_uas_start up "$sc/dns_uas_answer.xml"
UP_PID=$UAS_PID UP_PORT=$UAS_PORT UP_OUT=$UAS_OUT
# Those of busy.test: the first answers 503, the second 200.
sipp_uas_start busy "$sc/dns_uas_503.xml"
BUSY_PID=$UAS_PID BUSY_PORT=$UAS_PORT BUSY_OUT=$UAS_OUT
sipp_uas_start second "$sc/dns_uas_answer.xml"
SECOND_PID=$UAS_PID SECOND_PORT=$UAS_PORT SECOND_OUT=$UAS_OUT
# Those of slow.test: the first never answers, the second 200.
sipp_uas_start silent "$sc/dns_uas_silent.xml"
SILENT_PID=$UAS_PID SILENT_PORT=$UAS_PORT SILENT_OUT=$UAS_OUT
sipp_uas_start after "$sc/dns_uas_answer.xml"
AFTER_PID=$UAS_PID AFTER_PORT=$UAS_PORT AFTER_OUT=$UAS_OUT
UAS_PID=$UP_PID UAS_PORT=$UP_PORT UAS_OUT=$UP_OUT

DNS_PORT=$(free_udp_port)
cat >"$TMP/zone" <<ZONE
example.test NAPTR 10 10 s SIP+D2U _sip._udp.example.test
_sip._udp.example.test SRV 10 0 $DEAD_PORT sip1.example.test
_sip._udp.example.test SRV 20 0 $UP_PORT sip2.example.test
sip1.example.test A 127.0.0.1
sip2.example.test A 127.0.0.1
plain.test A 127.0.0.1
busy.test NAPTR 10 10 s SIP+D2U _sip._udp.busy.test
_sip._udp.busy.test SRV 10 0 $BUSY_PORT sip3.busy.test
_sip._udp.busy.test SRV 20 0 $SECOND_PORT sip4.busy.test
sip3.busy.test A 127.0.0.1
sip4.busy.test A 127.0.0.1
slow.test NAPTR 10 10 s SIP+D2U _sip._udp.slow.test
_sip._udp.slow.test SRV 10 0 $SILENT_PORT sip5.slow.test
_sip._udp.slow.test SRV 20 0 $AFTER_PORT sip6.slow.test
sip5.slow.test A 127.0.0.1
sip6.slow.test A 127.0.0.1
ZONE
"$B/fake_dns" "$DNS_PORT" "$TMP/zone" "$TMP/dns.ready" >"$TMP/dns.log" 2>&1 &
DNS_PID=$!
started "$DNS_PID"
n=50
until [ -s "$TMP/dns.ready" ]; do
    alive "$DNS_PID" && [ "$n" -gt 0 ] || {
        show_log "$TMP/dns.log"
        fail "fake_dns did not start on 127.0.0.1:$DNS_PORT"
    }
    n=$((n - 1))
    sleep 0.1
done
note "fake_dns pid $DNS_PID on 127.0.0.1:$DNS_PORT"
printf 'nameserver 127.0.0.1\nport %s\n' "$DNS_PORT" >"$TMP/resolv.conf"

{
    echo "dns.resolv_conf = \"$TMP/resolv.conf\";"
    sed 's/^tm\.fr_inv_timer = .*/tm.fr_inv_timer = 2000;/' tests/e2e/policies/tm.sipc
} >"$TMP/dns.sipc"

# --- 1. SRV failover on an unreachable target ---------------------------------------------------
sipd_start dns "$TMP/dns.sipc"
sipp_run srv "$sc/dns_uac_call.xml" 1 -key target example.test -key test plain -key next - -key fork -
sipp_uas_wait up
log_has "$TMP/dns.log" "Q example.test NAPTR -> 1"
log_has "$TMP/dns.log" "Q _sip._udp.example.test SRV -> 2"
log_has "$TMP/dns.log" "Q sip2.example.test A -> 1"
note "example.test: NAPTR, SRV, the first target dead, the 200 of the second"

# --- 2. a plain A lookup ------------------------------------------------------
sipp_uas_start plain "$sc/dns_uas_answer.xml"
sipp_run plain "$sc/dns_uac_call.xml" 1 -key target "plain.test:$UAS_PORT" -key test plain -key next - -key fork -
sipp_uas_wait plain

# --- 3. SRV failover on 503 ---------------------------------------------------
sipp_run busy "$sc/dns_uac_call.xml" 1 -key target busy.test -key test plain -key next - -key fork -
UAS_PID=$BUSY_PID UAS_OUT=$BUSY_OUT
sipp_uas_wait busy
UAS_PID=$SECOND_PID UAS_OUT=$SECOND_OUT
sipp_uas_wait second
log_has "$SIPD_LOG" "trying the next SRV target"
log_has "$TMP/dns.log" "Q sip4.busy.test A -> 1"
note "busy.test: the 503 of the first SRV target, the 200 of the second"

# --- 4. SRV failover on a timeout ----------------------------------------------
sipp_run slow "$sc/dns_uac_call.xml" 1 -key target slow.test -key test plain -key next - -key fork -
UAS_PID=$SILENT_PID UAS_OUT=$SILENT_OUT
sipp_uas_wait silent
UAS_PID=$AFTER_PID UAS_OUT=$AFTER_OUT
sipp_uas_wait after
log_has "$TMP/dns.log" "Q sip6.slow.test A -> 1"
note "slow.test: the first SRV target silent until fr_inv_timer, the 200 of the second"
sipd_stop
log_has "$TMP/dns.log" "Q plain.test A -> 1"
if grep -q "Q plain.test \(NAPTR\|SRV\)" "$TMP/dns.log" || grep -q "_sip._udp.plain.test" "$TMP/dns.log"; then
    show_log "$TMP/dns.log"
    fail "an explicit port must mean an A/AAAA lookup only"
fi
note "plain.test with a port: A only"
