package main

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
	_ "modernc.org/sqlite"

	"github.com/ikrar-id/ikrar"
	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/ink"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
	"github.com/ikrar-id/ikrar/internal/web"
)

const trustOrigin = "ikrar.test/registry"

// trustRegistry is a data directory with the demo regency, opened the way
// the commands open it, for tests of the log, the audit and verification.
type trustRegistry struct {
	dir    string
	a      *app
	event  registry.Event
	emps   []registry.Employee
	next   int                  // the next employee to sign
	sigs   []registry.Signature // in signing order, as stored
	closed bool
}

// cheapPasswords are argon2id costs for tests: the demo admin's hash takes
// a fraction of a millisecond instead of 64 MiB and 50 ms. serve refuses
// them; tests that run serve hash at production's costs.
var cheapPasswords = registry.PasswordParams{Time: 1, Memory: 64, Threads: 1}

func newTrustRegistry(t *testing.T) *trustRegistry {
	t.Helper()
	ctx := t.Context()
	r := &trustRegistry{dir: t.TempDir()}
	a, err := openApp(ctx, r.dir, trustOrigin)
	if err != nil {
		t.Fatal(err)
	}
	r.a = a
	a.svc.Hasher.WithParams(cheapPasswords)
	t.Cleanup(r.close)
	if err := createDemo(ctx, a, registry.Actor{User: registry.System, IP: "test"}); err != nil {
		t.Fatal(err)
	}
	events, err := a.db.Events(ctx, "/")
	if err != nil || len(events) == 0 {
		t.Fatalf("demo event: %v", err)
	}
	r.event = events[0]
	if r.emps, _, err = a.db.Employees(ctx, registry.EmployeeFilter{Scope: "/", Limit: 1000}); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *trustRegistry) close() {
	if !r.closed {
		r.closed = true
		r.a.Close()
	}
}

// seeded is the registry every audit test starts from: six signatures,
// the second revoked, a checkpoint, a seventh signature and a checkpoint.
// Leaves 0-5 are the signatures, 6 the revocation, 7 the last signature.
func seededTrustRegistry(t *testing.T) *trustRegistry {
	t.Helper()
	r := newTrustRegistry(t)
	for range 6 {
		r.sign(t)
	}
	r.revoke(t, 1)
	r.checkpoint(t)
	r.sign(t)
	r.checkpoint(t)
	return r
}

func typedSignRequest(t *testing.T, e registry.Event, emp registry.Employee) registry.SignRequest {
	t.Helper()
	typed, err := ink.Typed(emp.FullName())
	if err != nil {
		t.Fatal(err)
	}
	return registry.SignRequest{Event: e, Employee: emp, Ink: typed, Consent: true,
		Channel: registry.ChannelEventCode, ClientIP: "127.0.0.1", UserAgent: "trust test"}
}

// sign signs the pledge as the next employee and returns the stored record.
func (r *trustRegistry) sign(t *testing.T) registry.Signature {
	t.Helper()
	if r.next >= len(r.emps) {
		t.Fatal("every employee has signed")
	}
	sig, existing, err := r.a.svc.Sign(t.Context(), typedSignRequest(t, r.event, r.emps[r.next]))
	if err != nil || existing {
		t.Fatalf("sign: %v (existing %v)", err, existing)
	}
	r.next++
	stored := r.reload(t, sig.Code)
	stored.IdentitySalt = sig.IdentitySalt // kept by the store but not read back
	r.sigs = append(r.sigs, stored)
	return r.sigs[len(r.sigs)-1]
}

