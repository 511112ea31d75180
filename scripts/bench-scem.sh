#!/bin/sh
# bench-scem.sh -- many-model EM throughput (individual pooling: one model per cell) on an
# atlas-like simulated matrix: OpenMP at 1 and 2 threads, OpenCL (PoCL on a CPU, or a GPU).
# Usage: bench-scem.sh [CELLS] [ROWS] [LOCI] [THREADS,...] [opencl|none]
# Environment (make bench): BENCH_SCEM_CELLS [5000], BENCH_SCEM_ROWS [3000000: the TE-touching
# reads of ~50M], BENCH_SCEM_LOCI [5000]. Prints TSV (see scripts/bench-scem.c).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cells=${1:-${BENCH_SCEM_CELLS:-5000}}
rows=${2:-${BENCH_SCEM_ROWS:-3000000}}
loci=${3:-${BENCH_SCEM_LOCI:-5000}}
threads=${4:-1,2}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
[ -f "$top/lib/libtsc.a" ] || make -C "$top" lib/libtsc.a >&2
cc -O2 -I"$top/lib" $(pkg-config --cflags htslib 2>/dev/null) -o "$tmp/bs" "$top/scripts/bench-scem.c" \
    "$top/lib/libtsc.a" -fopenmp $(pkg-config --libs htslib 2>/dev/null || echo -lhts) $(pkg-config --exists libdeflate 2>/dev/null && echo -ldeflate) -lOpenCL -lz -lm
echo "# scem backend threads cells rows matrix_cells seconds models_per_s cell_iterations_per_s same"
"$tmp/bs" "$cells" "$rows" "$loci" "$threads" ${5:-opencl}
