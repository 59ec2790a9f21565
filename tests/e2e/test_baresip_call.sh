#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_baresip_call.sh - real phones through sipd's registrar and proxy
# (issues #6 and #7): two baresip instances (tests/e2e/baresip.sh: no audio
# device, auto-answer, driven over ctrl_tcp) with digest passwords
# register alice and bob with sipd running examples/registrar-proxy.sipc,
# which authenticates (SQLite user location and subscribers in this test's
# scratch directory, sipd --db; the users provisioned with `sipctl user
# add`); alice calls bob by AOR, bob answers, alice hangs up.  On both
# backends (libtcc, and a `sipc build` .so) it checks:
#   - both phones registered: each REGISTER was challenged (401, MD5 alone:
#     the policy spares phones whose User-Agent starts with "baresip" the
#     SHA-256 challenge baresip 1.0 would give up on), then answered 2xx
#     (baresip's reginfo "OK"), and sipd replied 401 then 200 to each;
#   - the call is established on both sides: alice's INVITE was challenged
#     (407), her authenticated INVITE relayed to bob's registered contact
#     (lookup) without her credentials, alice got the 2xx from sipd;
#   - ACK and BYE went through sipd (Record-Route), with the INVITE's
#     call-id; the BYE's 200 came back; both phones report the call closed;
#   - the phones unREGISTER and quit, sipd exits 0 on SIGTERM with two
#     server transactions (INVITE and BYE; REGISTER and the challenges are
#     stateless).
#
#   sh tests/e2e/test_baresip_call.sh BUILD_DIR


set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/baresip.sh
. "$(dirname "$0")/baresip.sh"
e2e_init "$@"
baresip_init

# --- what the test runs against
POLICY=${POLICY:-examples/registrar-proxy.sipc}
# The host part of the phones' AORs (sip:alice@SIP_DOMAIN:PORT); PORT is
# sipd's: chosen by the kernel, unless SIPD_FIXED_PORT is set (for a policy
# whose domain names its port).
SIP_DOMAIN=${SIP_DOMAIN:-127.0.0.1}
SIPD_FIXED_PORT=${SIPD_FIXED_PORT:-}
# The database of user location and subscribers, in this test's scratch
# directory (sipd --db; `sipctl db init` creates the schema).
DB_FILE=$TMP/location.db
# The phones' digest passwords (no ; " \ < > or spaces: baresip_start).
ALICE_PW=alice-pw-7
BOB_PW=bob-pw-7
# More sipd options (split on spaces).
SIPD_ARGS=${SIPD_ARGS:-}

[ -n "$SIPD_FIXED_PORT" ] && E2E_PORT=$SIPD_FIXED_PORT
need_prog cc gcc

policy=$POLICY

# --- one call ------------------------------------------------------------------


# md5_only PHONE HEADER: the phone's User-Agent starts with "baresip" (what
# the policy's challenge routes test), it received challenges in HEADER
# (WWW-Authenticate or Proxy-Authenticate), and each offered MD5 alone.
md5_only() {
    _mo_log=$TMP/baresip.$1/stdout.log
    grep -q '^User-Agent: baresip' "$_mo_log" || {
        baresip_show_logs "$1"
        fail "baresip $1 sends no User-Agent starting with \"baresip\""
    }
    tr -d '\r' <"$_mo_log" | grep -i "^$2:" >"$TMP/$1.challenges"
    grep -q 'algorithm=MD5$' "$TMP/$1.challenges" || {
        baresip_show_logs "$1"
        fail "baresip $1 received no $2 challenge offering MD5"
    }
    if grep -qv 'algorithm=MD5$' "$TMP/$1.challenges"; then
        baresip_show_logs "$1"
        fail "baresip $1 was offered another algorithm than MD5: $(grep -v 'algorithm=MD5$' "$TMP/$1.challenges" | head -n 1)"
    fi
}

