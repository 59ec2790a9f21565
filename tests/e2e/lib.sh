# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/e2e/lib.sh - helpers for the end-to-end tests, sourced by each
# tests/e2e/test_*.sh (POSIX sh).  A test reads:
#
#   . "$(dirname "$0")/lib.sh"
#   e2e_init "$1"                     # BUILD_DIR; cd to the repo root, make $TMP
#   sipd_start hello examples/hello.sipc
#   sipp_run hello tests/e2e/scenarios/options_uac.xml 200
#   sipd_stop
#
# Conventions: everything listens on 127.0.0.1 (or ::1) only; every process a test
# starts is recorded by PID and stopped by PID on exit (never by name);
# scratch files live in $TMP (mktemp -d), removed on exit unless E2E_KEEP=1.
# A check that fails calls `fail MESSAGE`, which exits 1; the EXIT trap then
# cleans up.  A test that cannot run here calls `skip REASON` (exit 77).  Waits are bounded, and a dead or hung sipd shows its log.

LC_ALL=C
export LC_ALL

E2E_READY_TIMEOUT=${E2E_READY_TIMEOUT:-10} # seconds for sipd to start listening
E2E_STOP_TIMEOUT=${E2E_STOP_TIMEOUT:-10}   # seconds for sipd to exit on SIGTERM

E2E_PIDS="" # processes started by this test, stopped by e2e_cleanup

