#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/register_bench.sh - REGISTER throughput, server CPU per registration
# and memory per contact: sipd against Debian's Kamailio, same scenario,
# same run (issue #6).
#
#   bash bench/register_bench.sh [BUILD_DIR]       (default build;
#                                                  `make bench-register`)
#   `make bench-auth`: REG_MODES="sqlite mariadb" REG_SCENARIOS="new auth"
#   REG_CONTACTS=0: authenticated registrations next to unauthenticated
#   ones (issue #7).
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
#   auth      (only when REG_SCENARIOS names it; sqlite and mariadb modes:
#             the credentials live in the database) a fresh server with
#             digest authentication (bench/policies/register_auth.sipc;
#             register.cfg with -A WITH_AUTH: auth + auth_db) and
#             REG_AUTH_USERS users provisioned in its subscriber table
#             (HA1 rows inserted in bulk, each user with a password of its
#             own), registering users nobody registered before
#             (bench/sipp/register_auth_uac.xml): REGISTER, 401 with an MD5
#             challenge, REGISTER with credentials, 200.  A registration is
#             that pair: the rate is pairs per second, the CPU is the
#             server's for both messages.  Users run out after
#             REG_AUTH_USERS: the next step starts again at the first one
#             (a re-registration from another Call-ID, noted on stderr).
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
# what stopped the search (with the UDP datagrams the kernel dropped for a
# full receive buffer during that step, at the server's sockets and
# elsewhere: sipp's).  sipp runs with 4 MB socket buffers (its default,
# 64 KB, drops answers at a few thousand a second).
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
# sqlite3, perl for the HA1s) are installed with apt-get when running as root; otherwise the
# rows that need them say n/a.
#
# Knobs (environment):
#   REG_SERVERS="sipd kamailio"   REG_MODES="memory sqlite mariadb"
#   REG_SCENARIOS="new refresh"   (and/or auth; refresh needs new)
#   REG_AUTH_USERS=200000  users provisioned for the auth scenario
#   REG_KAM_AUTH_QOP=1   Kamailio challenges with qop=auth and checks nonce
#                        counts (modparam nonce_count), as sipd always
#                        does; 0: www_challenge("$td", "0"), no qop, no nc
#                        check (less work for Kamailio)
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
SCENARIOS=${REG_SCENARIOS:-new refresh}
AUTH_USERS=${REG_AUTH_USERS:-200000}
KAM_AUTH_QOP=${REG_KAM_AUTH_QOP:-1}
STEP_CALLS_MIN=200
SCENARIO=$REPO/bench/sipp/register_uac.xml
SCENARIO_AUTH=$REPO/bench/sipp/register_auth_uac.xml
KAM_CFG=$REPO/bench/kamailio/register.cfg
POLICY=$REPO/bench/policies/register.sipc
POLICY_AUTH=$REPO/bench/policies/register_auth.sipc
AUTH_DOMAIN=127.0.0.1 # the To domain sipp sends ([remote_ip]): the realm
KAM_SQL_SQLITE=/usr/share/kamailio/db_sqlite
KAM_SQL_MYSQL=/usr/share/kamailio/mysql

for v in RATE_START RATE_MAX BISECT STEP_SECONDS STEP_CALLS CONTACTS MEM_RATE \
    WORKERS KAM_SHM KAM_PKG KAM_SQLITE_CHILDREN AUTH_USERS KAM_AUTH_QOP; do
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
case " $SCENARIOS " in *" refresh "*)
    case " $SCENARIOS " in *" new "*) ;; *)
        echo "register_bench: the refresh scenario needs new (its pool rate comes from it)" >&2
        exit 2
        ;;
    esac
    ;;
esac
has_scen() { case " $SCENARIOS " in *" $1 "*) return 0 ;; esac; return 1; }

# --- scratch directory, processes, packages, /proc, MariaDB: bench/lib.sh ----

BENCH_NAME=register_bench
BENCH_KEEP=${REG_KEEP:-0}
MARIADB_HELPER=${REG_MARIADB_HELPER:-0}
RATE_MAX_KNOB=REG_RATE_MAX
MY_KAM_SCHEMAS="standard usrloc"
has_scen auth && MY_KAM_SCHEMAS="$MY_KAM_SCHEMAS auth_db"
# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"
# shellcheck disable=SC2086 # the knobs are word lists
only_words server "sipd kamailio" $SERVERS
# shellcheck disable=SC2086
only_words mode "memory sqlite mariadb" $MODES
# shellcheck disable=SC2086
only_words scenario "new refresh auth" $SCENARIOS
bench_setup
RESULTS=$tmp/results
MEMRES=$tmp/memory
: >"$RESULTS"
: >"$MEMRES"

