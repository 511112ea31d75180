#!/bin/sh
# Replays every regression input of the fuzz harnesses (tests/fuzz/regress/, described in
# regress/MANIFEST) through the built tools: no build, no fuzzer.  Each must end as MANIFEST says
# (an exit status 1 with the expected message, or success), never with a signal, a sanitizer
# report or an exit status of 2 or more.  A file under regress/ missing from MANIFEST fails too.
# Lines whose tool is not built are reported as skipped.  Allocations are capped (ulimit -v, or
# under ASan max_allocation_size_mb) so that a regression to a huge allocation fails, not swaps.
set -u
here=$(pwd)
man="$here/regress/MANIFEST"
fail=0; n=0; skip=0; nknown=0
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}max_allocation_size_mb=2048:allocator_may_return_null=1"
export ASAN_OPTIONS
for f in $(cd regress && find . -type f ! -name MANIFEST ! -name '*.py' | sed 's|^\./||' | sort); do
    grep -q "^$f	" "$man" || { echo "regress/$f: not described in regress/MANIFEST"; fail=1; }
done
tab=$(printf '\t')
while IFS="$tab" read -r file cmd expect; do
    case "$file" in ''|'#'*) continue ;; esac
    [ -f "regress/$file" ] || { echo "MANIFEST: regress/$file does not exist"; fail=1; continue; }
    tool=${cmd%% *}
    if [ ! -x "$TSC_BIN/$tool" ]; then echo "skip regress/$file: $tool not built"; skip=$((skip + 1)); continue; fi
    n=$((n + 1))
    d="$TMPD/$n"; mkdir -p "$d"
    c=$(printf '%s\n' "$cmd" | sed "s|FILE|$here/regress/$file|g")
    (cd "$d" && if [ "${TSC_SAN:-}" != 1 ]; then ulimit -v 4194304; fi; sh -c "$c") > "$d/out" 2> "$d/err" < /dev/null
    rc=$?
    bad=""
    known=""
    case "$expect" in *,known) known=1; expect=${expect%,known} ;; esac
    if grep -q -E 'Sanitizer|runtime error' "$d/err"; then bad="sanitizer report"
    elif [ $rc -gt 128 ]; then bad="killed by signal $((rc - 128))"
    else
        case "$expect" in
        OK) [ $rc -eq 0 ] || bad="exit $rc, expected 0" ;;
        rc01) [ $rc -le 1 ] || bad="exit $rc, expected 0 or 1" ;;
        *) if [ $rc -ne 1 ]; then bad="exit $rc, expected 1"
           elif ! grep -q 'tsc-' "$d/err"; then bad="no tsc- message"
           elif ! grep -qF -- "$expect" "$d/err"; then bad="stderr lacks '$expect'"; fi ;;
        esac
    fi
    if [ -n "$known" ]; then
        if [ -n "$bad" ]; then echo "KNOWN FAILURE regress/$file ($cmd): $bad"; nknown=$((nknown + 1))
        else echo "regress/$file ($cmd): passes now: remove ',known' from MANIFEST"; fail=1; fi
    elif [ -n "$bad" ]; then echo "regress/$file ($cmd): $bad"; head -5 "$d/err"; fail=1; fi
done < "$man"
echo "$n regression inputs replayed, $skip skipped (tool not built), $nknown known failures"
# not everything ran, or not everything passed: the test counts as skipped (run.sh), not passed
if [ $fail -eq 0 ] && [ $((skip + nknown)) -gt 0 ]; then
    echo "SKIP: $skip inputs whose tool is not built, $nknown known failures"; exit 77
fi
exit $fail
