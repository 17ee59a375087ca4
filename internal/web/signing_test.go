package web_test

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"html"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/ink"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// signingFixture is a regency with a roster, an officer's token and an
// open event.
type signingFixture struct {
	a       *testApp
	regency registry.Organization
	officer registry.User
	token   string
	e       eventJSON
}

func newSigningFixture(t *testing.T, roster ...person) signingFixture {
	t.Helper()
	return newSigningFixtureOn(t, newTestApp(t), roster...)
}

func newSigningFixtureOn(t *testing.T, a *testApp, roster ...person) signingFixture {
	t.Helper()
	regency, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	if len(roster) > 0 {
		a.mustImport(t, token, regency.ID, rosterCSV(roster...))
	}
	e := a.mustEvent(t, token, regency.ID, eventTitle, nil)
	a.mustOpen(t, token, e.ID)
	return signingFixture{a: a, regency: regency, officer: officer, token: token, e: e}
}

func (f signingFixture) signedCount(t *testing.T, e eventJSON) int {
	t.Helper()
	var out eventJSON
	r := f.a.api(t, "GET", fmt.Sprintf("/api/v1/events/%d", e.ID), f.token, nil)
	r.decode(t, &out)
	if r.Status != http.StatusOK || out.Signed == nil {
		t.Fatalf("event stats: %d %s", r.Status, r.Body)
	}
	return *out.Signed
}

// TestConcurrentDoubleSigning: a double tap, or the same person on two
// phones, gives one record.
func TestConcurrentDoubleSigning(t *testing.T) {
	f := newSigningFixture(t, siti, andre)
	const n = 8
	body, _ := json.Marshal(map[string]any{"nip": siti.NIP, "event_code": f.e.EventCode, "consent": true, "signature_strokes": json.RawMessage(strokesJSON())})
	path := fmt.Sprintf("/api/v1/events/%d/signatures", f.e.ID)
	results := make([]response, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			results[i], errs[i] = f.a.send("POST", path, "", "application/json", body)
		})
	}
	close(start)
	wg.Wait()
	created, codes := 0, map[string]bool{}
	for i, r := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		var out signJSON
		r.decode(t, &out)
		switch {
		case r.Status == http.StatusCreated && !out.AlreadySigned:
			created++
		case r.Status == http.StatusOK && out.AlreadySigned:
		default:
			t.Errorf("concurrent signing answered %d %s", r.Status, r.Body)
		}
		if out.Certificate.Code != "" {
			codes[out.Certificate.Code] = true
		}
	}
	if created != 1 || len(codes) != 1 {
		t.Errorf("%d concurrent signings: %d created, certificate codes %v; want exactly one record", n, created, codes)
	}
	if got := f.signedCount(t, f.e); got != 1 {
		t.Errorf("event counts %d signatures, want 1", got)
	}
}

