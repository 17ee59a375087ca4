#!/bin/sh
# Compares ikrar serve on SQLite and on PostgreSQL (one instance, then
# three sharing the database) in one invocation of ikrar-bench, the setups
# interleaved round by round. PostgreSQL is a throwaway cluster of Debian's
# packages with their defaults (fsync and synchronous_commit on), run as
# the postgres user on a unix socket only, stopped and removed at the end.
# Run as root from the repository; extra arguments go to ikrar-bench, e.g.
#   cmd/ikrar-bench/compare-postgres.sh -duration 10s -json /tmp/compare.json
# See docs/PERFORMANCE.md.
set -eu
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
D=$(mktemp -d /tmp/ikrar-pg.XXXXXX)
B=$(mktemp -d /tmp/ikrar-bin.XXXXXX)
chown postgres "$D"
pg() { runuser -u postgres -- "$PGBIN/$@"; }
trap 'pg pg_ctl -D "$D/data" -m fast -w stop >/dev/null 2>&1; rm -rf "$D" "$B"' EXIT
pg initdb -D "$D/data" -U ikrar -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
pg pg_ctl -D "$D/data" -l "$D/server.log" -w \
	-o "-k $D -c listen_addresses= -c max_connections=300" start >/dev/null

go build -o "$B/ikrar" ./cmd/ikrar
go build -o "$B/ikrar-bench" ./cmd/ikrar-bench
"$B/ikrar-bench" -bin "$B/ikrar" -database "postgres://ikrar@/postgres?host=$D" \
	-compare sqlite,postgres,postgres:3 -rounds 3 \
	-phases sign-ui,sign-api,verify-json "$@"
