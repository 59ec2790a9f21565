#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/quickstart.sh - from a fresh Debian 12 checkout to a running sipd:
# install what is missing (make and gcc included), build, and serve
# examples/registrar-proxy.sipc on udp and tcp 127.0.0.1:5060, with user
# location in the embedded SQLite database build/data/sipc.db.  Run it from
# anywhere.

set -eu
cd "$(dirname "$0")/.."

sh tools/deps.sh
make
echo "sipd: serving examples/registrar-proxy.sipc on 127.0.0.1:5060 (udp, tcp)." \
    "Add users from another shell, e.g.:" \
    "build/sipctl user add --url sqlite:build/data/sipc.db alice@127.0.0.1 PASSWORD;" \
    "then register phones as alice@127.0.0.1 and call.  Ctrl-C stops sipd."
exec build/sipd -d --data-dir build/data examples/registrar-proxy.sipc
