#!/bin/sh
# The 10x-style folder of tsc-sc (EXP_TAG-10x/: matrix.mtx.gz, barcodes.tsv.gz, features.tsv.gz)
# loads in Seurat (Read10X) and in anndata (read_mtx) with the right dimensions and values: the
# same features x barcodes counts as EXP_TAG-TE_counts.mtx (pb_all of $TSC_DATA/golden-sc:
# 107 features, 32 barcodes, total 350).  Needs r-cran-seurat and python3-anndata (make deps).
set -u
: "${TSC_DATA:=$(cd ../data && pwd)}"
I=$TSC_DATA/golden-sc/input
o=$TMPD/o
tsc-sc assign --quiet --whitelist "$I/whitelist.tsv" --outdir "$o" "$I/sc_se.bam" "$I/sc.gtf" || exit 1
d=$o/stellarscope-10x
for f in matrix.mtx.gz barcodes.tsv.gz features.tsv.gz; do [ -s "$d/$f" ] || { echo "no $d/$f"; exit 1; }; done
# the expected cells: "feature barcode value" of the plain MTX, by name
grep -v '^%' "$o/stellarscope-TE_counts.mtx" | tail -n +2 |
    awk 'NR == FNR { f[FNR] = $1; next } FILENAME == ARGV[2] { b[FNR] = $1; next } { print f[$1], b[$2], $3 }' \
    "$o/stellarscope-features.tsv" "$o/stellarscope-barcodes.tsv" - | sort > "$TMPD/exp"
[ "$(wc -l < "$TMPD/exp")" -eq 64 ] || { echo "expected 64 cells"; exit 1; }
fail=0
Rscript -e '
suppressMessages(library(Seurat))
m <- Read10X(commandArgs(TRUE)[1])
stopifnot(nrow(m) == 107, ncol(m) == 32, sum(m) == 350)
s <- as(m, "TsparseMatrix")
cat(sprintf("%s %s %d\n", rownames(m)[s@i + 1], colnames(m)[s@j + 1], as.integer(s@x)), sep = "")
' "$d" 2> "$TMPD/r.err" | sort > "$TMPD/seurat" || { echo "Read10X failed:"; tail -5 "$TMPD/r.err"; fail=1; }
cmp -s "$TMPD/exp" "$TMPD/seurat" || { echo "Read10X: other values"; diff "$TMPD/exp" "$TMPD/seurat" | head; fail=1; }
/usr/bin/python3 - "$d" > "$TMPD/anndata" 2> "$TMPD/p.err" <<'PY' || { echo "anndata failed:"; tail -5 "$TMPD/p.err"; fail=1; }
import sys, gzip, anndata
d = sys.argv[1]
a = anndata.read_mtx(d + "/matrix.mtx.gz").T          # cells x features, as scanpy
a.obs_names = [l.rstrip("\n") for l in gzip.open(d + "/barcodes.tsv.gz", "rt")]
a.var_names = [l.split("\t")[0] for l in gzip.open(d + "/features.tsv.gz", "rt")]
assert a.shape == (32, 107), a.shape
assert a.X.sum() == 350
x = a.X.tocoo()
for i, j, v in zip(x.row, x.col, x.data):
    print(a.var_names[j], a.obs_names[i], int(v))
PY
sort "$TMPD/anndata" > "$TMPD/anndata.s"
cmp -s "$TMPD/exp" "$TMPD/anndata.s" || { echo "anndata: other values"; diff "$TMPD/exp" "$TMPD/anndata.s" | head; fail=1; }
exit $fail
