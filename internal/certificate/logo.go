package certificate

import (
	"bytes"
	"image"
	"image/png"

	"golang.org/x/image/draw"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// Limits on an uploaded logo. A letterhead prints it some 20 mm tall, so
// what is kept is scaled down to at most logoKeepPx on its longer side:
// every certificate carries its own copy.
const (
	MaxLogoBytes = 512 << 10
	MaxLogoPx    = 2000
	minLogoPx    = 32
	logoKeepPx   = 480
)

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// NormalizeLogo checks an uploaded logo and returns it re-encoded as a
// plain PNG: decoding and encoding again drops every chunk but the
// pixels (text, ICC profiles, anything appended), and a large one is
// scaled down. Only PNG is accepted, by its content, never its name. An
// SVG is a document that can carry scripts and fetch other files, and
// nothing in the registry renders one safely, so it is refused with a
// message saying how to make a PNG of it. The dimensions are read from the
// header before anything is decoded, so a small file that would expand to
// gigabytes of pixels is refused unread.
func NormalizeLogo(data []byte) ([]byte, error) {
	if len(data) == 0 {
		return nil, registry.Errorf(registry.EINVALID, "Pilih berkas logo (PNG).")
	}
	if len(data) > MaxLogoBytes {
		return nil, registry.Errorf(registry.EINVALID, "Berkas logo terlalu besar: paling besar 512 KB.")
	}
	if !bytes.HasPrefix(data, pngMagic) {
		if looksLikeSVG(data) {
			return nil, registry.Errorf(registry.EINVALID, "Logo SVG tidak diterima karena dapat memuat skrip. Simpan logo sebagai PNG (ekspor dari aplikasi gambar), lalu unggah lagi.")
		}
		return nil, registry.Errorf(registry.EINVALID, "Berkas ini bukan gambar PNG. Unggah logo dalam format PNG.")
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, registry.Errorf(registry.EINVALID, "Berkas PNG ini rusak atau tidak dapat dibaca.")
	}
	if cfg.Width > MaxLogoPx || cfg.Height > MaxLogoPx {
		return nil, registry.Errorf(registry.EINVALID, "Ukuran logo terlalu besar: paling besar 2000 × 2000 piksel.")
	}
	if cfg.Width < minLogoPx || cfg.Height < minLogoPx {
		return nil, registry.Errorf(registry.EINVALID, "Logo terlalu kecil untuk dicetak: paling kecil 32 × 32 piksel.")
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, registry.Errorf(registry.EINVALID, "Berkas PNG ini rusak atau tidak dapat dibaca.")
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if long := max(w, h); long > logoKeepPx {
		w, h = max(w*logoKeepPx/long, 1), max(h*logoKeepPx/long, 1)
	}
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(out, out.Bounds(), img, b, draw.Src, nil)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// looksLikeSVG reports whether data begins, after white space and an XML
// declaration or comments, like an SVG document.
func looksLikeSVG(data []byte) bool {
	head := bytes.ToLower(data[:min(len(data), 1024)])
	return bytes.Contains(head, []byte("<svg"))
}
