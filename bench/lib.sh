# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# shellcheck disable=SC2034 # variables set here are read by the scripts
# shellcheck disable=SC2119,SC2120 # my_sql takes optional arguments
#
# bench/lib.sh - shell helpers shared by the benchmarks that drive a real
# server with sipp (bench/register_bench.sh, bench/proxy_bench.sh).  Source
# it from bash after setting
#
#   BENCH_NAME   the script's name, for messages ("register_bench")
#   REPO         the checkout's top directory
#
# then call bench_setup, which makes the scratch directory $tmp (removed on
# exit unless BENCH_KEEP=1) and sets the traps that stop every process
# started here (recorded with `started PID`) and the private MariaDB
# server, if one was started.  Only processes started here are signalled,
# each by its PID.
#
# Contents: processes (started, reaped, alive, stop_pid), packages
# (not_installed, ensure_packages), /proc readings (tree_pids, cpu_ticks,
# pss_kb, rss_kb, hwm_kb, udp_rcvbuf_errors, udp_drops, settle), ports (port_in, free_port), a private
# MariaDB server (mariadb_up, my_sql, mariadb_down), sipp's statistics file
# and a step's verdict (sipp_stat, sipp_verdict, per_unit), the step-up rate search (search), and a table printer
# (print_table).

# --- scratch directory, processes, cleanup -----------------------------------

PIDS=""        # processes started here that may still run, stopped on exit
MARIADB_OWN="" # "own" or "helper" once a MariaDB server runs
MARIADB_HOW="not started"

note() { echo "$BENCH_NAME: $*" >&2; }

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
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        note "kept $tmp"
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

# bench_setup: the scratch directory $tmp and the traps.
bench_setup() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/sipc-$BENCH_NAME.XXXXXX") || exit 2
    set_traps
}

# --- packages ------------------------------------------------------------------

# not_installed PKG...: print the packages of PKG... that are not installed.
not_installed() {
    local inst p
    inst=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null |
        awk '$2 == "installed" { sub(/:.*/, "", $1); printf " %s ", $1 }')
    for p in "$@"; do
        case "$inst" in *" $p "*) ;; *) printf '%s ' "$p" ;; esac
    done
}

