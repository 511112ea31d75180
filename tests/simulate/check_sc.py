#!/usr/bin/env python3
"""check_sc.py -- validate a single-cell tsc-simulate data set (made with --origin-tag).

Usage: samtools view -h X.bam | check_sc.py PREFIX READS [--sorted] [--cb-suffix] [--read-length N]
       [--umi-length N] [--reads-per-umi F] [--ambient-fraction F]

Checks, against PREFIX.whitelist.tsv, PREFIX.celltypes.tsv, PREFIX.cells.truth.tsv, PREFIX.truth.tsv:
  * READS primary records, one per read name; every record's CIGAR query length = SEQ length = read
    length;
  * NH/HI as STARsolo writes them: every record of a read has the same NH, there are NH records,
    HI covers 1..NH, exactly one is primary; MAPQ 255/3/1/0 for NH 1/2/3-4/more; unmapped reads
    are one record with NH:i:0 HI:i:0 and uT:A;
  * barcodes: CB is '-' (then UB is '-') or a 16-base barcode (with '-1' under --cb-suffix) at most
    one substitution from CR; UB at most one from UR; the same tags on every record of a read;
  * the whitelist holds distinct barcodes and is the celltype table's first column, in order;
    barcodes outside it (ambient) have far fewer reads than the cells, and about
    --ambient-fraction of the reads with a barcode;
  * the truth: for every (CB, true locus YL) the distinct UMIs and the reads equal true_umis and
    true_reads of PREFIX.cells.truth.tsv, and PREFIX.truth.tsv sums the whitelisted cells' UMIs;
  * duplicates: reads per (CB, UB, locus) average near --reads-per-umi;
  * name-collated input keeps a read's records together; sorted input is in coordinate order.
Prints a one-line summary; exits 1 with the first problems on failure.
"""
import sys
from collections import defaultdict

args = sys.argv[1:]
prefix, n_reads = args[0], int(args[1])
sorted_in = '--sorted' in args
suffix = '--cb-suffix' in args
rl = int(args[args.index('--read-length') + 1]) if '--read-length' in args else 90
ul = int(args[args.index('--umi-length') + 1]) if '--umi-length' in args else 12
dup = float(args[args.index('--reads-per-umi') + 1]) if '--reads-per-umi' in args else 3.0
amb_frac = float(args[args.index('--ambient-fraction') + 1]) if '--ambient-fraction' in args else 0.03

errors = []
def bad(msg, line=''):
    if len(errors) < 20:
        errors.append('%s: %s' % (msg, line[:200]))

def qlen(cig):
    n, num = 0, ''
    for ch in cig:
        if ch.isdigit():
            num += ch
        else:
            if ch in 'MIS=X':
                n += int(num)
            num = ''
    return n

def hamming(a, b):
    return len(a) != len(b) and 99 or sum(x != y for x, y in zip(a, b))

wl = [l.rstrip('\n') for l in open(prefix + '.whitelist.tsv')]
ct = [l.rstrip('\n').split('\t') for l in open(prefix + '.celltypes.tsv')]
if ct[0] != ['barcode', 'celltype']:
    bad('celltype header', str(ct[0]))
if [r[0] for r in ct[1:]] != wl:
    bad('celltype barcodes differ from the whitelist')
if len(set(wl)) != len(wl):
    bad('duplicate whitelist barcodes')
for b in wl:
    if len(b) != (18 if suffix else 16) or (suffix and not b.endswith('-1')):
        bad('whitelist barcode form', b)
wlset = set(wl)
ctype = {r[0]: r[1] for r in ct[1:]}

