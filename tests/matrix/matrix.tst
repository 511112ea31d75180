# tsc-matrix: HITS stream -> MATRIX stream (run by tests/run.sh; format at its top).
# tiny.hits.txt: 6 records (tsc-view text); columns in first-appearance order, a duplicate
# fragment ordinal (3) merged by maximum, a no-feature-only record (6) dropped, minAS 240.
P tiny.triplets.tsv tsc-view tiny.hits.txt | tsc-matrix | tsc-view -m | grep -v "^@prov"
P tiny.header.txt tsc-view tiny.hits.txt | tsc-matrix -o $TMPD/m && tsc-view -H $TMPD/m | grep -v '^@prov'
P tiny.triplets.tsv tsc-view tiny.hits.txt > $TMPD/h && tsc-matrix -o $TMPD/m $TMPD/h && tsc-view -m $TMPD/m | grep -v "^@prov"
P tiny.triplets.tsv tsc-view tiny.hits.txt > $TMPD/h && tsc-matrix - < $TMPD/h | tsc-view -m | grep -v "^@prov"
P tiny-key.header.txt tsc-view tiny.hits.txt | tsc-matrix --no-feature-key intergenic -o $TMPD/m && tsc-view -H $TMPD/m | grep -v '^@prov'
# provenance: one tsc-matrix entry with the command line
P . tsc-view tiny.hits.txt | tsc-matrix -o $TMPD/m && tsc-view -H $TMPD/m | grep '^@prov	tsc-matrix	.*	tsc-matrix -o [^	]*$' > /dev/null
# a stream without records is a valid empty matrix (N = 0, K = 1)
P empty.mtx.txt tsc-view empty.hits.txt | tsc-matrix | tsc-view | grep -v '^@prov'
# usage, version
P . tsc-matrix --help | grep '^Usage: tsc-matrix' > /dev/null
P . tsc-matrix -h | grep 'no-feature-key STR.*\[__no_feature\]' > /dev/null
P . tsc-matrix --version | grep '^tsc-matrix ' > /dev/null
N unknown_option tsc-matrix --bogus
N too_many_arguments tsc-matrix a b
N no-feature_key_must_not_be_empty tsc-view tiny.hits.txt | tsc-matrix --no-feature-key ''
# bad input
N also_the_name_of_annotated_locus_3 tsc-view tiny.hits.txt | tsc-matrix --no-feature-key TE3
N cannot_open tsc-matrix /nonexistent/hits
N input_is_a_MATRIX_stream tsc-view tiny.hits.txt | tsc-matrix | tsc-matrix
N truncated tsc-view tiny.hits.txt | head -c 200 | tsc-matrix
N CRC32_mismatch tsc-view tiny.hits.txt > $TMPD/h && printf X | dd of=$TMPD/h bs=1 seek=300 conv=notrunc 2>/dev/null && tsc-matrix $TMPD/h
N empty_input : | tsc-matrix
N not_a_tsc_stream echo hello | tsc-matrix
N below_the_run's_minimum_AS tsc-view lowas.hits.txt | tsc-matrix
N the_raw_scores_need_it tsc-view nominas.hits.txt | tsc-matrix
