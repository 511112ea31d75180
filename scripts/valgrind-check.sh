#!/bin/sh
# valgrind-check.sh -- run tsc-view and the whole golden pipeline on the synthetic data under
# valgrind (memcheck: invalid reads/writes, uninitialised values, leaks).  For CI; slow, so not
# part of `make test`.  Exit 0 when valgrind is clean everywhere, 1 otherwise (the logs of the
# failing runs are printed).
# Usage: scripts/valgrind-check.sh [BIN_DIR]   (default: bin/ of this tree; build with `make`)
#   VALGRIND_THREADS=N  threads for the threaded stages [2]
# The EM runs on the OpenMP backend: an OpenCL driver under valgrind is slow and noisy.  OpenMP's
# thread pool and htslib's thread pool stay "possibly lost"/"still reachable" at exit, so only
# definite and indirect leaks count as errors.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$top/bin}
S=${TSC_DATA:-$top/tests/data}/golden/synth-input
T=${VALGRIND_THREADS:-2}
command -v valgrind > /dev/null || { echo "valgrind-check: valgrind is not installed" >&2; exit 1; }
[ -f "$S/synth.bam" ] || { echo "valgrind-check: $S/synth.bam not found (set TSC_DATA=)" >&2; exit 1; }
for t in view regions fetch matrix blocks em report; do
    [ -x "$BIN/tsc-$t" ] || { echo "valgrind-check: $BIN/tsc-$t not built" >&2; exit 1; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/tsc-valgrind.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT INT TERM
fail=0; n=0
VG="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --track-origins=yes"

# vg NAME WANT_RC COMMAND...: COMMAND under valgrind; stdin/stdout as redirected by the caller
vg() {
    name=$1; want=$2; shift 2
    n=$((n + 1))
    $VG --log-file="$W/$n.vg" "$@" 2> "$W/$n.err"
    rc=$?
    if [ $rc -eq 99 ] || [ -s "$W/$n.vg" ]; then
        echo "FAIL $name: valgrind errors"; cat "$W/$n.vg"; fail=1
    elif [ $rc -ne "$want" ]; then
        echo "FAIL $name: exit $rc, expected $want"; tail -5 "$W/$n.err"; fail=1
    else
        echo "ok   $name"
    fi
}

# the golden pipeline, stage by stage (each stage on its own, so each is checked on its own)
vg "tsc-regions" 0 "$BIN/tsc-regions" -o "$W/loci.bed" "$S/synth.gtf"
vg "tsc-fetch BAM -t $T" 0 "$BIN/tsc-fetch" -t "$T" -o "$W/hits" "$W/loci.bed" "$S/synth.bam"
vg "tsc-fetch SAM --names" 0 "$BIN/tsc-fetch" -n -o "$W/hits.n" "$W/loci.bed" "$S/synth.sam"
vg "tsc-fetch sorted BAM" 0 "$BIN/tsc-fetch" -o "$W/hits.s" "$W/loci.bed" "$S/synth.sorted.bam"
vg "tsc-fetch --prefilter" 0 "$BIN/tsc-fetch" --prefilter -o "$W/hits.p" "$W/loci.bed" "$S/synth.sorted.bam"
vg "tsc-matrix" 0 "$BIN/tsc-matrix" -o "$W/mtx" "$W/hits"
vg "tsc-blocks" 0 "$BIN/tsc-blocks" -o "$W/blk" "$W/mtx"
vg "tsc-em -t $T (MATRIX)" 0 "$BIN/tsc-em" -q -B openmp -t "$T" -o "$W/fit" "$W/mtx"
vg "tsc-em -t $T (BLOCKS)" 0 "$BIN/tsc-em" -q -B openmp -t "$T" -o "$W/fit.b" "$W/blk"
for m in exclude choose average conf unique; do
    vg "tsc-report -m $m" 0 "$BIN/tsc-report" -m $m -a "$W/all-$m.tsv" -o "$W/rep-$m" "$W/fit"
done
# tsc-view both ways on every stream kind, and its matrix form
for s in hits hits.n mtx blk fit; do
    vg "tsc-view $s" 0 "$BIN/tsc-view" -o "$W/$s.txt" "$W/$s"
    vg "tsc-view -b $s.txt" 0 "$BIN/tsc-view" -b -o "$W/$s.back" "$W/$s.txt"
    cmp -s "$W/$s" "$W/$s.back" || { echo "FAIL tsc-view: $s changed after binary -> text -> binary"; fail=1; }
done
vg "tsc-view -m fit" 0 "$BIN/tsc-view" -m -o "$W/fit.tsv" "$W/fit"
vg "tsc-view -H mtx" 0 "$BIN/tsc-view" -H -o "$W/mtx.h" "$W/mtx"
# error paths free what they allocated too
head -c 300 "$W/mtx" > "$W/cut"
vg "tsc-view (truncated stream)" 1 "$BIN/tsc-view" -o "$W/cut.txt" "$W/cut"
vg "tsc-matrix (MATRIX given)" 1 "$BIN/tsc-matrix" -o "$W/x" "$W/mtx"
vg "tsc-em (truncated stream)" 1 "$BIN/tsc-em" -q -B openmp -o "$W/x" "$W/cut"
vg "tsc-report (truncated stream)" 1 "$BIN/tsc-report" -o "$W/x" "$W/cut"
awk -F'\t' 'BEGIN { OFS = "\t" } !/^@/ && $1 == "u2" { sub(/\tAS:i:[-0-9]+/, "") } 1' "$S/synth.sam" > "$W/noas.sam"
vg "tsc-fetch (missing AS)" 1 "$BIN/tsc-fetch" -o "$W/x" "$W/loci.bed" "$W/noas.sam"
printf 'chr1\tt\texon\t1\t2\t.\t+\t.\n' > "$W/bad.gtf"
vg "tsc-regions (8 columns)" 1 "$BIN/tsc-regions" -o "$W/x" "$W/bad.gtf"
echo "$n runs under valgrind: $( [ $fail -eq 0 ] && echo clean || echo FAILED )"
exit $fail