reads = {}          # name -> [nh, his, primaries, tags tuple, n records]
order_bad = 0
last_name, seen_done = None, set()
last_key = (-1, -1)
tids = {}
primary = 0
umis = defaultdict(set)    # (CB, locus) -> UBs
nreads = defaultdict(int)  # (CB, locus) -> reads
mol = defaultdict(int)     # (CB, UB, locus) -> reads
per_bc = defaultdict(int)
for line in sys.stdin:
    if line.startswith('@'):
        if line.startswith('@SQ'):
            tids[line.split('\t')[1][3:]] = len(tids)
        continue
    f = line.rstrip('\n').split('\t')
    name, flag, rname, pos, mapq, cig, seq = f[0], int(f[1]), f[2], int(f[3]), int(f[4]), f[5], f[9]
    tags = {t[:2]: t[5:] for t in f[11:]}
    if len(seq) != rl:
        bad('SEQ length', line)
    if not flag & 4 and qlen(cig) != rl:
        bad('CIGAR query length', line)
    if sorted_in:
        key = (tids.get(rname, 1 << 30), pos) if rname != '*' else (1 << 30, 0)
        if key < last_key:
            bad('not in coordinate order', line)
        last_key = key
    elif name != last_name:
        if name in seen_done:
            bad('records of a read not together', line)
        if last_name is not None:
            seen_done.add(last_name)
        last_name = name
    for t in ('NH', 'HI', 'AS', 'nM', 'CR', 'UR', 'CB', 'UB', 'YL'):
        if t not in tags:
            bad('no ' + t, line)
            tags[t] = '0'
    nh, hi = int(tags['NH']), int(tags['HI'])
    bc = (tags['CR'], tags['UR'], tags['CB'], tags['UB'], tags['YL'])
    if flag & 4:
        if nh != 0 or hi != 0 or 'uT' not in tags or flag != 4:
            bad('unmapped record', line)
        nh = 1
    elif mapq != (255 if nh == 1 else 3 if nh == 2 else 1 if nh <= 4 else 0):
        bad('MAPQ for NH', line)
    r = reads.setdefault(name, [nh, set(), 0, bc, 0])
    if r[0] != nh:
        bad('NH differs within a read', line)
    if r[3] != bc:
        bad('tags differ within a read', line)
    if not flag & 4 and hi in r[1]:
        bad('HI repeated', line)
    r[1].add(hi)
    r[4] += 1
    if not flag & 0x900:
        r[2] += 1
        primary += 1
        cr, ur, cb, ub, yl = bc
        if cb == '-':
            if ub != '-':
                bad('UB without CB', line)
        else:
            core = cb[:-2] if suffix else cb
            if suffix and not cb.endswith('-1'):
                bad('CB without -1', line)
            if len(core) != 16 or hamming(core, cr) > 1 or len(cr) != 16:
                bad('CB/CR', line)
            if len(ub) != ul or hamming(ub, ur) > 1:
                bad('UB/UR', line)
            per_bc[cb] += 1
            if yl != '*':
                umis[(cb, yl)].add(ub)
                nreads[(cb, yl)] += 1
                mol[(cb, ub, yl)] += 1

for name, (nh, his, prim, bc, nrec) in reads.items():
    if nrec != nh:
        bad('%d records, NH %d' % (nrec, nh), name)
    if nh > 0 and his != set(range(1, nh + 1)) and his != {0}:
        bad('HI not 1..NH', name)
    if prim != 1:
        bad('%d primary records' % prim, name)
if primary != n_reads or len(reads) != n_reads:
    bad('%d primary records, %d reads, expected %d' % (primary, len(reads), n_reads))

# the truth
truth = {}
lines = open(prefix + '.cells.truth.tsv').read().splitlines()
if lines[0] != 'barcode\tlocus\ttrue_umis\ttrue_reads':
    bad('cells truth header', lines[0])
tot = defaultdict(int)
for l in lines[1:]:
    b, loc, u, n = l.split('\t')
    truth[(b, loc)] = (int(u), int(n))
    if b in wlset:
        tot[loc] += int(u)
seen = {k: (len(v), nreads[k]) for k, v in umis.items()}
if seen != truth:
    diff = [k for k in set(seen) | set(truth) if seen.get(k) != truth.get(k)]
    bad('truth differs for %d (barcode, locus), e.g. %s: BAM %s, truth %s'
        % (len(diff), diff[0], seen.get(diff[0]), truth.get(diff[0])))
for l in open(prefix + '.truth.tsv').read().splitlines()[1:]:
    loc, c = l.split('\t')
    if tot.get(loc, 0) != int(c):
        bad('locus truth', l)

# cells and ambient barcodes
cells = [per_bc[b] for b in wl]
amb = [n for b, n in per_bc.items() if b not in wlset]
mc = sum(cells) / len(cells)
ma = sum(amb) / len(amb) if amb else 0
if not amb or ma > 0.1 * mc:
    bad('ambient barcodes: %d, %.1f reads each; cells %.1f' % (len(amb), ma, mc))
share = sum(amb) / max(1, sum(amb) + sum(cells))
if abs(share - amb_frac) > 0.25 * amb_frac + 0.002:
    bad('reads from ambient barcodes: %.4f of those with a barcode, expected about %g' % (share, amb_frac))
if n_reads >= 50 * len(wl) and min(cells) == 0:
    bad('a whitelisted cell without reads')
# duplicates
dm = sum(mol.values()) / max(1, len(mol))
if abs(dm - dup) > 0.15 * dup:
    bad('reads per molecule %.2f, expected about %g' % (dm, dup))
if max(mol.values(), default=0) < 2 and dup > 1:
    bad('no PCR duplicates')
# cell types: some locus expressed in one type only, with many UMIs
by_locus = defaultdict(lambda: defaultdict(int))
for (b, loc), (u, _) in truth.items():
    if b in ctype:
        by_locus[loc][ctype[b]] += u
if len(set(ctype.values())) > 1 and not any(len(t) == 1 and sum(t.values()) >= 20 for t in by_locus.values()):
    bad('no cell-type-specific locus')

if errors:
    print('\n'.join(errors))
    sys.exit(1)
print('ok: %d reads, %d records, %d barcodes (%d cells, %d ambient: %.4f of the reads), %d molecules at loci, '
      '%.2f reads each' % (len(reads), sum(r[4] for r in reads.values()), len(per_bc), len(wl), len(amb), share, len(mol), dm))
