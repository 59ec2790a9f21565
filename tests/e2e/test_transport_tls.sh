#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_transport_tls.sh - TLS in: a certificate made here (openssl req,
# self-signed for CN=127.0.0.1, one day), a policy that listens on tls and
# udp (both port 0, from -l) with tls.certificate and tls.private_key, and
# an OPTIONS sent through `openssl s_client` (Debian's sipp has no TLS)
# answered 200 by the policy, which logs $pr, $Ri and $Rp: tls, and the
# listening address (not the connection's peer).  sipd's private
# certificate directory is gone once it listens.  Then the refusals: a
# key file that cannot be read.
#
#   sh tests/e2e/test_transport_tls.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog openssl openssl
# Under `make asan`: full stacks through OpenSSL (built without frame
# pointers), so that tests/e2e/lsan.supp can match sofia-sip's TLS leak.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0
export ASAN_OPTIONS
TMPDIR=$TMP/tmp # where sipd makes its certificate directory
export TMPDIR
mkdir "$TMPDIR" || fail "cannot make $TMPDIR"

bounded 60 openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" >"$TMP/openssl.log" 2>&1 || {
    show_log "$TMP/openssl.log"
    fail "openssl req could not make a certificate"
}

cat >"$TMP/tls.sipc" <<'SIPC'
tls.certificate = "@TMP@/cert.pem";
tls.private_key = "@TMP@/key.pem";
route {
    xlog("L_INFO", "tls-test: $rm over $pr to $Ri:$Rp");
    sl_send_reply(200, "OK");
}
SIPC
sed -i "s|@TMP@|$TMP|" "$TMP/tls.sipc"

sipd_start tls "$TMP/tls.sipc" -l tls:127.0.0.1:0
tls_port=$(sipd_port tls:127.0.0.1)
[ -z "$(ls -A "$TMPDIR")" ] || fail "sipd left its certificate directory: $(ls "$TMPDIR")"

printf 'OPTIONS sip:127.0.0.1:%s SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bK-tls-1\r\nFrom: <sip:test@127.0.0.1>;tag=1\r\nTo: <sip:sipd@127.0.0.1>\r\nCall-ID: tls-test-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' \
    "$tls_port" >"$TMP/options.txt"
tls_request options "$tls_port" "$TMP/options.txt"
grep -q '^SIP/2.0 200 OK' "$TMP/options.s_client.out" || {
    show_log "$TMP/options.s_client.err"
    show_log "$TMP/options.s_client.out"
    show_log "$SIPD_LOG"
    fail "no SIP/2.0 200 OK over TLS"
}
note "OPTIONS over TLS answered 200"
sipd_stop
log_has "$SIPD_LOG" "info: listening on tls:127.0.0.1:$tls_port"
log_has "$SIPD_LOG" "tls-test: OPTIONS over tls to 127.0.0.1:$tls_port"

# A key file that cannot be read stops sipd before it listens.
sed "s|$TMP/key.pem|$TMP/missing.pem|" "$TMP/tls.sipc" >"$TMP/nokey.sipc"
bounded 30 "$B/sipd" -l tls:127.0.0.1:0 "$TMP/nokey.sipc" >"$TMP/nokey.out" 2>"$TMP/nokey.err"
rc=$?
[ "$rc" -eq 1 ] || {
    show_log "$TMP/nokey.err"
    fail "sipd with an unreadable key exited with status $rc, expected 1"
}
log_has "$TMP/nokey.err" "tls.private_key: cannot read $TMP/missing.pem"
[ -z "$(ls -A "$TMPDIR")" ] || fail "sipd left its certificate directory after refusing: $(ls "$TMPDIR")"
