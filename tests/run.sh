#!/bin/sh
# run.sh -- the one test driver of tsc.  Runs, in order:
#   1. C unit tests of lib/ ($TSC_UNITS/test_*), each one test;
#   2. every tests/<group>/*.tst table: lines "P|N|F EXPECTED|. COMMAND..." (htslib style):
#        P  COMMAND must exit 0, and its stdout must equal EXPECTED (a file in the group's folder)
#           unless EXPECTED is '.'
#        N  COMMAND must fail cleanly: exit 1 or 2 (not 0, not a signal) with a message on stderr
#           naming the program ("tsc-"); EXPECTED, unless '.', is a string that stderr must contain
#           ('_' stands for a space)
#        F  a known failure: a P line that is expected not to pass yet.  It counts as skipped
#           ("known failure") while it fails, and as failed once it passes (then make it a P line)
#      Commands run in the group's folder, with the tools first on PATH, by a shell with pipefail
#      (sh if it has it, else bash): a pipe fails when any of its commands fails, so a line that
#      pipes a tool into grep checks the tool's exit status too (grep without -q there: grep must
#      read all its input, or the tool may die of SIGPIPE).
#   3. every tests/<group>/*.test.sh script (exit 0 = pass), run with sh in its folder.
# A unit test, command or script that exits 77 (as automake's) was skipped: its last line of
# output says why.  Anything else that is not a pass is a failure.
# Environment for commands and scripts: TSC_BIN, TSC_DATA (the test data: tests/data, laid out as
# golden/, golden-large/, ...), TMPD (a fresh temporary folder per test), PATH.  Failing outputs
# are kept as FAIL-*.out/.err in the group folder.
# Expected files written for tsc (not upstream's) and how each was checked: tests/EXPECTED.md.
# Usage: run.sh [PATTERN]   (only tests whose name contains PATTERN)
# Ends with the skipped tests and why, then the line "N passed, M failed, K skipped"; exit status
# 1 if any failed.
top=$(cd "$(dirname "$0")/.." && pwd)
: "${TSC_BIN:=$top/bin}"
: "${TSC_UNITS:=$top/build/tests}"
: "${TSC_DATA:=$top/tests/data}"
export TSC_BIN TSC_UNITS TSC_DATA
PATH="$TSC_BIN:$PATH"; export PATH
SKIP=77
pat=${1:-}
pass=0; fail=0; skip=0; failed=""; skipped=""
tmproot=$(mktemp -d "${TMPDIR:-/tmp}/tsc-test.XXXXXX") || exit 1
# searchable by all, so that tests may run a command as an unprivileged user on files in TMPD
chmod 711 "$tmproot"
trap 'rm -rf "$tmproot"' EXIT INT TERM
# PoCL's kernel cache: one per run (unless set), so that suites running side by side never read
# each other's half-written entries
[ -n "${POCL_CACHE_DIR:-}" ] || { POCL_CACHE_DIR=$tmproot/pocl; export POCL_CACHE_DIR; }
# under ASan (make test SAN=1): what PoCL and LLVM keep when they build a kernel is not a leak of ours
[ -n "${LSAN_OPTIONS:-}" ] || { LSAN_OPTIONS=suppressions=$top/tests/lsan.supp:print_suppressions=0; export LSAN_OPTIONS; }
n=0
newtmp() { n=$((n + 1)); TMPD="$tmproot/$n"; mkdir -p "$TMPD"; chmod 755 "$TMPD"; export TMPD; }
ok() { pass=$((pass + 1)); [ -n "${VERBOSE:-}" ] && echo "ok   $1"; return 0; }
ko() { fail=$((fail + 1)); failed="$failed $1"; echo "FAIL $1${2:+: $2}"; }
sk() { # NAME REASON
    skip=$((skip + 1)); skipped="$skipped
  $1: $2"; echo "SKIP $1: $2"
}
# the last non-empty line of FILE, as the reason of a skip
why() { r=$(grep -v '^[[:space:]]*$' "$1" | tail -n 1 | sed 's/^SKIP:* *//'); echo "${r:-no reason given}"; }
want() { [ -z "$pat" ] || case "$1" in *"$pat"*) return 0 ;; *) return 1 ;; esac; }
# the shell of table commands: one with pipefail
if sh -c 'set -o pipefail' 2> /dev/null; then TSH="sh -o pipefail"
elif command -v bash > /dev/null 2>&1; then TSH="bash -o pipefail"
else echo "run.sh: needs a shell with 'set -o pipefail' (sh or bash)" >&2; exit 1; fi

if [ ! -d "$TSC_DATA/golden" ]; then
    echo "run.sh: test data not found: $TSC_DATA/golden (set TSC_DATA=)" >&2; exit 1
fi

# 1. unit tests
for t in "$TSC_UNITS"/test_*; do
    [ -x "$t" ] || continue
    name="unit/$(basename "$t")"; want "$name" || continue
    newtmp
    (cd "$top/tests/unit" && "$t" > "$TMPD/out" 2> "$TMPD/err")
    rc=$?
    if [ $rc -eq 0 ]; then ok "$name"
    elif [ $rc -eq $SKIP ]; then sk "$name" "$(why "$TMPD/err")"
    else tail -5 "$TMPD/out"; tail -20 "$TMPD/err"; ko "$name" "exit $rc"; fi
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
        (cd "$dir" && $TSH -c "$cmd") > "$TMPD/out" 2> "$TMPD/err" < /dev/null
        rc=$?
        if [ $rc -eq $SKIP ]; then sk "$name" "$(why "$TMPD/err")"; continue; fi
        case "$kind" in
        P|F)
            if [ $rc -ne 0 ]; then reason="exit $rc"
            elif [ "$exp" != . ] && ! cmp -s "$TMPD/out" "$dir/$exp"; then reason="stdout differs from $exp"
            else reason=""; fi
            if [ "$kind" = F ]; then
                if [ -n "$reason" ]; then sk "$name" "known failure ($reason): $cmd"; continue; fi
                reason="a known failure (F) passes now: make it a P line"
            fi ;;
        N)
            if [ $rc -ne 1 ] && [ $rc -ne 2 ]; then reason="exit $rc, expected 1 or 2"
            elif ! grep -q 'tsc-' "$TMPD/err"; then reason="no tsc- message on stderr"
            elif [ "$exp" != . ] && ! grep -qF -- "$(echo "$exp" | tr '_' ' ')" "$TMPD/err"; then reason="stderr lacks '$exp'"
            else reason=""; fi ;;
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
    (cd "$dir" && sh "$s") > "$TMPD/out" 2>&1 < /dev/null
    rc=$?
    if [ $rc -eq 0 ]; then ok "$name"
    elif [ $rc -eq $SKIP ]; then sk "$name" "$(why "$TMPD/out")"
    else tail -20 "$TMPD/out"; cp "$TMPD/out" "$dir/FAIL-$(basename "$s").log"; ko "$name" "exit $rc"; fi
done

[ -n "$skipped" ] && echo "skipped:$skipped"
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
