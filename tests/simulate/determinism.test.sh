#!/bin/sh
# Same options and seed give byte-identical files, whatever the prefix, thread count or sort
# memory; another seed gives other files; the sorted BAM is a permutation of the collated one,
# with the index samtools would write.
set -e
T=$TMPD
tsc-simulate -n 5000 -s 3 -o "$T/a"
tsc-simulate -n 5000 -s 3 -t 2 -o "$T/b"
for x in gtf bam truth.tsv; do cmp "$T/a.$x" "$T/b.$x"; done
tsc-simulate -n 5000 -s 4 -o "$T/c"
# (not "! cmp": set -e ignores a command that starts with "!")
if cmp -s "$T/a.bam" "$T/c.bam"; then echo "seeds 3 and 4 give the same BAM"; exit 1; fi
if cmp -s "$T/a.truth.tsv" "$T/c.truth.tsv"; then echo "seeds 3 and 4 give the same truth"; exit 1; fi
samtools quickcheck "$T/a.bam" "$T/c.bam"
test ! -e "$T/a.bam.bai"

# sorted: in memory, and in 1 MB chunks spilled and merged (this must take several chunks)
tsc-simulate -n 5000 -s 3 --sorted -o "$T/s1"
tsc-simulate -n 5000 -s 3 --sorted -t 2 --sort-mem 1M -v -o "$T/s2" 2> "$T/s2.log"
grep -q 'merging [0-9]* sorted chunks' "$T/s2.log"
for x in gtf bam bam.bai truth.tsv; do cmp "$T/s1.$x" "$T/s2.$x"; done
cmp "$T/a.gtf" "$T/s1.gtf"
cmp "$T/a.truth.tsv" "$T/s1.truth.tsv"
if ls -A "$T" | grep -q 'tmp'; then echo "temporary files left behind: $(ls -A "$T" | grep tmp)"; exit 1; fi
samtools quickcheck "$T/s1.bam"
samtools view -H "$T/s1.bam" | grep -q '^@HD.*SO:coordinate'
samtools view -H "$T/a.bam" | grep -q '^@HD.*SO:unsorted.*GO:query'
samtools view "$T/a.bam" | sort > "$T/a.txt"
samtools view "$T/s1.bam" | sort > "$T/s1.txt"
cmp "$T/a.txt" "$T/s1.txt"
cp "$T/s1.bam" "$T/re.bam"
samtools index "$T/re.bam"
cmp "$T/s1.bam.bai" "$T/re.bam.bai"
# region queries through the index
n=$(samtools view -c "$T/s1.bam" chr1)
m=$(samtools view "$T/a.bam" | awk '$3 == "chr1"' | wc -l)
test "$n" -eq "$m"
# @PG records the data options, never the output prefix or threads
samtools view --no-PG -H "$T/b.bam" | grep '^@PG' > "$T/pg"
test "$(wc -l < "$T/pg")" -eq 1
if grep -q -e "$T" -e '--threads' "$T/pg"; then echo "@PG holds the prefix or --threads: $(cat "$T/pg")"; exit 1; fi
echo ok
