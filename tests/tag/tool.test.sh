#!/bin/sh
# tool.test.sh -- tsc-tag beyond the golden records:
#  1. -t 1 and -t 3 write byte-identical BAMs (bundled data, 66,414 records);
#  2. coordinate-sorted input (Q3 fixed): synth.sorted.bam gives the tags of upstream's synth-exclude
#     (the collated file's), in the sorted file's order; it needs a file (not stdin) and a FIT
#     with names, and a FIT of the collated file is refused (fragment ordinals differ);
#  3. CRAM and SAM output (-O, or the name of -o), read back equal to the BAM output;
#  4. -o leaves exactly one file in its folder (no scratch BAMs, Q28), also after a failure (none).
set -eu
G=$TSC_DATA/golden
T=$TMPD
CMP="python3 $(pwd)/cmp_updated.py"
fail() { echo "tool.test.sh: $*" >&2; exit 1; }

tsc-regions "$G/synth-input/synth.gtf" > "$T/synth.bed" 2>/dev/null
tsc-regions "$G/upstream-data/annotation.gtf" > "$T/up.bed" 2>/dev/null

# 1. threads
BAM=$G/upstream-data/alignment.bam
tsc-fetch --names "$T/up.bed" "$BAM" | tsc-matrix | tsc-em -q > "$T/up.fit"
tsc-tag -l "$T/up.bed" --no-PG -t 1 -o "$T/t1.bam" "$T/up.fit" "$BAM"
tsc-tag -l "$T/up.bed" --no-PG -t 3 -o "$T/t3.bam" "$T/up.fit" "$BAM"
cmp -s "$T/t1.bam" "$T/t3.bam" || fail "-t 1 and -t 3 differ"
[ "$(samtools view -c "$T/t1.bam")" -eq 66414 ] || fail "not every record was written"

# 2. coordinate-sorted input
S=$G/synth-input/synth.sorted.bam
tsc-fetch --names "$T/synth.bed" "$S" | tsc-matrix | tsc-em -q > "$T/sorted.fit"
tsc-tag -l "$T/synth.bed" -o "$T/sorted.bam" "$T/sorted.fit" "$S"
samtools view "$S" > "$T/sorted.in.sam"
samtools view "$T/sorted.bam" > "$T/sorted.out.sam"
$CMP --quiet --counts "$G/synth-exclude/telescope-TE_counts.tsv" "$T/sorted.in.sam" "$T/sorted.out.sam" \
    "$G/synth-exclude/telescope-updated.sam.gz" || fail "sorted input differs from upstream's collated result"
if tsc-tag -l "$T/synth.bed" "$T/sorted.fit" - < "$S" > /dev/null 2> "$T/err"; then fail "sorted stdin accepted"; fi
grep -q 'read twice: give a file' "$T/err" || fail "sorted stdin: wrong message: $(cat "$T/err")"
tsc-fetch "$T/synth.bed" "$S" | tsc-matrix | tsc-em -q > "$T/nonames.fit"
if tsc-tag -l "$T/synth.bed" "$T/nonames.fit" "$S" > /dev/null 2> "$T/err"; then fail "sorted without names accepted"; fi
grep -q 'needs fragment names' "$T/err" || fail "sorted without names: wrong message: $(cat "$T/err")"
tsc-fetch --names "$T/synth.bed" "$G/synth-input/synth.bam" | tsc-matrix | tsc-em -q > "$T/synth.fit"
if tsc-tag -l "$T/synth.bed" "$T/synth.fit" "$S" > /dev/null 2> "$T/err"; then fail "collated FIT on sorted input accepted"; fi
grep -q 'does not belong' "$T/err" || fail "collated FIT on sorted: wrong message: $(cat "$T/err")"
tsc-tag -l "$T/synth.bed" -o "$T/c.bam" "$T/synth.fit" "$G/synth-input/synth.bam"

# 3. CRAM and SAM output
awk 'BEGIN { n["chrA"] = 10000; n["chrB"] = 10000; n["chrC"] = 5000; n["chrD"] = 5000;
             split("chrA chrB chrC chrD", o, " ");
             for (i = 1; i <= 4; i++) { print ">" o[i]; s = ""; for (j = 0; j < n[o[i]]; j++) { s = s "A"; if (length(s) == 60) { print s; s = "" } } if (s != "") print s } }' > "$T/ref.fa"
samtools view "$T/c.bam" > "$T/c.sam.txt"
tsc-tag -l "$T/synth.bed" -r "$T/ref.fa" -O cram -o "$T/c.out" "$T/synth.fit" "$G/synth-input/synth.bam"
[ "$(head -c 4 "$T/c.out")" = CRAM ] || fail "-O cram did not write CRAM"
# (CRAM keeps no MAPQ on unmapped records: compare the mapped ones)
samtools view -F 4 --input-fmt-option decode_md=0 --reference "$T/ref.fa" "$T/c.out" > "$T/c.cram.txt"
samtools view -F 4 "$T/c.bam" | cmp -s - "$T/c.cram.txt" || fail "CRAM output differs from BAM output"
tsc-tag -l "$T/synth.bed" -o "$T/c.sam" "$T/synth.fit" "$G/synth-input/synth.bam"
grep -v '^@' "$T/c.sam" | cmp -s - "$T/c.sam.txt" || fail "SAM output (by extension) differs from BAM output"
tsc-tag -l "$T/synth.bed" -O sam "$T/synth.fit" "$G/synth-input/synth.bam" | grep -v '^@' | cmp -s - "$T/c.sam.txt" ||
    fail "SAM output on stdout differs"

# 4. one output file, nothing else (Q28); none after a failure
mkdir "$T/od"
(cd "$T/od" && tsc-tag -l "$T/synth.bed" -o sample-updated.bam "$T/synth.fit" "$G/synth-input/synth.bam")
[ "$(ls -A "$T/od")" = sample-updated.bam ] || fail "-o left other files: $(ls -A "$T/od")"
rm "$T/od/sample-updated.bam"
if (cd "$T/od" && tsc-tag -l "$T/synth.bed" -o x.bam "$T/up.fit" "$G/synth-input/synth.bam" 2>/dev/null); then
    fail "a FIT of other alignments was accepted"
fi
[ -z "$(ls -A "$T/od")" ] || fail "a failed run left files: $(ls -A "$T/od")"
echo "tool tests passed"
