package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

// app is what every subcommand opens: the data directory, the database and
// the service.
type app struct {
	dir     string
	db      *sqlite.DB
	svc     *registry.Service
	secrets secrets
}

// secrets are the server's symmetric keys, kept in the data directory.
type secrets struct {
	Link     []byte // personal link tokens
	Download []byte // certificate download links
}

func openApp(ctx context.Context, dir string) (*app, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	sec, err := loadSecrets(filepath.Join(dir, "secret.key"))
	if err != nil {
		return nil, err
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
	return &app{dir: dir, db: db, svc: svc, secrets: sec}, nil
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
		if err := os.WriteFile(path, b, 0o600); err != nil {
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
