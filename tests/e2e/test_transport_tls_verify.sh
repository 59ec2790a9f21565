#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_transport_tls_verify.sh - TLS in with verification of the client
# (SPEC.md section 2.4), with certificates made here: a CA, sipd's and a
# client's certificate signed by it, a self-signed client certificate.
#   1. tls.verify_peer = true, tls.ca_list the CA: an OPTIONS through
#      `openssl s_client` with the CA's client certificate is answered
#      200; without a certificate, or with the self-signed one, the
#      handshake is refused (TLS alerts "certificate required" and
#      "unknown ca") and the policy never sees a request.
#   2. tls.verify_peer = true but tls.verify_client = false: a client
#      without a certificate is answered (the direction is configured on
#      its own).
#   3. tls.verify_client = true without tls.ca_list: sipd refuses to
#      start, naming the setting.
#
#   sh tests/e2e/test_transport_tls_verify.sh BUILD_DIR

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
tls_cert sipd 127.0.0.1 ca
tls_cert client alice ca
tls_cert selfsigned alice

# policy NAME SETTINGS: $TMP/NAME.sipc, answering every request 200.
policy() {
    cat >"$TMP/$1.sipc" <<SIPC
tls.certificate = "$TMP/sipd.pem";
tls.private_key = "$TMP/sipd.key";
$2
route {
    xlog("L_INFO", "tls-in: \$rm over \$pr, call-id \$ci");
    sl_send_reply(200, "OK");
}
SIPC
}

# options NAME: $TMP/NAME.txt, an OPTIONS to sipd's TLS port, Call-ID NAME.
options() {
    printf 'OPTIONS sip:127.0.0.1:%s SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bK-%s\r\nFrom: <sip:alice@127.0.0.1>;tag=1\r\nTo: <sip:sipd@127.0.0.1>\r\nCall-ID: %s\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' \
        "$tls_port" "$1" "$1" >"$TMP/$1.txt"
}

# answered NAME [S_CLIENT-ARGS...]: the OPTIONS NAME gets its 200 over TLS.
answered() {
    name=$1
    shift
    options "$name"
    tls_request "$name" "$tls_port" "$TMP/$name.txt" "$@"
    grep -q '^SIP/2.0 200 OK' "$TMP/$name.s_client.out" || {
        show_log "$TMP/$name.s_client.err"
        show_log "$SIPD_LOG"
        fail "$name: no 200 over TLS"
    }
    note "$name: answered 200 over TLS"
}

# refused NAME ALERT [S_CLIENT-ARGS...]: the handshake for the OPTIONS NAME
# fails with the TLS alert ALERT and nothing comes back.
refused() {
    name=$1 alert=$2
    shift 2
    options "$name"
    tls_request "$name" "$tls_port" "$TMP/$name.txt" "$@"
    if grep -q '^SIP/2.0' "$TMP/$name.s_client.out"; then
        show_log "$TMP/$name.s_client.out"
        fail "$name: a client sipd should refuse was answered"
    fi
    log_has "$TMP/$name.s_client.err" "alert $alert"
    note "$name: refused at the handshake (alert $alert)"
}

# 1. Clients must show a certificate the CA signed.
policy verify "tls.ca_list = \"$TMP/ca.pem\";
tls.verify_peer = true;"
sipd_start verify "$TMP/verify.sipc" -l tls:127.0.0.1:0
tls_port=$(sipd_port tls:127.0.0.1)
answered signed -cert "$TMP/client.pem" -key "$TMP/client.key"
refused nocert "certificate required"
refused selfsigned "unknown ca" -cert "$TMP/selfsigned.pem" -key "$TMP/selfsigned.key"
sipd_stop
log_has "$SIPD_LOG" "tls-in: OPTIONS over tls, call-id signed"
n=$(grep -c 'tls-in: ' "$SIPD_LOG")
[ "$n" -eq 1 ] || {
    show_log "$SIPD_LOG"
    fail "the policy saw $n requests, expected only the one with a signed certificate"
}

# 2. tls.verify_client = false: no certificate needed from clients.
policy noverify "tls.ca_list = \"$TMP/ca.pem\";
tls.verify_peer = true;
tls.verify_client = false;"
sipd_start noverify "$TMP/noverify.sipc" -l tls:127.0.0.1:0
tls_port=$(sipd_port tls:127.0.0.1)
answered anonymous
sipd_stop

# 3. A verification without the CA list to verify with: no start.
policy noca "tls.verify_client = true;"
bounded 30 "$B/sipd" -l tls:127.0.0.1:0 "$TMP/noca.sipc" >"$TMP/noca.out" 2>"$TMP/noca.err"
rc=$?
[ "$rc" -eq 1 ] || {
    show_log "$TMP/noca.err"
    fail "sipd with tls.verify_client and no tls.ca_list exited with status $rc, expected 1"
}
log_has "$TMP/noca.err" "tls.verify_client = true needs tls.ca_list"
note "tls.verify_client without tls.ca_list: sipd refused to start"
