#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/register_bench.sh - REGISTER throughput, server CPU per registration
# and memory per contact: sipd against Debian's Kamailio, same scenario,
# same run (issue #6).
#
#   bash bench/register_bench.sh [BUILD_DIR]       (default build;
#                                                  `make bench-register`)
#
# For each server (sipd with bench/policies/register.sipc, Kamailio with
# bench/kamailio/register.cfg, started with -x tlsf -X tlsf) and each user
# location mode (memory only; write-through to SQLite; write-through to
# MariaDB), on a fresh server listening on a free 127.0.0.1 UDP port:
#
#   new       sipp (bench/sipp/register_uac.xml) registers users nobody
#             registered before (user000001, user000002, ... from an
#             injection file), one REGISTER per call, at increasing rates;
#   refresh   a pool of users is registered once, then refreshed at
#             increasing rates: same user, same Call-ID, same Contact,
#             CSeq one higher each round (RFC 3261 section 10.2.4).
#
# The rate search, per scenario: start at REG_RATE_START reg/s (refreshes:
# at the rate of that doubling sequence just below half the best new
# rate); while a step passes, double the rate (up to REG_RATE_MAX); when
# the first step fails, halve it instead (at most 4 times); then
# REG_BISECT bisection steps between the best passing and the lowest
# failing rate.  Each step is
# rate x REG_STEP_SECONDS calls (at least 200, at most REG_STEP_CALLS) with
# users of its own; the search stops below 20 reg/s.
#
# A step PASSES when sipp exits 0 and every call succeeded (200 OK), with
# no failed call, no retransmission (an answer later than sipp's T1, 500 ms,
# or a request or answer lost: the server fell behind), no unexpected,
# out-of-call or dead-call message, and the rate sipp achieved (successful
# calls / elapsed time) is at least 90% of the target (sipp limits open
# calls to half a second's worth, so a server that answers late slows it
# down).  Note that sipp shares the machine's cores with the server: at the
# top rates the load generator can be the limit; the "limit" column says
# what stopped the search.
#
# Server CPU: utime+stime of the server's processes (the PID started and
# its descendants: sipd's threads, Kamailio's children) from /proc/PID/stat,
# before and after each step, divided by the successful registrations of
# the step.  In mariadb mode the MariaDB server's CPU over the step is
# printed beside it (DB CPU); SQLite runs inside the server, so its cost is
# in the server's figure.
#
# Memory per contact (memory mode, both servers): a fresh server, then
# REG_CONTACTS (default 100000) distinct contacts registered; the growth of
# the proportional set size (Pss, /proc/PID/smaps_rollup) summed over the
# server's processes, divided by the contacts registered.  For sipd (one
# process) Pss is its RSS; for Kamailio the contacts live in shared memory
# that every child maps, which VmRSS of one process does not show (the
# VmRSS growth of the PID started is printed too).
#
# Prints one table at the end; asserts nothing about speed (a benchmark,
# not a test).  Exit status 0 when the run completed (rows a server could
# not run say n/a and why), 2 on misuse.
#
# Missing Debian packages (kamailio, kamailio-sqlite-modules,
# kamailio-mysql-modules, sip-tester, mariadb-server, mariadb-client,
# sqlite3) are installed with apt-get when running as root; otherwise the
# rows that need them say n/a.
#
# Knobs (environment):
#   REG_SERVERS="sipd kamailio"   REG_MODES="memory sqlite mariadb"
#   REG_RATE_START=1000  REG_RATE_MAX=32000  REG_BISECT=2
#   REG_STEP_SECONDS=3   REG_STEP_CALLS=30000
#   REG_CONTACTS=100000  (0 skips the memory measurement)
#   REG_MEM_RATE=0       (rate for the memory run; 0: half the best new-
#                         registration rate of the same server, at most 4000)
#   REG_WORKERS=2        (sipd's `workers`, Kamailio's `children`)
#   REG_KAM_SQLITE_CHILDREN=1   Kamailio's `children` in SQLite mode: its
#                        db_sqlite sets no busy timeout, so two children
#                        writing one SQLite file answer some REGISTERs with
#                        500 ("database is locked") at any rate (about 2%
#                        at 60 reg/s, Kamailio 5.6.3); set it to
#                        REG_WORKERS to see that
#   REG_KAM_SQLITE_JOURNAL=WAL  Kamailio's SQLite journal mode (db_sqlite's
#                        db_set_journal_mode), WAL as sipd's driver uses;
#                        "default" leaves SQLite's rollback journal.  (db_sqlite
#                        cannot set `synchronous`: Kamailio's commits stay
#                        FULL, sipd's driver uses NORMAL; see the report line)
#   REG_KAM_SHM_MB=1024 REG_KAM_PKG_MB=16   (kamailio -m / -M)
#   REG_KEEP=1           keep the scratch directory (logs, sipp stats)
# The MariaDB server is a private one (own datadir, socket and port,
# started and stopped here) with MariaDB's default durability
# (innodb_flush_log_at_trx_commit=1) and a 256 MB buffer pool, so that the
# database does not dominate; REG_MARIADB_HELPER=1 uses the tests' server
# (tests/db/mariadb.sh) instead, whose 4 MB redo log and 16 MB buffer pool
# keep tests cheap but double MariaDB's CPU per registration here.

set -u
LC_ALL=C
export LC_ALL

