#!/bin/sh
# The explicit pipe of the README and tsc-assign give byte-identical TE_counts and run_stats, on
# the bundled golden data (conf mode, so floats are compared too), on the synthetic set and on
# golden-large's input (16,000 fragments).
set -u
G=$TSC_DATA
fail=0
for set in "golden/upstream-data/alignment.bam golden/upstream-data/annotation.gtf" \
           "golden/synth-input/synth.bam golden/synth-input/synth.gtf" \
           "golden-large/input/large.bam golden-large/input/large.gtf.gz"; do
    set -- $set
    bam=$G/$1; gtf=$G/$2
    d=$TMPD/$(basename "$1" .bam); mkdir -p "$d"
    tsc-assign --quiet --reassign_mode conf --outdir "$d/assign" "$bam" "$gtf" 2> "$d/assign.log" || { echo "tsc-assign failed"; cat "$d/assign.log"; fail=1; continue; }
    mkdir -p "$d/pipe"
    tsc-regions "$gtf" > "$d/loci.bed" &&
        tsc-fetch -t 2 "$d/loci.bed" "$bam" | tsc-matrix | tsc-blocks | tsc-em -q -t 2 |
        tsc-report --reassign-mode conf -o "$d/pipe/telescope" || { echo "the pipe failed"; fail=1; continue; }
    for f in TE_counts run_stats; do
        cmp "$d/assign/telescope-$f.tsv" "$d/pipe/telescope-$f.tsv" || { echo "$1: $f differs"; fail=1; }
    done
done
exit $fail
