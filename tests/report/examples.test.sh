#!/bin/sh
# examples.test.sh -- run the tsc-report commands of man/tsc-report.1's EXAMPLES on a FIT built
# from the synthetic golden internals (the pipeline example needs the other stages: it is
# checked by the pipeline tests).
set -u
U=${TSC_UNITS:-}
[ -n "$U" ] || for d in "$TSC_BIN/../build/tests" "$TSC_BIN/../tests"; do [ -x "$d/test_report_golden" ] && U=$d; done
man=$(pwd)/../../man/tsc-report.1
mkdir "$TMPD/ex" && cd "$TMPD/ex" && mkdir out || exit 1  # $TMPD/out is the driver's log
"$U/test_report_golden" --fit "$SHARED/golden/internals-synth" sample.fit || exit 1
n=0
sed -n '/^\.SH EXAMPLES/,/^\.SH/p' "$man" | grep '^tsc-report ' > cmds
while IFS= read -r cmd; do
    n=$((n + 1))
    sh -c "$cmd" || { echo "FAIL: $cmd"; exit 1; }
done < cmds
[ "$n" -ge 3 ] || { echo "only $n examples found"; exit 1; }
for f in out/sample-TE_counts.tsv out/sample-run_stats.tsv out/sample-choose-TE_counts.tsv \
         out/sample-conf-run_stats.tsv out/sample-all_loci.tsv; do
    [ -s "$f" ] || { echo "FAIL: $f missing"; exit 1; }
done
