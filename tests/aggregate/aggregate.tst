# tsc-aggregate: usage and bad input (P = exit 0 and stdout as given; N = clean failure)
P . tsc-aggregate --help | grep -q '^Usage: tsc-aggregate'
P . tsc-aggregate --version | grep -q '^tsc-aggregate'
N . tsc-aggregate --bogus s1-all-loci.tsv
N needs_--annotation tsc-aggregate -g repFamily s1-all-loci.tsv
N needs_--group-by tsc-aggregate -A fam.gtf s1-all-loci.tsv
N exclude tsc-aggregate -p -A fam.gtf -g repFamily s1-all-loci.tsv
N first_or_join tsc-aggregate --multi all s1-all-loci.tsv
N one_character tsc-aggregate --sep ab s1-all-loci.tsv
N cannot_open tsc-aggregate /nonexistent.tsv
N cannot_open tsc-aggregate -A /nonexistent.gtf -g repFamily s1-all-loci.tsv
N is_not_a_number printf 'l\tc\nA_1\tx\n' | tsc-aggregate
N value_columns printf 'l\tc\td\nA_1\t1\n' | tsc-aggregate
N more_value_columns printf 'l\tc\nA_1\t1\t2\n' | tsc-aggregate
N empty_table printf '# only a comment\n' | tsc-aggregate
N 9_tab-separated printf 'chr1\tx\texon\n' > $TMPD/b.gtf && tsc-aggregate -A $TMPD/b.gtf -g repFamily s1-all-loci.tsv
P . printf 'l\tc\nA_1\tNA\nA_2\t1\nB\t2\n' | tsc-aggregate | grep -qx 'A	NA'
