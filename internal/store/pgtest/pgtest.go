// Package pgtest gives a test a fresh, empty PostgreSQL database.
//
// The server is the one IKRAR_TEST_POSTGRES names (a postgres:// URL of a
// role that may create databases) or, without it, a throwaway cluster
// this test process initialises from the PostgreSQL binaries Debian's
// packages install (/usr/lib/postgresql/*/bin), listening on a unix
// socket only, with fsync off: the tests' data does not need to survive
// a crash. The cluster is started once per test process, on first use,
// and each test gets a database of its own, dropped when it ends.
//
// Without either, a test that asks for a database is skipped with a
// message saying how to run it — except in CI (CI=true), where the
// PostgreSQL half of the suite is required and the test fails instead.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the environment variable with the server to use.
const EnvURL = "IKRAR_TEST_POSTGRES"

var (
	once     sync.Once
	admin    string // URL of a database to issue CREATE DATABASE from
	cluster  *localCluster
	setupErr error
	skipWhy  string
)

// URL creates an empty database for t and returns its postgres:// URL;
// the database is dropped when t and its subtests end.
func URL(t testing.TB) string {
	t.Helper()
	return newDatabase(t, "")
}

// URLFrom is URL for a database that starts as a copy of template: a
// database this process makes once, the first time it is asked for,
// with prepare (which must close its connections). Copying a prepared
// schema is quicker than preparing one for each test.
func URLFrom(t testing.TB, template string, prepare func(ctx context.Context, url string) error) string {
	t.Helper()
	ready()(t)
	tpl := templateFor(template)
	tpl.once.Do(func() {
		tpl.name = "ikrar_template_" + randomHex(6)
		if tpl.err = execAdmin(context.Background(), `CREATE DATABASE `+tpl.name); tpl.err != nil {
			return
		}
		tpl.err = prepare(context.Background(), databaseURL(tpl.name))
	})
	if tpl.err != nil {
		t.Fatalf("pgtest: prepare template %s: %v", template, tpl.err)
	}
	return newDatabase(t, tpl.name)
}

// template is a database URLFrom copies.
type template struct {
	once sync.Once
	name string
	err  error
}

var (
	templatesMu sync.Mutex
	templates   = map[string]*template{}
)

func templateFor(name string) *template {
	templatesMu.Lock()
	defer templatesMu.Unlock()
	if templates[name] == nil {
		templates[name] = &template{}
	}
	return templates[name]
}

// ready sets the server up once and returns what a test must do if
// there is none: skip it, or fail it in CI.
func ready() func(testing.TB) {
	once.Do(setup)
	return func(t testing.TB) {
		t.Helper()
		switch {
		case setupErr != nil:
			t.Fatalf("pgtest: %v", setupErr)
		case skipWhy != "":
			if os.Getenv("CI") == "true" {
				t.Fatalf("pgtest: PostgreSQL is required in CI: %s", skipWhy)
			}
			t.Skipf("pgtest: PostgreSQL half skipped: %s", skipWhy)
		}
	}
}

