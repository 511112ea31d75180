#!/bin/bash
# bench.sh -- speed and accuracy of tsc side by side with samtools and featureCounts (`make bench`).
# Part of tsc (Telescope in C). MIT licence.
#
# Environment:
#   TSC_BIN         the tools (default: bin/ of this tree); a tool that is not there is "missing"
#   BENCH_FRAGS     fragments of the simulated data set [5000000]
#   BENCH_LOCI      TE loci [2000]
#   BENCH_SEED      tsc-simulate seed [1]
#   BENCH_THREADS   N: threads for every tool (samtools -@N, featureCounts -T N, tsc -t N) [2];
#                   tsc-fetch is also timed with -t 1 beside samtools view -c without -@
#   BENCH_ACCURACY  0 to skip the accuracy table [1]
#   BENCH_REPEAT    runs of each timed command; the fastest is shown [1]
#   BENCH_DIR       where data, scratch files and history go [bench/ of this tree]
#   BENCH_EXTRA     folder searched for bench-*.sh [scripts/ of this tree]
#   BENCH_SKIP      bench-*.sh scripts not run [bench-fetch.sh: it makes its own 2M-fragment data
#                   set (minutes) to time what the table above already times]
#   BENCH_EXTRA_TIMEOUT  seconds each bench-*.sh may run [900]
# The data set (tsc-simulate --nh: name-collated BAM, coordinate-sorted BAM + BAI, GTF, truth) is
# made once and cached under bench/data; the run's scratch files go to bench/run; every run's
# figures are appended to bench/history.tsv with a timestamp and `git describe`.
# Timing: /usr/bin/time around each command (bash -c, so pipelines count whole): wall and CPU
# (user + system) seconds, peak RSS of the largest process, BAM records per wall second, and the
# wall-time ratio to `samtools view -c -@N` on the same file.
# Other stages may add scripts/bench-*.sh: each is run with BENCH_* and TSC_BIN in its environment
# (BENCH_BAM, BENCH_SORTED_BAM, BENCH_BED, BENCH_GTF, BENCH_SAF, BENCH_TRUTH, BENCH_RECORDS,
# BENCH_WORK, BENCH_THREADS) and prints TSV lines "name<TAB>..." that are shown and kept.
set -u -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
TSC_BIN=${TSC_BIN:-$top/bin}
FRAGS=${BENCH_FRAGS:-5000000}
LOCI=${BENCH_LOCI:-2000}
SEED=${BENCH_SEED:-1}
N=${BENCH_THREADS:-2}
ACC=${BENCH_ACCURACY:-1}
REPEAT=${BENCH_REPEAT:-1}
bdir=${BENCH_DIR:-$top/bench}
data=$bdir/data
work=$bdir/run
hist=$bdir/history.tsv
TIME=/usr/bin/time
export LC_ALL=C

die() { echo "bench: error: $*" >&2; exit 1; }
[ -x "$TIME" ] || die "$TIME not found (install the 'time' package)"
command -v samtools > /dev/null || die "samtools not found"
[ -x "$TSC_BIN/tsc-simulate" ] || die "$TSC_BIN/tsc-simulate not found (run make)"
have() { [ -x "$TSC_BIN/$1" ]; }
tsc() { echo "$TSC_BIN/$1"; }
mkdir -p "$data" || die "cannot create $data"
rm -rf "$work" && mkdir -p "$work" || die "cannot create $work"
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
describe=$(git -C "$top" describe --always --dirty --tags 2>/dev/null || echo unknown)

