# badinput/regions.tst -- tsc-regions on the GTFs that crash upstream Telescope (golden/errors/:
# blankline, eightcol, bridge, unquoted), on wrong files, odd names and huge values.  Inputs are
# made here from golden/synth-input/synth.gtf.  More cases: tests/regions/regions.tst.
# errors/blankline (upstream: TypeError): a blank line is skipped, the loci are those without it
P . tsc-regions $TSC_DATA/golden/synth-input/synth.gtf 2>/dev/null | grep -v '^#' > $TMPD/a && awk 'NR == 3 { print "" } 1' $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/b.gtf && tsc-regions $TMPD/b.gtf 2>/dev/null | grep -v '^#' | cmp - $TMPD/a
# errors/eightcol (upstream: TypeError): a row of 8 columns is an error naming file and line
N eight.gtf:4:_expected_9_tab-separated_fields,_found_8 awk 'NR == 4 { sub(/\t[^\t]*$/, "") } 1' $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/eight.gtf && tsc-regions $TMPD/eight.gtf
# errors/bridge (upstream: AssertionError): an exon bridging two earlier exons of its locus merges them
P . printf 'chr1\tt\texon\t100\t200\t.\t+\t.\tlocus "A";\nchr1\tt\texon\t300\t400\t.\t+\t.\tlocus "A";\nchr1\tt\texon\t150\t350\t.\t+\t.\tlocus "A";\n' > $TMPD/br.gtf && tsc-regions $TMPD/br.gtf | grep -v '^#' > $TMPD/o && printf 'chr1\t99\t400\tA\t0\t+\n' | cmp - $TMPD/o
# errors/unquoted (upstream: rows skipped, then rc 0 and no output): no usable row is an error
N no_exon_rows_with_attribute_locus sed 's/"\([^"]*\)"/\1/g' $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/u.gtf && tsc-regions $TMPD/u.gtf
# a BAM or a SAM given as the GTF
N synth.bam:1:_NUL_byte tsc-regions $TSC_DATA/golden/synth-input/synth.bam
N synth.sam:1:_expected_9_tab-separated_fields tsc-regions $TSC_DATA/golden/synth-input/synth.sam
# odd names: a space in the chromosome, quotes, backslashes and UTF-8 in the locus, kept as they are
P . printf 'chr 1\tt\texon\t1\t100\t.\t+\t.\tlocus "HERV \\"K\\" \303\251";\n' > $TMPD/odd.gtf && tsc-regions $TMPD/odd.gtf | grep -v '^#' > $TMPD/o && printf 'chr 1\t0\t100\tHERV \\"K\\" \303\251\t0\t+\n' | cmp - $TMPD/o
# huge values: positions past 2^31 and 2^32 are kept exactly; one past what any genome needs is refused by line
P . printf 'chr1\tt\texon\t3000000000\t5000000100\t.\t+\t.\tlocus "A";\n' > $TMPD/h.gtf && tsc-regions $TMPD/h.gtf | grep -v '^#' > $TMPD/o && printf 'chr1\t2999999999\t5000000100\tA\t0\t+\n' | cmp - $TMPD/o
N h.gtf:1: printf 'chr1\tt\texon\t1\t9223372036854775807\t.\t+\t.\tlocus "B";\n' > $TMPD/h.gtf && tsc-regions $TMPD/h.gtf
# a million loci on 24 chromosomes: every one written
P . awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "chr%d\tt\texon\t%d\t%d\t.\t+\t.\tlocus \"L%d\";\n", i % 24, 1 + i * 10, 5 + i * 10, i }' > $TMPD/m.gtf && tsc-regions $TMPD/m.gtf > $TMPD/m.bed && test "$(grep -vc '^#' $TMPD/m.bed)" = 1000000
