#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_auth_nodes.sh - several sipd nodes behind one service accept each
# other's nonces (issue #7): nonces are signed with auth.secret, which the
# nodes share, and name the issuing node (auth.node) without depending on
# it.  Three sipd on one SQLite subscriber table: A and B share the secret
# (nodes "node-a", "node-b"), C has another.
#   1. A REGISTER to A gets 401; its nonce is read from the reply.
#   2. The credentials for that nonce, computed here (md5sum), sent to B:
#      200 OK (B never saw the nonce: nonces are stateless).
#   3. The same nonce with the next nonce count to C: 401 (not its nonce).
#   4. The same nonce count again to B: 401 (a replay at B).
#   5. Two more nodes, D and E, whose policies set no auth.secret: the key
#      is the one kept in the database they share (table sipc_secret), so
#      a nonce of D is accepted by E too.
# A node refuses as stale any nonce issued before the second after it
# started (runtime/auth.h, the epoch), so each challenge waits until the
# clock is past the start of the nodes it is sent to (past_start).
#
#   sh tests/e2e/test_auth_nodes.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
need_prog md5sum coreutils
SEND=$B/udp_send
[ -x "$SEND" ] || fail "$SEND is not built (make $SEND)"

DB=sqlite:$TMP/nodes.db
PW=node-secret-pw
{ "$B/sipctl" db init "$DB" && "$B/sipctl" user add --url "$DB" alice@sipc.test "$PW"; } >"$TMP/sipctl.log" 2>&1 || {
    show_log "$TMP/sipctl.log"
    fail "cannot provision alice@sipc.test"
}

# node NAME SECRET: a copy of the auth policy with 60 s nonces; SECRET -
# for none (the database's).
node() {
    if [ "$2" = - ]; then
        secret='/^auth\.secret = /d'
    else
        secret="s/^auth\.secret = .*/auth.secret = \"$2\";/"
    fi
    {
        echo "auth.node = \"$1\";"
        sed -e "$secret" -e 's/^auth\.nonce_expire = .*/auth.nonce_expire = 60;/' tests/e2e/policies/auth.sipc
    } >"$TMP/$1.sipc"
}
node node-a shared-secret
node node-b shared-secret
node node-c another-secret
node node-d -
node node-e -

sipd_start a "$TMP/node-a.sipc" --db "$DB"
A_PID=$SIPD_PID A_PORT=$SIPD_PORT A_LOG=$SIPD_LOG
sipd_start b "$TMP/node-b.sipc" --db "$DB"
B_PID=$SIPD_PID B_PORT=$SIPD_PORT B_LOG=$SIPD_LOG
sipd_start c "$TMP/node-c.sipc" --db "$DB"
C_PID=$SIPD_PID C_PORT=$SIPD_PORT C_LOG=$SIPD_LOG

cat >"$TMP/challenge.xml" <<'XML'
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="one challenge">
  <send><![CDATA[

    REGISTER sip:sipc.test SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:alice@sipc.test>;tag=[call_number]
    To: <sip:alice@sipc.test>
    Call-ID: [call_id]
    CSeq: 1 REGISTER
    Contact: <sip:alice@[local_ip]:[local_port]>
    Max-Forwards: 70
    Content-Length: 0

  ]]></send>
  <recv response="401"/>
</scenario>
XML
# challenge NAME PORT: sets $nonce to the one in the 401 of the node at PORT.
challenge() {
    SIPD_PORT=$2
    rm -f "$TMP/challenge-$1.msgs"
    sipp_run "challenge-$1" "$TMP/challenge.xml" 1 -trace_msg -message_file "$TMP/challenge-$1.msgs"
    nonce=$(tr -d '\r' <"$TMP/challenge-$1.msgs" | sed -n 's/^WWW-Authenticate: Digest .*nonce="\([0-9a-f]*\)".*/\1/p' | head -n 1)
    [ "${#nonce}" -eq 72 ] || fail "no 72-digit nonce in node $1's 401: \"$nonce\""
    note "node $1's nonce: $nonce"
}

