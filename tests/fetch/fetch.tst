# fetch.tst -- tsc-fetch: usage, small expected outputs and bad input (format: see tests/run.sh).
# Inputs are made in $TMPD by printf (hdr: a SAM header with chrA/chrB as the synthetic data) or
# taken from $TSC_DATA/golden/synth-input.  syn.bed is tsc-regions of synth.gtf.
P . tsc-fetch --help | grep '^Usage: tsc-fetch' > /dev/null
P . tsc-fetch --help | grep 'overlap-threshold F .*\[0.2\]' > /dev/null
P . tsc-fetch --help | grep 'stranded-mode STR .*\[None\]' > /dev/null
P . tsc-fetch --help | grep 'threads INT .*\[1\]' > /dev/null
P . tsc-fetch --version | grep '^tsc-fetch .' > /dev/null
P . tsc-fetch --bogus 2>/dev/null; test $? -eq 2
P . tsc-fetch 2>/dev/null; test $? -eq 2
P . tsc-fetch -T 1.5 syn.bed x.bam 2>/dev/null; test $? -eq 2
P . tsc-fetch -T abc syn.bed x.bam 2>/dev/null; test $? -eq 2
P . tsc-fetch -s rf syn.bed x.bam 2>/dev/null; test $? -eq 2
P . tsc-fetch -t 0 syn.bed x.bam 2>/dev/null; test $? -eq 2
P . tsc-fetch --input-order random syn.bed x.bam 2>/dev/null; test $? -eq 2
P . tsc-fetch --min-as 5 syn.bed x.bam 2>/dev/null; test $? -eq 2
P . tsc-fetch syn.bed a.bam b.bam 2>/dev/null; test $? -eq 2
# the synthetic data: the records (frag, name, feature,AS,alnlen) and the counters
P synth.out tsc-fetch -n syn.bed $TSC_DATA/golden/synth-input/synth.bam | tsc-view - | sed -n '/^=HREC/,$p' | awk 'p { p = 0; next } /^version$/ { p = 1; next } 1' | sed 1d | sed '$s/\tcrc32=.*//'
P synth.out tsc-fetch -n syn.bed $TSC_DATA/golden/synth-input/synth.sam | tsc-view - | sed -n '/^=HREC/,$p' | awk 'p { p = 0; next } /^version$/ { p = 1; next } 1' | sed 1d | sed '$s/\tcrc32=.*//'
P synth.out tsc-fetch -t 4 -n syn.bed - < $TSC_DATA/golden/synth-input/synth.bam | tsc-view - | sed -n '/^=HREC/,$p' | awk 'p { p = 0; next } /^version$/ { p = 1; next } 1' | sed 1d | sed '$s/\tcrc32=.*//'
P synth.out tsc-fetch -n -o $TMPD/o.hits syn.bed $TSC_DATA/golden/synth-input/synth.bam && tsc-view $TMPD/o.hits | sed -n '/^=HREC/,$p' | awk 'p { p = 0; next } /^version$/ { p = 1; next } 1' | sed 1d | sed '$s/\tcrc32=.*//'
P synth-ovl0-RF.out tsc-fetch -T 0 -s RF syn.bed $TSC_DATA/golden/synth-input/synth.bam | tsc-view - | sed -n '/^=HREC/,/^=RUNI/p'
# header-only input: a valid stream with zero counters (Q18)
P empty.out printf '@HD\tVN:1.6\n@SQ\tSN:chrA\tLN:10000\n' > $TMPD/e.sam && tsc-fetch syn.bed $TMPD/e.sam | tsc-view - | sed -n '/^=/,$p' | awk 'p { p = 0; next } /^version$/ { p = 1; next } 1' | sed '$s/\tcrc32=.*//'
# a lone unmapped paired record (Q17): counted as unmapped
P . printf '@SQ\tSN:chrA\tLN:10000\nl1\t69\t*\t0\t0\t*\t*\t0\t0\t*\t*\n' > $TMPD/l.sam && tsc-fetch syn.bed $TMPD/l.sam | tsc-view - | grep -A1 -x unmapped | tail -1 | grep -x 1 > /dev/null
# no reference name matches a loci chromosome: a warning naming both sides, still a stream
P . sed 's/^chr//' syn.bed > $TMPD/n.bed && tsc-fetch $TMPD/n.bed $TSC_DATA/golden/synth-input/synth.bam 2>&1 >/dev/null | grep 'warning: .*(chrA, chrB, chrC, ...) is a chromosome of the loci (A, B, D)' > /dev/null
# bad input
N AS_tag printf '@SQ\tSN:chrA\tLN:10000\nr1\t0\tchrA\t1101\t1\t50M\t*\t0\t0\t*\t*\n' > $TMPD/a.sam && tsc-fetch syn.bed $TMPD/a.sam
N record_1_(read_r1) printf '@SQ\tSN:chrA\tLN:10000\nr1\t0\tchrA\t1101\t1\t50M\t*\t0\t0\t*\t*\tAS:Z:x\n' > $TMPD/a.sam && tsc-fetch syn.bed $TMPD/a.sam
N record_2_(read_p) printf '@SQ\tSN:chrA\tLN:10000\np\t99\tchrA\t1101\t1\t50M\t=\t1201\t150\t*\t*\tAS:i:3\np\t147\tchrA\t1201\t1\t50M\t=\t1101\t-150\t*\t*\n' > $TMPD/a.sam && tsc-fetch -t 2 syn.bed $TMPD/a.sam
N bad_CIGAR printf '@SQ\tSN:chrA\tLN:10000\nc1\t0\tchrA\t1101\t1\t0M50M\t*\t0\t0\t*\t*\tAS:i:3\n' > $TMPD/c.sam && tsc-fetch syn.bed $TMPD/c.sam
N truncated head -c 1000 $TSC_DATA/golden/synth-input/synth.bam > $TMPD/t.bam && tsc-fetch syn.bed $TMPD/t.bam
N truncated head -c $(($(wc -c < $TSC_DATA/golden/synth-input/synth.bam) - 28)) $TSC_DATA/golden/synth-input/synth.bam > $TMPD/t.bam && tsc-fetch syn.bed $TMPD/t.bam
N cannot_open tsc-fetch syn.bed $TMPD/missing.bam
N missing.bed tsc-fetch $TMPD/missing.bed $TSC_DATA/golden/synth-input/synth.bam
N samtools_collate samtools view -h $TSC_DATA/golden/synth-input/synth.sam | awk '$1 == "m1" && $2 >= 256 { h = h $0 "\n"; next } { print } END { printf "%s", h }' > $TMPD/s.sam && tsc-fetch syn.bed $TMPD/s.sam
N read_u1_appears_again samtools view -h $TSC_DATA/golden/synth-input/synth.sam | awk '$1 == "u1" && $2 == 147 { h = $0; next } { print } END { print h }' > $TMPD/s.sam && tsc-fetch syn.bed $TMPD/s.sam
N out_of_coordinate_order samtools view -h $TSC_DATA/golden/synth-input/synth.sam | sed 's/SO:unsorted/SO:coordinate/' > $TMPD/s.sam && tsc-fetch syn.bed $TMPD/s.sam
N needs_two_passes tsc-fetch syn.bed - < $TSC_DATA/golden/synth-input/synth.sorted.bam
N needs_an_index cp $TSC_DATA/golden/synth-input/synth.sorted.bam $TMPD/s.bam && tsc-fetch --prefilter syn.bed $TMPD/s.bam
N needs_a_coordinate-sorted tsc-fetch --prefilter syn.bed $TSC_DATA/golden/synth-input/synth.bam
N stale cp $TSC_DATA/golden/synth-input/synth.sorted.bam $TMPD/s.bam && cp $TSC_DATA/golden/synth-input/synth.sorted.bam.bai $TMPD/s.bam.bai && touch -d 2001-01-01 $TMPD/s.bam.bai && tsc-fetch --prefilter syn.bed $TMPD/s.bam
