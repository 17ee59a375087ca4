package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ikrar-id/ikrar/internal/web"
)

// A full disk: a signing through the API answers 503 storage_full with
// Retry-After, a signer on the form gets the form back with a clear
// message and the same 503, nothing half-written is counted, and once
// space returns signing works again without a restart. The full disk is
// SQLite's own SQLITE_FULL, made by capping the database's pages.
func TestDiskFullSigning(t *testing.T) {
	roster := staff(1, 200, "Bidang Aplikasi Informatika")
	f := newSigningFixture(t, roster...)
	a := f.a
	ctx := context.Background()
	// The checkpointer cannot store checkpoints either, and each refusal
	// is logged for the operator.
	a.expectErrors.Store(1 << 20)
	a.sqliteOnly(t)
	if _, err := a.lite.LimitPages(ctx, 1); err != nil {
		t.Fatal(err)
	}
	signed, next := 0, 0
	var full response
	for ; next < len(roster)-1; next++ {
		p := roster[next]
		r := a.sign(t, f.e, map[string]any{"nip": p.NIP, "event_code": f.e.EventCode, "consent": true, "signature_strokes": json.RawMessage(strokesJSON())})
		if r.Status == http.StatusCreated {
			signed++
			continue
		}
		full = r
		next++
		break
	}
	if full.Status == 0 {
		t.Fatalf("%d signings fit in a full database", signed)
	}
	full.wantError(t, http.StatusServiceUnavailable, "storage_full")
	if got := full.Header.Get("Retry-After"); got != "120" {
		t.Errorf("Retry-After %q, want 120", got)
	}
	if !strings.Contains(string(full.Body), "tanda tangan Anda belum tersimpan") {
		t.Errorf("the API does not say the signature was not saved: %s", full.Body)
	}

	// /readyz says so, though statfs shows room: the balancer drains.
	wantReady(t, a, http.StatusServiceUnavailable, "storage_full")

	// On the form: the confirm page again, the drawn signature kept.
	phone := a.browser(t)
	slug := strings.TrimPrefix(f.e.URL, a.URL)
	p := phone.submit(phone.get(slug), slug, url.Values{"nip": {roster[next].NIP}, "code": {f.e.EventCode}})
	wantPage(t, p, http.StatusOK, "Apakah ini Anda?")
	confirm := p
	p = phone.submit(confirm, slug+"/sign", url.Values{"signature_strokes": {strokesJSON()}, "consent": {"1"}})
	wantPage(t, p, http.StatusServiceUnavailable, "Penyimpanan server penuh", "tanda tangan Anda belum tersimpan", "Apakah ini Anda?")
	if got := p.Header.Get("Retry-After"); got != "120" {
		t.Errorf("the signing page's Retry-After %q, want 120", got)
	}
	if n := f.signedCount(t, f.e); n != signed {
		t.Fatalf("%d records counted, %d signings acknowledged", n, signed)
	}

	// Space returns: the same form, sent again, signs.
	if _, err := a.lite.LimitPages(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	p = phone.submit(confirm, slug+"/sign", url.Values{"signature_strokes": {strokesJSON()}, "consent": {"1"}})
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat")
	if n := f.signedCount(t, f.e); n != signed+1 {
		t.Fatalf("%d records after space returned, want %d", n, signed+1)
	}
	wantReady(t, a, http.StatusOK, "")
}

// wantReady checks /readyz's status and the code of its first failing
// check.
func wantReady(t *testing.T, a *testApp, status int, code string) {
	t.Helper()
	r := a.do(t, "GET", "/readyz", "", "", nil)
	var st struct {
		Code string `json:"code"`
	}
	r.decode(t, &st)
	if r.Status != status || st.Code != code {
		t.Fatalf("/readyz %d %q, want %d %q: %s", r.Status, st.Code, status, code, r.Body)
	}
}

// Certificates never take the room signings need: below the PDF reserve
// (twice --min-free-mb by default) a certificate not yet issued is refused
// with 503 storage_full, not served unstored, while signing goes on and
// certificates already issued still download; with room again it issues.
func TestPDFReserveKeepsRoomForSignings(t *testing.T) {
	var free atomic.Uint64
	free.Store(10 << 30)
	f := newSigningFixtureOn(t, newTestApp(t, func(o *web.Options) {
		o.MinFreeBytes = 256 << 20
		o.FreeBytes = func(string) (uint64, error) { return free.Load(), nil }
	}), siti, andre)
	a := f.a
	issued := a.mustSign(t, f.e, siti)
	first := a.do(t, "GET", issued.Certificate.PDFURL, "", "", nil)
	if first.Status != http.StatusOK || !bytes.HasPrefix(first.Body, []byte("%PDF-")) {
		t.Fatalf("certificate with room: %d %.80s", first.Status, first.Body)
	}

	free.Store(400 << 20) // above --min-free-mb, below the PDF reserve
	if r := a.do(t, "GET", "/readyz", "", "", nil); r.Status != http.StatusOK {
		t.Fatalf("/readyz with the database's room: %d %s", r.Status, r.Body)
	}
	a.expectErrors.Store(1 << 20)
	signed := a.mustSign(t, f.e, andre) // the record commits
	r := a.do(t, "GET", signed.Certificate.PDFURL, "", "", nil)
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") != "120" {
		t.Fatalf("new certificate below the PDF reserve: %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	for _, want := range []string{"sertifikat PDF ini belum dapat diterbitkan", "Catatan ikrar Anda tetap tersimpan"} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("the refusal does not say %q:\n%s", want, r.Body)
		}
	}
	if n := a.storedPDFs(t, signed.Certificate.Code); n != 0 {
		t.Errorf("a refused certificate was stored (%d rows)", n)
	}
	if again := a.do(t, "GET", issued.Certificate.PDFURL, "", "", nil); again.Status != http.StatusOK || !bytes.Equal(again.Body, first.Body) {
		t.Errorf("an issued certificate below the PDF reserve: %d, same bytes %v", again.Status, bytes.Equal(again.Body, first.Body))
	}

	free.Store(10 << 30)
	a.expectErrors.Store(0)
	if r := a.do(t, "GET", signed.Certificate.PDFURL, "", "", nil); r.Status != http.StatusOK || !bytes.HasPrefix(r.Body, []byte("%PDF-")) {
		t.Fatalf("certificate once room returned: %d %.80s", r.Status, r.Body)
	}
}
