#!/bin/sh
# bench-regions.sh -- time tsc-regions on a generated GTF.
# Usage: scripts/bench-regions.sh [ROWS [REPEATS]]     (defaults: 1000000 rows, best of 3)
# Generates (awk) a Telescope-like GTF of ROWS data rows into a temporary folder: per locus one
# "###" comment, one gene row and four exon rows (two of which share a base, so they merge), ~250
# bytes a row, on 24 chromosomes.  Prints one TSV line:
#   regions<TAB>rows<TAB>seconds<TAB>rows_per_s
# seconds is the best wall-clock time of REPEATS runs, reading the GTF and writing the BED to a file.
# TSC_BIN (default: bin/ next to this script) locates tsc-regions.  Part of tsc. MIT licence.
set -eu
rows=${1:-1000000}
reps=${2:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${TSC_BIN:-$top/bin}
[ -x "$bin/tsc-regions" ] || { echo "bench-regions: $bin/tsc-regions not found (run make)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tsc-bench-regions.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

awk -v rows="$rows" 'BEGIN {
    OFS = "\t"; n = 0; loc = 0; pos = 10000; chr = 1
    while (n < rows) {
        loc++
        if (loc % 8000 == 0) { chr = chr % 24 + 1; pos = 10000 }
        name = sprintf("HERV_%d_%d", chr, loc)
        strand = loc % 2 ? "+" : "-"
        s = pos; e = pos + 9000
        a = "gene_id \"" name "\"; transcript_id \"" name "\"; locus \"" name "\"; "
        print "### " name " ###"
        print "chr" chr, "rmsk", "gene", s, e, ".", strand, ".", a "category \"prototype\"; locid \"x\"; model_cov \"7448\";"
        n++
        for (k = 0; k < 4 && n < rows; k++) {
            es = s + k * 2250; ee = es + 2000 + (k == 1 ? 251 : 0)   # exons 2 and 3 share a base
            print "chr" chr, "rmsk", "exon", es, ee, 7000 + k, strand, ".", a "repName \"LTR5_Hs\"; geneRegion \"ltr\"; repClass \"LTR\"; repFamily \"ERVK\"; repStart \"1\"; repEnd \"968\";"
            n++
        }
        pos = e + 5000 + (loc * 7919) % 20000
    }
}' > "$tmp/bench.gtf"

best=
i=0
while [ "$i" -lt "$reps" ]; do
    t0=$(date +%s.%N)
    "$bin/tsc-regions" "$tmp/bench.gtf" > "$tmp/out.bed"
    t1=$(date +%s.%N)
    t=$(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }')
    if [ -z "$best" ]; then best=$t; else best=$(echo "$best $t" | awk '{ print ($2 < $1) ? $2 : $1 }'); fi
    i=$((i + 1))
done
echo "$rows $best" | awk '{ printf "regions\t%d\t%s\t%.0f\n", $1, $2, $1 / $2 }'
