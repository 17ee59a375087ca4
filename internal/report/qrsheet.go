package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/nip"
)

// QRCard is one participant's personal link, to be cut out and handed over.
type QRCard struct {
	Unit string
	Name string
	NIP  string
	URL  string
}

// QRSheet is the printable sheet of personal-link QR codes of an event.
type QRSheet struct {
	EventHeader
	Cards     []QRCard
	Generated time.Time
}

// The grid: three cards across, four rows to a page, under as many as four
// unit headings. Units follow each other on the page, each under its heading,
// rather than each on pages of its own: a roster of many small units
// would otherwise print a mostly empty page per unit.
const (
	qrCols   = 3
	qrMargin = 12.0
	qrCardW  = (pageW - 2*qrMargin) / qrCols
	qrCardH  = 53.0
	qrSize   = 32.0
	qrUnitH  = 7.0        // a unit's heading
	qrGap    = 2.5        // between one unit's cards and the next unit's heading
	qrFoot   = pageH - 14 // the footer's line is 2 mm below
)

// WriteQRSheetPDF writes the cards as an A4 PDF, three across, grouped by
// unit in alphabetical order, the cards of no unit last; within a unit,
// cards follow the names' order. A unit starts under a heading with its
// name; it starts on a new page when it would fit on one there but not in
// what is left of the current page, so that a unit's cards stay together
// unless it fills more than a page.
func WriteQRSheetPDF(w io.Writer, s QRSheet) error {
	d, err := newDoc("Tautan pribadi · "+s.Event.Title, s.Org.Name,
		"Dicetak "+s.stamp(s.Generated)+" · Tautan pribadi · "+s.Event.Title, s.Generated)
	if err != nil {
		return err
	}
	d.SetAutoPageBreak(false, 0) // every card has its place, computed below
	cards := slices.Clone(s.Cards)
	for i := range cards {
		cards[i].Unit = cmp.Or(strings.TrimSpace(cards[i].Unit), NoUnit)
	}
	slices.SortStableFunc(cards, func(a, b QRCard) int {
		return cmp.Or(cmp.Compare(boolInt(a.Unit == NoUnit), boolInt(b.Unit == NoUnit)), strings.Compare(a.Unit, b.Unit),
			strings.Compare(a.Name, b.Name), strings.Compare(a.NIP, b.NIP))
	})
	top := d.qrPage(s) // where cards may start on a fresh page
	if len(cards) == 0 {
		d.SetXY(qrMargin, top)
		d.font("", 10, grey)
		d.para(pageW-2*qrMargin, 6, "Tidak ada peserta untuk pilihan ini.", "C")
		return d.output(w, "QR sheet PDF")
	}
	y := top
	for start := 0; start < len(cards); {
		unit := cards[start].Unit
		end := start
		for end < len(cards) && cards[end].Unit == unit {
			end++
		}
		n := end - start
		rows := (n + qrCols - 1) / qrCols
		need := qrUnitH + float64(rows)*qrCardH
		if y > top {
			y += qrGap
			// Too little room for the whole unit: move it to a new page if
			// it fits there whole; a unit longer than a page starts here
			// if two rows of it fit.
			room := qrFoot - y
			if need > room && (need <= qrFoot-top || room < qrUnitH+2*qrCardH) {
				top = d.qrPage(s)
				y = top
			}
		}
		d.qrUnitHeading(unit, y, fmt.Sprintf("%d orang", n))
		y += qrUnitH
		for row := range rows {
			if y+qrCardH > qrFoot {
				top = d.qrPage(s)
				y = top
				from := row * qrCols
				d.qrUnitHeading(unit+" (lanjutan)", y, fmt.Sprintf("kartu %d–%d dari %d", from+1, min(from+qrCols*d.qrRowsFit(y), n), n))
				y += qrUnitH
			}
			for i, c := range cards[start+row*qrCols : min(start+(row+1)*qrCols, end)] {
				if err := d.qrCard(c, qrMargin+float64(i)*qrCardW, y); err != nil {
					return fmt.Errorf("QR sheet: card of %s: %w", c.NIP, err)
				}
			}
			y += qrCardH
		}
		start = end
	}
	return d.output(w, "QR sheet PDF")
}

// qrPage starts a page with the event and the note every page carries, and
// returns where the first unit's heading goes.
func (d doc) qrPage(s QRSheet) float64 {
	d.AddPage()
	w := pageW - 2*qrMargin
	d.SetXY(qrMargin, qrMargin)
	d.font("B", 10, black)
	d.para(w, 4.6, s.Event.Title+" · "+s.Org.Name, "L")
	d.SetX(qrMargin)
	d.font("", 8.5, black)
	d.para(w, 4.2, s.When(), "L")
	d.SetX(qrMargin)
	d.font("", 7.5, grey)
	d.para(w, 3.5, "Pindai kode QR dengan kamera ponsel untuk membuka tautan pribadi penandatanganan ikrar. "+
		"Setiap tautan hanya untuk pegawai yang namanya tertera: jangan dibagikan kepada orang lain. "+
		"Gunting kartu di sepanjang garis putus-putus.", "L")
	return d.GetY() + 2
}

// qrRowsFit is how many rows of cards fit below a unit heading at y.
func (d doc) qrRowsFit(y float64) int {
	return int((qrFoot - y - qrUnitH) / qrCardH)
}

// qrUnitHeading names a unit across the page at y, with a note on the
// right, over a rule.
func (d doc) qrUnitHeading(unit string, y float64, note string) {
	w := pageW - 2*qrMargin
	d.font("", 8, grey)
	nw := d.GetStringWidth(d.tr(note)) + 2
	d.SetXY(pageW-qrMargin-nw, y+1)
	d.cell(nw, 5.5, note, "", "R", false)
	d.fit("B", unit, w-nw-2, 1, 11, 8, navy)
	d.SetXY(qrMargin, y+1)
	d.CellFormat(w-nw-2, 5.5, d.clip(unit, w-nw-2), "", 0, "L", false, 0, "")
	d.SetDrawColor(navy[0], navy[1], navy[2])
	d.SetLineWidth(0.3)
	d.Line(qrMargin, y+qrUnitH-1, pageW-qrMargin, y+qrUnitH-1)
}

// qrCard draws one card at (x, y) with a dashed outline to cut along.
func (d doc) qrCard(c QRCard, x, y float64) error {
	d.SetDrawColor(170, 170, 170)
	d.SetLineWidth(0.15)
	d.SetDashPattern([]float64{1.5, 1.5}, 0)
	d.Rect(x, y, qrCardW, qrCardH, "D")
	d.SetDashPattern(nil, 0)
	if err := certificate.DrawQR(d.Fpdf, x+(qrCardW-qrSize)/2, y+1.5, qrSize, c.URL); err != nil {
		return err
	}
	const pad = 3.0
	w := qrCardW - 2*pad
	d.SetXY(x+pad, y+qrSize+2)
	size := d.fit("B", c.Name, w, 2, 9, 6.5, black)
	d.para(w, lineH(size), c.Name, "C")
	d.SetX(x + pad)
	d.font("", 8, black)
	label := "NIP "
	if nip.IsRegistryID(c.NIP) {
		label = "No. registri "
	}
	d.para(w, 3.8, label+nip.Format(c.NIP), "C")
	// One line of unit, shortened if need be: the heading above the cards
	// has it whole.
	d.SetX(x + pad)
	size = d.fit("", c.Unit, w, 1, 7, 5.5, grey)
	d.CellFormat(w, lineH(size), d.clip(c.Unit, w), "", 0, "C", false, 0, "")
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
