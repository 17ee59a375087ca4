// Package row reads the rows both stores hold into domain types: the
// column lists they share and the Go that turns what was scanned into a
// registry value (times, revocations, ink). The SQL that selects the rows
// stays in each store, in its own dialect; a store hands the row it
// fetched, a *sql.Row or *sql.Rows of SQLite or a pgx.Row of PostgreSQL,
// as a Scanner.
package row

import "time"

// Scanner is one row to read.
type Scanner interface{ Scan(dest ...any) error }

// Millis is how both stores keep a time: milliseconds since 1970, 0 for
// the zero time.
func Millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// Time reads back what Millis stored, in UTC.
func Time(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
