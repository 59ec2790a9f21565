#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/proxy_bench.sh - stateful calls per second through a Record-Routing
# proxy and stateless OPTIONS replies per second, on one worker, with the
# server's CPU per call and per message and its peak memory: sipd against
# Debian's Kamailio, same scenarios, same run (issue #5).
#
#   bash bench/proxy_bench.sh [BUILD_DIR]     (default build; `make bench-proxy`)
#
# For each server (sipd with bench/policies/proxy.sipc, `workers = 1`, one
# thread; Kamailio with bench/kamailio/proxy.cfg, started with -x tlsf -X
# tlsf and -n 1: one SIP worker process, beside which Kamailio always runs
# its main and timer processes, 5 in all, whose CPU is counted too but
# which can run on the other core), on a fresh server listening on a free
# 127.0.0.1 UDP port:
#
#   calls     sipp UAC (bench/sipp/call_uac.xml) -> proxy -> sipp UAS
#             (bench/sipp/call_uas.xml): INVITE, 100 (the proxy's), 180,
#             200, ACK, BYE, 200.  The proxy Record-Routes the INVITE and
#             relays it statefully (t_relay); ACK and BYE follow the route
#             set (loose_route, t_relay).  Per call the proxy receives 6
#             messages (INVITE, 180, 200, ACK, BYE, 200) and sends 7.
#   options   sipp UAC (bench/sipp/options_uac.xml) -> server: OPTIONS to
#             the server itself, answered 200 statelessly (sl_send_reply).
#
# The rate search (bench/lib.sh), per scenario: start at the scenario's
# start rate; while a step passes, double it (up to the maximum); when the
# first step fails, halve it instead (at most 4 times); then PROXY_BISECT
# bisection steps between the best passing and the lowest failing rate.  A
# step is rate x PROXY_STEP_SECONDS calls (at least 200, at most
# PROXY_STEP_CALLS, OPTIONS: PROXY_OPT_STEP_CALLS).  A step PASSES when
# the UAC's sipp exits 0 with every call successful, no failed call, no
# retransmission (an answer later than 500 ms, or a message lost), no
# unexpected or out-of-call message, the achieved rate at least 90% of
# the target, and (calls) the UAS completed every call with none failed
# and no unexpected message.  The UAS is a
# fresh sipp each step, on the same port.  sipp (two of them for calls)
# shares the machine's 2 cores with the server: at the top rates the load
# generator can be the limit; the "limit" column says what stopped the
# search (with the UDP datagrams the kernel dropped for a full receive
# buffer during that step, at the server and at sipp).  sipp gets 4 MB
# socket buffers, Kamailio maxbuffer=4 MB, as sipd asks for.
#
# Server CPU: utime+stime of the server's processes (the PID started and
# its descendants, all threads) from /proc/PID/stat, before and after the
# UAC's run, divided by the successful calls (CPU per call) and by the
# messages the server received for them (CPU per message: 6 a call, 1 an
# OPTIONS).  Timer work a call leaves behind (freeing its transactions:
# Kamailio's after its 5 s wait timer, sofia's completed non-INVITE server
# transactions after 32 s) falls into later steps of the search, so a
# second figure comes from the final step (below) and the
# PROXY_DRAIN_SECONDS (35; OPTIONS: 2) idle after it: their CPU divided
# by the final step's calls ("full"), each call's whole cost, nothing
# inherited.  The CPU of the two sipp processes over each step is printed
# too ("load"): when server and sipp together near 200%, the machine, not
# the server, is the limit.
#
# Peak memory, per scenario: once the search is over, a fresh server runs
# one more step at the best rate found, the final step (calls:
# PROXY_FINAL_SECONDS, 40 s; OPTIONS: PROXY_STEP_SECONDS); right after it,
# VmHWM (/proc/PID/status) summed over the server's processes (sipd: one
# process; Kamailio: main, worker and timer processes, each counting the
# shared-memory pages it touched, so the sum overstates it), the Pss sum
# (/proc/PID/smaps_rollup: shared pages divided among the processes that
# map them), and the Pss growth over the step per 1000 calls/s.  Both servers keep
# finished transactions for a while (Kamailio: its 5 s wait timer; sofia:
# a completed non-INVITE server transaction 32 s), so the memory a server
# needs grows with the rate and with the time it is sustained, up to that
# retention: 40 s reach both plateaus.  Kamailio's shared memory is -m
# PROXY_KAM_SHM_MB (4096; it touches only what it uses): at 512 MB it runs
# out at about 6000 calls/s (t_newtran: out of mem) and answers with 500s.
#
# Prints one table at the end; asserts nothing about speed (a benchmark,
# not a test).  Exit status 0 when the run completed (rows a server could
# not run say n/a and why), 2 on misuse.  Missing Debian packages
# (kamailio, sip-tester) are installed with apt-get when running as root.
#
# Knobs (environment):
#   PROXY_SERVERS="sipd kamailio"   PROXY_SCENARIOS="calls options"
#   PROXY_CALL_RATE_START=250  PROXY_CALL_RATE_MAX=16000    (calls/s)
#   PROXY_OPT_RATE_START=2000  PROXY_OPT_RATE_MAX=128000    (OPTIONS/s)
#   PROXY_BISECT=2  PROXY_STEP_SECONDS=3
#   PROXY_STEP_CALLS=30000 PROXY_OPT_STEP_CALLS=150000  (at most, a step)
#   PROXY_WORKERS=1      sipd's `workers`, Kamailio's -n
#   PROXY_FINAL_SECONDS=40   length of the final calls step (longer than
#                        sofia's 32 s retention, so memory reaches its
#                        plateau); PROXY_DRAIN_SECONDS=35: idle time after
#                        it whose CPU counts
#   PROXY_KAM_SHM_MB=4096 PROXY_KAM_PKG_MB=16  (kamailio -m / -M)
#   PROXY_KEEP=1         keep the scratch directory (logs, sipp stats)

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

