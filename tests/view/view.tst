# tsc-view: text forms, triplets, errors
P matrix.tsv tsc-view -b matrix.txt -o $TMPD/m.bin && tsc-view -m $TMPD/m.bin
P matrix.header tsc-view -b matrix.txt -o $TMPD/m.bin && tsc-view -H $TMPD/m.bin
P . tsc-view --help | grep '^Usage: tsc-view' > /dev/null
P . tsc-view --version | grep '^tsc-view (tsc) ' > /dev/null
N not_a_tsc_stream echo hello | tsc-view
N empty_input tsc-view < /dev/null
N cannot_open tsc-view /nonexistent/stream
N needs_tsc-view_text tsc-view -b matrix.txt -o $TMPD/m.bin && tsc-view -b $TMPD/m.bin
N expected_@feature sed 's/^@feature/@featur/' matrix.txt | tsc-view -o $TMPD/x
N truncated_text head -n 12 matrix.txt | tsc-view -o $TMPD/x
N bad_u32_value sed 's/^30$/-30/' matrix.txt | tsc-view -o $TMPD/x
N format_version sed '1s/version=1/version=9/' matrix.txt | tsc-view -o $TMPD/x
N unknown_option tsc-view --frobnicate
N input_is_a_HITS_stream tsc-view -b hits.txt -o $TMPD/h.bin && tsc-view -m $TMPD/h.bin
N row_1_has_column_7 sed '/^=INDX/,/^=SCOR/s/^2$/7/' matrix.txt | tsc-view -o $TMPD/x && tsc-view -m $TMPD/x
N write_failed tsc-view -b matrix.txt -o /dev/full
# the input is read once: pipes and process substitution work both ways (issue 15)
P matrix.txt tsc-view -b matrix.txt -o $TMPD/m.bin && bash -c "tsc-view <(cat $TMPD/m.bin)"
P matrix.txt bash -c "tsc-view -b <(cat matrix.txt)" | tsc-view
P matrix.tsv tsc-view -b matrix.txt -o $TMPD/m.bin && bash -c "tsc-view -m <(cat $TMPD/m.bin)"
P matrix.header cat matrix.txt | tsc-view -b | tsc-view -H
# sections run to the next '=' line: COUNT is optional and need not match
P matrix.header sed -e 's/^\(=[A-Z]*\t[a-z0-9]*\)\t[0-9]*$/\1/' -e 's/^=END.*/=END/' matrix.txt | tsc-view -b | tsc-view -H
P matrix.header sed -e 's/^=SCOR\tu32\t3$/=SCOR\tu32\t99/' -e 's/^=END.*/=END/' matrix.txt | tsc-view -b | tsc-view -H
# an edit (the crc32 no longer matches) is recorded: run info edited, tsc-view in @prov
P . sed 's/^30$/31/' matrix.txt | tsc-view -b | tsc-view -H | tail -3 | tr '\t' ' ' | grep -qx -e '@info edited text' -e '@prov tsc-matrix 0.1 tsc-matrix x' -e '@prov tsc-view .* tsc-view -b'
P matrix.header sed 's/^30$/31/' matrix.txt | tsc-view -b | tsc-view -H | grep -v -e '^@info.edited' -e '^@prov.tsc-view'
# a str value that starts with '=' is escaped, and reads back
P . printf '#tsc-stream\tversion=1\tkind=MATRIX\n=NAME\tstr\t2\n\\x3dEND\nx\n=END\n' | tsc-view -b | tsc-view | grep -qx '.x3dEND'
N stdin:4:_text_after_=END printf '#tsc-stream\tversion=1\tkind=MATRIX\n=NAME\tstr\t2\n=END\nx\n=END\n' | tsc-view -o $TMPD/x
# the cell form reads back into a MATRIX: the same cells, run info edited, tsc-view in @prov
P matrix.tsv tsc-view -b matrix.tsv | tsc-view -m | grep -v -e '^@info.edited' -e '^@prov.tsc-view'
P . tsc-view -b matrix.tsv | tsc-view -H | grep -qx '@info.edited.rows 2->2'
P . tsc-view -b matrix.tsv | tsc-view -H | tail -1 | grep -q '^@prov.tsc-view.*tsc-view -b'
N stdin:11:_feature_'TE3'_has_no_@feature_line sed '11s/TE2/TE3/' matrix.tsv | tsc-view -b
N stdin:10:_row_0_has_feature sed '9p' matrix.tsv | tsc-view -b
N stdin:9:_expected_5_tab-separated_fields sed '9s/$/\t1/' matrix.tsv | tsc-view -b
