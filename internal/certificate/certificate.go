// Package certificate renders the PDF certificate a signer receives: who
// signed, at which event, the exact pledge text, the signature, the
// official's block and a QR code leading to the verification page.
//
// Output is deterministic: the same Certificate gives the same bytes, so the
// SHA-256 of an issued PDF identifies it. Rendering takes about 2 ms because
// the fonts are single-byte fonts generated once (fonts/gen.go), the QR code
// is drawn as vector rectangles and images are already grayscale PNGs.
package certificate

//go:generate go run ./fonts/gen.go -dst fonts

import (
	"bytes"
	"cmp"
	"embed"
	"errors"
	"fmt"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"rsc.io/qr"

	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/tanggal"
)

// Certificate is everything printed on one certificate.
type Certificate struct {
	Signature registry.Signature // snapshot of the signer as signed
	Event     registry.Event
	Org       registry.Organization // its time zone dates the signature
	Pledge    registry.PledgeVersion
	QRText    string // exact content of the QR code: the verification URL
	VerifyURL string // verification address printed in the footer
	// Layout is the look the certificate is issued with. An issued
	// certificate is stored and never rendered again; one issued before
	// its bytes were kept is rendered once by the upgrade
	// (issuance.Issuer.StoreIssued), and stored only if it comes out byte for
	// byte as it was, which needs the QR encoder it was issued with.
	Layout Layout
	Kop    Kop // the letterhead of LayoutOfficial
}

// Layout is a certificate's look.
type Layout int

const (
	// LayoutPlain is the certificate as issued before issue 14: the
	// organization's name under the title, no letterhead.
	LayoutPlain Layout = iota
	// LayoutOfficial has the organization's letterhead (Kop), the
	// official's NIP, a statement in place of a missing official
	// signature, and where to report a neutrality violation.
	LayoutOfficial
)

// QRKeywordPrefix marks the QR text in the PDF's Keywords entry.
const QRKeywordPrefix = "ikrar-qr:"

// Renderer renders certificates. It is safe for concurrent use.
type Renderer struct {
	regular, bold, oblique font
}

type font struct{ json, z []byte }

//go:embed fonts/*.json fonts/*.z
var fontFS embed.FS

const family = "dejavu"

// NewRenderer loads the embedded fonts.
func NewRenderer() (*Renderer, error) {
	load := func(name string) (font, error) {
		j, err := fontFS.ReadFile("fonts/" + name + ".json")
		if err != nil {
			return font{}, fmt.Errorf("load font %s: %w", name, err)
		}
		z, err := fontFS.ReadFile("fonts/" + name + ".z")
		if err != nil {
			return font{}, fmt.Errorf("load font %s: %w", name, err)
		}
		return font{j, z}, nil
	}
	var r Renderer
	var err error
	if r.regular, err = load("DejaVuSans"); err != nil {
		return nil, err
	}
	if r.bold, err = load("DejaVuSans-Bold"); err != nil {
		return nil, err
	}
	if r.oblique, err = load("DejaVuSans-Oblique"); err != nil {
		return nil, err
	}
	return &r, nil
}

// Page geometry, in millimetres (A4 portrait).
const (
	pageW    = 210.0
	pageH    = 297.0
	marginX  = 20.0
	contentW = pageW - 2*marginX
	bodyTop  = 18.0
	kopTop   = 14.0
	colW     = 78.0 // each signature column
	sigBoxH  = 22.0
)

// qrPlace is where the QR code goes, with its quiet zone, at the page's
// left margin: its top and size, and the top of the certificate number,
// code and footer beside it.
type qrPlace struct{ top, size, infoTop float64 }

var (
	// A v2 QR is a 49-module symbol printed 40 mm wide, which phone
	// decoders read from a forwarded photo or a far one
	// (TestQRScansFromPictures). It starts under the official's name, left
	// of the signer's NIP, so the text beside it starts lower.
	qrPlaceV2 = qrPlace{top: 238, size: 47, infoTop: 249}
	// A v1 QR keeps the place it was issued with (57 modules, 32.5 mm):
	// a record whose claim is v1 still renders with it.
	qrPlaceV1 = qrPlace{top: 245, size: 37, infoTop: 247}
)

// sigTop is where the signatures start; the text above must end before
// it. The official layout starts them higher, so that the official's NIP
// under the name stays clear of the QR code's quiet zone.
func (c Certificate) sigTop() float64 {
	if c.Layout == LayoutOfficial {
		return 192
	}
	return 196
}