SERVERS=${PROXY_SERVERS:-sipd kamailio}
SCENARIOS=${PROXY_SCENARIOS:-calls options}
CALL_RATE_START=${PROXY_CALL_RATE_START:-250}
CALL_RATE_MAX=${PROXY_CALL_RATE_MAX:-16000}
OPT_RATE_START=${PROXY_OPT_RATE_START:-2000}
OPT_RATE_MAX=${PROXY_OPT_RATE_MAX:-128000}
BISECT=${PROXY_BISECT:-2}
STEP_SECONDS=${PROXY_STEP_SECONDS:-3}
STEP_CALLS=${PROXY_STEP_CALLS:-30000}
OPT_STEP_CALLS=${PROXY_OPT_STEP_CALLS:-150000}
WORKERS=${PROXY_WORKERS:-1}
KAM_SHM=${PROXY_KAM_SHM_MB:-4096}
KAM_PKG=${PROXY_KAM_PKG_MB:-16}
DRAIN=${PROXY_DRAIN_SECONDS:-35}
FINAL=${PROXY_FINAL_SECONDS:-40}
STEP_CALLS_MIN=200
UAC=$REPO/bench/sipp/call_uac.xml
UAS=$REPO/bench/sipp/call_uas.xml
OPTIONS=$REPO/bench/sipp/options_uac.xml
KAM_CFG=$REPO/bench/kamailio/proxy.cfg
POLICY=$REPO/bench/policies/proxy.sipc
MSGS_PER_CALL=6 # received by the proxy: INVITE, 180, 200, ACK, BYE, 200

for v in CALL_RATE_START CALL_RATE_MAX OPT_RATE_START OPT_RATE_MAX BISECT STEP_SECONDS \
    STEP_CALLS OPT_STEP_CALLS WORKERS KAM_SHM KAM_PKG DRAIN FINAL; do
    case ${!v} in
    '' | *[!0-9]*)
        echo "proxy_bench: PROXY_$v must be a number, not '${!v}'" >&2
        exit 2
        ;;
    esac
