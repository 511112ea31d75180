# common.sh -- sourced by tests/faults/*.test.sh: small and big inputs for every tool, made at
# run time in $TMPD/in, and one table of how each tool is run.  Part of tsc. MIT licence.
#
# Tools not built yet are skipped, and so are checks that cannot run here; a test that skipped
# anything (or met a KNOWN failure) and failed nothing exits 77, which tests/run.sh counts as a
# skip and names, never as a pass.
# Every test here needs: a tool never exits 0 when it could not do its job, never dies from a
# signal other than SIGPIPE (see pipe.test.sh), and says what went wrong in one line that names
# the tool and the file ("tsc-X: error: ...").
set -u
IN=$TMPD/in
mkdir -p "$IN"
fail=0; nrun=0; nskip=0; nknown=0; skipped=""
TOOLS="view regions fetch matrix blocks em report merge"
# KNOWN: check names (shell patterns, one a line) that fail for a reason already reported to
# the tool's owner: they print "KNOWN FAILURE" and do not fail the test; once such a check
# passes, the test fails until its line is removed (so the list never goes stale).
KNOWN=$(sed -n 's/^known[ 	]*//p' "$(dirname "$0")/KNOWN" 2>/dev/null)
is_known() { printf '%s\n' "$KNOWN" | while IFS= read -r _k; do [ -n "$_k" ] && case "$1" in $_k) echo y; break ;; esac; done; }
ko() {
    if [ -n "$(is_known "${cur:-}")" ]; then echo "KNOWN FAILURE: $*"; nknown=$((nknown + 1)); return; fi
    echo "FAIL: $*"; fail=1
}
have() { [ -x "$TSC_BIN/tsc-$1" ]; }
# skip_note WHAT [WHY]: WHAT was not checked
skip_note() { nskip=$((nskip + 1)); skipped="$skipped, $1 (${2:-not built})"; echo "skip $1: ${2:-not built}"; }
finish() {
    echo "$nrun checks run, $nskip skipped, $nknown known failures"
    [ $fail -ne 0 ] && exit 1
    if [ $((nskip + nknown)) -gt 0 ]; then
        echo "SKIP: ${nknown} known failures; skipped: ${skipped#, }"; exit 77
    fi
    exit 0
}
# AS_USER COMMAND: COMMAND runs as an unprivileged user (nobody) when we are root (root reads any
# file, so a file's permissions are tested that way); as ourselves otherwise
AS_USER=""
[ "$(id -u)" = 0 ] && AS_USER="setpriv --reuid=65534 --regid=65534 --clear-groups --"
as_user() { $AS_USER "$@"; }
# can_unreadable TOOL FILE...: can as_user run TOOL on FILE... (every other input readable)?
can_unreadable() {
    _t=$1; shift
    as_user sh -c 'test -x "$1"' sh "$TSC_BIN/tsc-$_t" 2>/dev/null || return 1
    for _f in "$@"; do as_user sh -c 'test -r "$1"' sh "$_f" 2>/dev/null || return 1; done
}
top=$(cd ../.. && pwd)

# ---- inputs
# small: the tool tests' own text files, made into streams; big: made by awk, large enough
# (about 1 MB of output) that a closed pipe downstream is always hit.
mk_small() {
    tsc-view -b "$top/tests/matrix/tiny.hits.txt" -o "$IN/small.hits.bin" &&
    tsc-view -b "$top/tests/view/matrix.txt" -o "$IN/small.mtx.bin" &&
    tsc-view -b "$top/tests/view/blocks.txt" -o "$IN/small.blocks.bin" &&
    tsc-view -b "$top/tests/view/fit.txt" -o "$IN/small.fit.bin" &&
    cp "$top/tests/view/matrix.txt" "$IN/small.mtx.txt" &&
    cp "$TSC_DATA/golden/synth-input/synth.gtf" "$IN/small.gtf" &&
    cp "$TSC_DATA/golden/synth-input/synth.sam" "$IN/small.sam" &&
    printf 'chrA\t1000\t2000\tTE1\t0\t+\nchrA\t3000\t4000\tTE2\t0\t-\nchrB\t1000\t2500\tTE3\t0\t+\n' > "$IN/small.bed" &&
    printf 'transcript\tcount\nTE1\t5\n__no_feature\t2\nTE2\t1\n' > "$IN/small-TE_counts.tsv" &&
    printf 'transcript\tcount\nTE2\t3\nTE3\t1\n' > "$IN/small2-TE_counts.tsv" ||
    { echo "cannot make the small inputs"; exit 1; }
    if [ -f "$top/tests/report/odd.fit.txt" ]; then tsc-view -b "$top/tests/report/odd.fit.txt" -o "$IN/small.fit.bin"; fi
}

