// Package report builds the documents an officer files after a
// declaration: the recap per unit, the Berita Acara and the sheet of
// personal-link QR codes as PDF, and tables as CSV or XLSX. Builders are
// pure: they take domain data and write to an io.Writer. PDFs use the
// certificate's fonts and QR drawing, and are deterministic for the same
// input, Generated time included.
package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/tanggal"
)

// NoUnit labels employees whose unit is blank.
const NoUnit = "(tanpa unit kerja)"

// UnitCount is one unit's participants and valid signatures.
type UnitCount struct {
	Unit     string
	Eligible int // participants, signed or not
	Signed   int // valid (not revoked) signatures
}

// Pending is how many have not signed.
func (u UnitCount) Pending() int { return max(u.Eligible-u.Signed, 0) }

// Percent is the share signed the Indonesian way: "66,7".
func (u UnitCount) Percent() string { return Percent(u.Signed, u.Eligible) }

// Percent formats part/total as a percentage with one decimal comma,
// dropping ",0": "12,5", "100".
func Percent(part, total int) string {
	if total == 0 {
		return "0"
	}
	s := fmt.Sprintf("%.1f", 100*float64(part)/float64(total))
	return strings.Replace(strings.TrimSuffix(s, ".0"), ".", ",", 1)
}

// UnitOf is the unit an employee is counted under.
func UnitOf(e registry.Employee) string { return cmp.Or(strings.TrimSpace(e.Unit), NoUnit) }

// Units counts participants per unit, units in alphabetical order.
func Units(parts []registry.Participant) []UnitCount {
	idx := map[string]int{}
	var out []UnitCount
	for _, p := range parts {
		u := UnitOf(p.Employee)
		i, ok := idx[u]
		if !ok {
			i = len(out)
			idx[u] = i
			out = append(out, UnitCount{Unit: u})
		}
		out[i].Eligible++
		if p.Signature != nil && !p.Signature.Revoked() {
			out[i].Signed++
		}
	}
	slices.SortFunc(out, func(a, b UnitCount) int { return strings.Compare(a.Unit, b.Unit) })
	return out
}

// Total adds the units up.
func Total(units []UnitCount) UnitCount {
	t := UnitCount{Unit: "Jumlah"}
	for _, u := range units {
		t.Eligible += u.Eligible
		t.Signed += u.Signed
	}
	return t
}

// EventHeader is what every report says about its event.
type EventHeader struct {
	Event registry.Event
	Org   registry.Organization // the event's organization: its name and time zone
	// Kop is the organization's letterhead, printed at the top of the
	// first page of the documents an office files; nil prints none.
	Kop *certificate.Kop
}

// kop draws the letterhead, if there is one, where the page starts.
func (d doc) kop(h EventHeader) {
	if h.Kop == nil {
		return
	}
	d.SetY(certificate.DrawKop(d.Fpdf, d.tr, *h.Kop, margin, margin-4, contentW) + 4)
}

// When is the event's start in the organization's zone: "Rabu, 23 Oktober
// 2024 pukul 09.00 WIB".
func (h EventHeader) When() string {
	t := h.Event.StartsAt.In(h.Org.Location())
	return tanggal.Date(t) + " " + tanggal.Time(t, registry.ZoneAbbrev(h.Org.TimeZone))
}

// Where is the event's place, or "daring" for an online one.
func (h EventHeader) Where() string {
	if h.Event.Mode == registry.ModeOnline || strings.TrimSpace(h.Event.Place) == "" {
		return "daring"
	}
	return strings.TrimSpace(h.Event.Place)
}

// stamp formats t in the organization's zone for a report's footer.
func (h EventHeader) stamp(t time.Time) string {
	t = t.In(h.Org.Location())
	return tanggal.Date(t) + " " + tanggal.Time(t, registry.ZoneAbbrev(h.Org.TimeZone))
}

// Page geometry, in millimetres (A4 portrait).
const (
	pageW    = 210.0
	pageH    = 297.0
	margin   = 18.0
	contentW = pageW - 2*margin
	bottom   = 18.0 // room for the footer
)

var (
	navy  = [3]int{21, 47, 94}
	black = [3]int{25, 25, 25}
	grey  = [3]int{95, 95, 95}
	light = [3]int{228, 233, 242}
)

// doc is a report being drawn; every string goes through tr on its way
// into the PDF.
type doc struct {
	*fpdf.Fpdf
	tr func(string) string
}

// newDoc starts a report with its metadata, dated generated so that the
// same input gives the same bytes, and a footer numbering the pages.
func newDoc(title, author, footer string, generated time.Time) (doc, error) {
	pdf, tr, err := certificate.NewDocument()
	if err != nil {
		return doc{}, fmt.Errorf("start %s: %w", title, err)
	}
	d := doc{pdf, tr}
	generated = generated.UTC()
	pdf.SetCreationDate(generated)
	pdf.SetModificationDate(generated)
	pdf.SetTitle(title, true)
	pdf.SetAuthor(author, true)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetCellMargin(0)
	pdf.SetAutoPageBreak(true, bottom)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(pageH - 12)
		d.font("", 7.5, grey)
		d.CellFormat(contentW*0.78, 4, d.clip(footer, contentW*0.78-2), "", 0, "L", false, 0, "")
		d.CellFormat(contentW*0.22, 4, tr(fmt.Sprintf("Halaman %d dari {nb}", pdf.PageNo())), "", 0, "R", false, 0, "")
	})
	return d, nil
}