done
if [ "$CALL_RATE_START" -lt 1 ] || [ "$OPT_RATE_START" -lt 1 ] || [ "$STEP_SECONDS" -lt 1 ] ||
    [ "$STEP_CALLS" -lt "$STEP_CALLS_MIN" ] || [ "$OPT_STEP_CALLS" -lt "$STEP_CALLS_MIN" ] ||
    [ "$WORKERS" -lt 1 ]; then
    echo "proxy_bench: rates, PROXY_STEP_SECONDS and PROXY_WORKERS must be >= 1," \
        "PROXY_STEP_CALLS >= $STEP_CALLS_MIN" >&2
    exit 2
fi
BENCH_NAME=proxy_bench
BENCH_KEEP=${PROXY_KEEP:-0}
RATE_MAX_KNOB=PROXY_RATE_MAX
# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"
# shellcheck disable=SC2086 # the knobs are word lists
only_words server "sipd kamailio" $SERVERS
# shellcheck disable=SC2086
only_words scenario "calls options" $SCENARIOS
bench_setup
RESULTS=$tmp/results
: >"$RESULTS"

# --- servers -------------------------------------------------------------------

SRV_PID="" SRV_PORT="" SRV_LOG="" SRV_NA=""
SIPD_THREADS="?" KAM_PROCS="?"

# server_start SERVER TAG: a fresh server.  Sets SRV_PID, SRV_PORT,
# SRV_LOG; or SRV_NA (why not) and returns 1.
server_start() {
    local server=$1 tag=$2 d n
    d=$tmp/$server-$tag
    mkdir -p "$d"
    SRV_LOG=$d/server.log SRV_PID="" SRV_PORT="" SRV_NA=""
    : >"$SRV_LOG"
    case $server in
    sipd)
        [ -x "$B/sipd" ] || { SRV_NA="$B_SHOWN/sipd not built"; return 1; }
        local pol=$d/proxy.sipc ready=$d/ready
        {
            echo "workers = $WORKERS;"
            echo "log_level = warn;"
            grep -Ev '^[[:space:]]*(workers|log_level)[[:space:]]*=' "$POLICY"
        } >"$pol"
        sipd_launch "$pol" "$ready" || return 1
        ;;
    kamailio)
        command -v kamailio >/dev/null 2>&1 || [ -x /usr/sbin/kamailio ] || {
            SRV_NA="kamailio not installed"
            return 1
        }
        local kam
        kam=$(command -v kamailio || echo /usr/sbin/kamailio)
        SRV_PORT=$(free_port) || { SRV_NA="no free port"; return 1; }
        "$kam" -f "$KAM_CFG" -DD -E -x tlsf -X tlsf -m "$KAM_SHM" -M "$KAM_PKG" -n "$WORKERS" \
            -l "udp:127.0.0.1:$SRV_PORT" -P "$d/kamailio.pid" -w "$d" -Y "$d" >>"$SRV_LOG" 2>&1 &
        SRV_PID=$!
        started "$SRV_PID"
        wait_bound || {
            SRV_NA="did not start: $(grep -m1 -E 'ERROR|CRITICAL' "$SRV_LOG" | sed 's/^.*\]: //')"
            return 1
        }
        sleep 1 # the children fork after the bind
        KAM_PROCS=$(tree_pids "$SRV_PID" | wc -l)
        ;;
    esac
    settle "$SRV_PID"
    return 0
}

server_stop() {
    [ -n "$SRV_PID" ] && stop_pid "$SRV_PID"
    SRV_PID=""
}

# --- one step --------------------------------------------------------------------

STEP_NO=0

# step_calls SCENARIO RATE: the calls of a step.
step_calls() {
    local n=$(($2 * STEP_SECONDS)) max=$STEP_CALLS
    [ "$1" = options ] && max=$OPT_STEP_CALLS
    [ "$n" -lt "$STEP_CALLS_MIN" ] && n=$STEP_CALLS_MIN
    [ "$n" -gt "$max" ] && n=$max
    echo "$n"
}

