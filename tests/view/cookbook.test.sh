#!/bin/sh
# The COOKBOOK of man/tsc.7 as a test: its commands (the "$ " lines between .EX and .EE) run in
# order, with sh -e, in a folder holding Telescope's bundled sample (sample.bam, annotation.gtf) and
# examples/em.py; then each recipe's output is checked against counts derived here independently:
#   1. low-score alignments dropped: per-locus init_aligned and unique_count, the overlap counters
#      and the locus set, computed by awk from the HITS records themselves (not by tsc-matrix);
#   2. one family: its loci only, each with the init_aligned it has in the full run;
#   3. em.py: tsc-em's TE_counts, and run_stats equal but for the run info "edited";
#   4. one block (of the synth sample): its rows and loci, as the BLOCKS stream's BRPT/BROW/BCPT/BCOL
#      sections list them.
set -u
: "${TSC_DATA:=$(cd ../data && pwd)}" # tests/run.sh exports it; this default until it does
top=$(cd ../.. && pwd)
W=$TMPD/cook
mkdir -p "$W"
cp "$TSC_DATA/golden/upstream-data/alignment.bam" "$W/sample.bam"
cp "$TSC_DATA/golden/upstream-data/annotation.gtf" "$W/annotation.gtf"
cp "$top/examples/em.py" "$W/em.py"
cp "$TSC_DATA/golden/synth-input/synth.bam" "$TSC_DATA/golden/synth-input/synth.gtf" "$W/"
cmds=$(awk '/^\.SH /{on = ($2 == "COOKBOOK")} on && /^\.EX/{ex = 1; next} on && /^\.EE/{ex = 0} ex && /^\$ /{sub(/^\$ /, ""); gsub(/\\-/, "-"); gsub(/\\e/, "\\"); print}' "$top/man/tsc.7")
[ "$(printf '%s\n' "$cmds" | wc -l)" -ge 10 ] || { echo "COOKBOOK: too few commands found"; exit 1; }
if ! (cd "$W" && printf 'set -e\n%s\n' "$cmds" | sh) > "$W.log" 2>&1; then
    echo "a COOKBOOK command failed:"; tail -5 "$W.log"; exit 1
fi
fail=0
ko() { echo "FAIL: $*"; fail=1; }
cd "$W" || exit 1
tab=$(printf '\t')

# 1. hi: expected per-locus counts from the records, by hand
tsc-view sample.hits | awk -F '\t' '
    $1 == "@feature" { name[nf++] = $2; next }
    /^=/ { s = $1; next }
    s == "=HREC" {
        delete f; nreal = 0; nfeat = 0
        for (i = 3; i <= NF; i++) {
            split($i, m, ",")
            if (m[2] < 300) continue
            if (m[1] == -1) nfeat = 1
            else if (!(m[1] in f)) { f[m[1]] = 1; nreal++ }
        }
        if (nreal == 0) next
        rows++
        cells = nreal + nfeat
        for (k in f) { aligned[name[k]]++; if (cells == 1) uniq[name[k]]++ }
        if (cells == 1) one++
    }
    END {
        for (k in aligned) printf "%s\t%d\t%d\n", k, aligned[k], uniq[k]
        printf "overlap_unique:%d\toverlap_ambig:%d\n", one, rows - one > "overlap.want"
    }' | sort > hi.want
awk -F '\t' 'NR > 1 && $1 != "__no_feature" { print $1 "\t" $5 "\t" $6 }' out/hi-run_stats.tsv | sort > hi.got
[ -s hi.want ] && cmp -s hi.want hi.got || { ko "1: per-locus init_aligned/unique_count differ"; diff hi.want hi.got | head -5; }
head -1 out/hi-run_stats.tsv | grep -q "$(cat overlap.want)" || ko "1: RunInfo lacks $(cat overlap.want)"
head -1 out/hi-run_stats.tsv | grep -q 'total_fragments:1000	' || ko "1: total_fragments is not the sample's 1000"
head -1 out/hi-run_stats.tsv | grep -q 'edited:records 1000->1000transcript' || ko "1: RunInfo lacks edited:records 1000->1000 at its end"
{ cut -f 1 hi.want; echo __no_feature; } | sort > hi.loci
awk 'NR > 1 { print $1 }' out/hi-TE_counts.tsv | sort | cmp -s - hi.loci || ko "1: TE_counts rows are not the loci left"
tsc-view -H hi.hits | tail -1 | grep -q "^@prov${tab}tsc-view${tab}" || ko "1: hi.hits lacks tsc-view in @prov"
[ "$(wc -l < hi.want)" -ge 10 ] || ko "1: only $(wc -l < hi.want) loci left: a weak test"

# 2. family: its loci, each with the init_aligned of the full run
awk -F '\t' 'NR > 1 { print $1 "\t" $5 }' out/sample-run_stats.tsv | sort > all.aligned
sort family.txt > fam.sorted
join -t "$tab" fam.sorted all.aligned > fam.want
awk -F '\t' 'NR > 1 && $1 != "__no_feature" { print $1 "\t" $5 }' out/family-run_stats.tsv | sort > fam.got
[ -s fam.want ] && cmp -s fam.want fam.got || { ko "2: the family's loci or their init_aligned differ"; diff fam.want fam.got | head -5; }
[ "$(wc -l < fam.want)" -ge 5 ] && [ "$(wc -l < fam.want)" -lt "$(wc -l < all.aligned)" ] || ko "2: a family of $(wc -l < fam.want) loci: a weak test"

# 3. em.py: the recipe's cmp checked TE_counts; run_stats too, but for the edited field
sed '1s/\tedited:[^\t]*transcript/transcript/' out/py-run_stats.tsv | cmp -s - out/sample-run_stats.tsv || ko "3: em.py's run_stats differ from tsc-em's"
grep -v '^transcript' out/py-TE_counts.tsv | awk '$2 > 0' | grep -q . || ko "3: no counts at all"

# 4. block 1: rows and loci as the BLOCKS sections say
tsc-fetch synth.bed synth.bam | tsc-matrix 2> /dev/null | tsc-blocks | tsc-view | awk '/^=/ { s = substr($1, 2); n = 0; next }
    { v[s, n++] = $1 } s == "BRPT" || s == "BCPT" { c[s] = n }
    END { for (i = v["BRPT", 1]; i < v["BRPT", 2]; i++) print "row", v["BROW", i] > "b.rows"
          for (i = v["BCPT", 1]; i < v["BCPT", 2]; i++) print "col", v["BCOL", i] > "b.cols" }'
grep -v '^[#@]' block1.cells | cut -f 1 | sort -u | sed 's/^/row /' | sort > g.rows
sort -u b.rows > w.rows
cmp -s w.rows g.rows || ko "4: block 1's rows differ"
grep -v '^[#@]' block1.cells | awk -F '\t' '$3 != 0 { print "col", $3 }' | sort -u > g.cols
sort -u b.cols > w.cols
cmp -s w.cols g.cols || ko "4: block 1's loci differ"
[ -s w.rows ] || ko "4: block 1 is empty"
exit $fail
