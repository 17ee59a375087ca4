package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestPersonalLink: a signer who got a personal link signs without the
// event code; the link is theirs alone.
func TestPersonalLink(t *testing.T) {
	f := newSigningFixture(t, siti, andre)
	a := f.a
	officer := f.officer
	admin := a.browser(t)
	admin.login(officer)
	p := admin.get(fmt.Sprintf("/admin/events/%d?status=pending", f.e.ID))
	link := find(t, `(?s)André Siregar, S\.H\.</td>.*?href="([^"]+/p/[^"]+)">tautan pribadi`, p.Body)
	if !strings.HasPrefix(link, f.e.URL+"/p/") {
		t.Fatalf("personal link %q is not under the event's link %s", link, f.e.URL)
	}

	phone := a.browser(t)
	p = phone.get(link)
	wantPage(t, p, http.StatusOK, "Apakah ini Anda?", "André Siregar, S.H.", andre.Unit)
	slug := strings.TrimPrefix(f.e.URL, a.URL)
	p = phone.submit(p, slug+"/sign", url.Values{"signature_strokes": {strokesJSON()}, "consent": {"1"}})
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat", "André Siregar, S.H.")
	certURL := p.URL.String()
	code := strings.TrimPrefix(p.URL.Path, "/c/")
	if again := phone.get(link); again.URL.String() != certURL {
		t.Errorf("opening the personal link again leads to %s, want %s", again.URL, certURL)
	}
	wantPage(t, a.browser(t).get("/v/"+code), http.StatusOK, bannerValid, "Tautan pribadi")

	// A link with one character changed, or another event's, is refused.
	flip := "A"
	if link[len(link)-1] == 'A' {
		flip = "B"
	}
	tampered := link[:len(link)-1] + flip
	p = a.browser(t).get(tampered)
	wantPage(t, p, http.StatusForbidden, "Tautan pribadi tidak valid")
	wantAbsent(t, "a tampered personal link", p.Body, "Apakah ini Anda?", andre.Name)
	other := a.mustEvent(t, f.token, f.regency.ID, "Acara Lain", nil)
	a.mustOpen(t, f.token, other.ID)
	p = a.browser(t).get(other.URL + link[strings.LastIndex(link, "/p/"):])
	wantPage(t, p, http.StatusForbidden, "Tautan pribadi tidak valid")
}

