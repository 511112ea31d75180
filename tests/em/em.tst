# tsc-em: expected FIT streams (as text, provenance left out), logs, options, bad input.
# tiny.txt: 9 rows, 6 columns, 2 blocks of loci + a row on column 0 only; tiny.fit.txt checked
# against golden/tools/spec_em.py (libm variant): pi, theta, pi_init, z and lnl bit for bit.
P tiny.fit.txt tsc-view -b tiny.txt | tsc-em -q | tsc-view | grep -v '^@prov'
P tiny.fit.txt tsc-view -b tiny.txt | tsc-em -q -t 2 --backend openmp | tsc-view | grep -v '^@prov'
P tiny.fit.txt tsc-view -b tiny-blocks.txt | tsc-em -q -t 2 | tsc-view | grep -v '^@prov'
P tiny.fit.txt tsc-view -b tiny-blocks.txt -o $TMPD/b && tsc-em -q -t 3 $TMPD/b -o $TMPD/f && tsc-view $TMPD/f | grep -v '^@prov'
# a FIT stream can be fitted again (like telescope resume)
P tiny.fit.txt tsc-view -b tiny.txt | tsc-em -q -L | tsc-em -q | tsc-view | grep -v '^@prov'
P tiny.log tsc-view -b tiny.txt | tsc-em 2>&1 >/dev/null
P . tsc-view -b tiny.txt | tsc-em -q 2> $TMPD/e > /dev/null && test ! -s $TMPD/e
P . tsc-view -b tiny.txt | tsc-em -v 2>&1 >/dev/null | grep 'iterations in .* s/iteration' > /dev/null
P . tsc-view -b tiny.txt | tsc-em -q -o $TMPD/f && tsc-view -H $TMPD/f | grep '^@prov	tsc-em	' > /dev/null
P . tsc-view -b tiny.txt | tsc-em -L 2>&1 >/dev/null | grep '^tsc-em: Iteration 1, lnl= 6.79481e+02, diff=0.99998$' > /dev/null
P . tsc-view -b tiny.txt | tsc-em -n 2 2>&1 >/dev/null | grep '^tsc-em: EM terminated after 2 iterations.$' > /dev/null
P empty.fit.txt tsc-view -b empty.txt | tsc-em -q | tsc-view | grep -v '^@prov'
P . tsc-em --help | grep '^Usage: tsc-em' > /dev/null
P . tsc-em --help | grep 'theta-prior FLOAT .*\[200000\]' > /dev/null
P . tsc-em --version | grep '^tsc-em (tsc) ' > /dev/null
N unknown_option tsc-em --frobnicate tiny.txt
N --max-iter tsc-em --max-iter 0 tiny.txt
N --pi-prior tsc-em --pi-prior -1 tiny.txt
N --em-epsilon tsc-em --em-epsilon x tiny.txt
N --backend tsc-em --backend cuda tiny.txt
N --device tsc-em --device 1 tiny.txt
N --threads tsc-em -t 0 tiny.txt
N too_many_arguments tsc-em a b
N not_a_tsc_stream tsc-em tiny.txt
N cannot_open tsc-em /nonexistent/matrix
N input_is_a_HITS_stream tsc-view -b hits.txt | tsc-em
N truncated tsc-view -b tiny.txt | head -c 300 | tsc-em
N raw_score_0 sed '/^=SCOR/,/^=END/s/^7$/0/' tiny.txt | tsc-view -b | tsc-em
N inconsistent_BLOCKS_stream:_row_4 sed '/^=BROW/,/^=BCPT/{s/^5$/X/;s/^4$/5/;s/^X$/4/}' tiny-blocks.txt | tsc-view -b | tsc-em
N repeated_or_out_of_order sed '/^=BCPT/,/^=BCOL/s/^2$/1/' tiny-blocks.txt | tsc-view -b | tsc-em
N write_failed tsc-view -b tiny.txt | tsc-em -q -o /dev/full
# backends: OpenCL (PoCL here) runs (the FIT says so) and gives the same FIT; with no OpenCL platform,
# one warning and OpenMP
P tiny.fit.txt tsc-view -b tiny.txt | tsc-em -q --backend opencl | tsc-view | grep -v '^@prov' > $TMPD/t && grep -qx '@info	_em_backend	opencl' $TMPD/t && sed 's/^@info	_em_backend	opencl$/@info	_em_backend	openmp/' $TMPD/t
P tiny.fit.txt tsc-view -b tiny.txt | OCL_ICD_VENDORS=/nonexistent tsc-em -q --backend opencl | tsc-view | grep -v '^@prov'
P . tsc-view -b tiny.txt | OCL_ICD_VENDORS=/nonexistent tsc-em -q --backend opencl 2>&1 >/dev/null | grep 'warning: .*using the OpenMP backend' > /dev/null