B=${1:-build}
B_SHOWN=$B # for messages
cd "$(dirname "$0")/.." || exit 2
REPO=$PWD
case $B in
/*) ;;
*) B=$REPO/$B ;;
esac

SERVERS=${REG_SERVERS:-sipd kamailio}
MODES=${REG_MODES:-memory sqlite mariadb}
RATE_START=${REG_RATE_START:-1000}
RATE_MAX=${REG_RATE_MAX:-32000}
BISECT=${REG_BISECT:-2}
STEP_SECONDS=${REG_STEP_SECONDS:-3}
STEP_CALLS=${REG_STEP_CALLS:-30000}
CONTACTS=${REG_CONTACTS:-100000}
MEM_RATE=${REG_MEM_RATE:-0}
WORKERS=${REG_WORKERS:-2}
KAM_SHM=${REG_KAM_SHM_MB:-1024}
KAM_PKG=${REG_KAM_PKG_MB:-16}
KAM_SQLITE_CHILDREN=${REG_KAM_SQLITE_CHILDREN:-1}
KAM_SQLITE_JOURNAL=${REG_KAM_SQLITE_JOURNAL:-WAL}
STEP_CALLS_MIN=200
SCENARIO=$REPO/bench/sipp/register_uac.xml
KAM_CFG=$REPO/bench/kamailio/register.cfg
POLICY=$REPO/bench/policies/register.sipc
KAM_SQL_SQLITE=/usr/share/kamailio/db_sqlite
KAM_SQL_MYSQL=/usr/share/kamailio/mysql

for v in RATE_START RATE_MAX BISECT STEP_SECONDS STEP_CALLS CONTACTS MEM_RATE \
    WORKERS KAM_SHM KAM_PKG KAM_SQLITE_CHILDREN; do
    case ${!v} in
    '' | *[!0-9]*)
        echo "register_bench: REG_$v must be a number, not '${!v}'" >&2
        exit 2
        ;;
    esac
done
if [ "$RATE_START" -lt 1 ] || [ "$STEP_SECONDS" -lt 1 ] || [ "$STEP_CALLS" -lt "$STEP_CALLS_MIN" ]; then
    echo "register_bench: REG_RATE_START and REG_STEP_SECONDS must be >= 1, REG_STEP_CALLS >= $STEP_CALLS_MIN" >&2
    exit 2
fi
for s in $SERVERS; do
    case $s in sipd | kamailio) ;; *)
        echo "register_bench: unknown server '$s' (sipd, kamailio)" >&2
        exit 2
        ;;
    esac
done
for m in $MODES; do
    case $m in memory | sqlite | mariadb) ;; *)
        echo "register_bench: unknown mode '$m' (memory, sqlite, mariadb)" >&2
        exit 2
        ;;
    esac
done

# --- scratch directory, processes, cleanup -----------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sipc-regbench.XXXXXX") || exit 2
PIDS=""         # processes started here that may still run, stopped on exit
MARIADB_OWN=""  # "own" or "helper" once a MariaDB server runs
MARIADB_HOW="not started"
RESULTS=$tmp/results
MEMRES=$tmp/memory
: >"$RESULTS"
: >"$MEMRES"

started() { PIDS="$PIDS $1"; }
reaped() {
    local rest="" p
    for p in $PIDS; do [ "$p" = "$1" ] || rest="$rest $p"; done
    PIDS=$rest
}

# alive PID: running and not a zombie.
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    local st
    st=$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
    [ "$st" != Z ]
}

# stop_pid PID: SIGTERM, up to 10 s, then SIGKILL; reap it.
stop_pid() {
    local n=100
    if alive "$1"; then
        kill -TERM "$1" 2>/dev/null
        while alive "$1" && [ "$n" -gt 0 ]; do
            sleep 0.1
            n=$((n - 1))
        done
        alive "$1" && kill -KILL "$1" 2>/dev/null
    fi
    wait "$1" 2>/dev/null
    reaped "$1"
}

cleanup() {
    local rc=$? p
    for p in $PIDS; do stop_pid "$p"; done
    mariadb_down
    if [ "${REG_KEEP:-0}" = 1 ]; then
        echo "register_bench: kept $tmp" >&2
    else
        rm -rf "$tmp"
    fi
    exit "$rc"
}
set_traps() {
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM HUP
}
set_traps

note() { echo "register_bench: $*" >&2; }

# --- packages ------------------------------------------------------------------

# installed PKG...: print the packages of PKG... that are not installed.
not_installed() {
    local inst p
    inst=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null |
        awk '$2 == "installed" { sub(/:.*/, "", $1); printf " %s ", $1 }')
    for p in "$@"; do
        case "$inst" in *" $p "*) ;; *) printf '%s ' "$p" ;; esac
    done
}

ensure_packages() {
    local want="sip-tester procps" need
    case " $SERVERS " in *" kamailio "*)
        want="$want kamailio"
        case " $MODES " in *" sqlite "*) want="$want kamailio-sqlite-modules sqlite3" ;; esac
        case " $MODES " in *" mariadb "*) want="$want kamailio-mysql-modules" ;; esac
        ;;
    esac
    case " $MODES " in *" mariadb "*) want="$want mariadb-server mariadb-client" ;; esac
    command -v dpkg-query >/dev/null 2>&1 || return 0
    # shellcheck disable=SC2086 # a list
    need=$(not_installed $want)
    [ -z "$need" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        note "missing packages: $need(not root: the rows needing them will say n/a;" \
            "as root: apt-get install -y --no-install-recommends $need)"
        return 0
    fi
    note "installing: $need"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need >"$tmp/apt.log" 2>&1 ||
        { apt-get update -q >>"$tmp/apt.log" 2>&1 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need \
                >>"$tmp/apt.log" 2>&1; } ||
        { note "apt-get failed (the rows needing these packages will say n/a):"; tail -n 5 "$tmp/apt.log" >&2; }
}

