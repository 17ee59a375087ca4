package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// addEmployees makes the registry's organization hold at least n
// employees and returns them.
func addEmployees(t *testing.T, r *trustRegistry, n int) []registry.Employee {
	t.Helper()
	ctx := t.Context()
	var extra []registry.Employee
	for i := len(r.emps); i < n; i++ {
		birth := time.Date(1980+i%20, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		extra = append(extra, registry.Employee{NIP: fmt.Sprintf("%s%s%d%03d", birth.Format("20060102"), birth.AddDate(25, 0, 0).Format("200601"), 1, 100+i),
			Name: fmt.Sprintf("Pegawai Uji %c%c", 'A'+rune(i/26), 'A'+rune(i%26)), Position: "Analis", Rank: "Penata (III/c)",
			Unit: "Dinas Uji", Category: registry.CategoryPNS, Active: true, UpdatedAt: time.Now()})
	}
	if len(extra) > 0 {
		if _, err := r.a.svc.ImportEmployees(ctx, registry.Actor{User: registry.System, IP: "test"}, r.emps[0].OrgID, extra, false, nil); err != nil {
			t.Fatal(err)
		}
	}
	emps, _, err := r.a.db.Employees(ctx, registry.EmployeeFilter{Scope: "/", Limit: 1000})
	if err != nil || len(emps) < n {
		t.Fatalf("%d employees: %v", len(emps), err)
	}
	return emps
}

// downloadLink is the private link a signer was handed for a certificate,
// made with the download secret of the registry that issued it.
func downloadLink(secret []byte, code string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("ikrar-download/v1|" + code))
	return "/c/" + code + "?k=" + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:12])
}

// A backup taken while signings commit restores elsewhere into a registry
// that audits clean, serves every certificate at the link its signer was
// given, and whose keys verify the checkpoints signed before.
func TestBackupUnderLoadRestores(t *testing.T) {
	r := newTrustRegistry(t)
	emps := addEmployees(t, r, 60)
	for range 5 {
		r.sign(t)
	}
	old := r.checkpoint(t)

	// Four signers work through the roster; the backup starts once the
	// log has grown by ten under them, and they keep signing through it.
	archive := filepath.Join(t.TempDir(), "ikrar.tar.gz")
	queue := make(chan registry.SignRequest, len(emps))
	for _, emp := range emps[5:60] {
		queue <- typedSignRequest(t, r.event, emp)
	}
	close(queue)
	var wg sync.WaitGroup
	errs := make(chan error, len(emps))
	for range 4 {
		wg.Go(func() {
			for req := range queue {
				if _, _, err := r.a.svc.Sign(t.Context(), req); err != nil {
					errs <- err
				}
			}
		})
	}
	for {
		n, err := r.a.db.LogSize(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n >= 15 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	code, out := runTrust(t, "backup", "--data", r.dir, archive)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("sign during the backup: %v", err)
	}
	if code != 0 {
		t.Fatalf("backup: exit %d\n%s", code, out)
	}
	if info, err := os.Stat(archive); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("backup archive: %v, want mode 0600", err)
	}
	secret := r.a.secrets.Download
	r.close()

	restored := filepath.Join(t.TempDir(), "restored")
	code, out = runTrust(t, "restore", archive, "--data", restored)
	if code != 0 || !strings.Contains(out, "AUDIT BERSIH / AUDIT CLEAN") {
		t.Fatalf("restore: exit %d\n%s", code, out)
	}
	wantPrivateTree(t, restored)

	_, verifiers, err := auditKeys(restored, "")
	if err != nil {
		t.Fatal(err)
	}
	if c, err := translog.OpenCheckpoint(old.Note, verifiers); err != nil || c.Size != old.Size {
		t.Errorf("the restored keys do not verify the checkpoint of size %d signed before the backup: %v", old.Size, err)
	}

	var codes []string
	db, err := sql.Open("sqlite", "file:"+filepath.Join(restored, "ikrar.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT code FROM signatures ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c string
		rows.Scan(&c)
		codes = append(codes, c)
	}
	rows.Close()
	db.Close()
	if len(codes) < 15 {
		t.Fatalf("the restored registry holds %d certificates, want at least the 15 signed before the backup began", len(codes))
	}
	t.Logf("%d certificates in the backup, of 60 signed", len(codes))
	base, _ := serveDir(t, restored)
	for _, code := range codes {
		link := downloadLink(secret, code)
		res, body := httpGet(t, base+link)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", link, res.StatusCode)
		}
		pdf := strings.Replace(link, "?k=", "/sertifikat.pdf?k=", 1)
		res, body = httpGet(t, base+pdf)
		if res.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("%PDF")) {
			t.Errorf("%s: %d %q", pdf, res.StatusCode, body[:min(len(body), 40)])
		}
	}
}

