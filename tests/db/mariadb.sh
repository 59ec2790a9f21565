# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/db/mariadb.sh - a private MariaDB server for tests; source it (POSIX
# sh), then:
#
#   mariadb_start DIR   a server on DIR/data (created with mariadb-install-db
#                       the first time), its socket DIR/sock, TCP on
#                       127.0.0.1 at a free port, database sipc_test and user
#                       sipc with a password full of URL-reserved characters;
#                       waits (at most 30 s) until it accepts connections.
#                       Exports MARIADB_DIR, MARIADB_PID, MARIADB_SOCK,
#                       MARIADB_PORT, SIPC_TEST_MYSQL_URL (through the
#                       socket) and SIPC_TEST_MYSQL_TCP_URL (through TCP).
#   mariadb_stop        SIGTERM to the server this shell started, waits at
#                       most 30 s, then SIGKILL; nothing when none runs
#   mariadb_restart     stop, then start on the same DIR and port (for the
#                       reconnect tests); mariadb_start of the DIR this shell
#                       last started also keeps the port
#   mariadb_sql SQL     run SQL as the administrator (the invoking OS user,
#                       through the socket)
#   mariadb_empty_db    drop and create sipc_test again (grants stay)
#
# Only the process this shell started is ever signalled, by its PID.  The
# functions return non-zero on failure, with the reason (and the server's
# error log) on stderr.  The server runs as the invoking user (as root it
# needs --user=root), with small InnoDB files so a run costs little.

MARIADB_DB=sipc_test
MARIADB_USER=sipc
MARIADB_PASS='pa:ss@w/rd%1'
MARIADB_PASS_URL='pa%3Ass%40w%2Frd%251'

# mariadbd lives in sbin on Debian, which a normal user's PATH may lack.
_mariadb_find() {
    for _d in $(printf '%s' "$PATH" | tr ':' ' ') /usr/sbin /usr/local/sbin /sbin; do
        if [ -x "$_d/$1" ]; then
            printf '%s\n' "$_d/$1"
            return 0
        fi
    done
    echo "mariadb.sh: $1 not found (apt-get install mariadb-server mariadb-client)" >&2
    return 1
}

# A TCP port between 20000 and 59999 that nothing listens on (as far as ss
# can tell; mariadb_start tries another one if the bind still fails).
_mariadb_pick_port() {
    _tries=0
    while [ "$_tries" -lt 50 ]; do
        _tries=$((_tries + 1))
        _p=$(($(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 + 20000))
        if ! command -v ss >/dev/null 2>&1 || ! ss -Hltn "sport = :$_p" 2>/dev/null | grep -q .; then
            printf '%s\n' "$_p"
            return 0
        fi
    done
    return 1
}

# Alive and not a zombie waiting to be reaped.
_mariadb_alive() {
    kill -0 "$1" 2>/dev/null || return 1
    if [ -r "/proc/$1/stat" ]; then
        case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) in
        Z* | X*) return 1 ;;
        esac
    fi
    return 0
}

mariadb_sql() {
    "$MARIADB_CLIENT" --no-defaults --socket="$MARIADB_SOCK" -u "$(id -un)" -e "$1"
}

# One launch of mariadbd on port $1; 0 when it accepts connections, 1 when
# it died, 3 when it died because the port was taken.
_mariadb_launch() {
    # --user: as root mariadbd refuses to start without it (and only
    # warns when not root).  The InnoDB sizes must be those of install.
    "$MARIADBD" --no-defaults --datadir="$MARIADB_DIR/data" --user="$(id -un)" \
        --innodb-log-file-size=4M --innodb-buffer-pool-size=16M \
        --socket="$MARIADB_SOCK" --port="$1" --bind-address=127.0.0.1 \
        --pid-file="$MARIADB_DIR/mariadbd.pid" --log-error="$MARIADB_DIR/error.log" \
        --skip-name-resolve --skip-log-bin --innodb-fast-shutdown=1 \
        --max-connections=50 >>"$MARIADB_DIR/stdout.log" 2>&1 &
    MARIADB_PID=$!
    _i=0
    while [ "$_i" -lt 300 ]; do
        if ! _mariadb_alive "$MARIADB_PID"; then
            wait "$MARIADB_PID" 2>/dev/null
            MARIADB_PID=
            if tail -20 "$MARIADB_DIR/error.log" 2>/dev/null | grep -q "Address already in use"; then
                return 3
            fi
            return 1
        fi
        if "$MARIADB_CLIENT" --no-defaults --socket="$MARIADB_SOCK" -u "$(id -un)" \
            -e 'SELECT 1' >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
        _i=$((_i + 1))
    done
    echo "mariadb.sh: the server did not accept connections within 30 s" >&2
    mariadb_stop
    return 1
}

