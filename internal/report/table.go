package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ikrar-id/ikrar/internal/roster"
	"github.com/ikrar-id/ikrar/internal/tanggal"
)

// Column is one column of a table export.
type Column struct {
	Title string
	Width float64 // in XLSX character widths
}

// TableWriter writes a table row by row, so that an export of any size
// streams. Cells are strings, ints or Times.
type TableWriter interface {
	Row(cells ...any) error
	// Close finishes the table; for XLSX it writes the workbook.
	Close() error
}

// Separators a CSV table may use. Excel splits a CSV at the list separator
// of the computer's regional settings: ";" under Indonesian ones, where ","
// is the decimal comma, "," under English ones.
const (
	Semicolon = ';'
	Comma     = ','
)

// NewCSV starts a CSV table on w whose cells are separated by sep
// (Semicolon or Comma): UTF-8 with a byte-order mark, so that Excel does
// not read names as Windows-1252, and every text cell neutralised against
// formula injection.
func NewCSV(w io.Writer, sep rune, cols []Column) (TableWriter, error) {
	if sep != Semicolon && sep != Comma {
		return nil, fmt.Errorf("CSV separator %q: want ';' or ','", sep)
	}
	bw := bufio.NewWriterSize(w, 32<<10)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = sep
	t := &csvTable{bw: bw, w: cw}
	title := make([]any, len(cols))
	for i, c := range cols {
		title[i] = c.Title
	}
	return t, t.Row(title...)
}

// Time is a moment a table shows in the zone of its event. XLSX holds it
// as a real date and time, which Excel sorts and filters, displayed as
// "23/10/2024 09:00 WIB"; CSV spells it out the Indonesian way, "Rabu, 23
// Oktober 2024 pukul 09.00 WIB".
type Time struct {
	At   time.Time // in the zone's location
	Zone string    // the zone's abbreviation: WIB, WITA or WIT
}

// xlsxTimeFormat is how Excel displays a Time: day first, as Indonesia
// writes dates, with the zone as literal text.
func xlsxTimeFormat(zone string) string {
	f := "dd/mm/yyyy hh:mm"
	if zone != "" {
		f += ` "` + zone + `"`
	}
	return f
}

type csvTable struct {
	bw  *bufio.Writer
	w   *csv.Writer
	rec []string
}

func (t *csvTable) Row(cells ...any) error {
	t.rec = t.rec[:0]
	for _, c := range cells {
		var s string
		switch v := c.(type) {
		case string:
			s = v
		case Time:
			s = tanggal.Date(v.At) + " " + tanggal.Time(v.At, v.Zone)
		default:
			s = fmt.Sprint(c)
		}
		t.rec = append(t.rec, roster.SafeCell(s))
	}
	return t.w.Write(t.rec)
}

func (t *csvTable) Close() error {
	t.w.Flush()
	if err := t.w.Error(); err != nil {
		return err
	}
	return t.bw.Flush()
}

// NewXLSX starts an XLSX workbook of one sheet that Close writes to w. Rows
// stream through excelize's StreamWriter, which keeps a large sheet on disk
// rather than in memory; text stays text (never a formula), so it needs no
// neutralising.
func NewXLSX(w io.Writer, sheet string, cols []Column) (TableWriter, error) {
	f := excelize.NewFile()
	fail := func(err error) (TableWriter, error) {
		f.Close()
		return nil, fmt.Errorf("start XLSX: %w", err)
	}
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return fail(err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fail(err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E4E9F2"}}})
	if err != nil {
		return fail(err)
	}
	title := make([]any, len(cols))
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.Width); err != nil {
			return fail(err)
		}
		title[i] = excelize.Cell{StyleID: bold, Value: c.Title}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fail(err)
	}
	t := &xlsxTable{f: f, sw: sw, out: w, timeStyles: map[string]int{}}
	if err := t.Row(title...); err != nil {
		return fail(err)
	}
	return t, nil
}

type xlsxTable struct {
	f          *excelize.File
	sw         *excelize.StreamWriter
	out        io.Writer
	n          int
	timeStyles map[string]int // the style of a Time, by zone
	row        []any
}

func (t *xlsxTable) Row(cells ...any) error {
	t.n++
	cell, err := excelize.CoordinatesToCellName(1, t.n)
	if err != nil {
		return err
	}
	t.row = append(t.row[:0], cells...)
	for i, c := range t.row {
		if v, ok := c.(Time); ok {
			style, err := t.timeStyle(v.Zone)
			if err != nil {
				return err
			}
			// excelize stores the wall clock of the time's own location,
			// which is the event's zone; seconds kept, so the order of
			// signings within a minute survives a sort.
			t.row[i] = excelize.Cell{StyleID: style, Value: v.At.Truncate(time.Second)}
		}
	}
	return t.sw.SetRow(cell, t.row)
}

func (t *xlsxTable) timeStyle(zone string) (int, error) {
	if id, ok := t.timeStyles[zone]; ok {
		return id, nil
	}
	format := xlsxTimeFormat(zone)
	id, err := t.f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return 0, fmt.Errorf("XLSX date style: %w", err)
	}
	t.timeStyles[zone] = id
	return id, nil
}

func (t *xlsxTable) Close() error {
	defer t.f.Close()
	if err := t.sw.Flush(); err != nil {
		return fmt.Errorf("finish XLSX: %w", err)
	}
	if err := t.f.Write(t.out); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	return nil
}