# ---- data (cached) ----
name=sim-n$FRAGS-L$LOCI-s$SEED
D=$data/$name
simopt=(--seed "$SEED" -n "$FRAGS" -L "$LOCI" --nh -t "$N")
want="$("$TSC_BIN/tsc-simulate" --version | sed -n 's/.*(\(data model [0-9]*\)).*/\1/p') ${simopt[*]:0:7}"
gen_note="cached"
if [ "$(cat "$D.stamp" 2> /dev/null)" != "$want" ] || [ ! -s "$D.bam" ] || [ ! -s "$D.sorted.bam.bai" ]; then
    rm -f "$D".*
    echo "bench: making $FRAGS fragments, $LOCI loci (once; cached in $data) ..." >&2
    $TIME -f '%e %U %S %M' -o "$work/gen1.time" "$TSC_BIN/tsc-simulate" "${simopt[@]}" -o "$D" || die "tsc-simulate failed"
    $TIME -f '%e %U %S %M' -o "$work/gen2.time" "$TSC_BIN/tsc-simulate" "${simopt[@]}" --sorted -o "$D.sorted" || die "tsc-simulate --sorted failed"
    rm -f "$D.sorted.gtf" "$D.sorted.truth.tsv"
    echo "$want" > "$D.stamp"
    gen_note="made: collated $(awk '{printf "%.1f s wall, %.1f s CPU", $1, $2 + $3}' "$work/gen1.time"), sorted $(awk '{printf "%.1f s wall, %.1f s CPU", $1, $2 + $3}' "$work/gen2.time")"
fi
BAM=$D.bam SBAM=$D.sorted.bam GTF=$D.gtf TRUTH=$D.truth.tsv
SAF=$work/loci.saf BED=$work/loci.bed
awk -F'\t' 'BEGIN { OFS = "\t"; print "GeneID", "Chr", "Start", "End", "Strand" }
    $3 == "exon" { split($9, a, "locus \""); split(a[2], b, "\""); print b[1], $1, $4, $5, $7 }' "$GTF" > "$SAF"
bed_note=""
if have tsc-regions && "$(tsc tsc-regions)" "$GTF" > "$BED" 2> "$work/regions.err"; then :; else
    # fallback: the exon rows of each locus merged where they overlap or touch, as BED6
    awk -F'\t' 'BEGIN { OFS = "\t" }
        $3 == "exon" { split($9, a, "locus \""); split(a[2], b, "\""); l = b[1]; s = $4 - 1; e = $5
            if (l == cl && $1 == cc && s <= ce) { if (e > ce) ce = e; next }
            if (cl != "") print cc, cs, ce, cl, 0, st
            cl = l; cc = $1; cs = s; ce = e; st = $7 }
        END { if (cl != "") print cc, cs, ce, cl, 0, st }' "$GTF" > "$BED"
    bed_note=" (loci BED made with awk: tsc-regions missing or failed)"
fi
cat "$BAM" "$SBAM" > /dev/null # warm the page cache
RECS=$(samtools view -c -@"$N" "$BAM") || die "samtools cannot read $BAM"
size_mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.0f", b / 1048576 }'; }
echo
echo "tsc bench  $stamp  $describe  threads N=$N"
echo "data: $name: $FRAGS fragments, $RECS records, $(size_mb "$BAM") MB collated, $(size_mb "$SBAM") MB sorted; $gen_note$bed_note"

