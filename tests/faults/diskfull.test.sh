#!/bin/sh
# A full disk, for every tool: output to /dev/full; output through the failwrite.c shim
# (LD_PRELOAD: writes fail with ENOSPC after N bytes) cut at several points of the full output,
# both on stdout and with -o FILE; stdout closed; -o into a path that cannot be created.
# Each must exit 1 with "tsc-X: error: ... No space left on device" (or the path's own error);
# a partial -o output must be visibly incomplete: a stream without its trailer (tsc-view refuses
# it), or, for text outputs, no file at all.
. ./common.sh
cc -shared -fPIC -o "$TMPD/failwrite.so" failwrite.c -ldl || { echo "cannot build failwrite.so"; exit 1; }
SHIM="LD_PRELOAD=$TMPD/failwrite.so"
# an ASan build wants its runtime first in the library list; the shim comes before it
[ "${TSC_SAN:-}" = 1 ] && SHIM="ASAN_OPTIONS=verify_asan_link_order=0 $SHIM"
mk_small
: > "$TMPD/notadir"
ENOSPC='error: .*No space left on device'
for t in $TOOLS view-b; do
    case $t in view-b) have view || continue ;; *) have $t || { skip_note tsc-$t; continue; } ;; esac
    c=$(cmd $t small)
    # the whole output, to know where to cut it
    if ! sh -c "$c" > "$TMPD/full.out" 2> "$TMPD/c.err"; then ko "$t: fails without faults ($c): $(head -3 "$TMPD/c.err")"; continue; fi
    size=$(wc -c < "$TMPD/full.out")
    run_check "$t > /dev/full" 1 "tsc-.*$ENOSPC" "$c > /dev/full"
    run_check "$t >&-" 1 "tsc-.*error: .*(Bad file descriptor|stdout|standard output)" "$c >&-"
    for n in 0 1 $((size / 2)) $((size - 1)); do
        [ "$n" -ge 0 ] || continue
        run_check "$t stdout full after $n of $size bytes" 1 "tsc-.*$ENOSPC" "FAILWRITE_AFTER=$n $SHIM $c > $TMPD/o"
    done
    [ $t = view-b ] && continue
    # -o FILE: the same, and what is left behind must not look complete
    o=$TMPD/o.$t
    if [ $t = report ]; then o=$TMPD/rep/x; mkdir -p "$TMPD/rep"; fi
    for n in 0 $((size / 2)); do
        rm -f "$o" "$o"-*
        run_check "$t -o full after $n bytes" 1 "tsc-.*$ENOSPC" "FAILWRITE_AFTER=$n $SHIM $(ocmd $t small "$o")" || continue
        cur="$t -o partial output"
        if makes_stream $t; then
            if [ -f "$o" ] && tsc-view "$o" > /dev/null 2>&1; then ko "$t -o: the partial output after $n bytes reads as a complete stream"; fi
        elif [ $t = view ]; then # text that ends with =END: a cut one is refused by tsc-view -b
            if [ -f "$o" ] && tsc-view -b "$o" -o /dev/null 2>/dev/null; then ko "$t -o: the partial text after $n bytes reads as complete"; fi
        else
            for f in "$o" "$o"-*; do [ -s "$f" ] && ko "$t -o: a partial output is left behind after $n bytes: $f"; done
        fi
    done
    run_check "$t -o not-a-directory" 1 "tsc-.*error: .*notadir.*Not a directory" "$(ocmd $t small "$TMPD/notadir/out")"
done
finish