mariadb_start() {
    if [ $# -ne 1 ]; then
        echo "usage: mariadb_start DIR" >&2
        return 2
    fi
    if [ -n "${MARIADB_PID:-}" ]; then
        echo "mariadb.sh: a server is already running (pid $MARIADB_PID)" >&2
        return 1
    fi
    MARIADBD=$(_mariadb_find mariadbd) || return 1
    MARIADB_CLIENT=$(_mariadb_find mariadb) || return 1
    _install=$(_mariadb_find mariadb-install-db) || return 1
    mkdir -p "$1" || return 1
    _dir=$(cd "$1" && pwd) || return 1
    _mariadb_keep_port=
    if [ "$_dir" = "${MARIADB_DIR:-}" ]; then
        _mariadb_keep_port=${MARIADB_PORT:-}
    fi
    MARIADB_DIR=$_dir
    MARIADB_SOCK=$MARIADB_DIR/sock
    _fresh=0
    if [ ! -d "$MARIADB_DIR/data/mysql" ]; then
        # The invoking OS user gets an administrator account (unix_socket
        # authentication), which mariadb_sql uses.
        if ! "$_install" --no-defaults --datadir="$MARIADB_DIR/data" --user="$(id -un)" \
            --innodb-log-file-size=4M --innodb-buffer-pool-size=16M \
            --auth-root-authentication-method=socket --auth-root-socket-user="$(id -un)" \
            --skip-test-db --skip-name-resolve >"$MARIADB_DIR/install.log" 2>&1; then
            echo "mariadb.sh: mariadb-install-db failed:" >&2
            tail -20 "$MARIADB_DIR/install.log" >&2
            return 1
        fi
        _fresh=1
    fi
    _tries=0
    while :; do
        _tries=$((_tries + 1))
        _port=${_mariadb_keep_port:-}
        [ -n "$_port" ] || _port=$(_mariadb_pick_port) || {
            echo "mariadb.sh: no free port found" >&2
            return 1
        }
        _mariadb_launch "$_port"
        _rc=$?
        [ "$_rc" -eq 0 ] && break
        if [ "$_rc" -ne 3 ] || [ -n "${_mariadb_keep_port:-}" ] || [ "$_tries" -ge 5 ]; then
            echo "mariadb.sh: mariadbd failed to start; its log ends:" >&2
            tail -20 "$MARIADB_DIR/error.log" >&2
            return 1
        fi
    done
    MARIADB_PORT=$_port
    if [ "$_fresh" -eq 1 ]; then
        mariadb_sql "CREATE DATABASE $MARIADB_DB;
            CREATE USER '$MARIADB_USER'@'localhost' IDENTIFIED BY '$MARIADB_PASS';
            CREATE USER '$MARIADB_USER'@'127.0.0.1' IDENTIFIED BY '$MARIADB_PASS';
            GRANT ALL PRIVILEGES ON $MARIADB_DB.* TO '$MARIADB_USER'@'localhost', '$MARIADB_USER'@'127.0.0.1';" || {
            echo "mariadb.sh: creating the test database and user failed" >&2
            mariadb_stop
            return 1
        }
    fi
    # The socket path goes into a URL query: encode what would end it.
    _sock_url=$(printf '%s' "$MARIADB_SOCK" | sed -e 's/%/%25/g' -e 's/&/%26/g' -e 's/#/%23/g')
    SIPC_TEST_MYSQL_URL="mysql://$MARIADB_USER:$MARIADB_PASS_URL@localhost/$MARIADB_DB?socket=$_sock_url"
    SIPC_TEST_MYSQL_TCP_URL="mysql://$MARIADB_USER:$MARIADB_PASS_URL@127.0.0.1:$MARIADB_PORT/$MARIADB_DB"
    export MARIADB_DIR MARIADB_PID MARIADB_SOCK MARIADB_PORT SIPC_TEST_MYSQL_URL SIPC_TEST_MYSQL_TCP_URL
    return 0
}

mariadb_stop() {
    [ -n "${MARIADB_PID:-}" ] || return 0
    kill -TERM "$MARIADB_PID" 2>/dev/null
    _i=0
    while _mariadb_alive "$MARIADB_PID"; do
        if [ "$_i" -ge 300 ]; then
            echo "mariadb.sh: mariadbd (pid $MARIADB_PID) ignored SIGTERM for 30 s; SIGKILL" >&2
            kill -KILL "$MARIADB_PID" 2>/dev/null
            break
        fi
        sleep 0.1
        _i=$((_i + 1))
    done
    wait "$MARIADB_PID" 2>/dev/null
    MARIADB_PID=
    export MARIADB_PID
    return 0
}

mariadb_restart() {
    if [ -z "${MARIADB_DIR:-}" ] || [ -z "${MARIADB_PORT:-}" ]; then
        echo "mariadb.sh: mariadb_restart before mariadb_start" >&2
        return 1
    fi
    mariadb_stop
    mariadb_start "$MARIADB_DIR"
}

mariadb_empty_db() {
    mariadb_sql "DROP DATABASE IF EXISTS $MARIADB_DB; CREATE DATABASE $MARIADB_DB;"
}
