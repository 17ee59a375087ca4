package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// signedRevocations is the revocation list as of one checkpoint, signed.
type signedRevocations struct {
	List translog.RevocationList
	Note []byte
	ETag string
}

// revocationLists signs the revocation list once per checkpoint size and
// keeps the latest, so serving it costs nothing per request.
type revocationLists struct {
	mu     sync.Mutex // one builder at a time
	latest atomic.Pointer[signedRevocations]
}

// revocationList returns the signed revocation list as of cp, building it
// if cp is newer than the one kept.
//
// Every list must contain the one before: a revocation is a leaf and the
// log only grows, so a code that drops out means its revocation row was
// deleted (or its leaf index moved) behind the registry's back. The
// registry then refuses to sign rather than un-revoke the certificate in
// a signed statement; the list it signed before stays served.
func (s *Server) revocationList(ctx context.Context, cp translog.SignedCheckpoint) (*signedRevocations, error) {
	rl := &s.revocations
	if l := rl.latest.Load(); l != nil && l.List.Size >= cp.Size {
		return l, nil
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	prev := rl.latest.Load()
	if prev != nil && prev.List.Size >= cp.Size {
		return prev, nil
	}
	// The leaves below the previous list's size were accounted for then;
	// a revocation row deleted since drops its code, checked below.
	var checked int64
	if prev != nil {
		checked = prev.List.Size
	}
	codes, err := s.tl.Store.RevokedCodes(ctx, checked, cp.Size)
	if errors.Is(err, translog.ErrUnclaimedLeaves) {
		return nil, errRowsTampered(err)
	}
	if err != nil {
		return nil, fmt.Errorf("revocation list as of checkpoint %d: %w", cp.Size, err)
	}
	list, err := translog.NewRevocationList(s.tl.Keys.Name(), cp.Size, codes)
	if err != nil {
		return nil, err
	}
	if prev != nil {
		for _, code := range prev.List.Codes {
			if !list.Revoked(code) {
				return nil, errRowsTampered(fmt.Errorf("revocation list as of checkpoint %d: certificate %s, revoked as of checkpoint %d, is no longer revoked in the database: its revocation row was deleted out of band",
					cp.Size, code, prev.List.Size))
			}
		}
	}
	msg, err := s.tl.Keys.SignRevocationList(list)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(msg)
	l := &signedRevocations{List: list, Note: msg, ETag: `"` + strconv.FormatInt(cp.Size, 10) + "-" + hex.EncodeToString(sum[:8]) + `"`}
	rl.latest.Store(l)
	return l, nil
}

// errListRefused marks the registry's refusal to sign a revocation list.
var errListRefused = errors.New("revocation list refused")

// errRowsTampered tells whoever asks for the list why there is none; the
// cause goes to the log.
func errRowsTampered(cause error) error {
	e := registry.Errorf(registry.EINTERNAL, "Daftar pencabutan tidak dapat ditandatangani: catatan di basis data tidak lagi sesuai dengan log transparansi. Pengelola registri harus menjalankan ikrar audit --data.")
	e.Err = fmt.Errorf("%w: %w", errListRefused, cause)
	return e
}

func (s *Server) apiRevocations(c *echo.Context) error {
	ctx := c.Request().Context()
	cp, err := s.latestCheckpoint(ctx, s.logHead(ctx))
	if err != nil {
		return err
	}
	l, err := s.revocationList(ctx, cp)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	// It changes with every checkpoint: clients revalidate, cheaply.
	h.Set(echo.HeaderCacheControl, "no-cache")
	h.Set("ETag", l.ETag)
	if c.Request().Header.Get("If-None-Match") == l.ETag {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", l.Note)
}

func (s *Server) adminRevoke(c *echo.Context) error {
	sig, err := s.svc.Revoke(c.Request().Context(), s.actor(c), c.Param("code"), c.FormValue("reason"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/certificates/"+sig.Code)
}

func (s *Server) apiRevoke(c *echo.Context) error {
	return s.apiRecordAction(c, s.svc.Revoke)
}

type revocationJSON struct {
	Reason    string    `json:"reason"`
	RevokedAt time.Time `json:"revoked_at"`
	// Log is the revocation's leaf, for outside recomputation.
	Log *leafRef `json:"log,omitempty"`
}
