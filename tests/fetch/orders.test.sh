#!/bin/sh
# orders.test.sh -- input orders and threads on a larger file (the bundled bowtie2 -k 100 data,
# replicated 4 times with renamed reads: 265656 records, 4000 fragments):
#  1. -t 1, -t 2 and -t 4 give the same stream (provenance aside);
#  2. the coordinate-sorted copy gives the same records and counters as the collated file, with
#     the index (first pass over the loci only) and without it, for all loci and for a subset of
#     loci (most fragments are then counted without being kept);
#  3. CRAM (reference embedded, and given with -r) gives what BAM gives;
#  4. scattering that the recent-name window cannot see: a pair's mate 70000 fragments later (the
#     orphan check), and coordinate-sorted content without SO:coordinate (the order check), both
#     rejected; --input-order name skips the order check.
set -eu
G=$TSC_DATA/golden
T=$TMPD
fail() { echo "orders.test.sh: $*" >&2; exit 1; }
AWK=$(pwd)/hits2raw.awk

tsc-regions "$G/upstream-data/annotation.gtf" > "$T/up.bed" 2>/dev/null
grep -v '^#' "$T/up.bed" | head -12 > "$T/sub.bed"
samtools view -H "$G/upstream-data/alignment.bam" > "$T/big.sam"
for i in 1 2 3 4; do
    samtools view "$G/upstream-data/alignment.bam" | awk -v p="r$i." 'BEGIN { OFS = "\t" } { $1 = p $1; print }'
done >> "$T/big.sam"
samtools view -b -o "$T/big.bam" "$T/big.sam"
samtools sort -o "$T/sorted.bam" "$T/big.bam" 2>/dev/null
samtools index "$T/sorted.bam"
cp "$T/sorted.bam" "$T/noidx.bam"
body() { tsc-view "$1" | grep -v '^@prov'; }

# 1. threads
tsc-fetch -n -t 1 "$T/up.bed" "$T/big.bam" > "$T/t1.hits"
for t in 2 4; do
    tsc-fetch -n -t $t "$T/up.bed" "$T/big.bam" > "$T/t$t.hits"
    body "$T/t1.hits" > "$T/a"; body "$T/t$t.hits" > "$T/b"
    cmp -s "$T/a" "$T/b" || fail "-t $t differs from -t 1"
done
grep -q '^total_fragments$' "$T/a" || fail "no counters"

# 2. coordinate-sorted = collated
for bed in up sub; do
    tsc-fetch -n "$T/$bed.bed" "$T/big.bam" | tsc-view - | awk -f "$AWK" | LC_ALL=C sort > "$T/c.txt"
    [ "$(grep -c '^R' "$T/c.txt")" -gt 10 ] || fail "$bed: too few mappings"
    for f in sorted noidx; do
        tsc-fetch -n -t 2 "$T/$bed.bed" "$T/$f.bam" | tsc-view - | awk -f "$AWK" | grep -v map_idx | LC_ALL=C sort > "$T/s.txt"
        cmp -s "$T/c.txt" "$T/s.txt" || { diff "$T/c.txt" "$T/s.txt" | head >&2; fail "$bed: $f.bam differs from the collated file"; }
    done
done

# 3. CRAM
awk 'BEGIN { n["chrA"] = 10000; n["chrB"] = 10000; n["chrC"] = 5000; n["chrD"] = 5000;
    for (c in n) { print ">" c; for (i = 0; i < n[c]; i += 50) print "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } }' > "$T/ref.fa"
samtools faidx "$T/ref.fa"
samtools view -C -T "$T/ref.fa" --output-fmt-option embed_ref=1 -o "$T/e.cram" "$G/synth-input/synth.bam"
samtools view -C -T "$T/ref.fa" -o "$T/r.cram" "$G/synth-input/synth.bam"
tsc-fetch -n syn.bed "$G/synth-input/synth.bam" | tsc-view - | grep -v '^@prov' > "$T/bam.txt"
tsc-fetch -n syn.bed "$T/e.cram" | tsc-view - | grep -v '^@prov' | cmp -s - "$T/bam.txt" || fail "CRAM (embedded reference) differs"
tsc-fetch -n -t 2 -r "$T/ref.fa" syn.bed "$T/r.cram" | tsc-view - | grep -v '^@prov' | cmp -s - "$T/bam.txt" || fail "CRAM (-r) differs"

# 4. scattering beyond the window of recent names
{
    printf '@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:chr1\tLN:100000000\n'
    printf 'p\t99\tchr1\t1001\t1\t50M\t=\t1201\t250\t*\t*\tAS:i:1\n'
    awk 'BEGIN { for (i = 0; i < 70000; i++) printf "u%d\t4\t*\t0\t0\t*\t*\t0\t0\t*\t*\n", i }'
    printf 'p\t147\tchr1\t1201\t1\t50M\t=\t1001\t-250\t*\t*\tAS:i:1\n'
} > "$T/orphan.sam"
if tsc-fetch "$T/up.bed" "$T/orphan.sam" > /dev/null 2> "$T/err"; then fail "orphan: accepted"; fi
grep -q 'read p appears again.*mate was missing' "$T/err" || { cat "$T/err" >&2; fail "orphan: wrong message"; }
# a name back after 60000 other fragments (inside the window of recent names), 300000 fragments
# into the file (the window has turned over several times): rejected, in BAM
{
    printf '@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:chr1\tLN:100000000\n'
    awk 'BEGIN { for (i = 0; i < 240000; i++) printf "a%d\t4\t*\t0\t0\t*\t*\t0\t0\t*\t*\n", i;
        print "q\t0\tchr1\t1001\t1\t50M\t*\t0\t0\t*\t*\tAS:i:1";
        for (i = 0; i < 60000; i++) printf "b%d\t4\t*\t0\t0\t*\t*\t0\t0\t*\t*\n", i;
        print "q\t256\tchr1\t5001\t1\t50M\t*\t0\t0\t*\t*\tAS:i:1" }'
} | samtools view -b -o "$T/back.bam" -
if tsc-fetch -t 1 "$T/up.bed" "$T/back.bam" > /dev/null 2> "$T/err"; then fail "a name back: accepted"; fi
grep -q 'read q appears again after other reads: ' "$T/err" || { cat "$T/err" >&2; fail "a name back: wrong message"; }
{
    printf '@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:chr1\tLN:100000000\n'
    awk 'BEGIN { for (i = 0; i < 1500; i++) printf "s%d\t%d\tchr1\t%d\t1\t50M\t*\t0\t0\t*\t*\tAS:i:1\n", i, i == 700 ? 256 : 0, 1000 + 100 * i }'
} > "$T/order.sam"
if tsc-fetch "$T/up.bed" "$T/order.sam" > /dev/null 2> "$T/err"; then fail "sorted content: accepted"; fi
grep -q 'are in coordinate order' "$T/err" || { cat "$T/err" >&2; fail "sorted content: wrong message"; }
tsc-fetch --input-order name "$T/up.bed" "$T/order.sam" > /dev/null || fail "--input-order name: rejected"
exit 0
