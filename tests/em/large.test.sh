#!/bin/sh
# large.test.sh -- tsc-em against upstream Telescope past numpy's 8,192-element blocks
# (golden-large: 12,701 rows, EM stopped at max_iter 100, many loci with pi near or at 0.0).
# pi after iteration 1, final pi and final theta must equal upstream's (internals-large-portable/
# pi_theta.tsv, as exact hex) bit for bit on every backend: OpenMP at -t 1, 2 and 4, MATRIX and
# BLOCKS input, and OpenCL (which must really run, not fall back). It takes the blockwise
# whole-vector sums and the dropped zero products of telescope-spec.md §12 to get there.
set -u
D=${TSC_DATA:?}/golden-large
T=$TMPD
tsc-regions "$D/input/large.gtf.gz" > "$T/loci.bed" &&
    tsc-fetch "$T/loci.bed" "$D/input/large.bam" | tsc-matrix -o "$T/m.mtx" &&
    tsc-blocks "$T/m.mtx" -o "$T/m.blk" || { echo "pipeline failed"; exit 1; }
fail=0
check() { # NAME FIT [BACKEND]
    tsc-view "$2" > "$T/fit.txt" || { echo "$1: tsc-view failed"; fail=1; return; }
    grep -q "^@info	_em_backend	${3:-openmp}\$" "$T/fit.txt" || { echo "$1: not run by ${3:-openmp}"; fail=1; }
    python3 - "$T/fit.txt" "$D/internals-large-portable/pi_theta.tsv" "$1" <<'PY' || fail=1
import sys
secs, cur = {}, None
for line in open(sys.argv[1]):
    line = line.rstrip('\n')
    if line.startswith('='):
        cur = line.split('\t')[0][1:]
        secs[cur] = []
    elif cur in ('PIIN', 'PI__', 'THET'):
        secs[cur].append(float(line))
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[2])][1:]
bad = 0
for sec, col, what in (('PIIN', 5, 'pi_init'), ('PI__', 6, 'pi'), ('THET', 7, 'theta')):
    got = secs.get(sec, [])
    if len(got) != len(rows):
        print(f'{sys.argv[3]}: {len(got)} {what} values, upstream {len(rows)}'); bad += 1; continue
    diff = [r[1] for g, r in zip(got, rows) if g.hex() != float.fromhex(r[col]).hex()]
    if diff:
        print(f'{sys.argv[3]}: {what} differs from upstream in {len(diff)} of {len(rows)} loci, e.g. {diff[:3]}'); bad += 1
sys.exit(bad > 0)
PY
}
tsc-em -q -t 1 "$T/m.mtx" -o "$T/1.fit" && check "MATRIX -t 1" "$T/1.fit" || fail=1
tsc-em -q -t 2 "$T/m.blk" -o "$T/2.fit" && check "BLOCKS -t 2" "$T/2.fit" || fail=1
tsc-em -q -t 4 "$T/m.blk" -o "$T/4.fit" && check "BLOCKS -t 4" "$T/4.fit" || fail=1
tsc-em -q -B opencl "$T/m.mtx" -o "$T/cl.fit" && check "OpenCL" "$T/cl.fit" opencl || fail=1
# and the whole FIT (z and lnl too) is the same from every backend and thread count
for f in 2 4 cl; do
    tsc-view "$T/$f.fit" | grep -v '^@prov\|^@info	_em_backend' > "$T/b.txt"
    tsc-view "$T/1.fit" | grep -v '^@prov\|^@info	_em_backend' | cmp -s - "$T/b.txt" || { echo "FIT $f differs from -t 1"; fail=1; }
done
exit $fail
