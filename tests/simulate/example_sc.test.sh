#!/bin/sh
# examples/data/sc.* are what the command in examples/README.md makes (records and tables; the
# @PG line carries the version), on examples/data/annotation.gtf, and a valid single-cell sample.
set -e
ex=$(cd ../../examples && pwd)
T=$TMPD
cmd=$(sed -n '/^    tsc-simulate --single-cell/,/-o data\/sc/p' "$ex/README.md" | tr -d '\\\n' | sed 's/  */ /g; s/&&.*//; s#-o data/sc#-o '"$T"'/sc#')
case "$cmd" in *tsc-simulate*--single-cell*) ;; *) echo "no command in examples/README.md"; exit 1 ;; esac
eval "$cmd"
samtools view "$T/sc.bam" > "$T/a"
samtools view "$ex/data/sc.bam" > "$T/b"
cmp "$T/a" "$T/b"
for x in whitelist.tsv celltypes.tsv truth.tsv cells.truth.tsv; do cmp "$T/sc.$x" "$ex/data/sc.$x"; done
grep -v '^#' "$T/sc.gtf" > "$T/g1"
grep -v '^#' "$ex/data/annotation.gtf" > "$T/g2"
cmp "$T/g1" "$T/g2"
samtools quickcheck "$ex/data/sc.bam"
test "$(samtools view -c -F 0x900 "$ex/data/sc.bam")" -eq 30000
test "$(wc -l < "$ex/data/sc.whitelist.tsv")" -eq 300
samtools view -H "$ex/data/sc.bam" | grep -q '^@HD.*SO:unsorted.*GO:query'
test "$(du -ck "$ex"/data/sc.* | tail -1 | cut -f1)" -lt 2048
echo ok
