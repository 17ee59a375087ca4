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

// stmt returns the prepared statement of a hot read, preparing it once.
func (db *DB) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	db.prepared.mu.Lock()
	defer db.prepared.mu.Unlock()
	if st, ok := db.prepared.m[query]; ok {
		return st, nil
	}
	st, err := db.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	db.prepared.m[query] = st
	return st, nil
}

// queryRow runs a hot single-row read through a prepared statement.
func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := db.stmt(ctx, query)
	if err != nil {
		return db.read.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// preparedReader runs reads through prepared statements; proofs read
// stored hashes with a handful of distinct queries (one per count of
// hashes), each prepared once.
type preparedReader struct{ db *DB }

func (p preparedReader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.db.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (p preparedReader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.db.queryRow(ctx, query, args...)
}

func (s *stmts) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.m {
		st.Close()
	}
	s.m = map[string]*sql.Stmt{}
}
