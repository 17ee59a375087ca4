package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
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
	if _, err := a.db.LimitPages(ctx, 1); err != nil {
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
	if _, err := a.db.LimitPages(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	p = phone.submit(confirm, slug+"/sign", url.Values{"signature_strokes": {strokesJSON()}, "consent": {"1"}})
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat")
	if n := f.signedCount(t, f.e); n != signed+1 {
		t.Fatalf("%d records after space returned, want %d", n, signed+1)
	}
}
