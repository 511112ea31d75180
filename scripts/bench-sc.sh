#!/bin/bash
# bench-sc.sh -- the single-cell row of `make bench`: simulated 10x 3' data (tsc-simulate
# --single-cell, STARsolo-like tags, name-collated), then samtools view -c and tsc-sc assign
# (pseudobulk, every reassignment mode, whitelist, 10x folder) on the same BAM, with N threads.
# The data set is made once and cached in BENCH_DIR/data (or a temporary folder by hand).
# Environment: BENCH_SC_CELLS [1000], BENCH_SC_READS [10000000], BENCH_THREADS [2], REPS [3]
#   (median of REPS), BENCH_DIR, TSC_BIN.
# Prints TSV: sc <TAB> case <TAB> threads <TAB> reads <TAB> wall_s <TAB> cpu_s <TAB> peak_MB <TAB>
# ratio to samtools view -c
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${TSC_BIN:-$top/bin}
cells=${BENCH_SC_CELLS:-1000}
reads=${BENCH_SC_READS:-10000000}
N=${BENCH_THREADS:-2}
reps=${REPS:-3}
data=${BENCH_DIR:-$top/bench}/data
mkdir -p "$data"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tsc-bench-sc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

D=$data/sc-c$cells-n$reads
want="$("$BIN/tsc-simulate" --version | sed -n 's/.*(\(data model [0-9]*\)).*/\1/p') $cells $reads"
if [ "$(cat "$D.stamp" 2> /dev/null)" != "$want" ] || [ ! -s "$D.bam" ]; then
    rm -f "$D".*
    echo "bench-sc: making $cells cells, $reads reads (once; cached in $data) ..." >&2
    "$BIN/tsc-simulate" --single-cell --cells "$cells" -n "$reads" --seed 1 -t "$N" -o "$D" >&2
    echo "$want" > "$D.stamp"
fi
cat "$D.bam" > /dev/null # warm the page cache

# median wall and CPU seconds, largest peak RSS (MB), of REPS runs of a command
timed() {
    local i
    for ((i = 0; i < reps; i++)); do
        /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" bash -c "$1" > /dev/null 2> "$tmp/err" ||
            { echo "bench-sc: failed: $1" >&2; tail -5 "$tmp/err" >&2; return 1; }
        cat "$tmp/t"
    done | sort -n | awk '{ w[NR] = $1; c[NR] = $2 + $3; if ($4 > m) m = $4 }
        END { k = int((NR + 1) / 2); printf "%s %.2f %.0f\n", w[k], c[k], m / 1024 }'
}
read -r sw sc sm < <(timed "samtools view -c -@ $((N - 1)) '$D.bam'")
read -r tw tc tm < <(timed "rm -rf '$tmp/out' && '$BIN/tsc-sc' assign --quiet --nproc $N --whitelist '$D.whitelist.tsv' \
    --use_every_reassign_mode --outdir '$tmp/out' '$D.bam' '$D.gtf'")
printf 'sc\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "samtools view -c" "$N" "$reads" "$sw" "$sc" "$sm" 1.00
printf 'sc\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "tsc-sc assign (pseudobulk, all modes)" "$N" "$reads" "$tw" "$tc" "$tm" \
    "$(awk -v a="$tw" -v b="$sw" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
