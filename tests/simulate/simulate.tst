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
N --cells tsc-simulate --single-cell --cells 0 -o $TMPD/x
N --reads-per-umi tsc-simulate --single-cell --reads-per-umi 0.5 -o $TMPD/x
N --umi-length tsc-simulate --single-cell --umi-length 3 -o $TMPD/x
N --ambient-fraction tsc-simulate --single-cell --ambient-fraction 2 -o $TMPD/x
N at_most_1 tsc-simulate --single-cell --no-barcode 0.6 --barcode-errors 0.6 -o $TMPD/x
N cannot_create tsc-simulate --single-cell -n 10 -o /nonexistent/dir/x
P . tsc-simulate -h | grep -q 'cells INT .*\[500\]'
# a failed run leaves no output behind
P . ! tsc-simulate -n 10 -o /nonexistent/x 2>/dev/null && ! ls /nonexistent/x.* 2>/dev/null
P . mkdir -p $TMPD/d/x.cells.truth.tsv && ! tsc-simulate --single-cell -n 100 -o $TMPD/d/x 2>/dev/null && test "$(ls $TMPD/d)" = x.cells.truth.tsv
# pinned tiny data set: GTF (without its version comment), alignments, truth
P tiny.gtf tsc-simulate -n 40 -L 12 -G 10 -c 2 -o $TMPD/t && grep -v '^#' $TMPD/t.gtf
P tiny.sam tsc-simulate -n 40 -L 12 -G 10 -c 2 -o $TMPD/t && samtools view $TMPD/t.bam
P tiny.truth.tsv tsc-simulate -n 40 -L 12 -G 10 -c 2 -o $TMPD/t && cat $TMPD/t.truth.tsv
P tiny.e2e.sam tsc-simulate -n 40 -L 12 -G 10 -c 2 --end-to-end --nh --library RF --seq primary -o $TMPD/t && samtools view $TMPD/t.bam
# pinned tiny single-cell data set: alignments; whitelist, celltypes, cell and locus truth
P tiny.sc.sam tsc-simulate --single-cell -n 80 --cells 6 --ambient 6 -L 12 -G 10 -c 2 -f 0.4 --origin-tag -o $TMPD/t && samtools view $TMPD/t.bam
P tiny.sc.tables tsc-simulate --single-cell -n 80 --cells 6 --ambient 6 -L 12 -G 10 -c 2 -f 0.4 --origin-tag -o $TMPD/t && cat $TMPD/t.whitelist.tsv $TMPD/t.celltypes.tsv $TMPD/t.cells.truth.tsv $TMPD/t.truth.tsv
