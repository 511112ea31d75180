# badinput/view.tst -- tsc-view on odd names, huge values and text or streams that are subtly
# wrong.  Corrupted and truncated streams: tests/view/roundtrip.test.sh and tests/faults/.
# odd names (spaces, quotes, escaped tabs and control bytes, UTF-8) and extreme values survive
# text -> stream -> text unchanged
P . printf '#tsc-stream\tversion=1\tkind=HITS\n@feature\tHERV K "1" \\t \303\251\t100\n@info\tkey with space\tvalue "q" \\\\\n=HREC\tu8\t2\n0\tread \\x01 "n" \303\251\t0,65536,100000\t-1,-2147483648,2147483647\n9223372036854775806\t*\t0,2147483647,0\n=END\n' > $TMPD/a.txt && tsc-view -b $TMPD/a.txt -o $TMPD/a.bin && tsc-view $TMPD/a.bin | sed "\$s/\tcrc32=[0-9a-f]*\$//" | cmp - $TMPD/a.txt
P . printf '#tsc-stream\tversion=1\tkind=MATRIX\n=SCOR\tu32\t3\n0\n70000\n4294967295\n=BIGI\ti64\t2\n-9223372036854775808\n9223372036854775807\n=FLTS\tf64\t6\n1e+308\n5e-324\ninf\n-inf\nnan\n-0.0\n=END\n' > $TMPD/v.txt && tsc-view -b $TMPD/v.txt -o $TMPD/v.bin && tsc-view $TMPD/v.bin | sed "\$s/\tcrc32=[0-9a-f]*\$//" | cmp - $TMPD/v.txt
# values past their type
N bad_u32_value printf '#tsc-stream\tversion=1\tkind=MATRIX\n=SCOR\tu32\t1\n4294967296\n=END\n' | tsc-view -o $TMPD/x
N bad_i32_value printf '#tsc-stream\tversion=1\tkind=MATRIX\n=INDX\ti32\t1\n2147483648\n=END\n' | tsc-view -o $TMPD/x
N bad_i64_value printf '#tsc-stream\tversion=1\tkind=MATRIX\n=SHAP\ti64\t1\n9223372036854775808\n=END\n' | tsc-view -o $TMPD/x
N mapping_out_of_range printf '#tsc-stream\tversion=1\tkind=HITS\n@feature\tTE1\t1\n=HREC\tu8\t1\n0\t*\t0,2147483648,1\n=END\n' | tsc-view -o $TMPD/x
N mapping_out_of_range printf '#tsc-stream\tversion=1\tkind=HITS\n@feature\tTE1\t1\n=HREC\tu8\t1\n0\t*\t1,5,1\n=END\n' | tsc-view -o $TMPD/x
N stdin:4:_bad_HITS_record printf '#tsc-stream\tversion=1\tkind=HITS\n=HREC\tu8\t2\n5\t*\n4\t*\n=END\n' | tsc-view -o $TMPD/x
N stdin:3:_repeated_@info_key printf '#tsc-stream\tversion=1\tkind=HITS\n@info\tk\t1\n@info\tk\t2\n=END\n' | tsc-view -o $TMPD/x
N stdin:2:_expected_a_section_line printf '#tsc-stream\tversion=1\tkind=HITS\n=SCOR\tu32\t-1\n=END\n' | tsc-view -o $TMPD/x
# a text file with Windows line ends
N stdin:1:_not_tsc-view_text printf '#tsc-stream\tversion=1\tkind=HITS\r\n=END\r\n' | tsc-view -o $TMPD/x
# two streams back to back, or a stream with bytes after its end
N unexpected_data_after_the_end tsc-view -b ../view/matrix.txt -o $TMPD/m.bin && cat $TMPD/m.bin $TMPD/m.bin | tsc-view
N unexpected_data_after_the_end tsc-view -b ../view/matrix.txt -o $TMPD/m.bin && { cat $TMPD/m.bin; echo; } | tsc-view
# a stream cut just before its END section: the stage that wrote it died
N truncated_stream tsc-view -b ../view/matrix.txt -o $TMPD/m.bin && head -c $(( $(wc -c < $TMPD/m.bin) - 32 )) $TMPD/m.bin | tsc-view
