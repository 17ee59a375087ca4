package web_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/web"
)

// The guessing budgets as docs/OPERATIONS.md ("Batas percobaan") states
// them: an address may fail 60 times, then once a minute; an event may see
// 200 NIPs that are not its participants, then one a minute.
const (
	ipFailures    = 60
	eventFailures = 200
	// Bounds on the NIPs an enumerator without names can test in an hour.
	boundPerAddressHour = ipFailures + 60
	boundPerEventHour   = eventFailures + 60
)

// hallAddr is the public address of a hall's Wi-Fi.
const hallAddr = "203.0.113.50:40000"

func signPath(f signingFixture) string { return fmt.Sprintf("/api/v1/events/%d/signatures", f.e.ID) }

// drawn is a signing body for nip with a drawn signature.
func (f signingFixture) drawn(nip string) map[string]any {
	return map[string]any{"nip": nip, "event_code": f.e.EventCode, "consent": true, "signature_strokes": json.RawMessage(strokesJSON())}
}

// TestHallUnderAttack: 200 signers behind one address, 5% of them typing a
// wrong NIP first, and a hostile client on the same address sending two
// wrong guesses a second throughout: not one valid signer is refused. Past
// the budget each is asked for their name as well, and gives it.
func TestHallUnderAttack(t *testing.T) {
	hall := staff(0, 200, "Sekretariat Daerah")
	f := newSigningFixture(t, hall...)
	a := f.a
	path := signPath(f)
	guess := 0
	hostile := func() {
		guess++
		body := f.drawn(nipFor(2000 + guess))
		r := a.serve(request("POST", path, hallAddr, body))
		if r.Status == http.StatusPreconditionRequired {
			body["name"] = "Budi Santoso"
			r = a.serve(request("POST", path, hallAddr, body))
		}
		if r.Status == http.StatusCreated || r.Status == http.StatusTooManyRequests {
			t.Fatalf("hostile guess answered %d %s", r.Status, r.Body)
		}
	}
	// One signer as a phone would: the name only when asked.
	signs := func(p person, nip string) response {
		body := f.drawn(nip)
		r := a.serve(request("POST", path, hallAddr, body))
		if r.Status == http.StatusPreconditionRequired {
			r.wantError(t, http.StatusPreconditionRequired, "name_required")
			body["name"] = strings.ToUpper(p.Name) // any case will do
			r = a.serve(request("POST", path, hallAddr, body))
		}
		return r
	}
	refused, askedName := 0, 0
	for i, p := range hall {
		// 1.8 s between signers (2,000 in an hour); the hostile client
		// sends its two guesses a second meanwhile.
		for range 3 + i%2 {
			hostile()
		}
		a.clock.Add(1800 * time.Millisecond)
		if i%20 == 7 { // 5% typos: a wrong NIP first
			typo := nipFor(3000 + i)
			if r := signs(p, typo); r.Status == http.StatusCreated {
				t.Fatalf("a typo signed: %s", r.Body)
			}
		}
		r := signs(p, p.NIP)
		if r.Status != http.StatusCreated {
			refused++
			t.Errorf("signer %d refused: %d %s", i, r.Status, r.Body)
		}
		if a.serve(request("POST", path, hallAddr, f.drawn(nipFor(4000+i)))).Status == http.StatusPreconditionRequired {
			askedName++
		}
	}
	if refused != 0 {
		t.Fatalf("%d of %d valid signers refused", refused, len(hall))
	}
	if n := f.signedCount(t, f.e); n != len(hall) {
		t.Fatalf("%d signatures recorded, want %d", n, len(hall))
	}
	// The hostile client did spend the budget: the hall was asked names.
	if askedName == 0 {
		t.Fatalf("the hostile client's %d guesses never spent the address's budget", guess)
	}
}

