#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_auth.sh - digest authentication (issue #7) end to end: sipd on
# tests/e2e/policies/auth.sipc (realm and domain sipc.test, nonces that
# expire after 2 s, MD5 challenges), users alice and bob provisioned with
# `sipctl user add` into the test's SQLite database (sipd --db), driven by
# sipp (which computes MD5 digests itself: -au, -ap, -auth_uri) and by
# udp_send (raw requests).  It checks:
#   - REGISTER is challenged (401, one MD5 challenge), a wrong password
#     gets a fresh 401 (not 403), the right one 200, the same nonce again
#     with a higher nc 200, and alice's credentials for bob's AOR 403
#     (auth_uac_register.xml);
#   - a stale nonce: credentials for a nonce older than
#     auth.nonce_expire get 401 with stale=true and a fresh nonce, then
#     200 (auth_uac_stale.xml);
#   - credentials whose uri is not the request URI: 400
#     (auth_uac_register_400.xml);
#   - INVITE is challenged (407), then relayed to a sipp UAS without the
#     credentials (auth_uac_invite.xml, auth_uas_answer.xml);
#   - From spoofing (bob's From, alice's credentials) gets 403, and a call
#     from another domain to another domain gets 403: no open relay
#     (auth_uac_invite_refused.xml);
#   - malformed and unusual Authorization / Proxy-Authorization headers
#     (missing fields, huge values, bad quoting, unknown algorithm or qop,
#     nc not 8 hex digits, duplicate parameters, wrong realm, Basic...)
#     get exactly the 400 or 401/407 auth_fn.c documents, and sipd lives;
#   - a replayed nonce count: an authenticated REGISTER sent again byte
#     for byte (captured from sipp's -trace_msg, resent by udp_send) gets
#     401, on a second sipd (a `sipc build` .so of a copy of the policy
#     whose nonces live 60 s, so the replay is not merely stale), which
#     also relays the authenticated call.
# Both sipd runs exit 0 on SIGTERM.
#
#   sh tests/e2e/test_auth.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
need_prog cc gcc
sc=tests/e2e/scenarios
policy=tests/e2e/policies/auth.sipc
SEND=$B/udp_send
[ -x "$SEND" ] || fail "$SEND is not built (make $SEND)"
[ -x "$B/sipctl" ] || fail "$B/sipctl is not built (run make)"

# --- users -------------------------------------------------------------------

DB=sqlite:$TMP/auth.db
ALICE_PW=alice-secret
BOB_PW=bob-secret
{
    "$B/sipctl" db init "$DB" &&
        "$B/sipctl" user add --url "$DB" alice@sipc.test "$ALICE_PW" &&
        "$B/sipctl" user add --url "$DB" bob@sipc.test "$BOB_PW"
} >"$TMP/sipctl.log" 2>&1 || {
    show_log "$TMP/sipctl.log"
    fail "sipctl could not provision the users in $DB"
}

# --- helpers -----------------------------------------------------------------

# as USER PASSWORD: sipp's credentials for [authentication] (-au, -ap).
as() {
    echo "-au $1 -ap $2"
}

# log_count FILE TEXT: lines of FILE that contain TEXT.
log_count() {
    grep -Fc -- "$2" "$1"
}

# log_lacks FILE TEXT: fail if FILE has a line containing TEXT.
log_lacks() {
    if grep -Fq -- "$2" "$1"; then
        show_log "$1"
        fail "a line with \"$2\" in $1"
    fi
}

# sipd_alive WHAT: fail if sipd died (after WHAT).
sipd_alive() {
    alive "$SIPD_PID" || {
        show_log "$SIPD_LOG"
        fail "sipd died after $1"
    }
}

# uas_call NAME: the authenticated call of alice to a sipp UAS (407, then
# relayed without credentials, answered, ACK, BYE).
uas_call() {
    sipp_uas_start "$1-uas" "$sc/auth_uas_answer.xml"
    # shellcheck disable=SC2046 # as prints two options
    sipp_run "$1" "$sc/auth_uac_invite.xml" 1 $(as alice "$ALICE_PW") -auth_uri "uas@127.0.0.1:$UAS_PORT" \
        -key user alice -key uas_port "$UAS_PORT"
    sipp_uas_wait "$1-uas"
    log_has "$SIPD_LOG" "INVITE from alice@sipc.test authorized"
    log_has "$SIPD_LOG" "relayed to sip:uas@127.0.0.1:$UAS_PORT"
}