# --- /proc readings --------------------------------------------------------------

CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)

# tree_pids PID: PID and all its descendants, one a line.
tree_pids() {
    ps -e -o pid= -o ppid= | awk -v root="$1" '
        { par[$1] = $2 }
        END {
            keep[root] = 1
            do {
                grown = 0
                for (p in par)
                    if (!(p in keep) && (par[p] in keep)) { keep[p] = 1; grown = 1 }
            } while (grown)
            for (p in keep) print p
        }'
}

# cpu_ticks PID: utime+stime (clock ticks) of PID and its descendants, all
# threads included (a process's /proc/PID/stat counts all its threads).
cpu_ticks() {
    local p files=()
    for p in $(tree_pids "$1"); do files+=("/proc/$p/stat"); done
    cat "${files[@]}" 2>/dev/null |
        awk '{ sub(/^.*\) /, ""); split($0, f, " "); t += f[12] + f[13] } END { print t + 0 }'
}

# pss_kb PID: Pss (kB) summed over PID and its descendants.
pss_kb() {
    local p files=()
    for p in $(tree_pids "$1"); do files+=("/proc/$p/smaps_rollup"); done
    cat "${files[@]}" 2>/dev/null | awk '$1 == "Pss:" { s += $2 } END { print s + 0 }'
}

rss_kb() {
    awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null
}

# settle PID: wait (at most 5 s) until PID's processes are idle: less than
# 2 ticks of CPU in 0.3 s, so a step does not pay for the one before.
settle() {
    local a b n=16
    a=$(cpu_ticks "$1")
    while [ "$n" -gt 0 ]; do
        sleep 0.3
        b=$(cpu_ticks "$1")
        [ $((b - a)) -lt 2 ] && return 0
        a=$b
        n=$((n - 1))
    done
}

# udp_bound PORT / tcp_bound PORT: something listens on 127.0.0.1:PORT.
port_in() {
    local hex
    hex=$(printf '%04X' "$2")
    awk -v h=":$hex" 'NR > 1 && toupper(substr($2, length($2) - 4)) == h { f = 1 } END { exit !f }' \
        "$1" 2>/dev/null
}
free_port() {
    local tries=100 port
    while [ "$tries" -gt 0 ]; do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        if ! port_in /proc/net/udp "$port" && ! port_in /proc/net/udp6 "$port" &&
            ! port_in /proc/net/tcp "$port" && ! port_in /proc/net/tcp6 "$port"; then
            echo "$port"
            return 0
        fi
        tries=$((tries - 1))
    done
    return 1
}

# --- MariaDB -------------------------------------------------------------------

MY_PORT="" MY_SOCK="" MY_PID="" MY_ADMIN=root

# mariadb_up: a private MariaDB server with databases kamailio_bench (with
# Kamailio's location and version tables) and sipc_bench, user bench/bench
# from 127.0.0.1.  Sets MY_PORT, MY_SOCK.  False (with a note) on failure.
mariadb_up() {
    [ -n "$MARIADB_OWN" ] && return 0
    local d=$tmp/mariadb n=300
    mkdir -p "$d"
    if [ "${REG_MARIADB_HELPER:-0}" = 1 ] && [ -f "$REPO/tests/db/mariadb.sh" ]; then
        # The shared test helper (exports MARIADB_PID, MARIADB_SOCK,
        # MARIADB_PORT); our traps are set again after sourcing it.
        # shellcheck source=/dev/null
        if . "$REPO/tests/db/mariadb.sh" && mariadb_start "$d" >"$d/helper.log" 2>&1; then
            set_traps
            MARIADB_OWN=helper MARIADB_HOW="tests/db/mariadb.sh"
            MY_PORT=${MARIADB_PORT:-} MY_SOCK=${MARIADB_SOCK:-} MY_PID=${MARIADB_PID:-}
            MY_ADMIN=$(id -un) # the helper's administrator
        else
            set_traps
            note "tests/db/mariadb.sh failed, starting MariaDB here ($(tail -n 1 "$d/helper.log" 2>/dev/null))"
        fi
    fi
    if [ -z "$MARIADB_OWN" ]; then
        command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || {
            note "mariadbd not found (package mariadb-server)"
            return 1
        }
        local mysqld user_opt=()
        mysqld=$(command -v mariadbd || echo /usr/sbin/mariadbd)
        [ "$(id -u)" -eq 0 ] && user_opt=(--user=root)
        MY_SOCK=$d/sock
        MY_PORT=$(free_port) || { note "no free port for MariaDB"; return 1; }
        mariadb-install-db --no-defaults --datadir="$d/data" --auth-root-authentication-method=normal \
            --skip-test-db "${user_opt[@]}" >"$d/install.log" 2>&1 || {
            note "mariadb-install-db failed:"
            tail -n 5 "$d/install.log" >&2
            return 1
        }
        "$mysqld" --no-defaults --datadir="$d/data" --socket="$MY_SOCK" --port="$MY_PORT" \
            --bind-address=127.0.0.1 --pid-file="$d/mariadb.pid" --log-error="$d/error.log" \
            --skip-name-resolve --innodb-buffer-pool-size=256M "${user_opt[@]}" >"$d/out.log" 2>&1 &
        MY_PID=$!
        started "$MY_PID"
        MARIADB_OWN=own
        MARIADB_HOW="$("$mysqld" --version 2>/dev/null | sed -n 's/.*Ver \([^ ]*\).*/\1/p'), private datadir, server defaults (innodb_flush_log_at_trx_commit=1), buffer pool 256M"
        while ! mariadb-admin --no-defaults -S "$MY_SOCK" -uroot ping >/dev/null 2>&1; do
            if ! alive "$MY_PID" || [ "$n" -le 0 ]; then
                note "MariaDB did not start:"
                tail -n 5 "$d/error.log" >&2
                return 1
            fi
            n=$((n - 1))
            sleep 0.1
        done
    fi
    { cat <<'EOF'
CREATE DATABASE IF NOT EXISTS kamailio_bench;
CREATE USER IF NOT EXISTS 'bench'@'127.0.0.1' IDENTIFIED BY 'bench';
CREATE USER IF NOT EXISTS 'bench'@'localhost' IDENTIFIED BY 'bench';
GRANT ALL ON kamailio_bench.* TO 'bench'@'127.0.0.1';
GRANT ALL ON kamailio_bench.* TO 'bench'@'localhost';
GRANT ALL ON sipc_bench.* TO 'bench'@'127.0.0.1';
GRANT ALL ON sipc_bench.* TO 'bench'@'localhost';
USE kamailio_bench;
EOF
        if [ -r "$KAM_SQL_MYSQL/standard-create.sql" ] && [ -r "$KAM_SQL_MYSQL/usrloc-create.sql" ]; then
            cat "$KAM_SQL_MYSQL/standard-create.sql" "$KAM_SQL_MYSQL/usrloc-create.sql"
        fi
    } | my_sql >"$d/schema.log" 2>&1 || {
        note "creating the MariaDB databases failed:"
        tail -n 5 "$d/schema.log" >&2
        return 1
    }
}