// TestClosedEventCertificate: after an event closes, a signer who
// identifies learns they signed and how to get the certificate; someone who
// did not sign is told signing is over and is not offered the pad.
func TestClosedEventCertificate(t *testing.T) {
	f := newSigningFixture(t, siti, andre)
	a := f.a
	signed := a.mustSign(t, f.e, siti)
	if r := a.api(t, "POST", fmt.Sprintf("/api/v1/events/%d/close", f.e.ID), f.token, nil); r.Status != http.StatusOK {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	slug := strings.TrimPrefix(f.e.URL, a.URL)

	phone := a.browser(t)
	p := phone.get(slug)
	wantPage(t, p, http.StatusOK, "sudah ditutup")
	p = phone.submit(p, slug, url.Values{"nip": {siti.grouped()}, "code": {f.e.EventCode}})
	wantPage(t, p, http.StatusOK, "Anda sudah menandatangani ikrar ini", siti.masked(), "tautan pribadi")
	wantAbsent(t, "a closed event's answer to NIP and code", p.Body, signed.Certificate.Code, "?k=", siti.NIP)

	late := a.browser(t)
	p = late.submit(late.get(slug), slug, url.Values{"nip": {andre.NIP}, "code": {f.e.EventCode}})
	wantPage(t, p, http.StatusConflict, "sudah ditutup")
	wantAbsent(t, "a closed event to someone who did not sign", p.Body, "Apakah ini Anda?", `action="`+slug+`/sign"`)
	if n := f.signedCount(t, f.e); n != 1 {
		t.Errorf("%d signatures, want 1", n)
	}
}

// TestEventTimeZone: an officer in Makassar enters times as the clock on
// their wall shows them, and the signing window follows them.
func TestEventTimeZone(t *testing.T) {
	a := newTestApp(t)
	org := &registry.Organization{Name: "Pemerintah Kota Makassar", Kind: registry.OrgCity, RegionCode: "73.71", TimeZone: "Asia/Makassar"}
	if err := a.svc.CreateOrganization(t.Context(), system, org); err != nil {
		t.Fatal(err)
	}
	officer := a.mustUser(t, "bkpsdm@makassar.test", registry.RoleAdmin, org.ID)
	a.mustImport(t, a.mustToken(t, officer), org.ID, rosterCSV(siti))
	admin := a.browser(t)
	admin.login(officer)
	// t0 is 10.00 WITA; signing opens at 10.30 WITA.
	p := admin.upload(admin.get("/admin/events/new"), "/admin/events", url.Values{"organization_id": {strconv.FormatInt(org.ID, 10)},
		"title": {"Deklarasi Netralitas ASN Kota Makassar"}, "mode": {"hybrid"}, "place": {"Balai Kota"}, "meeting_url": {"https://meet.example.id/ikrar"},
		"starts_at": {"2024-10-23T10:00"}, "signing_opens_at": {"2024-10-23T10:30"}, "signing_closes_at": {"2024-10-23T12:00"},
		"official_name": {"Ir. Andi Mappanyukki"}, "official_position": {"Sekretaris Daerah"}}, "", "", "", nil)
	wantPage(t, p, http.StatusOK, "Deklarasi Netralitas ASN Kota Makassar", "pukul 10.00 WITA", "Rabu, 23 Oktober 2024 pukul 10.30 WITA",
		"Rabu, 23 Oktober 2024 pukul 12.00 WITA")
	eventPath := p.URL.Path
	p = admin.submit(p, eventPath+"/status", nil)
	code := find(t, `<p class="event-code">([0-9A-Z]{6})</p>`, p.Body)
	slug := strings.TrimPrefix(find(t, `<p class="mono small">([^<]+)</p>`, p.Body), a.URL)

	phone := a.browser(t)
	p = phone.get(slug)
	wantPage(t, p, http.StatusOK, "pukul 10.00 WITA", "belum dibuka", "https://meet.example.id/ikrar")
	wantAbsent(t, "the event page before the window", p.Body, `action="`+slug+`"`)
	a.clock.Add(30 * time.Minute)
	p = phone.get(slug)
	wantPage(t, p, http.StatusOK, "Masukkan NIP dan kode acara")
	p = phone.submit(p, slug, url.Values{"nip": {siti.NIP}, "code": {code}})
	p = phone.submit(p, slug+"/sign", url.Values{"signature_strokes": {strokesJSON()}, "consent": {"1"}})
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat", "Rabu, 23 Oktober 2024 pukul 10.30 WITA")
	a.clock.Add(90 * time.Minute)
	p = a.browser(t).get(slug)
	wantPage(t, p, http.StatusOK, "sudah berakhir", "Sudah menandatangani?")
	wantAbsent(t, "the event page after the window", p.Body, "Masukkan NIP dan kode acara</h2>")

	// A form error keeps what the officer typed.
	p = admin.upload(admin.get("/admin/events/new"), "/admin/events", url.Values{"organization_id": {strconv.FormatInt(org.ID, 10)},
		"title": {"Acara Tanpa Pejabat"}, "mode": {"in_person"}, "place": {"Balai Kota"}, "starts_at": {"2024-10-24T08:00"}}, "", "", "", nil)
	wantPage(t, p, http.StatusBadRequest, "pejabat penandatangan sertifikat wajib diisi", `value="Acara Tanpa Pejabat"`, `value="2024-10-24T08:00"`)
	if !regexp.MustCompile(`<option value="` + strconv.FormatInt(org.ID, 10) + `" selected>`).MatchString(p.Body) {
		t.Errorf("the organization is not kept selected after a form error")
	}
}

// TestRegistryIDSigner: non-ASN staff without an NIP get a registry ID on
// import and sign with it, however they type it.
func TestRegistryIDSigner(t *testing.T) {
	guard := person{Name: "Ucok Parlindungan Harahap", Position: "Petugas Keamanan", Unit: "Satuan Polisi Pamong Praja", Category: "NON_ASN"}
	f := newSigningFixture(t, guard)
	a := f.a
	emps, _, err := a.db.Employees(t.Context(), registry.EmployeeFilter{Scope: f.regency.Path, Search: "Parlindungan"})
	if err != nil || len(emps) != 1 || !regexp.MustCompile(`^R\d{17}$`).MatchString(emps[0].NIP) {
		t.Fatalf("imported non-ASN employee: %+v (%v)", emps, err)
	}
	id := emps[0].NIP
	slug := strings.TrimPrefix(f.e.URL, a.URL)
	phone := a.browser(t)
	p := phone.submit(phone.get(slug), slug, url.Values{"nip": {"r" + id[1:]}, "code": {f.e.EventCode}})
	masked := id[:3] + strings.Repeat("*", 12) + id[15:]
	wantPage(t, p, http.StatusOK, "Apakah ini Anda?", guard.Name, masked)
	wantAbsent(t, "the confirm page of a registry ID", p.Body, id)
	p = phone.submit(p, slug+"/sign", url.Values{"use_typed": {"1"}, "typed_name": {guard.Name}, "consent": {"1"}})
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat")
	v := a.browser(t).get("/v/" + strings.TrimPrefix(p.URL.Path, "/c/"))
	wantPage(t, v, http.StatusOK, bannerValid, masked)
	wantAbsent(t, "the verification page of a registry ID", v.Body, id, "Parlindungan")
}
