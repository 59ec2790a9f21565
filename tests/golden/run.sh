#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/golden/run.sh - golden tests of the compiler.
#
#   sh tests/golden/run.sh [--update] path/to/sipc
#
# For each tests/golden/NAME.sipc, in sorted order, the files beside it
# choose the checks (STYLE.md practice 13):
#   NAME.c    `sipc emit NAME.sipc` exits 0 and its stdout equals NAME.c
#   NAME.err  `sipc check NAME.sipc` exits 1 and its stderr equals NAME.err
#   NAME.warn `sipc check NAME.sipc` exits 0 (warnings only) and its stderr
#             equals NAME.warn
#   NAME.siptest  `sipc test --backend=both NAME.sipc NAME.siptest` exits 0
#             (the policy compiles and runs under libtcc and gcc)
# Several may exist; a .sipc with none is a mistake in the suite and fails.
# sipc runs from the repository root on the relative path
# tests/golden/NAME.sipc, so diagnostics read `tests/golden/NAME.sipc:L:C:`.
#
# A policy too big to commit is generated: NAME.gen is a sh script whose
# standard output is NAME.sipc.  The runner writes it to
# SCRATCH/tests/golden/NAME.sipc and runs sipc from SCRATCH, so its
# diagnostics read the same as a committed file's.
#
# --update rewrites the existing NAME.c / NAME.err from the actual output
# (when the exit status is the expected one); review the result with
# `git diff tests/golden` before committing it.
#
# Prints [PASS] NAME or [FAIL] NAME with the reason and diff, then
# `golden: N passed, M failed`.  Exit status 1 if any failed, 2 on misuse.

set -u
LC_ALL=C
export LC_ALL

update=0
if [ "${1:-}" = "--update" ]; then
    update=1
    shift
fi
if [ $# -ne 1 ]; then
    echo "usage: sh tests/golden/run.sh [--update] path/to/sipc" >&2
    exit 2
fi
sipc=$1
case $sipc in
/*) ;;
*) sipc=$PWD/$sipc ;;
esac
if [ ! -f "$sipc" ] || [ ! -x "$sipc" ]; then
    echo "golden: $1: not an executable" >&2
    exit 2
fi

cd "$(dirname "$0")/../.." || exit 2
dir=tests/golden
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sipc-golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Bound each run so that a hanging compiler fails its test, not the suite
# (--foreground: stay in our process group, so Ctrl-C reaches sipc too).
TIMEOUT=${GOLDEN_TIMEOUT:-60}

passed=0
failed=0
why="" # reasons for the current test's failure, one per line

# check_one NAME MODE EXT WANT_RC STREAM: run `sipc MODE`, require exit
# status WANT_RC, and compare STREAM (out or err) with NAME.EXT.
check_one() {
    name=$1 mode=$2 ext=$3 want=$4 stream=$5
    expected=$dir/$name.$ext
    actual=$tmp/$name.$ext
    if [ "$mode" = test ]; then
        (cd "$root" && timeout --foreground -k 5 "$TIMEOUT" "$sipc" test --backend=both \
            "$dir/$name.sipc" "$top/$dir/$name.siptest") >"$tmp/out" 2>"$tmp/err"
    else
        (cd "$root" && timeout --foreground -k 5 "$TIMEOUT" "$sipc" "$mode" "$dir/$name.sipc") \
            >"$tmp/out" 2>"$tmp/err"
    fi
    rc=$?
    if [ "$mode" = test ]; then
        [ "$rc" -eq 0 ] || why="${why}sipc test --backend=both $dir/$name.sipc exited with status $rc:
$(cat "$tmp/out" "$tmp/err")
"
        return
    fi
    cp "$tmp/$stream" "$actual"
    if [ "$rc" -ne "$want" ]; then
        case $rc in
        124) what="timed out after ${TIMEOUT}s" ;;
        12[5-9] | 1[3-9][0-9] | 2[0-9][0-9]) what="exited with status $rc (crash or signal)" ;;
        *) what="exited with status $rc, expected $want" ;;
        esac
        why="${why}sipc $mode $dir/$name.sipc $what
"
        if [ "$stream" = out ] && [ -s "$tmp/err" ]; then
            why="${why}--- its stderr:
$(cat "$tmp/err")
"
        fi
        # Show the diff too: it is usually the quickest explanation.
    elif [ "$update" -eq 1 ]; then
        if ! cmp -s "$expected" "$actual"; then
            cp "$actual" "$expected"
            echo "[UPDATED] $expected"
        fi
        return
    fi
    if ! cmp -s "$expected" "$actual"; then
        why="${why}sipc $mode: the $stream stream differs from $expected:
$(diff -u "$expected" "$actual")
"
    fi
}

top=$PWD
for src in "$dir"/*.sipc "$dir"/*.gen; do
    [ -e "$src" ] || continue # no tests at all
    name=${src##*/}
    name=${name%.*}
    why=""
    checked=0
    root=.
    case $src in
    *.gen)
        root=$tmp/gen
        mkdir -p "$root/$dir"
        if ! sh "$src" >"$root/$dir/$name.sipc"; then
            why="sh $src failed
"
        fi
        ;;
    esac
    if [ -e "$dir/$name.c" ]; then
        check_one "$name" emit c 0 out
        checked=1
    fi
    if [ -e "$dir/$name.err" ]; then
        check_one "$name" check err 1 err
        checked=1
    fi
    if [ -e "$dir/$name.warn" ]; then
        check_one "$name" check warn 0 err
        checked=1
    fi
    if [ -e "$dir/$name.siptest" ]; then
        check_one "$name" test siptest 0 out
        checked=1
    fi
    if [ "$checked" -eq 0 ]; then
        why="$dir/$name.sipc has no $name.c, $name.err, $name.warn or $name.siptest beside it: nothing to compare (a mistake in the suite)
"
        if [ -e "$dir/$name.out" ]; then
            why="$why$name.out (a runtime transcript) is not handled by this runner yet
"
        fi
    fi
    if [ -z "$why" ]; then
        echo "[PASS] $name"
        passed=$((passed + 1))
    else
        echo "[FAIL] $name"
        printf '%s' "$why" | sed 's/^/    /'
        failed=$((failed + 1))
    fi
done

# The example policies are shipped for users to copy: they must check clean,
# without even a warning.
for src in examples/*.sipc; do
    [ -e "$src" ] || continue
    name=example:${src##*/}
    if timeout --foreground -k 5 "$TIMEOUT" "$sipc" check "$src" >"$tmp/out" 2>"$tmp/err" && ! [ -s "$tmp/err" ]; then
        echo "[PASS] $name"
        passed=$((passed + 1))
    else
        echo "[FAIL] $name (sipc check must exit 0 and print nothing)"
        sed 's/^/    /' "$tmp/err"
        failed=$((failed + 1))
    fi
done

echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
