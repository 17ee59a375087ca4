package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ikrar-id/ikrar/internal/config"
	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/roster"
	"github.com/ikrar-id/ikrar/internal/store/postgres"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

func dataFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	def := getenv("IKRAR_DATA")
	if def == "" {
		def = "./data"
	}
	return fs.String("data", def, "data directory (IKRAR_DATA)")
}

// registryFlags are --data and --database: where a command finds the
// registry (the data directory holds the keys, secret.key and origin on
// either store, and ikrar.db unless --database names a PostgreSQL one).
type registryFlags struct {
	dir      *string
	database func() (string, error)
}

func storeFlags(fs *flag.FlagSet, getenv func(string) string) registryFlags {
	return registryFlags{dir: dataFlag(fs, getenv), database: config.DatabaseFlag(fs, getenv)}
}

// url is --database once the flags are parsed: "" for SQLite.
func (f registryFlags) url() (string, error) {
	u, err := f.database()
	if err != nil {
		return "", exitError{code: 2, msg: err.Error()}
	}
	return u, nil
}

// open is openCommand on the registry the flags name.
func (f registryFlags) open(ctx context.Context) (*app, error) {
	u, err := f.url()
	if err != nil {
		return nil, err
	}
	return openCommand(ctx, *f.dir, u)
}

func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2}
	}
	return nil
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	reg := storeFlags(fs, getenv)
	dir := reg.dir
	status := fs.Bool("status", false, "print the database's schema version, this ikrar's and the pending migrations; change nothing")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitError{code: 2, msg: "usage: ikrar migrate [--status] --data DIR [--database URL]"}
	}
	database, err := reg.url()
	if err != nil {
		return err
	}
	if *status {
		return migrateStatus(ctx, *dir, database, stdout)
	}
	a, err := open(ctx, *dir, database, "", "", true)
	if err != nil {
		return err
	}
	known, err := sqlite.KnownSchemaVersion()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "basis data mutakhir / database is up to date: %s (skema / schema %d)\n", storeName(*dir, database), known)
	return a.Close()
}

// migrateStatus prints what `ikrar migrate` would do to dir's database,
// reading it only. A database newer than this ikrar exits 1: nothing here
// may run it.
func migrateStatus(ctx context.Context, dir, database string, stdout io.Writer) error {
	known, err := sqlite.KnownSchemaVersion()
	if err != nil {
		return err
	}
	where := filepath.Join(dir, "ikrar.db")
	var have int
	var pending []string
	if database == "" {
		have, pending, err = sqlite.MigrationStatus(where)
	} else {
		where = storeName(dir, database)
		have, pending, err = postgres.MigrationStatus(ctx, database)
	}
	if err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("%s: %v", storeName(dir, database), err)}
	}
	fmt.Fprintf(stdout, "skema basis data / database schema:      %d (%s)\n", have, where)
	fmt.Fprintf(stdout, "skema ikrar ini / this ikrar's schema:   %d\n", known)
	switch {
	case have > known:
		fmt.Fprintln(stdout, "basis data lebih baru; jalankan ikrar versi yang menulisnya / the database is newer: run the ikrar release that wrote it (docs/UPGRADE.md)")
		return exitError{code: 1, msg: (&sqlite.SchemaError{Have: have, Known: known}).Error()}
	case len(pending) == 0:
		fmt.Fprintln(stdout, "migrasi tertunda / pending migrations:    tidak ada / none")
	default:
		fmt.Fprintf(stdout, "migrasi tertunda / pending migrations:    %d (ikrar backup, lalu / then ikrar migrate)\n", len(pending))
		for _, name := range pending {
			fmt.Fprintln(stdout, "  "+name)
		}
	}
	return nil
}

func cmdUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	reg := storeFlags(fs, getenv)
	email := fs.String("email", "", "email address (login)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "superadmin|admin|operator|viewer")
	org := fs.Int64("org", 0, "organization ID the user is scoped to (not for superadmin)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password from standard input: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	a, err := reg.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	u := &registry.User{Email: *email, Name: *name, Role: registry.Role(*role), OrgID: *org}
	if err := a.svc.CreateUser(ctx, cli, u, password); err != nil {
		return exitError{code: 1, msg: registry.ErrorMessage(err)}
	}
	fmt.Fprintf(stdout, "user %d created: %s (%s)\n", u.ID, u.Email, u.Role)
	return nil
}

// tokenCommand parses the flags of `token NAME` (--data, --email and those
// more adds) and opens the data directory on the user the command is
// about.
func tokenCommand(ctx context.Context, name string, args []string, stderr io.Writer, getenv func(string) string, more func(*flag.FlagSet)) (*app, registry.User, error) {
	fs := flag.NewFlagSet("token "+name, flag.ContinueOnError)
	reg := storeFlags(fs, getenv)
	email := fs.String("email", "", "email of the user whose tokens these are")
	more(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return nil, registry.User{}, err
	}
	a, err := reg.open(ctx)
	if err != nil {
		return nil, registry.User{}, err
	}
	u, err := a.db.UserByEmail(ctx, registry.NormalizeEmail(*email))
	if err != nil {
		a.Close()
		return nil, registry.User{}, exitError{code: 1, msg: "no user with email " + *email}
	}
	return a, u, nil
}

var cli = registry.Actor{User: registry.System, IP: "cli"}

func cmdTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var name string
	var days int
	a, u, err := tokenCommand(ctx, "create", args, stderr, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "what the token is for, shown in the token list")
		fs.IntVar(&days, "days", int(registry.DefaultTokenLifetime/(24*time.Hour)), "days until the token expires (at most 366)")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	token, t, err := a.svc.IssueAPIToken(ctx, cli, u, name, time.Duration(days)*24*time.Hour)
	if err != nil {
		return exitError{code: 1, msg: registry.ErrorMessage(err)}
	}
	fmt.Fprintln(stdout, token)
	fmt.Fprintf(stderr, "token %d %q for %s expires %s\n", t.ID, t.Name, u.Email, t.ExpiresAt.Format(time.RFC3339))
	return nil
}

func cmdTokenList(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	a, u, err := tokenCommand(ctx, "list", args, stderr, getenv, func(*flag.FlagSet) {})
	if err != nil {
		return err
	}
	defer a.Close()
	tokens, err := a.svc.APITokens(ctx, registry.System, u.ID)
	if err != nil {
		return exitError{code: 1, msg: registry.ErrorMessage(err)}
	}
	now := a.svc.Now()
	fmt.Fprintln(stdout, "ID\tCREATED\tEXPIRES\tLAST USED\tSTATUS\tNAME")
	for _, t := range tokens {
		used, status := "-", "active"
		if !t.LastUsedAt.IsZero() {
			used = t.LastUsedAt.Format(time.RFC3339)
		}
		if t.Expired(now) {
			status = "expired"
		}
		fmt.Fprintf(stdout, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.CreatedAt.Format(time.RFC3339), t.ExpiresAt.Format(time.RFC3339), used, status, t.Name)
	}
	return nil
}

func cmdTokenRevoke(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var id int64
	a, u, err := tokenCommand(ctx, "revoke", args, stderr, getenv, func(fs *flag.FlagSet) {
		fs.Int64Var(&id, "id", 0, "ID of the token, as token list prints it")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.svc.RevokeAPIToken(ctx, cli, u.ID, id); err != nil {
		return exitError{code: 1, msg: registry.ErrorMessage(err)}
	}
	fmt.Fprintf(stdout, "token %d of %s revoked\n", id, u.Email)
	return nil
}

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	reg := storeFlags(fs, getenv)
	org := fs.Int64("org", 0, "organization ID")
	skip := fs.Bool("skip-invalid", false, "import the valid rows even if some rows are bad")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return exitError{code: 2, msg: "usage: ikrar import --data DIR --org ID FILE"}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	prog := progressFor(stderr, getenv)
	read := prog.step("impor/import: baca/read")
	res, err := roster.Parse(f, "", fs.Arg(0))
	read.Done()
	if err != nil {
		return exitError{code: 1, msg: registry.ErrorMessage(err)}
	}
	for _, r := range res.Rejected {
		fmt.Fprintf(stderr, "baris %d (%s): %s\n", r.Row, r.NIP, r.Reason)
	}
	if len(res.Rejected) > 0 && !*skip {
		return exitError{code: 1, msg: fmt.Sprintf("%d bad rows; nothing imported (use --skip-invalid to import the valid rows)", len(res.Rejected))}
	}
	a, err := reg.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	for i := range res.Employees {
		if res.Employees[i].NIP == "" {
			res.Employees[i].NIP = nip.RegistryID(*org, res.Employees[i].Name, res.Employees[i].Unit)
		}
		res.Employees[i].UpdatedAt = a.svc.Now()
	}
	report, done := prog.importProgress()
	out, err := a.svc.ImportEmployees(ctx, registry.Actor{User: registry.System, IP: "cli"}, *org, res.Employees, *skip, report)
	done()
	if err != nil {
		return exitError{code: 1, msg: registry.ErrorMessage(err)}
	}
	for _, r := range out.Refused {
		fmt.Fprintf(stderr, "baris %d (%s): %s\n", res.Rows[r.Index], r.NIP, registry.ErrorMessage(r.Reason))
	}
	if !out.Written {
		return exitError{code: 1, msg: fmt.Sprintf("%d bad rows; nothing imported (use --skip-invalid to import the valid rows)", len(out.Refused))}
	}
	fmt.Fprintf(stdout, "%d imported, %d updated, %d rejected\n", out.Imported, out.Updated, len(res.Rejected)+len(out.Refused))
	return nil
}