func (r *trustRegistry) reload(t *testing.T, code string) registry.Signature {
	t.Helper()
	sig, err := r.a.db.SignatureByCode(t.Context(), code)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func (r *trustRegistry) revoke(t *testing.T, i int) {
	t.Helper()
	if _, err := r.a.svc.Revoke(t.Context(), registry.Actor{User: registry.System, IP: "test"}, r.sigs[i].Code, "Ditandatangani orang lain"); err != nil {
		t.Fatal(err)
	}
	salt := r.sigs[i].IdentitySalt
	r.sigs[i] = r.reload(t, r.sigs[i].Code)
	r.sigs[i].IdentitySalt = salt
}

func (r *trustRegistry) checkpoint(t *testing.T) translog.SignedCheckpoint {
	t.Helper()
	cp := &translog.Checkpointer{Store: r.a.db, Keys: r.a.keys, Now: time.Now, Log: slog.New(slog.DiscardHandler)}
	sc, err := cp.Sign(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// serve runs the real web handler over the registry and returns its base
// URL, which is also the base of the QR codes it issues.
func (r *trustRegistry) serve(t *testing.T) string {
	t.Helper()
	return "http://" + r.serveHTTP(t).Listener.Addr().String()
}

// serveHTTP is serve, for a test that stops the server itself; opts
// adjust the server's options.
func (r *trustRegistry) serveHTTP(t *testing.T, opts ...func(*web.Options)) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	log := slog.New(slog.DiscardHandler)
	cp := &translog.Checkpointer{Store: r.a.db, Keys: r.a.keys, MinInterval: time.Second, Now: time.Now, Log: log}
	opt := web.Options{BaseURL: base, Templates: ikrar.Templates, Static: ikrar.Static, DownloadKey: r.a.secrets.Download}
	for _, o := range opts {
		o(&opt)
	}
	srv, err := web.New(opt, r.a.svc, r.a.db, mustCertRenderer(t), web.Transparency{Store: r.a.db, Keys: r.a.keys, Checkpointer: cp}, log)
	if err != nil {
		t.Fatal(err)
	}
	runCheckpointer(t, cp, r.a.db.Appended())
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

var (
	certRendererOnce sync.Once
	certRenderer     *certificate.Renderer
	certRendererErr  error
)

func mustCertRenderer(t *testing.T) *certificate.Renderer {
	t.Helper()
	certRendererOnce.Do(func() { certRenderer, certRendererErr = certificate.NewRenderer() })
	if certRendererErr != nil {
		t.Fatal(certRendererErr)
	}
	return certRenderer
}

// copyDataDir copies a closed registry's data directory, keeping file modes
// (the keyring refuses a signing key others may read).
func copyDataDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm())
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// tamperDB edits the database the way someone with the sqlite3 shell would:
// foreign keys off, plain SQL, no log.
func tamperDB(t *testing.T, dir string, edit func(exec func(q string, args ...any) sql.Result)) {
	t.Helper()
	// The insider waits for a server's write in progress, as any writer
	// does, rather than failing at once with "database is locked".
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "ikrar.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	exec := func(q string, args ...any) sql.Result {
		t.Helper()
		res, err := db.Exec(q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return res
	}
	exec(`PRAGMA foreign_keys = OFF`)
	edit(exec)
}

// runTrust runs the program and returns its exit code and output.
func runTrust(t *testing.T, args ...string) (int, string) {
	t.Helper()
	if len(args) > 0 && args[0] == "verify" && slices.Contains(args, "--online") && !slices.Contains(args, "--state") && !slices.Contains(args, "--no-state") {
		// Never the user's cache directory; a fresh memory for each run.
		args = append(slices.Clip(args), "--state", t.TempDir())
	}
	var out, errOut bytes.Buffer
	err := run(t.Context(), args, strings.NewReader(""), &out, &errOut, func(string) string { return "" })
	var ex exitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &ex):
		return ex.code, out.String() + errOut.String() + "\nexit: " + ex.msg
	}
	return 1, out.String() + errOut.String() + "\nerror: " + err.Error()
}

func rowName(s registry.Signature) string {
	return fmt.Sprintf("signature %d (certificate %s)", s.ID, s.Code)
}

