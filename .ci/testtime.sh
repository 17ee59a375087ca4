#!/bin/bash
# testtime.sh measures issue 15 item 7's target in one run: the CPU and wall
# time of the tests that existed when the issue was filed, on the tree of
# that day (commit c3b473c, the last before Trust I) and on this tree,
# interleaved, ROUNDS times (default 2). The shared machine's load moves
# absolute times from one run to the next; the ratio within a run is the
# figure to compare (docs/PERFORMANCE.md). CI does not run it.
#
#   GOTOOLCHAIN=go1.27.3 bash .ci/testtime.sh
set -euo pipefail
rounds=${ROUNDS:-2}
base=${BASE:-c3b473c}
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/filing"
git -C "$root" archive "$base" | tar -x -C "$tmp/filing"

# The filing's test names; of those, the ones this tree still has (issue 15
# deleted the go-qrcode and JSON-scanner comparisons with their code), and
# the packages that hold them.
testnames() { grep -rhoE '^func (Test[A-Za-z0-9_]+)\(' --include='*_test.go' "$1" | sed -E 's/^func (Test[A-Za-z0-9_]+)\(/\1/' | sort -u; }
testnames "$tmp/filing" > "$tmp/filing-names"
testnames "$root" > "$tmp/today-names"
comm -12 "$tmp/filing-names" "$tmp/today-names" > "$tmp/kept"
regex="^($(paste -sd'|' "$tmp/kept"))\$"
pkgs=$(cd "$root" && grep -rlE "^func ($(paste -sd'|' "$tmp/kept"))\(" --include='*_test.go' . | xargs -n1 dirname | sort -u | tr '\n' ' ')
echo "$(wc -l < "$tmp/filing-names") test names at $base; $(wc -l < "$tmp/kept") of them in this tree, in: $pkgs"

# Compile and link both first: the target counts running, not compiling.
(cd "$tmp/filing" && go test -count=1 -run XXX ./... > /dev/null)
(cd "$root" && go test -count=1 -run XXX $pkgs > /dev/null)

for r in $(seq "$rounds"); do
	echo "round $r, load $(cut -d' ' -f1-3 /proc/loadavg)"
	(cd "$tmp/filing" && /usr/bin/time -f "  $base, all its tests:     %U s user + %S s system, %e s wall" go test -count=1 ./... > "$tmp/out-filing" 2>&1) || true
	grep -E '^(FAIL|--- FAIL)' "$tmp/out-filing" | sed 's/^/    /' || true
	tail -1 "$tmp/out-filing"
	(cd "$root" && /usr/bin/time -f "  this tree, the same tests: %U s user + %S s system, %e s wall" go test -count=1 -run "$regex" $pkgs > "$tmp/out-today" 2>&1) || true
	grep -E '^(FAIL|--- FAIL)' "$tmp/out-today" | sed 's/^/    /' || true
	tail -1 "$tmp/out-today"
done
