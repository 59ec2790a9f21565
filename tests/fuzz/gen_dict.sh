#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/fuzz/gen_dict.sh - the libFuzzer dictionary of the policy language:
# tests/fuzz/sipc.dict (keywords, operators, literals) followed by every
# pseudo-variable, library function and setting of the stdlib tables, read
# from the same X-macro rows the compiler includes.
#
#   sh tests/fuzz/gen_dict.sh [REPO] > build-fuzz/sipc.dict
set -eu
root=${1:-.}
cat "$root/tests/fuzz/sipc.dict"
echo
echo "# generated from stdlib/pvars.def: \$name, with an argument where it takes one"
sed -n 's/^PVAR( *\([A-Za-z_0-9]*\), *[A-Z]*, *[A-Z]*, *[A-Z_| ]*, *\([A-Z]*\),.*/\1 \2/p' \
    "$root/stdlib/pvars.def" |
    while read -r name arg; do
        case $arg in
        HEADER) text="\$$name(Via)" ;;
        AVP) text="\$$name(x)" ;;
        VAR) text="\$$name(i)" ;;
        *) text="\$$name" ;;
        esac
        echo "pv_$name=\"$text\""
    done
echo
echo "# generated from stdlib/builtins.def"
sed -n 's/^BUILTIN( *\([A-Za-z_0-9]*\),.*/fn_\1="\1("/p' "$root/stdlib/builtins.def"
echo
echo "# generated from stdlib/settings.def"
sed -n 's/^SETTING( *"\([A-Za-z_0-9.]*\)",.*/\1/p' "$root/stdlib/settings.def" |
    while read -r name; do
        echo "set_$(echo "$name" | tr . _)=\"$name = \""
    done
