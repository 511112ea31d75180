#!/usr/bin/python3
"""Regenerate tests/report/data/*.tsv, the expected values of tests/unit/test_report.c, from
Python itself (Python 3.11 float repr and round-half-even, and the numpy 1.24 argsort port in
$SHARED/golden/tools/check_argsort.py). Needs no numpy. Usage (from tests/report):
    SHARED=../../../shared python3 gen-cases.py"""
import math, os, random, struct

def bits(x):
    return '%016x' % struct.unpack('<Q', struct.pack('<d', x))[0]

random.seed(20240501)
# repr: hex bits -> Python repr
vals = [0.0, -0.0, math.inf, -math.inf, 1.0, 0.1, 0.3333333333333333, 12.999999999999998, 1000.0,
        494.96, 0.068, 1e16, 1e15, 9999999999999998.0, 1e-4, 1e-5, 0.00011, 5e-324,
        1.7976931348623157e308, 2.2250738585072014e-308, 123456789012345678.0, 1.5, 100.0, 0.5]
vals += [math.ldexp(1.0, k) for k in range(-1074, 1024, 7)]
vals += [math.ldexp(1.0, k) for k in (-24, -46, -97, -141, -186, -206, 89, 122)]  # shortest is above 2^k
for _ in range(600):
    u = random.getrandbits(64)
    x = struct.unpack('<d', struct.pack('<Q', u))[0]
    if not math.isnan(x):
        vals.append(x)
for _ in range(400):
    vals.append(random.random() * 10 ** random.randint(-8, 20))
    vals.append(random.randint(0, 10 ** 6) / random.choice([1, 2, 3, 7, 10, 100, 1000]))
with open('data/repr.tsv', 'w') as f:
    for x in vals:
        f.write('%s\t%r\n' % (bits(x), x))

# numpy.round(x, d) = rint(x * 10^d) / 10^d; Python's round() on a float is half-even on the binary value
with open('data/round.tsv', 'w') as f:
    cases = [(0.125, 2), (0.375, 2), (2.675, 2), (0.0685, 3), (0.0005, 3), (0.0015, 3), (494.955, 2),
             (1e-300, 3), (0.9999999, 3), (13.825, 2), (4.8333333333333, 2), (0.1666666, 3)]
    for _ in range(400):
        d = random.choice([2, 3])
        x = random.choice([random.random(), random.random() * 1000, random.randint(0, 10 ** 5) / 10 ** (d + 1),
                           (random.randint(0, 2000) + 0.5) / 10 ** d])
        cases.append((x, d))
    for x, d in cases:
        f.write('%s\t%d\t%s\n' % (bits(x), d, bits(round(x * 10.0 ** d) / 10.0 ** d)))

# argsort port (numpy 1.24 quicksort) on arrays with many ties
src = open(os.path.join(os.environ.get('SHARED', '../../../shared'), 'golden/tools/check_argsort.py')).read()
exec(src[src.index('def less'):src.index('random.seed(1)')])
with open('data/argsort.tsv', 'w') as f:
    for n in [1, 2, 5, 15, 16, 17, 18, 30, 59, 100, 257, 500, 17, 59, 100, 33, 64, 65, 200, 129]:
        v = [random.choice([0.0, 1e-300, 0.5, 0.25, random.random()]) for _ in range(n)]
        idx = aquicksort(list(v))
        f.write(' '.join(bits(x) for x in v) + '\t' + ' '.join(map(str, idx)) + '\n')
