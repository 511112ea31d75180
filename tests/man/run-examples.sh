#!/bin/sh
# run-examples.sh PAGE DIR -- run the EXAMPLES of man page PAGE (the lines starting with "$ "
# between .EX and .EE in its EXAMPLES section, in order, by one sh -e) in the folder DIR (made
# here).  Their standard output, with this build's version string written as VERSION (it is in
# provenance lines), goes to stdout; their standard error to DIR.err.  Exit status: the
# examples' (0 when there are none: then nothing is printed).
# Used by examples.test.sh (which compares the output with PAGE.out here) and regen.sh.
set -u
page=$1 dir=$2
cmds=$(awk '/^\.SH /{ex = ($2 == "EXAMPLES")} ex && /^\.EX/{on=1; next} ex && /^\.EE/{on=0} on && /^\$ /{sub(/^\$ /, ""); gsub(/\\-/, "-"); gsub(/\\e/, "\\"); print}' "$page")
[ -n "$cmds" ] || exit 0
mkdir -p "$dir" || exit 1
ver=$(tsc-view --version | sed 's/^tsc-view (tsc) //')
[ -n "$ver" ] || { echo "run-examples.sh: no version from tsc-view --version" >&2; exit 1; }
(cd "$dir" && printf 'set -e\n%s\n' "$cmds" | sh) > "$dir.stdout" 2> "$dir.err"
rc=$?
awk -v v="$ver" '{ while ((i = index($0, v)) > 0) $0 = substr($0, 1, i - 1) "VERSION" substr($0, i + length(v)); print }' "$dir.stdout"
exit $rc
