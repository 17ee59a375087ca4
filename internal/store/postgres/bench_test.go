package postgres_test

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/store/pgtest"
	"github.com/ikrar-id/ikrar/internal/store/postgres"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/store/storetest"
	"github.com/jackc/pgx/v5/pgconn"
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
	// Instances on other machines than PostgreSQL's: every round trip
	// under the log's lock holds every instance's signings up.
	b.Run("store=postgres/delay=150µs", func(b *testing.B) {
		db, err := postgres.Open(ctx, delayed(b, pgtest.URL(b), 150*time.Microsecond))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		storetest.BenchmarkSigning(b, db)
	})
}

// delayed returns a URL of the database at url through a proxy on a
// loopback port that holds every chunk of bytes, either way, for d before
// passing it on: a network between the instance and PostgreSQL, a round
// trip costing 2d more.
func delayed(b *testing.B, url string, d time.Duration) string {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		b.Fatal(err)
	}
	network, addr := "tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
	if strings.HasPrefix(cfg.Host, "/") {
		network, addr = "unix", filepath.Join(cfg.Host, fmt.Sprintf(".s.PGSQL.%d", cfg.Port))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ln.Close() })
	pass := func(dst, src net.Conn) {
		defer dst.Close()
		buf := make([]byte, 64<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				time.Sleep(d)
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial(network, addr)
			if err != nil {
				c.Close()
				continue
			}
			go pass(s, c)
			go pass(c, s)
		}
	}()
	return fmt.Sprintf("postgres://%s@%s/%s?sslmode=disable", cfg.User, ln.Addr(), cfg.Database)
}