# --- servers -------------------------------------------------------------------

SRV_PID="" SRV_PORT="" SRV_LOG="" SRV_NA="" SRV_DB=""
SIPD_THREADS="?"

# server_start SERVER MODE TAG [auth]: a fresh server (fresh database) in
# MODE; with auth, the one asking for credentials, with AUTH_USERS users
# provisioned.  Sets SRV_PID, SRV_PORT, SRV_LOG, SRV_DB (a description of
# the storage); or SRV_NA (why not) and returns 1.
server_start() {
    local server=$1 mode=$2 tag=$3 auth=${4:-} d n url
    d=$tmp/$server-$mode-$tag
    mkdir -p "$d"
    SRV_LOG=$d/server.log SRV_PID="" SRV_PORT="" SRV_NA="" SRV_DB=""
    : >"$SRV_LOG"
    if [ -n "$auth" ]; then
        [ "$mode" != memory ] || { SRV_NA="credentials live in a database: sqlite and mariadb modes"; return 1; }
        command -v perl >/dev/null 2>&1 || { SRV_NA="perl not installed (for the HA1s)"; return 1; }
    fi
    if [ "$mode" = mariadb ]; then
        mariadb_up || { SRV_NA="MariaDB did not start"; return 1; }
    fi
    case $server in
    sipd)
        [ -x "$B/sipd" ] || { SRV_NA="$B_SHOWN/sipd not built"; return 1; }
        local pol=$d/register.sipc ready=$d/ready dbmode=memory src=$POLICY
        [ -n "$auth" ] && src=$POLICY_AUTH
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
            grep -Ev '^[[:space:]]*(usrloc\.db_mode|workers|log_level|db\.url)[[:space:]]*=' "$src"
        } >"$pol"
        [ -n "$url" ] && sipd_db_prepare "$url"
        if [ -n "$auth" ]; then
            local sql
            sql=$(subscribers_sql sipd)
            case $mode in
            sqlite) sqlite3 "$d/sipd.db" <"$sql" >>"$SRV_LOG" 2>&1 ;;
            mariadb) my_sql sipc_bench <"$sql" >>"$SRV_LOG" 2>&1 ;;
            esac || { SRV_NA="cannot provision the subscribers (see the server log)"; return 1; }
        fi
        SRV_DB=${url:-memory}
        sipd_launch "$pol" "$ready" || return 1
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
            { cat "$KAM_SQL_SQLITE/standard-create.sql" "$KAM_SQL_SQLITE/usrloc-create.sql"
                [ -n "$auth" ] && cat "$KAM_SQL_SQLITE/auth_db-create.sql" "$(subscribers_sql kamailio)"
            } | sqlite3 "$d/kamailio.db" >>"$SRV_LOG" 2>&1 || { SRV_NA="cannot create the SQLite schema"; return 1; }
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
            if [ -n "$auth" ]; then
                { echo 'TRUNCATE TABLE subscriber;'; cat "$(subscribers_sql kamailio)"; } |
                    my_sql kamailio_bench >>"$SRV_LOG" 2>&1 ||
                    { SRV_NA="cannot provision Kamailio's subscriber table in MariaDB"; return 1; }
            fi
            SRV_DB="mysql://bench:bench@127.0.0.1:$MY_PORT/kamailio_bench"
            args+=(-A UL_DB_MODE=1 -A WITH_MYSQL -A "DBURL=\"$SRV_DB\"")
            ;;
        esac
        if [ -n "$auth" ]; then
            args+=(-A WITH_AUTH)
            [ "$KAM_AUTH_QOP" = 0 ] && args+=(-A AUTH_NO_QOP)
        fi
        # Kamailio's processes open the SQLite file at once at start and
        # may find it locked (db_sqlite sets no busy timeout): then one
        # more try.
        local attempt
        for attempt in 1 2; do
            "$kam" "${args[@]}" >>"$SRV_LOG" 2>&1 &
            SRV_PID=$!
            started "$SRV_PID"
            wait_bound
            if [ -n "$SRV_PID" ]; then
                sleep 1 # the UDP children fork after the bind
                alive "$SRV_PID" && break
                stop_pid "$SRV_PID"
                SRV_PID=""
            fi
            if [ "$attempt" != 1 ] || [ "$mode" != sqlite ] || ! grep -q 'database is locked' "$SRV_LOG"; then
                break
            fi
            note "$server $mode: Kamailio stopped at start on a locked SQLite file; starting it again"
        done
        [ -n "$SRV_PID" ] || {
            SRV_NA="did not start: $(grep -m1 -E 'ERROR|CRITICAL' "$SRV_LOG" | sed 's/^.*\]: //')"
            return 1
        }
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

