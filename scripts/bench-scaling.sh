#!/bin/bash
# bench-scaling.sh -- tsc-fetch beside samtools view -c at 1, 2, 4, 8, 16 threads (as many of
# those as the machine has cores), on the same BAM, median of REPS runs each, the two commands
# run in turn (samtools, tsc-fetch, samtools, ...) so that a busy machine slows both alike.
# Run by `make bench` (BENCH_BAM, BENCH_BED and BENCH_SORTED_BAM set) or by hand:
#   scripts/bench-scaling.sh BAM BED [THREADS...]      (SORTED_BAM=file: also that file)
# Prints TSV: scaling <TAB> input <TAB> threads <TAB> samtools_s <TAB> tsc_fetch_s <TAB> ratio
# <TAB> tsc_fetch_peak_MB. samtools view -c -@ counts extra threads, tsc -t counts all, so both
# use the same number of threads: samtools -@ (T-1), tsc-fetch -t T.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${TSC_BIN:-$top/bin}
bam=${1:-${BENCH_BAM:?BAM or BENCH_BAM}}
bed=${2:-${BENCH_BED:?BED or BENCH_BED}}
shift 2 2> /dev/null || shift $#
sorted=${SORTED_BAM:-${BENCH_SORTED_BAM:-}}
reps=${REPS:-3}
cores=$(nproc)
threads=${*:-$(for t in 1 2 4 8 16; do if [ "$t" -le "$cores" ]; then echo "$t"; fi; done)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tsc-bench-scaling.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# one run of a command: "wall_s peak_kB" appended to file $2
once() {
    /usr/bin/time -f '%e %M' -o "$tmp/t" bash -c "$1" > /dev/null 2> "$tmp/err" ||
        { echo "bench-scaling: failed: $1" >&2; cat "$tmp/err" >&2; return 1; }
    cat "$tmp/t" >> "$2"
}
# median wall seconds and the largest peak RSS in MB of the runs in file $1
median() {
    sort -n "$1" | awk '{ w[NR] = $1; if ($2 > m) m = $2 } END { printf "%s %.0f\n", w[int((NR + 1) / 2)], m / 1024 }'
}

for in in "$bam" ${sorted:+"$sorted"}; do
    for t in $threads; do
        : > "$tmp/s"; : > "$tmp/f"
        for ((i = 0; i < reps; i++)); do
            once "samtools view -c -@ $((t - 1)) '$in'" "$tmp/s"
            once "'$BIN/tsc-fetch' -t $t '$bed' '$in'" "$tmp/f"
        done
        read -r s _ < <(median "$tmp/s")
        read -r f mb < <(median "$tmp/f")
        printf 'scaling\t%s\t%s\t%s\t%s\t%.2f\t%s\n' "$(basename "$in")" "$t" "$s" "$f" \
            "$(awk -v a="$f" -v b="$s" 'BEGIN { print (b > 0 ? a / b : 0) }')" "$mb"
    done
done
