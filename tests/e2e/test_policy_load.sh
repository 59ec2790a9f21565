#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_policy_load.sh - what sipd does with a policy before the first
# message:
#   - a policy calling a host function this sipd does not have is refused
#     at load, exit status 1, naming it: as a cc-built .so (dlopen RTLD_NOW)
#     and as C through libtcc;
#   - a policy object whose regular expression does not compile is refused;
#   - settings: without -l and -d, sipd listens on the policy's first udp
#     `listen`, warns about the tcp one, and logs at the policy's
#     `log_level`; a policy that only listens on tcp is refused;
#   - sipctl info prints the descriptor's tables.
#
#   sh tests/e2e/test_policy_load.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog cc gcc

# refuse NAME POLICY TEXT...: sipd on POLICY exits 1 and its stderr holds
# every TEXT (fixed strings).
refuse() {
    rname=$1 policy=$2
    shift 2
    bounded 30 "$B/sipd" -l "$(sipd_listen)" "$policy" >"$TMP/$rname.out" 2>"$TMP/$rname.err"
    rc=$?
    if [ "$rc" -ne 1 ]; then
        show_log "$TMP/$rname.err"
        fail "sipd on $rname exited with status $rc, expected 1"
    fi
    no_sanitizer_report "$TMP/$rname.err" "sipd on $rname"
    for text in "$@"; do
        log_has "$TMP/$rname.err" "$text"
    done
    note "$rname: refused: $(head -n 1 "$TMP/$rname.err")"
}

# --- library functions this sipd does not provide -------------------------
cc -shared -fPIC -Iruntime/include -o "$TMP/missing.so" tests/data/missing_builtin_policy.c ||
    fail "cannot compile tests/data/missing_builtin_policy.c"
refuse missing-so "$TMP/missing.so" "$TMP/missing.so" "sipc_presence_publish"

{ echo '#define ALSO_SAVE 1'; cat tests/data/missing_builtin_policy.c; } >"$TMP/missing.c"
refuse missing-c "$TMP/missing.c" "$TMP/missing.c" "sipc_presence_publish" "sipc_presence_notify"

# --- a regular expression that does not compile ---------------------------
sed -e 's|"\^sipc-e2e \\\\(sipp\\\\)\$"|"(unclosed"|' tests/data/rt_features_policy.c >"$TMP/badre.c"
grep -q '"(unclosed"' "$TMP/badre.c" || fail "could not put a bad regex into badre.c"
refuse badre "$TMP/badre.c" "regular expression 1 \"(unclosed\" does not compile"

# --- a URI literal that does not parse ---------------------------------------
# sipc lists URI literals in the descriptor for sipd to parse once at load;
# an object whose list holds something else (not made by sipc) is refused.
"$B/sipc" emit tests/golden/uri-literals.sipc >"$TMP/baduri.c" || fail "sipc emit uri-literals.sipc failed"
sed -i 's|"sip:boss@example.com", 20|"xyz:boss@example.com", 20|' "$TMP/baduri.c"
grep -q '"xyz:boss' "$TMP/baduri.c" || fail "could not put a bad URI into baduri.c"
refuse baduri "$TMP/baduri.c" "URI literal" "does not parse"

# --- settings ---------------------------------------------------------------
port=$(free_udp_port)
port2=$(free_udp_port)
cat >"$TMP/settings.sipc" <<SIPC
listen = tcp:127.0.0.1:$port;
listen = udp:127.0.0.1:$port;
listen = udp:127.0.0.1:$port2;
log_level = debug;
workers = 2;
route {
    sl_send_reply(200, "OK");
}
SIPC
SIPD_DEFAULTS=0 sipd_start settings "$TMP/settings.sipc"
[ "$SIPD_PORT" = "$port" ] || fail "sipd listens on port $SIPD_PORT, the policy says $port"
sipp_run settings tests/e2e/scenarios/options_uac.xml 1
sipd_stop
# every listen setting is used, in order
[ "$(echo $SIPD_ADDRS)" = "tcp:127.0.0.1:$port udp:127.0.0.1:$port udp:127.0.0.1:$port2" ] ||
    fail "sipd listens on \"$SIPD_ADDRS\", not on the policy's three addresses"
log_has "$SIPD_LOG" "info: listening on udp:127.0.0.1:$port2"
log_has "$SIPD_LOG" "debug: $TMP/settings.sipc: setting workers = 2 is not used by this sipd yet"
log_has "$SIPD_LOG" "debug: OPTIONS from 127.0.0.1:"

# A tls listen address needs a certificate and a key.
printf 'listen = tls:127.0.0.1:%s;\nroute { exit; }\n' "$port" >"$TMP/tlsonly.sipc"
bounded 30 "$B/sipd" "$TMP/tlsonly.sipc" >"$TMP/tlsonly.out" 2>"$TMP/tlsonly.err"
rc=$?
[ "$rc" -eq 1 ] || {
    show_log "$TMP/tlsonly.err"
    fail "sipd on a tls policy without a certificate exited with status $rc, expected 1"
}
log_has "$TMP/tlsonly.err" "a tls listen address needs the settings tls.certificate and tls.private_key"

# --- sipctl info --------------------------------------------------------------
cc -shared -fPIC -Iruntime/include -o "$TMP/features.so" tests/data/rt_features_policy.c ||
    fail "cannot compile tests/data/rt_features_policy.c"
"$B/sipctl" info "$TMP/features.so" >"$TMP/info.out" 2>&1 || {
    show_log "$TMP/info.out"
    fail "sipctl info failed"
}
for text in "settings:    3" "  listen = tcp:127.0.0.1:5999" "avps:        2" "  string   who" \
    "flags:       5" "  seen, a, b, c, d" "bflags:      3" "regexes:     2" "var size:    16 bytes"; do
    log_has "$TMP/info.out" "$text"
done
note "sipctl info shows the descriptor's tables"
