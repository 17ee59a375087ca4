package scan_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/scan"
)

func encoded(t *testing.T, w, h int, enc func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var b bytes.Buffer
	if err := enc(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngOf(b *bytes.Buffer, img image.Image) error  { return png.Encode(b, img) }
func jpegOf(b *bytes.Buffer, img image.Image) error { return jpeg.Encode(b, img, nil) }

// withSize rewrites a PNG's IHDR to claim w×h, with a valid CRC.
func withSize(p []byte, w, h uint32) []byte {
	p = bytes.Clone(p)
	binary.BigEndian.PutUint32(p[16:], w)
	binary.BigEndian.PutUint32(p[20:], h)
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
}

// TestCheck: the type comes from the bytes; sizes and dimensions are
// bounded before anything is decoded; damaged files are refused.
func TestCheck(t *testing.T) {
	small := encoded(t, 300, 400, pngOf)
	pdf := "%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\r\n"
	for _, tt := range []struct {
		name string
		b    []byte
		typ  string // "" when refused
		code string
	}{
		{"PNG", small, scan.PNG, ""},
		{"JPEG", encoded(t, 300, 400, jpegOf), scan.JPEG, ""},
		{"PDF", []byte(pdf), scan.PDF, ""},
		{"PDF cut short", []byte(pdf[:30]), "", registry.EBADSCAN},
		{"PNG cut short", small[:len(small)-40], "", registry.EBADSCAN},
		{"text", []byte("Ini bukan pindaian."), "", registry.EBADSCAN},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "", registry.EBADSCAN},
		{"empty", nil, "", registry.EBADSCAN},
		{"too wide", withSize(small, scan.MaxSide+1, 10), "", registry.EBADSCAN},
		{"too many pixels", withSize(small, 9000, 9000), "", registry.EBADSCAN},
		{"image bomb", withSize(small, 1<<30, 1<<30), "", registry.EBADSCAN},
		{"too many bytes", append([]byte(pdf), make([]byte, scan.MaxBytes)...), "", registry.ETOOLARGE},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := scan.Check(tt.b)
			if tt.typ != "" {
				if err != nil || got.ContentType != tt.typ || !bytes.Equal(got.Data, tt.b) {
					t.Fatalf("Check = %q, %v; want %s", got.ContentType, err, tt.typ)
				}
				return
			}
			if code := registry.ErrorCode(err); code != tt.code {
				t.Fatalf("Check = %q, %v; want %s", got.ContentType, err, tt.code)
			}
			if msg := registry.ErrorMessage(err); msg == "" || strings.Contains(msg, "image:") {
				t.Errorf("message %q is not for an officer", msg)
			}
		})
	}
}
