#!/usr/bin/env python3
"""score.py -- accuracy of estimated TE counts against a tsc-simulate truth table.

Usage: score.py [--name NAME] [--no-header] COUNTS TRUTH

COUNTS is a Telescope/tsc TE_counts.tsv (header "transcript<TAB>count", any reassignment mode, a
locus that is absent counts 0) or a featureCounts table ("Geneid ... count" with '#' comment lines;
the last column is the count). TRUTH is PREFIX.truth.tsv from tsc-simulate ("locus<TAB>true_count",
every locus). Rows named __no_feature, and names that are not loci of the truth table, are left out
(the number of the latter is reported).

Prints one TSV row (with a header line unless --no-header):
  name  loci  pearson  spearman  l1  rel_l1  precision  recall  est_total  true_total  unknown
over every locus of the truth table: Pearson and Spearman (average ranks for ties) correlation of
estimated against true counts, total L1 error sum|est - true| and its ratio to the true total, and
detection precision and recall, a locus being detected when its count is >= 1 and truly expressed
when its true count is >= 1. Correlations are 'nan' when a side is constant. Python 3 stdlib only.
"""
import math
import sys

HEADER = ['name', 'loci', 'pearson', 'spearman', 'l1', 'rel_l1', 'precision', 'recall',
          'est_total', 'true_total', 'unknown']


def die(msg):
    sys.stderr.write('score.py: error: %s\n' % msg)
    sys.exit(1)


def read_truth(path):
    truth = {}
    order = []
    with open(path) as fh:
        head = fh.readline().rstrip('\n').split('\t')
        if head[:2] != ['locus', 'true_count']:
            die('%s: not a truth table (header %r)' % (path, '\t'.join(head)))
        for n, line in enumerate(fh, 2):
            f = line.rstrip('\n').split('\t')
            if len(f) < 2:
                die('%s:%d: expected locus<TAB>true_count' % (path, n))
            try:
                truth[f[0]] = float(f[1])
            except ValueError:
                die('%s:%d: bad count %r' % (path, n, f[1]))
            order.append(f[0])
    return truth, order


def read_counts(path):
    est = {}
    with open(path) as fh:
        lines = [l.rstrip('\n') for l in fh if not l.startswith('#')]
    if not lines:
        return est
    head = lines[0].split('\t')
    if head[0] == 'Geneid':
        col = len(head) - 1          # featureCounts: the last column is the count
    elif head[:2] == ['transcript', 'count']:
        col = 1
    else:
        die('%s: neither a TE_counts.tsv nor a featureCounts table (header %r)' % (path, lines[0]))
    for n, line in enumerate(lines[1:], 2):
        f = line.split('\t')
        if len(f) <= col:
            die('%s:%d: too few columns' % (path, n))
        name = f[0]
        if len(name) >= 2 and name[0] == '"' and name[-1] == '"':
            name = name[1:-1].replace('""', '"')
        try:
            est[name] = est.get(name, 0.0) + float(f[col])
        except ValueError:
            die('%s:%d: bad count %r' % (path, n, f[col]))
    return est


def ranks(v):
    idx = sorted(range(len(v)), key=lambda i: v[i])
    r = [0.0] * len(v)
    i = 0
    while i < len(idx):
        j = i
        while j + 1 < len(idx) and v[idx[j + 1]] == v[idx[i]]:
            j += 1
        for k in range(i, j + 1):
            r[idx[k]] = (i + j) / 2.0 + 1
        i = j + 1
    return r


def pearson(x, y):
    n = len(x)
    if n < 2:
        return float('nan')
    mx, my = math.fsum(x) / n, math.fsum(y) / n
    sxy = math.fsum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = math.fsum((a - mx) ** 2 for a in x)
    syy = math.fsum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return float('nan')
    return sxy / math.sqrt(sxx * syy)


def score(est, truth, order):
    x = [est.get(k, 0.0) for k in order]
    y = [truth[k] for k in order]
    l1 = math.fsum(abs(a - b) for a, b in zip(x, y))
    tt = math.fsum(y)
    tp = sum(1 for a, b in zip(x, y) if a >= 1 and b >= 1)
    fp = sum(1 for a, b in zip(x, y) if a >= 1 and b < 1)
    fn = sum(1 for a, b in zip(x, y) if a < 1 and b >= 1)
    unknown = sum(1 for k in est if k != '__no_feature' and k not in truth)
    return {
        'loci': len(order),
        'pearson': pearson(x, y),
        'spearman': pearson(ranks(x), ranks(y)),
        'l1': l1,
        'rel_l1': l1 / tt if tt > 0 else float('nan'),
        'precision': tp / (tp + fp) if tp + fp else float('nan'),
        'recall': tp / (tp + fn) if tp + fn else float('nan'),
        'est_total': math.fsum(x),
        'true_total': tt,
        'unknown': unknown,
    }


def fmt(v):
    if isinstance(v, int):
        return str(v)
    if v != v:
        return 'nan'
    if v == int(v) and abs(v) < 1e15:
        return '%d' % v
    return '%.4f' % v


def main(argv):
    name, header, files = None, True, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == '--name' and i + 1 < len(argv):
            name = argv[i + 1]
            i += 1
        elif a == '--no-header':
            header = False
        elif a in ('-h', '--help'):
            sys.stdout.write(__doc__)
            return 0
        elif a.startswith('-') and a != '-':
            sys.stderr.write('score.py: error: unknown option %s\ntry \'score.py --help\'\n' % a)
            return 2
        else:
            files.append(a)
        i += 1
    if len(files) != 2:
        sys.stderr.write('usage: score.py [--name NAME] [--no-header] COUNTS TRUTH\n')
        return 2
    truth, order = read_truth(files[1])
    est = read_counts(files[0])
    r = score(est, truth, order)
    r['name'] = name or files[0]
    if header:
        print('\t'.join(HEADER))
    print('\t'.join(r['name'] if k == 'name' else fmt(r[k]) for k in HEADER))
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except (OSError, IOError) as e:
        die(str(e))
