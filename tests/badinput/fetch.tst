# badinput/fetch.tst -- tsc-fetch on bad alignments and loci: upstream's crash cases (golden/errors/
# noAS, empty, lone_unmapped), bad CIGARs, truncated BAMs, unsorted input, chromosome names that
# match nothing, odd names, long reads and scores past 16 bits.  Inputs are made here from
# golden/synth-input.  Missing, directory and binary inputs, full disk, closed pipe: tests/faults/.
# errors/noAS (upstream: KeyError): the record is named
N (read_u2):_mapped_alignment_without_an_integer_AS_tag tsc-regions $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/loci.bed 2>/dev/null && awk -F'\t' 'BEGIN { OFS = "\t" } !/^@/ && $1 == "u2" { sub(/\tAS:i:[-0-9]+/, "") } 1' $TSC_DATA/golden/synth-input/synth.sam > $TMPD/noas.sam && tsc-fetch $TMPD/loci.bed $TMPD/noas.sam > $TMPD/o
# the same, coordinate-sorted and indexed (the record is read by the index pass and kept for the second)
N (read_u2):_mapped_alignment_without_an_integer_AS_tag tsc-regions $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/loci.bed 2>/dev/null && awk -F'\t' 'BEGIN { OFS = "\t" } !/^@/ && $1 == "u2" { sub(/\tAS:i:[-0-9]+/, "") } 1' $TSC_DATA/golden/synth-input/synth.sam | samtools sort -o $TMPD/noas.bam - 2>/dev/null && samtools index $TMPD/noas.bam && tsc-fetch -t 2 $TMPD/loci.bed $TMPD/noas.bam > $TMPD/o
# an AS that is not an integer
N (read_u2):_mapped_alignment_without_an_integer_AS_tag tsc-regions $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/loci.bed 2>/dev/null && awk -F'\t' 'BEGIN { OFS = "\t" } !/^@/ && $1 == "u2" { sub(/AS:i:[-0-9]+/, "AS:Z:abc") } 1' $TSC_DATA/golden/synth-input/synth.sam > $TMPD/asz.sam && tsc-fetch $TMPD/loci.bed $TMPD/asz.sam > $TMPD/o
# errors/empty (upstream: StopIteration): a header-only SAM gives a valid stream with no records
P . tsc-regions $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/loci.bed 2>/dev/null && grep '^@' $TSC_DATA/golden/synth-input/synth.sam > $TMPD/h.sam && tsc-fetch $TMPD/loci.bed $TMPD/h.sam > $TMPD/o && tsc-view $TMPD/o > $TMPD/t && grep -qx 'total_fragments' $TMPD/t && ! grep -q '^=HREC' $TMPD/t
# errors/lone_unmapped (upstream: TypeError): a lone unmapped record with the paired flag
P . tsc-regions $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/loci.bed 2>/dev/null && printf '@SQ\tSN:chrA\tLN:10000\nlone\t77\t*\t0\t0\t*\t*\t0\t0\t*\t*\n' > $TMPD/l.sam && tsc-fetch $TMPD/loci.bed $TMPD/l.sam | tsc-view > /dev/null
# bad CIGARs: an unknown operator; a CIGAR whose length differs from the sequence
N cig.sam tsc-regions $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/loci.bed 2>/dev/null && awk -F'\t' 'BEGIN { OFS = "\t" } !/^@/ && $1 == "u3" && !d { $6 = "50Q"; d = 1 } 1' $TSC_DATA/golden/synth-input/synth.sam > $TMPD/cig.sam && tsc-fetch $TMPD/loci.bed $TMPD/cig.sam > $TMPD/o
N cig.sam tsc-regions $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/loci.bed 2>/dev/null && awk -F'\t' 'BEGIN { OFS = "\t" } !/^@/ && $1 == "u3" && !d { $6 = "40M"; d = 1 } 1' $TSC_DATA/golden/synth-input/synth.sam > $TMPD/cig.sam && tsc-fetch $TMPD/loci.bed $TMPD/cig.sam > $TMPD/o
# a truncated BAM, and one cut exactly before its EOF block: both are errors, not smaller results
N t.bam:_truncated tsc-regions $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/loci.bed 2>/dev/null && head -c 1000 $TSC_DATA/golden/synth-input/synth.bam > $TMPD/t.bam && tsc-fetch $TMPD/loci.bed $TMPD/t.bam > $TMPD/o
N t.bam:_truncated tsc-regions $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/loci.bed 2>/dev/null && head -c $(( $(wc -c < $TSC_DATA/golden/synth-input/synth.bam) - 28 )) $TSC_DATA/golden/synth-input/synth.bam > $TMPD/t.bam && tsc-fetch $TMPD/loci.bed $TMPD/t.bam > $TMPD/o
N empty.sam tsc-regions $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/loci.bed 2>/dev/null && : > $TMPD/empty.sam && tsc-fetch $TMPD/loci.bed $TMPD/empty.sam > $TMPD/o
# unsorted input (records of a read scattered): an error that says how to collate or sort
N not_grouped_by_read_name tsc-regions $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/loci.bed 2>/dev/null && { grep '^@' $TSC_DATA/golden/synth-input/synth.sam; grep -v '^@' $TSC_DATA/golden/synth-input/synth.sam | awk '{ print (NR * 7919) % 1000 "\t" $0 }' | sort -n | cut -f 2-; } > $TMPD/shuf.sam && tsc-fetch $TMPD/loci.bed $TMPD/shuf.sam > $TMPD/o
# the same records sorted by coordinate: read correctly (upstream misreads them, Q3): same stream as collated input, but for the fragment ordinals
P . tsc-regions $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/loci.bed 2>/dev/null && samtools sort -o $TMPD/s.bam $TSC_DATA/golden/synth-input/synth.sam 2>/dev/null && tsc-fetch $TMPD/loci.bed $TMPD/s.bam | tsc-matrix | tsc-view -m | grep -v '^[#@]' | cut -f 4,5 | sort > $TMPD/a && tsc-fetch $TMPD/loci.bed $TSC_DATA/golden/synth-input/synth.sam | tsc-matrix | tsc-view -m | grep -v '^[#@]' | cut -f 4,5 | sort | cmp - $TMPD/a
# chromosome names that match nothing (chrA vs A): a loud warning, and a valid stream
P . tsc-regions $TSC_DATA/golden/synth-input/synth.gtf 2>/dev/null | sed 's/^chr//' > $TMPD/nochr.bed && tsc-fetch $TMPD/nochr.bed $TSC_DATA/golden/synth-input/synth.sam 2> $TMPD/e > $TMPD/o && grep -q 'warning: .*chr1 vs 1' $TMPD/e && tsc-view $TMPD/o > /dev/null
# a read on a reference the header does not declare: htslib treats it as unmapped, with a warning
P . tsc-regions $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/loci.bed 2>/dev/null && awk -F'\t' 'BEGIN { OFS = "\t" } !/^@/ && $1 == "u2" { $3 = "chrZ" } 1' $TSC_DATA/golden/synth-input/synth.sam > $TMPD/r.sam && tsc-fetch $TMPD/loci.bed $TMPD/r.sam 2> $TMPD/e > $TMPD/o && grep -q chrZ $TMPD/e && tsc-view $TMPD/o > /dev/null
# bad loci BED
N bad.bed:1:_start_and_end printf 'chrA\tabc\t2000\tTE1\t0\t+\n' > $TMPD/bad.bed && tsc-fetch $TMPD/bad.bed $TSC_DATA/golden/synth-input/synth.sam > $TMPD/o
N empty.bed:_no_intervals : > $TMPD/empty.bed && tsc-fetch $TMPD/empty.bed $TSC_DATA/golden/synth-input/synth.sam > $TMPD/o
# a 100 kb read with AS 150000 (past 16 bits) and a read named with quotes and UTF-8: kept exactly
P . awk 'BEGIN { OFS = "\t"; s = "A"; while (length(s) < 100000) s = s s; s = substr(s, 1, 100000); print "@SQ\tSN:chrA\tLN:200000"; print "long", 0, "chrA", 1001, 60, "100000M", "*", 0, 0, s, "*", "AS:i:150000"; print "r\"q\047\303\251", 0, "chrA", 1001, 60, "10M", "*", 0, 0, "AAAAAAAAAA", "*", "AS:i:70000" }' > $TMPD/long.sam && printf 'chrA\t0\t150000\tBIG\t0\t+\n' > $TMPD/big.bed && tsc-fetch -n $TMPD/big.bed $TMPD/long.sam | tsc-view | grep -A2 '^=HREC' | tail -2 > $TMPD/o && printf '0\tlong\t0,150000,100000\n1\tr"q\047\303\251\t0,70000,10\n' | cmp - $TMPD/o
# options out of range
N --threads tsc-fetch -t 0 $TMPD/x.bed $TMPD/x.sam
N --overlap-threshold tsc-fetch -T 1.5 $TMPD/x.bed $TMPD/x.sam
N needs_an_index tsc-regions $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/loci.bed 2>/dev/null && samtools sort -o $TMPD/s.bam $TSC_DATA/golden/synth-input/synth.sam 2>/dev/null && tsc-fetch --prefilter $TMPD/loci.bed $TMPD/s.bam > $TMPD/o
