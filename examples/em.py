#!/usr/bin/env python3
"""em.py -- Telescope's EM (telescope-spec section 7) as a stand-in for tsc-em, on the cell form.
Reads `tsc-view -m` of a MATRIX on stdin, writes the cell form of a FIT on stdout, for
`tsc-view -b | tsc-report`. Defaults as tsc-em: pi_prior 0, theta_prior 200000, epsilon 1e-7,
100 iterations. Part of tsc (Telescope in C). MIT licence."""
import math, sys

PI_PRIOR, THETA_PRIOR, EPS, MAX_ITER = 0.0, 200000.0, 1e-7, 100
head, feats, rows = [], [], {}
for line in sys.stdin:
    f = line.rstrip('\n').split('\t')
    if f[0] == '@feature': feats.append(f[1:3])
    elif f[0] == '#row': fields = ['row'] + f[1:]
    elif f[0][0] in '#@': head.append(line) if f[0][0] == '@' else None
    else: rows.setdefault(int(f[0]), []).append(dict(zip(fields, f)))
K, R = len(feats), [rows[r] for r in sorted(rows)]
col = {name: j for j, (name, _) in enumerate(feats)}
smax = max(int(c['score']) for r in R for c in r)
Q = [[(col[c['feature']], math.expm1(int(c['score']) * (1 / smax) * 100)) for c in r] for r in R]
Y = [len(q) > 1 for q in Q]
w = [max(v for _, v in q) for q in Q]
total_wt, ambig_wt = sum(w), sum(wi for wi, y in zip(w, Y) if y)
ppi, pth = PI_PRIOR * max(w), THETA_PRIOR * max(w)
U = [0.0] * K
for q, y in zip(Q, Y):
    for j, v in q: U[j] += 0 if y else v
pi, theta = [1 / K] * K, [1 / K] * K

def estep(pi, theta):
    z = []
    for q, y in zip(Q, Y):
        n = [v * (pi[j] * theta[j]) if y else v * pi[j] for j, v in q]
        s = sum(n)
        z.append([x * (1 / s) if s else 0.0 for x in n])
    return z

t, conv = 0, False
while True:
    z = estep(pi, theta)
    T = [0.0] * K
    for q, y, zr, wi in zip(Q, Y, z, w):
        for (j, _), x in zip(q, zr): T[j] += x * wi if y else 0
    theta2 = [(T[j] + pth) / (ambig_wt + pth * K) for j in range(K)]
    pi2 = [(U[j] + T[j] + ppi) / (total_wt + ppi * K) for j in range(K)]
    t += 1
    if t == 1: pi_init, theta_init = pi2, theta2
    conv = sum(abs(a - b) for a, b in zip(pi2, pi)) < EPS
    if conv or t >= MAX_ITER: break
    pi, theta = pi2, theta2
lnl = sum(x * math.log1p(v * pi[j] * (theta[j] if y else 1)) for q, y, zr in zip(Q, Y, z) for (j, v), x in zip(q, zr))
out = sys.stdout
out.write('#tsc-cells\tversion=1\tkind=FIT\n')
for j, (name, length) in enumerate(feats):
    out.write('\t'.join([name, length] + [repr(a[j]) for a in (pi, theta, pi_init, theta_init)]).join(['@feature\t', '\n']))
out.writelines(head)
out.write('@info\t_em_iterations\t%d\n@info\t_em_converged\t%d\n@info\t_em_backend\tem.py\n' % (t, conv))
out.write('@prov\tem.py\t1\tem.py\n@lnl\t%r\n#%s\tz\n' % (lnl, '\t'.join(fields)))
for r, zr in zip(R, z):
    for c, x in zip(r, zr): out.write('\t'.join([c[k] for k in fields] + [repr(x)]) + '\n')
