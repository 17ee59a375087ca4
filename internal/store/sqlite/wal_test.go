package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"
)

// A long outside reader pins the WAL, which grows past SQLite's automatic
// checkpoints; while it reads the upkeep cannot truncate and does not hold
// the writer long; once it ends the upkeep loop checkpoints and truncates
// the WAL file, and signing carries on.
func TestWALTruncatedAfterLongReader(t *testing.T) {
	const n = 600
	f := mustFixture(t, n)
	ctx := context.Background()

	outside, err := sql.Open("sqlite", "file:"+f.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer outside.Close()
	rtx, err := outside.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var count int
	if err := rtx.QueryRowContext(ctx, `SELECT COUNT(*) FROM signatures`).Scan(&count); err != nil {
		t.Fatal(err)
	}
	for i := range n - 1 {
		if err := f.db.InsertSignature(ctx, newSig(f, i, fmt.Sprintf("W%011d", i))); err != nil {
			t.Fatal(err)
		}
	}
	grown, err := f.db.WALSize()
	if err != nil {
		t.Fatal(err)
	}
	const several = 4 << 20
	if grown < several {
		t.Fatalf("WAL %d bytes under a long reader, want over %d: the test grew too little", grown, several)
	}

	pinned, err := f.db.CheckpointWAL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pinned.Truncated || pinned.After < grown {
		t.Fatalf("checkpoint under a reader: %+v; the reader's frames must stay", pinned)
	}
	if pinned.Held > time.Second {
		t.Errorf("a checkpoint waiting for a reader held the writer %v", pinned.Held)
	}
	t.Logf("WAL %d MB under the reader; a try held the writer %v", grown>>20, pinned.Held)

	if err := rtx.Rollback(); err != nil {
		t.Fatal(err)
	}
	mctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		f.db.MaintainWAL(mctx, 20*time.Millisecond, 1<<20, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	defer func() { stop(); <-done }()
	const bound = 1 << 20
	deadline := time.Now().Add(10 * time.Second)
	for {
		size, err := f.db.WALSize()
		if err != nil {
			t.Fatal(err)
		}
		if size < bound {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("WAL still %d bytes 10 s after the reader ended", size)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := f.db.InsertSignature(ctx, newSig(f, n-1, "W99999999999")); err != nil {
		t.Fatalf("signing after the WAL was truncated: %v", err)
	}
	mustAuditLog(t, f, n)
}

// BenchmarkWALTruncatePause measures the pause a truncating checkpoint of
// a WAL grown behind a long reader costs signings: the time the writer
// connection is held (docs/PERFORMANCE.md, "Disk and WAL").
//
//	go test -run '^$' -bench WALTruncatePause -benchtime 5x ./internal/store/sqlite/
func BenchmarkWALTruncatePause(b *testing.B) {
	const n = 600
	ctx := context.Background()
	var held time.Duration
	var size int64
	for b.Loop() {
		b.StopTimer()
		f := mustFixture(b, n)
		outside, err := sql.Open("sqlite", "file:"+f.path)
		if err != nil {
			b.Fatal(err)
		}
		rtx, err := outside.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rtx.ExecContext(ctx, `SELECT COUNT(*) FROM signatures`); err != nil {
			b.Fatal(err)
		}
		for i := range n {
			if err := f.db.InsertSignature(ctx, newSig(f, i, fmt.Sprintf("P%011d", i))); err != nil {
				b.Fatal(err)
			}
		}
		rtx.Rollback()
		outside.Close()
		b.StartTimer()
		c, err := f.db.CheckpointWAL(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if !c.Truncated || c.After != 0 {
			b.Fatalf("checkpoint after the reader ended: %+v, want the WAL truncated to 0", c)
		}
		held += c.Held
		size += c.Before
	}
	b.ReportMetric(float64(held.Milliseconds())/float64(b.N), "ms-held/op")
	b.ReportMetric(float64(size)/float64(b.N)/(1<<20), "MB-wal/op")
}
