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

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
sc=tests/e2e/scenarios

# node NAME SECRET: a copy of the policy with auth.secret = SECRET, as
# $TMP/NAME.sipc.
node() {
    sed "s/^auth\.secret = .*/auth.secret = \"$2\";/" tests/e2e/policies/dialog.sipc >"$TMP/$1.sipc"
    grep -q "^auth.secret = \"$2\";" "$TMP/$1.sipc" || fail "no auth.secret line in dialog.sipc"
}

# msgs_route FILE METHOD: the Route header lines of the METHOD requests
# sipp sent or received, as traced in FILE (-trace_msg).
msgs_routes() {
    tr -d '\r' <"$1" | awk -v m="$2" '
        /^(UDP|TCP) message (sent|received)/ { inreq = 0 }
        $1 == m && $3 == "SIP/2.0" { inreq = 1; next }
        inreq && /^Route:/ { print }
        inreq && /^$/ { inreq = 0 }'
}

# stop_node PID LOG: sipd_stop for one of several sipd.
stop_node() {
    SIPD_PID=$1 SIPD_LOG=$2
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

# --- 1. one proxy: re-INVITE and UPDATE from the caller, BYE from the callee
node one dialog-secret-one
sipd_start one "$TMP/one.sipc"
sipp_uas_start one-uas "$sc/dlg_uas_answer.xml" -trace_msg -message_file "$TMP/one-uas.msgs"
sipp_run one "$sc/dlg_uac_call.xml" 1 -key uas_port "$UAS_PORT" -key next_proxy - \
    -trace_msg -message_file "$TMP/one-uac.msgs"
sipp_uas_wait one-uas
sipd_stop
for m in INVITE ACK UPDATE; do
    signed_routes "$TMP/one-uac.msgs" $m 1
done
signed_routes "$TMP/one-uas.msgs" BYE 1
relayed "$SIPD_LOG" INVITE 2
relayed "$SIPD_LOG" ACK 2
relayed "$SIPD_LOG" UPDATE 1
relayed "$SIPD_LOG" BYE 1
sipd_lacks 'replied 404'
