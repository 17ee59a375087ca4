// Package issuance issues certificates: it renders a record's PDF once
// (internal/certificate) with its signed QR claim, stores the bytes and
// their fingerprint for good, serves them from memory or the store after
// that, streams an event's certificates as a ZIP, and forgets the copies
// whose personal data is erased. The web handlers call it; it knows
// nothing of HTTP.
package issuance

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/metrics"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// Config is what an Issuer needs.
type Config struct {
	Service  *registry.Service
	Store    registry.Store
	Renderer *certificate.Renderer
	// Keys sign QR claims and the PDFs themselves.
	Keys *translog.Keyring
	// BaseURL is the registry's public address, which QR codes open.
	BaseURL string
	// CacheBytes bounds the certificates kept in memory (0: 16 MiB).
	CacheBytes int64
	// FreeBytes is the space left for the data directory; ReserveBytes
	// the least a new certificate leaves free.
	FreeBytes    func() (uint64, error)
	ReserveBytes uint64
	// Heavy runs a render in one of the server's CPU slots.
	Heavy   func(ctx context.Context, fn func() error) error
	Metrics *metrics.Metrics
	Log     *slog.Logger
}

// Issuer issues certificates and keeps the issued ones.
type Issuer struct {
	cfg   Config
	store registry.Store
	pdfs  *Cache
}

// New returns an Issuer.
func New(cfg Config) *Issuer {
	if cfg.Heavy == nil {
		cfg.Heavy = func(_ context.Context, fn func() error) error { return fn() }
	}
	if cfg.FreeBytes == nil {
		cfg.FreeBytes = func() (uint64, error) { return ^uint64(0), nil }
	}
	return &Issuer{cfg: cfg, store: cfg.Store, pdfs: NewCache(cmp.Or(cfg.CacheBytes, 16<<20))}
}

// CacheStats is how many certificates are in memory and their bytes.
func (is *Issuer) CacheStats() (entries int, bytes int64) { return is.pdfs.Stats() }

// Record is a signature with everything its pages and PDF show.
type Record struct {
	Sig    registry.Signature
	Event  registry.Event
	Org    registry.Organization
	Pledge registry.PledgeVersion
	// NoInk: Sig was read without its signature ink (registry.Service.Lookup).
	NoInk bool
}

// Record reads what a signature's pages and PDF show.
func (is *Issuer) Record(ctx context.Context, sig registry.Signature) (Record, error) {
	r := Record{Sig: sig}
	var err error
	if r.Event, err = is.store.Event(ctx, sig.EventID); err != nil {
		return r, fmt.Errorf("record %s event: %w", sig.Code, err)
	}
	if r.Org, err = is.store.Organization(ctx, r.Event.OrgID); err != nil {
		return r, fmt.Errorf("record %s organization: %w", sig.Code, err)
	}
	if r.Pledge, err = is.store.Pledge(ctx, r.Event.PledgeID); err != nil {
		return r, fmt.Errorf("record %s pledge: %w", sig.Code, err)
	}
	if sig.LeafVersion >= 2 {
		// What the record's leaf commits to is what its pages and PDF
		// show, not the event as edited since.
		r.Event.Title, r.Event.Place, r.Event.StartsAt = sig.EventTitle, sig.EventPlace, sig.EventStarts
		r.Org.Name = sig.EventOrg
	}
	if sig.Erased() {
		// Kept for the issuance leaf (sig.Issuance), never shown: it would
		// confirm a copy of the erased certificate.
		r.Sig.PDFHash = ""
	}
	return r, nil
}

// Issue returns a record's certificate as issued, with its
// fingerprint: from memory, from the store, or — the first time — rendered
// and stored, bytes and fingerprint in one commit. Once stored, the stored
// bytes are the certificate: nothing renders it again, so neither a key
// rotation nor another toolchain changes it.
func (is *Issuer) Issue(ctx context.Context, r Record) ([]byte, string, error) {
	pdf, hash, ok, err := is.Stored(ctx, r)
	if err != nil || ok {
		return pdf, hash, err
	}
	if err := is.room(); err != nil {
		return nil, "", err
	}
	if r.NoInk {
		sig, err := is.cfg.Service.Certificate(ctx, r.Sig.Code)
		if err != nil {
			return nil, "", err
		}
		r.Sig, r.NoInk = sig, false
	}
	p, err := is.RenderSigned(ctx, r)
	if err != nil {
		return nil, "", err
	}
	stored, err := is.store.StorePDF(ctx, p)
	if err != nil {
		return nil, "", fmt.Errorf("store certificate %s: %w", r.Sig.Code, err)
	}
	if !stored {
		// Stored by a download at the same moment, or erased since: what
		// the store holds (if anything) is the certificate.
		r.NoInk = true
		if pdf, hash, ok, err = is.Stored(ctx, r); err != nil || ok {
			return pdf, hash, err
		}
		is.pdfs.Drop(r.Sig.Code)
		return nil, "", ErasedError()
	}
	is.cfg.Metrics.PDFStored(len(p.PDF))
	is.pdfs.Put(r.Sig.Code, p.PDF, p.SHA256)
	return p.PDF, p.SHA256, nil
}