# Raw requests: bad METHOD EXPECTED NAME VALUE sends a request whose
# Authorization (REGISTER for alice@sipc.test) or Proxy-Authorization
# (INVITE from alice@sipc.test to carol@elsewhere.example) header is
# VALUE, from an ephemeral port (Via rport), and requires the reply's
# status line to be "SIP/2.0 EXPECTED".
nbad=0
bad_failed=""
bad() {
    nbad=$((nbad + 1))
    f=$TMP/bad-$nbad.sip
    case $1 in
    REGISTER) ruri=sip:sipc.test to=sip:alice@sipc.test hdr=Authorization ;;
    INVITE) ruri=sip:carol@elsewhere.example to=sip:carol@elsewhere.example hdr=Proxy-Authorization ;;
    esac
    printf '%s %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK-bad-%s\r\nMax-Forwards: 70\r\nFrom: <sip:alice@sipc.test>;tag=bad-%s\r\nTo: <%s>\r\nCall-ID: bad-%s@auth.test\r\nCSeq: 1 %s\r\nContact: <sip:alice@127.0.0.1:9>\r\n%s: %s\r\nContent-Length: 0\r\n\r\n' \
        "$1" "$ruri" "$nbad" "$nbad" "$to" "$nbad" "$1" "$hdr" "$4" >"$f"
    got=$("$SEND" -w 2000 127.0.0.1 "$SIPD_PORT" "$f") || fail "udp_send failed on $f"
    if [ "$got" = "SIP/2.0 $2" ]; then
        note "bad $nbad ($1, $3): $got"
    else
        echo "bad $nbad ($1, $3): expected \"SIP/2.0 $2\", got \"$got\"" >&2
        bad_failed="$bad_failed $nbad"
    fi
    sipd_alive "bad case $nbad ($3)"
}

# --- 1. libtcc, nonces of 2 s ---------------------------------------------------

sipd_start auth-tcc "$policy" --db "$DB"

# shellcheck disable=SC2046 # as prints two options
sipp_run register "$sc/auth_uac_register.xml" 1 $(as alice "$ALICE_PW") -auth_uri sipc.test \
    -key user alice -key spoof_user bob
log_has "$SIPD_LOG" "authorize alice: wrong password"
log_has "$SIPD_LOG" "REGISTER for alice@sipc.test: 1 change"
log_has "$SIPD_LOG" "To user bob@sipc.test is not the authenticated alice@sipc.test"
log_lacks "$SIPD_LOG" "REGISTER for bob@sipc.test"

# shellcheck disable=SC2046
sipp_run stale "$sc/auth_uac_stale.xml" 1 $(as bob "$BOB_PW") -auth_uri sipc.test -key user bob
log_has "$SIPD_LOG" "authorize bob: a stale nonce"
log_has "$SIPD_LOG" "REGISTER for bob@sipc.test: 1 change"

# shellcheck disable=SC2046
sipp_run uri-mismatch "$sc/auth_uac_register_400.xml" 1 $(as alice "$ALICE_PW") -auth_uri other.test -key user alice
log_has "$SIPD_LOG" "authorize alice: the uri is not the request URI"

uas_call invite-tcc

# shellcheck disable=SC2046
sipp_run refused "$sc/auth_uac_invite_refused.xml" 1 $(as alice "$ALICE_PW") -auth_uri carol@elsewhere.example \
    -key from_user bob -key to_domain elsewhere.example
log_has "$SIPD_LOG" "From user bob@sipc.test is not the authenticated alice@sipc.test"
log_lacks "$SIPD_LOG" "relayed to sip:carol@elsewhere.example"

