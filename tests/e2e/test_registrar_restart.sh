#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_registrar_restart.sh - user location kept in a database, with sipd
# on copies of tests/e2e/policies/registrar.sipc in another
# usrloc.db_mode, on SQLite and on a private MariaDB (tests/db/mariadb.sh):
#   - write_through on SQLite: a binding acknowledged by 200 survives
#     `kill -9` of sipd: the next sipd on the same file routes an INVITE to
#     the contact; `sipctl ul show` lists the AOR, `sipctl ul rm` removes
#     it (sipd stopped), and a sipd started then answers 404;
#   - write_back on SQLite (flush interval of an hour): the binding is not
#     in the file while sipd runs; SIGTERM flushes it, the next sipd finds it;
#   - MariaDB: sipd refuses a database without sipc's schema (`sipctl db
#     init` creates it); write_through survives `kill -9`; MariaDB
#     restarted under a running sipd: the next REGISTER still gets 200
#     (the driver reconnects) and is stored, and the binding acknowledged
#     before the restart is still routed to;
#   - db_only: two sipd on the same MariaDB; a REGISTER through one, an
#     INVITE through the other reaches the contact; the same again after
#     MariaDB restarted under both.
# Each INVITE is answered 486 by a sipp UAS at the registered contact
# (tests/e2e/scenarios/reg_*.xml).  Needs mariadbd (mariadb-server).
#
#   sh tests/e2e/test_registrar_restart.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
# shellcheck source=tests/db/mariadb.sh
. tests/db/mariadb.sh
# The MariaDB server (if started) stops before e2e_cleanup removes $TMP;
# e2e_cleanup exits with the status the test had.
stop_all() {
    st=$?
    mariadb_stop
    (exit "$st")
    e2e_cleanup
}
trap stop_all EXIT

need_prog sipp sip-tester
[ -x "$B/sipctl" ] || fail "$B/sipctl is not built (run make)"
sc=tests/e2e/scenarios

# policy MODE: $p, a copy of registrar.sipc with usrloc.db_mode = MODE.
policy() {
    p=$TMP/registrar-$1.sipc
    sed "s/^usrloc\.db_mode = .*/usrloc.db_mode = $1;/" tests/e2e/policies/registrar.sipc >"$p"
    grep -q "^usrloc\.db_mode = $1;" "$p" || fail "no usrloc.db_mode line to edit in registrar.sipc"
}
policy write_through
wt=$p
policy db_only
dbonly=$p
policy write_back
wb=$p
echo "usrloc.flush_interval = 3600;" >>"$wb" # only the shutdown flushes

# uas_bg NAME SCENARIO: a sipp UAS (sipp_uas_start) kept under NAME (a
# shell word), so that several run at once; uas_port NAME; uas_bg_wait NAME.
uas_bg() {
    sipp_uas_start "$1" "$2"
    eval "uas_pid_$1=\$UAS_PID uas_port_$1=\$UAS_PORT uas_out_$1=\$UAS_OUT"
}
uas_port() {
    eval "echo \"\$uas_port_$1\""
}
uas_bg_wait() {
    eval "sipp_bg_wait UAS \"\$uas_pid_$1\" \"\$uas_out_$1\" $1 40"
}

# register NAME USER: REGISTER sip:USER@sipc.test at the UAS kept as USER.
register() {
    sipp_run "$1" "$sc/reg_uac_register.xml" 1 -key reg_user "$2" \
        -key reg_contact "<sip:$2@127.0.0.1:$(uas_port "$2")>" -key reg_expires 120
}

# invite NAME USER: an INVITE to sip:USER@sipc.test reaches the UAS kept as
# USER (which answers 486), started before.
invite() {
    sipp_run "$1" "$sc/reg_uac_invite.xml" 1 -key reg_user "$2"
    uas_bg_wait "$2"
}

# sipd_kill: SIGKILL to sipd: no shutdown, no flush.
sipd_kill() {
    kill -KILL "$SIPD_PID"
    wait "$SIPD_PID" 2>/dev/null
    reaped "$SIPD_PID"
    note "sipd (pid $SIPD_PID) killed with SIGKILL"
}

# ul_show NAME URL: `sipctl ul show` of the database at URL into $TMP/NAME.ul.
ul_show() {
    "$B/sipctl" ul show --url "$2" >"$TMP/$1.ul" 2>&1 || {
        show_log "$TMP/$1.ul"
        fail "sipctl ul show --url $2 failed"
    }
}

# --- SQLite, write_through: kill -9 -------------------------------------------
db=sqlite:$TMP/sqlite/ul.db
sipd_start wt-sqlite "$wt" --db "$db"
log_has "$SIPD_LOG" "usrloc: write_through on "
uas_bg bob "$sc/reg_uas_busy.xml"
register bob-register bob
sipd_kill
sipd_start wt-sqlite-again "$wt" --db "$db"
log_has "$SIPD_LOG" ", 1 binding loaded"
invite bob-invite bob
sipd_stop

