#!/bin/sh
# bgzf.test.sh -- tsc-fetch's own chunked BAM reader (lib/tsc_fetch_bam.c) against htslib's:
#  1. the same BAM data recompressed into small BGZF blocks (the header's tail and the records
#     share blocks, records span blocks and chunks) gives the stream of the original, at -t 1,
#     2 and 4, collated and coordinate-sorted (indexed);
#  2. a CIGAR of 70000 operations (kept in the CG tag of the BAM record) gives what the SAM gives,
#     collated and coordinate-sorted (indexed);
#  3. a corrupted compressed byte and a wrong block CRC are errors that name the record, at -t 1
#     and -t 2, with no complete-looking stream.
set -eu
S=$TSC_DATA/golden/synth-input
T=$TMPD
fail() { echo "bgzf.test.sh: $*" >&2; exit 1; }
body() { tsc-view "$1" | grep -v '^@prov'; }

# rebgzf IN OUT BLOCK: IN's BGZF data recompressed into blocks of BLOCK uncompressed bytes (and
# the 28-byte EOF block); MODE corrupt: flip a compressed byte of the middle block; crc: a wrong
# CRC there.
rebgzf() {
    python3 - "$1" "$2" "$3" "${4:-}" <<'EOF'
import gzip, struct, sys, zlib
src, dst, bs, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
data = gzip.decompress(open(src, 'rb').read())
blocks = [data[i:i + bs] for i in range(0, len(data), bs)]
out = bytearray()
for k, b in enumerate(blocks):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    cd = bytearray(c.compress(b) + c.flush())
    crc = zlib.crc32(b) & 0xffffffff
    if k == len(blocks) // 2:
        if mode == 'corrupt': cd[len(cd) // 2] ^= 0x55
        if mode == 'crc': crc ^= 1
    out += struct.pack('<4BI2BH2BHH', 31, 139, 8, 4, 0, 0, 255, 6, 66, 67, 2, len(cd) + 25)
    out += cd + struct.pack('<II', crc, len(b))
out += bytes.fromhex('1f8b08040000000000ff0600424302001b0003000000000000000000')
open(dst, 'wb').write(out)
EOF
}

# 1. small blocks: the same stream as the original
samtools view -h "$S/synth.bam" > "$T/synth.sam"
tsc-regions "$TSC_DATA/golden/upstream-data/annotation.gtf" > "$T/up.bed" 2>/dev/null
samtools view -H "$TSC_DATA/golden/upstream-data/alignment.bam" > "$T/big.sam"
for i in 1 2; do
    samtools view "$TSC_DATA/golden/upstream-data/alignment.bam" | awk -v p="r$i." 'BEGIN { OFS = "\t" } { $1 = p $1; print }'
done >> "$T/big.sam"
samtools view -b -o "$T/big.bam" "$T/big.sam"
samtools sort -o "$T/sorted.bam" "$T/big.bam" 2>/dev/null
samtools index "$T/sorted.bam"
for b in 777 20000; do
    rebgzf "$S/synth.bam" "$T/s$b.bam" $b
    rebgzf "$T/big.bam" "$T/b$b.bam" $b
    rebgzf "$T/sorted.bam" "$T/o$b.bam" $b
    samtools index "$T/o$b.bam"
    tsc-fetch -n syn.bed "$S/synth.bam" > "$T/ref.hits"
    tsc-fetch -n "$T/up.bed" "$T/big.bam" > "$T/bref.hits"
    tsc-fetch -n "$T/up.bed" "$T/sorted.bam" > "$T/oref.hits"
    for t in 1 2 4; do
        tsc-fetch -n -t $t syn.bed "$T/s$b.bam" > "$T/s.hits"
        [ "$(body "$T/s.hits")" = "$(body "$T/ref.hits")" ] || fail "synth, blocks of $b, -t $t: differs"
        tsc-fetch -n -t $t "$T/up.bed" "$T/b$b.bam" > "$T/b.hits"
        [ "$(body "$T/b.hits")" = "$(body "$T/bref.hits")" ] || fail "bundled x2, blocks of $b, -t $t: differs"
        tsc-fetch -n -t $t "$T/up.bed" "$T/o$b.bam" > "$T/o.hits"
        [ "$(body "$T/o.hits")" = "$(body "$T/oref.hits")" ] ||
            fail "sorted bundled x2, blocks of $b, -t $t: differs"
    done
done
[ "$(tsc-view "$T/b.hits" | grep -c '^[0-9]')" -gt 1000 ] || fail "too few records in the bundled data"

# 2. a CIGAR too long for the BAM field (CG tag)
{
    printf '@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:chrA\tLN:200000\n'
    awk 'BEGIN { s = ""; for (i = 0; i < 35000; i++) s = s "1M1D";
        printf "long\t0\tchrA\t1101\t1\t%s\t*\t0\t0\t*\t*\tAS:i:-7\n", s;
        printf "short\t0\tchrA\t1151\t1\t50M\t*\t0\t0\t*\t*\tAS:i:0\n" }'
} > "$T/long.sam"
samtools view -b -o "$T/long.bam" "$T/long.sam"
for t in 1 2; do
    tsc-fetch -n -t $t syn.bed "$T/long.bam" > "$T/l.hits"
    tsc-fetch -n -t $t syn.bed "$T/long.sam" > "$T/ls.hits"
    [ "$(body "$T/l.hits")" = "$(body "$T/ls.hits")" ] || fail "CG tag, -t $t: BAM and SAM differ"
done
tsc-view "$T/l.hits" | grep -A1 -x '_min_as' | tail -1 | grep -qx -- -7 || fail "CG tag: the long record is missing"
# the same coordinate-sorted and indexed: the long record is in the loci regions (kept by the
# index pass and taken from there by the second pass)
sed 's/SO:unsorted/SO:coordinate/' "$T/long.sam" | samtools view -b -o "$T/longs.bam" -
samtools index "$T/longs.bam"
for t in 1 2; do
    tsc-fetch -n -t $t syn.bed "$T/longs.bam" > "$T/l.hits"
    [ "$(tsc-view "$T/l.hits" | awk -f hits2raw.awk | grep -v map_idx)" = "$(tsc-view "$T/ls.hits" | awk -f hits2raw.awk)" ] ||
        fail "CG tag, sorted BAM, -t $t: differs from the SAM"
done

# 3. corrupted data
for m in corrupt crc; do
    rebgzf "$T/big.bam" "$T/c.bam" 20000 $m
    for t in 1 2; do
        if tsc-fetch -t $t "$T/up.bed" "$T/c.bam" > "$T/c.hits" 2> "$T/err"; then fail "$m, -t $t: accepted"; fi
        grep -q 'tsc-fetch: error: .*c.bam: truncated or corrupted input after record [0-9]' "$T/err" ||
            { cat "$T/err" >&2; fail "$m, -t $t: wrong message"; }
        if tsc-view "$T/c.hits" > /dev/null 2>&1; then fail "$m, -t $t: the stream looks complete"; fi
    done
done
exit 0
