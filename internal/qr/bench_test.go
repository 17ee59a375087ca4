package qr

import (
	"testing"

	"github.com/skip2/go-qrcode"
)

// certificateText is like the text of a certificate's QR code, 210
// characters: the verification URL and a signed claim.
const certificateText = "https://ikrar.deliserdangkab.go.id/v/K7M49QX2P9AB?s=" +
	"pU3KGCUwux1tEyze1iN7LtkeP3IfyxlxF0SU1kk8nVw0YL4xIB5p_tqg7ui5mX9cfCmZ_a_lkyU81lSvTfrX" +
	"FCegrrP-6SMvivIhH57kkcWxC-y1Vjv8Hm-TQn7LyP4pVeXNjkbcjtS3wnZNKlpNdncG-F2GkA"

// BenchmarkEncode encodes at level M a certificate's text and a short URL,
// with this package and, for comparison in the same run, with go-qrcode.
func BenchmarkEncode(b *testing.B) {
	for _, bc := range []struct{ name, text string }{
		{"210", certificateText},
		{"short", "https://ikrar.id/v/K7M49QX2"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Encode(bc.text, M); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"/go-qrcode", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				q, err := qrcode.New(bc.text, qrcode.Medium)
				if err != nil {
					b.Fatal(err)
				}
				q.DisableBorder = true
				q.Bitmap()
			}
		})
	}
}