# users_csv FIRST COUNT: the injection file for users FIRST..FIRST+COUNT-1:
# user name (field0) and password (field1, for the auth scenario).
users_csv() {
    local f=$tmp/users-$1-$2.csv
    [ -s "$f" ] || awk -v a="$1" -v n="$2" \
        'BEGIN { print "SEQUENTIAL"; for (i = 0; i < n; i++) printf "user%06d;pw%06d\n", a + i, a + i }' >"$f"
    echo "$f"
}

STEP_NO=0
# run_step RATE FIRST COUNT CSEQ: COUNT calls at RATE reg/s for users
# FIRST.., the Call-ID of user FIRST+k-1 being "r<k>-<FIRST>@sipc-bench"
# (the same in every run that starts at FIRST), CSeq CSEQ.  Sets ST_OK
# (1 passed, 0 failed), ST_RATE (achieved reg/s), ST_US (server CPU µs per
# successful registration), ST_DBUS (the same for the MariaDB server, in
# mariadb mode), ST_OKCALLS, ST_WHY (what failed).  In the auth scenario a
# call is the authenticated pair (register_auth_uac.xml).
run_step() {
    local rate=$1 first=$2 count=$3 cseq=$4 csv out stat limit secs t0 t1 d0=0 d1=0 spid rc sf=$SCENARIO \
        sd0 sd1 ad0 ad1
    [ "$CUR_SCEN" = auth ] && sf=$SCENARIO_AUTH
    STEP_NO=$((STEP_NO + 1))
    out=$tmp/step-$STEP_NO
    stat=$out.stat.csv
    csv=$(users_csv "$first" "$count")
    limit=$((rate / 2 > 50 ? rate / 2 : 50))
    secs=$((count / rate + 15))
    settle "$SRV_PID"
    sd0=$(udp_drops "$SRV_PID") ad0=$(udp_rcvbuf_errors)
    t0=$(cpu_ticks "$SRV_PID")
    [ "$CUR_MODE" = mariadb ] && [ -n "$MY_PID" ] && d0=$(cpu_ticks "$MY_PID")
    timeout -k 5 "$((secs + 5))" sipp -sf "$sf" -inf "$csv" -cid_str "r%u-$first@sipc-bench" \
        -base_cseq "$cseq" -m "$count" -r "$rate" -rp 1000 -l "$limit" \
        -i 127.0.0.1 -p "$SIPP_PORT" -nostdin "${SIPP_BUFF[@]}" -timeout "${secs}s" -timeout_error \
        -trace_stat -stf "$stat" -fd 3600 \
        "127.0.0.1:$SRV_PORT" >"$out.log" 2>&1 &
    spid=$!
    started "$spid"
    wait "$spid"
    rc=$?
    reaped "$spid"
    t1=$(cpu_ticks "$SRV_PID")
    [ "$CUR_MODE" = mariadb ] && [ -n "$MY_PID" ] && d1=$(cpu_ticks "$MY_PID")
    sipp_verdict "$rate" "$count" "$rc" "$stat"
    sd1=$(udp_drops "$SRV_PID") ad1=$(udp_rcvbuf_errors)
    [ "$ST_OK" = 0 ] && [ $((ad1 - ad0)) -gt 0 ] &&
        ST_WHY="$ST_WHY; UDP drops: $((sd1 - sd0)) at the server, $((ad1 - ad0 - sd1 + sd0)) elsewhere"
    ST_US=$(per_unit "$((t1 - t0))" "$ST_OKCALLS")
    ST_DBUS=-
    [ "$CUR_MODE" = mariadb ] && ST_DBUS=$(per_unit "$((d1 - d0))" "$ST_OKCALLS")
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

# try SCENARIO RATE: one step of the scenario (new, auth: fresh users;
# refresh: the pool, next CSeq).
try() {
    local n
    n=$(step_calls "$2")
    case $1 in
    new | auth)
        if [ "$1" = auth ] && [ $((NEXT_USER + n - 1)) -gt "$AUTH_USERS" ]; then
            note "$CUR_SERVER $CUR_MODE: all $AUTH_USERS provisioned users registered; starting again at the first"
            NEXT_USER=1
        fi
        run_step "$2" "$NEXT_USER" "$n" 1
        NEXT_USER=$((NEXT_USER + n))
        ;;
    refresh)
        [ "$n" -gt "$POOL_N" ] && n=$POOL_N
        run_step "$2" "$POOL_FIRST" "$n" "$CSEQ_NEXT"
        CSEQ_NEXT=$((CSEQ_NEXT + 1))
        ;;
    esac
}