# ---- timing ----
[ -s "$hist" ] || printf 'date\tdescribe\tfragments\tthreads\tcase\twall_s\tcpu_s\trss_mb\trecords_per_s\tvs_samtools\tnote\n' > "$hist"
declare -A WALL
printf '\n%-34s %9s %9s %9s %12s %12s  %s\n' case wall_s cpu_s rss_MB records/s vs_samtools note
row() { # NAME WALL CPU RSS RATIO NOTE
    local rps="-"
    [ "$2" != "-" ] && [ "${1#tsc-em}" = "$1" ] && rps=$(awk -v r="$RECS" -v w="$2" 'BEGIN { if (w > 0) printf "%.3gM", r / w / 1e6; else print "-" }')
    printf '%-34s %9s %9s %9s %12s %12s  %s\n' "$1" "$2" "$3" "$4" "$rps" "$5" "$6"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$stamp" "$describe" "$FRAGS" "$N" "$1" "$2" "$3" "$4" \
        "$(awk -v r="$RECS" -v w="$2" 'BEGIN { if (w == "-" || w <= 0) print "-"; else printf "%.0f", r / w }')" "$5" "$6" >> "$hist"
}
# bench NAME BASIS "TOOLS" CMD: run CMD (bash) unless a tsc tool of TOOLS is missing
bench() {
    local name=$1 basis=$2 tools=$3 cmd=$4 t miss=""
    for t in $tools; do have "$t" || miss="$miss $t"; done
    if [ -n "$miss" ]; then row "$name" - - - - "missing:$miss"; return 1; fi
    local f=$work/$(echo "$name" | tr -c 'A-Za-z0-9_-' '_') i w u s m w1 u1 s1 m1
    for ((i = 0; i < REPEAT; i++)); do
        local t0=$EPOCHREALTIME t1
        if ! $TIME -f '%e %U %S %M' -o "$f.time" bash -c "$cmd" > "$f.out" 2> "$f.err"; then
            row "$name" - - - - "failed: $(grep -v '^Command exited' "$f.err" | head -1 | cut -c1-80)"
            return 1
        fi
        t1=$EPOCHREALTIME
        read -r w1 u1 s1 m1 < <(tail -1 "$f.time")
        w1=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') # finer than time's %e
        if [ $i = 0 ] || awk -v a="$w1" -v b="$w" 'BEGIN { exit !(a < b) }'; then w=$w1 u=$u1 s=$s1 m=$m1; fi
    done
    local cpu rss ratio="-"
    cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
    rss=$(awk -v m="$m" 'BEGIN { printf "%.1f", m / 1024 }')
    WALL[$name]=$w
    [ -n "$basis" ] && [ -n "${WALL[$basis]:-}" ] && ratio=$(awk -v a="$w" -v b="${WALL[$basis]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
    row "$name" "$w" "$cpu" "$rss" "$ratio" ""
    return 0
}
fcp="-p"
fchelp=$(featureCounts 2>&1 || true)
case "$fchelp" in *--countReadPairs*) fcp="-p --countReadPairs" ;; esac
FLOOR="samtools view -c (collated)"
SFLOOR="samtools view -c (sorted)"
bench "$FLOOR" "$FLOOR" "" "samtools view -c -@$N '$BAM'"
bench "$SFLOOR" "$SFLOOR" "" "samtools view -c -@$N '$SBAM'"
if command -v featureCounts > /dev/null; then
    bench "featureCounts -M --fraction" "$FLOOR" "" \
        "featureCounts -M --fraction $fcp -T $N -F SAF -a '$SAF' -o '$work/fc-fraction.txt' '$BAM'"
else
    row "featureCounts -M --fraction" - - - - "missing: featureCounts (Debian package subread)"
