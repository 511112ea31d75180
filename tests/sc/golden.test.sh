#!/bin/sh
# tsc-sc against the pseudobulk golden runs of Stellarscope ($TSC_DATA/golden-sc: Stellarscope
# 1.4.2's own outputs, see tests/data/README.md): every run's command (cmdline.txt) is replayed
# with tsc-sc, and
#  - every MTX body (after the '%' comment lines) and its first line, barcodes.tsv, features.tsv
#    and umi_tracking.txt must be identical (stellarscope-spec §17: exactly);
#  - stats.final.tsv: the AlignInfo, UMIInfo, ReassignInfo rows and PoolInfo's fitted_models,
#    total_obs, total_params identical; total_lnl, AIC, BIC within 1e-12 relative (Stellarscope
#    prints them from x87 long double after its underflow switch, S16; tsc computes in double);
#    AnnotationInfo identical but for max_depth, which tsc does not write (the depth of Python's
#    intervaltree; see tsc-sc(1)).
# Resume runs use tsc's checkpoints of pb_default (HITS streams) for Stellarscope's pickles; the
# --ignore_umi resume starts from the checkpoint before deduplication (tsc keeps no raw scores of
# UMI duplicates in the deduplicated one; see tsc-sc(1), S30).
set -u
: "${TSC_DATA:=$(cd ../data && pwd)}"
G=$TSC_DATA/golden-sc
[ -d "$G/input" ] || { echo "no $G"; exit 1; }
out=$TMPD/runs
mkdir -p "$out"
fail=0
bad() { echo "FAIL $*"; fail=1; }

replay() { # run: its cmdline.txt with tsc-sc, outdir under $out; prints the tsc outdir
    run=$1
    cmd=$(cat "$G/$run/cmdline.txt")
    cmd=${cmd#stellarscope }
    # paths: input/ -> $G/input/; --outdir X -> $out/X; pickles -> tsc checkpoints
    set -- $cmd
    args=""
    while [ $# -gt 0 ]; do
        a=$1; shift
        case "$a" in
        --outdir) args="$args --outdir $out/$1"; shift ;;
        input/*) args="$args $G/$a" ;;
        pb_default/*.pickle)
            p=${a%.pickle}.tsc
            case "$cmd" in *--ignore_umi*) p=pb_default/stellarscope-checkpoint.load_alignment.tsc ;; esac
            args="$args $out/$p" ;;
        *) args="$args $a" ;;
        esac
    done
    mkdir -p "$out/$run"
    (cd "$out" && tsc-sc $args --quiet) > "$out/$run.log" 2>&1
}

cmp_run() { # run, folder with tsc's files, exp_tag
    run=$1; d=$2; rc=$(cat "$G/$run/rc.txt")
    for f in "$G/$run"/*; do
        b=$(basename "$f")
        case "$b" in
        *.mtx)
            [ -f "$d/$b" ] || { bad "$run: no $b"; continue; }
            [ "$(head -1 "$f")" = "$(head -1 "$d/$b")" ] || bad "$run: $b: header line differs"
            grep -v '^%' "$f" > "$TMPD/exp" ; grep -v '^%' "$d/$b" > "$TMPD/got"
            cmp -s "$TMPD/exp" "$TMPD/got" || bad "$run: $b differs" ;;
        *-barcodes.tsv|*-features.tsv|*-umi_tracking.txt)
            cmp -s "$f" "$d/$b" || bad "$run: $b differs" ;;
        *-stats.final.tsv)
            [ -f "$d/$b" ] || { bad "$run: no $b"; continue; }
            for s in AlignInfo UMIInfo ReassignInfo; do
                grep "^$s	" "$f" > "$TMPD/exp"; grep "^$s	" "$d/$b" > "$TMPD/got"
                cmp -s "$TMPD/exp" "$TMPD/got" || bad "$run: stats $s rows differ"
            done
            grep "^AnnotationInfo	" "$f" | grep -v max_depth > "$TMPD/exp"; grep "^AnnotationInfo	" "$d/$b" > "$TMPD/got"
            cmp -s "$TMPD/exp" "$TMPD/got" || bad "$run: stats AnnotationInfo rows differ"
            for v in fitted_models total_obs total_params; do
                [ "$(grep "^PoolInfo	.*	$v	" "$f")" = "$(grep "^PoolInfo	.*	$v	" "$d/$b")" ] || bad "$run: stats PoolInfo $v differs"
            done
            for v in total_lnl AIC BIC; do
                e=$(grep "^PoolInfo	.*	$v	" "$f" | cut -f4); g=$(grep "^PoolInfo	.*	$v	" "$d/$b" | cut -f4)
                [ -z "$e" ] && [ -z "$g" ] && continue
                awk -v e="$e" -v g="$g" 'BEGIN { d = e - g; if (d < 0) d = -d; a = e < 0 ? -e : e; exit !(d <= 1e-12 * a) }' ||
                    bad "$run: stats PoolInfo $v: $g, expected $e (1e-12 relative)"
            done
            # the option rows: the same variables in the same order
            cut -f1-3 "$f" | grep Options > "$TMPD/exp"; cut -f1-3 "$d/$b" | grep Options > "$TMPD/got"
            cmp -s "$TMPD/exp" "$TMPD/got" || bad "$run: stats option rows differ" ;;
        esac
    done
}

runs="pb_default pb_all pb_ignore_umi_all pb_umi_counts_all pb_nofilter_all pb_wlheader pb_seed42_random
pb_seed42_random_swapped pb_maxiter3_all pb_theta0_all pb_use_likelihood pb_stranded_F_all pb_skip_em
pe_pb_all pe_stranded_RF pe_stranded_FR errors/pe_px_unstranded resume_pb_ignore_umi_umi_counts_all"
n=0
for run in $runs; do
    if ! replay "$run"; then bad "$run: tsc-sc failed: $(tail -3 "$out/$run.log")"; continue; fi
    cmp_run "$run" "$out/$run"
    n=$((n + 1))
done
# resume without --outdir: the files land next to the checkpoint (pb_default's folder)
if replay resume_default_outdir; then cmp_run resume_default_outdir "$out/pb_default"; n=$((n + 1))
else bad "resume_default_outdir: tsc-sc failed"; fi
# equalities Stellarscope's runs show: pb_wlheader = pb_default, resume_default_outdir = pb_default
grep -v '^%' "$out/pb_wlheader/stellarscope-TE_counts.mtx" > "$TMPD/a"; grep -v '^%' "$out/pb_default/stellarscope-TE_counts.mtx" > "$TMPD/b"
cmp -s "$TMPD/a" "$TMPD/b" || bad "pb_wlheader != pb_default"
cmp -s "$out/pb_wlheader/stellarscope-barcodes.tsv" "$out/pb_default/stellarscope-barcodes.tsv" || bad "pb_wlheader != pb_default (barcodes)"
grep -v '^%' "$out/pb_default/stResume-TE_counts.mtx" > "$TMPD/a"; grep -v '^%' "$out/pb_default/stellarscope-TE_counts.mtx" > "$TMPD/b"
cmp -s "$TMPD/a" "$TMPD/b" || bad "resume_default_outdir != pb_default"
echo "$n golden runs compared"
exit $fail
