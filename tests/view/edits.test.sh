#!/bin/sh
# Text forms that were edited line by line (issue 19): on the synth data's HITS, MATRIX, BLOCKS and
# FIT streams, as section text (tsc-view) and as cell text (tsc-view -m):
#   1. every kind, printed and read back unedited, gives the same bytes;
#   2. deleting or adding whole records (HITS records, cells) gives a valid stream whose counts
#      follow the edit, with run info "edited" and tsc-view in the provenance;
#   3. fuzzed line edits (delete, duplicate or swap random lines; a fixed seed, many times) never
#      crash: tsc-view -b either writes a stream the next stage reads, or fails with exit 1 and a
#      message naming the line (file:LINE:), or saying that the text ended early.
set -u
: "${TSC_DATA:=$(cd ../data && pwd)}" # tests/run.sh exports it; this default until it does
D=$TSC_DATA/golden/synth-input
T=$TMPD
fail=0
ko() { echo "FAIL: $*"; fail=1; }
tsc-regions "$D/synth.gtf" > "$T/loci.bed" 2> /dev/null || { echo "tsc-regions failed"; exit 1; }
tsc-fetch "$T/loci.bed" "$D/synth.bam" > "$T/hits" &&
    tsc-matrix "$T/hits" > "$T/matrix" 2> /dev/null &&
    tsc-blocks "$T/matrix" > "$T/blocks" &&
    tsc-em -q "$T/matrix" > "$T/fit" || { echo "pipeline failed"; exit 1; }

# 1. unedited round trips, byte for byte
for k in hits matrix blocks fit; do
    tsc-view "$T/$k" > "$T/$k.txt" && tsc-view -b "$T/$k.txt" | cmp -s - "$T/$k" || ko "$k: text round trip changed the stream"
    tsc-view "$T/$k.txt" | cmp -s - "$T/$k" || ko "$k: text round trip (no -b) changed the stream"
    [ $k = hits ] && continue
    tsc-view -m "$T/$k" > "$T/$k.cells" || ko "$k: tsc-view -m failed"
    # the cells read back into a MATRIX (or FIT) with the same cells
    tsc-view -b "$T/$k.cells" | tsc-view -m | grep -v '^[#@]' | cut -f 1-6 > "$T/a" || ko "$k: cells -> stream failed"
    grep -v '^[#@]' "$T/$k.cells" | cut -f 1-$([ $k = fit ] && echo 6 || echo 5) > "$T/b"
    cmp -s "$T/a" "$T/b" || ko "$k: cells changed in a round trip"
done
tsc-view -b "$T/fit.cells" | tsc-view -H | grep -q '^#tsc-stream.*kind=FIT' || ko "fit: cells did not give a FIT stream"
tsc-view -b "$T/blocks.cells" | tsc-view -H | grep -q '^#tsc-stream.*kind=MATRIX' || ko "blocks: cells did not give a MATRIX stream"

# fragment names travel in the cell form's name field
tsc-fetch -n "$T/loci.bed" "$D/synth.bam" | tsc-matrix 2> /dev/null > "$T/named" || ko "fetch -n | matrix failed"
tsc-view -m "$T/named" > "$T/named.cells"
sed -n '/^#row/p' "$T/named.cells" | grep -qx '#row	fragment	col	feature	score	name' || ko "names: no name field"
tsc-view -b "$T/named.cells" | tsc-view -m | grep -v '^[#@]' > "$T/a" && grep -v '^[#@]' "$T/named.cells" | cmp -s - "$T/a" ||
    ko "names: cells changed in a round trip"

# 2. whole records deleted and added
# HITS: delete the records of fragments 5 and 10, add one for fragment 45 (at the end of the records)
awk -F '\t' -v OFS='\t' '/^=/ { s = $1 } s == "=HREC" && ($1 == 5 || $1 == 10) { next }
    s == "=RUNI" && !added { print "45", "*", "8,200,100"; added = 1 } 1' "$T/hits.txt" > "$T/e.txt"
if tsc-view -b "$T/e.txt" -o "$T/e.hits" 2> "$T/err"; then
    n=$(tsc-view "$T/e.hits" | awk '/^=/ { s = $1; next } s == "=HREC"' | wc -l)
    [ "$n" -eq 39 ] || ko "HITS edit: $n records, expected 40 - 2 + 1 = 39"
    tsc-view -H "$T/e.hits" | grep -q '^@prov	tsc-view	' || ko "HITS edit: no tsc-view provenance"
    tsc-view "$T/e.hits" | grep -A 1 -x edited | tail -1 | grep -qx 'records 40->39' || ko "HITS edit: run info edited is not 'records 40->39'"
    tsc-matrix "$T/e.hits" 2> /dev/null | tsc-view -m | grep -v '^[#@]' | awk -F '\t' '$2 == 5 || $2 == 10 { bad = 1 } $2 == 45 { n++ }
        END { exit bad || n != 1 }' || ko "HITS edit: the matrix does not follow the edit"
