#!/bin/sh
# score.py: the truth of a simulation, written as a TE_counts.tsv, scores perfectly; a shifted one
# does not; bad input fails with a message and exit 1 (or 2 for usage).
set -e
T=$TMPD
S=../../scripts/score.py
tsc-simulate -n 3000 -L 50 -o "$T/x"
awk 'BEGIN { print "transcript\tcount" } NR > 1 && $2 > 0 { print $1 "\t" $2 ".0" } END { print "__no_feature\t7.0" }' "$T/x.truth.tsv" > "$T/perfect.tsv"
python3 $S --no-header --name p "$T/perfect.tsv" "$T/x.truth.tsv" > "$T/p.out"
cat "$T/p.out"
awk -F'\t' '{ exit !($2 == 50 && $3 == 1 && $4 == 1 && $5 == 0 && $7 == 1 && $8 == 1 && $9 == $10 && $11 == 0) }' "$T/p.out"
awk 'BEGIN { print "transcript\tcount" } NR > 1 { print $1 "\t" ($2 + 1) }' "$T/x.truth.tsv" > "$T/plus1.tsv"
python3 $S --no-header "$T/plus1.tsv" "$T/x.truth.tsv" | awk -F'\t' '{ exit !($5 == 50 && $3 == 1) }'
# bad input
if python3 $S score-counts.tsv score-counts.tsv 2> "$T/err"; then exit 1; fi
grep -q 'score.py: error: .*not a truth table' "$T/err"
printf 'what\never\n' > "$T/junk.tsv"
if python3 $S "$T/junk.tsv" score-truth.tsv 2> "$T/err"; then exit 1; fi
grep -q 'neither a TE_counts.tsv nor a featureCounts table' "$T/err"
printf 'transcript\tcount\nA\tlots\n' > "$T/bad.tsv"
if python3 $S "$T/bad.tsv" score-truth.tsv 2> "$T/err"; then exit 1; fi
grep -q 'bad.tsv:2: bad count' "$T/err"
set +e
python3 $S only-one-file 2> /dev/null; test $? -eq 2 || exit 1
python3 $S "$T/missing.tsv" score-truth.tsv 2> /dev/null; test $? -eq 1 || exit 1
echo ok