func TestAuditFindsTampering(t *testing.T) {
	r := seededTrustRegistry(t)
	s, other := r.sigs, r.emps[r.next]
	keyFile := writeKeyFile(t, r.dir)
	r.close()
	otherKeys, err := translog.LoadOrCreateKeyring(t.TempDir(), trustOrigin)
	if err != nil {
		t.Fatal(err)
	}
	insert := func(exec func(q string, args ...any) sql.Result, leaf int64) string {
		res := exec(`INSERT INTO signatures (event_id, employee_id, code, nip, name, position, rank, unit, org_name, category,
			pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash, leaf_index)
			SELECT event_id, ?, 'PALSU0000001', nip, name, position, rank, unit, org_name, category, pledge_hash, ink_kind, ink,
			consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash, ? FROM signatures WHERE id = ?`,
			other.ID, leaf, s[0].ID)
		id, _ := res.LastInsertId()
		return fmt.Sprintf("signature %d (certificate PALSU0000001)", id)
	}
	var inserted string

	tests := []struct {
		name   string
		tamper func(exec func(q string, args ...any) sql.Result)
		want   func() string // what the first problem must say; "" for a clean audit
	}{
		{"clean", func(func(string, ...any) sql.Result) {}, func() string { return "" }},
		{"name edited", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE signatures SET name = 'Orang Lain' WHERE id = ?`, s[3].ID)
		}, func() string { return rowName(s[3]) + ": name or NIP edited out of band" }},
		{"NIP edited", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE signatures SET nip = '199001012015011001' WHERE id = ?`, s[2].ID)
		}, func() string { return rowName(s[2]) + ": name or NIP edited out of band" }},
		{"name edited with its identity hash recomputed", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE signatures SET name = 'Orang Lain', identity_hash = ? WHERE id = ?`,
				translog.IdentityHash(s[3].IdentitySalt, s[3].NIP, "Orang Lain"), s[3].ID)
		}, func() string { return rowName(s[3]) + ": row edited out of band: it no longer matches leaf 3" }},
		{"signed_at changed", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE signatures SET signed_at = signed_at - 86400000 WHERE id = ?`, s[4].ID)
		}, func() string { return rowName(s[4]) + ": row edited out of band: it no longer matches leaf 4" }},
		{"revocation reason changed", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE revocations SET reason = 'Alasan lain' WHERE signature_id = ?`, s[1].ID)
		}, func() string {
			return fmt.Sprintf("revocation %d of %s: row edited out of band: it no longer matches leaf 6", s[1].Revocation.ID, rowName(s[1]))
		}},
		{"signature deleted", func(exec func(string, ...any) sql.Result) {
			exec(`DELETE FROM signatures WHERE id = ?`, s[4].ID)
		}, func() string {
			return fmt.Sprintf("leaf 4: no row claims it: a signature, revocation or issuance row was deleted out of band (logged between %s and %s)", rowName(s[3]), rowName(s[5]))
		}},
		{"revoked signature deleted with its revocation", func(exec func(string, ...any) sql.Result) {
			exec(`DELETE FROM revocations WHERE signature_id = ?`, s[1].ID)
			exec(`DELETE FROM signatures WHERE id = ?`, s[1].ID)
		}, func() string { return "leaf 1: no row claims it" }},
		{"revocation deleted", func(exec func(string, ...any) sql.Result) {
			exec(`DELETE FROM revocations WHERE signature_id = ?`, s[1].ID)
		}, func() string { return "leaf 6: no row claims it" }},
		{"row inserted with a made-up leaf index", func(exec func(string, ...any) sql.Result) {
			inserted = insert(exec, 42)
		}, func() string { return inserted + ": claims leaf 42, but the log has 8 leaves" }},
		{"row inserted on a logged leaf", func(exec func(string, ...any) sql.Result) {
			inserted = insert(exec, 2)
		}, func() string { return inserted + ": claims leaf 2, which the log holds for " + rowName(s[2]) }},
		{"row inserted without a leaf", func(exec func(string, ...any) sql.Result) {
			inserted = insert(exec, -1)
		}, func() string { return inserted + ": has no leaf in the log" }},
		{"stored leaf hash changed", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE log_hashes SET hash = randomblob(32) WHERE idx = ?`, tlog.StoredHashIndex(0, 5))
		}, func() string {
			return fmt.Sprintf("leaf 5 (%s): its stored hash in log_hashes was edited out of band", rowName(s[5]))
		}},
		{"stored interior hash changed", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE log_hashes SET hash = randomblob(32) WHERE idx = ?`, tlog.StoredHashIndex(1, 1))
		}, func() string { return "log_hashes: the stored hash at level 1, index 1 differs" }},
		{"log size lowered", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE log_state SET size = 7`)
		}, func() string { return "log size: log_state says 7 leaves but log_hashes holds the stored hashes of 8" }},
		{"log size raised", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE log_state SET size = 1000000000000`)
		}, func() string {
			return "log size: log_state says 1000000000000 leaves but log_hashes holds the stored hashes of 8"
		}},
		{"stored hash deleted", func(exec func(string, ...any) sql.Result) {
			exec(`DELETE FROM log_hashes WHERE idx = 3`)
		}, func() string { return "log_hashes: 14 stored hashes at indexes 0 to 14, not a contiguous table from 0" }},
		{"last signature cut off the log", func(exec func(string, ...any) sql.Result) {
			exec(`DELETE FROM signatures WHERE id = ?`, s[6].ID)
			exec(`DELETE FROM log_hashes WHERE idx >= ?`, tlog.StoredHashCount(7))
			exec(`UPDATE log_state SET size = 7`)
		}, func() string {
			return "checkpoint of size 8: the registry signed a log of 8 leaves but the database has 7: records were removed"
		}},
		{"checkpoint signed with another key", func(exec func(string, ...any) sql.Result) {
			note, err := otherKeys.SignCheckpoint(translog.Checkpoint{Origin: trustOrigin, Size: 5, Root: tlog.Hash{1}})
			if err != nil {
				t.Fatal(err)
			}
			exec(`INSERT INTO checkpoints (size, root, note, created_at) VALUES (5, ?, ?, 0)`, make([]byte, 32), string(note))
		}, func() string { return "checkpoint of size 5: its signature does not verify with the registry's keys" }},
		{"checkpoint root column changed", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE checkpoints SET root = randomblob(32) WHERE size = 7`)
		}, func() string { return "checkpoint of size 7: its size or root column differs from its signed note" }},
	}
	// Each case is audited as the operator does, with the data directory's
	// own keys, and as an inspector does, with a copy holding no key, secret
	// or origin and the published keys: both find the same.
	for _, tt := range tests {
		for _, inspector := range []bool{false, true} {
			name := tt.name
			if inspector {
				name += " (copy with published keys)"
			}
			t.Run(name, func(t *testing.T) {
				auditTampered(t, r.dir, tt.tamper, tt.want, inspector, keyFile)
			})
		}
	}
}