# run_sipp OUT SIPP-ARGS...: sipp in the background (recorded, so the
# traps stop it), its output in OUT.log; sets SIPP_PID.
run_sipp() {
    local out=$1
    shift
    sipp "$@" >"$out.log" 2>&1 &
    SIPP_PID=$!
    started "$SIPP_PID"
}

# sample_ticks PID...: remember the CPU ticks each PID has used so far
# (TICKS_SEEN[PID]).  bash reaps its children as soon as they exit, so the
# last sample of a sipp is at most one polling interval (0.1 s) old.
declare -A TICKS_SEEN=()
sample_ticks() {
    local p t
    for p in "$@"; do
        t=$(awk '{ sub(/^.*\) /, ""); split($0, f, " "); print f[12] + f[13] }' "/proc/$p/stat" 2>/dev/null)
        [ -n "$t" ] && TICKS_SEEN[$p]=$t
    done
}

# wait_sipp PID SECONDS [PID2]: wait at most SECONDS for PID, then stop
# it; sets SIPP_RC.  Samples the CPU of PID and PID2 meanwhile.
wait_sipp() {
    local n=$(($2 * 10))
    while alive "$1" && [ "$n" -gt 0 ]; do
        sample_ticks "$1" ${3:+"$3"}
        sleep 0.1
        n=$((n - 1))
    done
    alive "$1" && kill -TERM "$1" 2>/dev/null
    wait "$1"
    SIPP_RC=$?
    reaped "$1"
}

