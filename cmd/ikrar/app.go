package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ikrar-id/ikrar/internal/private"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/postgres"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/translog"
	"github.com/ikrar-id/ikrar/internal/web"
)

// app is what every subcommand opens: the data directory, the database and
// the service.
type app struct {
	dir string
	db  store
	// lite is db on SQLite, nil on PostgreSQL: what only an embedded
	// database file has (its write-ahead log, its size on disk).
	lite    *sqlite.DB
	svc     *registry.Service
	secrets secrets
	keys    *translog.Keyring
}

// store is what ikrar needs of its database, SQLite's or PostgreSQL's:
// the registry's, the log endpoints', the checkpointer's, the witness
// submitter's and the witness's, /readyz's and the metrics'.
type store interface {
	registry.Store
	web.LogStore
	translog.CheckpointStore
	translog.CheckpointLister
	translog.SubmitterStore
	translog.WitnessStore
	web.WriteProber
	Ping(ctx context.Context) error
	Close() error
	// Appended is signalled after the log grows: the checkpointer's cue.
	Appended() <-chan struct{}
	StoredLogSize(ctx context.Context) (int64, error)
	ForgetEmptyLog(ctx context.Context) error
	NewestCheckpoint(ctx context.Context) (size int64, signedAt time.Time, ok bool, err error)
	IssuedCount(ctx context.Context) (int64, error)
}

var (
	_ store = (*sqlite.DB)(nil)
	_ store = (*postgres.DB)(nil)
)

// secrets are the server's symmetric keys, kept in the data directory.
type secrets struct {
	Link     []byte // personal link tokens
	Download []byte // certificate download links
}

// openApp opens the data directory for tests, on SQLite, migrating the
// database to this build's schema, without serving. It never names the
// log: on a fresh directory it creates no keys and no origin, and a.keys
// stays nil until the first serve. origin, if not empty, is a test's way
// to name the log as serve would.
func openApp(ctx context.Context, dir, origin string) (*app, error) {
	return open(ctx, dir, "", origin, "", true)
}

// openCommand opens the registry for every command but serve and migrate:
// the data directory and the database, ikrar.db in it or the PostgreSQL
// one database names. It never migrates (OpenCurrent), so a database of an
// older schema is refused with a message to run `ikrar migrate` and one
// of a newer schema with both versions.
func openCommand(ctx context.Context, dir, database string) (*app, error) {
	return open(ctx, dir, database, "", "", false)
}

// openServe opens the registry to serve at baseURL: on a fresh data
// directory it names the log origin and creates its first key;
// afterwards the origin recorded in the data directory wins, because
// every key and checkpoint carries it.
func openServe(ctx context.Context, dir, database, origin, baseURL string) (*app, error) {
	return open(ctx, dir, database, origin, baseURL, true)
}

// open opens the data directory and the database in it (database "") or
// the PostgreSQL database named, migrating it to this build's schema if
// migrate is set.
func open(ctx context.Context, dir, database, origin, baseURL string, migrate bool) (*app, error) {
	if err := private.MkdirAll(dir); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	// Everything in the data directory is the server's alone, including
	// what an older version or a volume created with a wider mode.
	if err := private.Tighten(dir); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	db, lite, err := openStore(ctx, dir, database, migrate)
	var schemaErr *sqlite.SchemaError
	var outdated *sqlite.OutdatedError
	var pgOutdated *postgres.OutdatedError
	if errors.As(err, &schemaErr) || errors.As(err, &outdated) || errors.As(err, &pgOutdated) {
		return nil, exitError{code: 1, msg: fmt.Sprintf("%s: %v", storeName(dir, database), err)}
	}
	if err != nil {
		return nil, err
	}
	a, err := openData(ctx, dir, db, origin, baseURL)
	if err != nil {
		db.Close()
		return nil, err
	}
	a.lite = lite
	return a, nil
}

// openStore opens ikrar.db in dir or, if database names one, the
// PostgreSQL database; lite is the SQLite one, nil on PostgreSQL.
func openStore(ctx context.Context, dir, database string, migrate bool) (db store, lite *sqlite.DB, err error) {
	if database != "" {
		if migrate {
			return nilStore(postgres.Open(ctx, database))
		}
		return nilStore(postgres.OpenCurrent(ctx, database))
	}
	file := filepath.Join(dir, "ikrar.db")
	if migrate {
		lite, err = sqlite.Open(ctx, file)
	} else {
		lite, err = sqlite.OpenCurrent(ctx, file)
	}
	if err != nil {
		return nil, nil, err
	}
	return lite, lite, nil
}

// nilStore keeps a failed open's nil *postgres.DB from becoming a
// non-nil store.
func nilStore(db *postgres.DB, err error) (store, *sqlite.DB, error) {
	if err != nil {
		return nil, nil, err
	}
	return db, nil, nil
}

// storeName names the database for messages, without a password.
func storeName(dir, database string) string {
	if database == "" {
		return dir
	}
	if u, err := url.Parse(database); err == nil {
		return u.Redacted()
	}
	return "PostgreSQL"
}