# keep_best: the figures of a passing step (for lib.sh's search).
keep_best() { BEST_RATE=$ST_RATE BEST_US=$ST_US BEST_DBUS=$ST_DBUS; }

# search_reg SCENARIO [START]: lib.sh's search; sets BEST_TARGET, BEST_RATE,
# BEST_US, BEST_DBUS, LIMIT.  START (default REG_RATE_START) is the first
# rate tried.
search_reg() {
    BEST_RATE=0 BEST_US=- BEST_DBUS=-
    CUR_SCEN=$1
    search "$@"
}

result() { # SERVER MODE SCENARIO RATE US DBUS LIMIT
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"
}

declare -A BEST_NEW_MEMORY=()

bench_server_mode() {
    local server=$1 mode=$2 rows
    CUR_SERVER=$server CUR_MODE=$mode
    has_scen new && bench_unauth "$server" "$mode"
    has_scen auth && bench_auth "$server" "$mode"
}

# bench_unauth SERVER MODE: the new (and refresh) scenarios on a server
# that asks for no credentials.
bench_unauth() {
    local server=$1 mode=$2 rows
    NEXT_USER=1 CSEQ_NEXT=2
    if ! server_start "$server" "$mode" rate; then
        note "$server $mode: n/a ($SRV_NA)"
        result "$server" "$mode" new n/a n/a n/a "$SRV_NA"
        has_scen refresh && result "$server" "$mode" refresh n/a n/a n/a "$SRV_NA"
        return
    fi
    note "$server $mode: listening on udp:127.0.0.1:$SRV_PORT (pid $SRV_PID, storage $SRV_DB)"
    search_reg new
    if [ "$BEST_TARGET" -gt 0 ]; then
        result "$server" "$mode" new "$BEST_RATE" "$BEST_US" "$BEST_DBUS" "${LIMIT:-}"
        [ "$mode" = memory ] && BEST_NEW_MEMORY[$server]=$BEST_TARGET
    else
        result "$server" "$mode" new "0" - - "${LIMIT:-}"
        has_scen refresh && result "$server" "$mode" refresh n/a n/a n/a "no new registration passed"
    fi
    if [ "$BEST_TARGET" -gt 0 ] && has_scen refresh; then
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
        search_reg refresh "$start"
        if [ "$BEST_TARGET" -gt 0 ]; then
            result "$server" "$mode" refresh "$BEST_RATE" "$BEST_US" "$BEST_DBUS" "${LIMIT:-}"
        else
            result "$server" "$mode" refresh "0" - - "${LIMIT:-}"
        fi
    fi
    if [ "$mode" != memory ]; then
        rows=$(db_rows)
        note "$server $mode: $rows rows in the location table after $((NEXT_USER - 1)) users registered"
    fi
    server_stop
}

