package web

import (
	"context"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/registry"
	"golang.org/x/time/rate"
)

// UnpaceUploads lifts the uploads' pace (two a second, which no office
// outruns), for a test that imports dozens of rosters to fill a list and
// does not test the pace. The limiter is safe to change while serving.
func UnpaceUploads(s *Server) { s.uploadPace.SetLimit(rate.Inf) }

// GateImports makes every roster import job call gate at each step it
// reports, so that a test can hold a job where it wants to look at it.
func GateImports(s *Server, gate registry.ImportProgress) { s.importGate = gate }

// RenderPlainPDF renders the record with this code as certificates were
// issued before they were kept (and before issue 14's letterhead): in the
// plain layout, not signed over its bytes, with the record's claim.
func RenderPlainPDF(ctx context.Context, s *Server, code string) ([]byte, error) {
	sig, err := s.svc.Certificate(ctx, code)
	if err != nil {
		return nil, err
	}
	r, err := s.issuer.Record(ctx, sig)
	if err != nil {
		return nil, err
	}
	p, err := s.issuer.Render(r, certificate.LayoutPlain, certificate.Kop{})
	return p.PDF, err
}
