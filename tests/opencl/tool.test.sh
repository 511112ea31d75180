#!/bin/sh
# tool.test.sh -- tsc-em --backend opencl (on PoCL here: a required test dependency) against
# upstream's golden logs and against --backend openmp.
# For golden runs on the two internals matrices, with each run's options: the EM log lines equal
# upstream's telescope.log; the FIT stream (as text, without provenance and the _em_backend key)
# is byte-identical to the OpenMP backend's, from MATRIX and from BLOCKS input; the FIT records
# that OpenCL ran. Bad device indices fail with a message.
set -u
G=$TSC_DATA/golden
T=$TMPD
fail=0
for d in default synth; do
    sh ../em/golden2text.sh "$G/internals-$d" | tsc-view -b -o "$T/$d.mtx" || exit 1
    sh ../em/golden2text.sh "$G/internals-$d" blocks | tsc-view -b -o "$T/$d.blk" || exit 1
done
fit_text() { tsc-view "$1" | grep -v -e '^@prov' -e '^@info	_em_backend'; }
while IFS='|' read -r run data opts; do
    [ -n "$run" ] || continue
    sed -n 's/^.* INFO     \(Iteration .*\|EM converged.*\|EM terminated.*\|Final log-likelihood.*\)(from .*$/\1/p' \
        "$G/$run/telescope.log" | sed 's/ *$//' > "$T/want"
    [ -s "$T/want" ] || { echo "$run: no EM lines in the golden log"; fail=1; continue; }
    for in in mtx blk; do
        # shellcheck disable=SC2086
        tsc-em -B opencl $opts "$T/$data.$in" -o "$T/cl.fit" 2> "$T/err" || { echo "$run ($in): tsc-em -B opencl failed"; cat "$T/err"; fail=1; continue; }
        if ! tsc-view "$T/cl.fit" | grep -q '^@info	_em_backend	opencl$'; then
            echo "$run ($in): the OpenCL backend did not run. PoCL (pocl-opencl-icd, installed by 'make deps') is required"
            echo "to test it; check clinfo. tsc-em said:"; cat "$T/err"; fail=1; continue
        fi
        sed 's/^tsc-em: //' "$T/err" > "$T/got"
        cmp -s "$T/got" "$T/want" || { echo "$run ($in): log differs from upstream:"; diff "$T/want" "$T/got" | head -5; fail=1; }
        # shellcheck disable=SC2086
        tsc-em -B openmp -t 2 -q $opts "$T/$data.$in" -o "$T/mp.fit" || { echo "$run ($in): tsc-em -B openmp failed"; fail=1; continue; }
        fit_text "$T/cl.fit" > "$T/cl.txt" && fit_text "$T/mp.fit" > "$T/mp.txt" || fail=1
        cmp -s "$T/cl.txt" "$T/mp.txt" || { echo "$run ($in): FIT differs between OpenCL and OpenMP:"; diff "$T/mp.txt" "$T/cl.txt" | head -6; fail=1; }
    done
done <<'RUNS'
default|default|
use_likelihood|default|--use-likelihood
maxiter2_exclude|default|--max-iter 2
theta0_pi5|default|--theta-prior 0 --pi-prior 5
synth-exclude|synth|
synth-use_likelihood|synth|-L
synth-pi10_theta0|synth|--pi_prior 10 --theta_prior 0
synth-maxiter3_conf0.5|synth|-n 3
RUNS

# bad device choices: exit 1 and a message
for dev in 7:0 0:9; do
    if tsc-em -B opencl -d "$dev" -q "$T/synth.mtx" -o "$T/x.fit" 2> "$T/err"; then
        echo "-d $dev: exit 0, expected a failure"; fail=1
    elif ! grep -q 'tsc-em: error: OpenCL \(platform\|device\) [0-9]* does not exist' "$T/err"; then
        echo "-d $dev: no clear message:"; cat "$T/err"; fail=1
    fi
done
exit $fail
