#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2034,SC2154 # variables shared with bench/lib.sh ($tmp is set there)
#
# bench/compare.sh - the side-by-side table of issue #12: sipd against
# Debian's Kamailio, the SAME sipp scenario at the SAME fixed rate (below
# both servers' limits), each held for COMPARE_SECONDS so that both reach
# their steady state, one server at a time, nothing else running.
#
#   bash bench/compare.sh [BUILD_DIR]          (default build;
#                                              `make bench-compare`)
#
# Why fixed rates and long runs: the step-up searches of proxy_bench.sh and
# register_bench.sh run 3-second steps, and a server that keeps finished
# transactions (sofia keeps a completed non-INVITE server transaction 32 s)
# pays for them only later: short steps flatter it.  Here the CPU is read
# over a steady window only, after a warm-up, while the load goes on.
#
# Scenarios (COMPARE_SCENARIOS, default all four), servers with one worker
# (sipd `workers = 1`; Kamailio -x tlsf -X tlsf, one SIP worker process
# beside its main and timer processes, all counted):
#   options   OPTIONS to the server, 200 statelessly (bench/sipp/options_uac.xml;
#             sipd bench/policies/proxy.sipc, Kamailio bench/kamailio/proxy.cfg)
#   register  REGISTER, user location in memory (register_uac.xml;
#             register.sipc / register.cfg UL_DB_MODE=0), COMPARE_USERS
#             users in turn: after the first round every REGISTER updates
#             a binding (new Call-ID, same Contact)
#   auth      REGISTER, 401, REGISTER with credentials, 200: one operation
#             (register_auth_uac.xml; register_auth.sipc / register.cfg
#             WITH_AUTH, qop=auth with nonce counts on both); location in
#             memory, the COMPARE_USERS subscribers' HA1s in an SQLite file
#             (the only place either server reads credentials from)
#   calls     INVITE..BYE through a Record-Routing stateful proxy to a sipp
#             UAS (call_uac.xml, call_uas.xml; proxy.sipc / proxy.cfg)
#
# Per server and scenario: a fresh server; sipp at the scenario's rate for
# COMPARE_WARMUP + COMPARE_SECONDS + 5 seconds' worth of operations; after
# COMPARE_WARMUP s the server's CPU (utime+stime of all its processes and
# threads, /proc) and sipp's successful-call counter (its statistics file,
# written every second) are read, again COMPARE_SECONDS later: CPU per
# operation = CPU ticks / operations completed in that window.  At the end
# of the window (load still on): Pss summed over the server's processes
# (smaps_rollup) and VmHWM summed (Kamailio's processes each count the
# shared memory they touched, so its sum overstates).  Calls: Pss again
# COMPARE_DRAIN (35) s after the load stops.  sipp's failed calls,
# retransmissions, unexpected and late messages over the whole run are
# reported in the table; a row with any of them says so ("FAIL").
#
# Output: the table on stdout and in BUILD_DIR/bench-compare.txt.  Exit 0
# when the run completed, 2 on misuse.  Asserts nothing about speed.
#
# Knobs (environment):
#   COMPARE_SCENARIOS="options register auth calls"
#   COMPARE_SERVERS="kamailio sipd"
#   COMPARE_SECONDS=120  the steady window (the figure that counts is >= 120)
#   COMPARE_WARMUP=15    seconds of load before the window
#   COMPARE_DRAIN=35     calls: idle seconds before the second Pss reading
#   COMPARE_OPTIONS_RATE=10000 COMPARE_REGISTER_RATE=4000
#   COMPARE_AUTH_RATE=600 (sipd refuses new nonces beyond 200,000 alive, and
#   they live 300 s: at 2000/s it fails after 100 s)   COMPARE_CALLS_RATE=1000
#   COMPARE_USERS=100000  users registered in turn (and subscribers)
#   COMPARE_KAM_SHM_MB=4096 COMPARE_KAM_PKG_MB=16   (kamailio -m / -M)
#   COMPARE_KEEP=1       keep the scratch directory (logs, sipp stats)

set -u
LC_ALL=C
export LC_ALL

