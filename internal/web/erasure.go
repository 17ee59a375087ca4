package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v5"
)

// adminErase removes a signer's personal data from a record on a lawful
// request, and with "person" the signer from the roster with all their
// records; the records stay verifiable.
func (s *Server) adminErase(c *echo.Context) error {
	sig, err := s.issuer.Erase(c.Request().Context(), s.actor(c), c.Param("code"), c.FormValue("reason"), c.FormValue("person") == "1")
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/certificates/"+sig.Code)
}

// adminErasePerson erases an employee, found by NIP, from the roster page.
func (s *Server) adminErasePerson(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	codes, err := s.issuer.ErasePerson(c.Request().Context(), s.actor(c), id, c.FormValue("nip"), c.FormValue("reason"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/orgs/%d?erased=%d", id, len(codes)))
}

// apiErasePerson is adminErasePerson for machines.
func (s *Server) apiErasePerson(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var in struct {
		NIP    string `json:"nip"`
		Reason string `json:"reason"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	codes, err := s.issuer.ErasePerson(c.Request().Context(), s.actor(c), id, in.NIP, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"erased_certificates": append([]string{}, codes...)})
}

func (s *Server) apiErase(c *echo.Context) error {
	var in struct {
		Reason string `json:"reason"`
		Person bool   `json:"person"` // erase the signer from the roster too, with all their records
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	sig, err := s.issuer.Erase(c.Request().Context(), s.actor(c), c.Param("code"), in.Reason, in.Person)
	if err != nil {
		return err
	}
	return s.recordJSON(c, sig)
}
