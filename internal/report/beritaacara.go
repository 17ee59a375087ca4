package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/tanggal"
)

// Official is someone present at the declaration who signs its Berita
// Acara, as the officer entered them.
type Official struct {
	Name     string
	Position string
	NIP      string // printed under the name when given
}

// BeritaAcara is the official record of a declaration.
type BeritaAcara struct {
	EventHeader
	Pledge    registry.PledgeVersion
	Number    string    // the letter number, if the office gives one
	Place     string    // where it took place; "" for an online declaration
	Date      time.Time // the day, in the organization's zone
	Units     []UnitCount
	Officials []Official
	// Witnesses (KPU, Bawaslu, Forkopimda …) sign after the officials.
	Witnesses []registry.Witness
	Generated time.Time
	// Log is the signed checkpoint that covers the event's records, which
	// pins the paper to the registry's history; nil prints nothing.
	Log *LogPin
}

// LogPin is a signed checkpoint as the Berita Acara prints it.
type LogPin struct {
	Origin    string
	Size      int64
	Root      string   // base64, as the checkpoint writes it
	Witnesses []string // the names of the keys that cosigned it
	// Covered is false when the event's last record is not yet in the
	// checkpoint (the registry is refusing to sign).
	Covered bool
}

// Title is the Berita Acara's heading.
const beritaAcaraTitle = "BERITA ACARA DEKLARASI NETRALITAS APARATUR SIPIL NEGARA"

// Opening is the Berita Acara's first sentence: "Pada hari ini Rabu,
// tanggal 23 Oktober 2024, bertempat di Aula Kantor Bupati, telah
// dilaksanakan …".
func (b BeritaAcara) Opening() string {
	where := "bertempat di " + strings.TrimSpace(b.Place)
	if strings.TrimSpace(b.Place) == "" {
		where = "secara daring"
	}
	how := ""
	switch b.Event.Mode {
	case registry.ModeOnline:
		how = " secara daring"
	case registry.ModeHybrid:
		how = " secara luring dan daring"
	}
	return fmt.Sprintf("Pada hari ini %s, tanggal %d %s %d, %s, telah dilaksanakan Deklarasi Netralitas Aparatur Sipil Negara "+
		"“%s” yang diselenggarakan oleh %s%s. Dalam deklarasi tersebut, Aparatur Sipil Negara di lingkungan %s "+
		"membacakan dan menandatangani ikrar sebagai berikut:",
		tanggal.Day(b.Date.Weekday()), b.Date.Day(), tanggal.Month(b.Date.Month()), b.Date.Year(), where,
		strings.TrimSpace(b.Event.Title), b.Org.Name, how, b.Org.Name)
}

// WriteBeritaAcaraPDF writes the Berita Acara as an A4 PDF: the
// declaration's day and place, the pledge text, the counts per unit, the
// officials present and their signature blocks.
//
// It is PDF/A-2b, so that a certified signing service can sign it.
func WriteBeritaAcaraPDF(w io.Writer, b BeritaAcara) error {
	title := "Berita Acara Deklarasi Netralitas ASN · " + b.Event.Title
	d, err := newDoc(title, b.Org.Name, "Dicetak "+b.stamp(b.Generated)+" · Berita Acara · "+b.Event.Title, b.Generated)
	if err != nil {
		return err
	}
	d.pdfA(title, b.Org.Name, b.Generated.UTC())
	d.AddPage()
	d.kop(b.EventHeader)
	number := ""
	if n := strings.TrimSpace(b.Number); n != "" {
		number = "Nomor: " + n
	}
	d.title(beritaAcaraTitle, b.Org.Name, number)

	const size = 10.0
	lh := lineH(size)
	d.font("", size, black)
	d.para(contentW, lh, b.Opening(), "J")
	d.Ln(2)
	d.pledge(b.Pledge, b.Org.Name, size)
	d.Ln(3)

	t := Total(b.Units)
	d.font("", size, black)
	d.para(contentW, lh, fmt.Sprintf("Penandatanganan ikrar dilakukan secara elektronik melalui registri ikrar; setiap ikrar "+
		"tercatat dengan nomor sertifikat yang dapat diverifikasi oleh siapa saja. Dari %d pegawai yang wajib menandatangani "+
		"ikrar, %d pegawai (%s%%) telah menandatangani dan %d pegawai belum, dengan rincian per unit kerja sebagai berikut:",
		t.Eligible, t.Signed, t.Percent(), t.Pending()), "J")
	d.Ln(2)
	d.unitTable(b.Units)
	d.Ln(4)

	if len(b.Officials) > 0 {
		d.font("", size, black)
		d.ensure(lh * 3)
		d.para(contentW, lh, "Deklarasi ini dihadiri oleh:", "L")
		for i, o := range b.Officials {
			d.SetX(margin + 4)
			d.cell(7, lh, fmt.Sprintf("%d.", i+1), "", "L", false)
			d.para(contentW-11, lh, o.Name+" — "+o.Position, "L")
		}
		d.Ln(2)
	}
	if b.Log != nil {
		d.logPin(*b.Log, size)
	}
	d.font("", size, black)
	d.ensure(lh * 2)
	d.para(contentW, lh, "Demikian Berita Acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.", "J")
	d.Ln(4)
	d.signatures(b)
	d.witnesses(b.Witnesses)
	return d.outputPDFA(w, "Berita Acara PDF")
}

