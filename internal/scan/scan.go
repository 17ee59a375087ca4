// Package scan checks the scan of a signature made on paper before the
// registry keeps it: its type is read from its bytes, never from a file
// name or a client's Content-Type, and its size and, for an image, its
// dimensions are bounded, so a small file that decodes to gigapixels (an
// image bomb) is refused before it is decoded.
package scan

import (
	"bytes"
	"image"
	_ "image/jpeg" // decoders for image.DecodeConfig and image.Decode
	_ "image/png"
	"net/http"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// Bounds of an accepted scan. An A4 sheet scanned at 300 dpi is 2480×3508
// pixels (8.7 megapixels) and a few megabytes as PNG or PDF.
const (
	MaxBytes  = 10 << 20
	MaxSide   = 10000
	MaxPixels = 30_000_000
)

// Types a scan may have.
const (
	PDF  = "application/pdf"
	PNG  = "image/png"
	JPEG = "image/jpeg"
)

// Check reads what b is and whether it is a well-formed scan within the
// bounds. Its errors are *registry.Error: ETOOLARGE for too many bytes,
// EBADSCAN for anything else, with a message for the officer.
func Check(b []byte) (registry.PaperScan, error) {
	if len(b) > MaxBytes {
		return registry.PaperScan{}, registry.Errorf(registry.ETOOLARGE, "Berkas pindaian terlalu besar (paling besar %d MB).", MaxBytes>>20)
	}
	if len(b) == 0 {
		return registry.PaperScan{}, registry.Errorf(registry.EBADSCAN, "Unggah pindaian pakta yang ditandatangani (PDF, PNG, atau JPEG).")
	}
	switch t := http.DetectContentType(b); t {
	case PDF:
		// A PDF's trailer ends with %%EOF: a file cut short in the upload
		// or by the scanner lacks it.
		tail := bytes.TrimRight(b[max(0, len(b)-2048):], "\r\n\t \x00")
		if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.HasSuffix(tail, []byte("%%EOF")) {
			return registry.PaperScan{}, registry.Errorf(registry.EBADSCAN, "Berkas PDF pindaian rusak atau tidak lengkap. Pindai ulang lalu unggah kembali.")
		}
		return registry.PaperScan{ContentType: PDF, Data: b}, nil
	case PNG, JPEG:
		cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			return registry.PaperScan{}, registry.Errorf(registry.EBADSCAN, "Gambar pindaian rusak dan tidak dapat dibaca. Pindai ulang lalu unggah kembali.")
		}
		if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Width*cfg.Height > MaxPixels {
			return registry.PaperScan{}, registry.Errorf(registry.EBADSCAN, "Ukuran gambar pindaian %d×%d piksel di luar batas (paling besar %d piksel per sisi dan %d megapiksel).",
				cfg.Width, cfg.Height, MaxSide, MaxPixels/1_000_000)
		}
		// Decoded whole, within the bounds just checked, so a file cut
		// short is refused now rather than kept.
		if _, _, err := image.Decode(bytes.NewReader(b)); err != nil {
			return registry.PaperScan{}, registry.Errorf(registry.EBADSCAN, "Gambar pindaian rusak dan tidak dapat dibaca. Pindai ulang lalu unggah kembali.")
		}
		return registry.PaperScan{ContentType: t, Data: b}, nil
	}
	return registry.PaperScan{}, registry.Errorf(registry.EBADSCAN, "Pindaian harus berupa PDF, PNG, atau JPEG.")
}
