package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ikrar-id/ikrar/internal/store/postgres"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

const usageMigrateStore = "usage: ikrar migrate-store --from DIR --to postgres://USER@HOST/DB"

// cmdMigrateStore moves the registry in DIR/ikrar.db into an empty
// PostgreSQL database, every row as it was (same IDs, leaves, hashes and
// bytes, so every certificate, link and proof stays valid), then audits
// the copy through the store. The data directory keeps the keys,
// secret.key and origin that serve --data DIR --database URL uses next;
// ikrar.db is left as it was, the copy's source and a fallback.
func cmdMigrateStore(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("migrate-store", flag.ContinueOnError)
	from := fs.String("from", "", "data directory whose ikrar.db is copied (stop its server first)")
	to := fs.String("to", "", "postgres:// URL of an empty PostgreSQL database (created with createdb)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 0 || *from == "" || *to == "" {
		return exitError{code: 2, msg: usageMigrateStore}
	}
	file := filepath.Join(*from, "ikrar.db")
	if _, err := os.Stat(file); err != nil {
		return exitError{code: 2, msg: fmt.Sprintf("no ikrar database in %s: %v", *from, err)}
	}
	// The copy is of a database at this ikrar's schema: an older one is
	// migrated first, as serve would.
	lite, err := sqlite.Open(ctx, file)
	if err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("%s: %v", *from, err)}
	}
	if err := lite.Close(); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, *to)
	if err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("%s: %v", storeName(*from, *to), err)}
	}
	err = db.CopyFromSQLite(ctx, file)
	db.Close()
	if err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("copy %s into %s: %v (nothing was copied)", file, storeName(*from, *to), err)}
	}
	fmt.Fprintf(stdout, "disalin / copied: %s → %s\n", file, storeName(*from, *to))
	if err := auditStore(ctx, *from, *to, "", stdout, progressFor(stderr, getenv)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "next: ikrar serve --data %s --database URL (the same keys/, secret.key and origin on every instance)\n", *from)
	return nil
}
