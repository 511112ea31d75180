#!/bin/bash
# bench-sc-pool.sh -- per-cell EM at atlas scale (issue 17), a row of `make bench`: simulated 10x 3'
# data (tsc-simulate --single-cell: BENCH_POOL_CELLS cells, BENCH_POOL_READS reads, BENCH_POOL_LOCI
# TE loci, cell types with their own TE profiles), then on the same BAM
#   - samtools view -c -@ N (the reference: reading the BAM once);
#   - the whole tsc-sc assign --pooling_mode individual --nproc N (whitelist, best_exclude);
#   - the EM part alone: tsc-sccount --pooling-mode individual (and celltype, with the simulated
#     cell types) on that run's deduplicated checkpoint, at 1 and N threads and on OpenCL
#     (--backend opencl, threads "opencl"): models/s, cells/s.
# Targets (issue 17): whole run <= 2x samtools view -c; EM <= 20% of the run; peak memory printed
# (it should stay flat in the number of reads: bounded by the TE-touching fragments).
# The data set is made once and cached in BENCH_DIR/data.
# Environment: BENCH_POOL_CELLS [5000], BENCH_POOL_READS [50000000], BENCH_POOL_LOCI [5000],
#   BENCH_THREADS [2], BENCH_POOL_REPS or REPS [3] (median of REPS), BENCH_DIR, TSC_BIN.
# At the full size making the data (~4.6 GB BAM) takes minutes and each tsc-sc run a few: under
# `make bench` raise BENCH_EXTRA_TIMEOUT (e.g. 3600) or set BENCH_POOL_REPS=1.
# Prints TSV rows:
#   sc-pool <TAB> case <TAB> threads <TAB> reads <TAB> wall_s <TAB> cpu_s <TAB> peak_MB <TAB> ratio to samtools view -c
#   sc-pool-em <TAB> pooling <TAB> threads <TAB> models <TAB> cells <TAB> em_s <TAB> models/s <TAB> cells/s
#   sc-pool-targets <TAB> whole/samtools <TAB> ratio <TAB> (<= 2) <TAB> EM share <TAB> ratio <TAB> (<= 0.20) <TAB> peak_MB <TAB> MB
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${TSC_BIN:-$top/bin}
cells=${BENCH_POOL_CELLS:-5000}
reads=${BENCH_POOL_READS:-50000000}
loci=${BENCH_POOL_LOCI:-5000}
N=${BENCH_THREADS:-2}
reps=${BENCH_POOL_REPS:-${REPS:-3}}
data=${BENCH_DIR:-$top/bench}/data
mkdir -p "$data"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tsc-bench-sc-pool.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

D=$data/scpool-c$cells-n$reads-L$loci
want="$("$BIN/tsc-simulate" --version | sed -n 's/.*(\(data model [0-9]*\)).*/\1/p') $cells $reads $loci"
if [ "$(cat "$D.stamp" 2> /dev/null)" != "$want" ] || [ ! -s "$D.bam" ]; then
    rm -f "$D".*
    echo "bench-sc-pool: making $cells cells, $reads reads, $loci loci (once; cached in $data) ..." >&2
    "$BIN/tsc-simulate" --single-cell --cells "$cells" -n "$reads" -L "$loci" --seed 1 -t "$N" -o "$D" >&2
    echo "$want" > "$D.stamp"
fi
cat "$D.bam" > /dev/null # warm the page cache

# median wall and CPU seconds, largest peak RSS (MB), of REPS runs of a command
timed() {
    local i
    for ((i = 0; i < reps; i++)); do
        /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" bash -c "$1" > /dev/null 2> "$tmp/err" ||
            { echo "bench-sc-pool: failed: $1" >&2; tail -5 "$tmp/err" >&2; return 1; }
        cat "$tmp/t"
    done | sort -n | awk '{ w[NR] = $1; c[NR] = $2 + $3; if ($4 > m) m = $4 }
        END { k = int((NR + 1) / 2); printf "%s %.2f %.0f\n", w[k], c[k], m / 1024 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

read -r sw sc sm < <(timed "samtools view -c -@ $N '$D.bam'")
read -r tw tc tm < <(timed "rm -rf '$tmp/out' && '$BIN/tsc-sc' assign --quiet --nproc $N --pooling_mode individual \
    --whitelist '$D.whitelist.tsv' --no_10x --outdir '$tmp/out' '$D.bam' '$D.gtf'")
printf 'sc-pool\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "samtools view -c" "$N" "$reads" "$sw" "$sc" "$sm" 1.00
printf 'sc-pool\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "tsc-sc assign --pooling_mode individual" "$N" "$reads" "$tw" "$tc" "$tm" "$(ratio "$tw" "$sw")"

# the EM alone, from tsc-sccount's own timing (model building, all EMs, the summed z): median of REPS
ck=$tmp/out/stellarscope-checkpoint.dedup_umi.tsc
em_n=0
for pool in individual celltype; do
    extra=""
    [ $pool = celltype ] && extra="--celltype-tsv $D.celltypes.tsv"
    for t in 1 $N opencl; do
        [ $t = 1 ] && [ $pool = celltype ] && [ "$N" = 1 ] && continue
        be="-t $t"; [ $t = opencl ] && be="--backend opencl -t $N"
        for ((i = 0; i < reps; i++)); do
            "$BIN/tsc-sccount" -v $be --pooling-mode $pool $extra -p "$tmp/em" "$ck" 2>&1 |
                sed -n 's/.*: \([0-9]*\) models fitted (\([0-9]*\) cells, [0-9]* fragments) in \([0-9.]*\) s.*$/\3 \1 \2/p'
        done | sort -n | awk -v p=$pool -v t="$t" '{ s[NR] = $1; m = $2; c = $3 }
            END { k = int((NR + 1) / 2); e = s[k]; if (e <= 0) e = 1e-6
                  printf "sc-pool-em\t%s\t%s\t%s\t%s\t%.3f\t%.0f\t%.0f\n", p, t, m, c, s[k], m / e, c / e }' > "$tmp/em.row"
        cat "$tmp/em.row"
        [ $pool = individual ] && [ "$t" = "$N" ] && em_n=$(cut -f6 "$tmp/em.row")
    done
done
printf 'sc-pool-targets\twhole/samtools\t%s\t(<= 2)\tEM share\t%s\t(<= 0.20)\tpeak_MB\t%s\n' \
    "$(ratio "$tw" "$sw")" "$(ratio "$em_n" "$tw")" "$tm"
