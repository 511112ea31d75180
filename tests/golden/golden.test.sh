#!/bin/sh
# Every golden run of upstream Telescope ($TSC_DATA/golden/*/cmdline.txt, then golden-large/*)
# repeated with tsc-assign:
# TE_counts.tsv and run_stats.tsv must be byte-identical to upstream's (run_stats: but for the
# version value); floats may differ in their last digits only where libm and numpy differ (spec
# §12), which compare.py prints as NOTEs. The EM's iteration count and printed final
# log-likelihood must equal upstream's log. resume_* runs resume tsc's own default checkpoint.
# synth-sorted_indexed (a coordinate-sorted BAM, misread upstream, Q3) must give synth-exclude's
# numbers, plus the index's nmap_idx/nunmap_idx in the RunInfo (init_best_random aside: see below).
set -u
G=$TSC_DATA/golden
fail=0
# compare NAME EXPECTED_DIR OUT_DIR LOG: TE_counts, run_stats (compare.py) and the EM's last lines
compare() {
    _bad=0
    python3 compare.py counts "$2/telescope-TE_counts.tsv" "$3/telescope-TE_counts.tsv" || { echo "$1: TE_counts differ"; _bad=1; }
    python3 compare.py stats "$2/telescope-run_stats.tsv" "$3/telescope-run_stats.tsv" || { echo "$1: run_stats differ"; _bad=1; }
    # iterations and final lnl as upstream's log
    for pat in 'EM \(converged\|terminated\) after [0-9]* iterations' 'Final log-likelihood: [-0-9.]*'; do
        _e=$(grep -o "$pat" "$2/telescope.log" | tail -n 1)
        _a=$(grep -o "$pat" "$4" | tail -n 1)
        [ -n "$_e" ] && [ "$_e" = "$_a" ] || { echo "$1: '$_a', upstream '$_e'"; _bad=1; }
    done
    return $_bad
}
runs=$(cd "$G" && for d in */cmdline.txt; do dirname "$d"; done | sort)
# default first: resume_* need its checkpoint
runs="default $(echo "$runs" | grep -v '^default$')"
for run in $runs; do
    out=$TMPD/$run
    args=$(sed -e 's/^telescope //' -e "s#upstream-data/#$G/upstream-data/#g" -e "s#synth-input/#$G/synth-input/#g" \
        -e "s#runs/default/telescope-checkpoint.npz#$TMPD/default/telescope-checkpoint.tsc#" \
        -e "s#<OUTDIR>#$out#" "$G/$run/cmdline.txt")
    set -- $args
    if [ "$1" = assign ]; then shift; fi
    if ! tsc-assign "$@" > "$TMPD/$run.out" 2> "$TMPD/$run.log"; then
        echo "$run: tsc-assign failed:"; tail -5 "$TMPD/$run.log"; fail=1; continue
    fi
    if [ "$run" = skip_em ]; then
        [ -f "$out/telescope-checkpoint.tsc" ] || { echo "$run: no checkpoint"; fail=1; }
        [ ! -e "$out/telescope-TE_counts.tsv" ] || { echo "$run: TE_counts written despite --skip_em"; fail=1; }
        continue
    fi
    exp=$G/$run
    if [ "$run" = synth-sorted_indexed ]; then
        exp=$G/synth-exclude
        python3 compare.py counts "$exp/telescope-TE_counts.tsv" "$out/telescope-TE_counts.tsv" || fail=1
        # same RunInfo plus the index counts; same rows (tie order may follow the column order)
        head -c 1000 "$out/telescope-run_stats.tsv" | grep -q 'nmap_idx:122	nunmap_idx:4	annotated_features:9' ||
            { echo "$run: RunInfo lacks nmap_idx:122 nunmap_idx:4"; fail=1; }
        # init_best_random (column 8) draws over rows in row order, and the rows of a
        # coordinate-sorted file come in another order: it is the one column that may differ
        sed -e 's/\tnmap_idx:122\tnunmap_idx:4//' -e 's/version:[^\t]*//' "$out/telescope-run_stats.tsv" | cut -f 1-7,9- | sort > "$TMPD/a.sorted"
        sed -e 's/version:[^\t]*//' "$exp/telescope-run_stats.tsv" | cut -f 1-7,9- | sort > "$TMPD/e.sorted"
        cmp -s "$TMPD/a.sorted" "$TMPD/e.sorted" || { echo "$run: run_stats rows differ from synth-exclude"; diff "$TMPD/e.sorted" "$TMPD/a.sorted" | head; fail=1; }
        continue
    fi
    compare "$run" "$exp" "$out" "$TMPD/$run.log" || fail=1
done

# golden-large: runs past numpy's 8,192-element reduction blocks (16,000 fragments; see
# tests/data/README.md), paths in cmdline.txt relative to golden-large/input (large.gtf kept
# gzip'ed: tsc-assign reads it so)
L=$TSC_DATA/golden-large
nlarge=0
for cl in "$L"/*/cmdline.txt; do
    run=$(basename "$(dirname "$cl")")
    out=$TMPD/large-$run
    args=$(sed -e 's/^telescope //' -e "s#input/large.gtf#input/large.gtf.gz#" -e "s#input/#$L/input/#g" -e "s#<OUTDIR>#$out#" "$cl")
    set -- $args
    if [ "$1" = assign ]; then shift; fi
    nlarge=$((nlarge + 1))
    if ! tsc-assign "$@" > "$TMPD/large-$run.out" 2> "$TMPD/large-$run.log"; then
        echo "golden-large/$run: tsc-assign failed:"; tail -5 "$TMPD/large-$run.log"; fail=1; continue
    fi
    if ! compare "golden-large/$run" "$L/$run" "$out" "$TMPD/large-$run.log"; then
        echo "golden-large/$run: FAILED: tsc-assign differs from upstream on the large set. Until the EM fix"
        echo "  of issue 14 (numpy's blockwise sums past 8,192 rows, spec 12) is merged this is expected."
        fail=1
    fi
done
[ "$nlarge" -eq 2 ] || { echo "golden-large: $nlarge runs found in $L, expected 2"; fail=1; }
exit $fail
