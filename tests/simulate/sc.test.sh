#!/bin/sh
# tsc-simulate --single-cell: byte-identical files for the same seed whatever the thread count or
# sort memory; STARsolo's NH/HI/MAPQ conventions, barcodes, the whitelist, the celltype table and
# the truth tables as check_sc.py checks them; the sorted BAM is the collated one's records in
# coordinate order, indexed as samtools would; --origin-tag only adds YL; --cb-suffix.
set -e
T=$TMPD
SC="--single-cell -n 60000 --cells 150 --ambient 300"
files="gtf bam whitelist.tsv celltypes.tsv truth.tsv cells.truth.tsv"
tsc-simulate $SC -s 3 --origin-tag -o "$T/a"
tsc-simulate $SC -s 3 --origin-tag -t 2 -o "$T/b"
for x in $files; do cmp "$T/a.$x" "$T/b.$x"; done
test ! -e "$T/a.bam.bai"
samtools quickcheck "$T/a.bam"
samtools view -h "$T/a.bam" | python3 check_sc.py "$T/a" 60000

# another sample of the same study (model seed 3): the same annotation, other cells and reads
tsc-simulate $SC -s 4 --model-seed 3 --origin-tag -o "$T/c"
cmp "$T/a.gtf" "$T/c.gtf"
for x in bam whitelist.tsv celltypes.tsv cells.truth.tsv truth.tsv; do ! cmp -s "$T/a.$x" "$T/c.$x"; done
samtools view -h "$T/c.bam" | python3 check_sc.py "$T/c" 60000

# flagstat: 60000 primary reads, as many secondary records as NH says, no pairs
samtools flagstat "$T/a.bam" > "$T/fs"
grep -q '^60000 + 0 primary$' "$T/fs"
grep -q '^0 + 0 paired in sequencing$' "$T/fs"
sec=$(samtools view -c -f 256 "$T/a.bam")
nh=$(samtools view -F 0x904 "$T/a.bam" | awk '{ for (i = 12; i <= NF; i++) if ($i ~ /^NH:i:/) s += substr($i, 6) - 1 } END { print s }')
test "$sec" -eq "$nh"
test "$sec" -gt 1000

# without --origin-tag: the same records, less the YL tag
tsc-simulate $SC -s 3 -o "$T/p"
samtools view "$T/p.bam" > "$T/p.sam"
samtools view "$T/a.bam" | sed 's/\tYL:Z:[^\t]*$//' | cmp - "$T/p.sam"
! grep -q 'YL:Z' "$T/p.sam"
for x in whitelist.tsv celltypes.tsv truth.tsv cells.truth.tsv; do cmp "$T/a.$x" "$T/p.$x"; done

# sorted: in memory, and in 1 MB chunks spilled and merged; the collated records, in order
tsc-simulate $SC -s 3 --origin-tag --sorted -o "$T/s1"
tsc-simulate $SC -s 3 --origin-tag --sorted -t 2 --sort-mem 1M -v -o "$T/s2" 2> "$T/s2.log"
grep -q 'merging [0-9]* sorted chunks' "$T/s2.log"
for x in bam bam.bai $files; do cmp "$T/s1.$x" "$T/s2.$x"; done
for x in whitelist.tsv celltypes.tsv truth.tsv cells.truth.tsv; do cmp "$T/a.$x" "$T/s1.$x"; done
ls "$T" | grep -v -q 'tmp' || { echo "temporary files left behind"; exit 1; }
samtools view -H "$T/s1.bam" | grep -q '^@HD.*SO:coordinate'
samtools view -H "$T/a.bam" | grep -q '^@HD.*SO:unsorted.*GO:query'
samtools view -h "$T/s1.bam" | python3 check_sc.py "$T/s1" 60000 --sorted
samtools view "$T/a.bam" | sort > "$T/a.txt"
samtools view "$T/s1.bam" | sort | cmp "$T/a.txt" -
samtools sort -o "$T/re.bam" "$T/a.bam"
samtools view "$T/re.bam" | sort | cmp "$T/a.txt" -
cp "$T/s1.bam" "$T/re2.bam"
samtools index "$T/re2.bam"
cmp "$T/s1.bam.bai" "$T/re2.bam.bai"

# Cell Ranger's barcode form; other duplicate rate, UMI length and read length
tsc-simulate --single-cell -n 20000 --cells 60 --ambient 100 --cb-suffix --reads-per-umi 1.5 --umi-length 10 \
    -r 100 --origin-tag -o "$T/x"
samtools view -h "$T/x.bam" | python3 check_sc.py "$T/x" 20000 --cb-suffix --reads-per-umi 1.5 --umi-length 10 \
    --read-length 100
head -1 "$T/x.whitelist.tsv" | grep -q '^[ACGT]\{16\}-1$'
samtools view "$T/x.bam" | grep -q 'CR:Z:[ACGT]\{16\}	UR:Z:[ACGT]\{10\}	CB:Z:[ACGT]\{16\}-1	UB:Z:[ACGT]\{10\}'

# one cell, one type, no ambient barcodes, clean barcodes: every read carries that cell's barcode
tsc-simulate --single-cell -n 500 --cells 1 --ambient 0 --celltypes 1 --no-barcode 0 --barcode-errors 0 -o "$T/one"
bc=$(cat "$T/one.whitelist.tsv")
test "$(samtools view "$T/one.bam" | grep -c "	CR:Z:$bc	UR:Z:\([ACGT]*\)	CB:Z:$bc	UB:Z:\1")" -eq "$(samtools view -c "$T/one.bam")"
test "$(tail -n +2 "$T/one.celltypes.tsv")" = "$bc	Tcell"

# no reads at all: valid, empty outputs
tsc-simulate --single-cell -n 0 -o "$T/e"
test "$(samtools view -c "$T/e.bam")" -eq 0
test "$(wc -l < "$T/e.cells.truth.tsv")" -eq 1
test "$(wc -l < "$T/e.whitelist.tsv")" -eq 500
# @PG records the data options, never the output prefix or threads
samtools view -H "$T/b.bam" | grep '^@PG' | grep -q -- '--single-cell'
samtools view -H "$T/b.bam" | grep '^@PG' | grep -v -q -e "$T" -e '--threads'
echo ok
