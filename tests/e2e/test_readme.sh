#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# README.md's commands work as shown, so the README cannot drift from the
# programs.  What counts as a command, in README.md:
#   - every line of a ```sh block;
#   - in a plain ``` block, a line starting with `$ `; the lines after it,
#     up to the next `$ ` line or the end of the block, are its expected
#     output (stdout and stderr together), where a line `...` stands for
#     any number of lines.
# Other ``` blocks (usage synopses, configuration lines) are text.  A block
# preceded by a line `<!-- not run ...: REASON -->` is not run and is
# reported as such (the quick-start script installs packages and starts
# sipd in the foreground).
#
# The commands run from the repository root against a sipd this test
# starts on examples/registrar-proxy.sipc (the quick start's policy), with
# these rewrites, applied in this order:
#   sqlite:build/data/sipc.db -> sqlite:$TMP/sipc.db  (the test's database)
#   build/  -> $B/           (the build directory under test)
#   sipc, sipd, sipctl at the start of a command -> $B/sipc ...
#   127.0.0.1:5060 -> 127.0.0.1:PORT   (the port sipd was given)
#
#   sh tests/e2e/test_readme.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
need_prog sipp sip-tester

db=$TMP/sipc.db
sipd_start readme examples/registrar-proxy.sipc --db "sqlite:$db"

# Split README.md into numbered commands: $TMP/cmd.N (one command line),
# $TMP/want.N (expected output, when shown), and $TMP/notrun (reasons).
awk -v dir="$TMP" '
    function flush() { if (n && have_out) close(dir "/want." n) }
    /^<!-- not run/ { skip = $0; next }
    /^```/ {
        if (!inblock) {
            inblock = 1; kind = ($0 == "```sh") ? "sh" : "text"
            if (skip != "") { print skip >> (dir "/notrun"); skipping = 1 } else skipping = 0
            skip = ""; have_out = 0
        } else {
            flush(); inblock = 0; have_out = 0
        }
        next
    }
    !inblock { if ($0 !~ /^[ \t]*$/) skip = ""; next }
    skipping { next }
    kind == "sh" { if ($0 !~ /^[ \t]*(#|$)/) { n++; print $0 > (dir "/cmd." n); close(dir "/cmd." n); have_out = 0 }; next }
    /^\$ / { flush(); n++; print substr($0, 3) > (dir "/cmd." n); close(dir "/cmd." n); have_out = 1
             printf "" > (dir "/want." n); next }
    have_out { print $0 >> (dir "/want." n) }
    END { print n > (dir "/count") }
' README.md

count=$(cat "$TMP/count")
[ "$count" -gt 0 ] || fail "found no commands in README.md"

# rewrite: the command as run here (see the header).
rewrite() {
    sed -e "s#sqlite:build/data/sipc\.db#sqlite:$db#g" \
        -e "s#\(^\|[ ]\)build/#\1$B/#g" \
        -e "s#^\(sipc\|sipd\|sipctl\) #$B/\1 #" \
        -e "s#127\.0\.0\.1:5060#127.0.0.1:$SIPD_PORT#g" "$1"
}

# matches WANT GOT: GOT has WANT's lines in order, `...` matching any run.
matches() {
    awk 'NR == FNR { want[++nw] = $0; next } { got[++ng] = $0 }
         END {
             i = 1; j = 1
             while (i <= nw) {
                 if (want[i] == "...") {
                     i++
                     if (i > nw) exit 0
                     while (j <= ng && got[j] != want[i]) j++
                     if (j > ng) exit 1
                 } else if (j > ng || got[j] != want[i]) exit 1
                 i++; j++
             }
             exit (j <= ng)
         }' "$1" "$2"
}

i=1
while [ "$i" -le "$count" ]; do
    cmd=$(rewrite "$TMP/cmd.$i")
    note "\$ $cmd"
    sh -c "$cmd" >"$TMP/got.$i" 2>&1 </dev/null
    rc=$?
    if [ -f "$TMP/want.$i" ]; then
        # Relative paths stay relative: the command runs from the repository
        # root, so only the build directory differs from what README shows.
        sed "s#$B/#build/#g" "$TMP/got.$i" >"$TMP/got.$i.n"
        matches "$TMP/want.$i" "$TMP/got.$i.n" ||
            fail "README command '$(cat "$TMP/cmd.$i")' printed:
$(cat "$TMP/got.$i")
--- README.md shows:
$(cat "$TMP/want.$i")"
    elif [ "$rc" -ne 0 ]; then
        fail "README command '$(cat "$TMP/cmd.$i")' exited $rc:
$(cat "$TMP/got.$i")"
    fi
    i=$((i + 1))
done
if [ -f "$TMP/notrun" ]; then
    while read -r line; do
        note "not run: $line"
    done <"$TMP/notrun"
fi
sipd_stop
note "README.md: $count commands ran as shown"