B=${1:-build}
B_SHOWN=$B
cd "$(dirname "$0")/.." || exit 2
REPO=$PWD
case $B in
/*) ;;
*) B=$REPO/$B ;;
esac

SCENARIOS=${COMPARE_SCENARIOS:-options register auth calls}
SERVERS=${COMPARE_SERVERS:-kamailio sipd}
SECS=${COMPARE_SECONDS:-120}
WARM=${COMPARE_WARMUP:-15}
DRAIN=${COMPARE_DRAIN:-35}
USERS=${COMPARE_USERS:-100000}
KAM_SHM=${COMPARE_KAM_SHM_MB:-4096}
KAM_PKG=${COMPARE_KAM_PKG_MB:-16}
declare -A RATE=(
    [options]=${COMPARE_OPTIONS_RATE:-10000}
    [register]=${COMPARE_REGISTER_RATE:-4000}
    [auth]=${COMPARE_AUTH_RATE:-600} # sipd: 200,000 nonce counts over auth.nonce_expire (300 s): < 667/s
    [calls]=${COMPARE_CALLS_RATE:-1000}
)
declare -A WHAT=(
    [options]="OPTIONS, stateless 200"
    [register]="REGISTER, location in memory"
    [auth]="REGISTER+401+REGISTER (digest)"
    [calls]="call INVITE..BYE, Record-Route"
)
for v in SECS WARM DRAIN USERS KAM_SHM KAM_PKG "${RATE[@]}"; do
    case ${!v:-$v} in
    '' | *[!0-9]*)
        echo "compare: $v must be a number" >&2
        exit 2
        ;;
    esac
done
if [ "$SECS" -lt 1 ] || [ "$USERS" -lt 1 ]; then
    echo "compare: COMPARE_SECONDS and COMPARE_USERS must be >= 1" >&2
    exit 2
fi
AUTH_USERS=$USERS
AUTH_DOMAIN=127.0.0.1 # the To domain sipp sends ([remote_ip]): the realm
KAM_SQL_SQLITE=/usr/share/kamailio/db_sqlite

BENCH_NAME=compare
BENCH_KEEP=${COMPARE_KEEP:-0}
# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"
# shellcheck disable=SC2086 # word lists
only_words scenario "options register auth calls" $SCENARIOS
# shellcheck disable=SC2086
only_words server "sipd kamailio" $SERVERS
bench_setup
OUT_FILE=$B/bench-compare.txt

# --- servers -------------------------------------------------------------------

SRV_PID="" SRV_PORT="" SRV_LOG="" SRV_NA=""

# server_start SERVER SCENARIO: a fresh server for SCENARIO.  Sets SRV_PID,
# SRV_PORT, SRV_LOG; or SRV_NA (why not) and returns 1.
server_start() {
    local server=$1 scen=$2 d
    d=$tmp/$server-$scen
    mkdir -p "$d"
    SRV_LOG=$d/server.log SRV_PID="" SRV_PORT="" SRV_NA=""
    : >"$SRV_LOG"
    case $server in
    sipd)
        [ -x "$B/sipd" ] || { SRV_NA="$B_SHOWN/sipd not built"; return 1; }
        local src=$REPO/bench/policies/proxy.sipc url=""
        case $scen in
        register) src=$REPO/bench/policies/register.sipc ;;
        auth)
            src=$REPO/bench/policies/register_auth.sipc url="sqlite:$d/sipd.db"
            sipd_db_prepare "$url"
            sqlite3 "$d/sipd.db" <"$(subscribers_sql sipd)" >>"$SRV_LOG" 2>&1 ||
                { SRV_NA="cannot provision the subscribers (see the server log)"; return 1; }
            ;;
        esac
        {
            echo "workers = 1;"
            echo "log_level = warn;"
            echo "usrloc.db_mode = memory;"
            [ -n "$url" ] && echo "db.url = \"$url\";"
            grep -Ev '^[[:space:]]*(usrloc\.db_mode|workers|log_level|db\.url)[[:space:]]*=' "$src"
        } >"$d/policy.sipc"
        sipd_launch "$d/policy.sipc" "$d/ready" || return 1
        ;;
    kamailio)
        local kam args
        kam=$(command -v kamailio || echo /usr/sbin/kamailio)
        [ -x "$kam" ] || { SRV_NA="kamailio not installed"; return 1; }
        SRV_PORT=$(free_port) || { SRV_NA="no free port"; return 1; }
        args=(-DD -E -x tlsf -X tlsf -m "$KAM_SHM" -M "$KAM_PKG"
            -l "udp:127.0.0.1:$SRV_PORT" -P "$d/kamailio.pid" -w "$d" -Y "$d")
        case $scen in
        options | calls) args+=(-f "$REPO/bench/kamailio/proxy.cfg" -n 1) ;;
        register) args+=(-f "$REPO/bench/kamailio/register.cfg" -A CHILDREN=1 -A UL_DB_MODE=0) ;;
        auth)
            { cat "$KAM_SQL_SQLITE/standard-create.sql" "$KAM_SQL_SQLITE/auth_db-create.sql" \
                "$(subscribers_sql kamailio)"; } | sqlite3 "$d/kamailio.db" >>"$SRV_LOG" 2>&1 ||
                { SRV_NA="cannot create the SQLite subscribers"; return 1; }
            args+=(-f "$REPO/bench/kamailio/register.cfg" -A CHILDREN=1 -A UL_DB_MODE=0 -A WITH_AUTH
                -A WITH_SQLITE -A "DBURL=\"sqlite:///$d/kamailio.db\"")
            ;;
        esac
        "$kam" "${args[@]}" >>"$SRV_LOG" 2>&1 &
        SRV_PID=$!
        started "$SRV_PID"
        wait_bound || {
            SRV_NA="did not start: $(grep -m1 -E 'ERROR|CRITICAL' "$SRV_LOG" | sed 's/^.*\]: //')"
            return 1
        }
        sleep 1 # the children fork after the bind
        ;;
    esac
    settle "$SRV_PID"
}

server_stop() {
    [ -n "$SRV_PID" ] && stop_pid "$SRV_PID"
    SRV_PID=""
}

# --- one run -------------------------------------------------------------------

# ok_calls STATFILE: sipp's successful calls so far (0 before its first line).
ok_calls() {
    local f
    f=$(sipp_stat "$1")
    [ "$f" = nostat ] || [ -z "$f" ] && { echo 0; return; }
    echo "${f%% *}"
}

# run_one SERVER SCENARIO: one server, one scenario; appends a result line
# "SERVER SCEN us/op pss_kb hwm_kb pss_after_kb ok failed retrans unexp late tmo procs"
# to $RESULTS, or "SERVER SCEN n/a WHY".
run_one() {
    local server=$1 scen=$2 rate=${RATE[$2]} out count limit secs uac_pid uas_pid="" t0 t1 o0 o1 \
        pss hwm after=- fig sf csv uac_rc n procs
    out=$tmp/$server-$scen/sipp
    if ! server_start "$server" "$scen"; then
        note "$server $scen: n/a ($SRV_NA)"
        printf '%s\t%s\tn/a\t%s\n' "$server" "$scen" "$SRV_NA" >>"$RESULTS"
        server_stop
        return
    fi
    procs=$(tree_pids "$SRV_PID" | wc -l)
    count=$((rate * (WARM + SECS + 5)))
    limit=$((rate / 2 > 50 ? rate / 2 : 50))
    secs=$((WARM + SECS + 60)) # sipp's own bound
    note "$server $scen: udp:127.0.0.1:$SRV_PORT (pid $SRV_PID, $procs processes), $count ops at $rate/s"
    case $scen in
    calls)
        sipp -sf "$REPO/bench/sipp/call_uas.xml" -m "$count" -i 127.0.0.1 -p "$UAS_PORT" -nostdin \
            "${SIPP_BUFF[@]}" -trace_stat -stf "$out.uas.stat.csv" -fd 1 >"$out.uas.log" 2>&1 &
        uas_pid=$!
        started "$uas_pid"
        n=50
        while ! port_in /proc/net/udp "$UAS_PORT" && [ "$n" -gt 0 ]; do
            sleep 0.1
            n=$((n - 1))
        done
        sf=(-sf "$REPO/bench/sipp/call_uac.xml" -s uas -rsa "127.0.0.1:$SRV_PORT")
        dest=127.0.0.1:$UAS_PORT
        ;;
    options) sf=(-sf "$REPO/bench/sipp/options_uac.xml") dest=127.0.0.1:$SRV_PORT ;;
    register | auth)
        csv=$tmp/users.csv
        [ -s "$csv" ] || awk -v n="$USERS" \
            'BEGIN { print "SEQUENTIAL"; for (i = 1; i <= n; i++) printf "user%06d;pw%06d\n", i, i }' >"$csv"
        sf=(-sf "$REPO/bench/sipp/register_uac.xml" -inf "$csv" -cid_str "c%u-$server@sipc-bench")
        [ "$scen" = auth ] && sf[1]=$REPO/bench/sipp/register_auth_uac.xml
        dest=127.0.0.1:$SRV_PORT
        ;;
    esac
    timeout -k 5 "$((secs + 5))" sipp "${sf[@]}" -m "$count" -r "$rate" -rp 1000 -l "$limit" \
        -i 127.0.0.1 -p "$SIPP_PORT" -nostdin "${SIPP_BUFF[@]}" -timeout "${secs}s" -timeout_error \
        -trace_stat -stf "$out.stat.csv" -fd 1 "$dest" >"$out.log" 2>&1 &
    uac_pid=$!
    started "$uac_pid"
    # The window: fixed lengths of a running load, not a wait for a state.
    sleep "$WARM"
    t0=$(cpu_ticks "$SRV_PID") o0=$(ok_calls "$out.stat.csv")
    sleep "$SECS"
    t1=$(cpu_ticks "$SRV_PID") o1=$(ok_calls "$out.stat.csv")
    pss=$(pss_kb "$SRV_PID") hwm=$(hwm_kb "$SRV_PID")
    wait "$uac_pid"
    uac_rc=$?
    reaped "$uac_pid"
    if [ -n "$uas_pid" ]; then
        n=100 # the UAS ends after its last call; 10 s at most
        while alive "$uas_pid" && [ "$n" -gt 0 ]; do
            sleep 0.1
            n=$((n - 1))
        done
        stop_pid "$uas_pid"
        sleep "$DRAIN" # idle on purpose: what the server still holds after it
        after=$(pss_kb "$SRV_PID")
    fi
    alive "$SRV_PID" || note "$server $scen: the server died (see $SRV_LOG)"
    fig=$(sipp_stat "$out.stat.csv")
    [ -z "$fig" ] || [ "$fig" = nostat ] && fig="0 0 0 0 0 0 0"
    # shellcheck disable=SC2086 # fig is a list of numbers
    set -- $fig
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$scen" \
        "$(per_unit "$((t1 - t0))" "$((o1 - o0))")" "$pss" "$hwm" "$after" "$1" "$2" "$3" "$4" "$5" "$6" \
        "$procs" "$uac_rc" "$((o1 - o0))" >>"$RESULTS"
    note "$server $scen: $((o1 - o0)) ops in the window, $(per_unit "$((t1 - t0))" "$((o1 - o0))") us/op," \
        "Pss $((pss / 1024)) MB; sipp: $1 ok, $2 failed, $3 retrans, $4 unexpected, $5 late, exit $uac_rc"
    server_stop
}

# --- main ----------------------------------------------------------------------

ensure_packages sip-tester kamailio kamailio-sqlite-modules sqlite3 perl procps
command -v sipp >/dev/null 2>&1 || { note "sipp not found (sip-tester)"; exit 1; }
SIPP_PORT=$(free_port) || { note "no free port"; exit 1; }
UAS_PORT=$(free_port) || { note "no free port"; exit 1; }
RESULTS=$tmp/results
: >"$RESULTS"
n_runs=$(($(echo "$SCENARIOS" | wc -w) * $(echo "$SERVERS" | wc -w)))
note "$n_runs runs of $((WARM + SECS)) s (+$DRAIN s for calls); about $(((n_runs * (WARM + SECS + 15) + 2 * DRAIN) / 60 + 1)) min"
t_start=$SECONDS
for scen in $SCENARIOS; do
    for server in $SERVERS; do run_one "$server" "$scen"; done
done

report() {
    local kv
    kv=$(kamailio -v 2>/dev/null | sed -n 's/^version: kamailio \([^ ]*\).*/\1/p')
    echo "sipd vs Kamailio, same sipp scenario at the same fixed rate, one server at a time, one worker each;"
    echo "CPU over a steady window of $SECS s after $WARM s of warm-up; $(nproc) cores shared with sipp."
    [ "$SECS" -lt 120 ] && echo "SHORT RUN ($SECS s < 120 s): not the figure that counts (issue #12 wants >= 2 minutes)."
    echo
    awk -F'\t' -v order="$SCENARIOS" -v what="$(for s in $SCENARIOS; do printf '%s=%s|' "$s" "${WHAT[$s]}"; done)" \
        -v rates="$(for s in $SCENARIOS; do printf '%s=%s|' "$s" "${RATE[$s]}"; done)" '
        function mb(k) { return (k ~ /^[0-9]+$/) ? sprintf("%.0f", k / 1024) : k }
        function ratio(a, b) { return (a + 0 > 0 && b + 0 > 0) ? sprintf("%.2fx", b / a) : "-" }
        function health(s, sc,   k) {
            k = s SUBSEP sc
            if (!(k in us)) return s ": not run"
            if (us[k] == "n/a") return s ": n/a (" why[k] ")"
            return s ": " ok[k] " ok, " bad[k] " failed, " rtx[k] " retrans, " une[k] " unexp, " late[k] " late" \
                ((bad[k] + une[k] + tmo[k] > 0 || rc[k] != 0) ? " FAIL" : "")
        }
        BEGIN {
            n = split(what, a, "|"); for (i = 1; i < n; i++) { split(a[i], b, "="); wh[b[1]] = b[2] }
            n = split(rates, a, "|"); for (i = 1; i < n; i++) { split(a[i], b, "="); rt[b[1]] = b[2] }
        }
        { k = $1 SUBSEP $2; us[k] = $3
          if ($3 == "n/a") { why[k] = $4; next }
          pss[k] = $4; hwm[k] = $5; aft[k] = $6; ok[k] = $7; bad[k] = $8; rtx[k] = $9; une[k] = $10
          late[k] = $11; tmo[k] = $12; rc[k] = $14 }
        END {
            print "scenario\trate/s\tKam us/op\tsipd us/op\tratio\tKam Pss MB\tsipd Pss MB\tratio\tKam HWM MB\tsipd HWM MB\tPss 35 s after (Kam/sipd)\tsipp over the whole run"
            n = split(order, sc, " ")
            for (i = 1; i <= n; i++) {
                s = sc[i]; K = "kamailio" SUBSEP s; S = "sipd" SUBSEP s
                printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", wh[s], rt[s], us[K], us[S], ratio(us[K], us[S]),
                    mb(pss[K]), mb(pss[S]), ratio(pss[K], pss[S]), mb(hwm[K]), mb(hwm[S]),
                    (s == "calls") ? mb(aft[K]) "/" mb(aft[S]) : "-", health("kamailio", s) "; " health("sipd", s)
            }
        }' "$RESULTS" | print_table 2 3 4 5 6 7 8 9 10
    echo
    echo "ratio = sipd / Kamailio (below 1: sipd cheaper).  us/op: server utime+stime (all processes, threads)"
    echo "per operation completed in the window; auth: one op = both REGISTERs; calls: one op = a call."
    echo "Pss: summed over the server's processes at the end of the window, load on; HWM: VmHWM summed"
    echo "(Kamailio's processes each count the shared memory they touched: its sum overstates)."
    echo "kamailio ${kv:-?} ($(dpkg-query -W -f='${Version}' kamailio 2>/dev/null)): -x tlsf -X tlsf -m $KAM_SHM -M $KAM_PKG," \
        "one SIP worker (proxy.cfg -n 1; register.cfg -A CHILDREN=1 -A UL_DB_MODE=0; auth: -A WITH_AUTH -A WITH_SQLITE)"
    echo "sipd $(git -C "$REPO" describe --always --dirty 2>/dev/null): workers = 1, usrloc.db_mode = memory; auth: db.url = sqlite (subscribers)"
    echo "sipp $(sipp -v 2>&1 | sed -n 's/.*SIPp \(v[^ ,]*\).*/\1/p' | head -n 1): -r RATE -rp 1000 -l RATE/2 -buff_size 4194304 -m RATE*(WARMUP+SECONDS+5);" \
        "register/auth: $USERS users in turn from an injection file"
    echo "command: COMPARE_SCENARIOS=\"$SCENARIOS\" COMPARE_SECONDS=$SECS COMPARE_WARMUP=$WARM" \
        "COMPARE_OPTIONS_RATE=${RATE[options]} COMPARE_REGISTER_RATE=${RATE[register]}" \
        "COMPARE_AUTH_RATE=${RATE[auth]} COMPARE_CALLS_RATE=${RATE[calls]} bash bench/compare.sh $B_SHOWN"
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), run took $((SECONDS - t_start)) s"
}
report | tee "$OUT_FILE"