fi
F=$(tsc tsc-fetch) M=$(tsc tsc-matrix) B=$(tsc tsc-blocks) E=$(tsc tsc-em) R=$(tsc tsc-report) G=$(tsc tsc-regions)
bench "tsc-fetch exact (collated)" "$FLOOR" "tsc-fetch" "'$F' -t $N '$BED' '$BAM' > /dev/null"
bench "tsc-fetch exact (sorted)" "$SFLOOR" "tsc-fetch" "'$F' -t $N '$BED' '$SBAM' > /dev/null"
bench "tsc-fetch --prefilter (sorted)" "$SFLOOR" "tsc-fetch" "'$F' --prefilter -t $N '$BED' '$SBAM' > /dev/null"
# one thread each: tsc-fetch -t 1 against samtools view -c without -@
FLOOR1="samtools view -c -t1 (collated)"
SFLOOR1="samtools view -c -t1 (sorted)"
bench "$FLOOR1" "$FLOOR1" "" "samtools view -c '$BAM'"
bench "tsc-fetch exact -t 1 (collated)" "$FLOOR1" "tsc-fetch" "'$F' -t 1 '$BED' '$BAM' > /dev/null"
bench "$SFLOOR1" "$SFLOOR1" "" "samtools view -c '$SBAM'"
bench "tsc-fetch exact -t 1 (sorted)" "$SFLOOR1" "tsc-fetch" "'$F' -t 1 '$BED' '$SBAM' > /dev/null"
# the whole job as users run it (GTF to counts, report and QC), against samtools view -c with the
# same threads: -t N beside -@N, -t 1 beside no -@
A=$(tsc tsc-assign)
ATOOLS="tsc-assign tsc-regions tsc-fetch tsc-matrix tsc-em tsc-report"
bench "tsc-assign -t $N (collated)" "$FLOOR" "$ATOOLS" "'$A' --ncpu $N --outdir '$work/assign' '$BAM' '$GTF' 2> /dev/null"
bench "tsc-assign -t $N (sorted)" "$SFLOOR" "$ATOOLS" "'$A' --ncpu $N --outdir '$work/assign' '$SBAM' '$GTF' 2> /dev/null"
bench "tsc-assign -t 1 (collated)" "$FLOOR1" "$ATOOLS" "'$A' --ncpu 1 --outdir '$work/assign' '$BAM' '$GTF' 2> /dev/null"
bench "tsc-assign -t 1 (sorted)" "$SFLOOR1" "$ATOOLS" "'$A' --ncpu 1 --outdir '$work/assign' '$SBAM' '$GTF' 2> /dev/null"
mkdir -p "$work/pipe"
bench "whole pipe (collated)" "$FLOOR" "tsc-regions tsc-fetch tsc-matrix tsc-blocks tsc-em tsc-report" \
    "'$G' '$GTF' > '$work/pipe/loci.bed' && '$F' -t $N '$work/pipe/loci.bed' '$BAM' | '$M' | '$B' | '$E' -t $N | '$R' -o '$work/pipe/sample'"
# tsc-em alone, on a saved stream (BLOCKS, or MATRIX when tsc-blocks is missing)
stream=""
if have tsc-fetch && have tsc-matrix; then
    if have tsc-blocks; then
        "$F" -t "$N" "$BED" "$BAM" 2> "$work/prep.err" | "$M" 2>> "$work/prep.err" | "$B" > "$work/saved.stream" 2>> "$work/prep.err" && stream=$work/saved.stream
    else
        "$F" -t "$N" "$BED" "$BAM" 2> "$work/prep.err" | "$M" > "$work/saved.stream" 2>> "$work/prep.err" && stream=$work/saved.stream
    fi
fi
if [ -n "$stream" ]; then
    bench "tsc-em alone" "" "tsc-em" "'$E' -t $N < '$stream' > '$work/saved.fit'" || rm -f "$work/saved.fit"
elif have tsc-em; then
    row "tsc-em alone" - - - - "no input: tsc-fetch | tsc-matrix failed or missing"
else
    row "tsc-em alone" - - - - "missing: tsc-em"
fi

# ---- other stages' scripts ----
others=$(ls "${BENCH_EXTRA:-$top/scripts}"/bench-*.sh 2> /dev/null)
if [ -n "$others" ]; then
    echo
    echo "other stages (scripts/bench-*.sh):"
    for s in $others; do
        case " ${BENCH_SKIP-bench-fetch.sh} " in *" $(basename "$s") "*)
            echo "$(basename "$s")	skipped (BENCH_SKIP)"; continue ;;
        esac
        mkdir -p "$work/$(basename "$s" .sh)"
        if ! TSC_BIN=$TSC_BIN BENCH_BAM=$BAM BENCH_SORTED_BAM=$SBAM BENCH_BED=$BED BENCH_GTF=$GTF BENCH_SAF=$SAF \
            BENCH_TRUTH=$TRUTH BENCH_RECORDS=$RECS BENCH_THREADS=$N BENCH_WORK=$work/$(basename "$s" .sh) \
            timeout "${BENCH_EXTRA_TIMEOUT:-900}" bash "$s" > "$work/$(basename "$s" .sh).out" 2> "$work/$(basename "$s" .sh).err"; then
            rc=$?
            if [ $rc = 124 ]; then echo "$(basename "$s")	timed out after ${BENCH_EXTRA_TIMEOUT:-900} s (BENCH_EXTRA_TIMEOUT)"
            else echo "$(basename "$s")	failed (exit $rc): $(head -1 "$work/$(basename "$s" .sh).err" | cut -c1-80)"; fi
        fi
        grep '	' "$work/$(basename "$s" .sh).out" | while IFS= read -r l; do
            echo "$l"
            printf '%s\t%s\t%s\t%s\t%s\n' "$stamp" "$describe" "$FRAGS" "$N" "$l" >> "$hist"
        done
    done
