package certificate

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/pdftest"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// mustLogoPNG is a w×h colour PNG with transparent corners, like an
// emblem.
func mustLogoPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			dx, dy := x-w/2, y-h/2
			if dx*dx+dy*dy < (w/2)*(w/2) {
				img.SetNRGBA(x, y, color.NRGBA{R: 200, G: 30, B: 30, A: 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withDimensions rewrites a PNG's header to claim w×h pixels (with a
// correct checksum), as a decompression bomb does: a small file that
// would decode to gigabytes.
func withDimensions(p []byte, w, h uint32) []byte {
	out := bytes.Clone(p)
	// 8 signature bytes, 4 length, "IHDR", then width and height.
	binary.BigEndian.PutUint32(out[16:], w)
	binary.BigEndian.PutUint32(out[20:], h)
	binary.BigEndian.PutUint32(out[29:], crc32.ChecksumIEEE(out[12:29]))
	return out
}

func TestNormalizeLogo(t *testing.T) {
	good := mustLogoPNG(t, 1200, 900)
	tests := []struct {
		name string
		data []byte
		want string // part of the error; "" for accepted
	}{
		{"png", good, ""},
		{"empty", nil, "Pilih berkas logo"},
		{"too large", append(bytes.Clone(good), make([]byte, MaxLogoBytes)...), "terlalu besar: paling besar 512 KB"},
		{"not an image", []byte("%PDF-1.7\nhello"), "bukan gambar PNG"},
		{"jpeg named png", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "bukan gambar PNG"},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "SVG tidak diterima"},
		{"bomb", withDimensions(mustLogoPNG(t, 64, 64), 60000, 60000), "paling besar 2000 × 2000 piksel"},
		{"too small", mustLogoPNG(t, 8, 8), "terlalu kecil"},
		{"truncated", good[:200], "rusak"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := NormalizeLogo(tt.data)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				cfg, err := png.DecodeConfig(bytes.NewReader(out))
				if err != nil {
					t.Fatal(err)
				}
				if cfg.Width != logoKeepPx || cfg.Height != 360 {
					t.Errorf("kept logo is %d×%d, want %d×360", cfg.Width, cfg.Height, logoKeepPx)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !registry.IsCode(err, registry.EINVALID) {
				t.Errorf("err = %v, want EINVALID with %q", err, tt.want)
			}
		})
	}
}

// TestNormalizeLogoDropsChunks checks that what a PNG carries besides its
// pixels (here a text chunk) is not kept.
func TestNormalizeLogoDropsChunks(t *testing.T) {
	p := mustLogoPNG(t, 100, 100)
	chunk := []byte("tEXtComment\x00<script>alert(1)</script>")
	var c bytes.Buffer
	binary.Write(&c, binary.BigEndian, uint32(len(chunk)-4))
	c.Write(chunk)
	binary.Write(&c, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	withText := append(append(bytes.Clone(p[:33]), c.Bytes()...), p[33:]...)
	out, err := NormalizeLogo(withText)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("script")) {
		t.Error("the normalized logo keeps the text chunk")
	}
}

func officialCertificate(t testing.TB) Certificate {
	c := testCertificate(t, registry.InkStrokes)
	c.Layout = LayoutOfficial
	c.Event.OfficialSignature = nil
	c.Event.OfficialNIP = "197405052001081005"
	logo, err := NormalizeLogo(mustLogoPNG(t, 300, 360))
	if err != nil {
		t.Fatal(err)
	}
	c.Kop = Kop{Logo: logo, Parent: "Pemerintah Kabupaten Deli Serdang", Name: "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"}
	return c
}

func TestRenderOfficial(t *testing.T) {
	r := mustRenderer(t)
	c := officialCertificate(t)
	pdf := mustRender(t, r, c)
	if n := pdftest.Pages(t, pdf); n != 1 {
		t.Errorf("official certificate has %d pages, want 1", n)
	}
	text := pdftest.Text(t, pdf)
	// The letterhead comes first on the page, above the title.
	lines := strings.Fields(strings.SplitN(text, "SERTIFIKAT IKRAR NETRALITAS ASN", 2)[0])
	top := strings.Join(lines, " ")
	for _, w := range []string{"PEMERINTAH KABUPATEN DELI SERDANG", "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA"} {
		if !strings.Contains(top, w) {
			t.Errorf("the letterhead above the title lacks %q; above the title: %q", w, top)
		}
	}
	flat := squash(text)
	for _, w := range []string{
		"NIP 19740505 200108 1 005",
		NoOfficialSignature,
		strings.ReplaceAll(VerifyFootnote, "%s", "https://ikrar.deliserdangkab.go.id/v"),
		"Laporkan pelanggaran netralitas ASN melalui SBT BKN (sbt.bkn.go.id) atau SP4N-LAPOR! (www.lapor.go.id).",
	} {
		if !strings.Contains(flat, squash(w)) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	if !bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Error("the letterhead's logo is not in the PDF as an image")
	}
	if got := pdftest.DecodeQR(t, pdftest.Page(t, pdf, 1)); got != testQR {
		t.Errorf("QR = %q, want %q", got, testQR)
	}
	if t.Failed() {
		t.Logf("text:\n%s", text)
	}
}

// TestRenderPlainUnchanged checks that the plain layout, with which
// certificates issued before the letterhead are reproduced, prints none of
// the official layout's additions even when the event has them.
func TestRenderPlainUnchanged(t *testing.T) {
	r := mustRenderer(t)
	c := officialCertificate(t)
	c.Layout = LayoutPlain
	pdf := mustRender(t, r, c)
	text := squash(pdftest.Text(t, pdf))
	for _, w := range []string{"19740505 200108 1 005", "BADAN KEPEGAWAIAN", "tanda tangan basah", "SBT BKN"} {
		if strings.Contains(text, w) {
			t.Errorf("a plain certificate prints %q", w)
		}
	}
	if bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Error("a plain certificate carries the letterhead's logo")
	}
}
