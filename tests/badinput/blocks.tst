# badinput/blocks.tst -- tsc-blocks on MATRIX streams that are valid but degenerate or huge.
# Wrong kind, corrupted and truncated input: tests/faults/.
# no real locus at all (only column 0): each row is a block of its own, no crash
P . printf '#tsc-stream\tversion=1\tkind=MATRIX\n@feature\t__no_feature\t0\n=SHAP\ti64\t2\n2\n1\n=INDP\ti64\t3\n0\n1\n2\n=INDX\ti32\t2\n0\n0\n=SCOR\tu32\t2\n5\n5\n=END\n' > $TMPD/c0.txt && tsc-view -b $TMPD/c0.txt -o $TMPD/c0.bin && tsc-blocks $TMPD/c0.bin | tsc-view -m | grep -v '^[#@]' > $TMPD/o && test "$(wc -l < $TMPD/o)" = 2
# no rows at all
P . printf '#tsc-stream\tversion=1\tkind=MATRIX\n@feature\t__no_feature\t0\n@feature\tTE1\t10\n=SHAP\ti64\t2\n0\n2\n=INDP\ti64\t1\n0\n=INDX\ti32\t0\n=SCOR\tu32\t0\n=END\n' > $TMPD/e.txt && tsc-view -b $TMPD/e.txt -o $TMPD/e.bin && tsc-blocks $TMPD/e.bin -o $TMPD/e.blk && tsc-view -H $TMPD/e.blk > /dev/null
# a million loci of which two are used: runs, and the matrix comes out unchanged
P . awk 'BEGIN { k = 1000000; printf "#tsc-stream\tversion=1\tkind=MATRIX\n@feature\t__no_feature\t0\n"; for (j = 1; j < k; j++) printf "@feature\tL%d\t%d\n", j, 100; printf "=SHAP\ti64\t2\n2\n%d\n=INDP\ti64\t3\n0\n2\n3\n=INDX\ti32\t3\n0\n%d\n1\n=SCOR\tu32\t3\n5\n70000\n4294967295\n=END\n", k, k - 1 }' > $TMPD/big.txt && tsc-view -b $TMPD/big.txt -o $TMPD/big.bin && tsc-view -m $TMPD/big.bin | grep -v '^[#@]' > $TMPD/a && tsc-blocks $TMPD/big.bin | tsc-view -m | grep -v '^[#@]' | cut -f 1-5 | cmp - $TMPD/a
# a MATRIX whose header has fewer features than its SHAP says columns
N 1_features_in_the_header_but_2_columns printf '#tsc-stream\tversion=1\tkind=MATRIX\n@feature\t__no_feature\t0\n=SHAP\ti64\t2\n1\n2\n=INDP\ti64\t2\n0\n1\n=INDX\ti32\t1\n1\n=SCOR\tu32\t1\n5\n=END\n' > $TMPD/f.txt && tsc-view -b $TMPD/f.txt -o $TMPD/f.bin && tsc-blocks $TMPD/f.bin
