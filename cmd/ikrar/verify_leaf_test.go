package main

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// verify --online recomputes the leaves itself: a registry that vouches
// for a forged PDF ("matches": true), or that serves a pledge text other
// than the one its leaf names, is caught by the issuance leaf and the
// pledge hash, not trusted.
func TestVerifyOnlineDoesNotTrustTheRegistry(t *testing.T) {
	r := seededTrustRegistry(t)
	base := r.serve(t)
	keyFile := writeKeyFile(t, r.dir)
	sig := r.sigs[0]
	issued := r.renderPDF(t, sig, base)
	sum := sha256.Sum256(issued)
	if ok, err := r.a.db.StorePDF(t.Context(), registry.IssuedPDF{SignatureID: sig.ID, PDF: issued, SHA256: hex.EncodeToString(sum[:])}); err != nil || !ok {
		t.Fatalf("issue: %v %v", ok, err)
	}
	r.checkpoint(t)
	genuine := writeTrustFile(t, "genuine.pdf", issued)

	code, out := runTrust(t, "verify", genuine, "--key", keyFile, "--online", base)
	if code != 0 || !strings.Contains(out, "ok  PENERBITAN TERCATAT / ISSUANCE LOGGED") || !strings.Contains(out, "ok  PDF TERCATAT / PDF LOGGED") {
		t.Fatalf("genuine issued PDF: exit %d\n%s", code, out)
	}

	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	liar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch {
		case strings.HasSuffix(req.URL.Path, "/pdf") && req.Method == http.MethodPost:
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"sha256": "x", "issued_sha256": "x", "matches": true}`))
		case strings.HasPrefix(req.URL.Path, "/api/v1/pledges/"):
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write([]byte("ikrar-pledge/v1\ntitle: Ikrar lain\n"))
		default:
			proxy.ServeHTTP(w, req)
		}
	}))
	t.Cleanup(liar.Close)
	code, out = runTrust(t, "verify", "--qr", r.qrText(t, sig, base), "--key", keyFile, "--online", liar.URL)
	if code != 1 || !strings.Contains(out, "!!  TEKS IKRAR TIDAK TERBUKTI / PLEDGE TEXT NOT PROVED") {
		t.Errorf("a registry serving another pledge text: exit %d\n%s", code, out)
	}
	// A changed copy the lying registry says matches is caught by the
	// fingerprint its issuance leaf logged.
	forged := append([]byte(nil), issued...)
	forged = append(forged, []byte("\n% appended\n")...)
	code, out = runTrust(t, "verify", writeTrustFile(t, "forged.pdf", forged), "--key", keyFile, "--online", liar.URL)
	if code != 1 || !strings.Contains(out, "!!  PDF DIUBAH / ALTERED PDF: SHA-256 berkas ini bukan yang tercatat saat penerbitan") {
		t.Errorf("a changed PDF the registry says matches: exit %d\n%s", code, out)
	}
}
