#!/bin/sh
# The default seed (stellarscope-spec §10.1, S14): tsc-sc hashes the input files in a child
# process while tsc-fetch runs and appends the seed to the load_alignment checkpoint afterwards
# (a RUNI section before a new trailer, tsc_stream_append_info).
#  - golden: 808270653 for sc_se.bam + sc.gtf, in stats.final.tsv and in both checkpoints
#    (tsc-view prints the appended entry; the checkpoint still reads, its CRC is valid);
#  - it equals the formula computed here with sha1sum;
#  - resume from either checkpoint without --seed repeats assign's draws (best_random,
#    initial_random identical), from the load_alignment one too (the seed at its end);
#  - an unreadable GTF or BAM fails cleanly before anything is written as complete;
#  - the seed is the same whatever the SHA-1 block function (tsc_sha1_use; unit test_sha1).
set -u
: "${TSC_DATA:=$(cd ../data && pwd)}"
I=$TSC_DATA/golden-sc/input
cd "$TMPD" || exit 1
fail=0
bad() { echo "FAIL $*"; fail=1; }
a=$(sha1sum < "$I/sc_se.bam" | cut -c1-7); b=$(sha1sum < "$I/sc.gtf" | cut -c1-7)
want=$(awk -v a=$((0x$a)) -v b=$((0x$b)) 'BEGIN { printf "%.0f", (a * b) % 4294967295 }')
[ "$want" = 808270653 ] || bad "the formula gives $want here, not 808270653"
tsc-sc assign --quiet --whitelist "$I/whitelist.tsv" --outdir o --reassign_mode best_random,initial_random \
    "$I/sc_se.bam" "$I/sc.gtf" || { echo "tsc-sc failed"; exit 1; }
[ "$(grep '	seed	' o/stellarscope-stats.final.tsv | cut -f4)" = 808270653 ] || bad "stats: seed $(grep '	seed	' o/stellarscope-stats.final.tsv)"
for c in load_alignment dedup_umi; do
    tsc-view "o/stellarscope-checkpoint.$c.tsc" > "$c.txt" || bad "$c checkpoint does not read"
    # in the header (@info line) or in a RUNI section (key and value on consecutive lines)
    awk '/_sc_seed\t808270653$/ { f = 1 } p && $0 == "808270653" { f = 1 } { p = $0 == "_sc_seed" } END { exit !f }' "$c.txt" ||
        bad "$c checkpoint: no _sc_seed 808270653"
done
[ "$(grep -c '_sc_seed' load_alignment.txt)" -eq 1 ] || bad "load_alignment: _sc_seed $(grep -c _sc_seed load_alignment.txt) times"
for c in load_alignment dedup_umi; do
    tsc-sc resume --quiet --outdir "r_$c" --reassign_mode best_random,initial_random "o/stellarscope-checkpoint.$c.tsc" ||
        { bad "resume from $c failed"; continue; }
    [ "$(grep '	seed	' "r_$c/stResume-stats.final.tsv" | cut -f4)" = 808270653 ] || bad "resume from $c: another seed"
    for m in TE_counts.mtx TE_counts.initial_random.mtx; do
        grep -v '^%' "o/stellarscope-$m" > x; grep -v '^%' "r_$c/stResume-$m" > y
        cmp -s x y || bad "resume from $c: $m differs from assign's"
    done
done
# a given seed: no hashing, and the checkpoint gets that one
tsc-sc assign --quiet --whitelist "$I/whitelist.tsv" --outdir s --seed 42 "$I/sc_se.bam" "$I/sc.gtf" || bad "--seed 42 failed"
tsc-view s/stellarscope-checkpoint.load_alignment.tsc | awk 'p && $0 == "42" { f = 1 } { p = $0 == "_sc_seed" } END { exit !f }' ||
    bad "--seed 42: not in the checkpoint"
# bad input: a GTF that cannot be read fails with a message, no checkpoint left
tsc-sc assign --quiet --outdir e "$I/sc_se.bam" /nonexistent.gtf 2> err; rc=$?
[ $rc -eq 1 ] && grep -q 'tsc-sc' err || bad "missing GTF: rc $rc, $(cat err)"
[ ! -e e/stellarscope-checkpoint.load_alignment.tsc ] || bad "missing GTF: a checkpoint was left"
exit $fail