# my_sql [ARGS]: the mariadb client as administrator on the private
# server's socket.
my_sql() {
    mariadb --no-defaults -S "$MY_SOCK" -u "$MY_ADMIN" "$@"
}

mariadb_down() {
    case $MARIADB_OWN in
    own) [ -n "$MY_PID" ] && stop_pid "$MY_PID" ;;
    helper) mariadb_stop >/dev/null 2>&1 ;;
    esac
    MARIADB_OWN=""
}

# --- servers -------------------------------------------------------------------

SRV_PID="" SRV_PORT="" SRV_LOG="" SRV_NA="" SRV_DB=""
SIPD_THREADS="?"

# sipd_db_prepare URL: create sipd's schema when this sipctl has a `db`
# command that does it (else sipd is expected to create it itself).
sipd_db_prepare() {
    local usage sub
    usage=$("$B/sipctl" 2>&1)
    for sub in migrate init create; do
        case $usage in *"sipctl db $sub"*)
            "$B/sipctl" db "$sub" "$1" >>"$SRV_LOG" 2>&1 ||
                note "sipctl db $sub failed (see the sipd log)"
            return 0
            ;;
        esac
    done
}

# server_start SERVER MODE TAG: a fresh server (fresh database) in MODE.
# Sets SRV_PID, SRV_PORT, SRV_LOG, SRV_DB (a description of the storage);
# or SRV_NA (why not) and returns 1.
server_start() {
    local server=$1 mode=$2 tag=$3 d n url
    d=$tmp/$server-$mode-$tag
    mkdir -p "$d"
    SRV_LOG=$d/server.log SRV_PID="" SRV_PORT="" SRV_NA="" SRV_DB=""
    : >"$SRV_LOG"
    if [ "$mode" = mariadb ]; then
        mariadb_up || { SRV_NA="MariaDB did not start"; return 1; }
    fi
    case $server in
    sipd)
        [ -x "$B/sipd" ] || { SRV_NA="$B_SHOWN/sipd not built"; return 1; }
        local pol=$d/register.sipc ready=$d/ready dbmode=memory
        url=""
        case $mode in
        sqlite) dbmode=write_through url="sqlite:$d/sipd.db" ;;
        mariadb)
            dbmode=write_through url="mysql://bench:bench@127.0.0.1:$MY_PORT/sipc_bench"
            my_sql -e 'DROP DATABASE IF EXISTS sipc_bench; CREATE DATABASE sipc_bench;' \
                >>"$SRV_LOG" 2>&1 || { SRV_NA="cannot create sipc_bench in MariaDB"; return 1; }
            ;;
        esac
        {
            echo "usrloc.db_mode = $dbmode;"
            echo "workers = $WORKERS;"
            echo "log_level = warn;"
            [ -n "$url" ] && echo "db.url = \"$url\";"
            grep -Ev '^[[:space:]]*(usrloc\.db_mode|workers|log_level|db\.url)[[:space:]]*=' "$POLICY"
        } >"$pol"
        [ -n "$url" ] && sipd_db_prepare "$url"
        SRV_DB=${url:-memory}
        "$B/sipd" -l udp:127.0.0.1:0 --ready-file "$ready" "$pol" >>"$SRV_LOG" 2>&1 &
        SRV_PID=$!
        started "$SRV_PID"
        n=200
        while [ ! -s "$ready" ]; do
            if ! alive "$SRV_PID" || [ "$n" -le 0 ]; then
                stop_pid "$SRV_PID"
                SRV_NA=$(grep -m1 -o 'this sipd does not provide [a-z_]*() yet' "$SRV_LOG") ||
                    SRV_NA="did not start: $(grep -v '^\s' "$SRV_LOG" | tail -n 1)"
                SRV_PID=""
                return 1
            fi
            n=$((n - 1))
            sleep 0.1
        done
        sleep 0.2 # the ready file may be written line by line
        SRV_PORT=$(sed -n 's/^udp:127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$ready" | head -n 1)
        SIPD_THREADS=$(awk '$1 == "Threads:" { print $2 }' "/proc/$SRV_PID/status" 2>/dev/null)
        [ -n "$SRV_PORT" ] || {
            stop_pid "$SRV_PID"
            SRV_NA="no udp:127.0.0.1 port in the ready file"
            SRV_PID=""
            return 1
        }
        ;;
    kamailio)
        command -v kamailio >/dev/null 2>&1 || [ -x /usr/sbin/kamailio ] || {
            SRV_NA="kamailio not installed"
            return 1
        }
        local kam args children=$WORKERS
        [ "$mode" = sqlite ] && children=$KAM_SQLITE_CHILDREN
        kam=$(command -v kamailio || echo /usr/sbin/kamailio)
        SRV_PORT=$(free_port) || { SRV_NA="no free port"; return 1; }
        args=(-f "$KAM_CFG" -DD -E -x tlsf -X tlsf -m "$KAM_SHM" -M "$KAM_PKG"
            -l "udp:127.0.0.1:$SRV_PORT" -P "$d/kamailio.pid" -w "$d" -Y "$d"
            -A "CHILDREN=$children")
        case $mode in
        memory) args+=(-A UL_DB_MODE=0) SRV_DB=memory ;;
        sqlite)
            command -v sqlite3 >/dev/null 2>&1 || { SRV_NA="sqlite3 not installed"; return 1; }
            [ -r "$KAM_SQL_SQLITE/usrloc-create.sql" ] || {
                SRV_NA="no $KAM_SQL_SQLITE/usrloc-create.sql (kamailio-sqlite-modules)"
                return 1
            }
            cat "$KAM_SQL_SQLITE/standard-create.sql" "$KAM_SQL_SQLITE/usrloc-create.sql" |
                sqlite3 "$d/kamailio.db" >>"$SRV_LOG" 2>&1 || { SRV_NA="cannot create the SQLite schema"; return 1; }
            # Kamailio's URL parser wants the path after the host part,
            # which is empty: sqlite:// + / + /absolute/path.
            SRV_DB="sqlite:///$d/kamailio.db"
            args+=(-A UL_DB_MODE=1 -A WITH_SQLITE -A "DBURL=\"$SRV_DB\"")
            [ "$KAM_SQLITE_JOURNAL" = default ] ||
                args+=(-A "SQLITE_JOURNAL=\"$d/kamailio.db=$KAM_SQLITE_JOURNAL;\"")
            ;;
        mariadb)
            my_sql kamailio_bench -e 'TRUNCATE TABLE location;' >>"$SRV_LOG" 2>&1 ||
                { SRV_NA="no location table in MariaDB (kamailio-mysql-modules' SQL)"; return 1; }
            SRV_DB="mysql://bench:bench@127.0.0.1:$MY_PORT/kamailio_bench"
            args+=(-A UL_DB_MODE=1 -A WITH_MYSQL -A "DBURL=\"$SRV_DB\"")
            ;;
        esac
        "$kam" "${args[@]}" >>"$SRV_LOG" 2>&1 &
        SRV_PID=$!
        started "$SRV_PID"
        n=200
        while ! port_in /proc/net/udp "$SRV_PORT"; do
            if ! alive "$SRV_PID" || [ "$n" -le 0 ]; then
                stop_pid "$SRV_PID"
                SRV_NA="did not start: $(grep -m1 -E 'ERROR|CRITICAL' "$SRV_LOG" | sed 's/^.*\]: //')"
                SRV_PID=""
                return 1
            fi
            n=$((n - 1))
            sleep 0.1
        done
        sleep 1 # the UDP children fork after the bind
        ;;
    esac
    settle "$SRV_PID"
    return 0
}

