#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/db/run.sh - the db layer against SQLite and a real MariaDB.
#
#   sh tests/db/run.sh BUILD_DIR
#
# Starts a private MariaDB (tests/db/mariadb.sh) in a temporary directory,
# then runs each check below (the unit suites, sipctl db, ul and user,
# reconnecting), and last every tests/db/test_*.sh (sorted) as
# `sh TEST BUILD_DIR` with the server's variables exported
# (SIPC_TEST_MYSQL_URL, SIPC_TEST_MYSQL_TCP_URL, MARIADB_SOCK, ...; see
# mariadb.sh).  Such a test may empty the database (mariadb_empty_db after
# sourcing mariadb.sh) but must not stop the server, which belongs to this
# shell: a check that restarts it is a function here.
#
# Prints [PASS] NAME / [FAIL] NAME (with the check's output when it fails),
# then `db: N passed, M failed`; exit 1 if any failed, 2 on misuse.
# DB_VERBOSE=1 shows all output.

set -u
LC_ALL=C
export LC_ALL

if [ $# -ne 1 ]; then
    echo "usage: sh tests/db/run.sh BUILD_DIR" >&2
    exit 2
fi
case $1 in
/*) B=$1 ;;
*) B=$PWD/$1 ;;
esac
for f in unit_tests sipctl db_probe; do
    if [ ! -x "$B/$f" ]; then
        echo "db: $B/$f is missing (make $1/$f)" >&2
        exit 2
    fi
done
cd "$(dirname "$0")/../.." || exit 2

. tests/db/mariadb.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sipc-db-run.XXXXXX") || exit 2
trap 'exec 3>&-; mariadb_stop; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# --- URLs -------------------------------------------------------------------

# A URL of an empty database: `db_fresh_url sqlite` (a file in a directory
# sipctl or sipd creates) or `db_fresh_url mysql` (sipc_test, emptied).
db_fresh_url() {
    case $1 in
    sqlite)
        # An empty file, as the empty MariaDB database: sipctl makes a
        # missing one only for db init and migrate (test_files_output.sh).
        _d=$(mktemp -d "$tmp/sqlite.XXXXXX") && mkdir "$_d/var" && : >"$_d/var/ul.db" || return 1
        printf 'sqlite:%s/var/ul.db\n' "$_d"
        ;;
    mysql)
        mariadb_empty_db || return 1
        printf '%s\n' "$SIPC_TEST_MYSQL_URL"
        ;;
    esac
}

# --- helpers ----------------------------------------------------------------

# sipctl with an expected exit status; its stdout and stderr in $tmp/out.
ctl() {
    want=$1
    shift
    "$B/sipctl" "$@" >"$tmp/out" 2>&1
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "sipctl $*: exit $got, want $want; it said:"
        cat "$tmp/out"
        return 1
    fi
    return 0
}

# The last output contains the fixed string $1.
has() {
    if ! grep -qF -- "$1" "$tmp/out"; then
        echo "want \"$1\" in:"
        cat "$tmp/out"
        return 1
    fi
}

# The last output, with the seconds that move normalised, is exactly $1.
is() {
    printf '%s\n' "$1" >"$tmp/want"
    sed -e 's/in [0-9]* s$/in N s/' -e 's/expired [0-9]* s ago/expired N s ago/' "$tmp/out" >"$tmp/got"
    diff -u "$tmp/want" "$tmp/got" || return 1
}

# --- checks -----------------------------------------------------------------

check_unit() {
    "$B/unit_tests" db_url db_sqlite db_mysql ul_sqlite ul_mysql || return 1
    # Through TCP as well (the port, no socket).
    SIPC_TEST_MYSQL_URL=$SIPC_TEST_MYSQL_TCP_URL "$B/unit_tests" db_mysql
}

# Waits (at most 30 s) for a line in the probe's output.
wait_for() {
    i=0
    while ! grep -qF "$1" "$tmp/probe.out"; do
        if [ "$i" -ge 300 ] || ! kill -0 "$probe" 2>/dev/null; then
            echo "no \"$1\" from db_probe"
            return 1
        fi
        sleep 0.1
        i=$((i + 1))
    done
}

# One connection across two restarts and a stop (tests/db/db_probe.c says
# what is expected at each cue).
check_reconnect() {
    rm -f "$tmp/cue"
    mkfifo "$tmp/cue" || return 1
    : >"$tmp/probe.out"
    url=$(db_fresh_url mysql) || return 1
    "$B/db_probe" reconnect "$url" <"$tmp/cue" >"$tmp/probe.out" 2>&1 &
    probe=$!
    exec 3>"$tmp/cue"
    ok=0
    wait_for "ready 1" && mariadb_restart && echo restarted >&3 &&
        wait_for "ready 2" && mariadb_restart && echo restarted >&3 &&
        wait_for "ready 3" && mariadb_stop && echo stopped >&3 &&
        wait_for "ready 4" && mariadb_start "$MARIADB_DIR" && echo started >&3 && ok=1
    exec 3>&-
    wait "$probe"
    rc=$?
    cat "$tmp/probe.out"
    [ "$ok" -eq 1 ] && [ "$rc" -eq 0 ]
}

# A write committed by a process that is then killed is there (SQLite:
# WAL with synchronous=NORMAL).
check_kill9() {
    url=$(db_fresh_url sqlite)
    "$B/db_probe" kill9 "$url" k9@example.com sip:k9@192.0.2.9
    rc=$?
    if [ "$rc" -ne 137 ]; then
        echo "db_probe kill9: exit $rc, want 137 (SIGKILL)"
        return 1
    fi
    ctl 0 ul show --url "$url" && has "contact     sip:k9@192.0.2.9"
}

ALICE_1='aor alice@example.com (table location)
  contact     sip:alice@192.0.2.10:5060
    expires   in N s
    q         0.500
    path      <sip:edge.example.net;lr>,<sip:core.example.net;lr>
    received  sip:192.0.2.1:5060;transport=udp
    socket    udp:127.0.0.1:5060
    instance  <urn:uuid:00000000-0000-0000-0000-000000000001>, reg-id 1
    agent     baresip 1.0 (x86_64/Linux)
    call-id   a84b4c76e66710@pc33, cseq 7'
ALICE_2='  contact     sip:alice@192.0.2.11
    expires   in N s
    q         none
    call-id   probe-call-id, cseq 1'
BOB='aor bob@example.com (table location)
  contact     sip:bob@192.0.2.20
    expires   expired N s ago
    q         1.000
    call-id   probe-call-id, cseq 1'
CAROL='aor carol@example.com (table other)
  contact     sip:carol@[2001:db8::1];transport=tcp
    expires   in N s
    q         0.000
    call-id   probe-call-id, cseq 1
    flags     0x5'

# sipctl db and ul on a database of dialect $1.
check_sipctl() {
    url=$(db_fresh_url "$1") || return 1
    safe=$url
    if [ "$1" = mysql ]; then
        safe=$(printf '%s' "$url" | sed 's/:[^:@]*@/:***@/')
    fi
    ctl 0 db version "$url" && is "schema version 0 (this build: 4); no sipc tables: sipctl db init" &&
        ctl 1 ul show --url "$url" && has "has no sipc tables (sipctl db init creates them)" &&
        ctl 0 db init "$url" && is "created schema version 4 in $safe" &&
        ctl 1 db init "$url" &&
        is "sipctl: $safe already has a sipc schema (version 4); use \`sipctl db migrate\`" &&
        ctl 0 db migrate "$url" && is "already at version 4" &&
        ctl 0 db version "$url" && is "schema version 4 (this build: 4)" || return 1
    if grep -qF "$MARIADB_PASS_URL" "$tmp/out"; then
        echo "the password is in sipctl's output"
        return 1
    fi

    # The URL from the environment.
    SIPC_DB_URL=$url
    export SIPC_DB_URL
    ctl 0 db version && has "schema version 4" || return 1
    unset SIPC_DB_URL

    # migrate creates the schema too.
    url2=$(db_fresh_url "$1") || return 1
    ctl 0 db migrate "$url2" && is "schema version 0 -> 4" || return 1
    if [ "$1" = mysql ]; then
        url=$url2 # mariadb_empty_db dropped the first one's tables
        mariadb_sql "UPDATE $MARIADB_DB.sipc_version SET version = 99" &&
            ctl 1 db migrate "$url" && has "newer than this build knows (4)" &&
            ctl 1 ul show --url "$url" && has "has schema version 99, this build reads 4 (use a newer sipctl)" &&
            mariadb_sql "UPDATE $MARIADB_DB.sipc_version SET version = 1" || return 1
    fi

    # Bindings, written as sipd would.
    "$B/db_probe" put "$url" alice@example.com sip:alice@192.0.2.10:5060 3600 q=500 \
        path='<sip:edge.example.net;lr>,<sip:core.example.net;lr>' received='sip:192.0.2.1:5060;transport=udp' \
        sock=udp:127.0.0.1:5060 instance='<urn:uuid:00000000-0000-0000-0000-000000000001>' reg_id=1 \
        ua='baresip 1.0 (x86_64/Linux)' callid=a84b4c76e66710@pc33 cseq=7 &&
        "$B/db_probe" put "$url" alice@example.com sip:alice@192.0.2.11 3600 &&
        "$B/db_probe" put "$url" bob@example.com sip:bob@192.0.2.20 -60 q=1000 &&
        "$B/db_probe" put "$url" carol@example.com 'sip:carol@[2001:db8::1];transport=tcp' 60 tbl=other q=0 \
            flags=5 || return 1

    SIPC_DB_URL=$url
    export SIPC_DB_URL
    ctl 0 ul show && is "$ALICE_1
$ALICE_2

$CAROL

3 bindings of 2 AORs (1 expired not shown: --all shows them)" &&
        ctl 0 ul show --all && is "$ALICE_1
$ALICE_2

$BOB

$CAROL

4 bindings of 3 AORs" &&
        ctl 0 ul show alice@example.com && is "$ALICE_1
$ALICE_2

2 bindings of 1 AOR" &&
        ctl 0 ul show --table=other && is "$CAROL

1 binding of 1 AOR" &&
        ctl 0 ul show nobody@example.com && is "0 bindings of 0 AORs" &&
        ctl 0 ul rm alice@example.com sip:alice@192.0.2.11 && is "removed 1 binding" &&
        ctl 1 ul rm alice@example.com sip:alice@192.0.2.11 &&
        is "sipctl: no binding of alice@example.com with contact sip:alice@192.0.2.11" &&
        ctl 1 ul rm --table other alice@example.com && is "sipctl: no binding of alice@example.com" &&
        ctl 0 ul rm --url "$url" bob@example.com && is "removed 1 binding" &&
        ctl 0 ul show && is "$ALICE_1

$CAROL

2 bindings of 2 AORs" || { unset SIPC_DB_URL; return 1; }
    unset SIPC_DB_URL
}

check_sipctl_usage() {
    unset SIPC_DB_URL
    ctl 0 --help && has "works on the database directly" && has "usrloc.db_mode=memory" &&
        has "write_through or write_back" && has "with db_only, sipd and sipctl share the table" &&
        ctl 0 version && has "sipc ABI version" &&
        ctl 0 ul --help && has "sipctl ul show" &&
        ctl 2 && ctl 2 bogus &&
        ctl 2 db && has "db needs init, migrate or version" &&
        ctl 2 db drop x && has "unknown db command \"drop\"" &&
        ctl 2 db init && has "no database URL: give one, or set SIPC_DB_URL" &&
        ctl 2 db init a b && has "too many arguments" &&
        ctl 2 ul && ctl 2 ul show --bogus && has "unknown option --bogus" &&
        ctl 2 ul show --url && has "--url needs a value" &&
        ctl 2 ul rm --url sqlite:x.db && has "ul rm needs an AOR" &&
        ctl 2 ul rm --all --url sqlite:x.db a && has "--all is for ul show" &&
        ctl 1 db version sqlite://x.db && has "sipctl: sqlite://x.db: a host part is not allowed" &&
        ctl 1 db version "mysql://sipc:hunter2@localhost/nosuchdb?socket=$MARIADB_SOCK" &&
        has "sipctl: mysql://sipc:***@localhost/nosuchdb" && has "cannot connect" || return 1
    if grep -q hunter2 "$tmp/out"; then
        echo "the password is in sipctl's output"
        return 1
    fi
}

# --- sipctl user ------------------------------------------------------------

TAB=$(printf '\t')

# The rows of SQL $3 on the database of dialect $1 at URL $2, tab-separated
# and without a header: mysql as the administrator, sqlite through the
# sqlite3 shell; status 3 when that shell is not installed (it is not one
# of tools/deps.sh's packages).
db_query() {
    case $1 in
    mysql) "$MARIADB_CLIENT" --no-defaults --socket="$MARIADB_SOCK" -u "$(id -un)" -N -B -e "$3" "$MARIADB_DB" ;;
    sqlite)
        command -v sqlite3 >/dev/null 2>&1 || return 3
        sqlite3 -separator "$TAB" "${2#sqlite:}" "$3"
        ;;
    esac
}

hex_md5() { printf '%s' "$1" | md5sum | cut -d' ' -f1; }
hex_sha256() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

# The stored HA1s of user $1 in domain $2 are those of password $3 (realm =
# domain), as md5sum and sha256sum compute them.  Needs $dialect and $url.
ha1_is() {
    want="$(hex_md5 "$1:$2:$3")$TAB$(hex_sha256 "$1:$2:$3")"
    got=$(db_query "$dialect" "$url" "SELECT ha1, ha1_sha256 FROM subscriber WHERE username = '$1' AND domain = '$2'")
    case $? in
    0) ;;
    3)
        echo "note: no sqlite3 shell, the HA1s of $1@$2 are not read back"
        return 0
        ;;
    *) return 1 ;;
    esac
    if [ "$got" != "$want" ]; then
        echo "HA1s of $1@$2: got \"$got\", want \"$want\""
        return 1
    fi
}

# The last output is empty, and holds none of the passwords used.
empty() {
    if [ -s "$tmp/out" ]; then
        echo "want no output, got:"
        cat "$tmp/out"
        return 1
    fi
}
no_password() {
    for _p in Plain-Text-Pw-7 new-secret 'pa ss:w0rd'; do
        if grep -qF -- "$_p" "$tmp/out"; then
            echo "the password \"$_p\" is in sipctl's output:"
            cat "$tmp/out"
            return 1
        fi
    done
}

# sipctl user on a database of dialect $1.
check_sipctl_user() {
    dialect=$1
    url=$(db_fresh_url "$1") || return 1
    pw=Plain-Text-Pw-7
    ctl 1 user list --url "$url" && has "has no sipc tables (sipctl db init creates them)" &&
        ctl 0 db init "$url" && ctl 0 user list --url="$url" && empty || return 1

    # add: from the argument, refused when the user exists (nothing changed).
    ctl 0 user add --url "$url" alice@example.com "$pw" && is "added alice@example.com" &&
        ha1_is alice example.com "$pw" &&
        ctl 1 user add --url "$url" alice@example.com other &&
        is "sipctl: alice@example.com exists; use passwd to change its password" &&
        ha1_is alice example.com "$pw" || return 1
    # A published value, so that md5sum is not the only judge.
    [ "$(hex_md5 alice:example.com:secret)" = b1726872c344b6dc8365b774f8fd6412 ] || return 1

    SIPC_DB_URL=$url
    export SIPC_DB_URL
    # From stdin: the first line without its end (LF or CRLF); spaces and
    # colons are the password's.  `--` lets a password start with '-'.
    printf 'pa ss:w0rd\n' | ctl 0 user add bob@example.com && is "added bob@example.com" &&
        ha1_is bob example.com 'pa ss:w0rd' &&
        printf 'crlf\r\nsecond line\n' | ctl 0 user add dave@example.com && ha1_is dave example.com crlf &&
        ctl 0 user add -- carol@other.org -dash && ha1_is carol other.org -dash &&
        ctl 0 user add alice@other.org "$pw" && ha1_is alice other.org "$pw" &&
        ctl 0 user add Zed@example.com zzz || { unset SIPC_DB_URL; return 1; }

    # Sorted by user, then domain, byte-wise in both dialects (Z before a).
    ctl 0 user list && no_password && is "Zed@example.com${TAB}MD5 SHA-256
alice@example.com${TAB}MD5 SHA-256
alice@other.org${TAB}MD5 SHA-256
bob@example.com${TAB}MD5 SHA-256
carol@other.org${TAB}MD5 SHA-256
dave@example.com${TAB}MD5 SHA-256" &&
        ctl 0 user list other.org && is "alice@other.org${TAB}MD5 SHA-256
carol@other.org${TAB}MD5 SHA-256" &&
        ctl 0 user list nowhere.example && empty || { unset SIPC_DB_URL; return 1; }

    # passwd: both HA1s change; a missing user or empty password is refused.
    ctl 0 user passwd alice@example.com new-secret && is "changed the password of alice@example.com" &&
        ha1_is alice example.com new-secret && ha1_is alice other.org "$pw" &&
        printf 'pa ss:w0rd\n' | ctl 0 user passwd dave@example.com && ha1_is dave example.com 'pa ss:w0rd' &&
        ctl 1 user passwd nobody@example.com x && is "sipctl: no user nobody@example.com; use add" &&
        ctl 1 user passwd alice@example.com '' && is "sipctl: empty password refused" &&
        printf '\n' | ctl 1 user passwd alice@example.com && is "sipctl: empty password refused" &&
        ctl 1 user passwd alice@example.com </dev/null &&
        is "sipctl: no password given, and none on standard input" &&
        ctl 1 user add erin@example.com '' && is "sipctl: empty password refused" &&
        ha1_is alice example.com new-secret || { unset SIPC_DB_URL; return 1; }

    # rm.
    ctl 0 user rm bob@example.com && is "removed bob@example.com" &&
        ctl 1 user rm bob@example.com && is "sipctl: no user bob@example.com" &&
        ctl 0 user list example.com && is "Zed@example.com${TAB}MD5 SHA-256
alice@example.com${TAB}MD5 SHA-256
dave@example.com${TAB}MD5 SHA-256" || { unset SIPC_DB_URL; return 1; }

    # USER and DOMAIN as the schema holds them (64 and 128 bytes).
    u64=$(printf '%064d' 0)
    d128=$(printf '%0128d' 0)
    ctl 1 user add 'a:b@example.com' x && is "sipctl: USER may not contain ':'" &&
        ctl 1 user add 'a@b@example.com' x && is "sipctl: DOMAIN may not contain '@'" &&
        ctl 1 user add example.com x && is 'sipctl: "example.com" is not USER@DOMAIN' &&
        ctl 1 user add @example.com x && is "sipctl: USER must be 1 to 64 bytes long" &&
        ctl 1 user add a@ x && is "sipctl: DOMAIN must be 1 to 128 bytes long" &&
        ctl 1 user add 'a b@example.com' x && is "sipctl: USER may hold visible ASCII characters only" &&
        ctl 1 user add "a${TAB}b@example.com" x && is "sipctl: USER may hold visible ASCII characters only" &&
        ctl 1 user add "$(printf 'j\303\266rg@example.com')" x &&
        is "sipctl: USER may hold visible ASCII characters only" &&
        ctl 1 user add "${u64}1@example.com" x && is "sipctl: USER must be 1 to 64 bytes long" &&
        ctl 1 user add "u@${d128}1" x && is "sipctl: DOMAIN must be 1 to 128 bytes long" &&
        ctl 1 user list a@b && is "sipctl: DOMAIN may not contain '@'" &&
        ctl 0 user add "$u64@$d128" x && ha1_is "$u64" "$d128" x &&
        ctl 0 user rm "$u64@$d128" || { unset SIPC_DB_URL; return 1; }
    unset SIPC_DB_URL

    # The plain passwords are nowhere in the database's files.
    if [ "$1" = sqlite ]; then
        for p in "$pw" new-secret 'pa ss:w0rd'; do
            if cat "${url#sqlite:}"* | grep -qaF -- "$p"; then
                echo "the password \"$p\" is in the database"
                return 1
            fi
        done
    fi

    # A row without HA1s (not written by sipctl) lists as "none".
    db_query "$1" "$url" "INSERT INTO subscriber (username, domain) VALUES ('frank', 'example.com')"
    case $? in
    0) ctl 0 user list --url "$url" example.com && has "frank@example.com${TAB}none" || return 1 ;;
    3) echo "note: no sqlite3 shell, the schema-version and no-HA1 checks are skipped"; return 0 ;;
    *) return 1 ;;
    esac

    # The subscriber table came with schema version 2; a version newer
    # than this build's is refused too.
    v=$(db_query "$1" "$url" "SELECT version FROM sipc_version") || return 1
    db_query "$1" "$url" "UPDATE sipc_version SET version = 1" &&
        ctl 1 user list --url "$url" &&
        has "has schema version 1, the subscriber table needs version 2 (sipctl db migrate upgrades it)" &&
        db_query "$1" "$url" "UPDATE sipc_version SET version = 99" &&
        ctl 1 user add --url "$url" x@example.com pw &&
        has "has schema version 99, this build reads $v (use a newer sipctl)" &&
        db_query "$1" "$url" "UPDATE sipc_version SET version = $v" &&
        ctl 0 user rm --url "$url" frank@example.com
}

check_sipctl_user_usage() {
    unset SIPC_DB_URL
    ctl 0 --help && has "sipctl user add|passwd [--url URL] USER@DOMAIN [PASSWORD]" &&
        has "sipctl user list [--url URL] [DOMAIN]" && has "realm = DOMAIN" &&
        ctl 0 user --help && has "sipctl user rm [--url URL] USER@DOMAIN" &&
        ctl 2 user && has "user needs add, passwd, rm or list" &&
        ctl 2 user bogus && has "unknown user command \"bogus\"" &&
        ctl 2 user add && has "user add needs USER@DOMAIN" &&
        ctl 2 user rm --url sqlite:x.db && has "user rm needs USER@DOMAIN" &&
        ctl 2 user rm a@b c && has "too many arguments" &&
        ctl 2 user add a@b pw extra && has "too many arguments" &&
        ctl 2 user list a b && has "too many arguments" &&
        ctl 2 user list --bogus && has "unknown option --bogus" &&
        ctl 2 user list --url && has "--url needs a value" &&
        ctl 2 user add a@b pw && has "no database URL: give one, or set SIPC_DB_URL" &&
        ctl 1 user list --url sqlite://x.db && has "a host part is not allowed"
}

# --- run --------------------------------------------------------------------

passed=0
failed=0
# run NAME COMMAND...: in this shell (a restart must be its child's).
run() {
    name=$1
    shift
    "$@" >"$tmp/$name.log" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ]; then
        echo "[PASS] $name"
        [ "${DB_VERBOSE:-0}" = 1 ] && sed 's/^/    /' "$tmp/$name.log"
        passed=$((passed + 1))
    else
        echo "[FAIL] $name"
        sed 's/^/    /' "$tmp/$name.log"
        failed=$((failed + 1))
    fi
}

if ! mariadb_start "$tmp/mariadb" >"$tmp/start.log" 2>&1; then
    echo "[FAIL] mariadb_start"
    sed 's/^/    /' "$tmp/start.log"
    echo "db: 0 passed, 1 failed"
    exit 1
fi

run unit check_unit
run sipctl_sqlite check_sipctl sqlite
run sipctl_mysql check_sipctl mysql
run sipctl_usage check_sipctl_usage
run sipctl_user_sqlite check_sipctl_user sqlite
run sipctl_user_mysql check_sipctl_user mysql
run sipctl_user_usage check_sipctl_user_usage
run kill9_sqlite check_kill9
run reconnect_mysql check_reconnect
for t in tests/db/test_*.sh; do
    [ -e "$t" ] || continue
    name=${t##*/}
    name=${name%.sh}
    if [ -z "${MARIADB_PID:-}" ]; then
        mariadb_start "$MARIADB_DIR" >"$tmp/start.log" 2>&1 || cat "$tmp/start.log"
    fi
    run "$name" timeout -k 10 "${DB_TEST_TIMEOUT:-300}" sh "$t" "$B"
done

echo "db: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
