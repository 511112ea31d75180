# badinput/matrix.tst -- tsc-matrix on HITS streams that are valid streams but odd or huge.
# Wrong kind, corrupted and truncated input: tests/faults/.
# scores past 16 bits stay exact (upstream wraps at 65536, Q15): AS 70000 - min 0 + 1 + alnlen 100
P . printf '#tsc-stream\tversion=1\tkind=HITS\n@feature\tTE1\t100\n@feature\tTE2\t200\n=HREC\tu8\t2\n0\t*\t0,70000,100\t-1,0,100\n1\t*\t1,2000000000,50\n=RUNI\tstr\t4\n_min_as\n0\n_max_as\n2000000000\n=END\n' > $TMPD/h.txt && tsc-view -b $TMPD/h.txt -o $TMPD/h.bin && tsc-matrix $TMPD/h.bin | tsc-view -m | grep -v '^[#@]' | cut -f 4,5 > $TMPD/o && printf '__no_feature\t101\nTE1\t70101\nTE2\t2000000051\n' | cmp - $TMPD/o
# a score that would pass 32 bits (AS - minAS + 1 + alnlen > 2^32 - 1) is an error, not a wrap
N does_not_fit_in_32_bits printf '#tsc-stream\tversion=1\tkind=HITS\n@feature\tTE1\t100\n=HREC\tu8\t2\n0\t*\t0,2147483647,2147483647\n1\t*\t0,-2147483648,1\n=RUNI\tstr\t4\n_min_as\n-2147483648\n_max_as\n2147483647\n=END\n' > $TMPD/w.txt && tsc-view -b $TMPD/w.txt -o $TMPD/w.bin && tsc-matrix $TMPD/w.bin > $TMPD/o
# odd fragment names (spaces, quotes, escaped tab, UTF-8) are kept in the NAME section
P . printf '#tsc-stream\tversion=1\tkind=HITS\n@feature\tTE1\t100\n=HREC\tu8\t2\n0\tr 1 "q" \303\251\t0,100,100\n1\tr\\t2\t0,90,100\n=RUNI\tstr\t2\n_min_as\n90\n=END\n' > $TMPD/n.txt && tsc-view -b $TMPD/n.txt -o $TMPD/n.bin && tsc-matrix $TMPD/n.bin | tsc-view -m | grep -v '^[#@]' | cut -f 6 > $TMPD/o && printf 'r 1 "q" \303\251\nr\\t2\n' | cmp - $TMPD/o
# no global minimum AS in the run info: the raw scores cannot be computed
N the_global_minimum_AS printf '#tsc-stream\tversion=1\tkind=HITS\n@feature\tTE1\t100\n=HREC\tu8\t1\n0\t*\t0,100,100\n=END\n' > $TMPD/m.txt && tsc-view -b $TMPD/m.txt -o $TMPD/m.bin && tsc-matrix $TMPD/m.bin
# names on some records only
N has_no_name printf '#tsc-stream\tversion=1\tkind=HITS\n@feature\tTE1\t100\n=HREC\tu8\t2\n0\tr1\t0,100,100\n1\t*\t0,90,100\n=RUNI\tstr\t2\n_min_as\n90\n=END\n' > $TMPD/m.txt && tsc-view -b $TMPD/m.txt -o $TMPD/m.bin && tsc-matrix $TMPD/m.bin
# a million annotated loci, one fragment: runs, and every locus stays in ALOC
P . awk 'BEGIN { printf "#tsc-stream\tversion=1\tkind=HITS\n"; for (i = 0; i < 1000000; i++) printf "@feature\tL%d\t100\n", i; printf "=HREC\tu8\t1\n0\t*\t999999,100,100\n=RUNI\tstr\t2\n_min_as\n100\n=END\n" }' > $TMPD/big.txt && tsc-view -b $TMPD/big.txt -o $TMPD/big.bin && tsc-matrix $TMPD/big.bin | tsc-view | sed -n 's/^=ALOC\tstr\t//p' | grep -x 1000000 > /dev/null
