package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ikrar under Litestream, as README (Backup and restore) documents it:
// Litestream replicates data/ikrar.db to a file replica while ikrar signs
// and checkpoints; the database restored from the replica, with keys/,
// secret.key and origin from the data directory, audits clean and holds
// every signing. Runs only where a litestream binary is on PATH (none is
// installed by .ci/run).
func TestLitestreamReplica(t *testing.T) {
	bin, err := exec.LookPath("litestream")
	if err != nil {
		t.Skip("litestream not on PATH")
	}
	r := newTrustRegistry(t)
	emps := addEmployees(t, r, 40)
	work := t.TempDir()
	cfg := filepath.Join(work, "litestream.yml")
	writeFile(t, cfg, fmt.Sprintf("dbs:\n  - path: %s\n    replicas:\n      - type: file\n        path: %s\n",
		filepath.Join(r.dir, "ikrar.db"), filepath.Join(work, "replica")))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ls := exec.CommandContext(ctx, bin, "replicate", "-config", cfg)
	var logs syncBuffer
	ls.Stdout, ls.Stderr = &logs, &logs
	if err := ls.Start(); err != nil {
		t.Fatal(err)
	}
	defer ls.Wait()
	time.Sleep(2 * time.Second)

	start := time.Now()
	for i, emp := range emps[:40] {
		if _, _, err := r.a.svc.Sign(t.Context(), typedSignRequest(t, r.event, emp)); err != nil {
			t.Fatalf("sign %d under litestream: %v\n%s", i, err, logs.String())
		}
		if i%10 == 9 {
			r.checkpoint(t)
		}
	}
	t.Logf("40 signings and 4 checkpoints under litestream in %s", time.Since(start).Round(time.Millisecond))
	time.Sleep(5 * time.Second) // litestream ships the WAL each second by default
	r.close()
	time.Sleep(2 * time.Second)
	cancel()
	ls.Wait()
	if info, err := os.Stat(filepath.Join(r.dir, "ikrar.db-wal")); err == nil {
		t.Logf("WAL left beside the database: %d bytes", info.Size())
	}

	restored := filepath.Join(t.TempDir(), "restored")
	if err := os.MkdirAll(restored, 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "restore", "-config", cfg, "-o", filepath.Join(restored, "ikrar.db"), filepath.Join(r.dir, "ikrar.db")).CombinedOutput()
	if err != nil {
		t.Fatalf("litestream restore: %v\n%s\n%s", err, out, logs.String())
	}
	for _, name := range []string{"secret.key", "origin", "keys"} {
		if err := exec.Command("cp", "-a", filepath.Join(r.dir, name), restored).Run(); err != nil {
			t.Fatal(err)
		}
	}
	code, audit := runTrust(t, "audit", "--data", restored)
	if code != 0 || !strings.Contains(audit, "40 leaves") {
		t.Errorf("audit of the Litestream restore: exit %d, want 40 leaves, clean\n%s\nlitestream:\n%s", code, audit, logs.String())
	}
}
