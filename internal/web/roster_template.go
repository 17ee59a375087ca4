package web

import (
	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/report"
	"github.com/ikrar-id/ikrar/internal/roster"
)

// rosterTemplate downloads an empty roster: the accepted headers and no
// row. An example row would be imported as a person by whoever forgets to
// delete it; the import page says what each column holds.
func (s *Server) rosterTemplate(format tableFormat) echo.HandlerFunc {
	return func(c *echo.Context) error {
		sep, err := format.separator(c)
		if err != nil {
			return err
		}
		var cols []report.Column
		for _, h := range roster.TemplateHeaders() {
			cols = append(cols, report.Column{Title: h, Width: float64(max(14, len(h)+4))})
		}
		w, err := format.open(c, sep, "templat-data-pegawai."+string(format), "Pegawai", cols)
		if err != nil {
			return err
		}
		return w.Close()
	}
}
