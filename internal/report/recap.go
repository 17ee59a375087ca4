package report

import (
	"fmt"
	"io"
	"time"
)

// Recap is the per-unit recap of an event's signing.
type Recap struct {
	EventHeader
	Units     []UnitCount
	Scope     string // who the counts cover when not the whole event, e.g. one regency's part
	Generated time.Time
}

// WriteRecapPDF writes the recap as an A4 PDF: the event, the totals, and
// a table of participants, signatures, pending and percentage per unit.
func WriteRecapPDF(w io.Writer, r Recap) error {
	e := r.Event
	d, err := newDoc("Rekapitulasi Ikrar Netralitas ASN · "+e.Title, r.Org.Name,
		"Dicetak "+r.stamp(r.Generated)+" · Rekapitulasi · "+e.Title, r.Generated)
	if err != nil {
		return err
	}
	d.AddPage()
	d.kop(r.EventHeader)
	d.title("REKAPITULASI PENANDATANGANAN IKRAR NETRALITAS ASN", e.Title, r.Org.Name, r.When()+" · "+r.Where())

	t := Total(r.Units)
	d.font("", 9.5, black)
	if r.Scope != "" {
		d.para(contentW, 5, "Cakupan: "+r.Scope, "L")
	}
	d.para(contentW, 5, "Status acara: "+e.Status.Label()+". Keadaan per "+r.stamp(r.Generated)+".", "L")
	d.Ln(2)

	// The totals, in four boxes across the page.
	const boxH = 16.0
	boxW := contentW / 4
	y := d.GetY()
	for i, b := range []struct{ value, label string }{
		{fmt.Sprint(t.Eligible), "Peserta"},
		{fmt.Sprint(t.Signed), "Sudah menandatangani"},
		{fmt.Sprint(t.Pending()), "Belum"},
		{t.Percent() + "%", "Persentase"},
	} {
		x := margin + float64(i)*boxW
		d.SetDrawColor(160, 170, 190)
		d.SetFillColor(light[0], light[1], light[2])
		d.Rect(x+1, y, boxW-2, boxH, "FD")
		d.SetXY(x+1, y+2)
		d.font("B", 14, navy)
		d.cell(boxW-2, 7, b.value, "", "C", false)
		d.SetXY(x+1, y+9.5)
		d.font("", 8, grey)
		d.cell(boxW-2, 4, b.label, "", "C", false)
	}
	d.SetXY(margin, y+boxH+5)
	d.unitTable(r.Units)
	return d.output(w, "recap PDF")
}
