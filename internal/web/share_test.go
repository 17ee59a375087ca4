package web_test

import (
	"bytes"
	"html"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"github.com/ikrar-id/ikrar/internal/web"
)

var (
	metaRE = regexp.MustCompile(`<meta (?:property|name)="((?:og|twitter):[a-z:_]+)" content="([^"]*)">`)
	hrefRE = regexp.MustCompile(`href="([^"]*)"`)
)

// openGraphTags returns a page's Open Graph and Twitter card tags.
func openGraphTags(body string) map[string]string {
	tags := map[string]string{}
	for _, m := range metaRE.FindAllStringSubmatch(body, -1) {
		tags[m[1]] = html.UnescapeString(m[2])
	}
	return tags
}

// TestShareCertificate: the signer's certificate page offers WhatsApp,
// copy and print, and every link it offers to share is the public
// verification page, never the page's own link with its download key. The
// verification page unfurls as a card naming the verdict, the event and
// the organization, with the holder's name masked; its image is a PNG in
// the verdict's colour. No other page describes itself that way.
func TestShareCertificate(t *testing.T) {
	f := newSigningFixture(t, siti)
	a := f.a
	slug := strings.TrimPrefix(f.e.URL, a.URL)
	phone := a.browser(t)
	p := phone.submit(phone.get(slug), slug, url.Values{"nip": {siti.grouped()}, "code": {f.e.EventCode}})
	p = phone.submit(p, slug+"/sign", url.Values{"signature_strokes": {strokesJSON()}, "consent": {"1"}})
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat", "Bagikan ke WhatsApp", "Salin tautan", "Cetak", "js/share.js")
	code := strings.TrimPrefix(p.URL.Path, "/c/")
	key := p.URL.Query().Get("k")
	verify := a.URL + "/v/" + code

	var wa string
	for _, m := range hrefRE.FindAllStringSubmatch(p.Body, -1) {
		if h := html.UnescapeString(m[1]); strings.HasPrefix(h, "https://wa.me/") {
			wa = h
		}
	}
	if wa == "" {
		t.Fatal("the certificate page has no WhatsApp link")
	}
	u, err := url.Parse(wa)
	if err != nil {
		t.Fatal(err)
	}
	text := u.Query().Get("text")
	if !strings.Contains(text, verify) || !strings.Contains(text, eventTitle) {
		t.Errorf("the WhatsApp text %q does not carry the verification link %s and the event", text, verify)
	}
	wantAbsent(t, "the WhatsApp link", wa, key, "k=", "/c/", "sertifikat.pdf")
	field := regexp.MustCompile(`<input id="share-url"[^>]*value="([^"]*)"`).FindStringSubmatch(p.Body)
	if field == nil || html.UnescapeString(field[1]) != verify {
		t.Fatalf("the link to copy is %q, want %s", field, verify)
	}
	if tags := openGraphTags(p.Body); len(tags) > 0 {
		t.Errorf("the signer's private page describes itself to link previews: %v", tags)
	}

	for _, path := range []string{"/v/" + code, "/V/" + code + "/" + "X"} {
		v := phone.get(path)
		tags := openGraphTags(v.Body)
		if path != "/v/"+code {
			// A QR's address with a claim that does not check: the
			// page describes itself with its own verdict, and without
			// the card, which would say SAH.
			if tags["og:url"] != verify || tags["og:title"] != "TIDAK SAH — "+eventTitle || tags["og:image"] != "" {
				t.Errorf("%s: og:url %q, og:title %q, og:image %q", path, tags["og:url"], tags["og:title"], tags["og:image"])
			}
			continue
		}
		wantPage(t, v, http.StatusOK, "SAH")
		want := map[string]string{
			"og:type": "website", "og:title": "SAH — " + eventTitle, "og:url": verify,
			"og:image": verify + "/kartu.png", "og:image:width": "600", "og:image:height": "314",
			"twitter:card": "summary_large_image",
		}
		for k, w := range want {
			if tags[k] != w {
				t.Errorf("%s: %s = %q, want %q", path, k, tags[k], w)
			}
		}
		desc := tags["og:description"]
		for _, w := range []string{eventTitle, f.regency.Name, "Dr. S*** A*** L***, M.Si."} {
			if !strings.Contains(desc, w) {
				t.Errorf("og:description %q lacks %q", desc, w)
			}
		}
		all := strings.Join([]string{tags["og:title"], desc, tags["og:image:alt"], tags["twitter:description"]}, "\n")
		wantAbsent(t, "the link preview", all, siti.NIP, siti.grouped(), "Siti", "Aminah", "Lubis", key)
	}

	idCard := wantCard(t, phone, code, "", 0x15, 0x80, 0x3d)
	// In English the page names the English card, which the address
	// alone selects (a crawler has no cookie): VALID, the English date.
	en := openGraphTags(a.browser(t).get("/v/" + code + "?lang=en").Body)
	if en["og:image"] != a.URL+"/v/"+code+"/kartu.png?lang=en" || en["og:title"] != "VALID — "+eventTitle {
		t.Errorf("English page: og:image %q, og:title %q", en["og:image"], en["og:title"])
	}
	if enCard := wantCard(t, a.browser(t), code, "?lang=en", 0x15, 0x80, 0x3d); bytes.Equal(enCard, idCard) {
		t.Error("the English card is the Indonesian one")
	}
	if again := wantCard(t, a.browser(t), code, "", 0x15, 0x80, 0x3d); !bytes.Equal(again, idCard) {
		t.Error("after the English card, the Indonesian address serves another card")
	}
	if r := a.api(t, "POST", "/api/v1/certificates/"+code+"/revoke", f.token, map[string]any{"reason": "Ditandatangani orang lain"}); r.Status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	v := phone.get("/v/" + code)
	if got := openGraphTags(v.Body)["og:title"]; got != "DICABUT — "+eventTitle {
		t.Errorf("og:title after revocation = %q", got)
	}
	wantCard(t, phone, code, "", 0xb9, 0x1c, 0x1c)

	for _, path := range []string{"/", slug, "/v", "/login"} {
		if tags := openGraphTags(phone.get(path).Body); len(tags) > 0 {
			t.Errorf("%s has link-preview tags: %v", path, tags)
		}
	}
}