# try SCENARIO RATE [COUNT]: one step (of COUNT calls; default: the step
# size for RATE).  Sets ST_OK, ST_WHY, ST_RATE, ST_OKCALLS,
# ST_TICKS (server CPU over the step), ST_US (server CPU µs per call),
# ST_MSG_US (per message received), ST_SRV_PCT and ST_GEN_PCT (the CPU of
# the server and of sipp over the step's wall-clock time, in % of one
# core).
try() {
    local scen=$1 rate=$2 count out limit secs t0 t1 uas_pid="" uac_rc n w0 w1 gen sd0 sd1 ad0 ad1
    count=${3:-$(step_calls "$scen" "$rate")}
    STEP_NO=$((STEP_NO + 1))
    out=$tmp/step-$STEP_NO
    limit=$((rate / 2 > 50 ? rate / 2 : 50))
    secs=$((count / rate + 15))
    settle "$SRV_PID"
    sd0=$(udp_drops "$SRV_PID") ad0=$(udp_rcvbuf_errors)
    if [ "$scen" = calls ]; then
        run_sipp "$out.uas" -sf "$UAS" -m "$count" -i 127.0.0.1 -p "$UAS_PORT" -nostdin "${SIPP_BUFF[@]}" \
            -trace_stat -stf "$out.uas.stat.csv" -fd 3600
        uas_pid=$SIPP_PID
        n=50
        while ! port_in /proc/net/udp "$UAS_PORT" && [ "$n" -gt 0 ]; do
            sleep 0.1
            n=$((n - 1))
        done
        t0=$(cpu_ticks "$SRV_PID") w0=$(date +%s.%N)
        run_sipp "$out" -sf "$UAC" -s uas -rsa "127.0.0.1:$SRV_PORT" -m "$count" -r "$rate" -rp 1000 \
            -l "$limit" -i 127.0.0.1 -p "$SIPP_PORT" -nostdin "${SIPP_BUFF[@]}" -timeout "${secs}s" -timeout_error \
            -trace_stat -stf "$out.stat.csv" -fd 3600 "127.0.0.1:$UAS_PORT"
    else
        t0=$(cpu_ticks "$SRV_PID") w0=$(date +%s.%N)
        run_sipp "$out" -sf "$OPTIONS" -m "$count" -r "$rate" -rp 1000 -l "$limit" \
            -i 127.0.0.1 -p "$SIPP_PORT" -nostdin "${SIPP_BUFF[@]}" -timeout "${secs}s" -timeout_error \
            -trace_stat -stf "$out.stat.csv" -fd 3600 "127.0.0.1:$SRV_PORT"
    fi
    local uac_pid=$SIPP_PID
    wait_sipp "$uac_pid" "$((secs + 5))" "$uas_pid"
    uac_rc=$SIPP_RC
    t1=$(cpu_ticks "$SRV_PID") w1=$(date +%s.%N)
    sipp_verdict "$rate" "$count" "$uac_rc" "$out.stat.csv"
    if [ -n "$uas_pid" ]; then
        # The UAS stops by itself after COUNT calls; give it 2 s more.
        wait_sipp "$uas_pid" 2
        local fig uok=0 ubad=0 uunexp=0 _r _l _t _e
        fig=$(sipp_stat "$out.uas.stat.csv")
        [ -n "$fig" ] && [ "$fig" != nostat ] && read -r uok ubad _r uunexp _l _t _e <<<"$fig"
        if [ "$uok" -ne "$count" ] || [ "$ubad" -gt 0 ] || [ "$uunexp" -gt 0 ]; then
            ST_OK=0
            ST_WHY="${ST_WHY:-$rate/s: }${ST_WHY:+, }UAS $uok/$count ok, $ubad failed, $uunexp unexpected"
        fi
    fi
    sd1=$(udp_drops "$SRV_PID") ad1=$(udp_rcvbuf_errors)
    ST_DROPS_SRV=$((sd1 - sd0)) ST_DROPS_OTHER=$((ad1 - ad0 - (sd1 - sd0)))
    if [ "$ST_OK" = 0 ] && [ $((ad1 - ad0)) -gt 0 ]; then
        ST_WHY="$ST_WHY; UDP drops: $ST_DROPS_SRV at the server, $ST_DROPS_OTHER at sipp"
    fi
    gen=${TICKS_SEEN[$uac_pid]:-0}
    [ -n "$uas_pid" ] && gen=$((gen + ${TICKS_SEEN[$uas_pid]:-0}))
    ST_TICKS=$((t1 - t0))
    read -r ST_SRV_PCT ST_GEN_PCT < <(awk -v s="$ST_TICKS" -v g="$gen" -v a="$w0" -v b="$w1" -v hz="$CLK_TCK" \
        'BEGIN { t = b - a; if (t <= 0) t = 1; printf "%.0f %.0f\n", s / hz / t * 100, g / hz / t * 100 }')
    ST_US=$(per_unit "$ST_TICKS" "$ST_OKCALLS")
    if [ "$scen" = calls ]; then
        ST_MSG_US=$(per_unit "$((t1 - t0))" "$((ST_OKCALLS * MSGS_PER_CALL))")
    else
        ST_MSG_US=$ST_US
    fi
    printf '  %-8s %-7s %-4s target %6d/s  %6d calls  got %6s/s  cpu %7s us/call %6s us/msg  load %3s%% sipp %3s%%  drops %s/%s  %s\n' \
        "$CUR_SERVER" "$scen" "$CUR_PHASE" "$rate" "$count" "$ST_RATE" "$ST_US" "$ST_MSG_US" "$ST_SRV_PCT" "$ST_GEN_PCT" \
        "$ST_DROPS_SRV" "$ST_DROPS_OTHER" \
        "$([ "$ST_OK" = 1 ] && echo pass || echo "FAIL ($ST_WHY)")" >&2
}

keep_best() { BEST_RATE=$ST_RATE BEST_US=$ST_US BEST_MSG_US=$ST_MSG_US BEST_LOAD="$ST_SRV_PCT/$ST_GEN_PCT"; }

result() { # SERVER SCENARIO RATE US MSG_US FULL_US HWM_KB PSS_KB KB_PER_CALL PROCS LOAD LIMIT
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"
}

