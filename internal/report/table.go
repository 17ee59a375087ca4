package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/ikrar-id/ikrar/internal/roster"
)

// Column is one column of a table export.
type Column struct {
	Title string
	Width float64 // in XLSX character widths
}

// TableWriter writes a table row by row, so that an export of any size
// streams. Cells are strings or ints.
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

type csvTable struct {
	bw  *bufio.Writer
	w   *csv.Writer
	rec []string
}

func (t *csvTable) Row(cells ...any) error {
	t.rec = t.rec[:0]
	for _, c := range cells {
		s, ok := c.(string)
		if !ok {
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
	t := &xlsxTable{f: f, sw: sw, out: w}
	if err := t.Row(title...); err != nil {
		return fail(err)
	}
	return t, nil
}

type xlsxTable struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	out io.Writer
	n   int
}

func (t *xlsxTable) Row(cells ...any) error {
	t.n++
	cell, err := excelize.CoordinatesToCellName(1, t.n)
	if err != nil {
		return err
	}
	return t.sw.SetRow(cell, cells)
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
