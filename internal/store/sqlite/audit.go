package sqlite

import (
	"context"
	"fmt"
)

// StoredHashTable describes the log_hashes table as it is, for the auditor:
// a log of n leaves has exactly tlog.StoredHashCount(n) rows at indexes 0 to
// that count minus one, so more rows mean the log's tail was cut off, and
// fewer or a gap mean hashes were deleted.
type StoredHashTable struct {
	Count    int64
	Min, Max int64 // -1 when the table is empty
}

// StoredHashes describes the stored-hash table.
func (db *DB) StoredHashes(ctx context.Context) (StoredHashTable, error) {
	t := StoredHashTable{Min: -1, Max: -1}
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MIN(idx), -1), COALESCE(MAX(idx), -1) FROM log_hashes`).
		Scan(&t.Count, &t.Min, &t.Max)
	if err != nil {
		return t, fmt.Errorf("describe stored hashes: %w", err)
	}
	return t, nil
}