else ko "HITS edit refused: $(cat "$T/err")"; fi
# cells: delete every cell of matrix row 3 and one cell of row 5, add a cell to row 0
awk -F '\t' -v OFS='\t' '/^[#@]/ { print; next } $1 == 3 { next } $1 == 5 && !d { d = 1; next } { print }
    $1 == 0 && !a { a = 1; print 0, $2, 8, "TE10", 50 }' "$T/matrix.cells" > "$T/e.cells"
rows0=$(grep -v '^[#@]' "$T/matrix.cells" | cut -f 1 | sort -u | wc -l)
if tsc-view -b "$T/e.cells" -o "$T/e.mtx" 2> "$T/err"; then
    tsc-view -m "$T/e.mtx" > "$T/e2.cells"
    rows=$(grep -v '^[#@]' "$T/e2.cells" | cut -f 1 | sort -u | wc -l)
    [ "$rows" -eq $((rows0 - 1)) ] || ko "cell edit: $rows rows, expected $((rows0 - 1))"
    grep -q "^@info	edited	rows $rows0->$rows$" "$T/e2.cells" || ko "cell edit: run info edited wrong"
    grep -v '^[#@]' "$T/e2.cells" | awk -F '\t' '$1 == 0 && $4 == "TE10" && $5 == 50 { f = 1 } END { exit !f }' || ko "cell edit: added cell missing"
    one=$(grep -v '^[#@]' "$T/e2.cells" | cut -f 1 | sort | uniq -c | awk '$1 == 1' | wc -l)
    grep -q "^@info	overlap_unique	$one$" "$T/e2.cells" || ko "cell edit: overlap_unique not recomputed ($one)"
    mkdir -p "$T/r" && tsc-em -q "$T/e.mtx" | tsc-report -o "$T/r/x" || ko "cell edit: tsc-em | tsc-report failed"
else ko "cell edit refused: $(cat "$T/err")"; fi

# 3. fuzzed line edits: 3 edits per try, a fixed seed per try
tries=${EDIT_TRIES:-60}
for f in hits.txt matrix.txt blocks.txt fit.txt matrix.cells blocks.cells fit.cells; do
    i=1
    while [ $i -le "$tries" ]; do
        awk -v seed=$i 'BEGIN { srand(seed) } { l[NR] = $0 } END {
            n = NR
            for (e = 0; e < 3; e++) {
                op = int(rand() * 3); a = 1 + int(rand() * n); b = 1 + int(rand() * n)
                if (op == 0 && n > 1) { for (k = a; k < n; k++) l[k] = l[k + 1]; n-- }
                else if (op == 1) { for (k = n; k > a; k--) l[k + 1] = l[k]; l[a + 1] = l[a]; n++ }
                else { x = l[a]; l[a] = l[b]; l[b] = x }
            }
            for (k = 1; k <= n; k++) print l[k] }' "$T/$f" > "$T/fz"
        tsc-view -b "$T/fz" -o "$T/fz.bin" 2> "$T/err"; rc=$?
        if [ $rc -eq 0 ]; then
            tsc-view "$T/fz.bin" > /dev/null 2>&1 || ko "$f try $i: tsc-view -b wrote a stream tsc-view cannot read"
            case $f in
            hits.txt) tsc-matrix "$T/fz.bin" > /dev/null 2> "$T/err2" ;;
            *) tsc-em -q "$T/fz.bin" > /dev/null 2> "$T/err2" ;;
            esac
            rc2=$?
            if [ $rc2 -ne 0 ] && { [ $rc2 -ne 1 ] || ! grep -q '^tsc-' "$T/err2"; }; then
                ko "$f try $i: next stage exit $rc2: $(head -2 "$T/err2")"; cp "$T/fz" "$T/../fz-$f-$i"
            fi
        elif [ $rc -eq 1 ] && grep -Eq '^tsc-view: error: [^ ]*:[0-9]+: |truncated text|no @feature line' "$T/err"; then :
        else ko "$f try $i: exit $rc: $(head -2 "$T/err")"; fi
        if grep -q 'Sanitizer\|runtime error' "$T/err" "$T/err2" 2> /dev/null; then ko "$f try $i: sanitizer report"; fi
        rm -f "$T/err2"
        i=$((i + 1))
    done
done
exit $fail
