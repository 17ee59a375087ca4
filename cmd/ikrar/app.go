package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ikrar-id/ikrar/internal/private"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// app is what every subcommand opens: the data directory, the database and
// the service.
type app struct {
	dir     string
	db      *sqlite.DB
	svc     *registry.Service
	secrets secrets
	keys    *translog.Keyring
}

// secrets are the server's symmetric keys, kept in the data directory.
type secrets struct {
	Link     []byte // personal link tokens
	Download []byte // certificate download links
}

// openApp opens the data directory. origin names the transparency log the
// first time; afterwards the origin recorded in the data directory wins,
// because every key and checkpoint carries it.
func openApp(ctx context.Context, dir, origin string) (*app, error) {
	if err := private.MkdirAll(dir); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	// Everything in the data directory is the server's alone, including
	// what an older version or a volume created with a wider mode.
	if err := private.Tighten(dir); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	sec, err := loadSecrets(filepath.Join(dir, "secret.key"))
	if err != nil {
		return nil, err
	}
	origin, err = logOrigin(filepath.Join(dir, "origin"), origin)
	if err != nil {
		return nil, err
	}
	keys, err := translog.LoadOrCreateKeyring(filepath.Join(dir, "keys"), origin)
	if err != nil {
		return nil, fmt.Errorf("load log keys: %w", err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "ikrar.db"))
	if err != nil {
		return nil, err
	}
	svc := registry.NewService(db, sec.Link)
	if err := seedPledge(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return &app{dir: dir, db: db, svc: svc, secrets: sec, keys: keys}, nil
}

// logOrigin reads the log's origin from path, or records origin there on
// first use.
func logOrigin(path, origin string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if !os.IsNotExist(err) {
		return "", err
	}
	if origin == "" {
		origin = "localhost/ikrar"
	}
	if err := os.WriteFile(path, []byte(origin+"\n"), private.FileMode); err != nil {
		return "", fmt.Errorf("record log origin: %w", err)
	}
	return origin, nil
}

func (a *app) Close() error { return a.db.Close() }

// loadSecrets reads the 64-byte secret file, creating it (mode 0600) on
// first start.
func loadSecrets(path string) (secrets, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		b = make([]byte, 64)
		if _, err := rand.Read(b); err != nil {
			return secrets{}, err
		}
		if err := os.WriteFile(path, b, private.FileMode); err != nil {
			return secrets{}, fmt.Errorf("write %s: %w", path, err)
		}
	} else if err != nil {
		return secrets{}, fmt.Errorf("read %s: %w", path, err)
	}
	if len(b) != 64 {
		return secrets{}, fmt.Errorf("%s: want 64 bytes, found %d", path, len(b))
	}
	return secrets{Link: b[:32], Download: b[32:]}, nil
}

// seedPledge stores the default four-point pledge as version 1.
func seedPledge(ctx context.Context, db *sqlite.DB) error {
	if _, err := db.Pledge(ctx, 1); err == nil {
		return nil
	} else if !registry.IsCode(err, registry.ENOTFOUND) {
		return err
	}
	p := registry.DefaultPledge()
	if err := p.Validate(); err != nil {
		return err
	}
	if err := db.CreatePledge(ctx, &p); err != nil && !registry.IsCode(err, registry.ECONFLICT) {
		return fmt.Errorf("seed default pledge: %w", err)
	}
	return nil
}
