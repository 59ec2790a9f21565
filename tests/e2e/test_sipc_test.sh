#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_sipc_test.sh - `sipc test` as CI and a case writer use it (SPEC.md
# section 10), on temporary copies of examples/hello.siptest:
#   - the examples' cases pass under both backends, exit 0;
#   - a wrong expect block fails, exit 1, with [FAIL] FILE:LINE lines per
#     backend and a -expected/+actual diff; --backend=tcc runs only tcc;
#   - --junit writes well-formed XML (xmllint) with the right counts, also
#     for case names that need escaping;
#   - --update rewrites the failing expect block and nothing else, byte for
#     byte, with LF and with CRLF line ends; the file then passes;
#   - a case that cannot run (a reply to a relay that does not exist) fails
#     with FILE:LINE: error:, exit 1;
#   - malformed or unreadable case files and usage errors exit 2, with
#     FILE:LINE: error: for the malformed;
#   - a policy with errors fails every case, exit 1.
#
#   sh tests/e2e/test_sipc_test.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog cc gcc
need_prog xmllint libxml2-utils
policy=examples/hello.sipc
cases=examples/hello.siptest
ncases=$(grep -c '^=== case ' "$cases")

# st NAME WANT-STATUS ARGS...: run `sipc test ARGS` (bounded) with stdout in
# $TMP/NAME.out and stderr in $TMP/NAME.err; require WANT-STATUS and no
# sanitizer report.
st() {
    sname=$1 want=$2
    shift 2
    bounded 120 "$B/sipc" test "$@" >"$TMP/$sname.out" 2>"$TMP/$sname.err"
    rc=$?
    cat "$TMP/$sname.out" "$TMP/$sname.err" >"$TMP/$sname.all"
    no_sanitizer_report "$TMP/$sname.all" "sipc test ($sname)"
    if [ "$rc" -ne "$want" ]; then
        show_log "$TMP/$sname.all"
        fail "sipc test ($sname) exited with status $rc, expected $want"
    fi
    note "$sname: exit status $rc as expected"
}

# has NAME TEXT...: the output of run NAME holds every TEXT (fixed strings).
has() {
    hname=$1
    shift
    for text in "$@"; do
        log_has "$TMP/$hname.all" "$text"
    done
}

# --- passing: the example as it ships ----------------------------------------
st pass 0 "$policy" "$cases"
has pass "[PASS] OPTIONS is answered locally with 200 OK" "sipc test: $ncases passed, 0 failed"

# --- failing: one expected line changed ---------------------------------------
good=$TMP/good.siptest
broken=$TMP/hello.siptest
cp "$cases" "$good"
sed '0,/^reply 200 OK$/s//reply 404 Not Found/' "$cases" >"$broken"
cmp -s "$good" "$broken" && fail "could not break $broken"
line=$(grep -n '^=== case ' "$broken" | head -n 1 | cut -d: -f1)
st fail 1 "$policy" "$broken"
has fail "[FAIL] $broken:$line case OPTIONS is answered locally with 200 OK (tcc)" \
    "[FAIL] $broken:$line case OPTIONS is answered locally with 200 OK (gcc)" \
    "--- expected" "+++ actual" "-reply 404 Not Found" "+reply 200 OK" \
    "sipc test: $((ncases - 1)) passed, 1 failed"
st fail-tcc 1 --backend=tcc "$policy" "$broken"
grep -q '(gcc)' "$TMP/fail-tcc.out" && fail "--backend=tcc ran gcc too"
has fail-tcc "(tcc)" "sipc test: $((ncases - 1)) passed, 1 failed"

# --- JUnit ------------------------------------------------------------------------
st junit 1 --junit "$TMP/report.xml" "$policy" "$broken"
xmllint --noout "$TMP/report.xml" || fail "--junit wrote malformed XML"
has junit "sipc test: $((ncases - 1)) passed, 1 failed"
log_has "$TMP/report.xml" "<testsuites name=\"sipc test\" tests=\"$((2 * ncases))\" failures=\"2\">"
log_has "$TMP/report.xml" "<testsuite name=\"$broken\" tests=\"$((2 * ncases))\" failures=\"2\""
log_has "$TMP/report.xml" "<testcase classname=\"$broken\" name=\"OPTIONS is answered locally with 200 OK [gcc]\">"
log_has "$TMP/report.xml" "<failure message=\"the transcript differs from the expect block\">"
[ "$(grep -c '<testcase ' "$TMP/report.xml")" -eq $((2 * ncases)) ] || fail "not one <testcase> per case and backend"

