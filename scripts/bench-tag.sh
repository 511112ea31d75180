#!/bin/bash
# bench-tag.sh -- tsc-tag throughput beside samtools re-encoding the same BAM.
# The input is upstream's bundled alignment.bam (66,414 records, 1,000 read pairs, bowtie2 -k 100)
# replicated COPIES times with renamed reads (name-collated, like an aligner's output); the FIT
# comes from the pipeline (not timed). For each thread count N (total threads):
#   tsc-tag -t N -o out.bam FIT in.bam          (reads, recomputes units, tags, writes BAM)
#   samtools view -b -@ N-1 -o out.bam in.bam   (decode + encode only: the floor; -@ counts extra
#                                                threads, so both use N threads in all)
# Usage: scripts/bench-tag.sh [COPIES [THREADS...]]   (defaults: 20 copies; 1 2 4)
# Prints TSV: tag <TAB> tool <TAB> threads <TAB> records <TAB> seconds <TAB> records_per_s
# (best of REPS runs, REPS=3 by default). Needs samtools and tests/data/golden (or TSC_DATA=).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${TSC_BIN:-$top/bin}
G=${TSC_DATA:-$top/tests/data}/golden
copies=${1:-20}
shift || true
threads=${*:-1 2 4}
reps=${REPS:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tsc-bench-tag.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# input: COPIES renamed copies, one after the other (each read's records stay together)
samtools view -H "$G/upstream-data/alignment.bam" > "$tmp/in.sam"
samtools view "$G/upstream-data/alignment.bam" > "$tmp/body.sam"
for ((k = 0; k < copies; k++)); do
    awk -v k="$k" 'BEGIN { FS = OFS = "\t" } { $1 = $1 "_" k; print }' "$tmp/body.sam"
done >> "$tmp/in.sam"
samtools view -b -@ 2 -o "$tmp/in.bam" "$tmp/in.sam"
rm "$tmp/in.sam" "$tmp/body.sam"
records=$(samtools view -c "$tmp/in.bam")
"$BIN/tsc-regions" "$G/upstream-data/annotation.gtf" > "$tmp/loci.bed" 2> /dev/null
"$BIN/tsc-fetch" --names -t 2 "$tmp/loci.bed" "$tmp/in.bam" | "$BIN/tsc-matrix" | "$BIN/tsc-em" -q > "$tmp/in.fit"

now() { date +%s.%N; }
# best TOOL N CMD...: the fastest of REPS runs
best() {
    local tool=$1 n=$2 b= t0 t1 d r
    shift 2
    for ((r = 0; r < reps; r++)); do
        t0=$(now); "$@"; t1=$(now)
        d=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        if [ -z "$b" ] || awk -v d="$d" -v b="$b" 'BEGIN { exit !(d < b) }'; then b=$d; fi
    done
    awk -v t="$tool" -v n="$n" -v r="$records" -v s="$b" \
        'BEGIN { printf "tag\t%s\t%d\t%d\t%.3f\t%.0f\n", t, n, r, s, (s > 0 ? r / s : 0) }'
}
for n in $threads; do
    best tsc-tag "$n" "$BIN/tsc-tag" -t "$n" -l "$tmp/loci.bed" -o "$tmp/out.bam" "$tmp/in.fit" "$tmp/in.bam"
    best samtools "$n" samtools view -b -@ $((n - 1)) -o "$tmp/sam.bam" "$tmp/in.bam"
done
# the tagged output is the input plus tags: a check that the run did the work
[ "$(samtools view -c "$tmp/out.bam")" -eq "$records" ] || { echo "bench-tag.sh: record count differs" >&2; exit 1; }