server_stop() {
    [ -n "$SRV_PID" ] && stop_pid "$SRV_PID"
    SRV_PID=""
}

# db_rows: rows in the location table of the current write-through run
# (Kamailio's schema; sipd's table is assumed to be called location too),
# or "?".
db_rows() {
    local n=""
    case $SRV_DB in
    sqlite:///*) n=$(sqlite3 "${SRV_DB#sqlite:///}" 'SELECT COUNT(*) FROM location;' 2>/dev/null) ;;
    sqlite:*) n=$(sqlite3 "${SRV_DB#sqlite:}" 'SELECT COUNT(*) FROM location;' 2>/dev/null) ;;
    mysql://*) n=$(my_sql -N -e "SELECT COUNT(*) FROM ${SRV_DB##*/}.location;" 2>/dev/null) ;;
    esac
    echo "${n:-?}"
}

# --- one sipp step -------------------------------------------------------------

# users_csv FIRST COUNT: the injection file for users FIRST..FIRST+COUNT-1.
users_csv() {
    local f=$tmp/users-$1-$2.csv
    [ -s "$f" ] || awk -v a="$1" -v n="$2" \
        'BEGIN { print "SEQUENTIAL"; for (i = 0; i < n; i++) printf "user%06d\n", a + i }' >"$f"
    echo "$f"
}

