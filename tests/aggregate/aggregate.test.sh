#!/bin/sh
# tsc-aggregate and tsc-merge -u: family sums equal the locus sums (every locus in exactly one
# group, totals kept), hand-computed groups, CPM and TPM (fractions in the comments).
set -eu
T=${TMPD:?}
fail() { echo "FAIL: $*"; exit 1; }
# near GOT WANT: relative difference below 1e-12 (the values are single divisions)
near() { awk -v g="$1" -v w="$2" 'BEGIN { d = g - w; if (d < 0) d = -d; s = w < 0 ? -w : w; exit !(d <= 1e-12 * (s > 1 ? s : 1)) }' || fail "got $1, want $2 ($3)"; }
# val TABLE ROW COL: one cell (COL 1-based after the name)
val() { awk -F'\t' -v r="$2" -v c="$3" '!/^#/ && $1 == r { print $(c + 1); f = 1 } END { exit !f }' "$1" || fail "no row $2 in $1"; }
# colsum TABLE: the sum of each value column, one line
colsum() { awk -F'\t' '!/^#/ && h++ { for (i = 2; i <= NF; i++) s[i] += $i; n = NF } END { for (i = 2; i <= n; i++) printf "%.10g ", s[i]; print "" }' "$1"; }

tsc-regions fam.gtf > "$T/loci.bed"

# --- groups by hand
tsc-aggregate -A fam.gtf -g repFamily s1-all-loci.tsv > "$T/fam"
grep -v '^#' "$T/fam" > "$T/fam.body"
printf 'repFamily\tcount\tlength\tfinal_prop\nERV1\t40\t200\t0.4\nERVK\t40\t150\t0.4\n__no_feature\t10\t0\t0.1\n__no_group\t10\t1000\t0.1\n' > "$T/fam.want"
cmp "$T/fam.body" "$T/fam.want" || { diff "$T/fam.body" "$T/fam.want"; fail "repFamily groups"; }
# gene rows only: intModel; the exon-only loci have none
tsc-aggregate -A fam.gtf -g intModel --feature gene s1-all-loci.tsv | grep -v '^#' | cut -f1,2 > "$T/im"
printf 'intModel\tcount\nHERVK-int\t30\n__no_feature\t10\n__no_group\t60\n' | cmp - "$T/im" || fail "intModel of gene rows"
# several values: first (file order) and join
[ "$(tsc-aggregate -A fam.gtf -g repName --feature exon s1-all-loci.tsv | awk -F'\t' '$1 == "LTR5_Hs" { print $2 }')" = 30 ] || fail "--multi first"
[ "$(tsc-aggregate -A fam.gtf -g repName --multi join s1-all-loci.tsv | awk -F'\t' '$1 == "LTR5_Hs+HERVK-int" { print $2 }')" = 30 ] || fail "--multi join"
# prefix
tsc-aggregate s2-TE_counts.tsv | grep -v '^#' > "$T/pre"
printf 'prefix\tcount\nHERVH\t6\nHML2\t2.5\n__no_feature\t2\n' | cmp - "$T/pre" || fail "prefix groups"

# --- totals kept on real tables: the three example samples, every grouping
top=$(cd ../.. && pwd)
ex=$top/examples/data
tsc-regions "$ex/annotation.gtf" > "$T/ex.bed"
for s in sampleA sampleB sampleC; do
    tsc-fetch "$T/ex.bed" "$ex/$s.bam" | tsc-matrix | tsc-em -q | tsc-report -m average -o "$T/$s" --all-loci "$T/$s-all-loci.tsv"
done
tsc-merge -a "$T/ex.bed" --keep-no-feature "$T"/sample?-all-loci.tsv > "$T/m.counts"
nloci=$(grep -vc '^#' "$T/ex.bed")
for g in "-g repFamily" "-g repClass" "-g repName" "-g repName --multi join" "-g category --feature gene" "-p"; do
    # shellcheck disable=SC2086
    tsc-aggregate -A "$ex/annotation.gtf" $g "$T/m.counts" 2> /dev/null > "$T/g" || tsc-aggregate $g "$T/m.counts" > "$T/g"
    [ "$(colsum "$T/g")" = "$(colsum "$T/m.counts")" ] || fail "totals differ with $g: $(colsum "$T/g") vs $(colsum "$T/m.counts")"