mk_big() {
    N=${1:-40000}
    # HITS: N fragments over 1000 loci, each mapped to 2 loci and to no feature
    awk -v n=$N 'BEGIN { printf "#tsc-stream\tversion=1\tkind=HITS\n";
        for (k = 0; k < 1000; k++) printf "@feature\tHERV_%d\t%d\n", k, 1000 + k;
        printf "@info\tversion\t1\n=HREC\tu8\t%d\n", n;
        for (i = 0; i < n; i++) printf "%d\t*\t%d,%d,100\t%d,%d,100\t-1,%d,100\n", i, i % 1000, 200 - i % 7, (i * 7 + 1) % 1000, 190 - i % 5, 150;
        printf "=RUNI\tstr\t4\ntotal_fragments\n%d\n_min_as\n100\n=END\n", n }' > "$IN/big.hits.txt" &&
    tsc-view -b "$IN/big.hits.txt" -o "$IN/big.hits.bin" &&
    # MATRIX: N rows, K = 1001 columns, 2 cells a row
    awk -v n=$N 'BEGIN { k = 1001; printf "#tsc-stream\tversion=1\tkind=MATRIX\n@feature\t__no_feature\t0\n";
        for (j = 1; j < k; j++) printf "@feature\tHERV_%d\t%d\n", j, 1000 + j;
        printf "@info\ttotal_fragments\t%d\n=SHAP\ti64\t2\n%d\n%d\n=INDP\ti64\t%d\n", n, n, k, n + 1;
        for (i = 0; i <= n; i++) print 2 * i;
        printf "=INDX\ti32\t%d\n", 2 * n; for (i = 0; i < n; i++) { print 0; print 1 + i % (k - 1) }
        printf "=SCOR\tu32\t%d\n", 2 * n; for (i = 0; i < n; i++) { print 150; print 200 + i % 13 }
        printf "=END\n" }' > "$IN/big.mtx.txt" &&
    tsc-view -b "$IN/big.mtx.txt" -o "$IN/big.mtx.bin" &&
    # FIT: the same matrix with a fit, and 40000 annotated loci (for tsc-report --all-loci -)
    awk -v n=$N 'BEGIN { k = 1001; printf "#tsc-stream\tversion=1\tkind=FIT\n@feature\t__no_feature\t0\n";
        for (j = 1; j < k; j++) printf "@feature\tHERV_%d\t%d\n", j, 1000 + j;
        printf "@info\tversion\t1\n@info\tannotated_features\t%d\n@info\ttotal_fragments\t%d\n@info\t_em_iterations\t3\n", n, n;
        printf "=SHAP\ti64\t2\n%d\n%d\n=INDP\ti64\t%d\n", n, k, n + 1;
        for (i = 0; i <= n; i++) print 2 * i;
        printf "=INDX\ti32\t%d\n", 2 * n; for (i = 0; i < n; i++) { print 0; print 1 + i % (k - 1) }
        printf "=SCOR\tu32\t%d\n", 2 * n; for (i = 0; i < n; i++) { print 150; print 200 + i % 13 }
        printf "=ALOC\tstr\t%d\n", n; for (i = 0; i < n; i++) printf "HERV_%d\n", i;
        printf "=ALEN\ti64\t%d\n", n; for (i = 0; i < n; i++) print 1000 + i;
        split("PI__ THET PIIN THIN", s, " ");
        for (t = 1; t <= 4; t++) { printf "=%s\tf64\t%d\n", s[t], k; for (j = 0; j < k; j++) print 1 / k }
        printf "=ZFIN\tf64\t%d\n", 2 * n; for (i = 0; i < 2 * n; i++) print 0.5;
        printf "=LNL_\tf64\t1\n-12.5\n=END\n" }' > "$IN/big.fit.txt" &&
    tsc-view -b "$IN/big.fit.txt" -o "$IN/big.fit.bin" &&
    # GTF: N one-exon loci;  BED, SAM: N loci and N reads on one chromosome;  counts: N loci
    awk -v n=$N 'BEGIN { for (i = 0; i < n; i++)
        printf "chr1\ttest\texon\t%d\t%d\t.\t+\t.\tgene_id \"G%d\"; locus \"HERV_%d\";\n", 1 + 1000 * i, 500 + 1000 * i, i, i }' > "$IN/big.gtf" &&
    awk -v n=$N 'BEGIN { for (i = 0; i < n; i++) printf "chr1\t%d\t%d\tHERV_%d\t0\t+\n", 1000 * i, 500 + 1000 * i, i }' > "$IN/big.bed" &&
    awk -v n=$N 'BEGIN { printf "@HD\tVN:1.6\tSO:unsorted\n@SQ\tSN:chr1\tLN:%d\n", 1000 * n + 1000;
        s = "ACGTACGTAC"; q = "IIIIIIIIII"; for (j = 0; j < 2; j++) { s = s s s; q = q q q }   # 90 bases
        s = substr(s, 1, 50); q = substr(q, 1, 50);
        for (i = 0; i < n; i++) printf "r%d\t0\tchr1\t%d\t60\t50M\t*\t0\t0\t%s\t%s\tAS:i:%d\n", i, 101 + 1000 * i, s, q, 90 + i % 10 }' > "$IN/big.sam" &&
    awk -v n=$N 'BEGIN { print "transcript\tcount"; for (i = 0; i < n; i++) printf "HERV_%d\t%d\n", i, 1 + i % 50 }' > "$IN/big-TE_counts.tsv" &&
    awk -v n=$N 'BEGIN { print "transcript\tcount"; for (i = 0; i < n; i += 2) printf "HERV_%d\t%d\n", i, 2 + i % 30 }' > "$IN/big2-TE_counts.tsv" ||
    { echo "cannot make the big inputs"; exit 1; }
    if have blocks; then tsc-blocks "$IN/big.mtx.bin" > "$IN/big.blocks.bin" || { echo "tsc-blocks failed on big.mtx.bin"; exit 1; }; fi
}