STEP_NO=0
# run_step RATE FIRST COUNT CSEQ: COUNT calls at RATE reg/s for users
# FIRST.., the Call-ID of user FIRST+k-1 being "r<k>-<FIRST>@sipc-bench"
# (the same in every run that starts at FIRST), CSeq CSEQ.  Sets ST_OK
# (1 passed, 0 failed), ST_RATE (achieved reg/s), ST_US (server CPU µs per
# successful registration), ST_DBUS (the same for the MariaDB server, in
# mariadb mode), ST_OKCALLS, ST_WHY (what failed).
run_step() {
    local rate=$1 first=$2 count=$3 cseq=$4 csv out stat limit secs t0 t1 d0=0 d1=0 spid rc
    STEP_NO=$((STEP_NO + 1))
    out=$tmp/step-$STEP_NO
    stat=$out.stat.csv
    csv=$(users_csv "$first" "$count")
    limit=$((rate / 2 > 50 ? rate / 2 : 50))
    secs=$((count / rate + 15))
    settle "$SRV_PID"
    t0=$(cpu_ticks "$SRV_PID")
    [ "$CUR_MODE" = mariadb ] && [ -n "$MY_PID" ] && d0=$(cpu_ticks "$MY_PID")
    timeout -k 5 "$((secs + 5))" sipp -sf "$SCENARIO" -inf "$csv" -cid_str "r%u-$first@sipc-bench" \
        -base_cseq "$cseq" -m "$count" -r "$rate" -rp 1000 -l "$limit" \
        -i 127.0.0.1 -p "$SIPP_PORT" -nostdin -timeout "${secs}s" -timeout_error \
        -trace_stat -stf "$stat" -fd 3600 \
        "127.0.0.1:$SRV_PORT" >"$out.log" 2>&1 &
    spid=$!
    started "$spid"
    wait "$spid"
    rc=$?
    reaped "$spid"
    t1=$(cpu_ticks "$SRV_PID")
    [ "$CUR_MODE" = mariadb ] && [ -n "$MY_PID" ] && d1=$(cpu_ticks "$MY_PID")
    # The last line of the statistics file holds the cumulative counters.
    local fig
    fig=$(awk -F';' '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { last = $0 }
        END {
            if (last == "") { print "nostat"; exit }
            split(last, v, ";")
            n = split(v[c["StartTime"]], a, "\t"); t0 = a[n]
            n = split(v[c["CurrentTime"]], a, "\t"); t1 = a[n]
            printf "%d %d %d %d %d %d %.6f\n", v[c["SuccessfulCall(C)"]], v[c["FailedCall(C)"]],
                v[c["Retransmissions(C)"]], v[c["FailedUnexpectedMessage(C)"]],
                v[c["OutOfCallMsgs(C)"]] + v[c["DeadCallMsgs(C)"]],
                v[c["FailedMaxUDPRetrans(C)"]] + v[c["FailedTimeoutOnRecv(C)"]], t1 - t0
        }' "$stat" 2>/dev/null)
    local okc=0 bad=0 retr=0 unexp=0 late=0 tmo=0 el=0
    [ -n "$fig" ] && [ "$fig" != nostat ] && read -r okc bad retr unexp late tmo el <<<"$fig"
    ST_OKCALLS=$okc
    ST_RATE=$(awk -v n="$okc" -v t="$el" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }')
    ST_US=$(awk -v d="$((t1 - t0))" -v n="$okc" -v hz="$CLK_TCK" \
        'BEGIN { if (n > 0) printf "%.1f", d * 1e6 / hz / n; else print "-" }')
    ST_DBUS=-
    [ "$CUR_MODE" = mariadb ] && ST_DBUS=$(awk -v d="$((d1 - d0))" -v n="$okc" -v hz="$CLK_TCK" \
        'BEGIN { if (n > 0) printf "%.1f", d * 1e6 / hz / n; else print "-" }')
    ST_OK=1 ST_WHY=""
    local why=()
    [ "$okc" -ne "$count" ] && why+=("$okc/$count ok")
    [ "$bad" -gt 0 ] && why+=("$bad failed")
    [ "$tmo" -gt 0 ] && why+=("$tmo timed out")
    [ "$retr" -gt 0 ] && why+=("$retr retrans")
    [ "$unexp" -gt 0 ] && why+=("$unexp unexpected")
    [ "$late" -gt 0 ] && why+=("$late late msgs")
    [ "$ST_RATE" -lt $((rate * 9 / 10)) ] && why+=("reached $ST_RATE/s")
    [ "$rc" -ne 0 ] && [ ${#why[@]} -eq 0 ] && why+=("sipp exit $rc")
    if [ ${#why[@]} -gt 0 ]; then
        ST_OK=0
        local joined
        joined=$(IFS=,; echo "${why[*]}")
        ST_WHY="$rate/s: ${joined//,/, }"
    fi
    printf '  %-8s %-7s %-8s target %6d/s  %6d calls  got %6s/s  cpu %7s us/reg (db %s)  %s\n' \
        "$CUR_SERVER" "$CUR_MODE" "$CUR_SCEN" "$rate" "$count" "$ST_RATE" "$ST_US" "$ST_DBUS" \
        "$([ "$ST_OK" = 1 ] && echo pass || echo "FAIL ($ST_WHY)")" >&2
}

# --- the rate search -------------------------------------------------------------

NEXT_USER=1 # the next user nobody registered in this server run
POOL_FIRST=0 POOL_N=0 CSEQ_NEXT=2

step_calls() {
    local n=$(($1 * STEP_SECONDS))
    [ "$n" -lt "$STEP_CALLS_MIN" ] && n=$STEP_CALLS_MIN
    [ "$n" -gt "$STEP_CALLS" ] && n=$STEP_CALLS
    echo "$n"
}

# try SCENARIO RATE: one step of the scenario (new: fresh users; refresh:
# the pool, next CSeq).
try() {
    local n
    n=$(step_calls "$2")
    if [ "$1" = new ]; then
        run_step "$2" "$NEXT_USER" "$n" 1
        NEXT_USER=$((NEXT_USER + n))
    else
        [ "$n" -gt "$POOL_N" ] && n=$POOL_N
        run_step "$2" "$POOL_FIRST" "$n" "$CSEQ_NEXT"
        CSEQ_NEXT=$((CSEQ_NEXT + 1))
    fi
}

# search SCENARIO [START]: sets BEST_TARGET, BEST_RATE, BEST_US, BEST_DBUS,
# LIMIT.  START (default REG_RATE_START) is the first rate tried.
search() {
    local scen=$1 rate=${2:-$RATE_START} pass=0 fail=0 down=0 mid i
    BEST_TARGET=0 BEST_RATE=0 BEST_US=- BEST_DBUS=- LIMIT=""
    CUR_SCEN=$scen
    while :; do
        try "$scen" "$rate"
        if [ "$ST_OK" = 1 ]; then
            pass=$rate BEST_TARGET=$rate BEST_RATE=$ST_RATE BEST_US=$ST_US BEST_DBUS=$ST_DBUS
            [ "$fail" -gt 0 ] && break
            [ $((rate * 2)) -gt "$RATE_MAX" ] && { LIMIT="REG_RATE_MAX=$RATE_MAX"; break; }
            rate=$((rate * 2))
        else
            fail=$rate LIMIT=$ST_WHY
            [ "$pass" -gt 0 ] && break
            down=$((down + 1))
            [ "$down" -gt 4 ] || [ "$rate" -lt 20 ] && break
            rate=$((rate / 2))
        fi
    done
    if [ "$pass" -gt 0 ] && [ "$fail" -gt 0 ]; then
        for ((i = 0; i < BISECT; i++)); do
            mid=$(((pass + fail) / 2))
            [ "$mid" -le "$pass" ] && break
            try "$scen" "$mid"
            if [ "$ST_OK" = 1 ]; then
                pass=$mid BEST_TARGET=$mid BEST_RATE=$ST_RATE BEST_US=$ST_US BEST_DBUS=$ST_DBUS
            else
                fail=$mid LIMIT=$ST_WHY
            fi
        done
    fi
}

result() { # SERVER MODE SCENARIO RATE US DBUS LIMIT
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"
}

declare -A BEST_NEW_MEMORY=()

bench_server_mode() {
    local server=$1 mode=$2 rows
    CUR_SERVER=$server CUR_MODE=$mode
    NEXT_USER=1 CSEQ_NEXT=2
    if ! server_start "$server" "$mode" rate; then
        note "$server $mode: n/a ($SRV_NA)"
        result "$server" "$mode" new n/a n/a n/a "$SRV_NA"
        result "$server" "$mode" refresh n/a n/a n/a "$SRV_NA"
        return
    fi
    note "$server $mode: listening on udp:127.0.0.1:$SRV_PORT (pid $SRV_PID, storage $SRV_DB)"
    search new
    if [ "$BEST_TARGET" -gt 0 ]; then
        result "$server" "$mode" new "$BEST_RATE" "$BEST_US" "$BEST_DBUS" "${LIMIT:-}"
        [ "$mode" = memory ] && BEST_NEW_MEMORY[$server]=$BEST_TARGET
        # The refresh pool: users registered once, at 3/4 of the best new
        # rate (the best one may pass only just), two steps' worth (so
        # refreshes at twice that rate still last a step).
        POOL_FIRST=$NEXT_USER
        POOL_N=$((BEST_TARGET * STEP_SECONDS * 2))
        [ "$POOL_N" -gt "$STEP_CALLS" ] && POOL_N=$STEP_CALLS
        [ "$POOL_N" -lt "$STEP_CALLS_MIN" ] && POOL_N=$STEP_CALLS_MIN
        CUR_SCEN=pool
        run_step "$((BEST_TARGET * 3 / 4 > 0 ? BEST_TARGET * 3 / 4 : 1))" "$POOL_FIRST" "$POOL_N" 1
        NEXT_USER=$((NEXT_USER + POOL_N))
        [ "$ST_OK" = 1 ] || note "$server $mode: the refresh pool registered with failures ($ST_WHY)"
        # Refreshes start at the rate of the doubling sequence just below
        # half the best new rate (a refresh costs about what a new
        # registration does), to spend no steps far below the limit.
        local start=$RATE_START
        while [ $((start * 4)) -le "$BEST_TARGET" ]; do start=$((start * 2)); done
        search refresh "$start"
        if [ "$BEST_TARGET" -gt 0 ]; then
            result "$server" "$mode" refresh "$BEST_RATE" "$BEST_US" "$BEST_DBUS" "${LIMIT:-}"
        else
            result "$server" "$mode" refresh "0" - - "${LIMIT:-}"
        fi
    else
        result "$server" "$mode" new "0" - - "${LIMIT:-}"
        result "$server" "$mode" refresh n/a n/a n/a "no new registration passed"
    fi
    if [ "$mode" != memory ]; then
        rows=$(db_rows)
        note "$server $mode: $rows rows in the location table after $((NEXT_USER - 1)) users registered"
    fi
    server_stop
}

# memory SERVER: RSS growth over CONTACTS new contacts, on a fresh server.
bench_memory() {
    local server=$1 rate=$MEM_RATE p0 p1 r0 r1 first n ok=0 left
    CUR_SERVER=$server CUR_MODE=memory CUR_SCEN=memory
    NEXT_USER=1
    if ! server_start "$server" memory mem; then
        echo "$server	n/a ($SRV_NA)" >>"$MEMRES"
        return
    fi
    if [ "$rate" -eq 0 ]; then
        rate=$(( ${BEST_NEW_MEMORY[$server]:-4000} / 2 ))
        [ "$rate" -gt 4000 ] && rate=4000
        [ "$rate" -lt 100 ] && rate=100
    fi
    note "$server memory: $CONTACTS contacts at $rate reg/s"
    p0=$(pss_kb "$SRV_PID") r0=$(rss_kb "$SRV_PID")
    left=$CONTACTS
    while [ "$left" -gt 0 ]; do
        n=$STEP_CALLS
        [ "$n" -gt "$left" ] && n=$left
        first=$NEXT_USER
        run_step "$rate" "$first" "$n" 1
        ok=$((ok + ST_OKCALLS))
        NEXT_USER=$((NEXT_USER + n))
        left=$((left - n))
    done
    sleep 1
    settle "$SRV_PID"
    p1=$(pss_kb "$SRV_PID") r1=$(rss_kb "$SRV_PID")
    awk -v s="$server" -v ok="$ok" -v n="$CONTACTS" -v p0="$p0" -v p1="$p1" -v r0="$r0" -v r1="$r1" \
        -v np="$(tree_pids "$SRV_PID" | wc -l)" 'BEGIN {
        printf "%s\t%d of %d contacts: Pss of %d process(es) %.1f -> %.1f MB, %.0f bytes/contact; VmRSS of the main pid %.1f -> %.1f MB (%.0f bytes/contact)\n",
            s, ok, n, np, p0 / 1024, p1 / 1024, ok ? (p1 - p0) * 1024 / ok : 0,
            r0 / 1024, r1 / 1024, ok ? (r1 - r0) * 1024 / ok : 0 }' >>"$MEMRES"
    server_stop
}

# --- main ----------------------------------------------------------------------

ensure_packages
command -v sipp >/dev/null 2>&1 || {
    note "sipp not found (Debian package sip-tester): nothing to measure"
    exit 1
}
SIPP_PORT=$(free_port) || { note "no free port for sipp"; exit 1; }

n_srv=$(echo "$SERVERS" | wc -w)
n_mode=$(echo "$MODES" | wc -w)
steps=$((BISECT + 5)) # doublings from the start, or halvings, plus bisection
r=$RATE_START
while [ $((r * 2)) -le "$RATE_MAX" ]; do
    r=$((r * 2))
    steps=$((steps + 1))
done
per_step=$((STEP_SECONDS + 3))
est=$((n_srv * n_mode * (2 * steps * per_step + 3 * STEP_SECONDS + 5)))
[ "$CONTACTS" -gt 0 ] && est=$((est + n_srv * (CONTACTS / 2000 + 5)))
echo "REGISTER bench: servers [$SERVERS], modes [$MODES]; rates $RATE_START..$RATE_MAX reg/s, steps of" \
    "${STEP_SECONDS}s / at most $STEP_CALLS calls; memory over $CONTACTS contacts"
echo "REGISTER bench: at most about $(((est + 59) / 60)) min (less when rates fail early); sipp from" \
    "udp:127.0.0.1:$SIPP_PORT; progress on stderr"
t_start=$SECONDS

for server in $SERVERS; do
    for mode in $MODES; do
        bench_server_mode "$server" "$mode"
    done
done
if [ "$CONTACTS" -gt 0 ]; then
    for server in $SERVERS; do
        case " $MODES " in
        *" memory "*) ;;
        *) BEST_NEW_MEMORY[$server]=${BEST_NEW_MEMORY[$server]:-4000} ;;
        esac
        bench_memory "$server"
    done
fi

echo
echo "REGISTER throughput (sipp UAC over UDP on 127.0.0.1, one REGISTER per call; highest rate with"
echo "no failure, retransmission or unexpected message; CPU = server utime+stime per registration;"
echo "DB CPU = the MariaDB server's, in mariadb mode; failures: of the step reported, by the rule above)"
{
    printf 'server\tmode\tscenario\trate reg/s\tCPU us/reg\tDB CPU us/reg\tfailures\tlimit (lowest failing step)\n'
    awk -F'\t' '{
        f = ($4 == "n/a") ? "n/a" : 0
        printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", $1, $2, $3, $4, $5, $6, f, $7 }' "$RESULTS"
} | awk -F'\t' '
    { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR }
    END {
        for (r = 1; r <= n; r++) {
            line = ""
            for (i = 1; i <= 8; i++) {
                # numbers right-aligned, words left-aligned; the last column as is
                if (i == 8) { line = line cell[r, i]; break }
                if (i >= 4 && i <= 7) line = line sprintf("%" w[i] "s  ", cell[r, i])
                else line = line sprintf("%-" w[i] "s  ", cell[r, i])
            }
            print line
        }
    }'
if [ "$CONTACTS" -gt 0 ]; then
    echo
    echo "memory per contact (memory mode, fresh server, $CONTACTS distinct contacts):"
    sed 's/^/  /; s/\t/: /' "$MEMRES"
fi
echo
kv=$(kamailio -v 2>/dev/null | sed -n 's/^version: kamailio \([^ ]*\).*/\1/p')
echo "kamailio ${kv:-?}: -x tlsf -X tlsf -m $KAM_SHM -M $KAM_PKG, children=$WORKERS ($KAM_SQLITE_CHILDREN in SQLite" \
    "mode), SQLite journal_mode=$KAM_SQLITE_JOURNAL with synchronous=FULL (db_sqlite cannot change it)"
echo "sipd: workers=$WORKERS in the policy ($SIPD_THREADS threads seen), SQLite as its driver sets it up; MariaDB: $MARIADB_HOW, over TCP on 127.0.0.1"
echo "$(nproc) cores shared by server, sipp and MariaDB; run took $((SECONDS - t_start)) s"
