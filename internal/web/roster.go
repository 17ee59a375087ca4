package web

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"slices"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/api"
	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/roster"
)

// maxUploadBytes bounds an authorized upload's body: a roster file (see
// roster.MaxFileBytes; 200,000 rows of a SIASN export fit in about 40 MB)
// and the form around it.
const maxUploadBytes = roster.MaxFileBytes + 1<<20

// uploadMemory is how much of a multipart upload is kept in memory; the
// rest of the file waits in a temporary file.
const uploadMemory = 8 << 20

// authorizeRosterUpload lets through only users who may import the roster
// of the organization in the path, before anything reads the body.
func (s *Server) authorizeRosterUpload(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		if _, err := s.svc.AuthorizeRosterImport(c.Request().Context(), s.actor(c).User, id); err != nil {
			return err
		}
		return next(c)
	}
}

// authorizeParticipantUpload lets through only users who may replace the
// participant list of the event in the path, before anything reads the
// body.
func (s *Server) authorizeParticipantUpload(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		if _, _, err := s.svc.AuthorizeParticipantUpload(c.Request().Context(), s.actor(c).User, id); err != nil {
			return err
		}
		return next(c)
	}
}

// uploadedFile returns the file of an upload form's "file" field. A body
// over the limit is the client's error (413), not a missing file.
func uploadedFile(c *echo.Context) (*multipart.FileHeader, error) {
	if err := c.Request().ParseMultipartForm(uploadMemory); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, err
		}
	}
	return c.FormFile("file")
}

// importOutcome is what a roster import reports, on the page and in the API.
type importOutcome struct {
	api.ImportResult
	// Written says whether anything was stored: not when bad rows were
	// found and the officer did not choose to skip them.
	Written bool `json:"-"`
	// Valid is how many rows passed the file's own checks: what skipping
	// the bad rows would try to write.
	Valid int `json:"-"`
}

// importRoster parses an uploaded roster and, unless it has bad rows that
// were not to be skipped, writes it all or nothing. Rows the importer may
// not write (an NIP of their government held outside their subtree) are
// bad rows too.
func (s *Server) importRoster(ctx context.Context, a registry.Actor, orgID int64, body io.Reader, contentType, filename string, skipInvalid bool, progress registry.ImportProgress) (importOutcome, error) {
	res, err := roster.Parse(body, contentType, filename)
	if err != nil {
		return importOutcome{}, err
	}
	out := importOutcome{ImportResult: api.ImportResult{Rejected: res.Rejected}, Valid: len(res.Employees)}
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
	r, err := s.svc.ImportEmployees(ctx, a, orgID, res.Employees, skipInvalid, progress)
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