# cmd TOOL SIZE: a command line that reads SIZE's input and writes to stdout
cmd() {
    case $1 in
    view) echo "tsc-view $IN/$2.mtx.bin" ;;
    view-b) echo "tsc-view -b $IN/$2.mtx.txt" ;;
    regions) echo "tsc-regions $IN/$2.gtf" ;;
    fetch) echo "tsc-fetch $IN/$2.bed $IN/$2.sam" ;;
    matrix) echo "tsc-matrix $IN/$2.hits.bin" ;;
    blocks) echo "tsc-blocks $IN/$2.mtx.bin" ;;
    em) echo "tsc-em $IN/$2.mtx.bin" ;;
    report) mkdir -p "$TMPD/rep-$2"; echo "tsc-report -o $TMPD/rep-$2/x -a - $IN/$2.fit.bin" ;;
    merge) echo "tsc-merge $IN/$2-TE_counts.tsv $IN/${2}2-TE_counts.tsv" ;;
    esac
}
# ocmd TOOL SIZE FILE: the same, writing its (main) output to FILE with -o
ocmd() {
    case $1 in
    report) echo "tsc-report -o $3 $IN/$2.fit.bin" ;;
    *) echo "$(cmd "$1" "$2") -o $3" ;;
    esac
}
# is the tool's main output a stream (a partial one is then visibly truncated)?
makes_stream() { case $1 in view-b|fetch|matrix|blocks|em) return 0 ;; *) return 1 ;; esac; }

# run_check NAME WANT_RC MSG_RE COMMAND: run COMMAND (sh -c), capture stderr in $TMPD/c.err
run_check() {
    cur=$1; _want=$2; _re=$3; shift 3
    nrun=$((nrun + 1))
    _run_check "$@"; _r=$?
    if [ $_r -eq 0 ] && [ -n "$(is_known "$cur")" ]; then
        echo "FAIL: '$cur' passes now: remove it from tests/faults/KNOWN"; fail=1
    fi
    cur=""
    return $_r
}
_run_check() {
    sh -c "$*" > "$TMPD/c.out" 2> "$TMPD/c.err" < /dev/null
    rc=$?
    if [ "$rc" != "$_want" ]; then ko "$cur: exit $rc, expected $_want ($*): $(head -3 "$TMPD/c.err")"; return 1; fi
    if [ -n "$_re" ] && ! grep -Eq -- "$_re" "$TMPD/c.err"; then ko "$cur: stderr lacks /$_re/ ($*): $(head -3 "$TMPD/c.err")"; return 1; fi
    if grep -Eq 'Sanitizer|runtime error' "$TMPD/c.err"; then ko "$cur: sanitizer report ($*)"; return 1; fi
    return 0
}
