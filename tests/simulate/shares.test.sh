#!/bin/sh
# samtools flagstat agrees exactly with what tsc-simulate says it made, and the shares are the
# intended ones: on 20000 fragments with the defaults, unmapped pairs 2% (+-0.5%), singletons
# 1.5% of mapped fragments (0.9-2.1%), discordant 1% of gene fragments (0.6-1.4%), TE fragments
# 7% (6-8%), of which 50-95% multi-mapped; secondary records 10-60% of all records.
set -e
T=$TMPD
tsc-simulate -n 20000 -v -o "$T/x" 2> "$T/log"
samtools flagstat "$T/x.bam" > "$T/fs"
cat "$T/log" "$T/fs"
python3 - "$T/log" "$T/fs" <<'PY'
import re, sys
log = open(sys.argv[1]).read()
fs = open(sys.argv[2]).read()
def L(pat):
    return int(re.search(pat, log).group(1))
def F(label):
    return int(re.search(r'^(\d+) \+ 0 ' + label, fs, re.M).group(1))
n = L(r'(\d+) fragments, \d+ records')
recs, sec = L(r'fragments, (\d+) records'), L(r'records \((\d+) secondary')
pair, single = L(r'pair (\d+),'), L(r'singleton (\d+),')
disc, unm = L(r'discordant (\d+),'), L(r'unmapped (\d+);')
gene, te_loc, te_un = L(r'gene (\d+),'), L(r'TE locus (\d+),'), L(r'TE unannotated (\d+),')
none = L(r'none (\d+)')
te, te_multi = L(r'TE fragments: (\d+),'), L(r'multi-mapped (\d+) \(')
fails = []
def eq(name, a, b):
    if a != b: fails.append('%s: flagstat %d, expected %d' % (name, a, b))
def within(name, v, lo, hi):
    if not lo <= v <= hi: fails.append('%s = %.4f, not in [%g, %g]' % (name, v, lo, hi))
eq('total', F(r'in total'), recs)
eq('primary', F(r'primary$'), 2 * n)
eq('secondary', F(r'secondary'), sec)
eq('supplementary', F(r'supplementary'), 0)
eq('read1', F(r'read1'), n)
eq('read2', F(r'read2'), n)
eq('paired', F(r'paired in sequencing'), 2 * n)
eq('properly paired', F(r'properly paired'), 2 * pair)
eq('with itself and mate mapped', F(r'with itself and mate mapped'), 2 * (pair + disc))
eq('singletons', F(r'singletons'), single)
eq('primary mapped', F(r'primary mapped'), 2 * n - 2 * unm - single)
eq('fragments', pair + single + disc + unm, n)
eq('origins', gene + te_loc + te_un + none, n)  # drawn unmapped pairs have no origin
if none > unm: fails.append('more fragments without origin than unmapped pairs')
within('unmapped share', unm / n, 0.015, 0.025)
within('singleton share', single / (n - unm), 0.009, 0.021)
within('discordant share of gene fragments', disc / gene, 0.006, 0.014)
within('TE share', te / n, 0.06, 0.08)
within('unannotated share of TE', te_un / te, 0.02, 0.09)
within('multi-mapped share of TE', te_multi / te, 0.5, 0.95)
within('secondary share', sec / recs, 0.10, 0.60)
if F(r'with mate mapped to a different chr$') == 0: fails.append('no pair across chromosomes')
if fails:
    print('\n'.join(fails)); sys.exit(1)
print('ok')
PY
