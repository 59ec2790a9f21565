#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# test_hello_options.sh - examples/hello.sipc answers 200 OPTIONS from sipp
# with 200 OK on both backends, and sipd exits 0 on SIGTERM:
#   (a) libtcc: sipd runs the .sipc directly;
#   (b) gcc:    sipc build makes a policy.so, sipd runs that.
#
#   sh tests/e2e/test_hello_options.sh BUILD_DIR

set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

need_prog sipp sip-tester
scenario=tests/e2e/scenarios/options_uac.xml

# (a) libtcc
sipd_start hello-tcc examples/hello.sipc
sipp_run hello-tcc "$scenario" 200
sipd_stop

# (b) gcc
"$B/sipc" build examples/hello.sipc -o "$TMP/hello.so" >"$TMP/build.log" 2>&1 || {
    show_log "$TMP/build.log"
    fail "sipc build examples/hello.sipc failed"
}
sipd_start hello-gcc "$TMP/hello.so"
sipp_run hello-gcc "$scenario" 200
sipd_stop
