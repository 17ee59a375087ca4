package postgres_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ikrar-id/ikrar/internal/store/pgtest"
	"github.com/ikrar-id/ikrar/internal/store/postgres"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/store/storetest"
)

// BenchmarkSigning compares the two stores' signing throughput in one
// run. The pgtest cluster runs with fsync off; for figures comparable with
// SQLite's (which fsyncs each batch) point IKRAR_TEST_POSTGRES at a server
// with fsync and synchronous_commit on (docs/PERFORMANCE.md):
//
//	go test -run '^$' -bench Signing -benchtime 20000x ./internal/store/postgres/
func BenchmarkSigning(b *testing.B) {
	ctx := context.Background()
	b.Run("store=sqlite", func(b *testing.B) {
		db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "ikrar.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		storetest.BenchmarkSigning(b, db)
	})
	b.Run("store=postgres", func(b *testing.B) {
		db, err := postgres.Open(ctx, pgtest.URL(b))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		storetest.BenchmarkSigning(b, db)
	})
}