func TestSigningRefusals(t *testing.T) {
	f := newSigningFixture(t, siti, andre, fitri)
	a := f.a
	draft := a.mustEvent(t, f.token, f.regency.ID, "Acara Draf", nil)
	closed := a.mustEvent(t, f.token, f.regency.ID, "Acara Selesai", nil)
	a.mustOpen(t, f.token, closed.ID)
	if r := a.api(t, "POST", fmt.Sprintf("/api/v1/events/%d/close", closed.ID), f.token, nil); r.Status != http.StatusOK {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	later := a.mustEvent(t, f.token, f.regency.ID, "Acara Nanti", map[string]any{
		"signing_opens_at": t0.Add(2 * time.Hour).Format(time.RFC3339), "signing_closes_at": t0.Add(4 * time.Hour).Format(time.RFC3339)})
	a.mustOpen(t, f.token, later.ID)
	over := a.mustEvent(t, f.token, f.regency.ID, "Acara Lewat", map[string]any{
		"signing_opens_at": t0.Add(-4 * time.Hour).Format(time.RFC3339), "signing_closes_at": t0.Add(-time.Hour).Format(time.RFC3339)})
	a.mustOpen(t, f.token, over.ID)

	strokes := json.RawMessage(strokesJSON())
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	ok := func(e eventJSON, kv ...any) map[string]any {
		m := map[string]any{"nip": siti.NIP, "event_code": e.EventCode, "consent": true, "signature_strokes": strokes}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(m, kv[i].(string))
			} else {
				m[kv[i].(string)] = kv[i+1]
			}
		}
		return m
	}
	few := `[{"points":[{"x":10,"y":10},{"x":40,"y":30},{"x":60,"y":20}]}]`
	var far []string
	for i := range 12 {
		far = append(far, fmt.Sprintf(`{"x":%d,"y":50}`, 100+i*1000))
	}
	offCanvas := `[{"points":[` + strings.Join(far, ",") + `]}]`

	tests := []struct {
		name   string
		e      eventJSON
		body   map[string]any
		status int
		code   string
	}{
		{"wrong event code", f.e, ok(f.e, "event_code", wrongCode(f.e.EventCode)), 403, "wrong_event_code"},
		{"event code of another event", f.e, ok(f.e, "event_code", draft.EventCode), 403, "wrong_event_code"},
		{"unknown NIP", f.e, ok(f.e, "nip", "197001012000011001"), 403, "not_eligible"},
		{"not an NIP", f.e, ok(f.e, "nip", "bukan-nip"), 400, "invalid_input"}, // a format error, not a guess
		{"no NIP", f.e, ok(f.e, "nip", ""), 400, "invalid_input"},
		{"draft event", draft, ok(draft), 409, "signing_not_open"},
		{"closed event", closed, ok(closed), 409, "signing_not_open"},
		{"window not yet open", later, ok(later), 409, "signing_not_open"},
		{"window over", over, ok(over), 409, "signing_not_open"},
		{"no consent", f.e, ok(f.e, "consent", false), 422, "consent_required"},
		{"no signature", f.e, ok(f.e, "signature_strokes", nil), 400, "invalid_signature_image"},
		{"JPEG instead of PNG", f.e, ok(f.e, "signature_strokes", nil, "signature_png", b64(signatureJPEG(t))), 400, "invalid_signature_image"},
		{"PNG over the size bound", f.e, ok(f.e, "signature_strokes", nil, "signature_png", b64(noisePNG(t, 400, 300))), 400, "invalid_signature_image"},
		{"PNG of huge dimensions", f.e, ok(f.e, "signature_strokes", nil, "signature_png", b64(pngHeader(100000, 100000))), 400, "invalid_signature_image"},
		{"PNG wider than a canvas", f.e, ok(f.e, "signature_strokes", nil, "signature_png", b64(pngHeader(5000, 200))), 400, "invalid_signature_image"},
		{"blank PNG", f.e, ok(f.e, "signature_strokes", nil, "signature_png", b64(blankPNG(t))), 400, "invalid_signature_image"},
		{"not base64", f.e, ok(f.e, "signature_strokes", nil, "signature_png", "%%%"), 400, "invalid_signature_image"},
		{"a scribble of three points", f.e, ok(f.e, "signature_strokes", json.RawMessage(few)), 400, "invalid_signature_image"},
		{"strokes off the canvas", f.e, ok(f.e, "signature_strokes", json.RawMessage(offCanvas)), 400, "invalid_signature_image"},
		{"unknown field", f.e, ok(f.e, "signature", "x"), 400, "invalid_input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.sign(t, tt.e, tt.body).wantError(t, tt.status, tt.code)
		})
	}
	a.api(t, "POST", "/api/v1/events/999999/signatures", "", ok(f.e)).wantError(t, http.StatusNotFound, "not_found")
	for _, e := range []eventJSON{f.e, draft, closed, later, over} {
		if n := f.signedCount(t, e); n != 0 {
			t.Errorf("event %d has %d signatures after refused attempts", e.ID, n)
		}
	}

	// The window opens with time.
	a.clock.Add(2 * time.Hour)
	if r := a.sign(t, later, ok(later)); r.Status != http.StatusCreated {
		t.Errorf("signing inside the window: %d %s", r.Status, r.Body)
	}
}

