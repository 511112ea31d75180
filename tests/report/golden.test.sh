#!/bin/sh
# golden.test.sh -- tsc-report end to end against upstream Telescope's files, byte for byte.
# The FIT streams are built from $TSC_DATA/golden/internals-* by test_report_golden --fit (z from
# upstream's dump, or from its reference EM for max_iter/priors/--use_likelihood runs), and
# tsc-report's files must equal the golden run's. Also: a failing run leaves no file behind.
set -u
G=$TSC_DATA/golden
U=${TSC_UNITS:-}
[ -n "$U" ] || for d in "$TSC_BIN/../build/tests" "$TSC_BIN/../tests"; do [ -x "$d/test_report_golden" ] && U=$d; done
GEN="$U/test_report_golden"
[ -x "$GEN" ] || { echo "test_report_golden not built ($GEN)"; exit 1; }
fail=0
ck() { # ck RUN PREFIX: both files identical to golden RUN
    for f in TE_counts run_stats; do
        if ! cmp -s "$2-$f.tsv" "$G/$1/telescope-$f.tsv"; then
            echo "FAIL $1: $f.tsv differs"; diff "$2-$f.tsv" "$G/$1/telescope-$f.tsv" | head -5; fail=1
        fi
    done
}
d=$TMPD
"$GEN" --fit "$G/internals-default" "$d/def.fit" || exit 1
"$GEN" --fit "$G/internals-synth" "$d/syn.fit" || exit 1
"$GEN" --fit "$G/internals-default" "$d/def2.fit" 2 0 0 200000 || exit 1
"$GEN" --fit "$G/internals-default" "$d/deflik.fit" 100 1 0 200000 || exit 1
"$GEN" --fit "$G/internals-default" "$d/defpri.fit" 100 0 5 0 || exit 1
"$GEN" --fit "$G/internals-synth" "$d/synlik.fit" 100 1 0 200000 || exit 1
"$GEN" --fit "$G/internals-synth" "$d/synpri.fit" 100 0 10 0 || exit 1
"$GEN" --fit "$G/internals-synth" "$d/syn3.fit" 3 0 0 200000 || exit 1
for m in exclude choose average conf unique; do
    tsc-report -m "$m" -o "$d/d-$m" "$d/def.fit" || fail=1
    ck "mode_$m" "$d/d-$m"
    tsc-report --reassign_mode "$m" -o "$d/s-$m" < "$d/syn.fit" || fail=1
    ck "synth-$m" "$d/s-$m"
    tsc-report -m "$m" -o "$d/m-$m" "$d/def2.fit" || fail=1
    ck "maxiter2_$m" "$d/m-$m"
done
# rep RUN PREFIX ARGS...: tsc-report ARGS -o PREFIX must succeed, and its files equal golden RUN's
# (the files of an earlier run under PREFIX are removed first, so a failing run cannot pass)
rep() {
    _run=$1 _p=$2; shift 2
    rm -f "$_p"-*.tsv
    tsc-report "$@" -o "$_p" || { echo "FAIL $_run: tsc-report $* exit $?"; fail=1; }
    ck "$_run" "$_p"
}
rep default "$d/x" "$d/def.fit"
rep updated_sam_choose "$d/x" -m choose "$d/def.fit"
rep use_likelihood "$d/x" "$d/deflik.fit"
rep resume_choose_lik "$d/x" -m choose "$d/deflik.fit"
rep theta0_pi5 "$d/x" "$d/defpri.fit"
rep synth-use_likelihood "$d/x" "$d/synlik.fit"
rep synth-pi10_theta0 "$d/x" "$d/synpri.fit"
rep synth-maxiter3_conf0.5 "$d/x" -m conf -c 0.5 "$d/syn3.fit"
# default prefix: ./telescope-*.tsv, Telescope's names
(cd "$d" && mkdir cwd && cd cwd && tsc-report ../syn.fit) || { echo "FAIL tsc-report without -o: exit $?"; fail=1; }
ck synth-exclude "$d/cwd/telescope"
# the stats file is the same in every mode
for m in choose average conf unique; do cmp -s "$d/s-exclude-run_stats.tsv" "$d/s-$m-run_stats.tsv" || { echo "FAIL run_stats differs in $m"; fail=1; }; done
# all-loci: every annotated locus once, the no-feature key first, counts as TE_counts
tsc-report -m choose -o "$d/a" --all-loci "$d/a-all.tsv" "$d/syn.fit" || fail=1
n=$(grep -vc '^#' "$d/a-all.tsv")
[ "$n" = 11 ] || { echo "FAIL all-loci: $n lines (expected header + no-feature + 9 loci)"; fail=1; }
grep -v '^#' "$d/a-all.tsv" | awk -F'\t' 'NR > 1 && $2 > 0 { print $1 "\t" $2 }' | sort > "$d/a1"
awk -F'\t' 'NR > 1 && $2 > 0' "$d/a-TE_counts.tsv" | sort > "$d/a2"
cmp -s "$d/a1" "$d/a2" || { echo "FAIL all-loci counts differ from TE_counts"; fail=1; }
grep -q '^# input: test_report_golden ' "$d/a-all.tsv" || { echo "FAIL all-loci provenance"; fail=1; }
# tsc-merge reads the all-loci table like a TE_counts file
tsc-merge "$d/a-all.tsv" "$d/a-TE_counts.tsv" > "$d/merged" || { echo "FAIL tsc-merge on the all-loci table"; fail=1; }
grep -q '^# ' "$d/a-TE_counts.tsv" "$d/a-run_stats.tsv" && { echo "FAIL '#' line in a Telescope file"; fail=1; }
# failures leave no complete-looking file: unwritable all-loci path, truncated input
mkdir "$d/f"
if tsc-report -o "$d/f/x" --all-loci "$d/nodir/all.tsv" "$d/syn.fit" 2>/dev/null; then echo "FAIL exit 0"; fail=1; fi
head -c 1000 "$d/syn.fit" > "$d/trunc.fit"
if tsc-report -o "$d/f/y" "$d/trunc.fit" 2>/dev/null; then echo "FAIL exit 0 on truncated input"; fail=1; fi
[ -z "$(ls "$d/f")" ] || { echo "FAIL files left after failures:"; ls "$d/f"; fail=1; }
# no fragment overlapped the annotation: both files, headers and run info, exit 0
tsc-view -b empty.fit.txt | tsc-report -o "$d/e" 2>/dev/null || { echo "FAIL empty input: exit $?"; fail=1; }
printf 'transcript\tcount\n' | cmp -s - "$d/e-TE_counts.tsv" || { echo "FAIL empty TE_counts"; fail=1; }
printf '## RunInfo\tversion:0.1\ttotal_fragments:5transcript\ttranscript_length\tfinal_conf\tfinal_prop\tinit_aligned\tunique_count\tinit_best\tinit_best_random\tinit_best_avg\tinit_prop\n' \
    | cmp -s - "$d/e-run_stats.tsv" || { echo "FAIL empty run_stats"; fail=1; }
exit $fail
