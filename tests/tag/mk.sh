#!/bin/sh
# mk.sh -- a small hand-made data set for tag.tst, written into $TMPD:
#   loci.bed (TE1 chr1:100-400 +, TE2 chr1:600-900 +, TE3 chr2:1000-1300, TE4 chr2:100-400 -,
#   TE5 chr2:600-900 -), h.sam (no @PG line: Telescope crashes on it, Q14), and h.fit from the
#   pipeline (with names).
# Reads: r1 single-end on TE1 (AS 0) and TE2 (AS -4); p1 a pair on TE1 twice (ZT:SEC for the
# worse) and once on TE2 with the same AS (ZB lists both); t1, t2 pairs tied between TE4 and TE5,
# which nothing else touches (a tie after the EM: exclude keeps none, average both, choose one
# each); n1 single-end outside every locus; u1 unmapped; m1 a pair with one mate unmapped (PX),
# on TE3.
set -e
D=${TMPD:?}
printf 'chr1\t100\t400\tTE1\t0\t+\nchr1\t600\t900\tTE2\t0\t+\nchr2\t1000\t1300\tTE3\t0\t.\n' > $D/loci.bed
printf 'chr2\t100\t400\tTE4\t0\t-\nchr2\t600\t900\tTE5\t0\t-\n' >> $D/loci.bed
S=$D/h.sam
printf '@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:chr1\tLN:2000\n@SQ\tSN:chr2\tLN:2000\n@RG\tID:g1\n' > $S
t() { printf '%s\t' "$@" | sed 's/\t$//' >> $S; printf '\n' >> $S; }
Q=IIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIII
A=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
t r1 0 chr1 151 255 50M '*' 0 0 $A $Q AS:i:0 RG:Z:g1
t r1 256 chr1 651 255 50M '*' 0 0 $A $Q AS:i:-4 RG:Z:g1
t p1 99 chr1 201 255 50M = 301 150 $A $Q AS:i:-2 XP:Z:keep
t p1 147 chr1 301 255 50M = 201 -150 $A $Q AS:i:-2
t p1 355 chr1 211 255 50M = 311 150 $A $Q AS:i:-8
t p1 403 chr1 311 255 50M = 211 -150 $A $Q AS:i:-8
t p1 355 chr1 701 255 50M = 801 150 $A $Q AS:i:-2
t p1 403 chr1 801 255 50M = 701 -150 $A $Q AS:i:-2
for r in t1 t2; do
t $r 99 chr2 121 255 50M = 221 150 $A $Q AS:i:-1
t $r 147 chr2 221 255 50M = 121 -150 $A $Q AS:i:-1
t $r 355 chr2 621 255 50M = 721 150 $A $Q AS:i:-1
t $r 403 chr2 721 255 50M = 621 -150 $A $Q AS:i:-1
done
t n1 0 chr1 1501 255 50M '*' 0 0 $A $Q AS:i:0
t u1 4 '*' 0 0 '*' '*' 0 0 $A $Q
t m1 73 chr2 1051 255 50M = 1051 0 $A $Q AS:i:0
t m1 133 chr2 1051 0 '*' = 1051 0 $A $Q
tsc-fetch --names $D/loci.bed $S | tsc-matrix | tsc-em -q > $D/h.fit
