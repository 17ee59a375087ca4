package web_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/web"
)

// ipFailures is how many failed identifications one address may make before
// it is stopped (the limiter's burst).
const ipFailures = 60

// TestRateLimitHall: a hall behind one address makes typos and is stopped
// only by its failures, never by its valid signings.
func TestRateLimitHall(t *testing.T) {
	hall := staff(0, 200, "Sekretariat Daerah")
	f := newSigningFixture(t, hall...)
	a := f.a
	unknown := func(i int) map[string]any {
		return map[string]any{"nip": nipFor(500 + i), "event_code": f.e.EventCode, "consent": true, "typed_name": "Salah Ketik"}
	}
	for i := range ipFailures - 1 {
		a.sign(t, f.e, unknown(i)).wantError(t, http.StatusForbidden, "not_eligible")
	}

	// 200 good signings from the same address, as fast as a hall signs.
	path := fmt.Sprintf("/api/v1/events/%d/signatures", f.e.ID)
	work := make(chan person)
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for p := range work {
				body, _ := json.Marshal(map[string]any{"nip": p.NIP, "event_code": f.e.EventCode, "consent": true, "signature_strokes": json.RawMessage(strokesJSON())})
				r, err := a.send("POST", path, "", "application/json", body)
				mu.Lock()
				if err != nil {
					t.Error(err)
				}
				statuses[r.Status]++
				mu.Unlock()
			}
		})
	}
	for _, p := range hall {
		work <- p
	}
	close(work)
	wg.Wait()
	if statuses[http.StatusCreated] != len(hall) {
		t.Fatalf("%d valid signings from one address answered %v, want all %d created", len(hall), statuses, len(hall))
	}
	if n := f.signedCount(t, f.e); n != len(hall) {
		t.Fatalf("%d signatures recorded, want %d", n, len(hall))
	}

	// The valid signings spent nothing: one failure is left, then the
	// address is stopped, in the API and on the page alike.
	a.sign(t, f.e, unknown(100)).wantError(t, http.StatusForbidden, "not_eligible")
	a.sign(t, f.e, unknown(101)).wantError(t, http.StatusTooManyRequests, "rate_limited")
	phone := a.browser(t)
	slug := strings.TrimPrefix(f.e.URL, a.URL)
	p := phone.submit(phone.get(slug), slug, url.Values{"nip": {nipFor(600)}, "code": {f.e.EventCode}})
	wantPage(t, p, http.StatusTooManyRequests, "Terlalu banyak percobaan yang gagal")

	// The limit refills with time.
	a.clock.Add(10 * time.Minute)
	a.sign(t, f.e, unknown(102)).wantError(t, http.StatusForbidden, "not_eligible")
}

// TestRateLimitPerNIP: guessing one person's event code from many
// addresses is stopped for that NIP, and for that NIP only.
func TestRateLimitPerNIP(t *testing.T) {
	f := newSigningFixture(t, siti, andre)
	a := f.a
	path := fmt.Sprintf("/api/v1/events/%d/signatures", f.e.ID)
	// However the NIP is written, it is one NIP.
	spellings := []string{siti.NIP, siti.grouped(), " " + siti.NIP + " "}
	for i := range 10 {
		body := map[string]any{"nip": spellings[i%len(spellings)], "event_code": wrongCode(f.e.EventCode), "consent": true, "typed_name": "Siti"}
		a.serve(request("POST", path, fmt.Sprintf("10.1.%d.7:40000", i), body)).wantError(t, http.StatusForbidden, "wrong_event_code")
	}
	good := func(p person) map[string]any {
		return map[string]any{"nip": p.NIP, "event_code": f.e.EventCode, "consent": true, "signature_strokes": json.RawMessage(strokesJSON())}
	}
	a.serve(request("POST", path, "10.2.0.1:40000", good(siti))).wantError(t, http.StatusTooManyRequests, "rate_limited")
	if r := a.serve(request("POST", path, "10.2.0.1:40000", good(andre))); r.Status != http.StatusCreated {
		t.Fatalf("another NIP from the same fresh address: %d %s", r.Status, r.Body)
	}
	a.clock.Add(time.Minute)
	if r := a.serve(request("POST", path, "10.2.0.1:40000", good(siti))); r.Status != http.StatusCreated {
		t.Fatalf("the NIP a minute later with the right code: %d %s", r.Status, r.Body)
	}

	// A registry ID is one ID whatever its letter's case.
	a.mustImport(t, f.token, f.regency.ID, rosterCSV(person{Name: "Ucok Harahap", Unit: "Satpol PP", Category: "NON_ASN"}))
	emps, _, err := a.db.Employees(t.Context(), registry.EmployeeFilter{Scope: f.regency.Path, Search: "Ucok"})
	if err != nil || len(emps) != 1 {
		t.Fatalf("non-ASN employee: %+v (%v)", emps, err)
	}
	id := emps[0].NIP
	for i := range 10 {
		spelled := id
		if i%2 == 0 {
			spelled = strings.ToLower(id)
		}
		body := map[string]any{"nip": spelled, "event_code": wrongCode(f.e.EventCode), "consent": true, "typed_name": "Ucok"}
		a.serve(request("POST", path, fmt.Sprintf("10.3.%d.7:40000", i), body)).wantError(t, http.StatusForbidden, "wrong_event_code")
	}
	body := map[string]any{"nip": id, "event_code": f.e.EventCode, "consent": true, "typed_name": "Ucok Harahap"}
	a.serve(request("POST", path, "10.4.0.1:40000", body)).wantError(t, http.StatusTooManyRequests, "rate_limited")
}

