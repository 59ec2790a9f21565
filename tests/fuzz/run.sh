#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/fuzz/run.sh - run a libFuzzer harness: fuzz_check (the compiler),
# fuzz_sip (SIP messages into the runtime) or fuzz_creds (digest
# credentials, tests/fuzz/fuzz_creds.c).
#
#   sh tests/fuzz/run.sh FUZZER WORKDIR SECONDS [-v]
#
# Called by `make fuzz-smoke` (30 s, quiet) and `make fuzz` (long, -v shows
# libFuzzer's progress).  WORKDIR (build-fuzz/state) keeps, between runs:
#   corpus/     the growing corpus; seeded on every run from
#               tests/golden/*.sipc, examples/*.sipc and the hand-written
#               seeds tests/fuzz/corpus/*.sipc (corners no golden test has)
#   artifacts/  findings: crash-*, leak-*, timeout-*, oom-*
#   fixed/      earlier findings that no longer reproduce
#   fuzz.log    libFuzzer's output of the last run
#
# Earlier findings are replayed first: one that still fails stops the run;
# one that passes now moves to fixed/ (turn it into a golden test).  Then
# the fuzzer runs for SECONDS.  Prints the number of executions (libFuzzer's
# stat::number_of_executed_units) and, for each finding, how to make it a
# golden test.  Exit status 0 when there is no finding, 1 when there is one,
# 2 on misuse.

set -u
LC_ALL=C
export LC_ALL

if [ $# -lt 3 ]; then
    echo "usage: sh tests/fuzz/run.sh FUZZER WORKDIR SECONDS [-v]" >&2
    exit 2
fi
fuzzer=$1 work=$2 seconds=$3 verbose=${4:-}
if [ ! -x "$fuzzer" ]; then
    echo "fuzz: $fuzzer: not an executable" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$root" || exit 2 # fuzz_sip finds its policy, tests/fuzz/sip.sipc, from here
# Three harnesses: fuzz_check (policies; the default), fuzz_sip (SIP
# messages into the runtime, seeded from the RFC 4475 messages and, when
# the directory exists, the real captures in $SIP_SEEDS, read in place and
# never copied into the repository) and fuzz_creds (Authorization header
# values, seeded from tests/fuzz/corpus-creds/).
case ${fuzzer##*/} in
fuzz_sip*) harness=sip ;;
fuzz_creds*) harness=creds ;;
*) harness=policy ;;
esac
# ../shared beside the checkout holds them on the project machines; a clone
# without it seeds from the RFC 4475 messages alone.
SIP_SEEDS=${SIP_SEEDS:-$root/../shared/testdata/samples}
case $harness in
policy) dict=${fuzzer%/*}/sipc.dict ;; # made by the Makefile from tests/fuzz/gen_dict.sh
creds) dict=$root/tests/fuzz/creds.dict ;;
*) dict="" ;;
esac
if [ -n "$dict" ] && [ ! -f "$dict" ]; then
    echo "fuzz: no dictionary $dict (make $dict writes it)" >&2
    exit 2
fi
mkdir -p "$work/corpus" "$work/artifacts" "$work/fixed" || exit 2
log=$work/fuzz.log

# Leaks are findings; UBSan stops at the first report (the build also says
# -fno-sanitize-recover) so libFuzzer saves the input.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

# Flags shared by the replay and the run.
limits="-timeout=5 -rss_limit_mb=2048 -max_len=4096"

findings() {
    for f in "$work"/artifacts/crash-* "$work"/artifacts/leak-* \
        "$work"/artifacts/timeout-* "$work"/artifacts/oom-*; do
        [ -e "$f" ] && printf '%s\n' "$f"
    done
}

# The interesting part of a libFuzzer log: from the first report line on.
report() {
    awk '!on && /==ERROR|runtime error|^fuzz_check: |ALARM|^fuzz_creds: |out-of-memory|[Ll]eak|deadly signal/ { on = 1 }
         on && /^Shadow bytes around/ { exit }
         on && n++ < 50' "$1"
}

# How to keep findings $1 (one per line) as golden tests (STYLE.md
# practices 13 and 14).
advise() {
    if [ "$harness" = creds ]; then
        cat <<EOF

To reproduce:  $fuzzer $(printf '%s\n' "$1" | head -n 1)
Once fixed, keep it as a regression case: a \`bad\` line (the header
value and the answer sipd must give) in tests/e2e/test_auth.sh, and the
input in tests/fuzz/corpus-creds/; then delete the artifact.
EOF
        return
    fi
    if [ "$harness" = sip ]; then
        cat <<EOF

To reproduce:  $fuzzer $(printf '%s\n' "$1" | head -n 1)
Once fixed, keep it as a regression case: a '=== case' in
tests/policies/errors.siptest (if it is text) or a file sent by
tests/e2e/test_rfc4475.sh's way (if it is binary); then delete the artifact.
EOF
        return
    fi
    n=1
    while [ -e "$root/tests/golden/$(printf 'fuzz-%03d' "$n").sipc" ]; do
        n=$((n + 1))
    done
    name=$(printf 'fuzz-%03d' "$n")
    first=$(printf '%s\n' "$1" | head -n 1)
    cat <<EOF

To reproduce:  $fuzzer $first
Once fixed, keep it as a golden test (next free name: $name):
    cp $first tests/golden/$name.sipc
    touch tests/golden/$name.err     # or $name.c if the policy is valid
    sh tests/golden/run.sh --update build/sipc && git diff tests/golden
then delete $first (a run moves a finding that passes to $work/fixed/).
EOF
}

# 1. Replay earlier findings against the current build.
old=$(findings)
if [ -n "$old" ]; then
    still="" fixed=""
    for f in $old; do
        # shellcheck disable=SC2086 # $limits is a list of flags
        if "$fuzzer" $limits "$f" >"$work/replay.log" 2>&1; then
            mv "$f" "$work/fixed/"
            echo "fuzz: an earlier finding passes now, moved to $work/fixed/${f##*/}"
            fixed="$fixed$work/fixed/${f##*/}
