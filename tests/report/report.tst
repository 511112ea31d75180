# tsc-report: usage, options and bad input (P = exit 0 and stdout as given; N = clean failure)
P . tsc-report --help | grep '^Usage: tsc-report' > /dev/null
P . tsc-report -h | grep 'unique \[exclude\]' > /dev/null
P . tsc-report --version | grep '^tsc-report' > /dev/null
N . tsc-report --bogus-option odd.fit.txt
N reassign-mode tsc-report -m all odd.fit.txt
N reassign-mode tsc-report --reassign_mode Choose odd.fit.txt
N conf-prob tsc-report -c 1.5 odd.fit.txt
N conf-prob tsc-report --conf_prob nan odd.fit.txt
N . tsc-report -o "" odd.fit.txt
N too_many tsc-report a.fit b.fit
N . tsc-report -o "$TMPD/x" /nonexistent/input.fit
N . echo 'not a stream' | tsc-report -o "$TMPD/x"
N MATRIX tsc-view -b matrix.txt | tsc-report -o "$TMPD/x"
N . tsc-view -b odd.fit.txt | head -c 300 | tsc-report -o "$TMPD/x"
N . tsc-view -b odd.fit.txt | tsc-report -o "$TMPD/nodir/x"
N ALOC sed '/^=ALOC/,/^=PI__/{/^=PI__/!d}' odd.fit.txt | tsc-view -b | tsc-report -o "$TMPD/x" --all-loci "$TMPD/all"
P odd-exclude-TE_counts.tsv tsc-view -b odd.fit.txt | tsc-report -c 0.6 -o "$TMPD/o" && cat "$TMPD/o-TE_counts.tsv"
P odd-choose-TE_counts.tsv tsc-view -b odd.fit.txt | tsc-report -m choose -c 0.6 -o "$TMPD/o" && cat "$TMPD/o-TE_counts.tsv"
P odd-average-TE_counts.tsv tsc-view -b odd.fit.txt | tsc-report -m average -c 0.6 -o "$TMPD/o" && cat "$TMPD/o-TE_counts.tsv"
P odd-conf-TE_counts.tsv tsc-view -b odd.fit.txt | tsc-report --reassign_mode conf --conf_prob 0.6 -o "$TMPD/o" && cat "$TMPD/o-TE_counts.tsv"
P odd-unique-TE_counts.tsv tsc-view -b odd.fit.txt | tsc-report -m unique -c 0.6 -o "$TMPD/o" && cat "$TMPD/o-TE_counts.tsv"
P odd-run_stats.tsv tsc-view -b odd.fit.txt | tsc-report -m average -c 0.6 -o "$TMPD/o" && cat "$TMPD/o-run_stats.tsv"
P odd-all_loci.tsv tsc-view -b odd.fit.txt | tsc-report -m average -c 0.6 -o "$TMPD/o" --all-loci - | grep -v '^# \(version\|command\|input\):'
N empty_name tsc-report --html "" -o "$TMPD/x" odd.fit.txt
N go_together tsc-report -A x.gtf --html "$TMPD/x.html" -o "$TMPD/x" odd.fit.txt
N go_together tsc-report -g repFamily --html "$TMPD/x.html" -o "$TMPD/x" odd.fit.txt
N are_for_--html tsc-report -A x.gtf -g repFamily -o "$TMPD/x" odd.fit.txt
N cannot_open tsc-view -b odd.fit.txt | tsc-report -A /nonexistent.gtf -g repFamily --html "$TMPD/x.html" -o "$TMPD/x"
P . tsc-view -b odd.fit.txt | tsc-report --html "$TMPD/x.html" --multiqc "$TMPD/x" -o "$TMPD/x" && xmllint --noout "$TMPD/x.html" && grep -q '"tsc_families"' "$TMPD/x-tsc_families_mqc.json"
