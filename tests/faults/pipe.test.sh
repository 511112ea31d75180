#!/bin/sh
# A closed pipe downstream (`tsc-X big | head -c 10`), for every tool.
# Decision (as samtools, bwa and the coreutils): SIGPIPE keeps its default action.  A stage whose
# reader went away is killed by SIGPIPE: exit status 141 in the shell (128 + 13), no error on
# stderr (progress lines such as tsc-em's iterations may precede it), and no partial output can be taken for a result, since the reader is gone.  When the
# caller ignores SIGPIPE (a parent that set SIG_IGN, which children inherit), the write fails with
# EPIPE instead: the tool must then exit 1 with one "Broken pipe" message and nothing misleading
# (no "truncated", "corrupted" or "empty input").  Both are tested: the first only when this
# shell did not inherit an ignored SIGPIPE (a shell cannot restore it then), the second always.
. ./common.sh
mk_small
mk_big 40000
sigpipe_ignored() {
    m=$(sed -n 's/^SigIgn:[ \t]*//p' /proc/$$/status 2>/dev/null)
    [ -n "$m" ] && [ $(( 0x$m >> 12 & 1 )) -eq 1 ]
}
if sigpipe_ignored; then echo "note: SIGPIPE is ignored in this shell; only the EPIPE case runs"; fi
for t in $TOOLS view-b; do
    case $t in view-b) have view || continue ;; *) have $t || { skip_note tsc-$t; continue; } ;; esac
    c=$(cmd $t big)
    sh -c "$c" 2> "$TMPD/c.err" | wc -c > "$TMPD/size"
    size=$(cat "$TMPD/size")
    if [ "$size" -lt 200000 ]; then ko "$t: its big output is only $size bytes; a closed pipe may not be hit"; continue; fi
    if ! sigpipe_ignored; then
        nrun=$((nrun + 1)); cur="$t | head (SIGPIPE)"
        { sh -c "exec $c" 2> "$TMPD/c.err"; echo $? > "$TMPD/rc"; } | head -c 10 > /dev/null
        rc=$(cat "$TMPD/rc")
        if [ "$rc" -ne 141 ]; then ko "$t | head: exit $rc, expected 141 (SIGPIPE): $(head -3 "$TMPD/c.err")"
        elif grep -Eiq 'error|warning|truncat|corrupt' "$TMPD/c.err"; then ko "$t | head: killed by SIGPIPE but said: $(head -3 "$TMPD/c.err")"; fi
    fi
    nrun=$((nrun + 1)); cur="$t | head (EPIPE)"
    ( trap '' PIPE; { sh -c "exec $c" 2> "$TMPD/c.err"; echo $? > "$TMPD/rc"; } | head -c 10 > /dev/null )
    rc=$(cat "$TMPD/rc")
    if [ "$rc" -ne 1 ]; then ko "$t | head with SIGPIPE ignored: exit $rc, expected 1: $(head -3 "$TMPD/c.err")"
    elif ! grep -q "^tsc-.*error: .*Broken pipe" "$TMPD/c.err"; then ko "$t | head with SIGPIPE ignored: no 'Broken pipe' message: $(head -3 "$TMPD/c.err")"
    elif grep -Eiq 'truncat|corrupt|empty input' "$TMPD/c.err"; then ko "$t | head with SIGPIPE ignored: misleading message: $(head -3 "$TMPD/c.err")"
    fi
    cur=""
done
finish
