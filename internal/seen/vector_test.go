package seen

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// The state directory of docs/FORMATS.md §10, as testdata/state-v1 holds
// it: the checkpoint of the checkpoint vector (FORMATS.md §1), remembered
// for its log at 2025-12-06T05:46:40Z.
func TestStateVector(t *testing.T) {
	dir := t.TempDir()
	err := os.CopyFS(dir, os.DirFS("testdata/state-v1"))
	if err != nil {
		t.Fatal(err)
	}
	verifiers, err := translog.ParseVerifierKeys("ikrar.example.go.id/ikrar+f4d6afb1+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4")
	if err != nil {
		t.Fatal(err)
	}
	d := mustOpen(t, dir)
	l, err := d.Log("ikrar.example.go.id/ikrar", verifiers)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := l.Latest()
	if !ok || len(l.Seen) != 1 || s.Checkpoint.Size != 3 || s.Checkpoint.Root.String() != "d0vCtf2qFtI+TlQb63pfFMvyoe5ZCn3ALRjtrFQy25I=" ||
		!s.At.Equal(time.Date(2025, 12, 6, 5, 46, 40, 0, time.UTC)) {
		t.Fatalf("read %+v", l.Seen)
	}
	// What this package writes for that checkpoint is the vector's file.
	d2 := mustOpen(t, t.TempDir())
	l2, err := d2.Log(l.Origin, verifiers)
	if err != nil {
		t.Fatal(err)
	}
	if err := d2.Remember(l2, s); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join("logs", "ikrar.example.go.id%2Fikrar", "3-1765000000.checkpoint")
	for _, name := range []string{"ikrar-state", want} {
		a, err1 := fs.ReadFile(os.DirFS("testdata/state-v1"), filepath.ToSlash(name))
		b, err2 := os.ReadFile(filepath.Join(d2.Path(), name))
		if err1 != nil || err2 != nil || string(a) != string(b) {
			t.Errorf("%s: written %q, vector %q (%v, %v)", name, b, a, err1, err2)
		}
	}
}
