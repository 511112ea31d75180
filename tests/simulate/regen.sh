#!/bin/sh
# regen.sh -- rewrite the pinned tiny expected files of simulate.tst (review the diff before
# committing). Usage: TSC_BIN=bin sh tests/simulate/regen.sh
set -e
cd "$(dirname "$0")"
PATH="${TSC_BIN:-../../bin}:$PATH"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
tsc-simulate -n 40 -L 12 -G 10 -c 2 -o "$t/t"
grep -v '^#' "$t/t.gtf" > tiny.gtf
samtools view "$t/t.bam" > tiny.sam
cp "$t/t.truth.tsv" tiny.truth.tsv
tsc-simulate -n 40 -L 12 -G 10 -c 2 --end-to-end --nh --library RF --seq primary -o "$t/t"
samtools view "$t/t.bam" > tiny.e2e.sam
TINY_SC="--single-cell -n 80 --cells 6 --ambient 6 -L 12 -G 10 -c 2 -f 0.4 --origin-tag"
tsc-simulate $TINY_SC -o "$t/t"
samtools view "$t/t.bam" > tiny.sc.sam
cat "$t/t.whitelist.tsv" "$t/t.celltypes.tsv" "$t/t.cells.truth.tsv" "$t/t.truth.tsv" > tiny.sc.tables
wc -c tiny.gtf tiny.sam tiny.truth.tsv tiny.e2e.sam tiny.sc.sam tiny.sc.tables
