package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v5"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// maxSignedBeritaAcara bounds the signed Berita Acara an officer uploads:
// the unsigned one is tens of KB, a signature with its certificate chain
// and timestamp adds a few hundred KB at most, a scan of the whole paper a
// few MB.
const maxSignedBeritaAcara = 20 << 20

// beritaRoutes are an event's witnesses and its signed Berita Acara.
func (s *Server) beritaRoutes(admin *echo.Group, uploadCSRF echo.MiddlewareFunc) {
	admin.POST("/events/:id/witnesses", s.witnessSave)
	admin.POST("/events/:id/witnesses/:witness", s.witnessSave)
	admin.POST("/events/:id/witnesses/:witness/delete", s.witnessDelete)
	admin.POST("/events/:id/berita-acara/signed", s.signedBeritaAcaraUpload, uploadCSRF, s.authorizePaperwork, s.largeBody)
	admin.GET("/events/:id/documents/:doc", s.eventDocument)
}

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