// TestSignNeverLimited: a signer identified before their address spent its
// budget signs afterwards all the same, with the pad's strokes; and a form
// sent back for a missing consent keeps the drawn signature.
func TestSignNeverLimited(t *testing.T) {
	f := newSigningFixture(t, siti)
	a := f.a
	slug := strings.TrimPrefix(f.e.URL, a.URL)
	phone := a.browser(t) // the test server sees every browser as 127.0.0.1
	confirm := phone.submit(phone.get(slug), slug, url.Values{"nip": {siti.NIP}, "code": {f.e.EventCode}})
	wantPage(t, confirm, http.StatusOK, "Apakah ini Anda?")

	// Someone else on the same address spends its whole budget.
	other := a.browser(t)
	p := other.get(slug)
	for i := range ipFailures + 5 {
		p = other.submit(p, slug, url.Values{"nip": {nipFor(500 + i)}, "code": {f.e.EventCode}, "name": {"Budi Santoso"}})
	}
	p = other.submit(other.get(slug), slug, url.Values{"nip": {siti.NIP}, "code": {f.e.EventCode}})
	wantPage(t, p, http.StatusPreconditionRequired, "ketik juga nama lengkap Anda", `name="name"`)

	// The sign POST identifies nobody again: it is not limited, and a
	// refusal keeps the strokes in the form for the pad to redraw.
	strokes := strokesJSON()
	p = phone.submit(confirm, slug+"/sign", url.Values{"signature_strokes": {strokes}})
	wantPage(t, p, http.StatusUnprocessableEntity, "Apakah ini Anda?", "Centang pernyataan persetujuan")
	if got := phone.formFields(p, slug+"/sign").Get("signature_strokes"); got != strokes {
		t.Fatalf("the confirm page shown again lost the drawn signature: %q", got)
	}
	p = phone.submit(p, slug+"/sign", url.Values{"consent": {"1"}})
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat")
}

// TestTicketExpiry: a confirm page left open past its ticket's life sends
// the signer back to identify, with the drawn signature kept through it.
func TestTicketExpiry(t *testing.T) {
	f := newSigningFixture(t, andre)
	a := f.a
	slug := strings.TrimPrefix(f.e.URL, a.URL)
	phone := a.browser(t)
	confirm := phone.submit(phone.get(slug), slug, url.Values{"nip": {andre.NIP}, "code": {f.e.EventCode}})
	wantPage(t, confirm, http.StatusOK, "Apakah ini Anda?")
	a.clock.Add(3 * time.Hour)
	strokes := strokesJSON()
	p := phone.submit(confirm, slug+"/sign", url.Values{"signature_strokes": {strokes}, "consent": {"1"}})
	wantPage(t, p, http.StatusForbidden, "Halaman konfirmasi sudah kedaluwarsa")
	p = phone.submit(p, slug, url.Values{"nip": {andre.NIP}, "code": {f.e.EventCode}})
	wantPage(t, p, http.StatusOK, "Apakah ini Anda?", `checked`)
	if got := phone.formFields(p, slug+"/sign").Get("signature_strokes"); got != strokes {
		t.Fatalf("the drawn signature was lost on the way: %q", got)
	}
	p = phone.submit(p, slug+"/sign", url.Values{"consent": {"1"}}) // the box is ticked again, as the page shows it
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat")
}

