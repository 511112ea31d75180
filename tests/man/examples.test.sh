#!/bin/sh
# Every man page's EXAMPLES run as a test (jq's man.test): the lines starting with "$ " between
# .EX and .EE in the EXAMPLES section are run, in order, by one sh -e in a fresh folder per page.
# Every tool page (man/tsc-*.1) must have at least one example.
set -u
man=$(cd ../../man && pwd)
fail=0
for page in "$man"/*.1 "$man"/*.5 "$man"/*.7; do
    [ -f "$page" ] || continue
    name=$(basename "$page")
    cmds=$(awk '/^\.SH /{ex = ($2 == "EXAMPLES")} ex && /^\.EX/{on=1; next} ex && /^\.EE/{on=0} on && /^\$ /{sub(/^\$ /, ""); gsub(/\\-/, "-"); gsub(/\\e/, "\\"); print}' "$page")
    if [ -z "$cmds" ]; then
        case "$name" in *.1) echo "$name: no EXAMPLES commands"; fail=1 ;; esac
        continue
    fi
    d="$TMPD/$name"; mkdir -p "$d"
    if ! (cd "$d" && printf 'set -e\n%s\n' "$cmds" | sh) > "$d.out" 2>&1; then
        echo "$name: an example failed:"; tail -5 "$d.out"; fail=1
    fi
done
exit $fail
