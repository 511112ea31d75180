# tsc-view: text forms, triplets, errors
P matrix.tsv tsc-view -b matrix.txt -o $TMPD/m.bin && tsc-view -m $TMPD/m.bin
P matrix.header tsc-view -b matrix.txt -o $TMPD/m.bin && tsc-view -H $TMPD/m.bin
P . tsc-view --help | grep '^Usage: tsc-view' > /dev/null
P . tsc-view --version | grep '^tsc-view (tsc) ' > /dev/null
N not_a_tsc_stream echo hello | tsc-view
N empty_input tsc-view < /dev/null
N cannot_open tsc-view /nonexistent/stream
N needs_tsc-view_text tsc-view -b matrix.tsv
N expected_@feature sed 's/^@feature/@featur/' matrix.txt | tsc-view -o $TMPD/x
N truncated_text head -n 12 matrix.txt | tsc-view -o $TMPD/x
N bad_u32_value sed 's/^30$/-30/' matrix.txt | tsc-view -o $TMPD/x
N format_version sed '1s/version=1/version=9/' matrix.txt | tsc-view -o $TMPD/x
N unknown_option tsc-view --frobnicate
N input_is_a_HITS_stream tsc-view -b hits.txt -o $TMPD/h.bin && tsc-view -m $TMPD/h.bin
N row_1_has_column_7 sed '/^=INDX/,/^=SCOR/s/^2$/7/' matrix.txt | tsc-view -o $TMPD/x && tsc-view -m $TMPD/x
N write_failed tsc-view -b matrix.txt -o /dev/full