// TestNobodyLocksOut: wrong codes and wrong names sent with someone's NIP,
// from any number of addresses, never stop that person from signing.
func TestNobodyLocksOut(t *testing.T) {
	f := newSigningFixture(t, siti, andre)
	a := f.a
	path := signPath(f)
	for i := range 50 {
		addr := fmt.Sprintf("10.9.%d.%d:40000", i/200, i%200)
		body := f.drawn(siti.NIP)
		body["event_code"] = wrongCode(f.e.EventCode)
		a.serve(request("POST", path, addr, body)).wantError(t, http.StatusForbidden, "wrong_event_code")
		body = f.drawn(siti.NIP)
		body["name"] = "Sri Wahyuni"
		a.serve(request("POST", path, addr, body)).wantError(t, http.StatusForbidden, "identity_mismatch")
	}
	if r := a.serve(request("POST", path, "10.2.0.1:40000", f.drawn(siti.NIP))); r.Status != http.StatusCreated {
		t.Fatalf("Siti after 100 attempts on her NIP: %d %s", r.Status, r.Body)
	}
	// And on a phone with a personal link nobody's failures matter either.
	for i := range ipFailures + 1 {
		a.serve(request("POST", path, hallAddr, f.drawn(nipFor(700+i))))
	}
	link := personalToken(t, a, f.e, andre)
	body := map[string]any{"token": link, "consent": true, "signature_strokes": json.RawMessage(strokesJSON())}
	if r := a.serve(request("POST", path, hallAddr, body)); r.Status != http.StatusCreated {
		t.Fatalf("a valid personal link from a spent address: %d %s", r.Status, r.Body)
	}
}

// TestGuessingBound runs an enumerator for a simulated hour at one guess a
// second, pausing whenever it is asked for a name (the most it can get),
// and counts the NIPs it could test — answers that tell whether an
// NIP is a participant — against the bound docs/OPERATIONS.md states: from
// one address, and from a new address for every guess.
func TestGuessingBound(t *testing.T) {
	for _, tc := range []struct {
		name  string
		addr  func(i int) string
		bound int
	}{
		{"one address", func(int) string { return "198.51.100.9:40000" }, boundPerAddressHour},
		{"an address per guess", func(i int) string { return fmt.Sprintf("10.%d.%d.%d:40000", i/65536, i/256%256, i%256) }, boundPerEventHour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newSigningFixture(t, staff(0, 20, "Inspektorat")...)
			a := f.a
			path := signPath(f)
			tested, askedName := 0, 0
			for i := range 3600 {
				a.clock.Add(time.Second)
				body := f.drawn(nipFor(1000 + i))
				r := a.serve(request("POST", path, tc.addr(i), body))
				if r.Status == http.StatusPreconditionRequired {
					// It has no names: a made-up one would only spend the
					// budget, so it waits for the budget to refill.
					askedName++
					continue
				}
				r.wantError(t, http.StatusForbidden, "not_eligible")
				tested++
			}
			t.Logf("%s: %d NIPs tested in an hour (bound %d), %d guesses asked for a name", tc.name, tested, tc.bound, askedName)
			if tested > tc.bound {
				t.Fatalf("%d NIPs tested in an hour, documented bound %d", tested, tc.bound)
			}
			if tested < ipFailures {
				t.Fatalf("only %d NIPs tested: the budget is not what the documentation says", tested)
			}

			// Past the budget a participant's NIP without the name, or
			// with a wrong one, is answered as any other NIP.
			addr := tc.addr(4000)
			realNIP := f.drawn(nipFor(0))
			fake := f.drawn(nipFor(9000))
			r1, r2 := a.serve(request("POST", path, addr, realNIP)), a.serve(request("POST", path, addr, fake))
			if r1.Status != http.StatusPreconditionRequired || withoutRequestID(string(r1.Body)) != withoutRequestID(string(r2.Body)) {
				t.Fatalf("without a name: participant %d %s, stranger %d %s", r1.Status, r1.Body, r2.Status, r2.Body)
			}
			realNIP["name"], fake["name"] = "Budi Santoso", "Budi Santoso"
			r1, r2 = a.serve(request("POST", path, addr, realNIP)), a.serve(request("POST", path, addr, fake))
			if r1.Status != http.StatusForbidden || withoutRequestID(string(r1.Body)) != withoutRequestID(string(r2.Body)) {
				t.Fatalf("with a wrong name: participant %d %s, stranger %d %s", r1.Status, r1.Body, r2.Status, r2.Body)
			}
			// The participant herself passes with her name.
			realNIP["name"] = "pegawai nomor 0"
			if r := a.serve(request("POST", path, addr, realNIP)); r.Status != http.StatusCreated {
				t.Fatalf("the participant with her name: %d %s", r.Status, r.Body)
			}
		})
	}
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
			r.wantError(t, http.StatusPreconditionRequired, "name_required")
		}
	}
	// Another real address is not affected.
	if r := f.a.serve(request("POST", path, "203.0.113.8:40000", map[string]any{"nip": siti.NIP, "event_code": f.e.EventCode,
		"consent": true, "typed_name": "Siti Aminah Lubis"})); r.Status != http.StatusCreated {
		t.Fatalf("signing from another address: %d %s", r.Status, r.Body)
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
		// A client's own X-Real-IP, passed on by the proxy
		// (GO-2026-6875), is not believed either.
		req.Header.Set("X-Real-IP", fmt.Sprintf("203.0.113.%d", i))
		return a.serve(req)
	}
	for i := range ipFailures {
		// The client's own spoofed entry comes first; the proxy appends
		// the address it saw.
		attempt(i, fmt.Sprintf("192.0.2.%d, 198.51.100.20", i)).wantError(t, http.StatusForbidden, "wrong_event_code")
	}
	attempt(ipFailures, "192.0.2.250, 198.51.100.20").wantError(t, http.StatusPreconditionRequired, "name_required")
	// Another client through the same proxy is not affected.
	attempt(ipFailures+1, "198.51.100.21").wantError(t, http.StatusForbidden, "wrong_event_code")
	req := request("POST", path, "10.0.0.2:443", map[string]any{"nip": siti.NIP, "event_code": f.e.EventCode, "consent": true, "typed_name": "Siti Aminah Lubis"})
	req.Header.Set("X-Forwarded-For", "198.51.100.22")
	if r := a.serve(req); r.Status != http.StatusCreated {
		t.Fatalf("signing through the proxy: %d %s", r.Status, r.Body)
	}
}

