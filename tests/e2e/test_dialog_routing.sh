#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_dialog_routing.sh - genuine dialogs keep working through signed
# Record-Routes (SPEC.md section 6, "Route headers"; issue #11).  Real sipd
# on tests/e2e/policies/dialog.sipc, sipp on both ends:
#   1. caller -> sipd -> callee: after 200/ACK the caller's re-INVITE (200,
#      ACK) and UPDATE (200) and then the callee's BYE (200) each go
#      through sipd along the route set, whose values carry `;sig=`.
#   2. the same dialog through two record-routing sipd, A -> B, each with
#      its own auth.secret: every in-dialog request, both ways, crosses
#      both and each verifies its own signature.
#   3. two nodes sharing a secret: a call set up through A; an in-dialog
#      request carrying A's signature in a Route that names B is routed by
#      B (the signature covers the dialog, not the host); a node C with
#      another secret answers the same request 404.
#
#   sh tests/e2e/test_dialog_routing.sh BUILD_DIR

# shellcheck disable=SC2153 # node() sets NAME_PID, NAME_PORT, NAME_LOG by eval

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
sc=tests/e2e/scenarios

# node NAME SECRET: start sipd on a copy of the policy with auth.secret =
# SECRET ($TMP/NAME.sipc); its PID, port and log go to NAME_PID, NAME_PORT,
# NAME_LOG (NAME in capitals) as well as SIPD_*.
node() {
    sed "s/^auth\.secret = .*/auth.secret = \"$2\";/" tests/e2e/policies/dialog.sipc >"$TMP/$1.sipc"
    grep -q "^auth.secret = \"$2\";" "$TMP/$1.sipc" || fail "no auth.secret line in dialog.sipc"
    sipd_start "$1" "$TMP/$1.sipc"
    v=$(echo "$1" | tr '[:lower:]' '[:upper:]')
    eval "${v}_PID=\$SIPD_PID ${v}_PORT=\$SIPD_PORT ${v}_LOG=\$SIPD_LOG"
}

# stop_node NAME: sipd_stop for the sipd of `node NAME`.
stop_node() {
    v=$(echo "$1" | tr '[:lower:]' '[:upper:]')
    eval "SIPD_PID=\$${v}_PID SIPD_LOG=\$${v}_LOG"
    sipd_stop
}

# routes FILE METHOD: the Route header lines of the METHOD requests in a
# sipp message trace (-trace_msg) that carry one.
routes() {
    tr -d '\r' <"$1" | awk -v m="$2" '
        $1 == m && $3 == "SIP/2.0" { inreq = 1; next }
        inreq && /^Route:/ { print }
        /^$/ { inreq = 0 }'
}

# signed_routes FILE METHOD HOPS: FILE shows METHOD requests with a Route,
# each with HOPS values, every one naming 127.0.0.1 with `;lr;sig=HEX`
# (retransmissions may repeat a request: they are not counted).
signed_routes() {
    got=$(routes "$1" "$2")
    [ -n "$got" ] || fail "$1: no $2 request with a Route"
    one='<sip:127\.0\.0\.1:[0-9]+;lr;sig=[0-9a-f]{24}>'
    re="^Route: $one"
    i=1
    while [ "$i" -lt "$3" ]; do
        re="$re, *$one"
        i=$((i + 1))
    done
    bad=$(printf '%s\n' "$got" | grep -Ev "$re\$" | head -n 1)
    [ -z "$bad" ] || fail "$1: a $2 without $3 signed Route values: $bad"
    note "$2: Route of $3 signed values: $(printf '%s\n' "$got" | head -n 1)"
}

# relayed LOG METHOD MIN: the sipd of LOG relayed at least MIN METHOD
# requests (statefully, branch 0; an ACK statelessly).
relayed() {
    if [ "$2" = ACK ]; then
        n=$(grep -c "t_relay: ACK has no transaction of its own; relayed statelessly" "$1")
    else
        n=$(grep -Ec "branch 0 of $2 call-id .* relayed to " "$1")
    fi
    [ "$n" -ge "$3" ] || {
        show_log "$1"
        fail "$1: $n $2 relayed, expected at least $3"
    }
}

# dialog_relayed LOG: the sipd of LOG relayed the whole dialog of
# dlg_uac_call.xml: both INVITEs and their ACKs, the UPDATE, the BYE, and
# refused none of them.
dialog_relayed() {
    relayed "$1" INVITE 2
    relayed "$1" ACK 2
    relayed "$1" UPDATE 1
    relayed "$1" BYE 1
    SIPD_LOG=$1
    sipd_lacks 'replied 404'
}

