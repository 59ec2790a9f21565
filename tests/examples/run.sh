#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/examples/run.sh - the policy tests of the examples (`make
# policy-tests`, part of `make check`).
#
#   sh tests/examples/run.sh path/to/sipc
#
# Every examples/NAME.sipc ships with its cases in examples/NAME.siptest, and
# so does every tests/policies/NAME.sipc (policies written to exercise the
# language and runtime rather than to be copied)
# (SPEC.md section 10); a tests/e2e/policies/NAME.sipc (the policies of the
# sipp end-to-end tests) is run when it has a NAME.siptest beside it, and
# passed over silently when not; this runs `sipc test --backend=both` on
# each pair, so every case runs under libtcc and gcc and the two
# transcripts must agree.  A policy without a case file is listed as [SKIP] (until the
# runtime provides what it calls, a policy may not load offline either).
# Prints sipc test's output, then `policy-tests: N passed, M failed, K
# skipped` counting policies; exit status 1 if any failed, 2 on misuse.

set -u
LC_ALL=C
export LC_ALL

if [ $# -ne 1 ]; then
    echo "usage: sh tests/examples/run.sh path/to/sipc" >&2
    exit 2
fi
sipc=$1
case $sipc in
/*) ;;
*) sipc=$PWD/$sipc ;;
esac
if [ ! -f "$sipc" ] || [ ! -x "$sipc" ]; then
    echo "policy-tests: $1: not an executable" >&2
    exit 2
fi
cd "$(dirname "$0")/../.." || exit 2

passed=0
failed=0
skipped=0
for policy in examples/*.sipc tests/policies/*.sipc tests/e2e/policies/*.sipc; do
    [ -e "$policy" ] || continue
    cases=${policy%.sipc}.siptest
    if [ ! -f "$cases" ]; then
        # The e2e policies have cases only where their transcripts were
        # written (tm, stateless): the others are not examples to cover.
        case $policy in tests/e2e/policies/*) continue ;; esac
        echo "[SKIP] $policy: no $cases"
        skipped=$((skipped + 1))
        continue
    fi
    echo "--- $policy"
    # Bounded, so that a hanging policy fails its example, not the suite.
    if timeout --foreground -k 5 "${POLICY_TESTS_TIMEOUT:-300}" \
        "$sipc" test --backend=both "$policy" "$cases"; then
        passed=$((passed + 1))
    else
        echo "[FAIL] $policy"
        failed=$((failed + 1))
    fi
done

echo "policy-tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
