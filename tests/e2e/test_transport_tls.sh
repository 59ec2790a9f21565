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
# key file that cannot be read; files OpenSSL cannot load (a garbage
# certificate, a garbage key, a key that is not the certificate's, a
# garbage tls.ca_list), which sofia would take and then fail every
# handshake with: each stops sipd at start, status 1, naming the file.
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

# refused NAME FILE-TO-REPLACE GARBAGE-FILE MESSAGE [SETTING-LINE]: sipd on
# a copy of the policy with FILE-TO-REPLACE named as GARBAGE-FILE (and
# SETTING-LINE added) exits 1 before it listens, with MESSAGE on stderr.
refused() {
    { [ -z "${5:-}" ] || echo "$5"; sed "s|$2|$3|" "$TMP/tls.sipc"; } >"$TMP/$1.sipc"
    bounded 30 "$B/sipd" -l tls:127.0.0.1:0 "$TMP/$1.sipc" >"$TMP/$1.out" 2>"$TMP/$1.err"
    rc=$?
    [ "$rc" -eq 1 ] || {
        show_log "$TMP/$1.err"
        fail "sipd with $1 exited with status $rc, expected 1"
    }
    log_has "$TMP/$1.err" "$4"
    [ -z "$(ls -A "$TMPDIR")" ] || fail "sipd left its certificate directory after refusing ($1): $(ls "$TMPDIR")"
    note "$1: refused at start"
}
refused unreadable-key "$TMP/key.pem" "$TMP/missing.pem" "tls.private_key: cannot read $TMP/missing.pem"
printf 'not a certificate\n' >"$TMP/garbage.pem"
bounded 60 openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=other -days 1 \
    -keyout "$TMP/other-key.pem" -out "$TMP/other-cert.pem" >"$TMP/openssl-other.log" 2>&1 || {
    show_log "$TMP/openssl-other.log"
    fail "openssl req could not make a second certificate"
}
refused garbage-cert "$TMP/cert.pem" "$TMP/garbage.pem" \
    "tls.certificate: $TMP/garbage.pem holds no certificate OpenSSL can load"
refused garbage-key "$TMP/key.pem" "$TMP/garbage.pem" \
    "tls.private_key: $TMP/garbage.pem holds no unencrypted private key OpenSSL can load"
refused cert-as-key "$TMP/key.pem" "$TMP/cert.pem" \
    "tls.private_key: $TMP/cert.pem holds no unencrypted private key OpenSSL can load"
refused other-key "$TMP/key.pem" "$TMP/other-key.pem" \
    "tls.private_key: $TMP/other-key.pem is not the key of the certificate in $TMP/cert.pem"
refused garbage-ca "$TMP/garbage.pem" "$TMP/garbage.pem" \
    "tls.ca_list: $TMP/garbage.pem holds no certificate OpenSSL can load" "tls.ca_list = \"$TMP/garbage.pem\";"
