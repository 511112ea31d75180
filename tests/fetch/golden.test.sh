#!/bin/sh
# golden.test.sh -- tsc-fetch against upstream Telescope's results ($TSC_DATA/golden):
#  1. internals-default and internals-synth: the score matrix built from the stream (raw = AS -
#     minAS + 1 + alnlen per fragment and feature, hits2raw.awk) equals upstream's
#     raw_scores.tsv(.gz) as a set of (fragment, feature, raw), and the run info equals
#     run_info.tsv (version aside);
#  2. every golden run of `telescope assign` (its options: --stranded_mode, --overlap_threshold,
#     --attribute; SAM, BAM and coordinate-sorted input): the RunInfo counters of
#     telescope-run_stats.tsv, the set of TE_counts rows (= matrix columns), and per feature the
#     init_aligned and unique_count columns of run_stats (cells per column, single-cell rows);
#  3. synth.sorted.bam (coordinate-sorted + index) gives what synth.bam gives (Q3 fixed: the
#     numbers of synth-exclude), plus nmap_idx:122 nunmap_idx:4 from the index; the same without
#     the index (first pass over the whole file), and with -t 3.
set -eu
G=$TSC_DATA/golden
T=$TMPD
fail() { echo "golden.test.sh: $*" >&2; exit 1; }
differ() { diff "$1" "$2" | head -20 >&2; fail "$3"; } # GOT WANT MESSAGE
AWK=$(pwd)/hits2raw.awk

tsc-regions "$G/upstream-data/annotation.gtf" > "$T/up.bed" 2>/dev/null
tsc-regions "$G/synth-input/synth.gtf" > "$T/syn.bed" 2>/dev/null
tsc-regions --attribute gene_id "$G/synth-input/synth.gtf" > "$T/syn-gene_id.bed" 2>/dev/null

# fetch BED ALN [options] -> $T/out.txt (hits2raw form, sorted)
fetch() {
    bed=$1; aln=$2; shift 2
    tsc-fetch -n "$@" "$bed" "$aln" > "$T/out.hits" || fail "tsc-fetch $* $bed $aln failed"
    tsc-view "$T/out.hits" | awk -f "$AWK" | LC_ALL=C sort > "$T/out.txt"
    [ -s "$T/out.txt" ] || fail "no output for $aln $*"
}

# 1. internals
for d in default synth; do
    if [ $d = default ]; then fetch "$T/up.bed" "$G/upstream-data/alignment.bam"; gz="$G/internals-default/raw_scores.tsv.gz"
    else fetch "$T/syn.bed" "$G/synth-input/synth.bam"; gz="$G/internals-synth/raw_scores.tsv"; fi
    case $gz in *.gz) zcat "$gz" ;; *) cat "$gz" ;; esac | tail -n +2 | cut -f2,4,5 | LC_ALL=C sort > "$T/want.raw"
    grep '^R	' "$T/out.txt" | cut -f2- | LC_ALL=C sort > "$T/got.raw"
    [ "$(wc -l < "$T/want.raw")" -gt 30 ] || fail "internals-$d: golden matrix too small"
    cmp -s "$T/got.raw" "$T/want.raw" || differ "$T/got.raw" "$T/want.raw" "internals-$d: raw scores differ"
    grep -v '^version	' "$G/internals-$d/run_info.tsv" | LC_ALL=C sort > "$T/want.info"
    grep '^I	' "$T/out.txt" | cut -f2- | LC_ALL=C sort > "$T/got.info"
    cmp -s "$T/got.info" "$T/want.info" || differ "$T/got.info" "$T/want.info" "internals-$d: run info differs"
done

