#!/bin/sh
# man-examples.test.sh -- run every command of the EXAMPLES section of man/tsc-regions.1
# (lines "$ ..." inside .EX/.EE), in $TMPD with annotation.gtf[.gz] made from basic.gtf; each
# must exit 0, and the files they write must hold the expected loci.
set -eu
man=../../man/tsc-regions.1
[ -f "$man" ] || { echo "no $man" >&2; exit 1; }
cp basic.gtf "$TMPD/annotation.gtf"
gzip -c basic.gtf > "$TMPD/annotation.gtf.gz"
sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$man" | sed -n '/^\.EX/,/^\.EE/p' | sed -n 's/^\$ //p' |
    sed 's/\\e/\\/g; s/\\-/-/g' > "$TMPD/examples.sh"
n=$(wc -l < "$TMPD/examples.sh")
[ "$n" -ge 5 ] || { echo "only $n examples found" >&2; exit 1; }
cd "$TMPD"
while IFS= read -r cmd; do
    echo "\$ $cmd"
    sh -c "$cmd" > out.txt 2> err.txt || { echo "failed: $cmd" >&2; cat err.txt >&2; exit 1; }
    cat out.txt
done < examples.sh
# what the examples wrote
for f in loci.bed genes.bed gene-spans.bed; do [ -s "$f" ] || { echo "$f not written" >&2; exit 1; }; done
[ "$(grep -v '^#' loci.bed | cut -f4 | sort -u | wc -l)" -eq 4 ] || { echo "loci.bed: not 4 loci" >&2; exit 1; }
[ "$(grep -v '^#' genes.bed | cut -f4 | sort -u | wc -l)" -eq 4 ] || { echo "genes.bed: not 4 loci" >&2; exit 1; }
grep -q '^chr1	99	900	A	0	+$' gene-spans.bed || { echo "gene-spans.bed: wrong" >&2; exit 1; }
grep -q '^A	402$' out.txt || { echo "lengths: A is not 402" >&2; exit 1; }
echo "man-examples.test.sh: ok ($n commands)"
