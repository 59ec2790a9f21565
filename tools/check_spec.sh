#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/check_spec.sh - keeps SPEC.md true to the stdlib tables: every
# pseudo-variable, library function and setting declared in stdlib/*.def
# must be documented in SPEC.md.  Run from the repository root by
# `make check`.  Prints `spec: N passed, M failed`.
set -u
passed=0
failed=0
check() { # check WHAT PATTERN
    if grep -qF -- "$2" SPEC.md; then
        passed=$((passed + 1))
    else
        echo "[FAIL] SPEC.md does not document $1 (looked for: $2)"
        failed=$((failed + 1))
    fi
}
for n in $(sed -n 's/^PVAR(\([A-Za-z_]*\),.*/\1/p' stdlib/pvars.def); do
    check "\$$n" "\`\$$n"
done
for n in $(sed -n 's/^BUILTIN(\([a-z_]*\),.*/\1/p' stdlib/builtins.def); do
    check "$n()" "\`$n("
done
for n in $(sed -n 's/^SETTING("\([a-z_.]*\)".*/\1/p' stdlib/settings.def); do
    check "setting $n" "| \`$n\` |"
done
echo "spec: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