# call TAG POLICY: sipd on POLICY, phones alice-TAG and bob-TAG, one call.
call() {
    tag=$1
    rm -f "$DB_FILE"
    if ! {
        "$B/sipctl" db init "sqlite:$DB_FILE" &&
            "$B/sipctl" user add --url "sqlite:$DB_FILE" "alice@$SIP_DOMAIN" "$ALICE_PW" &&
            "$B/sipctl" user add --url "sqlite:$DB_FILE" "bob@$SIP_DOMAIN" "$BOB_PW"
    } >"$TMP/$tag.sipctl.log" 2>&1; then
        show_log "$TMP/$tag.sipctl.log"
        fail "sipctl could not provision alice and bob in $DB_FILE"
    fi
    # shellcheck disable=SC2086 # SIPD_ARGS is a list
    sipd_start "$tag" "$2" --db "sqlite:$DB_FILE" $SIPD_ARGS
    sipd=127.0.0.1:$SIPD_PORT
    domain=$SIP_DOMAIN:$SIPD_PORT
    esc_sipd=$(printf '%s' "$sipd" | sed 's/\./\\./g')

    baresip_start "alice-$tag" alice "$domain" "$ALICE_PW"
    alice_port=$BARESIP_SIP_PORT
    baresip_start "bob-$tag" bob "$domain" "$BOB_PW"
    bob_port=$BARESIP_SIP_PORT
    baresip_wait_registered "alice-$tag"
    baresip_wait_registered "bob-$tag"
    for who in alice bob; do
        baresip_sip_has "$who-$tag" "^RCVD $esc_sipd SIP/2\\.0 401 [^|]*\\| CSeq: [0-9]+ REGISTER\$"
        baresip_sip_has "$who-$tag" "^RCVD $esc_sipd SIP/2\\.0 2[0-9][0-9] [^|]*\\| CSeq: [0-9]+ REGISTER\$"
        md5_only "$who-$tag" WWW-Authenticate
    done
    for port in $alice_port $bob_port; do
        sipd_has "REGISTER from 127\\.0\\.0\\.1:$port call-id [^ ]+: replied 401"
        sipd_has "REGISTER from 127\\.0\\.0\\.1:$port call-id [^ ]+: replied 200"
    done
    [ -s "$DB_FILE" ] || fail "sipd wrote no $DB_FILE"

    baresip_dial "alice-$tag" "sip:bob@$domain"
    baresip_wait_established "bob-$tag"
    baresip_wait_established "alice-$tag"
    baresip_sip_has "alice-$tag" "^RCVD $esc_sipd SIP/2\\.0 407 [^|]*\\| CSeq: [0-9]+ INVITE\$"
    md5_only "alice-$tag" Proxy-Authenticate
    sipd_has "INVITE from 127\\.0\\.0\\.1:$alice_port call-id [^ ]+: replied 407"
    baresip_sip_has "bob-$tag" "^RCVD $esc_sipd INVITE sip:bob-[^ ]*@127\\.0\\.0\\.1:$bob_port SIP/2\\.0 "
    # consume_credentials(): alice's credentials stop at sipd
    if tr -d '\r' <"$TMP/baresip.bob-$tag/stdout.log" | sed -n '/^INVITE sip:bob-/,/^$/p' |
        grep -qi '^Proxy-Authorization:'; then
        baresip_show_logs "bob-$tag"
        fail "bob received alice's Proxy-Authorization"
    fi
    baresip_sip_has "alice-$tag" "^RCVD $esc_sipd SIP/2\\.0 200 [^|]*\\| CSeq: [0-9]+ INVITE\$"
    baresip_sip_has "alice-$tag" "^SENT $esc_sipd ACK "

    baresip_hangup "alice-$tag"
    baresip_wait_closed "alice-$tag"
    baresip_wait_closed "bob-$tag"
    baresip_sip_has "alice-$tag" "^SENT $esc_sipd BYE "
    baresip_sip_has "bob-$tag" "^RCVD $esc_sipd BYE "
    # the 200 to BYE may reach alice after she has let go of the call
    baresip_wait_sip "alice-$tag" "^RCVD $esc_sipd SIP/2\\.0 200 [^|]*\\| CSeq: [0-9]+ BYE\$"

    # What sipd saw of the call: one call-id from alice, relayed to bob's contact.
    cid=$(sed -n "s/.*INVITE from 127\\.0\\.0\\.1:$alice_port call-id \\([^ ]*\\): .*forwarded.*/\\1/p" "$SIPD_LOG" | head -n 1)
    [ -n "$cid" ] || {
        show_log "$SIPD_LOG"
        fail "sipd did not log alice's INVITE as forwarded"
    }
    sipd_has "branch 0 of INVITE call-id $cid relayed to sip:bob-[^ ]*@127\\.0\\.0\\.1:$bob_port"
    sipd_has "transaction of INVITE call-id $cid done: 200 sent upstream"
    sipd_has "ACK from 127\\.0\\.0\\.1:$alice_port call-id $cid: "
    sipd_has "branch 0 of BYE call-id $cid relayed to sip:bob-[^ ]*@127\\.0\\.0\\.1:$bob_port"
    sipd_has "BYE from 127\\.0\\.0\\.1:$alice_port call-id $cid: .*forwarded"
    sipd_has "transaction of BYE call-id $cid done: 200 sent upstream"

    baresip_stop "alice-$tag" "bob-$tag" || fail "the phones did not quit (unREGISTER unanswered?)"
    sipd_stop
    log_has "$SIPD_LOG" "stats: 2 server transactions"
}

call bs-tcc "$policy"

"$B/sipc" build "$policy" -o "$TMP/registrar-proxy.so" >"$TMP/build.log" 2>&1 || {
    show_log "$TMP/build.log"
    fail "sipc build $policy failed"
}
call bs-gcc "$TMP/registrar-proxy.so"