# e2e_init BUILD_DIR: set $REPO, $B (absolute build dir) and $TMP, cd to
# the repository root and install the cleanup traps.
e2e_init() {
    [ $# -eq 1 ] || {
        echo "usage: $0 BUILD_DIR" >&2
        exit 2
    }
    case $1 in
    /*) B=$1 ;;
    *) B=$PWD/$1 ;;
    esac
    REPO=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
    # sofia-sip's own leaks, known and not ours (see the file)
    LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$REPO/tests/e2e/lsan.supp:print_suppressions=0}
    export LSAN_OPTIONS
    cd "$REPO" || exit 2
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/sipc-e2e.XXXXXX") || exit 2
    trap e2e_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM HUP
    [ -x "$B/sipd" ] || fail "$B/sipd is not built (run make)"
}

# Runs on exit: stop what this test started that is still running, remove
# $TMP, keep the exit status.
e2e_cleanup() {
    rc=$?
    for pid in $E2E_PIDS; do
        if alive "$pid"; then
            kill -TERM "$pid" 2>/dev/null
            wait_exit "$pid" 5 || kill -KILL "$pid" 2>/dev/null
        fi
        wait "$pid" 2>/dev/null
    done
    E2E_PIDS=""
    if [ "${E2E_KEEP:-0}" = 1 ]; then
        echo "e2e: kept $TMP" >&2
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}

# started PID / reaped PID: add PID to, or drop it from, the processes that
# e2e_cleanup stops.  Drop a PID once `wait` has reaped it, so that cleanup
# can never signal an unrelated process that reused the number.
started() {
    E2E_PIDS="$E2E_PIDS $1"
}
reaped() {
    rest=""
    for pid in $E2E_PIDS; do
        [ "$pid" = "$1" ] || rest="$rest $pid"
    done
    E2E_PIDS=$rest
}

# bounded SECONDS COMMAND...: run COMMAND with a time limit (SIGTERM, then
# SIGKILL 5 s later) and return its exit status (124 or 137 on time-out).
# It runs in the background and the shell waits for it, so that a signal to
# the test runs the traps at once and cleanup stops COMMAND as well.
bounded() {
    secs=$1
    shift
    timeout -k 5 "$secs" "$@" &
    bpid=$!
    started "$bpid"
    wait "$bpid"
    brc=$?
    reaped "$bpid"
    return "$brc"
}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

note() {
    echo "$*"
}

# skip REASON: this test cannot run here (no IPv6 loopback, say).  Exits 77,
# the automake convention, which tests/e2e/run.sh reports as
# `[SKIP] NAME (REASON)`, neither passed nor failed.
skip() {
    echo "SKIP: $*"
    exit 77
}

# need_prog PROGRAM PACKAGE: fail unless PROGRAM is on $PATH.
need_prog() {
    command -v "$1" >/dev/null 2>&1 ||
        fail "$1 not found (Debian package $2; sh tools/deps.sh installs it)"
}

# show_log FILE: print a log to stderr, indented, last 60 lines.
show_log() {
    echo "--- $1 (last 60 lines):" >&2
    tail -n 60 "$1" | sed 's/^/    /' >&2
}

# no_sanitizer_report FILE WHAT: fail if FILE holds an ASan, LSan or UBSan
# report (under `make asan` they exit 1 by default, which a test could
# mistake for a deliberate exit status 1).
no_sanitizer_report() {
    if grep -Eq 'Sanitizer|runtime error:' "$1"; then
        show_log "$1"
        fail "$2: sanitizer report in $1"
    fi
}

# alive PID: true while PID runs.  A child that has exited but was not yet
# reaped by `wait` is a zombie, which `kill -0` still reports: read its state.
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    state=$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
    [ "$state" != Z ]
}

# wait_exit PID SECONDS: wait until PID is no longer running, at most
# SECONDS; false on time-out.  Does not reap: follow with `wait PID`.
wait_exit() {
    n=$(($2 * 10))
    while alive "$1"; do
        [ "$n" -gt 0 ] || return 1
        n=$((n - 1))
        sleep 0.1
    done
}

# --- ports ------------------------------------------------------------------

# sipd_listen: the -l argument for sipd.  The one place the port is chosen:
# by default port 0, so the kernel picks a free one and sipd reports it in
# its ready file; E2E_PORT=pick makes the test choose a free port itself
# (for a sipd that cannot bind port 0), E2E_PORT=N uses port N.
sipd_listen() {
    case ${E2E_PORT:-0} in
    0) echo "udp:127.0.0.1:0" ;;
    pick) echo "udp:127.0.0.1:$(free_udp_port)" ;;
    *) echo "udp:127.0.0.1:$E2E_PORT" ;;
    esac
}

# free_udp_port: a UDP port in 20000-59999 that nothing has bound now
# (by /proc/net/udp{,6}, ports in hex).  Racy by nature, good enough for tests.
# free_tcp_port: the same for TCP (/proc/net/tcp{,6}).
free_udp_port() {
    free_port udp
}
free_tcp_port() {
    free_port tcp
}
free_port() {
    tries=50
    while [ "$tries" -gt 0 ]; do
        r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
        port=$((20000 + r % 40000))
        hex=$(printf '%04X' "$port")
        if ! cat "/proc/net/$1" "/proc/net/${1}6" 2>/dev/null |
            awk '{ print $2 }' | grep -qi ":$hex\$"; then
            echo "$port"
            return 0
        fi
        tries=$((tries - 1))
    done
    fail "found no free $1 port"
}

# --- sipd -------------------------------------------------------------------

# sipd_start NAME POLICY [SIPD-ARGS...]: start sipd on POLICY (.sipc or .so)
# in the background, logging to $TMP/NAME.sipd.log, and wait until its ready
# file names the address it listens on.  Sets SIPD_PID, SIPD_PORT, SIPD_LOG.
# sipd gets `-d -l $(sipd_listen)` first, unless SIPD_DEFAULTS=0 (to test a
# policy's own listen and log_level settings).
sipd_start() {
    name=$1 policy=$2
    shift 2
    SIPD_LOG=$TMP/$name.sipd.log
    ready=$TMP/$name.ready
    rm -f "$ready"
    if [ "${SIPD_DEFAULTS:-1}" = 1 ]; then
        set -- -d -l "$(sipd_listen)" "$@"
    fi
    "$B/sipd" --ready-file "$ready" "$@" "$policy" >"$SIPD_LOG" 2>&1 &
    SIPD_PID=$!
    started "$SIPD_PID"

    n=$((E2E_READY_TIMEOUT * 10))
    addr=""
    while :; do
        if [ -s "$ready" ]; then
            # one bound address per line; the first udp one is "the" address
            addr=$(grep -m1 '^udp:' "$ready" || sed -n '1p' "$ready")
            case $addr in
            *:*:[0-9]*) break ;;
            esac
        fi
        if ! alive "$SIPD_PID"; then
            wait "$SIPD_PID"
            rc=$?
            reaped "$SIPD_PID"
            show_log "$SIPD_LOG"
            fail "sipd on $policy exited with status $rc before it was ready"
        fi
        if [ "$n" -le 0 ]; then
            show_log "$SIPD_LOG"
            fail "sipd on $policy wrote no ready file in ${E2E_READY_TIMEOUT}s"
        fi
        n=$((n - 1))
        sleep 0.1
    done
    SIPD_PORT=${addr##*:}
    case $SIPD_PORT in
    '' | *[!0-9]* | 0)
        show_log "$SIPD_LOG"
        fail "sipd's ready file holds \"$addr\": no usable port"
        ;;
    esac
    case $addr in
    *:127.0.0.1:* | *:\[::1\]:*) ;;
    *) fail "sipd listens on $addr, not on 127.0.0.1 or [::1]" ;;
    esac
    SIPD_ADDRS=$(cat "$ready")
    note "sipd ($name) pid $SIPD_PID ready on" $SIPD_ADDRS
}

# sipd_port PROTO:HOST: the port sipd bound for PROTO on HOST (from the
# ready file of the last sipd_start: "tcp:127.0.0.1", "udp:[::1]").
sipd_port() {
    p=$(printf '%s\n' "$SIPD_ADDRS" | grep -F -m1 "$1:" | sed 's/.*:\([0-9][0-9]*\)$/\1/')
    [ -n "$p" ] || fail "sipd listens on no $1 address (ready file: $SIPD_ADDRS)"
    echo "$p"
}

# sipd_stop: SIGTERM to SIPD_PID, wait (bounded), require exit status 0.
sipd_stop() {
    if ! alive "$SIPD_PID"; then
        wait "$SIPD_PID"
        rc=$?
        reaped "$SIPD_PID"
        show_log "$SIPD_LOG"
        fail "sipd (pid $SIPD_PID) had already exited, status $rc, before SIGTERM"
    fi
    kill -TERM "$SIPD_PID"
    if ! wait_exit "$SIPD_PID" "$E2E_STOP_TIMEOUT"; then
        kill -KILL "$SIPD_PID" 2>/dev/null
        wait "$SIPD_PID" 2>/dev/null
        reaped "$SIPD_PID"
        show_log "$SIPD_LOG"
        fail "sipd (pid $SIPD_PID) did not exit within ${E2E_STOP_TIMEOUT}s of SIGTERM"
    fi
    wait "$SIPD_PID"
    rc=$?
    reaped "$SIPD_PID"
    if [ "$rc" -ne 0 ]; then
        show_log "$SIPD_LOG"
        fail "sipd exited with status $rc on SIGTERM, expected 0"
    fi
    no_sanitizer_report "$SIPD_LOG" sipd
    note "sipd (pid $SIPD_PID) exited 0 on SIGTERM"
}

# --- sipp -------------------------------------------------------------------

# sipp_run NAME SCENARIO CALLS [SIPP-ARGS...]: run the sipp UAC SCENARIO
# against 127.0.0.1:$SIPD_PORT for CALLS calls (200 per second, at most 50
# at once), bounded in time; require sipp's exit status 0 and its final
# statistics to show CALLS successful and 0 failed calls.  SIPP_IP (local
# address, default 127.0.0.1) and SIPP_TARGET (default 127.0.0.1:$SIPD_PORT)
# change where it sends from and to (IPv6: SIPP_IP=::1 SIPP_TARGET=[::1]:P).
sipp_run() {
    name=$1 scenario=$2 calls=$3
    shift 3
    need_prog sipp sip-tester
    out=$TMP/$name.sipp
    bounded 60 sipp -sf "$scenario" -m "$calls" -r 200 -l 50 \
        -i "${SIPP_IP:-127.0.0.1}" -nostdin -timeout 30s -timeout_error \
        -trace_screen -screen_file "$out.screen" \
        -trace_err -error_file "$out.errors" \
        "$@" "${SIPP_TARGET:-127.0.0.1:$SIPD_PORT}" >"$out.log" 2>&1
    rc=$?
    ok=$(sipp_count "$out.screen" "Successful call")
    bad=$(sipp_count "$out.screen" "Failed call")
    if [ "$rc" -ne 0 ] || [ "$ok" != "$calls" ] || [ "$bad" != 0 ]; then
        [ -s "$out.errors" ] && show_log "$out.errors"
        [ -s "$out.screen" ] && show_log "$out.screen"
        [ -s "$out.screen" ] || show_log "$out.log"
        show_log "$SIPD_LOG"
        case $rc in
        124 | 137) rc="$rc (killed by timeout)" ;;
        esac
        fail "sipp $name: exit status $rc, successful calls ${ok:-?} of $calls, failed ${bad:-?}"
    fi
    note "sipp $name: $ok of $calls calls successful, 0 failed"
}

# sipp_count SCREEN-FILE LABEL: the cumulative value of a counter in sipp's
# final statistics screen (`  Successful call | 0 | 200`), "" if absent.
sipp_count() {
    [ -f "$1" ] || return 0
    awk -F'|' -v label="$2" '
        { name = $1; gsub(/^ +| +$/, "", name) }
        name == label { v = $3; gsub(/ /, "", v) }
        END { print v }' "$1"
}

# sipp_uas_start NAME SCENARIO [SIPP-ARGS...]: start a sipp UAS that runs SCENARIO for one
# call, on a free UDP port of 127.0.0.1 (UAS_IP=::1: of ::1), in the background (bounded in
# time), and wait until it has bound its port.  Sets UAS_PID and UAS_PORT;
# sipp_uas_wait checks how it ended.
sipp_uas_start() {
    need_prog sipp sip-tester
    uas_name=$1 uas_sf=$2
    shift 2
    UAS_OUT=$TMP/$uas_name.uas
    UAS_PORT=$(free_udp_port)
    timeout -k 5 60 sipp -sf "$uas_sf" -m 1 -i "${UAS_IP:-127.0.0.1}" -p "$UAS_PORT" -nostdin \
        -timeout 30s -timeout_error -trace_screen -screen_file "$UAS_OUT.screen" \
        -trace_err -error_file "$UAS_OUT.errors" "$@" >"$UAS_OUT.log" 2>&1 &
    UAS_PID=$!
    started "$UAS_PID"
    hex=$(printf ':%04X$' "$UAS_PORT")
    n=100
    until awk '{ print $2 }' /proc/net/udp /proc/net/udp6 2>/dev/null | grep -qi "$hex"; do
        if ! alive "$UAS_PID" || [ "$n" -le 0 ]; then
            show_log "$UAS_OUT.log"
            fail "sipp UAS $uas_name did not start listening on 127.0.0.1:$UAS_PORT"
        fi
        n=$((n - 1))
        sleep 0.1
    done
    note "sipp UAS $uas_name pid $UAS_PID on ${UAS_IP:-127.0.0.1} port $UAS_PORT"
}

# sipp_bg_wait ROLE PID OUT NAME SECONDS: wait (bounded) for a background
# sipp whose output files start with OUT to end; require exit status 0 and
# its one call successful.
sipp_bg_wait() {
    if ! wait_exit "$2" "$5"; then
        kill -TERM "$2" 2>/dev/null
    fi
    wait "$2"
    rc=$?
    reaped "$2"
    ok=$(sipp_count "$3.screen" "Successful call")
    if [ "$rc" -ne 0 ] || [ "$ok" != 1 ]; then
        [ -s "$3.errors" ] && show_log "$3.errors"
        [ -s "$3.screen" ] && show_log "$3.screen"
        show_log "$SIPD_LOG"
        fail "sipp $1 $4: exit status $rc, successful calls ${ok:-?} of 1"
    fi
    note "sipp $1 $4: its call was successful"
}

# sipp_uas_wait NAME: the UAS of sipp_uas_start ended with its call successful.
sipp_uas_wait() {
    sipp_bg_wait UAS "$UAS_PID" "$UAS_OUT" "$1" 40
}

# log_has FILE TEXT: fail unless FILE has a line containing TEXT (fixed string).
log_has() {
    grep -Fq -- "$2" "$1" || {
        show_log "$1"
        fail "no line with \"$2\" in $1"
    }
}

# wait_log FILE TEXT SECONDS: wait until FILE has a line with TEXT.
wait_log() {
    n=$(($3 * 10))
    until grep -Fq -- "$2" "$1"; do
        if [ "$n" -le 0 ]; then
            show_log "$1"
            fail "no line with \"$2\" in $1 within $3 s"
        fi
        n=$((n - 1))
        sleep 0.1
    done
}

# sipd_has ERE / sipd_lacks ERE: fail unless sipd's log (of the last
# sipd_start) has a line matching ERE / has none.
sipd_has() {
    grep -Eq -- "$1" "$SIPD_LOG" || {
        show_log "$SIPD_LOG"
        fail "no line matching /$1/ in sipd's log"
    }
}
sipd_lacks() {
    if grep -Eq -- "$1" "$SIPD_LOG"; then
        show_log "$SIPD_LOG"
        fail "sipd's log has a line matching /$1/: $(grep -E -m1 -- "$1" "$SIPD_LOG")"
    fi
}

# sent_msg MESSAGE-LOG CSEQ OUT: the request sipp sent with CSeq line CSEQ
# (e.g. "CSeq: 3 REGISTER"), byte for byte, into OUT, from the log of its
# -trace_msg -message_file MESSAGE-LOG (each entry: "UDP message sent (N
# bytes):", an empty line, the N bytes), for a test that replays it.
sent_msg() {
    rm -f "$3"
    grep -a -b -o 'UDP message sent ([0-9]* bytes):' "$1" >"$TMP/sent.idx"
    while IFS=: read -r off _; do
        head=$(tail -c +"$((off + 1))" "$1" | head -n 1)
        n=$(printf '%s' "$head" | sed 's/[^0-9]//g')
        tail -c +"$((off + ${#head} + 3))" "$1" | head -c "$n" >"$3.try"
        if tr -d '\r' <"$3.try" | grep -a -q -x -- "$2"; then
            mv "$3.try" "$3"
            break
        fi
    done <"$TMP/sent.idx"
    rm -f "$3.try"
    [ -s "$3" ] || fail "no request with \"$2\" sent in $1"
}

# --- TLS (openssl) ----------------------------------------------------------
# Debian's sipp has no TLS: the tests speak it with openssl s_client and
# s_server, on certificates made here (EC P-256, valid for one day).

# tls_ca NAME: a certificate authority: $TMP/NAME.key, $TMP/NAME.pem
# (CN=NAME).
tls_ca() {
    need_prog openssl openssl
    bounded 30 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
        -subj "/CN=$1" -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign \
        -keyout "$TMP/$1.key" -out "$TMP/$1.pem" >"$TMP/$1.openssl.log" 2>&1 || {
        show_log "$TMP/$1.openssl.log"
        fail "openssl could not make the CA $1"
    }
}

# tls_cert NAME CN [CA]: a key and certificate for CN, with subjectAltName
# IP:127.0.0.1: $TMP/NAME.key, $TMP/NAME.pem, signed by the CA of
# `tls_ca CA`, or self-signed without CA.
tls_cert() {
    need_prog openssl openssl
    log=$TMP/$1.openssl.log
    if [ $# -ge 3 ]; then
        printf 'subjectAltName=IP:127.0.0.1\n' >"$TMP/$1.ext"
        bounded 30 openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -subj "/CN=$2" -keyout "$TMP/$1.key" -out "$TMP/$1.csr" >"$log" 2>&1 &&
            bounded 30 openssl x509 -req -in "$TMP/$1.csr" -days 1 -CA "$TMP/$3.pem" \
                -CAkey "$TMP/$3.key" -CAcreateserial -CAserial "$TMP/$3.srl" \
                -extfile "$TMP/$1.ext" -out "$TMP/$1.pem" >>"$log" 2>&1
    else
        bounded 30 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
            -subj "/CN=$2" -addext subjectAltName=IP:127.0.0.1 \
            -keyout "$TMP/$1.key" -out "$TMP/$1.pem" >"$log" 2>&1
    fi || {
        show_log "$log"
        fail "openssl could not make the certificate $1"
    }
}

# tls_request NAME PORT FILE [S_CLIENT-ARGS...]: send FILE's bytes through
# `openssl s_client` to 127.0.0.1:PORT; its output goes to
# $TMP/NAME.s_client.out (what came back) and .err (the handshake).  The
# input ends, and so does s_client (-no_ign_eof: -quiet alone would keep
# it waiting), once a reply arrived, the handshake failed, or after 10 s.
# Returns s_client's exit status.
tls_request() {
    name=$1 port=$2 file=$3
    shift 3
    need_prog openssl openssl
    out=$TMP/$name.s_client
    : >"$out.out"
    : >"$out.err"
    # shellcheck disable=SC2094 # the input side polls what s_client writes
    {
        cat "$file"
        n=100
        while [ "$n" -gt 0 ] && ! grep -q '^SIP/2.0 ' "$out.out" && ! grep -q ':error:' "$out.err"; do
            n=$((n - 1))
            sleep 0.1
        done
    } | timeout -k 5 20 openssl s_client -connect "127.0.0.1:$port" -quiet -no_ign_eof "$@" \
        >"$out.out" 2>"$out.err"
}

# tls_server_start NAME CERT [S_SERVER-ARGS...]: start `openssl s_server`
# with the certificate and key of `tls_cert CERT` on a free TCP port of
# 127.0.0.1, for one connection, in the background (bounded in time), and
# wait until it listens.  What it receives goes to $TMP/NAME.s_server.out
# (-quiet: the bytes only), the handshake to .err; what the test writes to
# file descriptor 3 (a FIFO, kept open here) is sent to the client.  Sets
# TLS_SRV_PID, TLS_SRV_PORT and TLS_SRV_OUT.
tls_server_start() {
    name=$1 cert=$2
    shift 2
    need_prog openssl openssl
    TLS_SRV_OUT=$TMP/$name.s_server
    TLS_SRV_PORT=$(free_tcp_port)
    rm -f "$TLS_SRV_OUT.in"
    mkfifo "$TLS_SRV_OUT.in" || fail "cannot make the FIFO $TLS_SRV_OUT.in"
    exec 3<>"$TLS_SRV_OUT.in"
    timeout -k 5 60 openssl s_server -accept "127.0.0.1:$TLS_SRV_PORT" -naccept 1 -quiet \
        -cert "$TMP/$cert.pem" -key "$TMP/$cert.key" "$@" \
        <"$TLS_SRV_OUT.in" >"$TLS_SRV_OUT.out" 2>"$TLS_SRV_OUT.err" &
    TLS_SRV_PID=$!
    started "$TLS_SRV_PID"
    hex=$(printf ':%04X 00000000:0000 0A' "$TLS_SRV_PORT") # 0A: LISTEN
    n=100
    until grep -qi "$hex" /proc/net/tcp 2>/dev/null; do
        if ! alive "$TLS_SRV_PID" || [ "$n" -le 0 ]; then
            show_log "$TLS_SRV_OUT.err"
            fail "openssl s_server $name did not start listening on 127.0.0.1:$TLS_SRV_PORT"
        fi
        n=$((n - 1))
        sleep 0.1
    done
    note "openssl s_server $name pid $TLS_SRV_PID on 127.0.0.1 port $TLS_SRV_PORT"
}

# tls_server_stop: stop the s_server of tls_server_start (by its PID) and
# close its FIFO.
tls_server_stop() {
    exec 3>&-
    if alive "$TLS_SRV_PID"; then
        kill -TERM "$TLS_SRV_PID" 2>/dev/null
        wait_exit "$TLS_SRV_PID" 5 || kill -KILL "$TLS_SRV_PID" 2>/dev/null
    fi
    wait "$TLS_SRV_PID" 2>/dev/null
    reaped "$TLS_SRV_PID"
}

# wait_for FILE PATTERN SECONDS: wait until FILE has a line matching the
# basic regular expression PATTERN; false on time-out.
wait_for() {
    n=$(($3 * 10))
    until grep -q -- "$2" "$1" 2>/dev/null; do
        [ "$n" -gt 0 ] || return 1
        n=$((n - 1))
        sleep 0.1
    done
}

# --- hand-made requests -------------------------------------------------------

# sip_options FILE RURI PROTO VIA-PORT BRANCH CALL-ID: write a minimal
# OPTIONS to RURI whose Via names PROTO (UDP, TCP) at 127.0.0.1:VIA-PORT
# with BRANCH as is (for $B/udp_send and $B/tcp_hold).
sip_options() {
    printf 'OPTIONS %s SIP/2.0\r\nVia: SIP/2.0/%s 127.0.0.1:%s;branch=%s\r\nMax-Forwards: 70\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nTo: <%s>\r\nCall-ID: %s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
        "$2" "$3" "$4" "$5" "$2" "$6" >"$1"
}

# cpu_ticks PID: the user+system CPU time PID has used, in clock ticks
# (getconf CLK_TCK a second), from /proc/PID/stat.
cpu_ticks() {
    sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}
