#!/bin/sh
# golden.test.sh -- tsc-tag against upstream Telescope's --updated_sam outputs ($TSC_DATA/golden):
# for every golden run with an updated BAM, the FIT comes from the pipeline
#   tsc-regions GTF | tsc-fetch --names | tsc-matrix | tsc-em
# and cmp_updated.py checks that (1) tsc-tag writes every input record in input order, changed
# only in flag 0x100, MAPQ and ZF/ZT/ZB/XP/YC; (2) every record of upstream's file (which holds
# only the fragments with a locus) is found by its identity and tsc-tag tags exactly those reads;
# (3) flag, MAPQ, ZF, ZT, ZB, XP and YC are equal.
# Choose mode (Q8): with --upstream-draws the BAM must equal upstream's exactly (which disagrees
# with TE_counts: checked to fail); by default the records kept as primary must give exactly
# TE_counts, and may differ from upstream only in flag 0x100 and YC of PRI records on the tied
# fragments (synth: w1 w2 w3 w5, 16 records; bundled: none).
set -eu
G=$TSC_DATA/golden
T=$TMPD
CMP="python3 $(pwd)/cmp_updated.py"
fail() { echo "golden.test.sh: $*" >&2; exit 1; }

tsc-regions "$G/synth-input/synth.gtf" > "$T/synth.bed" 2>/dev/null
tsc-regions "$G/upstream-data/annotation.gtf" > "$T/up.bed" 2>/dev/null
samtools view "$G/synth-input/synth.bam" > "$T/synth.in.sam"
samtools view "$G/upstream-data/alignment.bam" > "$T/up.in.sam"

# fit NAME BED BAM [fetch options]: the FIT of the pipeline in $T/NAME.fit (made once per data
# set and fetch options)
fit() {
    n=$1 bed=$2 bam=$3; shift 3
    [ -f "$T/$n.fit" ] && return 0
    tsc-fetch --names "$@" "$bed" "$bam" | tsc-matrix | tsc-em --quiet > "$T/$n.fit.tmp" ||
        fail "$n: pipeline failed"
    mv "$T/$n.fit.tmp" "$T/$n.fit"
}

# check RUN DATA MODE [FETCH OPTIONS]: tag and compare with golden/RUN
check() {
    run=$1 data=$2 mode=$3; shift 3
    bed=$T/$data.bed
    case $data in synth) bam=$G/synth-input/synth.bam ;; *) bam=$G/upstream-data/alignment.bam ;; esac
    up=$G/$run/telescope-updated.sam.gz
    [ -f "$up" ] || fail "$run: no golden updated SAM ($up)"
    key=$(echo "$data $*" | tr -c 'A-Za-z0-9\n' _)
    fit "$key" "$bed" "$bam" "$@"
    cp "$T/$key.fit" "$T/$run.fit"
    tsc-tag -l "$bed" "$@" --reassign-mode "$mode" -o "$T/$run.bam" "$T/$run.fit" "$bam" ||
        fail "$run: tsc-tag failed"
    samtools view "$T/$run.bam" > "$T/$run.sam"
    counts=
    case $mode in exclude|choose|unique) counts="--counts $G/$run/telescope-TE_counts.tsv" ;; esac
    if [ "$mode" = choose ]; then
        ndiff=0
        [ "$data" = synth ] && ndiff=16
        $CMP --quiet --allow-draws --expect-diffs $ndiff $counts "$T/$data.in.sam" "$T/$run.sam" "$up" ||
            fail "$run: differs from upstream beyond the choose draws, or from TE_counts"
        tsc-tag -l "$bed" "$@" --reassign-mode choose --upstream-draws -o "$T/$run.up.bam" "$T/$run.fit" "$bam" ||
            fail "$run: tsc-tag --upstream-draws failed"
        samtools view "$T/$run.up.bam" > "$T/$run.up.sam"
        $CMP --quiet "$T/$data.in.sam" "$T/$run.up.sam" "$up" ||
            fail "$run: --upstream-draws differs from upstream"
        if [ "$data" = synth ]; then
            # upstream's own BAM disagrees with its TE_counts (Q8); ours with the same draws too
            if $CMP --quiet $counts "$T/$data.in.sam" "$T/$run.up.sam" "$up" > /dev/null; then
                fail "$run: expected upstream's draws to disagree with TE_counts (Q8)"
            fi
        fi
    else
        $CMP --quiet $counts "$T/$data.in.sam" "$T/$run.sam" "$up" || fail "$run: differs from upstream"
    fi
    echo "ok $run"
}

check synth-exclude synth exclude
check synth-choose synth choose
check synth-average synth average
check synth-conf synth conf
check synth-unique synth unique
check synth-stranded_RF synth exclude --stranded-mode RF
check synth-stranded_FR synth exclude --stranded-mode FR
check updated_sam up exclude
check updated_sam_choose up choose

# the header: input's, plus one @PG line of tsc-tag (Q14)
samtools view --no-PG -H "$T/updated_sam.bam" | grep '^@PG' | tail -1 | grep -q '^@PG	ID:tsc-tag	PN:tsc-tag	PP:' ||
    fail "no tsc-tag @PG line chained to the input's"
samtools view --no-PG -H "$G/upstream-data/alignment.bam" > "$T/h.in"
samtools view --no-PG -H "$T/updated_sam.bam" | grep -v '^@PG	ID:tsc-tag' > "$T/h.out"
cmp -s "$T/h.in" "$T/h.out" || fail "the header differs from the input's beyond the @PG line"
echo "all golden updated BAMs agree"