"
        else
            still="$still$f
"
        fi
    done
    if [ -n "$still" ]; then
        echo "fuzz: FAILED: earlier findings still fail:"
        printf '%s' "$still" | sed 's/^/    /'
        echo "--- the last one's report:"
        report "$work/replay.log"
        advise "$still"
        exit 1
    fi
    [ -n "$fixed" ] && advise "$fixed"
fi

# 2. Seed the corpus (copies under stable names; libFuzzer adds its own).
if [ "$harness" = sip ]; then
    seeds="$root/tests/data/rfc4475/*.dat $root/tests/data/rfc4475/extra/*.dat $root/tests/data/fuzz/*.sip $SIP_SEEDS/*/*"
elif [ "$harness" = creds ]; then
    seeds="$root/tests/fuzz/corpus-creds/*"
else
    seeds="$root/tests/golden/*.sipc $root/examples/*.sipc $root/tests/fuzz/corpus/*.sipc"
fi
# shellcheck disable=SC2086 # $seeds is a list of globs
for f in $seeds; do
    [ -f "$f" ] || continue
    if [ "$harness" = sip ]; then
        case $f in
        */rfc4475/*) dst=rfc4475-${f##*/} ;;
        *) dst=sample-$(printf '%s' "${f#"$SIP_SEEDS"/}" | tr '/' '-') ;;
        esac
        cp "$f" "$work/corpus/$dst"
        continue
    fi
    case $f in
    "$root"/tests/golden/*) dst=golden-${f##*/} ;;
    "$root"/examples/*) dst=example-${f##*/} ;;
    "$root"/tests/fuzz/corpus-creds/*) dst=creds-${f##*/} ;;
    *) dst=seed-${f##*/} ;;
    esac
    cp "$f" "$work/corpus/$dst"
done

# 3. Run.  libFuzzer stops at its first finding and exits non-zero.
# shellcheck disable=SC2086 # $limits is a list of flags
set -- $limits -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus"
[ -n "$dict" ] && set -- "-dict=$dict" "$@"
start=$(date +%s)
if [ "$verbose" = -v ]; then
    echo "fuzz: running $fuzzer for ${seconds}s (log: $log)"
    # Keep libFuzzer's status through the pipe.
    { "$fuzzer" "$@" 2>&1; echo $? >"$work/rc"; } | tee "$log"
    rc=$(cat "$work/rc")
else
    "$fuzzer" "$@" >"$log" 2>&1
    rc=$?
fi
elapsed=$(($(date +%s) - start))

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
corpus=$(find "$work/corpus" -type f | wc -l)
new=$(findings)
if [ "$rc" -ne 0 ] || [ -n "$new" ]; then
    [ "$verbose" = -v ] || report "$log"
    echo "fuzz: FAILED (libFuzzer exit status $rc) after ${execs:-?} executions in ${elapsed}s; findings:"
    if [ -n "$new" ]; then
        printf '%s\n' "$new" | sed 's/^/    /'
    else
        echo "    (none saved; see $log)"
    fi
    [ -n "$new" ] && advise "$new"
    exit 1
fi
echo "fuzz: ${execs:-?} executions in ${elapsed}s, corpus $corpus inputs, no findings"
