#!/bin/bash
# bench-fetch.sh -- tsc-fetch speed and memory beside samtools view -c and featureCounts.
# Usage: scripts/bench-fetch.sh [-n FRAGMENTS] [-t THREADS] [-r REPEATS] [-b COPIES] [-k] [DIR]
#   Makes, in DIR (default: a temporary folder, removed unless -k), a paired-end data set in
#   aligner (name-collated) order: FRAGMENTS pairs of 2x100 bp on 20 references of 50 Mb, 15%
#   of them multi-mapped (2-10 alignments, bowtie2 -k style, a fifth of those inside TE-like
#   loci), 5000 loci of 6 kb; plus its coordinate-sorted, indexed copy.  Then times (best of
#   REPEATS, wall seconds and peak RSS): samtools view -c -@T-1 (T threads in all),
#   tsc-fetch -t T (collated; sorted with index; --prefilter), the same with one thread each
#   (samtools view -c, tsc-fetch -t 1; ratios against the one-thread samtools row of the same
#   file), featureCounts -M --fraction -p -T T, and prints the ratios.  Needs samtools, featureCounts (subread), GNU time, awk, bc.
#   -b COPIES: also time the worst case, upstream's bundled data (bowtie2 -k 100, every fragment
#   in a locus) replicated COPIES times with renamed reads (the project's tests/data/golden, or TSC_DATA=).
set -euo pipefail
N=2000000; T=2; R=3; KEEP=0; B=0
while getopts "n:t:r:b:k" o; do
    case $o in n) N=$OPTARG ;; t) T=$OPTARG ;; r) R=$OPTARG ;; b) B=$OPTARG ;; k) KEEP=1 ;; *) exit 2 ;; esac
