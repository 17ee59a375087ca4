package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// stmts holds the reader pool's prepared statements by query text. modernc
// parses a statement's SQL on every call otherwise, which was half the time
// of a certificate look-up; the hot reads prepare once per connection.
type stmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// queryRow runs a hot single-row read through a prepared statement.
func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	db.prepared.mu.Lock()
	st, ok := db.prepared.m[query]
	if !ok {
		var err error
		if st, err = db.read.PrepareContext(ctx, query); err != nil {
			db.prepared.mu.Unlock()
			return db.read.QueryRowContext(ctx, query, args...)
		}
		db.prepared.m[query] = st
	}
	db.prepared.mu.Unlock()
	return st.QueryRowContext(ctx, args...)
}

func (s *stmts) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.m {
		st.Close()
	}
	s.m = map[string]*sql.Stmt{}
}
