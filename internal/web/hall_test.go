package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestIdentifyAsPrinted: an NIP typed the way it is printed on a decree,
// with dots, dashes or spaces, identifies its owner; the confirm page is
// reached by a redirect to an address that carries no NIP and that the
// browser can load again (the back button after signing goes there).
func TestIdentifyAsPrinted(t *testing.T) {
	f := newSigningFixture(t, siti)
	slug := strings.TrimPrefix(f.e.URL, f.a.URL)
	n := siti.NIP
	for _, typed := range []string{
		n[0:8] + "." + n[8:14] + "." + n[14:15] + "." + n[15:],
		n[0:8] + "-" + n[8:14] + "-" + n[14:15] + "-" + n[15:],
		" " + n[0:8] + " " + n[8:14] + " " + n[14:15] + " " + n[15:] + " ",
	} {
		phone := f.a.browser(t)
		p := phone.submit(phone.get(slug), slug, url.Values{"nip": {typed}, "code": {f.e.EventCode}})
		wantPage(t, p, http.StatusOK, "Apakah ini Anda?", siti.fullName())
		if p.URL.Path != slug+"/konfirmasi" || strings.Contains(p.URL.String(), n[8:14]) {
			t.Errorf("NIP %q: confirm page at %s, want %s/konfirmasi?t=TICKET without the NIP", typed, p.URL, slug)
		}
		again := phone.get(p.URL.String())
		wantPage(t, again, http.StatusOK, "Apakah ini Anda?", siti.fullName())
		if cc := again.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("confirm page Cache-Control %q, want no-store", cc)
		}
	}
	// A ticket that is not the server's leads back to the event page.
	phone := f.a.browser(t)
	wantPage(t, phone.get(slug+"/konfirmasi?t=1.1.event_code.9999999999.AAAA"), http.StatusForbidden, "Halaman konfirmasi sudah kedaluwarsa")
}

// TestIdentifyFormatError: a number with a wrong digit count is told what
// is wrong with its form, not that it is not registered; and since it is no
// guess, any number of them leave the address's budget whole.
func TestIdentifyFormatError(t *testing.T) {
	f := newSigningFixture(t, siti)
	slug := strings.TrimPrefix(f.e.URL, f.a.URL)
	phone := f.a.browser(t)
	cases := []struct{ typed, want string }{
		{siti.NIP[:17], "NIP harus 18 digit; yang Anda ketik kurang dari 18 digit."},
		{siti.NIP + "1", "NIP harus 18 digit; yang Anda ketik lebih dari 18 digit."},
		{"1986O926 2015O5 2 001", "NIP hanya berisi angka."},
	}
	for i := range ipFailures + 10 {
		c := cases[i%len(cases)]
		p := phone.submit(phone.get(slug), slug, url.Values{"nip": {c.typed}, "code": {f.e.EventCode}})
		// Said under the NIP field, which is marked.
		wantPage(t, p, http.StatusBadRequest, `<p class="field-error" id="nip-error" role="alert">`+c.want, `aria-invalid="true"`)
		wantAbsent(t, "a format error", p.Body, "NIP tidak terdaftar", `id="name"`)
	}
	p := phone.submit(phone.get(slug), slug, url.Values{"nip": {"  "}, "code": {""}})
	wantPage(t, p, http.StatusBadRequest, "NIP wajib diisi")
	p = phone.submit(phone.get(slug), slug, url.Values{"nip": {siti.NIP}, "code": {""}})
	wantPage(t, p, http.StatusBadRequest, "Kode acara wajib diisi.")
	// The budget is whole: no name is asked.
	p = phone.submit(phone.get(slug), slug, url.Values{"nip": {siti.NIP}, "code": {f.e.EventCode}})
	wantPage(t, p, http.StatusOK, "Apakah ini Anda?")
	// A registered number that is not a participant is still a guess.
	p = phone.submit(phone.get(slug), slug, url.Values{"nip": {nipFor(7)}, "code": {f.e.EventCode}})
	wantPage(t, p, http.StatusForbidden, "NIP tidak terdaftar")
}

// TestShortLink: the projector shows a short address in the event codes'
// alphabet; typed in any case, with I, L or O for 1 and 0, it leads to the
// event's page. A wrong one is not found, and an address that keeps
// guessing is refused before anything is looked up.
func TestShortLink(t *testing.T) {
	f := newLiveFixture(t)
	b := f.a.browser(t)
	b.login(f.officer)
	p := b.get(fmt.Sprintf("/admin/events/%d/projector", f.e.ID))
	host := strings.TrimPrefix(f.a.URL, "http://")
	short := find(t, `<p class="projector-link">`+host+`/a/([0-9A-Z]+)</p>`, p.Body)
	if len(short) > 12 || strings.ContainsAny(short, "ILOU") {
		t.Fatalf("short alias %q: want at most 12 characters, none of I, L, O, U", short)
	}
	typed := strings.ToLower(strings.NewReplacer("0", "O", "1", "l").Replace(short))
	phone := f.a.browser(t)
	got := phone.get("/a/" + typed)
	if got.Status != http.StatusOK || got.URL.String() != f.e.URL {
		t.Fatalf("/a/%s leads to %d %s, want the event page %s", typed, got.Status, got.URL, f.e.URL)
	}
	// One character off in the alias's MAC, or another event's number.
	wrong := short[:len(short)-1] + "2"
	if strings.HasSuffix(short, "2") {
		wrong = short[:len(short)-1] + "3"
	}
	wantPage(t, phone.get("/a/"+wrong), http.StatusNotFound, "Alamat acara tidak ditemukan")
	wantPage(t, phone.get("/a/Z"+short), http.StatusNotFound, "Alamat acara tidak ditemukan")
	for range ipFailures {
		phone.get("/a/" + wrong)
	}
	wantPage(t, phone.get("/a/"+short), http.StatusTooManyRequests, "Terlalu banyak alamat acara yang salah")
}
