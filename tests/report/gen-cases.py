#!/usr/bin/python3
"""Regenerate tests/report/data/*.tsv, the expected values of tests/unit/test_report.c, from
Python itself (Python 3.11 float repr and round-half-even, and numpy 1.24's argsort
kind='quicksort' as written below from numpy's npysort/quicksort.cpp). Needs no numpy.
Usage (from tests/report):  python3 gen-cases.py"""
import math, random, struct

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

# argsort: numpy 1.24's aquicksort_ for float64 (npysort/quicksort.cpp): introsort with median of
# three, insertion sort below SMALL_QUICKSORT elements, and aheapsort_ past depth 2*floor(log2 n)
SMALL_QUICKSORT = 15


def less(a, b):  # numpy's FLOAT_LT: NaN sorts last
    return a < b or (b != b and a == a)


def aheapsort(v, a, lo, n):
    """numpy's aheapsort_ on a[lo:lo+n] (1-based heap indices, as numpy's a = tosort - 1)"""
    def get(i): return a[lo + i - 1]
    def put(i, x): a[lo + i - 1] = x
    for l in range(n >> 1, 0, -1):
        tmp = get(l); i, j = l, l << 1
        while j <= n:
            if j < n and less(v[get(j)], v[get(j + 1)]): j += 1
            if less(v[tmp], v[get(j)]): put(i, get(j)); i = j; j += j
            else: break
        put(i, tmp)
    while n > 1:
        tmp = get(n); put(n, get(1)); n -= 1
        i, j = 1, 2
        while j <= n:
            if j < n and less(v[get(j)], v[get(j + 1)]): j += 1
            if less(v[tmp], v[get(j)]): put(i, get(j)); i = j; j += j
            else: break
        put(i, tmp)


def aquicksort(v):
    num = len(v)
    t = list(range(num))
    if num < 2:
        return t
    pl, pr = 0, num - 1
    stack = []
    cdepth = (num.bit_length() - 1) * 2
    while True:
        if cdepth < 0:
            aheapsort(v, t, pl, pr - pl + 1)
        else:
            while pr - pl > SMALL_QUICKSORT:
                pm = pl + ((pr - pl) >> 1)
                if less(v[t[pm]], v[t[pl]]): t[pm], t[pl] = t[pl], t[pm]
                if less(v[t[pr]], v[t[pm]]): t[pr], t[pm] = t[pm], t[pr]
                if less(v[t[pm]], v[t[pl]]): t[pm], t[pl] = t[pl], t[pm]
                vp = v[t[pm]]
                pi, pj = pl, pr - 1
                t[pm], t[pj] = t[pj], t[pm]
                while True:
                    pi += 1
                    while less(v[t[pi]], vp): pi += 1
                    pj -= 1
                    while less(vp, v[t[pj]]): pj -= 1
                    if pi >= pj: break
                    t[pi], t[pj] = t[pj], t[pi]
                pk = pr - 1
                t[pi], t[pk] = t[pk], t[pi]
                cdepth -= 1
                # the larger partition is pushed, the smaller one done next
                if pi - pl < pr - pi:
                    stack.append((pi + 1, pr, cdepth)); pr = pi - 1
                else:
                    stack.append((pl, pi - 1, cdepth)); pl = pi + 1
            for i in range(pl + 1, pr + 1):
                vi = t[i]; vp = v[vi]; j = i
                while j > pl and less(vp, v[t[j - 1]]):
                    t[j] = t[j - 1]; j -= 1
                t[j] = vi
        if not stack:
            break
        pl, pr, cdepth = stack.pop()
    return t


with open('data/argsort.tsv', 'w') as f:
    for n in [1, 2, 5, 15, 16, 17, 18, 30, 59, 100, 257, 500, 17, 59, 100, 33, 64, 65, 200, 129]:
        v = [random.choice([0.0, 1e-300, 0.5, 0.25, random.random()]) for _ in range(n)]
        idx = aquicksort(list(v))
        f.write(' '.join(bits(x) for x in v) + '\t' + ' '.join(map(str, idx)) + '\n')
