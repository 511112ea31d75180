#!/bin/sh
# tsan.sh -- ThreadSanitizer over the threaded paths: tsc-fetch's BGZF/decode threads (-t 1, 2,
# 4; BAM, SAM, coordinate-sorted, --prefilter), tsc-em's OpenMP backend (-t 2, 4, MATRIX and
# BLOCKS), tsc-assign --ncpu 4, and every unit test but the OpenCL ones.  Not part of `make test` (it rebuilds
# everything); run it from the top of the tree:  sh tests/tsan.sh
#
# Built with clang into build/tsan (bin/ and lib/libtsc.a are left alone) by overriding the
# Makefile's variables:  make CC=clang B=build/tsan BIN=build/tsan/bin LIBTSC=build/tsan/libtsc.a
#                             CFLAGS='-O1 -g -fsanitize=thread' LDFLAGS=-fsanitize=thread
# clang, because its OpenMP runtime (libomp) tells TSan about its barriers and reductions through
# the Archer tool (OMP_TOOL_LIBRARIES=libarcher.so); gcc's libgomp does not, and every parallel
# region then reports false races.  Exit 0 when no run reports a race and all succeed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
TSC_DATA=${TSC_DATA:-$top/tests/data}; export TSC_DATA
S=$TSC_DATA/golden/synth-input
B=build/tsan
CLANG=${CLANG:-clang}
archer=$(ls /usr/lib/llvm-*/lib/libarcher.so 2>/dev/null | tail -1)
[ -n "$archer" ] || { echo "tsan.sh: libarcher.so (package libomp-dev) not found" >&2; exit 1; }
[ -f "$S/synth.bam" ] || { echo "tsan.sh: $S/synth.bam not found (set TSC_DATA=)" >&2; exit 1; }
make -j2 CC="$CLANG" B=$B BIN=$B/bin LIBTSC=$B/libtsc.a CFLAGS='-O1 -g -fsanitize=thread' \
    LDFLAGS=-fsanitize=thread all > $B.log 2>&1 || { tail -20 $B.log; echo "tsan.sh: build failed ($B.log)"; exit 1; }
TSAN_OPTIONS="exitcode=66 halt_on_error=0 ignore_noninstrumented_modules=1 ${TSAN_OPTIONS:-}"
OMP_TOOL_LIBRARIES=$archer
export TSAN_OPTIONS OMP_TOOL_LIBRARIES
W=$(mktemp -d "${TMPDIR:-/tmp}/tsc-tsan.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT INT TERM
fail=0; n=0
run() { # NAME COMMAND...: stdout to $W/out.N; fails on a race report or a non-zero exit
    name=$1; shift
    n=$((n + 1))
    "$@" > "$W/out.$n" 2> "$W/err.$n"
    rc=$?
    if grep -q 'WARNING: ThreadSanitizer' "$W/err.$n"; then echo "FAIL $name: data race"; sed -n '/WARNING: ThreadSanitizer/,/^SUMMARY/p' "$W/err.$n" | head -60; fail=1
    elif [ $rc -ne 0 ]; then echo "FAIL $name: exit $rc"; tail -5 "$W/err.$n"; fail=1
    else echo "ok   $name"; fi
}

# a larger input, so the threads overlap: 20000 pairs over 300 loci (as tests/determinism)
awk 'BEGIN { srand(7); OFS = "\t"; L = 300;
    print "@HD", "VN:1.6", "SO:unsorted"; print "@SQ", "SN:chr1", "LN:" (L * 2000 + 1000);
    for (i = 0; i < L; i++) printf "chr1\ttest\texon\t%d\t%d\t.\t+\t.\tlocus \"HERV_%d\";\n", i * 2000 + 101, i * 2000 + 1100, i > "'"$W"'/big.gtf";
    s = "ACGT"; while (length(s) < 75) s = s s; s = substr(s, 1, 75); q = s; gsub(/./, "I", q);
    for (r = 0; r < 20000; r++) {
        n = 1 + int(rand() * 4); f = int(rand() * L);
        for (k = 0; k < n; k++) {
            l = (f + k * 37) % L; p = l * 2000 + 200 + int(rand() * 600); as = 150 - int(rand() * 12);
            fl = k ? 256 : 0;
            print "p" r, 99 + fl, "chr1", p, 3, "75M", "=", p + 150, 225, s, q, "AS:i:" int(as / 2), "NH:i:" n;
            print "p" r, 147 + fl, "chr1", p + 150, 3, "75M", "=", p, -225, s, q, "AS:i:" int(as / 2), "NH:i:" n;
        }
    } }' > "$W/big.sam" &&
samtools view -b -o "$W/big.bam" "$W/big.sam" 2>/dev/null &&
samtools sort -o "$W/big.sorted.bam" "$W/big.sam" 2>/dev/null && samtools index "$W/big.sorted.bam" ||
{ echo "tsan.sh: cannot make the input (samtools?)"; exit 1; }
$B/bin/tsc-regions -o "$W/big.bed" "$W/big.gtf" 2>/dev/null || { echo "tsan.sh: tsc-regions failed"; exit 1; }

for t in 1 2 4; do
    for in in big.bam big.sam big.sorted.bam; do
        run "tsc-fetch -t $t $in" $B/bin/tsc-fetch -t $t -o "$W/hits.$t.$in" "$W/big.bed" "$W/$in"
    done
done
run "tsc-fetch --prefilter -t 4" $B/bin/tsc-fetch --prefilter -t 4 -o "$W/hits.p" "$W/big.bed" "$W/big.sorted.bam"
run "tsc-fetch -t 4 synth.bam" $B/bin/tsc-fetch -t 4 -o "$W/synth.hits" "$W/big.bed" "$S/synth.bam"
$B/bin/tsc-matrix -o "$W/mtx" "$W/hits.1.big.bam" 2>/dev/null && $B/bin/tsc-blocks -o "$W/blk" "$W/mtx" 2>/dev/null ||
{ echo "tsan.sh: tsc-matrix/tsc-blocks failed"; exit 1; }
for in in mtx blk; do
    for t in 2 4; do run "tsc-em -B openmp -t $t $in" $B/bin/tsc-em -q -B openmp -t $t -o "$W/fit.$t.$in" "$W/$in"; done
done
run "tsc-assign --ncpu 4" $B/bin/tsc-assign --quiet --ncpu 4 --outdir "$W/assign" "$W/big.bam" "$W/big.gtf"
# unit tests run in tests/unit; the OpenCL ones are left out: PoCL's own threads crash under TSan
# (SEGV in POclReleaseEvent; the same test is clean under ASan and valgrind)
cd tests/unit || exit 1
for u in "$top"/$B/tests/test_*; do
    [ -x "$u" ] || continue
    case $u in *opencl*) echo "skip unit $(basename "$u") (OpenCL under TSan)"; continue ;; esac
    run "unit $(basename "$u")" "$u"
done
cd "$top" || exit 1
echo "$n runs under ThreadSanitizer: $( [ $fail -eq 0 ] && echo no race || echo FAILED )"
exit $fail