// wantCard fetches a certificate's preview card (query: "" or a
// language's): a PNG of 600×314 whose top band is the verdict's colour.
func wantCard(t *testing.T, b *browser, code, query string, r, g, bl uint32) []byte {
	t.Helper()
	p := b.get("/v/" + code + "/kartu.png" + query)
	if p.Status != http.StatusOK || p.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("card: %d %s", p.Status, p.Header.Get("Content-Type"))
	}
	img, err := png.Decode(bytes.NewReader([]byte(p.Body)))
	if err != nil {
		t.Fatalf("card is not a PNG: %v", err)
	}
	if sz := img.Bounds().Size(); sz.X != 600 || sz.Y != 314 {
		t.Fatalf("card is %v", sz)
	}
	cr, cg, cb, _ := img.At(597, 3).RGBA()
	if cr>>8 != r || cg>>8 != g || cb>>8 != bl {
		t.Errorf("card band is %02x%02x%02x, want %02x%02x%02x", cr>>8, cg>>8, cb>>8, r, g, bl)
	}
	return []byte(p.Body)
}

// TestShareCardBounded: a preview card is drawn once and then served from
// memory; beyond the drawing budget an anonymous client gets 503 with
// Retry-After, and the verification page itself is unaffected.
func TestShareCardBounded(t *testing.T) {
	f := newSigningFixture(t, siti, andre)
	a := f.a
	first, second := a.mustSign(t, f.e, siti).Certificate.Code, a.mustSign(t, f.e, andre).Certificate.Code
	web.PaceCards(a.srv, rate.NewLimiter(0, 1)) // one drawing, never refilled
	visitor := a.browser(t)
	wantCard(t, visitor, first, "", 0x15, 0x80, 0x3d)
	wantCard(t, visitor, first, "", 0x15, 0x80, 0x3d) // from memory: no budget spent
	p := visitor.get("/v/" + second + "/kartu.png")
	if p.Status != http.StatusServiceUnavailable || p.Header.Get("Retry-After") == "" {
		t.Fatalf("a card beyond the budget: %d, Retry-After %q; want 503 with Retry-After", p.Status, p.Header.Get("Retry-After"))
	}
	wantPage(t, visitor.get("/v/"+second), http.StatusOK, "SAH", "/v/"+second+"/kartu.png")
	if p := visitor.get("/v/TIDAKADA1234/kartu.png"); p.Status != http.StatusNotFound {
		t.Errorf("the card of an unknown code: %d, want 404", p.Status)
	}
}
