#!/bin/sh
# The EXAMPLES of man/tsc-simulate.1 run (the "$ " lines between .EX and .EE, as tests/man does).
set -e
man=$(cd ../.. && pwd)/man/tsc-simulate.1
cd "$TMPD"
awk '/^\.SH /{ex = ($2 == "EXAMPLES")} ex && /^\.EX/{on=1; next} ex && /^\.EE/{on=0} on && /^\$ /{sub(/^\$ /, ""); gsub(/\\-/, "-"); gsub(/\\e/, "\\"); print}' "$man" > examples.sh
test "$(wc -l < examples.sh)" -ge 5
cat examples.sh
printf 'set -e\n' | cat - examples.sh | sh
echo ok