// TestOversizedBodies: bodies over 1 MiB are refused before they are read,
// whether or not the client declared their length.
func TestOversizedBodies(t *testing.T) {
	f := newSigningFixture(t, siti)
	huge := strings.Repeat("A", 3<<19)
	path := fmt.Sprintf("/api/v1/events/%d/signatures", f.e.ID)
	for _, chunked := range []bool{false, true} {
		req := request("POST", path, "192.0.2.1:1234", map[string]any{"nip": siti.NIP, "event_code": f.e.EventCode, "consent": true, "signature_png": huge})
		if chunked {
			req.ContentLength = -1
		}
		r := f.a.serve(req)
		r.wantError(t, http.StatusRequestEntityTooLarge, "too_large")
	}
	// A signing form too.
	form := url.Values{"nip": {siti.NIP}, "code": {f.e.EventCode}, "signature_png": {huge}, "consent": {"1"}}
	req := httptest.NewRequest("POST", strings.TrimPrefix(f.e.URL, f.a.URL)+"/sign", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if r := f.a.serve(req); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized signing form: status %d", r.Status)
	}
	if n := f.signedCount(t, f.e); n != 0 {
		t.Errorf("%d signatures after oversized submissions", n)
	}
}

// TestSigningPagesRefusals: what a signer sees on their phone when
// something is wrong.
func TestSigningPagesRefusals(t *testing.T) {
	f := newSigningFixture(t, siti)
	a := f.a
	slug := strings.TrimPrefix(f.e.URL, a.URL)
	phone := a.browser(t)

	p := phone.submit(phone.get(slug), slug, url.Values{"nip": {siti.NIP}, "code": {wrongCode(f.e.EventCode)}})
	wantPage(t, p, http.StatusForbidden, "Kode acara salah", "Masukkan NIP dan kode acara")
	p = phone.submit(p, slug, url.Values{"nip": {"197001012000011001"}, "code": {f.e.EventCode}})
	wantPage(t, p, http.StatusForbidden, "NIP tidak terdaftar sebagai peserta acara ini", "197001012000011001")

	// A tampered confirmation on the signing form is refused, and the
	// drawn signature comes back in the form.
	p = phone.submit(p, slug, url.Values{"nip": {siti.NIP}, "code": {f.e.EventCode}})
	wantPage(t, p, http.StatusOK, "Apakah ini Anda?")
	confirm := p
	ticket := phone.formFields(confirm, slug+"/sign").Get("ticket")
	p = phone.submit(confirm, slug+"/sign", url.Values{"ticket": {ticket + "x"}, "signature_strokes": {strokesCompact(false)}, "consent": {"1"}})
	wantPage(t, p, http.StatusForbidden, "Halaman konfirmasi sudah kedaluwarsa", html.EscapeString(strokesCompact(false)))
	// A JPEG where the pad's PNG should be.
	p = phone.submit(confirm, slug+"/sign", url.Values{"signature_png": {base64.StdEncoding.EncodeToString(signatureJPEG(t))}, "consent": {"1"}})
	wantPage(t, p, http.StatusBadRequest, "Apakah ini Anda?", "Tanda tangan harus berupa gambar PNG")
	// Sent twice (back button, submit again): one certificate.
	first := phone.submit(confirm, slug+"/sign", url.Values{"signature_strokes": {strokesJSON()}, "consent": {"1"}})
	second := phone.submit(confirm, slug+"/sign", url.Values{"signature_strokes": {strokesJSON()}, "consent": {"1"}})
	wantPage(t, second, http.StatusOK, "Ikrar Anda tercatat")
	if first.URL.Path != second.URL.Path || !strings.HasPrefix(first.URL.Path, "/c/") {
		t.Errorf("signing twice lands on %s and %s, want one certificate", first.URL, second.URL)
	}
	if n := f.signedCount(t, f.e); n != 1 {
		t.Errorf("%d signatures, want 1", n)
	}

	// Draft and closed events say so and offer no form.
	draft := a.mustEvent(t, f.token, f.regency.ID, "Acara Draf", nil)
	draftSlug := strings.TrimPrefix(draft.URL, a.URL)
	p = phone.get(draftSlug)
	wantPage(t, p, http.StatusOK, "Acara Draf", "belum dibuka")
	wantAbsent(t, "a draft event's page", p.Body, `action="`+draftSlug+`"`)
	a.api(t, "POST", fmt.Sprintf("/api/v1/events/%d/close", f.e.ID), f.token, nil)
	p = phone.get(slug)
	wantPage(t, p, http.StatusOK, "sudah ditutup", "Sudah menandatangani?")
	p = phone.get("/e/tidak-ada-acara")
	wantPage(t, p, http.StatusNotFound, "Acara tidak ditemukan")
}