func openData(ctx context.Context, dir string, db store, origin, baseURL string) (*app, error) {
	leaves, logged, err := logState(ctx, db)
	if err != nil {
		return nil, err
	}
	secretPath, originPath, keysDir := filepath.Join(dir, "secret.key"), filepath.Join(dir, "origin"), filepath.Join(dir, "keys")
	// A log's keys, secret and origin are never made anew: new ones would
	// silently break every certificate, link and checkpoint issued before.
	if logged {
		var missing []string
		if !exists(secretPath) {
			missing = append(missing, "secret.key")
		}
		if !exists(originPath) {
			missing = append(missing, "origin")
		}
		if !hasKeys(keysDir) {
			missing = append(missing, "keys/")
		}
		if len(missing) > 0 {
			return nil, exitError{code: 1, msg: missingMessage(dir, strings.Join(missing, ", "))}
		}
	}
	sec, err := loadSecrets(secretPath)
	if err != nil {
		return nil, err
	}
	recorded, err := readOrigin(originPath)
	if err != nil {
		return nil, err
	}
	serving := baseURL != "" || origin != ""
	if recorded == "" && serving {
		recorded = origin
	}
	if baseURL != "" {
		if err := checkOrigin(recorded, baseURL, dir, leaves); err != nil {
			return nil, err
		}
	}
	var keys *translog.Keyring
	if recorded != "" {
		if logged {
			keys, err = translog.LoadKeyring(keysDir, recorded)
		} else if serving {
			keys, err = translog.LoadOrCreateKeyring(keysDir, recorded)
		} else if hasKeys(keysDir) {
			keys, err = translog.LoadKeyring(keysDir, recorded)
		}
		if err != nil {
			return nil, fmt.Errorf("load log keys: %w", err)
		}
		if serving && !exists(originPath) {
			if err := os.WriteFile(originPath, []byte(recorded+"\n"), private.FileMode); err != nil {
				return nil, fmt.Errorf("record log origin: %w", err)
			}
		}
	}
	svc := registry.NewService(db, sec.Link)
	if err := seedPledge(ctx, db); err != nil {
		return nil, err
	}
	return &app{dir: dir, db: db, svc: svc, secrets: sec, keys: keys}, nil
}

// logState reports how many leaves the log has and whether it has
// anything at all, a leaf or a checkpoint (the first serve signs one of
// size 0).
func logState(ctx context.Context, db store) (leaves int64, logged bool, err error) {
	leaves, err = db.StoredLogSize(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("read log size: %w", err)
	}
	if leaves > 0 {
		return leaves, true, nil
	}
	_, err = db.LatestCheckpoint(ctx)
	if registry.IsCode(err, registry.ENOTFOUND) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read checkpoints: %w", err)
	}
	return 0, true, nil
}

func missingMessage(dir, missing string) string {
	return fmt.Sprintf("%s berisi log transparansi tetapi %s tidak ada; ikrar tidak membuat kunci atau rahasia baru. "+
		"Pulihkan dari arsip `ikrar backup` terakhir (ikrar restore ARSIP --data DIR-BARU, lalu salin keys/, secret.key, origin), lalu jalankan lagi.\n"+
		"%s holds a transparency log but %s is missing; ikrar will not make new keys or secrets, which would break every certificate, link and checkpoint issued so far. "+
		"Restore them from your latest `ikrar backup` archive (ikrar restore FILE --data NEW-DIR, then copy keys/, secret.key, origin; README, Backup and restore) and start again.",
		dir, missing, dir, missing)
}

// checkOrigin refuses to serve a log named for a local host at a public
// address: its checkpoints and QR claims would name a registry nobody can
// reach.
func checkOrigin(origin, baseURL, dir string, leaves int64) error {
	u, err := url.Parse(baseURL)
	if err != nil {
		return fmt.Errorf("--base-url %q: %w", baseURL, err)
	}
	if !isLocalHost(originHost(origin)) || isLocalHost(u.Host) {
		return nil
	}
	want := u.Host + "/ikrar"
	if leaves > 0 {
		return exitError{code: 1, msg: fmt.Sprintf("log %s diberi nama host lokal dan sudah berisi %d entri; tidak dapat dilayani di %s.\n"+
			"The log is named %q, a local host, and already holds %d leaves, each signed under that name: it cannot be served at %s. "+
			"Serve it at a local --base-url, or start a new data directory for the public registry.",
			origin, leaves, baseURL, origin, leaves, baseURL)}
	}
	return exitError{code: 1, msg: fmt.Sprintf("log %s diberi nama host lokal; log masih kosong, jadi namanya dapat diganti: ikrar key origin --data %s %s\n"+
		"The log is named %q, a local host, but is served at %s. No leaf was logged yet, so it may be renamed: "+
		"run `ikrar key origin --data %s %s` (it replaces the unused keys), then serve again.",
		origin, dir, want, origin, baseURL, dir, want)}
}

// originHost is the host an origin names: its text before the first "/".
func originHost(origin string) string {
	h, _, _ := strings.Cut(origin, "/")
	return h
}

// isLocalHost reports whether host (with or without a port) is this
// machine: localhost, a *.localhost name or a loopback or unspecified
// address.
func isLocalHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}

// readOrigin reads the log's origin, "" if none is recorded yet.
func readOrigin(path string) (string, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read log origin: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// hasKeys reports whether dir holds a signer or verifier key.
func hasKeys(dir string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, "signer-") || strings.HasPrefix(n, "verifier-") {
			return true
		}
	}
	return false
}

// needKeys is a.keys, or a clear error if the log has none yet.
func (a *app) needKeys() (*translog.Keyring, error) {
	if a.keys == nil {
		return nil, exitError{code: 1, msg: fmt.Sprintf("%s belum memiliki log: kunci dibuat saat `ikrar serve --base-url URL` pertama.\n"+
			"%s has no log yet: its keys are made by the first `ikrar serve --base-url URL`, which names the log after that URL.", a.dir, a.dir)}
	}
	return a.keys, nil
}

func (a *app) Close() error { return a.db.Close() }

// fileBytes reports the size of the SQLite database file and its
// write-ahead log for the metrics; nil on PostgreSQL, whose server
// reports its own.
func (a *app) fileBytes() func() (main, wal int64, err error) {
	if a.lite == nil {
		return nil
	}
	return a.lite.FileBytes
}

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
func seedPledge(ctx context.Context, db store) error {
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
