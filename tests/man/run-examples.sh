#!/bin/sh
# run-examples.sh PAGE DIR -- run the EXAMPLES of man page PAGE (the lines starting with "$ "
# between .EX and .EE in its EXAMPLES section, in order, by one sh -e) in the folder DIR (made
# here).  Their standard output, with this build's version string written as VERSION where it
# stands as a whole word (provenance lines) and the crc of tsc-view's '=END crc32=' lines written
# as CRC (it covers run info that holds the version), goes to stdout; their standard error to
# DIR.err.
# Exit status: the examples' (0 when there are none: then nothing is printed).
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
# (only where it stands as a whole word: between line ends, tabs or spaces)
awk -v v="$ver" '{
    out = ""; s = $0
    while ((i = index(s, v)) > 0) {
        pre = i > 1 ? substr(s, i - 1, 1) : substr(out, length(out), 1); post = substr(s, i + length(v), 1)
        whole = (pre == "" || pre == "\t" || pre == " ") && (post == "" || post == "\t" || post == " ")
        out = out substr(s, 1, i - 1) (whole ? "VERSION" : v); s = substr(s, i + length(v))
    }
    line = out s; sub(/^=END\tcrc32=[0-9a-f]+$/, "=END\tcrc32=CRC", line); print line }' "$dir.stdout"
exit $rc
