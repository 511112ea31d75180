#!/bin/sh
# examples/Makefile (make -j2) and examples/Snakefile (snakemake --cores 2) give the same merged
# matrix: 200 loci x 3 samples; every sample column equals that sample's own tables (all-loci table
# from the pipe, TE_counts from tsc-assign) for every locus it has.
set -u
ex=$(cd ../../examples && pwd)
fail=0
make -s -C "$ex" -j2 TSC="$TSC_BIN" OUT="$TMPD/make" > "$TMPD/make.log" 2>&1 || { echo "make failed"; cat "$TMPD/make.log"; exit 1; }
(cd "$ex" && snakemake -s Snakefile --cores 2 --config tsc="$TSC_BIN" out="$TMPD/snake" --quiet) > "$TMPD/snake.log" 2>&1 ||
    { echo "snakemake failed"; tail -20 "$TMPD/snake.log"; exit 1; }
rm -rf "$ex/.snakemake"
grep -v '^#' "$TMPD/make/merged.tsv" > "$TMPD/m"
grep -v '^#' "$TMPD/snake/merged.tsv" > "$TMPD/s"
cmp "$TMPD/m" "$TMPD/s" || { echo "make and snakemake merged matrices differ"; fail=1; }
[ "$(head -n 1 "$TMPD/m")" = "$(printf 'locus\tsampleA\tsampleB\tsampleC')" ] || { echo "bad header: $(head -n 1 "$TMPD/m")"; fail=1; }
[ "$(wc -l < "$TMPD/m")" -eq 201 ] || { echo "expected 200 loci rows, got $(($(wc -l < "$TMPD/m") - 1))"; fail=1; }
# each column against tsc-assign's TE_counts of that sample (loci it saw; others must be 0)
col=2
for s in sampleA sampleB sampleC; do
    tsc-assign --quiet --outdir "$TMPD/assign" --exp_tag $s "$ex/data/$s.bam" "$ex/data/annotation.gtf" || { echo "tsc-assign $s failed"; fail=1; }
    awk -F '\t' -v c=$col 'NR == FNR { if (FNR > 1) t[$1] = $2; next }
        FNR > 1 { want = ($1 in t) ? t[$1] : 0; if ($c + 0 != want + 0) { print "locus " $1 ": " $c " vs " want; bad = 1 } }
        END { exit bad }' "$TMPD/assign/$s-TE_counts.tsv" "$TMPD/m" || { echo "$s column differs from its TE_counts"; fail=1; }
    col=$((col + 1))
done
exit $fail