# Names and diffs with XML's special characters and a control byte.
{
    echo '=== case <quotes> " & '"'"' are escaped'
    echo '--- request'
    echo 'OPTIONS sip:127.0.0.1 SIP/2.0'
    echo 'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-x'
    echo '--- expect'
    printf 'enter <route> & "more" \001\n'
} >"$TMP/escape.siptest"
st junit-escape 1 --backend=tcc --junit="$TMP/escape.xml" "$policy" "$TMP/escape.siptest"
xmllint --noout "$TMP/escape.xml" || fail "--junit wrote malformed XML for special characters"
log_has "$TMP/escape.xml" 'name="&lt;quotes&gt; &quot; &amp; &apos; are escaped [tcc]"'
st junit-pass 0 --junit "$TMP/pass.xml" "$policy" "$cases"
xmllint --noout "$TMP/pass.xml" || fail "--junit wrote malformed XML for a passing run"
log_has "$TMP/pass.xml" "tests=\"$((2 * ncases))\" failures=\"0\""

# --- --update -------------------------------------------------------------------
st update 0 --update "$policy" "$broken"
has update "[UPDATED] $broken:$line case OPTIONS is answered locally with 200 OK" \
    "sipc test: $ncases passed, 0 failed"
cmp "$good" "$broken" || fail "--update did not restore $broken byte for byte"
st after-update 0 "$policy" "$broken"

# CRLF line ends survive --update.
sed 's/$/\r/' "$good" >"$TMP/crlf-good.siptest"
sed 's/^reply 200 OK\r$/reply 404\r/' "$TMP/crlf-good.siptest" >"$TMP/crlf.siptest"
cmp -s "$TMP/crlf-good.siptest" "$TMP/crlf.siptest" && fail "could not break the CRLF copy"
st crlf-fail 1 "$policy" "$TMP/crlf.siptest"
st crlf-update 0 --update "$policy" "$TMP/crlf.siptest"
cmp "$TMP/crlf-good.siptest" "$TMP/crlf.siptest" || fail "--update did not keep CRLF line ends"

# --- a case that cannot run ------------------------------------------------------
cat >"$TMP/norelay.siptest" <<'EOF'
=== case OPTIONS makes no relay to answer
--- request
OPTIONS sip:127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-n
--- reply 1
SIP/2.0 200 OK
--- expect
EOF
st norelay 1 --update "$policy" "$TMP/norelay.siptest"
has norelay "$TMP/norelay.siptest:5: error: there is no relay 1" "sipc test: 0 passed, 1 failed"
grep -q '^enter' "$TMP/norelay.siptest" && fail "--update wrote a case that could not run"

# --- malformed case files, usage errors -------------------------------------------
printf '=== case a\n--- request\nOPTIONS sip:a SIP/2.0\n--- reply x\n' >"$TMP/bad.siptest"
st malformed 2 "$policy" "$cases" "$TMP/bad.siptest"
has malformed "$TMP/bad.siptest:4: error: relay number 'x' is not a positive integer"
grep -q '^\[PASS\]' "$TMP/malformed.out" && fail "cases ran although a case file is malformed"
st missing-file 2 "$policy" "$TMP/no-such.siptest"
has missing-file "$TMP/no-such.siptest: error: No such file or directory"
st no-cases 2 "$policy"
has no-cases "usage: sipc"
st bad-backend 2 --backend=clang "$policy" "$cases"
has bad-backend "unknown option '--backend=clang'"
st not-sipc 2 "$TMP/x.so" "$cases"
has not-sipc "the policy must be a .sipc source"

# --- a policy with errors ---------------------------------------------------------
printf 'route {\n    sl_send_reply(200);\n}\n' >"$TMP/broken.sipc"
st bad-policy 1 "$TMP/broken.sipc" "$cases"
has bad-policy "$TMP/broken.sipc:2:" "(tcc): the policy did not load" "(gcc): the policy did not load" \
    "sipc test: 0 passed, $ncases failed"

note "sipc test: all checks passed"
