package issuance

import (
	"archive/zip"
	"cmp"
	"context"
	"runtime"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// zipJob is one certificate on its way into the ZIP.
type zipJob struct {
	sig   registry.Signature
	pdf   []byte
	fresh bool // rendered for the ZIP: to be stored with its batch
	token string
	err   error
	done  chan struct{}
}

// storeBatch is how many first issues a ZIP stores per transaction.
const storeBatch = 64

// ZIP renders the records q selects inside u's scope (revoked and erased ones left out)
// and writes them to zw in order, each PDF as soon as it is ready, so
// memory stays flat however large the event; base is the event's record. Reading the records, rendering and writing overlap: a producer
// reads, workers render — half the cores, so that an export leaves the
// rest to signing — and this goroutine writes. At most a few jobs are in
// flight, which bounds memory.
func (is *Issuer) ZIP(ctx context.Context, u registry.User, zw *zip.Writer, q registry.SignatureQuery, base Record) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(1, runtime.GOMAXPROCS(0)/2)
	work := make(chan *zipJob)
	order := make(chan *zipJob, 2*workers)
	var wg sync.WaitGroup
	var readErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(work)
		defer close(order)
		readErr = is.cfg.Service.EachSignature(ctx, u, q, func(sig registry.Signature) error {
			if sig.Revoked() || sig.Erased() {
				return nil
			}
			j := &zipJob{sig: sig, done: make(chan struct{})}
			for _, ch := range []chan *zipJob{order, work} {
				select {
				case ch <- j:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				is.renderZipJob(ctx, j, base)
				close(j.done)
			}
		}()
	}
	err := is.writeZipJobs(ctx, zw, order)
	cancel()
	for range order { // unblock the producer, then wait for everyone
	}
	wg.Wait()
	if err != nil {
		return err
	}
	return readErr
}

// renderZipJob reads one certificate from the store, or renders it if it
// was never issued. A first issue is stored with its batch rather than in
// a transaction of its own (an fsync per certificate).
func (is *Issuer) renderZipJob(ctx context.Context, j *zipJob, base Record) {
	r := base
	r.Sig = j.sig
	var ok bool
	if j.pdf, _, ok, j.err = is.Stored(ctx, r); ok || j.err != nil {
		return
	}
	if j.err = is.room(); j.err != nil {
		return
	}
	var p registry.IssuedPDF
	if p, j.err = is.RenderSigned(ctx, r); j.err == nil {
		j.pdf, j.token, j.fresh = p.PDF, p.ClaimToken, true
	}
}

// writeZipJobs writes the jobs in order as they finish and stores first
// issues a batch at a time. A render that lost a race with a download of
// the same record is not stored (the download's is), and is the same
// bytes: both are rendered by this build with the record's one claim and
// signed with the same key (Ed25519 signatures are deterministic), unless
// a key rotation fell between them.
func (is *Issuer) writeZipJobs(ctx context.Context, zw *zip.Writer, order <-chan *zipJob) error {
	batch := make([]registry.IssuedPDF, 0, storeBatch)
	flush := func() error {
		err := is.store.StorePDFs(ctx, batch)
		clear(batch)
		batch = batch[:0]
		return err
	}
	for j := range order {
		select {
		case <-j.done:
		case <-ctx.Done():
			// The producer may have queued j without handing it to a
			// worker.
			return ctx.Err()
		}
		if j.err != nil {
			return j.err
		}
		// The PDFs are compressed already: stored, they cost no CPU.
		f, err := zw.CreateHeader(&zip.FileHeader{Name: zipEntryName(j.sig), Method: zip.Store, Modified: j.sig.SignedAt})
		if err != nil {
			return err
		}
		if _, err := f.Write(j.pdf); err != nil {
			return err
		}
		if j.fresh {
			batch = append(batch, registry.IssuedPDF{SignatureID: j.sig.ID, PDF: j.pdf, SHA256: Fingerprint(j.pdf), ClaimToken: j.token})
			if len(batch) == storeBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// zipEntryName is where a certificate goes in the ZIP:
// "UNIT/NIP-NAME.pdf", in plain ASCII so that every unzip tool, Windows
// Explorer's included, shows the same names.
func zipEntryName(sig registry.Signature) string {
	return cmp.Or(FileSafe(sig.Unit, 60), "Tanpa-Unit") + "/" + FileSafe(sig.NIP+"-"+sig.Name, 100) + ".pdf"
}

// FileSafe reduces s to ASCII letters and digits joined by single hyphens,
// accents dropped ("André Siregar, S.H." → "Andre-Siregar-S-H"), at most
// n bytes.
func FileSafe(s string, n int) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
		if b.Len() >= n {
			break
		}
	}
	return strings.TrimRight(b.String()[:min(b.Len(), n)], "-")
}
