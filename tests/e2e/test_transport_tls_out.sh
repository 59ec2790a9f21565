#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_transport_tls_out.sh - TLS out: sipd relays (t_relay) an OPTIONS
# that came in over UDP to `sip:uas@127.0.0.1:PORT;transport=tls`, where
# `openssl s_server` listens (Debian's sipp has no TLS), with certificates
# made here: a CA, sipd's certificate and the server's, both signed by it,
# and a second CA that signed nothing here.  SPEC.md section 2.4:
#   1. tls.verify_peer = true, tls.ca_list the CA: the server (which asks
#      for sipd's certificate and verifies it with the same CA) gets the
#      OPTIONS over TLS, with sipd's Via `SIP/2.0/TLS` and its TLS port
#      on top; its 200, written back on the same connection, reaches the
#      UDP caller.
#   2. tls.ca_list the other CA: sipd refuses the server's certificate,
#      nothing reaches the server, and the branch fails at once (503, sent
#      upstream as 500 by RFC 3261 section 16.7), long before tm.fr_timer.
#   3. tls.verify_peer = true but tls.verify_server = false: a server with
#      a self-signed certificate gets the OPTIONS (the direction is
#      configured on its own).
#
#   sh tests/e2e/test_transport_tls_out.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog openssl openssl
# Under `make asan`: full stacks through OpenSSL, so that
# tests/e2e/lsan.supp can match sofia-sip's TLS leak (test_transport_tls.sh).
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0
export ASAN_OPTIONS

tls_ca ca
tls_ca otherca
tls_cert sipd 127.0.0.1 ca
tls_cert uas 127.0.0.1 ca
tls_cert selfsigned 127.0.0.1

# policy NAME CA [EXTRA-SETTING]: $TMP/NAME.sipc, relaying every request.
policy() {
    cat >"$TMP/$1.sipc" <<SIPC
tls.certificate = "$TMP/sipd.pem";
tls.private_key = "$TMP/sipd.key";
tls.ca_list = "$TMP/$2.pem";
tls.verify_peer = true;
${3:-}
route {
    xlog("L_INFO", "tls-out: \$rm from \$pr to \$ru");
    if (!t_relay()) {
        sl_send_reply(500, "Relay Failed");
    }
}
SIPC
}

# options NAME: $TMP/NAME.txt, an OPTIONS for the s_server over TLS, from
# a UDP caller whose Via asks for rport (the reply comes back to udp_send).
options() {
    printf 'OPTIONS sip:uas@127.0.0.1:%s;transport=tls SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;rport;branch=z9hG4bK-%s\r\nFrom: <sip:test@127.0.0.1>;tag=1\r\nTo: <sip:uas@127.0.0.1>\r\nCall-ID: %s\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' \
        "$TLS_SRV_PORT" "$1" "$1" >"$TMP/$1.txt"
}

# answer: write a 200 for the request the s_server received back to sipd
# (its Vias, From, To with a tag, Call-ID, CSeq; CRLF line ends).
answer() {
    tr -d '\r' <"$TLS_SRV_OUT.out" | awk '
        /^$/ { exit }
        /^(Via|From|Call-ID|CSeq):/ { printf "%s\r\n", $0 }
        /^To:/ { printf "%s;tag=uas\r\n", $0 }
    ' >"$TMP/answer.hdr"
    { printf 'SIP/2.0 200 OK\r\n'; cat "$TMP/answer.hdr"; printf 'Content-Length: 0\r\n\r\n'; } >&3
}

# relay NAME: send $TMP/NAME.txt to sipd over UDP in the background, the
# answer (its status line) to $TMP/NAME.reply.
relay() {
    "$B/udp_send" -w 10000 127.0.0.1 "$SIPD_PORT" "$TMP/$1.txt" >"$TMP/$1.reply" 2>&1 &
    UDP_PID=$!
    started "$UDP_PID"
}
relay_wait() {
    wait "$UDP_PID"
    reaped "$UDP_PID"
}

# 1. Verified both ways: the OPTIONS arrives over TLS, the 200 comes back.
policy good ca
tls_server_start uas uas -Verify 1 -CAfile "$TMP/ca.pem"
options good
sipd_start good "$TMP/good.sipc" -l tls:127.0.0.1:0
tls_port=$(sipd_port tls:127.0.0.1)
relay good
wait_for "$TLS_SRV_OUT.out" '^Content-Length' 10 || {
    show_log "$TLS_SRV_OUT.err"
    show_log "$SIPD_LOG"
    fail "the OPTIONS did not reach the TLS server"
}
answer
relay_wait
grep -q '^SIP/2.0 200 OK' "$TMP/good.reply" || {
    show_log "$TMP/good.reply"
    show_log "$SIPD_LOG"
    fail "the caller did not get the TLS server's 200"
}
note "OPTIONS relayed over TLS, 200 back to the caller"
log_has "$TLS_SRV_OUT.out" "OPTIONS sip:uas@127.0.0.1:$TLS_SRV_PORT;transport=tls SIP/2.0"
sed -n 2p "$TLS_SRV_OUT.out" | grep -q "^Via: SIP/2.0/TLS 127.0.0.1:$tls_port;branch=z9hG4bK" || {
    show_log "$TLS_SRV_OUT.out"
    fail "the server's request has not sipd's TLS Via on top"
}
log_has "$TLS_SRV_OUT.out" "Via: SIP/2.0/UDP 127.0.0.1:5999;rport="
log_has "$TLS_SRV_OUT.out" "Max-Forwards: 69"
sipd_stop
tls_server_stop
log_has "$SIPD_LOG" "tls-out: OPTIONS from udp to sip:uas@127.0.0.1:$TLS_SRV_PORT;transport=tls"
log_has "$SIPD_LOG" "transaction of OPTIONS call-id good done: 200 sent upstream"

# 2. A CA that did not sign the server's certificate: refused, 500 at once.
policy badca otherca
tls_server_start uas-badca uas
options badca
sipd_start badca "$TMP/badca.sipc" -l tls:127.0.0.1:0
relay badca
relay_wait
grep -q '^SIP/2.0 500 ' "$TMP/badca.reply" || {
    show_log "$TMP/badca.reply"
    show_log "$SIPD_LOG"
    fail "a server with an unverified certificate: expected 500 at once, got $(cat "$TMP/badca.reply")"
}
note "server certificate from an unknown CA: branch failed at once, 500 upstream"
sipd_stop
tls_server_stop
if grep -q 'OPTIONS' "$TLS_SRV_OUT.out"; then
    show_log "$TLS_SRV_OUT.out"
    fail "the OPTIONS reached a server whose certificate did not verify"
fi
log_has "$SIPD_LOG" "branch 0 of call-id badca: 503 here"

# 3. tls.verify_server = false: a self-signed server gets the request.
policy noverify ca 'tls.verify_server = false;'
tls_server_start uas-self selfsigned
options noverify
sipd_start noverify "$TMP/noverify.sipc" -l tls:127.0.0.1:0
relay noverify
wait_for "$TLS_SRV_OUT.out" '^Content-Length' 10 || {
    show_log "$TLS_SRV_OUT.err"
    show_log "$SIPD_LOG"
    fail "with tls.verify_server = false the OPTIONS did not reach the self-signed server"
}
answer
relay_wait
grep -q '^SIP/2.0 200 OK' "$TMP/noverify.reply" || {
    show_log "$TMP/noverify.reply"
    show_log "$SIPD_LOG"
    fail "the caller did not get the self-signed server's 200"
}
note "tls.verify_server = false: relayed to a self-signed server"
sipd_stop
tls_server_stop
