# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/e2e/baresip.sh - drive real phones (baresip 1.0, Debian's
# baresip-core) headless from an end-to-end test (POSIX sh).  Source it
# after lib.sh and e2e_init (it uses $TMP, started/reaped, alive, wait_exit,
# fail, note and show_log):
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/baresip.sh"
#   e2e_init "$1"
#   baresip_init                          # EXIT trap: phones, then e2e_cleanup
#   baresip_start alice alice 127.0.0.1:5060 [PASSWORD]
#   baresip_wait_registered alice
#   baresip_dial alice sip:bob@127.0.0.1:5060
#   baresip_wait_established alice; baresip_wait_established bob
#   baresip_hangup alice
#   baresip_wait_closed alice; baresip_wait_closed bob
#   baresip_stop alice
#
# Each phone NAME lives in $TMP/baresip.NAME: `config`, `accounts` and
# `contacts` (baresip -f DIR), its stdout and stderr (`stdout.log`,
# `stderr.log`), `pid` (`pid.stopped` once stopped and reaped), `sip_port`,
# `ctrl_port`, and `ctrl.log` (every command and its response).  It binds only
# 127.0.0.1; it has no UI, no audio device and no video: the audio source is
# ausine (a 440 Hz tone; it only runs at 48 kHz stereo, so ausrc_srate and
# ausrc_channels resample it for G.711), and no player module is loaded
# (baresip then plays nothing).  It is driven through the ctrl_tcp module:
# one TCP connection per command, carrying netstring-framed JSON, through
# bash's /dev/tcp (bash is in every Debian; dash has no sockets).  It
# answers every incoming call (answermode=auto) and traces every SIP
# message it sends or receives to stdout.log (baresip -s);
# baresip_sip_summary turns that trace into one line per message.
#
# baresip 1.0 quirks this file deals with:
#  - it binds sip_listen's port on UDP and TCP, and port+1 on TCP for TLS
#    (always, certificate or not): all three must be free;
#  - ctrl_tcp takes one connection at a time (a new one replaces the old)
#    and sends UA events only to that connection: events are not watched,
#    state is read by polling `reginfo` and `listcalls`, and from the log;
#  - its Contact user is USER-0xADDRESS, not USER;
#  - "Call with ... terminated (duration: N secs)" is logged only when the
#    call lasted at least a second: not used to detect the end of a call;
#  - SIGTERM starts a graceful stop (unREGISTER, then wait), a second one
#    exits at once; `quit` does the same as the first.
#
# Everything is bounded: BARESIP_TIMEOUT (default 10) seconds for each
# wait, BARESIP_STOP_TIMEOUT (default 5) for `quit`, and every phone quits
# by itself after BARESIP_LIFETIME (default 300) seconds (baresip -t) even
# if the test that started it was killed.  BARESIP_REGINT (default 60) is
# the registration interval; BARESIP_OUTBOUND, if set (a SIP URI), is the
# outbound proxy of every phone started afterwards, and BARESIP_TRANSPORT
# (udp, the default, or tcp) the transport in its account's AOR.

BARESIP_TIMEOUT=${BARESIP_TIMEOUT:-10}
BARESIP_STOP_TIMEOUT=${BARESIP_STOP_TIMEOUT:-5}
BARESIP_LIFETIME=${BARESIP_LIFETIME:-300}
BARESIP_REGINT=${BARESIP_REGINT:-60}
BARESIP_NAMES="" # phones started, stopped by baresip_cleanup

# baresip_init: make the EXIT trap stop the phones (gracefully, so they
# unREGISTER) before e2e_cleanup; checks that baresip and bash are there.
baresip_init() {
    need_prog baresip baresip-core
    need_prog bash bash
    trap 'baresip_cleanup; e2e_cleanup' EXIT
}

