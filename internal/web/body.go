package web

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/roster"
	"github.com/ikrar-id/ikrar/internal/scan"
	"github.com/labstack/echo/v5"
)

// maxBodyBytes bounds every request body but an authorized upload's: a
// signing with a drawn signature is a few KB, a PNG at most a few hundred.
const maxBodyBytes = 1 << 20

// rawBodyKey holds the request body as the client sent it, for allowBody.
const rawBodyKey = "ikrar.rawbody"

// bigBody is what an upload route may receive past maxBodyBytes.
type bigBody struct {
	// max is the largest body, the form around the file included.
	max int64
	// oneAtATime makes the upload wait for the one upload turn
	// (uploadTurn) before its body is read.
	oneAtATime bool
	// tooLarge is the refusal of a body declared larger than max.
	tooLarge func() error
}

var (
	// rosterBody is a roster or participant file: the largest thing the
	// server reads and parses (48 MiB, and an XLSX may unpack to 256 MiB).
	// Parsed one at a time, imports cannot add up in memory or take the
	// processors from the signers, whoever sends them; they are rare and
	// take a second or two, so the next one waits its turn.
	rosterBody = bigBody{max: maxUploadBytes, oneAtATime: true, tooLarge: func() error {
		return registry.Errorf(registry.ETOOLARGE, "Berkas terlalu besar: paling besar %d MB.", roster.MaxFileBytes>>20)
	}}
	// beritaAcaraBody is a signed Berita Acara, whose signatures are
	// checked (pdfcpu) one upload at a time too.
	beritaAcaraBody = bigBody{max: maxSignedBeritaAcara + 1<<20, oneAtATime: true, tooLarge: func() error {
		return registry.Errorf(registry.ETOOLARGE, "Berkas terlalu besar: paling besar %d MB.", maxSignedBeritaAcara>>20)
	}}
	// scanBody is a paper signature: a scan and the few fields around it.
	scanBody = bigBody{max: scan.MaxBytes + 64<<10, tooLarge: func() error {
		return registry.Errorf(registry.ETOOLARGE, "Berkas pindaian terlalu besar (paling besar %d MB).", scan.MaxBytes>>20)
	}}
)

// upload registers a POST route whose body may grow as b allows. Its
// middleware m (the CSRF check of a page, and the authorization of the
// user on the organization or event in its path) runs first, then
// allowBody: only an authorized request has its body read past
// maxBodyBytes, and an anonymous client learns nothing from its declared
// length.
func (s *Server) upload(g *echo.Group, path string, h echo.HandlerFunc, b bigBody, m ...echo.MiddlewareFunc) {
	r := g.POST(path, h, append(m, s.allowBody(b))...)
	s.bigBodies[routeKey(r.Method, r.Path)] = true
}

func routeKey(method, path string) string { return method + " " + path }

// takesUpload reports whether the request's route was registered by
// upload.
func (s *Server) takesUpload(c *echo.Context) bool {
	return s.bigBodies[routeKey(c.Request().Method, c.Path())]
}

// bodyLimit bounds every request body to maxBodyBytes. An upload route's
// declared length is judged by allowBody, after authorization.
func (s *Server) bodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		req := c.Request()
		if req.ContentLength > maxBodyBytes && !s.takesUpload(c) {
			return echo.ErrStatusRequestEntityTooLarge
		}
		c.Set(rawBodyKey, req.Body)
		req.Body = http.MaxBytesReader(c.Response(), req.Body, maxBodyBytes)
		return next(c)
	}
}

// allowBody lets an authorized upload's body grow to b.max, waiting for
// the upload turn first if b asks. It must run before anything read the
// body under bodyLimit.
func (s *Server) allowBody(b bigBody) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			req := c.Request()
			raw, ok := c.Get(rawBodyKey).(io.ReadCloser)
			if !ok {
				return next(c)
			}
			if req.ContentLength > b.max {
				return b.tooLarge()
			}
			if b.oneAtATime {
				slot, err := s.uploadTurn(c)
				if err != nil {
					return err
				}
				defer slot.done()
				c.Set(uploadSlotKey, slot)
			}
			req.Body = http.MaxBytesReader(c.Response(), raw, b.max)
			return next(c)
		}
	}
}

// uploadTurn waits for the one import turn, at the uploads' pace; a
// request that waits longer than uploadWait gets 503. An import that reads
// no upload (one run again from a kept file) takes its turn here too.
func (s *Server) uploadTurn(c *echo.Context) (*uploadSlot, error) {
	ctx, cancel := context.WithTimeout(c.Request().Context(), uploadWait)
	defer cancel()
	busy := func() error {
		c.Response().Header().Set("Retry-After", "10")
		return registry.Errorf(registry.EBUSY, "Impor lain sedang diproses. Tunggu sebentar lalu unggah lagi.")
	}
	if err := s.uploadPace.Wait(ctx); err != nil {
		// Held until the deadline, as if it had waited its turn, so
		// that a script posting in a loop slows to the pace.
		<-ctx.Done()
		return nil, busy()
	}
	select {
	case s.uploads <- struct{}{}:
	case <-ctx.Done():
		return nil, busy()
	}
	return &uploadSlot{release: func() { <-s.uploads }}, nil
}

// uploadSlotKey holds the upload's *uploadSlot.
const uploadSlotKey = "ikrar.uploadslot"

// uploadSlot is an upload's turn. It ends with the request, unless the
// handler keeps it for work that runs on (a roster import job).
type uploadSlot struct {
	release func()
	kept    bool
}

// keep hands the turn over: the request no longer ends it, the returned
// func does, once.
func (u *uploadSlot) keep() func() {
	u.kept = true
	var once sync.Once
	return func() { once.Do(u.release) }
}

func (u *uploadSlot) done() {
	if !u.kept {
		u.release()
	}
}

// uploadWait is how long an upload waits for the one before it; at most
// uploadsPerSecond start a second (uploadBurst at once after a quiet
// spell), which no office imports faster than.
const (
	uploadWait       = 10 * time.Second
	uploadsPerSecond = 2
	uploadBurst      = 4
)