// Stored returns a record's stored certificate and its SHA-256, from
// memory or from the store; ok is false if none is stored yet.
func (is *Issuer) Stored(ctx context.Context, r Record) (pdf []byte, hash string, ok bool, err error) {
	if r.Sig.Erased() {
		is.pdfs.Drop(r.Sig.Code)
		return nil, "", false, ErasedError()
	}
	if pdf, hash, ok := is.pdfs.Get(r.Sig.Code); ok {
		return pdf, hash, true, nil
	}
	pdf, err = is.store.IssuedPDF(ctx, r.Sig.ID)
	if registry.IsCode(err, registry.ENOTFOUND) {
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, fmt.Errorf("read certificate %s: %w", r.Sig.Code, err)
	}
	hash = Fingerprint(pdf)
	is.pdfs.Put(r.Sig.Code, pdf, hash)
	return pdf, hash, true, nil
}

// Fingerprint is a certificate's fingerprint: the SHA-256 of its bytes,
// in hex.
func Fingerprint(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ErasedError says that a record's certificate is gone with its personal
// data.
func ErasedError() error {
	return registry.Errorf(registry.EGONE, "Data pribadi pada sertifikat ini telah dihapus atas permintaan yang sah; PDF-nya tidak lagi tersedia. Catatan ikrar tetap dapat diverifikasi.")
}

// Render renders a record's certificate with the QR claim signed for
// it (signing it now if the record has none yet), in the layout given
// (with kop, its letterhead, for the official one); it stores nothing.
// Only a certificate not yet stored is rendered. The PDF it returns is not
// signed over its bytes: that is how certificates issued before PDFs were
// signed look, which StoreIssued reproduces; an issue signs it
// (RenderSigned).
func (is *Issuer) Render(r Record, layout certificate.Layout, kop certificate.Kop) (registry.IssuedPDF, error) {
	if r.Sig.Erased() {
		return registry.IssuedPDF{}, ErasedError()
	}
	if r.NoInk {
		return registry.IssuedPDF{}, fmt.Errorf("render certificate %s: record read without its signature", r.Sig.Code)
	}
	qr, token, err := is.QRText(r.Sig)
	if err != nil {
		return registry.IssuedPDF{}, err
	}
	var pdf []byte
	start := time.Now()
	err = is.cfg.Heavy(context.Background(), func() (err error) {
		pdf, err = is.cfg.Renderer.Render(certificate.Certificate{
			Signature: r.Sig, Event: r.Event, Org: r.Org, Pledge: r.Pledge,
			QRText: qr, VerifyURL: is.cfg.BaseURL + "/v", Layout: layout, Kop: kop,
		})
		return err
	})
	is.cfg.Metrics.PDFRendered(time.Since(start), err)
	if err != nil {
		return registry.IssuedPDF{}, fmt.Errorf("render certificate %s: %w", r.Sig.Code, err)
	}
	return registry.IssuedPDF{SignatureID: r.Sig.ID, PDF: pdf, SHA256: Fingerprint(pdf), ClaimToken: token}, nil
}

// RenderSigned renders a record's certificate for issue: as Render
// does, then signed over its own bytes with the registry's current key,
// which must be inside its validity window (docs/FORMATS.md §6), so that
// `ikrar verify` can tell any change to the file with no network. The
// signed bytes are the certificate; their SHA-256 is its fingerprint. A
// stored certificate is never signed again. A certificate issued now has
// the official layout, with the organization's letterhead as it is now.
func (is *Issuer) RenderSigned(ctx context.Context, r Record) (registry.IssuedPDF, error) {
	kop, err := is.Kop(ctx, r.Org)
	if err != nil {
		return registry.IssuedPDF{}, fmt.Errorf("render certificate %s: %w", r.Sig.Code, err)
	}
	p, err := is.Render(r, certificate.LayoutOfficial, *kop)
	if err != nil {
		return p, err
	}
	signer, err := is.cfg.Keys.DocumentSigner()
	if err != nil {
		return registry.IssuedPDF{}, fmt.Errorf("sign certificate %s: %w", r.Sig.Code, err)
	}
	if p.PDF, err = certificate.SignPDF(p.PDF, r.Sig.Code, signer); err != nil {
		return registry.IssuedPDF{}, fmt.Errorf("sign certificate %s: %w", r.Sig.Code, err)
	}
	p.SHA256 = Fingerprint(p.PDF)
	return p, nil
}
