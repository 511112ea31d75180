#!/bin/sh
# restore.test.sh -- tsc-blocks loses nothing: reorder a matrix by its blocks (rows by BROW,
# loci by BCOL, column 0 first), check every cell lies in its block's box (or column 0), map
# the reordered matrix back to original indices and compare with the input, cell by cell.
# Runs on the hand-made several.mtx.txt and on a random matrix made here with awk.
set -e
: "${TMPD:?}"
PATH="${TSC_BIN:+$TSC_BIN:}$PATH"

# random MATRIX text: N rows, K columns, cells ascending per row, some in column 0
awk -v N=400 -v K=90 -v seed=7 'BEGIN {
    srand(seed); nnz = 0; ip[0] = 0
    for (r = 0; r < N; r++) {
        c = (rand() < 0.3) ? 0 : 1 + int(rand() * 5)
        if (c == 0) { cols[nnz] = 0; sc[nnz++] = 1 + int(rand() * 300); c = 1 + int(rand() * 5) }
        while (c < K && rand() < 0.8) {
            cols[nnz] = c; sc[nnz++] = 1 + int(rand() * 300)
            c += 1 + int(rand() * (rand() < 0.5 ? 3 : K))
        }
        ip[r + 1] = nnz
    }
    print "#tsc-stream\tversion=1\tkind=MATRIX"
    print "@feature\t__no_feature\t0"
    for (c = 1; c < K; c++) print "@feature\tL" c "\t" 100 * c
    print "=SHAP\ti64\t2"; print N; print K
    print "=INDP\ti64\t" N + 1; for (r = 0; r <= N; r++) print ip[r]
    print "=INDX\ti32\t" nnz; for (i = 0; i < nnz; i++) print cols[i]
    print "=SCOR\tu32\t" nnz; for (i = 0; i < nnz; i++) print sc[i]
    print "=END"
}' > "$TMPD/random.mtx.txt"

check() {
    tsc-view "$1" > "$TMPD/in"
    tsc-blocks "$TMPD/in" > "$TMPD/blocks"
    tsc-view -m "$TMPD/in" | awk '!/^[#@]/ { print $1 "\t" $3 "\t" $5 }' > "$TMPD/want"
    tsc-view "$TMPD/blocks" | awk '
        /^=/ { split(substr($0, 2), f, "\t"); sec = f[1]; n = 0; next }
        sec == "INDP" { ip[n++] = $1 } sec == "INDX" { ix[n++] = $1 } sec == "SCOR" { sc[n++] = $1 }
        sec == "BRPT" { brpt[n++] = $1; B = n - 1 } sec == "BROW" { brow[n++] = $1 }
        sec == "BCPT" { bcpt[n++] = $1 } sec == "BCOL" { bcol[n++] = $1 }
        END {
            for (k = 0; k < bcpt[B]; k++) newcol[bcol[k]] = k + 1
            newcol[0] = 0
            # reordered matrix: new row j, new column, score
            nn = 0
            for (b = 0; b < B; b++)
                for (j = brpt[b]; j < brpt[b + 1]; j++) {
                    r = brow[j]
                    for (i = ip[r]; i < ip[r + 1]; i++) {
                        nc = newcol[ix[i]]
                        if (nc != 0 && (nc <= bcpt[b] || nc > bcpt[b + 1])) {
                            print "cell of row " r " outside block " b > "/dev/stderr"; exit 1
                        }
                        pr[nn] = j; pc[nn] = nc; ps[nn++] = sc[i]
                    }
                }
            # back to original indices
            for (k = 0; k < nn; k++) print brow[pr[k]] "\t" (pc[k] ? bcol[pc[k] - 1] : 0) "\t" ps[k]
        }' | sort -k1,1n -k2,2n > "$TMPD/got"
    if ! cmp -s "$TMPD/want" "$TMPD/got"; then
        echo "restore differs for $1"; diff "$TMPD/want" "$TMPD/got" | head; exit 1
    fi
    # the MATRIX sections themselves are unchanged
    tsc-view -m "$TMPD/in" | grep -v '^[#@]' > "$TMPD/a"
    tsc-view -m "$TMPD/blocks" | grep -v '^[#@]' | cut -f 1-5 > "$TMPD/b"
    cmp "$TMPD/a" "$TMPD/b"
    [ -s "$TMPD/want" ] || { echo "empty comparison for $1"; exit 1; }
}

check several.mtx.txt
check "$TMPD/random.mtx.txt"
# the random matrix really has several blocks, some with column 0
nb=$(tsc-view "$TMPD/blocks" | awk -F '\t' '/^=BRPT/ { print $3 - 1 }')
n0=$(tsc-view "$TMPD/blocks" | awk -F '\t' '/^=INDX/ { s = 1; next } /^=/ { s = 0 } s && $1 == 0' | wc -l)
[ "$nb" -gt 5 ] && [ "$n0" -gt 10 ] || { echo "random matrix too simple: $nb blocks, $n0 column-0 cells"; exit 1; }
echo "ok: $nb blocks in the random matrix, $n0 cells in column 0"
