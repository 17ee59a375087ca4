package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// adminOrgPrivacy saves an organization's privacy settings: the contact its
// events' privacy notice names, and whether stroke timing is kept.
func (s *Server) adminOrgPrivacy(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	p := registry.PrivacySettings{OrgID: id, Contact: c.FormValue("contact"), StrokeTiming: c.FormValue("stroke_timing") == "1"}
	if err := s.svc.SetPrivacySettings(c.Request().Context(), s.actor(c), p); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/orgs/%d?privacy=1#privacy", id))
}
