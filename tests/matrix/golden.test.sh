#!/bin/sh
# golden.test.sh -- the real pipeline on upstream's golden inputs:
#   tsc-regions annotation.gtf | tsc-fetch loci.bed BAM | tsc-matrix
# must give upstream's internals exactly: raw_scores.tsv (same rows, columns, features, values;
# upstream lists a row's cells in insertion order, tsc by column, so both are sorted by row and
# column first), features.tsv (column order, names, lengths), and run_info.tsv (every key and
# value in order, the version string aside; this checks overlap_unique/overlap_ambig).
# Fragment names are compared too when tsc-fetch can keep them (--names).
set -e
: "${TMPD:?}" "${TSC_DATA:?}"
PATH="${TSC_BIN:+$TSC_BIN:}$PATH"
G=$TSC_DATA/golden
for t in tsc-regions tsc-fetch; do
    if ! command -v "$t" > /dev/null 2>&1; then
        echo "FAIL: $t is not built"; exit 1
    fi
done
names=--names

run() { # NAME GTF BAM INTERNALS
    d=$TMPD/$1; mkdir -p "$d"
    tsc-regions "$2" > "$d/loci.bed"
    tsc-fetch $names "$d/loci.bed" "$3" | tsc-matrix > "$d/mtx"
    if [ -f "$4/raw_scores.tsv.gz" ]; then gzip -dc "$4/raw_scores.tsv.gz"; else cat "$4/raw_scores.tsv"; fi |
        awk 'NR > 1' | sort -t "$(printf '\t')" -k1,1n -k3,3n > "$d/want"
    tsc-view -m "$d/mtx" | awk -F '\t' -v OFS='\t' '!/^[#@]/ { if (NF == 6) { $2 = $6; NF = 5 } print }' | sort -t "$(printf '\t')" -k1,1n -k3,3n > "$d/got"
    if [ -n "$names" ]; then
        cmp "$d/want" "$d/got" || { echo "$1: raw scores differ"; diff "$d/want" "$d/got" | head; exit 1; }
    else
        cut -f1,3- "$d/want" > "$d/want.nf"; cut -f1,3- "$d/got" > "$d/got.nf"
        cmp "$d/want.nf" "$d/got.nf" || { echo "$1: raw scores differ"; diff "$d/want.nf" "$d/got.nf" | head; exit 1; }
    fi
    [ -s "$d/want" ] || { echo "$1: empty golden matrix?"; exit 1; }
    tsc-view -H "$d/mtx" | awk -F '\t' 'BEGIN { print "col\tfeature\tlength" }
        $1 == "@feature" { print n++ "\t" $2 "\t" $3 }' > "$d/features"
    cmp "$4/features.tsv" "$d/features" || { echo "$1: features differ"; diff "$4/features.tsv" "$d/features" | head; exit 1; }
    tsc-view -H "$d/mtx" | awk -F '\t' '$1 == "@info" && $2 !~ /^_/ && $2 != "version" { print $2 "\t" $3 }' > "$d/info"
    grep -v '^version	' "$4/run_info.tsv" > "$d/info.want"
    cmp "$d/info.want" "$d/info" || { echo "$1: run info differs"; diff "$d/info.want" "$d/info"; exit 1; }
    echo "$1: $(wc -l < "$d/got") cells, $(($(wc -l < "$d/features") - 1)) columns: identical"
}

run bundled "$G/upstream-data/annotation.gtf" "$G/upstream-data/alignment.bam" "$G/internals-default"
run synth "$G/synth-input/synth.gtf" "$G/synth-input/synth.bam" "$G/internals-synth"
