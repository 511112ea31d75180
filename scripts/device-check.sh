#!/bin/sh
# device-check.sh -- tsc on a machine with a GPU and many cores, in one short call: the OpenCL
# tests and EM benchmarks on its GPU (bulk and many-cell), and the CPU scaling table of tsc-fetch
# beside samtools view -c at -t 1, 2, 4, 8, 16 (as many as it has cores), collated and sorted.
# Prepared here by scripts/device-prep.sh (bin, build/tests and .dev carried); needs nothing installed
# there but a C library and, for the GPU, its OpenCL driver (an ICD file is made for NVIDIA's
# when the machine has none).  Writes everything to stdout and, when set, $OUT/device-check.txt.
# Usage: sh scripts/device-check.sh [FRAGMENTS]   (default 2000000: about 7M records)
# Environment: EM_ROWS [5000000] and SCEM_ROWS [3000000], the benchmarks' sizes.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
D=$top/.dev
n=${1:-2000000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tsc-device.XXXXXX")
log=${OUT:+$OUT/device-check.txt}
[ -d "$D/lib" ] && [ -x "$top/bin/tsc-fetch" ] || { echo "device-check: run scripts/device-prep.sh first (and carry bin, build/tests, .dev)" >&2; exit 1; }
export LD_LIBRARY_PATH="$D/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PATH="$top/bin:$D/bin:$PATH"
if ! ls /etc/OpenCL/vendors/*.icd > /dev/null 2>&1; then
    nv=$(ldconfig -p 2> /dev/null | awk '/libnvidia-opencl\.so\.1/ { print $NF; exit }')
    [ -n "$nv" ] || nv=$(find / -name 'libnvidia-opencl.so.1' 2> /dev/null | head -1)
    if [ -n "$nv" ]; then mkdir -p "$tmp/icd"; echo "$nv" > "$tmp/icd/nvidia.icd"; export OCL_ICD_VENDORS="$tmp/icd"; fi
fi
step() { echo; echo "== $* ($(date +%T))"; }
{
    step "machine"
    echo "cores: $(nproc)"; nvidia-smi -L 2> /dev/null || echo "nvidia-smi: none"
    echo "OpenCL ICD: ${OCL_ICD_VENDORS:-/etc/OpenCL/vendors}"
    step "OpenCL unit tests"
    for t in test_em_opencl test_scem_opencl; do
        (cd "$top/tests/unit" && timeout 300 "$top/build/tests/$t" 2>&1 | tail -3)
    done
    step "tsc-em on the GPU: the device, and the same bits as OpenMP"
    tsc-simulate --seed 3 -n 200000 -L 500 -o "$tmp/s" > /dev/null 2>&1 && tsc-regions "$tmp/s.gtf" > "$tmp/s.bed" 2> /dev/null &&
        tsc-fetch -t 4 "$tmp/s.bed" "$tmp/s.bam" 2> /dev/null | tsc-matrix > "$tmp/m.tsc" 2> /dev/null
    tsc-em -v --backend opencl "$tmp/m.tsc" 2>&1 > "$tmp/cl.fit" | grep -E 'OpenCL (device|EM set-up|kernel)|error' | head -8
    tsc-em -q -t 4 "$tmp/m.tsc" > "$tmp/omp.fit" 2> /dev/null
    tsc-view "$tmp/cl.fit" 2> /dev/null | grep -v -e '^@prov' -e backend > "$tmp/a"
    tsc-view "$tmp/omp.fit" 2> /dev/null | grep -v -e '^@prov' -e backend > "$tmp/b"
    if [ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b"; then echo "opencl = openmp: same bits"; else echo "opencl and openmp DIFFER (or failed)"; diff "$tmp/a" "$tmp/b" | head -5; fi
    step "bulk EM benchmark (${EM_ROWS:-5000000} rows; seconds per iteration)"
    timeout 300 bench-em "${EM_ROWS:-5000000}" 10 "1,4,16" opencl 2>&1
    step "many-cell EM benchmark (5000 cells, ${SCEM_ROWS:-3000000} rows)"
    timeout 300 bench-scem 5000 "${SCEM_ROWS:-3000000}" 5000 "1,4,16" opencl 2>&1
    step "CPU scaling: $n fragments, collated and coordinate-sorted"
    tsc-simulate --seed 1 -n "$n" -L 2000 --nh -t "$(nproc)" -o "$tmp/d" > /dev/null 2>&1 &&
        tsc-simulate --seed 1 -n "$n" -L 2000 --nh -t "$(nproc)" --sorted -o "$tmp/ds" > /dev/null 2>&1 &&
        tsc-regions "$tmp/d.gtf" > "$tmp/d.bed" 2> /dev/null
    echo "scaling	input	threads	samtools_s	tsc_fetch_s	ratio	tsc_fetch_peak_MB"
    REPS=3 SORTED_BAM="$tmp/ds.bam" timeout 400 bash "$top/scripts/bench-scaling.sh" "$tmp/d.bam" "$tmp/d.bed" 2>&1
    step "done"
} 2>&1 | if [ -n "$log" ]; then tee "$log"; else cat; fi
rm -rf "$tmp"
