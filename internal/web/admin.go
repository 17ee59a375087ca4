package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

func idParam(c *echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, registry.Errorf(registry.ENOTFOUND, "Data tidak ditemukan.")
	}
	return id, nil
}

func (s *Server) adminHome(c *echo.Context) error {
	ctx := c.Request().Context()
	a := s.actor(c)
	orgs, err := s.svc.Organizations(ctx, a.User)
	if err != nil {
		return err
	}
	events, err := s.svc.Events(ctx, a.User)
	if err != nil {
		return err
	}
	tz := map[int64]string{}
	for _, o := range orgs {
		tz[o.ID] = o.TimeZone
	}
	return s.render(c, http.StatusOK, "admin_home", map[string]any{"Title": "Beranda admin", "Orgs": orgs, "Events": events, "TZ": tz,
		"CanOrg":   a.User.Role == registry.RoleSuperadmin || a.User.Role == registry.RoleAdmin,
		"CanEvent": a.User.Role != registry.RoleViewer})
}