// wrongCode returns a well-formed event code that is not code.
func wrongCode(code string) string {
	if code == "ZZZZZZ" {
		return "YYYYYY"
	}
	return "ZZZZZZ"
}

// signatureJPEG is a drawn signature saved as JPEG.
func signatureJPEG(t *testing.T) []byte {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(signaturePNG(t)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// noisePNG is a w×h PNG of random pixels, which does not compress.
func noisePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.Uint32())
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if buf.Len() < 300<<10 {
		t.Fatalf("noise PNG is only %d bytes", buf.Len())
	}
	return buf.Bytes()
}

func blankPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 600, 200))
	img.SetNRGBA(300, 100, color.NRGBA{A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngHeader is a small, well-formed PNG file whose header claims w×h
// pixels: decoding it would allocate what the header says.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8] = 8 // 8-bit grayscale
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(make([]byte, 64<<10))
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

// TestWebFormDrawingFormats: the signing form's compact format and the
// toData() JSON a page loaded before the upgrade still posts store the
// same drawing, byte for byte, so the certificate shows the same
// signature; a malformed drawing is refused in Indonesian with the form
// shown again.
func TestWebFormDrawingFormats(t *testing.T) {
	f := newSigningFixture(t, siti, andre, fitri)
	slug := strings.TrimPrefix(f.e.URL, f.a.URL)
	signAs := func(p person, strokes string) page {
		phone := f.a.browser(t)
		confirm := phone.submit(phone.get(slug), slug, url.Values{"nip": {p.NIP}, "code": {f.e.EventCode}})
		wantPage(t, confirm, http.StatusOK, "Apakah ini Anda?")
		wantAbsent(t, "the confirm page of an organization that keeps no stroke timing", confirm.Body, "data-timing")
		return phone.submit(confirm, slug+"/sign", url.Values{"signature_strokes": {strokes}, "consent": {"1"}})
	}
	stored := func(cert page) []byte {
		t.Helper()
		wantPage(t, cert, http.StatusOK, "Ikrar Anda tercatat")
		sig, err := f.a.db.SignatureByCode(t.Context(), strings.TrimPrefix(cert.URL.Path, "/c/"))
		if err != nil {
			t.Fatal(err)
		}
		if sig.Ink.Kind != registry.InkStrokes || len(sig.Ink.Strokes) != 2 {
			t.Fatalf("stored ink = %+v, want the two strokes drawn", sig.Ink)
		}
		return ink.EncodeStrokes(sig.Ink.Strokes)
	}
	compact := stored(signAs(siti, strokesCompact(false)))
	old := stored(signAs(andre, strokesJSON()))
	if !bytes.Equal(compact, old) {
		t.Errorf("the same drawing is stored as %x from the compact format and %x from toData() JSON", compact, old)
	}

	p := signAs(fitri, "v1:12,40 13;41")
	wantPage(t, p, http.StatusBadRequest, "Apakah ini Anda?", "Data tanda tangan tidak valid")
}
