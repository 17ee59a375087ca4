package web

import (
	"context"
	"fmt"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// storeBackfillBatch is how many records StoreIssuedPDFs renders between
// commits: it bounds the memory the upgrade holds (some 40 KB a
// certificate) and the work a kill loses.
const storeBackfillBatch = 32

// StoreIssuedPDFs stores the certificates issued before issued
// certificates were kept, once, at the upgrade: each record with a
// fingerprint and no stored certificate is rendered with today's code and
// the claim as signed (Ed25519 signatures are deterministic, so signing
// the claim again with the key that signed it gives the same token), and
// the bytes are stored only if their SHA-256 is the recorded fingerprint.
// A record whose render differs (another toolchain, or a claim signed by a
// key rotated out since) is logged and marked (legacy_pdf_hash); it is
// rendered and stored afresh at its next download. Progress is the stored
// rows themselves: a run killed half-way resumes where it stopped. The
// QR text holds the base URL, so this runs in the server, which knows it.
// The bytes are stored as they were issued, without the signature over
// the PDF that certificates issued since carry: signing them now would
// change the fingerprint their holders have. Offline, `ikrar verify` says
// such a PDF has no embedded signature and must be checked online.
func (s *Server) StoreIssuedPDFs(ctx context.Context) (stored, unmatched int, err error) {
	var after int64
	for {
		sigs, err := s.store.UnstoredPDFs(ctx, after, storeBackfillBatch)
		if err != nil || len(sigs) == 0 {
			return stored, unmatched, err
		}
		bases := map[int64]record{} // by event
		batch := make([]registry.IssuedPDF, 0, len(sigs))
		for _, sig := range sigs {
			after = sig.ID
			if err := ctx.Err(); err != nil {
				return stored, unmatched, err
			}
			base, ok := bases[sig.EventID]
			if !ok {
				if base, err = s.loadRecord(ctx, sig); err != nil {
					return stored, unmatched, err
				}
				bases[sig.EventID] = base
			}
			r := base
			r.Sig = sig
			p, err := s.renderPDF(r)
			if err != nil {
				// One record that cannot be rendered must not hold up the
				// rest; its download will say why, and the next start
				// tries it again.
				s.log.Error("store issued certificate: render failed", "code", sig.Code, "err", err)
				continue
			}
			if p.SHA256 == sig.PDFHash {
				batch = append(batch, p)
				continue
			}
			s.log.Warn("issued certificate not reproduced: it is rendered and stored afresh at its next download",
				"code", sig.Code, "recorded_sha256", sig.PDFHash, "rendered_sha256", p.SHA256)
			if err := s.store.MarkPDFUnmatched(ctx, sig.ID); err != nil {
				return stored, unmatched, fmt.Errorf("mark certificate %s unmatched: %w", sig.Code, err)
			}
			unmatched++
		}
		if err := s.store.StorePDFs(ctx, batch); err != nil {
			return stored, unmatched, fmt.Errorf("store issued certificates: %w", err)
		}
		stored += len(batch)
	}
}
