#!/bin/sh
# The BAM reads as Telescope expects aligner output (check_bam.py: mates mirror each other in
# every alignment, proper pairs, AS on every mapped record, MD/NM/XM agree with the CIGAR,
# collation or coordinate order), in local and end-to-end mode, sorted or not; the checker itself
# catches a broken mate field (negative control).
set -e
T=$TMPD
tsc-simulate -n 8000 -o "$T/l"
samtools view "$T/l.bam" | python3 ./check_bam.py
tsc-simulate -n 8000 --sorted -o "$T/s"
samtools view "$T/s.bam" | python3 ./check_bam.py --sorted
tsc-simulate -n 8000 -r 75 --end-to-end --nh --library FR --seq primary -o "$T/e"
samtools view "$T/e.bam" | python3 ./check_bam.py --end-to-end --read-length 75
# spliced, soft-clipped, indel, secondary, singleton, unmapped and discordant records all occur
samtools view "$T/l.bam" | awk 'function bit(x, b) { return int(x / b) % 2 } 
    $6 ~ /N/ { n++ } $6 ~ /S/ { s++ } $6 ~ /[ID]/ { i++ } bit($2, 256) { sec++ }
    bit($2, 8) && !bit($2, 4) { sg++ } $2 == 77 { u++ } bit($2, 1) && !bit($2, 2) && !(bit($2, 4) || bit($2, 8)) { d++ }
    END { print n, s, i, sec, sg, u, d; exit !(n && s && i && sec && sg && u && d) }'
# end-to-end: no soft clips, AS <= 0, NH present, secondary records without SEQ
samtools view "$T/e.bam" | awk 'function bit(x, b) { return int(x / b) % 2 } !bit($2, 4) && $6 ~ /S/ { exit 1 }'
samtools view "$T/e.bam" | awk 'function bit(x, b) { return int(x / b) % 2 } !bit($2, 4) { if ($0 !~ /\tNH:i:[0-9]+/) exit 1 }'
samtools view "$T/e.bam" | awk 'function bit(x, b) { return int(x / b) % 2 } bit($2, 256) && $10 != "*" { exit 1 }'
# RF library: for unique gene pairs on a '+' ... strand balance alone is not checkable; at least
# read 1 and read 2 both occur forward and reverse
samtools view "$T/e.bam" | awk 'function bit(x, b) { return int(x / b) % 2 } !bit($2, 256) && !bit($2, 4) { if (!k[bit($2, 64) "-" bit($2, 16)]++) n++ } END { exit n != 4 }'
# negative control: shift one PNEXT and the checker must fail
samtools view "$T/l.bam" | awk 'BEGIN { OFS = "\t" } NR == 5 { $8 = $8 + 1 } { print }' > "$T/bad.sam"
if python3 ./check_bam.py < "$T/bad.sam" > "$T/bad.out"; then echo "checker missed a broken mate"; exit 1; fi
grep -q 'no mirrored mate' "$T/bad.out"
echo ok