// placeQR is the place of a QR by its text: a v2 QR is an upper-case URL
// (FORMATS.md §5), a v1 QR a lower-case one.
func placeQR(text string) qrPlace {
	if strings.HasPrefix(text, "HTTPS://") || strings.HasPrefix(text, "HTTP://") {
		return qrPlaceV2
	}
	return qrPlaceV1
}

var (
	navy = [3]int{21, 47, 94}
	ink  = [3]int{25, 25, 25}
	grey = [3]int{95, 95, 95}
)

// bodySizes are the font sizes tried, largest first, until the text fits
// above the signatures: a long event title or a custom pledge may need a
// smaller one.
var bodySizes = []float64{10, 9.5, 9, 8.5, 8}

// Render returns the certificate as a PDF.
func (r *Renderer) Render(c Certificate) ([]byte, error) {
	if c.QRText == "" {
		return nil, errors.New("render certificate: no QR text")
	}
	// The certificate must show the text that was signed, not merely the
	// current version of it.
	if want := c.Signature.PledgeHash; want != "" && c.Pledge.ComputeHash() != want {
		return nil, fmt.Errorf("render certificate %s: pledge text does not match the signed hash %.16s", c.Signature.Serial, want)
	}
	switch c.Signature.Ink.Kind {
	case registry.InkStrokes, registry.InkPNG, registry.InkTyped, registry.InkPaper:
	default:
		return nil, fmt.Errorf("render certificate %s: unknown ink kind %q", c.Signature.Serial, c.Signature.Ink.Kind)
	}
	sym, err := qrCode(c.QRText)
	if err != nil {
		return nil, fmt.Errorf("render certificate %s: %w", c.Signature.Serial, err)
	}
	for i := 0; i <= len(bodySizes); i++ {
		// When no size fits one page, the text flows onto a second one at
		// the normal size.
		size, flow := bodySizes[0], true
		if i < len(bodySizes) {
			size, flow = bodySizes[i], false
		}
		pdf, fits := r.layout(c, sym, size, flow)
		if err := pdf.Error(); err != nil {
			return nil, fmt.Errorf("render certificate %s: %w", c.Signature.Serial, err)
		}
		if !fits {
			continue
		}
		var buf bytes.Buffer
		buf.Grow(64 << 10)
		if err := pdf.Output(&buf); err != nil {
			return nil, fmt.Errorf("render certificate %s: %w", c.Signature.Serial, err)
		}
		return buf.Bytes(), nil
	}
	panic("unreachable: the last size always fits")
}

// layout draws the certificate with the body text at size points. It
// reports false, having stopped early, when the text would run into the
// signatures, unless flow is set: then the text continues on a new page.
func (r *Renderer) layout(c Certificate, sym *qr.Code, size float64, flow bool) (*fpdf.Fpdf, bool) {
	s := c.Signature
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	signedAt := s.SignedAt.UTC()
	pdf.SetCreationDate(signedAt)
	pdf.SetModificationDate(signedAt)
	pdf.SetTitle("Sertifikat Ikrar Netralitas ASN "+s.Serial, true)
	pdf.SetSubject(c.Event.Title, true)
	pdf.SetAuthor(orDash(c.Org.Name), true)
	pdf.SetCreator("ikrar", false)
	// The QR text in the metadata lets `ikrar verify FILE.pdf` check the
	// signed claim without rendering the page.
	pdf.SetKeywords(QRKeywordPrefix+c.QRText, false)
	pdf.SetProducer("ikrar", false)

	pdf.AddFontFromBytes(family, "", r.regular.json, r.regular.z)
	pdf.AddFontFromBytes(family, "B", r.bold.json, r.bold.z)
	if s.Ink.Kind == registry.InkTyped { // 12 KB that other PDFs need not carry
		pdf.AddFontFromBytes(family, "I", r.oblique.json, r.oblique.z)
	}
	pdf.SetMargins(marginX, bodyTop, marginX)
	pdf.SetCellMargin(0)
	pdf.SetAutoPageBreak(flow, 20)
	pdf.SetHeaderFunc(func() { drawFrame(pdf) })
	pdf.AddPage()

	d := doc{pdf}
	d.header(c)
	d.body(c, size)
	pdf.SetAutoPageBreak(false, 0) // the rest has its fixed place
	if pdf.GetY() > c.sigTop()-2 {
		if !flow {
			return pdf, false
		}
		pdf.AddPage()
	}
	d.signatures(c)
	d.verification(c, sym)
	return pdf, true
}

