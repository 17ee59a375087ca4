package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

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

// adminEventRetention sets or clears an event's retention date: personal
// data is kept through that day (the organization's time) and erased
// after it.
func (s *Server) adminEventRetention(c *echo.Context) error {
	ctx := c.Request().Context()
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var until time.Time
	if v := strings.TrimSpace(c.FormValue("until")); v != "" {
		e, err := s.svc.PublicEvent(ctx, id)
		if err != nil {
			return err
		}
		org, err := s.svc.PublicOrganization(ctx, e.OrgID)
		if err != nil {
			return err
		}
		day, err := time.ParseInLocation(time.DateOnly, v, org.Location())
		if err != nil {
			return registry.Errorf(registry.EINVALID, "Tanggal retensi harus berupa tanggal (TTTT-BB-HH).")
		}
		// Kept through the whole day: erased from the next midnight on.
		until = day.AddDate(0, 0, 1).Add(-time.Millisecond)
	}
	if err := s.svc.SetEventRetention(ctx, s.actor(c), id, until); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/events/%d#retention", id))
}

// EraseExpired erases the personal data of the records of every event past
// its retention date and drops their cached certificates; the server runs
// it once a day (RunRetention), an administrator from the personal data
// page.
func (s *Server) EraseExpired(ctx context.Context, a registry.Actor) (registry.RetentionRun, error) {
	return s.issuer.EraseExpired(ctx, a)
}

// RunRetention runs EraseExpired now and then once a day until ctx is done.
func (s *Server) RunRetention(ctx context.Context) {
	tick := time.NewTicker(24 * time.Hour)
	defer tick.Stop()
	for {
		run, err := s.EraseExpired(ctx, registry.Actor{User: registry.Scheduler, IP: "retention"})
		if err != nil && ctx.Err() == nil {
			s.log.Error("erase expired events", "err", err)
		} else if len(run.Events) > 0 {
			s.log.Info("erased the records of events past their retention date", "events", run.Events, "records", len(run.Records))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// adminPersonalData is the superadmin's report of the personal data the
// registry holds, with the events past their retention date; a post erases
// them now.
func (s *Server) adminPersonalData(c *echo.Context) error {
	a := s.actor(c)
	if a.User.Role != registry.RoleSuperadmin {
		return registry.Errorf(registry.EFORBIDDEN, "Peran Anda tidak mengizinkan tindakan ini.")
	}
	ctx := c.Request().Context()
	d := map[string]any{"Title": "Data pribadi di registri"}
	if c.Request().Method == http.MethodPost {
		run, err := s.EraseExpired(ctx, a)
		if err != nil {
			return err
		}
		d["Ran"], d["Run"] = true, run
	}
	due, err := s.svc.ExpiredRetentions(ctx, a.User)
	if err != nil {
		return err
	}
	report, err := s.svc.PersonalDataReport(ctx, a.User)
	if err != nil {
		return err
	}
	d["Due"], d["Report"] = len(due), report
	return s.render(c, http.StatusOK, "personal_data", d)
}
