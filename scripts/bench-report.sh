#!/bin/bash
# bench-report.sh -- time tsc-report (read the FIT, reassign for run_stats and TE_counts, write
# both files) on a large random FIT made by the test-only generator (build/tests/test_report_golden).
# Usage: scripts/bench-report.sh [ROWS [COLS [MODE]]]   (defaults: 5000000 rows, 20000 columns, choose)
# Prints TSV: report <TAB> rows <TAB> nnz <TAB> seconds   (and the stage times from tsc-report -v on stderr)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${TSC_BIN:-$top/bin}
UNITS=${TSC_UNITS:-$top/build/tests}
rows=${1:-5000000}; cols=${2:-20000}; mode=${3:-choose}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tsc-bench-report.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
read -r n nnz < <("$UNITS/test_report_golden" --random "$rows" "$cols" 1 "$tmp/big.fit")
t0=$(date +%s.%N)
"$BIN/tsc-report" -v -m "$mode" -o "$tmp/b" "$tmp/big.fit" 2> "$tmp/log"
t1=$(date +%s.%N)
grep 'time:' "$tmp/log" >&2 || true
awk -v n="$n" -v z="$nnz" -v a="$t0" -v b="$t1" 'BEGIN { printf "report\t%s\t%s\t%.3f\n", n, z, b - a }'
