#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_files_output.sh - the database's files and what sipctl prints
# (issue #11 point 7):
#   - a database made by `sipctl db init`, and the default one sipd makes
#     in a new --data-dir, are mode 0600 (they hold the HA1s and the nonce
#     key), the directories made for them 0750 (under umask 022);
#   - a REGISTER whose User-Agent holds ESC, BEL and other control bytes:
#     `sipctl ul show` prints them escaped (\x1b ...), no raw control byte
#     reaches the terminal;
#   - the reading commands (db version, ul show, user list, trusted list)
#     and the writing ones but `db init` and `db migrate` (ul rm, user add)
#     on a SQLite file that does not exist fail with a message and create
#     nothing;
#   - `sipctl user add` refuses a user or domain with a quote or a
#     backslash (characters outside what SPEC.md lets a policy use).
#
#   sh tests/e2e/test_files_output.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

SEND=$B/udp_send
[ -x "$SEND" ] || fail "$SEND is not built (make $SEND)"
[ -x "$B/sipctl" ] || fail "$B/sipctl is not built (run make)"
umask 022 # the modes below are the programs' own, not a strict umask's

# mode_is PATH MODE: fail unless PATH has the octal permissions MODE.
mode_is() {
    m=$(stat -c %a "$1") || fail "no $1"
    [ "$m" = "$2" ] || fail "$1 has mode $m, expected $2"
}

# ctl EXPECTED-STATUS ARGS...: run sipctl, output in $TMP/ctl.out; fail
# unless it exits EXPECTED-STATUS.
ctl() {
    want=$1
    shift
    "$B/sipctl" "$@" >"$TMP/ctl.out" 2>&1
    got=$?
    [ "$got" = "$want" ] || {
        show_log "$TMP/ctl.out"
        fail "sipctl $*: exit status $got, expected $want"
    }
}

# --- modes ----------------------------------------------------------------------

ctl 0 db init "sqlite:$TMP/ctl/sub/ctl.db"
mode_is "$TMP/ctl" 750
mode_is "$TMP/ctl/sub" 750
mode_is "$TMP/ctl/sub/ctl.db" 600

policy=$TMP/registrar.sipc
sed 's/^usrloc\.db_mode = .*/usrloc.db_mode = write_through;/' tests/e2e/policies/registrar.sipc >"$policy"
grep -q '^usrloc\.db_mode = write_through;' "$policy" || fail "could not set usrloc.db_mode in a copy of registrar.sipc"
sipd_start data "$policy" --data-dir "$TMP/data/new"
DB=sqlite:$TMP/data/new/sipc.db
mode_is "$TMP/data" 750
mode_is "$TMP/data/new" 750
mode_is "$TMP/data/new/sipc.db" 600

# --- control bytes in a stored User-Agent -----------------------------------------

printf 'REGISTER sip:sipc.test SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK-ua-1\r\nMax-Forwards: 70\r\nFrom: <sip:carol@sipc.test>;tag=ua-1\r\nTo: <sip:carol@sipc.test>\r\nCall-ID: ua-1@files.test\r\nCSeq: 1 REGISTER\r\nContact: <sip:carol@127.0.0.1:9>\r\nUser-Agent: evil\033[2J\033]0;title\007 phone\001\177 back\\slash\r\nContent-Length: 0\r\n\r\n' \
    >"$TMP/ua.sip"
got=$("$SEND" -w 2000 127.0.0.1 "$SIPD_PORT" "$TMP/ua.sip") || fail "udp_send failed"
[ "$got" = "SIP/2.0 200 OK" ] || {
    show_log "$SIPD_LOG"
    fail "the REGISTER with control bytes in its User-Agent got \"$got\""
}
ctl 0 ul show --url "$DB" carol@sipc.test
log_has "$TMP/ctl.out" 'agent     evil\x1b[2J\x1b]0;title\x07 phone\x01\x7f back\\slash'
if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$TMP/ctl.out"; then
    show_log "$TMP/ctl.out"
    fail "sipctl ul show printed a raw control byte"
fi
note "ul show: the User-Agent's control bytes escaped"
sipd_stop

# A trusted row written by another tool (SQL), control bytes in its tag:
# `sipctl trusted list` escapes them too.
need_prog sqlite3 sqlite3
sqlite3 "$TMP/data/new/sipc.db" "INSERT INTO trusted (src, proto, from_pattern, tag) VALUES ('192.0.2.1', 'udp', NULL, 'gw' || char(27) || '[2J' || char(7))" ||
    fail "cannot write a trusted row with sqlite3"
ctl 0 trusted list --url "$DB"
log_has "$TMP/ctl.out" 'gw\x1b[2J\x07'
if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$TMP/ctl.out"; then
    show_log "$TMP/ctl.out"
    fail "sipctl trusted list printed a raw control byte"
fi
note "trusted list: the tag's control bytes escaped"

# --- a missing SQLite file is not created ---------------------------------------------

missing=sqlite:$TMP/missing/m.db
for cmd in "db version $missing" "ul show --url $missing" "ul rm --url $missing carol@sipc.test" \
    "user list --url $missing" "trusted list --url $missing" "user add --url $missing dave@sipc.test pw"; do
    # shellcheck disable=SC2086 # the words of the command
    ctl 1 $cmd
    log_has "$TMP/ctl.out" "$TMP/missing/m.db: no such database file (\`sipctl db init\` creates one)"
    [ ! -e "$TMP/missing" ] || fail "sipctl $cmd created $TMP/missing"
done
note "commands on a missing database file: refused, nothing created"

# --- names the policy could not use ---------------------------------------------------

ctl 1 user add --url "$DB" 'a"b@sipc.test' pw
log_has "$TMP/ctl.out" "sipctl: USER may not contain '\"'"
ctl 1 user add --url "$DB" 'a\b@sipc.test' pw
log_has "$TMP/ctl.out" "sipctl: USER may not contain '\\'"
ctl 1 user add --url "$DB" 'a@sipc"test' pw
log_has "$TMP/ctl.out" "sipctl: DOMAIN may not contain '\"'"
ctl 0 user list --url "$DB"
[ ! -s "$TMP/ctl.out" ] || fail "a refused user was stored: $(cat "$TMP/ctl.out")"
note "user add: quotes and backslashes refused"
