package roster

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// Bounds on a workbook's unpacked parts, checked on the zip directory
// before excelize opens it, against zip bombs (a 0.4 MB file that unpacks
// past 1 GB). archive/zip refuses an entry that unpacks past the size its
// directory declares, so the declared sizes hold. A roster of MaxRows rows
// unpacks to about 80 MB of sheet XML and 10 MB of shared strings, at a
// ratio near 10; the limits leave room above both.
const (
	maxUnzipped     = 256 << 20 // all parts together
	maxSharedString = 64 << 20  // xl/sharedStrings.xml, which excelize holds in memory
	maxRatio        = 200       // unpacked / packed size of any part over 1 MB
	xmlInMemory     = 16 << 20  // parts above this wait in temporary files
)

// ParseXLSX reads a roster from the first sheet of an XLSX workbook. Cells
// are read as the sheet displays them, so an NIP stored as a number shows up
// as "1.98609E+17" or with its last digits zeroed — both are refused with the
// Excel message by nip.Parse rather than imported wrong.
func ParseXLSX(r io.Reader) (Result, error) {
	data, err := readFile(r)
	if err != nil {
		return Result{}, err
	}
	if err := checkZip(data); err != nil {
		return Result{}, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: xmlInMemory})
	if err != nil {
		return Result{}, unreadableWorkbook(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return Result{}, registry.Errorf(registry.EBADROSTER, "Berkas XLSX tidak memiliki lembar kerja.")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return Result{}, unreadableSheet(sheets[0], err)
	}
	defer rows.Close()

	p := newParser()
	// The iterator yields every row up to the last, empty ones included, so
	// its count is the spreadsheet's row number; p.add stops it after
	// MaxRows.
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns()
		if err != nil {
			return Result{}, unreadableSheet(sheets[0], fmt.Errorf("row %d: %w", n, err))
		}
		if err := p.add(n, cells); err != nil {
			return Result{}, err
		}
	}
	if err := rows.Error(); err != nil {
		return Result{}, unreadableSheet(sheets[0], err)
	}
	return p.result()
}

// checkZip refuses a workbook whose parts would unpack too large, judged
// from the zip directory alone.
func checkZip(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return unreadableWorkbook(err)
	}
	tooLarge := registry.Errorf(registry.ETOOLARGE,
		"Isi berkas XLSX terlalu besar setelah dibuka (maksimal %d MB). Simpan data pegawai saja, atau gunakan CSV.", maxUnzipped>>20)
	var total uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		switch {
		case size > maxUnzipped || total > maxUnzipped:
			return tooLarge
		case strings.EqualFold(f.Name, "xl/sharedStrings.xml") && size > maxSharedString:
			return tooLarge
		case size > 1<<20 && size/max(f.CompressedSize64, 1) > maxRatio:
			return registry.Errorf(registry.ETOOLARGE, "Berkas XLSX tidak wajar: isinya memampat lebih dari %d kali. Simpan ulang berkas dari Excel.", maxRatio)
		}
	}
	return nil
}

func unreadableWorkbook(err error) error {
	return registry.Wrapf(err, registry.EBADROSTER, "Berkas XLSX tidak dapat dibaca. Simpan berkas sebagai Excel Workbook (.xlsx) atau CSV.")
}

func unreadableSheet(name string, err error) error {
	return registry.Wrapf(err, registry.EBADROSTER, "Lembar kerja %q tidak dapat dibaca.", name)
}
