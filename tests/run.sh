#!/bin/sh
# run.sh -- the one test driver of tsc.  Runs, in order:
#   1. C unit tests of lib/ ($TSC_UNITS/test_*), each one test;
#   2. every tests/<group>/*.tst table: lines "P|N|F EXPECTED|. COMMAND..." (htslib style):
#        P  COMMAND must exit 0, and its stdout must equal EXPECTED (a file in the group's folder)
#           unless EXPECTED is '.'
#        N  COMMAND must fail cleanly: exit 1 or 2 (not 0, not a signal) with a message on stderr
#           naming the program ("tsc-"); EXPECTED, unless '.', is a string that stderr must contain
#        F  a known failure: reported, never counted as passed
#      Commands run with sh in the group's folder, with the tools first on PATH.
#   3. every tests/<group>/*.test.sh script (exit 0 = pass, anything else = fail), run in its folder.
# Environment for commands and scripts: TSC_BIN, SHARED (../shared/golden's parent), TMPD (a fresh
# temporary folder per test), PATH.  Failing outputs are kept as FAIL-*.out/.err in the group folder.
# Usage: run.sh [PATTERN]   (only tests whose name contains PATTERN)
# Ends with "N passed, M failed"; exit status 1 if any failed.
top=$(cd "$(dirname "$0")/.." && pwd)
: "${TSC_BIN:=$top/bin}"
: "${TSC_UNITS:=$top/build/tests}"
SHARED=${SHARED:-$(cd "$top/../shared" 2>/dev/null && pwd)}
export TSC_BIN SHARED
PATH="$TSC_BIN:$PATH"; export PATH
pat=${1:-}
pass=0; fail=0; failed=""
tmproot=$(mktemp -d "${TMPDIR:-/tmp}/tsc-test.XXXXXX") || exit 1
trap 'rm -rf "$tmproot"' EXIT INT TERM
n=0
newtmp() { n=$((n + 1)); TMPD="$tmproot/$n"; mkdir -p "$TMPD"; export TMPD; }
ok() { pass=$((pass + 1)); [ -n "$VERBOSE" ] && echo "ok   $1"; return 0; }
ko() { fail=$((fail + 1)); failed="$failed $1"; echo "FAIL $1${2:+: $2}"; }
want() { [ -z "$pat" ] || case "$1" in *"$pat"*) return 0 ;; *) return 1 ;; esac; }

if [ -z "$SHARED" ] || [ ! -d "$SHARED/golden" ]; then
    echo "run.sh: ../shared/golden not found (set SHARED=)" >&2; exit 1
fi

# 1. unit tests
for t in "$TSC_UNITS"/test_*; do
    [ -x "$t" ] || continue
    name="unit/$(basename "$t")"; want "$name" || continue
    newtmp
    if (cd "$top/tests/unit" && "$t" > "$TMPD/out" 2> "$TMPD/err"); then ok "$name"
    else cat "$TMPD/err" | tail -20; ko "$name"; fi
done

# 2. tables
for tst in "$top"/tests/*/*.tst; do
    [ -f "$tst" ] || continue
    dir=$(dirname "$tst"); group=$(basename "$dir")
    ln=0
    while IFS= read -r line || [ -n "$line" ]; do
        ln=$((ln + 1))
        case "$line" in ''|'#'*) continue ;; esac
        kind=${line%% *}; rest=${line#* }; exp=${rest%% *}; cmd=${rest#* }
        name="$group/$(basename "$tst"):$ln"; want "$name" || continue
        newtmp
        (cd "$dir" && sh -c "$cmd") > "$TMPD/out" 2> "$TMPD/err" < /dev/null
        rc=$?
        case "$kind" in
        P)
            if [ $rc -ne 0 ]; then reason="exit $rc"
            elif [ "$exp" != . ] && ! cmp -s "$TMPD/out" "$dir/$exp"; then reason="stdout differs from $exp"
            else reason=""; fi ;;
        N)
            if [ $rc -ne 1 ] && [ $rc -ne 2 ]; then reason="exit $rc, expected 1 or 2"
            elif ! grep -q 'tsc-' "$TMPD/err"; then reason="no tsc- message on stderr"
            elif [ "$exp" != . ] && ! grep -qF -- "$(echo "$exp" | tr '_' ' ')" "$TMPD/err"; then reason="stderr lacks '$exp'"
            else reason=""; fi ;;
        F) echo "KNOWN FAILURE $name: $cmd"; continue ;;
        *) reason="bad table line" ;;
        esac
        if [ -z "$reason" ]; then ok "$name"; else
            cp "$TMPD/out" "$dir/FAIL-$(basename "$tst" .tst)-$ln.out"; cp "$TMPD/err" "$dir/FAIL-$(basename "$tst" .tst)-$ln.err"
            ko "$name" "$reason ($cmd)"; head -5 "$TMPD/err"
        fi
    done < "$tst"
done

# 3. scripts
for s in "$top"/tests/*/*.test.sh; do
    [ -f "$s" ] || continue
    dir=$(dirname "$s"); name="$(basename "$dir")/$(basename "$s")"; want "$name" || continue
    newtmp
    if (cd "$dir" && sh "$s") > "$TMPD/out" 2>&1 < /dev/null; then ok "$name"
    else tail -20 "$TMPD/out"; cp "$TMPD/out" "$dir/FAIL-$(basename "$s").log"; ko "$name"; fi
done

[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
