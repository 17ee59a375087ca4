package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v5"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/report"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// maxSignedBeritaAcara bounds the signed Berita Acara an officer uploads:
// the unsigned one is tens of KB, a signature with its certificate chain
// and timestamp adds a few hundred KB at most, a scan of the whole paper a
// few MB.
const maxSignedBeritaAcara = 20 << 20

// witnessSave adds a witness, or edits the one in the path.
func (s *Server) witnessSave(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	w := registry.Witness{Name: c.FormValue("name"), Position: c.FormValue("position"), Institution: c.FormValue("institution")}
	if p := c.Param("witness"); p != "" {
		if w.ID, err = strconv.ParseInt(p, 10, 64); err != nil || w.ID <= 0 {
			return registry.Errorf(registry.ENOTFOUND, "Saksi tidak ditemukan.")
		}
	}
	if err := s.svc.SaveWitness(c.Request().Context(), s.actor(c), id, w); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/events/%d#saksi", id))
}

func (s *Server) witnessDelete(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	wid, err := strconv.ParseInt(c.Param("witness"), 10, 64)
	if err != nil {
		return registry.Errorf(registry.ENOTFOUND, "Saksi tidak ditemukan.")
	}
	if err := s.svc.DeleteWitness(c.Request().Context(), s.actor(c), id, wid); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/events/%d#saksi", id))
}

// authorizePaperwork lets through only users who may keep documents with
// the event in the path, before anything reads the body.
func (s *Server) authorizePaperwork(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		if err := s.svc.AuthorizeEventPaperwork(c.Request().Context(), s.actor(c), id); err != nil {
			return err
		}
		return next(c)
	}
}

