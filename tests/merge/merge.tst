# tsc-merge: union and annotation rows, names, quoting, bad tables
P union.expected tsc-merge a-TE_counts.tsv b-TE_counts.tsv | grep -v '^#'
P annot.expected tsc-merge -a loci.bed -n s1,s2 --keep-no-feature b-TE_counts.tsv b-TE_counts.tsv | grep -v '^#'
P annot2.expected tsc-merge -a loci.bed b-TE_counts.tsv | grep -v '^#'
P . tsc-merge --help | grep '^Usage: tsc-merge' > /dev/null
N is_not_a_non-negative_number tsc-merge a-TE_counts.tsv bad.tsv
N appears_twice tsc-merge twice.tsv
N is_not_in_the_annotation tsc-merge -a loci.bed unknown.tsv
P annot3.expected tsc-merge -a loci.bed --keep-no-feature a-TE_counts.tsv | grep -v "^#"
N given_twice tsc-merge a-TE_counts.tsv a-TE_counts.tsv
N cannot_open tsc-merge nonexistent.tsv
N 1_names_for_2_tables tsc-merge -n x a-TE_counts.tsv b-TE_counts.tsv
N no_count_tables tsc-merge
