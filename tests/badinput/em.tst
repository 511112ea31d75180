# badinput/em.tst -- tsc-em on degenerate and extreme matrices and options out of range.
# Wrong kind, corrupted and truncated input, full disk, closed pipe: tests/faults/.
# an empty matrix (no fragment overlapped the annotation): a valid FIT
P . tsc-view -b ../matrix/empty.mtx.txt -o $TMPD/e.bin && tsc-em -q $TMPD/e.bin | tsc-view > $TMPD/o && grep -q '^=LNL_' $TMPD/o
# only column 0 (no real locus)
P . printf '#tsc-stream\tversion=1\tkind=MATRIX\n@feature\t__no_feature\t0\n@info\ttotal_fragments\t2\n=SHAP\ti64\t2\n2\n1\n=INDP\ti64\t3\n0\n1\n2\n=INDX\ti32\t2\n0\n0\n=SCOR\tu32\t2\n5\n5\n=END\n' > $TMPD/c.txt && tsc-view -b $TMPD/c.txt -o $TMPD/c.bin && tsc-em -q $TMPD/c.bin | tsc-view > /dev/null
# scores at the 32-bit limit: finite pi and log-likelihood
P . printf '#tsc-stream\tversion=1\tkind=MATRIX\n@feature\t__no_feature\t0\n@feature\tTE1\t100\n@feature\tTE2\t100\n@info\ttotal_fragments\t2\n=SHAP\ti64\t2\n2\n3\n=INDP\ti64\t3\n0\n2\n3\n=INDX\ti32\t3\n1\n2\n2\n=SCOR\tu32\t3\n4294967295\n1\n4294967295\n=END\n' > $TMPD/h.txt && tsc-view -b $TMPD/h.txt -o $TMPD/h.bin && tsc-em -q $TMPD/h.bin | tsc-view | sed -n '/^=PI__/,/^=END/p' > $TMPD/o && ! grep -Eq 'nan|inf' $TMPD/o
# a million loci, three cells
P . awk 'BEGIN { k = 1000000; printf "#tsc-stream\tversion=1\tkind=MATRIX\n@feature\t__no_feature\t0\n"; for (j = 1; j < k; j++) printf "@feature\tL%d\t%d\n", j, 100; printf "@info\ttotal_fragments\t2\n=SHAP\ti64\t2\n2\n%d\n=INDP\ti64\t3\n0\n2\n3\n=INDX\ti32\t3\n0\n%d\n1\n=SCOR\tu32\t3\n5\n70000\n9\n=END\n", k, k - 1 }' > $TMPD/big.txt && tsc-view -b $TMPD/big.txt -o $TMPD/big.bin && tsc-em -q $TMPD/big.bin -o $TMPD/big.fit && tsc-view -H $TMPD/big.fit > /dev/null
# options out of range
N --threads tsc-em -t 0 ../matrix/empty.mtx.txt
N --em-epsilon tsc-em -e -1 ../matrix/empty.mtx.txt
N --pi-prior tsc-em -p nan ../matrix/empty.mtx.txt
N --max-iter tsc-em -n 0 ../matrix/empty.mtx.txt
N --backend tsc-em -B cuda ../matrix/empty.mtx.txt
N OpenCL_platform_9_does_not_exist tsc-view -b ../blocks/several.mtx.txt -o $TMPD/s.bin && tsc-em -B opencl -d 9:9 $TMPD/s.bin > $TMPD/o
