#!/bin/sh
# Bad input files, for every tool: missing, a directory, empty (file and stdin), unreadable (as an
# unprivileged user when run as root: root reads anything), not a stream, gzip'ed, tsc-view text where a stream is
# due; and for every stream reader: every truncation and a flipped bit in every byte of its input
# (every byte of the first 64, then every FAULTS_STEP-th [8]; tests/view/roundtrip.test.sh does
# every byte for tsc-view), the wrong stream kind, an unknown
# format version or kind.  Each must exit 1 with "tsc-X: error:" naming the input, and leave no
# output that looks complete: a stream on stdout must be refused by tsc-view, tsc-view's text
# must not end with =END, tsc-view -m must print nothing, tsc-report must leave no files.
. ./common.sh
mk_small
cc -O1 -o "$TMPD/mutate" mutate.c || { echo "cannot build mutate"; exit 1; }
step=${FAULTS_STEP:-8}
: > "$IN/empty"; mkdir -p "$IN/dir" "$TMPD/r"
gzip -c "$IN/small.mtx.bin" > "$IN/small.mtx.gz"
# kinds: HITS MATRIX BLOCKS FIT -> the small input of that kind
kfile() { case $1 in HITS) echo "$IN/small.hits.bin" ;; MATRIX) echo "$IN/small.mtx.bin" ;; BLOCKS) echo "$IN/small.blocks.bin" ;; FIT) echo "$IN/small.fit.bin" ;; esac; }
# stream readers: NAME TOOL INPUT-KIND ACCEPTED-KINDS COMMAND (@ = the input)
READERS="view|view|MATRIX|HITS MATRIX BLOCKS FIT|tsc-view @
view-m|view|MATRIX|MATRIX BLOCKS FIT|tsc-view -m @
matrix|matrix|HITS|HITS|tsc-matrix @
blocks|blocks|MATRIX|MATRIX BLOCKS|tsc-blocks @
em|em|MATRIX|MATRIX BLOCKS FIT|tsc-em @
report|report|FIT|FIT|tsc-report -o $TMPD/r/x @"

# output left by a failed run of NAME (stdout in $TMPD/c.out) must not look complete
check_leftover() {
    case $1 in
    view) case "$(tail -n 1 "$TMPD/c.out")" in =END*) ko "$1 $2: printed a complete text" ;; esac ;;
    view-m) [ -s "$TMPD/c.out" ] && ko "$1 $2: printed a matrix" ;;
    report) for f in "$TMPD"/r/x-*; do [ -e "$f" ] && ko "$1 $2: left $f"; rm -f "$f"; done ;;
    *) [ -s "$TMPD/c.out" ] && tsc-view "$TMPD/c.out" > /dev/null 2>&1 && ko "$1 $2: wrote a complete stream" ;;
    esac
    return 0
}

