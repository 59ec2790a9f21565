#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_abi_mismatch.sh - sipd refuses policy objects it cannot run, with a
# message and exit status exactly 1 (no crash, no signal):
#   - a .so built for another ABI version (tests/data/bad_abi_policy.c):
#     the message names both versions;
#   - a .so with no sipc_policy descriptor;
#   - a truncated .so (its first 100 bytes);
#   - a text file named x.so.
#
#   sh tests/e2e/test_abi_mismatch.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog cc gcc

# The ABI version this tree is built for, from the header itself.
abi=$(sed -n 's/^#define SIPC_ABI_VERSION \([0-9][0-9]*\).*/\1/p' runtime/include/sipc/abi.h)
[ -n "$abi" ] || fail "no SIPC_ABI_VERSION in runtime/include/sipc/abi.h"
bad=$((abi + 100)) # what bad_abi_policy.c claims

cc -shared -fPIC -Iruntime/include -o "$TMP/bad_abi.so" tests/data/bad_abi_policy.c ||
    fail "cannot compile tests/data/bad_abi_policy.c"
printf 'int sipc_e2e_not_a_policy = 1;\n' >"$TMP/nodesc.c"
cc -shared -fPIC -o "$TMP/nodesc.so" "$TMP/nodesc.c" || fail "cannot compile nodesc.c"
head -c 100 "$TMP/bad_abi.so" >"$TMP/truncated.so"
printf 'this is not a shared object\n' >"$TMP/x.so"

# refuse NAME SO: sipd on SO must exit with status 1 and say something on
# stderr.  Leaves its stderr in $TMP/NAME.err.
refuse() {
    bounded 20 "$B/sipd" -l "$(sipd_listen)" "$2" >"$TMP/$1.out" 2>"$TMP/$1.err"
    rc=$?
    if [ "$rc" -ne 1 ]; then
        show_log "$TMP/$1.err"
        case $rc in
        0) fail "sipd accepted $1 (exit status 0)" ;;
        124 | 137) fail "sipd on $1 was still running after 20s: it did not refuse the object" ;;
        *) fail "sipd on $1 exited with status $rc, expected 1" ;;
        esac
    fi
    [ -s "$TMP/$1.err" ] || fail "sipd refused $1 without a message on stderr"
    no_sanitizer_report "$TMP/$1.err" "sipd on $1"
    note "$1: refused (exit 1): $(head -n 1 "$TMP/$1.err")"
}

refuse bad_abi "$TMP/bad_abi.so"
for v in "$abi" "$bad"; do
    grep -Eq "(^|[^0-9])$v([^0-9]|\$)" "$TMP/bad_abi.err" || {
        show_log "$TMP/bad_abi.err"
        fail "sipd's message on bad_abi.so does not name both ABI versions ($bad and $abi)"
    }
done
refuse nodesc "$TMP/nodesc.so"
refuse truncated "$TMP/truncated.so"
refuse not_elf "$TMP/x.so"
