package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// namedRegistry is newTrustRegistry for a log named origin.
func namedRegistry(t *testing.T, origin string) *trustRegistry {
	t.Helper()
	r := &trustRegistry{dir: t.TempDir()}
	a, err := openApp(t.Context(), r.dir, origin)
	if err != nil {
		t.Fatal(err)
	}
	r.a = a
	t.Cleanup(r.close)
	if err := createDemo(t.Context(), a, registry.Actor{User: registry.System, IP: "test"}); err != nil {
		t.Fatal(err)
	}
	events, err := a.db.Events(t.Context(), "/")
	if err != nil || len(events) == 0 {
		t.Fatalf("demo event: %v", err)
	}
	r.event = events[0]
	if r.emps, _, err = a.db.Employees(t.Context(), registry.EmployeeFilter{Scope: "/", Limit: 1000}); err != nil {
		t.Fatal(err)
	}
	return r
}

// runRefusal runs a command that should refuse to start; a serve that
// starts anyway stops after a few seconds and reports exit 0, so the test
// fails instead of hanging.
func runRefusal(t *testing.T, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	var out, errOut syncBuffer
	err := run(ctx, args, strings.NewReader(""), &out, &errOut, noEnv)
	var ex exitError
	switch {
	case err == nil:
		return 0, out.String() + errOut.String()
	case errors.As(err, &ex):
		return ex.code, out.String() + errOut.String() + "\nexit: " + ex.msg
	}
	return 1, out.String() + errOut.String() + "\nerror: " + err.Error()
}

// dirState is what a data directory holds of its log's names and keys.
func keyFiles(t *testing.T, dir string) string {
	t.Helper()
	var have []string
	for _, name := range []string{"secret.key", "origin"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			have = append(have, name)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "keys"))
	for _, e := range entries {
		have = append(have, "keys/"+e.Name())
	}
	return strings.Join(have, " ")
}

// A data directory that has a log — leaves, or only the empty checkpoint
// the first serve signs — but lost its keys, secret or origin refuses to
// start, names what is missing and how to restore it, and creates nothing:
// serve, the commands that sign and those that open the registry alike.
// (The audit is not one of them: it needs only the published keys, and
// refuses without them — TestAuditBackupWithPublishedKeys.)
func TestMissingKeysRefuseToStart(t *testing.T) {
	withLeaves := seededTrustRegistry(t)
	withLeaves.close()
	emptyLog := newTrustRegistry(t)
	emptyLog.checkpoint(t)
	emptyLog.close()

	for _, src := range []struct{ name, dir string }{{"leaves", withLeaves.dir}, {"empty checkpoint", emptyLog.dir}} {
		for _, missing := range []string{"keys", "secret.key", "origin"} {
			for _, cmd := range [][]string{
				{"serve", "--addr", "127.0.0.1:0"},
				{"serve", "--addr", "127.0.0.1:0", "--base-url", "https://ikrar.example.go.id"},
				{"key", "rotate"}, {"key", "list"}, {"migrate"},
			} {
				dir := copyDataDir(t, src.dir)
				if err := os.RemoveAll(filepath.Join(dir, missing)); err != nil {
					t.Fatal(err)
				}
				before := keyFiles(t, dir)
				code, out := runRefusal(t, append(cmd, "--data", dir)...)
				name := src.name + " without " + missing + ": " + strings.Join(cmd, " ")
				if code != 1 || !strings.Contains(out, missing) || !strings.Contains(out, "is missing") ||
					!strings.Contains(out, "ikrar backup") {
					t.Errorf("%s: exit %d, want a refusal naming %s and the backup\n%s", name, code, missing, out)
				}
				if after := keyFiles(t, dir); after != before {
					t.Errorf("%s: the refusal changed the directory from %q to %q", name, before, after)
				}
			}
		}
	}
}

