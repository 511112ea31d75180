# tag.tst -- tsc-tag: usage, expected outputs on a small hand-made data set (mk.sh: see its
# comment), bad input (format: see tests/run.sh).  Golden comparisons: golden.test.sh; files,
# formats, threads, sorted input: tool.test.sh.
P . tsc-tag --help | grep '^Usage: tsc-tag' > /dev/null
P . tsc-tag --help | grep 'reassign-mode MODE' > /dev/null
P . tsc-tag --help | grep 'conf-prob P .*\[0.9\]' > /dev/null
P . tsc-tag --help | grep 'threads N .*\[1\]' > /dev/null
P . tsc-tag --version | grep '^tsc-tag .' > /dev/null
P . tsc-tag --bogus 2>/dev/null; test $? -eq 2
P . tsc-tag -l x.bed onlyone 2>/dev/null; test $? -eq 2
P . tsc-tag -l x.bed a b c 2>/dev/null; test $? -eq 2
N loci_BED_is_required tsc-tag a b
P . tsc-tag a b 2>/dev/null; test $? -eq 2
P . tsc-tag -l x -m all a b 2>/dev/null; test $? -eq 2
P . tsc-tag -l x -c 1.5 a b 2>/dev/null; test $? -eq 2
P . tsc-tag -l x -t 0 a b 2>/dev/null; test $? -eq 2
P . tsc-tag -l x -T -1 a b 2>/dev/null; test $? -eq 2
P . tsc-tag -l x -s XY a b 2>/dev/null; test $? -eq 2
P . tsc-tag -l x -O fasta2 a b 2>/dev/null; test $? -eq 2
P . tsc-tag -l x --input-order random a b 2>/dev/null; test $? -eq 2
P . tsc-tag -l x - - 2>/dev/null; test $? -eq 2
# expected records, every mode (the header has no @PG, Q14: tsc-tag's own is left out with --no-PG)
P h-exclude.sam sh mk.sh && tsc-tag -l $TMPD/loci.bed -O sam --no-PG $TMPD/h.fit $TMPD/h.sam
P h-choose.sam sh mk.sh && tsc-tag -l $TMPD/loci.bed -O sam --no-PG --reassign-mode choose $TMPD/h.fit $TMPD/h.sam
P h-average.sam sh mk.sh && tsc-tag -l $TMPD/loci.bed -O sam --no-PG --reassign_mode average $TMPD/h.fit $TMPD/h.sam
P h-conf.sam sh mk.sh && tsc-tag -l $TMPD/loci.bed -O sam --no-PG -m conf $TMPD/h.fit $TMPD/h.sam
P h-conf0.4.sam sh mk.sh && tsc-tag -l $TMPD/loci.bed -O sam --no-PG -m conf --conf_prob 0.4 $TMPD/h.fit $TMPD/h.sam
P h-unique.sam sh mk.sh && tsc-tag -l $TMPD/loci.bed -O sam --no-PG -m unique $TMPD/h.fit $TMPD/h.sam
# choose: the records kept as primary are exactly what tsc-report counts (Q8 fixed)
P . sh mk.sh && tsc-report -o $TMPD/x -m choose $TMPD/h.fit && awk 'NR > 1 && $2 > 0 { print $1 "\t" $2 }' $TMPD/x-TE_counts.tsv > $TMPD/want && tsc-tag -l $TMPD/loci.bed -O sam -m choose $TMPD/h.fit $TMPD/h.sam | awk -F'\t' '/YC:Z:217,95,2/ { for (i = 12; i <= NF; i++) if ($i ~ /^ZF:Z:/) k[substr($i, 6) "\t" $1] = 1 } END { for (x in k) { split(x, a, "\t"); n[a[1]]++ } for (f in n) print f "\t" n[f] }' | sort | cmp - $TMPD/want
# the @PG line, added without any @PG in the input (Q14)
P . sh mk.sh && tsc-tag -l $TMPD/loci.bed -O sam $TMPD/h.fit $TMPD/h.sam | grep '^@PG' | grep '^@PG	ID:tsc-tag	PN:tsc-tag	VN:[^	]*	CL:tsc-tag -l ' > /dev/null
# inputs on stdin; SAM by the output's extension
P h-exclude.sam sh mk.sh && cat $TMPD/h.sam | tsc-tag -l $TMPD/loci.bed -O sam --no-PG $TMPD/h.fit -
P h-exclude.sam sh mk.sh && tsc-tag -l $TMPD/loci.bed -O sam --no-PG - $TMPD/h.sam < $TMPD/h.fit
P h-exclude.sam sh mk.sh && tsc-tag -l $TMPD/loci.bed --no-PG -o $TMPD/o.sam $TMPD/h.fit $TMPD/h.sam && cat $TMPD/o.sam
# fetch options from the command line must be those tsc-fetch used
P h-exclude.sam sh mk.sh && tsc-tag -l $TMPD/loci.bed -T 0.2 -s None -O sam --no-PG $TMPD/h.fit $TMPD/h.sam
N does_not_match sh mk.sh && tsc-tag -l $TMPD/loci.bed -s F -O sam $TMPD/h.fit $TMPD/h.sam > /dev/null
# a FIT of other alignments, other loci, or not a FIT
N does_not_match sh mk.sh && grep -v '^t2' $TMPD/h.sam > $TMPD/o.sam && tsc-tag -l $TMPD/loci.bed $TMPD/h.fit $TMPD/o.sam > /dev/null
N does_not_match sh mk.sh && sed 's/^p1/q1/' $TMPD/h.sam > $TMPD/o.sam && tsc-tag -l $TMPD/loci.bed $TMPD/h.fit $TMPD/o.sam > /dev/null
N does_not_match sh mk.sh && sed 's/AS:i:-4/AS:i:-5/' $TMPD/h.sam > $TMPD/o.sam && tsc-tag -l $TMPD/loci.bed $TMPD/h.fit $TMPD/o.sam > /dev/null
N does_not_match sh mk.sh && sed 's/^n1\t0\tchr1\t1501/n1\t0\tchr1\t301/' $TMPD/h.sam > $TMPD/o.sam && tsc-tag -l $TMPD/loci.bed $TMPD/h.fit $TMPD/o.sam > /dev/null
N does_not_match sh mk.sh && grep -v '^u1' $TMPD/h.sam > $TMPD/o.sam && tsc-tag -l $TMPD/loci.bed $TMPD/h.fit $TMPD/o.sam > /dev/null
N give_the_loci_BED_that_tsc-fetch_used sh mk.sh && head -4 $TMPD/loci.bed > $TMPD/l.bed && tsc-tag -l $TMPD/l.bed $TMPD/h.fit $TMPD/h.sam > /dev/null
N give_the_loci_BED_that_tsc-fetch_used sh mk.sh && sed 's/1300/1301/' $TMPD/loci.bed > $TMPD/l.bed && tsc-tag -l $TMPD/l.bed $TMPD/h.fit $TMPD/h.sam > /dev/null
N MATRIX sh mk.sh && tsc-fetch $TMPD/loci.bed $TMPD/h.sam | tsc-matrix > $TMPD/m && tsc-tag -l $TMPD/loci.bed $TMPD/m $TMPD/h.sam > /dev/null
N . sh mk.sh && tsc-tag -l $TMPD/loci.bed $TMPD/h.fit $TMPD/nonexistent.bam > /dev/null
N . sh mk.sh && tsc-tag -l $TMPD/nonexistent.bed $TMPD/h.fit $TMPD/h.sam > /dev/null
N AS_tag sh mk.sh && sed 's/\tAS:i:-8//' $TMPD/h.sam > $TMPD/o.sam && tsc-tag -l $TMPD/loci.bed $TMPD/h.fit $TMPD/o.sam > /dev/null
N truncated sh mk.sh && tsc-tag -l $TMPD/loci.bed -o $TMPD/o.bam $TMPD/h.fit $TMPD/h.sam && head -c 300 $TMPD/o.bam > $TMPD/t.bam && tsc-tag -l $TMPD/loci.bed $TMPD/h.fit $TMPD/t.bam > /dev/null
N does_not_belong sh mk.sh && cp $TMPD/h.sam $TMPD/o.sam && printf 'z9\t4\t*\t0\t0\t*\t*\t0\t0\t*\t*\n' >> $TMPD/o.sam && tsc-tag -l $TMPD/loci.bed $TMPD/h.fit $TMPD/o.sam > /dev/null
# a failure leaves no output file and no temporary file
P . sh mk.sh && grep -v '^u1' $TMPD/h.sam > $TMPD/o.sam && mkdir $TMPD/od && ! tsc-tag -l $TMPD/loci.bed -o $TMPD/od/x.bam $TMPD/h.fit $TMPD/o.sam 2>/dev/null && test -z "$(ls $TMPD/od)"
# a header-only input and its empty FIT: the header and the @PG line
P . sh mk.sh && grep '^@' $TMPD/h.sam > $TMPD/e.sam && tsc-fetch --names $TMPD/loci.bed $TMPD/e.sam | tsc-matrix | tsc-em -q > $TMPD/e.fit && tsc-tag -l $TMPD/loci.bed -O sam $TMPD/e.fit $TMPD/e.sam > $TMPD/o && grep -v '^@PG' $TMPD/o | cmp - $TMPD/e.sam && test "$(grep -c '^@PG' $TMPD/o)" -eq 1
N only_0_rows sh mk.sh && grep '^@' $TMPD/h.sam > $TMPD/e.sam && tsc-fetch --names $TMPD/loci.bed $TMPD/e.sam | tsc-matrix | tsc-em -q > $TMPD/e.fit && tsc-tag -l $TMPD/loci.bed $TMPD/e.fit $TMPD/h.sam > /dev/null
