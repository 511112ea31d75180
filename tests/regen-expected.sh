#!/bin/sh
# regen-expected.sh -- rewrite the generated expected files of tests/EXPECTED.md from the tools
# in bin/ (or $TSC_BIN), and show what changed (git diff).  A change is a change of behaviour:
# check it as EXPECTED.md says before committing it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="${TSC_BIN:-$top/bin}:$PATH"; export PATH
TSC_DATA=${TSC_DATA:-$top/tests/data}
cd "$top/tests"
noprov() { grep -v '^@prov'; }
(cd fetch && tsc-fetch -T 0 -s RF syn.bed "$TSC_DATA/golden/synth-input/synth.bam" | tsc-view - |
    sed -n '/^=HREC/,/^=RUNI/p' > synth-ovl0-RF.out)
(cd report && tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT &&
    tsc-view -b odd.fit.txt -o "$tmp/odd.fit" &&
    for m in exclude choose average conf unique; do
        tsc-report -m $m -c 0.6 -o "$tmp/o" "$tmp/odd.fit" && cp "$tmp/o-TE_counts.tsv" odd-$m-TE_counts.tsv
    done &&
    tsc-report -m average -c 0.6 -o "$tmp/o" --all-loci - "$tmp/odd.fit" |
        grep -v '^# \(version\|command\|input\):' > odd-all_loci.tsv &&
    cp "$tmp/o-run_stats.tsv" odd-run_stats.tsv &&
    python3 gen-cases.py)
(cd blocks && tsc-view several.mtx.txt | tsc-blocks | tsc-view | noprov > several.blocks.txt)
(cd matrix && tsc-view tiny.hits.txt | tsc-matrix | tsc-view -m > tiny.triplets.tsv)
(cd em && tsc-view -b tiny.txt | tsc-em -q | tsc-view | noprov > tiny.fit.txt)
sh man/regen.sh > /dev/null
cd "$top" && git status --short tests/fetch tests/report tests/blocks tests/matrix tests/em tests/man