// A fresh data directory gets its secret, origin and first key from the
// first serve; the commands run before it create no origin and no key, so
// the log is named after the URL it is served at.
func TestOriginNamedAtFirstServe(t *testing.T) {
	dir := t.TempDir()
	if out, errOut, err := runCLI(t.Context(), "Rahasia-Kuat-2024!\n", "user", "add", "--data", dir,
		"--email", "admin@example.go.id", "--name", "Admin", "--role", "superadmin"); err != nil {
		t.Fatalf("user add: %v\n%s%s", err, out, errOut)
	}
	if _, errOut, err := runCLI(t.Context(), "", "migrate", "--data", dir); err != nil {
		t.Fatalf("migrate: %v\n%s", err, errOut)
	}
	if got := keyFiles(t, dir); strings.Contains(got, "origin") || strings.Contains(got, "keys/") {
		t.Fatalf("commands before the first serve named the log: %s", got)
	}
	if code, out := runTrust(t, "key", "list", "--data", dir); code != 1 || !strings.Contains(out, "no log yet") {
		t.Errorf("key list before the first serve: exit %d\n%s", code, out)
	}

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	addr := freeAddr(t)
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--data", dir, "--base-url", "https://ikrar.example.go.id"},
			strings.NewReader(""), &stdout, &stderr, noEnv)
	}()
	waitHealthy(t, "http://"+addr, done)
	_, body := httpGet(t, "http://"+addr+"/api/v1/log/checkpoint")
	if first, _, _ := strings.Cut(string(body), "\n"); first != "ikrar.example.go.id/ikrar" {
		t.Errorf("checkpoint names the log %q, want ikrar.example.go.id/ikrar\n%s", first, body)
	}
	_, keys := httpGet(t, "http://"+addr+"/api/v1/log/key?windows=1")
	if !strings.HasPrefix(string(keys), "ikrar.example.go.id/ikrar+") || !strings.Contains(string(keys), " not-before 20") {
		t.Errorf("key list with windows: %s", keys)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v\n%s", err, stderr.String())
	}
	if b, err := os.ReadFile(filepath.Join(dir, "origin")); err != nil || string(b) != "ikrar.example.go.id/ikrar\n" {
		t.Errorf("origin file %q, %v", b, err)
	}
	if got := keyFiles(t, dir); !strings.Contains(got, "secret.key") || !strings.Contains(got, "keys/signer-1.key") ||
		!strings.Contains(got, "keys/window-1.txt") {
		t.Errorf("the first serve did not create the secret and key: %s", got)
	}
}

// A log named for a local host is not served at a public address. With
// leaves logged there is no way out; while the log is empty, `ikrar key
// origin` renames it, replacing the keys that signed nothing but empty
// checkpoints.
func TestLocalOriginAtPublicURLRefused(t *testing.T) {
	const public = "https://ikrar.example.go.id"
	serveArgs := func(dir string) []string {
		return []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--base-url", public}
	}

	logged := namedRegistry(t, "localhost:8080/ikrar")
	logged.sign(t)
	logged.checkpoint(t)
	logged.close()
	before := keyFiles(t, logged.dir)
	if code, out := runRefusal(t, serveArgs(logged.dir)...); code != 1 || !strings.Contains(out, "already holds 1 leaves") {
		t.Errorf("serve a logged localhost origin at %s: exit %d\n%s", public, code, out)
	}
	if code, out := runTrust(t, "key", "origin", "--data", logged.dir, "ikrar.example.go.id/ikrar"); code != 1 || !strings.Contains(out, "cannot be renamed") {
		t.Errorf("key origin on a log with leaves: exit %d\n%s", code, out)
	}
	if after := keyFiles(t, logged.dir); after != before {
		t.Errorf("refusals changed the directory from %q to %q", before, after)
	}

	empty := namedRegistry(t, "localhost/ikrar")
	empty.checkpoint(t)
	empty.close()
	code, out := runRefusal(t, serveArgs(empty.dir)...)
	if hint := "ikrar key origin --data " + empty.dir + " ikrar.example.go.id/ikrar"; code != 1 || !strings.Contains(out, hint) {
		t.Fatalf("serve an empty localhost log at %s: exit %d, want the hint %q\n%s", public, code, hint, out)
	}
	for _, bad := range []string{"", "ikrar example/ikrar", "ikrar.example.go.id+x"} {
		if code, out := runTrust(t, "key", "origin", "--data", empty.dir, bad); code != 2 {
			t.Errorf("key origin %q: exit %d\n%s", bad, code, out)
		}
	}
	if code, out := runTrust(t, "key", "origin", "--data", empty.dir, "ikrar.example.go.id/ikrar"); code != 0 {
		t.Fatalf("key origin: exit %d\n%s", code, out)
	}
	a, err := openServe(t.Context(), empty.dir, "", "ikrar.example.go.id/ikrar", public)
	if err != nil {
		t.Fatalf("serve after renaming the empty log: %v", err)
	}
	defer a.Close()
	if got := a.keys.VerifierKeys(); len(got) != 1 || !strings.HasPrefix(got[0], "ikrar.example.go.id/ikrar+") {
		t.Errorf("keys after renaming: %q", got)
	}
	if _, err := a.db.LatestCheckpoint(t.Context()); !registry.IsCode(err, registry.ENOTFOUND) {
		t.Errorf("the old name's empty checkpoint was kept: %v", err)
	}

	// A local origin is served at a local address, as in development.
	local, err := openServe(t.Context(), logged.dir, "", "localhost:8080/ikrar", "http://localhost:8080")
	if err != nil {
		t.Fatalf("serve a localhost log locally: %v", err)
	}
	local.Close()
}

