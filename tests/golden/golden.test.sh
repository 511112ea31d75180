#!/bin/sh
# Every golden run of upstream Telescope (../shared/golden/*/cmdline.txt) repeated with tsc-assign:
# TE_counts.tsv and run_stats.tsv must be byte-identical to upstream's (run_stats: but for the
# version value); floats may differ in their last digits only where libm and numpy differ (spec
# §12), which compare.py prints as NOTEs. The EM's iteration count and printed final
# log-likelihood must equal upstream's log. resume_* runs resume tsc's own default checkpoint.
# synth-sorted_indexed (a coordinate-sorted BAM, misread upstream, Q3) must give synth-exclude's
# numbers, plus the index's nmap_idx/nunmap_idx in the RunInfo (init_best_random aside: see below).
set -u
G=$TSC_DATA/golden
fail=0
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
    python3 compare.py counts "$exp/telescope-TE_counts.tsv" "$out/telescope-TE_counts.tsv" || { echo "$run: TE_counts differ"; fail=1; }
    python3 compare.py stats "$exp/telescope-run_stats.tsv" "$out/telescope-run_stats.tsv" || { echo "$run: run_stats differ"; fail=1; }
    # iterations and final lnl as upstream's log
    for pat in 'EM \(converged\|terminated\) after [0-9]* iterations' 'Final log-likelihood: [-0-9.]*'; do
        e=$(grep -o "$pat" "$exp/telescope.log" | tail -n 1)
        a=$(grep -o "$pat" "$TMPD/$run.log" | tail -n 1)
        [ "$e" = "$a" ] || { echo "$run: '$a', upstream '$e'"; fail=1; }
    done
done
exit $fail
