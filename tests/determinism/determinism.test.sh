#!/bin/sh
# Determinism: every stage run twice on the same input writes the same bytes, and the threaded
# stages (tsc-fetch, tsc-em, tsc-assign --ncpu) give the same output with -t 1, 2 and 4.  Streams
# are compared byte for byte when the command lines are equal; across thread counts the
# provenance lines (which hold the command line) are left out of the comparison (tsc-view text).
# Inputs: golden/synth-input, and a larger simulated set made here (20000 read pairs over 300
# loci of a repeated family, each pair mapping to 1-4 loci) so that threads get real work.
set -u
fail=0
ko() { echo "FAIL: $*"; fail=1; }
S=$TSC_DATA/golden/synth-input
D=$TMPD
have() { [ -x "$TSC_BIN/tsc-$1" ] || { echo "missing tool tsc-$1"; exit 1; }; }
for t in regions fetch matrix blocks em report view assign; do have $t; done
noprov() { tsc-view "$1" | grep -v '^@prov'; }
same_stream() { # NAME A B: A and B are the same stream but for the provenance
    noprov "$2" > "$D/a.txt" && noprov "$3" > "$D/b.txt" || { ko "$1: unreadable output"; return; }
    cmp -s "$D/a.txt" "$D/b.txt" || ko "$1: outputs differ ($(cmp "$D/a.txt" "$D/b.txt" | head -1))"
}
twice() { # NAME COMMAND...: run twice, stdout must be byte-identical
    n=$1; shift
    "$@" > "$D/1.out" 2>/dev/null || { ko "$n: failed"; return; }
    "$@" > "$D/2.out" 2>/dev/null || { ko "$n: failed the second time"; return; }
    cmp -s "$D/1.out" "$D/2.out" || ko "$n: two runs differ"
}

# ---- the larger input: a family of 300 loci, 20000 pairs, SAM name-collated, then BAM
awk 'BEGIN { srand(7); OFS = "\t"; L = 300;
    print "@HD", "VN:1.6", "SO:unsorted"; print "@SQ", "SN:chr1", "LN:" (L * 2000 + 1000);
    for (i = 0; i < L; i++) printf "chr1\t%d\t%d\tHERV_%d\t0\t+\n", i * 2000 + 100, i * 2000 + 1100, i > "'"$D"'/big.bed";
    s = "ACGT"; while (length(s) < 75) s = s s; s = substr(s, 1, 75); q = s; gsub(/./, "I", q);
    for (r = 0; r < 20000; r++) {
        n = 1 + int(rand() * 4); f = int(rand() * L);
        for (k = 0; k < n; k++) {
            l = (f + k * 37) % L; p = l * 2000 + 200 + int(rand() * 600); as = 150 - int(rand() * 12);
            fl = k ? 256 : 0; h = "NH:i:" n;
            print "p" r, 99 + fl, "chr1", p, 3, "75M", "=", p + 150, 225, s, q, "AS:i:" int(as / 2), h;
            print "p" r, 147 + fl, "chr1", p + 150, 3, "75M", "=", p, -225, s, q, "AS:i:" int(as / 2), h;
        }
    } }' > "$D/big.sam" || exit 1
samtools view -b -o "$D/big.bam" "$D/big.sam" 2>/dev/null || { echo "samtools failed"; exit 1; }

# ---- tsc-regions, twice
twice "tsc-regions synth.gtf" tsc-regions "$S/synth.gtf"
tsc-regions "$S/synth.gtf" > "$D/synth.bed" 2>/dev/null

# ---- tsc-fetch: twice, and -t 1 / 2 / 4, on the synthetic BAM, its SAM and the larger BAM
for in in "$S/synth.bam" "$S/synth.sam" "$S/synth.sorted.bam"; do
    twice "tsc-fetch $(basename "$in")" tsc-fetch "$D/synth.bed" "$in"
