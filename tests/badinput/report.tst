# badinput/report.tst -- tsc-report on odd FIT streams and options.  Wrong kind, corrupted and
# truncated input, full disk: tests/faults/.  Names with tabs, quotes, newlines, UTF-8 and empty
# fits: tests/report/.
# a FIT whose z are not numbers: no crash, exit 0, and every count is 0 (a NaN z is never the
# best of its row nor above conf_prob, so no fragment is assigned)
P . sed '/^=ZFIN/,/^=LNL_/{/^=/!s/.*/nan/}' ../report/odd.fit.txt > $TMPD/nan.txt && tsc-view -b $TMPD/nan.txt -o $TMPD/nan.bin && tsc-report -o $TMPD/x $TMPD/nan.bin && test "$(awk -F '\t' 'NF == 2 { print $2 }' $TMPD/x-TE_counts.tsv | sort -u | tr '\n' ' ')" = "0 count "
# a FIT whose z sections are shorter than its matrix (tsc-view -b refuses the text already;
# tests/fuzz/regress/stream/zfin-short.bin is the binary case)
N section_ZFIN_has_8_values sed '/^=ZFIN/{s/9$/8/;n;d}' ../report/odd.fit.txt > $TMPD/s.txt && tsc-view -b $TMPD/s.txt -o $TMPD/s.bin && tsc-report -o $TMPD/x $TMPD/s.bin
# options out of range
N --conf-prob tsc-report -c 1.5 -o $TMPD/x ../report/odd.fit.txt
N --conf-prob tsc-report -c nan -o $TMPD/x ../report/odd.fit.txt
N --reassign-mode tsc-report -m all -o $TMPD/x ../report/odd.fit.txt
# an output prefix in a folder that does not exist (upstream errors/nooutdir: FileNotFoundError)
N cannot_create tsc-view -b ../report/odd.fit.txt -o $TMPD/f.bin && tsc-report -o $TMPD/does/not/exist/x $TMPD/f.bin