# bench_auth SERVER MODE: the auth scenario, on a fresh server asking for
# credentials, its subscribers provisioned.
bench_auth() {
    local server=$1 mode=$2 rows
    NEXT_USER=1
    if ! server_start "$server" "$mode" auth auth; then
        note "$server $mode auth: n/a ($SRV_NA)"
        result "$server" "$mode" auth n/a n/a n/a "$SRV_NA"
        return
    fi
    note "$server $mode auth: listening on udp:127.0.0.1:$SRV_PORT (pid $SRV_PID, storage $SRV_DB," \
        "$AUTH_USERS subscribers)"
    search_reg auth
    if [ "$BEST_TARGET" -gt 0 ]; then
        result "$server" "$mode" auth "$BEST_RATE" "$BEST_US" "$BEST_DBUS" "${LIMIT:-}"
    else
        result "$server" "$mode" auth "0" - - "${LIMIT:-}"
    fi
    rows=$(db_rows)
    note "$server $mode auth: $rows rows in the location table after $((NEXT_USER - 1)) registrations"
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

want="sip-tester procps"
case " $SERVERS " in *" kamailio "*)
    want="$want kamailio"
    case " $MODES " in *" sqlite "*) want="$want kamailio-sqlite-modules sqlite3" ;; esac
    case " $MODES " in *" mariadb "*) want="$want kamailio-mysql-modules" ;; esac
    ;;
esac
case " $MODES " in *" sqlite "*) has_scen auth && want="$want sqlite3" ;; esac
case " $MODES " in *" mariadb "*) want="$want mariadb-server mariadb-client" ;; esac
has_scen auth && want="$want perl"
# shellcheck disable=SC2086 # a list
ensure_packages $want
command -v sipp >/dev/null 2>&1 || {
    note "sipp not found (Debian package sip-tester): nothing to measure"
    exit 1
}
SIPP_PORT=$(free_port) || { note "no free port for sipp"; exit 1; }

n_srv=$(echo "$SERVERS" | wc -w)
# A search doubles up to the maximum or halves (at most 5 steps down),
# then bisects.
steps=1
r=$RATE_START
while [ $((r * 2)) -le "$RATE_MAX" ]; do
    r=$((r * 2))
    steps=$((steps + 1))
done
[ "$steps" -lt 5 ] && steps=5
steps=$((steps + BISECT))
per_step=$((STEP_SECONDS + 3))
est=0
for mode in $MODES; do
    has_scen new && est=$((est + steps * per_step + 3))
    has_scen refresh && est=$((est + steps * per_step + 3 * STEP_SECONDS + 2))
    has_scen auth && [ "$mode" != memory ] && est=$((est + steps * per_step + 8))
done
est=$((est * n_srv))
[ "$CONTACTS" -gt 0 ] && est=$((est + n_srv * (CONTACTS / 2000 + 5)))
echo "REGISTER bench: servers [$SERVERS], modes [$MODES], scenarios [$SCENARIOS]; rates $RATE_START..$RATE_MAX reg/s, steps of" \
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
} | print_table 4 5 6 7
if has_scen auth; then
    echo
    echo "auth: one registration = REGISTER, 401, REGISTER with credentials, 200 (sipp MD5, qop=auth, per-user"
    echo "passwords); rate in registrations/s, CPU per registration (both REGISTERs); beside the new"
    echo "registrations without authentication on the same server and mode:"
    awk -F'\t' '
        $3 == "new" { nr[$1 SUBSEP $2] = $4; nu[$1 SUBSEP $2] = $5 }
        $3 == "auth" { k[++n] = $1 SUBSEP $2; ar[n] = $4; au[n] = $5 }
        END {
            printf "server\tmode\tauth reg/s\tauth CPU us/reg\tno-auth reg/s\tno-auth CPU us/reg\tCPU ratio\n"
            for (i = 1; i <= n; i++) {
                split(k[i], p, SUBSEP)
                r = (au[i] + 0 > 0 && nu[k[i]] + 0 > 0) ? sprintf("%.2fx", au[i] / nu[k[i]]) : "-"
                printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p[1], p[2], ar[i], au[i],
                    (k[i] in nr) ? nr[k[i]] : "-", (k[i] in nu) ? nu[k[i]] : "-", r
            }
        }' "$RESULTS" | print_table 3 4 5 6 7
    if [ "$KAM_AUTH_QOP" = 0 ]; then
        echo "Kamailio challenges with www_challenge(\"\$td\", \"0\"): no qop, no nonce-count check (sipd: qop=auth, nc checked)"
    else
        echo "Kamailio: www_challenge(\"\$td\", \"1\") (qop=auth) with nonce_count=1 (nc replay check), as sipd; auth_db" \
            "calculate_ha1=0, use_domain=1 (REG_KAM_AUTH_QOP=0: no qop)"
    fi
fi
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
