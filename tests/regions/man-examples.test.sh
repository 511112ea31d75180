#!/bin/sh
# man-examples.test.sh -- run the commands of the EXAMPLES section of man/tsc-regions.1 (lines
# "$ ..." inside .EX/.EE, as tests/man/examples.test.sh extracts them) in an empty $TMPD, and check
# what they write: the loci, their lengths, a name with a space and quotes, gzip and stdin input.
set -eu
man=../../man/tsc-regions.1
[ -f "$man" ] || { echo "no $man" >&2; exit 1; }
awk '/^\.SH /{ex = ($2 == "EXAMPLES")} ex && /^\.EX/{on=1; next} ex && /^\.EE/{on=0} on && /^\$ /{sub(/^\$ /, ""); gsub(/\\-/, "-"); gsub(/\\e/, "\\"); print}' "$man" > "$TMPD/examples.sh"
n=$(wc -l < "$TMPD/examples.sh")
[ "$n" -ge 8 ] || { echo "only $n examples found" >&2; exit 1; }
cd "$TMPD"
printf 'set -e\n' | cat - examples.sh > run.sh
sh run.sh > out.txt 2> err.txt || { echo "an example failed" >&2; cat err.txt >&2; exit 1; }
cat out.txt
fail() { echo "man-examples.test.sh: $*" >&2; exit 1; }
printf 'chr1\t100\t400\tHERV_1\t0\t+\nchr2\t10\t60\tL1 "b"\t0\t-\n' > want.bed
grep -v '^#' loci.bed | cmp -s - want.bed || fail "loci.bed differs"
grep -v '^#' loci2.bed | cmp -s - want.bed || fail "loci2.bed (stdin, -o) differs"
printf 'chr1\t100\t400\tg1\t0\t+\nchr2\t10\t60\tg2\t0\t-\n' > want-g.bed
grep -v '^#' genes.bed | cmp -s - want-g.bed || fail "genes.bed differs"
sort out.txt | cmp -s - "$(printf 'HERV_1\t300\nL1 "b"\t50\n' > want.len; echo want.len)" ||
    fail "lengths differ"
echo "man-examples.test.sh: ok ($n commands)"
