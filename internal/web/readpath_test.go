package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"testing"
	"time"
)

// Look-ups never sign or store a checkpoint: 200 of them, with the log
// grown past the latest checkpoint, leave the stored checkpoints as they
// were; the checkpointer alone signs.
func TestLookupsStoreNoCheckpoint(t *testing.T) {
	// The checkpointer is stopped below: look-ups wait the whole bound.
	f := newSigningFixtureOn(t, newTestApp(t, briefCheckpointWait), siti, andre)
	a := f.a
	old := a.mustSign(t, f.e, siti).Certificate.Code
	a.waitCheckpointed(t)
	a.stopCheckpointer()
	fresh := a.mustSign(t, f.e, andre).Certificate.Code
	ctx := context.Background()
	before, err := a.db.Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		path := []string{"/api/v1/certificates/" + old, "/v/" + old}[i%2]
		if r := a.do(t, "GET", path, "", "", nil); r.Status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
		}
	}
	after, err := a.db.Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("200 look-ups stored %d checkpoints", len(after)-len(before))
	}
	// The latest checkpoint is asked for: after a bounded wait for the
	// checkpointer, the latest signed.
	if r := a.do(t, "GET", "/api/v1/log/checkpoint", "", "", nil); r.Status != http.StatusOK {
		t.Errorf("checkpoint: %d %s", r.Status, r.Body)
	}
	// A record no checkpoint covers yet waits for the checkpointer a
	// bounded moment, then answers rather than signing one itself.
	start := time.Now()
	r := a.do(t, "GET", "/api/v1/certificates/"+fresh, "", "", nil)
	if r.Status != http.StatusOK {
		t.Errorf("look-up of a record no checkpoint covers: %d %s", r.Status, r.Body)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("look-up of an uncovered record took %s", d)
	}
	if after, _ := a.db.Checkpoints(ctx); len(after) != len(before) {
		t.Errorf("the look-up of an uncovered record stored a checkpoint")
	}
}

// With every write failing (an outside process holds the write lock, as
// a full disk fails every write) a look-up of an old certificate still
// answers at once: the read path writes nothing.
func TestLookupWhileWritesFail(t *testing.T) {
	f := newSigningFixture(t, siti, andre)
	a := f.a
	old := a.mustSign(t, f.e, siti).Certificate.Code
	a.waitCheckpointed(t)
	a.stopCheckpointer()
	a.mustSign(t, f.e, andre) // the log grows past the checkpoint
	a.sqliteOnly(t)
	outside, err := sql.Open("sqlite", "file:"+a.path+"?_pragma=busy_timeout(100)")
	if err != nil {
		t.Fatal(err)
	}
	defer outside.Close()
	ctx := context.Background()
	conn, err := outside.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")
	for _, path := range []string{"/api/v1/certificates/" + old, "/v/" + old} {
		start := time.Now()
		if r := a.do(t, "GET", path, "", "", nil); r.Status != http.StatusOK {
			t.Errorf("GET %s while writes fail: %d %s", path, r.Status, r.Body)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("GET %s took %s while writes fail", path, d)
		}
	}
}
