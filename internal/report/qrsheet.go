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

// The grid: three cards across, four down.
const (
	qrCols   = 3
	qrRows   = 4
	qrMargin = 12.0
	qrHeadH  = 24.0 // the unit's heading at the top of each page
	qrCardW  = (pageW - 2*qrMargin) / qrCols
	qrCardH  = (pageH - qrMargin - qrHeadH - bottom) / qrRows
	qrSize   = 38.0
)

// WriteQRSheetPDF writes the cards as an A4 PDF, twelve to a page, grouped
// by unit: each unit starts on a new page under its name, so that pages can
// go to the units' coordinators as they are. Within a unit, cards follow
// the names' order.
func WriteQRSheetPDF(w io.Writer, s QRSheet) error {
	d, err := newDoc("Tautan pribadi · "+s.Event.Title, s.Org.Name,
		"Dicetak "+s.stamp(s.Generated)+" · Tautan pribadi · "+s.Event.Title, s.Generated)
	if err != nil {
		return err
	}
	d.SetAutoPageBreak(false, 0) // every card has its fixed place
	cards := slices.Clone(s.Cards)
	for i := range cards {
		cards[i].Unit = cmp.Or(strings.TrimSpace(cards[i].Unit), NoUnit)
	}
	// Units in alphabetical order, the cards of no unit last.
	slices.SortStableFunc(cards, func(a, b QRCard) int {
		return cmp.Or(cmp.Compare(boolInt(a.Unit == NoUnit), boolInt(b.Unit == NoUnit)), strings.Compare(a.Unit, b.Unit),
			strings.Compare(a.Name, b.Name), strings.Compare(a.NIP, b.NIP))
	})
	if len(cards) == 0 {
		d.AddPage()
		d.qrHeading(s, "", 0, 0)
		d.font("", 10, grey)
		d.para(pageW-2*qrMargin, 6, "Tidak ada peserta untuk pilihan ini.", "C")
	}
	for start := 0; start < len(cards); {
		unit := cards[start].Unit
		end := start
		for end < len(cards) && cards[end].Unit == unit {
			end++
		}
		for page := start; page < end; page += qrCols * qrRows {
			d.AddPage()
			d.qrHeading(s, unit, page-start, end-start)
			for i, c := range cards[page:min(page+qrCols*qrRows, end)] {
				x := qrMargin + float64(i%qrCols)*qrCardW
				y := qrMargin + qrHeadH + float64(i/qrCols)*qrCardH
				if err := d.qrCard(c, x, y); err != nil {
					return fmt.Errorf("QR sheet: card of %s: %w", c.NIP, err)
				}
			}
		}
		start = end
	}
	return d.output(w, "QR sheet PDF")
}

// qrHeading names the unit and the event at the top of a page; from is the
// position of the page's first card in the unit, of n.
func (d doc) qrHeading(s QRSheet, unit string, from, n int) {
	w := pageW - 2*qrMargin
	d.SetXY(qrMargin, qrMargin)
	d.font("B", 12, navy)
	if unit != "" {
		d.fit("B", unit, w, 1, 12, 8, navy)
		d.para(w, 6, unit, "L")
	}
	d.SetX(qrMargin)
	d.font("", 8.5, black)
	d.para(w, 4.2, s.Event.Title+" · "+s.Org.Name+" · "+s.When(), "L")
	d.SetX(qrMargin)
	d.font("", 7.5, grey)
	note := "Pindai kode QR dengan kamera ponsel untuk membuka tautan pribadi penandatanganan ikrar. " +
		"Setiap tautan hanya untuk pegawai yang namanya tertera: jangan dibagikan kepada orang lain."
	if n > qrCols*qrRows {
		note += fmt.Sprintf(" Kartu %d–%d dari %d.", from+1, min(from+qrCols*qrRows, n), n)
	}
	d.para(w, 3.5, note, "L")
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
	d.SetX(x + pad)
	size = d.fit("", c.Unit, w, 2, 7, 5.5, grey)
	d.para(w, lineH(size), c.Unit, "C")
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
