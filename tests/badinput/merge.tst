# badinput/merge.tst -- tsc-merge on count tables that are wrong or odd.  Missing, directory and
# binary inputs, full disk: tests/faults/.  More cases: tests/merge/.
N bad.tsv:2:_count_'abc'_is_not_a_non-negative_number printf 'transcript\tcount\nTE1\tabc\n' > $TMPD/bad.tsv && tsc-merge $TMPD/bad.tsv
N empty.tsv:_empty_count_table : > $TMPD/empty.tsv && tsc-merge $TMPD/empty.tsv
N nl.tsv:2: printf 'transcript\tcount\nTE1\n' > $TMPD/nl.tsv && tsc-merge $TMPD/nl.tsv
# a header only: a valid table with no rows
P . printf 'transcript\tcount\n' > $TMPD/h.tsv && tsc-merge $TMPD/h.tsv | grep -v '^#' > $TMPD/o && printf 'locus\th\n' | cmp - $TMPD/o
# counts past 32 bits and fractional counts (average mode) are kept as written
P . printf 'transcript\tcount\nTE1\t5000000000\nTE2\t3.5\n' > $TMPD/b.tsv && tsc-merge $TMPD/b.tsv | grep -v '^#' > $TMPD/o && printf 'locus\tb\nTE1\t5000000000\nTE2\t3.5\n' | cmp - $TMPD/o
# Windows line ends are read as Unix ones
P . printf 'transcript\tcount\r\nTE1\t3\r\n' > $TMPD/c.tsv && tsc-merge $TMPD/c.tsv | grep -v '^#' > $TMPD/o && printf 'locus\tc\nTE1\t3\n' | cmp - $TMPD/o
# a negative count cannot come from Telescope or tsc-report
N count_'-3'_is_not_a_non-negative_number printf 'transcript\tcount\nTE1\t-3\n' > $TMPD/n.tsv && tsc-merge $TMPD/n.tsv
