#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_auth_sipp.sh - digest interop with sipp's own [authentication]
# (issue #11 point 6): sipp signs the address it sends to
# (uri="sip:127.0.0.1:PORT") while its REGISTER's Request-URI is the
# domain without a port (sip:sipc.test).  On tests/e2e/policies/auth.sipc
# (auth.strict_uri unset: false) that REGISTER gets 200, twice on one
# nonce (auth_uac_register_sipp.xml, no -auth_uri); on a copy with
# auth.strict_uri = true the same credentials get 400 Malformed
# Credentials (auth_uac_register_400.xml, no -auth_uri).
#
#   sh tests/e2e/test_auth_sipp.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
[ -x "$B/sipctl" ] || fail "$B/sipctl is not built (run make)"
sc=tests/e2e/scenarios
policy=tests/e2e/policies/auth.sipc

DB=sqlite:$TMP/auth.db
{
    "$B/sipctl" db init "$DB" && "$B/sipctl" user add --url "$DB" alice@sipc.test alice-secret
} >"$TMP/sipctl.log" 2>&1 || {
    show_log "$TMP/sipctl.log"
    fail "sipctl could not provision alice in $DB"
}

# --- 1. default: sipp's uri names this registrar ---------------------------------

sipd_start lenient "$policy" --db "$DB"
sipp_run sipp-register "$sc/auth_uac_register_sipp.xml" 1 -au alice -ap alice-secret -key user alice
log_has "$SIPD_LOG" "REGISTER for alice@sipc.test: 1 change"
sipd_stop

# --- 2. auth.strict_uri = true: the same is 400 ------------------------------------

printf 'auth.strict_uri = true;\n' >"$TMP/strict.sipc"
cat "$policy" >>"$TMP/strict.sipc"
sipd_start strict "$TMP/strict.sipc" --db "$DB"
sipp_run sipp-strict "$sc/auth_uac_register_400.xml" 1 -au alice -ap alice-secret -key user alice
log_has "$SIPD_LOG" "authorize alice: the uri is not the request URI"
sipd_stop
