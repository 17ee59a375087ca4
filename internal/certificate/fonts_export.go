package certificate

import "codeberg.org/go-pdf/fpdf"

// Font is the family under which NewDocument registers the certificate's
// fonts, in the styles "" (regular), "B" (bold) and "I" (oblique).
const Font = family

// NewDocument returns an empty A4 portrait document in millimetres with the
// certificate's embedded fonts registered under Font, and the function that
// converts text to their single-byte encoding: every string drawn must go
// through it. Reports use it so that they print names as certificates do,
// and as fast.
func NewDocument() (*fpdf.Fpdf, func(string) string, error) {
	r, err := NewRenderer()
	if err != nil {
		return nil, nil, err
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	pdf.SetCreator("ikrar", false)
	pdf.SetProducer("ikrar", false)
	pdf.AddFontFromBytes(family, "", r.regular.json, r.regular.z)
	pdf.AddFontFromBytes(family, "B", r.bold.json, r.bold.z)
	pdf.AddFontFromBytes(family, "I", r.oblique.json, r.oblique.z)
	return pdf, cp1252, pdf.Error()
}

// DrawQR draws text as a QR code the way certificates carry theirs: medium
// error correction, modules as vector rectangles, inside a white square of
// side size at (x, y) that includes the quiet zone.
func DrawQR(pdf *fpdf.Fpdf, x, y, size float64, text string) error {
	code, err := qrCode(text)
	if err != nil {
		return err
	}
	drawQR(pdf, code, x, y, size)
	return nil
}
