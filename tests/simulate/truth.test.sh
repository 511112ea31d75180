#!/bin/sh
# The GTF has Telescope's layout (9 fields; exon rows with gene_id, transcript_id and locus; some
# loci with several rows; loci in genomic order on chromosomes of the BAM header), and the truth
# table lists every locus in GTF order, summing to the TE-locus fragments tsc-simulate made.
set -e
T=$TMPD
tsc-simulate -n 20000 -L 300 -v -o "$T/x" 2> "$T/log"
awk -F'\t' '!/^#/ && NF != 9 { print "line " NR ": " NF " fields"; exit 1 }' "$T/x.gtf"
awk -F'\t' '$3 == "exon" && !($9 ~ /gene_id "[^"]+";/ && $9 ~ /transcript_id "[^"]+";/ && $9 ~ /locus "[^"]+";/) { exit 1 }' "$T/x.gtf"
awk -F'\t' '$3 == "exon" { split($9, a, "locus \""); split(a[2], b, "\""); if (b[1] != last) print b[1]; last = b[1] }' "$T/x.gtf" > "$T/loci"
test "$(wc -l < "$T/loci")" -eq 300
test "$(sort -u "$T/loci" | wc -l)" -eq 300
tail -n +2 "$T/x.truth.tsv" | cut -f1 > "$T/tloci"
cmp "$T/loci" "$T/tloci"
head -1 "$T/x.truth.tsv" | grep -q '^locus	true_count$'
# multi-row loci (LTR-internal-LTR) exist
awk -F'\t' '$3 == "exon" { split($9, a, "locus \""); split(a[2], b, "\""); n[b[1]]++ } END { for (k in n) if (n[k] == 3) c++; exit !(c > 10) }' "$T/x.gtf"
# genomic order and known chromosomes
samtools view -H "$T/x.bam" | awk -F'\t' '/^@SQ/ { sub("SN:", "", $2); print $2 }' > "$T/chroms"
awk -F'\t' 'NR == FNR { ok[$1] = 1; next } $3 == "gene" { if (!($1 in ok)) exit 1; if ($1 == c && $4 < p) exit 1; c = $1; p = $4 }' "$T/chroms" "$T/x.gtf"
sum=$(awk 'NR > 1 { s += $2 } END { print s }' "$T/x.truth.tsv")
want=$(sed -n 's/.*TE locus \([0-9]*\),.*/\1/p' "$T/log")
test "$sum" -eq "$want"
test "$(awk 'NR > 1 && $2 > 0' "$T/x.truth.tsv" | wc -l)" -gt 20
echo ok