// A rotation hands over: the checkpoint it signs verifies with the old key
// alone and with the new key alone; afterwards the old private key is gone
// from the data directory (exported first when asked), both verifier keys
// stay published with their windows, and the old key's window has ended.
func TestKeyRotateCrossSigns(t *testing.T) {
	r := seededTrustRegistry(t)
	r.close()
	oldKeys := strings.Fields(string(readTrustFile(t, writeKeyFile(t, r.dir))))
	exported := filepath.Join(t.TempDir(), "key-1.private")

	code, out := runTrust(t, "key", "rotate", "--data", r.dir, "--export-old", exported)
	if code != 0 || !strings.Contains(out, "cross-signed") {
		t.Fatalf("key rotate: exit %d\n%s", code, out)
	}
	newKeys := strings.Fields(string(readTrustFile(t, writeKeyFile(t, r.dir))))
	if len(oldKeys) != 1 || len(newKeys) != 2 || newKeys[0] != oldKeys[0] {
		t.Fatalf("verifier keys before %q, after %q", oldKeys, newKeys)
	}

	a, err := openApp(t.Context(), r.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	latest, err := a.db.LatestCheckpoint(t.Context())
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	for i, vkey := range newKeys {
		vs, err := translog.ParseVerifierKeys(vkey)
		if err != nil {
			t.Fatal(err)
		}
		if c, err := translog.OpenCheckpoint(latest.Note, vs); err != nil || c.Size != latest.Size {
			t.Errorf("the handover checkpoint does not verify with key %d alone: %v\n%s", i+1, err, latest.Note)
		}
	}
	if code, out := runTrust(t, "audit", "--data", r.dir); code != 0 {
		t.Errorf("audit after the handover: exit %d\n%s", code, out)
	}

	if _, err := os.Stat(filepath.Join(r.dir, "keys", "signer-1.key")); !os.IsNotExist(err) {
		t.Errorf("the retired private key is still on disk: %v", err)
	}
	info, err := os.Stat(exported)
	if err != nil || info.Mode().Perm() != 0o600 || !strings.HasPrefix(string(readTrustFile(t, exported)), "PRIVATE+KEY+"+trustOrigin+"+") {
		t.Errorf("exported key: %v %v", info, err)
	}

	code, out = runTrust(t, "key", "list", "--data", r.dir, "--windows")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], oldKeys[0]+" not-before ") ||
		strings.HasSuffix(lines[0], "not-after -") || !strings.HasPrefix(lines[1], newKeys[1]+" not-before ") {
		t.Fatalf("key list --windows: exit %d\n%s", code, out)
	}
	wantHandover := " handover " + strconv.FormatInt(latest.Size, 10)
	if !strings.HasSuffix(lines[0], wantHandover) || strings.Contains(lines[1], "handover") {
		t.Errorf("key list --windows does not name the handover checkpoint %d:\n%s", latest.Size, out)
	}
	oldEnd, _ := time.Parse(time.RFC3339, strings.Fields(lines[0])[4])
	if time.Since(oldEnd) < 0 || time.Since(oldEnd) > time.Minute {
		t.Errorf("the old key's window ends at %v, not at the rotation", oldEnd)
	}

	// Without --export-old the retired key is simply gone.
	if code, out := runTrust(t, "key", "rotate", "--data", r.dir); code != 0 {
		t.Fatalf("second rotate: exit %d\n%s", code, out)
	}
	if got := keyFiles(t, r.dir); strings.Contains(got, "signer-2.key") || !strings.Contains(got, "signer-3.key") ||
		!strings.Contains(got, "verifier-1.pub") || !strings.Contains(got, "verifier-2.pub") {
		t.Errorf("after the second rotation: %s", got)
	}
}

// A key whose window has ended does not sign: serve refuses to start and
// says to rotate.
func TestExpiredKeyRefusesToServe(t *testing.T) {
	r := seededTrustRegistry(t)
	r.close()
	past := translog.Window{NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-time.Hour)}
	if err := os.WriteFile(filepath.Join(r.dir, "keys", "window-1.txt"), []byte(past.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out := runRefusal(t, "serve", "--addr", "127.0.0.1:0", "--data", r.dir)
	if code != 1 || !strings.Contains(out, "outside its validity window") || !strings.Contains(out, "ikrar key rotate") {
		t.Errorf("serve with an expired key: exit %d\n%s", code, out)
	}
}
