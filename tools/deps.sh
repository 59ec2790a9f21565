#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tools/deps.sh - make sure the Debian packages that building and testing
# sipc need are installed.  Silent, and fast, when they all are.  Otherwise
# installs the missing ones with apt-get: directly as root, through sudo when
# it is available, else lists them and exits 1.
#
# Exit status: 0 when every package is installed (or this is not a Debian
# system, where it only warns), 1 when some are missing and cannot be
# installed from here.

set -eu

# The packages, by purpose; extend the list here (one variable, nothing else
# to edit):
#   make gcc libc6-dev pkg-config    build; libtcc also reads libc6-dev's
#                                    headers and libc.so at run time
#   re2c lemon                       lexer and parser generators
#   tcc libtcc-dev                   the in-memory backend (tcc ships
#                                    libtcc1.a and the include dir libtcc needs)
#   libsofia-sip-ua-dev libssl-dev   SIP stack, TLS
#   libcunit1-dev                    unit tests
#   sip-tester                       sipp, for the end-to-end tests
#   libxml2-utils                    xmllint: `sipc test --junit` output
#                                    must be well-formed XML
#   clang libclang-rt-dev            make fuzz: clang, and compiler-rt's
#                                    libFuzzer and sanitizer runtimes
#                                    (only recommended, so not pulled in
#                                    by --no-install-recommends)
#   libsqlite3-dev sqlite3           the embedded SQLite db driver; the
#                                    CLI lets tests read what was stored
#   default-libmysqlclient-dev       the MySQL/MariaDB db driver
#   mariadb-server mariadb-client    tests start a real MariaDB server
#   baresip-core                     the real SIP phone of the e2e tests
PACKAGES="make gcc libc6-dev pkg-config re2c lemon tcc libtcc-dev
          libsofia-sip-ua-dev libssl-dev libcunit1-dev sip-tester libxml2-utils
          clang libclang-rt-dev libsqlite3-dev sqlite3 default-libmysqlclient-dev
          mariadb-server mariadb-client baresip-core"

# Print the packages of $PACKAGES that are not fully installed.  dpkg -s
# succeeds for a removed package whose config files remain, so read the
# status field through dpkg-query instead (same database, one call).
missing() {
    # shellcheck disable=SC2086 # word splitting of the list is intended
    installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' $PACKAGES 2>/dev/null |
        awk '$2 == "installed" { sub(/:.*/, "", $1); printf " %s ", $1 }') || true
    for p in $PACKAGES; do
        case "$installed" in
        *" $p "*) ;;
        *) printf '%s ' "$p" ;;
        esac
    done
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    echo "deps.sh: not a Debian system; make sure these are installed:" $PACKAGES >&2
    exit 0
fi

need=$(missing)
[ -z "$need" ] && exit 0
need=${need% }

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "deps.sh: missing packages: $need" >&2
    echo "deps.sh: not root and no sudo; as root, run:" >&2
    echo "    apt-get update && apt-get install -y --no-install-recommends $need" >&2
    exit 1
fi

echo "deps.sh: installing missing packages: $need" >&2
# shellcheck disable=SC2086,SC2015 # $as_root may be empty; $need is a list
$as_root apt-get update -q &&
    $as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends $need || {
    echo "deps.sh: apt-get failed" >&2
    exit 1
}

need=$(missing)
if [ -n "$need" ]; then
    echo "deps.sh: still missing after apt-get: ${need% }" >&2
    exit 1
fi
