# sc/errors.tst -- tsc-sc on every error capture of Stellarscope ($TSC_DATA/golden-sc/errors/, spec
# §14): a clear message and status (1 data, 2 usage), or, where tsc fixes the quirk, the right
# outputs.  (python_m and cellsort_debian_samtools have no counterpart: tsc-sc is a C program and
# needs no cellsort.)
# annotation_class_htseq, overlap_mode_union (S36), bad_reassign_mode, conf_prob_0.5 (S35): usage errors
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --whitelist $I/whitelist.tsv --outdir $TMPD/o --annotation_class htseq $I/sc_se.bam $I/sc.gtf 2> $TMPD/e; test $? -eq 2 && grep -q 'annotation_class htseq is not available' $TMPD/e
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --whitelist $I/whitelist.tsv --outdir $TMPD/o --overlap_mode union $I/sc_se.bam $I/sc.gtf 2> $TMPD/e; test $? -eq 2 && grep -q 'overlap_mode union is not implemented' $TMPD/e
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --whitelist $I/whitelist.tsv --outdir $TMPD/o --reassign_mode best_exclude,exclude $I/sc_se.bam $I/sc.gtf 2> $TMPD/e; test $? -eq 2 && grep -q "invalid choice 'exclude'" $TMPD/e
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --whitelist $I/whitelist.tsv --outdir $TMPD/o --conf_prob 0.5 $I/sc_se.bam $I/sc.gtf 2> $TMPD/e; test $? -eq 2 && grep -q 'conf_prob must be in (0.5, 1.0]' $TMPD/e && test ! -e $TMPD/o
# celltype_without_tsv (StellarscopeError): the same message, a usage error, nothing written
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --whitelist $I/whitelist.tsv --outdir $TMPD/o --pooling_mode celltype $I/sc_se.bam $I/sc.gtf 2> $TMPD/e; test $? -eq 2 && grep -q 'celltype_tsv is required for pooling mode "celltype"' $TMPD/e && test ! -e $TMPD/o
# celltype_conflict (AssertionError): an error naming the file, both lines and both cell types; no count file
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --whitelist $I/whitelist.tsv --outdir $TMPD/o --pooling_mode celltype --celltype_tsv $I/celltypes_conflict.tsv $I/sc_se.bam $I/sc.gtf 2> $TMPD/e; test $? -eq 1 && grep -q 'celltypes_conflict.tsv:3: barcode CCATGGCGAAACCAAT has celltype "Bcell" here but "Tcell" on line 1' $TMPD/e && test ! -e $TMPD/o/stellarscope-TE_counts.mtx
N no_celltype:_lines_are_BARCODE<TAB>CELLTYPE I=${TSC_DATA:-../data}/golden-sc/input; printf 'AAAGATAGAATTCCTT\n' > $TMPD/ct.tsv && tsc-sc assign --quiet --whitelist $I/whitelist.tsv --outdir $TMPD/o --pooling_mode celltype --celltype_tsv $TMPD/ct.tsv $I/sc_se.bam $I/sc.gtf
N cannot_open_the_celltype_table I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --whitelist $I/whitelist.tsv --outdir $TMPD/o --pooling_mode celltype --celltype_tsv $TMPD/none.tsv $I/sc_se.bam $I/sc.gtf
# ind_pi5_theta0 (FloatingPointError, S16): tsc fits in double and lets theta underflow to subnormals
# and 0 (what numpy gives with underflow ignored); every cell is fitted and no fragment is lost: the
# unaligned fragments are the 61 UMI duplicates, as in ind_all, and the counts that do not depend on the
# model (S12) equal ind_all's
P . I=${TSC_DATA:-../data}/golden-sc; tsc-sc assign --quiet --whitelist $I/input/whitelist.tsv --outdir $TMPD/o --pooling_mode individual --pi_prior 5 --theta_prior 0 --use_every_reassign_mode $I/input/sc_se.bam $I/input/sc.gtf && grep -q 'PoolInfo	individual	fitted_models	30' $TMPD/o/stellarscope-stats.final.tsv && grep -q 'ReassignInfo	best_exclude	unaligned	61' $TMPD/o/stellarscope-stats.final.tsv && grep -v '^%' $TMPD/o/stellarscope-TE_counts.total_hits.mtx > $TMPD/a && grep -v '^%' $I/ind_all/stellarscope-TE_counts.total_hits.mtx | cmp - $TMPD/a && awk -F'\t' '$1 == "ReassignInfo" && $2 == "best_exclude" && $3 != "unaligned" { s += $4 } END { exit s != 356 }' $TMPD/o/stellarscope-stats.final.tsv
# whitelist_empty (StopIteration): a clear error; no_whitelist (TypeError, S2): runs without a filter
N is_empty_(give_a_file I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --whitelist $I/whitelist_empty.tsv --outdir $TMPD/o $I/sc_se.bam $I/sc.gtf
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --outdir $TMPD/o $I/sc_se.bam $I/sc.gtf && test "$(wc -l < $TMPD/o/stellarscope-barcodes.tsv)" -eq 33 && cmp $TMPD/o/stellarscope-barcodes.tsv ${TSC_DATA:-../data}/golden-sc/pb_nofilter_all/stellarscope-barcodes.tsv
# cb_conflict (TypeError, S5): one read name in two places is non-collated input, named
N appears_again_after_other_reads I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --whitelist $I/whitelist.tsv --outdir $TMPD/o $I/err_cbconflict.bam $I/sc.gtf
# no_overlap, no_overlap_ignore_umi (ValueError, S34): valid outputs with every count 0
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --whitelist $I/whitelist.tsv --outdir $TMPD/o $I/sc_se.bam $I/err_nooverlap.gtf && test "$(grep -v '^%' $TMPD/o/stellarscope-TE_counts.mtx)" = "$(grep -c . $I/err_nooverlap.gtf | awk '{ print 0 }' >/dev/null; awk -F'\t' '$3 == "exon"' $I/err_nooverlap.gtf | grep -o 'locus "[^"]*"' | sort -u | wc -l | awk '{ print $1 + 1 " 32 0" }')"
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --ignore_umi --whitelist $I/whitelist.tsv --outdir $TMPD/o $I/sc_se.bam $I/err_nooverlap.gtf && grep -q 'ReassignInfo	best_exclude	assigned	0' $TMPD/o/stellarscope-stats.final.tsv
# outdir_missing (FileNotFoundError): the folder is created
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --whitelist $I/whitelist.tsv --outdir $TMPD/a/b $I/sc_se.bam $I/sc.gtf && test -s $TMPD/a/b/stellarscope-TE_counts.mtx
# assign_ignore_umi_umi_counts (KeyError, S6): works; the UMIs of fragments that have one are kept
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --ignore_umi --umi_counts --whitelist $I/whitelist.tsv --outdir $TMPD/o $I/sc_se.bam $I/sc.gtf && head -1 $TMPD/o/stellarscope-TE_counts.mtx | grep -q real
# se_stranded_RF, pe_stranded_F, pe_px_stranded_RF (ValueError, S26): tsc's strand rule works on any layout
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --whitelist $I/whitelist.tsv --outdir $TMPD/o --stranded_mode RF $I/sc_se.bam $I/sc.gtf && test -s $TMPD/o/stellarscope-TE_counts.mtx
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --whitelist $I/whitelist.tsv --outdir $TMPD/o --stranded_mode F $I/sc_pe.bam $I/sc.gtf && test -s $TMPD/o/stellarscope-TE_counts.mtx
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --whitelist $I/whitelist.tsv --outdir $TMPD/o --stranded_mode RF $I/err_px.bam $I/sc.gtf && test -s $TMPD/o/stellarscope-TE_counts.mtx
# resume_ignore_umi_checkpoint_without_flag (KeyError): the fragment without a UMI is named
N (h323)_has_no_UMI I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --whitelist $I/whitelist.tsv --outdir $TMPD/r --ignore_umi --skip_em $I/sc_se.bam $I/sc.gtf && tsc-sc resume --quiet --outdir $TMPD/o $TMPD/r/stellarscope-checkpoint.load_alignment.tsc
# a deduplicated checkpoint cannot be resumed with --ignore_umi (it has no raw scores of the duplicates)
N resume_from_the_checkpoint_before I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --whitelist $I/whitelist.tsv --outdir $TMPD/r $I/sc_se.bam $I/sc.gtf && tsc-sc resume --quiet --ignore_umi --outdir $TMPD/o $TMPD/r/stellarscope-checkpoint.dedup_umi.tsc
# usage
P . tsc-sc 2> $TMPD/e; test $? -eq 2 && grep -q 'Usage: tsc-sc' $TMPD/e
P . tsc-sc --help | grep -q 'Usage: tsc-sc assign'
P . tsc-sc frobnicate 2> $TMPD/e; test $? -eq 2 && grep -q 'assign or resume' $TMPD/e
P . tsc-sc assign --whitelist x 2> $TMPD/e; test $? -eq 2 && grep -q 'needs ALIGNMENTS' $TMPD/e
P . tsc-sc resume --updated_sam 2> $TMPD/e; test $? -eq 2
N is_not_a_positive_integer tsc-sccount --max-iter 0 -p $TMPD/x
N no_output_prefix tsc-sccount
N not_a_tsc_stream printf 'x' > $TMPD/x && tsc-dedup $TMPD/x -o $TMPD/y
N has_no_cell_barcodes I=${TSC_DATA:-../data}/golden-sc/input; tsc-regions $I/sc.gtf > $TMPD/l.bed && tsc-fetch $TMPD/l.bed $I/sc_se.bam | tsc-dedup -o $TMPD/y
N already_deduplicated I=${TSC_DATA:-../data}/golden-sc/input; tsc-regions $I/sc.gtf > $TMPD/l.bed && tsc-fetch --sc -n $TMPD/l.bed $I/sc_se.bam | tsc-dedup | tsc-dedup -o $TMPD/y
N needs_fragment_names I=${TSC_DATA:-../data}/golden-sc/input; tsc-regions $I/sc.gtf > $TMPD/l.bed && tsc-fetch --sc $TMPD/l.bed $I/sc_se.bam | tsc-dedup -u $TMPD/t -o $TMPD/y
N not_a_SAM_tag tsc-fetch --barcode-tag CBX x.bed x.bam
# whitelist forms: gzipped, Cell Ranger's "-1" suffix (matching the bare CB tags), a header line, a
# second column: the same counts as the plain list (pb_default), barcodes.tsv as written in the list
P . I=${TSC_DATA:-../data}/golden-sc; { echo barcode; sed 's/$/-1\tx/' $I/input/whitelist.tsv; } | gzip > $TMPD/wl.tsv.gz && tsc-sc assign --quiet --whitelist $TMPD/wl.tsv.gz --outdir $TMPD/o $I/input/sc_se.bam $I/input/sc.gtf && grep -v '^%' $TMPD/o/stellarscope-TE_counts.mtx > $TMPD/a && grep -v '^%' $I/pb_default/stellarscope-TE_counts.mtx | cmp - $TMPD/a && sed 's/$/-1/' $I/pb_default/stellarscope-barcodes.tsv | cmp - $TMPD/o/stellarscope-barcodes.tsv
P . I=${TSC_DATA:-../data}/golden-sc; gzip -c $I/input/whitelist.tsv > $TMPD/wl.gz && tsc-sc assign --quiet --whitelist $TMPD/wl.gz --outdir $TMPD/o $I/input/sc_se.bam $I/input/sc.gtf && cmp $I/pb_default/stellarscope-barcodes.tsv $TMPD/o/stellarscope-barcodes.tsv && cmp $I/pb_default/stellarscope-umi_tracking.txt $TMPD/o/stellarscope-umi_tracking.txt
# usage of the stage tools
P . tsc-dedup --help | grep -q 'Usage: tsc-dedup'
P . tsc-sccount --help | grep -q 'Usage: tsc-sccount'
P . tsc-dedup --bogus 2> $TMPD/e; test $? -eq 2 && grep -q 'tsc-dedup: error' $TMPD/e
P . tsc-sccount -p x --pooling-mode celltype 2> $TMPD/e; test $? -eq 2 && grep -q 'needs --celltype-tsv' $TMPD/e
P . tsc-sccount -p x --pooling-mode percell 2> $TMPD/e; test $? -eq 2 && grep -q 'not pseudobulk, individual or celltype' $TMPD/e
P . tsc-sccount -p x --backend cuda 2> $TMPD/e; test $? -eq 2 && grep -q 'not omp or opencl' $TMPD/e
P . tsc-sc assign --backend cuda x.bam x.gtf 2> $TMPD/e; test $? -eq 2 && grep -q "invalid choice 'cuda'" $TMPD/e
# --backend opencl: the same files as omp (kernels/scem.cl on PoCL; pooling.test.sh runs every golden on it)
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-sc assign --quiet --whitelist $I/whitelist.tsv --outdir $TMPD/r --skip_em $I/sc_se.bam $I/sc.gtf && tsc-sccount --pooling-mode individual -p $TMPD/omp $TMPD/r/stellarscope-checkpoint.dedup_umi.tsc && tsc-sccount --backend opencl --pooling-mode individual -p $TMPD/cl $TMPD/r/stellarscope-checkpoint.dedup_umi.tsc && cmp $TMPD/omp-TE_counts.mtx $TMPD/cl-TE_counts.mtx && cmp $TMPD/omp-stats.final.tsv $TMPD/cl-stats.final.tsv
P . tsc-sccount -p x --reassign-mode best_exclude,best_exclude 2> $TMPD/e; test $? -eq 2 && grep -q 'listed twice' $TMPD/e
P . tsc-fetch --help | grep -q -- '--whitelist FILE'
# tsc-view shows the per-fragment fields (HFLD sections, format version 2) and reads them back to the same bytes, before and after tsc-dedup
P . I=${TSC_DATA:-../data}/golden-sc/input; tsc-regions $I/sc.gtf > $TMPD/l.bed && tsc-fetch --sc -n --whitelist $I/whitelist.tsv $TMPD/l.bed $I/sc_se.bam > $TMPD/a && tsc-dedup $TMPD/a > $TMPD/d && for s in a d; do tsc-view $TMPD/$s > $TMPD/$s.txt && tsc-view -b $TMPD/$s.txt -o $TMPD/$s.b && cmp $TMPD/$s $TMPD/$s.b || exit 1; done; head -1 $TMPD/a.txt | grep -q 'version=2' && test "$(grep -c '^=HFLD' $TMPD/d.txt)" -ge 2 && grep -q '^=BCWL	str	32$' $TMPD/d.txt && grep -q '^AAAGATAGAATTCCTT$' $TMPD/d.txt
P . tsc-sc assign --reassign_mode best_random,best_exclude,best_random x.bam x.gtf 2> $TMPD/e; test $? -eq 2 && grep -q 'listed twice' $TMPD/e
# S42: --nproc (tsc-fetch threads, with its thread pool from 4) does not change any result
P . I=${TSC_DATA:-../data}/golden-sc/input; for n in 1 4; do tsc-sc assign --quiet --nproc $n --whitelist $I/whitelist.tsv --outdir $TMPD/n$n --use_every_reassign_mode $I/sc_se.bam $I/sc.gtf || exit 1; done; for f in $TMPD/n1/*.mtx; do grep -v '^%' $f > $TMPD/a; grep -v '^%' $TMPD/n4/${f##*/} | cmp -s - $TMPD/a || exit 1; done; cmp $TMPD/n1/stellarscope-umi_tracking.txt $TMPD/n4/stellarscope-umi_tracking.txt && grep -v Options $TMPD/n1/stellarscope-stats.final.tsv > $TMPD/a && grep -v Options $TMPD/n4/stellarscope-stats.final.tsv | cmp - $TMPD/a
