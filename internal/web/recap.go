package web

import (
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/report"
)

// tableFormat is a spreadsheet format a table downloads in.
type tableFormat string

const (
	tableCSV  tableFormat = "csv"
	tableXLSX tableFormat = "xlsx"
)

// open starts a table download named name, as a sheet of the given name
// in XLSX, with the separator sep in CSV.
func (f tableFormat) open(c *echo.Context, sep rune, name, sheet string, cols []report.Column) (report.TableWriter, error) {
	if f == tableXLSX {
		attachment(c, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		return report.NewXLSX(c.Response(), sheet, cols)
	}
	return openCSV(c, sep, name, cols)
}

// separator is the request's choice of the format's CSV separator:
// ?sep=comma, or by default the semicolon that Excel under Indonesian
// regional settings splits columns at. Handlers read it before they record
// the export, so a mistyped address records nothing.
func (f tableFormat) separator(c *echo.Context) (rune, error) {
	if f != tableCSV {
		return 0, nil
	}
	return csvSeparator(c)
}

func csvSeparator(c *echo.Context) (rune, error) {
	switch c.QueryParam("sep") {
	case "", "semicolon", ";":
		return report.Semicolon, nil
	case "comma", ",":
		return report.Comma, nil
	}
	return 0, registry.Errorf(registry.EINVALID, "Pemisah CSV tidak dikenal: gunakan sep=semicolon (titik koma, bawaan) atau sep=comma (koma).")
}

// openCSV starts a CSV download named name.
func openCSV(c *echo.Context, sep rune, name string, cols []report.Column) (report.TableWriter, error) {
	attachment(c, name, "text/csv; charset=utf-8")
	return report.NewCSV(c.Response(), sep, cols)
}

var recapColumns = []report.Column{
	{Title: "No", Width: 5}, {Title: "Unit kerja", Width: 48}, {Title: "Peserta", Width: 10},
	{Title: "Sudah", Width: 10}, {Title: "Belum", Width: 10}, {Title: "Persentase", Width: 12},
}

// recapTable is the per-unit recap as a table.
func (s *Server) recapTable(format tableFormat) echo.HandlerFunc {
	return func(c *echo.Context) error {
		sep, err := format.separator(c)
		if err != nil {
			return err
		}
		r, err := s.recap(c, string(format))
		if err != nil {
			return err
		}
		w, err := format.open(c, sep, exportName("rekap", r.Event, "", string(format)), "Rekap", recapColumns)
		if err != nil {
			return err
		}
		for i, u := range append(r.Units, report.Total(r.Units)) {
			no := any(i + 1)
			if i == len(r.Units) {
				no = ""
			}
			if err := w.Row(no, u.Unit, u.Eligible, u.Signed, u.Pending(), u.Percent()); err != nil {
				return err
			}
		}
		return w.Close()
	}
}

// recapPDF is the per-unit recap as a printable PDF.
func (s *Server) recapPDF(c *echo.Context) error {
	r, err := s.recap(c, "pdf")
	if err != nil {
		return err
	}
	return sendPDF(c, exportName("rekap", r.Event, "", "pdf"), func(w io.Writer) error { return report.WriteRecapPDF(w, r) })
}

// recap records a recap export and counts the event's participants in
// the actor's scope per unit.
func (s *Server) recap(c *echo.Context, format string) (report.Recap, error) {
	e, org, parts, err := s.scopedEvent(c, registry.ExportRecap, format)
	if err != nil {
		return report.Recap{}, err
	}
	scope, err := s.scopeLabel(c.Request().Context(), s.actor(c).User, org)
	if err != nil {
		return report.Recap{}, err
	}
	r := report.Recap{EventHeader: report.EventHeader{Event: e, Org: org}, Units: report.Units(parts), Scope: scope,
		Generated: s.now()}
	if format == "pdf" {
		if r.Kop, err = s.issuer.Kop(c.Request().Context(), org); err != nil {
			return report.Recap{}, err
		}
	}
	return r, nil
}

var signatureColumns = []report.Column{
	{Title: "No", Width: 6}, {Title: "NIP", Width: 24}, {Title: "Nama", Width: 34}, {Title: "Jabatan", Width: 30},
	{Title: "Unit kerja", Width: 30}, {Title: "Waktu tanda tangan", Width: 22}, {Title: "Cara identifikasi", Width: 22},
	{Title: "Kode sertifikat", Width: 17}, {Title: "Nomor sertifikat", Width: 22}, {Title: "Status", Width: 10},
}

// signaturesTable is the full list of an event's signatures in the actor's
// scope, streamed: a unit's, with ?unit=, as signed.
func (s *Server) signaturesTable(format tableFormat) echo.HandlerFunc {
	return func(c *echo.Context) error {
		sep, err := format.separator(c)
		if err != nil {
			return err
		}
		unit := strings.TrimSpace(c.QueryParam("unit"))
		e, org, err := s.requestEvent(c, registry.ExportSignatures, strings.TrimSpace(string(format)+" "+unitDetail(unit)))
		if err != nil {
			return err
		}
		ctx, a := c.Request().Context(), s.actor(c)
		w, err := format.open(c, sep, exportName("tanda-tangan", e, unit, string(format)), "Tanda tangan", signatureColumns)
		if err != nil {
			return err
		}
		loc, zone := org.Location(), registry.ZoneAbbrev(org.TimeZone)
		n := 0
		err = s.svc.EachSignature(ctx, a.User, registry.SignatureQuery{EventID: e.ID, Unit: unit}, func(sig registry.Signature) error {
			n++
			at := sig.SignedAt.In(loc)
			status := "Sah"
			if sig.Revoked() {
				status = "Dicabut"
			}
			return w.Row(n, nip.Format(sig.NIP), sig.Name, sig.Position, sig.Unit, report.Time{At: at, Zone: zone},
				sig.Channel.Label(), registry.GroupCode(sig.Code), sig.Serial, status)
		})
		if err != nil {
			return s.abortDownload(c, "signatures export", err)
		}
		return w.Close()
	}
}

func unitDetail(unit string) string {
	if unit == "" {
		return ""
	}
	return "unit=" + unit
}

// abortDownload ends a download that failed after its first bytes: the
// status is sent, so the error is logged and the connection cut, leaving
// the client a truncated file rather than one that looks complete.
func (s *Server) abortDownload(c *echo.Context, what string, err error) error {
	if !responseOf(c).Committed {
		return err
	}
	level := slog.LevelError
	if c.Request().Context().Err() != nil {
		level = slog.LevelInfo // the client went away
	}
	s.log.Log(c.Request().Context(), level, what+" stopped while streaming", "route", c.Path(), "err", err)
	panic(http.ErrAbortHandler)
}
