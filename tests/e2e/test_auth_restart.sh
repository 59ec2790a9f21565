#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_auth_restart.sh - digest credentials captured before a restart are
# not accepted after it (issue #11 point 4).  The nonce key is kept in the
# database (no auth.secret), so it survives a restart, but the nonce counts
# do not: sipd refuses as stale every nonce issued before it started
# (runtime/auth.h, the epoch).  On a copy of tests/e2e/policies/auth.sipc
# with the database's key, 60 s nonces and usrloc.db_mode = write_through,
# over one SQLite file:
#   1. sipp registers alice (auth_uac_register_sipp.xml, traced); its
#      authorized REGISTER is captured; `sipctl ul show` lists the contact,
#      then (sipd stopped) `sipctl ul rm` removes it;
#   2. a new sipd on the same file and port: the captured REGISTER sent again byte
#      for byte gets 401 with stale=true (a fresh challenge), and `sipctl
#      ul show` lists no binding of alice;
#   3. sipp, a real client, still registers there.
#
#   sh tests/e2e/test_auth_restart.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
SEND=$B/udp_send
[ -x "$SEND" ] || fail "$SEND is not built (make $SEND)"
[ -x "$B/sipctl" ] || fail "$B/sipctl is not built (run make)"
sc=tests/e2e/scenarios

DB=sqlite:$TMP/auth.db
{
    "$B/sipctl" db init "$DB" && "$B/sipctl" user add --url "$DB" alice@sipc.test alice-secret
} >"$TMP/sipctl.log" 2>&1 || {
    show_log "$TMP/sipctl.log"
    fail "sipctl could not provision alice in $DB"
}
policy=$TMP/auth-restart.sipc
sed -e '/^auth\.secret = /d' -e 's/^auth\.nonce_expire = .*/auth.nonce_expire = 60;/' \
    -e 's/^usrloc\.db_mode = .*/usrloc.db_mode = write_through;/' tests/e2e/policies/auth.sipc >"$policy"
grep -q '^usrloc\.db_mode = write_through;' "$policy" || fail "could not set usrloc.db_mode in a copy of auth.sipc"
grep -q '^auth\.secret' "$policy" && fail "could not remove auth.secret from a copy of auth.sipc"

# bindings: what `sipctl ul show` says of alice, into $TMP/ul.out.
bindings() {
    "$B/sipctl" ul show --url "$DB" alice@sipc.test >"$TMP/ul.out" 2>&1 || {
        show_log "$TMP/ul.out"
        fail "sipctl ul show failed"
    }
}

# --- 1. register, capture ------------------------------------------------------

# The second sipd listens where the first did, as a restarted server
# does: the captured credentials sign that address (sipp's digest uri).
E2E_PORT=pick sipd_start before "$policy" --db "$DB"
port=$SIPD_PORT
sipp_run register "$sc/auth_uac_register_sipp.xml" 1 -au alice -ap alice-secret -key user alice \
    -trace_msg -message_file "$TMP/register.msgs"
sipd_stop
sent_msg "$TMP/register.msgs" "CSeq: 2 REGISTER" "$TMP/replay.sip"
grep -aq '^Authorization: Digest .*nc=00000001' "$TMP/replay.sip" || fail "the captured REGISTER has no credentials"
contact=$(tr -d '\r' <"$TMP/replay.sip" | sed -n 's/^Contact: <\([^>]*\)>.*/\1/p')
via_port=$(tr -d '\r' <"$TMP/replay.sip" | sed -n 's/^Via: SIP\/2\.0\/UDP [^:;]*:\([0-9]*\).*/\1/p' | head -n 1)
[ -n "$contact" ] && [ -n "$via_port" ] || fail "no Contact or Via port in the captured REGISTER"
bindings
log_has "$TMP/ul.out" "contact     $contact"
"$B/sipctl" ul rm --url "$DB" alice@sipc.test >"$TMP/rm.out" 2>&1 || {
    show_log "$TMP/rm.out"
    fail "sipctl ul rm failed"
}

# --- 2. restart, replay ----------------------------------------------------------

E2E_PORT=$port sipd_start after "$policy" --db "$DB"
"$SEND" -a -s "$via_port" -w 2000 127.0.0.1 "$SIPD_PORT" "$TMP/replay.sip" >"$TMP/replay.out" ||
    fail "udp_send failed"
status=$(head -n 1 "$TMP/replay.out")
[ "$status" = "SIP/2.0 401 Unauthorized" ] || {
    show_log "$SIPD_LOG"
    fail "the REGISTER replayed after the restart got \"$status\", expected 401"
}
grep -q '^WWW-Authenticate: Digest .*, stale=true$' "$TMP/replay.out" || {
    show_log "$TMP/replay.out"
    fail "the 401 to the replayed REGISTER has no stale=true"
}
log_has "$SIPD_LOG" "authorize alice: a stale nonce"
bindings
if grep -Fq "$contact" "$TMP/ul.out"; then
    show_log "$TMP/ul.out"
    fail "the replayed REGISTER stored $contact"
fi
note "the REGISTER replayed after the restart: 401 stale=true, no binding"

# --- 3. a real client registers -------------------------------------------------

sipp_run register-again "$sc/auth_uac_register_sipp.xml" 1 -au alice -ap alice-secret -key user alice
bindings
log_has "$TMP/ul.out" "aor alice@sipc.test"
sipd_stop
