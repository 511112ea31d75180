#!/bin/sh
# tsc-report --html / --multiqc and tsc-assign's default QC files: the HTML parses as XML and as
# balanced HTML, holds no script and fetches nothing, renders in headless Chromium with every
# chart, and shows the numbers of the run (families = tsc-aggregate of TE_counts, top locus,
# the EM trace of the FIT stream). The MultiQC files are valid JSON with the run's counters.
set -eu
T=${TMPD:?}
fail() { echo "FAIL: $*"; exit 1; }
ex=$(cd ../../examples/data && pwd)
tsc-regions "$ex/annotation.gtf" > "$T/loci.bed"
tsc-fetch "$T/loci.bed" "$ex/sampleA.bam" | tsc-matrix | tsc-blocks | tsc-em -q -L > "$T/a.fit"
tsc-report -o "$T/a" --html "$T/a.html" --multiqc "$T/a" --sample 'A&<B>' -A "$ex/annotation.gtf" -g repFamily "$T/a.fit"
h=$T/a.html
# well-formed: an XML parser, then python's HTML parser with a stack of open elements
xmllint --noout "$h" || fail "not well-formed XML"
python3 - "$h" <<'PY' || fail "unbalanced HTML"
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source", "track", "embed", "param"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True); self.stack = []; self.bad = []; self.tags = 0
    def handle_starttag(self, t, a):
        self.tags += 1
        if t not in VOID: self.stack.append(t)
    def handle_startendtag(self, t, a): self.tags += 1
    def handle_endtag(self, t):
        if not self.stack or self.stack[-1] != t: self.bad.append("</%s> at %s, open: %s" % (t, self.getpos(), self.stack[-3:]))
        else: self.stack.pop()
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
if p.bad or p.stack or p.tags < 100: print(p.bad[:3], p.stack, p.tags); sys.exit(1)
PY
if grep -qi '<script' "$h"; then fail "a script in the report"; fi
if grep -o '\(src\|href\)="[^"]*"' "$h" | grep -q .; then fail "the report links to something"; fi
grep -q '<h1>tsc report: A&amp;&lt;B&gt;</h1>' "$h" || fail "sample name not escaped"
for id in summary fragments em loci families blocks provenance; do grep -q "<h2 id=\"$id\">" "$h" || fail "no $id section"; done
[ "$(grep -c '<svg' "$h")" -eq 6 ] || fail "expected 6 charts (fragments, diff, lnl, loci, families, blocks), got $(grep -c '<svg' "$h")"
# numbers: the families table equals tsc-aggregate of TE_counts (no-feature row left out)
tsc-aggregate -A "$ex/annotation.gtf" -g repFamily "$T/a-TE_counts.tsv" | awk -F'\t' '!/^#/ && h++ && $1 != "__no_feature" { print $1, $2 }' | sort > "$T/fam.want"
sed -n '/<h2 id="families">/,/<h2 id="blocks">/p' "$h" | sed -n 's|^<tr><td>\([^<]*\)</td><td class="n">\([^<]*\)</td>.*|\1 \2|p' | sort > "$T/fam.got"
cmp "$T/fam.got" "$T/fam.want" || { diff "$T/fam.got" "$T/fam.want"; fail "families differ from tsc-aggregate"; }
top=$(awk -F'\t' 'NR > 1 && $1 != "__no_feature" && $2 > m { m = $2; l = $1 } END { print l " " m }' "$T/a-TE_counts.tsv")
got=$(sed -n '/<h2 id="loci">/,/<h2 id="families">/p' "$h" | sed -n 's|^<tr><td>\([^<]*\)</td><td class="n">\([^<]*\)</td>.*|\1 \2|p' | head -n 1)
[ "$got" = "$top" ] || fail "top locus '$got', TE_counts says '$top'"
# the trace: iterations and the last diff/lnl as the FIT has them
tsc-view "$T/a.fit" > "$T/fit.txt"
n=$(awk -F'\t' '$2 == "_em_iterations" { print $3 }' "$T/fit.txt")
last=$(awk '$1 == "=EMDF" { f = 1; next } /^=/ { f = 0 } f { v = $1 } END { printf "%.5g", v }' "$T/fit.txt")
lastl=$(awk '$1 == "=EMLL" { f = 1; next } /^=/ { f = 0 } f { v = $1 } END { printf "%.5e", v }' "$T/fit.txt")
grep -q "^<tr><td class=\"n\">$n</td><td class=\"n\">$last</td><td class=\"n\">$lastl</td></tr>" "$h" || fail "trace row $n $last $lastl not in the report"
grep -q '<code>.*tsc-fetch .*sampleA.bam</code>' "$h" || fail "no provenance"
# renders in headless Chromium: the browser's DOM has every chart and no console error
command -v chromium > /dev/null || fail "chromium is not installed (make deps)"
timeout 120 chromium --headless --no-sandbox --disable-gpu --enable-logging=stderr --dump-dom "file://$h" > "$T/dom.html" 2> "$T/chromium.err" || { tail -5 "$T/chromium.err"; fail "chromium failed"; }
[ "$(grep -o '<svg' "$T/dom.html" | wc -l)" -eq 6 ] || fail "chromium's DOM lacks charts"
if grep -i 'CONSOLE\|Uncaught' "$T/chromium.err"; then fail "console errors"; fi
timeout 120 chromium --headless --no-sandbox --disable-gpu --window-size=1000,2000 --screenshot="$T/a.png" "file://$h" > /dev/null 2>&1 || fail "no screenshot"
[ "$(head -c 4 "$T/a.png" | od -An -c | tr -d ' ')" = '211PNG' ] || fail "the screenshot is not a PNG"
[ "$(wc -c < "$T/a.png")" -gt 20000 ] || fail "the screenshot is (nearly) empty"
# MultiQC files: valid JSON, the run-info counters and the assignment totals
python3 - "$T/a" <<'PY' || fail "MultiQC JSON"
import json, sys
p = sys.argv[1]
f = json.load(open(p + "-tsc_fragments_mqc.json"))["data"]["A&<B>"]
a = json.load(open(p + "-tsc_assignment_mqc.json"))["data"]["A&<B>"]
fam = json.load(open(p + "-tsc_families_mqc.json"))
assert fam["plot_type"] == "bargraph" and fam["parent_id"] == "tsc", fam
# sampleA: 7000 fragments, 6815 mapped, 185 unmapped, 73 + 399 overlapping (run info of tsc-fetch)
assert f == {"overlap one locus": 73, "overlap several loci": 399, "mapped, no locus": 6343, "failed to map": 185}, f
assert a["assigned to a locus"] + a["no feature"] + a["not assigned"] == 472, a
assert sum(fam["data"]["A&<B>"].values()) == a["assigned to a locus"], fam
PY
# tsc-assign writes both by default, and neither with --no_qc
tsc-assign --quiet --outdir "$T/as" --exp_tag s "$ex/sampleA.bam" "$ex/annotation.gtf"
for f in s-report.html s-tsc_fragments_mqc.json s-tsc_assignment_mqc.json s-tsc_families_mqc.json; do [ -s "$T/as/$f" ] || fail "tsc-assign wrote no $f"; done
cmp "$T/as/s-TE_counts.tsv" "$T/a-TE_counts.tsv" || fail "TE_counts differ with the QC on"
tsc-assign --quiet --no_qc --outdir "$T/nq" --exp_tag s "$ex/sampleA.bam" "$ex/annotation.gtf"
[ "$(ls "$T/nq" | sort | tr '\n' ' ')" = "s-TE_counts.tsv s-checkpoint.tsc s-run_stats.tsv " ] || fail "--no_qc wrote: $(ls "$T/nq")"
# a report that cannot be written: an error, and no table left behind
if tsc-report -o "$T/x" --html "$T/nodir/r.html" "$T/a.fit" 2> "$T/err"; then fail "unwritable --html accepted"; fi
[ ! -e "$T/x-TE_counts.tsv" ] || fail "TE_counts left after a failed run"
echo ok
