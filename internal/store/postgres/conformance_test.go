package postgres_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/pgtest"
	"github.com/ikrar-id/ikrar/internal/store/postgres"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/store/storetest"
	"github.com/ikrar-id/ikrar/internal/translog"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// migratedURL is a new database at the current schema: a copy of one
// this process migrated once.
func migratedURL(t *testing.T) string {
	t.Helper()
	return pgtest.URLFrom(t, "migrated", func(ctx context.Context, url string) error {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			return err
		}
		return db.Close()
	})
}

func mustOpen(t *testing.T) *postgres.DB {
	t.Helper()
	return openAt(t, migratedURL(t))
}

// openAt opens an instance of the store on the database at url, closed
// when t ends.
func openAt(t *testing.T, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// The store suite both stores pass (internal/store/storetest).
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return mustOpen(t) })
}

// Several instances on one database (issue 16: several writers, one log).
func TestInstances(t *testing.T) {
	storetest.RunInstances(t, func(t *testing.T, n int) []storetest.Store {
		url := migratedURL(t)
		out := make([]storetest.Store, n)
		for i := range out {
			db, err := postgres.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			out[i] = db
		}
		return out
	})
}

// The PostgreSQL store is a whole registry store, and a checkpointer's.
var (
	_ registry.Store            = (*postgres.DB)(nil)
	_ translog.CheckpointStore  = (*postgres.DB)(nil)
	_ translog.CheckpointLister = (*postgres.DB)(nil)
)

// A write probe commits while a signing batch elsewhere holds the log's
// lock: /readyz does not queue behind signings.
func TestProbeWriteBesideSignings(t *testing.T) {
	ctx := context.Background()
	url := migratedURL(t)
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	other, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	tx, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT size FROM log_state WHERE id = 1 FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	// The deadline only keeps a probe that waits for the lock from
	// hanging the test: it would wait until the rollback.
	pctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := db.ProbeWrite(pctx); err != nil {
		t.Fatalf("probe while the log is locked: %v", err)
	}
	if !db.LastCommit().IsZero() {
		t.Errorf("last commit %v before any signing", db.LastCommit())
	}
}

// One instance at a time leads a job (signing checkpoints, the
// schedule); another job is led apart; the lead passes on when it is
// released or its instance closes. (An instance that dies loses its
// connection, and the server frees the lock the same way.)
func TestLead(t *testing.T) {
	ctx := context.Background()
	url := migratedURL(t)
	a, b := openAt(t, url), openAt(t, url)
	release, ok, err := a.Lead(ctx, "checkpoints")
	if err != nil || !ok {
		t.Fatalf("the first instance: lead %v, %v", ok, err)
	}
	if _, ok, err := b.Lead(ctx, "checkpoints"); err != nil || ok {
		t.Fatalf("a second instance took the lead too (%v)", err)
	}
	if _, ok, err := b.Lead(ctx, "schedule"); err != nil || !ok {
		t.Fatalf("another job is led apart: %v, %v", ok, err)
	}
	release()
	if _, ok, err := b.Lead(ctx, "checkpoints"); err != nil || !ok {
		t.Fatalf("the lead was not passed on after release: %v, %v", ok, err)
	}
	// The leading instance closes without releasing.
	b.Close()
	for _, job := range []string{"checkpoints", "schedule"} {
		if _, ok, err := a.Lead(ctx, job); err != nil || !ok {
			t.Errorf("%s: the lead was not passed on after its instance closed: %v, %v", job, ok, err)
		}
	}
}

// An instance whose connections the server drops mid-burst (as when its
// process is killed) loses only what it had not acknowledged: every
// signing any instance acknowledged is stored, and the log the rows
// recompute is the stored tree, with no gap or fork.
func TestInstanceDroppedMidBurst(t *testing.T) {
	ctx := context.Background()
	base := migratedURL(t)
	open := func(name string) *postgres.DB {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("application_name", name)
		u.RawQuery = q.Encode()
		db, err := postgres.Open(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	doomed, survivor := open("ikrar-doomed"), open("ikrar-survivor")
	admin := mustConn(t, base)
	storetest.RunDropped(t, doomed, survivor, func() {
		if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE application_name = 'ikrar-doomed'`); err != nil {
			t.Error(err)
		}
	})
}

// A registry moved from SQLite to PostgreSQL is the same registry: every
// record, certificate, leaf, checkpoint, user and setting as it was, and
// it goes on (issue 16: migrate-store without breaking a certificate,
// link or proof).
func TestCopyFromSQLite(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "ikrar.db")
	lite, err := sqlite.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	pop := storetest.Populate(t, lite)
	lite.Close()
	pg := mustOpen(t)
	if err := pg.CopyFromSQLite(ctx, file); err != nil {
		t.Fatal(err)
	}
	if err := pg.CopyFromSQLite(ctx, file); err == nil {
		t.Error("a second copy into the same database was accepted")
	}
	lite, err = sqlite.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	storetest.SameRegistry(t, lite, pg, pop)
}

// An erasure on one instance reaches every instance after its commit, by
// code, so that each forgets the certificate it may hold in memory.
func TestErasureHeardByEveryInstance(t *testing.T) {
	ctx := context.Background()
	url := migratedURL(t)
	a, b := openAt(t, url), openAt(t, url)
	heard := make(chan []string, 10)
	b.OnErased(func(codes []string) { heard <- codes })
	pop := storetest.Populate(t, a)
	code := pop.Codes[0]
	sig, err := a.SignatureByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.EraseSignature(ctx, sig.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	select {
	case codes := <-heard:
		if len(codes) != 1 || codes[0] != code {
			t.Errorf("the other instance heard %q erased, want %s", codes, code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the other instance did not hear of the erasure within 10 s")
	}
}