bench_one() {
    local server=$1 scen=$2 hwm=n/a pss=n/a kbc=n/a procs=n/a full=n/a p0 c0 rate us msg_us load limit
    CUR_SERVER=$server CUR_PHASE=rate
    if ! server_start "$server" "$scen"; then
        note "$server $scen: n/a ($SRV_NA)"
        result "$server" "$scen" n/a n/a n/a n/a n/a n/a n/a n/a n/a "$SRV_NA"
        return
    fi
    note "$server $scen: listening on udp:127.0.0.1:$SRV_PORT (pid $SRV_PID)"
    BEST_RATE=0 BEST_US=- BEST_MSG_US=- BEST_LOAD=-
    if [ "$scen" = calls ]; then
        RATE_START=$CALL_RATE_START RATE_MAX=$CALL_RATE_MAX RATE_MAX_KNOB=PROXY_CALL_RATE_MAX
    else
        RATE_START=$OPT_RATE_START RATE_MAX=$OPT_RATE_MAX RATE_MAX_KNOB=PROXY_OPT_RATE_MAX
    fi
    search "$scen"
    rate=$BEST_RATE us=$BEST_US msg_us=$BEST_MSG_US load=$BEST_LOAD limit=${LIMIT:-}
    server_stop
    # The final step: a fresh server, FINAL seconds (calls) at the best
    # rate, its memory, then DRAIN seconds idle (the timers free what it
    # left).
    if [ "$BEST_TARGET" -gt 0 ] && server_start "$server" "$scen-final"; then
        CUR_PHASE=last
        p0=$(pss_kb "$SRV_PID")
        if [ "$scen" = calls ]; then
            try "$scen" "$BEST_TARGET" "$((BEST_TARGET * FINAL))"
        else
            try "$scen" "$BEST_TARGET"
        fi
        hwm=$(hwm_kb "$SRV_PID") pss=$(pss_kb "$SRV_PID")
        procs=$(tree_pids "$SRV_PID" | wc -l)
        # Pss growth per 1000 calls/s sustained.
        kbc=$(awk -v a="$p0" -v b="$pss" -v r="$BEST_TARGET" 'BEGIN { printf "%.1f", (b - a) / 1024 / r * 1000 }')
        [ "$ST_OK" = 1 ] || limit="$limit; the final step failed (${ST_WHY#*: })"
        # (OPTIONS leave nothing behind: 2 s is enough there.)
        local drain=$DRAIN
        [ "$scen" = options ] && [ "$drain" -gt 2 ] && drain=2
        c0=$(cpu_ticks "$SRV_PID")
        sleep "$drain"
        full=$(per_unit "$((ST_TICKS + $(cpu_ticks "$SRV_PID") - c0))" "$ST_OKCALLS")
        note "$server $scen: final step $ST_US us/call, with ${drain}s after it $full us/call"
        server_stop
    fi
    result "$server" "$scen" "$rate" "$us" "$msg_us" "$full" "$hwm" "$pss" "$kbc" "$procs" "$load" "$limit"
}

# --- main ----------------------------------------------------------------------

want="sip-tester procps"
case " $SERVERS " in *" kamailio "*) want="$want kamailio" ;; esac
# shellcheck disable=SC2086 # a list
ensure_packages $want
command -v sipp >/dev/null 2>&1 || {
    note "sipp not found (Debian package sip-tester): nothing to measure"
    exit 1
}
SIPP_PORT=$(free_port) || { note "no free port for sipp"; exit 1; }
UAS_PORT=$(free_port) || { note "no free port for the sipp UAS"; exit 1; }
[ "$UAS_PORT" = "$SIPP_PORT" ] && { UAS_PORT=$(free_port) || exit 1; }

# At most: doublings from the start to the maximum (or 5 halvings), plus
# the bisection; a step lasts its calls' time plus about 3 s around it.
est=0
for scen in $SCENARIOS; do
    if [ "$scen" = calls ]; then r=$CALL_RATE_START m=$CALL_RATE_MAX; else r=$OPT_RATE_START m=$OPT_RATE_MAX; fi
    steps=1
    while [ $((r * 2)) -le "$m" ]; do r=$((r * 2)) steps=$((steps + 1)); done
    [ "$steps" -lt 5 ] && steps=5
    steps=$((steps + BISECT))
    est=$((est + (steps + 1) * (STEP_SECONDS + 4) + 6))
    [ "$scen" = calls ] && est=$((est + FINAL + DRAIN))