func (d doc) font(style string, size float64, color [3]int) {
	d.SetFont(certificate.Font, style, size)
	d.SetTextColor(color[0], color[1], color[2])
}

// lineH is the line height for a font size in points.
func lineH(size float64) float64 { return size * 0.3528 * 1.35 }

func (d doc) para(w, h float64, text, align string) {
	d.MultiCell(w, h, d.tr(text), "", align, false)
}

func (d doc) cell(w, h float64, text, border, align string, fill bool) {
	d.CellFormat(w, h, d.tr(text), border, 0, align, fill, 0, "")
}

// clip converts text and shortens it with an ellipsis to fit width w in
// the current font.
func (d doc) clip(text string, w float64) string {
	s := d.tr(text)
	if d.GetStringWidth(s) <= w {
		return s
	}
	ell := d.tr("…")
	for len(s) > 0 && d.GetStringWidth(s+ell) > w {
		s = s[:len(s)-1] // single-byte encoding: any cut is a whole letter
	}
	return strings.TrimRight(s, " ") + ell
}

// lines is how many lines text takes in width w in the current font.
func (d doc) lines(text string, w float64) int {
	return max(len(d.SplitLines([]byte(d.tr(text)), w)), 1)
}

// fit sets the largest size from hi down to lo, in half points, at which
// text takes at most n lines of width w, and returns it.
func (d doc) fit(style, text string, w float64, n int, hi, lo float64, color [3]int) float64 {
	size := hi
	d.font(style, size, color)
	for size > lo && d.lines(text, w) > n {
		size -= 0.5
		d.SetFontSize(size)
	}
	return size
}

// ensure starts a new page when h millimetres do not fit above the footer,
// and reports whether it did.
func (d doc) ensure(h float64) bool {
	if d.GetY()+h <= pageH-bottom {
		return false
	}
	d.AddPage()
	return true
}

func (d doc) rule(y float64) {
	d.SetDrawColor(navy[0], navy[1], navy[2])
	d.SetLineWidth(0.4)
	d.Line(margin, y, pageW-margin, y)
}

// title draws a report's centred heading lines, the first the largest.
func (d doc) title(lines ...string) {
	for i, l := range lines {
		if l == "" {
			continue
		}
		switch i {
		case 0:
			d.font("B", 13, navy)
			d.para(contentW, 6.5, l, "C")
		case 1:
			d.font("B", 11, black)
			d.para(contentW, 5.5, l, "C")
		default:
			d.font("", 9.5, grey)
			d.para(contentW, 5, l, "C")
		}
	}
	y := d.GetY() + 2
	d.rule(y)
	d.SetY(y + 4)
}

// unitColumns are the widths of the per-unit table: no, unit, eligible,
// signed, pending, percent.
var unitColumns = [...]float64{10, contentW - 10 - 4*22, 22, 22, 22, 22}

// unitTable draws the per-unit counts with a total row, repeating the
// header on every page it runs onto.
func (d doc) unitTable(units []UnitCount) {
	const h = 6.5
	header := func() {
		d.font("B", 8.5, black)
		d.SetFillColor(light[0], light[1], light[2])
		d.SetDrawColor(160, 170, 190)
		d.SetLineWidth(0.2)
		d.SetX(margin)
		for i, label := range []string{"No", "Unit kerja", "Peserta", "Sudah", "Belum", "%"} {
			align := "C"
			if i == 1 {
				align = "L"
			}
			d.cell(unitColumns[i], h, label, "1", align, true)
		}
		d.Ln(h)
	}
	d.ensure(3 * h)
	header()
	row := func(no, unit string, u UnitCount, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		d.font(style, 8.5, black)
		// A long unit name wraps; the row grows with it.
		uw := unitColumns[1] - 2
		n := d.lines(unit, uw)
		rh := max(h, float64(n)*4.2+2.3)
		if d.ensure(rh) {
			header()
			d.font(style, 8.5, black)
		}
		x, y := margin, d.GetY()
		d.SetXY(x, y)
		d.cell(unitColumns[0], rh, no, "1", "C", false)
		if n == 1 {
			d.cell(unitColumns[1], rh, " "+unit, "1", "L", false)
		} else {
			d.Rect(x+unitColumns[0], y, unitColumns[1], rh, "D")
			d.SetXY(x+unitColumns[0]+1, y+(rh-float64(n)*4.2)/2)
			d.MultiCell(uw, 4.2, d.tr(unit), "", "L", false)
			d.SetXY(x+unitColumns[0]+unitColumns[1], y)
		}
		for i, v := range []string{fmt.Sprint(u.Eligible), fmt.Sprint(u.Signed), fmt.Sprint(u.Pending()), u.Percent()} {
			d.cell(unitColumns[2+i], rh, v, "1", "C", false)
		}
		d.SetXY(margin, y+rh)
	}
	for i, u := range units {
		row(fmt.Sprint(i+1), u.Unit, u, false)
	}
	row("", "Jumlah", Total(units), true)
}

// output writes the finished document.
func (d doc) output(w io.Writer, what string) error {
	if err := d.Error(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := d.Output(w); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	return nil
}
