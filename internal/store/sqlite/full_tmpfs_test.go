package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// A real full disk, where the OS answers ENOSPC: a 4 MB tmpfs under the
// database. It fills, signings fail with storage_full and store nothing
// half, and once the file system is grown (space returning) the same
// store signs again. Mounting needs root, which CI has; elsewhere
// TestDiskFullFailsSigningsWholeAndRecovers covers the same behaviour
// through SQLite's page cap.
func TestDiskFullOnRealDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })

	const n = 3000
	f := mustFixtureAt(t, filepath.Join(dir, "ikrar.db"), n)
	ctx := context.Background()
	stored := 0
	var full error
	for i := 0; i < n-10 && full == nil; i++ {
		switch err := f.db.InsertSignature(ctx, newSig(f, i, fmt.Sprintf("R%011d", i))); {
		case err == nil:
			stored++
		case registry.IsCode(err, registry.EFULL):
			full = err
		default:
			t.Fatalf("signing %d on a filling disk: %v, want storage_full", i, err)
		}
	}
	if full == nil {
		t.Fatalf("%d signings fit in a 4 MB file system", stored)
	}
	t.Logf("full after %d signings: %v", stored, full)
	mustAuditLog(t, f, int64(stored))

	if out, err := exec.Command("mount", "-o", "remount,size=64m", dir).CombinedOutput(); err != nil {
		t.Fatalf("grow the tmpfs: %v: %s", err, out)
	}
	for i := range 10 {
		if err := f.db.InsertSignature(ctx, newSig(f, n-10+i, fmt.Sprintf("S%011d", i))); err != nil {
			t.Fatalf("signing after space returned: %v", err)
		}
	}
	mustAuditLog(t, f, int64(stored+10))
}
