package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/report"
)

// followUpShown is the most people the follow-up page lists; the CSV has
// them all.
const followUpShown = 1000

// followUpGroup is one unit's participants who have not signed.
type followUpGroup struct {
	Unit   string
	People []registry.Participant
}

// followUp lists, per unit, the participants who have not signed, with
// their personal links for those who may hand them out.
func (s *Server) followUp(c *echo.Context) error {
	e, org, parts, err := s.scopedEvent(c, "", "")
	if err != nil {
		return err
	}
	ctx, a := c.Request().Context(), s.actor(c)
	f := parseFilter(c)
	f.Pending = true
	chosen := f.apply(parts)
	d := map[string]any{"Title": e.Title, "E": e, "Org": org, "Units": report.Units(parts), "Filter": f,
		"Categories": registry.Categories, "Count": len(chosen), "Shown": min(len(chosen), followUpShown)}
	canLinks := registry.ViewsLinks(a.User, org)
	d["CanLinks"] = canLinks
	var groups []followUpGroup
	for _, p := range chosen[:min(len(chosen), followUpShown)] {
		u := report.UnitOf(p.Employee)
		if len(groups) == 0 || groups[len(groups)-1].Unit != u {
			groups = append(groups, followUpGroup{Unit: u})
		}
		g := &groups[len(groups)-1]
		g.People = append(g.People, p)
	}
	d["Groups"] = groups
	if canLinks {
		if err := s.svc.DiscloseLinks(ctx, a, e, org, false, c.Request().URL.RequestURI(), d["Shown"].(int)); err != nil {
			return err
		}
		links, err := s.personalLinks(ctx, a.User, e, org, parts)
		if err != nil {
			return err
		}
		d["Links"] = links
		if rid, _ := strconv.ParseInt(c.QueryParam("reissued"), 10, 64); rid > 0 {
			for _, p := range parts {
				if p.Employee.ID == rid {
					d["Reissued"], d["ReissuedLink"] = p.Employee, links[rid]
				}
			}
		}
	}
	return s.render(c, http.StatusOK, "followup", d)
}

// followUpCSV is the follow-up list as a CSV, with the personal links for
// those who may hand them out.
func (s *Server) followUpCSV(c *echo.Context) error {
	sep, err := csvSeparator(c)
	if err != nil {
		return err
	}
	f := parseFilter(c)
	f.Pending = true
	e, org, parts, err := s.scopedEvent(c, registry.ExportFollowUp, "csv "+f.String())
	if err != nil {
		return err
	}
	ctx, a := c.Request().Context(), s.actor(c)
	chosen := f.apply(parts)
	cols := []report.Column{{Title: "No"}, {Title: "NIP"}, {Title: "Nama"}, {Title: "Jabatan"}, {Title: "Unit kerja"}, {Title: "Kategori"}}
	var links map[int64]string
	if registry.ViewsLinks(a.User, org) {
		if err := s.svc.DiscloseLinks(ctx, a, e, org, true, c.Request().URL.RequestURI(), len(chosen)); err != nil {
			return err
		}
		cols = append(cols, report.Column{Title: "Tautan pribadi"})
		if links, err = s.personalLinks(ctx, a.User, e, org, chosen); err != nil {
			return err
		}
	}
	w, err := openCSV(c, sep, exportName("belum-ikrar", e, f.Unit, "csv"), cols)
	if err != nil {
		return err
	}
	for i, p := range chosen {
		row := []any{i + 1, nip.Format(p.Employee.NIP), p.Employee.FullName(), p.Employee.Position, p.Employee.Unit, string(p.Employee.Category)}
		if links != nil {
			row = append(row, links[p.Employee.ID])
		}
		if err := w.Row(row...); err != nil {
			return err
		}
	}
	return w.Close()
}
