package issuance

import (
	"context"
	"fmt"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// storeBackfillBatch is how many records StoreIssued renders between
// commits: it bounds the memory the upgrade holds (some 40 KB a
// certificate) and the work a kill loses.
const storeBackfillBatch = 32

// StoreIssued stores the certificates issued before issued
// certificates were kept, once, at the upgrade: each record with a
// fingerprint and no stored certificate is rendered with today's code and
// the claim as signed (Ed25519 signatures are deterministic, so signing
// the claim again with the key that signed it gives the same token), and
// the bytes are stored only if their SHA-256 is the recorded fingerprint.
// A record whose render differs (another toolchain, a claim signed by a
// key rotated out since, or a certificate issued before the QR encoder
// became rsc.io/qr, whose symbols differ from go-qrcode's) is logged and
// marked (legacy_pdf_hash); it is rendered and stored afresh at its next
// download, and the PDF it had issued still checks as an earlier issue. Progress is the stored
// rows themselves: a run killed half-way resumes where it stopped. The
// QR text holds the base URL, so this runs in the server, which knows it.
// The bytes are stored as they were issued, without the signature over
// the PDF that certificates issued since carry: signing them now would
// change the fingerprint their holders have. Offline, `ikrar verify` says
// such a PDF has no embedded signature and must be checked online.
func (is *Issuer) StoreIssued(ctx context.Context) (stored, unmatched int, err error) {
	var after int64
	for {
		sigs, err := is.store.UnstoredPDFs(ctx, after, storeBackfillBatch)
		if err != nil || len(sigs) == 0 {
			return stored, unmatched, err
		}
		bases := map[int64]Record{} // by event
		batch := make([]registry.IssuedPDF, 0, len(sigs))
		for _, sig := range sigs {
			after = sig.ID
			if err := ctx.Err(); err != nil {
				return stored, unmatched, err
			}
			base, ok := bases[sig.EventID]
			if !ok {
				if base, err = is.Record(ctx, sig); err != nil {
					return stored, unmatched, err
				}
				bases[sig.EventID] = base
			}
			r := base
			r.Sig = sig
			p, err := is.Render(r, certificate.LayoutPlain, certificate.Kop{})
			if err != nil {
				// One record that cannot be rendered must not hold up the
				// rest; its download will say why, and the next start
				// tries it again.
				is.cfg.Log.Error("store issued certificate: render failed", "code", sig.Code, "err", err)
				continue
			}
			if p.SHA256 == sig.PDFHash {
				batch = append(batch, p)
				continue
			}
			is.cfg.Log.Warn("issued certificate not reproduced: it is rendered and stored afresh at its next download",
				"code", sig.Code, "recorded_sha256", sig.PDFHash, "rendered_sha256", p.SHA256)
			if err := is.store.MarkPDFUnmatched(ctx, sig.ID); err != nil {
				return stored, unmatched, fmt.Errorf("mark certificate %s unmatched: %w", sig.Code, err)
			}
			unmatched++
		}
		if err := is.room(); err != nil {
			return stored, unmatched, err
		}
		if err := is.store.StorePDFs(ctx, batch); err != nil {
			return stored, unmatched, fmt.Errorf("store issued certificates: %w", err)
		}
		stored += len(batch)
	}
}

// roomMessage says why a certificate is not issued yet: its record is
// safe, and the room left is kept for signings.
const roomMessage = "Ruang disk server hampir penuh: sertifikat PDF ini belum dapat diterbitkan, agar ruang yang tersisa cukup untuk menyimpan tanda tangan. Catatan ikrar Anda tetap tersimpan; coba unduh lagi dalam beberapa menit."

// room refuses to issue a new certificate while the data directory's
// free space is below the PDF reserve, which is larger than the room
// /readyz asks for the database: certificates (some 40 KB each, kept for
// good) must never take the space signings need to commit. A certificate
// is not served unstored instead: its issuance is what the log records,
// and bytes served without it would later verify as not the issued PDF
// (docs/TRUST.md §1).
func (is *Issuer) room() error {
	free, err := is.cfg.FreeBytes()
	if err != nil {
		return fmt.Errorf("free space before storing a certificate: %w", err)
	}
	if free < is.cfg.ReserveBytes {
		return registry.Errorf(registry.EFULL, roomMessage)
	}
	return nil
}
