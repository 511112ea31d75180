#!/bin/sh
# device-prep.sh -- get a bare GPU machine's run of scripts/device-check.sh ready, here: build tsc,
# compile the EM benchmarks, and gather into .dev/ what that machine lacks (it can fetch nothing):
# samtools, and the shared libraries of tsc's programs, the benchmarks and samtools that are not
# the C library itself (htslib, libdeflate, the OpenCL ICD loader, libgomp, ...).
# Then carry bin, build/tests and .dev to the machine and run `sh scripts/device-check.sh` there
# (the device tool: run with carry ["bin", "build/tests", ".dev"], about 5 minutes).
# Usage: scripts/device-prep.sh   (from any directory; .dev/ is ignored by git)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
D=$top/.dev
make -C "$top" -j2 > /dev/null
rm -rf "$D"
mkdir -p "$D/bin" "$D/lib"
flags="-O2 -I$top/lib $(pkg-config --cflags htslib 2> /dev/null || true)"
libs="$top/lib/libtsc.a -fopenmp $(pkg-config --libs htslib 2> /dev/null || echo -lhts) $(pkg-config --exists libdeflate 2>/dev/null && echo -ldeflate) -lOpenCL -lz -lm"
# shellcheck disable=SC2086
cc $flags -o "$D/bin/bench-em" "$top/scripts/bench-em.c" $libs
# shellcheck disable=SC2086
cc $flags -o "$D/bin/bench-scem" "$top/scripts/bench-scem.c" $libs
cp "$(command -v samtools)" "$D/bin/"
for f in "$top"/bin/tsc-* "$D"/bin/* "$top"/build/tests/test_*; do
    ldd "$f" 2> /dev/null | awk '$3 ~ /^\// { print $3 }'
done | sort -u | while read -r l; do
    case $(basename "$l") in
    libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|ld-linux*) ;; # the machine's own
    *) cp -L "$l" "$D/lib/" ;;
    esac
done
echo "device-prep: $(ls "$D/lib" | wc -l) libraries, $(du -sh "$D" | cut -f1) in $D; carry bin, build/tests and .dev"
