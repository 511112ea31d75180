#!/bin/sh
# For every stream kind: text -> binary -> text is identical, and binary -> text -> binary is
# byte-identical; every truncation and every single flipped byte of the binary make tsc-view exit 1
# with a message naming the input.
set -u
fail=0
for k in hits matrix blocks fit; do
    tsc-view -b $k.txt -o "$TMPD/$k.bin" || { echo "$k: text -> binary failed"; fail=1; continue; }
    tsc-view "$TMPD/$k.bin" > "$TMPD/$k.txt" || { echo "$k: binary -> text failed"; fail=1; continue; }
    cmp -s $k.txt "$TMPD/$k.txt" || { echo "$k: text differs after a round trip"; fail=1; }
    tsc-view "$TMPD/$k.txt" > "$TMPD/$k.2.bin" || { echo "$k: second text -> binary failed"; fail=1; }
    cmp -s "$TMPD/$k.bin" "$TMPD/$k.2.bin" || { echo "$k: binary differs after a round trip"; fail=1; }
    n=$(wc -c < "$TMPD/$k.bin")
    i=0
    while [ $i -lt "$n" ]; do
        head -c $i "$TMPD/$k.bin" > "$TMPD/cut"
        tsc-view "$TMPD/cut" > /dev/null 2> "$TMPD/err"; rc=$?
        if [ $rc -ne 1 ] || ! grep -q "tsc-view: error: $TMPD/cut" "$TMPD/err"; then
            echo "$k: truncated at $i bytes: exit $rc: $(cat "$TMPD/err")"; fail=1
        fi
        i=$((i + 1))
    done
    # flip one bit in every byte (a few bits per byte position over the file)
    i=0
    while [ $i -lt "$n" ]; do
        { head -c $i "$TMPD/$k.bin"
          b=$(od -An -tu1 -j $i -N1 "$TMPD/$k.bin" | tr -d ' ')
          printf "\\$(printf %03o $(( (b ^ (1 << (i % 8))) )))"
          tail -c +$((i + 2)) "$TMPD/$k.bin"; } > "$TMPD/flip"
        tsc-view "$TMPD/flip" > /dev/null 2> "$TMPD/err"; rc=$?
        if [ $rc -ne 1 ] || ! grep -q "tsc-view: error:" "$TMPD/err"; then
            echo "$k: byte $i flipped: exit $rc"; fail=1
        fi
        i=$((i + 1))
    done
done
exit $fail
