#!/bin/sh
# tsc-sc against Stellarscope's golden runs of individual and celltype pooling ($TSC_DATA/golden-sc:
# ind_*, ct_*, pe_ind_all, resume_ind_all, resume_ct_from_load_all; stellarscope-spec §8, §17),
# each replayed from its cmdline.txt at --nproc 1, 2 and 4, and on OpenCL (--backend opencl --nproc 2):
#  - every MTX body and first line, barcodes.tsv, features.tsv, umi_tracking.txt identical to
#    Stellarscope's (§17: exactly; best_average is exact because the EM is);
#  - stats.final.tsv: AlignInfo, UMIInfo, ReassignInfo rows and PoolInfo's fitted_models,
#    total_obs, total_params identical; total_lnl, AIC, BIC within 1e-12 relative (Stellarscope
#    sums in x87 long double over models that switched to long double, S16; tsc fits in double
#    and sums in long double);
#  - every output file identical at --nproc 1, 2 and 4 and on OpenCL (but the command line and the
#    nproc row);
#  - the iterations, convergence, nobs and nfeats of every model (tsc-sc --debug, on OpenMP and on
#    OpenCL) equal
#    internals/<pooling>/models.tsv, its final lnL within 1e-12 relative
#    (Stellarscope's models refitted on pb_default's checkpoint: ind_all's and ct_all's models);
#  - resume takes the pooling mode and the cell-type table from the checkpoint (S30).
# Resume runs use tsc's checkpoints of pb_default (replayed first) for Stellarscope's pickles.
set -u
: "${TSC_DATA:=$(cd ../data && pwd)}"
G=$TSC_DATA/golden-sc
[ -d "$G/input" ] || { echo "no $G"; exit 1; }
fail=0
bad() { echo "FAIL $*"; fail=1; }

