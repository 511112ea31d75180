#!/bin/bash
# bench-sc.sh -- the single-cell row of `make bench`: simulated 10x 3' data (tsc-simulate
# --single-cell, STARsolo-like tags, name-collated), then samtools view -c and tsc-sc assign
# (pseudobulk, every reassignment mode, whitelist, 10x folder) on the same BAM, with N threads.
# The data set is made once and cached in BENCH_DIR/data (or a temporary folder by hand).
# Environment: BENCH_SC_CELLS [1000], BENCH_SC_READS [10000000], BENCH_THREADS [2], REPS [3]
#   (median of REPS), BENCH_DIR, TSC_BIN.
# Prints TSV: sc <TAB> case <TAB> threads <TAB> reads <TAB> wall_s <TAB> cpu_s <TAB> peak_MB <TAB>
# ratio to samtools view -c (wall, medians; the two commands' runs interleaved). Peak MB: the
# largest process of the job (tsc-sc runs its stages one after another: the peak is tsc-dedup's
# or tsc-sccount's table of the TE-overlapping fragments).
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

# REPS runs of each command, interleaved (samtools, tsc, samtools, tsc ...: on a shared machine a
# load burst then hits both); per command the median wall and CPU seconds and the largest peak RSS
run1() { # label command
    /usr/bin/time -f "$1 %e %U %S %M" -a -o "$tmp/times" bash -c "$2" > /dev/null 2> "$tmp/err" ||
        { echo "bench-sc: failed: $2" >&2; tail -5 "$tmp/err" >&2; return 1; }
}
med() { # label -> "wall cpu peak_MB"
    grep "^$1 " "$tmp/times" | sort -k2,2n | awk '{ w[NR] = $2; c[NR] = $3 + $4; if ($5 > m) m = $5 }
        END { k = int((NR + 1) / 2); printf "%s %.2f %.0f\n", w[k], c[k], m / 1024 }'
}
: > "$tmp/times"
for ((i = 0; i < reps; i++)); do
    run1 sam "samtools view -c -@ $((N - 1)) '$D.bam'"
    run1 tsc "rm -rf '$tmp/out' && '$BIN/tsc-sc' assign --quiet --nproc $N --whitelist '$D.whitelist.tsv' \
        --use_every_reassign_mode --outdir '$tmp/out' '$D.bam' '$D.gtf'"
done
read -r sw sc sm < <(med sam)
read -r tw tc tm < <(med tsc)
printf 'sc\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "samtools view -c" "$N" "$reads" "$sw" "$sc" "$sm" 1.00
printf 'sc\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "tsc-sc assign (pseudobulk, all modes)" "$N" "$reads" "$tw" "$tc" "$tm" \
    "$(awk -v a="$tw" -v b="$sw" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
