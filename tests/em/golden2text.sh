#!/bin/sh
# golden2text.sh DIR [blocks] -- tsc-view text of a MATRIX stream built from a golden internals
# directory (DIR/raw_scores.tsv[.gz], DIR/features.tsv), cells sorted by row, then column.
# With "blocks": a BLOCKS stream, its blocks computed here (union-find over the columns of each
# row, column 0 left out), written in reverse order of their smallest column.
# Usage: sh golden2text.sh $TSC_DATA/golden/internals-default | tsc-view -b -o matrix.bin
set -eu
dir=$1
blocks=${2:-}
if [ -f "$dir/raw_scores.tsv" ]; then cat "$dir/raw_scores.tsv"; else gzip -dc "$dir/raw_scores.tsv.gz"; fi |
    tail -n +2 | sort -t "$(printf '\t')" -k1,1n -k3,3n |
    awk -F '\t' -v feat="$dir/features.tsv" -v blocks="$blocks" '
    function find(x) { while (par[x] != x) x = par[x]; return x }
    BEGIN {
        OFS = "\t"; K = 0
        while ((getline l < feat) > 0) { if (K++ == 0) continue; split(l, f, "\t"); name[K - 2] = f[2]; len[K - 2] = f[3] }
        K--
    }
    { row[NR] = $1; col[NR] = $3; sc[NR] = $5; if ($1 + 1 > N) N = $1 + 1 }
    END {
        print "#tsc-stream", "version=1", "kind=" (blocks ? "BLOCKS" : "MATRIX")
        for (j = 0; j < K; j++) print "@feature", name[j], len[j]
        print "=SHAP", "i64", 2; print N; print K
        print "=INDP", "i64", N + 1
        k = 1; print 0
        for (i = 0; i < N; i++) { while (k <= NR && row[k] == i) k++; print k - 1 }
        print "=INDX", "i32", NR; for (k = 1; k <= NR; k++) print col[k]
        print "=SCOR", "u32", NR; for (k = 1; k <= NR; k++) print sc[k]
        if (blocks) {
            for (j = 1; j < K; j++) par[j] = j
            for (k = 1; k <= NR; k++) {
                if (col[k] == 0) continue
                if (k > 1 && row[k - 1] == row[k] && first[row[k]] != "") {
                    a = find(first[row[k]]); b = find(col[k])
                    if (a != b) { if (a < b) par[b] = a; else par[a] = b }
                } else first[row[k]] = col[k]
            }
            B = 0
            for (j = 1; j < K; j++) { r = find(j); if (r == j) bid[j] = B++; else bid[j] = bid[r] }
            for (j = 1; j < K; j++) { b = B - 1 - bid[j]; ncol[b]++; cols[b, ncol[b]] = j }
            for (i = 0; i < N; i++) { b = (i in first) ? B - 1 - bid[find(first[i])] : B; nrow[b]++; rows[b, nrow[b]] = i }
            if (nrow[B] > 0) { ncol[B] = 0; B++ }   # rows without a real column: one more block
            print "=BRPT", "i64", B + 1; s = 0; print 0; for (b = 0; b < B; b++) { s += nrow[b]; print s }
            print "=BROW", "i64", N; for (b = 0; b < B; b++) for (x = 1; x <= nrow[b]; x++) print rows[b, x]
            print "=BCPT", "i64", B + 1; s = 0; print 0; for (b = 0; b < B; b++) { s += ncol[b]; print s }
            print "=BCOL", "i32", K - 1; for (b = 0; b < B; b++) for (x = 1; x <= ncol[b]; x++) print cols[b, x]
        }
        print "=END"
    }'