replay() { # run, outdir root, extra args: its cmdline.txt with tsc-sc; log in ROOT/RUN.log
    run=$1; root=$2; shift 2; extra="$*"
    cmd=$(cat "$G/$run/cmdline.txt")
    cmd=${cmd#stellarscope }
    set -- $cmd
    args=""
    while [ $# -gt 0 ]; do
        a=$1; shift
        case "$a" in
        --outdir) args="$args --outdir $root/$1"; shift ;;
        input/*) args="$args $G/$a" ;;
        pb_default/*.pickle) args="$args $root/${a%.pickle}.tsc" ;;
        *) args="$args $a" ;;
        esac
    done
    mkdir -p "$root/$run"
    (cd "$root" && tsc-sc $args $extra) > "$root/$run.log" 2>&1
}

cmp_run() { # run, folder with tsc's files
    run=$1; d=$2
    for f in "$G/$run"/*; do
        b=$(basename "$f")
        case "$b" in
        *.mtx)
            [ -f "$d/$b" ] || { bad "$run: no $b"; continue; }
            [ "$(head -1 "$f")" = "$(head -1 "$d/$b")" ] || bad "$run: $b: header line differs"
            grep -v '^%' "$f" > "$TMPD/exp"; grep -v '^%' "$d/$b" > "$TMPD/got"
            cmp -s "$TMPD/exp" "$TMPD/got" || bad "$run: $b differs"
            grep -q "^% pooling_mode: $(grep '^% pooling_mode:' "$f" | cut -d' ' -f3)\$" "$d/$b" || bad "$run: $b: pooling_mode comment" ;;
        *-barcodes.tsv|*-features.tsv|*-umi_tracking.txt)
            cmp -s "$f" "$d/$b" || bad "$run: $b differs" ;;
        *-stats.final.tsv)
            [ -f "$d/$b" ] || { bad "$run: no $b"; continue; }
            for s in AlignInfo UMIInfo ReassignInfo; do
                grep "^$s	" "$f" > "$TMPD/exp"; grep "^$s	" "$d/$b" > "$TMPD/got"
                cmp -s "$TMPD/exp" "$TMPD/got" || bad "$run: stats $s rows differ"
            done
            for v in fitted_models total_obs total_params; do
                [ "$(grep "^PoolInfo	.*	$v	" "$f")" = "$(grep "^PoolInfo	.*	$v	" "$d/$b")" ] || bad "$run: stats PoolInfo $v differs"
            done
            for v in total_lnl AIC BIC; do
                e=$(grep "^PoolInfo	.*	$v	" "$f" | cut -f4); g=$(grep "^PoolInfo	.*	$v	" "$d/$b" | cut -f4)
                [ -n "$e" ] && [ -n "$g" ] || { bad "$run: stats PoolInfo $v missing"; continue; }
                awk -v e="$e" -v g="$g" 'BEGIN { d = e - g; if (d < 0) d = -d; a = e < 0 ? -e : e; exit !(d <= 1e-12 * a) }' ||
                    bad "$run: stats PoolInfo $v: $g, expected $e (1e-12 relative)"
            done
            cut -f1-3 "$f" | grep Options > "$TMPD/exp"; cut -f1-3 "$d/$b" | grep Options > "$TMPD/got"
            cmp -s "$TMPD/exp" "$TMPD/got" || bad "$run: stats option rows differ" ;;
        esac
    done
}

runs="ind_all ind_nproc2_all ind_ignore_umi_all ind_pi5_all ind_conf0.6_average ct_all ct_nofilter_all pe_ind_all
resume_ind_all resume_ct_from_load_all"
n=0
for t in 1 2 4 cl; do
    root=$TMPD/t$t
    np="--nproc $t"; [ $t = cl ] && np="--nproc 2 --backend opencl"
    mkdir -p "$root"
    replay pb_default "$root" --quiet || { bad "pb_default (checkpoints): tsc-sc failed"; continue; }
    for run in $runs; do
        if ! replay "$run" "$root" --quiet $np; then bad "$run $np: tsc-sc failed: $(tail -3 "$root/$run.log")"; continue; fi
        cmp_run "$run" "$root/$run"
        n=$((n + 1))
        [ $t = 1 ] && continue
        for f in "$TMPD/t1/$run"/*.mtx "$TMPD/t1/$run"/*.tsv "$TMPD/t1/$run"/*.txt "$TMPD/t1/$run"/*-10x/*; do
            [ -f "$f" ] || continue
            b=${f#$TMPD/t1/$run/}
            case "$b" in *.gz) cmp -s "$f" "$root/$run/$b" || bad "$run: $b differs between --nproc 1 and $t"; continue ;; esac
            grep -v '^% command:' "$f" | grep -v '	nproc	' | sed "s|$TMPD/t1|ROOT|g" > "$TMPD/a"
            grep -v '^% command:' "$root/$run/$b" | grep -v '	nproc	' | sed "s|$root|ROOT|g" > "$TMPD/b"
            cmp -s "$TMPD/a" "$TMPD/b" || bad "$run: $b differs between --nproc 1 and $t"
        done
    done
done
# per-model iterations and convergence against Stellarscope's (internals/, from pb_default's checkpoint)
for p in individual:ind_all celltype:ct_all individual:ind_all:opencl celltype:ct_all:opencl; do
    pool=${p%%:*}; run=${p#*:}; be=omp
    case $run in *:opencl) run=${run%:opencl}; be=opencl ;; esac
    rm -rf "$TMPD/dbg"
    replay "$run" "$TMPD/dbg" --debug --nproc 2 --backend $be || { bad "$run --debug --backend $be: tsc-sc failed"; continue; }
    sed -n 's/.*model \([^ ]*\): \([0-9]*\) iterations, \(not \)*converged, lnL \([^,]*\), \([0-9]*\) observations, \([0-9]*\) features$/\1 \2 \3 \5 \6 \4/p' \
        "$TMPD/dbg/$run.log" | awk '{ print $1, $2, ($3 == "not" ? "False" : "True"), $(NF - 2), $(NF - 1), $NF }' | sort > "$TMPD/got"
    awk -F'\t' 'NR > 1 { print $2, $7, $8, $4, $5, $10 }' "$G/internals/$pool/models.tsv" | sort > "$TMPD/exp"
    # iterations, convergence, nobs, nfeats exactly; the final lnL within 1e-12 relative (S16)
    cut -d' ' -f1-5 "$TMPD/exp" > "$TMPD/exp5"; cut -d' ' -f1-5 "$TMPD/got" > "$TMPD/got5"
    [ -s "$TMPD/exp5" ] && cmp -s "$TMPD/exp5" "$TMPD/got5" || { bad "$run: per-model iterations/nobs/nfeats differ from internals/$pool"; diff "$TMPD/exp5" "$TMPD/got5" | head -5; }
    paste -d' ' "$TMPD/exp" "$TMPD/got" | awk '{ d = $6 - $12; if (d < 0) d = -d; a = $6 < 0 ? -$6 : $6; if (!(d <= 1e-12 * a)) { print; bad = 1 } }
        END { exit bad }' || bad "$run: a model's lnL differs from internals/$pool by more than 1e-12 relative"
    grep -q 'INFO     Models to fit: ' "$TMPD/dbg/$run.log" || bad "$run: no 'Models to fit' line"
done
    if [ "$run" = ind_all ]; then
        grep -q '\.\.\.30 models fitted' "$TMPD/dbg/ind_all.log" || bad "ind_all --backend $be: no '...30 models fitted' line"
    fi
# resume without --pooling_mode and --celltype_tsv takes both from the checkpoint (S30): ct_all's counts
if (cd "$TMPD" && tsc-sc resume --outdir "$TMPD/rs" --use_every_reassign_mode "$TMPD/t1/ct_all/stellarscope-checkpoint.load_alignment.tsc") > "$TMPD/rs.log" 2>&1; then
    grep -q 'Using pooling_mode "celltype" from checkpoint' "$TMPD/rs.log" || bad "resume: pooling mode not taken from the checkpoint"
    for f in "$G/ct_all"/*.mtx; do
        b=$(basename "$f"); b=stResume${b#stellarscope}
        grep -v '^%' "$f" > "$TMPD/exp"; grep -v '^%' "$TMPD/rs/$b" > "$TMPD/got" 2> /dev/null
        cmp -s "$TMPD/exp" "$TMPD/got" || bad "resume from ct_all's checkpoint: $b differs from ct_all"
    done
else bad "resume from ct_all's checkpoint failed: $(tail -3 "$TMPD/rs.log")"; fi
echo "$n golden runs compared"
exit $fail