done
est=$((est * $(echo "$SERVERS" | wc -w)))
echo "proxy bench: servers [$SERVERS], scenarios [$SCENARIOS]; calls $CALL_RATE_START..$CALL_RATE_MAX/s," \
    "OPTIONS $OPT_RATE_START..$OPT_RATE_MAX/s, steps of ${STEP_SECONDS}s / at most $STEP_CALLS calls" \
    "($OPT_STEP_CALLS OPTIONS);" \
    "$WORKERS worker(s)"
echo "proxy bench: at most about $(((est + 59) / 60)) min (less when rates fail early); sipp UAC from" \
    "udp:127.0.0.1:$SIPP_PORT, UAS on udp:127.0.0.1:$UAS_PORT; progress on stderr"
t_start=$SECONDS

for server in $SERVERS; do
    for scen in $SCENARIOS; do
        bench_one "$server" "$scen"
    done
done

echo
echo "Proxy throughput (sipp over UDP on 127.0.0.1; highest rate with no failed call, retransmission or"
echo "unexpected message; calls: UAC -> proxy -> UAS, INVITE/100/180/200/ACK/BYE/200, Record-Route,"
echo "t_relay; options: stateless 200.  CPU = server utime+stime per call and per message received"
echo "(6 a call, 1 an OPTIONS), in the best step of the search; \"full\": a fresh server's final step at that"
echo "rate (calls ${FINAL}s, OPTIONS ${STEP_SECONDS}s) plus ${DRAIN}s idle after it (OPTIONS: 2s), per call.  Memory, right after it: VmHWM"
echo "summed over the server's processes, Pss summed, and its growth over the step per 1000 calls/s.  load: CPU"
echo "of the server / of sipp (UAC+UAS) in the best step, in % of one core: 2 cores = 200%)"
{
    printf 'server\tscenario\trate /s\tCPU us/call\tCPU us/msg\tfull us/call\tVmHWM MB\tPss MB\tMB per 1k/s\tprocs\tload %%\tlimit (lowest failing step)\n'
    awk -F'\t' '{
        hwm = ($7 == "n/a") ? "n/a" : sprintf("%.1f", $7 / 1024)
        pss = ($8 == "n/a") ? "n/a" : sprintf("%.1f", $8 / 1024)
        printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", $1, $2, $3, $4, $5, $6, hwm, pss, $9, $10, $11, $12 }' "$RESULTS"
} | print_table 3 4 5 6 7 8 9 10 11
echo
awk -F'\t' '
    { r[$1 SUBSEP $2] = $3; c[$1 SUBSEP $2] = $4; f[$1 SUBSEP $2] = $6 }
    function ratio(a, k1, k2) { return (a[k1] + 0 > 0 && a[k2] + 0 > 0) ? sprintf("%.2fx", a[k1] / a[k2]) : "-" }
    END {
        n = split("calls options", sc, " ")
        for (i = 1; i <= n; i++) {
            s = sc[i]; k1 = "sipd" SUBSEP s; k2 = "kamailio" SUBSEP s
            if ((k1 in r) && (k2 in r))
                printf "%s, sipd/kamailio: rate %s, CPU per %s %s (full %s)\n", s, ratio(r, k1, k2),
                    s == "calls" ? "call" : "OPTIONS", ratio(c, k1, k2), ratio(f, k1, k2)
        }
    }' "$RESULTS"
kv=$(kamailio -v 2>/dev/null | sed -n 's/^version: kamailio \([^ ]*\).*/\1/p')
echo "kamailio ${kv:-?}: -x tlsf -X tlsf -m $KAM_SHM -M $KAM_PKG -n $WORKERS ($KAM_PROCS processes: main," \
    "$WORKERS SIP worker(s), timers), tm defaults"
echo "sipd: workers=$WORKERS in the policy ($SIPD_THREADS threads seen), tm defaults"
echo "$(nproc) cores shared by the server and sipp (two for calls); run took $((SECONDS - t_start)) s"