// rewriteArchive copies a backup with its entries edited by edit, which
// gets every entry's name and content, in order, and returns those to
// write.
func rewriteArchive(t *testing.T, src string, edit func(names []string, bodies [][]byte) ([]string, [][]byte)) string {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var names []string
	var bodies [][]byte
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		names, bodies = append(names, h.Name), append(bodies, b)
	}
	names, bodies = edit(names, bodies)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for i, name := range names {
		if err := tw.WriteHeader(&tar.Header{Name: name, Size: int64(len(bodies[i])), Mode: 0o600, Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(bodies[i])
	}
	tw.Close()
	zw.Close()
	out := filepath.Join(t.TempDir(), "edited.tar.gz")
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// editManifest changes the manifest (the first entry) of an archive.
func editManifest(t *testing.T, bodies [][]byte, edit func(*backupManifest)) {
	t.Helper()
	var m backupManifest
	if err := json.Unmarshal(bodies[0], &m); err != nil {
		t.Fatal(err)
	}
	edit(&m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	bodies[0] = b
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}

func TestRestoreRefuses(t *testing.T) {
	r := seededTrustRegistry(t)
	good := filepath.Join(t.TempDir(), "good.tar.gz")
	if code, out := runTrust(t, "backup", "--data", r.dir, good); code != 0 {
		t.Fatalf("backup: exit %d\n%s", code, out)
	}
	outside := t.TempDir()
	cases := []struct {
		name    string
		archive func() string
		want    string
	}{
		{"a changed key", func() string {
			return rewriteArchive(t, good, func(n []string, b [][]byte) ([]string, [][]byte) {
				i := indexOf(n, "secret.key")
				b[i] = bytes.Clone(b[i])
				b[i][0] ^= 1
				return n, b
			})
		}, "SHA-256"},
		{"a changed database", func() string {
			return rewriteArchive(t, good, func(n []string, b [][]byte) ([]string, [][]byte) {
				i := indexOf(n, "ikrar.db")
				b[i] = bytes.Clone(b[i])
				b[i][len(b[i])/2] ^= 0xff
				return n, b
			})
		}, "SHA-256"},
		{"an entry outside the data directory", func() string {
			return rewriteArchive(t, good, func(n []string, b [][]byte) ([]string, [][]byte) {
				return append(n, "../"+filepath.Base(outside)+"/evil"), append(b, []byte("x"))
			})
		}, "not in the manifest"},
		{"a manifest naming a path outside", func() string {
			return rewriteArchive(t, good, func(n []string, b [][]byte) ([]string, [][]byte) {
				editManifest(t, b, func(m *backupManifest) {
					m.Files = append(m.Files, backupFile{Path: "../evil", Size: 1})
				})
				return n, b
			})
		}, "not a file of a data directory"},
		{"a huge entry", func() string {
			return rewriteArchive(t, good, func(n []string, b [][]byte) ([]string, [][]byte) {
				editManifest(t, b, func(m *backupManifest) {
					for i := range m.Files {
						if m.Files[i].Path == "secret.key" {
							m.Files[i].Size = 1 << 30
						}
					}
				})
				return n, b
			})
		}, "more than the"},
		{"a missing file", func() string {
			return rewriteArchive(t, good, func(n []string, b [][]byte) ([]string, [][]byte) {
				i := indexOf(n, "origin")
				return append(n[:i:i], n[i+1:]...), append(b[:i:i], b[i+1:]...)
			})
		}, "not in the archive"},
		{"no manifest first", func() string {
			return rewriteArchive(t, good, func(n []string, b [][]byte) ([]string, [][]byte) {
				return n[1:], b[1:]
			})
		}, "first entry must be manifest.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			code, out := runTrust(t, "restore", c.archive(), "--data", dir)
			if code == 0 || !strings.Contains(out, c.want) {
				t.Errorf("exit %d, want a refusal saying %q:\n%s", code, c.want, out)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("a refused restore left %s behind: %v", dir, err)
			}
			if _, err := os.Stat(filepath.Join(outside, "evil")); !os.IsNotExist(err) {
				t.Errorf("a file was written outside the data directory: %v", err)
			}
		})
	}

	t.Run("a data directory that is not empty", func(t *testing.T) {
		dir := t.TempDir()
		keep := filepath.Join(dir, "ikrar.db")
		os.WriteFile(keep, []byte("live"), 0o600)
		code, out := runTrust(t, "restore", good, "--data", dir)
		if code == 0 || !strings.Contains(out, "is not empty") {
			t.Errorf("exit %d:\n%s", code, out)
		}
		if b, _ := os.ReadFile(keep); string(b) != "live" {
			t.Errorf("the refused restore changed %s: %q", keep, b)
		}
	})
	t.Run("a backup over an existing file", func(t *testing.T) {
		code, out := runTrust(t, "backup", "--data", r.dir, good)
		if code == 0 || !strings.Contains(out, "already exists") {
			t.Errorf("exit %d:\n%s", code, out)
		}
		if code, out := runTrust(t, "restore", good, "--data", filepath.Join(t.TempDir(), "d")); code != 0 {
			t.Errorf("the first backup no longer restores: exit %d\n%s", code, out)
		}
	})
}

// backup copies a database of an older schema as it is, never migrating
// the live one, and refuses one of a newer schema, naming both versions.
func TestBackupNeverMigrates(t *testing.T) {
	r := seededTrustRegistry(t)
	r.close()
	known, err := sqlite.KnownSchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	schemaOf := func(dir string) int {
		t.Helper()
		var v int
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "ikrar.db")+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	// An older binary's database, as far as the version table says.
	tamperDB(t, r.dir, func(exec func(q string, args ...any) sql.Result) {
		exec(`DELETE FROM schema_migrations WHERE version = ?`, known)
	})
	archive := filepath.Join(t.TempDir(), "old.tar.gz")
	code, out := runTrust(t, "backup", "--data", r.dir, archive)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("schema %d", known-1)) {
		t.Fatalf("backup of schema %d: exit %d\n%s", known-1, code, out)
	}
	if v := schemaOf(r.dir); v != known-1 {
		t.Errorf("the backup migrated the live database to schema %d", v)
	}

	tamperDB(t, r.dir, func(exec func(q string, args ...any) sql.Result) {
		exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0), (?, 0)`, known, known+1)
	})
	code, out = runTrust(t, "backup", "--data", r.dir, filepath.Join(t.TempDir(), "new.tar.gz"))
	if want := fmt.Sprintf("schema version %d, newer than the %d this ikrar knows", known+1, known); code == 0 || !strings.Contains(out, want) {
		t.Errorf("backup of a newer schema: exit %d, want %q:\n%s", code, want, out)
	}
}

// backupDatabase runs ikrar backup on dataDir and writes the database it
// holds to dst, as an inspector handed only the database would have it.
func backupDatabase(t *testing.T, dataDir, dst string) {
	t.Helper()
	archive := filepath.Join(t.TempDir(), "backup.tar.gz")
	if code, out := runTrust(t, "backup", "--data", dataDir, archive); code != 0 {
		t.Fatalf("backup: exit %d\n%s", code, out)
	}
	rewriteArchive(t, archive, func(names []string, bodies [][]byte) ([]string, [][]byte) {
		if err := os.WriteFile(dst, bodies[indexOf(names, "ikrar.db")], 0o600); err != nil {
			t.Fatal(err)
		}
		return names, bodies
	})
}
