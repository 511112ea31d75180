#!/bin/sh
# demo.sh -- the main job on the bundled example: tsc-assign on one simulated sample, then the
# top of its counts table and where the files are.  Usage: demo.sh BINDIR
set -e
bin=${1:?usage: demo.sh BINDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
data=$top/examples/data
out=$top/examples/out/demo
mkdir -p "$out"
echo "== tsc-assign --ncpu 2 --outdir examples/out/demo --exp_tag sampleA --family_attribute repFamily examples/data/sampleA.bam examples/data/annotation.gtf"
"$bin/tsc-assign" --ncpu 2 --outdir "$out" --exp_tag sampleA --family_attribute repFamily "$data/sampleA.bam" "$data/annotation.gtf"
echo
echo "== the 10 loci with the most fragments (examples/out/demo/sampleA-TE_counts.tsv):"
{ head -n 1 "$out/sampleA-TE_counts.tsv"; tail -n +2 "$out/sampleA-TE_counts.tsv" | sort -t "$(printf '\t')" -k2,2gr | head -n 10; } | column -t
echo
echo "== the truth for those loci (examples/data/sampleA.truth.tsv):"
tail -n +2 "$out/sampleA-TE_counts.tsv" | sort -t "$(printf '\t')" -k2,2gr | head -n 10 | cut -f 1 |
    while read -r l; do grep -m1 "^$l	" "$data/sampleA.truth.tsv" || true; done | column -t
echo
echo "== files:"
ls -l "$out"
echo
[ -s "$out/sampleA-report.html" ] || { echo "demo: no HTML report was written" >&2; exit 1; }
echo "QC report (open it in a browser): $out/sampleA-report.html"
echo
echo "Next: 'make -C examples -j2' runs three samples in parallel, merges them (loci and families)"
echo "and runs MultiQC over them (examples/README.md)."
