package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// dashboard shows an event's progress within the officer's scope: totals,
// units, the signing curve and the latest records, kept live by
// static/js/live.js.
func (s *Server) dashboard(c *echo.Context) error {
	e, org, p, err := s.eventProgress(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "dashboard", map[string]any{"Title": "Dasbor langsung", "E": e, "Org": org,
		"Live": liveView(p, s.lang(c), org.Location()), "CurveBase": curveBase, "CurveHeight": curveHeight})
}

// projector is the hall's screen: how to sign and how many have, in
// aggregate only, large enough to read from the back of the hall.
func (s *Server) projector(c *echo.Context) error {
	e, org, p, err := s.eventProgress(c)
	if err != nil {
		return err
	}
	link := s.opt.BaseURL + shortPath + s.shortAlias(e.ID)
	_, short, ok := strings.Cut(link, "://")
	if !ok {
		short = link
	}
	return s.render(c, http.StatusOK, "projector", map[string]any{"Title": e.Title, "E": e, "Org": org,
		"Totals": liveView(p, s.lang(c), org.Location()).liveTotals, "ShortLink": short})
}

// eventProgress loads the event of the request's :id, if the officer may
// see it, and its progress within their scope.
func (s *Server) eventProgress(c *echo.Context) (registry.Event, registry.Organization, registry.Progress, error) {
	ctx := c.Request().Context()
	id, err := idParam(c)
	if err != nil {
		return registry.Event{}, registry.Organization{}, registry.Progress{}, err
	}
	u := s.actor(c).User
	e, org, err := s.svc.VisibleEvent(ctx, u, id)
	if err != nil {
		return registry.Event{}, registry.Organization{}, registry.Progress{}, err
	}
	p, err := s.svc.Progress(ctx, e, u.Scope())
	return e, org, p, err
}
