// Command ikrar is the registry of ASN neutrality declarations: one binary
// that serves the web UI and API, manages users and tokens, imports rosters,
// backs up, and verifies certificates and the log offline.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	var ex exitError
	if errors.As(err, &ex) {
		if ex.msg != "" {
			fmt.Fprintln(os.Stderr, "ikrar:", ex.msg)
		}
		os.Exit(ex.code)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ikrar:", err)
		os.Exit(1)
	}
}

// exitError asks main to exit with a specific code.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

const usage = `ikrar — registri Ikrar Netralitas ASN

Usage:
  ikrar serve [--addr :8080] [--data ./data] [--base-url URL] [--rate-limit on|off] [--demo]
  ikrar demo [--data ./data] [--addr A]     seed a demo regency, roster and open event, then serve; on
                                             127.0.0.1:8080 (this computer only) unless --addr is given
  ikrar migrate --data DIR                   create or upgrade the database (only serve also migrates)
  ikrar migrate --status --data DIR          print the database's and this ikrar's schema versions and
                                             the pending migrations; change nothing
  ikrar migrate-store --from DIR --to URL    copy DIR/ikrar.db into an empty PostgreSQL database, every row as
                                             it was, and audit the copy (stop the server first)
  ikrar version                              print the release, VCS revision, schema and Go version
  ikrar user add --data DIR --email E --name N --role superadmin|admin|operator|viewer [--org ID]
                                             (password read from standard input)
  ikrar token create --data DIR --email E [--name N] [--days 90]
                                             print a new API token (expires after --days)
  ikrar token list --data DIR --email E      list a user's API tokens
  ikrar token revoke --data DIR --email E --id ID   end one API token
  ikrar import --data DIR --org ID FILE [--skip-invalid]
  ikrar backup --data DIR FILE               write one archive (tar.gz) of the database, keys/, secret.key
                                             and origin, with a manifest; never over an existing FILE
  ikrar restore FILE --data DIR              unpack a backup into an empty DIR, check every hash, audit it
  ikrar verify FILE.pdf --key KEYFILE [--revocations FILE] [--online URL [--state DIR | --no-state]]
  ikrar verify --qr TEXT --key KEYFILE [--revocations FILE] [--online URL [--state DIR | --no-state]]
                                             check a certificate with the published verifier keys (KEYFILE:
                                             GET /api/v1/log/key, or ikrar key list on the server); online,
                                             against the checkpoints seen before (default: user cache dir)
  ikrar audit --data DIR [--key KEYFILE]     check every record against the transparency log (read-only)
  ikrar audit --remote URL --state DIR [--key KEYFILE]
  ikrar audit --remote URL --since CHECKPOINT_FILE [--key KEYFILE] [--update]
                                             check a running registry's log only grew since what DIR
                                             remembers (or the one checkpoint kept in the file)
  ikrar erase-expired --data DIR             erase the personal data of the records of events past their
                                             retention date (the log stays valid); print what remains
  ikrar monitor URL --state DIR --key KEYFILE [--tolerance 10m]
                                             walk every new entry through the public tiles; report rollbacks, forks and records that break a rule
  ikrar healthcheck [URL]                    exit 0 when the server's /readyz answers 200 (default: IKRAR_ADDR on 127.0.0.1)
  ikrar key rotate --data DIR [--export-old FILE] [--days 730]
                                             new signing key; cross-signs the current checkpoint, removes the old private key
  ikrar key list --data DIR [--windows]      print the verifier keys (with validity windows)
  ikrar key export --data DIR FILE           write the current private key to FILE
  ikrar key origin --data DIR ORIGIN         rename a log that has no leaf yet

PostgreSQL: serve, migrate, user, token, import, audit --data, erase-expired and key take
  --database postgres://USER@HOST/DB (IKRAR_DATABASE, or IKRAR_DATABASE_FILE naming a file that holds
  it) to keep the registry there instead of DIR/ikrar.db. keys/, secret.key and origin stay in --data
  DIR: the same files on every instance. audit --data DIR --database URL rebuilds every leaf from its
  rows and checks the tree, checkpoints, personal data, pledge texts and paper scans; backup and restore are SQLite's (PostgreSQL: pg_dump).
`

// run is the whole program, callable from tests.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError{code: 2}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr, getenv)
	case "demo":
		return cmdServe(ctx, append([]string{"--demo"}, rest...), stdout, stderr, getenv)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout, stderr, getenv)
	case "migrate-store":
		return cmdMigrateStore(ctx, rest, stdout, stderr, getenv)
	case "user":
		if len(rest) > 0 && rest[0] == "add" {
			return cmdUserAdd(ctx, rest[1:], stdin, stdout, stderr, getenv)
		}
	case "token":
		if len(rest) > 0 {
			switch rest[0] {
			case "create":
				return cmdTokenCreate(ctx, rest[1:], stdout, stderr, getenv)
			case "list":
				return cmdTokenList(ctx, rest[1:], stdout, stderr, getenv)
			case "revoke":
				return cmdTokenRevoke(ctx, rest[1:], stdout, stderr, getenv)
			}
		}
	case "import":
		return cmdImport(ctx, rest, stdout, stderr, getenv)
	case "backup":
		return cmdBackup(ctx, rest, stdout, stderr, getenv)
	case "restore":
		return cmdRestore(ctx, rest, stdout, stderr, getenv)
	case "verify":
		return cmdVerify(ctx, rest, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, rest, stdout, stderr, getenv)
	case "erase-expired":
		return cmdEraseExpired(ctx, rest, stdout, stderr, getenv)
	case "monitor":
		return cmdMonitor(ctx, rest, stdout, stderr)
	case "healthcheck":
		return cmdHealthcheck(ctx, rest, stdout, stderr, getenv)
	case "key":
		return cmdKey(ctx, rest, stdout, stderr, getenv)
	case "version", "--version":
		return cmdVersion(rest, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return exitError{code: 2, msg: fmt.Sprintf("unknown command %q", cmd)}
}
