package web

import (
	"context"
	"io"
	"slices"

	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/roster"
)

// maxRosterBytes bounds an uploaded roster: 200,000 rows of a SIASN export
// fit in about 40 MB.
const maxRosterBytes = 48 << 20

// importOutcome is what a roster import reports, on the page and in the API.
type importOutcome struct {
	Imported int                `json:"imported"`
	Updated  int                `json:"updated"`
	Rejected []roster.Rejection `json:"rejected"`
	// Written says whether anything was stored: not when bad rows were
	// found and the officer did not choose to skip them.
	Written bool `json:"-"`
}

// importRoster parses an uploaded roster and, unless it has bad rows that
// were not to be skipped, writes it all or nothing. Rows the importer may
// not write (an NIP of their government held outside their subtree) are
// bad rows too.
func (s *Server) importRoster(ctx context.Context, a registry.Actor, orgID int64, body io.Reader, contentType, filename string, skipInvalid bool) (importOutcome, error) {
	res, err := roster.Parse(body, contentType, filename)
	if err != nil {
		return importOutcome{}, err
	}
	out := importOutcome{Rejected: res.Rejected}
	if out.Rejected == nil {
		out.Rejected = []roster.Rejection{}
	}
	if len(res.Rejected) > 0 && (!skipInvalid || len(res.Employees) == 0) {
		// Nothing to write: report the bad rows rather than an empty file.
		return out, nil
	}
	now := s.now()
	for i := range res.Employees {
		e := &res.Employees[i]
		if e.NIP == "" {
			e.NIP = nip.RegistryID(orgID, e.Name, e.Unit)
		}
		e.UpdatedAt = now
	}
	r, err := s.svc.ImportEmployees(ctx, a, orgID, res.Employees, skipInvalid)
	if err != nil {
		return out, err
	}
	for _, ref := range r.Refused {
		out.Rejected = append(out.Rejected, roster.Rejection{Row: res.Rows[ref.Index], NIP: ref.NIP, Reason: ref.Reason})
	}
	slices.SortFunc(out.Rejected, func(x, y roster.Rejection) int { return x.Row - y.Row })
	out.Imported, out.Updated, out.Written = r.Imported, r.Updated, r.Written
	return out, nil
}
