#!/usr/bin/env python3
"""check_bam.py -- validate a tsc-simulate BAM read as `samtools view` text on stdin.

Usage: samtools view X.bam | check_bam.py [--sorted] [--end-to-end] [--read-length N]

Checks, record by record and fragment by fragment:
  * CIGAR query length = read length = SEQ length (unless SEQ is '*');
  * every mapped record has AS:i in bowtie2's range (local: 0 < AS <= 2*len; end-to-end: AS <= 0),
    XM/NM/MD agree with each other and with the CIGAR;
  * each fragment has exactly one primary read 1 and one primary read 2;
  * mates mirror each other as Telescope pairs them (spec 4.3): for every paired record whose mate
    is mapped there is a record of the other mate with RNAME/POS = this RNEXT/PNEXT and back, the
    same |TLEN|, the same proper-pair and secondary flags;
  * proper pairs: same chromosome, one mate reversed, TLEN positive on the leftmost mate;
  * a singleton's unmapped mate sits at its mate's RNAME/POS;
  * name-collated input keeps a fragment's records together; sorted input is in coordinate order.
Prints a one-line summary; exits 1 with the first problems on failure.
"""
import re
import sys

args = sys.argv[1:]
sorted_in = '--sorted' in args
e2e = '--end-to-end' in args
rl = int(args[args.index('--read-length') + 1]) if '--read-length' in args else 100

errors = []
def bad(msg, line):
    if len(errors) < 20:
        errors.append('%s: %s' % (msg, line[:200]))

cig_re = re.compile(r'(\d+)([MIDNSHP=X])')
md_re = re.compile(r'(\d+)|(\^[A-Z]+)|([A-Z])')

n_rec = n_frag = n_sec = 0
seen_names = set()
cur_name = None
group = []
last_key = (-1, -1)
tid_of = {}

def tags_of(f):
    t = {}
    for x in f[11:]:
        k, ty, v = x.split(':', 2)
        t[k] = int(v) if ty == 'i' else v
    return t

def check_group(g):
    global n_frag
    n_frag += 1
    prim = [0, 0]
    keys = {}
    for f, t in g:
        flag = int(f[1])
        if not flag & 0x900:
            prim[0 if flag & 0x40 else 1] += 1
    if prim != [1, 1]:
        bad('fragment without exactly one primary read 1 and read 2 (%s)' % prim, g[0][0][0])
    # Telescope's pairing keys
    for f, t in g:
        flag = int(f[1])
        if not flag & 1 or flag & 4 or flag & 8:
            continue
        rnext = f[2] if f[6] == '=' else f[6]
        key = (not (flag & 0x40), rnext, int(f[7]), f[2], int(f[3]), abs(int(f[8])))
        keys.setdefault(key, []).append((f, t))
    for f, t in g:
        flag = int(f[1])
        if not flag & 1 or flag & 4 or flag & 8:
            continue
        rnext = f[2] if f[6] == '=' else f[6]
        mine = (bool(flag & 0x40), f[2], int(f[3]), rnext, int(f[7]), abs(int(f[8])))
        mates = keys.get(mine)
        if not mates:
            bad('no mirrored mate record', '\t'.join(f[:9]))
            continue
        mf = mates[0][0]
        mflag = int(mf[1])
        if (flag & 2) != (mflag & 2) or (flag & 0x100) != (mflag & 0x100):
            bad('mates differ in proper-pair or secondary flag', '\t'.join(f[:9]))
        if bool(flag & 0x20) != bool(mflag & 0x10):
            bad('mate-reverse flag does not match the mate', '\t'.join(f[:9]))
        if flag & 2:
            if rnext != f[2] or bool(flag & 0x10) == bool(flag & 0x20):
                bad('proper pair not on one chromosome in FR orientation', '\t'.join(f[:9]))
            tl, pos, pnext = int(f[8]), int(f[3]), int(f[7])
            if tl == 0 or (pos < pnext and tl < 0) or (pos > pnext and tl > 0):
                bad('TLEN sign', '\t'.join(f[:9]))
    # singletons: the unmapped mate at the mapped mate's place
    for f, t in g:
        flag = int(f[1])
        if flag & 1 and flag & 4 and not flag & 8:
            ok = any(not int(h[1]) & 4 and h[2] == f[2] and h[3] == f[3] for h, _ in g)
            if not ok:
                bad('unmapped mate not at its mate\'s position', '\t'.join(f[:9]))

for line in sys.stdin:
    f = line.rstrip('\n').split('\t')
    n_rec += 1
    flag = int(f[1])
    if flag & 0x100:
        n_sec += 1
    t = tags_of(f)
    seq = f[9]
    if seq != '*' and len(seq) != rl:
        bad('SEQ length', line)
    if not flag & 4:
        ql = rlen = mm_ref = 0
        ins = dels = 0
        for n, op in cig_re.findall(f[5]):
            n = int(n)
            if op in 'MIS=X':
                ql += n
            if op in 'MDN=X':
                rlen += n
            if op == 'I':
                ins += n
            if op == 'D':
                dels += n
            if op in 'M=XD':
                mm_ref += n
        if ql != rl:
            bad('CIGAR query length %d' % ql, line)
        if 'AS' not in t:
            bad('mapped record without AS', line)
        else:
            a = t['AS']
            if (e2e and a > 0) or (not e2e and not 0 < a <= 2 * rl):
                bad('AS out of range', line)
        md = t.get('MD')
        if md is None:
            bad('no MD', line)
        else:
            tot = nmis = 0
            for num, dl, mis in md_re.findall(md):
                if num:
                    tot += int(num)
                elif dl:
                    tot += len(dl) - 1
                else:
                    tot += 1
                    nmis += 1
            if tot != mm_ref:
                bad('MD covers %d reference bases, CIGAR %d' % (tot, mm_ref), line)
            if nmis != t.get('XM', -1) or t.get('NM', -1) != nmis + ins + dels:
                bad('XM/NM do not match MD and CIGAR', line)
    # order
    if sorted_in:
        if f[2] != '*':
            if f[2] not in tid_of:
                tid_of[f[2]] = len(tid_of)
            key = (tid_of[f[2]], int(f[3]))
        else:
            key = (1 << 30, 0)
        if key < last_key:
            bad('not coordinate-sorted', line)
        last_key = key
        group.append((f, t))
    else:
        if f[0] != cur_name:
            if group:
                check_group(group)
            if f[0] in seen_names:
                bad('fragment records not together (not name-collated)', line)
            seen_names.add(f[0])
            cur_name = f[0]
            group = []
        group.append((f, t))

if sorted_in:
    by = {}
    for f, t in group:
        by.setdefault(f[0], []).append((f, t))
    for g in by.values():
        check_group(g)
elif group:
    check_group(group)

if errors:
    print('\n'.join(errors))
    sys.exit(1)
print('ok: %d records, %d fragments, %d secondary' % (n_rec, n_frag, n_sec))