// auditTampered audits a tampered copy of the registry in src and checks
// the first problem reported is want's, and that the audit changed nothing.
func auditTampered(t *testing.T, src string, tamper func(exec func(q string, args ...any) sql.Result), wantFn func() string, inspector bool, keyFile string) {
	t.Helper()
	dir := copyDataDir(t, src)
	tamperDB(t, dir, tamper)
	var args []string
	if inspector {
		for _, name := range []string{"keys", "secret.key", "origin"} {
			if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		}
		args = []string{"--key", keyFile}
	}
	code, out := auditUnchanged(t, dir, args...)
	want := wantFn()
	if want == "" {
		if code != 0 || !strings.Contains(out, "AUDIT BERSIH / AUDIT CLEAN") {
			t.Fatalf("clean registry: exit %d\n%s", code, out)
		}
		return
	}
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	first, _, _ := strings.Cut(out[strings.Index(out, "exit: ")+len("exit: "):], "\n")
	if !strings.HasPrefix(first, "audit failed: "+want) {
		t.Errorf("first problem:\n got %q\nwant %q…\n%s", first, want, out)
	}
	if !strings.Contains(out, "AUDIT GAGAL / AUDIT FAILED") || !strings.Contains(out, "  1. "+want) {
		t.Errorf("report does not list the problem first:\n%s", out)
	}
}

