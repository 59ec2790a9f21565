#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every program and subcommand answers --help (and -h) with its usage on
# stdout and exit status 0, and an unknown option with the usage on stderr
# and exit status 2: sipc and each of its commands, sipd, sipctl and each
# of its commands and subcommands.  No server is started.
. "$(dirname "$0")/lib.sh"
e2e_init "$1"

# One command line per line, without the --help / --bogus that is appended.
commands='sipc
sipc check
sipc emit
sipc build
sipc test
sipd
sipctl
sipctl info
sipctl version
sipctl db
sipctl db init
sipctl db migrate
sipctl db version
sipctl ul
sipctl ul show
sipctl ul rm
sipctl user
sipctl user add
sipctl user passwd
sipctl user rm
sipctl user list
sipctl trusted
sipctl trusted add
sipctl trusted rm
sipctl trusted list'

n=0
# check WORDS...: the help and unknown-option contracts for one command line.
check() {
    prog=$1
    shift
    for h in --help -h; do
        "$B/$prog" "$@" "$h" >"$TMP/out" 2>"$TMP/err" </dev/null
        rc=$?
        [ "$rc" -eq 0 ] || fail "'$prog $* $h' exited $rc, expected 0"
        grep -q '^usage: ' "$TMP/out" || fail "'$prog $* $h' printed no usage on stdout"
        [ -s "$TMP/err" ] && fail "'$prog $* $h' wrote to stderr: $(cat "$TMP/err")"
    done
    "$B/$prog" "$@" --bogus-option >"$TMP/out" 2>"$TMP/err" </dev/null
    rc=$?
    [ "$rc" -eq 2 ] || fail "'$prog $* --bogus-option' exited $rc, expected 2 ($(cat "$TMP/err"))"
    grep -q 'usage: ' "$TMP/err" || fail "'$prog $* --bogus-option' printed no usage on stderr"
    [ -s "$TMP/out" ] && fail "'$prog $* --bogus-option' wrote to stdout"
    n=$((n + 1))
}

# Run from an empty directory so that nothing (a database, a .so) is found
# or created by a command that wrongly runs.
cd "$TMP" || fail "cd $TMP"
echo "$commands" >"$TMP/commands"
while read -r line; do
    # shellcheck disable=SC2086 # the words of the command line
    check $line
done <"$TMP/commands"
[ -z "$(ls "$TMP" | grep -v -e '^out$' -e '^err$' -e '^commands$')" ] || fail "a command created files: $(ls "$TMP")"
echo "help: $n command lines answer --help, -h and an unknown option"