// doc wraps the PDF with the certificate's text helpers; every string goes
// through cp1252 before it reaches fpdf.
type doc struct{ *fpdf.Fpdf }

func (d doc) font(style string, size float64, color [3]int) {
	d.SetFont(family, style, size)
	d.SetTextColor(color[0], color[1], color[2])
}

// lineH is the line height for a font size in points: 1.4 times the size.
func lineH(size float64) float64 { return size * 0.3528 * 1.4 }

func (d doc) para(w, h float64, text, align string) {
	d.MultiCell(w, h, cp1252(text), "", align, false)
}

func drawFrame(pdf *fpdf.Fpdf) {
	pdf.SetDrawColor(navy[0], navy[1], navy[2])
	pdf.SetLineWidth(0.8)
	pdf.Rect(8, 8, pageW-16, pageH-16, "D")
	pdf.SetLineWidth(0.2)
	pdf.Rect(10, 10, pageW-20, pageH-20, "D")
}

func (d doc) header(c Certificate) {
	d.SetY(bodyTop)
	if c.Layout == LayoutOfficial {
		// The organization's name is in the letterhead.
		d.SetY(DrawKop(d.Fpdf, cp1252, c.Kop, marginX, kopTop, contentW) + 3)
	}
	d.font("B", 17, navy)
	d.para(contentW, 8, "SERTIFIKAT IKRAR NETRALITAS ASN", "C")
	if c.Layout == LayoutPlain {
		d.font("B", 12, navy)
		d.para(contentW, 6, orDash(c.Org.Name), "C")
	}
	d.font("", 9, grey)
	d.para(contentW, 5, "Nomor: "+c.Signature.Serial, "C")
	y := d.GetY() + 2
	d.SetDrawColor(navy[0], navy[1], navy[2])
	d.SetLineWidth(0.4)
	d.Line(marginX, y, pageW-marginX, y)
	d.SetY(y + 4)
}

func (d doc) body(c Certificate, size float64) {
	s := c.Signature
	lh := lineH(size)
	gap := lh * 0.5
	d.font("", size, ink)
	d.para(contentW, lh, "Yang bertanda tangan di bawah ini:", "L")
	d.SetY(d.GetY() + gap)

	const labelW = 37.0
	rows := []struct{ label, value string }{
		{"Nama", s.Name},
		{nipLabel(s), nip.Format(s.NIP)},
		{"Pangkat/Golongan", s.Rank},
		{"Jabatan", s.Position},
		{"Unit Kerja", s.Unit},
		{"Instansi", cmp.Or(s.OrgName, c.Org.Name)},
	}
	for i, row := range rows {
		if row.label == "Pangkat/Golongan" && row.value == "" {
			continue // not every category has a rank
		}
		d.SetX(marginX + 4)
		d.font("", size, ink)
		d.CellFormat(labelW, lh, cp1252(row.label), "", 0, "L", false, 0, "")
		d.CellFormat(4, lh, ":", "", 0, "L", false, 0, "")
		if i == 0 {
			d.font("B", size, ink)
		}
		d.para(contentW-4-labelW-4, lh, orDash(row.value), "L")
	}
	d.SetY(d.GetY() + gap)

	d.font("", size, ink)
	local := s.SignedAt.In(c.Org.Location())
	when := tanggal.Date(local) + " " + tanggal.Time(local, registry.ZoneAbbrev(c.Org.TimeZone))
	signed := "telah menandatangani Ikrar Netralitas ASN pada acara %s, %s, %s, dengan isi sebagai berikut:"
	if s.Ink.Kind == registry.InkPaper {
		// The time of a paper record is when an officer entered it, often
		// after the ceremony: the sheet itself bears the signing date.
		signed = "telah menandatangani Ikrar Netralitas ASN di atas kertas pada acara %s, %s (dicatat di registri %s), dengan isi sebagai berikut:"
	}
	d.para(contentW, lh, fmt.Sprintf(signed, strings.TrimSpace(c.Event.Title), place(c.Event), when), "J")
	d.SetY(d.GetY() + gap*1.5)

	// The pledge, set off by a rule on its left.
	p := c.Pledge
	const indent = 5.0
	x := marginX + indent
	w := contentW - indent
	top, page := d.GetY(), d.PageNo()
	if p.Title != "" {
		d.font("B", size, navy)
		d.SetX(x)
		d.para(w, lh, p.Title, "C")
		d.SetY(d.GetY() + gap*0.6)
	}
	d.font("", size, ink)
	d.SetX(x)
	d.para(w, lh, p.OpeningFor(c.Org.Name), "J")
	const numW = 7.0
	for i, pt := range p.Points {
		d.SetX(x)
		d.CellFormat(numW, lh, fmt.Sprintf("%d.", i+1), "", 0, "L", false, 0, "")
		d.para(w-numW, lh, pt, "J")
	}
	d.SetX(x)
	d.para(w, lh, p.Closing, "J")
	if d.PageNo() == page {
		d.SetFillColor(navy[0], navy[1], navy[2])
		d.Rect(marginX, top, 1, d.GetY()-top, "F")
	}
}

