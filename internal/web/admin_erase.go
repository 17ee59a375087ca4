package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// adminErase removes a signer's personal data from a record on a lawful
// request; the record stays verifiable.
func (s *Server) adminErase(c echo.Context) error {
	sig, err := s.svc.Erase(c.Request().Context(), s.actor(c), c.Param("code"), c.FormValue("reason"))
	if err != nil {
		return err
	}
	s.pdfs.drop(sig.Code) // the cached PDFs carry the erased name and NIP
	return c.Redirect(http.StatusSeeOther, "/admin/certificates/"+sig.Code)
}