done
G=${TSC_DATA:-$(cd "$(dirname "$0")/.." && pwd)/tests/data}/golden
shift $((OPTIND - 1))
BIN=${TSC_BIN:-$(cd "$(dirname "$0")/.." && pwd)/bin}
if [ $# -gt 0 ]; then D=$1; mkdir -p "$D"; else D=$(mktemp -d "${TMPDIR:-/tmp}/bench-fetch.XXXXXX"); fi
[ $KEEP = 1 ] || [ $# -gt 0 ] || trap 'rm -rf "$D"' EXIT
cd "$D"

if [ ! -s data.bam ]; then
    echo "making $N fragments in $D ..." >&2
    awk -v N="$N" -v seed=7 'BEGIN {
        srand(seed); nchr = 20; L = 50000000; nloci = 5000; ll = 6000
        print "@HD\tVN:1.6\tSO:unsorted"
        for (c = 1; c <= nchr; c++) printf "@SQ\tSN:chr%d\tLN:%d\n", c, L
        print "@PG\tID:bench\tPN:bench-fetch.sh"
        for (i = 0; i < nloci; i++) {
            lc[i] = 1 + int(rand() * nchr); lp[i] = int(rand() * (L - ll))
            st = rand() < 0.5 ? "+" : "-"
            printf("chr%d\t%d\t%d\tTE%d\t0\t%s\n", lc[i], lp[i], lp[i] + ll, i, st) > "loci.bed"
            printf("TE%d\tchr%d\t%d\t%d\t+\n", i, lc[i], lp[i] + 1, lp[i] + ll) > "loci.saf"
        }
        for (i = 0; i < 1000; i++) { s = ""; for (j = 0; j < 100; j++) s = s substr("ACGT", 1 + int(rand() * 4), 1); seq[i] = s }
        for (i = 0; i < 100; i++) { s = ""; for (j = 0; j < 100; j++) s = s substr("9:;<=>?@ABCDEFGHI", 1 + int(rand() * 17), 1); qual[i] = s }
        for (f = 0; f < N; f++) {
            k = rand() < 0.15 ? 2 + int(rand() * 9) : 1
            for (a = 0; a < k; a++) {
                if (k > 1 && rand() < 0.2) { x = int(rand() * nloci); c = lc[x]; p = lp[x] + int(rand() * (ll - 400)) }
                else { c = 1 + int(rand() * nchr); p = int(rand() * (L - 1000)) }
                ins = 200 + int(rand() * 200); p2 = p + ins - 100
                as1 = -int(rand() * 12); as2 = -int(rand() * 12)
                f1 = a ? 355 : 99; f2 = a ? 403 : 147
                printf "frag%d\t%d\tchr%d\t%d\t%d\t100M\t=\t%d\t%d\t%s\t%s\tAS:i:%d\tXS:i:%d\tNM:i:%d\tYT:Z:CP\n", f, f1, c, p + 1, (k > 1 ? 1 : 42), p2 + 1, ins, seq[int(rand() * 1000)], qual[int(rand() * 100)], as1, as1, -as1 / 6
                printf "frag%d\t%d\tchr%d\t%d\t%d\t100M\t=\t%d\t%d\t%s\t%s\tAS:i:%d\tXS:i:%d\tNM:i:%d\tYT:Z:CP\n", f, f2, c, p2 + 1, (k > 1 ? 1 : 42), p + 1, -ins, seq[int(rand() * 1000)], qual[int(rand() * 100)], as2, as2, -as2 / 6
            }
        }
    }' | samtools view -@"$T" -b -o data.bam -
    samtools sort -@"$T" -m 512M -o sorted.bam data.bam 2>/dev/null
    samtools index sorted.bam
fi
NREC=$(samtools view -c -@"$T" data.bam)
echo "data: $NREC records, $(du -h data.bam | cut -f1) BAM; $(wc -l < loci.bed) loci; threads $T" >&2

# best of R: "wall_s rss_kb"
best() {
    local bw=1e9 bm=0 w m
    for _ in $(seq "$R"); do
        /usr/bin/time -f "%e %M" -o time.txt "$@" > /dev/null 2> err.txt || { cat err.txt >&2; echo "failed: $*" >&2; exit 1; }
        read -r w m < time.txt
        if awk -v a="$w" -v b="$bw" 'BEGIN { exit !(a < b) }'; then bw=$w; bm=$m; fi
    done
    echo "$bw $bm"
}
P=$((T - 1))
printf '%-44s %8s %10s %7s\n' "command" "wall_s" "peak_MB" "ratio"
row() { # NAME WALL RSS BASE
    printf '%-44s %8s %10.1f %7.2f\n' "$1" "$2" "$(echo "$3 / 1024" | bc -l)" "$(echo "$2 / $4" | bc -l)"
}
read -r sw sm < <(best samtools view -c -@"$P" data.bam)
row "samtools view -c -@$P data.bam" "$sw" "$sm" "$sw"
read -r w m < <(best "$BIN/tsc-fetch" -t "$T" -o out.hits loci.bed data.bam)
row "tsc-fetch -t $T (collated)" "$w" "$m" "$sw"
read -r w2 m2 < <(best samtools view -c -@"$P" sorted.bam)
row "samtools view -c -@$P sorted.bam" "$w2" "$m2" "$sw"
read -r w m < <(best "$BIN/tsc-fetch" -t "$T" -o out2.hits loci.bed sorted.bam)
row "tsc-fetch -t $T (sorted, indexed)" "$w" "$m" "$sw"
read -r w m < <(best "$BIN/tsc-fetch" -t "$T" --prefilter -o out3.hits loci.bed sorted.bam)
row "tsc-fetch -t $T --prefilter" "$w" "$m" "$sw"
# one thread each
read -r s1 m1 < <(best samtools view -c data.bam)
row "samtools view -c data.bam" "$s1" "$m1" "$s1"
read -r w m < <(best "$BIN/tsc-fetch" -t 1 -o out5.hits loci.bed data.bam)
row "tsc-fetch -t 1 (collated)" "$w" "$m" "$s1"
read -r s2 m2 < <(best samtools view -c sorted.bam)
row "samtools view -c sorted.bam" "$s2" "$m2" "$s2"
read -r w m < <(best "$BIN/tsc-fetch" -t 1 -o out6.hits loci.bed sorted.bam)
row "tsc-fetch -t 1 (sorted, indexed)" "$w" "$m" "$s2"
if command -v featureCounts > /dev/null; then
    read -r w m < <(best featureCounts -M --fraction -p -T "$T" -F SAF -a loci.saf -o fc.txt data.bam)
    row "featureCounts -M --fraction -p -T $T" "$w" "$m" "$sw"
fi
# the collated and sorted runs must agree (counters and number of records; index keys aside)
counters() { "$BIN/tsc-view" "$1" | sed -n '/^=RUNI/,$p' | sed 1d | grep -v '^=END' | awk 'p { p = 0; next } /map_idx$/ { p = 1; next } 1'; }
cmp <(counters out.hits) <(counters out2.hits) > /dev/null || echo "WARNING: collated and sorted counters differ" >&2
nrec() { "$BIN/tsc-view" "$1" | awk '/^=/ { h = $1 == "=HREC" } h && /^[0-9]/ { n++ } END { print n + 0 }'; }
[ "$(nrec out.hits)" = "$(nrec out2.hits)" ] ||
    echo "WARNING: collated and sorted record counts differ" >&2

if [ "$B" -gt 0 ]; then
    if [ ! -s bundled.bam ]; then
        "$BIN/tsc-regions" "$G/upstream-data/annotation.gtf" > hml2.bed 2>/dev/null
        { samtools view -H "$G/upstream-data/alignment.bam"
          for i in $(seq "$B"); do samtools view "$G/upstream-data/alignment.bam" | awk -v p="c$i." 'BEGIN { OFS = "\t" } { $1 = p $1; print }'; done
        } | samtools view -@"$T" -b -o bundled.bam -
        awk 'BEGIN { OFS = "\t" } !/^#/ { print $4, $1, $2 + 1, $3, "+" }' hml2.bed > hml2.saf
    fi
    echo "worst case: $(samtools view -c bundled.bam) records (bowtie2 -k 100, all in loci)" >&2
    read -r sw sm < <(best samtools view -c -@"$P" bundled.bam)
    row "samtools view -c -@$P bundled.bam" "$sw" "$sm" "$sw"
    read -r w m < <(best "$BIN/tsc-fetch" -t "$T" -o out4.hits hml2.bed bundled.bam)
    row "tsc-fetch -t $T bundled.bam" "$w" "$m" "$sw"
    if command -v featureCounts > /dev/null; then
        read -r w m < <(best featureCounts -M --fraction -p -T "$T" -F SAF -a hml2.saf -o fc2.txt bundled.bam)
        row "featureCounts -M --fraction -p -T $T bundled" "$w" "$m" "$sw"
    fi
fi
