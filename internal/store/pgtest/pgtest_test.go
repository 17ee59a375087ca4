package pgtest_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/store/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// Each test gets a database of its own: what one writes, another does
// not see.
func TestFreshDatabases(t *testing.T) {
	ctx := context.Background()
	a, b := pgtest.URL(t), pgtest.URL(t)
	if a == b {
		t.Fatalf("two databases share the URL %s", a)
	}
	connA, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer connA.Close(ctx)
	if _, err := connA.Exec(ctx, `CREATE TABLE t (x int); INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	connB, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer connB.Close(ctx)
	var n int
	if err := connB.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE tablename = 't'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the second database sees %d tables named t (%v), want none", n, err)
	}
}

// A database made from a template holds what the template's preparation
// wrote; the template is prepared once.
func TestURLFrom(t *testing.T) {
	ctx := context.Background()
	prepared := 0
	prepare := func(ctx context.Context, url string) error {
		prepared++
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, `CREATE TABLE t (x int); INSERT INTO t VALUES (7)`)
		return err
	}
	for range 2 {
		conn, err := pgx.Connect(ctx, pgtest.URLFrom(t, "seven", prepare))
		if err != nil {
			t.Fatal(err)
		}
		var x int
		if err := conn.QueryRow(ctx, `SELECT x FROM t`).Scan(&x); err != nil || x != 7 {
			t.Errorf("the copy holds %d, %v; want the template's 7", x, err)
		}
		if _, err := conn.Exec(ctx, `UPDATE t SET x = 8`); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
	}
	if prepared != 1 {
		t.Errorf("the template was prepared %d times, want once", prepared)
	}
}
