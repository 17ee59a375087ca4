package certificate

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/pdftest"
	"github.com/ikrar-id/ikrar/internal/registry"
)

const testQR = "https://ikrar.deliserdangkab.go.id/v/K7M49QX2P9AB?s=" +
	"MEUCIQDv3n1bq0m8bq7c1l2eJc7m0H3qF6b5hH9G2c0cQm1vVAIgWm6r7v9kq3sB2k0xq7x8dP0l3u1nH8c2b5vYy4p9dE"

func testCertificate(t testing.TB, kind registry.InkKind) Certificate {
	t.Helper()
	org := registry.Organization{ID: 1, Name: "Pemerintah Kabupaten Deli Serdang", TimeZone: "Asia/Jakarta"}
	pledge := registry.DefaultPledge()
	// 09.00 WIB on Wednesday 23 October 2024.
	signedAt := time.Date(2024, 10, 23, 2, 0, 0, 0, time.UTC)
	sig := registry.Signature{
		ID:         123,
		EventID:    12,
		Code:       "K7M49QX2P9AB",
		Serial:     registry.FormatSerial(2024, 12, 123),
		NIP:        "198609262015051001",
		Name:       "Dr. André Siregar, S.H., M.Si.",
		Position:   "Kepala Bagian Tata Pemerintahan",
		Rank:       "Pembina (IV/a)",
		Unit:       "Bagian Tata Pemerintahan",
		OrgName:    "Sekretariat Daerah Kabupaten Deli Serdang",
		Category:   registry.CategoryPNS,
		PledgeHash: pledge.Hash,
		SignedAt:   signedAt,
		Ink:        testInk(t, kind),
	}
	return Certificate{
		Signature: sig,
		Event: registry.Event{
			ID:                12,
			Title:             "Deklarasi Netralitas ASN Pemilihan Kepala Daerah 2024",
			Place:             "Aula Cendana, Kantor Bupati Deli Serdang, Lubuk Pakam",
			Mode:              registry.ModeInPerson,
			OfficialName:      "Drs. Tengku Hasbullah Siregar, M.A.P.",
			OfficialPosition:  "Sekretaris Daerah Kabupaten Deli Serdang",
			OfficialSignature: mustGrayPNG(t, 400, 150),
		},
		Org:       org,
		Pledge:    pledge,
		QRText:    testQR,
		VerifyURL: "https://ikrar.deliserdangkab.go.id/v",
	}
}

func testInk(t testing.TB, kind registry.InkKind) registry.Ink {
	switch kind {
	case registry.InkStrokes:
		return registry.Ink{Kind: kind, Strokes: testStrokes()}
	case registry.InkPNG:
		return registry.Ink{Kind: kind, PNG: mustGrayPNG(t, 600, 200)}
	case registry.InkTyped:
		return registry.Ink{Kind: kind, Typed: "André Siregar"}
	case registry.InkPaper:
		return registry.Ink{Kind: kind}
	}
	t.Fatalf("unknown ink kind %q", kind)
	return registry.Ink{}
}

// testStrokes is a signature-like scribble of three strokes, 300 points in
// all, plus a dot, in a 600×200 canvas.
func testStrokes() []registry.Stroke {
	var strokes []registry.Stroke
	for s := range 3 {
		var st registry.Stroke
		for i := range 100 {
			f := float64(i) / 99
			st.Points = append(st.Points, registry.Point{
				X: 40 + float64(s)*170 + f*160,
				Y: 100 + 60*math.Sin(f*math.Pi*(3+float64(s))) + 20*math.Cos(f*17),
				T: 1729648800000 + int64(s*1000+i*8),
			})
		}
		strokes = append(strokes, st)
	}
	return append(strokes, registry.Stroke{Points: []registry.Point{{X: 560, Y: 40}}})
}

