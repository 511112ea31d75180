#!/bin/sh
# The EXAMPLES of man/tsc-simulate.1 run (the "$ " lines between .EX and .EE, as tests/man does),
# at least 5 of them, and print what tests/man/tsc-simulate.1.out holds (a fixed seed: the same
# data set, flagstat figures, counts beside the truth and idxstats on every run).
set -e
man=$(cd ../.. && pwd)/man/tsc-simulate.1
test "$(grep -c '^\$ ' "$man")" -ge 5
sh ../man/run-examples.sh "$man" "$TMPD/ex" > "$TMPD/ex.out" || { tail -5 "$TMPD/ex.err"; exit 1; }
if ! cmp -s "$TMPD/ex.out" ../man/tsc-simulate.1.out; then
    echo "output differs from tests/man/tsc-simulate.1.out:"; diff ../man/tsc-simulate.1.out "$TMPD/ex.out" | head; exit 1
fi
echo ok