// signedBeritaAcaraUpload keeps the Berita Acara as the signing service
// returned it. It must be a PDF that parses. One without an electronic
// signature (a scan of the paper signed in ink, or the wrong file from
// the signing service) is kept all the same, with a warning and marked
// as such: refusing it would leave the officer nothing to keep, while
// the log still fixes exactly which file was uploaded.
func (s *Server) signedBeritaAcaraUpload(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	fh, err := uploadedFile(c)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return registry.Errorf(registry.ETOOLARGE, "Berkas terlalu besar: paling besar %d MB.", maxSignedBeritaAcara>>20)
	case err != nil:
		return registry.Errorf(registry.EINVALID, "Pilih berkas PDF Berita Acara yang sudah ditandatangani.")
	case fh.Size > maxSignedBeritaAcara:
		return registry.Errorf(registry.ETOOLARGE, "Berkas terlalu besar: paling besar %d MB.", maxSignedBeritaAcara>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	pdf, err := io.ReadAll(io.LimitReader(f, maxSignedBeritaAcara+1))
	f.Close()
	if err != nil {
		return err
	}
	if len(pdf) > maxSignedBeritaAcara {
		return registry.Errorf(registry.ETOOLARGE, "Berkas terlalu besar: paling besar %d MB.", maxSignedBeritaAcara>>20)
	}
	if err := checkPDF(pdf); err != nil {
		return err
	}
	d := registry.EventDocument{HasSignature: hasSignature(pdf)}
	if _, err := s.svc.AddSignedBeritaAcara(c.Request().Context(), s.actor(c), id, d, pdf); err != nil {
		return err
	}
	notice := "kept"
	if !d.HasSignature {
		notice = "unsigned"
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/events/%d?ba=%s", id, notice)+"#ba")
}

var disablePDFConfigDir = sync.OnceFunc(api.DisableConfigDir) // else pdfcpu writes ~/.config/pdfcpu

// checkPDF refuses what is not a PDF: it must start as one and parse, in
// pdfcpu's relaxed mode, which reads what viewers read.
func checkPDF(b []byte) error {
	bad := registry.Errorf(registry.EINVALID, "Berkas ini bukan PDF yang dapat dibaca. Unggah PDF Berita Acara yang sudah ditandatangani.")
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		return bad
	}
	disablePDFConfigDir()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	if _, err := api.ReadContext(bytes.NewReader(b), conf); err != nil {
		return bad
	}
	return nil
}

// hasSignature reports whether a PDF holds an electronic signature: a
// signature dictionary's byte range. It is written in the file's last
// incremental update, outside any object stream, since the signature
// covers the bytes around it.
func hasSignature(b []byte) bool {
	return bytes.Contains(b, []byte("/ByteRange")) && bytes.Contains(b, []byte("/Sig"))
}

// eventDocument serves a kept document to those who see the event.
func (s *Server) eventDocument(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := s.actor(c).User
	e, org, err := s.svc.VisibleEvent(ctx, u, id)
	if err != nil {
		return err
	}
	docID, err := strconv.ParseInt(c.Param("doc"), 10, 64)
	if err != nil {
		return registry.Errorf(registry.ENOTFOUND, "Dokumen tidak ditemukan.")
	}
	d, pdf, err := s.svc.EventDocumentPDF(ctx, u, e, org, docID)
	if err != nil {
		return err
	}
	attachment(c, exportName("berita-acara-ttd", e, strconv.FormatInt(d.ID, 10), "pdf"), "application/pdf")
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

// documentJSON is a kept document as the public API gives it: what an
// outside verifier needs to recompute its leaf and prove it in the log.
type documentJSON struct {
	Purpose    string    `json:"purpose"`
	SHA256     string    `json:"sha256"`
	UploadedAt time.Time `json:"uploaded_at"`
	Signature  bool      `json:"electronic_signature"`
	Log        struct {
		Index    int64  `json:"index"`
		LeafHash string `json:"leaf_hash"`
		Preimage []byte `json:"preimage"`
	} `json:"log"`
}

// apiEventDocuments lists an event's kept documents, newest first, with
// their leaves and a signed checkpoint that covers them (docs/FORMATS.md
// §4). Like the public event page it holds no personal data: not who
// uploaded them.
func (s *Server) apiEventDocuments(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.svc.PublicEvent(ctx, id); err != nil {
		return err
	}
	docs, err := s.svc.PublicEventDocuments(ctx, id)
	if err != nil {
		return err
	}
	out := struct {
		Documents  []documentJSON `json:"documents"`
		Checkpoint string         `json:"checkpoint,omitempty"`
	}{Documents: []documentJSON{}}
	last := int64(-1)
	for _, d := range docs {
		j := documentJSON{Purpose: string(d.Purpose), SHA256: d.SHA256, UploadedAt: d.UploadedAt, Signature: d.HasSignature}
		e := leaf.Document(d)
		j.Log.Index, j.Log.LeafHash, j.Log.Preimage = d.LeafIndex, e.Hash().String(), e.Encode()
		out.Documents = append(out.Documents, j)
		last = max(last, d.LeafIndex)
	}
	if last >= 0 && s.tl.Checkpointer != nil {
		cp, err := s.latestCheckpoint(ctx, last)
		if err != nil {
			return err
		}
		out.Checkpoint = string(cp.Note)
	}
	return c.JSON(http.StatusOK, out)
}

// Officials the Berita Acara form offers rows for, and takes at most.
const (
	baFormRows    = 6
	baMaxOfficial = 12
)

// beritaAcaraForm asks for what the Berita Acara needs beyond the record:
// the letter number, place and date (from the event by default), and the
// officials present.
func (s *Server) beritaAcaraForm(c *echo.Context) error {
	e, org, err := s.requestEvent(c, "", "")
	if err != nil {
		return err
	}
	ba := report.BeritaAcara{Place: e.Place, Date: e.StartsAt.In(org.Location()),
		Officials: []report.Official{{Name: e.OfficialName, Position: e.OfficialPosition, NIP: e.OfficialNIP}}}
	if e.Mode == registry.ModeOnline {
		ba.Place = ""
	}
	return s.renderBeritaAcaraForm(c, http.StatusOK, e, org, ba, nil)
}

// renderBeritaAcaraForm shows the form filled with ba, and a message when
// what was sent could not be used.
func (s *Server) renderBeritaAcaraForm(c *echo.Context, status int, e registry.Event, org registry.Organization, ba report.BeritaAcara, msg error) error {
	rows := make([]report.Official, max(baFormRows, len(ba.Officials)+2))
	copy(rows, ba.Officials)
	date := ""
	if !ba.Date.IsZero() {
		date = ba.Date.Format("2006-01-02")
	}
	return s.render(c, status, "berita_acara_form", map[string]any{"Title": "Berita Acara", "E": e, "Org": org,
		"Number": ba.Number, "Place": ba.Place, "Date": date, "Officials": rows, "Error": msg})
}

// beritaAcaraPDF renders the Berita Acara from the form's values.
func (s *Server) beritaAcaraPDF(c *echo.Context) error {
	// Check the form before the export is recorded.
	e, org, err := s.requestEvent(c, "", "")
	if err != nil {
		return err
	}
	ba, err := parseBeritaAcara(c, org.Location())
	if err != nil {
		return s.renderBeritaAcaraForm(c, statusOf(registry.ErrorCode(err)), e, org, ba, err)
	}
	e, org, parts, err := s.scopedEvent(c, registry.ExportBeritaAcara, ba.Date.Format("2006-01-02"))
	if err != nil {
		return err
	}
	if ba.Pledge, err = s.svc.PublicPledge(c.Request().Context(), e.PledgeID); err != nil {
		return err
	}
	ba.EventHeader = report.EventHeader{Event: e, Org: org}
	if ba.Kop, err = s.issuer.Kop(c.Request().Context(), org); err != nil {
		return err
	}
	if _, ok := c.QueryParams()["nip"]; !ok {
		// A link made before the form asked for NIPs: the event's
		// official, as the form prefilled them, has the NIP entered with
		// the event.
		for i, o := range ba.Officials {
			if o.Name == e.OfficialName && o.Position == e.OfficialPosition {
				ba.Officials[i].NIP = e.OfficialNIP
			}
		}
	}
	ba.Units, ba.Generated = report.Units(parts), s.now()
	if ba.Witnesses, err = s.svc.Witnesses(c.Request().Context(), s.actor(c).User, e, org); err != nil {
		return err
	}
	if ba.Log, err = s.logPin(c.Request().Context(), parts); err != nil {
		return err
	}
	return sendPDF(c, exportName("berita-acara", e, "", "pdf"), func(w io.Writer) error { return report.WriteBeritaAcaraPDF(w, ba) })
}

// parseBeritaAcara reads the form: number, place, date and the officials
// as name, position and (optional) NIP rows, blank rows skipped.
func parseBeritaAcara(c *echo.Context, loc *time.Location) (report.BeritaAcara, error) {
	q := c.QueryParams()
	ba := report.BeritaAcara{Number: fold(q.Get("number")), Place: fold(q.Get("place"))}
	names, positions, nips := q["name"], q["position"], q["nip"]
	var missing, badNIP int
	var nipErr error
	for i := range min(max(len(names), len(positions), len(nips)), 2*baMaxOfficial) {
		o := report.Official{Name: fold(at(names, i)), Position: fold(at(positions, i)), NIP: strings.TrimSpace(at(nips, i))}
		if o.Name == "" && o.Position == "" && o.NIP == "" {
			continue
		}
		if (o.Name == "" || o.Position == "") && missing == 0 {
			missing = len(ba.Officials) + 1
		}
		// An official's NIP is optional, in any printed form; one that is
		// not an ASN's number is refused with its row.
		if n, err := nip.Official(o.NIP); err != nil {
			if badNIP == 0 {
				badNIP, nipErr = len(ba.Officials)+1, err
			}
		} else {
			o.NIP = n
		}
		ba.Officials = append(ba.Officials, o)
	}
	date, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(q.Get("date")), loc)
	switch {
	case err != nil:
		return ba, registry.Errorf(registry.EINVALID, "Tanggal Berita Acara wajib diisi (format 2024-10-23).")
	case utf8.RuneCountInString(ba.Number) > 100 || utf8.RuneCountInString(ba.Place) > 300:
		return ba, registry.Errorf(registry.EINVALID, "Nomor atau tempat terlalu panjang.")
	case missing > 0:
		return ba, registry.Errorf(registry.EINVALID, "Setiap pejabat yang hadir perlu nama dan jabatan (baris %d).", missing)
	case len(ba.Officials) > baMaxOfficial:
		return ba, registry.Errorf(registry.EINVALID, "Paling banyak %d pejabat.", baMaxOfficial)
	case badNIP > 0:
		return ba, registry.Errorf(registry.EINVALID, "NIP pejabat pada baris %d: %s", badNIP, nipErr)
	}
	for i, o := range ba.Officials {
		if utf8.RuneCountInString(o.Name) > 200 || utf8.RuneCountInString(o.Position) > 200 {
			return ba, registry.Errorf(registry.EINVALID, "Nama atau jabatan pejabat terlalu panjang (baris %d).", i+1)
		}
	}
	ba.Date = date
	return ba, nil
}

func at(vs []string, i int) string {
	if i < len(vs) {
		return vs[i]
	}
	return ""
}

func fold(s string) string { return strings.Join(strings.Fields(s), " ") }

// logPin is the checkpoint that covers the event's records (signatures and
// revocations): the latest the checkpointer signed, waited for a moment if
// the last record is newer. A registry whose signer refuses (docs/TRUST.md
// §12) serves an older one, which the paper then says does not cover them.
func (s *Server) logPin(ctx context.Context, parts []registry.Participant) (*report.LogPin, error) {
	if s.tl.Checkpointer == nil || s.tl.Keys == nil {
		return nil, nil
	}
	last := int64(-1)
	for _, p := range parts {
		if sig := p.Signature; sig != nil {
			last = max(last, sig.LeafIndex)
			if sig.Revocation != nil {
				last = max(last, sig.Revocation.LeafIndex)
			}
		}
	}
	cp, err := s.latestCheckpoint(ctx, last)
	if err != nil {
		return nil, err
	}
	note := cp.Note
	if stored, err := s.tl.Store.CheckpointAt(ctx, cp.Size); err == nil && stored.Root == cp.Root {
		note = stored.Note // cosigned since it was signed, perhaps
	}
	origin := s.tl.Keys.Name()
	return &report.LogPin{Origin: origin, Size: cp.Size, Root: base64.StdEncoding.EncodeToString(cp.Root[:]),
		Witnesses: translog.Cosigners(note, origin), Covered: last < cp.Size}, nil
}