// A checkpoint of a history other than the database's, signed with the
// registry's own key: a fork or rewritten history, which only the key
// holder could have made.
func TestAuditFindsRewrittenHistory(t *testing.T) {
	r := seededTrustRegistry(t)
	note, err := r.a.keys.SignCheckpoint(translog.Checkpoint{Origin: trustOrigin, Size: 6, Root: tlog.Hash{6}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.a.db.SaveCheckpoint(t.Context(), translog.SignedCheckpoint{Size: 6, Root: tlog.Hash{6}, Note: note}, time.Now()); err != nil {
		t.Fatal(err)
	}
	r.close()
	code, out := runTrust(t, "audit", "--data", r.dir)
	if code != 1 || !strings.Contains(out, "audit failed: checkpoint of size 6: not a prefix of the matching checkpoint of size 7: history rewritten") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

func TestAuditUsage(t *testing.T) {
	for _, args := range [][]string{
		{"audit", "--data", filepath.Join(t.TempDir(), "none")},
		{"audit", "--remote", "http://127.0.0.1:1"},
		{"audit", "--remote", "ftp://x", "--since", "f"},
		{"audit", "--data", "x", "--remote", "http://127.0.0.1:1", "--since", "f"},
		{"audit", "--since", "f"},
		{"audit", "--state", "d"},
		{"audit", "--data", "x", "--state", "d"},
		{"audit", "--remote", "http://127.0.0.1:1", "--state", "d", "--update"},
		{"audit", "extra"},
		{"key"},
		{"key", "burn"},
	} {
		if code, out := runTrust(t, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2\n%s", args, code, out)
		}
	}
	// The audit of a missing directory must not create a registry there.
	missing := filepath.Join(t.TempDir(), "none")
	runTrust(t, "audit", "--data", missing)
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("audit created %s: %v", missing, err)
	}
}

// Many signings at once must each get their own leaf: the tree's size is
// the number of records and the audit passes.
func TestConcurrentSigningAudits(t *testing.T) {
	r := newTrustRegistry(t)
	ctx := t.Context()
	const n = 50
	emps := addEmployees(t, r, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, emp := range emps[:n] {
		req := typedSignRequest(t, r.event, emp)
		wg.Go(func() {
			if _, existing, err := r.a.svc.Sign(ctx, req); err != nil || existing {
				errs <- fmt.Errorf("sign %s: %v (existing %v)", emp.Name, err, existing)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	size, err := r.a.db.LogSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	records, err := r.a.lite.LeafRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, rec := range records {
		seen[rec.Index] = true
	}
	if size != n || len(records) != n || len(seen) != n {
		t.Errorf("log size %d, %d records on %d distinct leaves; want %d of each", size, len(records), len(seen), n)
	}
	r.checkpoint(t)
	r.close()
	if code, out := runTrust(t, "audit", "--data", r.dir); code != 0 {
		t.Errorf("audit after concurrent signing: exit %d\n%s", code, out)
	}
}

// An outside auditor keeps a checkpoint and later proves the log only grew
// from it; a history rewritten behind the registry's back, which the local
// audit cannot see once the operator also rebuilt the tree and deleted the
// signer's last-checkpoint, fails there.
func TestAuditRemote(t *testing.T) {
	r := seededTrustRegistry(t)
	base := r.serve(t)
	kept := filepath.Join(t.TempDir(), "ikrar.checkpoint")
	keyFile := writeKeyFile(t, r.dir)
	remote := func(t *testing.T, extra ...string) (int, string) {
		t.Helper()
		return runTrust(t, append([]string{"audit", "--remote", base, "--since", kept}, extra...)...)
	}
	keptCheckpoint := func() translog.Checkpoint {
		t.Helper()
		b, err := os.ReadFile(kept)
		if err != nil {
			t.Fatal(err)
		}
		c, err := translog.OpenCheckpoint(b, r.a.keys.Verifiers())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	keep := func(size int64, root tlog.Hash) {
		t.Helper()
		note, err := r.a.keys.SignCheckpoint(translog.Checkpoint{Origin: trustOrigin, Size: size, Root: root})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(kept, note, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	if code, out := remote(t); code != 2 {
		t.Fatalf("first audit without --update: exit %d\n%s", code, out)
	}
	if code, out := remote(t, "--update"); code != 0 || keptCheckpoint().Size != 8 {
		t.Fatalf("first audit with --update: exit %d\n%s", code, out)
	}
	if code, out := remote(t); code != 0 || !strings.Contains(out, "AUDIT BERSIH / AUDIT CLEAN") {
		t.Fatalf("audit of an unchanged log: exit %d\n%s", code, out)
	}
	r.sign(t)
	r.sign(t)
	waitCheckpoint(t, base, 10)
	if code, out := remote(t, "--key", keyFile); code != 0 || keptCheckpoint().Size != 8 {
		t.Fatalf("audit of a grown log: exit %d, kept size %d\n%s", code, keptCheckpoint().Size, out)
	}
	if code, out := remote(t, "--update"); code != 0 || keptCheckpoint().Size != 10 {
		t.Fatalf("audit with --update: exit %d, kept size %d\n%s", code, keptCheckpoint().Size, out)
	}
	good, err := os.ReadFile(kept)
	if err != nil {
		t.Fatal(err)
	}

	otherKeys, err := translog.LoadOrCreateKeyring(t.TempDir(), trustOrigin)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := otherKeys.SignCheckpoint(keptCheckpoint())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		keep func()
		want string
	}{
		{"kept checkpoint signed by another key", func() { os.WriteFile(kept, forged, 0o644) }, "the kept checkpoint " + kept + " does not verify with the registry's keys"},
		{"fork at the same size", func() { keep(10, tlog.Hash{10}) }, "fork: the kept checkpoint and the newest both have 10 leaves"},
		{"kept checkpoint not a prefix", func() { keep(7, tlog.Hash{7}) }, "the newest checkpoint 10 does not extend the kept checkpoint 7"},
		{"log shrank", func() { keep(50, tlog.Hash{50}) }, "the log shrank: the newest checkpoint has 10 leaves, the kept one 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.keep()
			code, out := remote(t, "--update")
			if code != 1 || !strings.Contains(out, "audit failed: "+tt.want) {
				t.Errorf("exit %d, want 1 and %q\n%s", code, tt.want, out)
			}
			if tt.name == "kept checkpoint not a prefix" && !strings.Contains(out, "fork: the registry now serves a checkpoint of size 7") {
				t.Errorf("the registry's own checkpoint of size 7 differs, yet no fork reported:\n%s", out)
			}
		})
	}
	if err := os.WriteFile(kept, good, 0o644); err != nil {
		t.Fatal(err)
	}

	// The operator cuts the last signature off and rebuilds the tree and
	// checkpoints to match: the database is consistent again...
	last := r.sigs[len(r.sigs)-1]
	tamperDB(t, r.dir, func(exec func(string, ...any) sql.Result) {
		exec(`DELETE FROM signatures WHERE id = ?`, last.ID)
		exec(`DELETE FROM log_hashes WHERE idx >= ?`, tlog.StoredHashCount(last.LeafIndex))
		exec(`UPDATE log_state SET size = ?`, last.LeafIndex)
		exec(`DELETE FROM checkpoints WHERE size > ?`, last.LeafIndex)
	})
	r.sign(t)
	r.sign(t)
	// ...but not with the checkpoint the signer kept beside its key
	// (TRUST.md §12), which the local audit reads too...
	if code, out := runTrust(t, "audit", "--data", r.dir); code != 1 || !strings.Contains(out, "checkpoint of size 10: its signed root differs") {
		t.Fatalf("local audit of a consistently rewritten log: exit %d\n%s", code, out)
	}
	// ...and the running server refuses to sign over it, and says so.
	code, out := remote(t, "--update")
	if code != 1 || !strings.Contains(out, "the registry's signer refuses to sign") {
		t.Errorf("remote audit of a refusing registry: exit %d\n%s", code, out)
	}
	// An operator who also deletes keys/last-checkpoint and restarts blinds
	// the local audit and the signer, which starts again from the latest
	// stored checkpoint: only what the auditor kept shows the rewrite.
	if err := os.Remove(filepath.Join(r.dir, "keys", translog.LastSignedFile)); err != nil {
		t.Fatal(err)
	}
	if code, out := runTrust(t, "audit", "--data", r.dir); code != 0 {
		t.Fatalf("local audit without last-checkpoint: exit %d\n%s", code, out)
	}
	restarted, _ := serveDir(t, r.dir)
	code, out = runTrust(t, "audit", "--remote", restarted, "--since", kept, "--update")
	if code != 1 || !strings.Contains(out, "audit failed: the newest checkpoint 11 does not extend the kept checkpoint 10") {
		t.Errorf("remote audit of a rewritten history: exit %d\n%s", code, out)
	}
	if !bytes.Equal(readTrustFile(t, kept), good) {
		t.Error("a failed audit replaced the kept checkpoint")
	}
}

// writeKeyFile writes the registry's published verifier keys, as `ikrar key
// list` prints them, and returns the file's path.
func writeKeyFile(t *testing.T, dir string) string {
	t.Helper()
	code, out := runTrust(t, "key", "list", "--data", dir)
	if code != 0 {
		t.Fatalf("key list: exit %d\n%s", code, out)
	}
	path := filepath.Join(t.TempDir(), "ikrar.keys")
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readTrustFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Erasing a signer's personal data leaves the log, the audit and the
// certificate's QR valid.
func TestErasureKeepsProofs(t *testing.T) {
	r := seededTrustRegistry(t)
	sig := r.sigs[3]
	qr := r.qrText(t, sig, "https://ikrar.example.go.id")
	erased, _, err := r.a.svc.Erase(t.Context(), registry.Actor{User: registry.System, IP: "test"}, sig.Code, "Permintaan sah subjek data", false)
	if err != nil {
		t.Fatal(err)
	}
	if !erased.Erased() || erased.Name != "" || erased.NIP != "" {
		t.Fatalf("record after erasure: %+v", erased)
	}
	keyFile := writeKeyFile(t, r.dir)
	r.close()
	if code, out := runTrust(t, "audit", "--data", r.dir); code != 0 {
		t.Errorf("audit after erasure: exit %d\n%s", code, out)
	}
	if code, out := runTrust(t, "verify", "--qr", qr, "--key", keyFile); code != 0 {
		t.Errorf("QR of an erased record: exit %d\n%s", code, out)
	}
}
