#!/bin/sh
# The EXAMPLES of man/tsc-simulate.1 run (each line, in a scratch folder).
set -e
man=$(cd ../.. && pwd)/man/tsc-simulate.1
cd "$TMPD"
sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$man" | sed -n '/^\.nf/,/^\.fi/p' | grep -v '^\.' > examples.sh
test -s examples.sh
cat examples.sh
while IFS= read -r cmd; do
    sh -c "$cmd" > /dev/null || { echo "failed: $cmd"; exit 1; }
done < examples.sh
echo ok