// personalToken is the token of p's personal link for e.
func personalToken(t *testing.T, a *testApp, e eventJSON, p person) string {
	t.Helper()
	ev, err := a.db.Event(t.Context(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	emp, err := a.db.EmployeeByNIP(t.Context(), "/", p.NIP)
	if err != nil {
		t.Fatal(err)
	}
	return a.svc.PersonalToken(ev, emp.ID, 0)
}

// TestWrongCodeRevealsNothing: the event code is checked before the NIP,
// so a wrong code gets the same answer for a participant's NIP as for any
// other, on the page and through the API.
func TestWrongCodeRevealsNothing(t *testing.T) {
	f := newSigningFixture(t, siti)
	a := f.a
	slug := strings.TrimPrefix(f.e.URL, a.URL)
	answer := func(nip string) (string, string) {
		body := f.drawn(nip)
		body["event_code"] = wrongCode(f.e.EventCode)
		r := a.serve(request("POST", signPath(f), "192.0.2.1:40000", body))
		phone := a.browser(t)
		p := phone.submit(phone.get(slug), slug, url.Values{"nip": {nip}, "code": {wrongCode(f.e.EventCode)}})
		page := strings.ReplaceAll(p.Body, nip, "NIP") // the form keeps what was typed
		page = regexp.MustCompile(`name="_csrf" value="[^"]*"`).ReplaceAllString(page, "")
		return fmt.Sprint(r.Status, withoutRequestID(string(r.Body))), fmt.Sprint(p.Status, withoutRequestID(page))
	}
	api1, page1 := answer(siti.NIP)
	api2, page2 := answer(nipFor(600))
	if api1 != api2 || page1 != page2 {
		t.Fatalf("a wrong code answers a participant's NIP differently:\nAPI %s\n vs %s\npage %s\n vs %s", api1, api2, page1, page2)
	}
	if !strings.Contains(api1, "wrong_event_code") {
		t.Fatalf("a wrong code: %s", api1)
	}
}
