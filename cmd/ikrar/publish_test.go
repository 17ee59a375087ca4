package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ikrar serve --publish writes the last signed checkpoint to a directory
// target at start, so a target catches up with what was signed while the
// server was down (each new signing goes through the same hook, see
// internal/publish and the checkpointer's tests); a bad targets file stops
// the start with the line named.
func TestServePublishesCheckpoints(t *testing.T) {
	r := seededTrustRegistry(t)
	r.close()
	out := t.TempDir()
	targets := writeTrustFile(t, "publish.txt", []byte("# where the regency's checkpoints go\ndir:"+out+"\n"))

	bad := writeTrustFile(t, "bad.txt", []byte("dir:"+out+"\nhttp://saksi.example.go.id/\n"))
	if code, msg := runTrust(t, "serve", "--addr", freeAddr(t), "--data", r.dir, "--publish", bad); code != 2 || !strings.Contains(msg, "line 2") {
		t.Errorf("bad --publish file: exit %d\n%s", code, msg)
	}

	base, _, stop := startServe(t, "--data", r.dir, "--publish", targets)
	_, first := httpGet(t, base+"/api/v1/log/checkpoint")
	waitForFile(t, filepath.Join(out, "latest.checkpoint"), first)

	stop()
	size := strings.Split(string(first), "\n")[1]
	if b, err := os.ReadFile(filepath.Join(out, size+".checkpoint")); err != nil || !bytes.Equal(b, first) {
		t.Errorf("%s.checkpoint: %v\n%s", size, err, b)
	}
}

func waitForFile(t *testing.T, path string, want []byte) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(path)
		if bytes.Equal(b, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s holds\n%s\nwant\n%s", path, b, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
