# tsc-simulate: usage, bad input, and a pinned tiny data set (regenerate the expected files with
# tests/simulate/regen.sh after a deliberate change of the model, and review the diff).
P . tsc-simulate --help | grep '^Usage: tsc-simulate' > /dev/null
P . tsc-simulate -h | grep 'seed INT .*\[1\]' > /dev/null
P . tsc-simulate --version | grep '^tsc-simulate ' > /dev/null
N output_prefix_is_required tsc-simulate
N --fragments tsc-simulate -n -5 -o $TMPD/x
N --read-length tsc-simulate -r 10 -o $TMPD/x
N --fraction-te tsc-simulate -f 1.5 -o $TMPD/x
N --library tsc-simulate --library XY -o $TMPD/x
N --seq tsc-simulate --seq foo -o $TMPD/x
N --insert-mean tsc-simulate --insert-mean 50 -o $TMPD/x
N --sort-mem tsc-simulate --sort-mem 10K --sorted -o $TMPD/x
N --threads tsc-simulate -t 0 -o $TMPD/x
N unexpected_argument tsc-simulate -o $TMPD/x extra
N unrecognized tsc-simulate --bogus -o $TMPD/x
N cannot_create tsc-simulate -n 10 -o /nonexistent/dir/x
N . tsc-simulate --fraction-te 0.7 --unmapped 0.5 -o $TMPD/x
# a failed run leaves no output behind
P . ! tsc-simulate -n 10 -o /nonexistent/x 2>/dev/null && ! ls /nonexistent/x.* 2>/dev/null
# pinned tiny data set: GTF (without its version comment), alignments, truth
P tiny.gtf tsc-simulate -n 40 -L 12 -G 10 -c 2 -o $TMPD/t && grep -v '^#' $TMPD/t.gtf
P tiny.sam tsc-simulate -n 40 -L 12 -G 10 -c 2 -o $TMPD/t && samtools view $TMPD/t.bam
P tiny.truth.tsv tsc-simulate -n 40 -L 12 -G 10 -c 2 -o $TMPD/t && cat $TMPD/t.truth.tsv
P tiny.e2e.sam tsc-simulate -n 40 -L 12 -G 10 -c 2 --end-to-end --nh --library RF --seq primary -o $TMPD/t && samtools view $TMPD/t.bam
