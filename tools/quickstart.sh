#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/quickstart.sh - from a fresh Debian 12 checkout to a running sipd:
# install what is missing (make and gcc included), build, and serve
# examples/hello.sipc on udp:127.0.0.1:5060.  Run it from anywhere.

set -eu
cd "$(dirname "$0")/.."

sh tools/deps.sh
make
echo "sipd: serving examples/hello.sipc on udp:127.0.0.1:5060; try, in another shell:" \
    "sipp -sf tests/e2e/scenarios/options_uac.xml -m 1 127.0.0.1:5060  (Ctrl-C stops sipd)"
exec build/sipd -d examples/hello.sipc