ul_show sqlite "$db"
log_has "$TMP/sqlite.ul" "bob@sipc.test"
log_has "$TMP/sqlite.ul" "sip:bob@127.0.0.1:$(uas_port bob)"
"$B/sipctl" ul rm --url "$db" bob@sipc.test >"$TMP/rm.log" 2>&1 || {
    show_log "$TMP/rm.log"
    fail "sipctl ul rm --url $db bob@sipc.test failed"
}
ul_show sqlite-rm "$db"
if grep -q "bob@sipc.test" "$TMP/sqlite-rm.ul"; then
    show_log "$TMP/sqlite-rm.ul"
    fail "sipctl ul rm left bob@sipc.test"
fi
sipd_start wt-sqlite-removed "$wt" --db "$db"
sipp_run bob-removed "$sc/reg_uac_invite_404.xml" 1 -key reg_user bob
sipd_stop

# --- SQLite, write_back: SIGTERM flushes --------------------------------------
db=sqlite:$TMP/sqlite-wb/ul.db
sipd_start wb-sqlite "$wb" --db "$db"
log_has "$SIPD_LOG" "usrloc: write_back on "
uas_bg carl "$sc/reg_uas_busy.xml"
register carl-register carl
ul_show wb-before "$db"
if grep -q "carl@sipc.test" "$TMP/wb-before.ul"; then
    show_log "$TMP/wb-before.ul"
    fail "write_back wrote carl@sipc.test before any flush"
fi
sipd_stop
sipd_start wb-sqlite-again "$wb" --db "$db"
log_has "$SIPD_LOG" ", 1 binding loaded"
invite carl-invite carl
sipd_stop

# --- MariaDB ------------------------------------------------------------------
mariadb_start "$TMP/mariadb" || fail "could not start MariaDB (tests/db/mariadb.sh)"
note "MariaDB pid $MARIADB_PID on $MARIADB_SOCK"
url=$SIPC_TEST_MYSQL_URL

# Without the schema, sipd refuses to start.
bounded 20 "$B/sipd" -l "$(sipd_listen)" --db "$url" "$wt" >"$TMP/noschema.log" 2>&1
rc=$?
[ "$rc" -eq 1 ] || {
    show_log "$TMP/noschema.log"
    fail "sipd on a database without schema: exit status $rc, expected 1"
}
log_has "$TMP/noschema.log" "sipctl db init"
no_sanitizer_report "$TMP/noschema.log" "sipd without schema"
"$B/sipctl" db init "$url" >"$TMP/init.log" 2>&1 || {
    show_log "$TMP/init.log"
    fail "sipctl db init failed"
}

# write_through: kill -9.
sipd_start wt-mysql "$wt" --db "$url"
log_has "$SIPD_LOG" "usrloc: write_through on mysql://"
uas_bg dora "$sc/reg_uas_busy.xml"
register dora-register dora
sipd_kill
sipd_start wt-mysql-again "$wt" --db "$url"
log_has "$SIPD_LOG" ", 1 binding loaded"
invite dora-invite dora
ul_show mysql "$url"
log_has "$TMP/mysql.ul" "dora@sipc.test"

# MariaDB restarted under sipd: the next REGISTER gets 200 and is stored
# (a sipd killed and started again finds it), and gina, acknowledged
# before the restart, is still found.
uas_bg gina "$sc/reg_uas_busy.xml"
register gina-register gina
mariadb_restart || fail "could not restart MariaDB"
note "MariaDB restarted, pid $MARIADB_PID"
uas_bg emil "$sc/reg_uas_busy.xml"
register emil-after-restart emil
invite gina-after-restart gina
ul_show mysql-restart "$url"
log_has "$TMP/mysql-restart.ul" "sip:emil@127.0.0.1:$(uas_port emil)"
sipd_kill
sipd_start wt-mysql-third "$wt" --db "$url"
invite emil-invite emil
sipd_stop

# db_only: two sipd, one database: a REGISTER through one, the INVITE
# through the other; again after restarting MariaDB under both (each
# reconnects, one to write, the other to read).
sipd_start dbonly-a "$dbonly" --db "$url"
log_has "$SIPD_LOG" "usrloc: db_only on mysql://"
a_pid=$SIPD_PID a_port=$SIPD_PORT a_log=$SIPD_LOG
sipd_start dbonly-b "$dbonly" --db "$url"
b_pid=$SIPD_PID b_port=$SIPD_PORT b_log=$SIPD_LOG
uas_bg fred "$sc/reg_uas_busy.xml"
SIPD_PORT=$a_port SIPD_LOG=$a_log
register fred-register-a fred
SIPD_PORT=$b_port SIPD_LOG=$b_log
invite fred-invite-b fred
log_has "$b_log" "relayed to sip:fred@127.0.0.1:$(uas_port fred)"

mariadb_restart || fail "could not restart MariaDB"
note "MariaDB restarted, pid $MARIADB_PID"
uas_bg hugo "$sc/reg_uas_busy.xml"
SIPD_PORT=$b_port SIPD_LOG=$b_log
register hugo-register-b hugo
SIPD_PORT=$a_port SIPD_LOG=$a_log
invite hugo-invite-a hugo
log_has "$a_log" "relayed to sip:hugo@127.0.0.1:$(uas_port hugo)"

SIPD_PID=$a_pid SIPD_LOG=$a_log
sipd_stop
SIPD_PID=$b_pid SIPD_LOG=$b_log
sipd_stop
