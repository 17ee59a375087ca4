#!/usr/bin/env bash
# Fails when ikrar's code can reach a known vulnerability, in a dependency or
# in the Go standard library of the toolchain it is built with.
#
# vuln.go.dev cannot be reached from here, so the database is the
# golang.org/x/vulndb module from the Go module proxy (checked against
# sum.golang.org like any module), indexed with that module's own
# cmd/indexdb into a local database that govulncheck reads with -db file://.
# Versions are pinned so that CI answers the same today and tomorrow; to move
# to a newer database, see docs/SECURITY.md "Kerentanan yang diketahui".
#
# Everything built or indexed is cached outside the repository, keyed by
# version, so a second run only scans. Exit status: govulncheck's (0 nothing
# reachable, 3 a reachable vulnerability, other on error).
set -euo pipefail
cd "$(dirname "$0")/.."

# The database as of 2026-11-05 23:49:57 UTC (the pseudo-version's time; the
# OSV files in the module carry no modification time of their own).
VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018
GOVULNCHECK_VERSION=v1.9.0

# The standard library scanned is the one of the go command govulncheck
# calls: the toolchain go.mod names, unless GOTOOLCHAIN says otherwise.
export GOTOOLCHAIN="${GOTOOLCHAIN:-go$(awk '$1 == "go" { print $2; exit }' go.mod)}"

cache="${IKRAR_VULN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ikrar-govulncheck}"
bin="$cache/bin/govulncheck-$GOVULNCHECK_VERSION"
indexdb="$cache/bin/indexdb-$VULNDB_VERSION"
db="$cache/db/$VULNDB_VERSION"
mkdir -p "$cache/bin" "$cache/db"
# Each binary and the index are built here and renamed into place only when
# complete, so an interrupted run leaves nothing a later run would trust.
work="$(mktemp -d "$cache/.work.XXXXXX")"
trap 'rm -rf "$work"' EXIT

install_tool() { # package@version destination
	GOBIN="$work/bin" go install "$1"
	mv "$work/bin/$(basename "${1%@*}")" "$2"
}
[ -x "$bin" ] || install_tool "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK_VERSION" "$bin"

if [ ! -s "$db/index/db.json" ]; then
	[ -x "$indexdb" ] || install_tool "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" "$indexdb"
	# Outside this module, so that go.sum is left alone.
	src="$(cd "$work" && go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
	if [ ! -d "$src/data/osv" ]; then
		echo "govulncheck.sh: no data/osv in golang.org/x/vulndb@$VULNDB_VERSION ($src)" >&2
		exit 1
	fi
	"$indexdb" -vulns "$src/data/osv" -out "$work/db"
	rm -rf "$db"
	mv "$work/db" "$db"
fi
rm -rf "$work"
trap - EXIT

echo "govulncheck $GOVULNCHECK_VERSION, golang.org/x/vulndb@$VULNDB_VERSION ($(find "$db/ID" -name "*.json" | wc -l) reports), $(go env GOVERSION)"
exec "$bin" -db "file://$db" ./...