done
# every locus in exactly one group: aggregate a table of ones
awk -F'\t' 'BEGIN { OFS = "\t"; print "locus", "one" } !/^#/ && !seen[$4]++ { print $4, 1 }' "$T/ex.bed" > "$T/ones"
n=$(($(wc -l < "$T/ones") - 1))
[ "$(tsc-aggregate -A "$ex/annotation.gtf" -g repFamily "$T/ones" | awk -F'\t' '!/^#/ && h++ { s += $2 } END { print s }')" = "$n" ] || fail "a locus in no group or in two"
[ "$n" -gt 100 ] || fail "only $n loci in the example"
: "$nloci"
# average mode (fractional counts): family sum equals the locus sum within rounding
a=$(awk -F'\t' '!/^#/ && h++ { s += $2 } END { printf "%.9f", s }' "$T/sampleA-TE_counts.tsv")
b=$(tsc-aggregate -A "$ex/annotation.gtf" -g repFamily "$T/sampleA-TE_counts.tsv" | awk -F'\t' '!/^#/ && h++ { s += $2 } END { printf "%.9f", s }')
[ "$a" = "$b" ] || fail "average-mode totals $a vs $b"

# --- CPM by hand: s1 total 100 (no-feature row included), s2 total 6 + 2 + 2.5 = 10.5
tsc-merge -a "$T/loci.bed" -u cpm s1-all-loci.tsv s2-TE_counts.tsv > "$T/cpm"
near "$(val "$T/cpm" HML2_1 1)" 300000 "cpm s1 HML2_1 = 30/100"
near "$(val "$T/cpm" X_1 1)" 100000 "cpm s1 X_1 = 10/100"
near "$(val "$T/cpm" HERVH_1 2)" 571428.5714285714 "cpm s2 HERVH_1 = 6/10.5"
near "$(val "$T/cpm" HML2_1 2)" 238095.23809523808 "cpm s2 HML2_1 = 2.5/10.5"
[ "$(val "$T/cpm" HML2_2 2)" = 0 ] || fail "cpm of an absent locus"
if grep -q "^__no_feature" "$T/cpm"; then fail "no-feature row written without --keep-no-feature"; fi
# TPM by hand: s1 rates 30/100, 10/50, 40/200, 10/1000 = .3 .2 .2 .01, sum .71
tsc-merge -a "$T/loci.bed" -u tpm --keep-no-feature s1-all-loci.tsv s2-TE_counts.tsv > "$T/tpm"
near "$(val "$T/tpm" HML2_1 1)" 422535.2112676056 "tpm s1 HML2_1 = .3/.71"
near "$(val "$T/tpm" HML2_2 1)" 281690.1408450704 "tpm s1 HML2_2 = .2/.71"
near "$(val "$T/tpm" X_1 1)" 14084.507042253521 "tpm s1 X_1 = .01/.71"
# s2: 6/200 = .03, 2.5/100 = .025, sum .055
near "$(val "$T/tpm" HERVH_1 2)" 545454.5454545454 "tpm s2 HERVH_1 = .03/.055"
near "$(val "$T/tpm" HML2_1 2)" 454545.45454545453 "tpm s2 HML2_1 = .025/.055"
[ "$(val "$T/tpm" __no_feature 1)" = NA ] || fail "tpm of the no-feature row"
# lengths from the all-loci table alone (no annotation) give the same TPM for s1
tsc-merge -u tpm s1-all-loci.tsv | grep -v '^#' > "$T/tpm1"
grep -v '^#' "$T/tpm" | cut -f1,2 | grep -v '^__no_feature' | cmp - "$T/tpm1" || fail "TPM with lengths from the table"
# TPM sums to 10^6, and family TPM = sum of locus TPM
near "$(colsum "$T/tpm1" | tr -d ' ')" 1000000 "TPM column sum"
tsc-aggregate -A fam.gtf -g repFamily "$T/tpm1" > "$T/ftpm"
near "$(val "$T/ftpm" ERVK 1)" 704225.3521126761 "family TPM ERVK = .5/.71"
# TPM without lengths is an error, and leaves no file
if tsc-merge -u tpm -o "$T/x" s2-TE_counts.tsv 2> "$T/err"; then fail "TPM without lengths accepted"; fi
grep -q 'no length' "$T/err" || fail "TPM error message"
[ ! -e "$T/x" ] || fail "partial TPM output left"
echo ok
