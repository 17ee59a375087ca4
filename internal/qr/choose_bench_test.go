package qr

import (
	"testing"

	goqr "github.com/piglig/go-qr"
	"github.com/skip2/go-qrcode"
	rscqr "rsc.io/qr"
)

// Texts of the certificate's QR: the claim v2 of docs/FORMATS.md §5 (upper
// case, alphanumeric mode), issued today, and a claim v1 (mixed case, byte
// mode), as certificates issued before claim v2 carry.
const (
	claimV2 = "HTTPS://IKRAR.EXAMPLE.GO.ID/V/K7M4QX2P9ABC/AGJLOGRRPPALTZFB6PD5EXUKNNAPDYU5PQ525E5XGWKZ63YYEXKMHSN3TJVOYWSPTPQ653HCSTNXKFWEPOAQOSMQPRVDGS6PRDN3C65XTZ3BXMAUCGYPPJGBE5PDYHK4W3QXBLLJA4"
	claimV1 = "https://ikrar.example.go.id/v/K7M4QX2P9ABC?e=1234&t=1729648800123&p=q6urq6urq6urq6urq6urqw&i=Dw8PDw8PDw8PDw8PDw8PDw&s=9NavscftZvEo5O_upTbAVV6yl1C3uMN1gmzddBSQwRGuKgZcGUh01IZReM1SRR-gvxMt128B4C6RwxUb0U0lMFe7Mww"
)

// BenchmarkChoose compares, in one run, the encoders considered to replace
// this package (issue 15 item 1), each at level M up to the module matrix.
func BenchmarkChoose(b *testing.B) {
	for _, bc := range []struct{ name, text string }{{"v2", claimV2}, {"v1", claimV1}, {"210", certificateText}} {
		b.Run(bc.name+"/internal-qr", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Encode(bc.text, M); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"/rsc.io-qr", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := rscqr.Encode(bc.text, rscqr.M); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"/piglig-go-qr", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := goqr.EncodeText(bc.text, goqr.Medium); err != nil {
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

// TestChooseSizes logs the symbol size each encoder picks.
func TestChooseSizes(t *testing.T) {
	for _, text := range []string{claimV2, claimV1, certificateText} {
		a, _ := Encode(text, M)
		r, _ := rscqr.Encode(text, rscqr.M)
		p, _ := goqr.EncodeText(text, goqr.Medium)
		t.Logf("%d chars: internal/qr %d, rsc.io/qr %d, piglig %d", len(text), a.Size(), r.Size, p.Size())
	}
}
