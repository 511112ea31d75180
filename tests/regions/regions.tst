# regions.tst -- tsc-regions: expected outputs and bad input (format: see tests/run.sh).
# basic.gtf holds the edge cases (comments, blank and track lines, CRLF, a bridging exon, abutting
# exons, the newest row's strand, a locus on two chromosomes, names with spaces/quotes/UTF-8, rows
# without the attribute, unquoted values, a case-sensitive feature type).  Header lines (#) carry
# the version and command line, so most tests drop them.
P . tsc-regions --help | grep '^Usage: tsc-regions' > /dev/null
P . tsc-regions --help | grep 'attribute KEY .*\[locus\]' > /dev/null
P . tsc-regions --version | grep '^tsc-regions .' > /dev/null
P . tsc-regions --bogus 2>/dev/null; test $? -eq 2
P . tsc-regions a.gtf b.gtf 2>/dev/null; test $? -eq 2
P . tsc-regions -a 'gene id' basic.gtf 2>/dev/null; test $? -eq 2
P basic.bed tsc-regions basic.gtf > $TMPD/o 2>/dev/null && grep -v '^#' $TMPD/o
P header.out tsc-regions basic.gtf 2>/dev/null | sed -n '1p;4,8p'
P . tsc-regions basic.gtf 2>/dev/null | sed -n 3p | grep '^#command	tsc-regions basic.gtf$' > /dev/null
P . tsc-regions basic.gtf 2>/dev/null | sed -n 2p | grep '^#version	.' > /dev/null
P basic.bed tsc-regions - < basic.gtf > $TMPD/o 2>/dev/null && grep -v '^#' $TMPD/o
P basic.bed tsc-regions < basic.gtf > $TMPD/o 2>/dev/null && grep -v '^#' $TMPD/o
P basic.bed gzip -c basic.gtf > $TMPD/b.gtf.gz && tsc-regions $TMPD/b.gtf.gz 2>/dev/null | grep -v '^#'
P basic.bed gzip -c basic.gtf | tsc-regions 2>/dev/null | grep -v '^#'
P basic.bed tsc-regions -o $TMPD/o basic.gtf 2>/dev/null && grep -v '^#' $TMPD/o
P basic.bed sed 's/$/\r/' basic.gtf | tsc-regions 2>/dev/null | grep -v '^#'
P basic-gene_id.bed tsc-regions --attribute gene_id basic.gtf 2>/dev/null | grep -v '^#'
P basic-gene.bed tsc-regions --feature-type gene basic.gtf 2>/dev/null | grep -v '^#'
P warn.out tsc-regions basic.gtf 2>&1 >/dev/null
P warn-many.out awk 'BEGIN { for (i = 0; i < 8; i++) print "c\ts\texon\t1\t2\t.\t+\t.\tgene_id \"g\";"; print "c\ts\texon\t1\t2\t.\t+\t.\tlocus \"L\";" }' > $TMPD/m.gtf && tsc-regions $TMPD/m.gtf 2>&1 >/dev/null | sed 's|[^ ]*/m.gtf|m.gtf|'
N m.gtf:2:_expected_9_tab-separated_fields,_found_8 printf '#c\nchr1\tt\texon\t1\t2\t.\t+\t.\n' > $TMPD/m.gtf && tsc-regions $TMPD/m.gtf
N m.gtf:1:_expected_9_tab-separated_fields,_found_10 printf 'chr1\tt\texon\t1\t2\t.\t+\t.\tlocus "a";\tx\n' > $TMPD/m.gtf && tsc-regions $TMPD/m.gtf
N m.gtf:1:_expected_9_tab-separated_fields,_found_1 printf 'just some text\n' > $TMPD/m.gtf && tsc-regions $TMPD/m.gtf
N m.gtf:2:_start_and_end printf 'chr1\tt\texon\t1\t2\t.\t+\t.\tlocus "a";\nchr1\tt\texon\t1.5\t2\t.\t+\t.\tlocus "a";\n' > $TMPD/m.gtf && tsc-regions $TMPD/m.gtf
N m.gtf:1:_start_and_end printf 'chr1\tt\texon\t1\t\t.\t+\t.\tlocus "a";\n' > $TMPD/m.gtf && tsc-regions $TMPD/m.gtf
N m.gtf:1:_end_9_is_before_start_10 printf 'chr1\tt\texon\t10\t9\t.\t+\t.\tlocus "a";\n' > $TMPD/m.gtf && tsc-regions $TMPD/m.gtf
N m.gtf:1:_start_0_is_not_a_1-based_position printf 'chr1\tt\texon\t0\t9\t.\t+\t.\tlocus "a";\n' > $TMPD/m.gtf && tsc-regions $TMPD/m.gtf
N m.gtf:1:_empty_chromosome printf '\tt\texon\t1\t9\t.\t+\t.\tlocus "a";\n' > $TMPD/m.gtf && tsc-regions $TMPD/m.gtf
N m.gtf:2:_NUL_byte printf '#x\nchr1\tt\texon\t1\t9\t.\t+\t.\tlocus "a\0";\n' > $TMPD/m.gtf && tsc-regions $TMPD/m.gtf
N no_exon_rows_with_attribute_locus printf '# nothing here\n\n' > $TMPD/m.gtf && tsc-regions $TMPD/m.gtf
N no_exon_rows_with_attribute_locus : > $TMPD/m.gtf && tsc-regions $TMPD/m.gtf
N no_exon_rows_with_attribute_locus printf 'chr1\tt\texon\t1\t9\t.\t+\t.\tlocus a;\n' > $TMPD/m.gtf && tsc-regions $TMPD/m.gtf
N no_gene_rows_with_attribute_nope tsc-regions -f gene -a nope basic.gtf
N cannot_open tsc-regions $TMPD/does-not-exist.gtf
N cannot_create tsc-regions -o $TMPD/no/such/dir/x.bed basic.gtf
N . tsc-regions basic.gtf > /dev/full
N read_error gzip -c basic.gtf | head -c 200 > $TMPD/t.gz && tsc-regions $TMPD/t.gz
N try_--help tsc-regions --attribute
