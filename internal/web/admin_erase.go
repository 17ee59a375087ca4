package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// adminErase removes a signer's personal data from a record on a lawful
// request, and with "person" the signer from the roster with all their
// records; the records stay verifiable.
func (s *Server) adminErase(c *echo.Context) error {
	sig, err := s.erase(c.Request().Context(), s.actor(c), c.Param("code"), c.FormValue("reason"), c.FormValue("person") == "1")
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/certificates/"+sig.Code)
}

// erase runs an erasure of a record (and with person, of its signer).
func (s *Server) erase(ctx context.Context, a registry.Actor, code, reason string, person bool) (registry.Signature, error) {
	sig, codes, err := s.svc.Erase(ctx, a, code, reason, person)
	return sig, s.erased(codes, err)
}

// erasePerson erases an employee of an organization's subtree by NIP and
// returns the codes of their records.
func (s *Server) erasePerson(ctx context.Context, a registry.Actor, orgID int64, nip, reason string) ([]string, error) {
	codes, err := s.svc.ErasePerson(ctx, a, orgID, nip, reason)
	return codes, s.erased(codes, err)
}

// erased drops the erased records' cached PDFs, which carry the erased
// name and NIP. A scrub of the database files that readers held up is
// logged and left to the store's retries: the erasure itself has
// committed.
func (s *Server) erased(codes []string, err error) error {
	for _, c := range codes {
		s.pdfs.drop(c)
	}
	if registry.IsScrubPending(err) {
		s.log.Warn("erasure committed; database files not yet scrubbed", "err", err)
		return nil
	}
	return err
}

// adminErasePerson erases an employee, found by NIP, from the roster page.
func (s *Server) adminErasePerson(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	codes, err := s.erasePerson(c.Request().Context(), s.actor(c), id, c.FormValue("nip"), c.FormValue("reason"))
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
	codes, err := s.erasePerson(c.Request().Context(), s.actor(c), id, in.NIP, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"erased_certificates": append([]string{}, codes...)})
}