# ensure_packages PKG...: install the Debian packages of PKG... that are
# missing, with apt-get, when running as root; otherwise say so (the rows
# needing them then say n/a).
ensure_packages() {
    local need
    command -v dpkg-query >/dev/null 2>&1 || return 0
    need=$(not_installed "$@")
    [ -z "$need" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        note "missing packages: $need(not root: the rows needing them will say n/a;" \
            "as root: apt-get install -y --no-install-recommends $need)"
        return 0
    fi
    note "installing: $need"
    # shellcheck disable=SC2086 # a list
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

# hwm_kb PID: VmHWM (peak resident set, kB) summed over PID and its
# descendants (pages shared between them are counted in each).
hwm_kb() {
    local p files=()
    for p in $(tree_pids "$1"); do files+=("/proc/$p/status"); done
    cat "${files[@]}" 2>/dev/null | awk '$1 == "VmHWM:" { s += $2 } END { print s + 0 }'
}

# udp_rcvbuf_errors: UDP datagrams the kernel dropped, machine-wide, for
# a full socket receive buffer (RcvbufErrors, /proc/net/snmp).
udp_rcvbuf_errors() {
    awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { print $6; exit }' /proc/net/snmp 2>/dev/null
}

# udp_drops PID: datagrams dropped so far on the UDP sockets of PID and its
# descendants (the drops column of /proc/net/udp and udp6).
udp_drops() {
    local p inodes
    inodes=$(for p in $(tree_pids "$1"); do
        # shellcheck disable=SC2012 # the link targets are wanted
        ls -l "/proc/$p/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p'
    done)
    awk -v list="$inodes" 'BEGIN { n = split(list, a, "\n"); for (i = 1; i <= n; i++) ino[a[i]] = 1 }
        FNR > 1 && ($10 in ino) && !seen[$10]++ { d += $NF }
        END { print d + 0 }' /proc/net/udp /proc/net/udp6
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

# only_words WHAT "ALLOWED..." LIST...: exit 2 unless every word of LIST
# is one of ALLOWED (the scripts' knobs: servers, modes, scenarios).
only_words() {
    local what=$1 allowed=$2 w
    shift 2
    for w in "$@"; do
        case " $allowed " in *" $w "*) ;; *)
            echo "$BENCH_NAME: unknown $what '$w' ($allowed)" >&2
            exit 2
            ;;
        esac
    done
}

# sipd_launch POLICY READY: start $B/sipd on POLICY on a free UDP port of
# 127.0.0.1 (logging to $SRV_LOG) and wait until it writes READY.  Sets
# SRV_PID, SRV_PORT and SIPD_THREADS; or SRV_NA (why not) and returns 1.
sipd_launch() {
    local n=200
    "$B/sipd" -l udp:127.0.0.1:0 --ready-file "$2" "$1" >>"$SRV_LOG" 2>&1 &
    SRV_PID=$!
    started "$SRV_PID"
    while [ ! -s "$2" ]; do
        if ! alive "$SRV_PID" || [ "$n" -le 0 ]; then
            stop_pid "$SRV_PID"
            SRV_NA=$(grep -m1 -o 'this sipd does not provide .* yet' "$SRV_LOG") ||
                SRV_NA="did not start: $(grep -v '^\s' "$SRV_LOG" | tail -n 1)"
            SRV_PID=""
            return 1
        fi
        n=$((n - 1))
        sleep 0.1
    done
    sleep 0.2 # the ready file may be written line by line
    SRV_PORT=$(sed -n 's/^udp:127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$2" | head -n 1)
    SIPD_THREADS=$(awk '$1 == "Threads:" { print $2 }' "/proc/$SRV_PID/status" 2>/dev/null)
    [ -n "$SRV_PORT" ] && return 0
    stop_pid "$SRV_PID"
    SRV_NA="no udp:127.0.0.1 port in the ready file"
    SRV_PID=""
    return 1
}

# wait_bound: wait (up to 20 s) until something listens on UDP $SRV_PORT
# while $SRV_PID lives; else stop it, clear SRV_PID and return 1.
wait_bound() {
    local n=200
    while ! port_in /proc/net/udp "$SRV_PORT"; do
        if ! alive "$SRV_PID" || [ "$n" -le 0 ]; then
            stop_pid "$SRV_PID"
            SRV_PID=""
            return 1
        fi
        n=$((n - 1))
        sleep 0.1
    done
}

# port_in TABLE PORT: something is bound to PORT in /proc/net/TABLE.
port_in() {
    local hex
    hex=$(printf '%04X' "$2")
    awk -v h=":$hex" 'NR > 1 && toupper(substr($2, length($2) - 4)) == h { f = 1 } END { exit !f }' \
        "$1" 2>/dev/null
}
# free_port: a port nothing uses over UDP or TCP, IPv4 or IPv6.
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

# --- sipd's database, subscribers -------------------------------------------

# (moved here from register_bench.sh, for compare.sh too; they read $B,
# $SRV_LOG, $tmp, AUTH_USERS and AUTH_DOMAIN.)

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

# subscribers_sql sipd|kamailio: SQL inserting users 1..AUTH_USERS (user
# userNNNNNN, password pwNNNNNN, domain AUTH_DOMAIN) into that server's
# subscriber table, as lower-case hex HA1s (MD5, and SHA-256 for sipd's
# ha1_sha256; Kamailio's plain-text password and ha1b columns stay empty:
# calculate_ha1 is off), in one transaction, 500 rows an INSERT.  Written
# once per run into the scratch directory; prints its path.
subscribers_sql() {
    local f=$tmp/subscribers-$1.sql
    [ -s "$f" ] || perl -MDigest::MD5=md5_hex -MDigest::SHA=sha256_hex -e '
        my ($kind, $n, $dom) = @ARGV;
        print "BEGIN;\n";
        for (my $i = 1; $i <= $n; $i++) {
            my $u = sprintf("user%06d", $i);
            my $s = "$u:$dom:" . sprintf("pw%06d", $i);
            my $row = $kind eq "sipd"
                ? sprintf("(\x27%s\x27,\x27%s\x27,\x27%s\x27,\x27%s\x27)", $u, $dom, md5_hex($s), sha256_hex($s))
                : sprintf("(\x27%s\x27,\x27%s\x27,\x27\x27,\x27%s\x27,\x27\x27)", $u, $dom, md5_hex($s));
            print $i % 500 == 1 ? ($kind eq "sipd"
                    ? "INSERT INTO subscriber (username, domain, ha1, ha1_sha256) VALUES\n"
                    : "INSERT INTO subscriber (username, domain, password, ha1, ha1b) VALUES\n") : ",\n";
            print $row;
            print ";\n" if $i % 500 == 0 || $i == $n;
        }
        print "COMMIT;\n";' "$1" "$AUTH_USERS" "$AUTH_DOMAIN" >"$f"
    echo "$f"
}

# --- MariaDB -------------------------------------------------------------------

MY_PORT="" MY_SOCK="" MY_PID="" MY_ADMIN=root
KAM_SQL_MYSQL=/usr/share/kamailio/mysql
# Kamailio's schema files (in KAM_SQL_MYSQL, NAME-create.sql) loaded into
# kamailio_bench; the script may set this before mariadb_up.
MY_KAM_SCHEMAS=${MY_KAM_SCHEMAS:-standard usrloc}

# mariadb_up: a private MariaDB server with databases kamailio_bench (with
# Kamailio's tables of MY_KAM_SCHEMAS) and sipc_bench, user bench/bench
# from 127.0.0.1.  Sets MY_PORT, MY_SOCK, MY_PID.  False (with a note) on
# failure.  MARIADB_HELPER=1 uses the tests' helper (tests/db/mariadb.sh)
# instead of a server started here.
mariadb_up() {
    [ -n "$MARIADB_OWN" ] && return 0
    local d=$tmp/mariadb n=300 s
    mkdir -p "$d"
    if [ "${MARIADB_HELPER:-0}" = 1 ] && [ -f "$REPO/tests/db/mariadb.sh" ]; then
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
        for s in $MY_KAM_SCHEMAS; do
            [ -r "$KAM_SQL_MYSQL/$s-create.sql" ] && cat "$KAM_SQL_MYSQL/$s-create.sql"
        done
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

# --- sipp ----------------------------------------------------------------------

# sipp's own socket buffers are 64 KB by default (-buff_size), which drops
# replies at a few thousand messages a second (RcvbufErrors): the benches
# give it 4 MB (the kernel caps it at net.core.rmem_max / wmem_max).
SIPP_BUFF=(-buff_size 4194304)

# sipp_stat FILE: the cumulative counters of sipp's statistics file (-stf,
# its last line): "successful failed retransmissions unexpected late
# timeouts elapsed_seconds", or "nostat" when there is none.  late: out-of-
# call and dead-call messages; timeouts: calls failed on UDP retransmission
# limits or on a recv timeout.
sipp_stat() {
    awk -F';' '
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
        }' "$1" 2>/dev/null
}

# sipp_verdict RATE COUNT RC STATFILE: judge one sipp run of COUNT calls at
# RATE calls/s that exited with RC.  It PASSES when sipp exits 0 and every
# call succeeded, with no failed call, no retransmission (an answer later
# than sipp's T1, 500 ms, or a message lost: the server fell behind), no
# unexpected, out-of-call or dead-call message, and the rate sipp achieved
# (successful calls / elapsed time) is at least 90% of RATE.  Sets ST_OK
# (1 passed, 0 failed), ST_WHY ("RATE/s: what failed"), ST_OKCALLS,
# ST_RATE (achieved calls/s).
sipp_verdict() {
    local rate=$1 count=$2 rc=$3 fig okc=0 bad=0 retr=0 unexp=0 late=0 tmo=0 el=0 why=() joined
    fig=$(sipp_stat "$4")
    [ -n "$fig" ] && [ "$fig" != nostat ] && read -r okc bad retr unexp late tmo el <<<"$fig"
    ST_OKCALLS=$okc
    ST_RATE=$(awk -v n="$okc" -v t="$el" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }')
    ST_OK=1 ST_WHY=""
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
        joined=$(IFS=,; echo "${why[*]}")
        ST_WHY="$rate/s: ${joined//,/, }"
    fi
}

# per_unit TICKS N: microseconds of CPU per unit for TICKS clock ticks over
# N units, one decimal; "-" when N is 0.
per_unit() {
    awk -v d="$1" -v n="$2" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.1f", d * 1e6 / hz / n; else print "-" }'
}

# --- the step-up rate search -----------------------------------------------------

# search SCENARIO [START]: the highest rate at which a step of SCENARIO
# passes.  Calls the script's `try SCENARIO RATE`, which runs one step and
# sets ST_OK (1 passed) and ST_WHY (what failed), and its `keep_best`,
# called after each passing step (to copy the step's figures).  From START
# (default RATE_START): while a step passes, double the rate (up to
# RATE_MAX); when the first step fails, halve it instead (at most 4 times,
# not below 20/s); then BISECT bisection steps between the best passing and
# the lowest failing rate.  Sets BEST_TARGET (0: nothing passed) and LIMIT
# (what stopped the search).
search() {
    local scen=$1 rate=${2:-$RATE_START} pass=0 fail=0 down=0 mid i
    BEST_TARGET=0 LIMIT=""
    while :; do
        try "$scen" "$rate"
        if [ "$ST_OK" = 1 ]; then
            pass=$rate BEST_TARGET=$rate
            keep_best
            [ "$fail" -gt 0 ] && break
            [ $((rate * 2)) -gt "$RATE_MAX" ] && { LIMIT="${RATE_MAX_KNOB:-rate max}=$RATE_MAX"; break; }
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
                pass=$mid BEST_TARGET=$mid
                keep_best
            else
                fail=$mid LIMIT=$ST_WHY
            fi
        done
    fi
}

# --- output --------------------------------------------------------------------

# print_table NUMCOLS...: tab-separated rows on stdin (the first a header)
# as aligned columns; the columns named by number in NUMCOLS are right-
# aligned, the others left-aligned; the last column is printed as is.
print_table() {
    awk -F'\t' -v nums=" $* " '
        { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) }
          if (NF > nf) nf = NF; n = NR }
        END {
            for (r = 1; r <= n; r++) {
                line = ""
                for (i = 1; i <= nf; i++) {
                    if (i == nf) { line = line cell[r, i]; break }
                    if (index(nums, " " i " ")) line = line sprintf("%" w[i] "s  ", cell[r, i])
                    else line = line sprintf("%-" w[i] "s  ", cell[r, i])
                }
                print line
            }
        }'
}