# past_start NAME: wait (bounded) until the clock has left the second in
# which node NAME's sipd wrote its ready file (it started no later): from
# then on a nonce any node issues is good at every node started so far.
past_start() {
    started_at=$(stat -c %Y "$TMP/$1.ready") || fail "no ready file of node $1"
    n=30
    while [ "$(date +%s)" -le "$started_at" ]; do
        [ "$n" -gt 0 ] || fail "the clock did not pass $started_at"
        n=$((n - 1))
        sleep 0.1
    done
}

# --- 1. the challenge of node A ----------------------------------------------------
past_start c
challenge A "$A_PORT"

# --- 2..4. credentials for it, to the other nodes ------------------------------
md5() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }
HA1=$(md5 "alice:sipc.test:$PW")
HA2=$(md5 "REGISTER:sip:sipc.test")

# register NC CSEQ FILE: a REGISTER with credentials for $nonce and nonce
# count NC, its Via naming port VIA_PORT (udp_send -s answers come there).
VIA_PORT=$(free_udp_port)
register() {
    resp=$(md5 "$HA1:$nonce:$1:0a4f113b:auth:$HA2")
    printf '%s\r\n' "REGISTER sip:sipc.test SIP/2.0" \
        "Via: SIP/2.0/UDP 127.0.0.1:$VIA_PORT;branch=z9hG4bK-nodes-$2" \
        "From: <sip:alice@sipc.test>;tag=nodes" "To: <sip:alice@sipc.test>" \
        "Call-ID: nodes-$2@127.0.0.1" "CSeq: $2 REGISTER" \
        "Contact: <sip:alice@127.0.0.1:$VIA_PORT>" "Max-Forwards: 70" \
        "Authorization: Digest username=\"alice\", realm=\"sipc.test\", nonce=\"$nonce\", uri=\"sip:sipc.test\", response=\"$resp\", algorithm=MD5, qop=auth, nc=$1, cnonce=\"0a4f113b\"" \
        "Content-Length: 0" "" >"$3"
}

# expect WHAT PORT FILE STATUS
expect() {
    got=$("$SEND" -s "$VIA_PORT" -w 2000 127.0.0.1 "$2" "$3") || fail "udp_send failed"
    case $got in
    "SIP/2.0 $4"*) note "$1: $got" ;;
    *) fail "$1: got \"$got\", expected $4" ;;
    esac
}

register 00000001 2 "$TMP/reg-b.sip"
expect "node A's nonce at node B" "$B_PORT" "$TMP/reg-b.sip" 200
log_has "$B_LOG" "REGISTER"
register 00000002 3 "$TMP/reg-c.sip"
expect "node A's nonce at node C (another secret)" "$C_PORT" "$TMP/reg-c.sip" 401
log_has "$C_LOG" "a nonce not issued here"
expect "the same nonce count again at node B" "$B_PORT" "$TMP/reg-b.sip" 401
log_has "$B_LOG" "a nonce count used before (replay)"

for n in a b c; do
    eval "SIPD_PID=\$$(echo "$n" | tr a-c A-C)_PID"
    sipd_stop
done

# --- 5. no auth.secret: the database's key -------------------------------------
sipd_start d "$TMP/node-d.sipc" --db "$DB"
D_PID=$SIPD_PID D_PORT=$SIPD_PORT
sipd_start e "$TMP/node-e.sipc" --db "$DB"
E_PID=$SIPD_PID E_PORT=$SIPD_PORT E_LOG=$SIPD_LOG
past_start e
challenge D "$D_PORT"
register 00000001 4 "$TMP/reg-e.sip"
expect "node D's nonce at node E (the database's key)" "$E_PORT" "$TMP/reg-e.sip" 200
log_has "$E_LOG" "call-id nodes-4@127.0.0.1: replied 200"
for pid in "$D_PID" "$E_PID"; do
    SIPD_PID=$pid
    sipd_stop
done
