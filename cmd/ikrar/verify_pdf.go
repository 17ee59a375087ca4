package main

import (
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"

	"github.com/ikrar-id/ikrar/internal/certificate"
)

// checkPDFFile checks what only a PDF carries, with no network: that the
// QR printed on the page is the QR its metadata holds (text, whose claim
// was checked already, for certificate code, signed by the registry of
// origin, "" if no key verified it), and that the file is byte for byte
// what that registry signed for that code (docs/FORMATS.md §6). A PDF issued
// before certificates were signed has no signature: offline that is not
// valid; with online set, the online check compares it with the PDF the
// registry issued instead.
func checkPDFFile(pdf []byte, text, code, origin string, verifiers note.Verifiers, online bool, v *verdict) {
	switch printed, err := certificate.PrintedQR(pdf); {
	case errors.Is(err, certificate.ErrSeveralQRs):
		v.fail("QR TERCETAK BERBEDA / PRINTED QR DIFFERS", "halaman memuat beberapa kode QR yang berbeda / the pages draw several different QR codes")
	case err != nil:
		v.fail("QR TERCETAK TIDAK TERBACA / PRINTED QR UNREADABLE", fmt.Sprintf("kode QR pada halaman tidak dapat dibaca / the QR code on the page cannot be read (%v)", err))
	case printed != text:
		v.fail("QR TERCETAK BERBEDA / PRINTED QR DIFFERS", fmt.Sprintf("QR yang tercetak berbeda dari QR di metadata PDF / the printed QR differs from the QR in the PDF's metadata (tercetak / printed: %s)", printed))
	default:
		v.pass("QR TERCETAK / PRINTED QR", "sama dengan QR di metadata PDF / the same as the QR in the PDF's metadata")
	}

	sig, key, err := certificate.VerifyPDF(pdf, verifiers)
	switch {
	case err == nil && origin != "" && sig.Origin != origin:
		v.fail("PDF DIUBAH / ALTERED PDF", fmt.Sprintf("PDF ditandatangani registri %s, QR oleh registri %s / the PDF is signed by registry %s, its QR by registry %s", sig.Origin, origin, sig.Origin, origin))
	case err == nil && sig.Code != code:
		v.fail("PDF DIUBAH / ALTERED PDF", fmt.Sprintf("PDF ditandatangani untuk sertifikat %s, bukan %s / the PDF is signed for certificate %s, not %s", sig.Code, code, sig.Code, code))
	case err == nil:
		v.pass("PDF UTUH / PDF INTACT", fmt.Sprintf("tanda tangan PDF cocok dengan setiap bita berkas (kunci %s+%08x, registri %s) / the PDF's signature matches every byte of the file (key %s+%08x, registry %s)",
			key.Name(), key.KeyHash(), sig.Origin, key.Name(), key.KeyHash(), sig.Origin))
	case errors.Is(err, certificate.ErrNoPDFSignature):
		if n := certificate.IncrementalUpdates(pdf); n > 0 {
			v.fail("PDF DIUBAH / ALTERED PDF", fmt.Sprintf("%d revisi ditambahkan setelah ikrar menerbitkannya / %d revision(s) appended after ikrar issued it", n, n))
			return
		}
		if online {
			fmt.Fprintln(v.out, "  --  PDF tanpa tanda tangan tertanam (terbitan lama); dibandingkan daring dengan PDF yang diterbitkan / no embedded signature (an earlier issue); compared online with the PDF issued")
			return
		}
		v.fail("PDF TANPA TANDA TANGAN / UNSIGNED PDF", "tidak ada tanda tangan tertanam: periksa daring dengan --online / no embedded signature: check online with --online")
	case errors.Is(err, certificate.ErrPDFKeyUnknown):
		v.fail("TANDA TANGAN PDF TIDAK DIKENAL / PDF SIGNED BY AN UNKNOWN KEY", fmt.Sprintf("PDF ditandatangani kunci yang tidak ada di berkas kunci / the PDF is signed by a key that is not in the key file (%v)", err))
	default:
		v.fail("PDF DIUBAH / ALTERED PDF", fmt.Sprintf("berkas berbeda dari yang ditandatangani registri / the file differs from what the registry signed (%v)", err))
	}
}
