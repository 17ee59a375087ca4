package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// cluster is the PostgreSQL server a run's database lives on, when it runs
// on this machine: its postmaster's process id, whose children are the
// backends, the WAL writer and the checkpointer.
type cluster struct{ pid int }

// findCluster asks the server which process serves the connection; its
// parent is the postmaster. It returns nil, and no error, when that process
// is not a postgres process of this machine (a remote server): the run then
// reports ikrar's CPU alone.
func findCluster(ctx context.Context, dbURL string) (*cluster, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	var backend int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		return nil, fmt.Errorf("PostgreSQL backend pid: %w", err)
	}
	st, ok := readProcStat(strconv.Itoa(backend))
	if !ok {
		return nil, nil
	}
	comm, err := os.ReadFile("/proc/" + strconv.Itoa(st.ppid) + "/comm")
	if err != nil || strings.TrimSpace(string(comm)) != "postgres" {
		return nil, nil
	}
	return &cluster{pid: st.ppid}, nil
}

// cpu is the CPU time the cluster has used: the postmaster's own, its
// live children's and that of the children it has reaped, so a backend
// that ends between two readings is still counted. -1 if the postmaster is
// gone.
func (c *cluster) cpu() time.Duration {
	pm, ok := readProcStat(strconv.Itoa(c.pid))
	if !ok {
		return -1
	}
	total := pm.cpu + pm.reaped
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return -1
	}
	for _, e := range entries {
		name := e.Name()
		if name[0] < '1' || name[0] > '9' {
			continue
		}
		if st, ok := readProcStat(name); ok && st.ppid == c.pid {
			total += st.cpu
		}
	}
	return total
}

// freshDatabase creates an empty database called name on the server that
// server (a postgres:// URL of a role that may create databases) names, and
// returns its URL and a function that drops it.
func freshDatabase(ctx context.Context, server, name string) (string, func(), error) {
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("-database: want a postgres:// URL, got %q", server)
	}
	exec := func(ctx context.Context, sql string) error {
		conn, err := pgx.Connect(ctx, server)
		if err != nil {
			return fmt.Errorf("connect to PostgreSQL: %w", err)
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	id := pgx.Identifier{name}.Sanitize()
	if err := exec(ctx, "DROP DATABASE IF EXISTS "+id+" WITH (FORCE)"); err != nil {
		return "", nil, fmt.Errorf("drop database %s: %w", name, err)
	}
	if err := exec(ctx, "CREATE DATABASE "+id); err != nil {
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	drop := func() { exec(context.Background(), "DROP DATABASE IF EXISTS "+id+" WITH (FORCE)") }
	u.Path = "/" + name
	return u.String(), drop, nil
}
