#!/bin/sh
# Every man page's EXAMPLES run as a test (jq's man.test): the lines starting with "$ " between
# .EX and .EE in the EXAMPLES section are run, in order, by one sh -e in a fresh folder per page
# (run-examples.sh), and their standard output (this build's version string written VERSION)
# must equal PAGE.out here.  Every tool page (man/tsc-*.1) must have at least one example, and
# every page with examples its PAGE.out.  The .out files are the examples' output as run by
# regen.sh and read line by line against the page's text when written (see tests/EXPECTED.md).
set -u
man=$(cd ../../man && pwd)
fail=0
for page in "$man"/*.1 "$man"/*.5 "$man"/*.7; do
    [ -f "$page" ] || continue
    name=$(basename "$page")
    d="$TMPD/$name"
    sh ./run-examples.sh "$page" "$d" > "$d.out"
    rc=$?
    if [ $rc -ne 0 ]; then echo "$name: an example failed (exit $rc):"; tail -5 "$d.err"; fail=1; continue; fi
    if [ ! -s "$d.out" ] && [ ! -f "$name.out" ]; then
        case "$name" in *.1) [ -d "$d" ] || { echo "$name: no EXAMPLES commands"; fail=1; } ;; esac
        continue
    fi
    if [ ! -f "$name.out" ]; then echo "$name: no expected output tests/man/$name.out (sh tests/man/regen.sh $name)"; fail=1
    elif ! cmp -s "$d.out" "$name.out"; then
        echo "$name: the examples' output differs from tests/man/$name.out (if intended: sh tests/man/regen.sh $name, then read the diff):"
        diff "$name.out" "$d.out" | head -10; fail=1
    fi
done
exit $fail
