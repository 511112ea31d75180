#!/bin/sh
# regen.sh [PAGE...] -- rewrite tests/man/PAGE.out, the expected output of the EXAMPLES of
# man/PAGE (all pages with examples by default), from the tools in bin/ (or $TSC_BIN).  Run it
# after changing a page's examples or what they print, then read the diff (git diff tests/man)
# before committing: these files are what examples.test.sh holds the tools to.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PATH="${TSC_BIN:-$top/bin}:$PATH"; export PATH
[ $# -gt 0 ] || set -- $(cd "$top/man" && ls tsc*.[157])
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tsc-man.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
for p in "$@"; do
    p=$(basename "$p")
    sh "$here/run-examples.sh" "$top/man/$p" "$tmp/$p" > "$tmp/$p.out" ||
        { echo "regen.sh: an example of $p failed:" >&2; tail -5 "$tmp/$p.err" >&2; exit 1; }
    if [ -s "$tmp/$p.out" ] || [ -f "$here/$p.out" ]; then cp "$tmp/$p.out" "$here/$p.out"; echo "$p.out"; fi
done
