#!/bin/sh
# internals.test.sh -- tsc-matrix alone against upstream's matrix internals, without tsc-fetch:
# each golden raw_scores.tsv (upstream's CSR in insertion order, i.e. each fragment's mappings
# AS-descending, as tsc-fetch writes them) is turned back into HITS records (AS chosen so that
# AS - minAS + 1 + alnlen gives the raw score; the header's feature table in another order than
# the columns, with a locus no fragment touches), run through tsc-matrix, and compared with
# raw_scores.tsv (sorted by row and column), features.tsv and run_info.tsv (overlap counters).
set -e
: "${TMPD:?}" "${TSC_DATA:?}"
PATH="${TSC_BIN:+$TSC_BIN:}$PATH"
G=$TSC_DATA/golden
tab=$(printf '\t')

check() { # NAME INTERNALS
    d=$TMPD/$1; mkdir -p "$d"
    if [ -f "$2/raw_scores.tsv.gz" ]; then gzip -dc "$2/raw_scores.tsv.gz"; else cat "$2/raw_scores.tsv"; fi > "$d/raw"
    # header table: the used loci sorted by name (not column order), plus one untouched locus
    awk -F '\t' 'NR > 2 { print $2 "\t" $3 }' "$2/features.tsv" | sort > "$d/table"
    printf 'ZZ_untouched\t777\n' >> "$d/table"
    awk -F '\t' -v minas=100 -v alnlen=50 'BEGIN { last = -1; n = 0; ni = 0 }
        FILENAME == ARGV[1] { idx[$1] = n++; feat[n - 1] = $1; len[n - 1] = $2; next }
        FILENAME == ARGV[2] { if ($1 != "version" && $1 !~ /^overlap_/) { key[ni] = $1; val[ni++] = $2 }; next }
        FNR == 1 { next }
        {
            if ($1 != last) { nr++; rec[nr] = (2 * $1 + 1) "\t" $2; last = $1 }   # ordinals with gaps
            f = ($4 == "__no_feature") ? -1 : idx[$4]
            al = $5 > alnlen ? alnlen : $5 - 1
            rec[nr] = rec[nr] "\t" f "," ($5 + minas - 1 - al) "," al
        }
        END {
            print "#tsc-stream\tversion=1\tkind=HITS"
            for (i = 0; i < n; i++) print "@feature\t" feat[i] "\t" len[i]
            print "@info\tversion\tgolden"
            print "=HREC\tu8\t" nr
            for (i = 1; i <= nr; i++) print rec[i]
            print "=RUNI\tstr\t" 2 * (ni + 2)
            for (i = 0; i < ni; i++) { print key[i]; print val[i] }
            print "_min_as"; print minas; print "_max_as"; print 1000
            print "=END"
        }' "$d/table" "$2/run_info.tsv" "$d/raw" > "$d/hits.txt"
    tsc-view "$d/hits.txt" | tsc-matrix > "$d/mtx"
    awk 'NR > 1' "$d/raw" | sort -t "$tab" -k1,1n -k3,3n > "$d/want"
    tsc-view -m "$d/mtx" | awk -F '\t' -v OFS='\t' '!/^[#@]/ { if (NF == 6) { $2 = $6; NF = 5 } print }' | sort -t "$tab" -k1,1n -k3,3n > "$d/got"
    [ -s "$d/want" ] || { echo "$1: empty golden matrix?"; exit 1; }
    cmp "$d/want" "$d/got" || { echo "$1: raw scores differ"; diff "$d/want" "$d/got" | head; exit 1; }
    tsc-view -H "$d/mtx" | awk -F '\t' 'BEGIN { print "col\tfeature\tlength" }
        $1 == "@feature" { print n++ "\t" $2 "\t" $3 }' > "$d/features"
    cmp "$2/features.tsv" "$d/features" || { echo "$1: features differ"; diff "$2/features.tsv" "$d/features"; exit 1; }
    tsc-view -H "$d/mtx" | awk -F '\t' '$1 == "@info" && $2 !~ /^_/ && $2 != "version" { print $2 "\t" $3 }' > "$d/info"
    grep -v '^version' "$2/run_info.tsv" > "$d/info.want"
    cmp "$d/info.want" "$d/info" || { echo "$1: run info differs"; diff "$d/info.want" "$d/info"; exit 1; }
    # every annotated locus, in table order, in ALOC
    tsc-view "$d/mtx" | awk '/^=ALOC/ { s = 1; next } /^=/ { s = 0 } s' > "$d/aloc"
    cut -f1 "$d/table" | cmp - "$d/aloc"
    echo "$1: $(wc -l < "$d/got") cells, $(($(wc -l < "$d/features") - 1)) columns: identical"
}

check bundled "$G/internals-default"
check synth "$G/internals-synth"
