package web_test

import (
	"net/http"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// getRevocations fetches the signed revocation list and opens it with the
// keys the registry publishes.
func (a *testApp) getRevocations(t *testing.T) (translog.RevocationList, response) {
	t.Helper()
	a.waitCheckpointed(t)
	r := a.do(t, "GET", "/api/v1/log/revocations", "", "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("revocation list: %d %s", r.Status, r.Body)
	}
	l, err := translog.OpenRevocationList(r.Body, a.verifiers(t))
	if err != nil {
		t.Fatalf("revocation list does not open with the published keys: %v\n%s", err, r.Body)
	}
	return l, r
}

// verifiers are the keys the registry publishes.
func (a *testApp) verifiers(t *testing.T) note.Verifiers {
	t.Helper()
	keys := a.do(t, "GET", "/api/v1/log/key", "", "", nil)
	verifiers, err := translog.ParseVerifierKeys(string(keys.Body))
	if err != nil {
		t.Fatal(err)
	}
	return verifiers
}

func (a *testApp) latestCheckpoint(t *testing.T) translog.Checkpoint {
	t.Helper()
	r := a.do(t, "GET", "/api/v1/log/checkpoint", "", "", nil)
	cp, err := translog.OpenCheckpoint(r.Body, a.verifiers(t))
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

// TestRevocationList: the signed list names exactly the revoked
// certificates as of the latest checkpoint, a revocation shows in it with
// the checkpoint that logs it, erasure does not take it out, and it is
// served once per checkpoint with an ETag.
func TestRevocationList(t *testing.T) {
	f := newSigningFixture(t, siti, andre, fitri)
	codes := map[string]string{}
	for _, p := range []person{siti, andre, fitri} {
		codes[p.NIP] = f.a.mustSign(t, f.e, p).Certificate.Code
	}
	l, first := f.a.getRevocations(t)
	if l.Size != 3 || len(l.Codes) != 0 || l.Origin != "ikrar.test/log" {
		t.Fatalf("list before any revocation: %+v", l)
	}
	if ct := first.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("content type %q", ct)
	}
	if _, err := translog.ParseCheckpoint(strings.SplitN(string(first.Body), "\n\n", 2)[0] + "\n"); err == nil {
		t.Error("the list's text parses as a checkpoint")
	}

	// Unchanged log: the same bytes, and a 304 for the same ETag.
	etag := first.Header.Get("ETag")
	if etag == "" || first.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("ETag %q, Cache-Control %q", etag, first.Header.Get("Cache-Control"))
	}
	if _, again := f.a.getRevocations(t); string(again.Body) != string(first.Body) {
		t.Errorf("list signed again for the same checkpoint:\n%s\n%s", first.Body, again.Body)
	}
	req, err := http.NewRequest("GET", f.a.URL+"/api/v1/log/revocations", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("If-None-Match", etag)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the current ETag: %v %v, want 304", resp.StatusCode, err)
	} else {
		resp.Body.Close()
	}

	for _, p := range []person{fitri, siti} {
		if r := f.a.api(t, "POST", "/api/v1/certificates/"+codes[p.NIP]+"/revoke", f.token, map[string]any{"reason": "Salah orang"}); r.Status != http.StatusOK {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
	}
	l, next := f.a.getRevocations(t)
	cp := f.a.latestCheckpoint(t)
	want := []string{codes[fitri.NIP], codes[siti.NIP]}
	if want[0] > want[1] {
		want[0], want[1] = want[1], want[0]
	}
	if l.Size != 5 || cp.Size != l.Size || strings.Join(l.Codes, " ") != strings.Join(want, " ") {
		t.Fatalf("list after two revocations: %+v (checkpoint %d), want size 5 and %q", l, cp.Size, want)
	}
	if next.Header.Get("ETag") == etag {
		t.Error("a new list kept the old ETag")
	}
	if l.Revoked(codes[andre.NIP]) {
		t.Error("a valid certificate is listed as revoked")
	}

	// Erasure removes personal data, not the revocation.
	if r := f.a.api(t, "POST", "/api/v1/certificates/"+codes[siti.NIP]+"/erase", f.token, map[string]any{"reason": "Permintaan pemilik data"}); r.Status != http.StatusOK {
		t.Fatalf("erase: %d %s", r.Status, r.Body)
	}
	if r := f.a.api(t, "POST", "/api/v1/certificates/"+codes[andre.NIP]+"/revoke", f.token, map[string]any{"reason": "Salah orang"}); r.Status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	l, _ = f.a.getRevocations(t)
	if l.Size != 6 || len(l.Codes) != 3 || !l.Revoked(codes[siti.NIP]) || !l.Revoked(codes[andre.NIP]) {
		t.Errorf("list after erasing a revoked record and revoking another: %+v", l)
	}
}
