package web

import (
	"cmp"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/api"
	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/report"
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
		out.Rejected = append(out.Rejected, roster.Rejection{Row: res.Rows[ref.Index], NIP: ref.NIP,
			Reason: registry.ErrorMessage(ref.Reason), Problems: []error{ref.Reason}})
	}
	slices.SortFunc(out.Rejected, func(x, y roster.Rejection) int { return x.Row - y.Row })
	out.Imported, out.Updated, out.Written = r.Imported, r.Updated, r.Written
	return out, nil
}

func (s *Server) rosterImport(c *echo.Context) error {
	ctx := c.Request().Context()
	id, err := idParam(c)
	if err != nil {
		return err
	}
	org, err := s.svc.VisibleOrganization(ctx, s.actor(c).User, id)
	if err != nil {
		return err
	}
	fh, err := uploadedFile(c)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return err
	}
	if err != nil {
		return registry.Errorf(registry.EINVALID, "Pilih berkas CSV atau XLSX untuk diimpor.")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	// The file is read whole here, as parsing would: the request's
	// temporary file goes when the request ends, the job runs on.
	data, err := io.ReadAll(io.LimitReader(f, roster.MaxFileBytes+1))
	if err != nil {
		return err
	}
	slot, _ := c.Get(uploadSlotKey).(*uploadSlot)
	if slot == nil {
		return errors.New("roster import outside allowBody")
	}
	j, err := s.startImport(c, org, data, fh.Header.Get("Content-Type"), fh.Filename, c.FormValue("skip_invalid") != "", slot.keep())
	if err != nil {
		return err
	}
	return s.awaitImport(c, j)
}

// awaitImport waits a moment for a short import to end, then shows the
// job's page: its result, or its progress.
func (s *Server) awaitImport(c *echo.Context, j *importJob) error {
	if wait := s.opt.ImportWait; wait >= 0 {
		t := time.NewTimer(cmp.Or(wait, DefaultImportWait))
		defer t.Stop()
		select {
		case <-j.finished:
		case <-t.C:
		case <-c.Request().Context().Done():
		}
	}
	return c.Redirect(http.StatusSeeOther, "/admin/imports/"+j.id)
}

func (s *Server) apiImport(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	skip, _ := strconv.ParseBool(c.QueryParam("skip_invalid"))
	out, err := s.importRoster(c.Request().Context(), s.actor(c), id, c.Request().Body, c.Request().Header.Get(echo.HeaderContentType), "", skip, nil)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if !out.Written {
		status = http.StatusUnprocessableEntity
	}
	return c.JSON(status, out)
}

// rosterTemplate downloads an empty roster: the accepted headers and no
// row. An example row would be imported as a person by whoever forgets to
// delete it; the import page says what each column holds.
func (s *Server) rosterTemplate(format tableFormat) echo.HandlerFunc {
	return func(c *echo.Context) error {
		sep, err := format.separator(c)
		if err != nil {
			return err
		}
		var cols []report.Column
		for _, h := range roster.TemplateHeaders() {
			cols = append(cols, report.Column{Title: h, Width: float64(max(14, len(h)+4))})
		}
		w, err := format.open(c, sep, "templat-data-pegawai."+string(format), "Pegawai", cols)
		if err != nil {
			return err
		}
		return w.Close()
	}
}
