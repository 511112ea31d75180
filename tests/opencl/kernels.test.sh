#!/bin/sh
# kernels.test.sh -- every kernels/*.cl compiles on its own, without a device: with clang for
# the host (syntax), NVIDIA PTX, AMD GCN and SPIR, with -Wall -Wextra -Werror and the -D values the
# host passes; without a required -D it stops at its #error; PTX has no fused multiply-add
# (FP_CONTRACT OFF is honoured). Needs clang (a build dependency, see scripts/deps.sh).
set -u
top=$(cd ../.. && pwd)
: "${TMPD:=$(mktemp -d)}"
fail=0
command -v clang >/dev/null 2>&1 || { echo "kernels.test.sh: clang not found (make deps installs it)"; exit 1; }
CL="clang -x cl -cl-std=CL1.2 -Xclang -finclude-default-header -Wall -Wextra -Werror"

# kernel name, the -D sets to try (';'-separated), the text of its #error without them; each
# program is built as the host builds it: kernels/pairwise.cl, then the program's file
check() {
    k=$1 defs=$2 err=$3
    [ -f "$top/kernels/$k.cl" ] || { echo "FAIL $k: $top/kernels/$k.cl missing"; fail=1; return; }
    src="$TMPD/$k-program.cl"
    cat "$top/kernels/pairwise.cl" "$top/kernels/$k.cl" > "$src"
    echo "$defs" | tr ';' '\n' | while IFS= read -r d; do
        [ -n "$d" ] || continue
        $CL $d -fsyntax-only "$src" 2> "$TMPD/e" || { echo "FAIL $k ($d): host syntax"; cat "$TMPD/e"; echo x >> "$TMPD/failed"; }
        $CL $d -target nvptx64-nvidia-nvcl -S -o "$TMPD/$k.ptx" "$src" 2> "$TMPD/e" || { echo "FAIL $k ($d): nvptx64"; cat "$TMPD/e"; echo x >> "$TMPD/failed"; }
        if grep -q 'fma\.' "$TMPD/$k.ptx" 2>/dev/null; then echo "FAIL $k ($d): fused multiply-add in PTX"; echo x >> "$TMPD/failed"; fi
        grep -q '\.entry' "$TMPD/$k.ptx" 2>/dev/null || { echo "FAIL $k ($d): no kernel entry in PTX"; echo x >> "$TMPD/failed"; }
        $CL $d -target amdgcn-amd-amdhsa -mcpu=gfx90a -nogpulib -c -o "$TMPD/$k.o" "$src" 2> "$TMPD/e" || { echo "FAIL $k ($d): amdgcn"; cat "$TMPD/e"; echo x >> "$TMPD/failed"; }
        $CL $d -target spir64 -c -emit-llvm -o "$TMPD/$k.bc" "$src" 2> "$TMPD/e" || { echo "FAIL $k ($d): spir64"; cat "$TMPD/e"; echo x >> "$TMPD/failed"; }
    done
    if $CL -fsyntax-only "$src" 2> "$TMPD/e"; then
        echo "FAIL $k: compiles without its required -D parameters"; fail=1
    elif ! grep -q -- "$err" "$TMPD/e"; then
        echo "FAIL $k: no '#error $err' without its -D parameters:"; cat "$TMPD/e"; fail=1
    fi
}

check em "-D TSC_IDX_T=uint;-D TSC_IDX_T=ulong" "need -D TSC_IDX_T"
check scem "-D TSC_IDX_T=uint" "need -D TSC_IDX_T"

# every kernel file is listed above
for f in "$top"/kernels/*.cl; do
    case $(basename "$f") in em.cl|scem.cl|pairwise.cl) ;; *) echo "FAIL $(basename "$f"): not checked by kernels.test.sh"; fail=1 ;; esac
done
[ -f "$TMPD/failed" ] && fail=1
exit $fail
