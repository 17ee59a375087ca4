package certificate

import (
	"bytes"
	"errors"
	"strings"
)

// ErrNoQRText means a PDF carries no ikrar QR text in its metadata.
var ErrNoQRText = errors.New("no ikrar QR text in the PDF metadata")

// QRTextFromPDF returns the QR text that Render wrote into the PDF's
// Keywords entry. It reads the literal string of the last Keywords entry,
// undoing PDF string escapes.
func QRTextFromPDF(pdf []byte) (string, error) {
	i := bytes.LastIndex(pdf, []byte("/Keywords ("))
	if i < 0 {
		return "", ErrNoQRText
	}
	var b strings.Builder
	rest := pdf[i+len("/Keywords ("):]
	for j := 0; j < len(rest); j++ {
		switch c := rest[j]; c {
		case ')':
			s := b.String()
			if !strings.HasPrefix(s, QRKeywordPrefix) {
				return "", ErrNoQRText
			}
			return strings.TrimPrefix(s, QRKeywordPrefix), nil
		case '\\':
			j++
			if j < len(rest) {
				b.WriteByte(rest[j])
			}
		default:
			b.WriteByte(c)
		}
		if b.Len() > 2048 {
			break
		}
	}
	return "", ErrNoQRText
}

// IncrementalUpdates counts the revisions appended to a PDF after it was
// written: ikrar writes each certificate in one revision, so any later
// revision means the file was edited.
func IncrementalUpdates(pdf []byte) int {
	return max(bytes.Count(pdf, []byte("%%EOF"))-1, 0)
}
