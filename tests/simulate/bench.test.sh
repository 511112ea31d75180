#!/bin/sh
# scripts/bench.sh end to end on a small data set, with stand-in tools (stub/: they only read
# their input; tsc-report writes the truth back) and tsc-blocks absent: every row is printed,
# missing tools are reported as missing, the extra bench-*.sh lines are included, the accuracy
# table is filled, the history grows and the data are cached between runs.
set -e
T=$TMPD
mkdir -p "$T/bin" "$T/extra"
ln -s "$TSC_BIN/tsc-simulate" "$T/bin/tsc-simulate"
for t in tsc-regions tsc-fetch tsc-matrix tsc-em tsc-report; do cp "stub/$t" "$T/bin/$t"; chmod +x "$T/bin/$t"; done
printf '#!/bin/sh\nprintf "x-stage\\t1.5\\t%%s\\n" "$BENCH_THREADS"\n' > "$T/extra/bench-x.sh"
export STUB_TRUTH="$T/bd/data/*.truth.tsv"
run() {
    BENCH_DIR=$T/bd BENCH_FRAGS=5000 BENCH_LOCI=100 BENCH_EXTRA=$T/extra TSC_BIN=$T/bin bash ../../scripts/bench.sh > "$T/bench.out" 2>&1
    cat "$T/bench.out"
}
run
grep -q '^samtools view -c (collated) .* 1\.00 *$' "$T/bench.out"
grep -q '^samtools view -c (sorted) .* 1\.00 *$' "$T/bench.out"
if command -v featureCounts > /dev/null; then
    grep -q '^featureCounts -M --fraction  *[0-9.]' "$T/bench.out"
    grep -q '^featureCounts best-hit  *100 ' "$T/bench.out"
else
    nofc=1   # the featureCounts rows are not checked: a skip (below), not a pass
fi
grep -q '^tsc-fetch exact (collated)  *[0-9.]' "$T/bench.out"
grep -q '^tsc-fetch --prefilter (sorted)  *[0-9.]' "$T/bench.out"
grep -q '^whole pipe (collated) .*missing: tsc-blocks' "$T/bench.out"
grep -q '^tsc-assign -t 2 (sorted) .*missing: tsc-assign' "$T/bench.out"
grep -q '^tsc-assign -t 1 (collated) .*missing: tsc-assign' "$T/bench.out"
grep -q '^tsc-em alone  *[0-9.]' "$T/bench.out"
grep -q '^x-stage	1.5	2$' "$T/bench.out"
grep -q '^tsc average  *100  *1  *1  *0 ' "$T/bench.out"
grep -q '^tsc unique ' "$T/bench.out"
n=$(wc -l < "$T/bd/history.tsv")
test "$n" -ge 10
grep -q "accuracy: tsc average	.*pearson=1;" "$T/bd/history.tsv"
grep -q 'made: collated' "$T/bench.out"
run
grep -q 'cached' "$T/bench.out"
test "$(wc -l < "$T/bd/history.tsv")" -gt "$n"
if [ -n "${nofc:-}" ]; then echo "SKIP: featureCounts is not installed (package subread): its rows were not checked"; exit 77; fi
echo ok
