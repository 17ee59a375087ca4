package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

// TestCloseEventAsksFirst: "Tutup acara" posted without confirmation (a
// browser without JavaScript, or a stray click) leaves the event open and
// asks on a page of its own; its button closes the event.
func TestCloseEventAsksFirst(t *testing.T) {
	f := newExportFixture(t)
	eventPage := f.admin.get(f.path(""))
	wantPage(t, eventPage, http.StatusOK, `data-confirm="Tutup acara ini?`, "/static/js/confirm.js?v=")
	action := f.path("/status")
	p := f.admin.submit(eventPage, action, nil)
	wantPage(t, p, http.StatusOK, "Tutup acara ini?", "Ya, tutup acara", eventTitle, `name="confirm" value="1"`)
	if s := f.eventStatus(t); s != "open" {
		t.Fatalf("after a close without confirmation the event is %q, want open", s)
	}
	// A forged POST without the field does not close it either.
	f.admin.post(action, url.Values{"_csrf": {f.admin.csrf(eventPage)}, "status": {"closed"}})
	if s := f.eventStatus(t); s != "open" {
		t.Fatalf("after a POST without confirm=1 the event is %q, want open", s)
	}
	p = f.admin.submit(p, action, nil)
	wantPage(t, p, http.StatusOK, eventTitle, "Buka kembali")
	if s := f.eventStatus(t); s != "closed" {
		t.Errorf("after confirming, the event is %q, want closed", s)
	}
	f.wantAudit(t, "event.closed")
}

// TestReissueAsksFirst: "ganti tautan" without confirmation keeps the old
// personal link working and asks, naming the participant; confirming
// replaces it.
func TestReissueAsksFirst(t *testing.T) {
	f := newExportFixture(t)
	list := f.admin.get(f.path("/followup"))
	wantPage(t, list, http.StatusOK, fmt.Sprintf(`data-confirm="Ganti tautan pribadi %s?`, fitri.fullName()))
	old := find(t, `(?s)`+regexp.QuoteMeta(fitri.fullName())+`.*?href="([^"]+/p/[^"]+)">tautan pribadi`, list.Body)
	empID := find(t, `<tr id="p(\d+)">\s*<td class="mono nowrap">`+regexp.QuoteMeta(fitri.grouped()), list.Body)
	action := f.path("/links/" + empID + "/reissue")
	p := f.admin.submit(list, action, nil)
	wantPage(t, p, http.StatusOK, "Ganti tautan pribadi?", "Ya, ganti tautan", fitri.fullName())
	wantPage(t, f.a.browser(t).get(old), http.StatusOK, "Apakah ini Anda?")
	p = f.admin.submit(p, action, nil)
	wantPage(t, p, http.StatusOK, "Tautan pribadi baru untuk "+fitri.fullName())
	wantPage(t, f.a.browser(t).get(old), http.StatusForbidden, "Tautan pribadi tidak valid")
}

// eventStatus is the fixture's event status as the API reports it.
func (f exportFixture) eventStatus(t *testing.T) string {
	t.Helper()
	var ev eventJSON
	f.a.api(t, "GET", fmt.Sprintf("/api/v1/events/%d", f.e.ID), f.token, nil).decode(t, &ev)
	return ev.Status
}