while IFS='|' read -r name tool kind accepts c; do
    have $tool || { skip_note tsc-$tool; continue; }
    in=$(kfile $kind)
    run() { printf '%s\n' "$c" | sed "s|@|$1|"; }
    # the intact input works
    run_check "$name intact" 0 "" "$(run "$in")" || continue
    rm -f "$TMPD"/r/*
    run_check "$name missing" 1 "tsc-$tool: error: .*$IN/missing.*No such file" "$(run "$IN/missing")"
    run_check "$name directory" 1 "tsc-$tool: error: .*$IN/dir.*Is a directory" "$(run "$IN/dir")"
    run_check "$name empty file" 1 "tsc-$tool: error: .*$IN/empty: empty input" "$(run "$IN/empty")"
    run_check "$name empty stdin" 1 "tsc-$tool: error: stdin: empty input" "$(run -) < $IN/empty"
    run_check "$name not a stream" 1 "tsc-$tool: error: .*small.gtf(:1)?: not (a tsc stream|tsc-view text)" "$(run "$IN/small.gtf")"
    run_check "$name not a stream (SAM)" 1 "tsc-$tool: error: .*small.sam(:1)?: not (a tsc stream|tsc-view text)" "$(run "$IN/small.sam")"
    run_check "$name gzip" 1 "tsc-$tool: error: .*: not a tsc stream \\(it looks like a gzip" "$(run "$IN/small.mtx.gz")"
    [ $name = view ] || run_check "$name tsc-view text" 1 "tsc-$tool: error: .*tsc-view text" "$(run "$IN/small.mtx.txt")"
    # unreadable: as an unprivileged user when run as root (root reads anything)
    cp "$in" "$TMPD/unreadable"; chmod 000 "$TMPD/unreadable"
    if can_unreadable $tool; then
        run_check "$name unreadable" 1 "tsc-$tool: error: .*unreadable.*Permission denied" "$AS_USER $(run "$TMPD/unreadable")"
    else skip_note "$name unreadable" "no unprivileged user can run tsc-$tool here"; fi
    # wrong kind, unknown version, unknown kind
    for k in HITS MATRIX BLOCKS FIT; do
        case " $accepts " in *" $k "*) continue ;; esac
        run_check "$name given $k" 1 "tsc-$tool: error: .*input is a $k stream" "$(run "$(kfile $k)")"
    done
    { head -c 4 "$in"; printf '\003'; tail -c +6 "$in"; } > "$TMPD/v3"
    run_check "$name version 3" 1 "tsc-$tool: error: .*v3: stream format version 3, this build of tsc reads" "$(run "$TMPD/v3")"
    { head -c 8 "$in"; printf '\011'; tail -c +10 "$in"; } > "$TMPD/k9"
    run_check "$name kind 9" 1 "tsc-$tool: error: .*k9: corrupted stream: unknown stream kind 9" "$(run "$TMPD/k9")"
    # every cut and every flipped byte
    rm -rf "$TMPD/m"; mkdir "$TMPD/m"; "$TMPD/mutate" "$in" "$TMPD/m" "$step" || exit 1
    for f in "$TMPD"/m/*; do
        nrun=$((nrun + 1))
        sh -c "$(run "$f")" > "$TMPD/c.out" 2> "$TMPD/c.err" < /dev/null
        rc=$?
        if [ $rc -ne 1 ]; then ko "$name $(basename "$f"): exit $rc: $(head -3 "$TMPD/c.err")"
        elif ! grep -q "^tsc-$tool: error: .*$f" "$TMPD/c.err"; then ko "$name $(basename "$f"): no error naming the input: $(head -3 "$TMPD/c.err")"
        elif grep -Eq 'Sanitizer|runtime error' "$TMPD/c.err"; then ko "$name $(basename "$f"): sanitizer report"
        fi
        check_leftover $name "$(basename "$f")"
    done
    echo "$name: $(ls "$TMPD/m" | wc -l) damaged inputs"
done <<EOF
$READERS
EOF

# text readers: GTF (tsc-regions), count tables (tsc-merge), BED and SAM (tsc-fetch)
for t in regions merge fetch; do
    have $t || { skip_note tsc-$t; continue; }
    case $t in
    regions) run() { echo "tsc-regions $1"; } ;;
    merge) run() { echo "tsc-merge $IN/small-TE_counts.tsv $1"; } ;;
    fetch) run() { echo "tsc-fetch $IN/small.bed $1"; } ;;
    esac
    run_check "$t missing" 1 "tsc-$t: error: .*$IN/missing.*No such file" "$(run "$IN/missing")"
    run_check "$t directory" 1 "tsc-$t: error: .*$IN/dir.*Is a directory" "$(run "$IN/dir")"
    : > "$TMPD/unreadable"; chmod 000 "$TMPD/unreadable"
    case $t in merge) other=$IN/small-TE_counts.tsv ;; fetch) other=$IN/small.bed ;; *) other= ;; esac
    if can_unreadable $t $other; then
        run_check "$t unreadable" 1 "tsc-$t: error: .*unreadable.*Permission denied" "$AS_USER $(run "$TMPD/unreadable")"
    else skip_note "$t unreadable" "no unprivileged user can run tsc-$t here"; fi
    # a binary stream where text is due: refused, with the file named
    run_check "$t binary input" 1 "tsc-$t: error: .*small.mtx.bin" "$(run "$IN/small.mtx.bin")"
done
finish
