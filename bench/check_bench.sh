#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/check_bench.sh - how fast a large policy checks, JIT-loads and builds.
#
#   bash bench/check_bench.sh [BUILD_DIR]          (default build; `make bench`)
#
# Generates a policy of BENCH_LINES lines (default 10000, bench/gen_policy.sh)
# and prints, one line each:
#   sipc check             wall time of `BUILD_DIR/sipc check`, process start
#                          included; BENCH_RUNS runs (default 20)
#   in-process check, compile to C, libtcc compile+relocate
#                          BUILD_DIR/jit_bench (bench/jit_bench.c)
#   sipc build (cc -O2)    wall time of `sipc build`; BENCH_BUILD_RUNS runs
#                          (default 3)
# as `NAME N lines: best X ms, median Y ms (R runs)`.  Figures only: no time
# is asserted.  Bash for $EPOCHREALTIME (microseconds without forking a
# timer).  Exit status 1 when the generated policy is not clean (then the
# generator is behind the checker), 2 on misuse.

set -u
LC_ALL=C
export LC_ALL

B=${1:-build}
LINES=${BENCH_LINES:-10000}
RUNS=${BENCH_RUNS:-20}
BUILD_RUNS=${BENCH_BUILD_RUNS:-3}
cd "$(dirname "$0")/.." || exit 2
for f in "$B/sipc" "$B/jit_bench"; do
    [ -x "$f" ] || { echo "bench: $f: not built (make bench builds it)" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sipc-bench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
policy=$tmp/policy.sipc
sh bench/gen_policy.sh "$LINES" >"$policy" || exit 1

# The generator must keep up with the checker: no error, no warning.
if ! "$B/sipc" check "$policy" 2>"$tmp/err" || [ -s "$tmp/err" ]; then
    echo "bench: the generated policy does not check cleanly; fix bench/gen_policy.sh:" >&2
    head -n 20 "$tmp/err" >&2
    exit 1
fi

# usec: microseconds since the epoch, from bash's $EPOCHREALTIME.
usec() {
    local t=${EPOCHREALTIME/[.,]/}
    echo "$((10#$t))"
}

# stats NAME: read milliseconds, one a line; print the figure line.
stats() {
    sort -n | awk -v name="$1" -v lines="$LINES" '
        { ms[NR] = $1 }
        END {
            m = NR % 2 ? ms[(NR + 1) / 2] : (ms[NR / 2] + ms[NR / 2 + 1]) / 2
            printf "%s %d lines: best %.1f ms, median %.1f ms (%d runs)\n", name, lines, ms[1], m, NR
        }'
}

# timeit N CMD...: run CMD N times (after one untimed warm-up), print the
# wall times in ms; stop with status 1 if CMD fails.
timeit() {
    local n=$1 i t0 t1
    shift
    "$@" >/dev/null 2>&1 || return 1
    for ((i = 0; i < n; i++)); do
        t0=$(usec)
        "$@" >/dev/null 2>&1 || return 1
        t1=$(usec)
        echo "$(((t1 - t0) / 1000)).$(printf '%03d' $(((t1 - t0) % 1000)))"
    done
}

echo "policy: $LINES lines, $(wc -c <"$policy") bytes (bench/gen_policy.sh $LINES)"

timeit "$RUNS" "$B/sipc" check "$policy" >"$tmp/check.ms" || {
    echo "bench: sipc check failed" >&2
    exit 1
}
stats "sipc check" <"$tmp/check.ms"

"$B/jit_bench" -n "$RUNS" "$policy" || exit 1

timeit "$BUILD_RUNS" "$B/sipc" build "$policy" -o "$tmp/policy.so" >"$tmp/build.ms" || {
    echo "bench: sipc build failed:" >&2
    "$B/sipc" build "$policy" -o "$tmp/policy.so" 2>&1 | head -n 20 >&2
    exit 1
}
stats "sipc build (${CC:-cc} -O2)" <"$tmp/build.ms"
echo "policy.so: $(wc -c <"$tmp/policy.so") bytes"
