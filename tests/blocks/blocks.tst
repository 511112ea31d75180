# tsc-blocks: MATRIX -> BLOCKS (run by tests/run.sh; format at its top).
# several.mtx.txt (hand-made, tsc-view text): 8 rows, loci A..G; blocks by smallest row:
#   0: rows 0,2,6 loci A,B,D   1: rows 1,4 loci C,F (with column-0 cells)   2: rows 3,7 locus E
#   3: row 5 (column 0 only)   4: locus G (no row)
P several.blocks.txt tsc-view several.mtx.txt | tsc-blocks | tsc-view | grep -v '^@prov'
# the MATRIX sections are unchanged: dropping the block sections gives the input back
P several.mtx.txt tsc-view several.mtx.txt | tsc-blocks | tsc-view | grep -v '^@prov' | awk '/^=BRPT/{s=1} /^=END/{s=0} !s' | sed '1s/kind=BLOCKS/kind=MATRIX/' | sed '$s/\tcrc32=.*//'
# a BLOCKS stream as input: blocks recomputed, the same
P several.blocks.txt tsc-view several.mtx.txt | tsc-blocks | tsc-blocks | tsc-view | grep -v '^@prov'
P several.blocks.txt tsc-view several.mtx.txt > $TMPD/m && tsc-blocks -o $TMPD/b $TMPD/m && tsc-view $TMPD/b | grep -v '^@prov'
P . tsc-view several.mtx.txt | tsc-blocks -o $TMPD/b && tsc-view -H $TMPD/b | grep '^@prov	tsc-blocks	.*	tsc-blocks -o [^	]*$' > /dev/null
# -v summary on stderr
P . tsc-view several.mtx.txt | tsc-blocks -v 2>&1 >/dev/null | grep '13 cells: 5 blocks' > /dev/null
P . tsc-view several.mtx.txt | tsc-blocks -v 2>&1 >/dev/null | grep '^tsc-blocks: .*3 rows touch column 0 (__no_feature)' > /dev/null
P . tsc-view several.mtx.txt | tsc-blocks -v -n 2 2>&1 >/dev/null | grep 'largest block 2: block 1, 2 rows x 2 loci, 5 cells' > /dev/null
P . tsc-view several.mtx.txt | tsc-blocks -v -n 2 2> $TMPD/e > /dev/null && test "$(grep -c 'largest block' $TMPD/e)" = 2
P . tsc-view several.mtx.txt | tsc-blocks 2> $TMPD/e > /dev/null && test ! -s $TMPD/e
# empty matrix flows through
P empty.triplets.tsv tsc-view ../matrix/empty.hits.txt | tsc-matrix | tsc-blocks | tsc-view -m | grep -v "^@prov"
# usage, version
P . tsc-blocks --help | grep '^Usage: tsc-blocks' > /dev/null
P . tsc-blocks --version | grep '^tsc-blocks ' > /dev/null
N unknown_option tsc-blocks --bogus
N --top_wants_an_integer tsc-view several.mtx.txt | tsc-blocks -n x
N too_many_arguments tsc-blocks a b
# bad input
N pipe_it_through_tsc-matrix_first tsc-view ../matrix/tiny.hits.txt | tsc-blocks
N cannot_open tsc-blocks /nonexistent/matrix
N truncated tsc-view several.mtx.txt | head -c 300 | tsc-blocks
N corrupted_stream tsc-view several.mtx.txt > $TMPD/m && printf X | dd of=$TMPD/m bs=1 seek=420 conv=notrunc 2>/dev/null && tsc-blocks $TMPD/m
N empty_input : | tsc-blocks
