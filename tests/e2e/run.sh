#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/e2e/run.sh - run every end-to-end test.
#
#   sh tests/e2e/run.sh BUILD_DIR
#
# Each tests/e2e/test_*.sh (sorted) runs as `sh TEST BUILD_DIR` from the
# repository root, bounded in time; its output is shown only when it fails.
# A test that cannot run here (lib.sh `skip REASON`) exits 77, as automake's
# do.  Prints [PASS] NAME / [FAIL] NAME / [SKIP] NAME (REASON), then
# `e2e: N passed, M failed, K skipped`; exit status 1 if any failed, 2 on
# misuse.  E2E_VERBOSE=1 shows all output.

set -u
LC_ALL=C
export LC_ALL

if [ $# -ne 1 ]; then
    echo "usage: sh tests/e2e/run.sh BUILD_DIR" >&2
    exit 2
fi
case $1 in
/*) build=$1 ;;
*) build=$PWD/$1 ;;
esac
if [ ! -d "$build" ]; then
    echo "e2e: $1: not a directory" >&2
    exit 2
fi
cd "$(dirname "$0")/../.." || exit 2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sipc-e2e-run.XXXXXX") || exit 2
tpid="" # the running test's `timeout` process
# On Ctrl-C or SIGTERM, pass SIGTERM to the running test (through timeout,
# which runs in its own process group) and let its EXIT trap clean up.
stop_test() {
    if [ -n "$tpid" ]; then
        kill -TERM "$tpid" 2>/dev/null
        wait "$tpid" 2>/dev/null
    fi
    exit "$1"
}
trap 'rm -rf "$tmp"' EXIT
trap 'stop_test 130' INT
trap 'stop_test 143' TERM HUP

passed=0
failed=0
skipped=0
for t in tests/e2e/test_*.sh; do
    [ -e "$t" ] || continue
    name=${t##*/}
    name=${name%.sh}
    # Each test bounds its own waits; this is the backstop for a hung one
    # (SIGTERM first, so its EXIT trap stops what it started).
    timeout -k 10 "${E2E_TEST_TIMEOUT:-300}" sh "$t" "$build" >"$tmp/$name.log" 2>&1 &
    tpid=$!
    wait "$tpid"
    rc=$?
    tpid=""
    if [ "$rc" -eq 0 ]; then
        echo "[PASS] $name"
        [ "${E2E_VERBOSE:-0}" = 1 ] && sed 's/^/    /' "$tmp/$name.log"
        passed=$((passed + 1))
    elif [ "$rc" -eq 77 ]; then
        reason=$(sed -n 's/^SKIP: //p' "$tmp/$name.log" | tail -n 1)
        echo "[SKIP] $name (${reason:-no reason given})"
        [ "${E2E_VERBOSE:-0}" = 1 ] && sed 's/^/    /' "$tmp/$name.log"
        skipped=$((skipped + 1))
    else
        [ "$rc" -eq 124 ] && echo "$t: timed out" >>"$tmp/$name.log"
        echo "[FAIL] $name"
        sed 's/^/    /' "$tmp/$name.log"
        failed=$((failed + 1))
    fi
done

echo "e2e: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
