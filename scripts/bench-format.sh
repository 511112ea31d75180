#!/bin/sh
# bench-format.sh -- write+read throughput of the tsc stream format (HITS records), beside
# samtools view -c on a BAM. Usage: bench-format.sh [RECORDS] [BAM] ; prints TSV lines.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-5000000}
bam=${2:-${TSC_DATA:-$top/tests/data}/golden/upstream-data/alignment.bam}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cc -O2 -Ilib -I"$top/lib" $(pkg-config --cflags htslib 2>/dev/null) -o "$tmp/bf" "$top/scripts/bench-format.c" \
    "$top/lib/libtsc.a" -fopenmp $(pkg-config --libs htslib 2>/dev/null || echo -lhts) $(pkg-config --exists libdeflate 2>/dev/null && echo -ldeflate) -lz -lm
"$tmp/bf" "$n" "$tmp/s.tsc"
if command -v samtools >/dev/null 2>&1 && [ -f "$bam" ]; then
    t0=$(date +%s.%N); recs=$(samtools view -c "$bam"); t1=$(date +%s.%N)
    awk -v r="$recs" -v a="$t0" -v b="$t1" 'BEGIN { printf "format\tsamtools_view_c\t%d\t%.3f\t%.0f\t-\n", r, b - a, r / (b - a) }'
fi
