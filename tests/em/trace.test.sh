#!/bin/sh
# The convergence trace in the FIT stream (EMDF, EMLL): one value per iteration, the same numbers
# tsc-em logs ("Iteration t, lnl= %.5e, diff=%.5g"), EMLL only with --use-likelihood, and the
# last lnl of the trace equal to the final LNL_ section (both are L(z, pi, theta) of the last step).
set -eu
T=${TMPD:?}
sec() { # sec TAG FILE: the values of section TAG of a tsc-view text
    awk -v t="=$1" '$1 == t { f = 1; next } /^=/ { f = 0 } f' "$2"
}
tsc-view -b tiny.txt -o "$T/m"
tsc-em -L "$T/m" -o "$T/fitL" 2> "$T/logL"
tsc-em "$T/m" -o "$T/fit" 2> "$T/log"
tsc-view "$T/fitL" > "$T/fitL.txt"
tsc-view "$T/fit" > "$T/fit.txt"
iters=$(awk -F'\t' '$2 == "_em_iterations" { print $3 }' "$T/fit.txt")
[ "$iters" = 3 ] || { echo "expected 3 iterations, got '$iters'"; exit 1; }
[ "$(sec EMDF "$T/fit.txt" | wc -l)" -eq "$iters" ] || { echo "EMDF: not one value per iteration"; exit 1; }
! grep -q '^=EMLL' "$T/fit.txt" || { echo "EMLL written without --use-likelihood"; exit 1; }
sec EMDF "$T/fit.txt" | awk '{ printf "%d %.5g\n", NR, $1 }' > "$T/diff.got"
sed -n 's/.*Iteration \([0-9]*\), diff=\(.*\)/\1 \2/p' "$T/log" > "$T/diff.want"
cmp "$T/diff.got" "$T/diff.want" || { echo "EMDF differs from the logged diffs"; exit 1; }
sec EMLL "$T/fitL.txt" | awk '{ printf "%d %.5e\n", NR, $1 }' > "$T/lnl.got"
sed -n 's/.*Iteration \([0-9]*\), lnl= \([^,]*\),.*/\1 \2/p' "$T/logL" > "$T/lnl.want"
[ -s "$T/lnl.want" ] && cmp "$T/lnl.got" "$T/lnl.want" || { echo "EMLL differs from the logged lnl"; exit 1; }
[ "$(sec EMLL "$T/fitL.txt" | tail -n 1)" = "$(sec LNL_ "$T/fitL.txt")" ] || { echo "last EMLL != LNL_"; exit 1; }
# a FIT stream without the trace (written before it existed) still reads
if grep -q "^=EMDF" ../report/odd.fit.txt; then echo "odd.fit.txt is no longer an old FIT"; exit 1; fi
tsc-view -b ../report/odd.fit.txt | tsc-report -o "$T/old"
[ -s "$T/old-TE_counts.tsv" ]
# a trace that does not match is an error
sed "/^=END/d" ../report/odd.fit.txt > "$T/bad.txt"
printf '=EMDF\tf64\t1\n0.5\n=EMLL\tf64\t2\n1\n2\n=END\n' >> "$T/bad.txt"
if tsc-view -b "$T/bad.txt" | tsc-report -o "$T/bad" 2> "$T/bad.err"; then echo "mismatched EMLL accepted"; exit 1; fi
grep -q 'EMLL' "$T/bad.err"
