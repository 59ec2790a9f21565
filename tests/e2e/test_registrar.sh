#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_registrar.sh - the registrar and user location of sipd (save(),
# lookup()) with usrloc.db_mode = memory, driven by sipp against
# tests/e2e/policies/registrar.sipc (min_expires 3, max_expires 120,
# default_expires 60, max_contacts 3):
#   - the bindings of one AOR through twelve REGISTERs of one UA
#     (reg_uac_bindings.xml): several contacts at once with their expires
#     and q listed in the 200, Date, refresh, retransmission, out-of-order
#     CSeq (400), 423 with Min-Expires, max_contacts (403), query, removal
#     by expires=0 and by `Contact: *` (and the two malformed uses of `*`);
#     on both backends (libtcc, and a `sipc build` .so, which also shows
#     that REGISTERs make no transaction);
#   - a request to an AOR nobody registered: 404;
#   - expiry: a binding of 3 s routes an INVITE to its contact at once,
#     and 4 s later lookup() fails (404);
#   - Path (RFC 3327): the 200 echoes Path only with `Supported: path`; an
#     INVITE to the AOR is sent to the first Path URI (a sipp UAS playing
#     the edge proxy) with the Path values as Route headers on top;
#   - q ordering: three contacts of one AOR (no q = 1.0 registered first,
#     q=0.9 and q=1.0 later) all receive the INVITE in parallel, the
#     request URI's branch 0 going to the most recent of the two q=1.0, and
#     branch 2 to the q=0.9 (the policy marks each branch X-Branch: N).
# sipd exits 0 on SIGTERM.
#
#   sh tests/e2e/test_registrar.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
need_prog cc gcc
sc=tests/e2e/scenarios
policy=tests/e2e/policies/registrar.sipc

# uas_bg NAME SCENARIO: a sipp UAS (sipp_uas_start) kept under NAME (a
# shell word), so that several run at once; uas_port NAME; uas_bg_wait NAME.
uas_bg() {
    sipp_uas_start "$1" "$2"
    eval "uas_pid_$1=\$UAS_PID uas_port_$1=\$UAS_PORT uas_out_$1=\$UAS_OUT"
}
uas_port() {
    eval "echo \"\$uas_port_$1\""
}
uas_bg_wait() {
    eval "sipp_bg_wait UAS \"\$uas_pid_$1\" \"\$uas_out_$1\" $1 40"
}

# register NAME USER CONTACT EXPIRES: one REGISTER, answered 200.
register() {
    sipp_run "$1" "$sc/reg_uac_register.xml" 1 -key reg_user "$2" -key reg_contact "$3" -key reg_expires "$4"
}

sipd_start reg-tcc "$policy"

# Expiry, part one: registered for 3 s, found at once.
uas_bg dave "$sc/reg_uas_busy.xml"
register dave-register dave "<sip:dave@127.0.0.1:$(uas_port dave)>" 3
registered_at=$(date +%s)
sipp_run dave-found "$sc/reg_uac_invite.xml" 1 -key reg_user dave
uas_bg_wait dave

# Nobody registered.
sipp_run nobody "$sc/reg_uac_invite_404.xml" 1 -key reg_user nobody
log_has "$SIPD_LOG" "lookup(): no contact for nobody@sipc.test"

# The contact with no q, registered before the two others (below).
uas_bg erin_a "$sc/reg_uas_branch1.xml"
register erin-a erin "<sip:erin@127.0.0.1:$(uas_port erin_a)>" 60

# The bindings of one UA's AOR, step by step.
sipp_run bindings-tcc "$sc/reg_uac_bindings.xml" 1
log_has "$SIPD_LOG" "REGISTER for alice@sipc.test refused: 400 Out of Order CSeq"
log_has "$SIPD_LOG" "REGISTER for alice@sipc.test refused: 423 Interval Too Brief"
log_has "$SIPD_LOG" "REGISTER for alice@sipc.test refused: 403 Too Many Registered Contacts"

# Path: the INVITE goes to the edge, with the Path as Route.
uas_bg edge "$sc/reg_uas_edge.xml"
sipp_run path-register "$sc/reg_uac_register_path.xml" 1 -key edge_port "$(uas_port edge)"
sipp_run path-invite "$sc/reg_uac_invite.xml" 1 -key reg_user carol
uas_bg_wait edge

# Expiry, part two: 4 s after the REGISTER the binding is gone.
while [ $(($(date +%s) - registered_at)) -lt 4 ]; do
    sleep 0.2
done
sipp_run dave-expired "$sc/reg_uac_invite_404.xml" 1 -key reg_user dave
log_has "$SIPD_LOG" "lookup(): no contact for dave@sipc.test"

# q ordering: erin_c (q=1.0, the most recent) > erin_a (no q, older) >
# erin_b (q=0.9, more recent than erin_a).  erin_a was registered at
# least 4 s before these.
uas_bg erin_b "$sc/reg_uas_branch2.xml"
uas_bg erin_c "$sc/reg_uas_busy.xml"
register erin-b erin "<sip:erin@127.0.0.1:$(uas_port erin_b)>;q=0.9" 60
register erin-c erin "<sip:erin@127.0.0.1:$(uas_port erin_c)>;q=1.0" 60
sipp_run erin-invite "$sc/reg_uac_invite.xml" 1 -key reg_user erin
uas_bg_wait erin_c
uas_bg_wait erin_a
uas_bg_wait erin_b
sipd_stop

# The same bindings on the gcc backend; REGISTERs stay stateless.
"$B/sipc" build "$policy" -o "$TMP/registrar.so" >"$TMP/build.log" 2>&1 || {
    show_log "$TMP/build.log"
    fail "sipc build $policy failed"
}
sipd_start reg-gcc "$TMP/registrar.so"
sipp_run bindings-gcc "$sc/reg_uac_bindings.xml" 1
sipd_stop
log_has "$SIPD_LOG" "stats: 0 server transactions, 0 client transactions, 12 stateless requests"
