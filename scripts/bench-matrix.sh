#!/bin/bash
# bench-matrix.sh -- throughput of tsc-matrix and tsc-blocks in nonzeros per second.
# Usage: scripts/bench-matrix.sh [N_FRAGMENTS [N_LOCI]]      (defaults 3000000 and 50000)
# Builds tests/matrix/gen_hits.c against lib/libtsc.a (run `make` first), writes a synthetic
# HITS stream (about 3.8 mappings per fragment: >= 10M nonzeros by default), times
#   tsc-matrix HITS > MATRIX   and   tsc-blocks MATRIX > BLOCKS
# (files in a temporary folder, so disk cache, not pipes, feeds them) and prints TSV lines
#   matrix<TAB>nnz<TAB>seconds<TAB>nnz_per_s   and the same for blocks.
# Environment: TSC_BIN (tools, default bin/), TMPDIR, CC.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${TSC_BIN:-$top/bin}
nfrag=${1:-3000000}
nloci=${2:-50000}
cc=${CC:-gcc}
[ -x "$bin/tsc-matrix" ] && [ -x "$bin/tsc-blocks" ] && [ -f "$top/lib/libtsc.a" ] ||
    { echo "bench-matrix.sh: build first (make)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tsc-bench-matrix.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

hts_libs="$(pkg-config --libs htslib 2>/dev/null || echo -lhts) $(pkg-config --exists libdeflate 2>/dev/null && echo -ldeflate)"
"$cc" -O2 -std=gnu11 -I"$top/lib" -o "$tmp/gen_hits" "$top/tests/matrix/gen_hits.c" \
    "$top/lib/libtsc.a" $hts_libs -lz -lm -lpthread -fopenmp
nnz=$("$tmp/gen_hits" "$nfrag" "$nloci" 1 "$tmp/hits")
echo "# $nfrag fragments, $nloci loci, $nnz nonzeros; HITS $(du -h "$tmp/hits" | cut -f1)" >&2

now() { date +%s.%N; }
row() { awk -v n="$2" -v t="$3" -v k="$1" 'BEGIN { printf "%s\t%d\t%.3f\t%.0f\n", k, n, t, n / t }'; }

cat "$tmp/hits" > /dev/null # warm the page cache
t0=$(now)
"$bin/tsc-matrix" -v "$tmp/hits" > "$tmp/matrix" 2> "$tmp/matrix.log"
t1=$(now)
got=$(sed -n 's/.* \([0-9]*\) cells.*/\1/p' "$tmp/matrix.log")
[ "$got" = "$nnz" ] || { echo "bench-matrix.sh: tsc-matrix made $got cells, expected $nnz" >&2; exit 1; }
t2=$(now)
"$bin/tsc-blocks" -v "$tmp/matrix" > "$tmp/blocks" 2> "$tmp/blocks.log"
t3=$(now)
sed -n 's/^tsc-blocks: \(.*blocks.*\)/# \1/p' "$tmp/blocks.log" | head -2 >&2
echo "# MATRIX $(du -h "$tmp/matrix" | cut -f1), BLOCKS $(du -h "$tmp/blocks" | cut -f1)" >&2
row matrix "$nnz" "$(echo "$t1 - $t0" | bc -l)"
row blocks "$nnz" "$(echo "$t3 - $t2" | bc -l)"