done
for in in "$S/synth.bam" "$D/big.bam" "$D/big.sam"; do
    bed=$D/synth.bed; case $in in *big*) bed=$D/big.bed ;; esac
    tsc-fetch -t 1 "$bed" "$in" > "$D/f1" 2>/dev/null || ko "tsc-fetch -t 1 $(basename "$in") failed"
    for t in 2 4; do
        tsc-fetch -t $t "$bed" "$in" > "$D/f$t" 2>/dev/null || ko "tsc-fetch -t $t $(basename "$in") failed"
        same_stream "tsc-fetch -t 1 vs -t $t on $(basename "$in")" "$D/f1" "$D/f$t"
    done
done
tsc-fetch -t 2 "$D/big.bed" "$D/big.bam" > "$D/big.hits" 2>/dev/null || ko "tsc-fetch big.bam failed"
grep -q . "$D/big.hits" && [ "$(tsc-view "$D/big.hits" | grep -c '^[0-9]')" -gt 10000 ] || ko "the larger input gives too few records to test threads"

# ---- tsc-matrix, tsc-blocks: twice
twice "tsc-matrix" tsc-matrix "$D/big.hits"
tsc-matrix "$D/big.hits" > "$D/big.mtx" 2>/dev/null
twice "tsc-blocks" tsc-blocks "$D/big.mtx"
tsc-blocks "$D/big.mtx" > "$D/big.blk" 2>/dev/null

# ---- tsc-em: twice, and -t 1 / 2 / 4 (OpenMP), from MATRIX and from BLOCKS
for in in "$D/big.mtx" "$D/big.blk"; do
    twice "tsc-em $(basename "$in")" tsc-em -q -B openmp -t 2 "$in"
    tsc-em -q -B openmp -t 1 "$in" > "$D/e1" 2>/dev/null || ko "tsc-em -t 1 failed"
    for t in 2 4; do
        tsc-em -q -B openmp -t $t "$in" > "$D/e$t" 2>/dev/null || ko "tsc-em -t $t failed"
        same_stream "tsc-em -t 1 vs -t $t on $(basename "$in")" "$D/e1" "$D/e$t"
    done
done
# from MATRIX and from BLOCKS: the same fit (the headers differ in kind and provenance)
tsc-em -q -B openmp "$D/big.mtx" > "$D/em.m" 2>/dev/null; tsc-em -q -B openmp "$D/big.blk" > "$D/em.b" 2>/dev/null
for sec in PI__ THET ZFIN LNL_; do
    a=$(tsc-view "$D/em.m" | sed -n "/^=$sec/,/^=/p" | md5sum); b=$(tsc-view "$D/em.b" | sed -n "/^=$sec/,/^=/p" | md5sum)
    [ "$a" = "$b" ] || ko "tsc-em: section $sec differs between MATRIX and BLOCKS input"
done

# ---- tsc-report: twice, every mode
for m in exclude choose average conf unique; do
    mkdir -p "$D/r1" "$D/r2"
    tsc-report -m $m -o "$D/r1/x" "$D/em.m" 2>/dev/null && tsc-report -m $m -o "$D/r2/x" "$D/em.m" 2>/dev/null || ko "tsc-report -m $m failed"
    cmp -s "$D/r1/x-TE_counts.tsv" "$D/r2/x-TE_counts.tsv" || ko "tsc-report -m $m: two runs differ"
done

# ---- tsc-assign: --ncpu 1 / 2 / 4 give the same tables
awk '{ printf "%s\ttest\texon\t%d\t%d\t.\t+\t.\tlocus \"%s\";\n", $1, $2 + 1, $3, $4 }' "$D/big.bed" > "$D/big.gtf"
for n in 1 2 4; do
    tsc-assign --quiet --ncpu $n --outdir "$D/a$n" --reassign_mode choose "$D/big.bam" "$D/big.gtf" 2>/dev/null ||
    ko "tsc-assign --ncpu $n failed"
done
for n in 2 4; do
    for f in TE_counts run_stats; do
        cmp -s "$D/a1/telescope-$f.tsv" "$D/a$n/telescope-$f.tsv" || ko "tsc-assign --ncpu 1 vs $n: $f differs"
    done
done
exit $fail