# --- 1. one proxy: re-INVITE and UPDATE from the caller, BYE from the callee
node one dialog-secret-one
sipp_uas_start one-uas "$sc/dlg_uas_answer.xml" -trace_msg -message_file "$TMP/one-uas.msgs"
sipp_run one "$sc/dlg_uac_call.xml" 1 -key uas_port "$UAS_PORT" -key next_proxy - \
    -trace_msg -message_file "$TMP/one-uac.msgs"
sipp_uas_wait one-uas
stop_node one
for m in INVITE ACK UPDATE; do
    signed_routes "$TMP/one-uac.msgs" $m 1
done
signed_routes "$TMP/one-uas.msgs" BYE 1
dialog_relayed "$ONE_LOG"

# --- 2. two proxies, each with its own key: caller -> A -> B -> callee -----
node b2 dialog-secret-b2
node a2 dialog-secret-a2
sipp_uas_start two-uas "$sc/dlg_uas_answer.xml" -trace_msg -message_file "$TMP/two-uas.msgs"
sipp_run two "$sc/dlg_uac_call.xml" 1 -key uas_port "$UAS_PORT" \
    -key next_proxy "sip:127.0.0.1:$B2_PORT" -trace_msg -message_file "$TMP/two-uac.msgs"
sipp_uas_wait two-uas
stop_node b2
stop_node a2
for m in INVITE ACK UPDATE; do
    signed_routes "$TMP/two-uac.msgs" $m 2
done
signed_routes "$TMP/two-uas.msgs" BYE 2
dialog_relayed "$A2_LOG"
dialog_relayed "$B2_LOG"
# Each side's route set starts at the proxy next to it.
routes "$TMP/two-uac.msgs" UPDATE | grep -q "^Route: <sip:127\.0\.0\.1:$A2_PORT;" ||
    fail "the caller's UPDATE does not go to A first"
routes "$TMP/two-uas.msgs" BYE | grep -q "^Route: <sip:127\.0\.0\.1:$B2_PORT;" ||
    fail "the callee's BYE does not go to B first"
# The two keys differ: A's value is not B's.
sigs=$(routes "$TMP/two-uac.msgs" UPDATE | head -n 1 | grep -o 'sig=[0-9a-f]*' | sort -u | wc -l)
[ "$sigs" = 2 ] || fail "the two proxies' Record-Routes carry $sigs distinct signatures, expected 2"

# --- 3. nodes sharing a key: A's signature is good at B, not at C ---------
node a3 dialog-shared-secret
node b3 dialog-shared-secret
node c3 dialog-other-secret
sipp_uas_start three-uas "$sc/dlg_uas_shared.xml" -key a_port "$A3_PORT" -key b_port "$B3_PORT"
SIPD_PORT=$A3_PORT SIPD_LOG=$A3_LOG
sipp_run three "$sc/dlg_uac_shared.xml" 1 -key uas_port "$UAS_PORT" -key a_port "$A3_PORT" \
    -key b_port "$B3_PORT" -key c_port "$C3_PORT" -trace_msg -message_file "$TMP/three-uac.msgs"
sipp_uas_wait three-uas
stop_node c3
stop_node b3
stop_node a3
# The UPDATE both got: a Route naming the node, with A's signature.
sig=$(routes "$TMP/three-uac.msgs" BYE | grep -o 'sig=[0-9a-f]*' | head -n 1)
for port in "$C3_PORT" "$B3_PORT"; do
    routes "$TMP/three-uac.msgs" UPDATE | grep -q "^Route: <sip:127\.0\.0\.1:$port;lr;$sig>\$" ||
        fail "no UPDATE with Route <sip:127.0.0.1:$port;lr;$sig>"
done
relayed "$A3_LOG" INVITE 1
relayed "$A3_LOG" BYE 1
relayed "$B3_LOG" UPDATE 1
log_has "$C3_LOG" "UPDATE in a dialog from 127.0.0.1"
log_has "$C3_LOG" "names us in its Route without our signature"
SIPD_LOG=$C3_LOG
sipd_has '^sipd: debug: UPDATE from 127\.0\.0\.1:[0-9]+ call-id .*: replied 404'
sipd_lacks 'relayed'
for log in "$A3_LOG" "$B3_LOG"; do
    SIPD_LOG=$log
    sipd_lacks 'replied 404'
done