// TestRateLimitIgnoresForwardedFor: without trusted proxies, a client
// cannot pick the address its failures are counted on.
func TestRateLimitIgnoresForwardedFor(t *testing.T) {
	f := newSigningFixture(t, siti)
	path := fmt.Sprintf("/api/v1/events/%d/signatures", f.e.ID)
	for i := range ipFailures + 1 {
		req := request("POST", path, "203.0.113.7:40000", map[string]any{"nip": nipFor(100 + i), "event_code": wrongCode(f.e.EventCode), "consent": true})
		spoofed := fmt.Sprintf("198.51.100.%d", i)
		req.Header.Set("X-Forwarded-For", spoofed)
		req.Header.Set("X-Real-IP", spoofed)
		r := f.a.serve(req)
		if i < ipFailures {
			r.wantError(t, http.StatusForbidden, "wrong_event_code")
		} else {
			r.wantError(t, http.StatusTooManyRequests, "rate_limited")
		}
	}
	// Another real address is not affected.
	if r := f.a.serve(request("POST", path, "203.0.113.8:40000", map[string]any{"nip": siti.NIP, "event_code": f.e.EventCode,
		"consent": true, "typed_name": "Siti Aminah Lubis"})); r.Status != http.StatusCreated {
		t.Fatalf("signing from another address: %d %s", r.Status, r.Body)
	}
}

// TestRateLimitLogin: password guessing for one account is stopped even
// with the right password.
func TestRateLimitLogin(t *testing.T) {
	a := newTestApp(t)
	_, u := a.mustOfficer(t)
	b := a.browser(t)
	p := b.get("/login")
	for i := range 10 {
		p = b.submit(p, "/login", url.Values{"email": {u.Email}, "password": {fmt.Sprintf("tebakan-%d", i)}})
		wantPage(t, p, http.StatusUnauthorized, "Email atau kata sandi salah")
	}
	p = b.submit(p, "/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	wantPage(t, p, http.StatusTooManyRequests, "Terlalu banyak percobaan")
	if p := b.get("/admin"); p.URL.Path != "/login" {
		t.Fatalf("a blocked login still signed in: at %s", p.URL)
	}
}

// TestRateLimitBehindProxy: behind a trusted reverse proxy, failures count
// on the client address the proxy reports, not on the proxy's own; what a
// client writes itself into X-Forwarded-For is not believed.
func TestRateLimitBehindProxy(t *testing.T) {
	_, proxies, err := net.ParseCIDR("10.0.0.0/24")
	if err != nil {
		t.Fatal(err)
	}
	a := newTestApp(t, func(o *web.Options) { o.TrustedProxies = []*net.IPNet{proxies} })
	f := newSigningFixtureOn(t, a, siti)
	path := fmt.Sprintf("/api/v1/events/%d/signatures", f.e.ID)
	attempt := func(i int, xff string) response {
		req := request("POST", path, "10.0.0.2:443", map[string]any{"nip": nipFor(100 + i), "event_code": wrongCode(f.e.EventCode), "consent": true})
		req.Header.Set("X-Forwarded-For", xff)
		return a.serve(req)
	}
	for i := range ipFailures {
		// The client's own spoofed entry comes first; the proxy appends
		// the address it saw.
		attempt(i, fmt.Sprintf("192.0.2.%d, 198.51.100.20", i)).wantError(t, http.StatusForbidden, "wrong_event_code")
	}
	attempt(ipFailures, "192.0.2.250, 198.51.100.20").wantError(t, http.StatusTooManyRequests, "rate_limited")
	// Another client through the same proxy is not affected.
	attempt(ipFailures+1, "198.51.100.21").wantError(t, http.StatusForbidden, "wrong_event_code")
	req := request("POST", path, "10.0.0.2:443", map[string]any{"nip": siti.NIP, "event_code": f.e.EventCode, "consent": true, "typed_name": "Siti Aminah Lubis"})
	req.Header.Set("X-Forwarded-For", "198.51.100.22")
	if r := a.serve(req); r.Status != http.StatusCreated {
		t.Fatalf("signing through the proxy: %d %s", r.Status, r.Body)
	}
}
