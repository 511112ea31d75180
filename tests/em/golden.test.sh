#!/bin/sh
# golden.test.sh -- tsc-em against upstream Telescope's golden runs.
# For every golden run whose matrix is one of the two internals matrices, with that run's model
# options: the EM log lines (every "Iteration ..." line, "EM converged/terminated after N
# iterations.", "Final log-likelihood: X.") equal upstream's telescope.log, on MATRIX input with
# 1 thread and on BLOCKS input with 2 threads; the two FIT streams are identical apart from
# provenance; for default options z and pi equal internals-*/Q_z_final.tsv and pi_theta.tsv within
# 1e-9 relative.
set -u
G=$TSC_DATA/golden
T=$TMPD
fail=0
for d in default synth; do
    sh ./golden2text.sh "$G/internals-$d" | tsc-view -b -o "$T/$d.mtx" || exit 1
    sh ./golden2text.sh "$G/internals-$d" blocks | tsc-view -b -o "$T/$d.blk" || exit 1
done
# run|matrix|tsc-em options
while IFS='|' read -r run data opts; do
    [ -n "$run" ] || continue
    sed -n 's/^.* INFO     \(Iteration .*\|EM converged.*\|EM terminated.*\|Final log-likelihood.*\)(from .*$/\1/p' \
        "$G/$run/telescope.log" | sed 's/ *$//' > "$T/want"
    [ -s "$T/want" ] || { echo "$run: no EM lines in the golden log"; fail=1; continue; }
    # shellcheck disable=SC2086
    tsc-em $opts -t 1 "$T/$data.mtx" -o "$T/a.fit" 2> "$T/err1" || { echo "$run: tsc-em failed"; cat "$T/err1"; fail=1; continue; }
    # shellcheck disable=SC2086
    tsc-em $opts -t 2 -o "$T/b.fit" < "$T/$data.blk" 2> "$T/err2" || { echo "$run: tsc-em (blocks) failed"; cat "$T/err2"; fail=1; continue; }
    for e in err1 err2; do
        sed 's/^tsc-em: //' "$T/$e" > "$T/got"
        if ! cmp -s "$T/got" "$T/want"; then
            echo "$run ($e): log differs from upstream:"; diff "$T/want" "$T/got" | head -5; fail=1
        fi
    done
    tsc-view "$T/a.fit" | grep -v '^@prov' > "$T/a.txt" && tsc-view "$T/b.fit" | grep -v '^@prov' > "$T/b.txt" || fail=1
    cmp -s "$T/a.txt" "$T/b.txt" || { echo "$run: FIT differs between MATRIX -t 1 and BLOCKS -t 2"; fail=1; }
done <<'RUNS'
default|default|
mode_average|default|
resume_default|default|
updated_sam|default|
use_likelihood|default|--use-likelihood
resume_choose_lik|default|--use_likelihood
maxiter2_exclude|default|--max-iter 2
maxiter2_conf|default|--max_iter 2
theta0_pi5|default|--theta-prior 0 --pi-prior 5
synth-exclude|synth|
synth-sam_input|synth|
synth-use_likelihood|synth|-L
synth-pi10_theta0|synth|--pi_prior 10 --theta_prior 0
synth-maxiter3_conf0.5|synth|-n 3
RUNS

# 4 threads (the unit tests force the row-split path on these matrices): same FIT
tsc-em -q -t 4 "$T/default.blk" -o "$T/c.fit" && tsc-em -q -t 1 "$T/default.mtx" -o "$T/d.fit" || fail=1
tsc-view "$T/c.fit" | grep -v '^@prov' > "$T/c.txt" && tsc-view "$T/d.fit" | grep -v '^@prov' > "$T/d.txt" || fail=1
cmp -s "$T/c.txt" "$T/d.txt" || { echo "default: FIT differs between -t 1 and -t 4"; fail=1; }

# z and pi with default options, 1e-9 relative
for d in default synth; do
    tsc-em -q "$T/$d.mtx" -o "$T/$d.fit" || { fail=1; continue; }
    qz=$G/internals-$d/Q_z_final.tsv
    if [ -f "$qz" ]; then cat "$qz"; else gzip -dc "$qz.gz"; fi > "$T/qz"
    tsc-view -m "$T/$d.fit" | awk -F '\t' -v d="$d" '
        function bad(a, b) { return (a - b > 1e-9 * (b < 0 ? -b : b)) || (b - a > 1e-9 * (b < 0 ? -b : b)) }
        NR == FNR { if (FNR > 1) want[$1 "," $2] = $4; next }
        !/^[#@]/ { n++; k = $1 "," $3; if (!(k in want)) { print d ": cell " k " not upstream"; e++ }
                  else if (bad($6 + 0, want[k] + 0)) { print d ": z[" k "] = " $6 ", upstream " want[k]; e++ } }
        END { if (n != length(want)) { print d ": " n " cells, upstream " length(want); e++ } exit e > 0 }' "$T/qz" - || fail=1
    tsc-view "$T/$d.fit" | awk '/^=/{s = $1; i = 0; next} s == "=PI__" {print i++ "\t" $1}' > "$T/pi"
    awk -F '\t' -v d="$d" '
        function bad(a, b) { return (a - b > 1e-9 * (b < 0 ? -b : b)) || (b - a > 1e-9 * (b < 0 ? -b : b)) }
        NR == FNR { pi[$1] = $2; next }
        FNR > 1 { n++; if (bad(pi[$1] + 0, $5 + 0)) { print d ": pi[" $1 "] = " pi[$1] ", upstream " $5; e++ } }
        END { if (n != length(pi)) { print d ": " length(pi) " pi values, upstream " n; e++ } exit e > 0 }' \
        "$T/pi" "$G/internals-$d/pi_theta.tsv" || fail=1
done
exit $fail