fi

# ---- accuracy ----
if [ "$ACC" != 0 ]; then
    echo
    echo "accuracy against the truth ($TRUTH; detected = count >= 1):"
    S="python3 $top/scripts/score.py"
    $S --help > /dev/null 2>&1 || die "scripts/score.py does not run"
    hdr=1
    score() { # NAME COUNTS
        $S --name "$1" "$2" "$TRUTH" > "$work/score.tsv" || return 1
        [ $hdr = 1 ] && hdr=0 && sed -n 1p "$work/score.tsv" | awk -F'\t' '{ printf "%-28s", $1; for (i = 2; i <= NF; i++) printf " %10s", $i; printf "\n" }'
        sed -n 2p "$work/score.tsv" | awk -F'\t' '{ printf "%-28s", $1; for (i = 2; i <= NF; i++) printf " %10s", $i; printf "\n" }'
        awk -F'\t' -v d="$stamp" -v g="$describe" -v f="$FRAGS" -v n="$N" 'NR == 1 { for (i = 2; i <= NF; i++) k[i] = $i; next }
            { s = ""; for (i = 2; i <= NF; i++) s = s (i > 2 ? ";" : "") k[i] "=" $i
              print d "\t" g "\t" f "\t" n "\taccuracy: " $1 "\t-\t-\t-\t-\t-\t" s }' "$work/score.tsv" >> "$hist"
    }
    if [ -s "$work/saved.fit" ] && have tsc-report; then
        for m in exclude average conf unique choose; do
            mkdir -p "$work/acc-$m"
            if "$R" --reassign-mode "$m" -o "$work/acc-$m/sample" < "$work/saved.fit" > /dev/null 2> "$work/acc-$m.err"; then
                c=$(ls "$work/acc-$m"/*TE_counts.tsv 2> /dev/null | head -1)
                if [ -n "$c" ]; then score "tsc $m" "$c"; else echo "tsc $m: no TE_counts.tsv written"; fi
            else
                echo "tsc $m: tsc-report failed: $(head -1 "$work/acc-$m.err")"
            fi
        done
    else
        echo "tsc modes: missing (needs tsc-fetch, tsc-matrix, tsc-em, tsc-report)"
    fi
    if command -v featureCounts > /dev/null; then
        [ -s "$work/fc-fraction.txt" ] && score "featureCounts -M --fraction" "$work/fc-fraction.txt"
        if [ ! -s "$work/acc-unique/sample-TE_counts.tsv" ]; then # else tsc unique is the unique-only baseline
            featureCounts $fcp -T "$N" -F SAF -a "$SAF" -o "$work/fc-unique.txt" "$BAM" > /dev/null 2>&1 &&
                score "featureCounts unique-only" "$work/fc-unique.txt"
        fi
        featureCounts -M --primary $fcp -T "$N" -F SAF -a "$SAF" -o "$work/fc-primary.txt" "$BAM" > /dev/null 2>&1 &&
            score "featureCounts best-hit" "$work/fc-primary.txt"
    fi
fi
echo
echo "figures appended to $hist; scratch files in $work"
