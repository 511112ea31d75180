#!/bin/sh
# golden.test.sh -- tsc-regions against upstream Telescope's own results ($TSC_DATA/golden):
#  1. the bundled annotation gives 99 loci (annotated_features:99) and every locus length equals
#     its transcript_length in default/telescope-run_stats.tsv (HML2_1q22 = 9085); loci come in
#     first-seen order, and the rows read in reverse order give the same intervals;
#  2. the synthetic GTF (9 loci; the row without "locus" is skipped with upstream's warning) gives exactly the intervals of internals-synth/annotation_intervals.tsv
#     (1-based half-open there, 0-based here), with their strands, and the lengths of
#     internals-synth/features.tsv;
#  3. with --attribute gene_id, 10 loci (annotated_features:10) with the lengths of
#     synth-attr_gene_id/telescope-run_stats.tsv.
set -eu
G=$TSC_DATA/golden
T=$TMPD
fail() { echo "golden.test.sh: $*" >&2; exit 1; }

# BED without the header -> "locus<TAB>length" per locus, first-seen order
lengths() { awk -F'\t' '!/^#/ { if (!($4 in n)) o[++k] = $4; n[$4] += $3 - $2 } END { for (i = 1; i <= k; i++) print o[i] "\t" n[o[i]] }' "$1"; }
# run_stats rows (the first line is "## RunInfo..." glued to the column header, Q11)
stats() { awk -F'\t' 'NR > 1 && $1 != "__no_feature" { print $1 "\t" $2 }' "$1"; }
# "annotated_features:N" of a run_stats file
nfeat() { head -1 "$1" | tr '\t' '\n' | sed -n 's/^annotated_features:\([0-9]*\).*/\1/p'; }

# 1. bundled annotation
tsc-regions "$G/upstream-data/annotation.gtf" > "$T/up.bed"
lengths "$T/up.bed" > "$T/up.len"
[ "$(wc -l < "$T/up.len")" -eq 99 ] || fail "bundled: $(wc -l < "$T/up.len") loci, expected 99"
[ "$(nfeat "$G/default/telescope-run_stats.tsv")" -eq 99 ] || fail "bundled: annotated_features is not 99"
grep -q "^HML2_1q22	9085\$" "$T/up.len" || fail "bundled: HML2_1q22 is not 9085 bases"
stats "$G/default/telescope-run_stats.tsv" | sort > "$T/up.want"
[ "$(wc -l < "$T/up.want")" -ge 50 ] || fail "bundled: run_stats has too few loci"
sort "$T/up.len" | join -t '	' -j 1 - "$T/up.want" -o 1.1,1.2,2.2 | awk -F'\t' '$2 != $3' > "$T/up.diff"
[ -s "$T/up.diff" ] && { cat "$T/up.diff" >&2; fail "bundled: lengths differ from transcript_length"; }
[ "$(sort "$T/up.len" | join -t '	' - "$T/up.want" | wc -l)" -eq "$(wc -l < "$T/up.want")" ] ||
    fail "bundled: loci of run_stats missing from the BED"
# the loci come in the GTF's first-seen order
grep -v '^#' "$G/upstream-data/annotation.gtf" | awk -F'\t' '$3 == "exon"' |
    sed -n 's/.*locus "\([^"]*\)";.*/\1/p' | awk '!s[$0]++' > "$T/up.order"
cut -f1 "$T/up.len" | cmp -s - "$T/up.order" || fail "bundled: locus order is not first-seen order"
# the rows in reverse order give the same intervals (upstream would stop on a bridging exon, Q20)
tac "$G/upstream-data/annotation.gtf" | tsc-regions > "$T/rev.bed"
grep -v '^#' "$T/up.bed" | sort > "$T/up.sorted"
grep -v '^#' "$T/rev.bed" | sort | cmp -s - "$T/up.sorted" || fail "bundled: reversed rows give other intervals"

# 2. synthetic annotation, default attribute
tsc-regions "$G/synth-input/synth.gtf" > "$T/syn.bed" 2> "$T/syn.err"
grep -q 'Skipping row 10: missing attribute "locus"' "$T/syn.err" || fail "synth: no warning for row 10"
awk -F'\t' '!/^#/ { print $1 "\t" $2 + 1 "\t" $3 + 1 "\t" $4 "\t" $6 }' "$T/syn.bed" | sort > "$T/syn.got"
tail -n +2 "$G/internals-synth/annotation_intervals.tsv" | sort > "$T/syn.want"
[ -s "$T/syn.want" ] || fail "synth: empty golden intervals"
cmp -s "$T/syn.got" "$T/syn.want" || { diff "$T/syn.got" "$T/syn.want" >&2; fail "synth: intervals differ"; }
lengths "$T/syn.bed" | sort > "$T/syn.len"
awk -F'\t' 'NR > 1 && $2 != "__no_feature" { print $2 "\t" $3 }' "$G/internals-synth/features.tsv" | sort > "$T/syn.flen"
# features.tsv holds only the loci with reads (TE8 has none)
join -t '	' "$T/syn.len" "$T/syn.flen" | awk -F'\t' '$2 != $3 { bad = 1 } END { exit bad }' ||
    fail "synth: lengths differ from features.tsv"
[ "$(join -t '	' "$T/syn.len" "$T/syn.flen" | wc -l)" -eq "$(wc -l < "$T/syn.flen")" ] ||
    fail "synth: loci of features.tsv missing"
[ "$(wc -l < "$T/syn.len")" -eq 9 ] || fail "synth: expected 9 loci"

# 3. synthetic annotation, --attribute gene_id
tsc-regions --attribute gene_id "$G/synth-input/synth.gtf" > "$T/gid.bed"
lengths "$T/gid.bed" > "$T/gid.len"
[ "$(wc -l < "$T/gid.len")" -eq 10 ] || fail "gene_id: $(wc -l < "$T/gid.len") loci, expected 10"
[ "$(nfeat "$G/synth-attr_gene_id/telescope-run_stats.tsv")" -eq 10 ] || fail "gene_id: annotated_features is not 10"
stats "$G/synth-attr_gene_id/telescope-run_stats.tsv" | sort > "$T/gid.want"
sort "$T/gid.len" | join -t '	' - "$T/gid.want" | awk -F'\t' '$2 != $3 { bad = 1 } END { exit bad }' ||
    fail "gene_id: lengths differ"
[ "$(sort "$T/gid.len" | join -t '	' - "$T/gid.want" | wc -l)" -eq "$(wc -l < "$T/gid.want")" ] ||
    fail "gene_id: loci of run_stats missing"
grep -q '^chrB	8000	8500	TE7	0	+$' "$T/gid.bed" || fail "gene_id: TE7 missing"
echo "golden.test.sh: ok"