# 2. every assign run: the options tsc-fetch takes, from cmdline.txt
check_run() { # RUN_DIR (the run whose outputs are compared) ; uses $T/out.txt
    run=$1
    stats="$G/$run/telescope-run_stats.tsv"
    head -1 "$stats" | tr '\t' '\n' | sed 's/transcript$//' | grep ':' | grep -v '^version:' |
        grep -v '^## RunInfo' | sed 's/:/	/' | LC_ALL=C sort > "$T/want.info"
    grep '^I	' "$T/out.txt" | cut -f2- | LC_ALL=C sort > "$T/got.info"
    cmp -s "$T/got.info" "$T/want.info" || differ "$T/got.info" "$T/want.info" "$run: run info differs"
    tail -n +2 "$G/$run/telescope-TE_counts.tsv" | cut -f1 | LC_ALL=C sort > "$T/want.cols"
    grep '^C	' "$T/out.txt" | cut -f2 | LC_ALL=C sort > "$T/got.cols"
    cmp -s "$T/got.cols" "$T/want.cols" || differ "$T/got.cols" "$T/want.cols" "$run: columns differ"
    tail -n +2 "$stats" | awk -F'\t' '{ print $1 "\t" $5 "\t" $6 }' | LC_ALL=C sort > "$T/want.feat"
    grep '^F	' "$T/out.txt" | cut -f2- | LC_ALL=C sort > "$T/got.feat"
    cmp -s "$T/got.feat" "$T/want.feat" || differ "$T/got.feat" "$T/want.feat" "$run: init_aligned/unique_count differ"
}
n=0
for cl in "$G"/*/cmdline.txt; do
    run=$(basename "$(dirname "$cl")")
    set -- $(cat "$cl")
    [ "$2" = assign ] && [ -f "$G/$run/telescope-run_stats.tsv" ] || continue
    aln=$3; gtf=$4; shift 4
    opts=""; bed="$T/up.bed"
    case $gtf in synth-input/*) bed="$T/syn.bed" ;; esac
    while [ $# -gt 0 ]; do
        case $1 in
        --stranded_mode) opts="$opts -s $2"; shift ;;
        --overlap_threshold) opts="$opts -T $2"; shift ;;
        --attribute) bed="$T/syn-$2.bed"; shift ;;
        --outdir|--reassign_mode|--conf_prob|--max_iter|--pi_prior|--theta_prior) shift ;;
        esac
        shift
    done
    [ -f "$bed" ] || fail "$run: no BED for its attribute"
    want=$run
    [ "$run" = synth-sorted_indexed ] && want=synth-exclude   # Q3 fixed: the collated numbers
    fetch "$bed" "$G/$aln" $opts
    if [ "$run" = synth-sorted_indexed ]; then
        grep -q '^I	nmap_idx	122$' "$T/out.txt" && grep -q '^I	nunmap_idx	4$' "$T/out.txt" ||
            fail "$run: no nmap_idx:122 nunmap_idx:4"
        grep -v 'map_idx' "$T/out.txt" > "$T/out2.txt" && mv "$T/out2.txt" "$T/out.txt"
    fi
    check_run "$want"
    n=$((n + 1))
done
[ $n -ge 25 ] || fail "only $n golden assign runs found"

# 3. coordinate-sorted = collated: with the index, without it, with threads
fetch "$T/syn.bed" "$G/synth-input/synth.bam"; mv "$T/out.txt" "$T/collated.txt"
fetch "$T/syn.bed" "$G/synth-input/synth.sorted.bam"
grep -q '^I	nmap_idx	122$' "$T/out.txt" || fail "sorted: no nmap_idx"
grep -v 'map_idx' "$T/out.txt" | cmp -s - "$T/collated.txt" || fail "sorted (indexed) differs from collated"
cp "$G/synth-input/synth.sorted.bam" "$T/noidx.bam"
fetch "$T/syn.bed" "$T/noidx.bam"
cmp -s "$T/out.txt" "$T/collated.txt" || fail "sorted (no index) differs from collated"
fetch "$T/syn.bed" "$G/synth-input/synth.sorted.bam" -t 3
grep -v 'map_idx' "$T/out.txt" | cmp -s - "$T/collated.txt" || fail "sorted -t 3 differs from collated"
# a loci subset: most fragments are then counted without being kept
grep -E '	TE(4|9)	' "$T/syn.bed" > "$T/sub.bed"
fetch "$T/sub.bed" "$G/synth-input/synth.bam"; mv "$T/out.txt" "$T/collated.txt"
fetch "$T/sub.bed" "$G/synth-input/synth.sorted.bam"
grep -v 'map_idx' "$T/out.txt" | cmp -s - "$T/collated.txt" || fail "sorted (loci subset) differs from collated"
fetch "$T/sub.bed" "$T/noidx.bam"
cmp -s "$T/out.txt" "$T/collated.txt" || fail "sorted (loci subset, no index) differs from collated"
exit 0
