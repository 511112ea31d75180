#!/bin/sh
# examples.test.sh -- the tsc-report commands of man/tsc-report.1's EXAMPLES ("$ tsc-report ..."
# lines, and the lines reading their outputs) on a FIT built from the synthetic golden internals,
# so they are checked even before the other stages exist. tests/man/examples.test.sh runs the
# whole EXAMPLES section, pipeline included.
set -u
U=${TSC_UNITS:-}
[ -n "$U" ] || for d in "$TSC_BIN/../build/tests" "$TSC_BIN/../tests"; do [ -x "$d/test_report_golden" ] && U=$d; done
man=$(pwd)/../../man/tsc-report.1
mkdir "$TMPD/ex" && cd "$TMPD/ex" && mkdir out || exit 1  # $TMPD/out is the driver's log
"$U/test_report_golden" --fit "$TSC_DATA/golden/internals-synth" sim.fit || exit 1
awk '/^\.SH /{ex = ($2 == "EXAMPLES")} ex && /^\.EX/{on=1; next} ex && /^\.EE/{on=0} on && /^\$ /{sub(/^\$ /, ""); gsub(/\\-/, "-"); gsub(/\\e/, "\\"); print}' "$man" \
    | grep -v -e '^tsc-simulate' -e '^tsc-regions' -e '^tsc-fetch' > cmds
[ "$(grep -c '^tsc-report' cmds)" -ge 3 ] || { echo "too few tsc-report examples"; cat cmds; exit 1; }
printf 'set -e\n' | cat - cmds | sh > log 2>&1 || { echo "an example failed:"; tail -5 log; exit 1; }
for f in out/sim-TE_counts.tsv out/sim-run_stats.tsv out/sim-choose-TE_counts.tsv \
         out/sim-conf-run_stats.tsv out/sim-all_loci.tsv; do
    [ -s "$f" ] || { echo "FAIL: $f missing"; exit 1; }
done
cmp -s out/sim-TE_counts.tsv "$TSC_DATA/golden/synth-exclude/telescope-TE_counts.tsv" || { echo "FAIL: TE_counts"; exit 1; }
