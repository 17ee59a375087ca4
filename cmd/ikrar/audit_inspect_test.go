package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// dirState lists every file under dir with its mode and the hash of its
// content: two equal states mean nothing was created, changed or removed.
func dirState(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		sum := ""
		if !d.IsDir() {
			content, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			h := sha256.Sum256(content)
			sum = hex.EncodeToString(h[:])
		}
		fmt.Fprintf(&b, "%s %v %d %s %v\n", rel, info.Mode(), info.Size(), sum, info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// inspectorCopy is what an inspector is handed: the database of an
// `ikrar backup`, alone in a directory, with no key, secret or origin.
func inspectorCopy(t *testing.T, r *trustRegistry) string {
	t.Helper()
	dir := t.TempDir()
	backupDatabase(t, r.dir, filepath.Join(dir, "ikrar.db"))
	return dir
}

// auditUnchanged runs the audit and fails the test if it changed anything
// in dir.
func auditUnchanged(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	before := dirState(t, dir)
	code, out := runTrust(t, append([]string{"audit", "--data", dir}, args...)...)
	if after := dirState(t, dir); after != before {
		t.Errorf("the audit changed %s:\nbefore:\n%safter:\n%s", dir, before, after)
	}
	return code, out
}

func TestAuditBackupWithPublishedKeys(t *testing.T) {
	r := seededTrustRegistry(t)
	keyFile := writeKeyFile(t, r.dir)
	dir := inspectorCopy(t, r)

	code, out := auditUnchanged(t, dir, "--key", keyFile)
	if code != 0 || !strings.Contains(out, "AUDIT BERSIH / AUDIT CLEAN") || !strings.Contains(out, "2 kept, 2 verified with 1 key(s)") {
		t.Fatalf("audit of a backup with the published keys: exit %d\n%s", code, out)
	}
	for _, name := range []string{"keys", "secret.key", "origin", "ikrar.db-wal", "ikrar.db-shm"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("the audit created %s: %v", name, err)
		}
	}

	// Without keys the copy cannot be audited, and says so; it still
	// creates nothing.
	if code, out := auditUnchanged(t, dir); code != 2 || !strings.Contains(out, "pass the registry's published keys with --key") {
		t.Errorf("audit of a copy without keys or --key: exit %d\n%s", code, out)
	}
}

func TestAuditWithWrongKeys(t *testing.T) {
	r := seededTrustRegistry(t)
	dir := inspectorCopy(t, r)
	other, err := translog.LoadOrCreateKeyring(t.TempDir(), trustOrigin)
	if err != nil {
		t.Fatal(err)
	}
	wrong := filepath.Join(t.TempDir(), "wrong.keys")
	if err := os.WriteFile(wrong, []byte(strings.Join(other.VerifierKeys(), "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := auditUnchanged(t, dir, "--key", wrong)
	if code != 1 || !strings.Contains(out, "2 kept, 0 verified") {
		t.Fatalf("audit with another registry's key: exit %d\n%s", code, out)
	}
	for _, size := range []int{7, 8} {
		if want := fmt.Sprintf("checkpoint of size %d: its signature does not verify with the registry's keys", size); !strings.Contains(out, want) {
			t.Errorf("report does not say %q:\n%s", want, out)
		}
	}

	bad := filepath.Join(t.TempDir(), "bad.keys")
	if err := os.WriteFile(bad, []byte("not a key\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := auditUnchanged(t, dir, "--key", bad); code != 2 {
		t.Errorf("audit with a malformed key file: exit %d\n%s", code, out)
	}
}

// A -wal without its -shm cannot be read without creating the -shm: the
// audit refuses rather than write in the inspector's directory.
func TestAuditRefusesWALWithoutSHM(t *testing.T) {
	r := seededTrustRegistry(t)
	keyFile := writeKeyFile(t, r.dir)
	dir := inspectorCopy(t, r)
	if err := os.WriteFile(filepath.Join(dir, "ikrar.db-wal"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out := auditUnchanged(t, dir, "--key", keyFile); code != 2 || !strings.Contains(out, "-shm") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// The audit of a live data directory reads one snapshot: a registry
// signing and checkpointing all the while must not make it report a row
// deleted, a checkpoint beyond the log or anything else.
func TestAuditUnderSigningLoad(t *testing.T) {
	r := newTrustRegistry(t)
	ctx := t.Context()
	const n = 1500
	var extra []registry.Employee
	for i := len(r.emps); i < n; i++ {
		birth := time.Date(1970+i%30, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		extra = append(extra, registry.Employee{NIP: fmt.Sprintf("%s%s%d%03d", birth.Format("20060102"), birth.AddDate(25, 0, 0).Format("200601"), 1+i%2, i%1000),
			Name: fmt.Sprintf("Pegawai Beban %c%c%c", 'A'+rune(i/676), 'A'+rune(i/26%26), 'A'+rune(i%26)), Position: "Analis", Rank: "Penata (III/c)",
			Unit: "Dinas Uji", Category: registry.CategoryPNS, Active: true, UpdatedAt: time.Now()})
	}
	if _, err := r.a.svc.ImportEmployees(ctx, registry.Actor{User: registry.System, IP: "test"}, r.emps[0].OrgID, extra, false, nil); err != nil {
		t.Fatal(err)
	}
	emps, _, err := r.a.db.Employees(ctx, registry.EmployeeFilter{Scope: "/", Limit: n})
	if err != nil || len(emps) < n {
		t.Fatalf("%d employees: %v", len(emps), err)
	}
	var reqs []registry.SignRequest
	for _, emp := range emps {
		if emp.ID != r.emps[0].ID {
			reqs = append(reqs, typedSignRequest(t, r.event, emp))
		}
	}
	r.sign(t) // r.emps[0]
	r.checkpoint(t)
	cp := &translog.Checkpointer{Store: r.a.db, Keys: r.a.keys, Now: time.Now, Log: slog.New(slog.DiscardHandler)}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var signed atomic.Int64
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < len(reqs); i += 16 {
				select {
				case <-stop:
					return
				default:
				}
				if _, _, err := r.a.svc.Sign(ctx, reqs[i]); err != nil {
					t.Errorf("sign: %v", err)
					return
				}
				signed.Add(1)
			}
		})
	}
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
				if _, err := cp.Sign(ctx); err != nil {
					t.Errorf("checkpoint: %v", err)
					return
				}
			}
		}
	})

	audits := 0
	for start := time.Now(); audits < 5 || (time.Since(start) < 3*time.Second && signed.Load() < n-50); audits++ {
		if code, out := runTrust(t, "audit", "--data", r.dir); code != 0 {
			t.Errorf("audit %d with %d signed meanwhile: exit %d\n%s", audits, signed.Load(), code, out)
			break
		}
	}
	close(stop)
	wg.Wait()
	t.Logf("%d audits clean while %d signatures were made", audits, signed.Load())
	if signed.Load() == 0 {
		t.Error("nothing was signed during the audits")
	}
}

// A read-only audit cannot migrate: a copy of another schema is refused,
// naming both versions, rather than misread.
func TestAuditRefusesOtherSchema(t *testing.T) {
	r := seededTrustRegistry(t)
	keyFile := writeKeyFile(t, r.dir)
	dir := inspectorCopy(t, r)
	tamperDB(t, dir, func(exec func(q string, args ...any) sql.Result) {
		exec(`DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)`)
	})
	if code, out := auditUnchanged(t, dir, "--key", keyFile); code != 2 || !strings.Contains(out, "the database has schema version") {
		t.Errorf("exit %d\n%s", code, out)
	}
}