# Bad input: each is answered 400 (credentials that do not parse, by
# auth_fn.c, or a header sofia cannot parse, by the runtime) or with a
# new challenge (credentials we cannot use), and sipd lives on; none is
# let in (no new binding, no relay).
changes=$(log_count "$SIPD_LOG" ": 1 change")
relays=$(log_count "$SIPD_LOG" "relayed to")
N72=$(printf '%072d' 0)   # 72 hex digits: the shape of our nonces, not ours
R32=0123456789abcdef0123456789abcdef
R64=$R32$R32
huge=$(printf '%05000d' 0 | tr 0 a)
base="username=\"alice\", realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:sipc.test\", response=\"$R32\""
qop='qop=auth, nc=00000001, cnonce="0a4f113b"'
M400='400 Malformed Credentials'
H400='400 Bad Authorization Header'
C401='401 Unauthorized'
bad REGISTER "$M400" 'no username' "Digest realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:sipc.test\", response=\"$R32\", $qop"
bad REGISTER "$M400" 'no response' "Digest username=\"alice\", realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:sipc.test\", $qop"
bad REGISTER "$M400" 'no nonce' "Digest username=\"alice\", realm=\"sipc.test\", uri=\"sip:sipc.test\", response=\"$R32\""
bad REGISTER "$M400" 'no uri' "Digest username=\"alice\", realm=\"sipc.test\", nonce=\"$N72\", response=\"$R32\""
bad REGISTER "$M400" 'no realm' "Digest username=\"alice\", nonce=\"$N72\", uri=\"sip:sipc.test\", response=\"$R32\""
bad REGISTER "$H400" 'no parameters' "Digest"
bad REGISTER "$H400" 'empty header' ""
bad REGISTER "$M400" 'empty values' "Digest username=, realm=, nonce=, uri=, response="
bad REGISTER "$M400" 'only commas' "Digest ,,,,,,"
bad REGISTER "$M400" 'a parameter without a value' "Digest username"
bad REGISTER "$M400" 'a value without a name' "Digest =alice"
bad REGISTER "$M400" 'huge username' "Digest username=\"$huge\", realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:sipc.test\", response=\"$R32\""
bad REGISTER "$M400" 'huge nonce' "Digest username=\"alice\", realm=\"sipc.test\", nonce=\"$huge\", uri=\"sip:sipc.test\", response=\"$R32\""
bad REGISTER "$M400" 'huge opaque' "Digest $base, opaque=\"$huge$huge$huge$huge$huge$huge\""
bad REGISTER "$M400" 'unquoted username of 513 bytes' "Digest username=a$(printf '%0512d' 0), realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:sipc.test\", response=\"$R32\", $qop"
bad REGISTER "$M400" 'huge unquoted response' "Digest username=\"alice\", realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:sipc.test\", response=$huge"
bad REGISTER "$H400" 'unterminated quote' "Digest username=\"alice\", realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:sipc.test\", response=\"$R32"
bad REGISTER "$H400" 'quote inside a token' "Digest username=al\"ice, realm=sipc.test, nonce=abc, uri=\"sip:sipc.test\", response=$R32"
bad REGISTER "$H400" 'quotes crossed' "Digest username=\"alice, realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:sipc.test\", response=\"$R32\""
bad REGISTER "$H400" 'escaped quote and backslash' "Digest username=\"al\\\\\"ice\", realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:sipc.test\", response=\"$R32\""
bad REGISTER "$M400" 'no comma between parameters' "Digest username=\"alice\"realm=\"sipc.test\" nonce=\"$N72\""
bad REGISTER "$C401" 'unknown algorithm' "Digest $base, algorithm=SHA-512-256, $qop"
bad REGISTER "$C401" 'empty algorithm' "Digest $base, algorithm=\"\", $qop"
bad REGISTER "$M400" 'SHA-256 with an MD5-sized response' "Digest $base, algorithm=SHA-256, $qop"
bad REGISTER "$C401" 'SHA-256, a nonce not ours' "Digest username=\"alice\", realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:sipc.test\", response=\"$R64\", algorithm=SHA-256, $qop"
bad REGISTER "$M400" 'MD5-sess without cnonce' "Digest $base, algorithm=MD5-sess"
bad REGISTER "$C401" 'qop auth-int' "Digest $base, qop=auth-int, nc=00000001, cnonce=\"x\""
bad REGISTER "$C401" 'no qop (RFC 2069)' "Digest $base"
bad REGISTER "$M400" 'nc 1 digit' "Digest $base, qop=auth, nc=1, cnonce=\"x\""
bad REGISTER "$M400" 'nc 9 digits' "Digest $base, qop=auth, nc=000000001, cnonce=\"x\""
bad REGISTER "$M400" 'nc not hex' "Digest $base, qop=auth, nc=0000000g, cnonce=\"x\""
bad REGISTER "$M400" 'nc quoted, empty' "Digest $base, qop=auth, nc=\"\", cnonce=\"x\""
bad REGISTER "$M400" 'qop without nc' "Digest $base, qop=auth, cnonce=\"x\""
bad REGISTER "$M400" 'qop without cnonce' "Digest $base, qop=auth, nc=00000001"
bad REGISTER "$M400" 'nc without qop' "Digest $base, nc=00000001, cnonce=\"x\""
bad REGISTER "$M400" 'response not hex' "Digest username=\"alice\", realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:sipc.test\", response=\"zz23456789abcdef0123456789abcdef\", $qop"
bad REGISTER "$M400" 'username twice' "Digest $base, username=\"bob\", $qop"
bad REGISTER "$M400" 'qop twice' "Digest $base, qop=auth, $qop"
bad REGISTER "$M400" 'response twice, equal' "Digest $base, response=\"$R32\", $qop"
bad REGISTER "$M400" 'realm twice, case differs' "Digest $base, REALM=\"sipc.test\", $qop"
bad REGISTER "$C401" 'another realm' "Digest username=\"alice\", realm=\"other.example\", nonce=\"$N72\", uri=\"sip:sipc.test\", response=\"$R32\", $qop"
bad REGISTER "$C401" 'Basic' "Basic YWxpY2U6YWxpY2Utc2VjcmV0"
bad REGISTER "$C401" 'an unknown scheme' "Bearer abc.def.ghi"
bad REGISTER "$C401" 'lower-case scheme, a nonce not ours' "digest $base, $qop"
bad REGISTER "$C401" 'a nonce not ours' "Digest $base, $qop"
bad REGISTER "$C401" 'a short nonce' "Digest username=\"alice\", realm=\"sipc.test\", nonce=\"abc\", uri=\"sip:sipc.test\", response=\"$R32\", $qop"
bad REGISTER "$C401" 'an unknown user' "Digest username=\"mallory\", realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:sipc.test\", response=\"$R32\", $qop"
bad REGISTER "$C401" 'an empty username' "Digest username=\"\", realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:sipc.test\", response=\"$R32\", $qop"
bad REGISTER "$C401" 'a uri that does not parse' "Digest username=\"alice\", realm=\"sipc.test\", nonce=\"$N72\", uri=\"::::\", response=\"$R32\", $qop"
bad REGISTER "$C401" '500 unknown parameters' "Digest $(i=1; while [ $i -le 500 ]; do printf 'p%s=%s, ' $i $i; i=$((i + 1)); done)$base, $qop"
bad REGISTER "$C401" 'a control byte in a quoted value' "$(printf 'Digest username="al\001ice", realm="sipc.test", nonce="%s", uri="sip:sipc.test", response="%s", %s' "$N72" "$R32" "$qop")"
bad REGISTER "$C401" 'UTF-8 in a quoted value' "$(printf 'Digest username="al\303\251ice", realm="sipc.test", nonce="%s", uri="sip:sipc.test", response="%s", %s' "$N72" "$R32" "$qop")"
bad REGISTER "$M400" 'a malformed one after another realm' \
    "$(printf 'Digest username="alice", realm="other.example", nonce="%s", uri="sip:sipc.test", response="%s"\r\nAuthorization: Digest username="alice", realm="sipc.test"' "$N72" "$R32")"
