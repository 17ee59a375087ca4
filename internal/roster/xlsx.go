package roster

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// unzipLimit bounds the unpacked size of a workbook, well above any real
// roster of MaxRows, against zip bombs; excelize's default is 16 GB.
const unzipLimit = 512 << 20

// ParseXLSX reads a roster from the first sheet of an XLSX workbook. Cells
// are read as the sheet displays them, so an NIP stored as a number shows up
// as "1.98609E+17" or with its last digits zeroed — both are refused with the
// Excel message by nip.Parse rather than imported wrong.
func ParseXLSX(r io.Reader) (Result, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: unzipLimit})
	if err != nil {
		return Result{}, &registry.Error{Code: registry.EBADROSTER,
			Message: "Berkas XLSX tidak dapat dibaca. Simpan berkas sebagai Excel Workbook (.xlsx) atau CSV.", Err: err}
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
	// its count is the spreadsheet's row number.
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

func unreadableSheet(name string, err error) error {
	return &registry.Error{Code: registry.EBADROSTER,
		Message: fmt.Sprintf("Lembar kerja %q tidak dapat dibaca.", name), Err: err}
}