func (d doc) signatures(c Certificate) {
	s, e := c.Signature, c.Event
	left, right := marginX, pageW-marginX-colW
	sigTop := c.sigTop()
	boxY := sigTop + 13
	sigBox := func(x float64) box { return box{x + (colW-60)/2, boxY, 60, sigBoxH} }

	// The official who witnessed the pledge.
	d.SetXY(left, sigTop)
	d.font("", 9, ink)
	d.para(colW, 4.2, "Mengetahui,", "C")
	d.SetX(left)
	d.fitFont("B", e.OfficialPosition, colW, 2, 9, 7, ink)
	d.para(colW, 4.2, orDash(e.OfficialPosition), "C")
	if len(e.OfficialSignature) > 0 {
		drawImage(d.Fpdf, "official-signature", e.OfficialSignature, sigBox(left))
	} else if c.Layout == LayoutOfficial {
		// An empty space would look like a certificate nobody signed.
		b := sigBox(left)
		d.SetXY(b.x, b.y+3)
		d.font("", 7, grey)
		d.para(b.w, 3.2, NoOfficialSignature, "C")
	}
	d.SetXY(left, boxY+sigBoxH+1)
	size := d.fitFont("BU", e.OfficialName, colW, 1, 9.5, 7, ink)
	d.para(colW, lineH(size), orDash(e.OfficialName), "C")
	if c.Layout == LayoutOfficial && e.OfficialNIP != "" {
		d.SetX(left)
		d.font("", 8.5, ink)
		d.para(colW, 4, "NIP "+nip.Format(e.OfficialNIP), "C")
	}

	// The signer.
	d.SetXY(right, sigTop)
	d.font("", 9, ink)
	d.para(colW, 4.2, "Yang berikrar,", "C")
	b := sigBox(right)
	switch s.Ink.Kind {
	case registry.InkStrokes:
		drawStrokes(d.Fpdf, s.Ink.Strokes, b)
	case registry.InkPNG:
		drawImage(d.Fpdf, "signer-signature", s.Ink.PNG, b)
	case registry.InkTyped:
		d.typed(cmp.Or(s.Ink.Typed, s.Name), b)
	case registry.InkPaper:
		d.paper(s.Witness, b)
	}
	d.SetXY(right, boxY+sigBoxH+1)
	size = d.fitFont("BU", s.Name, colW, 1, 9.5, 7, ink)
	d.para(colW, lineH(size), orDash(s.Name), "C")
	d.SetX(right)
	d.font("", 8.5, ink)
	d.para(colW, 4, nipLabel(s)+" "+nip.Format(s.NIP), "C")
}

// typed sets a typed signature in the oblique face, as large as fits b in
// at most two lines, and says it was typed.
func (d doc) typed(name string, b box) {
	const noteH = 3.5
	size := d.fitFont("I", name, b.w, 2, 20, 7, [3]int{16, 32, 96})
	lh := lineH(size)
	n := len(d.SplitLines([]byte(cp1252(name)), b.w))
	d.SetXY(b.x, b.y+(b.h-noteH-float64(n)*lh)/2)
	d.para(b.w, lh, name, "C")
	d.font("", 7, grey)
	d.SetXY(b.x, b.y+b.h-noteH)
	d.para(b.w, noteH, "(tanda tangan diketik)", "C")
}

// paper says, in the signature's place, that the pakta was signed on
// paper before a witness: the registry keeps the scan, not a drawing.
func (d doc) paper(witness string, b box) {
	text := "Ditandatangani di atas kertas, disaksikan oleh " + cmp.Or(witness, "-")
	size := d.fitFont("", text, b.w, 4, 9, 6.5, [3]int{16, 32, 96})
	lh := lineH(size)
	n := len(d.SplitLines([]byte(cp1252(text)), b.w))
	d.SetXY(b.x, b.y+(b.h-float64(n)*lh)/2)
	d.para(b.w, lh, text, "C")
}