bad INVITE "$M400" 'INVITE: no response' "Digest username=\"alice\", realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:carol@elsewhere.example\", $qop"
bad INVITE "$M400" 'INVITE: nc not hex' "Digest username=\"alice\", realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:carol@elsewhere.example\", response=\"$R32\", qop=auth, nc=xyz, cnonce=\"c\""
# A Proxy-Authorization sofia cannot parse is not an error that refuses
# the request (nta's bad_req_mask leaves out the headers of proxies,
# rt_error.c): the policy sees no credentials and challenges.
bad INVITE '407 Proxy Authentication Required' 'INVITE: unterminated quote' "Digest username=\"alice\", realm=\"sipc.test"
bad INVITE '407 Proxy Authentication Required' 'INVITE: Basic' "Basic YWxpY2U6YWxpY2Utc2VjcmV0"
bad INVITE '407 Proxy Authentication Required' 'INVITE: unknown algorithm' "Digest username=\"alice\", realm=\"sipc.test\", nonce=\"$N72\", uri=\"sip:carol@elsewhere.example\", response=\"$R32\", algorithm=XYZ, $qop"
bad INVITE '407 Proxy Authentication Required' 'INVITE: another realm' "Digest username=\"alice\", realm=\"other.example\", nonce=\"$N72\", uri=\"sip:carol@elsewhere.example\", response=\"$R32\", $qop"
[ -z "$bad_failed" ] || {
    show_log "$SIPD_LOG"
    fail "bad input cases with another answer than expected:$bad_failed"
}
if [ "$(log_count "$SIPD_LOG" ": 1 change")" != "$changes" ] ||
    [ "$(log_count "$SIPD_LOG" "relayed to")" != "$relays" ]; then
    show_log "$SIPD_LOG"
    fail "a bad input case changed a binding or was relayed"