// newDatabase creates a database for t, a copy of template if not "".
func newDatabase(t testing.TB, template string) string {
	t.Helper()
	ready()(t)
	ctx := context.Background()
	name := "ikrar_test_" + randomHex(6)
	create := `CREATE DATABASE ` + name
	if template != "" {
		create += ` TEMPLATE ` + template
	}
	if err := execAdmin(ctx, create); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		// FORCE ends the connections a failed test may have left open.
		if err := execAdmin(context.Background(), `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return databaseURL(name)
}

// databaseURL is the URL of database name on the server.
func databaseURL(name string) string {
	u, err := url.Parse(admin)
	if err != nil {
		panic(fmt.Sprintf("pgtest: the server's URL %q: %v", admin, err))
	}
	u.Path = "/" + name
	return u.String()
}

func execAdmin(ctx context.Context, sql string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func setup() {
	if u := os.Getenv(EnvURL); u != "" {
		admin = u
		return
	}
	bin, err := binDir()
	if err != nil {
		skipWhy = fmt.Sprintf("set %s=postgres://… or install PostgreSQL's server binaries (Debian: apt-get install postgresql): %v", EnvURL, err)
		return
	}
	cluster, setupErr = startCluster(bin)
	if setupErr == nil {
		admin = cluster.url("postgres")
	}
}

// binDir finds the newest installed PostgreSQL's server binaries.
func binDir() (string, error) {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	if len(found) > 0 {
		return filepath.Dir(found[0]), nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("no initdb in /usr/lib/postgresql/*/bin or on PATH")
}

// version is the major version in .../postgresql/<v>/bin/initdb.
func version(initdb string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return v
}

// Stop shuts down the cluster this process started, if any, and removes
// its files. A package whose tests use URL calls it from TestMain after
// m.Run; a process that dies without calling it takes the server down
// with it (the server's parent-death signal), and the next process
// removes the files left behind.
func Stop() {
	if cluster != nil {
		cluster.stop()
		return
	}
	// A server of IKRAR_TEST_POSTGRES outlives the process: drop the
	// templates made on it.
	templatesMu.Lock()
	defer templatesMu.Unlock()
	for _, tpl := range templates {
		if tpl.name != "" {
			execAdmin(context.Background(), `DROP DATABASE IF EXISTS `+tpl.name+` WITH (FORCE)`)
		}
	}
}

// localCluster is a PostgreSQL server started by this process.
type localCluster struct {
	dir  string // holds data/ and the socket
	user string // the database superuser
	proc *os.Process
	done chan error // the server's exit, once it has started
}

const dirPrefix = "ikrar-pgtest-"

func (c *localCluster) url(db string) string {
	return (&url.URL{Scheme: "postgres", User: url.User(c.user), Path: "/" + db,
		RawQuery: url.Values{"host": {c.dir}}.Encode()}).String()
}

func startCluster(bin string) (*localCluster, error) {
	removeStale()
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", dirPrefix, os.Getpid()))
	if err != nil {
		return nil, err
	}
	c := &localCluster{dir: dir, user: "ikrar"}
	// PostgreSQL refuses to run as root: a root test process runs the
	// server as the postgres account Debian's packages create.
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("tests run as root and there is no postgres account to run the server as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	// A production server's collation is seldom byte order: the
	// cluster's default is ICU's Indonesian, so a query that sorts text
	// without saying how sorts here as it would there, not as SQLite does.
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", c.user, "-A", "trust", "-E", "UTF8",
		"--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=id-ID", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	log, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	defer log.Close()
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", dir, "-c", "listen_addresses=",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200")
	cmd.Stdout, cmd.Stderr = log, log
	// SIGQUIT is PostgreSQL's immediate shutdown: if this process dies
	// without Stop, the server goes with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	c.proc, c.done = cmd.Process, make(chan error, 1)
	go func() { c.done <- cmd.Wait() }()
	if err := c.waitReady(30 * time.Second); err != nil {
		c.stop()
		return nil, err
	}
	return c, nil
}

func (c *localCluster) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, c.url("postgres"))
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case werr := <-c.done:
			c.done <- werr
			out, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
			return fmt.Errorf("postgres exited (%v) before accepting connections:\n%s", werr, out)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
			return fmt.Errorf("postgres did not accept connections within %v: %v\n%s", limit, err, out)
		}
	}
}

// stop shuts the server down at once (its data is thrown away) and
// removes its files.
func (c *localCluster) stop() {
	c.proc.Signal(syscall.SIGQUIT)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		c.proc.Kill()
		<-c.done
	}
	os.RemoveAll(c.dir)
}

// removeStale removes the clusters' files left by test processes that
// died without Stop: their names carry the process ID.
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, d := range dirs {
		pid, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(filepath.Base(d), dirPrefix), "-", 2)[0])
		if err != nil || pid == os.Getpid() {
			continue
		}
		// Signal 0 checks that the process exists; ESRCH: it is gone.
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.RemoveAll(d)
		}
	}
}