# baresip_modules_dir: where Debian's baresip-core keeps its modules.
baresip_modules_dir() {
    for _bs_d in /usr/lib/baresip/modules /usr/lib/*/baresip/modules /usr/local/lib/baresip/modules; do
        if [ -f "$_bs_d/ctrl_tcp.so" ]; then
            echo "$_bs_d"
            return 0
        fi
    done
    fail "found no baresip modules directory (with ctrl_tcp.so); is baresip-core installed?"
}

# _bs_port_used PORT: true if PORT is bound, or in use, on UDP or TCP
# (IPv4 or IPv6), by /proc/net (ports in hex).
_bs_port_used() {
    _bs_hex=$(printf '%04X' "$1")
    cat /proc/net/udp /proc/net/udp6 /proc/net/tcp /proc/net/tcp6 2>/dev/null |
        awk '{ print $2 }' | grep -qi ":$_bs_hex\$"
}

# _bs_pick_ports: set _bs_sip and _bs_ctrl to ports in 20000-59998 where
# nothing is bound: _bs_sip and _bs_sip+1 (UDP, TCP, TLS) and _bs_ctrl.
_bs_pick_ports() {
    _bs_tries=100
    _bs_sip="" _bs_ctrl=""
    while [ "$_bs_tries" -gt 0 ]; do
        _bs_tries=$((_bs_tries - 1))
        _bs_r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
        _bs_p=$((20000 + _bs_r % 39998))
        _bs_port_used "$_bs_p" && continue
        if [ -z "$_bs_sip" ]; then
            _bs_port_used $((_bs_p + 1)) && continue
            _bs_sip=$_bs_p
        elif [ "$_bs_p" -lt "$_bs_sip" ] || [ "$_bs_p" -gt $((_bs_sip + 1)) ]; then
            _bs_ctrl=$_bs_p
            return 0
        fi
    done
    fail "found no free ports for baresip"
}

# _bs_plain: filter that drops the terminal colour codes baresip puts
# around warnings (and around its SIP trace).
_bs_plain() {
    sed "s/$(printf '\033')\[[0-9;]*m//g"
}

# _bs_dir NAME: the phone's directory; fails for a phone never started.
_bs_dir() {
    [ -f "$TMP/baresip.$1/config" ] || fail "baresip $1 was not started"
    echo "$TMP/baresip.$1"
}

# baresip_start NAME USER DOMAIN_HOST:PORT [PASSWORD]: write a private
# config for phone NAME with one account, sip:USER@DOMAIN_HOST:PORT
# (digest password PASSWORD if given, user name USER), start baresip in the
# background and wait (bounded) until it is ready and answers on ctrl_tcp.
# Sets BARESIP_PID and BARESIP_SIP_PORT (also in the phone's directory).
# A port taken between choosing it and binding it makes baresip exit
# at once; then it is retried on other ports (3 tries).
baresip_start() {
    if [ $# -lt 3 ] || [ $# -gt 4 ]; then
        fail "usage: baresip_start NAME USER DOMAIN_HOST:PORT [PASSWORD]"
    fi
    _bs_name=$1 _bs_user=$2 _bs_domain=$3 _bs_pass=${4:-}
    case $_bs_name in
    '' | *[!A-Za-z0-9_-]*) fail "baresip_start: bad phone name \"$_bs_name\"" ;;
    esac
    case ${BARESIP_TRANSPORT:-udp} in
    udp | tcp) ;;
    *) fail "baresip_start: BARESIP_TRANSPORT must be udp or tcp" ;;
    esac
    case $_bs_user$_bs_domain$_bs_pass in
    *[\;\"\\\<\>\ ]*) fail "baresip_start: user, domain and password must not contain ; \" \\ < > or spaces" ;;
    esac
    case ${BARESIP_OUTBOUND:-} in # a URI, parameters allowed (;transport=tcp)
    *[\"\\\<\>\ ]*) fail "baresip_start: outbound must not contain \" \\ < > or spaces" ;;
    esac
    _bs_home=$TMP/baresip.$_bs_name
    [ -e "$_bs_home" ] && fail "baresip_start: phone $_bs_name already exists"
    mkdir -p "$_bs_home" || fail "cannot make $_bs_home"
    _bs_mods=$(baresip_modules_dir) || exit 1

    _bs_acct="<sip:$_bs_user@$_bs_domain${BARESIP_TRANSPORT:+;transport=$BARESIP_TRANSPORT}>;regint=$BARESIP_REGINT;answermode=auto"
    [ -n "$_bs_pass" ] && _bs_acct="$_bs_acct;auth_user=$_bs_user;auth_pass=$_bs_pass"
    [ -n "${BARESIP_OUTBOUND:-}" ] && _bs_acct="$_bs_acct;outbound=\"$BARESIP_OUTBOUND\""
    printf '%s\n' "$_bs_acct" >"$_bs_home/accounts"
    : >"$_bs_home/contacts"

    _bs_try=1
    while :; do
        _bs_pick_ports
        cat >"$_bs_home/config" <<EOF
# written by tests/e2e/baresip.sh for phone $_bs_name
poll_method		epoll
sip_listen		127.0.0.1:$_bs_sip
net_interface		127.0.0.1
dns_server		127.0.0.1:53
call_local_timeout	30
call_max_calls		4
audio_source		ausine,440
ausrc_srate		48000
ausrc_channels		2
audio_buffer		20-160
statmode_default	off
module_path		$_bs_mods
module			g711.so
module			ausine.so
module_tmp		account.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:$_bs_ctrl
EOF
        rm -f "$_bs_home/pid"
        baresip -s -f "$_bs_home" -t "$BARESIP_LIFETIME" \
            >"$_bs_home/stdout.log" 2>"$_bs_home/stderr.log" </dev/null &
        BARESIP_PID=$!
        started "$BARESIP_PID"
        echo "$BARESIP_PID" >"$_bs_home/pid"
        echo "$_bs_sip" >"$_bs_home/sip_port"
        echo "$_bs_ctrl" >"$_bs_home/ctrl_port"
        # shellcheck disable=SC2034 # for the tests
        BARESIP_SIP_PORT=$_bs_sip
        case " $BARESIP_NAMES " in
        *" $_bs_name "*) ;;
        *) BARESIP_NAMES="$BARESIP_NAMES $_bs_name" ;;
        esac

        # Ready: "baresip is ready." logged and ctrl_tcp answering.  A SIP port
        # taken makes it exit; a ctrl_tcp port taken only logs "module
        # ctrl_tcp.so: Address already in use" and runs on without control.
        _bs_n=$((BARESIP_TIMEOUT * 10))
        _bs_ok=0
        while [ "$_bs_n" -gt 0 ] && alive "$BARESIP_PID"; do
            if grep -q 'Address already in use' "$_bs_home/stdout.log" "$_bs_home/stderr.log"; then
                _bs_ok=2
                break
            fi
            if grep -q '^baresip is ready\.' "$_bs_home/stdout.log" &&
                _bs_out=$(_bs_ctl "$_bs_ctrl" reginfo 2>/dev/null) &&
                # the answer must come from this phone, not a stranger on the port
                case $_bs_out in *"sip:$_bs_user@$_bs_domain"*) true ;; *) false ;; esac; then
                _bs_ok=1
                break
            fi
            _bs_n=$((_bs_n - 1))
            sleep 0.1
        done
        [ "$_bs_ok" = 1 ] && break
        if alive "$BARESIP_PID"; then
            # two SIGTERMs: the second one makes it exit at once
            for _bs_sig in TERM TERM KILL; do
                kill -"$_bs_sig" "$BARESIP_PID" 2>/dev/null
                wait_exit "$BARESIP_PID" 2 && break
            done
        fi
        wait "$BARESIP_PID"
        _bs_rc=$?
        reaped "$BARESIP_PID"
        rm -f "$_bs_home/pid"
        if grep -q 'Address already in use' "$_bs_home/stdout.log" "$_bs_home/stderr.log"; then
            if [ "$_bs_try" -lt 3 ]; then
                note "baresip $_bs_name: a port was taken (try $_bs_try), trying others"
                _bs_try=$((_bs_try + 1))
                continue
            fi
            baresip_show_logs "$_bs_name"
            fail "baresip $_bs_name: ports taken, $_bs_try tries"
        fi
        baresip_show_logs "$_bs_name"
        [ "$_bs_ok" = 0 ] && [ "$_bs_n" -le 0 ] &&
            fail "baresip $_bs_name (pid $BARESIP_PID) not ready in ${BARESIP_TIMEOUT}s"
        fail "baresip $_bs_name exited with status $_bs_rc before it was ready"
    done
    note "baresip $_bs_name pid $BARESIP_PID: sip:$_bs_user@$_bs_domain from 127.0.0.1:$_bs_sip (ctrl_tcp $_bs_ctrl)"
}

# baresip_show_logs NAME: the phone's logs and config to stderr (stdout.log
# holds the SIP trace, so its last 60 lines).
baresip_show_logs() {
    _bs_sd=$TMP/baresip.$1
    for _bs_f in accounts stdout.log stderr.log; do
        [ -s "$_bs_sd/$_bs_f" ] || continue
        echo "--- $_bs_sd/$_bs_f (last 60 lines):" >&2
        tail -n 60 "$_bs_sd/$_bs_f" | _bs_plain | tr -d '\r' | awk '{ print "    " $0 }' >&2
    done
    return 0
}

# _bs_ctl PORT COMMAND [PARAMS]: send one ctrl_tcp command to the phone
# listening on PORT; print the JSON response line (and any event that came
# before it, one per line); bounded to 5 s.  True if the response says
# "ok":true.  Netstrings are "LENGTH:BYTES,"; LC_ALL=C makes bash count bytes.
_bs_ctl() {
    case ${3:-} in
    *[\"\\]*) echo "baresip: ctrl_tcp parameter with \" or \\: $3" >&2; return 2 ;;
    esac
    _bs_json="{\"command\":\"$2\",\"params\":\"${3:-}\",\"token\":\"sipc\"}"
    # shellcheck disable=SC2016 # bash expands them
    _bs_resp=$(LC_ALL=C timeout -k 1 5 bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 3
        printf "%d:%s," "${#2}" "$2" >&3 || exit 3
        while IFS= read -r -d : len <&3; do
            case $len in "" | *[!0-9]*) exit 4 ;; esac
            IFS= read -r -N "$len" body <&3 || exit 4
            IFS= read -r -N 1 comma <&3
            printf "%s\n" "$body"
            case $body in *"\"response\":true"*) exit 0 ;; esac
        done
        exit 5' baresip-ctl "$1" "$_bs_json")
    _bs_crc=$?
    printf '%s\n' "$_bs_resp"
    [ "$_bs_crc" -eq 0 ] || return 1
    case $_bs_resp in
    *'"response":true,"ok":true'*) return 0 ;;
    *) return 1 ;;
    esac
}

# baresip_ctl NAME COMMAND [PARAMS]: send a command to phone NAME (a
# baresip command: dial, hangup, reginfo, listcalls, quit...); prints the
# response (JSON) and, when the phone has a log directory, appends it to
# its ctrl.log.  True if baresip answered "ok":true.
baresip_ctl() {
    _bs_cd=$(_bs_dir "$1") || exit 1
    _bs_cout=$(_bs_ctl "$(cat "$_bs_cd/ctrl_port")" "$2" "${3:-}")
    _bs_crc2=$?
    printf '%s %s\n%s\n' "> $2" "${3:-}" "$_bs_cout" >>"$_bs_cd/ctrl.log"
    printf '%s\n' "$_bs_cout"
    return "$_bs_crc2"
}

# _bs_must_ctl NAME COMMAND [PARAMS]: baresip_ctl, or fail.
_bs_must_ctl() {
    baresip_ctl "$@" >/dev/null || {
        baresip_show_logs "$1"
        show_log "$TMP/baresip.$1/ctrl.log"
        fail "baresip $1: command \"$2 ${3:-}\" failed"
    }
}

# _bs_mark NAME: remember how long the phone's log is now, so that waits
# look only at what it logs afterwards (_bs_since NAME prints that part).
_bs_mark() {
    wc -l <"$TMP/baresip.$1/stdout.log" | tr -d ' ' >"$TMP/baresip.$1/mark"
}
_bs_since() {
    _bs_m=$(cat "$TMP/baresip.$1/mark" 2>/dev/null || echo 0)
    tail -n +$((_bs_m + 1)) "$TMP/baresip.$1/stdout.log"
}

# _bs_alive_or_fail NAME: fail if the phone's process has exited.
_bs_alive_or_fail() {
    _bs_p=$(cat "$TMP/baresip.$1/pid" 2>/dev/null) && alive "$_bs_p" && return 0
    baresip_show_logs "$1"
    fail "baresip $1 (pid $_bs_p) has exited"
}

# baresip_wait_registered NAME [TIMEOUT]: wait until the phone's REGISTER
# got a 2xx: its log line "USER@HOST: {0/UDP/v4} 200 OK (SERVER) [1 binding]"
# and `reginfo` showing "OK".  Fails at once on a registration failure
# ("reg: sip:...: 403 Forbidden", or "reg: ...: Register: <error>", e.g. a
# challenge it cannot answer).
baresip_wait_registered() {
    _bs_wd=$(_bs_dir "$1") || exit 1
    _bs_n=$((${2:-$BARESIP_TIMEOUT} * 10))
    while :; do
        _bs_alive_or_fail "$1"
        if grep -Eq '\{[0-9]+/(UDP|TCP|TLS)/v[46]\} 2[0-9][0-9] ' "$_bs_wd/stdout.log"; then
            case $(baresip_ctl "$1" reginfo) in
            *'OK '*)
                note "baresip $1: registered"
                return 0
                ;;
            esac
        elif grep -q 'reg: sip:' "$_bs_wd/stdout.log"; then
            baresip_show_logs "$1"
            fail "baresip $1: registration failed: $(grep 'reg: sip:' "$_bs_wd/stdout.log" | tail -n 1 | _bs_plain)"
        fi
        if [ "$_bs_n" -le 0 ]; then
            baresip_show_logs "$1"
            fail "baresip $1: not registered within ${2:-$BARESIP_TIMEOUT}s"
        fi
        _bs_n=$((_bs_n - 1))
        sleep 0.1
    done
}

# baresip_dial NAME URI: phone NAME calls URI (baresip's `dial`; "ok" only
# means the INVITE is on its way).
baresip_dial() {
    _bs_dir "$1" >/dev/null || exit 1
    _bs_mark "$1"
    _bs_must_ctl "$1" dial "$2"
    note "baresip $1: dialled $2"
}

# _bs_calls NAME: `listcalls` output ("--- Active calls (N) ---" and one
# line per call with its state: INCOMING, RINGING, ESTABLISHED...).
_bs_calls() {
    baresip_ctl "$1" listcalls
}

# baresip_wait_established NAME [TIMEOUT]: wait until the phone has a call
# in state ESTABLISHED (`listcalls`) and has logged "Call established:".
# Fails at once if a call it is waiting for closed first ("session closed:
# 404 Not Found" and the like).
baresip_wait_established() {
    _bs_wd=$(_bs_dir "$1") || exit 1
    _bs_n=$((${2:-$BARESIP_TIMEOUT} * 10))
    while :; do
        _bs_alive_or_fail "$1"
        if _bs_since "$1" | grep -q ': Call established: '; then
            case $(_bs_calls "$1") in
            *ESTABLISHED*)
                note "baresip $1: call established"
                return 0
                ;;
            esac
        fi
        if _bs_since "$1" | grep -q ': session closed'; then
            baresip_show_logs "$1"
            fail "baresip $1: the call closed before it was established: $(_bs_since "$1" | grep ': session closed' | tail -n 1)"
        fi
        if [ "$_bs_n" -le 0 ]; then
            baresip_show_logs "$1"
            fail "baresip $1: no established call within ${2:-$BARESIP_TIMEOUT}s ($(_bs_calls "$1" | tr '\n' ' '))"
        fi
        _bs_n=$((_bs_n - 1))
        sleep 0.1
    done
}

# baresip_hangup NAME: phone NAME hangs up its current call (sends BYE).
baresip_hangup() {
    _bs_dir "$1" >/dev/null || exit 1
    _bs_must_ctl "$1" hangup
    note "baresip $1: hung up"
}

# baresip_wait_closed NAME [TIMEOUT]: wait until the phone has no call left
# (`listcalls`: "Active calls (0)") and has logged how its call ended since
# the last dial (or since it started): "call: terminate call" when it hung
# up itself, "PEER: session closed: Connection reset by peer" when the
# other side's BYE reached it.  Prints which one.
baresip_wait_closed() {
    _bs_wd=$(_bs_dir "$1") || exit 1
    _bs_n=$((${2:-$BARESIP_TIMEOUT} * 10))
    while :; do
        _bs_alive_or_fail "$1"
        _bs_how=$(_bs_since "$1" | grep -E '^call: terminate call |: session closed' | tail -n 1)
        if [ -n "$_bs_how" ]; then
            case $(_bs_calls "$1") in
            *'Active calls (0)'*)
                note "baresip $1: call closed ($_bs_how)"
                return 0
                ;;
            esac
        fi
        if [ "$_bs_n" -le 0 ]; then
            baresip_show_logs "$1"
            fail "baresip $1: call not closed within ${2:-$BARESIP_TIMEOUT}s ($(_bs_calls "$1" | tr '\n' ' '))"
        fi
        _bs_n=$((_bs_n - 1))
        sleep 0.1
    done
}

# baresip_sip_summary NAME: one line per SIP message in the phone's trace,
# in order: "SENT|RCVD PEER START-LINE | CSeq: CSEQ", PEER being where it
# went to or came from (e.g. "RCVD 127.0.0.1:5060 SIP/2.0 200 Answering |
# CSeq: 2 INVITE", "SENT 127.0.0.1:5060 BYE sip:bob-0x...@127.0.0.1:P
# SIP/2.0 | CSeq: 3 BYE").  A trace entry is a line ending in "#", then
# "UDP SRC -> DST", then the message.
baresip_sip_summary() {
    _bs_sd=$(_bs_dir "$1") || exit 1
    awk -v me="127.0.0.1:$(cat "$_bs_sd/sip_port")" '
        { sub(/\r$/, "") }
        hop != "" && start == "" { start = $0; next }
        hop != "" && /^[Cc][Ss][Ee][Qq]:/ { cseq = $0 }
        hop != "" && $0 == "" {
            print dir " " peer " " start " | " cseq
            hop = ""; start = ""; cseq = ""; next
        }
        prev ~ /#$/ && /^(UDP|TCP|TLS) [^ ]+ -> [^ ]+$/ {
            hop = $0; start = ""; cseq = ""
            if ($2 == me) { dir = "SENT"; peer = $4 } else { dir = "RCVD"; peer = $2 }
        }
        { prev = $0 }' "$_bs_sd/stdout.log"
}

# baresip_sip_has NAME ERE: fail unless the phone's SIP summary has a line
# matching the extended regular expression ERE.
baresip_sip_has() {
    baresip_sip_summary "$1" | grep -Eq -- "$2" || {
        echo "--- SIP messages of baresip $1:" >&2
        baresip_sip_summary "$1" | sed 's/^/    /' >&2
        fail "baresip $1: no SIP message matching /$2/"
    }
}

# baresip_wait_sip NAME ERE [TIMEOUT]: wait until the phone's SIP summary
# has a line matching ERE; fail with the summary when it does not in time.
baresip_wait_sip() {
    _bs_dir "$1" >/dev/null || exit 1
    _bs_n=$((${3:-$BARESIP_TIMEOUT} * 10))
    until baresip_sip_summary "$1" | grep -Eq -- "$2"; do
        [ "$_bs_n" -gt 0 ] || baresip_sip_has "$1" "$2"
        _bs_n=$((_bs_n - 1))
        sleep 0.1
    done
}

# baresip_stop NAME...: stop phones, bounded: `quit` to each (it
# unREGISTERs, then exits); SIGTERM to those still running
# BARESIP_STOP_TIMEOUT seconds later, a second SIGTERM (immediate exit) 2 s
# after that, SIGKILL 2 s after that.  Never calls fail (it runs from the
# EXIT trap): says what it had to do, and returns 1 if `quit` was not enough.
baresip_stop() {
    _bs_pids=""
    for _bs_x in "$@"; do
        _bs_p=$(cat "$TMP/baresip.$_bs_x/pid" 2>/dev/null) || continue
        _bs_pids="$_bs_pids $_bs_p"
        alive "$_bs_p" && baresip_ctl "$_bs_x" quit >/dev/null 2>&1
    done
    _bs_src=0
    # shellcheck disable=SC2086 # lists of PIDs
    if ! _bs_wait_all "$BARESIP_STOP_TIMEOUT" $_bs_pids; then
        _bs_src=1
        for _bs_sig in TERM TERM KILL; do
            for _bs_p in $_bs_pids; do
                if alive "$_bs_p"; then
                    echo "baresip pid $_bs_p: still running; SIG$_bs_sig" >&2
                    kill -"$_bs_sig" "$_bs_p" 2>/dev/null
                fi
            done
            # shellcheck disable=SC2086
            _bs_wait_all 2 $_bs_pids && break
        done
    fi
    for _bs_x in "$@"; do
        _bs_p=$(cat "$TMP/baresip.$_bs_x/pid" 2>/dev/null) || continue
        wait "$_bs_p" 2>/dev/null
        reaped "$_bs_p"
        # reaped: its number may be reused, never signal it again
        mv "$TMP/baresip.$_bs_x/pid" "$TMP/baresip.$_bs_x/pid.stopped"
        _bs_rest=""
        for _bs_y in $BARESIP_NAMES; do
            [ "$_bs_y" = "$_bs_x" ] || _bs_rest="$_bs_rest $_bs_y"
        done
        BARESIP_NAMES=$_bs_rest
        note "baresip $_bs_x (pid $_bs_p) stopped"
    done
    return "$_bs_src"
}

# _bs_wait_all SECONDS PID...: wait until none of PIDs runs, at most
# SECONDS; false on time-out.
_bs_wait_all() {
    _bs_n=$(($1 * 10))
    shift
    while :; do
        _bs_any=0
        for _bs_p in "$@"; do
            alive "$_bs_p" && _bs_any=1
        done
        [ "$_bs_any" = 0 ] && return 0
        [ "$_bs_n" -gt 0 ] || return 1
        _bs_n=$((_bs_n - 1))
        sleep 0.1
    done
}

# baresip_cleanup: stop every phone still running, together; keeps $?
# (for a trap that runs e2e_cleanup next).
baresip_cleanup() {
    _bs_keep=$?
    # shellcheck disable=SC2086 # a list of names
    [ -n "$BARESIP_NAMES" ] && baresip_stop $BARESIP_NAMES >/dev/null
    return "$_bs_keep"
}