fi
sipd_stop

# --- 2. a sipc build .so, nonces of 60 s: replay ---------------------------------

sed 's/^auth\.nonce_expire = 2;/auth.nonce_expire = 60;/' "$policy" >"$TMP/auth-long.sipc"
grep -q '^auth\.nonce_expire = 60;' "$TMP/auth-long.sipc" || fail "could not set auth.nonce_expire in a copy of $policy"
"$B/sipc" build "$TMP/auth-long.sipc" -o "$TMP/auth-long.so" >"$TMP/build.log" 2>&1 || {
    show_log "$TMP/build.log"
    fail "sipc build $TMP/auth-long.sipc failed"
}
sipd_start auth-gcc "$TMP/auth-long.so" --db "$DB"

# shellcheck disable=SC2046
sipp_run register-traced "$sc/auth_uac_register.xml" 1 $(as alice "$ALICE_PW") -auth_uri sipc.test \
    -key user alice -key spoof_user bob -trace_msg -message_file "$TMP/register.msgs"
accepted=$(log_count "$SIPD_LOG" "REGISTER for alice@sipc.test: 1 change")
# CSeq 3 (nc=00000001) and CSeq 4 (nc=00000002) of the fresh nonce were
# accepted; each sent again, byte for byte, is a replay.  Its Via names
# sipp's port without rport: udp_send -s sends from that port on another
# loopback address, where sipd's answer (to the Via port, at the source
# address) comes back.
for cseq in 4 3; do
    sent_msg "$TMP/register.msgs" "CSeq: $cseq REGISTER" "$TMP/replay-$cseq.sip"
    grep -aq '^Authorization: Digest ' "$TMP/replay-$cseq.sip" || fail "the REGISTER with CSeq $cseq has no credentials"
    via_port=$(tr -d '\r' <"$TMP/replay-$cseq.sip" | sed -n 's/^Via: SIP\/2\.0\/UDP [^:;]*:\([0-9]*\).*/\1/p' | head -n 1)
    [ -n "$via_port" ] || fail "no Via port in the REGISTER with CSeq $cseq"
    got=$("$SEND" -s "$via_port" -w 2000 127.0.0.1 "$SIPD_PORT" "$TMP/replay-$cseq.sip") || fail "udp_send failed"
    [ "$got" = "SIP/2.0 401 Unauthorized" ] || {
        show_log "$SIPD_LOG"
        fail "the replayed REGISTER (CSeq $cseq) got \"$got\", expected a 401"
    }
    note "replay of the REGISTER with CSeq $cseq: $got"
done
[ "$(log_count "$SIPD_LOG" "authorize alice: a nonce count used before (replay)")" = 2 ] || {
    show_log "$SIPD_LOG"
    fail "sipd did not log both replays as such"
}
[ "$(log_count "$SIPD_LOG" "REGISTER for alice@sipc.test: 1 change")" = "$accepted" ] ||
    fail "a replayed REGISTER changed the bindings"
log_lacks "$SIPD_LOG" "stale"

uas_call invite-gcc
sipd_stop