func (d doc) verification(c Certificate, sym *qr.Code) {
	s := c.Signature
	at := placeQR(c.QRText)
	drawQR(d.Fpdf, sym, marginX, at.top, at.size)

	x := marginX + at.size + 5
	w := pageW - marginX - x
	code := registry.GroupCode(s.Code)
	d.SetXY(x, at.infoTop)
	d.font("", 8, grey)
	d.CellFormat(32, 4.5, "Nomor sertifikat", "", 0, "L", false, 0, "")
	d.font("B", 9.5, ink)
	d.CellFormat(w-32, 4.5, cp1252(s.Serial), "", 1, "L", false, 0, "")
	d.SetX(x)
	d.font("", 8, grey)
	d.CellFormat(32, 6, "Kode verifikasi", "", 0, "L", false, 0, "")
	d.font("B", 13, navy)
	d.CellFormat(w-32, 6, cp1252(code), "", 1, "L", false, 0, "")
	d.SetXY(x, d.GetY()+1.5)

	hash := cmp.Or(s.PledgeHash, c.Pledge.Hash)
	if len(hash) > 16 {
		hash = hash[:16] + "…"
	}
	d.font("", 7.5, ink)
	if c.Layout == LayoutPlain {
		d.para(w, 3.4, fmt.Sprintf("Keaslian sertifikat ini dapat diperiksa dengan memindai kode QR atau membuka %s dan memasukkan kode %s. Sidik ikrar (SHA-256): %s",
			c.VerifyURL, code, hash), "L")
	} else {
		d.para(w, 3.4, fmt.Sprintf(VerifyFootnote+" Sidik ikrar (SHA-256): %s", c.VerifyURL, hash), "L")
	}
	d.SetXY(x, d.GetY()+1)
	d.font("", 7.5, grey)
	d.para(w, 3.4, "Tanda tangan elektronik tidak tersertifikasi sesuai UU ITE dan PP 71/2019.", "L")
	if c.Layout == LayoutOfficial {
		d.SetXY(x, d.GetY()+1)
		d.font("", 7.5, ink)
		d.para(w, 3.4, ComplaintNote(), "L")
	}
}

// NoOfficialSignature fills the official's signature space when the event
// has no scanned signature of the official.
const NoOfficialSignature = "Sertifikat ini diterbitkan secara elektronik oleh registri ikrar dan tidak memerlukan tanda tangan basah. Keasliannya diperiksa melalui kode QR di bawah."

// VerifyFootnote says where the QR code and the verification code are:
// the QR at the left of the note, the code just above it. %s is the
// verification address.
const VerifyFootnote = "Periksa keaslian sertifikat ini dengan memindai kode QR di sebelah kiri, atau buka %s dan masukkan kode verifikasi di atas."

// ComplaintNote points to the official channels for reporting a
// neutrality violation.
func ComplaintNote() string {
	var chans []string
	for _, ch := range registry.ComplaintChannels {
		chans = append(chans, ch.Name+" ("+strings.TrimPrefix(ch.URL, "https://")+")")
	}
	return "Laporkan pelanggaran netralitas ASN melalui " + strings.Join(chans, " atau ") + "."
}

// fitFont sets the largest font size from max down to min, in half points,
// at which text takes at most lines lines of width w, and returns it.
func (d doc) fitFont(style, text string, w float64, lines int, max, min float64, color [3]int) float64 {
	enc := []byte(cp1252(text))
	size := max
	d.font(style, size, color)
	for ; size > min && len(d.SplitLines(enc, w)) > lines; size -= 0.5 {
		d.SetFontSize(size - 0.5)
	}
	return size
}

// place is where the event happened, or "daring" for an online one.
func place(e registry.Event) string {
	if e.Mode == registry.ModeOnline || strings.TrimSpace(e.Place) == "" {
		return "daring"
	}
	return strings.TrimSpace(e.Place)
}

func nipLabel(s registry.Signature) string {
	switch {
	case nip.IsRegistryID(s.NIP):
		return "Nomor Registri"
	case s.Category == registry.CategoryPPPK:
		return "NI PPPK"
	}
	return "NIP"
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