// mustGrayPNG draws a loop on white, as the signing path stores a drawn
// signature: grayscale, no alpha.
func mustGrayPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for a := 0.0; a < 6*math.Pi; a += 0.002 {
		x := float64(w)/2 + float64(w)*0.4*math.Sin(a)
		y := float64(h)/2 + float64(h)*0.35*math.Sin(a*1.5)
		for dx := -2; dx <= 2; dx++ {
			for dy := -2; dy <= 2; dy++ {
				img.SetGray(int(x)+dx, int(y)+dy, color.Gray{Y: 20})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func mustRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustRender(t testing.TB, r *Renderer, c Certificate) []byte {
	t.Helper()
	pdf, err := r.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// squash folds the line breaks and spacing pdftotext puts into wrapped text.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestRenderContent(t *testing.T) {
	r := mustRenderer(t)
	for _, kind := range []registry.InkKind{registry.InkStrokes, registry.InkPNG, registry.InkTyped, registry.InkPaper} {
		t.Run(string(kind), func(t *testing.T) {
			c := testCertificate(t, kind)
			if kind == registry.InkPaper {
				c.Signature.Channel, c.Signature.Witness = registry.ChannelPaper, "Ir. Made Sudarsana (Bawaslu)"
			}
			pdf := mustRender(t, r, c)
			text := squash(pdftest.Text(t, pdf))
			want := []string{
				"SERTIFIKAT IKRAR NETRALITAS ASN",
				"Pemerintah Kabupaten Deli Serdang",
				"Yang bertanda tangan di bawah ini:",
				"Dr. André Siregar, S.H., M.Si.",
				"19860926 201505 1 001",
				"Kepala Bagian Tata Pemerintahan",
				"Bagian Tata Pemerintahan",
				"Sekretariat Daerah Kabupaten Deli Serdang",
				"Pembina (IV/a)",
				"Deklarasi Netralitas ASN Pemilihan Kepala Daerah 2024",
				"Aula Cendana, Kantor Bupati Deli Serdang, Lubuk Pakam",
				"Rabu, 23 Oktober 2024 pukul 09.00 WIB",
				squash(c.Pledge.OpeningFor(c.Org.Name)),
				squash(c.Pledge.Closing),
				"IKR/2024/E12/000123",
				"K7M4-9QX2-P9AB",
				"Drs. Tengku Hasbullah Siregar, M.A.P.",
				"Sekretaris Daerah Kabupaten Deli Serdang",
				"https://ikrar.deliserdangkab.go.id/v",
				"Sidik ikrar (SHA-256): " + c.Pledge.Hash[:16] + "…",
				"Tanda tangan elektronik tidak tersertifikasi sesuai UU ITE dan PP 71/2019.",
			}
			for i, pt := range c.Pledge.Points {
				want = append(want, strconv.Itoa(i+1)+". "+squash(pt))
			}
			if kind == registry.InkTyped {
				want = append(want, "André Siregar", "(tanda tangan diketik)")
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("PDF text lacks %q", w)
				}
			}
			if kind != registry.InkTyped && strings.Contains(text, "diketik") {
				t.Errorf("a drawn signature is labelled as typed")
			}
			const onPaper = "Ditandatangani di atas kertas, disaksikan oleh Ir. Made Sudarsana (Bawaslu)"
			if got := strings.Contains(text, onPaper); got != (kind == registry.InkPaper) {
				t.Errorf("PDF says %q: %v, want %v", onPaper, got, kind == registry.InkPaper)
			}
			if t.Failed() {
				t.Logf("text:\n%s", text)
			}
		})
	}
}

func TestRenderQRDecodes(t *testing.T) {
	r := mustRenderer(t)
	for _, kind := range []registry.InkKind{registry.InkStrokes, registry.InkPNG, registry.InkTyped} {
		t.Run(string(kind), func(t *testing.T) {
			pdf := mustRender(t, r, testCertificate(t, kind))
			if got := pdftest.DecodeQR(t, pdftest.Page(t, pdf, 1)); got != testQR {
				t.Errorf("QR = %q, want %q", got, testQR)
			}
		})
	}
}

func TestRenderDeterministic(t *testing.T) {
	r := mustRenderer(t)
	c := testCertificate(t, registry.InkStrokes)
	first := mustRender(t, r, c)
	if again := mustRender(t, r, c); !bytes.Equal(first, again) {
		t.Fatal("two renders of the same certificate differ")
	}
	const n = 8
	var wg sync.WaitGroup
	outs := make([][]byte, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { outs[i], errs[i] = r.Render(c) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !bytes.Equal(first, outs[i]) {
			t.Fatalf("concurrent render %d differs", i)
		}
	}
	// Another record must not give the same file.
	c.Signature.Name = "Dr. Andre Siregar, S.H., M.Si."
	if bytes.Equal(first, mustRender(t, r, c)) {
		t.Fatal("a different name renders to the same bytes")
	}
}

func TestRenderSmallAndSelfContained(t *testing.T) {
	r := mustRenderer(t)
	pdf := mustRender(t, r, testCertificate(t, registry.InkStrokes))
	if len(pdf) > 80<<10 {
		t.Errorf("PDF is %d bytes, want at most 80 KB", len(pdf))
	}
	for _, want := range []string{"%PDF-1.", "/FontFile2", "/BaseFont /DejaVuSans-Bold", "/Encoding /WinAnsiEncoding"} {
		if !bytes.Contains(pdf, []byte(want)) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	if bytes.Contains(pdf, []byte("DejaVuSans-Oblique")) {
		t.Error("the oblique face is embedded though the signature is drawn")
	}
}

// A custom pledge too long for one page flows on: nothing is cut and the QR
// on the last page still decodes.
func TestRenderLongPledgeFlows(t *testing.T) {
	r := mustRenderer(t)
	c := testCertificate(t, registry.InkPNG)
	p := c.Pledge
	for i := range 16 {
		p.Points = append(p.Points, strings.Repeat("Butir tambahan yang panjang sekali untuk menguji tata letak. ", 3)+"Nomor "+strconv.Itoa(i+5)+".")
	}
	p.Hash = p.ComputeHash()
	c.Pledge, c.Signature.PledgeHash = p, p.Hash
	pdf := mustRender(t, r, c)
	pages := pdftest.Pages(t, pdf)
	if pages < 2 {
		t.Fatalf("%d page(s), want the text to flow onto a second page", pages)
	}
	text := pdftest.Text(t, pdf)
	for i, pt := range p.Points {
		if want := strconv.Itoa(i+1) + ". " + squash(pt); !strings.Contains(text, want) {
			t.Errorf("point %d missing", i+1)
		}
	}
	// gozxing's detector is thrown by the dense text above the QR on this
	// page, so it gets the region where the QR is meant to be.
	page := pdftest.Page(t, pdf, pages)
	px := func(mm float64) int { return int(mm * 150 / 25.4) }
	at := placeQR(testQR)
	region := image.Rect(px(marginX-5), px(at.top-5), px(marginX+at.size+5), px(at.top+at.size+5))
	if got := pdftest.DecodeQR(t, page.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(region)); got != testQR {
		t.Errorf("QR on the last page = %q", got)
	}
}

func TestRenderRefuses(t *testing.T) {
	r := mustRenderer(t)
	tests := map[string]func(c *Certificate){
		"pledge differs from the signed one": func(c *Certificate) { c.Pledge.Points[3] = "Menerima politik uang." },
		"no QR text":                         func(c *Certificate) { c.QRText = "" },
		"QR text too long":                   func(c *Certificate) { c.QRText = strings.Repeat("x", 3000) },
		"unknown ink":                        func(c *Certificate) { c.Signature.Ink = registry.Ink{} },
		"broken PNG":                         func(c *Certificate) { c.Signature.Ink.PNG = []byte("\x89PNG not really") },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			c := testCertificate(t, registry.InkPNG)
			mutate(&c)
			if _, err := r.Render(c); err == nil {
				t.Error("Render succeeded")
			}
		})
	}
}

func TestOnlineEventAndOtherZone(t *testing.T) {
	r := mustRenderer(t)
	c := testCertificate(t, registry.InkTyped)
	c.Event.Mode, c.Event.Place = registry.ModeOnline, ""
	c.Event.OfficialSignature = nil
	c.Org.TimeZone = "Asia/Jayapura"
	c.Signature.NIP = "R12345678901234567" // staff without an NIP
	text := pdftest.Text(t, mustRender(t, r, c))
	for _, want := range []string{"daring, Rabu, 23 Oktober 2024 pukul 11.00 WIT", "Nomor Registri R12345678901234567"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
}

func TestCP1252(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Andi", "Andi"},
		{"André", "Andr\xe9"},
		{"Andre\u0301", "Andr\xe9"}, // decomposed é
		{"Muñoz Çelik Åsa Ø", "Mu\xf1oz \xc7elik \xc5sa \xd8"},
		{"Şükrü Ā", "S\xfckr\xfc A"},
		{"Łukasz", "Lukasz"},
		{"“kutip” – …", "\x93kutip\x94 \x96 \x85"},
		{"baris\nbaru\ttab", "baris baru tab"},
		{"王", "?"},
		{"😀", "?"},
	}
	for _, tt := range tests {
		if got := cp1252(tt.in); got != tt.want {
			t.Errorf("cp1252(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// BenchmarkRender renders with a drawn signature of 300 points.
func BenchmarkRender(b *testing.B) { benchRender(b, registry.InkStrokes) }

func BenchmarkRenderPNG(b *testing.B) { benchRender(b, registry.InkPNG) }

func benchRender(b *testing.B, kind registry.InkKind) {
	r := mustRenderer(b)
	c := testCertificate(b, kind)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}

func BenchmarkQR(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := qrCode(testQR); err != nil {
			b.Fatal(err)
		}
	}
}
