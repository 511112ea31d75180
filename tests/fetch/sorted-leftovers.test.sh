#!/bin/sh
# sorted-leftovers.test.sh -- coordinate-sorted input whose proper pairs lost mates (a BAM cut to
# regions keeps the flags): each lone record is a unit alone, as in the collated file.  100000
# pairs on one reference, 80% of them without read 2, most far from the loci: more lone records
# than the table of waiting mates holds before it is swept for them (65536), so they are swept
# mid-file and at the end.  (Fragments without their primary read 1 are not made: their class
# follows their first record, which differs between the collated and the sorted order.)  Records and counters (AS extremes,
# unique/ambig, classes) equal the collated file's, at -t 1 and -t 2, with and without the index.
set -eu
T=$TMPD
fail() { echo "sorted-leftovers.test.sh: $*" >&2; exit 1; }
AWK=$(pwd)/hits2raw.awk

awk 'BEGIN { srand(5); OFS = "\t"
    print "@HD", "VN:1.6", "SO:unsorted"; print "@SQ", "SN:chr1", "LN:60000000"
    for (i = 0; i < 40; i++) printf "chr1\t%d\t%d\tTE_%d\t0\t+\n", i * 1500000 + 1000, i * 1500000 + 3000, i > "'"$T"'/loci.bed"
    for (r = 0; r < 100000; r++) {
        p = 1 + int(rand() * 59990000); q = p + 100 + int(rand() * 300); x = rand()
        n = rand() < 0.1 ? 2 : 1
        for (k = 0; k < n; k++) {
            pp = k ? 1 + int(rand() * 59990000) : p; qq = k ? pp + 200 : q; fl = k ? 256 : 0
            a1 = -int(rand() * 20); a2 = -int(rand() * 20)
            print "p" r, 99 + fl, "chr1", pp, 3, "50M", "=", qq, qq - pp + 50, "*", "*", "AS:i:" a1
            if (x < 0.2) print "p" r, 147 + fl, "chr1", qq, 3, "50M", "=", pp, -(qq - pp + 50), "*", "*", "AS:i:" a2
        }
    } }' > "$T/c.sam"
samtools view -b -o "$T/c.bam" "$T/c.sam"
samtools sort -o "$T/s.bam" "$T/c.bam" 2>/dev/null
samtools index "$T/s.bam"
cp "$T/s.bam" "$T/noidx.bam"
tsc-fetch -n "$T/loci.bed" "$T/c.bam" | tsc-view - | awk -f "$AWK" | LC_ALL=C sort > "$T/coll.txt"
[ "$(grep -c '^R' "$T/coll.txt")" -gt 100 ] || fail "too few mappings"
grep -q '^I	ambig	[1-9]' "$T/coll.txt" || fail "no ambiguous fragment"
for t in 1 2; do
    for f in s noidx; do
        tsc-fetch -n -t $t "$T/loci.bed" "$T/$f.bam" | tsc-view - | awk -f "$AWK" | grep -v map_idx | LC_ALL=C sort > "$T/srt.txt"
        cmp -s "$T/coll.txt" "$T/srt.txt" || { diff "$T/coll.txt" "$T/srt.txt" | head >&2; fail "-t $t, $f.bam: differs from the collated file"; }
    done
done
exit 0
