#!/bin/sh
# examples/Makefile (make -j2) and examples/Snakefile (snakemake --cores 2) give the same merged
# matrix: 200 loci x 3 samples; every sample column equals that sample's own tables (all-loci table
# from the pipe, TE_counts from tsc-assign) for every locus it has. Both give the same family
# matrix, whose columns sum to the locus matrix's, and MultiQC (run by both) finds every tsc
# section with the three samples and the numbers of the samples' files. The single-cell sample
# (tsc-sc) gives the same files from both, at most the whitelist's barcodes, and per-locus totals
# that follow the simulator's truth (Pearson r > 0.95 over the loci).
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
# families: the same from both, 4 families (ERV1 ERVK ERVL L1), column totals kept
grep -v '^#' "$TMPD/make/families.tsv" > "$TMPD/fm"
grep -v '^#' "$TMPD/snake/families.tsv" | cmp -s - "$TMPD/fm" || { echo "make and snakemake family matrices differ"; fail=1; }
[ "$(cut -f 1 "$TMPD/fm" | tr '\n' ' ')" = "repFamily ERV1 ERVK ERVL L1 " ] || { echo "families: $(cut -f 1 "$TMPD/fm" | tr '\n' ' ')"; fail=1; }
sums() { awk -F '\t' 'NR > 1 { for (i = 2; i <= NF; i++) s[i] += $i; n = NF } END { for (i = 2; i <= n; i++) printf "%s ", s[i]; print "" }' "$1"; }
[ "$(sums "$TMPD/fm")" = "$(sums "$TMPD/m")" ] || { echo "family totals $(sums "$TMPD/fm") != locus totals $(sums "$TMPD/m")"; fail=1; }
# MultiQC: each tsc section in multiqc_data, one row per sample, the numbers of the JSON files
for d in make snake; do
    for sec in fragments assignment families; do
        f="$TMPD/$d/multiqc_data/multiqc_tsc_${sec}_plot.txt"
        [ -s "$f" ] || { echo "$d: MultiQC did not find the tsc_$sec section"; fail=1; continue; }
        [ "$(cut -f 1 "$f" | tr '\n' ' ')" = "Sample sampleA sampleB sampleC " ] || { echo "$d: $sec: samples $(cut -f 1 "$f" | tr '\n' ' ')"; fail=1; }
    done
    for sec in fragments assignment families; do grep -q "\"multiqc_tsc_${sec}_plot\"" "$TMPD/$d/multiqc_data/multiqc_data.json" || { echo "$d: no multiqc_tsc_${sec}_plot in multiqc_data.json"; fail=1; }; done
done
f="$TMPD/make/multiqc_data/multiqc_tsc_families_plot.txt"
for s in sampleA sampleB sampleC; do
    # the families section of MultiQC holds the family matrix's column of the sample
    want=$(awk -F '\t' -v s=$s 'NR == 1 { for (i = 2; i <= NF; i++) if ($i == s) c = i; next } { printf "%s=%s ", $1, $c }' "$TMPD/fm")
    got=$(awk -F '\t' -v s=$s 'NR == 1 { for (i = 2; i <= NF; i++) h[i] = $i; next } $1 == s { for (i = 2; i <= NF; i++) if ($i != "") print h[i] "=" $i }' "$f" | sort | tr '\n' ' ')
    [ "$got" = "$want" ] || { echo "MultiQC families of $s: $got, want $want"; fail=1; }
done
# each column against tsc-assign's TE_counts of that sample (loci it saw; others must be 0)
col=2
for s in sampleA sampleB sampleC; do
    tsc-assign --quiet --outdir "$TMPD/assign" --exp_tag $s "$ex/data/$s.bam" "$ex/data/annotation.gtf" || { echo "tsc-assign $s failed"; fail=1; }
    awk -F '\t' -v c=$col 'NR == FNR { if (FNR > 1) t[$1] = $2; next }
        FNR > 1 { want = ($1 in t) ? t[$1] : 0; if ($c + 0 != want + 0) { print "locus " $1 ": " $c " vs " want; bad = 1 } }
        END { exit bad }' "$TMPD/assign/$s-TE_counts.tsv" "$TMPD/m" || { echo "$s column differs from its TE_counts"; fail=1; }
    col=$((col + 1))
done
# single cell: the same Matrix Market files (but for the '%' lines: paths and command lines) and
# barcodes from both workflows
for f in sc-TE_counts.mtx sc-TE_counts.best_average.mtx sc-barcodes.tsv sc-features.tsv; do
    grep -v '^%' "$TMPD/snake/$f" > "$TMPD/sc.s"
    grep -v '^%' "$TMPD/make/$f" | cmp -s - "$TMPD/sc.s" || { echo "single cell: $f differs between make and snakemake"; fail=1; }
done
[ -s "$TMPD/make/sc-10x/matrix.mtx.gz" ] || { echo "single cell: no 10x folder"; fail=1; }
nb=$(wc -l < "$TMPD/make/sc-barcodes.tsv")
nw=$(grep -c . "$ex/data/sc.whitelist.tsv")
[ "$nb" -gt 0 ] && [ "$nb" -le "$nw" ] || { echo "single cell: $nb barcodes, whitelist $nw"; fail=1; }
# per-locus totals (pseudobulk, best_exclude) against the simulator's UMIs per locus
awk 'NR == FNR { f[FNR] = $1; next } /^%/ { next } !h { h = 1; next } { c[f[$1]] += $3 } END { for (l in c) print l "\t" c[l] }' \
    "$TMPD/make/sc-features.tsv" "$TMPD/make/sc-TE_counts.mtx" > "$TMPD/sc.est"
awk -F '\t' 'NR == FNR { e[$1] = $2; next } FNR > 1 { x = $2; y = ($1 in e) ? e[$1] : 0; n++; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y }
    END { r = (n * sxy - sx * sy) / sqrt((n * sxx - sx * sx) * (n * syy - sy * sy)); printf "%.3f\n", r; exit !(r > 0.95) }' \
    "$TMPD/sc.est" "$ex/data/sc.truth.tsv" > "$TMPD/sc.r" || { echo "single cell: per-locus r = $(cat "$TMPD/sc.r") against the truth (want > 0.95)"; fail=1; }
exit $fail
