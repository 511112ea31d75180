#!/bin/sh
# bench-em.sh -- seconds per EM iteration on a large simulated matrix (OpenMP at 1 and 2 threads,
# the forced row-split path, and OpenCL when asked), beside the memory bandwidth of memcpy
# measured in the same run.  Usage: bench-em.sh [ROWS] [ITERATIONS] [THREADS,...] [opencl|none]
# Prints TSV: em backend threads rows nnz s_per_iter GBps frac_of_memcpy ('#' lines: details).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-5000000}
iters=${2:-10}
threads=${3:-1,2}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
[ -f "$top/lib/libtsc.a" ] || make -C "$top" lib/libtsc.a >&2
cc -O2 -I"$top/lib" $(pkg-config --cflags htslib 2>/dev/null) -o "$tmp/be" "$top/scripts/bench-em.c" \
    "$top/lib/libtsc.a" -fopenmp $(pkg-config --libs htslib 2>/dev/null || echo -lhts) $(pkg-config --exists libdeflate 2>/dev/null && echo -ldeflate) -lOpenCL -lz -lm
"$tmp/be" "$rows" "$iters" "$threads" ${4:-opencl}