// logPin prints the checkpoint that covers the event's records: with it
// anyone holding the paper can check that the registry's history was not
// changed afterwards (docs/TRUST.md §13).
func (d doc) logPin(l LogPin, size float64) {
	lh := lineH(size)
	d.ensure(lh * 7)
	d.font("B", size, black)
	d.para(contentW, lh, "Checkpoint yang mencakup catatan acara ini", "L")
	d.font("", size, black)
	witnesses := "tidak ada"
	if len(l.Witnesses) > 0 {
		witnesses = strings.Join(l.Witnesses, ", ")
	}
	for _, row := range [][2]string{
		{"Nama log", l.Origin},
		{"Ukuran log", fmt.Sprintf("%d", l.Size)},
		{"Akar pohon", l.Root},
		{"Saksi", witnesses},
	} {
		d.SetX(margin + 4)
		d.cell(28, lh, row[0], "", "L", false)
		d.para(contentW-32, lh, ": "+row[1], "L")
	}
	msg := "Dengan checkpoint ini siapa pun dapat memeriksa bahwa riwayat log yang memuat catatan acara ini tidak diubah kemudian."
	if !l.Covered {
		msg = "Catatan terakhir acara ini belum dicakup checkpoint yang ditandatangani."
	}
	d.para(contentW, lh, msg, "J")
	d.Ln(2)
}

// pledge sets the pledge text off by a rule on its left, as certificates
// do.
func (d doc) pledge(p registry.PledgeVersion, institution string, size float64) {
	lh := lineH(size)
	const indent, numW = 6.0, 7.0
	x, w := margin+indent, contentW-indent
	top, page := d.GetY(), d.PageNo()
	d.font("B", size, navy)
	d.SetX(x)
	d.para(w, lh, p.Title, "C")
	d.font("", size, black)
	d.SetX(x)
	d.para(w, lh, p.OpeningFor(institution), "J")
	for i, pt := range p.Points {
		d.SetX(x)
		d.cell(numW, lh, fmt.Sprintf("%d.", i+1), "", "L", false)
		d.para(w-numW, lh, pt, "J")
	}
	if p.Closing != "" {
		d.SetX(x)
		d.para(w, lh, p.Closing, "J")
	}
	if d.PageNo() == page {
		d.SetFillColor(navy[0], navy[1], navy[2])
		d.Rect(margin, top, 1, d.GetY()-top, "F")
	}
}

// signatures draws the place and date, then a signature block for each
// official, two to a row; a block never splits across pages.
func (d doc) signatures(b BeritaAcara) {
	const colW, blockH = 78.0, 38.0
	place := strings.TrimSpace(b.Place)
	if place == "" {
		place = b.Org.Name
	}
	date := fmt.Sprintf("%d %s %d", b.Date.Day(), tanggal.Month(b.Date.Month()), b.Date.Year())
	d.ensure(6 + blockH)
	d.font("", 10, black)
	d.SetX(pageW - margin - colW)
	d.para(colW, 5, place+", "+date, "C")
	d.Ln(2)
	officials := b.Officials
	if len(officials) == 0 {
		// Without officials entered, the event's official signs.
		officials = []Official{{Name: b.Event.OfficialName, Position: b.Event.OfficialPosition, NIP: b.Event.OfficialNIP}}
	}
	for i := 0; i < len(officials); i += 2 {
		d.ensure(blockH)
		y := d.GetY()
		row := officials[i:min(i+2, len(officials))]
		for j, o := range row {
			x := margin + float64(j)*(contentW-colW)
			if len(row) == 1 && len(officials) == 1 {
				x = pageW - margin - colW
			}
			d.SetXY(x, y)
			d.fit("B", o.Position, colW, 2, 10, 7.5, black)
			d.para(colW, 4.5, o.Position, "C")
			d.SetXY(x, y+blockH-10)
			d.fit("BU", o.Name, colW, 1, 10, 7, black)
			d.para(colW, 5, o.Name, "C")
			if o.NIP != "" {
				d.SetX(x)
				d.font("", 9, black)
				d.para(colW, 4.5, "NIP "+nip.Format(o.NIP), "C")
			}
		}
		d.SetXY(margin, y+blockH)
	}
}

// witnesses draws a signature block for each witness, two to a row: the
// institution and position, a line to sign on, and the name.
func (d doc) witnesses(ws []registry.Witness) {
	if len(ws) == 0 {
		return
	}
	const colW, blockH = 78.0, 36.0
	d.Ln(4)
	d.ensure(8 + blockH)
	d.font("B", 10, black)
	d.para(contentW, 5, "Saksi-saksi", "C")
	d.Ln(2)
	for i := 0; i < len(ws); i += 2 {
		d.ensure(blockH)
		y := d.GetY()
		for j, w := range ws[i:min(i+2, len(ws))] {
			x := margin + float64(j)*(contentW-colW)
			d.SetXY(x, y)
			d.fit("B", w.Institution, colW, 1, 10, 7.5, black)
			d.para(colW, 4.5, w.Institution, "C")
			d.SetX(x)
			d.fit("", w.Position, colW, 2, 9, 7, black)
			d.para(colW, 4, w.Position, "C")
			d.SetDrawColor(black[0], black[1], black[2])
			d.Line(x+8, y+blockH-11, x+colW-8, y+blockH-11)
			d.SetXY(x, y+blockH-10)
			d.fit("", w.Name, colW, 1, 10, 7, black)
			d.para(colW, 5, w.Name, "C")
		}
		d.SetXY(margin, y+blockH)
	}
}
