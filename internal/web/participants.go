package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/report"
	"github.com/ikrar-id/ikrar/internal/roster"
)

// listProblem is a row of an uploaded participant list that did not put
// anyone on the list.
type listProblem struct {
	Row      int
	NIP      string
	Reason   string
	Problems []error // the parser's reasons, translated by their formats
}

// participantsPage shows who may sign an event — subtree, categories and
// any uploaded list — and how many that is, before it opens.
func (s *Server) participantsPage(c *echo.Context) error {
	return s.renderParticipants(c, http.StatusOK, nil)
}

// renderParticipants renders the participants page; extra carries an
// upload's outcome.
func (s *Server) renderParticipants(c *echo.Context, status int, extra map[string]any) error {
	e, org, err := s.requestEvent(c, "", "")
	if err != nil {
		return err
	}
	ctx, a := c.Request().Context(), s.actor(c)
	list, err := s.svc.ParticipantList(ctx, a.User, e, org)
	if err != nil {
		return err
	}
	stats, err := s.svc.EventStats(ctx, a.User, e, org)
	if err != nil {
		return err
	}
	d := map[string]any{"Title": e.Title, "E": e, "Org": org, "List": list, "Stats": stats,
		"CanManage": a.User.Can(registry.ActManageEvents, org.Path) && e.Status != registry.StatusClosed}
	for k, v := range extra {
		d[k] = v
	}
	return s.render(c, status, "participants_upload", d)
}

// participantsImport reads an uploaded list with the roster reader (any
// file the roster import takes, with columns NIP and nama) and makes its
// NIPs the event's participants. A row the roster reader refuses still
// counts when its NIP is on the roster as written: the roster, validated
// with each employee's category, is the authority on NIPs, and a list
// usually has no category column.
func (s *Server) participantsImport(c *echo.Context) error {
	ctx := c.Request().Context()
	id, err := idParam(c)
	if err != nil {
		return err
	}
	fh, err := uploadedFile(c)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return err
	}
	if err != nil {
		return s.renderParticipants(c, http.StatusBadRequest, map[string]any{"Error": "Pilih berkas CSV atau XLSX daftar peserta."})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	parsed, err := roster.Parse(f, fh.Header.Get("Content-Type"), fh.Filename)
	if err != nil {
		return s.participantsFailed(c, err, nil)
	}
	var nips []string
	rows := map[string]int{}
	reasons := map[string]string{}
	for i, emp := range parsed.Employees {
		nips = append(nips, emp.NIP)
		rows[emp.NIP] = parsed.Rows[i]
	}
	var problems []listProblem
	for _, r := range parsed.Rejected {
		n := nip.Normalize(r.NIP)
		if n == "" {
			problems = append(problems, listProblem{Row: r.Row, NIP: r.NIP, Reason: r.Reason, Problems: r.Problems})
			continue
		}
		nips = append(nips, n)
		rows[n], reasons[n] = r.Row, r.Reason
	}
	res, err := s.svc.SetParticipantList(ctx, s.actor(c), id, nips)
	for _, n := range res.Unknown {
		reason := reasons[n]
		if reason == "" {
			reason = "NIP tidak terdaftar pada data pegawai penyelenggara"
		}
		problems = append(problems, listProblem{Row: rows[n], NIP: n, Reason: reason})
	}
	if err != nil {
		return s.participantsFailed(c, err, problems)
	}
	return s.renderParticipants(c, http.StatusOK, map[string]any{"Result": res, "Problems": problems, "Filename": fh.Filename})
}

func (s *Server) participantsFailed(c *echo.Context, err error, problems []listProblem) error {
	if registry.ErrorCode(err) == registry.EINTERNAL {
		return err
	}
	return s.renderParticipants(c, statusOf(registry.ErrorCode(err)), map[string]any{"Error": err, "Problems": problems})
}

func (s *Server) participantsClear(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := s.svc.ClearParticipantList(c.Request().Context(), s.actor(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/events/%d/participants", id))
}

// participantFilter selects participants for the follow-up and the
// personal links.
type participantFilter struct {
	Unit     string            // as report.UnitOf names it; "" for all
	Category registry.Category // "" for all
	Pending  bool              // only those without a valid signature
}

func parseFilter(c *echo.Context) participantFilter {
	f := participantFilter{Unit: strings.TrimSpace(c.QueryParam("unit")), Pending: c.QueryParam("status") == "pending"}
	if v := c.QueryParam("category"); v != "" {
		if cat, ok := registry.ParseCategory(v); ok {
			f.Category = cat
		}
	}
	return f
}

func (f participantFilter) match(p registry.Participant) bool {
	return (f.Unit == "" || report.UnitOf(p.Employee) == f.Unit) &&
		(f.Category == "" || p.Employee.Category == f.Category) &&
		(!f.Pending || pending(p))
}

// pending reports whether p has no valid signature, as the event page
// counts it.
func pending(p registry.Participant) bool { return p.Signature == nil || p.Signature.Revoked() }

func (f participantFilter) apply(parts []registry.Participant) []registry.Participant {
	var out []registry.Participant
	for _, p := range parts {
		if f.match(p) {
			out = append(out, p)
		}
	}
	return out
}

// String describes the filter for the audit trail.
func (f participantFilter) String() string {
	var parts []string
	if f.Unit != "" {
		parts = append(parts, "unit="+f.Unit)
	}
	if f.Category != "" {
		parts = append(parts, "kategori="+string(f.Category))
	}
	if f.Pending {
		parts = append(parts, "belum")
	}
	return strings.Join(parts, " ")
}
