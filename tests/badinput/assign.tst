# badinput/assign.tst -- tsc-assign on every case that makes upstream Telescope crash or mislead
# (golden/errors/, README "Error-behaviour captures"): each gives one clear message and a
# non-zero status, or the right outputs.  Inputs are made here from golden/synth-input.
# errors/noargs, modeall, badtheta, union, htseq: usage errors (status 2)
P . tsc-assign 2> $TMPD/e; test $? -eq 2 && grep -q 'tsc-assign: error: ' $TMPD/e
P . tsc-assign --reassign_mode all $TSC_DATA/golden/synth-input/synth.bam $TSC_DATA/golden/synth-input/synth.gtf 2> $TMPD/e; test $? -eq 2 && grep -q "invalid choice 'all'" $TMPD/e
P . tsc-assign --theta_prior 1.5 $TSC_DATA/golden/synth-input/synth.bam $TSC_DATA/golden/synth-input/synth.gtf 2> $TMPD/e; test $? -eq 2 && grep -q -- '--theta_prior' $TMPD/e
P . tsc-assign --overlap_mode union $TSC_DATA/golden/synth-input/synth.bam $TSC_DATA/golden/synth-input/synth.gtf 2> $TMPD/e; test $? -eq 2 && grep -q 'not implemented' $TMPD/e
P . tsc-assign --annotation_class htseq $TSC_DATA/golden/synth-input/synth.bam $TSC_DATA/golden/synth-input/synth.gtf 2> $TMPD/e; test $? -eq 2 && grep -q 'htseq' $TMPD/e
# errors/nosam, nogtf, resume_missing (upstream: FileNotFoundError tracebacks)
N none.bam:_No_such_file tsc-assign --outdir $TMPD/o $TMPD/none.bam $TSC_DATA/golden/synth-input/synth.gtf
N none.gtf:_No_such_file tsc-assign --outdir $TMPD/o $TSC_DATA/golden/synth-input/synth.bam $TMPD/none.gtf
N none.npz:_No_such_file tsc-assign resume --outdir $TMPD/o $TMPD/none.npz
# errors/noAS (KeyError): the read is named
N (read_u2) awk -F'\t' 'BEGIN { OFS = "\t" } !/^@/ && $1 == "u2" { sub(/\tAS:i:[-0-9]+/, "") } 1' $TSC_DATA/golden/synth-input/synth.sam > $TMPD/n.sam && tsc-assign --quiet --outdir $TMPD/o $TMPD/n.sam $TSC_DATA/golden/synth-input/synth.gtf
# errors/empty (StopIteration), lone_unmapped (TypeError), nooverlap (rc 0, no files: Q27):
# status 0 and both tables, without rows
P . grep '^@' $TSC_DATA/golden/synth-input/synth.sam > $TMPD/h.sam && tsc-assign --quiet --outdir $TMPD/o $TMPD/h.sam $TSC_DATA/golden/synth-input/synth.gtf 2>/dev/null && printf 'transcript\tcount\n' | cmp - $TMPD/o/telescope-TE_counts.tsv && test -s $TMPD/o/telescope-run_stats.tsv
P . printf '@SQ\tSN:chrA\tLN:10000\nlone\t77\t*\t0\t0\t*\t*\t0\t0\t*\t*\n' > $TMPD/l.sam && tsc-assign --quiet --outdir $TMPD/o $TMPD/l.sam $TSC_DATA/golden/synth-input/synth.gtf 2>/dev/null && printf 'transcript\tcount\n' | cmp - $TMPD/o/telescope-TE_counts.tsv
P . sed 's/^chr/X/' $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/x.gtf && tsc-assign --quiet --outdir $TMPD/o $TSC_DATA/golden/synth-input/synth.bam $TMPD/x.gtf 2>/dev/null && printf 'transcript\tcount\n' | cmp - $TMPD/o/telescope-TE_counts.tsv
# errors/blankline (TypeError): blank lines are skipped; same counts as without them
P . tsc-assign --quiet --outdir $TMPD/a $TSC_DATA/golden/synth-input/synth.bam $TSC_DATA/golden/synth-input/synth.gtf 2>/dev/null && awk 'NR % 3 == 0 { print "" } 1' $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/b.gtf && tsc-assign --quiet --outdir $TMPD/b $TSC_DATA/golden/synth-input/synth.bam $TMPD/b.gtf 2>/dev/null && cmp $TMPD/a/telescope-TE_counts.tsv $TMPD/b/telescope-TE_counts.tsv
# errors/eightcol (TypeError): the line is named
N eight.gtf:4:_expected_9_tab-separated_fields awk 'NR == 4 { sub(/\t[^\t]*$/, "") } 1' $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/eight.gtf && tsc-assign --quiet --outdir $TMPD/o $TSC_DATA/golden/synth-input/synth.bam $TMPD/eight.gtf
# errors/bridge (AssertionError): an exon bridging two exons of its locus merges them
P . printf 'chrA\tt\texon\t1001\t1200\t.\t+\t.\tlocus "TE1";\nchrA\tt\texon\t1400\t2000\t.\t+\t.\tlocus "TE1";\nchrA\tt\texon\t1100\t1500\t.\t+\t.\tlocus "TE1";\n' > $TMPD/br.gtf && tsc-assign --quiet --outdir $TMPD/o $TSC_DATA/golden/synth-input/synth.bam $TMPD/br.gtf 2>/dev/null && grep -q '^TE1	' $TMPD/o/telescope-TE_counts.tsv
# errors/unquoted (rows skipped, then rc 0 and no output): no usable row is an error
N no_exon_rows sed 's/"\([^"]*\)"/\1/g' $TSC_DATA/golden/synth-input/synth.gtf > $TMPD/u.gtf && tsc-assign --quiet --outdir $TMPD/o $TSC_DATA/golden/synth-input/synth.bam $TMPD/u.gtf
# errors/ncpu2 (TypeError): --ncpu 2 works and gives the same tables as --ncpu 1
P . tsc-assign --quiet --outdir $TMPD/a $TSC_DATA/golden/synth-input/synth.bam $TSC_DATA/golden/synth-input/synth.gtf 2>/dev/null && tsc-assign --quiet --ncpu 2 --outdir $TMPD/b $TSC_DATA/golden/synth-input/synth.bam $TSC_DATA/golden/synth-input/synth.gtf 2>/dev/null && cmp $TMPD/a/telescope-TE_counts.tsv $TMPD/b/telescope-TE_counts.tsv && cmp $TMPD/a/telescope-run_stats.tsv $TMPD/b/telescope-run_stats.tsv
# errors/logfile (opened for reading, never written): the log is written
P . tsc-assign --outdir $TMPD/o --logfile $TMPD/log $TSC_DATA/golden/synth-input/synth.bam $TSC_DATA/golden/synth-input/synth.gtf 2> $TMPD/e && grep -q 'assign complete' $TMPD/log
# errors/logfile_missing: a log in a folder that does not exist
N cannot_write_the_log_file tsc-assign --outdir $TMPD/o --logfile $TMPD/no/dir/log $TSC_DATA/golden/synth-input/synth.bam $TSC_DATA/golden/synth-input/synth.gtf
# errors/nofeature_key_clash (TE1 silently merged into column 0, Q26): an error
N no-feature_key_'TE1' tsc-assign --quiet --outdir $TMPD/o --no_feature_key TE1 $TSC_DATA/golden/synth-input/synth.bam $TSC_DATA/golden/synth-input/synth.gtf
# errors/nooutdir (FileNotFoundError after the EM): the folder is made
P . tsc-assign --quiet --outdir $TMPD/does/not/exist $TSC_DATA/golden/synth-input/synth.bam $TSC_DATA/golden/synth-input/synth.gtf 2>/dev/null && test -s $TMPD/does/not/exist/telescope-TE_counts.tsv
# an output folder that cannot be made
N cannot_create_the_output_directory : > $TMPD/file && tsc-assign --quiet --outdir $TMPD/file/x $TSC_DATA/golden/synth-input/synth.bam $TSC_DATA/golden/synth-input/synth.gtf
# errors/nopg_updated_sam (upstream: KeyError 'PG' after the TSVs are written, Q14): an input
# without @PG gives upstream's TE_counts and the updated BAM, whose one @PG line is tsc-tag's,
# with every input record
P . grep -v '^@PG' $TSC_DATA/golden/synth-input/synth.sam > $TMPD/n.sam && tsc-assign --quiet --updated_sam --outdir $TMPD/o $TMPD/n.sam $TSC_DATA/golden/synth-input/synth.gtf 2>/dev/null && cmp $TMPD/o/telescope-TE_counts.tsv $TSC_DATA/golden/synth-exclude/telescope-TE_counts.tsv && samtools view --no-PG -H $TMPD/o/telescope-updated.bam | grep '^@PG' > $TMPD/pg && test "$(wc -l < $TMPD/pg)" = 1 && grep -q '^@PG	ID:tsc-tag	PN:tsc-tag	VN:' $TMPD/pg && test "$(samtools view -c $TMPD/o/telescope-updated.bam)" = "$(grep -vc '^@' $TMPD/n.sam)"
